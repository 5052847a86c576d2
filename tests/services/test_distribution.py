"""Distribute new leads (DESIGN.md decision 11): round robin over available users, the position kept in the
database across runs, fallback, every assignment with its reason; only contacts without an owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadtui.model import tables as t
from leadtui.services import companies, contacts, database, distribution, imports, users
from leadtui.services.errors import PermissionDenied, RuleViolation
from tests.services.people import company, person


async def team(db, admin, *logins: str) -> None:  # noqa: ANN001
    for login in logins:
        await users.add_user(db, admin, {"login": login, "full_name": login.capitalize(), "role": "sales-rep"})


async def import_leads(db, admin, *names: str) -> list[contacts.ContactOut]:  # noqa: ANN001
    """One new company per lead (with no owner), so each lead is one turn of the round robin."""
    text = "First name,Email,Company\n" + "".join(f"{n},{n.lower()}@{n.lower()}.com,{n} Inc\n" for n in names)
    summary = await imports.apply_import(db, admin, imports.parse_csv_text(text))
    return [await contacts.get_contact(db, admin, contact_id) for contact_id in summary.contact_ids]


async def reasons(db) -> list[str]:  # noqa: ANN001
    async with db.read() as session:
        return list((await session.scalars(select(t.LeadAssignment.reason).order_by(t.LeadAssignment.id))).all())


async def test_only_administrators_set_the_distribution(db, admin, rep):
    with pytest.raises(PermissionDenied):
        await distribution.set_distribution(db, rep, {"mode": "users", "users": ["rita"]})
    with pytest.raises(RuleViolation, match="at least one user"):
        await distribution.set_distribution(db, admin, {"mode": "users", "users": []})
    with pytest.raises(RuleViolation, match="not a user"):
        await distribution.set_distribution(db, admin, {"mode": "users", "users": ["nobody"]})


async def test_without_a_distribution_new_leads_stay_unassigned(db, admin):
    [lead] = await import_leads(db, admin, "Ann")
    assert lead.owner is None


async def test_round_robin_continues_where_it_stopped_across_restarts(db, admin, db_url):
    await team(db, admin, "anna", "bob", "carl")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna", "bob", "carl"]})
    first = await import_leads(db, admin, "A1", "A2")
    assert [c.owner for c in first] == ["anna", "bob"]
    # a new process: a new Database object on the same database
    again = await database.connect(db_url)
    try:
        actor = await database.resolve_actor(again, "admin")
        second = await import_leads(again, actor, "B1", "B2")
        assert [c.owner for c in second] == ["carl", "anna"]
        assert (await distribution.get_distribution(again)).next_user == "bob"
    finally:
        await again.dispose()
    assert (await reasons(db))[:3] == [
        "company A1 Inc: round robin 1 of 3: Anna",
        "company A2 Inc: round robin 2 of 3: Bob",
        "company B1 Inc: round robin 3 of 3: Carl",
    ]


async def test_inactive_and_away_users_are_skipped_and_named_in_the_reason(db, admin):
    await team(db, admin, "anna", "bob", "carl")
    await distribution.set_distribution(
        db, admin, {"mode": "users", "users": ["anna", "bob", "carl"], "away": ["carl"]}
    )
    await users.set_user(db, admin, "bob", {"active": False})
    leads = await import_leads(db, admin, "L1", "L2")
    assert [c.owner for c in leads] == ["anna", "anna"]
    assert (await reasons(db))[1] == "company L2 Inc: round robin 1 of 3: Anna; skipped Bob (inactive), Carl (away)"


async def test_the_fallback_user_gets_leads_when_nobody_is_available(db, admin):
    await team(db, admin, "anna", "fred")
    await distribution.set_distribution(
        db, admin, {"mode": "users", "users": ["anna"], "fallback": "fred", "away": ["anna"]}
    )
    [lead] = await import_leads(db, admin, "F1")
    assert lead.owner == "fred"
    assert (await reasons(db))[0].startswith("company F1 Inc: fallback Fred: no one available (Anna (away))")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"], "away": ["anna"]})
    [lead] = await import_leads(db, admin, "F2")
    assert lead.owner is None  # nobody and no fallback: reported, left unassigned


async def test_contacts_of_one_company_share_its_owner_and_owned_companies_are_not_touched(db, admin):
    await team(db, admin, "anna", "bob")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna", "bob"]})
    owned = await company(db, admin, "Owned Ltd")  # Our contact: admin
    text = "First name,Company\nA,Shared Co\nB,Shared Co\nC,Owned Ltd\nD,\n"
    summary = await imports.apply_import(db, admin, imports.parse_csv_text(text))
    owners = [(await contacts.get_contact(db, admin, i)).owner for i in summary.contact_ids]
    assert owners == ["anna", "anna", "admin", "bob"]  # D has no company: assigned itself
    assert (await companies.get_company(db, admin, owned.id)).owner == "admin"
    why = await distribution.assignments_for_contact(db, summary.contact_ids[1])
    assert [w.reason for w in why] == ["company Shared Co: round robin 1 of 2: Anna (2 new contacts)"]
    assert await distribution.assignments_for_contact(db, summary.contact_ids[2]) == []


async def test_group_mode_goes_round_the_groups_members_in_login_order(db, admin):
    from leadtui.services import lists

    await lists.add_item(db, admin, "user-group", {"name": "Inside sales"})
    for login in ("zoe", "adam"):
        await users.add_user(db, admin, {"login": login, "role": "sales-rep", "group": "Inside sales"})
    await distribution.set_distribution(db, admin, {"mode": "group", "group": "Inside sales"})
    leads = await import_leads(db, admin, "G1", "G2", "G3")
    assert [c.owner for c in leads] == ["adam", "zoe", "adam"]


async def test_distribute_assigns_existing_unassigned_contacts_and_dry_run_changes_nothing(db, admin):
    await team(db, admin, "anna", "bob")
    lonely = await company(db, admin, "Lonely", owner=None)
    a = await person(db, admin, lonely.id, "A", "One")
    b = await person(db, admin, None, "B", "Two", owner=None)
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna", "bob"]})
    dry = await distribution.distribute(db, admin, dry_run=True)
    assert [(x.contact_id, x.user) for x in dry.assignments] == [(a.id, "anna"), (b.id, "bob")]
    assert (await contacts.get_contact(db, admin, a.id)).owner is None
    assert (await distribution.get_distribution(db)).next_user == "anna"  # the cursor did not move
    done = await distribution.distribute(db, admin)
    assert done.per_user == {"anna": 1, "bob": 1}
    assert (await contacts.get_contact(db, admin, a.id)).owner == "anna"
    assert (await contacts.get_contact(db, admin, b.id)).owner == "bob"
    assert (await distribution.assignments_for_contact(db, b.id))[0].reason == "round robin 2 of 2: Bob"
    assert (await distribution.distribute(db, admin, dry_run=True)).assignments == []


# --------------------------------------------------------------------------- the new owner's notification


async def as_user(db, login: str):  # noqa: ANN001, ANN201
    return await database.resolve_actor(db, login)


async def test_the_new_owner_sees_each_lead_given_to_them_with_its_reason_until_they_have_looked(db, admin):
    await team(db, admin, "anna", "bob")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna", "bob"]})
    await import_leads(db, admin, "A1", "A2", "A3")
    anna, bob = await as_user(db, "anna"), await as_user(db, "bob")
    mine = await distribution.new_leads(db, anna)
    assert [(lead.company, lead.contact, lead.new) for lead in mine.leads] == [
        ("A3 Inc", "A3", True),
        ("A1 Inc", "A1", True),
    ]
    assert mine.leads[0].reason == "company A3 Inc: round robin 1 of 2: Anna"
    assert (mine.unseen, mine.unseen_contacts) == (2, 2)
    assert (mine.leads[0].source, mine.leads[0].by, mine.leads[0].kind) == ("import", "admin", "company")
    assert [lead.company for lead in (await distribution.new_leads(db, bob)).leads] == ["A2 Inc"]
    await distribution.mark_leads_seen(db, anna, up_to=mine.latest)
    assert (await distribution.new_leads(db, anna)).leads == []
    assert (await distribution.new_leads(db, anna)).unseen == 0
    earlier = await distribution.new_leads(db, anna, include_seen=True)
    assert [(lead.company, lead.new) for lead in earlier.leads] == [("A3 Inc", False), ("A1 Inc", False)]
    assert (await distribution.new_leads(db, bob)).unseen == 1  # bob has not looked yet
    await import_leads(db, admin, "B1", "B2")  # B1 -> bob, B2 -> anna
    assert [lead.company for lead in (await distribution.new_leads(db, anna)).leads] == ["B2 Inc"]


async def test_a_company_with_several_new_contacts_is_one_lead_counting_its_contacts(db, admin):
    await team(db, admin, "anna")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    text = "First name,Company\nA,Shared Co\nB,Shared Co\nC,Shared Co\nD,\n"
    await imports.apply_import(db, admin, imports.parse_csv_text(text))
    mine = await distribution.new_leads(db, await as_user(db, "anna"))
    assert [(lead.kind, lead.title, lead.contacts) for lead in mine.leads] == [
        ("contact", "D", 1),
        ("company", "Shared Co (3 contacts)", 3),
    ]
    assert (mine.unseen, mine.unseen_contacts) == (2, 4)


async def test_leads_taken_back_or_given_to_someone_else_are_no_longer_announced(db, admin):
    from leadtui.services import undo

    await team(db, admin, "anna", "bob")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    [kept] = await import_leads(db, admin, "K1")
    await import_leads(db, admin, "U1")
    anna = await as_user(db, "anna")
    assert (await distribution.new_leads(db, anna)).unseen == 2
    await undo.undo_last(db, admin)  # the second import goes to the recycle bin, owners taken back
    assert [lead.company for lead in (await distribution.new_leads(db, anna)).leads] == ["K1 Inc"]
    current = await companies.get_company(db, admin, kept.company_id)
    await companies.update_company(db, admin, current.id, {"owner": "bob"}, expected_version=current.version)
    assert (await distribution.new_leads(db, anna)).unseen == 0
    assert (await distribution.new_leads(db, await as_user(db, "bob"))).leads == []  # not given by the distribution


async def test_intake_and_distribute_announce_their_leads_too(db, admin):
    from leadtui.services import intake

    await team(db, admin, "anna")
    lonely = await company(db, admin, "Lonely", owner=None)
    await person(db, admin, lonely.id, "Old", "Lead")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    await intake.intake(db, admin, ['{"first_name": "Web", "last_name": "Form", "email": "web@form.example"}'])
    await distribution.distribute(db, admin)
    mine = await distribution.new_leads(db, await as_user(db, "anna"))
    assert [(lead.source, lead.title) for lead in mine.leads] == [
        ("distribute", "Lonely (1 contact)"),
        ("intake", "Web Form"),
    ]


async def test_the_seen_mark_never_moves_back(db, admin):
    await team(db, admin, "anna")
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    await import_leads(db, admin, "S1", "S2")
    anna = await as_user(db, "anna")
    latest = (await distribution.new_leads(db, anna)).latest
    assert await distribution.mark_leads_seen(db, anna) == latest  # None: everything so far
    assert await distribution.mark_leads_seen(db, anna, up_to=1) == latest  # a list opened earlier, closed late
    assert (await distribution.new_leads(db, anna)).unseen == 0
