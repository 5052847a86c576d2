"""Bulk update (SPEC.md 4.8, Q6, §6 item 20): preview counts, per-contact rules with reasons, one transaction.
On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import bulk, companies, contacts
from leadtui.services.errors import PermissionDenied, RuleViolation
from tests.services.people import company, person, reload


@pytest.fixture
async def mixed(db, admin):
    """Two leads, one contact of a customer company, one without a company."""
    lead = await company(db, admin, category="Lead")
    customer = await company(db, admin, name="Customer Co", category="Customer")
    ann = await person(db, admin, lead.id, first="Ann")
    bo = await person(db, admin, lead.id, first="Bo", lead_status="Qualified")
    cy = await person(db, admin, customer.id, first="Cy")
    dee = await person(db, admin, None, first="Dee")
    return lead, customer, [ann, bo, cy, dee]


async def history_count(db) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(t.History).where(t.History.field == "lead_status"))


async def test_preview_counts_what_changes_what_is_already_so_and_what_is_skipped_and_why(db, admin, mixed):
    _lead, _customer, people = mixed
    preview = await bulk.preview_bulk_update(
        db, admin, "lead_status", "Qualified", contact_ids=[p.id for p in people] + [999]
    )
    assert (preview.total, preview.will_change, preview.unchanged) == (5, 1, 1)
    assert preview.skipped == {
        "the company's category does not use lead status": 1,
        "not linked to a company, so no lead status": 1,
        "not found or deleted": 1,
    }


async def test_preview_changes_nothing(db, admin, mixed):
    _lead, _customer, people = mixed
    before = await history_count(db)
    await bulk.preview_bulk_update(db, admin, "lead_status", "Contacting", contact_ids=[p.id for p in people])
    assert (await reload(db, admin, people[0])).lead_status == "Open" and await history_count(db) == before


async def test_apply_sets_lead_status_only_on_lead_enabled_contacts(db, admin, mixed):
    _lead, _customer, (ann, bo, cy, dee) = mixed
    result = await bulk.apply_bulk_update(
        db, admin, "lead_status", "contacting", contact_ids=[ann.id, bo.id, cy.id, dee.id]
    )
    assert result.applied and result.will_change == 2
    assert [(await reload(db, admin, p)).lead_status for p in (ann, bo, cy, dee)] == [
        "Contacting",
        "Contacting",
        None,
        None,
    ]


async def test_apply_writes_a_history_row_per_changed_contact_from_its_own_value(db, admin, mixed):
    _lead, _customer, (ann, bo, _cy, _dee) = mixed
    await bulk.apply_bulk_update(db, admin, "lead_status", "Contacting", contact_ids=[ann.id, bo.id])
    assert [(h.from_text, h.to_text, h.by) for h in await contacts.contact_history(db, bo.id)][0] == (
        "Qualified",
        "Contacting",
        "admin",
    )
    assert (await reload(db, admin, ann)).days_in_status == 0


async def test_apply_bumps_the_version_so_open_cards_cannot_save_over_it(db, admin, mixed):
    _lead, _customer, (ann, *_rest) = mixed
    await bulk.apply_bulk_update(db, admin, "lead_status", "Contacting", contact_ids=[ann.id])
    assert (await reload(db, admin, ann)).version == ann.version + 1


async def test_all_contacts_of_a_company(db, admin, mixed):
    lead, _customer, _people = mixed
    result = await bulk.apply_bulk_update(db, admin, "lead_status", "Disqualified", company_id=lead.id)
    assert (result.total, result.will_change) == (2, 2)
    page = await contacts.list_contacts(db, admin, company_id=lead.id)
    assert {row.lead_status for row in page.items} == {"Disqualified"}


async def test_contacts_of_others_are_skipped_for_a_sales_rep(db, admin, rep):
    theirs = await company(db, admin, name="Admin's")
    mine = await company(db, rep, name="Rita's")
    other = await person(db, admin, theirs.id, first="Other")
    own = await person(db, rep, mine.id, first="Own")
    preview = await bulk.apply_bulk_update(db, rep, "lead_status", "Qualified", contact_ids=[other.id, own.id])
    assert preview.will_change == 1 and preview.skipped == {"belongs to another user (you may not change it)": 1}
    assert (await reload(db, admin, other)).lead_status == "Open"
    assert (await reload(db, admin, own)).lead_status == "Qualified"


async def test_bulk_update_needs_the_allow_bulk_update_right(db, admin, mixed):
    _lead, _customer, people = mixed
    with pytest.raises(PermissionDenied) as error:
        await bulk.preview_bulk_update(
            db, dataclasses.replace(admin, allow_bulk_update=False), "lead_status", "Open", contact_ids=[people[0].id]
        )
    assert "Allow bulk update" in str(error.value)


async def test_owner_is_set_on_contacts_without_a_company_and_skipped_on_linked_ones(db, admin, rep, mixed):
    _lead, _customer, (ann, _bo, _cy, dee) = mixed
    result = await bulk.apply_bulk_update(db, admin, "owner", "rita", contact_ids=[ann.id, dee.id])
    assert result.will_change == 1
    assert result.skipped == {"takes Our contact from its company (change it on the company card)": 1}
    assert (await reload(db, admin, dee)).owner == "rita" and (await reload(db, admin, ann)).owner == "admin"


async def test_email_opt_in_is_set_for_everyone_selected(db, admin, mixed):
    _lead, _customer, people = mixed
    result = await bulk.apply_bulk_update(db, admin, "email_opt_in", "yes", contact_ids=[p.id for p in people])
    assert result.will_change == 4
    assert [(await reload(db, admin, p)).email_opt_in for p in people] == [True] * 4
    again = await bulk.preview_bulk_update(db, admin, "email-opt-in", True, contact_ids=[p.id for p in people])
    assert (again.will_change, again.unchanged) == (0, 4)


async def test_deleted_contacts_are_not_touched(db, admin, mixed):
    _lead, _customer, (ann, *_rest) = mixed
    await contacts.delete_contact(db, admin, ann.id)
    result = await bulk.apply_bulk_update(db, admin, "email_opt_in", True, contact_ids=[ann.id])
    assert result.will_change == 0 and result.skipped == {"not found or deleted": 1}


async def test_an_unknown_field_is_refused(db, admin, mixed):
    with pytest.raises(RuleViolation) as error:
        await bulk.preview_bulk_update(db, admin, "shoe_size", "42", contact_ids=[1])
    assert error.value.field == "field"


async def test_an_unknown_lead_status_is_refused_naming_the_field(db, admin, mixed):
    with pytest.raises(RuleViolation) as error:
        await bulk.preview_bulk_update(db, admin, "lead_status", "Hot", contact_ids=[1])
    assert error.value.field == "lead_status"


async def test_nothing_selected_is_refused(db, admin):
    with pytest.raises(RuleViolation):
        await bulk.preview_bulk_update(db, admin, "lead_status", "Open", contact_ids=[])


async def test_a_company_leaving_lead_status_makes_bulk_skip_its_contacts(db, admin, mixed):
    lead, _customer, (ann, *_rest) = mixed
    await companies.update_company(db, admin, lead.id, {"category": "Customer"})
    result = await bulk.apply_bulk_update(db, admin, "lead_status", "Qualified", contact_ids=[ann.id])
    assert result.will_change == 0 and (await reload(db, admin, ann)).lead_status == "Open"


async def test_many_contacts_in_one_call(db, admin):
    acme = await company(db, admin)
    async with db.write(admin) as session:
        await session.execute(
            t.Contact.__table__.insert(),
            [
                dict(
                    company_id=acme.id,
                    first_name=f"P{i}",
                    last_name="X",
                    middle_name="",
                    mr_ms="",
                    title="",
                    email="",
                    email_normalized="",
                    mobile="",
                    phone="",
                    country="",
                    email_opt_in=False,
                    former_employee=False,
                    note="",
                    registered_at=t.utcnow(),
                    version=1,
                    name_key=f"p{i} x",
                    last_key="x",
                    lead_status_id=1,
                )
                for i in range(40000)
            ],
        )
        ids = list((await session.scalars(select(t.Contact.id))).all())
    result = await bulk.apply_bulk_update(db, admin, "lead_status", "Qualified", contact_ids=ids)
    assert result.will_change == 40000 and await history_count(db) == 40000


async def test_a_bulk_update_is_in_the_audit_and_can_be_undone(db, admin, mixed):
    from leadtui.services import undo

    _lead, _customer, (ann, bo, *_rest) = mixed
    await bulk.apply_bulk_update(db, admin, "lead_status", "Disqualified", contact_ids=[ann.id, bo.id])
    await undo.undo_last(db, admin)
    assert [(await reload(db, admin, p)).lead_status for p in (ann, bo)] == ["Open", "Qualified"]
