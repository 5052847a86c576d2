"""A value of a results column as shown: Find's results and the members of a selection."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.text import Text

from leadtui.i18n import N_, _
from leadtui.widgets.inert import cell


def _date_text(value: Any) -> str | None:
    """A date or a moment (or its ISO text, as the results carry them) in the language's format."""
    from leadtui.i18n.format import format_date

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return format_date(value) if isinstance(value, date) else None


SALE_STATUS_LABELS = {"open": N_("Open"), "sold": N_("Sold"), "lost": N_("Lost"), "stalled": N_("Stalled")}


def result_cell(value: Any, key: str = "", kind: str = "") -> str | Text:
    """A value of a results column as shown (Find, the members of a selection); dates in the language's format."""
    if value is None:
        return Text("–", style="dim")
    if kind == "date" or isinstance(value, date | datetime):
        shown = _date_text(value)
        if shown is not None:
            return shown
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "sale_status" and value in SALE_STATUS_LABELS:  # the service gives the key (open, sold ...)
        return _(SALE_STATUS_LABELS[value])
    return cell(value)  # data: never read as markup, control characters visible
