"""Lead source on the cards and the new owner's notification (Pilot): a contact from a web form or an import shows
its UTM first touch and why it got its owner; its company shows its lead creation source; the user the
distribution gave leads to is told when the TUI opens and sees them, with the reason, in "My new leads"."""

from __future__ import annotations

import json

from textual.widgets import DataTable

from leadtui.app import LeadApp
from leadtui.screens.company_card import CompanyCard
from leadtui.screens.contact_card import ContactCard
from leadtui.screens.new_leads import FIRST_LOOK, NewLeadsScreen
from leadtui.services import distribution, imports, intake, users
from leadtui.widgets.lead_source import LeadSource
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services

FORM = dict(
    first_name="Web",
    last_name="Lead",
    email="web@lead.example",
    company="Webco",
    website="webco.example",
    utm_source="google",
    utm_medium="cpc",
    utm_campaign="spring",
    submitted_at="2026-03-01T10:15:00Z",
)


async def web_form(db, admin):  # noqa: ANN001, ANN201
    return await intake.intake(db, admin, [json.dumps(FORM)])


async def open_card(pilot, card):  # noqa: ANN001, ANN201
    await pilot.app.ready_backend()
    pilot.app.push_screen(card)
    await settle(pilot)
    return card


def text(widget) -> str:  # noqa: ANN001
    return str(widget.render())


async def test_a_contact_from_a_web_form_shows_its_lead_source_and_its_company_the_creation_source(app, app_db):
    ids = await seed(app_db)
    await with_services(app_db, web_form)
    async with app.run_test(size=(120, 40)) as pilot:
        contact_id = ids["gus"] + 1  # the intake's contact is the next one
        card = await open_card(pilot, ContactCard(contact_id))
        source = card.query_one(LeadSource)
        assert source.display and source.data is not None
        shown = text(source)
        assert "Lead source (first touch)" in shown and "Source (utm_source): google" in shown
        assert "Campaign (utm_campaign): spring" in shown and "First touch: 01/03/2026 10:15" in shown
        company = await open_card(pilot, CompanyCard(card.loaded.company_id))
        assert "Lead creation source" in text(company.query_one(LeadSource))
        typed_by_hand = await open_card(pilot, ContactCard(ids["ann"]))
        assert not typed_by_hand.query_one(LeadSource).display  # no lead source data: nothing shown


async def test_an_imported_and_distributed_contact_and_its_company_show_why_they_got_their_owner(app, app_db):
    await seed(app_db)

    async def imported(db, admin):  # noqa: ANN001, ANN202
        await users.add_user(db, admin, {"login": "anna", "full_name": "Anna", "role": "sales-rep"})
        await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
        text_ = "First name,Last name,Email,Company,utm_source\nIda,Imp,ida@imp.example,Impco,newsletter\n"
        return await imports.apply_import(db, admin, imports.parse_csv_text(text_, name="leads.csv"))

    summary = await with_services(app_db, imported)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(pilot, ContactCard(summary.contact_ids[0]))
        shown = text(card.query_one(LeadSource))
        assert "Source (utm_source): newsletter" in shown
        assert "Assigned by the distribution of new leads" in shown
        assert "anna" in shown and "company Impco: round robin 1 of 1: Anna" in shown
        company = await open_card(pilot, CompanyCard(card.loaded.company_id))
        shown = text(company.query_one(LeadSource))
        assert "Lead creation source" in shown and "company Impco: round robin 1 of 1: Anna" in shown


async def test_the_new_owner_is_told_on_opening_and_sees_the_leads_with_their_reason(app_db):
    await seed(app_db)

    async def distributed(db, admin):  # noqa: ANN001, ANN202
        await users.add_user(db, admin, {"login": "anna", "full_name": "Anna", "role": "sales-rep"})
        await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
        text_ = "First name,Email,Company\nA1,a1@a1.example,A1 Inc\nA2,a2@a1.example,A1 Inc\nLone,lone@x.example,\n"
        return await imports.apply_import(db, admin, imports.parse_csv_text(text_))

    await with_services(app_db, distributed)
    app = LeadApp(db_url=app_db, user="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.pause(FIRST_LOOK + 0.2)  # the first look waits for the first screen
        await settle(pilot)
        told = [n for n in app._notifications if n.title == "New leads"]
        assert len(told) == 1
        assert told[0].message.startswith(
            "2 new leads assigned to you (3 contacts)\n• Lone (import)\n• A1 Inc (2 contacts) (import)"
        )
        app.push_screen(NewLeadsScreen())
        await settle(pilot)
        table = app.screen.query_one("#new-leads", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[2] for row in rows] == ["Lone", "A1 Inc (2 contacts)"]
        assert rows[1][4] == "company A1 Inc: round robin 1 of 1: Anna (2 new contacts)"
        assert rows[0][0] == "●"  # new
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard) and app.screen.loaded.name == "A1 Inc"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NewLeadsScreen)

    async def unseen(db, anna):  # noqa: ANN001, ANN202
        return (await distribution.new_leads(db, anna)).unseen

    assert await with_services(app_db, unseen, login="anna") == 0  # showing the list marked them as seen
    again = LeadApp(db_url=app_db, user="anna")
    async with again.run_test(size=(120, 40)) as pilot:
        await again.ready_backend()
        await pilot.pause(FIRST_LOOK + 0.2)
        await settle(pilot)
        assert not [n for n in again._notifications if n.title == "New leads"]


async def test_my_new_leads_is_in_the_command_palette(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Leads: Show my new leads" in titles
        await settle(pilot)
