"""The board by keyboard (Pilot): columns with counts, moving cards with H/L and m + number, marking several,
refusals from the card's rules, the reason asked when a sale goes to Lost, more cards as the cursor goes down."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from leadtui.screens.board import BoardColumn, BoardScreen
from leadtui.screens.pick_dialog import PickDialog
from leadtui.services import contacts, database, sales
from tests.services.find_data import build, person
from tests.ui.conftest import settle


@pytest.fixture
async def world(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    out = await build(db, admin)
    await db.dispose()
    return out


def columns(app) -> list[BoardColumn]:
    return list(app.screen.query(BoardColumn))


def headers(app) -> list[str]:
    return [str(column.query_one(".column-header", Static).render()).split("\n")[0] for column in columns(app)]


def cards(app, name: str) -> list[str]:
    column = next(c for c in columns(app) if c.column.name == name)
    return [card.title for card in column.cards]


async def open_board(pilot, target: str = "contact") -> None:
    await pilot.app.ready_backend()
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)
    if target != "contact":
        pilot.app.screen.show_source(target=target, selection_id=None)
        await settle(pilot)


async def status_of(app, contact_id: int) -> str | None:
    backend = await app.ready_backend()
    return (await contacts.get_contact(backend.db, backend.actor, contact_id)).lead_status


async def test_columns_follow_the_lead_status_list_with_counts(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        assert headers(app) == [
            "1 Open  1",
            "2 Contacting  1",
            "3 Disqualified  0",
            "4 Re-nurture  0",
            "5 Qualified  1",
            "6 (No lead status)  2",
        ]
        assert cards(app, "Open") == ["Ann Berg"]


async def test_shift_l_moves_the_card_to_the_next_column(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Contacting"
        assert headers(app)[:2] == ["1 Open  0", "2 Contacting  2"]
        await pilot.press("less_than_sign")  # < moves it back; the cursor followed the card
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Open"


async def test_arrows_and_hjkl_move_the_cursor(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("l")
        assert app.screen.current_card().title == "Bob Øster"
        await pilot.press("right", "right", "right", "l")
        assert app.screen.current_column().column.name == "(No lead status)"
        await pilot.press("j")
        assert app.screen.current_card().title == "Eve Solo"
        await pilot.press("k", "h")
        assert app.screen.current_card().title == "Cid Lund"


async def test_marked_cards_move_together_and_refusals_are_reported(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("space")  # Ann (Open)
        await pilot.press("l", "l", "l", "l", "l", "space")  # Dan, whose company is a customer
        assert "2 marked" in str(app.screen.query_one("#board-title").render())
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("5", "enter")  # Qualified
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Qualified"
        assert await status_of(app, world.people["dan"]) is None
        messages = [n.message for n in app._notifications]
        assert any("Moved 1 to Qualified, refused 1" in m and "does not use lead status" in m for m in messages)
        assert "1 marked" in str(app.screen.query_one("#board-title").render())  # Dan stays marked
        await pilot.press("escape")
        assert "marked" not in str(app.screen.query_one("#board-title").render())


async def test_ctrl_z_undoes_the_whole_move_of_marked_cards(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("space", "l", "space", "l", "l", "l", "l", "space")  # Ann, Bob and Dan (not a lead)
        assert "3 marked" in str(app.screen.query_one("#board-title").render())
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("4", "enter")  # Re-nurture
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Re-nurture"
        assert await status_of(app, world.people["bob"]) == "Re-nurture"
        assert await status_of(app, world.people["dan"]) is None
        assert headers(app)[3] == "4 Re-nurture  2"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Open"
        assert await status_of(app, world.people["bob"]) == "Contacting"
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Undone:") and "2" in m for m in messages), messages
        assert headers(app)[:4] == ["1 Open  1", "2 Contacting  1", "3 Disqualified  0", "4 Re-nurture  0"]


async def test_a_wrong_column_number_is_refused_in_the_dialog(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("9", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        assert "no number 9" in str(app.screen.query_one("#pick-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Open"


async def test_a_sale_moved_to_lost_asks_for_the_reason(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot, "sale")
        assert [h.split("  ")[0] for h in headers(app)] == [
            "1 Lead",
            "2 Contact",
            "3 Offer",
            "4 Negotiation",
            "5 Verbal yes",
            "6 Sold",
            "7 Lost",
        ]
        await pilot.press("l", "l")  # Offer: Website
        assert app.screen.current_card().title == "Website"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("7", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)  # the reason
        await pilot.press("escape")
        await settle(pilot)
        backend = await app.ready_backend()
        assert (await sales.get_sale(backend.db, world.sales["web"])).status == "open"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("7", "enter")
        await settle(pilot)
        await pilot.press(*"price", "enter")
        await settle(pilot)
        sale = await sales.get_sale(backend.db, world.sales["web"])
        assert (sale.status, sale.reason) == ("lost", "Price")
        assert headers(app)[6] == "7 Lost  1"


async def test_more_cards_load_as_the_cursor_goes_down(app, world, monkeypatch):
    import leadtui.screens.board as screen_module

    monkeypatch.setattr(screen_module, "PAGE", 3)
    monkeypatch.setattr(screen_module, "LOAD_AHEAD", 1)
    backend_db = await database.connect(f"sqlite+aiosqlite:///{app.db_url}")
    admin = await database.resolve_actor(backend_db, "admin")
    for n in range(6):
        await person(backend_db, admin, world.acme, f"Extra{n}", "Lead")
    await backend_db.dispose()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        assert len(cards(app, "Open")) == 3
        for _ in range(6):
            await pilot.press("down")
            await settle(pilot)
        assert len(cards(app, "Open")) == 7
        assert headers(app)[0] == "1 Open  7"


def full_headers(app) -> list[str]:
    return [str(column.query_one(".column-header", Static).render()) for column in columns(app)]


async def test_a_move_changes_only_the_two_columns_and_adjusts_their_counts(app, world, monkeypatch):
    import leadtui.screens.board as screen_module

    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        before = columns(app)
        assert headers(app)[:2] == ["1 Open  1", "2 Contacting  1"]

        async def no_reload(*args, **kwargs):
            raise AssertionError("a move must not read the whole board again")

        monkeypatch.setattr(screen_module.svc, "open_board", no_reload)
        await pilot.press("L")
        await settle(pilot)
        assert headers(app)[:2] == ["1 Open  0", "2 Contacting  2"]
        assert columns(app) == before  # the same columns, not mounted anew
        assert sorted(cards(app, "Contacting")) == ["Ann Berg", "Bob Øster"]
        assert cards(app, "Open") == []
        assert app.screen.current_card().id == world.people["ann"]  # the cursor went with the card
        assert await status_of(app, world.people["ann"]) == "Contacting"
        await pilot.press("L")  # again: the card carries its new version, so it is not refused as stale
        await settle(pilot)
        assert await status_of(app, world.people["ann"]) == "Disqualified"
        assert headers(app)[1:3] == ["2 Contacting  1", "3 Disqualified  1"]
        assert app.screen.current_card().id == world.people["ann"]
        monkeypatch.undo()
        shown = full_headers(app)
        await pilot.press("r")  # counted by the database: the same as adjusted
        await settle(pilot)
        assert full_headers(app) == shown
        assert "5 cards" in str(app.screen.query_one("#board-title", Static).render())


async def test_a_sale_move_adjusts_the_sums_of_both_columns(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot, "sale")
        await pilot.press("l", "l")  # Offer: Website
        assert app.screen.current_card().title == "Website"
        await pilot.press("L")
        await settle(pilot)
        assert app.screen.current_card().title == "Website"
        assert "Website" in [c.title for c in columns(app)[3].cards]
        shown = full_headers(app)
        await pilot.press("r")
        await settle(pilot)
        assert full_headers(app) == shown  # count, sum and weighted sum as the database counts them


async def test_a_card_moved_out_of_the_boards_criteria_leaves_it(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_board(pilot)
        from leadtui.services import find

        app.screen.show_source(
            target="contact", selection_id=None, criteria=[find.parse_where("lead_status:one_of:Open,Contacting")]
        )
        await settle(pilot)
        assert headers(app)[:3] == ["1 Open  1", "2 Contacting  1", "3 Disqualified  0"]
        await pilot.press("l", "L")  # Bob: Contacting -> Disqualified, outside "Open or Contacting"
        await settle(pilot)
        assert await status_of(app, world.people["bob"]) == "Disqualified"
        assert headers(app)[:3] == ["1 Open  1", "2 Contacting  0", "3 Disqualified  0"]
        title = str(app.screen.query_one("#board-title", Static).render())
        assert "1 card" in title and "1 cards" not in title
