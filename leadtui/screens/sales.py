"""The Sales section: every sale, a page at a time, with search-as-you-type and a status filter.

Keys: n new sale, Enter open the sale card, x delete, / search, ] and [ page, Escape back to the table.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.screens.guide_suggestion_dialog import confirm_suggested_command
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator
from leadtui.widgets.paged_table import PagedTable
from leadtui.widgets.sale_list import SaleList

STATUS_FILTERS = [("open", N_("Open")), ("sold", N_("Sold")), ("lost", N_("Lost")), ("stalled", N_("Stalled"))]


class SalesScreen(Screen):
    CSS_PATH = "sales.tcss"
    BINDINGS = bindings("sales")

    def __init__(self) -> None:
        super().__init__(name="sales")
        self._open_when_loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("sales")
        with Vertical(id="sales-pane"):
            yield Static(_("Sales"), classes="section-title")
            with Horizontal(id="sales-filters"):
                yield Input(placeholder=_("Search heading, company or number  ( / )"), id="sales-search")
                yield Select(
                    [(_(label), key) for key, label in STATUS_FILTERS],
                    prompt=_("All statuses"),
                    id="sales-status-filter",
                )
            yield SaleList(id="sales-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SaleList).focus_table()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.query_one(SaleList).reload()

    @on(Input.Changed, "#sales-search")
    def _search(self, event: Input.Changed) -> None:
        self.query_one(SaleList).search = event.value

    @on(Input.Submitted, "#sales-search")
    def _search_done(self) -> None:
        """Enter in the search opens the highlighted sale (the first found), once the search's page has shown."""
        sale_list = self.query_one(SaleList)
        self.action_focus_table()
        paged = sale_list.paged
        if any(w.node is paged and w.group == "paged-load" and not w.is_finished for w in self.app.workers):
            self._open_when_loaded = True
        else:
            self._open_highlighted()

    @on(PagedTable.Loaded)
    def _loaded(self) -> None:
        if self._open_when_loaded:
            self._open_when_loaded = False
            self._open_highlighted()

    def _open_highlighted(self) -> None:
        # from the list's own queue: a message posted while this screen handles one would stop at this screen
        # (Textual stops a message bubbling back to its sender) and never reach the app that opens the card
        sale_list = self.query_one(SaleList)
        sale_list.call_later(sale_list.action_open_sale)

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#sales-search", Input):
            event.stop()  # ↓ from the search to the list, as in Companies and Contacts; Enter there opens the sale
            self.action_focus_table()

    @on(Select.Changed, "#sales-status-filter")
    def _status(self, event: Select.Changed) -> None:
        self.query_one(SaleList).status = "" if event.value == Select.NULL else str(event.value)

    def action_focus_search(self) -> None:
        self.query_one("#sales-search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(SaleList).focus_table()

    def action_new_sale(self) -> None:
        self.query_one(SaleList).action_new_sale()

    def palette_commands(self) -> list[tuple[str, str, Callable]]:
        """The preference switch (the section's actions come from the action table)."""
        return [confirm_suggested_command(self)]

    def reload(self) -> None:
        """After an undo (ctrl+z), e.g. of a deleted sale: show the list as it is now."""
        self.query_one(SaleList).reload()
