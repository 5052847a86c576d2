"""Every lead status rule of SPEC.md 2.1 with DESIGN.md decisions 2-5, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from leadtui.model import tables as t
from leadtui.services import companies, contacts, lists
from leadtui.services.errors import RuleViolation
from tests.services.people import company, person, reload


async def history(db, contact_id: int, field: str = "lead_status") -> list[tuple[str, str]]:
    rows = await contacts.contact_history(db, contact_id)
    return [(h.from_text, h.to_text) for h in reversed(rows) if h.field == field]


# L1, L2: visibility


async def test_lead_status_shows_when_the_companys_category_is_potential_customer_with_lead_status(db, admin):
    ann = await person(db, admin, (await company(db, admin, category="Lead")).id)
    assert ann.lead_status_visible and ann.lead_status_editable


async def test_lead_status_is_hidden_for_a_category_outside_potential_customer(db, admin):
    ann = await person(db, admin, (await company(db, admin, category="Customer")).id)
    assert not ann.lead_status_visible and not ann.lead_status_editable and ann.lead_status is None


async def test_lead_status_is_hidden_for_potential_customer_without_lead_status_enabled(db, admin):
    await lists.add_item(db, admin, "category", {"name": "Prospect", "category_group": 2, "enable_lead_status": False})
    ann = await person(db, admin, (await company(db, admin, category="Prospect")).id)
    assert not ann.lead_status_visible


async def test_the_lead_status_description_comes_with_the_value(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    assert ann.lead_status_description == "No outreach has been made by the sales team yet."


# L5, decision 1/3: new contacts


async def test_a_new_contact_under_a_lead_enabled_company_gets_open(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    assert ann.lead_status == "Open" and ann.days_in_status == 0


async def test_a_new_contact_gets_whatever_status_is_the_default(db, admin):
    await lists.edit_item(db, admin, "lead-status", "Contacting", {"is_default": True})
    assert (await person(db, admin, (await company(db, admin)).id)).lead_status == "Contacting"


async def test_a_new_contact_may_be_given_another_status(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id, lead_status="qualified")
    assert ann.lead_status == "Qualified"


async def test_a_new_contact_outside_lead_status_cannot_be_given_one(db, admin):
    with pytest.raises(RuleViolation) as error:
        await person(db, admin, (await company(db, admin, category="Customer")).id, lead_status="Open")
    assert error.value.field == "lead_status"


async def test_a_contact_without_a_company_has_no_lead_status(db, admin):
    solo = await person(db, admin, None, category="Lead")
    assert solo.lead_status is None and not solo.lead_status_visible
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, solo.id, {"lead_status": "Open"})
    assert error.value.field == "lead_status" and "linked to a company" in str(error.value)


# editing the value


async def test_lead_status_is_edited_to_any_live_status(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    for name in ["Qualified", "Open", "Disqualified"]:  # L16: no transition restrictions
        ann = await contacts.update_contact(db, admin, ann.id, {"lead_status": name}, expected_version=ann.version)
        assert ann.lead_status == name


async def test_an_unknown_lead_status_is_refused_naming_the_field(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"lead_status": "Hot"})
    assert error.value.field == "lead_status" and "'Hot' is not in the list Contact - Lead status" in str(error.value)


async def test_lead_status_cannot_be_emptied_on_a_lead(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"lead_status": None})
    assert error.value.field == "lead_status"


async def test_a_deleted_lead_status_cannot_be_chosen(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    await lists.delete_item(db, admin, "lead-status", "Re-nurture")
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"lead_status": "Re-nurture"})
    assert "deleted" in str(error.value)


async def test_a_deleted_lead_status_still_shows_its_name_and_may_be_kept(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id, lead_status="Re-nurture")
    await lists.delete_item(db, admin, "lead-status", "Re-nurture")
    ann = await reload(db, admin, ann)
    assert ann.lead_status == "Re-nurture"
    kept = await contacts.update_contact(db, admin, ann.id, {"lead_status": "Re-nurture", "title": "CFO"})
    assert kept.lead_status == "Re-nurture" and kept.title == "CFO"


# L4


async def test_each_contact_of_a_company_keeps_its_own_lead_status(db, admin):
    acme = await company(db, admin)
    ann, bo = await person(db, admin, acme.id), await person(db, admin, acme.id, first="Bo")
    await contacts.update_contact(db, admin, bo.id, {"lead_status": "Qualified"})
    assert (await reload(db, admin, ann)).lead_status == "Open"
    assert (await reload(db, admin, bo)).lead_status == "Qualified"


# decision 2 / L6 / L7: the company's category changes


async def test_a_company_moving_into_a_lead_category_gives_all_its_contacts_open(db, admin):
    acme = await company(db, admin, category="Customer")
    ann, bo = await person(db, admin, acme.id), await person(db, admin, acme.id, first="Bo")
    await companies.update_company(db, admin, acme.id, {"category": "Lead"})
    for contact in (ann, bo):
        contact = await reload(db, admin, contact)
        assert contact.lead_status == "Open" and contact.lead_status_editable


async def test_leaving_the_lead_category_keeps_the_value_read_only(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id, lead_status="Qualified")
    await companies.update_company(db, admin, acme.id, {"category": "Customer"})
    ann = await reload(db, admin, ann)
    assert ann.lead_status == "Qualified" and not ann.lead_status_visible and not ann.lead_status_editable
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"lead_status": "Open"})
    assert error.value.field == "lead_status" and "'Customer' does not use lead status" in str(error.value)


async def test_a_retained_value_stays_searchable(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id, lead_status="Qualified")
    await companies.update_company(db, admin, acme.id, {"category": "Customer"})
    page = await contacts.list_contacts(db, admin, filters={"lead_status": ann.lead_status_id})
    assert [row.name for row in page.items] == ["Ann Berg"] and page.items[0].lead_status == "Qualified"


async def test_re_entering_a_lead_category_overwrites_the_retained_value_with_open(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id, lead_status="Qualified")
    await companies.update_company(db, admin, acme.id, {"category": "Customer"})
    await companies.update_company(db, admin, acme.id, {"category": "Opportunity"})
    assert (await reload(db, admin, ann)).lead_status == "Open"
    assert await history(db, ann.id) == [("", "Qualified"), ("Qualified", "Open")]


async def test_moving_between_two_lead_categories_keeps_each_status(db, admin):
    acme = await company(db, admin, category="Lead")
    ann = await person(db, admin, acme.id, lead_status="Contacting")
    await companies.update_company(db, admin, acme.id, {"category": "Opportunity"})
    assert (await reload(db, admin, ann)).lead_status == "Contacting"


async def test_a_category_change_carries_to_thousands_of_contacts_set_based(db, admin):
    acme = await company(db, admin, category="Customer")
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
                )
                for i in range(2500)
            ],
        )
    await companies.update_company(db, admin, acme.id, {"category": "Lead"})
    async with db.read() as session:
        statuses = (
            await session.execute(select(t.Contact.lead_status_id, func.count()).group_by(t.Contact.lead_status_id))
        ).all()
        histories = await session.scalar(
            select(func.count()).select_from(t.History).where(t.History.entity == "contact")
        )
    assert len(statuses) == 1 and statuses[0][1] == 2500 and statuses[0][0] is not None
    assert histories == 2 * 2500  # a category row and a lead status row each


# decision 5


async def test_disabling_lead_status_on_the_category_keeps_values_read_only(db, admin):
    acme = await company(db, admin, category="Lead")
    ann = await person(db, admin, acme.id, lead_status="Qualified")
    await lists.edit_item(db, admin, "category", "Lead", {"enable_lead_status": False})
    ann = await reload(db, admin, ann)
    assert ann.lead_status == "Qualified" and not ann.lead_status_visible


async def test_moving_the_category_out_of_potential_customer_keeps_values_read_only(db, admin):
    acme = await company(db, admin, category="Lead")
    ann = await person(db, admin, acme.id, lead_status="Qualified")
    await lists.edit_item(db, admin, "category", "Lead", {"category_group": 1})
    ann = await reload(db, admin, ann)
    assert ann.lead_status == "Qualified" and not ann.lead_status_editable


# decision 4: moving a contact


async def test_moving_a_contact_into_a_lead_company_gives_it_open(db, admin):
    customer, lead = await company(db, admin, category="Customer"), await company(db, admin, name="L", category="Lead")
    ann = await person(db, admin, customer.id)
    moved = await contacts.move_contact(db, admin, ann.id, lead.id)
    assert moved.lead_status == "Open" and moved.lead_status_visible


async def test_moving_a_contact_back_into_a_lead_company_overwrites_its_retained_value(db, admin):
    lead, customer = await company(db, admin, category="Lead"), await company(db, admin, name="C", category="Customer")
    ann = await person(db, admin, lead.id, lead_status="Qualified")
    await contacts.move_contact(db, admin, ann.id, customer.id)
    assert (await contacts.move_contact(db, admin, ann.id, lead.id)).lead_status == "Open"


async def test_moving_a_contact_between_lead_companies_keeps_its_status(db, admin):
    one, two = await company(db, admin, category="Lead"), await company(db, admin, name="Two", category="Opportunity")
    ann = await person(db, admin, one.id, lead_status="Contacting")
    assert (await contacts.move_contact(db, admin, ann.id, two.id)).lead_status == "Contacting"


async def test_moving_a_contact_out_of_lead_status_keeps_the_value_read_only(db, admin):
    lead, customer = await company(db, admin, category="Lead"), await company(db, admin, name="C", category="Customer")
    ann = await person(db, admin, lead.id, lead_status="Qualified")
    moved = await contacts.move_contact(db, admin, ann.id, customer.id)
    assert moved.lead_status == "Qualified" and not moved.lead_status_visible


async def test_disconnecting_a_lead_keeps_its_value_read_only(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id, lead_status="Qualified")
    alone = await contacts.move_contact(db, admin, ann.id, None)
    assert alone.lead_status == "Qualified" and not alone.lead_status_visible


async def test_moving_with_an_explicit_status_sets_that_status_once(db, admin):
    customer, lead = await company(db, admin, category="Customer"), await company(db, admin, name="L", category="Lead")
    ann = await person(db, admin, customer.id)
    moved = await contacts.update_contact(db, admin, ann.id, {"company": lead.id, "lead_status": "Qualified"})
    assert moved.lead_status == "Qualified" and await history(db, ann.id) == [("", "Qualified")]


async def test_moving_writes_the_category_change_to_history(db, admin):
    lead, customer = await company(db, admin, category="Lead"), await company(db, admin, name="C", category="Customer")
    ann = await person(db, admin, lead.id)
    await contacts.move_contact(db, admin, ann.id, customer.id)
    assert await history(db, ann.id, "category") == [("Lead", "Customer")]


# history and days in status


async def test_every_lead_status_change_is_in_the_history_with_who_and_when(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    await contacts.update_contact(db, admin, ann.id, {"lead_status": "Contacting"})
    await contacts.update_contact(db, admin, ann.id, {"lead_status": "Qualified"})
    rows = await contacts.contact_history(db, ann.id)
    assert [(h.from_text, h.to_text, h.by) for h in rows] == [
        ("Contacting", "Qualified", "admin"),
        ("Open", "Contacting", "admin"),
        ("", "Open", "admin"),
    ]
    assert rows[0].at >= rows[1].at >= rows[2].at


async def test_saving_the_same_status_writes_no_history(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    await contacts.update_contact(db, admin, ann.id, {"lead_status": "Open", "title": "CEO"})
    assert await history(db, ann.id) == [("", "Open")]


async def test_a_company_category_change_is_in_each_contacts_history(db, admin):
    acme = await company(db, admin, category="Customer")
    ann = await person(db, admin, acme.id)
    await companies.update_company(db, admin, acme.id, {"category": "Lead"})
    assert await history(db, ann.id, "category") == [("Customer", "Lead")]
    assert await history(db, ann.id) == [("", "Open")]


async def test_days_in_the_current_status_count_from_the_last_change(db, admin):
    ann = await person(db, admin, (await company(db, admin)).id)
    async with db.write(admin) as session:
        await session.execute(update(t.Contact).values(lead_status_since=t.utcnow() - timedelta(days=9, hours=1)))
    assert (await reload(db, admin, ann)).days_in_status == 9
    ann = await contacts.update_contact(db, admin, ann.id, {"lead_status": "Qualified"})
    assert ann.days_in_status == 0


# rights


async def test_lead_status_is_read_only_for_a_user_who_may_not_edit_the_contact(db, admin, rep):
    ann = await person(db, admin, (await company(db, admin)).id)
    seen = await reload(db, rep, ann)
    assert seen.lead_status_visible and not seen.lead_status_editable
