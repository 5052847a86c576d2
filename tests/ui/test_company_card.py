"""The Companies list and the company card by keyboard (Pilot): search, paging, new/edit/delete with field
errors, the Contacts section tab (columns, sort, filter, group remembered per user; bulk update), conflicts."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, SelectionList

from leadtui.screens.bulk_update_dialog import BulkUpdateDialog
from leadtui.screens.companies import CompaniesScreen
from leadtui.screens.company_card import CompanyCard
from leadtui.screens.conflict_dialog import ConflictDialog
from leadtui.screens.contacts_view_dialog import ContactsViewDialog
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.services import companies, contacts, database
from tests.ui.conftest import settle
from tests.ui.seed import seed, url_of, with_services


def cell_texts(table: DataTable, column: int = 0) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_companies(pilot) -> None:
    await pilot.app.ready_backend()
    await settle(pilot)
    assert isinstance(pilot.app.screen, CompaniesScreen)


async def open_company(pilot, name: str) -> CompanyCard:
    await open_companies(pilot)
    table = pilot.app.screen.query_one("#companies", DataTable)
    table.focus()
    table.move_cursor(row=cell_texts(table).index(name))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CompanyCard)
    return pilot.app.screen


async def contacts_tab(pilot) -> DataTable:
    await pilot.press("greater_than_sign")
    await settle(pilot)
    assert pilot.app.screen.query_one("#card-tabs").active == "contacts-tab"
    return pilot.app.screen.query_one("#contacts", DataTable)


async def test_the_companies_list_shows_companies_with_their_category(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        table = app.screen.query_one("#companies", DataTable)
        assert cell_texts(table) == ["Acme", "Globex"]
        assert "Lead" in str(table.get_row_at(0)[1])
        assert "1–2 of 2" in text_of(app, "#companies-status")


async def test_typing_in_the_search_field_narrows_the_list(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        await pilot.press("slash", *"glo")
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#companies", DataTable)) == ["Globex"]


async def test_page_down_shows_the_next_page(app, app_db):
    db = await database.init_database(url_of(app_db), lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    for index in range(55):
        await companies.create_company(db, admin, {"name": f"Company {index:02}", "category": "Customer"})
    await db.dispose()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        table = app.screen.query_one("#companies", DataTable)
        assert table.row_count == 50
        await pilot.press("pagedown")
        await settle(pilot)
        assert cell_texts(table) == [f"Company {i}" for i in range(50, 55)]
        assert "51–55 of 55" in text_of(app, "#companies-status")


async def test_new_company_shows_missing_name_and_category_at_the_fields_and_saves_nothing(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard) and app.screen.editing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Name: is required" in text_of(app, "#name-error")
        await pilot.press(*"Initech", "ctrl+s")
        await settle(pilot)
        assert "Category: is required" in text_of(app, "#category-error")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#companies", DataTable)) == ["Acme", "Globex"]


async def test_escape_on_an_untouched_new_company_leaves_at_once(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard)
        await pilot.press("escape")  # nothing typed: nothing to discard, so no question
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Ini", "escape")  # something typed: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)


async def test_new_company_by_keyboard_is_saved_and_its_tabs_open(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Initech", "tab", "enter", "down", "enter")  # Category: the first, Lead
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        card = app.screen
        assert not card.editing and card.loaded.name == "Initech" and card.loaded.category == "Lead"
        assert not app.screen.query_one("#contacts-tab").disabled
        await pilot.press("escape")
        await settle(pilot)
        assert "Initech" in cell_texts(app.screen.query_one("#companies", DataTable))


async def test_an_invalid_email_is_shown_at_the_field(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#email", Input).value = "info@acme"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a valid email address" in text_of(app, "#email-error")
        assert app.screen.editing
    shown = await with_services(app_db, lambda db, actor: companies.list_companies(db, actor))
    assert shown.items[0].domain == ""


async def test_changing_the_category_carries_the_lead_status_rules_to_the_contacts(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#category", Select).value = app.screen.options["category"][4][1]  # Customer
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.loaded.category == "Customer"
    bo = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["bo"]))
    assert bo.lead_status == "Qualified" and not bo.lead_status_visible


async def test_the_contacts_tab_lists_the_companys_contacts_with_lead_status(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        table = await contacts_tab(pilot)
        labels = [str(column.label) for column in table.columns.values()][1:]
        assert labels == ["Name", "Category", "Category group", "Lead status", "Our contact", "Email"]
        assert cell_texts(table, 1) == ["Ann Berg", "Bo Berg"]
        assert cell_texts(table, 4) == ["Open", "Qualified"]


async def test_the_column_choice_is_remembered_for_the_user(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ContactsViewDialog)
        assert isinstance(app.focused, SelectionList)
        await pilot.press("down", "space")  # untick Category
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        assert "Category" not in [str(column.label) for column in table.columns.values()]
        await pilot.press("escape")
        await settle(pilot)
        await open_company(pilot, "Globex")
        table = await contacts_tab(pilot)
        assert [str(column.label) for column in table.columns.values()][1:3] == ["Name", "Category group"]


async def test_grouping_by_lead_status_shows_a_header_row_per_group_with_its_count(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#group", Select).value = "lead_status"
        await pilot.press("ctrl+s")
        await settle(pilot)
        names = cell_texts(app.screen.query_one("#contacts", DataTable), 1)
        assert names == ["▾ Lead status: Open (1)", "Ann Berg", "▾ Lead status: Qualified (1)", "Bo Berg"]


async def test_a_filter_shows_only_matching_contacts(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#filter-name", Input).value = "bo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#contacts", DataTable), 1) == ["Bo Berg"]
        assert "filter: Name" in text_of(app, "#contacts-status")


async def test_sorting_descending_by_a_column(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#sort", Select).value = "lead_status"
        app.screen.query_one("#descending").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#contacts", DataTable), 1) == ["Bo Berg", "Ann Berg"]


async def test_bulk_update_from_the_contacts_tab_shows_counts_then_updates(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, BulkUpdateDialog)
        app.screen.query_one("#value", Select).value = app.screen.values["lead_status"][1][1]  # Contacting
        await pilot.press("ctrl+s")
        await settle(pilot)
        counts = text_of(app, "#counts")
        assert "Will change: 2 contacts" in counts and "Skipped: 0" in counts
        await pilot.press("y")
        await settle(pilot)
        assert cell_texts(app.screen.query_one("#contacts", DataTable), 4) == ["Contacting", "Contacting"]
    ann = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["ann"]))
    assert ann.lead_status == "Contacting"


async def test_bulk_update_of_marked_contacts_skips_and_says_why(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("space")  # marks Ann
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field", Select).value = "owner"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        counts = text_of(app, "#counts")
        assert "Skipped: 1" in counts and "takes Our contact from its company" in counts
        assert "Nothing to update." in counts
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard)


async def test_delete_company_asks_first_then_removes_it(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Globex")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "its 1 contact?" in text_of(app, ".question")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert cell_texts(app.screen.query_one("#companies", DataTable)) == ["Acme"]


async def test_a_rep_is_offered_delete_on_their_own_company_only(app_db):
    from leadtui.app import LeadApp
    from leadtui.services import users

    await seed(app_db)  # Acme and Globex belong to admin

    async def rita_and_hers(db, admin):  # noqa: ANN001, ANN202
        await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
        rita = await database.resolve_actor(db, "rita")
        await companies.create_company(db, rita, {"name": "Beta", "category": "Lead"})

    await with_services(app_db, rita_and_hers)
    app = LeadApp(db_url=app_db, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        table = app.screen.query_one("#companies", DataTable)
        offered = {}
        for row, name in enumerate(cell_texts(table)):
            table.move_cursor(row=row)
            await settle(pilot)
            offered[name] = "delete_company" in {a.binding.action for a in app.active_bindings.values() if a.enabled}
        assert offered == {"Acme": False, "Beta": True, "Globex": False}
        table.move_cursor(row=0)
        await pilot.press("x")  # Acme: no question that ends in a refusal
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)


async def test_a_save_over_someone_elses_newer_save_shows_the_conflict_and_reload_shows_theirs(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await pilot.press("e")
        await settle(pilot)
        await with_services(
            app_db, lambda db, actor: companies.update_company(db, actor, ids["acme"], {"phone": "555 1234"})
        )
        app.screen.query_one("#city", Input).value = "Oslo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "Phone:" in text_of(app, "#conflict-changes") and "555 1234" in text_of(app, "#conflict-changes")
        await pilot.press("r")
        await settle(pilot)
        card = app.screen
        assert card.query_one("#phone", Input).value == "555 1234" and card.query_one("#city", Input).value == ""
        assert not card.editing
    shown = await with_services(app_db, lambda db, actor: companies.get_company(db, actor, ids["acme"]))
    assert shown.city == "" and shown.phone == "555 1234"


async def test_keep_editing_after_a_conflict_takes_in_their_change_and_saves_mine(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await pilot.press("e")
        await settle(pilot)
        await with_services(
            app_db, lambda db, actor: companies.update_company(db, actor, ids["acme"], {"phone": "555 1234"})
        )
        app.screen.query_one("#city", Input).value = "Oslo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert app.screen.query_one("#phone", Input).value == "555 1234"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.screen.editing
    shown = await with_services(app_db, lambda db, actor: companies.get_company(db, actor, ids["acme"]))
    assert (shown.city, shown.phone) == ("Oslo", "555 1234")


async def test_the_sales_tab_is_there(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        pane = app.screen.query_one("#sales-tab")
        assert not pane.disabled
        assert pane.query("SalesTab") or "Sales arrive with the sale card" in str(pane.query_one("Static").render())


async def test_a_sales_rep_cannot_edit_someone_elses_company(tmp_path):
    from leadtui.app import LeadApp
    from leadtui.services import users

    app_db = str(tmp_path / "rep.db")
    await seed(app_db)
    await with_services(app_db, lambda db, actor: users.add_user(db, actor, {"login": "rita", "role": "sales-rep"}))
    app = LeadApp(db_url=app_db, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await pilot.press("e")
        await settle(pilot)
        assert not app.screen.editing  # Edit is not offered: the card says read-only up front
        assert "edit" not in {a.binding.action for a in app.active_bindings.values() if a.enabled}
        assert "read-only for you" in text_of(app, "#card-title")


async def test_a_contact_added_from_the_contacts_tab_is_the_highlighted_row_when_the_card_closes(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_company(pilot, "Acme")
        await contacts_tab(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Cid", "tab", *"Zed", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        assert cell_texts(table, 1) == ["Ann Berg", "Bo Berg", "Cid Zed"]
        # the card closes with True ("changed"), which once selected contact id 1 (Ann)
        assert str(table.get_row_at(table.cursor_row)[1]) == "Cid Zed"


async def test_the_company_card_closes_with_a_typed_result_saved_or_deleted(app, app_db):
    from leadtui import navigation
    from leadtui.navigation import Closed

    ids = await seed(app_db)
    results: list[Closed] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_companies(pilot)
        navigation.open_record(app, "company", ids["acme"], results.append)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#city", Input).value = "Aarhus"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        navigation.open_record(app, "company", ids["globex"], results.append)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
    assert results == [
        Closed(changed=True, record_id=ids["acme"]),
        Closed(changed=True, record_id=ids["globex"], deleted=True),
    ]
