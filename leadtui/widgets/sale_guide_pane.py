"""The sale card's Sales guide tab (G2-G4): the sale type's stages (✓ done, ● current, ○ future) with their
suggested follow-ups indented under them, and whether a follow-up was made from each. The card creates and
completes them (Enter or g, space); this pane shows the guide and says which line is highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from leadtui.i18n import _


class SaleGuidePane(Vertical):
    DEFAULT_CSS = "SaleGuidePane { height: 1fr; } SaleGuidePane #guide { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__(id="guide-pane")
        self.rows: list[tuple[str, Any]] = []  # ("stage", stage) or ("item", suggestion), in table order

    def compose(self) -> ComposeResult:
        yield DataTable(id="guide", cursor_type="row")
        yield Static(
            _("✓ done · ● current · ○ future — Enter or g on a suggestion creates its follow-up, space marks it done"),
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(" ", _("Stage / suggested follow-up"), _("Follow-up"))

    def show(self, guide: Any) -> None:
        """`guide`: the sale's guides.GuideOut, or None (an unguided sale)."""
        table = self.query_one(DataTable)
        table.clear()
        self.rows = []
        if guide is None:
            return
        marks = {"done": ("✓", "green"), "current": ("●", "bold"), "future": ("○", "dim")}
        for stage in guide.stages:
            mark, style = marks[stage.state]
            table.add_row(Text(mark, style=style), Text(stage.name, style=style), "")
            self.rows.append(("stage", stage))
            for item in stage.items:
                made = ""
                if item.activity_id:
                    made = _("done ✓") if item.activity_completed else _("planned")
                table.add_row("", Text("    • " + item.name), made)
                self.rows.append(("item", item))

    def current(self) -> tuple[str, Any] | None:
        """The highlighted line as ("stage", stage) or ("item", suggestion), or None."""
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]
