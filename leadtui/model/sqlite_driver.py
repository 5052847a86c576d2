"""SQLAlchemy's aiosqlite adapter, with one hand-off to aiosqlite's thread per statement instead of four.

aiosqlite runs every call on its own thread, and SQLAlchemy's adapter makes four calls for each statement (create
the cursor, execute, fetch all rows, close the cursor): four trips through a queue to that thread and back through
the event loop, each one a thread wake-up. On a busy machine they cost more than a query of a page on an index
(issue 17: Find added 4-6 ms to statements of under 2 ms). Here the cursor does all four in one function on that
thread and keeps what SQLAlchemy reads afterwards (the rows, description, rowcount, lastrowid).

A read's plain BEGIN (model/engine.py's begin hook) is sent with the transaction's first statement, and a rollback
or commit of a transaction that sent nothing, or of a connection known to be outside one (the pool's reset after the
session's own rollback), is not sent at all: a one-statement read is two trips instead of nine. BEGIN IMMEDIATE (a
write) is sent when asked, as before, so that waiting for the write lock happens where the code expects it.

Used by model/engine.py through create_async_engine's `module` argument (an alternative DBAPI module); when this
SQLAlchemy's adapter classes differ from what is expected, `dbapi()` returns None and the stock adapter is used.
Server-side cursors (`stream()`) keep SQLAlchemy's own cursor.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

# the transaction state of a connection, as far as this adapter sent it
UNKNOWN, IDLE, PENDING, OPEN = "unknown", "idle", "pending", "open"


def _run(
    connection: sqlite3.Connection, operation: Any, parameters: Any, many: bool, begin: str | None
) -> tuple[Any, ...]:
    """On aiosqlite's thread: the whole statement, rows included (after the deferred BEGIN, if any)."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def dbapi() -> Any | None:
    """The DBAPI module object for create_async_engine(module=...), or None to keep SQLAlchemy's own."""
    try:
        import aiosqlite
        from sqlalchemy.dialects.sqlite import aiosqlite as adapter
        from sqlalchemy.util.concurrency import await_
    except ImportError:  # pragma: no cover - an SQLAlchemy without the expected adapter
        return None
    base_cursor = getattr(adapter, "AsyncAdapt_aiosqlite_cursor", None)
    base_connection = getattr(adapter, "AsyncAdapt_aiosqlite_connection", None)
    base_module = getattr(adapter, "AsyncAdapt_aiosqlite_dbapi", None)
    if base_cursor is None or base_connection is None or base_module is None:  # pragma: no cover
        return None
    expected = ("_rows", "_adapt_connection", "_connection", "_cursor", "_soft_closed_memoized")
    if not hasattr(aiosqlite.Connection, "_execute") or not all(hasattr(base_cursor, name) for name in expected):
        return None  # pragma: no cover - another layout: keep the stock adapter

    class Cursor(base_cursor):  # type: ignore[misc, valid-type]
        """Runs each statement in one trip to aiosqlite's thread."""

        def __init__(self, adapt_connection: Any) -> None:
            self._adapt_connection = adapt_connection
            self._connection = adapt_connection._connection
            self._cursor = None
            self._soft_closed_memoized: dict[str, Any] = {}
            self._rows: collections.deque[Any] = collections.deque()
            self._result: tuple[Any, Any, Any] = (None, -1, None)

        @property
        def description(self) -> Any:
            return self._result[0]

        @property
        def rowcount(self) -> int:
            return int(self._result[1])

        @property
        def lastrowid(self) -> Any:
            return self._result[2]

        @property
        def arraysize(self) -> int:
            return 1

        @arraysize.setter
        def arraysize(self, value: int) -> None:
            pass

        async def _async_soft_close(self) -> None:
            return None

        def close(self) -> None:
            self._rows.clear()

        async def _call(self, operation: Any, parameters: Any, many: bool) -> None:
            adapt = self._adapt_connection
            if not many and parameters in (None, (), []) and isinstance(operation, str):
                if operation.strip().upper() == "BEGIN":  # sent with the next statement
                    adapt._state = PENDING
                    self._result = (None, -1, None)
                    self._rows = collections.deque()
                    return
            begin = "BEGIN" if adapt._state == PENDING else None
            async with adapt._execute_mutex:
                try:
                    description, rows, rowcount, lastrowid = await self._connection._execute(
                        _run, self._connection._conn, operation, parameters, many, begin
                    )
                except BaseException:
                    adapt._state = UNKNOWN  # the BEGIN may have run: the rollback that follows is sent
                    raise
            if begin is not None or (isinstance(operation, str) and operation.lstrip()[:5].upper() == "BEGIN"):
                adapt._state = OPEN
            elif adapt._state == IDLE:
                adapt._state = UNKNOWN  # a statement outside a transaction: trust nothing about it
            self._result = (description, rowcount, lastrowid)
            self._rows = collections.deque(rows)

        def execute(self, operation: Any, parameters: Any = None) -> Any:
            try:
                await_(self._call(operation, parameters, False))
            except Exception as error:
                self._adapt_connection._handle_exception(error)

        def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
            try:
                await_(self._call(operation, seq_of_parameters, True))
            except Exception as error:
                self._adapt_connection._handle_exception(error)

    class Connection(base_connection):  # type: ignore[misc, valid-type]
        _cursor_cls = Cursor

        def __init__(self, dbapi: Any, connection: Any) -> None:
            super().__init__(dbapi, connection)
            self._state = UNKNOWN

        def _end(self, how: Any) -> None:
            if self._state in (PENDING, IDLE):  # nothing was sent since the last end: nothing to end
                self._state = IDLE
                return
            how()
            self._state = IDLE

        def rollback(self) -> None:
            self._end(super().rollback)

        def commit(self) -> None:
            self._end(super().commit)

    class Module(base_module):  # type: ignore[misc, valid-type]
        def connect(self, *arg: Any, **kw: Any) -> Any:
            stock = super().connect(*arg, **kw)
            return Connection(self, stock._connection)

    return Module(aiosqlite, sqlite3)
