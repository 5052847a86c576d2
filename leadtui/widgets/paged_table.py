"""One paged table for every list that pages in the database (companies, contacts, sales).

The owner gives a `loader(offset, limit)` that calls the service and returns a `PageResult` (the rows of the page,
the count of every match, and the service's page for the owner's status line), and how a row becomes cells (`cells`)
or, for a table with more than plain rows, a `fill(table, result)` that adds the rows and returns the record id of
each table row (None for a row that is no record, as a group header). The table keeps the offset, reloads in one
worker at a time (optionally after a pause for typing), goes back to the last page when the page shown has
emptied, keeps the highlighted record (or selects the one asked for) after a reload, and pages with PageDown /
PageUp and ] / [. The status line under or over the table is written by the owner's `status(result)`.
With `search=` (its placeholder) a search box stands over the list: typing reloads from the first page after a
pause (the loader reads `search`), Enter or ↓ goes to the table.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.css.query import NoMatches
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.i18n import _
from leadtui.services.errors import DomainError

PAGE_SIZE = 50
LIVE_FLASH = 1.5  # seconds a row another session changed shows highlighted after a live refresh
REFINE_AFTER_S = 0.6  # after the last page turn, the total is counted again (paging itself does not count)


class LiveTable(DataTable):
    """The table of a PagedTable: rows another session just changed show highlighted a moment (`flash`)."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"live-table--changed"}
    DEFAULT_CSS = "LiveTable > .live-table--changed { background: $success 30%; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.changed_rows: set[int] = set()
        self._flash_timer: Any = None

    def flash(self, rows: set[int]) -> None:
        """Highlight these rows for LIVE_FLASH seconds (a later flash restarts the time)."""
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._set_changed(rows)
        self._flash_timer = self.set_timer(LIVE_FLASH, lambda: self._set_changed(set()), name="live-flash")

    def _set_changed(self, rows: set[int]) -> None:
        self.changed_rows = rows
        self._clear_caches()  # rows are rendered from a cache keyed without this highlight
        self.refresh()

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        style = super()._get_row_style(row_index, base_style)
        if row_index in self.changed_rows:
            style += self.get_component_styles("live-table--changed").rich_style
        return style


@dataclass
class PageResult:
    """One page: its rows (each with an `.id`), the number of all matches and the service's own page object."""

    items: Sequence[Any]
    total: int
    page: Any = None
    offset: int = 0
    counted: bool = True  # False: the loader did not count (paging, `count_total` False): the known total stays


_COUNT_TOTAL: ContextVar[bool] = ContextVar("paged_table_count_total", default=True)

Loader = Callable[[int, int], Awaitable[PageResult | None]]  # None: nothing to show (no database)


class PagedTable(Vertical):
    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable > DataTable { height: 1fr; }
    PagedTable > .paged-status { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS = bindings("paged_table")

    class Loaded(Message):
        """A page was loaded and shown."""

        def __init__(self, paged: PagedTable, result: PageResult) -> None:
            super().__init__()
            self.paged, self.result = paged, result

    def __init__(
        self,
        loader: Loader,
        *,
        cells: Callable[[Any], Sequence[Any]] | None = None,
        fill: Callable[[DataTable, PageResult], list[int | None]] | None = None,
        status: Callable[[PageResult], str] | None = None,
        page_size: int = PAGE_SIZE,
        table_id: str | None = None,
        status_id: str | None = None,
        status_below: bool = False,
        keep_row: bool = False,
        search: str | None = None,
        search_id: str | None = None,
        at_end: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`keep_row`: after a reload without a record to select, stay on the same row number (the sale list)
        instead of following the highlighted record. `at_end`: what paging past either end says (default: this
        is the first / the last page)."""
        super().__init__(id=id, classes=classes)
        self.loader = loader
        self.cells = cells
        self.fill_rows = fill
        self.status_text = status
        self.page_size = page_size
        self.table_id = table_id
        self.status_id = status_id
        self.status_below = status_below
        self.keep_row = keep_row
        self.at_end = at_end
        self.search_placeholder = search
        self.search_id = search_id
        self.search = ""
        self.page_offset = 0
        self.result: PageResult | None = None
        self.row_ids: list[int | None] = []
        self._select_pending: int | None = None
        self._paging = False

    def compose(self) -> ComposeResult:
        if self.search_placeholder is not None:
            yield Input(placeholder=self.search_placeholder, id=self.search_id, classes="paged-search")
        status = Static("", id=self.status_id, classes="paged-status")
        if not self.status_below:
            yield status
        yield LiveTable(id=self.table_id, cursor_type="row", zebra_stripes=True)
        if self.status_below:
            yield status

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def count_total(self) -> bool:
        """Read by the loader: False while paging through the same list, so a page costs no count of every match
        (the loader may then return `counted=False`); the total shown is counted again once the paging stops."""
        return _COUNT_TOTAL.get()

    @property
    def total(self) -> int:
        return self.result.total if self.result is not None else 0

    @property
    def page_number(self) -> int:
        return self.page_offset // self.page_size + 1

    @property
    def page_count(self) -> int:
        return max(1, (self.total + self.page_size - 1) // self.page_size)

    # ------------------------------------------------------------------ loading

    def load(self, debounce: bool = False, select_id: int | None = None, first_page: bool = False) -> None:
        """Load the page at the offset (the first page with `first_page`); keep the highlighted record, or select
        `select_id` when it is on the page. A reload that starts before an earlier one asking for a record has
        shown (and so cancels it) selects that record."""
        if select_id is not None:
            self._select_pending = select_id
        if first_page:
            self.page_offset = 0
        self._load(debounce)

    @work(exclusive=True, group="paged-load")
    async def _load(self, debounce: bool) -> None:
        paging, self._paging = self._paging, False
        if debounce:
            await asyncio.sleep(0.25)
        _COUNT_TOTAL.set(not (paging and self.result is not None))  # this worker's own context: no other load sees it
        try:
            result = await self.loader(self.page_offset, self.page_size)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if result is None or not self.is_attached or not self.query(DataTable):
            return  # the list was closed (or the app is being torn down: its table is gone) while its page was read
        if not result.counted:  # the total known before; counted again once the paging stops
            result.total = self.total
            self._refine()
        if not result.items and self.page_offset > 0 and result.total:  # the page emptied: show the last one
            self.page_offset = max(0, (result.total - 1) // self.page_size * self.page_size)
            self._load(False)
            return
        result.offset = self.page_offset
        select_id, self._select_pending = self._select_pending, None
        self.show(result, select_id)

    def show(self, result: PageResult, select_id: int | None = None) -> None:
        """Put a loaded page into the table (also to redraw the page shown, after a change of columns)."""
        table = self.table
        keep_row = table.cursor_row
        keep = select_id if select_id is not None else self.current_id()
        self.result = result
        if self.fill_rows is not None:
            self.row_ids = self.fill_rows(table, result)
        else:
            table.clear()
            for item in result.items:
                table.add_row(*(self.cells(item) if self.cells else ()), key=str(item.id))
            self.row_ids = [item.id for item in result.items]
        if self.keep_row:
            row = self.row_ids.index(select_id) if select_id in self.row_ids else keep_row
            if self.row_ids:
                table.move_cursor(row=max(0, min(row, len(self.row_ids) - 1)))
        elif keep is not None and keep in self.row_ids:
            table.move_cursor(row=self.row_ids.index(keep))
        elif self.row_ids:
            table.move_cursor(row=next((i for i, rid in enumerate(self.row_ids) if rid is not None), 0))
        self.update_status()
        self.call_after_refresh(self.update_status)  # the columns' widths are known once the rows are laid out
        self.post_message(self.Loaded(self, result))

    def update_status(self) -> None:
        if self.result is None or self.status_text is None:
            return
        text = self.status_text(self.result)
        try:
            if self.columns_hidden():  # a narrow terminal: say that the table goes on to the right
                more = _("More columns → (←/→)") + "  ·  "
                text = more + text if isinstance(text, str) else Text.assemble(more, text)
            self.query_one(".paged-status", Static).update(text)
        except NoMatches:  # called after a refresh, when the list had been taken down meanwhile
            return

    def columns_hidden(self) -> bool:
        """Columns beyond the right edge of the table (it scrolls sideways to them)."""
        table = self.table
        return table.virtual_size.width > table.scroll_x + table.scrollable_content_region.width

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_status)

    def _rows_shown(self) -> list[tuple[int | None, list[str]]]:
        """(record id, cells as text) of each row of the page shown."""
        table = self.table
        return [(rid, [str(cell) for cell in table.get_row_at(row)]) for row, rid in enumerate(self.row_ids)]

    def current_id(self) -> int | None:
        """The record id of the highlighted row (None: no row, or a row that is no record)."""
        row = self.table.cursor_row
        return self.row_ids[row] if 0 <= row < len(self.row_ids) else None

    def current_item(self) -> Any:
        record_id = self.current_id()
        if record_id is None or self.result is None:
            return None
        return next((item for item in self.result.items if item.id == record_id), None)

    # ------------------------------------------------------------------ search

    @on(Input.Changed, ".paged-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search = event.value
        self.load(debounce=True, first_page=True)

    @on(Input.Submitted, ".paged-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and isinstance(self.screen.focused, Input) and self.screen.focused.parent is self:
            event.stop()
            self.table.focus()

    # ------------------------------------------------------------------ paging

    def action_page(self, step: int) -> None:
        if self.result is None:
            return
        new = self.page_offset + step * self.page_size
        if new < 0 or new >= max(self.total, 1):
            self.notify(
                self.at_end or (_("This is the first page.") if new < 0 else _("This is the last page.")), timeout=2
            )
            return
        self.page_offset = new
        self._paging = True
        self.load()

    @work(exclusive=True, group="paged-count")
    async def _refine(self) -> None:
        """A moment after paging: count again (others may have added or removed records) and show the page anew
        when its rows or the total changed."""
        await asyncio.sleep(REFINE_AFTER_S)
        _COUNT_TOTAL.set(True)  # this worker started in the paging load's context, which said not to count
        offset, shown = self.page_offset, self.result
        try:
            result = await self.loader(offset, self.page_size)
        except DomainError:
            return
        if result is None or shown is None or self.result is not shown or self.page_offset != offset:
            return  # paged or reloaded meanwhile: that load shows the newer state
        if not self.is_attached:
            return  # the list was closed while its page was read
        if result.total != shown.total or [i.id for i in result.items] != [i.id for i in shown.items]:
            result.offset = offset
            self.show(result)

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    live_kinds: frozenset[str] = frozenset({"company", "contact", "sale"})  # what a change of reloads the page

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        if self.result is not None and any(message.touches(kind) for kind in self.live_kinds):
            self.refresh_records()

    def refresh_records(self) -> None:
        """Another session changed records of this list: reload the page shown in place, keeping the highlighted
        record (or its row when it left the page) and the scroll position. A load under way (a search being typed,
        a page asked for) reads the database after the change anyway: it is left alone."""
        loading = [w for w in self.app.workers if w.node is self and w.group == "paged-load" and not w.is_finished]
        if not loading:
            self._refresh_in_place()

    @work(exclusive=True, group="paged-load")
    async def _refresh_in_place(self) -> None:
        table = self.table
        scroll_x, scroll_y = table.scroll_x, table.scroll_y
        row = table.cursor_row
        try:
            result = await self.loader(self.page_offset, self.page_size)
        except DomainError:
            return
        if result is None or not self.is_attached or not self.query(DataTable):
            return  # the list was closed (or the app is being torn down: its table is gone) while its page was read
        if not result.items and self.page_offset > 0 and result.total:
            self._load(False)
            return
        result.offset = self.page_offset
        try:
            keep = self.current_id()
            before = {rid: cells for rid, cells in self._rows_shown() if rid is not None}
            self.show(result, keep)
        except NoMatches:  # the list is being taken down (its table already gone)
            return
        changed = {row for row, (rid, cells) in enumerate(self._rows_shown()) if before.get(rid or -1, cells) != cells}
        if changed and isinstance(table, LiveTable):  # the rows whose record another session changed, a moment
            table.flash(changed)
        if keep not in self.row_ids and self.row_ids:  # the record left the page: stay on its row
            table.move_cursor(row=max(0, min(row, len(self.row_ids) - 1)), scroll=False)
        self.call_after_refresh(table.scroll_to, scroll_x, scroll_y, animate=False)
