"""The TUI's own words in the language (Pilot): the Footer's key names, the command palette (its search box,
Textual's commands, key hints in brackets) and one date format from the sale card to the follow-up dialog."""

from __future__ import annotations

import asyncio
import re

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey

from leadtui.app import LeadApp
from leadtui.i18n import _, set_language
from leadtui.i18n.format import format_date
from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.sale_card import SaleCard
from leadtui.services import sales
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services

# how Textual writes key names: English words a Danish, Dutch or Norwegian user should not see in the Footer
TEXTUAL_KEY_NAMES = re.compile(r"\b(space|esc|pgup|pgdn|del|tab|enter|palette)\b")


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    set_language("en")


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.02)


def footer(app: LeadApp) -> list[tuple[str, str]]:
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


@pytest.mark.parametrize("lang", ["da", "nl", "nb"])
async def test_the_footer_names_keys_in_the_language(app_db, lang):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang=lang)
    async with app.run_test(size=(200, 40)) as pilot:
        await app.ready_backend()
        for section in "pb":  # Contacts (PgUp, PgDn, space) and the board (space)
            await pilot.press(section)
            await settle(pilot)
            await wait_for(pilot, lambda: any(key == "^p" for key, _label in footer(app)))
            shown = footer(app)
            english = [(key, label) for key, label in shown if TEXTUAL_KEY_NAMES.search(f"{key} {label}")]
            assert not english, (lang, section, english)
        assert ("^p", _("Commands")) in shown


async def palette_hits(pilot, query: str) -> list[str]:
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    app.screen.query_one(CommandInput).value = query
    command_list = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: command_list.option_count > 0)
    await pilot.pause(0.3)  # the hits of every provider
    return [str(command_list.get_option_at_index(i).prompt) for i in range(command_list.option_count)]


def plain(prompt: str) -> str:
    from textual.content import Content

    return Content.from_markup(prompt).plain if isinstance(prompt, str) else str(prompt)


async def test_palette_hints_keep_their_keys_in_brackets(app_db):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        command_list_text = " ".join(await palette_hits(pilot, "Contacts"))
        assert "[Enter]" in command_list_text and "[space]" in command_list_text, command_list_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        assert "[p]" in " ".join(await palette_hits(pilot, "Go"))


async def test_the_palette_speaks_the_language(app_db):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="da")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert app.screen.query_one(CommandInput).placeholder == _("Search for commands…") != "Search for commands…"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert _("Quit") in titles and "Quit" not in titles and "Screenshot" not in titles
        helps = [command.help for command in app.get_system_commands(app.screen)]
        assert "Quit the application as soon as possible" not in helps
        assert "Keys" not in titles  # Textual's key panel would describe its widgets' keys in English


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_sale_card_and_the_follow_up_dialog_show_one_date_format(app_db, lang):
    ids = await seed(app_db)

    async def add_sale(db, admin):  # noqa: ANN001, ANN202
        data = {
            "heading": "Relaunch",
            "sale_type": "General sale",
            "company_id": ids["acme"],
            "sale_date": "2027-01-04",
        }
        return await sales.create_sale(db, admin, data)

    await with_services(app_db, add_sale)
    app = LeadApp(db_url=app_db, user="admin", lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("s")
        await settle(pilot)
        table = app.screen.query_one("#sales-table", DataTable)
        table.focus()
        listed = str(table.get_row_at(0)[5])  # the Sales list's sale date
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        sale = app.screen.sale
        on_card = app.screen.query_one("#sale_date", Input).value
        assert listed == on_card == format_date(sale.sale_date) == {"en": "04/01/2027", "nl": "04-01-2027"}[lang]
        await pilot.press("a")  # a follow-up, dated today by default
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        in_dialog = app.screen.query_one("#date", Input).value
        assert in_dialog == format_date(app.screen.day) and re.sub(r"\d", "9", in_dialog) == re.sub(r"\d", "9", on_card)


async def test_a_search_without_hits_says_so_in_the_language(app_db):
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        app.screen.query_one(CommandInput).value = "qqqqzzzz"
        command_list = app.screen.query_one(CommandList)
        await wait_for(  # the one line that says nothing matched
            pilot,
            lambda: command_list.option_count == 1 and command_list.get_option_at_index(0).id == "--no-matches",
        )
        shown = str(command_list.get_option_at_index(0).prompt.renderable)
        assert command_list.option_count == 1 and shown == _("No matches found") != "No matches found"


async def test_a_saved_screenshot_is_reported_in_the_language_without_markup(app_db, tmp_path):
    from pathlib import Path

    from textual import events

    app = LeadApp(db_url=app_db, user="admin", lang="da")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        path = Path(tmp_path) / "shot.svg"
        app.post_message(events.DeliveryComplete(key="k", path=path, name="screenshot"))
        await wait_for(pilot, lambda: any(str(path) in n.message for n in app._notifications))
        (note,) = [n for n in app._notifications if str(path) in n.message]
        assert note.message == _("Saved a picture of the screen to {path}").format(path=path)
        assert note.title == _("Screenshot") != "Screenshot" and "[$" not in note.message
