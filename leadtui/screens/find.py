"""Find (SPEC.md 4.4): contacts, companies or sales by criteria, results in a paged table.

Keys: o target (contacts / companies / sales); a add criterion (to the highlighted one's group), g Or (a new OR
group), e or Enter on a criterion edit it, x remove it,
z clear all; Enter on a result opens its card; PageDown / PageUp next and previous page; v columns; n sort;
w save as selection; + add the highlighted record to a static selection; l the selections list; k board of these
results; r search again. Results show as soon as the first page is read; the count follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.css.query import NoMatches
from textual.widgets import DataTable, Header, Static

from leadtui.actions import bindings, key_hint
from leadtui import navigation
from leadtui.i18n import _, ngettext
from leadtui.services import find
from leadtui.services.errors import DomainError
from leadtui.widgets.criteria_editor import CriteriaEditor
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator
from leadtui.widgets.result_cell import result_cell

PAGE = 50


class FindScreen(Screen):
    DEFAULT_CSS = """
    FindScreen #find-main { padding: 0 1; }
    FindScreen #results { height: 1fr; }
    FindScreen #results-status { height: auto; max-height: 2; }
    """
    BINDINGS = bindings("find")

    def __init__(self) -> None:
        super().__init__(name="find")
        self.target = "contact"
        self.criteria: list[find.Criterion] = []
        self.columns: dict[str, list[str]] = {}
        self.sort: str | None = None
        self.descending = False
        self.page_offset = 0
        self.page: find.FindPage | None = None
        self.total: int | None = None
        self.title_note = ""
        # keyset paging in id order: the id each page offset starts after, for the search they were read in
        self._keyset: dict[int, int | None] = {0: None}
        self._keyset_of: tuple[Any, ...] | None = None
        self._keep_cursor: tuple[int | None, int, tuple[float, float]] | None = None  # live refresh: where it was

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("find")
        with Vertical(id="find-main"):
            yield Static("", id="find-title", classes="section-title", markup=False)  # the note may be a name
            yield CriteriaEditor(self.target, id="criteria")
            yield Static("", id="results-status", classes="hint")
            yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results", DataTable).focus()
        self._title()
        self.load_columns()

    # ------------------------------------------------------------------ state

    def _title(self) -> None:
        sort = ""
        if self.sort:
            sort = " · " + _("sorted by {field}{desc}").format(
                field=find.field_label(self.target, self.sort), desc=" ↓" if self.descending else ""
            )
        note = f" · {self.title_note}" if self.title_note else ""
        self.query_one("#find-title", Static).update(
            _("Find {what}").format(what=find.target_label(self.target).lower())
            + note
            + sort
            + "   "
            + _("(o: contacts / companies / sales)")
        )

    def current_columns(self) -> list[str]:
        return self.columns.get(self.target) or list(find.DEFAULT_COLUMNS[self.target])

    def open_with(self, target: str, criteria: list[find.Criterion], note: str = "") -> None:
        """Show the matches of these criteria (from a dashboard tile or a selection)."""
        self.target = find.normalise_target(target)
        self.sort, self.descending, self.page_offset = None, False, 0
        self.title_note = note
        self.criteria = list(criteria)
        self._title()
        self.query_one("#criteria", CriteriaEditor).set_criteria(self.target, self.criteria, notify=False)
        self.search()

    def language_state(self) -> Callable[[Screen], None] | None:
        """What a language switch gives back to the new Find screen: the target and the criteria."""
        if not self.criteria:
            return None
        target, criteria, note = self.target, list(self.criteria), self.title_note

        def restore(screen: Screen) -> None:
            if isinstance(screen, FindScreen):
                screen.open_with(target, criteria, note)

        return restore

    @work(exclusive=True, group="columns")
    async def load_columns(self) -> None:
        from leadtui.services import preferences

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            for target in find.TARGETS:
                saved = await preferences.get_preference(backend.db, backend.actor, f"find.columns.{target}")
                if saved.get("columns"):
                    self.columns[target] = list(saved["columns"])
        except DomainError:
            pass
        self.search()

    # ------------------------------------------------------------------ searching

    @on(CriteriaEditor.Changed)
    def _criteria_changed(self, event: CriteriaEditor.Changed) -> None:
        self.criteria = event.criteria
        self.page_offset = 0
        self.title_note = ""
        self._title()
        self.search()

    def search(self) -> None:
        self._keep_cursor = None  # the user's own search: the cursor from its top
        self.run_search(self.page_offset)

    @work(exclusive=True, group="search")
    async def run_search(self, offset: int) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        status = self.query_one("#results-status", Static)
        status.update(_("Searching …"))
        search = (
            self.target,
            tuple((c.field, c.op, tuple(c.values)) for c in self.criteria),
            self.sort,
            self.descending,
        )
        if search != self._keyset_of:
            self._keyset_of, self._keyset = search, {0: None}
        keyset = not self.sort and offset in self._keyset
        try:
            page = await find.find(
                backend.db,
                backend.actor,
                self.target,
                self.criteria,
                columns=self.current_columns(),
                offset=0 if keyset else offset,
                limit=PAGE,
                sort=self.sort,
                descending=self.descending,
                after=self._keyset[offset] if keyset else None,
            )
        except DomainError as exc:
            status.update(Text(str(exc), style="bold red"))
            self.notify(str(exc), severity="error", title=_("Find"))
            if self.current_columns() != find.DEFAULT_COLUMNS[self.target] and exc.field == "columns":
                self.columns.pop(self.target, None)
            return
        self.page, self.page_offset = page, offset
        if not self.sort and page.rows:
            self._keyset[offset + PAGE] = page.rows[-1]["id"]
        self._fill(page)
        keep, self._keep_cursor = self._keep_cursor, None
        if keep is not None and page.rows:  # a live refresh: the cursor back in the same step, never shown at the top
            table, ids = self.query_one("#results", DataTable), [r["id"] for r in page.rows]
            row = ids.index(keep[0]) if keep[0] in ids else min(max(keep[1], 0), len(ids) - 1)
            table.move_cursor(row=row, scroll=False)
            self.call_after_refresh(table.scroll_to, keep[2][0], keep[2][1], animate=False)
        self.total = None
        self._status()
        self.call_after_refresh(self._status)  # the columns' widths are known once the rows are laid out
        self.run_count()

    @work(exclusive=True, group="count")
    async def run_count(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.total = await find.count(backend.db, backend.actor, self.target, self.criteria)
        except DomainError:
            return
        try:
            self._status()
        except NoMatches:  # the screen was taken down while counting (the app closing after a live refresh)
            return

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        shown = len(page.rows)
        first = self.page_offset + 1 if shown else 0
        last = self.page_offset + shown
        total = _("counting …") if self.total is None else str(self.total)
        pages = ""
        if self.total is not None and self.total:
            pages = " · " + _("page {n} of {m}").format(n=self.page_offset // PAGE + 1, m=(self.total - 1) // PAGE + 1)
        matches = ngettext("{first}–{last} of {total} match", "{first}–{last} of {total} matches", self.total or 0)
        text = matches.format(first=first, last=last, total=total) + pages
        if page.more or self.page_offset:
            text += "   " + _("PgDn/PgUp: next/previous page")
        if shown:
            text += "   " + _("Enter opens the card")
        table = self.query_one("#results", DataTable)
        if table.virtual_size.width > table.scroll_x + table.scrollable_content_region.width:
            text = _("More columns → (←/→)") + "  ·  " + text  # a narrow terminal: the table goes on to the right
        self.query_one("#results-status", Static).update(text)

    def on_resize(self) -> None:
        self.call_after_refresh(self._status)

    def _fill(self, page: find.FindPage) -> None:
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        table.add_column(_("Id"), key="#id")
        for column in page.columns:
            table.add_column(column.label, key=column.key)
        for row in page.rows:
            table.add_row(
                str(row["id"]), *[result_cell(row.get(c.key), c.key, c.kind) for c in page.columns], key=str(row["id"])
            )
        if not page.rows:
            self.query_one("#results-status", Static).update(_("No matches."))

    def current_id(self) -> int | None:
        table = self.query_one("#results", DataTable)
        if self.page is None or not self.page.rows or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]["id"]

    # ------------------------------------------------------------------ actions

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        if step > 0 and not self.page.more:
            self.notify(_("This is the last page."), severity="information")
            return
        if step < 0 and self.page_offset == 0:
            self.notify(_("This is the first page."), severity="information")
            return
        self.run_search(max(0, self.page_offset + step * PAGE))

    def action_refresh(self) -> None:
        self.search()

    def reload(self) -> None:
        self.search()

    def _editor(self) -> CriteriaEditor:
        return self.query_one("#criteria", CriteriaEditor)

    def action_add_criterion(self) -> None:
        self._editor().action_add()

    def action_or_group(self) -> None:
        self._editor().action_or()

    def action_edit_criterion(self) -> None:
        self._editor().action_edit()

    def action_remove_criterion(self) -> None:
        self._editor().action_remove()

    def action_clear_criteria(self) -> None:
        self._editor().action_clear()

    def action_target(self) -> None:
        from leadtui.screens.pick_dialog import PickDialog

        def done(target: str | None) -> None:
            if target and target != self.target:
                self.target = target
                self.criteria = []
                self.sort, self.descending, self.page_offset, self.title_note = None, False, 0, ""
                self._title()
                self._editor().set_criteria(target, [], notify=False)
                self.search()

        options = [(target, find.target_label(target)) for target in find.TARGETS]
        self.app.push_screen(PickDialog(_("Find what?"), options, current=self.target), done)

    def action_columns(self) -> None:
        from leadtui.screens.columns_dialog import ColumnsDialog

        def done(columns: list[str] | None) -> None:
            if columns:
                self.columns[self.target] = columns
                self.save_columns(self.target, columns)
                if self.sort and self.sort not in columns:
                    self.sort = None
                    self._title()
                self.search()

        self.app.push_screen(ColumnsDialog(self.target, self.current_columns()), done)

    @work(group="columns-save")
    async def save_columns(self, target: str, columns: list[str]) -> None:
        from leadtui.services import preferences

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await preferences.set_preference(backend.db, backend.actor, f"find.columns.{target}", {"columns": columns})
        except DomainError as exc:
            self.notify(str(exc), severity="warning")

    def action_sort(self) -> None:
        from leadtui.screens.pick_dialog import PickDialog

        labels = {c.key: c.label for c in find.column_fields(self.target)}
        options = [("", _("Id (registration order)"))] + [(key, labels.get(key, key)) for key in self.current_columns()]

        def done(key: str | None) -> None:
            if key is None:
                return
            if (key or None) == self.sort:
                self.descending = not self.descending
            else:
                self.sort, self.descending = key or None, False
            self.page_offset = 0
            self._title()
            self.search()

        self.app.push_screen(
            PickDialog(_("Sort by (the same column again reverses)"), options, current=self.sort or ""), done
        )

    def action_save_selection(self) -> None:
        from leadtui.screens.save_selection_dialog import SaveSelectionDialog

        def done(out: Any) -> None:
            if out is not None:
                self.notify(
                    _("Saved the {kind} selection '{name}'.").format(kind=out.kind_label.lower(), name=out.name)
                )

        self.app.push_screen(SaveSelectionDialog(self.target, self.criteria), done)

    @work(group="action")
    async def action_add_to_selection(self) -> None:
        from leadtui.screens.pick_dialog import PickDialog
        from leadtui.services import selections

        record = self.current_id()
        if record is None:
            self.notify(_("Highlight a record first."), severity="warning")
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            items = [
                s
                for s in await selections.list_selections(backend.db, backend.actor, target=self.target)
                if s.kind == "static" and s.may_edit
            ]
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not items:
            self.notify(
                _("You have no static selection of {what}; save one first (w, Static).").format(
                    what=find.target_label(self.target).lower()
                ),
                severity="warning",
            )
            return
        chosen = await self.app.push_screen_wait(
            PickDialog(_("Add to which static selection?"), [(str(s.id), s.name) for s in items])
        )
        if chosen is None:
            return
        try:
            change = await selections.add_members(backend.db, backend.actor, int(chosen), [record])
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not added"))
            return
        name = next(s.name for s in items if str(s.id) == chosen)
        if change.changed:
            self.notify(
                ngettext(
                    "Added to '{name}' ({n} member).", "Added to '{name}' ({n} members).", change.member_count
                ).format(name=name, n=change.member_count)
            )
        else:
            self.notify(_("Already a member of '{name}'.").format(name=name))

    def action_selections(self) -> None:
        from leadtui.screens.selections import SelectionsScreen

        self.app.push_screen(SelectionsScreen(target=self.target))

    def action_board(self) -> None:
        self.app.run_worker(self._open_board(), group="navigate")

    async def _open_board(self) -> None:
        screen = await navigation.to_section(self.app, "board")
        if screen is not None:
            screen.show_source(target=self.target, selection_id=None, criteria=list(self.criteria))

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.current_id()
        if record is not None:
            navigation.open_record(self.app, self.target, record, lambda _closed: self.search())

    def palette_commands(self) -> list[tuple[str, str, Callable]]:
        """The targets, one entry each (the rest of Find's entries come from the action table)."""
        hint = f" [{key_hint(self.app, 'find.target')}]"
        return [
            (_("Find: Contacts"), _("Find contacts") + hint, lambda: self._switch("contact")),
            (_("Find: Companies"), _("Find companies") + hint, lambda: self._switch("company")),
            (_("Find: Sales"), _("Find sales") + hint, lambda: self._switch("sale")),
        ]

    def _switch(self, target: str) -> None:
        if target != self.target:
            self.target = target
            self.criteria, self.sort, self.descending, self.page_offset, self.title_note = [], None, False, 0, ""
            self._title()
            self._editor().set_criteria(target, [], notify=False)
            self.search()

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Another session changed records of the kind shown, or of a kind its columns and criteria may show (a
        contact's company, a sale's contact): the page of results again, the cursor kept."""
        if self.page is not None and any(message.touches(kind) for kind in ("contact", "company", "sale")):
            self.refresh_records()

    @work(exclusive=True, group="live")
    async def refresh_records(self) -> None:
        table = self.query_one("#results", DataTable)
        self._keep_cursor = (self.current_id(), table.cursor_row, (table.scroll_x, table.scroll_y))
        await self.run_search(self.page_offset).wait()
