"""Run a write transaction again when it lost a race it did not need to lose.

On PostgreSQL (READ COMMITTED) two transactions that update the same row queue on its lock; when the first
commits, the second's UPDATE ... WHERE version = :read finds the version moved on and SQLAlchemy's version
column raises StaleDataError, although the second save carried no expected version and may touch other fields
entirely. Deadlocks (two board moves locking rows in different orders) and serialization failures end the same
way. SQLite never gets there: its writers queue on the file lock (BEGIN IMMEDIATE) before they read.

`retry_on_conflict` runs the whole transaction again (a fresh read of the rows, the rules checked again), a few
times with a short random pause. A save that carries an expected version is retried too: its fresh read then
finds the newer version and refuses with StaleEdit naming the other change, as it would have had it read later.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import _
from leadtui.services.errors import StaleEdit

T = TypeVar("T")

ATTEMPTS = 5
PAUSE_SECONDS = 0.004  # the first pause is up to this long, doubling each time (jitter spreads the retries)
# PostgreSQL's serialization_failure and deadlock_detected
RETRY_SQLSTATES = frozenset({"40001", "40P01"})


def is_write_conflict(exc: BaseException) -> bool:
    """A lost race (another transaction changed the same row first), not a refusal or a bug."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return code in RETRY_SQLSTATES
    return False


async def retry_on_conflict(attempt: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS) -> T:
    """`await attempt()` (one whole write transaction), again after a lost race, at most `attempts` times.

    After the last attempt a StaleDataError is raised as it is (the caller turns it into its own StaleEdit with
    the record's name); a deadlock or serialization failure becomes a StaleEdit that asks to try again.
    """
    for number in range(1, attempts + 1):
        try:
            return await attempt()
        except Exception as exc:
            if not is_write_conflict(exc):
                raise
            if number == attempts:
                if isinstance(exc, StaleDataError):
                    raise
                raise StaleEdit(
                    _("Someone else was saving the same records at the same moment; nothing was saved. Try again.")
                ) from None
        await asyncio.sleep(random.uniform(0, PAUSE_SECONDS * 2 ** (number - 1)))
    raise AssertionError("unreachable")
