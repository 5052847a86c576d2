"""Backup and restore while others keep working.

SQLite: the online backup API copies a consistent snapshot page by page (writers are not stopped).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` (both must be on PATH).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from leadtui.i18n import _
from leadtui.model.engine import Database, is_sqlite, sqlite_path
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may back up or restore (missing right: General administrator)."),
                               right="General administrator")


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=1024, sleep=0.005)
    finally:
        dst.close()
        src.close()


def _check_leadtui_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("SELECT language FROM database_info").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RuleViolation(_("{file} is not a leadtui backup ({reason}).").format(file=path, reason=exc),
                            field="file") from None


async def backup(db: Database, actor: Actor, file: str, *, force: bool = False) -> str:
    _require_admin(actor)
    target = Path(file).expanduser().absolute()
    if target.exists() and not force:
        raise RuleViolation(_("{file} exists; use --force to overwrite it.").format(file=target), field="file")
    if not target.parent.is_dir():
        raise RuleViolation(_("Cannot write {file}: no such directory.").format(file=target), field="file")
    if is_sqlite(db.url):
        source = sqlite_path(db.url)
        assert source is not None
        if target == source:
            raise RuleViolation(_("The backup file must not be the database itself."), field="file")
        tmp = target.with_name(target.name + ".part")
        tmp.unlink(missing_ok=True)
        await asyncio.to_thread(_sqlite_copy, source, tmp)
        tmp.replace(target)
        return str(target)
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise RuleViolation(_("pg_dump is not installed: install the PostgreSQL client tools."), field="file")
    result = await asyncio.to_thread(
        subprocess.run, [pg_dump, "--format=custom", "--no-owner", f"--file={target}", _libpq_url(db.url)],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuleViolation(_("pg_dump failed: {error}").format(error=result.stderr.strip().splitlines()[-1:]),
                            field="file")
    return str(target)


async def restore(url: str, file: str, *, force: bool, initialised: bool) -> None:
    """Replace the database at `url` with the backup `file`. Refuses an existing database without force."""
    source = Path(file).expanduser().absolute()
    if not source.is_file():
        raise RuleViolation(_("No such backup file: {file}").format(file=source), field="file")
    if initialised and not force:
        raise RuleViolation(_("Restoring would overwrite the database with the backup; use --force to do it."),
                            field="force")
    if is_sqlite(url):
        target = sqlite_path(url)
        assert target is not None
        _check_leadtui_file(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(_sqlite_copy, source, target)
        return
    pg_restore = shutil.which("pg_restore")
    if not pg_restore:
        raise RuleViolation(_("pg_restore is not installed: install the PostgreSQL client tools."), field="file")
    result = await asyncio.to_thread(
        subprocess.run, [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                         f"--dbname={_libpq_url(url)}", str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuleViolation(_("pg_restore failed: {error}").format(error=result.stderr.strip().splitlines()[-1:]),
                            field="file")
