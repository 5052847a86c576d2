"""Small builders for the company and contact tests."""

from __future__ import annotations

from typing import Any

from leadtui.services import companies, contacts


async def company(db, actor, name: str = "Acme", category: str = "Lead", **fields: Any) -> companies.CompanyOut:
    return await companies.create_company(db, actor, {"name": name, "category": category, **fields})


async def person(
    db, actor, company_id: int | None, first: str = "Ann", last: str = "Berg", **fields: Any
) -> contacts.ContactOut:
    data: dict[str, Any] = {"first_name": first, "last_name": last, **fields}
    if company_id is not None:
        data["company"] = company_id
    return await contacts.create_contact(db, actor, data)


async def reload(db, actor, contact: contacts.ContactOut) -> contacts.ContactOut:
    return await contacts.get_contact(db, actor, contact.id)
