"""History of lead status, category, sale stage and sale status changes (what, from, to, when, who)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.model import tables as t
from leadtui.services.actor import Actor


async def record(
    session: AsyncSession,
    actor: Actor | None,
    entity: str,
    entity_id: int,
    field: str,
    from_id: int | None,
    from_text: str,
    to_id: int | None,
    to_text: str,
    *,
    at: datetime | None = None,
) -> None:
    session.add(
        t.History(
            entity=entity,
            entity_id=entity_id,
            field=field,
            from_id=from_id,
            from_text=from_text,
            to_id=to_id,
            to_text=to_text,
            at=at or t.utcnow(),
            by_id=actor.id if actor else None,
        )
    )


async def record_many(
    session: AsyncSession,
    actor: Actor | None,
    entity: str,
    entity_ids: Sequence[int],
    field: str,
    from_id: int | None,
    from_text: str,
    to_id: int | None,
    to_text: str,
    *,
    at: datetime | None = None,
) -> None:
    when = at or t.utcnow()
    rows = [
        dict(
            entity=entity,
            entity_id=entity_id,
            field=field,
            from_id=from_id,
            from_text=from_text,
            to_id=to_id,
            to_text=to_text,
            at=when,
            by_id=actor.id if actor else None,
        )
        for entity_id in entity_ids
    ]
    for start in range(0, len(rows), 5000):
        await session.execute(insert(t.History), rows[start : start + 5000])
