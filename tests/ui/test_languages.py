"""The contact card in each language (Pilot): labels come from the catalogs, dates in the language's format."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Label, Static

from leadtui.app import LeadApp
from leadtui.i18n import set_language
from leadtui.screens.contact_card import ContactCard
from tests.ui.conftest import settle
from tests.ui.seed import seed

LABELS = {
    "en": ["First name", "Category", "Lead status", "Our contact", "Email"],
    "da": ["Fornavn", "Kategori", "Leadstatus", "Vores kontakt", "E-mail"],
    "nl": ["Voornaam", "Categorie", "Leadstatus", "Onze contactpersoon", "E-mail"],
    "nb": ["Fornavn", "Kategori", "Leadstatus", "Vår kontakt", "E-post"],
}


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    set_language("en")


@pytest.mark.parametrize("lang", list(LABELS))
async def test_the_contact_card_speaks_the_chosen_language(app_db, lang):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        table.focus()
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        table.move_cursor(row=names.index("Ann Berg"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactCard)
        shown = " ".join(str(widget.render()) for widget in app.screen.query(Label))
        shown += " ".join(str(widget.render()) for widget in app.screen.query(Static))
        for label in LABELS[lang]:
            assert label in shown, (lang, label)


async def test_ctrl_y_on_a_contact_card_shows_its_audit(app_db):
    from leadtui.screens.audit import AuditScreen

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        table.focus()
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        table.move_cursor(row=names.index("Ann Berg"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        audit = app.screen.query_one(DataTable)
        assert audit.row_count >= 1 and "admin" in [str(audit.get_row_at(i)[1]) for i in range(audit.row_count)]


async def test_the_command_palette_opens_on_every_section(app_db):
    from textual.command import CommandPalette

    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        for key in "cpsfbdt":
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.3)
            await pilot.press(*"new")
            await pilot.pause(0.3)
            assert isinstance(app.screen, CommandPalette), key
            await pilot.press("escape")
            await settle(pilot)


async def test_a_language_switch_keeps_the_criteria_of_an_open_find(app_db):
    from leadtui.screens.find import FindScreen
    from leadtui.services import find

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.ready_backend()
            await pilot.press("f")
            await settle(pilot)
            app.screen.open_with("persons", [find.parse_where("last_name:eq:Berg")])
            await settle(pilot)
            assert app.screen.query_one("#results", DataTable).row_count == 2
            app.switch_language("nl")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, FindScreen) and app.lang == "nl"
            assert [c.field for c in screen.criteria] == ["last_name"]
            assert screen.query_one("#results", DataTable).row_count == 2
    finally:
        set_language("en")
