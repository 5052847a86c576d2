"""A value of a results column as shown: Find's results and the members of a selection."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from leadtui.i18n import N_, _
from leadtui.widgets.inert import cell

SALE_STATUS_LABELS = {"open": N_("Open"), "sold": N_("Sold"), "lost": N_("Lost"), "stalled": N_("Stalled")}


def result_cell(value: Any, key: str = "") -> str | Text:
    """A value of a results column as shown (Find, the members of a selection)."""
    if value is None:
        return Text("–", style="dim")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "sale_status" and value in SALE_STATUS_LABELS:  # the service gives the key (open, sold ...)
        return _(SALE_STATUS_LABELS[value])
    return cell(value)  # data: never read as markup, control characters visible
