"""Audit of every create/change/delete (who, when, old and new values) and undo of the user's last change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadtui.model import tables as t
from leadtui.services import audit, lists, undo
from leadtui.services.errors import RuleViolation, StaleEdit


async def test_a_change_is_audited_with_who_and_old_and_new_values(db, admin):
    item = await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    await lists.edit_item(db, admin, "lead-status", item.id, {"name": "Warm"})
    entries = await audit.for_record(db, "lead_status", item.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].user == "admin"
    assert entries[0].changes["name"] == ["Hot", "Warm"]


async def test_audit_in_a_time_range(db, admin):
    await lists.add_item(db, admin, "reason-lost", {"name": "Timing"})
    now = t.utcnow()
    recent = await audit.in_range(db, now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert any(e.entity == "reason_lost" and e.changes.get("name") == [None, "Timing"] for e in recent)
    assert await audit.in_range(db, now + timedelta(days=1)) == []


async def test_undo_reverts_the_users_last_change(db, admin):
    item = await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    await lists.edit_item(db, admin, "lead-status", item.id, {"name": "Warm", "description": "d"})
    await undo.undo_last(db, admin)
    restored = await lists.get_item(db, "lead-status", item.id)
    assert (restored.name, restored.description) == ("Hot", "")


async def test_undo_twice_goes_back_one_change_each_time(db, admin):
    item = await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    await lists.edit_item(db, admin, "lead-status", item.id, {"name": "Warm"})
    await undo.undo_last(db, admin)
    await undo.undo_last(db, admin)  # the creation: the item is hidden again
    assert "Hot" not in [i.name for i in await lists.list_items(db, "lead-status")]
    with pytest.raises(RuleViolation):
        await undo.undo_last(db, admin)


async def test_undo_is_refused_when_someone_changed_the_record_since(db, admin):
    from leadtui.services import users, database

    await users.add_user(db, admin, {"login": "boss", "role": "administrator"})
    boss = await database.resolve_actor(db, "boss")
    item = await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    await lists.edit_item(db, admin, "lead-status", item.id, {"description": "mine"})
    await lists.edit_item(db, boss, "lead-status", item.id, {"description": "theirs"})
    with pytest.raises(StaleEdit) as error:
        await undo.undo_last(db, admin)
    assert "boss" in str(error.value)
    assert (await lists.get_item(db, "lead-status", item.id)).description == "theirs"


async def test_undo_only_reverts_ones_own_changes(db, admin, rep):
    await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    with pytest.raises(RuleViolation):
        await undo.undo_last(db, rep)
    assert "Hot" in [i.name for i in await lists.list_items(db, "lead-status")]


async def test_a_bulk_change_is_recorded_and_undone_as_one(db, admin):
    async with db.write(admin) as session:
        customer = await session.get(t.Category, 5)
        lead = await session.get(t.Category, 1)
        companies = [t.Company(name=f"C{i}", category_id=customer.id) for i in range(3)]
        session.add_all(companies)
    ids = [c.id for c in companies]
    async with db.write(admin) as session:
        from sqlalchemy import update

        await session.execute(update(t.Company).where(t.Company.id.in_(ids)).values(category_id=lead.id))
        await audit.record_bulk(session, "company", "category_id", lead.id, [(customer.id, ids)])
    entries = await audit.for_record(db, "company", ids[0])
    assert entries[0].action == "bulk"
    await undo.undo_last(db, admin)
    async with db.read() as session:
        from sqlalchemy import select

        categories = set((await session.scalars(select(t.Company.category_id).where(t.Company.id.in_(ids)))).all())
    assert categories == {customer.id}
