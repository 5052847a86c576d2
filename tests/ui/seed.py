"""Data for the card tests, written through the services before the app starts (or while it runs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from leadtui.services import companies, contacts, database
from tests import templates


def url_of(app_db: str) -> str:
    return f"sqlite+aiosqlite:///{app_db}"


async def seed(app_db: str) -> dict[str, int]:
    """Acme (Lead) with Ann (Open) and Bo (Qualified); Globex (Customer) with Gus."""
    db = await templates.initialised(url_of(app_db))  # init_database(lang="en", login="admin"), from a template
    try:
        admin = await database.resolve_actor(db, "admin")
        acme = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
        globex = await companies.create_company(db, admin, {"name": "Globex", "category": "Customer"})
        ann = await contacts.create_contact(
            db, admin, {"company": acme.id, "first_name": "Ann", "last_name": "Berg", "email": "ann@acme.example"}
        )
        bo = await contacts.create_contact(
            db, admin, {"company": acme.id, "first_name": "Bo", "last_name": "Berg", "lead_status": "Qualified"}
        )
        gus = await contacts.create_contact(db, admin, {"company": globex.id, "first_name": "Gus", "last_name": "Grey"})
    finally:
        await db.dispose()
    return {"acme": acme.id, "globex": globex.id, "ann": ann.id, "bo": bo.id, "gus": gus.id}


async def with_services(app_db: str, call: Callable[[Any, Any], Awaitable[Any]], login: str = "admin") -> Any:
    """Run a service call as another session would (someone else saving while the card is open)."""
    db = await database.connect(url_of(app_db))
    try:
        return await call(db, await database.resolve_actor(db, login))
    finally:
        await db.dispose()
