"""A section shown again after this session saved elsewhere shows the saved change: the live stream does not
announce a session's own changes (leadtui/live.py), so the app tells the section when it is shown."""

from __future__ import annotations

from leadtui.app import LeadApp
from leadtui.screens.board import BoardScreen
from tests.ui.conftest import settle
from tests.ui.seed import seed


def counts(app: LeadApp) -> dict[str, int]:
    assert isinstance(app.screen, BoardScreen)
    return {column.key: column.count for column in app.screen.board.columns}


async def test_the_board_shows_a_contact_added_in_another_section_of_the_same_session(app_db):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("b")
        await settle(pilot)
        before = counts(app)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Zed", "tab", *"Zulu", "ctrl+s")
        await settle(pilot)
        assert any("Zed Zulu" in n.message for n in app._notifications)
        await pilot.press("b")
        await settle(pilot)
        for _ in range(200):  # the board re-reads in a worker: wait for the count, not for a time
            if sum(counts(app).values()) == sum(before.values()) + 1:
                break
            await pilot.pause(0.05)
        assert sum(counts(app).values()) == sum(before.values()) + 1
