"""Shared fixtures: every database test runs on SQLite and, when LEADTUI_TEST_PG_URL is set, on PostgreSQL too."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from leadtui.model.engine import Database
from leadtui.services import database, users
from leadtui.services.actor import Actor

PG_URL = os.environ.get("LEADTUI_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


async def reset_postgres(url: str) -> None:
    """Empty the test database: drop and recreate the public schema."""
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = await asyncpg.connect(user=u.username, password=u.password, host=u.host or "127.0.0.1",
                                 port=u.port or 5432, database=u.database)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def db_url(backend_name: str, tmp_path: Path) -> str:
    if backend_name == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'leadtui-test.db'}"
    assert PG_URL
    await reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    handle = await database.init_database(db_url, lang="en", login="admin", force=False)
    yield handle
    await handle.dispose()


@pytest.fixture
async def admin(db: Database) -> Actor:
    return await database.resolve_actor(db, "admin")


@pytest.fixture
async def rep(db: Database, admin: Actor) -> Actor:
    await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
    return await database.resolve_actor(db, "rita")
