"""One initialised database per test process, copied for each test instead of running every migration again.

`init_database(url, lang="en", login="admin", force=False)` runs all migrations and writes the default lists: that
is most of the set-up time of a database test. The first test of a process (a pytest-xdist worker) that needs an
initialised database builds a template that way; every test then gets its own copy:
- SQLite: the template file (checkpointed and closed, so no -wal/-shm belongs to it) copied with shutil;
- PostgreSQL: `DROP DATABASE ... WITH (FORCE)` and `CREATE DATABASE <test db> TEMPLATE <template db>`.
Each test still has a database of its own, left as the test ended (a failing test's data can be looked at).
The template lives in the session's pytest temporary directory (`HOME`, set by tests/conftest.py) and is rebuilt
every session: the migrations change from one run to the next.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from leadtui.model.engine import Database, is_sqlite, sqlite_path
from leadtui.services import database

LANG = "en"
LOGIN = "admin"

HOME: Path | None = None  # the session's temporary directory for templates (tests/conftest.py sets it)
_sqlite_template: Path | None = None
_pg_templates: dict[str, str] = {}  # test database URL -> its template database's name
_lock = threading.Lock()


def _home() -> Path:
    global HOME
    if HOME is None:  # used outside a pytest session
        HOME = Path(tempfile.mkdtemp(prefix="leadtui-templates-"))
    return HOME


def _in_thread(coroutine_function, *args):  # noqa: ANN001, ANN202
    """Run a coroutine to its end on a loop of its own in another thread: callable from sync fixtures and from
    inside the test's running loop alike, without touching the loop pytest-asyncio manages."""
    result: list = []

    def target() -> None:
        try:
            result.append((True, asyncio.run(coroutine_function(*args))))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result.append((False, exc))

    thread = threading.Thread(target=target, name="leadtui-template")
    thread.start()
    thread.join()
    ok, value = result[0]
    if not ok:
        raise value
    return value


async def _build_sqlite(path: Path) -> None:
    handle = await database.init_database(f"sqlite+aiosqlite:///{path}", lang=LANG, login=LOGIN, force=False)
    try:
        async with handle.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await handle.dispose()
    wal = path.with_name(path.name + "-wal")
    # the last connection closed: SQLite removes the WAL after a checkpoint; an empty one may stay, never data
    assert not wal.exists() or wal.stat().st_size == 0, "the template's WAL was not checkpointed"


def sqlite_template() -> Path:
    """The process's initialised SQLite template file, built on first use."""
    global _sqlite_template
    with _lock:
        if _sqlite_template is None:
            path = _home() / "template.db"
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            _in_thread(_build_sqlite, path)
            _sqlite_template = path
        return _sqlite_template


def copy_sqlite(path: Path | str) -> None:
    """Write an initialised database (English lists, administrator admin) at `path`, which must not exist yet."""
    target = Path(path)
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        if leftover.exists():
            raise FileExistsError(f"{leftover} belongs to another database")
    if target.exists():
        raise FileExistsError(f"{target} exists already")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template(), target)


async def _admin_connection(url: str):  # noqa: ANN202
    """A connection to the server's maintenance database, so that the test database can be dropped."""
    import asyncpg

    u = make_url(url)
    return await asyncpg.connect(
        user=u.username, password=u.password, host=u.host or "127.0.0.1", port=u.port or 5432, database="postgres"
    )


async def _build_pg(url: str, template: str) -> None:
    conn = await _admin_connection(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{template}"')
    finally:
        await conn.close()
    template_url = make_url(url).set(database=template).render_as_string(hide_password=False)
    handle = await database.init_database(template_url, lang=LANG, login=LOGIN, force=False)
    await handle.dispose()


def pg_template(url: str) -> str:
    """The name of the initialised template database for the test database at `url`, built on first use."""
    with _lock:
        if url not in _pg_templates:
            template = f"{make_url(url).database}_template"
            _in_thread(_build_pg, url, template)
            _pg_templates[url] = template
        return _pg_templates[url]


async def recreate_pg(url: str) -> None:
    """Replace the PostgreSQL database at `url` by a copy of the initialised template."""
    template = pg_template(url)
    name = make_url(url).database
    conn = await _admin_connection(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()


async def initialised(url: str) -> Database:
    """What `database.init_database(url, lang="en", login="admin", force=False)` gives on an empty database, from
    the template: the same schema, default lists and administrator. SQLite: `url`'s file must not exist yet;
    PostgreSQL: the database at `url` is replaced."""
    if is_sqlite(url):
        path = sqlite_path(url)
        assert path is not None, "an in-memory database cannot be copied"
        copy_sqlite(path)
    else:
        await recreate_pg(url)
    return await database.connect(url)
