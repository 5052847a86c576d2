"""Hostile text already in the database is shown inert in the TUI: no ESC, BEL or C1 reaches the terminal, and
names are never read as markup (issue 16, point 3)."""

from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Static

from leadtui.app import LeadApp
from tests.ui.conftest import settle
from tests.ui.seed import seed

HOSTILE = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m[/][link=https://x.example]click[/link]"


def _store_raw_name(app_db: str, company_id: int, name: str) -> None:
    """As a database from before the input rules would hold it (the services refuse it now)."""
    with sqlite3.connect(app_db) as conn:
        conn.execute("update company set name = ? where id = ?", (name, company_id))


def _painted(app: LeadApp) -> str:
    """What the app would write to the terminal for the whole screen (headless runs never write it)."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)


async def test_hostile_company_name_in_the_companies_list_is_shown_without_escapes(app_db: str) -> None:
    ids = await seed(app_db)
    _store_raw_name(app_db, ids["acme"], HOSTILE)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#companies", DataTable)
        names = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        shown = next(name for name in names if name.startswith("Evil"))
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
        assert "\u241b]0;pwned\u2407" in shown  # ESC and BEL made visible
        assert "[/][link=https://x.example]click[/link]" in shown  # the brackets are text, not markup
        painted = _painted(app)
        assert "]0;pwned\x07" not in painted and "\x1b]0;pwned" not in painted
        assert "\x1b[2J" not in painted and "\x9b" not in painted
        assert "Globex" in painted  # the rest of the list is painted as usual


async def test_terminal_guard_removes_escapes_from_any_widget(app_db: str) -> None:
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.screen.mount(Static("raw \x1b]0;pwned\x07 \x1b[2J text", markup=False))
        await pilot.pause()
        painted = _painted(app)
        assert "raw ]0;pwned [2J text" in painted
        assert "\x1b]0;pwned" not in painted and "\x07" not in painted and "\x1b[2J" not in painted


async def test_notification_with_a_hostile_name_is_plain_text(app_db: str) -> None:
    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify("Deleted company 'X\x1b[2J[/]'")
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.message == "Deleted company 'X\u241b[2J[/]'"
        assert note.markup is False


async def test_company_card_and_its_contacts_show_a_hostile_name_as_text(app_db: str) -> None:
    ids = await seed(app_db)
    _store_raw_name(app_db, ids["acme"], HOSTILE)
    with sqlite3.connect(app_db) as conn:
        conn.execute("update contact set first_name = ? where id = ?", ("Ann\x1b[2J[b]", ids["ann"]))
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#companies", DataTable)
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]).startswith("Evil"))
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        title = str(app.screen.query_one("#card-title", Static).render())
        assert "Evil\u241b]0;pwned\u2407" in title and "[/][link=https://x.example]click[/link]" in title
        await pilot.press("greater_than_sign")
        await settle(pilot)
        painted = _painted(app)
        assert "\x1b]0;pwned" not in painted and "\x1b[2J" not in painted and "\x07" not in painted
        table = app.screen.query_one("#company-contacts DataTable", DataTable)
        cells = [str(value) for row in range(table.row_count) for value in table.get_row_at(row)]
        assert "Ann\u241b[2J[b] Berg" in cells  # visible, and [b] is text, not bold


async def test_a_confirmation_quoting_a_hostile_name_shows_it_as_text(app_db: str) -> None:
    from leadtui.screens.dialogs import ConfirmDialog

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        name = "X[/][@click=app.quit]q[/] [link=https://x.example]y[/link]"
        app.push_screen(ConfirmDialog("Delete company", f"Delete company '{name}'?"))
        await pilot.pause()
        question = str(app.screen.query_one(".question", Static).render())
        assert question == f"Delete company '{name}'?"
        assert app.is_running
