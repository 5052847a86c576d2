"""keymap.toml: a remapped action answers to its new key and not its old one, the Footer, the command palette and
the dashboard's hints show the new key, and an entry that cannot be used is one notification line, the app runs on."""

from __future__ import annotations

import pytest

from leadtui import actions
from leadtui.app import LeadApp
from leadtui.screens.company_card import CompanyCard
from tests.ui.conftest import settle


@pytest.fixture
def keymap(tmp_path, monkeypatch):
    path = tmp_path / "keymap.toml"
    monkeypatch.setenv("LEADTUI_KEYMAP", str(path))
    return path


async def test_a_remapped_key_opens_the_new_company_card_and_the_old_key_does_not(app_db, keymap):
    keymap.write_text('"companies.new_company" = "ctrl+n"\n"dashboard.refresh" = "ctrl+r"\n', encoding="utf-8")
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await settle(pilot)
        assert not [n for n in app._notifications if str(n.message).startswith("keymap")]
        footer_keys = {binding.key for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values()}
        assert "ctrl+n" in footer_keys and "n" not in footer_keys
        commands = {title: help_ for title, help_, _call in actions.palette_commands(app.screen)}
        assert commands["Companies: New company"] == "Add a company [ctrl+n]"
        assert commands["Companies: Search"] == "Search by the start of the name or domain [/]"
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, CompanyCard)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard) and app.screen.company_id is None
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        title = str(app.screen.query_one("#dash-title").render())
        assert "ctrl+r reloads" in title


async def test_a_bad_entry_is_one_notification_and_the_rest_is_used(app_db, keymap):
    keymap.write_text(
        '"companies.new_company" = "q"\n"companies.search" = "ctrl+f"\n"nothing.here" = "x"\n', encoding="utf-8"
    )
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications if str(n.message).startswith("keymap")]
        assert len(messages) == 2 and all("\n" not in message for message in messages)
        assert any("'q' belongs to the navigator" in message for message in messages)
        assert any("'nothing.here' is no action" in message for message in messages)
        commands = {title: help_ for title, help_, _call in actions.palette_commands(app.screen)}
        assert commands["Companies: Search"].endswith("[ctrl+f]")
        assert commands["Companies: New company"].endswith("[n]")


async def test_the_palette_lists_the_widgets_actions_and_runs_them_on_the_widget(app_db, keymap):
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        commands = {title: (help_, call) for title, help_, call in actions.palette_commands(app.screen)}
        assert commands["Contacts: Search"][0] == "Search by the start of a name or email [/]"
        assert "Contacts: Bulk update" in commands and "Companies: Search" not in commands
        await commands["Contacts: Search"][1]()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "contacts-search"
