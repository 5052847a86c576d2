"""Async engine and session factory for SQLite (embedded default) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 15000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def bind_dialect(session: AsyncSession) -> Dialect:
    """The dialect of the engine a session is bound to (Database's sessions always are)."""
    bind = session.bind
    assert bind is not None
    return bind.dialect


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from the driver so that writers can BEGIN IMMEDIATE (no lock upgrade deadlocks)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("leadtui_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def create_engine(url: str) -> AsyncEngine:
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        from leadtui.model import sqlite_driver

        module = sqlite_driver.dbapi() if make_url(url).get_driver_name() == "aiosqlite" else None
        extra: dict[str, Any] = {"module": module} if module is not None else {}
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **extra)
        _install_sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


class Database:
    """Owns the engine; hands out one session per service call: read-only or a write transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(self.engine.execution_options(leadtui_write=True), expire_on_commit=False)
        # set by services.database.connect when the file can be read but not written: raised by every write()
        self.write_refusal: Exception | None = None
        # changesets this object wrote (services/changes.py): not announced back to the session that made them
        self.local_changesets: dict[str, None] = {}

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def reads_side_by_side(self) -> bool:
        """Two read sessions can run at once (an in-memory SQLite database has one connection: it cannot)."""
        return not (self.dialect == "sqlite" and self.engine.url.database in (None, "", ":memory:"))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def write(self, actor: Any = None) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back entirely on any error.

        `actor` (the services' Actor) is kept in `session.info["actor"]` so that audit records say who; all
        changes of one transaction share `session.info["changeset"]`, the unit that undo reverts.
        """
        if self.write_refusal is not None:
            raise self.write_refusal
        async with self._writer() as session:
            session.info["actor"] = actor
            session.info["changeset"] = uuid.uuid4().hex
            session.info["database"] = self
            async with session.begin():
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
