"""Moving a contact with its follow-ups and sales (SPEC.md 2.7 P2) and the recycle bin (P3): deleted companies,
contacts and sales of the last 14 days, restored by whoever may delete them. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import activities, companies, contacts, recycle, sales, undo
from leadtui.services.errors import PermissionDenied, RuleViolation
from tests.services.people import company, person


async def _setup(db, admin):
    source = await company(db, admin, "Source Ltd")
    target = await company(db, admin, "Target Ltd")
    ann = await person(db, admin, source.id)
    old_sale = await sales.create_sale(
        db,
        admin,
        {"heading": "Old deal", "sale_type": "General sale", "contact_id": ann.id, "sale_date": "2026-01-10"},
    )
    new_sale = await sales.create_sale(
        db,
        admin,
        {"heading": "New deal", "sale_type": "General sale", "contact_id": ann.id, "sale_date": "2026-06-10"},
    )
    early = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "2026-01-05", "text": "Call"})
    late = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "2026-07-05", "text": "Visit"})
    return source, target, ann, (old_sale, new_sale), (early, late)


async def _companies_of(db, model, ids):
    async with db.read() as session:
        rows = await session.execute(select(model.id, model.company_id).where(model.id.in_(ids)))
        return dict(rows.all())


async def test_move_leaving_follow_ups_and_sales_on_the_old_company(db, admin):
    source, target, ann, (s1, s2), (a1, a2) = await _setup(db, admin)
    moved = await contacts.move_contact(db, admin, ann.id, target.id, carry="leave")
    assert moved.company_id == target.id
    assert set((await _companies_of(db, t.Sale, [s1.id, s2.id])).values()) == {source.id}
    assert set((await _companies_of(db, t.Activity, [a1.id, a2.id])).values()) == {source.id}


async def test_move_taking_all_follow_ups_and_sales_and_undo_takes_all_back(db, admin):
    source, target, ann, (s1, s2), (a1, a2) = await _setup(db, admin)
    counts = await contacts.carry_counts(db, ann.id)
    assert (counts.follow_ups, counts.sales) == (2, 2)
    await contacts.move_contact(db, admin, ann.id, target.id, carry="all")
    assert set((await _companies_of(db, t.Sale, [s1.id, s2.id])).values()) == {target.id}
    assert set((await _companies_of(db, t.Activity, [a1.id, a2.id])).values()) == {target.id}
    assert (await sales.get_sale(db, s1.id)).company_id == target.id
    await undo.undo_last(db, admin)  # one step: the contact and everything that went with it
    assert (await contacts.get_contact(db, admin, ann.id)).company_id == source.id
    assert set((await _companies_of(db, t.Sale, [s1.id, s2.id])).values()) == {source.id}
    assert set((await _companies_of(db, t.Activity, [a1.id, a2.id])).values()) == {source.id}


async def test_move_taking_those_from_a_date_on(db, admin):
    source, target, ann, (s1, s2), (a1, a2) = await _setup(db, admin)
    await contacts.move_contact(db, admin, ann.id, target.id, carry="from", carry_from=date(2026, 3, 1))
    assert await _companies_of(db, t.Sale, [s1.id, s2.id]) == {s1.id: source.id, s2.id: target.id}
    assert await _companies_of(db, t.Activity, [a1.id, a2.id]) == {a1.id: source.id, a2.id: target.id}


async def test_disconnecting_with_all_takes_them_off_the_company(db, admin):
    _source, _target, ann, (s1, _s2), (a1, _a2) = await _setup(db, admin)
    await contacts.move_contact(db, admin, ann.id, None, carry="all")
    assert (await _companies_of(db, t.Sale, [s1.id]))[s1.id] is None
    assert (await _companies_of(db, t.Activity, [a1.id]))[a1.id] is None


async def test_from_without_a_date_and_an_unknown_choice_are_refused_naming_the_field(db, admin):
    _source, target, ann, _s, _a = await _setup(db, admin)
    with pytest.raises(RuleViolation) as error:
        await contacts.move_contact(db, admin, ann.id, target.id, carry="from")
    assert error.value.field == "carry_from" and "From date" in str(error.value)
    with pytest.raises(RuleViolation) as error:
        await contacts.move_contact(db, admin, ann.id, target.id, carry="some")
    assert error.value.field == "carry"
    assert (await contacts.get_contact(db, admin, ann.id)).company_id != target.id


async def test_moving_with_sales_needs_the_right_to_manage_entities(db, admin):
    source, target, ann, (s1, _s2), _a = await _setup(db, admin)
    restricted = dataclasses.replace(admin, can_manage_entities=False)
    with pytest.raises(PermissionDenied):
        await contacts.move_contact(db, restricted, ann.id, target.id, carry="all")
    assert (await _companies_of(db, t.Sale, [s1.id]))[s1.id] == source.id


# --------------------------------------------------------------------------- recycle bin


async def test_a_deleted_company_is_listed_with_its_contacts_and_restored_with_them(db, admin):
    acme = await company(db, admin, "Acme")
    await person(db, admin, acme.id, "Ann")
    await person(db, admin, acme.id, "Bo")
    await companies.delete_company(db, admin, acme.id)
    listed = await recycle.list_recycled(db, admin)
    assert [(r.kind, r.name, r.contacts, r.deleted_by) for r in listed] == [("company", "Acme", 2, "admin")]
    assert listed[0].may_restore
    restored = await recycle.restore(db, admin, "company", acme.id)
    assert restored.contacts == 2
    assert (await contacts.list_contacts(db, admin, company_id=acme.id)).total == 2
    assert await recycle.list_recycled(db, admin) == []


async def test_a_deleted_contact_is_restored_newest_first_in_the_list(db, admin):
    acme = await company(db, admin, "Acme")
    ann = await person(db, admin, acme.id, "Ann")
    bo = await person(db, admin, None, "Bo")
    await contacts.delete_contact(db, admin, ann.id)
    await contacts.delete_contact(db, admin, bo.id)
    listed = await recycle.list_recycled(db, admin)
    assert [(r.kind, r.id, r.detail) for r in listed] == [("contact", bo.id, ""), ("contact", ann.id, "Acme")]
    await recycle.restore(db, admin, "contact", ann.id)
    assert not (await contacts.get_contact(db, admin, ann.id)).deleted


async def test_a_contact_of_a_deleted_company_is_not_restored_alone(db, admin):
    acme = await company(db, admin, "Acme")
    ann = await person(db, admin, acme.id, "Ann")
    await contacts.delete_contact(db, admin, ann.id)
    await companies.delete_company(db, admin, acme.id)
    assert {r.kind for r in await recycle.list_recycled(db, admin)} == {"company", "contact"}
    with pytest.raises(RuleViolation) as error:
        await recycle.restore(db, admin, "contact", ann.id)
    assert "restore the company first" in str(error.value)
    await recycle.restore(db, admin, "company", acme.id)  # deleted before the company: stays in the bin
    await recycle.restore(db, admin, "contact", ann.id)
    assert not (await contacts.get_contact(db, admin, ann.id)).deleted


async def test_a_deleted_sale_comes_back_with_its_follow_ups(db, admin):
    acme = await company(db, admin, "Acme")
    sale = await sales.create_sale(
        db, admin, {"heading": "Big deal", "sale_type": "General sale", "company_id": acme.id, "amount": "1234.50"}
    )
    await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "2026-01-05", "text": "Call"})
    await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "2026-01-06", "text": "Visit"})
    await sales.delete_sale(db, admin, sale.id)
    listed = await recycle.list_recycled(db, admin)
    assert [(r.kind, r.id, r.name, r.detail, r.follow_ups) for r in listed] == [
        ("sale", sale.id, "Big deal", "Acme", 2)
    ]
    restored = await recycle.restore(db, admin, "sale", sale.id)
    assert restored.follow_ups == 2
    back = await sales.get_sale(db, sale.id)
    assert (back.heading, back.company_id, str(back.amount)) == ("Big deal", acme.id, "1234.50")
    async with db.read() as session:
        assert await session.scalar(select(func.count()).where(t.Activity.sale_id == sale.id)) == 2
    assert await recycle.list_recycled(db, admin) == []
    await undo.undo_last(db, admin)  # undoing the restore puts it back in the bin
    assert [(r.kind, r.follow_ups) for r in await recycle.list_recycled(db, admin)] == [("sale", 2)]
    await recycle.restore(db, admin, "sale", sale.id)
    # and it can be deleted (and restored) again
    await sales.delete_sale(db, admin, sale.id)
    assert [r.id for r in await recycle.list_recycled(db, admin)] == [sale.id]
    await undo.undo_last(db, admin)
    assert (await sales.get_sale(db, sale.id)).heading == "Big deal"


async def test_after_14_days_a_record_is_no_longer_offered(db, admin):
    acme = await company(db, admin, "Acme")
    sale = await sales.create_sale(db, admin, {"heading": "Deal", "sale_type": "General sale", "company_id": acme.id})
    await sales.delete_sale(db, admin, sale.id)
    await companies.delete_company(db, admin, acme.id)
    with time_machine.travel(t.utcnow() + timedelta(days=13, hours=23)):
        assert len(await recycle.list_recycled(db, admin)) == 2
    with time_machine.travel(t.utcnow() + timedelta(days=14, minutes=5)):
        assert await recycle.list_recycled(db, admin) == []
        for kind, record in (("company", acme.id), ("sale", sale.id)):
            with pytest.raises(RuleViolation) as error:
                await recycle.restore(db, admin, kind, record)
            assert "more than 14 days ago" in str(error.value)


async def test_who_may_delete_may_restore_and_administrators_anything(db, admin, rep):
    mine = await company(db, rep, "Rita's", owner="rita")
    theirs = await company(db, admin, "Admin's", owner="admin")
    sale = await sales.create_sale(
        db, admin, {"heading": "Admin deal", "sale_type": "General sale", "company_id": mine.id, "owner": "admin"}
    )
    await companies.delete_company(db, rep, mine.id)
    await companies.delete_company(db, admin, theirs.id)
    await sales.delete_sale(db, admin, sale.id)
    seen = {(r.kind, r.name): r.may_restore for r in await recycle.list_recycled(db, rep)}
    assert seen == {("company", "Rita's"): True, ("company", "Admin's"): False, ("sale", "Admin deal"): False}
    with pytest.raises(PermissionDenied):
        await recycle.restore(db, rep, "company", theirs.id)
    with pytest.raises(PermissionDenied):
        await recycle.restore(db, rep, "sale", sale.id)
    await recycle.restore(db, rep, "company", mine.id)
    await recycle.restore(db, admin, "company", theirs.id)
    await recycle.restore(db, admin, "sale", sale.id)
    assert await recycle.list_recycled(db, admin) == []


async def test_restoring_what_is_not_deleted_is_refused(db, admin):
    acme = await company(db, admin, "Acme")
    with pytest.raises(RuleViolation):
        await recycle.restore(db, admin, "company", acme.id)
    with pytest.raises(RuleViolation) as error:
        await recycle.restore(db, admin, "thing", acme.id)
    assert error.value.field == "kind"
