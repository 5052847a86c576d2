"""Record references typed by users: an id (within the database's integer range) or a name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

MAX_ID = 2**63 - 1  # BIGINT; SQLite's INTEGER is the same size: a larger number can name no row
PG_MAX_ID = 2**31 - 1  # the id columns are INTEGER on PostgreSQL: its driver refuses a larger parameter


def max_id(session: AsyncSession) -> int:
    """The largest id the session's database can hold."""
    dialect = getattr(getattr(getattr(session, "bind", None), "dialect", None), "name", "")
    return PG_MAX_ID if dialect == "postgresql" else MAX_ID


def as_id(ref: object, limit: int = MAX_ID) -> int | None:
    """The id a reference stands for (5, "5"), or None when it is not a usable id (a name, 0, too large)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        value = ref
    elif isinstance(ref, str) and ref.strip().isdigit() and ref.strip().isascii():
        value = int(ref.strip())
    else:
        return None
    return value if 0 < value <= limit else None


async def get(session: AsyncSession, model: type[T], ref: Any, *, lock: bool = False) -> T | None:
    """`session.get` for a reference a user gave: None (not found) for names, 0 and ids beyond the range.

    `lock` (in a write transaction, before changing the row): SELECT ... FOR UPDATE on PostgreSQL, so that a
    concurrent save of the same row waits here and reads the row as saved, instead of losing the race at its
    UPDATE (services/retry.py); SQLite has no such clause and needs none (one writer at a time)."""
    row_id = as_id(ref, max_id(session))
    if row_id is None:
        return None
    return await session.get(model, row_id, with_for_update=True) if lock else await session.get(model, row_id)
