"""Settings > Users (Pilot): an administrator adds and changes users; a sales rep is refused."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Select

from leadtui.app import LeadApp
from leadtui.screens.users import UserDialog, UsersScreen
from tests.ui.conftest import settle


async def open_users(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("t")
    await settle(pilot)
    await pilot.press("u")
    await settle(pilot)
    assert isinstance(pilot.app.screen, UsersScreen)


def logins(app: LeadApp) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_an_administrator_adds_a_sales_rep(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_users(pilot)
        assert logins(app) == ["admin"]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, UserDialog)
        await pilot.press(*"rita", "tab", *"Rita Rep")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        assert logins(app) == ["admin", "rita"]


async def test_a_login_with_spaces_is_refused_at_the_field(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_users(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"two words", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, UserDialog)
        assert "Login name" in str(app.screen.query_one("#login-error").render())


async def test_demoting_the_last_administrator_is_refused_in_the_dialog(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_users(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#role", Select).value = "sales-rep"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, UserDialog)
        assert "last active administrator" in str(app.screen.query_one("#role-error").render())


async def test_deactivating_a_user(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        from leadtui.services import users

        await users.add_user(app.backend.db, app.backend.actor, {"login": "rita"})
        await open_users(pilot)
        app.screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#active", Checkbox).value = False
        app.screen.query_one("#full_name", Input).value = "Rita Gone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        listed = {u.login: u for u in await users.list_users(app.backend.db)}
        assert not listed["rita"].active and listed["rita"].full_name == "Rita Gone"
