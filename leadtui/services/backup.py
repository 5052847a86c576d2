"""Backup and restore while others keep working.

SQLite: the online backup API copies a consistent snapshot page by page (writers are not stopped).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` (both must be on PATH).
Backups are written to a temporary file beside the target and renamed when complete; restores check the whole
backup (integrity, schema version) before they touch the database, and replace it in one transaction.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import cast

from sqlalchemy.engine import make_url

from leadtui.i18n import _
from leadtui.model import migrate
from leadtui.model.engine import Database, is_sqlite, sqlite_path
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may back up or restore (missing right: General administrator)."),
            right="General administrator",
        )


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path, *, one_step: bool = False) -> None:
    """Copy a database with SQLite's backup API. Into a new file: a self-contained copy (no -wal/-shm needed).
    Into a live database (`one_step`: restore), in one step, i.e. one write transaction: other connections see the
    old or the new database, never a mix, and a killed restore is rolled back when the database is next opened."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        if one_step:
            src.backup(dst)  # pages=-1: everything in one step
        else:
            src.backup(dst, pages=1024, sleep=0.005)
            dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove(*paths: Path) -> None:
    for path in paths:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            except OSError:
                pass


def _cannot(action: str, file: Path | str, exc: OSError) -> RuleViolation:
    reason = exc.strerror or type(exc).__name__
    if action == "write":
        message = _("Cannot write {file}: {reason}.")
    else:
        message = _("Cannot read {file}: {reason}.")
    return RuleViolation(message.format(file=file, reason=reason), field="file")


def _temporary_beside(target: Path, purpose: str) -> Path:
    """A new empty file in the target's folder (a short name: the target's own may be near the length limit),
    so that the final rename stays on one file system. Refuses, naming the file, when the folder is not writable."""
    tmp = target.parent / f".leadtui-{purpose}-{os.getpid()}-{uuid.uuid4().hex[:8]}.part"
    try:
        with open(tmp, "xb"):
            pass
    except OSError as exc:
        raise _cannot("write", target, exc) from None
    return tmp


def _check_sqlite_copy(path: Path, shown: Path) -> str:
    """The whole file is sound (`PRAGMA integrity_check`) and is a leadtui database of a schema this program
    knows; returns its schema revision."""
    try:
        conn = sqlite3.connect(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(3)")]
            if problems != ["ok"]:
                raise RuleViolation(
                    _("The backup is damaged (SQLite integrity check: {problem}); nothing was restored.").format(
                        problem=" ".join(str(problems[0]).split())
                    ),
                    field="file",
                )
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("SELECT language FROM database_info").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RuleViolation(
            _("{file} is not a leadtui backup ({reason}).").format(file=shown, reason=" ".join(str(exc).split())),
            field="file",
        ) from None
    if revision is None:
        raise RuleViolation(
            _("{file} is not a leadtui backup ({reason}).").format(file=shown, reason=_("no schema version")),
            field="file",
        )
    _check_revision(revision[0])
    return cast(str, revision[0])


def _check_revision(revision: str) -> None:
    if revision not in migrate.known_revisions():
        raise RuleViolation(
            _(
                "The backup was written by a newer leadtui (schema {rev}); upgrade leadtui to restore it. "
                "Nothing was restored."
            ).format(rev=revision),
            field="file",
        )


def _backup_target(file: str, force: bool) -> Path:
    target = Path(file).expanduser().absolute()
    try:
        if target.is_dir():
            raise RuleViolation(
                _("Cannot write {file}: it is a folder; name a file in it.").format(file=target), field="file"
            )
        if target.exists() and not force:
            raise RuleViolation(_("{file} exists; use --force to overwrite it.").format(file=target), field="file")
        if not target.parent.is_dir():
            raise RuleViolation(_("Cannot write {file}: no such directory.").format(file=target), field="file")
    except OSError as exc:  # a name too long, a folder that cannot be entered
        raise _cannot("write", target, exc) from None
    return target


async def backup(db: Database, actor: Actor, file: str, *, force: bool = False) -> str:
    """Write a consistent copy of the database to `file`: first to a temporary file beside it, renamed to `file`
    only when complete, so that an interrupted backup never leaves a partial file under the final name."""
    _require_admin(actor)
    target = _backup_target(file, force)
    sqlite = is_sqlite(db.url)
    if sqlite:
        source = sqlite_path(db.url)
        assert source is not None
        if target == source.absolute():
            raise RuleViolation(_("The backup file must not be the database itself."), field="file")
        tool = None
    else:
        tool = shutil.which("pg_dump")
        if not tool:
            raise RuleViolation(_("pg_dump is not installed: install the PostgreSQL client tools."), field="file")
    tmp = _temporary_beside(target, "backup")
    try:
        if sqlite:
            assert source is not None
            try:
                await asyncio.to_thread(_sqlite_copy, source, tmp)
            except sqlite3.Error as exc:
                raise RuleViolation(
                    _("Backup failed: {error}").format(error=" ".join(str(exc).split())), field="file"
                ) from None
        else:
            assert tool is not None
            result = await asyncio.to_thread(
                subprocess.run,
                [tool, "--format=custom", "--no-owner", f"--file={tmp}", _libpq_url(db.url)],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise RuleViolation(_("pg_dump failed: {error}").format(error=_last_line(result.stderr)), field="file")
        await asyncio.to_thread(_fsync, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise _cannot("write", target, exc) from None
    finally:
        _remove(tmp)
    return str(target)


def _last_line(output: str) -> str:
    """The tool's first error, in one line, without the SQL it ran ("Command was: ...") or its name."""
    lines = [line.strip() for line in (output or "").strip().splitlines() if line.strip()]
    errors = [line for line in lines if ": error:" in line] or [
        line for line in lines if not line.startswith(("Command was:", "LINE "))
    ]
    text = errors[0] if errors else ""
    for tool in ("pg_restore: ", "pg_dump: "):
        text = text.removeprefix(tool)
    return text[:300]


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if not tool:
        raise RuleViolation(
            _("{tool} is not installed: install the PostgreSQL client tools.").format(tool=name), field="file"
        )
    return tool


def _check_pg_archive(source: Path) -> None:
    """Before anything is restored: the archive's table of contents (`pg_restore --list`), every data block
    (a restore to /dev/null reads and decompresses them all) and its schema version (alembic_version's row)."""
    pg_restore = _pg_tool("pg_restore")

    def refuse(output: str) -> RuleViolation:
        return RuleViolation(
            _("{file} is not a readable leadtui backup ({reason}); nothing was restored.").format(
                file=source, reason=_last_line(output)
            ),
            field="file",
        )

    listing = subprocess.run([pg_restore, "--list", str(source)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise refuse(listing.stderr)
    if not any(" alembic_version " in line and "TABLE DATA" in line for line in listing.stdout.splitlines()):
        raise refuse(_("no schema version"))
    whole = subprocess.run([pg_restore, "--file=/dev/null", str(source)], capture_output=True, text=True)
    if whole.returncode != 0:
        raise refuse(whole.stderr)
    version = subprocess.run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(source)], capture_output=True, text=True
    )
    lines = version.stdout.splitlines()
    rows = [
        lines[i + 1].strip()
        for i, line in enumerate(lines[:-1])
        if line.startswith("COPY ") and "alembic_version" in line
    ]
    if version.returncode != 0 or not rows or rows[0] == "\\.":
        raise refuse(version.stderr or _("no schema version"))
    _check_revision(rows[0])


async def _restore_sqlite(target: Path, source: Path) -> None:
    """Copy the backup beside the target, check the copy, bring an older schema up to date on the copy, then copy
    it into the target in one transaction. Nothing touches the target before every check has passed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot("write", target, exc) from None
    if target.exists() and target.resolve() == source.resolve():
        raise RuleViolation(_("The backup file must not be the database itself."), field="file")
    tmp = _temporary_beside(target, "restore")
    try:
        try:
            await asyncio.to_thread(_sqlite_copy, source, tmp)
        except sqlite3.DatabaseError as exc:
            raise RuleViolation(
                _("{file} is not a leadtui backup ({reason}).").format(file=source, reason=" ".join(str(exc).split())),
                field="file",
            ) from None
        revision = await asyncio.to_thread(_check_sqlite_copy, tmp, source)
        if revision != migrate.HEAD:  # an older backup: upgraded on the copy, so the target only gets a current one
            copy = Database(f"sqlite+aiosqlite:///{tmp}")
            try:
                await migrate.upgrade(copy)
            finally:
                await copy.dispose()
        try:
            await asyncio.to_thread(_sqlite_copy, tmp, target, one_step=True)
        except sqlite3.Error as exc:
            raise RuleViolation(
                _("Restore failed, the database is unchanged: {error}").format(error=" ".join(str(exc).split())),
                field="file",
            ) from None
    except OSError as exc:
        raise _cannot("write", target, exc) from None
    finally:
        _remove(tmp)


async def restore(url: str, file: str, *, force: bool, initialised: bool) -> None:
    """Replace the database at `url` with the backup `file`. Refuses an existing database without force.

    The whole backup is checked before the database is touched: SQLite `PRAGMA integrity_check`, PostgreSQL
    `pg_restore --list` and a full read; a backup from a newer leadtui is refused. The database is replaced in one
    transaction (all or nothing)."""
    source = Path(file).expanduser().absolute()
    try:
        if source.is_dir():
            raise RuleViolation(_("{file} is a folder, not a backup file.").format(file=source), field="file")
        if not source.is_file():
            raise RuleViolation(_("No such backup file: {file}").format(file=source), field="file")
        with open(source, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise _cannot("read", source, exc) from None
    if initialised and not force:
        raise RuleViolation(
            _("Restoring would overwrite the database with the backup; use --force to do it."), field="force"
        )
    if is_sqlite(url):
        target = sqlite_path(url)
        assert target is not None
        await _restore_sqlite(target.absolute(), source)
        return
    try:
        await asyncio.to_thread(_check_pg_archive, source)
        pg_restore = _pg_tool("pg_restore")
        result = await asyncio.to_thread(
            subprocess.run,
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq_url(url)}",
                str(source),
            ],
            capture_output=True,
            text=True,
        )
    except OSError as exc:
        raise _cannot("read", source, exc) from None
    if result.returncode != 0:  # one transaction: nothing was changed
        raise RuleViolation(
            _("pg_restore failed, the database is unchanged: {error}").format(error=_last_line(result.stderr)),
            field="file",
        )
