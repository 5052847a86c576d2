"""Going from one section to another with what is shown (leadtui/navigation.py `to_section`): Find's k shows its
results on the Board; a screen on top of the Board (a card opened there) is left alone."""

from __future__ import annotations

from textual.screen import ModalScreen

from leadtui import navigation
from leadtui.screens.board import BoardScreen
from leadtui.screens.find import FindScreen
from leadtui.services import selections
from tests.ui.conftest import settle
from tests.ui.test_find_screen import open_find, world  # noqa: F401 - the fixture


async def test_k_in_find_shows_the_results_on_the_board(app, world):  # noqa: F811
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        app.screen.open_with("persons", [selections.find.parse_where("title:eq:ceo")])
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.target == "contact" and app.screen.selection_id is None
        assert [c.field for c in app.screen.criteria] == ["title"]


async def test_a_screen_on_top_of_the_section_is_not_taken_for_it(app, world):  # noqa: F811
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.ready_backend()
        await pilot.press("b")
        await settle(pilot)
        await app.push_screen(ModalScreen())
        await app.switch_mode("find")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        assert await navigation.to_section(app, "board") is None  # the dialog opened over the Board is in front
        assert isinstance(app.screen, ModalScreen)
