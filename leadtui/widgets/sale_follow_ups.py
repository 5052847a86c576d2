"""The sale card's Activities tab: the sale's follow-ups (date, time, type, text, done, who), overdue ones in red,
completed ones dimmed, and its stage and status changes in one timeline, newest first. The card adds, changes and
completes follow-ups (a, Enter, space); this pane shows them, says which one is highlighted (None on a change line)
and deletes it (Delete, as on the contact and company cards' Activities tab, offered to who may edit the sale;
the card hears `SaleFollowUps.Changed`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from leadtui.actions import bindings, key_hint
from leadtui.i18n import _
from leadtui.i18n.format import format_date, format_time
from leadtui.widgets import follow_up_flows
from leadtui.widgets.inert import cell

DELETE = "activities_tab.delete_follow_up"  # the key of the contact and company cards' Activities tab


class SaleFollowUps(Vertical):
    DEFAULT_CSS = "SaleFollowUps { height: 1fr; } SaleFollowUps #activities { height: 1fr; }"
    BINDINGS = [b for b in bindings("activities_tab") if isinstance(b, Binding) and b.id == DELETE]

    class Changed(Message):
        """A follow-up of the sale was deleted."""

    def __init__(self) -> None:
        super().__init__(id="follow-ups")
        self.rows: list[Any] = []  # activities.ActivityOut, in table order
        self.lines: list[Any] = []  # per table row: the follow-up, or None for a change line
        self.may_edit = False  # the user may edit the sale (the card says so once it knows)

    def compose(self) -> ComposeResult:
        yield DataTable(id="activities", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("{add} add follow-up · Enter change it · {done} done / not done · {delete} delete it").format(
                add=key_hint(self.app, "sale_card.add_follow_up"),
                done=key_hint(self.app, "sale_card.toggle_done"),
                delete=key_hint(self.app, DELETE),
            ),
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Date"), _("Time"), _("Type"), _("Text"), _("Done"), _("Who"))

    def show(self, rows: list[Any], changes: Iterable[Any] = (), label: Callable[[Any], str] | None = None) -> None:
        """Fill the table with the follow-ups and the changes (services' history rows: at, field, from_text,
        to_text, by), newest first; the highlighted line stays where it was."""
        merged: list[tuple[datetime, Any, Any]] = [
            (datetime.combine(row.date, row.time or time(0)), row, None) for row in rows
        ]
        merged += [(change.at, None, change) for change in changes]
        merged.sort(key=lambda item: item[0], reverse=True)
        self.lines = [row for _at, row, _change in merged]
        self.rows = [row for row in self.lines if row is not None]
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for at, row, change in merged:
            if row is None:
                name = label(change) if label is not None else change.field
                table.add_row(
                    Text(format_date(at), style="italic"),
                    format_time(at),
                    Text(name, style="italic"),
                    cell(f"{change.from_text or '—'} → {change.to_text or '—'}"),
                    "",
                    cell(change.by or ""),
                )
                continue
            style = "bold red" if row.overdue else ("dim" if row.completed else "")
            table.add_row(
                Text(format_date(row.date), style=style),
                format_time(row.time),
                row.type,
                row.title,
                "✓" if row.completed else "",
                cell(row.owner or ""),
                key=str(row.id),
            )
        if self.lines:
            table.move_cursor(row=max(0, min(keep, len(self.lines) - 1)))
        self.refresh_bindings()

    def current(self) -> Any:
        """The highlighted follow-up, or None."""
        table = self.query_one(DataTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    @on(DataTable.RowHighlighted, "#activities")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_follow_up":
            return self.may_edit and self.current() is not None
        if action in ("add_follow_up", "edit_follow_up", "toggle_done"):  # the card's own keys (sale_card.*)
            return False
        return True

    @work(group="action", exclusive=True)
    async def action_delete_follow_up(self) -> None:
        row = self.current()
        if row is not None and await follow_up_flows.delete_follow_up(self, row):
            self.post_message(self.Changed())
