"""Find's full operators (SPEC.md 4.4), OR groups (Q5), "current user" and the text index, on SQLite and
PostgreSQL: each test names the rule a user would notice."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import update

from leadtui.model import tables as t
from leadtui.services import contacts, find, selections
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build
from tests.services.test_find import names, w

TODAY = datetime(2026, 2, 25, 12, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


def on_today():
    return time_machine.travel(TODAY, tick=True)


# --------------------------------------------------------------------------- text


async def test_ends_with_and_the_negations_of_text(db, admin, world):
    assert await names(db, admin, "name:ends_with:lund") == ["Cid Lund"]
    assert await names(db, admin, "name:ends_with:CID") == []
    assert await names(db, admin, "name:not_starts_with:a,b") == ["Cid Lund", "Dan Moe", "Eve Solo"]
    assert await names(db, admin, "name:not_ends_with:berg,solo") == ["Bob Øster", "Cid Lund", "Dan Moe"]
    assert await names(db, admin, "name:not_contains:øst") == ["Ann Berg", "Cid Lund", "Dan Moe", "Eve Solo"]


async def test_text_negations_include_records_without_a_value(db, admin, world):
    # Eve has no company, so no city at all: every "not" includes her
    assert await names(db, admin, "city:not_contains:osl") == ["Cid Lund", "Dan Moe", "Eve Solo"]
    assert await names(db, admin, "city:not_starts_with:berg") == ["Ann Berg", "Bob Øster", "Cid Lund", "Eve Solo"]
    assert await names(db, admin, "city:not_ends_with:hus") == ["Ann Berg", "Bob Øster", "Dan Moe", "Eve Solo"]
    assert await names(db, admin, "city:ne:oslo") == ["Cid Lund", "Dan Moe", "Eve Solo"]


async def test_contains_through_the_text_index_matches_what_like_matches(db, admin, world):
    # 3+ characters go through the trigram index, shorter ones scan; both give the same answers
    assert await names(db, admin, "name:contains:ster") == ["Bob Øster"]
    assert await names(db, admin, "name:contains:st") == ["Bob Øster"]
    assert await names(db, admin, "email:contains:acme.ex") == ["Ann Berg"]
    assert await names(db, admin, "company:contains:NORDIC") == ["Cid Lund"]
    assert await names(db, admin, "heading:contains:ppor", target="sales") == ["Support deal"]
    assert await names(db, admin, "heading:ends_with:SITE", target="sales") == ["Website"]
    assert await names(db, admin, "heading:not_contains:ppor", target="sales") == ["App", "Website"]
    # LIKE wildcards stay literal, with and without the index
    assert await names(db, admin, "name:contains:a%n") == []
    assert await names(db, admin, "name:contains:___") == []


async def test_the_text_index_follows_renames_and_new_records(db, admin, world):
    await contacts.update_contact(db, admin, world.people["ann"], {"first_name": "Annika"})
    assert await names(db, admin, "name:contains:annik") == ["Annika Berg"]
    assert await names(db, admin, "name:contains:ann ber") == []
    from tests.services.find_data import person

    await person(db, admin, world.acme, "Xavier", "Quist")
    assert await names(db, admin, "name:contains:vier q") == ["Xavier Quist"]
    assert await names(db, admin, "company:contains:acm") == ["Annika Berg", "Bob Øster", "Xavier Quist"]


# --------------------------------------------------------------------------- numbers


async def test_number_comparisons_between_and_symbols(db, admin, world):
    assert await names(db, admin, "amount:ge:250.50", target="sales") == ["App", "Website"]
    assert await names(db, admin, "amount:le:250.50", target="sales") == ["App", "Support deal"]
    assert await names(db, admin, "amount:between:100,1000", target="sales") == ["App", "Website"]
    assert await names(db, admin, "amount:between:1000,100", target="sales") == ["App", "Website"]  # either order
    assert await names(db, admin, "amount:<>:1000", target="sales") == ["App", "Support deal"]
    assert await names(db, admin, "amount:>=:1000", target="sales") == ["Website"]
    # a whole-number field against fractions: the whole numbers between them
    probabilities = await find.find(db, admin, "sales", [w("probability:not_empty")], columns=["probability"])
    values = sorted(r["probability"] for r in probabilities.rows)
    low, high = values[0], values[-1]
    found = await names(db, admin, f"probability:between:{low - 0.5},{high + 0.5}", target="sales")
    assert len(found) == 3
    assert await names(db, admin, f"probability:ge:{high + 0.5}", target="sales") == []


async def test_between_needs_two_values(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "amount:between:100", target="sales")
    assert "two values" in str(error.value) and "Amount" in str(error.value)


# --------------------------------------------------------------------------- dates


async def test_absolute_dates_before_after_between(db, admin, world):
    assert await names(db, admin, "sale_date:before:2026-03-01", target="sales") == ["Support deal"]
    assert await names(db, admin, "sale_date:after:2026-03-01", target="sales") == ["App"]
    assert await names(db, admin, "sale_date:between:2026-02-15,2026-03-01", target="sales") == [
        "Support deal",
        "Website",
    ]
    # on a timestamp: whole days, both ends included
    assert await names(db, admin, "registered:between:2026-01-10,2026-01-11") == ["Ann Berg", "Bob Øster"]


async def test_relative_dates_at_a_fixed_day(db, admin, world):
    with on_today():  # Wednesday 25 February 2026
        assert await names(db, admin, "sale_date:before_today", target="sales") == ["Support deal"]
        assert await names(db, admin, "sale_date:today", target="sales") == []
        assert await names(db, admin, "sale_date:after_today", target="sales") == ["App", "Website"]
        assert await names(db, admin, "sale_date:this:week", target="sales") == ["Website"]  # Mon 23 - Sun 1 March
        assert await names(db, admin, "sale_date:next:1:week", target="sales") == ["App"]
        assert await names(db, admin, "sale_date:next:30:days", target="sales") == ["App", "Website"]
        assert await names(db, admin, "sale_date:this:month", target="sales") == ["Support deal"]
        assert await names(db, admin, "sale_date:previous:2:weeks", target="sales") == ["Support deal"]
        assert await names(db, admin, "sale_date:previous:1:month", target="sales") == []
        assert len(await names(db, admin, "sale_date:this:quarter", target="sales")) == 3
        assert len(await names(db, admin, "sale_date:this:1:year", target="sales")) == 3
        assert await names(db, admin, "registered:previous:2:months") == ["Ann Berg", "Bob Øster", "Cid Lund"]


def test_this_week_is_monday_to_sunday_and_next_previous_are_whole_units():
    sunday = date(2026, 3, 1)
    assert find.relative_days("this", "week", now=sunday) == (date(2026, 2, 23), date(2026, 3, 2))
    assert find.relative_days("next", "2:weeks", now=sunday) == (date(2026, 3, 2), date(2026, 3, 16))
    assert find.relative_days("previous", "1:quarter", now=sunday) == (date(2025, 10, 1), date(2026, 1, 1))
    assert find.relative_days("next", "3:months", now=date(2026, 11, 30)) == (date(2026, 12, 1), date(2027, 3, 1))
    assert find.relative_days("this", "years", now=sunday) == (date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(RuleViolation):
        find.relative_days("next", "3:fortnights", now=sunday)


async def test_a_saved_relative_date_stays_relative(db, admin, world):
    saved = await selections.create_selection(
        db, admin, {"name": "This week", "target": "sales", "criteria": [w("sale_date:this:week")]}
    )
    assert [c.model_dump() for c in saved.criteria] == [{"field": "sale_date", "op": "this", "values": ["1:weeks"]}]
    with on_today():
        page = await selections.members(db, admin, saved.id, columns=["heading"])
        assert [r["heading"] for r in page.rows] == ["Website"]
    with time_machine.travel(datetime(2026, 3, 4, 12, tzinfo=timezone.utc), tick=True):  # a week later
        page = await selections.members(db, admin, saved.id, columns=["heading"])
        assert [r["heading"] for r in page.rows] == ["App"]


# --------------------------------------------------------------------------- yes/no, lists, current user


async def test_yes_no_equals(db, admin, world):
    assert await names(db, admin, "email_opt_in:eq:yes") == ["Ann Berg"]
    assert "Ann Berg" not in await names(db, admin, "email_opt_in:eq:no")


async def test_current_user_is_resolved_when_the_search_runs(db, admin, rep, world):
    assert len(await names(db, admin, "owner:one_of:current_user", target="sales")) == 3
    assert await names(db, rep, "owner:one_of:current_user", target="sales") == []
    saved = await selections.create_selection(
        db, admin, {"name": "Mine", "target": "sales", "criteria": [w("owner:one_of:current_user")]}
    )
    assert saved.criteria[0].values == ["me"]  # stored as "whoever looks", not as the admin's id
    async with db.write(admin) as session:
        await session.execute(update(t.Sale).where(t.Sale.id == world.sales["app"]).values(owner_id=rep.id))
    mine = await selections.members(db, admin, saved.id, columns=["heading"])
    theirs = await selections.members(db, rep, saved.id, columns=["heading"])
    assert sorted(r["heading"] for r in mine.rows) == ["Support deal", "Website"]
    assert [r["heading"] for r in theirs.rows] == ["App"]
    assert (await find.describe(db, "sales", saved.criteria)) == ["Owner is one of current user"]


# --------------------------------------------------------------------------- OR groups


async def test_or_groups_and_inside_or_between(db, admin, world):
    # (lead status Contacting and title Buyer) or title CTO
    criteria = find.grouped([[w("lead_status:one_of:Contacting"), w("title:eq:buyer")], [w("title:eq:cto")]])
    assert [c.group for c in criteria] == [0, 0, 1]
    page = await find.find(db, admin, "persons", criteria, columns=["name"])
    assert sorted(r["name"] for r in page.rows) == ["Bob Øster", "Dan Moe"]
    assert await find.count(db, admin, "persons", criteria) == 2
    # a criterion without a group is ANDed with all of them (as the board adds its own)
    narrowed = [*criteria, w("company:contains:oldco")]
    assert [r["name"] for r in (await find.find(db, admin, "persons", narrowed, columns=["name"])).rows] == ["Dan Moe"]
    async with db.read() as session:
        ids = (await session.scalars(await find.matching_ids(session, admin, "persons", criteria))).all()
    assert sorted(ids) == sorted([world.people["bob"], world.people["dan"]])


async def test_a_flat_list_is_one_and_group_and_one_group_is_the_same(db, admin, world):
    flat = [w("lead_status:one_of:Contacting"), w("title:eq:cto")]
    assert await find.count(db, admin, "persons", flat) == 0
    assert find.grouped([flat]) == flat  # a single group is plain criteria
    assert [c.model_dump() for c in flat] == [
        {"field": "lead_status", "op": "one_of", "values": ["Contacting"]},
        {"field": "title", "op": "eq", "values": ["cto"]},
    ]


async def test_a_group_of_inactive_criteria_is_left_out(db, admin, world):
    criteria = find.grouped([[w("title:eq:ceo")], [w("title:eq:")]])
    assert await find.count(db, admin, "persons", criteria) == 1


async def test_or_groups_with_lead_status_reached_in_each_group(db, admin, world):
    criteria = find.grouped([[w("status_reached:one_of:Contacting")], [w("status_reached:one_of:Qualified")]])
    assert sorted(r["name"] for r in (await find.find(db, admin, "persons", criteria, columns=["name"])).rows) == [
        "Bob Øster",
        "Cid Lund",
    ]


async def test_a_dynamic_selection_keeps_its_groups(db, admin, world):
    criteria = find.grouped([[w("title:eq:ceo")], [w("title:eq:cto")]])
    saved = await selections.create_selection(db, admin, {"name": "Bosses", "target": "persons", "criteria": criteria})
    assert [c.group for c in saved.criteria] == [0, 1]
    assert await selections.member_count(db, admin, saved.id) == 2
    assert await find.describe(db, "persons", saved.criteria) == ["Title equals ceo", "or Title equals cto"]


# --------------------------------------------------------------------------- older criteria, refusals


async def test_criteria_stored_by_older_versions_load_and_give_the_same_result(db, admin, world):
    old = [
        {"field": "registered", "op": "gt", "values": ["2026-01-10"]},
        {"field": "registered", "op": "lt", "values": ["2026-01-12"]},
        {"field": "lead_status", "op": "eq", "values": ["Contacting"]},
    ]
    async with db.write(admin) as session:
        row = t.Selection(name="Old", kind=1, target="contact", owner_id=admin.id, criteria=old)
        session.add(row)
        await session.flush()
        selection_id = row.id
    page = await selections.members(db, admin, selection_id, columns=["name"])
    assert [r["name"] for r in page.rows] == ["Bob Øster"]
    checked = await find.validate(db, admin, "persons", old)
    assert [c.op for c in checked] == ["after", "before", "one_of"]


async def test_a_bad_operator_names_the_field_and_the_rule(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "registered:contains:x")
    assert str(error.value).startswith("Registered: the operator 'contains' does not apply; use one of before")
    with pytest.raises(RuleViolation) as error:
        await names(db, admin, "name:sounds_like:x")
    assert str(error.value).startswith("Name: 'sounds_like' is not an operator; use one of contains")
    assert error.value.field == "op"


def test_fields_list_every_operator_by_its_name():
    kinds = {f.kind: f.operators for f in find.field_infos("sales")}
    assert kinds["text"] == list(find.TEXT_OPERATORS)
    assert {"between", "ge", "le"} <= set(kinds["money"])
    assert {"before_today", "this", "next", "previous"} <= set(kinds["date"])


async def test_a_wide_date_range_gives_the_same_answer_when_its_index_is_bypassed(db, admin, world, monkeypatch):
    monkeypatch.setattr(find, "NARROW_PREFIX", 1)  # every range counts as wide: SQLite walks the rows in id order
    assert await names(db, admin, "registered:between:2026-01-10,2026-01-11") == ["Ann Berg", "Bob Øster"]
    assert await names(db, admin, "sale_date:after:2026-03-01", target="sales") == ["App"]
    with on_today():
        assert await names(db, admin, "sale_date:this:week", target="sales") == ["Website"]


async def test_a_common_text_gives_the_same_answer_when_the_index_is_bypassed(db, admin, world, monkeypatch):
    monkeypatch.setattr(find, "NARROW_PREFIX", 1)  # every text counts as common: a first page scans by id
    assert await names(db, admin, "name:contains:ster") == ["Bob Øster"]
    assert await names(db, admin, "heading:ends_with:site", target="sales") == ["Website"]
    assert await find.count(db, admin, "persons", [w("company:contains:acm")]) == 2
