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

MIGRATIONS = Path(__file__).parent / "migrations"


def _newest_file_revision() -> str:
    """Revision ids are the four digits that start each file name in migrations/versions (0001_initial_schema.py),
    so the newest one is known without importing Alembic (tests/services/test_database.py checks the rule)."""
    names = [p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(names)


HEAD = _newest_file_revision()


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


def _current(connection) -> str | None:  # noqa: ANN001
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection, cfg: "Config") -> None:  # noqa: ANN001
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


async def upgrade(db: Database) -> bool:
    """Upgrade to head when behind; return True when something ran. Refuses a database newer than the code."""
    if await _quick_revision(db) == HEAD:
        return False
    from alembic.script import ScriptDirectory

    cfg = _config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    current = await current_revision(db)
    if current == head:
        return False
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaTooNew(current)
    async with db.engine.begin() as connection:
        await connection.run_sync(_upgrade, cfg)
    return True
