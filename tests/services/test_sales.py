"""Sales: create, defaults, links, owner, list (paging, search, filters, sums), stale edits, rights, delete, history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from leadtui.services import activities, lists, sales
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from tests.sales_helpers import add_company, add_contact


@pytest.fixture
async def company(db) -> int:
    return await add_company(db, "Acme Ltd")


async def new_sale(db, actor, company_id, **data):
    return await sales.create_sale(
        db,
        actor,
        {
            "heading": "Website relaunch",
            "sale_type": "General sale",
            "company_id": company_id,
            "amount": "1000",
            **data,
        },
    )


async def test_a_new_sale_gets_the_first_stage_its_probability_the_user_as_owner_and_the_type_date(db, admin, company):
    sale = await new_sale(db, admin, company)
    assert (sale.stage, sale.probability, sale.status, sale.owner) == ("Lead", 10, "open", "admin")
    assert sale.sale_date == date.today() + timedelta(weeks=4)  # General sale: 4 weeks
    assert sale.company_name == "Acme Ltd" and sale.version == 1 and sale.number == str(sale.id)


async def test_sale_date_follows_the_sale_type_unit_days_weeks_months(db, admin, company):
    await lists.add_item(db, admin, "sale-type", {"name": "Quick"})
    from leadtui.services import guides

    await guides.set_sale_type_options(db, admin, "Quick", {"duration": 10, "duration_unit": "day"})
    assert (await new_sale(db, admin, company, sale_type="Quick")).sale_date == date.today() + timedelta(days=10)
    await guides.set_sale_type_options(db, admin, "Quick", {"duration": 1, "duration_unit": "month"})
    assert sales.add_duration(date(2027, 1, 31), 1, "month") == date(2027, 2, 28)
    assert (await new_sale(db, admin, company, sale_type="Quick")).sale_date == sales.add_duration(
        date.today(), 1, "month"
    )


async def test_heading_and_sale_type_are_mandatory(db, admin, company):
    with pytest.raises(RuleViolation) as heading:
        await sales.create_sale(db, admin, {"heading": "  ", "sale_type": "General sale", "company_id": company})
    assert heading.value.field == "heading" and "Heading" in str(heading.value)
    with pytest.raises(RuleViolation) as sale_type:
        await sales.create_sale(db, admin, {"heading": "X", "company_id": company})
    assert sale_type.value.field == "sale_type"


async def test_a_sale_needs_a_company_or_a_contact(db, admin):
    with pytest.raises(RuleViolation) as exc:
        await sales.create_sale(db, admin, {"heading": "X", "sale_type": "General sale"})
    assert exc.value.field == "company_id"


async def test_a_contact_takes_its_company_and_must_belong_to_the_company_given(db, admin, company):
    ann = await add_contact(db, company, "Ann", "Lee")
    other = await add_company(db, "Other Inc")
    sale = await sales.create_sale(db, admin, {"heading": "X", "sale_type": "General sale", "contact_id": ann})
    assert (sale.company_id, sale.contact_name) == (company, "Ann Lee")
    with pytest.raises(RuleViolation) as exc:
        await sales.create_sale(
            db, admin, {"heading": "X", "sale_type": "General sale", "company_id": other, "contact_id": ann}
        )
    assert exc.value.field == "contact_id" and "does not belong" in str(exc.value)


async def test_unknown_company_is_refused_naming_the_field(db, admin):
    with pytest.raises(RuleViolation) as exc:
        await sales.create_sale(db, admin, {"heading": "X", "sale_type": "General sale", "company_id": 999})
    assert exc.value.field == "company_id"


async def test_unknown_sale_type_and_deleted_sale_type_are_refused(db, admin, company):
    with pytest.raises(RuleViolation) as unknown:  # a value of the sale that is not in the list: bad input (exit 2)
        await new_sale(db, admin, company, sale_type="Nope")
    assert unknown.value.field == "sale_type" and "Nope" in str(unknown.value)
    await lists.delete_item(db, admin, "sale-type", "Renewal")
    with pytest.raises(RuleViolation) as exc:
        await new_sale(db, admin, company, sale_type="Renewal")
    assert exc.value.field == "sale_type"


async def test_a_rep_cannot_give_a_new_sale_to_another_user(db, admin, rep, company):
    with pytest.raises(PermissionDenied):
        await new_sale(db, rep, company, owner="admin")
    assert (await new_sale(db, admin, company, owner="rita")).owner == "rita"


async def test_a_rep_cannot_change_someone_elses_sale(db, admin, rep, company):
    sale = await new_sale(db, admin, company)
    with pytest.raises(PermissionDenied):
        await sales.update_sale(db, rep, sale.id, {"heading": "Mine now"})
    assert (await sales.get_sale(db, sale.id)).heading == "Website relaunch"


async def test_saving_over_a_newer_version_is_refused_and_changes_nothing(db, admin, company):
    sale = await new_sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"heading": "Theirs"}, expected_version=sale.version)
    with pytest.raises(StaleEdit) as exc:
        await sales.update_sale(db, admin, sale.id, {"heading": "Mine"}, expected_version=sale.version)
    assert exc.value.current.heading == "Theirs"
    assert (await sales.get_sale(db, sale.id)).heading == "Theirs"


async def test_one_save_is_one_version_step(db, admin, company):
    sale = await new_sale(db, admin, company)
    changed = await sales.update_sale(db, admin, sale.id, {"stage": "Offer", "amount": "5", "heading": "Y"})
    assert changed.version == sale.version + 1


async def test_stage_must_be_one_of_the_sale_types_stages(db, admin, company):
    from leadtui.services import guides

    await guides.set_sale_type_stages(db, admin, "Renewal", ["Lead", "Offer"])
    sale = await new_sale(db, admin, company, sale_type="Renewal")
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"stage": "Negotiation"})
    assert exc.value.field == "stage" and "Lead, Offer" in str(exc.value)


async def test_a_sale_type_without_stages_gives_an_open_sale_without_stage_that_can_still_be_sold(db, admin, company):
    await lists.add_item(db, admin, "sale-type", {"name": "Stageless"})
    sale = await new_sale(db, admin, company, sale_type="Stageless")
    assert (sale.stage, sale.stage_id, sale.status, sale.probability) == (None, None, "open", 0)
    sold = await sales.update_sale(db, admin, sale.id, {"stage": "Sold", "reason": "Price"})
    assert (sold.status, sold.probability) == ("sold", 100)


async def test_changing_the_sale_type_keeps_a_shared_stage_and_else_takes_the_first(db, admin, company):
    from leadtui.services import guides

    await guides.set_sale_type_stages(db, admin, "Renewal", ["Contact", "Negotiation"])
    sale = await new_sale(db, admin, company)
    moved = await sales.update_sale(db, admin, sale.id, {"sale_type": "Renewal"})
    assert (moved.stage, moved.probability) == ("Contact", 20)
    offer = await sales.update_sale(db, admin, sale.id, {"sale_type": "General sale", "stage": "Negotiation"})
    kept = await sales.update_sale(db, admin, sale.id, {"sale_type": "Renewal"})
    assert offer.stage == kept.stage == "Negotiation"


async def test_list_pages_counts_and_sums_in_the_database(db, admin, company):
    for n in range(7):
        await new_sale(
            db, admin, company, heading=f"Deal {n}", amount=str(100 * (n + 1)), sale_date=f"2027-01-{n + 1:02d}"
        )
    page = await sales.list_sales(db, admin, limit=3)
    assert page.total == 7 and len(page.rows) == 3
    assert [row.heading for row in page.rows] == ["Deal 6", "Deal 5", "Deal 4"]  # newest sale date first
    assert page.sum_amount == Decimal("2800.00") and page.sum_weighted == Decimal("280.00")
    last = await sales.list_sales(db, admin, offset=6, limit=3)
    assert [row.heading for row in last.rows] == ["Deal 0"]


async def test_the_list_says_which_sales_the_user_may_delete_by_the_delete_rule(db, admin, rep, company):
    await new_sale(db, admin, company, heading="Admin's deal")
    await new_sale(db, rep, company, heading="Rita's deal")
    rows = {row.heading: row.may_delete for row in (await sales.list_sales(db, rep)).rows}
    assert rows == {"Admin's deal": False, "Rita's deal": True}
    assert all(row.may_delete for row in (await sales.list_sales(db, admin)).rows)


async def test_weighted_sum_keeps_cents(db, admin, company):
    await new_sale(db, admin, company, amount="1005.55", probability=33)
    page = await sales.list_sales(db, admin)
    assert page.sum_weighted == Decimal("331.83") == page.rows[0].weighted_amount


async def test_list_searches_heading_and_company_and_filters(db, admin, company):
    other = await add_company(db, "Globex")
    ann = await add_contact(db, other)
    await new_sale(db, admin, company, heading="Website relaunch")
    await new_sale(db, admin, other, heading="Support contract", contact_id=ann)
    sold = await new_sale(db, admin, other, heading="Licences")
    await sales.update_sale(db, admin, sold.id, {"status": "sold", "reason": "Price"})
    assert [r.heading for r in (await sales.list_sales(db, admin, search="relaunch")).rows] == ["Website relaunch"]
    assert {r.heading for r in (await sales.list_sales(db, admin, search="GLOBEX")).rows} == {
        "Support contract",
        "Licences",
    }
    assert [r.heading for r in (await sales.list_sales(db, admin, company_id=company)).rows] == ["Website relaunch"]
    assert [r.heading for r in (await sales.list_sales(db, admin, contact_id=ann)).rows] == ["Support contract"]
    assert [r.heading for r in (await sales.list_sales(db, admin, status="sold")).rows] == ["Licences"]
    with pytest.raises(RuleViolation):
        await sales.list_sales(db, admin, status="won")


async def test_list_shows_next_activity_and_the_reopen_date_of_a_stalled_sale(db, admin, company):
    sale = await new_sale(db, admin, company)
    yesterday = date.today() - timedelta(days=1)
    await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": yesterday, "text": "Call"})
    row = (await sales.list_sales(db, admin)).rows[0]
    assert row.next_activity == yesterday and row.next_activity_overdue
    reopen = date.today() + timedelta(days=30)
    await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reopen_date": reopen, "reason": "Price"})
    row = (await sales.list_sales(db, admin)).rows[0]
    assert (row.status_icon, row.next_activity, row.next_activity_overdue) == ("▲", reopen, False)


async def test_owner_may_delete_their_sale_with_its_follow_ups(db, rep, company):
    sale = await new_sale(db, rep, company)
    await activities.create_follow_up(db, rep, {"sale_id": sale.id, "date": "today", "text": "Call"})
    deleted = await sales.delete_sale(db, rep, sale.id)
    assert deleted.heading == "Website relaunch"
    with pytest.raises(NotFound):
        await sales.get_sale(db, sale.id)
    assert (await activities.list_follow_ups(db, company_id=company)).total == 0


async def test_undo_brings_a_deleted_sale_back_with_its_follow_ups_as_the_delete_dialog_says(db, rep, company):
    from leadtui.services import undo

    sale = await new_sale(db, rep, company, stage="Offer")
    follow_up = await activities.create_follow_up(db, rep, {"sale_id": sale.id, "date": "today", "text": "Call"})
    await sales.delete_sale(db, rep, sale.id)
    undone = await undo.undo_last(db, rep)
    assert "deletion" in undone.description
    back = await sales.get_sale(db, sale.id)
    assert (back.heading, back.stage, back.amount, back.owner) == (
        "Website relaunch",
        "Offer",
        Decimal("1000.00"),
        "rita",
    )
    assert [a.id for a in (await activities.list_follow_ups(db, sale_id=sale.id)).rows] == [follow_up.id]
    assert back.next_activity == date.today()
    # and it can be changed and deleted again like any sale
    changed = await sales.update_sale(db, rep, sale.id, {"heading": "Back again"}, expected_version=back.version)
    assert changed.heading == "Back again"
    await sales.delete_sale(db, rep, sale.id)


async def test_deleting_someone_elses_sale_needs_the_right(db, admin, rep, company):
    sale = await new_sale(db, admin, company)
    with pytest.raises(PermissionDenied) as exc:
        await sales.check_can_delete_sale(db, rep, sale.id)
    assert "You cannot delete sales that do not belong to you unless you have the necessary permissions" in str(
        exc.value
    )
    with pytest.raises(PermissionDenied):
        await sales.delete_sale(db, rep, sale.id)
    assert (await sales.get_sale(db, sale.id)).id == sale.id
    from leadtui.services import database, users

    await users.set_user(db, admin, "rita", {"delete_others_sales": True})
    rita = await database.resolve_actor(db, "rita")
    assert (await sales.delete_sale(db, rita, sale.id)).id == sale.id


async def test_history_records_creation_and_every_stage_and_status_change(db, admin, company):
    sale = await new_sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})
    await sales.update_sale(db, admin, sale.id, {"heading": "No history for this"})
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    rows = await sales.sale_history(db, sale.id)
    assert [(r.field, r.from_text, r.to_text) for r in reversed(rows)] == [
        ("stage", "", "Lead"),
        ("status", "", "Open"),
        ("stage", "Lead", "Offer"),
        ("status", "Open", "Lost"),
    ]
    assert all(r.by == "admin" for r in rows)


async def test_days_in_stage_starts_again_when_the_stage_changes(db, admin, company):
    sale = await new_sale(db, admin, company)
    assert sale.days_in_stage == 0
    assert (await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})).days_in_stage == 0


async def test_form_options_list_types_with_their_stages_and_default_dates(db, admin):
    options = await sales.sale_form_options(db)
    general = options.sale_types[0]
    assert general.name == "General sale" and [s.name for s in general.stages][:2] == ["Lead", "Contact"]
    assert general.default_sale_date == date.today() + timedelta(weeks=4)
    assert [r.name for r in options.reasons_lost][0] == "Price"
    assert any(o.description == "admin" for o in options.owners)


async def test_pickers_search_companies_and_a_companys_contacts(db, admin, company):
    other = await add_company(db, "Globex")
    await add_contact(db, company, "Ann", "Lee")
    await add_contact(db, other, "Bob", "Stone")
    assert [p.label for p in await sales.search_companies_for_picker(db, "glo")] == ["Globex"]
    assert [p.label for p in await sales.search_contacts_for_picker(db, "", company_id=company)] == ["Ann Lee"]
    assert [p.label for p in await sales.search_contacts_for_picker(db, "ston")] == ["Bob Stone"]


async def test_json_output_has_the_contract_fields_with_money_as_strings(db, admin, company):
    sale = await new_sale(db, admin, company, amount="1234.5", cost="234.5")
    data = sale.model_dump(mode="json")
    for key in (
        "id",
        "heading",
        "status",
        "stage",
        "probability",
        "amount",
        "cost",
        "profit",
        "percentage",
        "completed",
        "owner",
        "version",
        "weighted_amount",
        "company_id",
        "company_name",
        "contact_id",
        "contact_name",
        "sale_type",
        "sale_date",
        "reopen_date",
        "reason",
        "next_activity",
        "guided",
        "guide",
    ):
        assert key in data
    assert (data["amount"], data["cost"], data["profit"], data["percentage"]) == (
        "1234.50",
        "234.50",
        "1000.00",
        "81.00",
    )


async def test_a_stale_save_names_the_fields_where_yours_differs_from_what_is_saved(db, admin, company):
    sale = await new_sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"heading": "Theirs", "stage": "Offer"})
    with pytest.raises(StaleEdit) as exc:
        await sales.update_sale(
            db,
            admin,
            sale.id,
            {"heading": "Mine", "amount": "1000", "stage": str(sale.stage_id)},
            expected_version=sale.version,
        )
    assert exc.value.changed == {"Heading": ("Mine", "Theirs"), "Stage": ("Lead", "Offer")}


@pytest.mark.parametrize("typed", ["1/2/3", "0003-02-01", "2500-01-01"])
async def test_an_implausible_sale_or_follow_up_date_is_refused_naming_the_field(db, admin, company, typed):
    """A lenient short format reads "1/2/3" as 1 February of the year 3: refused, not saved."""
    with pytest.raises(RuleViolation) as exc:
        await new_sale(db, admin, company, sale_date=typed)
    # the message names the language's date format, the one the card shows (English: DD/MM/YYYY)
    assert exc.value.field == "sale_date" and "Sale date" in str(exc.value) and "DD/MM/YYYY" in str(exc.value)
    sale = await new_sale(db, admin, company)
    with pytest.raises(RuleViolation) as stalled:
        await sales.update_sale(
            db, admin, sale.id, {"status": "stalled", "reopen_date": typed, "reason_stalled": "Price"}
        )
    assert stalled.value.field == "reopen_date"
    with pytest.raises(RuleViolation) as follow_up:
        await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": typed, "text": "Call"})
    assert follow_up.value.field == "date"
