"""Bring a database to the newest schema: run automatically whenever the program opens one.

Opening an up-to-date database reads alembic_version with plain SQL and compares it with HEAD, so Alembic is
imported only when a migration has to run (it costs a quarter of a second at start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from leadtui.model.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def _newest_file_revision() -> str:
    """Revision ids are the four digits that start each file name in migrations/versions (0001_initial_schema.py),
    so the newest one is known without importing Alembic (tests/services/test_database.py checks the rule)."""
    names = [p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(names)


HEAD = _newest_file_revision()


def known_revisions() -> set[str]:
    """Every schema revision this program can open (and upgrade): the migration files' four-digit ids."""
    return {p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")}


class SchemaTooNew(Exception):
    """The database was written by a newer leadtui than this one."""


def _config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection, cfg: "Config") -> None:
    from alembic import command

    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(_current)


async def _quick_revision(db: Database) -> str | None:
    """alembic_version read with plain SQL; None when the table does not exist yet."""
    async with db.engine.connect() as connection:
        has_table = await connection.run_sync(lambda sync: sync.dialect.has_table(sync, "alembic_version"))
        if not has_table:
            return None
        return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()


# how long a process waits for another one that is upgrading the same database (a big SQLite file takes a while)
UPGRADE_WAIT_SECONDS = 600
_PG_UPGRADE_LOCK = 7_316_009  # pg_advisory_xact_lock key: one upgrade at a time per PostgreSQL database


def _is_locked(exc: BaseException) -> bool:
    return "database is locked" in str(exc) or "database is busy" in str(exc)


def _is_empty(connection: Connection) -> bool:
    from sqlalchemy import inspect

    return not [name for name in inspect(connection).get_table_names() if not name.startswith("sqlite_")]


def _create_newest(connection: Connection) -> None:
    """A new database gets the newest schema from the model in one go, stamped HEAD: running every migration
    (table rebuilds included) took seconds. tests/services/test_migrations_history.py checks that the migrations
    and the model make the same schema."""
    from alembic.runtime.migration import MigrationContext

    from leadtui.model.tables import Base

    Base.metadata.create_all(connection)
    context = MigrationContext.configure(connection)
    context._ensure_version_table()
    connection.execute(context._version.insert().values(version_num=HEAD))


def _upgrade_serialized(connection: Connection, cfg: "Config", head: str | None, known: set[str]) -> bool:
    """Take the database's write lock, then re-read the revision: a process that waited for another one's upgrade
    finds the schema current and does nothing. SQLite: BEGIN IMMEDIATE (retried while another upgrade holds it),
    with foreign keys off, as table rebuilds require (the pragma cannot change inside a transaction).
    PostgreSQL: a transaction-scoped advisory lock."""
    import time

    from sqlalchemy.exc import OperationalError

    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.dbapi_connection
    assert raw is not None  # an open connection has its DBAPI connection
    if sqlite:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.close()
    try:
        deadline = time.monotonic() + UPGRADE_WAIT_SECONDS
        while True:
            try:
                transaction = connection.execution_options(leadtui_write=True).begin()  # BEGIN IMMEDIATE on SQLite
                break
            except OperationalError as exc:
                if not (sqlite and _is_locked(exc)) or time.monotonic() > deadline:
                    raise
        with transaction:
            if not sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
            current = _current(connection)
            if current == head:
                return False
            if current is not None and current not in known:
                raise SchemaTooNew(current)
            if current is None and _is_empty(connection):
                _create_newest(connection)
            else:
                _upgrade(connection, cfg)
        return True
    finally:
        if sqlite:
            cursor = raw.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()


async def upgrade(db: Database) -> bool:
    """Upgrade to head when behind; return True when something ran. Refuses a database newer than the code.
    Processes that open an old database at the same moment upgrade it once, one after the other."""
    if await _quick_revision(db) == HEAD:
        return False
    from alembic.script import ScriptDirectory

    cfg = _config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}
    current = await current_revision(db)
    if current == head:
        return False
    if current is not None and current not in known:
        raise SchemaTooNew(current)
    async with db.engine.connect() as connection:
        return await connection.run_sync(_upgrade_serialized, cfg, head, known)
