"""The contact card and the Contacts section by keyboard (Pilot): the Lead status field under Category only for
leads, its description, the drop-down of live statuses, history and days in status, inherited category, move,
field errors, conflicts, bulk update of marked contacts."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from leadtui import actions
from leadtui.screens.bulk_update_dialog import BulkUpdateDialog
from leadtui.screens.company_picker import CompanyPickerDialog
from leadtui.screens.conflict_dialog import ConflictDialog
from leadtui.screens.contact_card import ContactCard
from leadtui.screens.contacts import ContactsScreen
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.move_contact_dialog import MoveContactDialog
from leadtui.services import contacts, lists
from leadtui.widgets.lead_status_field import LeadStatusField
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services


def cell_texts(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_contacts(pilot) -> ContactsScreen:
    await pilot.app.ready_backend()
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ContactsScreen)
    return pilot.app.screen


async def open_contact(pilot, name: str) -> ContactCard:
    await open_contacts(pilot)
    table = pilot.app.screen.query_one("#contacts", DataTable)
    table.focus()
    table.move_cursor(row=cell_texts(table, 1).index(name))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ContactCard)
    return pilot.app.screen


def lead_field(app) -> LeadStatusField:
    return app.screen.query_one(LeadStatusField)


async def test_the_contacts_section_lists_everyone_with_company_and_lead_status(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        assert cell_texts(table, 1) == ["Ann Berg", "Bo Berg", "Gus Grey"]
        assert cell_texts(table, 2) == ["Acme", "Acme", "Globex"]


async def test_typing_a_search_narrows_the_contacts(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot)
        await pilot.press("slash", *"gr")
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#contacts", DataTable), 1) == ["Gus Grey"]


async def test_lead_status_shows_directly_under_category_for_a_lead(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_contact(pilot, "Ann Berg")
        field = lead_field(app)
        assert field.display
        category_row = card.query_one("#category-row")
        assert field.region.y == category_row.region.y + category_row.region.height
        assert text_of(app, "#lead_status-value") == "Open"


async def test_lead_status_is_hidden_when_the_company_does_not_use_it(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Gus Grey")
        assert not lead_field(app).display


async def test_the_description_is_the_tooltip_and_a_line_under_the_field_with_days_in_status(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        description = "No outreach has been made by the sales team yet."
        assert app.screen.query_one("#lead_status-value").tooltip == description
        line = text_of(app, "#lead_status-description")
        assert description in line and "0 days in this status" in line


async def test_editing_lead_status_offers_the_live_statuses_and_saves_the_choice(app, app_db):
    ids = await seed(app_db)
    await with_services(app_db, lambda db, actor: lists.delete_item(db, actor, "lead-status", "Re-nurture"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        select = app.screen.query_one("#lead_status", Select)
        offered = [str(prompt) for prompt, _value in select._options]
        assert offered == ["Open", "Contacting", "Disqualified", "Qualified"]
        select.focus()
        await pilot.press("enter", "down", "enter")  # Contacting
        await settle(pilot)
        assert "actively trying to reach" in text_of(app, "#lead_status-description")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.screen.editing and text_of(app, "#lead_status-value") == "Contacting"
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.lead_status == "Contacting"


async def test_the_history_tab_shows_from_to_when_and_who(app, app_db):
    ids = await seed(app_db)
    await with_services(
        app_db, lambda db, actor: contacts.update_contact(db, actor, ids["ann"], {"lead_status": "Qualified"})
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("greater_than_sign")
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        rows = [[str(cell) for cell in history.get_row_at(i)][1:] for i in range(history.row_count)]
        assert rows == [["Lead status", "Open", "Qualified", "admin"], ["Lead status", "—", "Open", "admin"]]


async def test_category_and_our_contact_come_from_the_company_and_cannot_be_edited(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        assert card.editing
        assert not card.query_one("#category-edit-row").display and card.query_one("#category-row").display
        assert "(from the company)" in text_of(app, "#category-value")
        assert not card.query_one("#owner-edit-row").display


async def test_a_retained_lead_status_is_not_shown_after_the_company_leaves(app, app_db):
    ids = await seed(app_db)
    from leadtui.services import companies

    await with_services(
        app_db, lambda db, actor: companies.update_company(db, actor, ids["acme"], {"category": "Customer"})
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        assert cell_texts(table, 3)[:2] == ["Open", "Qualified"]  # still in the list, read-only
        await open_contact(pilot, "Bo Berg")
        assert not lead_field(app).display


async def test_a_sales_rep_sees_lead_status_of_others_read_only(tmp_path):
    from leadtui.app import LeadApp
    from leadtui.services import users

    app_db = str(tmp_path / "rep.db")
    await seed(app_db)
    await with_services(app_db, lambda db, actor: users.add_user(db, actor, {"login": "rita", "role": "sales-rep"}))
    app = LeadApp(db_url=app_db, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        assert lead_field(app).display and not app.screen.query("#lead_status")
        await pilot.press("e")
        await settle(pilot)
        assert not app.screen.editing


async def test_an_invalid_email_is_shown_at_the_field_and_nothing_saved(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#email", Input).value = "ann at acme"
        app.screen.query_one("#title", Input).value = "CEO"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Email: 'ann at acme' is not a valid email address" in text_of(app, "#email-error")
        assert app.screen.editing
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.title == "" and ann.email == "ann@acme.example"


async def test_empty_names_are_shown_at_the_field(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#first_name", Input).value = ""
        app.screen.query_one("#last_name", Input).value = " "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "at least one of them is required" in text_of(app, "#first_name-error")


async def test_move_contact_by_keyboard_into_a_lead_company_gives_open(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Gus Grey")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompanyPickerDialog)
        await pilot.press(*"acm")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveContactDialog)
        assert "gets 'Open'" in text_of(app, ".question")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactCard)
        assert lead_field(app).display and text_of(app, "#lead_status-value") == "Open"
    gus = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["gus"]))
    assert gus.company_name == "Acme" and gus.lead_status == "Open"


async def test_new_contact_from_the_section_picks_its_company_with_ctrl_o(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot)
        await pilot.press("n")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ContactCard) and card.editing
        await pilot.press(*"Dee", "tab", *"Dahl", "ctrl+o")
        await settle(pilot)
        await pilot.press(*"acme", "enter")
        await settle(pilot)
        assert "Acme" in text_of(app, "#company-value")
        assert lead_field(app).display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not card.editing and card.loaded.company_name == "Acme" and card.loaded.lead_status == "Open"


async def test_a_conflicting_save_names_the_changed_field_and_reload_shows_it(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        await with_services(
            app_db, lambda db, actor: contacts.update_contact(db, actor, ids["ann"], {"lead_status": "Disqualified"})
        )
        app.screen.query_one("#title", Input).value = "CTO"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "Lead status: Open  →  Disqualified" in text_of(app, "#conflict-changes")
        await pilot.press("r")
        await settle(pilot)
        assert text_of(app, "#lead_status-value") == "Disqualified"
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.title == "" and ann.lead_status == "Disqualified"


async def test_bulk_update_of_marked_contacts_from_the_section_list(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot)
        await pilot.press("space", "space", "space")  # Ann, Bo, Gus
        assert "3 marked" in text_of(app, "#contacts-status")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, BulkUpdateDialog)
        app.screen.query_one("#value", Select).value = app.screen.values["lead_status"][4][1]  # Qualified
        await pilot.press("ctrl+s")
        await settle(pilot)
        counts = text_of(app, "#counts")
        assert "Will change: 1 contact" in counts and "Already so (unchanged): 1" in counts
        assert "1 × the company's category does not use lead status" in counts
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.lead_status == "Qualified"


async def test_bulk_update_says_ctrl_z_undoes_it_and_the_list_shows_the_undone_values(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contacts(pilot)
        await pilot.press("space", "space")  # Ann (Open), Bo (Qualified)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#value", Select).value = app.screen.values["lead_status"][4][1]  # Qualified
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "ctrl+z undoes it" in text_of(app, "#counts") and "cannot be undone" not in text_of(app, "#counts")
        await pilot.press("y")
        await settle(pilot)
        table = screen.query_one("#contacts", DataTable)
        row = cell_texts(table, 1).index("Ann Berg")
        assert "Qualified" in [str(cell) for cell in table.get_row_at(row)]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any("Undone" in n.message for n in app._notifications)
        row = cell_texts(table, 1).index("Ann Berg")
        shown = [str(cell) for cell in table.get_row_at(row)]
        assert "Open" in shown and "Qualified" not in shown
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.lead_status == "Open"


async def test_delete_contact_from_the_card_asks_first(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Bo Berg")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert cell_texts(app.screen.query_one("#contacts", DataTable), 1) == ["Ann Berg", "Gus Grey"]


async def test_escape_with_unsaved_changes_asks_before_discarding(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contact(pilot, "Ann Berg")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*"x")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ContactCard) and app.screen.editing
        assert app.screen.query_one("#first_name", Input).value == "x"  # typed over the selected name, kept


async def test_palette_lists_the_card_actions(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_contact(pilot, "Ann Berg")
        titles = [title for title, _help, _call in actions.palette_commands(card)]
        assert "Contact: Move to another company" in titles and "Contact: Edit" in titles
        assert isinstance(card.query_one("#card-title"), Static)


async def test_the_contact_card_closes_with_a_typed_result_deleted_included(app, app_db):
    from leadtui import navigation
    from leadtui.navigation import Closed

    ids = await seed(app_db)
    results: list[Closed] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.ready_backend()
        navigation.open_record(app, "contact", ids["ann"], results.append)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        navigation.open_record(app, "contact", ids["bo"], results.append)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
    assert results == [
        Closed(changed=False, record_id=ids["ann"]),
        Closed(changed=True, record_id=ids["bo"], deleted=True),
    ]
