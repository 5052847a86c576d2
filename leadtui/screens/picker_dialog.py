"""Pick a company or a contact: type to search, arrows to choose, Enter to take it, Escape to cancel.

Returns ("pick", PickItem), ("clear", None) for "(No selection)", or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import Dialog
from leadtui.services.errors import DomainError

CLEAR = "__clear__"


class PickerDialog(Dialog):
    DEFAULT_CSS = """
    PickerDialog > Vertical { width: 70; height: 24; padding: 1 2; }
    PickerDialog OptionList { height: 1fr; }
    """
    BINDINGS = bindings("picker")

    def __init__(
        self, title: str, search: Callable[[str], Awaitable[list]], *, allow_clear: bool = True, empty_hint: str = ""
    ) -> None:
        """`empty_hint`: shown when the search finds nothing (e.g. where such records are added)."""
        super().__init__()
        self.empty_hint = empty_hint
        self.title_text = title
        self.search = search
        self.allow_clear = allow_clear
        self.items: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            yield Input(placeholder=_("Type to search; ↓ to the results; Enter picks"), id="picker-search")
            yield OptionList(id="picker-results")
            yield Static("", id="picker-empty", classes="hint")
            yield Static(_("Enter picks · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.refresh_results("")

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self.refresh_results(event.value)

    @work(exclusive=True, group="picker")
    async def refresh_results(self, text: str) -> None:
        try:
            items = await self.search(text)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        try:
            results = self.query_one("#picker-results", OptionList)
        except NoMatches:  # the user picked (or left) before these results came back: the dialog is gone
            return
        results.clear_options()
        self.items = {}
        if self.allow_clear:
            results.add_option(Option(_("(No selection)"), id=CLEAR))
        for item in items:
            key = str(item.id)
            self.items[key] = item
            label = item.label + (f"  ·  {item.detail}" if item.detail else "")
            results.add_option(Option(label, id=key))
        empty = self.query_one("#picker-empty", Static)
        empty.update("" if items else self.empty_hint)
        empty.display = not items and bool(self.empty_hint)
        if items:
            results.highlighted = 1 if self.allow_clear else 0
        elif results.option_count:
            results.highlighted = 0

    def action_to_list(self) -> None:
        self.query_one("#picker-results", OptionList).focus()

    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        results = self.query_one("#picker-results", OptionList)
        if results.highlighted is not None:
            self._choose(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == CLEAR:
            self.dismiss(("clear", None))
        elif option_id in self.items:
            self.dismiss(("pick", self.items[option_id]))
