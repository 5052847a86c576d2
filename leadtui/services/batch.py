"""Writing many rows fast, for imports: ids reserved up front, then driver-level executemany in chunks.

SQLAlchemy's Core executemany costs about 50 % more than the driver's own for 100,000 rows, and INSERT ...
RETURNING in parameter order about 8 x more; an import of 100,000 rows must take under 10 s (DESIGN.md). The
rows are still written inside the service's `db.write(actor)` transaction, so all-or-nothing holds.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from itertools import chain, islice
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime, String, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.model.engine import bind_dialect


CHUNK = 5000
Progress = Callable[[int], Awaitable[None] | None]


@lru_cache(maxsize=1)
def _sqlite_variables() -> int:
    """How many bound parameters one SQLite statement may have (32,766 since SQLite 3.32; 999 before)."""
    try:
        probe = sqlite3.connect(":memory:")
        try:
            return int(probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        finally:
            probe.close()
    except (AttributeError, sqlite3.Error):  # pragma: no cover - an older Python
        return 999


def _sqlite_datetime() -> Callable[[Any], Any]:
    """SQLAlchemy's SQLite DateTime storage format (microseconds always written); most values of an import are
    the same moment, so the last one is remembered."""
    last: list[Any] = [None, None]

    def convert(value: datetime | None) -> str | None:
        if value is None:
            return None
        if value is not last[0]:
            last[0], last[1] = value, value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return cast(str, last[1])

    return convert


def _converter(column: Any, dialect: str) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, JSON):
        return lambda value: None if value is None else json.dumps(value)
    if dialect == "sqlite" and isinstance(kind, DateTime):
        return _sqlite_datetime()
    return None  # booleans: sqlite3 stores True/False as 1/0 itself


def _prepare(rows: Iterable[Sequence[Any]], converters: Sequence[Callable[[Any], Any] | None]) -> list[Sequence[Any]]:
    convert = [(index, c) for index, c in enumerate(converters) if c is not None]
    if not convert:
        return [row if isinstance(row, tuple) else tuple(row) for row in rows]
    prepared: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for index, c in convert:
            values[index] = c(values[index])
        prepared.append(tuple(values))
    return prepared


@asynccontextmanager
async def large_cache(session: AsyncSession, megabytes: int = 128) -> AsyncIterator[None]:
    """A larger SQLite page cache for this connection while many rows are written: inserting 100,000 contacts
    updates 15 indexes at random places, which the default 2 MB cache turns into page misses (3 x slower)."""
    if bind_dialect(session).name != "sqlite":
        yield
        return
    connection = await session.connection()
    before = (await connection.exec_driver_sql("PRAGMA cache_size")).scalar_one()
    await connection.exec_driver_sql(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
    try:
        yield
    finally:
        await connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


async def reserve_ids(session: AsyncSession, table: Any, count: int) -> list[int]:
    """`count` new primary keys of `table`. SQLite: after the largest id (the write transaction holds the lock,
    BEGIN IMMEDIATE); PostgreSQL: from the table's sequence, safe beside concurrent writers."""
    if count <= 0:
        return []
    name = table.__tablename__ if hasattr(table, "__tablename__") else table.name
    if bind_dialect(session).name == "postgresql":
        rows = await session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": name, "n": count},
        )
        return [row[0] for row in rows]
    model_table = table.__table__ if hasattr(table, "__table__") else table
    start = (await session.scalar(select(func.coalesce(func.max(model_table.c.id), 0)))) or 0
    return list(range(start + 1, start + count + 1))


async def _executemany(
    session: AsyncSession, sql: str, rows: Sequence[Sequence[Any]], progress: Progress | None
) -> None:
    connection = await session.connection()
    for start in range(0, len(rows), CHUNK):
        await connection.exec_driver_sql(sql, list(rows[start : start + CHUNK]))
        if progress is not None:
            result = progress(min(len(rows), start + CHUNK))
            if result is not None:
                await result


def _placeholders(session: AsyncSession, count: int) -> list[str]:
    if bind_dialect(session).paramstyle == "numeric_dollar":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


def _defaults(table: Any, given: Sequence[str]) -> dict[str, Any]:
    """The Python-side default of every column not in `given` (one value for all rows: scalars, or a callable
    such as utcnow called once)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given or column.primary_key or column.default is None:
            continue
        default = column.default
        if getattr(default, "is_scalar", False):
            values[column.name] = default.arg
        elif getattr(default, "is_callable", False):
            values[column.name] = default.arg(None)
    return values


def _as_dbapi_error(raw: Any, dialect: Any, sql: str, exc: Exception) -> Exception:
    """An asyncpg error raised outside SQLAlchemy (COPY) as the DBAPIError SQLAlchemy would have raised."""
    from sqlalchemy.exc import DBAPIError

    try:
        raw._handle_exception(exc)  # raises the adapted DB-API error (IntegrityError ... with sqlstate)
    except Exception as translated:  # noqa: BLE001 - whatever the adapter raised
        return DBAPIError.instance(sql, None, translated, dialect.loaded_dbapi.Error, dialect=dialect)
    return exc


async def insert_rows(
    session: AsyncSession,
    model: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Progress | None = None,
) -> int:
    """INSERT `rows` (tuples in the order of `columns`, any iterable: a generator is consumed chunk by chunk) into
    the table of `model`. The next chunk is built while the driver writes the previous one."""
    table = model.__table__
    dialect = bind_dialect(session)
    # columns added to the table later (with a Python-side default) are filled like the ORM would fill them
    extra = _defaults(table, columns)
    extra_values = tuple(extra.values())
    all_columns = [*columns, *extra]
    converters = [_converter(table.c[name], dialect.name) for name in all_columns]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in all_columns)}) "
        f"VALUES ({', '.join(_placeholders(session, len(all_columns)))})"
    )
    connection = await session.connection()
    if dialect.name == "postgresql":
        # COPY through asyncpg, in the transaction of the session's connection: about twice as fast as executemany
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection

        async def send(chunk: list[Sequence[Any]]) -> Any:
            try:
                return await driver.copy_records_to_table(table.name, records=chunk, columns=all_columns)
            except Exception as exc:  # the driver's error as SQLAlchemy's, like executemany's (retry.py reads it)
                raise _as_dbapi_error(raw, dialect, sql, exc) from exc

    else:
        # SQLite: many rows in one INSERT ... VALUES (...), (...) statement. A full-text index (the contact_fts
        # trigger) flushes its pending terms at the end of every statement: with executemany that is once a row, 3 x
        # the time of the whole insert
        per = max(1, min(CHUNK, _sqlite_variables() // len(all_columns)))
        one = f"({', '.join('?' * len(all_columns))})"
        head = sql.split(" VALUES ", 1)[0] + " VALUES "
        statements: dict[int, str] = {}

        async def send(chunk: list[Sequence[Any]]) -> Any:
            for start in range(0, len(chunk), per):
                part = chunk[start : start + per]
                statement = statements.get(len(part))
                if statement is None:
                    statement = statements[len(part)] = head + ", ".join([one] * len(part))
                await connection.exec_driver_sql(statement, tuple(chain.from_iterable(part)))

    source = iter(rows)
    pending: asyncio.Future[Any] | None = None
    queued = written = 0
    try:
        while True:
            chunk = list(islice(source, CHUNK))
            if extra_values:
                chunk = [(*row, *extra_values) for row in chunk]
            chunk = _prepare(chunk, converters)
            if pending is not None:
                await pending
                pending, written = None, queued
                if progress is not None:
                    result = progress(written)
                    if result is not None:
                        await result
            if not chunk:
                return written
            pending = asyncio.ensure_future(send(chunk))
            queued += len(chunk)
            await asyncio.sleep(0)  # let the driver take the chunk before the next one is built
    finally:
        if pending is not None and not pending.done():
            await asyncio.wait([pending])  # never leave the connection busy behind an error


async def update_rows(
    session: AsyncSession,
    model: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bump_version: bool = True,
    progress: Progress | None = None,
) -> int:
    """UPDATE the table of `model` by id: each row is (*values in the order of `columns`, id)."""
    table = model.__table__
    dialect = bind_dialect(session)
    prepared = _prepare(rows, [_converter(table.c[name], dialect.name) for name in columns] + [None])
    if not prepared:
        return 0
    quote = dialect.identifier_preparer.quote
    marks = _placeholders(session, len(columns) + 1)
    sets = [f"{quote(name)} = {mark}" for name, mark in zip(columns, marks)]
    if bump_version:
        sets.append(f"{quote('version')} = {quote('version')} + 1")
    sql = f"UPDATE {quote(table.name)} SET {', '.join(sets)} WHERE {quote('id')} = {marks[-1]}"
    await _executemany(session, sql, prepared, progress)
    return len(prepared)


def text_in(column: Any, values: Iterable[str], dialect: str) -> Any:
    """`column IN values` for any number of strings in one bound parameter (PostgreSQL array, SQLite json_each),
    like contact_rules.id_in for ids."""
    items = list(values)
    if dialect == "postgresql":
        from sqlalchemy import any_
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(items, ARRAY(String)))
    each = func.json_each(literal(json.dumps(items), String)).table_valued("value")
    return column.in_(select(each.c.value))
