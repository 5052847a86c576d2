"""Lead dashboard (SPEC.md 4.7): tiles counted in the database, each opening exactly the contacts it counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from leadtui.model import tables as t
from leadtui.services import contacts, dashboard, find
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build, set_columns


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


def tiles(items: list[dashboard.Tile]) -> dict[str, float]:
    return {tile.title: tile.value for tile in items}


async def test_leads_per_lead_status_in_list_order_with_empty_ones(db, admin, world):
    out = await dashboard.dashboard(db, admin)
    assert [tile.title for tile in out.per_status] == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]
    assert [tile.value for tile in out.per_status] == [1, 1, 0, 0, 1]


async def test_a_status_kept_outside_a_lead_category_still_counts(db, admin, world):
    from leadtui.services import companies

    await companies.update_company(db, admin, world.nordic, {"category": "Customer"})
    out = await dashboard.dashboard(db, admin)
    assert tiles(out.per_status)["Qualified"] == 1  # L18


async def test_leads_per_category_of_the_potential_customer_group(db, admin, world):
    out = await dashboard.dashboard(db, admin)
    assert tiles(out.per_category) == {
        "Lead": 2,
        "Marketing qualified lead (MQL)": 0,
        "Opportunity": 1,
        "Lost opportunity": 0,
    }


async def test_new_leads_this_week_are_lead_contacts_registered_since_monday(db, admin, world):
    today = t.utcnow().date()
    monday = today - timedelta(days=today.weekday())
    await set_columns(db, t.Contact, world.people["ann"], registered_at=datetime.combine(monday, datetime.min.time()))
    await set_columns(db, t.Contact, world.people["dan"], registered_at=datetime.combine(monday, datetime.min.time()))
    await set_columns(
        db,
        t.Contact,
        world.people["bob"],
        registered_at=datetime.combine(monday, datetime.min.time()) - timedelta(seconds=1),
    )
    out = await dashboard.dashboard(db, admin)
    assert out.week_start == monday
    assert out.new_this_week.value == 1  # Ann; Dan's company does not use lead status, Bob came last week


async def test_the_funnel_counts_contacts_that_reached_each_status_in_the_period(db, admin, world):
    await contacts.update_contact(db, admin, world.people["ann"], {"lead_status": "Contacting"})
    await contacts.update_contact(db, admin, world.people["ann"], {"lead_status": "Qualified"})
    await contacts.update_contact(db, admin, world.people["ann"], {"lead_status": "Contacting"})
    out = await dashboard.dashboard(db, admin, period="7d")
    funnel = tiles(out.funnel)
    assert funnel["Contacting"] == 2  # Ann (twice, counted once) and Bob
    assert funnel["Qualified"] == 2 and funnel["Open"] == 1
    old = await dashboard.dashboard(db, admin, period="7d", today=date.today() - timedelta(days=30))
    assert all(tile.value == 0 for tile in old.funnel)


async def test_days_in_status_is_the_average_time_in_the_current_status(db, admin, world):
    now = t.utcnow()
    await set_columns(db, t.Contact, world.people["ann"], lead_status_since=now - timedelta(days=10))
    await contacts.update_contact(db, admin, world.people["bob"], {"lead_status": "Open"})
    await set_columns(db, t.Contact, world.people["bob"], lead_status_since=now - timedelta(days=20))
    out = await dashboard.dashboard(db, admin)
    days = {tile.title: tile for tile in out.days_in_status}
    assert days["Open"].value == pytest.approx(15, abs=0.1)
    assert days["Open"].text == "15.0 d"
    assert days["Disqualified"].text == "–"


async def test_every_tile_opens_the_contacts_it_counts(db, admin, world):
    await contacts.update_contact(db, admin, world.people["ann"], {"lead_status": "Qualified"})
    out = await dashboard.dashboard(db, admin)
    for tile in [*out.per_status, *out.per_category, out.new_this_week, *out.funnel]:
        assert await find.count(db, admin, tile.target, tile.criteria) == tile.value, tile.title


async def test_an_unknown_period_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await dashboard.dashboard(db, admin, period="decade")
    assert error.value.field == "period"


def test_periods():
    today = date(2026, 8, 20)
    assert dashboard.period_range("quarter", today) == (date(2026, 7, 1), today)
    assert dashboard.period_range("year", today) == (date(2026, 1, 1), today)
    assert dashboard.period_range("7d", today) == (date(2026, 8, 14), today)
