"""Shared fixtures: every database test runs on SQLite and, when LEADTUI_TEST_PG_URL is set, on PostgreSQL too."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from leadtui.i18n import set_language
from leadtui.model.engine import Database
from leadtui.services import database, users
from leadtui.services.actor import Actor
from tests import templates

BASE_PG_URL = os.environ.get("LEADTUI_TEST_PG_URL")
# Under pytest-xdist every worker gets its own database (test_gw0, test_gw1, ...), created on first use.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
PG_URL = BASE_PG_URL
if BASE_PG_URL and _WORKER:
    from sqlalchemy.engine import make_url as _make_url

    _u = _make_url(BASE_PG_URL)
    PG_URL = _u.set(database=f"{_u.database}_{_WORKER}").render_as_string(hide_password=False)
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_created: set[str] = set()


async def _connect(url: str, database: str | None = None):
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return await asyncpg.connect(
        user=u.username,
        password=u.password,
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        database=database or u.database,
    )


async def _ensure_database(url: str) -> None:
    """Create the worker's database from the base one when it does not exist yet."""
    from sqlalchemy.engine import make_url

    if url == BASE_PG_URL or url in _created:
        return
    name = make_url(url).database
    conn = await _connect(BASE_PG_URL)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    _created.add(url)


async def reset_postgres(url: str) -> None:
    """Empty the test database: drop and recreate the public schema."""
    await _ensure_database(url)
    conn = await _connect(url)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """A test that ran in another language (an app with lang="nl", the CLI's --lang in process) leaves the next
    test of the same worker in English, whatever order the tests run in."""
    yield
    set_language("en")


@pytest.fixture(scope="session", autouse=True)
def _template_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Initialised template databases (tests/templates.py) live in this session's temporary directory."""
    templates.HOME = tmp_path_factory.mktemp("templates")


@pytest.fixture
async def db_url(backend_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database; with the `db` fixture, the URL of the test's initialised database."""
    if backend_name == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'leadtui-test.db'}"
    assert PG_URL
    if "db" not in request.fixturenames:  # `db` replaces the whole database with a copy of its template
        await reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """What init_database(db_url, lang="en", login="admin", force=False) gives, copied from a template built once
    per test process (tests/templates.py): every test has its own database, left as it ended."""
    handle = await templates.initialised(db_url)
    yield handle
    await handle.dispose()


@pytest.fixture
async def admin(db: Database) -> Actor:
    return await database.resolve_actor(db, "admin")


@pytest.fixture
async def rep(db: Database, admin: Actor) -> Actor:
    await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
    return await database.resolve_actor(db, "rita")


def _dump_tasks(_signum, _frame) -> None:  # pragma: no cover - a diagnostic for a hung test run
    """`kill -USR1 <pytest process>` writes the pending asyncio tasks of its running loop to
    $TMPDIR/leadtui-tasks-<pid>.txt (pytest captures stderr), to see why a test hangs."""
    import asyncio
    import tempfile

    loop = asyncio._get_running_loop()
    with open(Path(tempfile.gettempdir()) / f"leadtui-tasks-{os.getpid()}.txt", "w") as out:
        if loop is None:
            print("no running event loop", file=out)
            return
        for task in asyncio.all_tasks(loop):
            task.print_stack(file=out)


if hasattr(__import__("signal"), "SIGUSR1"):
    import signal

    signal.signal(signal.SIGUSR1, _dump_tasks)
