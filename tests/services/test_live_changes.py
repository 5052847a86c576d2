"""Live changes (services/changes.py): what one session commits reaches another session's stream; its own
changes do not; a rolled-back write announces nothing; a bulk update arrives as one event."""

from __future__ import annotations

import asyncio

from leadtui.model.engine import Database
from leadtui.services import bulk, changes, companies, contacts
from leadtui.services.actor import Actor


async def next_batch(stream, timeout: float = 5.0) -> changes.ChangeBatch:
    return await asyncio.wait_for(anext(stream), timeout)


async def test_a_saved_change_reaches_the_other_session_with_kind_ids_fields_and_user(db: Database, admin: Actor):
    company = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
    other = Database(db.url)
    stream = changes.subscribe(other, interval=0.05)
    try:
        started = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.3)  # the subscription has taken its starting point
        await companies.update_company(db, admin, company.id, {"city": "Oslo"}, expected_version=company.version)
        batch = await asyncio.wait_for(started, 5)
        assert batch.ids("company") == {company.id}
        event = next(e for e in batch.events if e.kind == "company")
        assert "city" in event.fields
        assert event.user
    finally:
        await stream.aclose()
        await other.dispose()


async def test_own_changes_are_not_announced_back(db: Database, admin: Actor):
    stream = changes.subscribe(db, interval=0.05)
    other = Database(db.url)
    try:
        started = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.3)
        await companies.create_company(db, admin, {"name": "Mine", "category": "Lead"})  # own: not announced
        theirs = await companies.create_company(other, admin, {"name": "Theirs", "category": "Lead"})
        batch = await asyncio.wait_for(started, 5)
        assert batch.ids("company") == {theirs.id}
    finally:
        await stream.aclose()
        await other.dispose()


async def test_a_bulk_update_of_many_contacts_is_one_event(db: Database, admin: Actor):
    company = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
    ids = [
        (await contacts.create_contact(db, admin, {"first_name": f"P{i}", "last_name": "X", "company": company.id})).id
        for i in range(30)
    ]
    other = Database(db.url)
    stream = changes.subscribe(other, interval=0.05)
    try:
        started = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.3)
        await bulk.apply_bulk_update(db, admin, "email_opt_in", "yes", contact_ids=ids)
        batch = await asyncio.wait_for(started, 5)
        contact_events = [e for e in batch.events if e.kind == "contact"]
        assert len(contact_events) == 1
        assert contact_events[0].ids is None or set(ids) <= contact_events[0].ids
    finally:
        await stream.aclose()
        await other.dispose()
