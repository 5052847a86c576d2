"""The selection task menu and combining selections, by keyboard (Pilot): follow-ups for the marked members
only, a combined selection made in its dialog."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from leadtui.screens.combine_dialog import CombineDialog
from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.pick_dialog import PickDialog
from leadtui.screens.selections import SelectionsScreen
from leadtui.services import activities, database, selections
from tests.services.find_data import build
from tests.ui.conftest import settle


@pytest.fixture
async def world(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    out = await build(db, admin)
    p = out.people
    for name, ids in (("A", [p["ann"], p["bob"], p["cid"]]), ("B", [p["bob"], p["cid"], p["dan"]])):
        await selections.create_selection(db, admin, {"name": name, "target": "persons", "kind": "static", "ids": ids})
    await db.dispose()
    return out


async def open_selections(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SelectionsScreen)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_generate_follow_ups_for_the_marked_members_only(app, world, size):
    async with app.run_test(size=size) as pilot:
        await open_selections(pilot)
        await pilot.press("enter")  # to the members of A: Ann, Bob, Cid
        await settle(pilot)
        await pilot.press("space", "space")  # marks Ann, then Bob
        await settle(pilot)
        members = app.screen.query_one("#members", DataTable)
        assert [str(members.get_row_at(i)[0]).strip()[:1] for i in range(3)] == ["✓", "✓", str(world.people["cid"])[:1]]
        assert "2 members marked" in str(app.screen.query_one("#selection-details").render())
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        assert "2 marked members" in app.screen.title_text
        await pilot.press(*"generate", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        assert "2 members" in app.screen.intro
        await pilot.press(*"Call about the offer", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SelectionsScreen)
        assert any("Created 2 follow-ups" in n.message for n in app._notifications)
        backend = await app.ready_backend()
        texts = {
            name: [f.text for f in (await activities.list_follow_ups(backend.db, contact_id=world.people[name])).rows]
            for name in ("ann", "bob", "cid")
        }
        assert texts == {"ann": ["Call about the offer"], "bob": ["Call about the offer"], "cid": []}


async def test_combine_two_selections_by_keyboard(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_selections(pilot)  # A highlighted
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, CombineDialog)
        await pilot.press(*"A and B", "tab", "enter", "down", "enter")  # Combination: Intersection
        await settle(pilot)
        await pilot.press("tab", "down", "space")  # tick B (A is ticked already)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SelectionsScreen)
        backend = await app.ready_backend()
        combined = [s for s in await selections.list_selections(backend.db, backend.actor) if s.kind == "combined"]
        assert [(s.name, s.combination, s.part_names) for s in combined] == [("A and B", "intersect", ["A", "B"])]
        await settle(pilot)
        assert "Intersection (in all of them) of 'A', 'B'" in str(app.screen.query_one("#selection-details").render())
        members = app.screen.query_one("#members", DataTable)
        assert members.row_count == 2  # Bob and Cid


async def test_delete_the_marked_members_records_after_a_confirmation(app, world):
    from leadtui.screens.dialogs import ConfirmDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await open_selections(pilot)
        await pilot.press("enter", "space")  # mark Ann
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"delete the", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Delete 1 contact? It goes to the recycle bin."
        await pilot.press("y")
        await settle(pilot)
        assert any(n.message == "Moved 1 to the recycle bin." for n in app._notifications)
        backend = await app.ready_backend()
        sel = (await selections.list_selections(backend.db, backend.actor))[0]
        assert await selections.member_count(backend.db, backend.actor, sel.id) == 2


async def test_change_a_combined_selections_combination_by_keyboard(app, world):
    async with app.run_test(size=(80, 24)) as pilot:
        backend = await app.ready_backend()
        a, b = await selections.list_selections(backend.db, backend.actor)
        both = await selections.create_combined(
            backend.db, backend.actor, {"name": "Both", "how": "intersect", "parts": [a.id, b.id]}
        )
        await open_selections(pilot)
        await pilot.press("down", "down")  # A, B, Both
        await settle(pilot)
        assert app.screen.current().name == "Both"
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, CombineDialog) and app.screen.editing is not None
        await pilot.press("enter", "home", "enter")  # Combination: Union (the first)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SelectionsScreen)
        changed = await selections.get_selection(backend.db, backend.actor, both.id)
        assert changed.combination == "union" and changed.parts == [a.id, b.id]
        assert await selections.member_count(backend.db, backend.actor, both.id) == 4
