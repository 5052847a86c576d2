"""A small, known data set for the find, selection, board and dashboard tests (built through the services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import update

from leadtui.model import tables as t
from leadtui.services import companies, contacts, sales


@dataclass
class World:
    acme: int = 0  # Lead (lead-enabled)
    nordic: int = 0  # Opportunity (lead-enabled)
    oldco: int = 0  # Customer (no lead status)
    people: dict[str, int] = field(default_factory=dict)
    sales: dict[str, int] = field(default_factory=dict)


async def person(db, actor, company_id: int | None, first: str, last: str, **fields: Any) -> int:
    data: dict[str, Any] = {"first_name": first, "last_name": last, **fields}
    if company_id is not None:
        data["company"] = company_id
    return (await contacts.create_contact(db, actor, data)).id


async def set_columns(db, model, row_id: int, **values: Any) -> None:
    """Test-only: put a value the services set themselves (registration time ...) to a known one."""
    async with db.write() as session:
        await session.execute(
            update(model).where(model.id == row_id).values(**values).execution_options(synchronize_session=False)
        )


async def build(db, admin) -> World:
    w = World()
    w.acme = (await companies.create_company(db, admin, {"name": "Acme", "category": "Lead", "city": "Oslo"})).id
    w.nordic = (
        await companies.create_company(
            db, admin, {"name": "Østfold Nordic", "category": "Opportunity", "city": "Århus"}
        )
    ).id
    w.oldco = (
        await companies.create_company(db, admin, {"name": "Oldco", "category": "Customer", "city": "Bergen"})
    ).id
    w.people["ann"] = await person(
        db, admin, w.acme, "Ann", "Berg", email="ann@acme.example", title="CEO", email_opt_in=True
    )
    w.people["bob"] = await person(db, admin, w.acme, "Bob", "Øster", title="Buyer", lead_status="Contacting")
    w.people["cid"] = await person(db, admin, w.nordic, "Cid", "Lund", lead_status="Qualified")
    w.people["dan"] = await person(db, admin, w.oldco, "Dan", "Moe", title="cto")
    w.people["eve"] = await person(db, admin, None, "Eve", "Solo")
    await set_columns(db, t.Contact, w.people["ann"], registered_at=datetime(2026, 1, 10, 9, 30))
    await set_columns(db, t.Contact, w.people["bob"], registered_at=datetime(2026, 1, 11, 23, 59))
    await set_columns(db, t.Contact, w.people["cid"], registered_at=datetime(2026, 1, 12, 0, 0))
    w.sales["web"] = (
        await sales.create_sale(
            db,
            admin,
            {
                "heading": "Website",
                "sale_type": "General sale",
                "company_id": w.acme,
                "amount": "1000.00",
                "stage": "Offer",
                "sale_date": "2026-03-01",
            },
        )
    ).id
    w.sales["app"] = (
        await sales.create_sale(
            db,
            admin,
            {
                "heading": "App",
                "sale_type": "General sale",
                "company_id": w.nordic,
                "amount": "250.50",
                "stage": "Lead",
                "sale_date": "2026-03-02",
            },
        )
    ).id
    w.sales["old"] = (
        await sales.create_sale(
            db,
            admin,
            {
                "heading": "Support deal",
                "sale_type": "General sale",
                "company_id": w.oldco,
                "amount": "99.99",
                "stage": "Sold",
                "reason": "Price",
                "sale_date": "2026-02-15",
            },
        )
    ).id
    return w


def day(text: str) -> date:
    return date.fromisoformat(text)
