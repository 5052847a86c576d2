"""Follow-ups: create, list per sale / contact / company, complete, the completed lock, Next activity."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from leadtui.services import activities, sales
from leadtui.services.errors import PermissionDenied, RuleViolation, StaleEdit
from tests.sales_helpers import add_company, add_contact

TODAY = date.today()


@pytest.fixture
async def sale(db, admin):
    company = await add_company(db)
    return await sales.create_sale(db, admin, {"heading": "Deal", "sale_type": "General sale", "company_id": company})


async def test_a_follow_up_on_a_sale_takes_the_sales_company(db, admin, sale):
    made = await activities.create_follow_up(
        db,
        admin,
        {"sale_id": sale.id, "date": "2031-05-01", "time": "14:30", "type": "Meeting", "text": "Demo\nbring laptop"},
    )
    assert (made.date, made.time, made.type, made.kind, made.title) == (
        date(2031, 5, 1),
        time(14, 30),
        "Meeting",
        "meeting",
        "Demo",
    )
    assert made.company_id == sale.company_id and made.owner == "admin" and not made.completed


async def test_without_a_type_the_first_type_is_used(db, admin, sale):
    assert (
        await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "x"})
    ).type == "Meeting"


async def test_bad_input_is_refused_naming_the_field(db, admin, sale):
    for data, field in (
        ({"date": "tomorrow", "text": "x"}, "date"),
        ({"date": "today", "text": " "}, "text"),
        ({"date": "today", "text": "x", "type": "Fax"}, "type"),
        ({"date": "today", "text": "x", "time": "25:00"}, "time"),
    ):
        with pytest.raises(RuleViolation) as exc:
            await activities.create_follow_up(db, admin, {"sale_id": sale.id, **data})
        assert exc.value.field == field


async def test_a_follow_up_must_be_linked_to_something(db, admin):
    with pytest.raises(RuleViolation):
        await activities.create_follow_up(db, admin, {"date": "today", "text": "x"})


async def test_next_activity_is_the_oldest_uncompleted_follow_up_and_red_when_past(db, admin, sale):
    past = await activities.create_follow_up(
        db, admin, {"sale_id": sale.id, "date": TODAY - timedelta(days=3), "text": "late"}
    )
    await activities.create_follow_up(
        db, admin, {"sale_id": sale.id, "date": TODAY + timedelta(days=5), "text": "soon"}
    )
    shown = await sales.get_sale(db, sale.id)
    assert (shown.next_activity, shown.next_activity_overdue) == (TODAY - timedelta(days=3), True)
    await activities.set_completed(db, admin, past.id, True)
    shown = await sales.get_sale(db, sale.id)
    assert (shown.next_activity, shown.next_activity_overdue) == (TODAY + timedelta(days=5), False)


async def test_a_completed_follow_up_cannot_be_edited_until_uncompleted(db, admin, sale):
    made = await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "x"})
    done = await activities.set_completed(db, admin, made.id, True)
    with pytest.raises(RuleViolation) as exc:
        await activities.update_follow_up(db, admin, made.id, {"text": "changed"})
    assert "un-complete" in str(exc.value)
    undone = await activities.set_completed(db, admin, made.id, False, expected_version=done.version)
    assert (
        await activities.update_follow_up(db, admin, made.id, {"text": "changed"}, expected_version=undone.version)
    ).text == "changed"


async def test_stale_follow_up_edit_is_refused(db, admin, sale):
    made = await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "x"})
    await activities.update_follow_up(db, admin, made.id, {"text": "y"})
    with pytest.raises(StaleEdit):
        await activities.update_follow_up(db, admin, made.id, {"text": "z"}, expected_version=made.version)


async def test_only_the_owner_side_completes_a_follow_up(db, admin, rep, sale):
    made = await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "x"})
    with pytest.raises(PermissionDenied):
        await activities.set_completed(db, rep, made.id, True)


async def test_lists_per_sale_contact_and_company_oldest_first(db, admin, sale):
    ann = await add_contact(db, sale.company_id)
    await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "+2", "text": "second"})
    await activities.create_follow_up(db, admin, {"contact_id": ann, "date": "+1", "text": "first"})
    assert [a.text for a in (await activities.list_follow_ups(db, sale_id=sale.id)).rows] == ["second"]
    assert [a.text for a in (await activities.list_follow_ups(db, contact_id=ann)).rows] == ["first"]
    page = await activities.list_follow_ups(db, company_id=sale.company_id, limit=1)
    assert page.total == 2 and [a.text for a in page.rows] == ["first"]


async def test_deleting_an_uncompleted_follow_up(db, admin, sale):
    made = await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "x"})
    await activities.delete_follow_up(db, admin, made.id)
    assert (await activities.list_follow_ups(db, sale_id=sale.id)).total == 0
