"""Find's Or key (SPEC.md 4.4, Q5): two OR groups added by keyboard show with "or" between them and the results
are the union; a group's criterion can be removed, and the groups are kept in a saved dynamic selection."""

from __future__ import annotations

from leadtui.screens.find import FindScreen
from leadtui.services import database, find, selections
from leadtui.widgets.criteria_editor import CriterionDialog
from tests.ui.conftest import settle
from tests.ui.test_find_screen import criteria_rows, open_find, results, world  # noqa: F401 - the fixture


async def add_title_equals(pilot, value: str) -> None:
    assert isinstance(pilot.app.screen, CriterionDialog)
    await pilot.press(*"title", "enter")  # field by type-ahead
    await settle(pilot)
    await pilot.press("down", "down", "down", "enter")  # contains, starts with, ends with, Equals
    await settle(pilot)
    await pilot.press(*value, "enter")
    await settle(pilot)


async def test_two_or_groups_by_keyboard_show_the_union(app, world, app_db):  # noqa: F811
    async with app.run_test(size=(80, 24)) as pilot:
        await open_find(pilot)
        await pilot.press("a")
        await settle(pilot)
        await add_title_equals(pilot, "ceo")
        assert isinstance(app.screen, FindScreen)
        assert results(app) == ["Ann Berg"]
        await pilot.press("g")  # Or: a new group with a new criterion
        await settle(pilot)
        await add_title_equals(pilot, "cto")
        assert isinstance(app.screen, FindScreen)
        rows = criteria_rows(app)
        assert rows[0] == "1. Title equals ceo" and "or" in rows[1] and rows[2] == "2. Title equals cto"
        assert sorted(results(app)) == ["Ann Berg", "Dan Moe"]
        # a second criterion in the highlighted (second) group narrows that group only
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"first name", "enter")
        await settle(pilot)
        await pilot.press("enter")  # contains
        await settle(pilot)
        await pilot.press(*"zzz", "enter")
        await settle(pilot)
        assert criteria_rows(app)[3].startswith("3. First name contains zzz")
        assert results(app) == ["Ann Berg"]
        await pilot.press("x")  # remove it again: the union comes back
        await settle(pilot)
        assert sorted(results(app)) == ["Ann Berg", "Dan Moe"]
        criteria = list(app.screen.criteria)
    assert [c.group for c in criteria] == [0, 1]
    db = await database.connect(f"sqlite+aiosqlite:///{app_db}")
    try:
        admin = await database.resolve_actor(db, "admin")
        saved = await selections.create_selection(
            db, admin, {"name": "CEOs or CTOs", "target": "persons", "kind": "dynamic", "criteria": criteria}
        )
        page = await find.find(db, admin, "persons", saved.criteria, columns=["name"])
        assert sorted(row["name"] for row in page.rows) == ["Ann Berg", "Dan Moe"]
    finally:
        await db.dispose()
