"""Live changes (services/changes.py): what one session commits reaches another session's stream; its own
changes do not; a rolled-back write announces nothing; a bulk update arrives as one event."""

from __future__ import annotations

import asyncio

from leadtui.model.engine import Database
from leadtui.services import bulk, changes, companies, contacts
from leadtui.services.actor import Actor


async def listening(other: Database) -> tuple[object, asyncio.Future]:
    """A subscription of `other` that listens already, and its first batch to come."""
    ready = asyncio.Event()
    stream = changes.subscribe(other, interval=0.05, ready=ready.set)
    first = asyncio.ensure_future(anext(stream))
    await asyncio.wait_for(ready.wait(), 10)
    return stream, first


async def test_a_saved_change_reaches_the_other_session_with_kind_ids_fields_and_user(db: Database, admin: Actor):
    company = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
    other = Database(db.url)
    stream, started = await listening(other)
    try:
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
    stream, started = await listening(db)
    other = Database(db.url)
    try:
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
    stream, started = await listening(other)
    try:
        await bulk.apply_bulk_update(db, admin, "email_opt_in", "yes", contact_ids=ids)
        batch = await asyncio.wait_for(started, 5)
        contact_events = [e for e in batch.events if e.kind == "contact"]
        assert len(contact_events) == 1
        assert contact_events[0].ids is None or set(ids) <= contact_events[0].ids
    finally:
        await stream.aclose()
        await other.dispose()


async def test_a_rolled_back_write_is_not_announced(db: Database, admin: Actor):
    from leadtui.model import tables as t

    first = await companies.create_company(db, admin, {"name": "First", "category": "Lead"})
    other = Database(db.url)
    stream, started = await listening(other)
    try:
        try:
            async with db.write(admin) as session:
                row = await session.get(t.Company, first.id)
                assert row is not None
                row.city = "Never"
                await session.flush()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        kept = await companies.create_company(db, admin, {"name": "Kept", "category": "Lead"})
        batch = await asyncio.wait_for(started, 5)
        assert batch.ids("company") == {kept.id}
    finally:
        await stream.aclose()
        await other.dispose()


async def test_an_import_that_updates_contacts_is_announced(db: Database, admin: Actor):
    from leadtui.services import imports

    text = "First name,Last name,Email,Title\nAnn,Berg,ann@acme.example,CEO\n"
    created = await imports.apply_import(db, admin, imports.parse_csv_text(text))
    other = Database(db.url)
    stream, started = await listening(other)
    try:
        again = text.replace("CEO", "Chair")
        await imports.apply_import(db, admin, imports.parse_csv_text(again))
        batch = await asyncio.wait_for(started, 5)
        ids = batch.ids("contact")
        assert ids is None or set(created.contact_ids) <= ids
    finally:
        await stream.aclose()
        await other.dispose()


async def test_a_change_made_with_the_cli_is_announced(db: Database, admin: Actor):
    from tests.cli.conftest import Cli

    stream, started = await listening(db)
    try:
        done = await asyncio.to_thread(Cli(db.url), "company", "add", "Clia", "--category", "Lead", "--json")
        assert done.returncode == 0, done.stderr
        batch = await asyncio.wait_for(started, 10)
        event = next(e for e in batch.events if e.kind == "company")
        assert event.ids is not None and len(event.ids) == 1
        assert event.user
    finally:
        await stream.aclose()


async def test_a_lead_taken_in_by_the_intake_is_announced_with_its_owner(db: Database, admin: Actor):
    from leadtui.services import distribution, intake, users

    await users.add_user(db, admin, {"login": "anna", "full_name": "Anna", "role": "sales-rep"})
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    other = Database(db.url)
    stream, started = await listening(other)
    try:
        out = await intake.intake(db, admin, ['{"first_name": "Ida", "last_name": "Inn"}'])
        contact_id = out.results[0].contact_id
        batch = await asyncio.wait_for(started, 5)
        events = batch.events
        while not any("our_contact_id" in e.fields for e in events if e.kind == "contact"):
            events += (await asyncio.wait_for(anext(stream), 5)).events  # the assignment may come as a batch of its own
        assert any(e.kind == "contact" and (e.ids is None or contact_id in e.ids) for e in events)
    finally:
        await stream.aclose()
        await other.dispose()
