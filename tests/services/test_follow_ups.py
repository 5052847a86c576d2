"""Follow-ups on contacts and companies, a user's follow-ups by due date (at a fixed date), Next activity per
contact in the Contacts list, the Activities timeline, rescheduling, logging a call and the rights."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from leadtui.services import activities, companies, contacts, follow_ups
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation

MONDAY = datetime(2031, 3, 10, 9, 0)  # Monday 10 March 2031


@pytest.fixture
async def people(db, admin):
    acme = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
    ann = await contacts.create_contact(db, admin, {"company": acme.id, "first_name": "Ann", "last_name": "Berg"})
    bo = await contacts.create_contact(db, admin, {"company": acme.id, "first_name": "Bo", "last_name": "Berg"})
    return acme, ann, bo


async def test_a_contact_follow_up_takes_the_contacts_company_and_a_company_one_stands_alone(db, admin, people):
    acme, ann, _bo = people
    on_contact = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "+1", "text": "Call"})
    on_company = await activities.create_follow_up(db, admin, {"company_id": acme.id, "date": "+2", "text": "Visit"})
    assert (on_contact.contact_id, on_contact.company_id, on_contact.sale_id) == (ann.id, acme.id, None)
    assert (on_company.contact_id, on_company.company_id) == (None, acme.id)
    listed = await activities.list_follow_ups(db, contact_id=ann.id)
    assert [row.title for row in listed.rows] == ["Call"]
    with pytest.raises(NotFound):
        await activities.create_follow_up(db, admin, {"contact_id": 999999, "date": "+1", "text": "x"})


async def test_due_filters_at_a_fixed_date(db, admin, people):
    _acme, ann, _bo = people
    with time_machine.travel(MONDAY, tick=False):
        for day, text in (
            (date(2031, 3, 3), "last week"),
            (date(2031, 3, 10), "today"),
            (date(2031, 3, 16), "sunday"),
            (date(2031, 3, 17), "next week"),
        ):
            await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": day, "text": text})

        async def texts(due):
            return [line.follow_up.title for line in await follow_ups.list_due(db, admin, due=due)]

        assert await texts("overdue") == ["last week"]
        assert await texts("today") == ["today"]
        assert await texts("week") == ["today", "sunday"]
        assert await texts(None) == ["last week", "today", "sunday", "next week"]
        line = (await follow_ups.list_due(db, admin, due="today"))[0]
        assert (line.contact_name, line.company_name) == ("Ann Berg", "Acme")
        with pytest.raises(RuleViolation):
            await follow_ups.list_due(db, admin, due="yesterday")


async def test_mine_lists_only_the_users_own_follow_ups(db, admin, rep, people):
    _acme, ann, _bo = people
    await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "today", "text": "admin's"})
    await activities.create_follow_up(db, rep, {"contact_id": ann.id, "date": "today", "text": "rita's"})
    assert [line.follow_up.title for line in await follow_ups.list_due(db, rep, due="today")] == ["rita's"]
    everyone = await follow_ups.list_due(db, rep, due="today", mine=False)
    assert {line.follow_up.title: line.may_edit for line in everyone} == {"admin's": False, "rita's": True}


async def test_next_activity_per_contact_in_the_contacts_list_and_overdue(db, admin, people):
    _acme, ann, bo = people
    with time_machine.travel(MONDAY, tick=False):
        late = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "2031-03-08", "text": "a"})
        await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "2031-03-12", "text": "b"})
        page = await contacts.list_contacts(db, admin)
        shown = {row.name: (row.next_activity, row.next_activity_overdue) for row in page.items}
        assert shown == {"Ann Berg": (date(2031, 3, 8), True), "Bo Berg": (None, False)}
        await activities.set_completed(db, admin, late.id, True)
        page = await contacts.list_contacts(db, admin)
        assert page.items[0].next_activity == date(2031, 3, 12) and not page.items[0].next_activity_overdue
        assert await follow_ups.next_activity(db, contact_id=ann.id) == date(2031, 3, 12)
        assert await follow_ups.next_activity(db, contact_id=bo.id) is None
    with pytest.raises(RuleViolation):  # shown only: not a sort key
        await contacts.list_contacts(db, admin, sort="next_activity")


async def test_the_timeline_has_follow_ups_and_lead_status_changes_newest_first(db, admin, people):
    _acme, ann, _bo = people
    await contacts.update_contact(db, admin, ann.id, {"lead_status": "Qualified"})
    await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "+30", "text": "Later call"})
    await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "2020-01-01", "text": "Old call"})
    lines = await follow_ups.timeline(db, admin, contact_id=ann.id)
    kinds = [(line.kind, line.text) for line in lines]
    assert kinds[0] == ("follow_up", "Later call") and kinds[-1] == ("follow_up", "Old call")
    changes = [line for line in lines if line.kind == "change"]
    assert changes[0].field_label == "Lead status" and changes[0].text == "Open → Qualified"
    assert all(line.who for line in lines)


async def test_move_by_plus_n_days_keeps_the_time(db, admin, people):
    _acme, ann, _bo = people
    with time_machine.travel(MONDAY, tick=False):
        made = await activities.create_follow_up(
            db, admin, {"contact_id": ann.id, "date": "2031-03-01", "time": "14:30", "text": "x"}
        )
        moved = await follow_ups.move_follow_up(db, admin, made.id, "+2")
    assert (moved.date, moved.time.hour, moved.time.minute) == (date(2031, 3, 12), 14, 30)


async def test_log_call_makes_a_completed_call_and_may_complete_the_follow_up(db, admin, people):
    acme, ann, _bo = people
    made = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "today", "text": "Call Ann"})
    with pytest.raises(RuleViolation) as exc:
        await follow_ups.log_call(db, admin, made.id, "  ", complete_current=True)
    assert exc.value.field == "text" and not (await activities.get_follow_up(db, made.id)).completed
    call = await follow_ups.log_call(db, admin, made.id, "Talked; wants a quote", complete_current=True)
    assert call.completed and call.kind == "call" and call.text == "Talked; wants a quote"
    assert (call.contact_id, call.company_id) == (ann.id, acme.id)
    assert (await activities.get_follow_up(db, made.id)).completed


async def test_a_rep_may_not_complete_move_or_delete_someone_elses_follow_up(db, admin, rep, people):
    _acme, ann, _bo = people
    made = await activities.create_follow_up(db, admin, {"contact_id": ann.id, "date": "today", "text": "admin's"})
    with pytest.raises(PermissionDenied):
        await activities.set_completed(db, rep, made.id, True)
    with pytest.raises(PermissionDenied):
        await follow_ups.move_follow_up(db, rep, made.id, "+1")
    with pytest.raises(PermissionDenied):
        await activities.delete_follow_up(db, rep, made.id)
    with pytest.raises(PermissionDenied):
        await follow_ups.log_call(db, rep, made.id, "note", complete_current=True)
    own = await activities.create_follow_up(db, rep, {"contact_id": ann.id, "date": "today", "text": "mine"})
    assert (await activities.set_completed(db, rep, own.id, True)).completed
    timeline = {line.text: line.may_edit for line in await follow_ups.timeline(db, rep, contact_id=ann.id)}
    assert timeline["admin's"] is False and timeline["mine"] is True
