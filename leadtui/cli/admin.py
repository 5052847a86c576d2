"""`leadtui audit`, `leadtui undo`, `leadtui backup`, `leadtui restore`."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, _fail, cli, dump, print_json, run
from leadtui.i18n import _
from leadtui.i18n.format import date_hint, format_datetime, parse_date, time_hint


def _day(value: str | None, option: str) -> datetime | None:
    """A date or a date and time as the audit list shows it (04.01.2027 14:05 in Danish), or ISO (2027-01-04T14:05)."""
    if value is None:
        return None
    try:
        return (
            datetime.fromisoformat(value)
            if "T" in value or " " in value.strip()
            else datetime.combine(date.fromisoformat(value), time.min)
        )
    except ValueError:
        pass
    day_text, _space, time_text = value.strip().partition(" ")
    try:
        return datetime.combine(parse_date(day_text), time.fromisoformat(time_text.strip()) if time_text else time.min)
    except ValueError:
        _fail(
            _("{option}: '{value}' is not a date ({date} or {date} {time})").format(
                option=option, value=value, date=date_hint(), time=time_hint()
            ),
            2,
        )
    raise AssertionError


@cli.command(help=_("Who changed what and when, with old and new values."))
@click.option("--since", help=_("From this date, or date and time ({date} or {date} {time}, UTC)."))
@click.option("--until", help=_("Up to this date (inclusive when a date)."))
@click.option(
    "--entity",
    help=_(
        "Only this kind of record: contact, company, sale, lead_status ... (session: sign-ins to leadtui serve ssh)."
    ),
)
@click.option("--id", "entity_id", type=int, help=_("Only this record (with --entity)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def audit(
    opts: Options, since: str | None, until: str | None, entity: str | None, entity_id: int | None, as_json: bool
) -> None:
    from leadtui.services import audit as svc

    start = _day(since, "--since")
    end = _day(until, "--until")
    if end is not None and until is not None and "T" not in until and ":" not in until:
        end += timedelta(days=1)
    if entity and entity_id is not None:
        entries = run(opts, lambda db: svc.for_record(db, entity, entity_id), needs_user=False)
    else:  # newest first, in words (services/audit.py); --json keeps the raw values beside the words
        entries = run(opts, lambda db: svc.in_range(db, start, end, entity=entity or None), needs_user=False)
    if as_json:
        print_json(dump(entries))
        return
    table = []
    for entry in entries:
        detail = entry.summary
        if entry.entity == "session":  # served sessions (leadtui serve ssh): which key, from where, why
            detail += "  " + "  ".join(
                str(entry.changes.get(key)) for key in ("fingerprint", "address", "reason") if entry.changes.get(key)
            )
        elif entry.action == "update" and len(entry.details) > 1:
            detail += ": " + "; ".join(f"{d.label}: {d.old} → {d.new}" for d in entry.details)
        undone = "  " + _("(undone)") if entry.undone else ""
        table.append([format_datetime(entry.at), entry.user_name or entry.user or "-", detail.strip() + undone])
    print_table([Column(_("When")), Column(_("User"), 20), Column(_("Change"))], table)


@cli.command(help=_("Undo your last change, if nobody changed those records since."))
@click.option("--dry-run", is_flag=True, help=_("Only say what would be undone."))
@click.pass_obj
def undo(opts: Options, dry_run: bool) -> None:
    from leadtui.services import undo as svc

    if dry_run:
        last = run(opts, lambda db, actor: svc.last_undoable(db, actor))
        click.echo(_("Would undo: {what}").format(what=last.description) if last else _("Nothing to undo."))
        return
    result = run(opts, lambda db, actor: svc.undo_last(db, actor))
    click.echo(_("Undone: {what}").format(what=result.description))


@cli.command(
    help=_(
        "Write a consistent copy of the database to FILE while others keep working.\n\nSQLite: the online backup API. PostgreSQL: pg_dump --format=custom (restore with leadtui restore)."
    )
)
@click.argument("file")
@click.option("--force", is_flag=True, help=_("Overwrite FILE if it exists."))
@click.pass_obj
def backup(opts: Options, file: str, force: bool) -> None:
    from leadtui.services import backup as svc

    written = run(opts, lambda db, actor: svc.backup(db, actor, file, force=force))
    click.echo(_("Backed up to {file}").format(file=written))


@cli.command(help=_("Replace the database with the backup FILE (refuses to overwrite without --force)."))
@click.argument("file")
@click.option("--force", is_flag=True, help=_("Overwrite the existing database."))
@click.pass_obj
def restore(opts: Options, file: str, force: bool) -> None:
    from leadtui.services import backup as svc
    from leadtui.services import database, rights
    from leadtui.services.errors import DomainError

    settings = opts.settings()
    url = settings.resolved_database_url()

    async def go() -> None:
        # only an active administrator of the database (or, when it cannot be read as leadtui's, whoever may
        # write it) replaces it; the check reads the database without changing it
        right = await rights.ensure_may_replace_database(url, settings.resolved_user())
        await svc.restore(url, file, force=force, initialised=right.existing)
        db = await database.connect(url)  # brings an older backup's schema up to date
        await db.dispose()

    try:
        asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(_("Restored {file}").format(file=file))
