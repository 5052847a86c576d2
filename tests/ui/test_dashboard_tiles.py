"""The dashboard's tile sets and the user's own tiles, by keyboard: a reload keeps the same widgets (no flicker, no
"loading"), v switches sets, a adds a tile from criteria, Enter opens what a tile counts, x removes, < moves."""

from __future__ import annotations

import asyncio

from leadtui.app import LeadApp
from leadtui.services import contacts, find, tiles
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met"
        await pilot.pause(0.02)


def tile_widgets(screen) -> list:
    from leadtui.screens.dashboard import Tile
    from leadtui.widgets.tile_box import TileBox, TileLine

    return [*screen.query(Tile), *screen.query(TileBox), *screen.query(TileLine)]


async def open_dashboard(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("d")
    await settle(pilot)
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "sets", None)))
    await settle(pilot)


async def test_a_reload_keeps_the_same_tile_widgets_and_never_shows_loading_again(app_db):
    ids = await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        screen = app.screen
        before = tile_widgets(screen)
        assert before
        title = str(screen.query_one("#dash-title").render())
        assert "loading" not in title
        focused = screen.focused
        await pilot.press("r")
        await settle(pilot)
        assert tile_widgets(screen) == before  # the very same widgets, updated in place
        assert screen.focused is focused
        # a live update (another session moved Bo to Contacting; leadtui/live.py tells the screen): counted again, still the same widgets
        await with_services(
            app_db, lambda db, actor: contacts.update_contact(db, actor, ids["bo"], {"lead_status": "Contacting"})
        )
        await settle(pilot)
        await wait_for(pilot, lambda: screen.out is not None and screen.out.per_status[-1].value == 0)
        await settle(pilot)
        assert tile_widgets(screen) == before
        assert "loading" not in str(screen.query_one("#dash-title").render())


async def test_add_a_tile_by_keyboard_then_enter_opens_its_contacts_in_find(app_db):
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("a")
        await settle(pilot)
        from leadtui.screens.tile_dialog import TileDialog

        await wait_for(pilot, lambda: isinstance(app.screen, TileDialog))
        await pilot.press(*"Acme people")
        for _ in range(10):  # Tab to the criteria
            if app.screen.focused is not None and app.screen.focused.id == "criteria":
                break
            await pilot.press("tab")
        await pilot.press(*"company:eq:Acme")
        await pilot.press("ctrl+s")
        await settle(pilot)
        from leadtui.screens.dashboard import DashboardScreen
        from leadtui.widgets.tile_box import TileBox, TileLine

        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await wait_for(pilot, lambda: screen.set == "mine" and bool(screen.query("#mine-boxes TileBox")))
        box = screen.query_one("#mine-boxes TileBox", TileBox)
        assert box.data.title == "Acme people" and box.data.value == 2
        assert box.data.criteria == [find.Criterion(field="company", op="eq", values=["Acme"])]
        assert screen.query_one("#mine-boxes").styles.grid_size_columns == 1  # one tile a row at 80 columns
        box.query_one(TileLine).focus()
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindScreen")
        assert app.screen.criteria == box.data.criteria
        assert "Acme people" in app.screen.title_note


async def test_remove_and_move_my_tiles_by_keyboard(app_db):
    await seed(app_db)

    async def add(db, actor):
        for title in ("First", "Second"):
            await tiles.add_tile(db, actor, {"target": "contact", "layout": "number", "title": title})

    await with_services(app_db, add)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        screen = app.screen
        assert not screen.check_action("remove_tile", ())  # not on a predefined tile
        await pilot.press("v", "v")  # Leads -> Sales -> My tiles
        await settle(pilot)
        await wait_for(pilot, lambda: screen.set == "mine" and len(screen.query("#mine-boxes TileBox")) == 2)
        from leadtui.widgets.tile_box import TileBox, TileLine

        boxes = list(screen.query("#mine-boxes TileBox").results(TileBox))
        assert (
            screen.query_one("#mine-boxes").styles.grid_size_columns == 2
        )  # two a row at 120 (the navigator's names beside)
        boxes[1].query_one(TileLine).focus()
        await pilot.pause()
        assert screen.check_action("remove_tile", ())
        await pilot.press("less_than_sign")
        await settle(pilot)
        await wait_for(
            pilot, lambda: [b.data.title for b in screen.query("#mine-boxes TileBox").results(TileBox)][0] == "Second"
        )
        assert screen.focused is not None and screen.focused.box.data.title == "Second"  # the focus moved with it
        await pilot.press("x")
        await settle(pilot)
        await wait_for(
            pilot, lambda: [b.data.title for b in screen.query("#mine-boxes TileBox").results(TileBox)] == ["First"]
        )
        listed = await with_services(app_db, tiles.list_tiles)
        assert [x.title for x in listed] == ["First"]


async def test_enter_on_a_top_list_row_opens_the_record_and_on_a_sales_bar_its_sales_in_find(app_db):
    ids = await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        from leadtui.widgets.tile_box import TileBox, TileLine

        screen = app.screen
        top = next(b for b in screen.query(TileBox).results(TileBox) if b.data.key == "leads:top_companies")
        line = top.query_one(TileLine)
        assert line.row.label == "Acme" and line.row.record_id == ids["acme"]
        line.focus()
        await wait_for(pilot, lambda: line.region.y >= 0 and line.region.bottom <= 24)  # scrolled into view at 80x24
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CompanyCard")
        await pilot.press("escape")
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("v")  # Sales
        await settle(pilot)
        await wait_for(pilot, lambda: "sales" in screen.sets)
        forecast = next(b for b in screen.query(TileBox).results(TileBox) if b.data.key == "sales:forecast")
        assert forecast.display and screen.query_one("#set-leads").display is False
        forecast.query(TileLine).first().focus()
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindScreen")
        assert app.screen.target == "sale"
        assert app.screen.criteria == forecast.data.rows[0].criteria


async def test_enter_on_a_tile_of_a_static_selection_opens_that_selection(app_db):
    ids = await seed(app_db)

    async def add(db, actor):
        from leadtui.services import selections

        sel = await selections.create_selection(
            db, actor, {"name": "Kept", "target": "contact", "kind": "static", "ids": [ids["ann"], ids["gus"]]}
        )
        await tiles.add_tile(db, actor, {"selection_id": sel.id, "layout": "number"})
        return sel.id

    selection_id = await with_services(app_db, add)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        screen = app.screen
        await pilot.press("v", "v")
        await settle(pilot)
        await wait_for(pilot, lambda: bool(screen.query("#mine-boxes TileLine")))
        from leadtui.widgets.tile_box import TileLine

        line = screen.query_one("#mine-boxes TileLine", TileLine)
        assert line.row.text == "2" and line.row.selection_id == selection_id
        line.focus()
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SelectionsScreen")
        await wait_for(pilot, lambda: app.screen.current() is not None and app.screen.current().id == selection_id)
