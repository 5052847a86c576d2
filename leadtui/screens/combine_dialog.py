"""Combine selections (SPEC 1.12): a new combined selection of two or more selections of one kind, joined by
union, intersection, difference (the first minus the others) or "in only one". It stays live.

Keys: ctrl+s creates it, Escape cancels; space ticks a part in the list.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, SelectionList, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import selections
from leadtui.widgets.form import error_line, field_row


class CombineDialog(FormDialog):
    DEFAULT_CSS = """
    CombineDialog > Vertical { width: 76; padding: 1 2; }
    CombineDialog SelectionList { height: auto; max-height: 8; }
    """
    BINDINGS = bindings("combine")

    def __init__(self, first: selections.SelectionOut, others: list[selections.SelectionOut]) -> None:
        super().__init__()
        self.first = first
        self.others = others

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Combine selections"), classes="section-title")
            yield Static(
                _(
                    "Selections of {what}. The combined selection stays live: its members are worked out from "
                    "its parts each time. For a difference, the first part is '{first}'."
                ).format(what=self.first.target_label.lower(), first=self.first.name),
                classes="hint",
                markup=False,
            )
            yield from field_row(_("Name") + " *", Input(id="name"), stacked=True)
            yield from field_row(
                _("Combination"),
                Select(
                    [(_(label), key) for key, label in selections.COMBINATIONS.items()],
                    value="union",
                    allow_blank=False,
                    id="how",
                ),
                stacked=True,
            )
            parts: SelectionList[int] = SelectionList(
                (self.first.name, self.first.id, True), *[(s.name, s.id, False) for s in self.others], id="parts"
            )
            yield from field_row(_("Parts (space ticks one; two or more)"), parts, stacked=True)
            yield error_line("general")
            yield buttons(_("Combine"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def values(self) -> dict[str, Any]:
        chosen = list(self.query_one("#parts", SelectionList).selected)
        if self.first.id in chosen:  # the highlighted selection first (the difference's left side)
            chosen = [self.first.id, *[i for i in chosen if i != self.first.id]]
        return {
            "name": self.query_one("#name", Input).value,
            "how": self.query_one("#how", Select).value,
            "parts": chosen,
        }

    async def submit(self, values: dict[str, Any]) -> selections.SelectionOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await selections.create_combined(backend.db, backend.actor, values)
