"""Decision 8 and SPEC.md 2.3: stage and probability, Sold, Lost, Stalled, Completed, reopening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from leadtui.services import lists, sales
from leadtui.services.errors import RuleViolation
from tests.sales_helpers import add_company

TODAY = date.today()


@pytest.fixture
async def sale(db, admin):
    company = await add_company(db)
    return await sales.create_sale(
        db,
        admin,
        {
            "heading": "Deal",
            "sale_type": "General sale",
            "company_id": company,
            "amount": "1000",
            "sale_date": "2030-06-30",
        },
    )


async def test_changing_the_stage_sets_the_probability_of_the_stage(db, admin, sale):
    changed = await sales.update_sale(db, admin, sale.id, {"stage": "Negotiation"})
    assert (changed.stage, changed.probability, str(changed.weighted_amount)) == ("Negotiation", 75, "750.00")


async def test_the_user_may_override_the_probability_and_it_is_kept(db, admin, sale):
    changed = await sales.update_sale(db, admin, sale.id, {"stage": "Offer", "probability": 35})
    assert changed.probability == 35
    assert (await sales.update_sale(db, admin, sale.id, {"heading": "Other"})).probability == 35
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"probability": 101})
    assert exc.value.field == "probability"


async def test_sold_needs_a_reason_and_sets_probability_100_date_today_and_stage_when_closed(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"stage": "Sold"})
    assert exc.value.field == "reason_sold" and "Reason (sold)" in str(exc.value)
    offer = await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})
    sold = await sales.update_sale(db, admin, sale.id, {"stage": "Sold", "reason_sold": "Price"})
    assert (sold.status, sold.stage, sold.probability, sold.sale_date) == ("sold", "Sold", 100, TODAY)
    assert (sold.reason, sold.stage_when_closed, sold.sale_cycle_days) == ("Price", "Offer", 0)
    assert sold.stage_id == offer.stage_id and sold.closed_at is not None


async def test_the_date_of_a_sold_sale_can_be_given_and_amount_changed_at_the_same_time(db, admin, sale):
    sold = await sales.update_sale(
        db, admin, sale.id, {"status": "sold", "reason": "Price", "sale_date": "2026-01-15", "amount": "1200"}
    )
    assert (sold.sale_date, str(sold.amount)) == (date(2026, 1, 15), "1200.00")


async def test_lost_needs_its_reason_and_sets_probability_0(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason_sold": "Price"})
    assert exc.value.field == "reason_lost"
    await lists.add_item(db, admin, "competitor", {"name": "Globex"})
    lost = await sales.update_sale(
        db, admin, sale.id, {"stage": "Lost", "reason": "Budget cut", "competitor": "Globex"}
    )
    assert (lost.status, lost.probability, lost.reason, lost.reason_sold) == ("lost", 0, "Budget cut", None)
    assert lost.competitor == "Globex" and lost.sale_date == TODAY


async def test_a_closed_sale_keeps_its_fixed_probability(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"probability": 50})
    assert exc.value.field == "probability"


async def test_completed_only_on_sold_or_lost(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"completed": True})
    assert exc.value.field == "completed"
    done = await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price", "completed": True})
    assert done.completed


async def test_picking_a_stage_reopens_a_sold_sale_and_clears_completed_and_reasons(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price", "completed": True})
    reopened = await sales.update_sale(db, admin, sale.id, {"stage": "Negotiation"})
    assert (reopened.status, reopened.stage, reopened.probability, reopened.completed) == (
        "open",
        "Negotiation",
        75,
        False,
    )
    assert (reopened.reason_sold, reopened.stage_when_closed, reopened.closed_at) == (None, None, None)


async def test_status_open_also_reopens_with_the_stage_probability(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    reopened = await sales.update_sale(db, admin, sale.id, {"status": "open"})
    assert (reopened.status, reopened.stage, reopened.probability) == ("open", "Lead", 10)


async def test_stalled_needs_reopen_date_and_reason(db, admin, sale):
    with pytest.raises(RuleViolation) as no_date:
        await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price"})
    assert no_date.value.field == "reopen_date"
    with pytest.raises(RuleViolation) as no_reason:
        await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reopen_date": "+10"})
    assert no_reason.value.field == "reason_stalled"
    stalled = await sales.update_sale(
        db, admin, sale.id, {"status": "stalled", "reopen_date": "+10", "reason_stalled": "Lack of interest"}
    )
    assert (stalled.status, stalled.status_icon, stalled.reopen_date) == ("stalled", "▲", TODAY + timedelta(days=10))
    assert stalled.reason == "Lack of interest" and stalled.probability == 10


async def test_the_reopen_date_cannot_be_in_the_past(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(
            db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": TODAY - timedelta(days=1)}
        )
    assert exc.value.field == "reopen_date" and "today or later" in str(exc.value)
    assert (
        await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": TODAY})
    ).reopen_date == TODAY


async def test_unchecking_stalled_returns_to_open_and_clears_its_fields(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": "+5"})
    opened = await sales.update_sale(db, admin, sale.id, {"status": "open"})
    assert (opened.status, opened.reopen_date, opened.reason_stalled) == ("open", None, None)


async def test_a_stalled_sale_can_change_stage_and_stays_stalled(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": "+5"})
    moved = await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})
    assert (moved.status, moved.stage, moved.probability) == ("stalled", "Offer", 50)


async def test_a_stalled_sale_can_be_sold(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": "+5"})
    sold = await sales.update_sale(db, admin, sale.id, {"stage": "Sold", "reason": "Price"})
    assert (sold.status, sold.reopen_date, sold.reason_stalled) == ("sold", None, None)


async def test_a_sold_sale_cannot_be_stalled_without_reopening(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": "+3"})
    assert exc.value.field == "status"
    stalled = await sales.update_sale(
        db, admin, sale.id, {"stage": "Offer", "status": "stalled", "reason": "Price", "reopen_date": "+3"}
    )
    assert stalled.status == "stalled"


async def test_a_reason_on_an_open_sale_is_refused(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"reason": "Price"})
    assert exc.value.field == "reason"


async def test_a_deleted_reason_cannot_be_chosen_but_stays_on_sales_that_have_it(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    await lists.delete_item(db, admin, "reason-lost", "Price")
    kept = await sales.update_sale(db, admin, sale.id, {"heading": "Still lost", "reason_lost": "Price"})
    assert kept.reason == "Price"
    await sales.update_sale(db, admin, sale.id, {"status": "open"})
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    assert exc.value.field == "reason_lost"


async def test_when_a_reason_list_is_empty_the_reason_is_not_required(db, admin, sale):
    for item in await lists.list_items(db, "reason-sold"):
        await lists.delete_item(db, admin, "reason-sold", item.id)
    assert (await sales.update_sale(db, admin, sale.id, {"status": "sold"})).status == "sold"


async def test_stage_and_status_contradiction_is_refused(db, admin, sale):
    with pytest.raises(RuleViolation) as exc:
        await sales.update_sale(db, admin, sale.id, {"stage": "Sold", "status": "lost", "reason": "Price"})
    assert exc.value.field == "stage"


async def test_history_of_a_sale_through_its_life(db, admin, sale):
    await sales.update_sale(db, admin, sale.id, {"status": "stalled", "reason": "Price", "reopen_date": "+5"})
    await sales.update_sale(db, admin, sale.id, {"status": "open"})
    await sales.update_sale(db, admin, sale.id, {"stage": "Sold", "reason": "Price"})
    await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})
    statuses = [
        (r.from_text, r.to_text) for r in reversed(await sales.sale_history(db, sale.id)) if r.field == "status"
    ]
    assert statuses == [("", "Open"), ("Open", "Stalled"), ("Stalled", "Open"), ("Open", "Sold"), ("Sold", "Open")]
