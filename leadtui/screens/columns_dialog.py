"""Choose the result columns of Find (SPEC.md 4.3/4.4 "Columns selected"): space ticks a column, ctrl+s keeps the
choice, r resets to the default columns. Columns already shown keep their order; newly ticked ones are added after
them in the order of the list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import Dialog
from leadtui.services import find


class ColumnsDialog(Dialog):
    DEFAULT_CSS = """
    ColumnsDialog > Vertical { width: 64; }
    ColumnsDialog SelectionList { height: auto; max-height: 24; }
    """
    BINDINGS = bindings("columns")

    def __init__(self, target: str, columns: list[str]) -> None:
        super().__init__()
        self.target = find.normalise_target(target)
        self.columns = columns

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Columns · {what}").format(what=find.target_label(self.target)), classes="section-title")
            yield Static(_("space ticks a column · ctrl+s keeps · r resets · esc cancels"), classes="hint")
            yield SelectionList[str](*self._selections(self.columns), id="columns")
            yield Static("", id="columns-error", classes="field-error")

    def _selections(self, chosen: list[str]) -> list[Selection]:
        return [Selection(c.label, c.key, c.key in chosen) for c in find.column_fields(self.target) if c.key != "id"]

    def on_mount(self) -> None:
        self.query_one("#columns", SelectionList).focus()

    def action_reset(self) -> None:
        box = self.query_one("#columns", SelectionList)
        box.clear_options()
        self.columns = list(find.DEFAULT_COLUMNS[self.target])
        box.add_options(self._selections(self.columns))

    def action_save(self) -> None:
        box = self.query_one("#columns", SelectionList)
        chosen = set(box.selected)
        kept = [key for key in self.columns if key in chosen and key != "id"]
        keys = kept + [
            c.key for c in find.column_fields(self.target) if c.key in chosen and c.key != "id" and c.key not in kept
        ]
        if not keys:
            self.query_one("#columns-error", Static).update(_("Columns: tick at least one column."))
            return
        self.dismiss(keys)

    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.query_one("#columns-error", Static).update("")
