"""Web-form intake: JSON lines become leads with their first touch; known emails are left alone; a bad line is
reported with its number and the others are still taken in."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import contacts, find, intake, utm
from tests.services.people import person


def line(**values: str) -> str:
    return json.dumps(values)


SUBMISSION = dict(
    first_name="Ann",
    last_name="Berg",
    email="ann@acme.com",
    company="Acme",
    website="acme.com",
    phone="+45 1234 5678",
    utm_source="google",
    utm_medium="cpc",
    utm_campaign="spring",
    utm_term="crm",
    utm_content="ad-1",
    landing_page="https://example.com/demo",
    submitted_at="2026-03-01T10:15:00Z",
)


async def utm_rows(db) -> int:  # noqa: ANN001
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(t.UtmRecord)) or 0


async def test_a_submission_becomes_a_lead_with_its_first_touch(db, admin):
    out = await intake.intake(db, admin, [line(**SUBMISSION)])
    assert (out.new, out.existing, out.errors) == (1, 0, 0)
    ann = await contacts.get_contact(db, admin, out.results[0].contact_id)
    assert (ann.name, ann.company_name, ann.category, ann.lead_status) == ("Ann Berg", "Acme", "Lead", "Open")
    first_touch = await utm.utm_for_contact(db, ann.id)
    assert (
        first_touch.source,
        first_touch.medium,
        first_touch.campaign,
        first_touch.term,
        first_touch.content,
        first_touch.landing_page,
    ) == ("google", "cpc", "spring", "crm", "ad-1", "https://example.com/demo")
    assert first_touch.touched_at == datetime(2026, 3, 1, 10, 15)
    assert (await utm.utm_for_company(db, ann.company_id)).source == "google"


async def test_a_known_email_is_left_as_it_is_without_a_new_first_touch(db, admin):
    old = await person(db, admin, None, "Ann", "Old", email="ann@acme.com", title="Buyer")
    out = await intake.intake(db, admin, [line(**{**SUBMISSION, "email": "ANN@acme.com", "last_name": "New"})])
    assert (out.new, out.existing) == (0, 1) and out.results[0].contact_id == old.id
    now = await contacts.get_contact(db, admin, old.id)
    assert (now.last_name, now.version) == ("Old", old.version)
    assert await utm_rows(db) == 0


async def test_bad_lines_are_reported_by_number_and_good_lines_still_come_in(db, admin):
    lines = [
        line(**SUBMISSION),
        "not json",
        "",
        line(first_name="Bo", email="bo@bad"),
        "[1, 2]",
        line(last_name="Cy", email="cy@example.com", utm_source="newsletter"),
    ]
    out = await intake.intake(db, admin, lines)
    assert (out.new, out.errors) == (2, 3)
    assert [(r.line, r.status) for r in out.results] == [
        (1, "new"),
        (2, "error"),
        (4, "error"),
        (5, "error"),
        (6, "new"),
    ]
    assert "Email" in out.results[2].message
    assert await find.count(db, admin, "contact", []) == 2


async def test_web_leads_land_in_the_chosen_category(db, admin):
    out = await intake.intake(
        db,
        admin,
        [line(first_name="Di", company="Delta", email="di@delta.io")],
        category="Marketing qualified lead (MQL)",
    )
    di = await contacts.get_contact(db, admin, out.results[0].contact_id)
    assert (di.category, di.lead_status) == ("Marketing qualified lead (MQL)", "Open")


async def test_a_submission_without_company_is_a_contact_of_its_own(db, admin):
    out = await intake.intake(db, admin, [line(name="Eve Ek", email="eve@gmail.com", utm_source="facebook")])
    eve = await contacts.get_contact(db, admin, out.results[0].contact_id)
    assert (eve.first_name, eve.last_name, eve.company_id, eve.lead_status) == ("Eve", "Ek", None, None)
    assert (await utm.utm_for_contact(db, eve.id)).source == "facebook"
