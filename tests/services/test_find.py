"""Find (SPEC.md 4.4, Q5; DESIGN.md --where): every operator on every kind of field turns into SQL that gives the
same answer on SQLite and PostgreSQL. Each test names the rule it shows."""

from __future__ import annotations

import pytest

from leadtui.model import tables as t
from leadtui.services import find
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build, set_columns


def w(text: str) -> find.Criterion:
    return find.parse_where(text)


async def names(db, actor, *criteria: str, target: str = "persons") -> list[str]:
    key = "heading" if target == "sales" else "name"
    page = await find.find(db, actor, target, [w(c) for c in criteria], columns=[key], limit=100)
    return sorted(row[key] for row in page.rows)


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


# --------------------------------------------------------------------------- parsing


def test_where_is_field_operator_values_with_escaped_commas():
    c = find.parse_where("company:contains:Smith\\, Jones,Acme:Ltd")
    assert (c.field, c.op, c.values) == ("company", "contains", ["Smith, Jones", "Acme:Ltd"])
    assert find.parse_where("lead_status:empty").values == []
    assert find.format_where(c) == "company:contains:Smith\\, Jones,Acme:Ltd"


def test_where_without_an_operator_is_refused():
    with pytest.raises(RuleViolation) as error:
        find.parse_where("lead_status")
    assert error.value.field == "where"


def test_list_fields_offer_only_list_operators():
    assert find.operators_for("list") == ["one_of", "not_one_of", "empty", "not_empty"]
    kinds = {f.key: f.kind for f in find.field_infos("persons")}
    assert kinds["lead_status"] == "list"
    assert {f.key: f.kind for f in find.field_infos("companies")}["category_group"] == "list"


# --------------------------------------------------------------------------- text


async def test_text_contains_ignores_case_and_folds_nordic_letters(db, admin, world):
    assert await names(db, admin, "name:contains:ØSTER") == ["Bob Øster"]
    assert await names(db, admin, "company:contains:østfold") == ["Cid Lund"]


async def test_text_contains_matches_any_of_several_values(db, admin, world):
    assert await names(db, admin, "name:contains:ann,lund") == ["Ann Berg", "Cid Lund"]


async def test_text_starts_with_uses_the_start_only(db, admin, world):
    assert await names(db, admin, "name:starts_with:bo") == ["Bob Øster"]
    assert await names(db, admin, "name:starts_with:ster") == []
    assert await names(db, admin, "name:starts_with:øst") == ["Bob Øster"]  # the last name's start counts too
    assert await names(db, admin, "last_name:starts_with:ø") == ["Bob Øster"]


async def test_text_equals_and_is_not_on_a_plain_column_ignore_case(db, admin, world):
    assert await names(db, admin, "title:eq:CTO") == ["Dan Moe"]
    assert await names(db, admin, "title:ne:cto") == ["Ann Berg", "Bob Øster", "Cid Lund", "Eve Solo"]


async def test_text_empty_and_not_empty(db, admin, world):
    assert await names(db, admin, "title:empty") == ["Cid Lund", "Eve Solo"]
    assert await names(db, admin, "title:not_empty") == ["Ann Berg", "Bob Øster", "Dan Moe"]


async def test_like_wildcards_in_a_value_are_taken_literally(db, admin, world):
    assert await names(db, admin, "name:contains:%") == []
    assert await names(db, admin, "email:contains:_") == []


# --------------------------------------------------------------------------- list


async def test_lead_status_is_one_of_by_name_or_id(db, admin, world):
    assert await names(db, admin, "lead_status:one_of:open,QUALIFIED") == ["Ann Berg", "Cid Lund"]
    async with db.read() as session:
        from sqlalchemy import select

        open_id = await session.scalar(select(t.LeadStatus.id).where(t.LeadStatus.name == "Open"))
    assert await names(db, admin, f"lead_status:one_of:{open_id}") == ["Ann Berg"]


async def test_is_not_one_of_includes_records_without_a_value(db, admin, world):
    assert await names(db, admin, "lead_status:not_one_of:Open") == ["Bob Øster", "Cid Lund", "Dan Moe", "Eve Solo"]


async def test_list_empty_and_not_empty(db, admin, world):
    assert await names(db, admin, "lead_status:empty") == ["Dan Moe", "Eve Solo"]
    assert await names(db, admin, "lead_status:not_empty") == ["Ann Berg", "Bob Øster", "Cid Lund"]


async def test_equals_on_a_list_field_means_is_one_of(db, admin, world):
    assert await names(db, admin, "lead_status:eq:Contacting") == ["Bob Øster"]
    assert await names(db, admin, "lead_status:ne:Contacting") == ["Ann Berg", "Cid Lund", "Dan Moe", "Eve Solo"]


async def test_category_group_lists_all_potential_customers(db, admin, world):
    assert await names(db, admin, "category_group:one_of:potential-customer") == ["Ann Berg", "Bob Øster", "Cid Lund"]
    page = await find.find(db, admin, "companies", [w("category_group:one_of:Potential customer")], columns=["name"])
    assert sorted(r["name"] for r in page.rows) == ["Acme", "Østfold Nordic"]
    page = await find.find(
        db, admin, "companies", [w("category_group:not_one_of:potential-customer")], columns=["name", "category_group"]
    )
    assert [(r["name"], r["category_group"]) for r in page.rows] == [("Oldco", "Customer")]


async def test_an_unknown_list_value_is_refused_naming_the_field(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "lead_status:one_of:Hot")
    assert error.value.field == "lead_status" and "Hot" in str(error.value)


async def test_owner_me_is_the_current_user(db, admin, rep, world):
    assert len(await names(db, admin, "owner:one_of:me", target="sales")) == 3
    assert await names(db, rep, "owner:one_of:me", target="sales") == []


async def test_sale_status_and_stage(db, admin, world):
    assert await names(db, admin, "sale_status:one_of:sold", target="sales") == ["Support deal"]
    # a closed sale keeps the stage it was closed in (the board shows it under Sold / Lost)
    assert await names(db, admin, "stage:one_of:Offer,Lead", target="sales") == ["App", "Support deal", "Website"]
    assert await names(db, admin, "stage:one_of:Offer,Lead", "status:one_of:open", target="sales") == ["App", "Website"]


# --------------------------------------------------------------------------- numbers, money, dates, yes/no


async def test_number_equals_greater_less_and_is_not(db, admin, world):
    ann, bob = world.people["ann"], world.people["bob"]
    assert await names(db, admin, f"id:eq:{ann}") == ["Ann Berg"]
    assert await names(db, admin, f"id:lt:{bob}") == ["Ann Berg"]
    assert len(await names(db, admin, f"id:gt:{ann}")) == 4
    assert len(await names(db, admin, f"id:ne:{ann}")) == 4


async def test_a_fraction_against_a_whole_number_field(db, admin, world):
    assert await names(db, admin, "probability:gt:49.5", target="sales") == ["Support deal", "Website"]
    assert await names(db, admin, "probability:lt:10.5", target="sales") == ["App"]
    assert await names(db, admin, "probability:eq:50.5", target="sales") == []


async def test_money_compares_exactly(db, admin, world):
    assert await names(db, admin, "amount:gt:250.50", target="sales") == ["Website"]
    assert await names(db, admin, "amount:eq:250.5", target="sales") == ["App"]
    assert await names(db, admin, "amount:lt:100", target="sales") == ["Support deal"]
    page = await find.find(db, admin, "sales", [w("amount:eq:1000")], columns=["amount", "weighted_amount"])
    assert (page.rows[0]["amount"], page.rows[0]["weighted_amount"]) == ("1000.00", "500.00")


async def test_a_bad_number_is_refused(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "amount:gt:lots", target="sales")
    assert error.value.field == "amount"


async def test_dates_on_a_timestamp_are_whole_days(db, admin, world):
    assert await names(db, admin, "registered:eq:2026-01-11") == ["Bob Øster"]
    assert await names(db, admin, "registered:gt:2026-01-11") != []
    assert "Cid Lund" in await names(db, admin, "registered:gt:2026-01-11")
    assert "Bob Øster" not in await names(db, admin, "registered:gt:2026-01-11")
    assert await names(db, admin, "registered:lt:2026-01-11") == ["Ann Berg"]


async def test_dates_on_a_date_column(db, admin, world):
    assert await names(db, admin, "sale_date:eq:2026-03-01", target="sales") == ["Website"]
    assert await names(db, admin, "sale_date:gt:2026-03-01", target="sales") == ["App"]
    assert await names(db, admin, "sale_date:lt:2026-03-01", target="sales") == ["Support deal"]
    assert await names(db, admin, "sale_date:ne:2026-03-01", target="sales") == ["App", "Support deal"]


async def test_a_bad_date_is_refused(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "registered:gt:yesterday-ish")
    assert error.value.field == "registered"


async def test_yes_no_fields(db, admin, world):
    assert await names(db, admin, "email_opt_in:eq:yes") == ["Ann Berg"]
    assert "Ann Berg" not in await names(db, admin, "email_opt_in:eq:no")
    assert await names(db, admin, "completed:eq:no", target="sales") == ["App", "Support deal", "Website"]


async def test_lead_enabled_means_the_company_uses_lead_status(db, admin, world):
    assert await names(db, admin, "lead_enabled:eq:yes") == ["Ann Berg", "Bob Øster", "Cid Lund"]
    assert await names(db, admin, "lead_enabled:eq:no") == ["Dan Moe", "Eve Solo"]


async def test_lead_status_reached_looks_in_the_history(db, admin, world):
    from leadtui.services import contacts

    await contacts.update_contact(db, admin, world.people["ann"], {"lead_status": "Qualified"})
    assert await names(db, admin, "status_reached:one_of:Qualified") == ["Ann Berg", "Cid Lund"]
    assert await names(db, admin, "status_reached:one_of:Open") == ["Ann Berg"]
    assert await names(db, admin, "status_reached:one_of:Open", "status_reached_on:lt:2000-01-01") == []
    assert await names(db, admin, "status_reached:not_one_of:Qualified") == ["Bob Øster", "Dan Moe", "Eve Solo"]


# --------------------------------------------------------------------------- rules of criteria


async def test_criteria_are_anded(db, admin, world):
    assert await names(db, admin, "lead_status:one_of:Open,Contacting", "title:eq:buyer") == ["Bob Øster"]


async def test_an_empty_value_deactivates_a_criterion(db, admin, world):
    assert len(await names(db, admin, "lead_status:one_of:", "name:contains:")) == 5


async def test_unknown_field_and_operator_and_wrong_operator_are_refused(db, admin, world):
    for where, field in (
        ("colour:eq:red", "field"),
        ("name:like:x", "op"),
        ("lead_status:contains:O", "lead_status"),
        ("amount:contains:1", "amount"),
    ):
        with pytest.raises(RuleViolation) as error:
            await names(db, admin, where, target="sales" if "amount" in where else "persons")
        assert error.value.field == field


async def test_deleted_contacts_are_never_found(db, admin, world):
    from leadtui.services import contacts

    await contacts.delete_contact(db, admin, world.people["ann"])
    assert "Ann Berg" not in await names(db, admin)


# --------------------------------------------------------------------------- paging, sorting, columns


async def test_pages_come_from_the_database_with_a_more_flag(db, admin, world):
    first = await find.find(db, admin, "persons", [], columns=["name"], limit=2)
    second = await find.find(db, admin, "persons", [], columns=["name"], limit=2, offset=2)
    last = await find.find(db, admin, "persons", [], columns=["name"], limit=2, offset=4)
    assert first.more and second.more and not last.more
    assert len({r["id"] for r in first.rows + second.rows + last.rows}) == 5


async def test_keyset_pages_after_an_id_match_the_pages_by_offset(db, admin, world):
    by_offset = [await find.find(db, admin, "persons", [], columns=["name"], limit=2, offset=o) for o in (0, 2, 4)]
    second = await find.find(db, admin, "persons", [], columns=["name"], limit=2, after=by_offset[0].rows[-1]["id"])
    last = await find.find(db, admin, "persons", [], columns=["name"], limit=2, after=second.rows[-1]["id"])
    assert second.rows == by_offset[1].rows and last.rows == by_offset[2].rows and not last.more
    back = await find.find(
        db, admin, "persons", [], columns=["name"], limit=2, descending=True, after=by_offset[2].rows[0]["id"]
    )
    assert [r["id"] for r in back.rows] == sorted((r["id"] for r in by_offset[1].rows), reverse=True)
    with pytest.raises(RuleViolation):
        await find.find(db, admin, "persons", [], sort="name", after=1)


async def test_sort_by_a_column_and_descending(db, admin, world):
    page = await find.find(db, admin, "persons", [], columns=["name"], sort="name", descending=True)
    assert [r["name"] for r in page.rows] == ["Eve Solo", "Dan Moe", "Cid Lund", "Bob Øster", "Ann Berg"]
    page = await find.find(
        db, admin, "persons", [w("lead_status:not_empty")], columns=["name", "lead_status"], sort="lead_status"
    )
    assert [r["lead_status"] for r in page.rows] == ["Open", "Contacting", "Qualified"]


async def test_chosen_columns_show_names_not_ids(db, admin, world):
    page = await find.find(
        db,
        admin,
        "sales",
        [w("heading:eq:website")],
        columns=["heading", "sale_status", "sale_stage", "sale_type", "company", "owner"],
    )
    assert page.rows[0] | {"id": 0} == {
        "id": 0,
        "heading": "Website",
        "sale_status": "open",
        "sale_stage": "Offer",
        "sale_type": "General sale",
        "company": "Acme",
        "owner": "admin",
    }


async def test_a_criterion_only_field_cannot_be_a_column(db, admin, world):
    with pytest.raises(RuleViolation):
        await find.find(db, admin, "persons", [], columns=["status_reached"])


async def test_within_and_selection_members_restrict_the_ids(db, admin, world):
    ids = [world.people["ann"], world.people["dan"]]
    assert await find.count(db, admin, "persons", [], within=ids) == 2
    assert await find.count(db, admin, "persons", [], within=[]) == 0


async def test_iterating_every_match_in_batches(db, admin, world):
    rows = [row async for row in find.iter_rows(db, admin, "persons", [], columns=["name"], batch=2)]
    assert [r["id"] for r in rows] == sorted(world.people.values())


async def test_validate_stores_list_values_as_ids(db, admin, world):
    out = await find.validate(db, admin, "persons", [w("lead_status:one_of:open"), w("owner:one_of:me")])
    assert out[0].values[0].isdigit() and out[1].values == ["me"]
    assert await find.describe(db, "persons", out) == [
        "Lead status is one of Open",
        "Our contact is one of current user",
    ]


async def test_count_matches_find(db, admin, world):
    criteria = [w("lead_status:not_empty")]
    page = await find.find(db, admin, "persons", criteria, limit=None)
    assert await find.count(db, admin, "persons", criteria) == len(page.rows) == 3


async def test_counting_and_listing_agree_for_values_a_contact_takes_from_its_company(db, admin, world):
    from leadtui.services import contacts

    await contacts.update_contact(db, admin, world.people["eve"], {"category": "Lead", "owner": "admin"})  # B2C
    for where in (
        "category:one_of:Lead",
        "category:not_one_of:Lead,Customer",
        "category_group:one_of:customer",
        "category_group:not_one_of:potential-customer",
        "owner:one_of:admin",
        "owner:not_one_of:admin",
        "category:empty",
        "owner:not_empty",
    ):
        listed = await find.find(db, admin, "persons", [w(where)], limit=None)
        assert await find.count(db, admin, "persons", [w(where)]) == len(listed.rows), where
    assert "Eve Solo" in await names(db, admin, "category:one_of:Lead")


async def test_a_large_page_is_fine(db, admin, world):
    page = await find.find(db, admin, "persons", [], columns=["name"], limit=100_000)
    assert len(page.rows) == 5 and not page.more


async def test_choices_of_a_list_field(db, admin, world):
    items = await find.choices(db, "persons", "lead_status")
    assert [c.label for c in items] == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]
    groups = await find.choices(db, "companies", "category_group")
    assert "Potential customer" in [c.label for c in groups]
    await set_columns(db, t.LeadStatus, int(items[1].value), deleted=True)
    items = await find.choices(db, "persons", "lead_status")
    assert items[-1].label == "Contacting" and items[-1].deleted


async def test_list_values_by_id_are_still_checked_after_a_search_and_new_items_are_found(db, admin, world):
    from leadtui.services import lists

    by_label = {c.label: c.value for c in await find.choices(db, "persons", "lead_status")}
    by_id = find.Criterion(field="lead_status", op="one_of", values=[by_label["Open"]])
    assert (await find.find(db, admin, "persons", [by_id])).rows  # the ids are known now
    with pytest.raises(RuleViolation) as error:
        await find.find(
            db, admin, "persons", [find.Criterion(field="lead_status", op="one_of", values=[by_label["Open"], "98765"])]
        )
    assert "Lead status" in str(error.value) and "98765" in str(error.value)
    hot = await lists.add_item(db, admin, "lead-status", {"name": "Hot"})
    page = await find.find(
        db, admin, "persons", [find.Criterion(field="lead_status", op="one_of", values=[str(hot.id)])]
    )
    assert page.rows == []
