"""The History tab of the contact and sale cards: one row per change of a tracked field (lead status, category,
stage, status), newest first, with when, which field, from, to and who."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from textual.widgets import DataTable

from leadtui.i18n import _
from leadtui.i18n.format import format_datetime
from leadtui.widgets.inert import cell


class Change(Protocol):
    at: datetime
    from_text: str
    to_text: str


class HistoryPane(DataTable[Any]):
    """A read-only table of changes; the card gives the rows and the label of each field."""

    def __init__(self, *, id: str = "history") -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_columns(_("When"), _("Field"), _("From"), _("To"), _("Who"))

    def show(self, rows: Iterable[Any], label: Any = None) -> None:
        """`rows`: the service's history rows (at, field, from_text, to_text, by); `label(row)`: the field's name
        as the user reads it (default: the row's field_label, else its field)."""
        self.clear()
        for row in rows:
            name = label(row) if label is not None else getattr(row, "field_label", row.field)
            self.add_row(
                format_datetime(row.at),
                name,
                cell(row.from_text or "—"),
                cell(row.to_text or "—"),
                cell(row.by or ""),
            )
