"""Companies and contacts for the sales tests, inserted with the ORM (their services belong to the cards issue)."""

from __future__ import annotations

from sqlalchemy import select

from leadtui.model import tables as t
from leadtui.model.engine import Database


async def add_company(db: Database, name: str = "Acme Ltd", category: str = "Lead") -> int:
    async with db.write() as session:
        category_id = await session.scalar(select(t.Category.id).where(t.Category.name == category))
        row = t.Company(name=name, category_id=category_id)
        session.add(row)
        await session.flush()
        return row.id


async def add_contact(db: Database, company_id: int | None, first: str = "Ann", last: str = "Lee") -> int:
    async with db.write() as session:
        row = t.Contact(first_name=first, last_name=last, company_id=company_id)
        session.add(row)
        await session.flush()
        return row.id
