"""Dashboard tile sets (SPEC.md 4.7, 5.1): each predefined tile's figures on known data at a fixed day, Find
listing exactly what each tile and row counts, and the tiles each user adds (from a selection or from criteria)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
import time_machine

from leadtui.i18n.format import format_money
from leadtui.model import tables as t
from leadtui.services import companies, contacts, find, sales, selections, tiles
from leadtui.services.errors import NotFound, RuleViolation
from tests.services.find_data import person, set_columns

NOW = datetime(2027, 3, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


async def utm(db, *, contact_id=None, company_id=None, source="", campaign="", medium="") -> None:
    async with db.write() as session:
        session.add(
            t.UtmRecord(contact_id=contact_id, company_id=company_id, source=source, campaign=campaign, medium=medium)
        )


@pytest.fixture
async def world(db, admin, clock):
    w: dict[str, int] = {}
    w["acme"] = (await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})).id
    w["beta"] = (await companies.create_company(db, admin, {"name": "Beta", "category": "Opportunity"})).id
    w["oldco"] = (await companies.create_company(db, admin, {"name": "Oldco", "category": "Customer"})).id
    await set_columns(db, t.Company, w["beta"], registered_at=datetime(2026, 12, 31, 23, 0))  # last year
    await utm(db, company_id=w["acme"], source="LinkedIn")
    w["ann"] = await person(db, admin, w["acme"], "Ann", "Berg")  # Open (the default)
    w["bob"] = await person(db, admin, w["acme"], "Bob", "Dahl")
    w["cid"] = await person(db, admin, w["beta"], "Cid", "Lund", lead_status="Qualified")
    w["dan"] = await person(db, admin, w["oldco"], "Dan", "Moe")  # no lead category: not a lead
    w["old"] = await person(db, admin, w["beta"], "Old", "Timer")
    await set_columns(db, t.Contact, w["old"], registered_at=datetime(2026, 6, 1))  # not new this year
    await utm(db, contact_id=w["ann"], source="google", campaign="Spring")
    await utm(db, contact_id=w["bob"], source="Google", campaign="spring")
    await utm(db, contact_id=w["cid"], source="newsletter", campaign="")
    await utm(db, contact_id=w["dan"], source="google", campaign="Spring")
    await contacts.update_contact(db, admin, w["bob"], {"lead_status": "Contacting"})
    for key, heading, company, amount, stage, day in (
        ("offer", "Offer deal", "acme", "1000.00", "Offer", "2027-03-20"),
        ("lead", "Lead deal", "beta", "200.00", "Lead", "2027-05-02"),
        ("late", "Late deal", "beta", "300.00", "Lead", "2027-01-10"),
        ("won", "Won deal", "acme", "500.00", "Sold", "2027-03-01"),
        ("lost", "Lost deal", "beta", "70.00", "Lost", "2027-02-20"),
        ("old", "Old win", "oldco", "999.00", "Sold", "2026-11-01"),
    ):
        data = {
            "heading": heading,
            "sale_type": "General sale",
            "company_id": w[company],
            "amount": amount,
            "stage": stage,
            "sale_date": day,
        }
        if stage in ("Sold", "Lost"):
            data["reason"] = "Price"
        w["sale_" + key] = (await sales.create_sale(db, admin, data)).id
    return w


def by_key(items):
    return {tile.key: tile for tile in items}


def rows(tile):
    return {row.label: row.value for row in tile.rows}


async def assert_find_counts(db, admin, tile_list):
    """Find with each row's criteria lists exactly the records the row counts."""
    for tile in tile_list:
        for row in tile.rows:
            if row.record_id is not None or tile.layout == "list" and tile.key == "leads:top_companies":
                continue
            if "amount" in row.text or tile.target == "sale" and tile.layout == "bar":
                continue
            assert await find.count(db, admin, row.target, row.criteria) == row.value, (tile.key, row.label)


async def test_lead_tiles_count_new_leads_by_utm_values_this_year(db, admin, world):
    out = await tiles.tile_set(db, admin, "leads")
    assert out.today.isoformat() == "2027-03-15"
    lead = by_key(out.tiles)
    assert lead["leads:new"].value == 3  # ann, bob, cid: dan is not in a lead category, old is from last year
    assert rows(lead["leads:by_campaign"]) == {"Spring": 2, "(none)": 1}  # "spring" and "Spring" are one
    assert rows(lead["leads:by_first_touch"]) == {"Google": 2, "newsletter": 1} or rows(
        lead["leads:by_first_touch"]
    ) == {"google": 2, "newsletter": 1}
    assert rows(lead["leads:by_creation_source"]) == {"LinkedIn": 1}  # Beta was created last year
    assert lead["leads:by_creation_source"].target == "company"
    assert lead["leads:new_with_source"].value == 3
    assert lead["leads:open"].value == 2  # Ann and Old hold Open
    assert [r.label for r in lead["leads:top_campaigns"].rows] == ["Spring"]
    top = lead["leads:top_companies"].rows
    assert [(r.label, r.value, r.target, r.record_id) for r in top] == [
        ("Acme", 1, "company", world["acme"]),
        ("Beta", 1, "company", world["beta"]),
    ]
    await assert_find_counts(db, admin, out.tiles)


async def test_the_qualification_funnel_counts_contacts_that_reached_each_status_this_year(db, admin, world):
    funnel = by_key((await tiles.tile_set(db, admin, "leads")).tiles)["leads:funnel"]
    assert funnel.layout == "funnel"
    assert [r.label for r in funnel.rows] == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]
    assert rows(funnel) == {"Open": 3, "Contacting": 1, "Disqualified": 0, "Re-nurture": 0, "Qualified": 1}
    await assert_find_counts(db, admin, [funnel])


async def test_sales_tiles_pipeline_weighted_won_lost_and_forecast(db, admin, world):
    out = await tiles.tile_set(db, admin, "sales", period="year")
    sale = by_key(out.tiles)
    pipeline = {r.label: r for r in sale["sales:pipeline"].rows}
    assert pipeline["Offer"].value == 1000 and "1" in pipeline["Offer"].text
    assert pipeline["Lead"].value == 500
    offer_probability = (await sales.get_sale(db, world["sale_offer"])).probability
    lead_probability = (await sales.get_sale(db, world["sale_lead"])).probability
    assert 0 < offer_probability < 100
    weighted = format_money(Decimal(1000 * offer_probability / 100).quantize(Decimal("0.01")))
    assert pipeline["Offer"].extra == f"weighted {weighted}"
    for label, n in (("Offer", 1), ("Lead", 2)):
        assert await find.count(db, admin, "sale", pipeline[label].criteria) == n
    assert sale["sales:won"].value == 1 and "500" in sale["sales:won"].text  # the 2026 win is outside the year
    assert sale["sales:lost"].value == 1 and "70" in sale["sales:lost"].text
    assert await find.count(db, admin, "sale", sale["sales:won"].criteria) == 1
    forecast = {r.key: r for r in sale["sales:forecast"].rows}
    assert forecast["month:overdue"].value == pytest.approx(300 * lead_probability / 100)  # January's open sale
    assert forecast["month:2027-03"].value == pytest.approx(1000 * offer_probability / 100)
    assert forecast["month:2027-05"].value == pytest.approx(200 * lead_probability / 100)
    assert forecast["month:2027-04"].value == 0
    assert list(forecast)[1:] == [f"month:2027-{m:02d}" for m in range(3, 9)]
    for key, n in (("month:overdue", 1), ("month:2027-03", 1), ("month:2027-05", 1), ("month:2027-04", 0)):
        assert await find.count(db, admin, "sale", forecast[key].criteria) == n


async def test_won_and_lost_follow_the_period(db, admin, world):
    sale = by_key((await tiles.tile_set(db, admin, "sales", period="7d")).tiles)
    assert sale["sales:won"].value == 0 and sale["sales:lost"].value == 0
    sale = by_key((await tiles.tile_set(db, admin, "sales", period="30d")).tiles)
    assert sale["sales:won"].value == 1 and sale["sales:lost"].value == 1  # 1 March and 20 February


async def test_a_user_tile_from_criteria_counts_like_find_and_groups_by_a_list_field(db, admin, world):
    criteria = [find.parse_where("lead_enabled:eq:yes")]
    number = await tiles.add_tile(
        db, admin, {"target": "contacts", "criteria": criteria, "layout": "number", "title": "Leads"}
    )
    bars = await tiles.add_tile(db, admin, {"target": "contact", "criteria": criteria, "layout": "bar"})
    assert bars.group_by == "lead_status" and bars.title  # a title from the criteria when none is given
    listed = await tiles.add_tile(
        db, admin, {"target": "contact", "criteria": criteria, "layout": "list", "title": "Lead list"}
    )
    mine = by_key((await tiles.tile_set(db, admin, "mine")).tiles)
    assert mine[f"user:{number.id}"].value == 4 == await find.count(db, admin, "contact", criteria)
    assert rows(mine[f"user:{bars.id}"]) == {"Open": 2, "Contacting": 1, "Qualified": 1}
    assert [r.label for r in mine[f"user:{listed.id}"].rows] == ["Ann Berg", "Bob Dahl", "Cid Lund", "Old Timer"]
    assert mine[f"user:{listed.id}"].rows[0].record_id == world["ann"]
    await assert_find_counts(db, admin, [mine[f"user:{number.id}"], mine[f"user:{bars.id}"]])


async def test_a_user_tile_from_a_selection_counts_its_members(db, admin, world):
    dynamic = await selections.create_selection(
        db,
        admin,
        {
            "name": "Acme people",
            "target": "contact",
            "kind": "dynamic",
            "criteria": [find.parse_where("company:eq:Acme")],
        },
    )
    static = await selections.create_selection(
        db, admin, {"name": "Two", "target": "contact", "kind": "static", "ids": [world["ann"], world["dan"]]}
    )
    a = await tiles.add_tile(db, admin, {"selection_id": dynamic.id, "layout": "funnel"})
    b = await tiles.add_tile(db, admin, {"selection_id": static.id, "layout": "number"})
    assert a.title == "Acme people" and a.target == "contact" and a.source == "selection"
    mine = by_key((await tiles.tile_set(db, admin, "mine")).tiles)
    assert rows(mine[f"user:{a.id}"]) == {
        "Open": 1,
        "Contacting": 1,
        "Disqualified": 0,
        "Re-nurture": 0,
        "Qualified": 0,
    }
    assert mine[f"user:{b.id}"].value == 2 and mine[f"user:{b.id}"].selection_id == static.id
    await contacts.update_contact(db, admin, world["ann"], {"lead_status": "Qualified"})
    mine = by_key((await tiles.tile_set(db, admin, "mine")).tiles)
    assert rows(mine[f"user:{a.id}"])["Qualified"] == 1  # dynamic: counted now
    await selections.delete_selection(db, admin, static.id)
    mine = by_key((await tiles.tile_set(db, admin, "mine")).tiles)
    assert mine[f"user:{b.id}"].note and mine[f"user:{b.id}"].text == "–"


async def test_tiles_are_kept_per_user_in_their_order(db, admin, rep, world):
    first = await tiles.add_tile(db, admin, {"target": "sale", "layout": "number", "title": "All sales"})
    second = await tiles.add_tile(db, admin, {"target": "company", "layout": "bar", "title": "Companies"})
    theirs = await tiles.add_tile(db, rep, {"target": "sale", "layout": "list", "title": "Rita's"})
    assert [x.title for x in await tiles.list_tiles(db, admin)] == ["All sales", "Companies"]
    assert [x.title for x in await tiles.list_tiles(db, rep)] == ["Rita's"]
    assert [x.title for x in await tiles.move_tile(db, admin, second.id, -1)] == ["Companies", "All sales"]
    assert [x.title for x in await tiles.move_tile(db, admin, second.id, -1)] == ["Companies", "All sales"]
    with pytest.raises(NotFound):
        await tiles.remove_tile(db, admin, theirs.id)  # someone else's tile
    await tiles.remove_tile(db, admin, first.id)
    assert [x.title for x in await tiles.list_tiles(db, admin)] == ["Companies"]
    assert [x.key for x in (await tiles.tile_set(db, rep, "mine")).tiles] == [f"user:{theirs.id}"]


async def test_a_tile_is_refused_with_the_field_and_the_rule(db, admin, world):
    with pytest.raises(RuleViolation) as exc:
        await tiles.add_tile(db, admin, {"target": "contact", "layout": "pie"})
    assert exc.value.field == "layout"
    with pytest.raises(RuleViolation) as exc:
        await tiles.add_tile(db, admin, {"target": "contact", "layout": "bar", "group_by": "email"})
    assert exc.value.field == "group_by"
    with pytest.raises(RuleViolation):
        await tiles.add_tile(db, admin, {"target": "contact", "criteria": [find.parse_where("nope:eq:1")]})
    with pytest.raises(NotFound):
        await tiles.add_tile(db, admin, {"selection_id": 9999})
    with pytest.raises(RuleViolation) as exc:
        await tiles.tile_set(db, admin, "everything")
    assert exc.value.field == "set"
