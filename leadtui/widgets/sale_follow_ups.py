"""The sale card's Activities tab: the sale's follow-ups (date, time, type, text, done), overdue ones in red,
completed ones dimmed. The card adds, changes and completes them (a, Enter, space); this pane shows them and
says which one is highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from leadtui.i18n import _
from leadtui.i18n.format import format_date, format_time


class SaleFollowUps(Vertical):
    DEFAULT_CSS = "SaleFollowUps { height: 1fr; } SaleFollowUps #activities { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__(id="follow-ups")
        self.rows: list[Any] = []  # activities.FollowUpRow, in table order

    def compose(self) -> ComposeResult:
        yield DataTable(id="activities", cursor_type="row", zebra_stripes=True)
        yield Static(_("a add follow-up · Enter change it · space done / not done"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Date"), _("Time"), _("Type"), _("Text"), _("Done"))

    def show(self, rows: list[Any]) -> None:
        """Fill the table; the highlighted line stays where it was."""
        self.rows = list(rows)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for row in self.rows:
            style = "bold red" if row.overdue else ("dim" if row.completed else "")
            table.add_row(
                Text(format_date(row.date), style=style),
                format_time(row.time),
                row.type,
                row.title,
                "✓" if row.completed else "",
                key=str(row.id),
            )
        if self.rows:
            table.move_cursor(row=max(0, min(keep, len(self.rows) - 1)))

    def current(self) -> Any:
        """The highlighted follow-up, or None."""
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]
