"""The form and dialog kit (screens/dialogs.py FormDialog, widgets/form.py) and the paged table
(widgets/paged_table.py), on a bare Textual app: what a user sees when a save is refused or goes through, and
how the pages turn."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from leadtui.screens.dialogs import FormDialog
from leadtui.services.errors import RuleViolation
from leadtui.widgets.form import error_line, field_row
from leadtui.widgets.paged_table import PagedTable, PageResult


async def wait_for(pilot, condition, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.01)


class NameDialog(FormDialog):
    """A one-field form: the name may not be empty (refused at the field), "boom" is refused without a field."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from field_row("Name *", Input(id="name"), stacked=True)
            yield Input(id="city")
            yield error_line("general")

    def values(self) -> dict[str, Any]:
        return {"name": self.query_one("#name", Input).value}

    async def submit(self, values: dict[str, Any]) -> str:
        self.calls.append(values)
        if not values["name"].strip():
            raise RuleViolation("Name: give a name.", field="name")
        if values["name"] == "boom":
            raise RuleViolation("Something else went wrong.")
        return values["name"].upper()


class DialogApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(NameDialog(), self.results.append)


def error_text(screen, selector: str) -> str:
    line = screen.query_one(selector, Static)
    return str(line.render()) if line.display else ""


async def test_a_refused_save_shows_at_the_field_and_keeps_the_dialog_open() -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        dialog = app.screen
        assert isinstance(dialog, NameDialog)
        app.set_focus(dialog.query_one("#city", Input))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.calls)
        assert app.screen is dialog and app.results == []
        assert error_text(dialog, "#name-error") == "Name: give a name."
        assert app.focused is dialog.query_one("#name", Input)  # the field the error names

        await pilot.press(*"boom", "enter")
        await wait_for(pilot, lambda: len(dialog.calls) == 2)
        assert app.screen is dialog
        assert error_text(dialog, "#name-error") == ""  # the old error went away
        assert error_text(dialog, "#general-error") == "Something else went wrong."
        assert dialog.query_one("#name", Input).value == "boom"  # nothing typed is lost


async def test_a_save_that_goes_through_closes_the_dialog_with_the_result() -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        await pilot.press(*"acme", "enter")
        await wait_for(pilot, lambda: app.results)
        assert app.results == ["ACME"]
        assert not isinstance(app.screen, FormDialog)


async def test_escape_closes_the_dialog_without_saving() -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        dialog = app.screen
        await pilot.press("a", "escape")
        await wait_for(pilot, lambda: app.results)
        assert app.results == [None] and dialog.calls == []


class ListApp(App):
    """A paged table over `count` records with ids 1..count, 50 a page."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.loads: list[int] = []

    async def loader(self, offset: int, limit: int) -> PageResult:
        self.loads.append(offset)
        search = self.query_one(PagedTable).search
        matches = [i for i in range(1, self.count + 1) if not search or str(i).startswith(search)]
        ids = matches[offset : offset + limit]
        return PageResult([SimpleNamespace(id=i, name=f"Record {i}") for i in ids], len(matches))

    def compose(self) -> ComposeResult:
        yield PagedTable(
            self.loader,
            cells=lambda row: [row.name],
            table_id="records",
            status_id="records-status",
            status=lambda page: f"{page.offset + 1}-{page.offset + len(page.items)} of {page.total}",
            search="Search",
            search_id="records-search",
        )

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("Name")
        self.query_one(DataTable).focus()
        self.query_one(PagedTable).load()


def shown(app: ListApp) -> tuple[str, str]:
    paged = app.query_one(PagedTable)
    table = paged.table
    first = str(table.get_row_at(0)[0]) if table.row_count else ""
    return first, str(app.query_one("#records-status", Static).render())


async def test_the_paged_table_turns_pages_with_pagedown_pageup_and_brackets() -> None:
    app = ListApp(120)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: shown(app)[1] == "1-50 of 120")
        assert shown(app)[0] == "Record 1"
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: shown(app) == ("Record 51", "51-100 of 120"))
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: shown(app) == ("Record 101", "101-120 of 120"))
        loads = len(app.loads)
        await pilot.press("right_square_bracket")  # past the last page: says so, loads nothing
        await pilot.pause()
        assert len(app.loads) == loads and shown(app)[1] == "101-120 of 120"
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: shown(app) == ("Record 51", "51-100 of 120"))
        await pilot.press("pageup")
        await wait_for(pilot, lambda: shown(app) == ("Record 1", "1-50 of 120"))


async def test_the_paged_table_selects_by_id_and_keeps_the_highlighted_record_after_a_reload() -> None:
    app = ListApp(120)
    async with app.run_test() as pilot:
        paged = app.query_one(PagedTable)
        await wait_for(pilot, lambda: paged.result is not None)
        paged.page_offset = 50
        paged.load(select_id=77)
        await wait_for(pilot, lambda: paged.current_id() == 77)
        assert paged.current_item().name == "Record 77"
        paged.load()  # a reload keeps the highlighted record
        await wait_for(pilot, lambda: len(app.loads) == 3)
        await pilot.pause()
        assert paged.current_id() == 77

        paged.page_offset = 0
        paged.load(select_id=12)
        paged.load()  # a reload right after (it cancels the first) still selects the record asked for
        await wait_for(pilot, lambda: paged.current_id() == 12)

        paged.page_offset = 100
        app.count = 60  # records went away: the page shown is empty, the table goes to the last page
        paged.load()
        await wait_for(pilot, lambda: shown(app) == ("Record 51", "51-60 of 60"))


async def test_typing_in_the_paged_tables_search_box_shows_the_first_page_of_the_matches() -> None:
    app = ListApp(120)
    async with app.run_test() as pilot:
        paged = app.query_one(PagedTable)
        await wait_for(pilot, lambda: paged.result is not None)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: shown(app)[1] == "51-100 of 120")
        app.set_focus(app.query_one("#records-search", Input))
        await pilot.press("1", "1")
        await wait_for(pilot, lambda: shown(app) == ("Record 11", "1-11 of 11"))  # 11, 110-119
        await pilot.press("down")  # from the search box to the list
        assert app.focused is paged.table
