"""Bring a database to the newest schema: run automatically whenever the program opens one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from leadtui.model.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaTooNew(Exception):
    """The database was written by a newer leadtui than this one."""


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def _current(connection) -> str | None:  # noqa: ANN001
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection, cfg: Config) -> None:  # noqa: ANN001
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(_current)


async def upgrade(db: Database) -> bool:
    """Upgrade to head when behind; return True when something ran. Refuses a database newer than the code."""
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
