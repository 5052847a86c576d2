"""The SQLite adapter (model/sqlite_driver.py): one trip to aiosqlite's thread per statement, a read's BEGIN sent
with its first statement, and still a transaction around every session."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select, text

from leadtui.model import tables as t
from leadtui.model.engine import Database, sqlite_path


@pytest.fixture
def sqlite_db(db: Database, backend_name: str) -> Database:
    if backend_name != "sqlite":
        pytest.skip("SQLite's adapter")
    return db


class _Counting:
    """aiosqlite's queue to its thread, counting the trips."""

    def __init__(self, queue) -> None:  # noqa: ANN001
        self.queue, self.trips = queue, 0

    def put_nowait(self, item) -> None:  # noqa: ANN001
        self.trips += 1
        self.queue.put_nowait(item)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.queue, name)


async def _driver(db: Database):  # noqa: ANN202
    async with db.engine.connect() as connection:
        return (await connection.get_raw_connection()).driver_connection


async def test_a_read_sees_one_snapshot_while_another_process_writes(sqlite_db: Database) -> None:
    path = sqlite_path(sqlite_db.url)
    async with sqlite_db.read() as session:
        before = await session.scalar(select(func.count()).select_from(t.LeadStatus))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute(
            "INSERT INTO lead_status (name, name_key, description, rank, deleted, is_default, version) "
            "VALUES ('Extra', 'extra', '', 99, 0, 0, 1)"
        )
        other.close()
        assert await session.scalar(select(func.count()).select_from(t.LeadStatus)) == before
    async with sqlite_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(t.LeadStatus)) == before + 1


async def test_a_one_statement_read_takes_two_trips_to_the_driver_thread(sqlite_db: Database) -> None:
    driver = await _driver(sqlite_db)
    counting = _Counting(driver._tx)
    driver._tx = counting
    try:
        async with sqlite_db.read() as session:
            assert await session.scalar(select(func.count()).select_from(t.LeadStatus))
        assert counting.trips <= 2  # the statement (with its BEGIN), the rollback
    finally:
        driver._tx = counting.queue


async def test_a_failed_read_leaves_no_transaction_open(sqlite_db: Database) -> None:
    with pytest.raises(Exception, match="no_such_table"):
        async with sqlite_db.read() as session:
            await session.execute(text("SELECT * FROM no_such_table"))
    driver = await _driver(sqlite_db)
    assert not await driver._execute(lambda: driver._conn.in_transaction)
    # and a write goes through at once (no read lock held by a forgotten transaction)
    async with sqlite_db.write() as session:
        await session.execute(text("UPDATE lead_status SET rank = rank"))
        await session.flush()
    assert not await driver._execute(lambda: driver._conn.in_transaction)
