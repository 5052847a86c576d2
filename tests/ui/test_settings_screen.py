"""The Settings screen by keyboard (Pilot): add, edit, delete, show deleted, restore, refuse to delete Open."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from leadtui.app import LeadApp
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.list_item_dialog import ListItemDialog
from leadtui.screens.settings import SettingsScreen
from tests.ui.conftest import settle


def row_names(app: LeadApp) -> list[str]:
    table = app.screen.query_one("#items", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def open_settings(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SettingsScreen)


def select_row(app: LeadApp, name: str) -> None:
    table = app.screen.query_one("#items", DataTable)
    table.move_cursor(row=[n.split("  (")[0] for n in row_names(app)].index(name))


async def test_t_opens_settings_on_the_lead_status_list(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        assert row_names(app) == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]


async def test_add_a_lead_status_by_keyboard(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ListItemDialog)
        await pilot.press(*"Nurturing", "tab", *"Warm up", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert row_names(app)[-1] == "Nurturing"
        assert "Warm up" in str(app.screen.query_one("#item-description").render())


async def test_empty_name_keeps_the_dialog_open_with_the_message_at_the_field(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ListItemDialog)
        assert "Name: is required" in str(app.screen.query_one("#name-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(row_names(app)) == 5


async def test_duplicate_name_is_shown_at_the_field(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"QUALIFIED", "enter")
        await settle(pilot)
        assert "already used" in str(app.screen.query_one("#name-error").render())


async def test_edit_renames_the_highlighted_item(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        select_row(app, "Contacting")
        await pilot.press("e")
        await settle(pilot)
        name = app.screen.query_one("#name", Input)
        name.value = "Reaching out"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert row_names(app)[1] == "Reaching out"


async def test_delete_asks_then_hides_and_show_deleted_then_restore_brings_it_back(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        select_row(app, "Re-nurture")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "Re-nurture" not in row_names(app)
        await pilot.press("v")
        await settle(pilot)
        assert "Re-nurture  (deleted)" in row_names(app)
        select_row(app, "Re-nurture")
        await pilot.press("r")
        await settle(pilot)
        assert "Re-nurture" in row_names(app)


async def test_answering_no_keeps_the_item(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        select_row(app, "Qualified")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "Qualified" in row_names(app)


async def test_deleting_open_is_not_offered(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        select_row(app, "Open")
        await pilot.pause()
        assert "delete" not in {a.binding.action for a in app.active_bindings.values() if a.enabled}
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)  # no question asked only to be refused
        assert "Open" in row_names(app)


async def test_category_dialog_allows_lead_status_only_for_potential_customer(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        app.screen.query_one("#kinds").highlighted = 1
        await settle(pilot)
        assert "Lead" in row_names(app)
        select_row(app, "Customer")
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#enable_lead_status")
        assert box.disabled
        app.screen.query_one("#category_group").value = 2
        await settle(pilot)
        assert not box.disabled


async def test_a_sales_rep_sees_lists_read_only_and_is_offered_no_change(tmp_path):
    from leadtui.services import database, users

    url = f"sqlite+aiosqlite:///{tmp_path / 'rep.db'}"
    db = await database.init_database(url, lang="en", login="admin", force=False)
    await users.add_user(db, await database.resolve_actor(db, "admin"), {"login": "rita", "role": "sales-rep"})
    await db.dispose()
    app = LeadApp(db_url=str(tmp_path / "rep.db"), user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(pilot)
        assert "Read-only" in str(app.screen.query_one("#admin-note").render())
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)  # no dialog: adding is not offered to a rep
        assert "add" not in {a.binding.action for a in app.active_bindings.values() if a.enabled}


async def test_unknown_user_exits_with_a_clear_message(tmp_path):
    app = LeadApp(db_url=str(tmp_path / "x.db"), user="admin")
    async with app.run_test() as pilot:
        await app.ready_backend()
    stranger = LeadApp(db_url=str(tmp_path / "x.db"), user="mallory")
    async with stranger.run_test() as pilot:
        await pilot.pause()
        await stranger.workers.wait_for_complete()
        await pilot.pause()
    assert stranger.return_code == 3
