"""`leadtui audit`, `leadtui undo`, `leadtui backup`, `leadtui restore`."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import click

from leadtui.cli.core import Options, _fail, cli, dump, print_json, run


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value or " " in value else \
            datetime.combine(date.fromisoformat(value), time.min)
    except ValueError:
        _fail(f"{option}: '{value}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", 2)
    raise AssertionError


@cli.command()
@click.option("--since", help="From this date/time (YYYY-MM-DD[THH:MM], UTC).")
@click.option("--until", help="Up to this date (inclusive when a date).")
@click.option("--entity", help="Only this kind of record: contact, company, sale, lead_status ...")
@click.option("--id", "entity_id", type=int, help="Only this record (with --entity).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def audit(opts: Options, since: str | None, until: str | None, entity: str | None, entity_id: int | None,
          as_json: bool) -> None:
    """Who changed what and when, with old and new values."""
    from leadtui.services import audit as svc

    start = _day(since, "--since")
    end = _day(until, "--until")
    if end is not None and until is not None and "T" not in until and " " not in until:
        end += timedelta(days=1)
    if entity and entity_id is not None:
        entries = run(opts, lambda db: svc.for_record(db, entity, entity_id), needs_user=False)
    else:
        entries = run(opts, lambda db: svc.in_range(db, start, end), needs_user=False)
        if entity:
            entries = [e for e in entries if e.entity == entity]
    if as_json:
        print_json(dump(entries))
        return
    for entry in entries:
        if entry.action == "bulk":
            detail = f"{entry.changes.get('field')} -> {entry.changes.get('new')} on " \
                     f"{sum(len(ids) for _old, ids in entry.changes.get('old', []))} records"
        else:
            detail = ", ".join(f"{field}: {old!r} -> {new!r}" for field, (old, new) in entry.changes.items()
                               if entry.action == "update") or ""
        undone = "  (undone)" if entry.undone else ""
        target = f"{entry.entity} {entry.entity_id}" if entry.entity_id is not None else entry.entity
        click.echo(f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.user or '-':<12} {entry.action:<6} {target}  {detail}{undone}")


@cli.command()
@click.option("--dry-run", is_flag=True, help="Only say what would be undone.")
@click.pass_obj
def undo(opts: Options, dry_run: bool) -> None:
    """Undo your last change, if nobody changed those records since."""
    from leadtui.services import audit as svc

    if dry_run:
        last = run(opts, lambda db, actor: svc.last_undoable(db, actor))
        click.echo(f"Would undo: {last.description}" if last else "Nothing to undo.")
        return
    result = run(opts, lambda db, actor: svc.undo_last(db, actor))
    click.echo(f"Undone: {result.description}")


@cli.command()
@click.argument("file")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def backup(opts: Options, file: str, force: bool) -> None:
    """Write a consistent copy of the database to FILE while others keep working.

    SQLite: the online backup API. PostgreSQL: pg_dump --format=custom (restore with leadtui restore).
    """
    from leadtui.services import backup as svc

    written = run(opts, lambda db, actor: svc.backup(db, actor, file, force=force))
    click.echo(f"Backed up to {written}")


@cli.command()
@click.argument("file")
@click.option("--force", is_flag=True, help="Overwrite the existing database.")
@click.pass_obj
def restore(opts: Options, file: str, force: bool) -> None:
    """Replace the database with the backup FILE (refuses to overwrite without --force)."""
    from leadtui.services import backup as svc
    from leadtui.services import database
    from leadtui.services.errors import DomainError

    settings = opts.settings()
    url = settings.resolved_database_url()

    async def go() -> None:
        initialised = False
        try:
            db = await database.connect(url)
            try:
                initialised = await database.is_initialised(db)
                if initialised:
                    actor = await database.resolve_actor(db, settings.resolved_user())
                    svc._require_admin(actor)
            finally:
                await db.dispose()
        except DomainError:
            if force:  # a broken database may be replaced by force
                initialised = True
            else:
                raise
        await svc.restore(url, file, force=force, initialised=initialised)
        db = await database.connect(url)  # brings an older backup's schema up to date
        await db.dispose()

    try:
        asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(f"Restored {file}")
