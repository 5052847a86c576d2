"""Keys typed into a field are text (issue: keys never misfire): in every section and on a card in edit mode, a
text with every navigator letter and digit typed into each Input and drop-down leaves the screen where it was.
A section key always shows that section's list, asking first when a card has unsaved edits; the navigator never
takes the focus, and is a rail of keys in a narrow terminal."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, TextArea

from leadtui.app import LeadApp
from leadtui.navigation import SECTIONS
from leadtui.screens.card_base import CardScreen
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.sale_card import SaleCard
from leadtui.screens.sales import SalesScreen
from leadtui.widgets.navigator import Navigator
from tests.ui.conftest import settle
from tests.ui.test_sale_card import seeded  # noqa: F401 - the fixture

# every navigator letter and digit, a quit key and the single-letter actions of lists and cards
TYPED = "cpsfbdtq1234567 exnk/?"


def fields(app: LeadApp) -> list:
    return [
        widget
        for widget in app.screen.query("Input, Select, TextArea").results()
        if isinstance(widget, (Input, Select, TextArea)) and widget.focusable
    ]


async def type_into_each_field(pilot, app: LeadApp) -> int:
    screen, mode, depth = app.screen, app.current_mode, len(app.screen_stack)
    typed = 0
    for field in fields(app):
        field.focus()
        await pilot.pause()
        for char in TYPED:
            await pilot.press(char)
        await settle(pilot)
        assert app.screen is screen, f"typing into {field!r} left {type(screen).__name__} for {app.screen!r}"
        assert app.current_mode == mode and len(app.screen_stack) == depth
        if isinstance(field, Select):  # a drop-down opened by space: close it again
            field.expanded = False
            await pilot.pause()
        typed += 1
    return typed


async def keys(pilot, *pressed: str) -> None:
    """Press each key and let the screen settle (the database work it starts) before the next."""
    await pilot.app.ready_backend()
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize("mode", [mode for mode, *_rest in SECTIONS])
async def test_typing_into_a_sections_fields_never_leaves_it(seeded, mode):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        app.action_section(mode)
        await settle(pilot)
        assert app.current_mode == mode
        typed = await type_into_each_field(pilot, app)
        if mode in ("companies", "contacts", "sales"):  # their search boxes and filters
            assert typed > 0, f"{mode}: no field was typed into"


async def test_typing_a_date_into_a_drop_down_of_a_sale_in_edit_mode_stays_on_the_card(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot, "s", "enter", "e")
        card = app.screen
        assert isinstance(card, SaleCard) and card.editing
        owner = card.query_one("#owner", Select)
        owner.focus()
        await pilot.pause()
        await pilot.press(*"31/02/2027")
        await settle(pilot)
        assert app.screen is card and card.editing and app.current_mode == "sales"
        assert await type_into_each_field(pilot, app) > 3


async def test_a_section_key_shows_the_list_not_the_card_opened_over_it(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot, "s", "enter")
        assert isinstance(app.screen, SaleCard)
        await pilot.press("p")
        await settle(pilot)
        assert app.current_mode == "contacts"
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen), app.screen
        assert not isinstance(app.focused, Navigator)


async def test_a_section_key_asks_before_dropping_unsaved_edits(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await keys(pilot, "s", "enter", "e")
        card = app.screen
        assert isinstance(card, CardScreen)
        heading = card.query_one("#heading", Input)
        heading.focus()
        await pilot.press("end", "!")
        assert card.unsaved_edits()
        await pilot.press("tab")
        while isinstance(app.focused, (Input, Select, TextArea)):  # a key that is not typed text: a button
            await pilot.press("tab")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is card and card.editing and card.unsaved_edits()
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.current_mode == "contacts" and not isinstance(app.screen, CardScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)


@pytest.mark.parametrize("width, rail", [(80, True), (120, False)])
async def test_the_navigator_is_a_rail_of_keys_in_a_narrow_terminal_and_ctrl_b_toggles_it(seeded, width, rail):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(width, 24)) as pilot:
        await app.ready_backend()
        await settle(pilot)
        navigator = app.screen.query_one(Navigator)
        assert navigator.has_class("-rail") is rail
        assert navigator.outer_size.width == (5 if rail else 22)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert navigator.has_class("-rail") is not rail
        await pilot.press("p")  # the choice holds in the other sections
        await settle(pilot)
        assert app.screen.query_one(Navigator).has_class("-rail") is not rail
