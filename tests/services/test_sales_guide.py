"""Sales guides (SPEC.md 1.8, 1.9, 2.4): stages of a type, the guide switch, suggested follow-ups, a sale's guide."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from leadtui.services import activities, guides, lists, sales
from leadtui.services.errors import PermissionDenied, RuleViolation
from tests.sales_helpers import add_company

TODAY = date.today()


@pytest.fixture
async def guided(db, admin) -> guides.SaleTypeGuideOut:
    await guides.set_sale_type_stages(db, admin, "Guided sale", ["Lead", "Offer", "Verbal yes"])
    await guides.set_guide(db, admin, "Guided sale", True)
    await guides.add_guide_item(
        db,
        admin,
        "Guided sale",
        "Lead",
        {
            "name": "Discovery call",
            "follow_up_type": "Phone call",
            "start_offset_days": 2,
            "default_text": "Ask about needs",
        },
    )
    await guides.add_guide_item(db, admin, "Guided sale", "Offer", {"name": "Send offer", "start_offset_days": 0})
    await guides.add_guide_item(
        db, admin, "Guided sale", "Verbal yes", {"name": "Contract meeting", "follow_up_type": "Meeting"}
    )
    return await guides.get_sale_type_guide(db, "Guided sale")


@pytest.fixture
async def company(db) -> int:
    return await add_company(db)


async def test_stages_are_linked_in_the_order_given(db, admin, guided):
    assert [s.name for s in guided.stages] == ["Lead", "Offer", "Verbal yes"]
    assert [i.name for i in guided.stages[0].items] == ["Discovery call"]
    assert guided.stages[0].items[0].follow_up_type == "Phone call"
    again = await guides.set_sale_type_stages(db, admin, "Guided sale", ["Offer", "Lead", "Verbal yes"])
    assert [s.name for s in again.stages] == ["Offer", "Lead", "Verbal yes"]


async def test_a_guide_needs_at_least_two_stages(db, admin):
    await guides.set_sale_type_stages(db, admin, "Renewal", ["Lead"])
    with pytest.raises(RuleViolation) as exc:
        await guides.set_guide(db, admin, "Renewal", True)
    assert exc.value.field == "has_guide" and "at least 2 stages" in str(exc.value)


async def test_a_guided_type_cannot_drop_below_two_stages(db, admin, guided):
    with pytest.raises(RuleViolation) as exc:
        await guides.set_sale_type_stages(db, admin, "Guided sale", ["Lead"])
    assert exc.value.field == "stages"


async def test_unknown_or_repeated_stages_are_refused(db, admin):
    with pytest.raises(RuleViolation):
        await guides.set_sale_type_stages(db, admin, "Renewal", ["Lead", "Nope"])
    with pytest.raises(RuleViolation) as twice:
        await guides.set_sale_type_stages(db, admin, "Renewal", ["Lead", "lead"])
    assert "twice" in str(twice.value)


async def test_only_administrators_manage_guides(db, rep):
    with pytest.raises(PermissionDenied):
        await guides.set_guide(db, rep, "Guided sale", True)
    with pytest.raises(PermissionDenied):
        await guides.set_sale_type_stages(db, rep, "Renewal", ["Lead", "Offer"])


async def test_a_suggested_follow_up_belongs_to_one_of_the_types_stages(db, admin, guided):
    with pytest.raises(RuleViolation) as exc:
        await guides.add_guide_item(db, admin, "Guided sale", "Negotiation", {"name": "X"})
    assert exc.value.field == "stage"
    with pytest.raises(RuleViolation) as name:
        await guides.add_guide_item(db, admin, "Guided sale", "Lead", {"name": " "})
    assert name.value.field == "name"


async def test_edit_and_delete_suggested_follow_ups(db, admin, guided):
    item = guided.stages[1].items[0]
    edited = await guides.edit_guide_item(db, admin, item.id, {"name": "Send quote", "start_offset_days": 3})
    assert (edited.name, edited.start_offset_days) == ("Send quote", 3)
    await guides.delete_guide_item(db, admin, item.id)
    assert (await guides.get_sale_type_guide(db, "Guided sale")).stages[1].items == []


async def test_a_new_guided_sale_starts_in_the_first_stage_with_later_stages_open(db, admin, guided, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    assert sale.guided and sale.stage == "Lead"
    assert [(s.name, s.state) for s in sale.guide.stages] == [
        ("Lead", "current"),
        ("Offer", "future"),
        ("Verbal yes", "future"),
    ]


async def test_changing_stage_marks_earlier_guide_stages_done(db, admin, guided, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    moved = await sales.update_sale(db, admin, sale.id, {"stage": "Verbal yes"})
    assert [s.state for s in moved.guide.stages] == ["done", "done", "current"]
    back = await sales.update_sale(db, admin, sale.id, {"stage": "Offer"})  # moving backwards is allowed (G7)
    assert [s.state for s in back.guide.stages] == ["done", "current", "future"]
    sold = await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    assert [s.state for s in sold.guide.stages] == ["done", "done", "done"]


async def test_creating_a_suggested_follow_up_prefills_it_and_links_it(db, admin, guided, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    item = sale.guide.stages[0].items[0]
    activity = await guides.create_follow_up_from_guide(db, admin, sale.id, item.id)
    assert (activity.date, activity.type, activity.text, activity.title) == (
        TODAY + timedelta(days=2),
        "Phone call",
        "Ask about needs",
        "Discovery call",
    )
    assert activity.sale_id == sale.id and activity.company_id == company
    guide = await guides.sale_guide(db, sale.id)
    assert guide.stages[0].items[0].activity_id == activity.id
    # the next suggestion counts its days from the latest follow-up
    offer_item = guide.stages[1].items[0]
    second = await guides.create_follow_up_from_guide(db, admin, sale.id, offer_item.id)
    assert second.date == TODAY + timedelta(days=2)


async def test_changing_to_an_unguided_type_hides_the_guide_keeps_activities_and_links_back(db, admin, guided, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    activity = await guides.create_follow_up_from_guide(db, admin, sale.id, sale.guide.stages[0].items[0].id)
    plain = await sales.update_sale(db, admin, sale.id, {"sale_type": "General sale"})
    assert not plain.guided and plain.guide is None
    assert [a.id for a in (await activities.list_follow_ups(db, sale_id=sale.id)).rows] == [activity.id]
    back = await sales.update_sale(db, admin, sale.id, {"sale_type": "Guided sale"})
    assert back.guided and back.guide.stages[0].items[0].activity_id == activity.id


async def test_turning_the_guide_off_and_on_keeps_its_suggestions(db, admin, guided):
    await guides.set_guide(db, admin, "Guided sale", False)
    restored = await guides.set_guide(db, admin, "Guided sale", True)
    assert [i.name for s in restored.stages for i in s.items] == ["Discovery call", "Send offer", "Contract meeting"]


async def test_suggestions_of_another_type_are_refused(db, admin, guided, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "General sale", "company_id": company})
    with pytest.raises(RuleViolation):
        await guides.create_follow_up_from_guide(db, admin, sale.id, guided.stages[0].items[0].id)


async def test_deleting_a_stage_removes_it_from_the_guide(db, admin, guided):
    await lists.delete_item(db, admin, "sale-stage", "Offer")
    assert [s.name for s in (await guides.get_sale_type_guide(db, "Guided sale")).stages] == ["Lead", "Verbal yes"]


async def test_estimated_time_is_set_with_its_unit(db, admin):
    out = await guides.set_sale_type_options(db, admin, "Renewal", {"duration": 3, "duration_unit": "month"})
    assert (out.duration, out.duration_unit) == (3, "month")
    with pytest.raises(RuleViolation) as exc:
        await guides.set_sale_type_options(db, admin, "Renewal", {"duration_unit": "year"})
    assert exc.value.field == "duration_unit"


# ------------------------------------------------------------------ G5 and G6: what the guide offers


@pytest.fixture
async def two_step(db, admin, guided) -> guides.SaleTypeGuideOut:
    """Lead has 'Discovery call' then 'Send brochure' (suggested automatically); Offer's first item too."""
    await guides.add_guide_item(
        db,
        admin,
        "Guided sale",
        "Lead",
        {"name": "Send brochure", "auto_suggest": True, "start_offset_days": 1, "default_text": "Brochure"},
    )
    offer_item = guided.stages[1].items[0]
    await guides.edit_guide_item(db, admin, offer_item.id, {"auto_suggest": True})
    return await guides.get_sale_type_guide(db, "Guided sale")


async def _complete(db, admin, sale_id: int, item_id: int) -> int:
    activity = await guides.create_follow_up_from_guide(db, admin, sale_id, item_id)
    await activities.set_completed(db, admin, activity.id, True)
    return activity.id


async def test_completing_a_follow_up_offers_the_next_one_when_it_is_suggested_automatically(
    db, admin, two_step, company
):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    first, second = two_step.stages[0].items
    done = await _complete(db, admin, sale.id, first.id)
    prompt = await guides.prompts_after_completing(db, done)
    assert prompt.follow_up.name == "Send brochure" and prompt.draft.text == "Brochure"
    assert prompt.draft.date == TODAY + timedelta(days=3)  # one day after the latest follow-up (today + 2)
    assert prompt.next_stage_id is None  # auto_advance is off


async def test_no_offer_when_the_next_one_is_not_automatic_or_already_created(db, admin, guided, two_step, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    first, second = two_step.stages[0].items
    await guides.create_follow_up_from_guide(db, admin, sale.id, second.id)
    done = await _complete(db, admin, sale.id, first.id)
    assert (await guides.prompts_after_completing(db, done)).empty
    # a follow-up typed by hand (not from the guide) offers nothing
    own = await activities.create_follow_up(db, admin, {"sale_id": sale.id, "date": "today", "text": "Own"})
    await activities.set_completed(db, admin, own.id, True)
    assert await guides.prompts_after_completing(db, own.id) is None
    # un-completed: nothing either
    await activities.set_completed(db, admin, done, False)
    assert await guides.prompts_after_completing(db, done) is None


async def test_completing_every_suggestion_of_the_stage_offers_the_next_stage_when_the_type_says_so(
    db, admin, two_step, company
):
    await guides.set_sale_type_options(db, admin, "Guided sale", {"auto_advance": True})
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    first, second = two_step.stages[0].items
    done = await _complete(db, admin, sale.id, first.id)
    assert (await guides.prompts_after_completing(db, done)).next_stage_id is None  # Send brochure still open
    done = await _complete(db, admin, sale.id, second.id)
    prompt = await guides.prompts_after_completing(db, done)
    assert (prompt.stage, prompt.next_stage, prompt.follow_up) == ("Lead", "Offer", None)
    moved = await sales.update_sale(db, admin, sale.id, {"stage": prompt.next_stage_id})
    entered = await guides.prompts_on_entering_stage(db, moved.id)
    assert entered.follow_up.name == "Send offer" and entered.next_stage_id is None


async def test_no_stage_offer_without_the_setting_in_the_last_stage_or_on_a_closed_sale(db, admin, two_step, company):
    sale = await sales.create_sale(db, admin, {"heading": "G", "sale_type": "Guided sale", "company_id": company})
    first, second = two_step.stages[0].items
    await _complete(db, admin, sale.id, first.id)
    done = await _complete(db, admin, sale.id, second.id)
    assert (await guides.prompts_after_completing(db, done)).empty  # auto_advance off
    await guides.set_sale_type_options(db, admin, "Guided sale", {"auto_advance": True})
    last = await sales.update_sale(db, admin, sale.id, {"stage": "Verbal yes"})
    done = await _complete(db, admin, last.id, two_step.stages[2].items[0].id)
    assert (await guides.prompts_after_completing(db, done)).empty  # no stage after the last one
    await sales.update_sale(db, admin, sale.id, {"stage": "Lead"})
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    assert (await guides.prompts_after_completing(db, done)).empty


async def test_confirm_creation_of_suggested_follow_up_is_a_personal_preference(db, admin, rep):
    from leadtui.services import preferences

    assert await preferences.confirm_suggested_follow_up(db, admin)
    assert not await preferences.set_confirm_suggested_follow_up(db, admin, False)
    assert not await preferences.confirm_suggested_follow_up(db, admin)
    assert await preferences.confirm_suggested_follow_up(db, rep)  # someone else still gets the question
    await preferences.set_confirm_suggested_follow_up(db, admin, True)
    assert await preferences.confirm_suggested_follow_up(db, admin)
