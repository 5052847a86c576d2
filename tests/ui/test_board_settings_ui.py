"""The board's settings and task menu by keyboard (Pilot): grouping changed with g (and remembered), subgroup
headings with G, the task menu (.) creating a follow-up and marking a sale sold, tasks offered by rights."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from leadtui.screens.board import BoardScreen
from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.pick_dialog import PickDialog
from leadtui.services import activities, board, database, sales
from tests.services.find_data import build
from tests.ui.conftest import settle
from tests.ui.test_board_screen import cards, headers, open_board


@pytest.fixture
async def world(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    out = await build(db, admin)
    await db.dispose()
    return out


def pick_labels(app) -> list[str]:
    from textual.widgets import OptionList

    options = app.screen.query_one("#pick-options", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def choose(pilot, label: str) -> None:
    """In the pick dialog in front: type to filter to `label`, then Enter."""
    assert isinstance(pilot.app.screen, PickDialog), pilot.app.screen
    assert label in pick_labels(pilot.app), pick_labels(pilot.app)
    await pilot.press(*label, "enter")
    await settle(pilot)


async def test_g_groups_the_sales_by_sale_type_and_it_is_remembered(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, "sale")
        await pilot.press("g")
        await settle(pilot)
        await choose(pilot, "Sale type")
        assert headers(app)[0] == "1 General sale  3"
        title = str(app.screen.query_one("#board-title").render())
        assert "by sale type" in title
        await pilot.press("G")
        await settle(pilot)
        await choose(pilot, "Stage")
        column = app.screen.query(".cards").first()
        first = str(column.get_option_at_index(0).prompt)
        assert first.startswith("── Lead ──")  # the subgroup's heading above its first card
        backend = await app.ready_backend()
        remembered = await board.load_settings(backend.db, backend.actor, "sale")
        assert (remembered.group_by, remembered.subgroup_by) == ("sale_type", "stage")


async def test_task_menu_creates_a_follow_up_for_the_contact(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        assert app.screen.current_card().title == "Ann Berg"
        await pilot.press("full_stop")
        await settle(pilot)
        assert pick_labels(app)[:3] == ["Edit", "Create follow-up", "Create sale"]
        await choose(pilot, "Create follow-up")
        assert isinstance(app.screen, FollowUpDialog)
        app.screen.query_one("#text", Input).value = "Call Ann about the offer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        backend = await app.ready_backend()
        found = await activities.list_follow_ups(backend.db, contact_id=world.people["ann"])
        assert [a.text for a in found.rows] == ["Call Ann about the offer"]


async def test_task_menu_marks_a_sale_sold_with_its_reason(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, "sale")
        await pilot.press("l", "l")  # Offer: Website
        assert app.screen.current_card().title == "Website"
        await pilot.press("full_stop")
        await settle(pilot)
        assert "Mark as sold" in pick_labels(app) and "Move to next category" not in pick_labels(app)
        await choose(pilot, "Mark as sold")
        assert isinstance(app.screen, PickDialog)  # the reason (sold), as a move to Sold asks
        await pilot.press("enter")
        await settle(pilot)
        backend = await app.ready_backend()
        assert (await sales.get_sale(backend.db, world.sales["web"])).status == "sold"
        assert "Website" in cards(app, "Sold")
        assert headers(app)[5] == "6 Sold  2"


async def test_a_dynamic_selections_board_lets_a_card_moved_out_of_its_criteria_go(app, world):
    from leadtui.services import selections

    async with app.run_test(size=(160, 40)) as pilot:
        backend = await app.ready_backend()
        sel = await selections.create_selection(
            backend.db,
            backend.actor,
            {
                "name": "Early leads",
                "target": "contact",
                "kind": "dynamic",
                "criteria": [{"field": "lead_status", "op": "one_of", "values": ["Open", "Contacting"]}],
            },
        )
        await open_board(pilot)
        app.screen.show_source(target="contact", selection_id=sel.id)
        await settle(pilot)
        assert headers(app)[:3] == ["1 Open  1", "2 Contacting  1", "3 Disqualified  0"]
        await pilot.press("l", "L")  # Bob: Contacting -> Disqualified, outside the selection's criteria
        await settle(pilot)
        # the same rule as Find's board: the card leaves the board (as reading it again would show)
        assert headers(app)[:3] == ["1 Open  1", "2 Contacting  0", "3 Disqualified  0"]


async def test_task_menu_edit_opens_the_card_in_edit_mode(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        await pilot.press("full_stop")
        await settle(pilot)
        await choose(pilot, "Edit")
        await settle(pilot)
        assert type(app.screen).__name__ == "ContactCard"
        assert app.screen.editing


async def test_f_filters_a_field_and_slash_filters_by_title(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, "sale")
        await pilot.press("F")
        await settle(pilot)
        await choose(pilot, "Stage")
        await choose(pilot, "Offer")
        assert headers(app)[2] == "3 Offer  1" and headers(app)[0] == "1 Lead  0"
        assert "1 filter" in str(app.screen.query_one("#board-title").render())
        await pilot.press("F")
        await settle(pilot)
        await choose(pilot, "Clear all filters")
        assert headers(app)[0] == "1 Lead  1"
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"web", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert cards(app, "Offer") == ["Website"] and headers(app)[0] == "1 Lead  0"
        backend = await app.ready_backend()
        assert (await board.load_settings(backend.db, backend.actor, "sale")).title == "web"


async def test_shift_m_moves_a_card_to_another_subgroup_row(app, world):
    from leadtui.services import contacts

    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        await pilot.press("g")
        await settle(pilot)
        await choose(pilot, "Category")
        await pilot.press("G")
        await settle(pilot)
        await choose(pilot, "Lead status")
        assert app.screen.current_card().title == "Ann Berg"  # Lead: Ann (Open), Bob (Contacting)
        await pilot.press("M")
        await settle(pilot)
        assert " 5  Qualified" in pick_labels(app)  # numbered, as m's columns
        await pilot.press("5", "enter")
        await settle(pilot)
        backend = await app.ready_backend()
        assert (await contacts.get_contact(backend.db, backend.actor, world.people["ann"])).lead_status == "Qualified"
        assert cards(app, "Lead") == ["Bob Øster", "Ann Berg"]  # under its new heading, after Contacting
        first = str(app.screen.query(".cards").first().get_option_at_index(1).prompt)
        assert first.startswith("── Qualified ──")
