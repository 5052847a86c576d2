"""Combine selections (SPEC 1.12): a new combined selection of two or more selections of one kind, joined by
union, intersection, difference (the first minus the others) or "in only one". It stays live. Given a combined
selection (`editing`), the dialog changes its combination and parts instead.

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

    def __init__(
        self,
        first: selections.SelectionOut,
        others: list[selections.SelectionOut],
        editing: selections.SelectionOut | None = None,
    ) -> None:
        super().__init__()
        self.first = first
        self.others = others
        self.editing = editing

    def compose(self) -> ComposeResult:
        with Vertical():
            editing = self.editing
            title = _("Combined selection '{name}'").format(name=editing.name) if editing else _("Combine selections")
            yield Static(title, classes="section-title", markup=False)
            yield Static(
                _(
                    "Selections of {what}. The combined selection stays live: its members are worked out from "
                    "its parts each time. For a difference, the first part ticked in the list is the one the "
                    "others are taken from."
                ).format(what=self.first.target_label.lower()),
                classes="hint",
                markup=False,
            )
            if editing is None:
                yield from field_row(_("Name") + " *", Input(id="name"), stacked=True)
            yield from field_row(
                _("Combination"),
                Select(
                    [(_(label), key) for key, label in selections.COMBINATIONS.items()],
                    value=editing.combination if editing and editing.combination else "union",
                    allow_blank=False,
                    id="how",
                ),
                stacked=True,
            )
            ticked = set(editing.parts) if editing else {self.first.id}
            parts: SelectionList[int] = SelectionList(
                *[(s.name, s.id, s.id in ticked) for s in self.listed()], id="parts"
            )
            yield from field_row(_("Parts (space ticks one; two or more)"), parts, stacked=True)
            yield error_line("general")
            yield buttons(_("Save") if editing else _("Combine"))

    def listed(self) -> list[selections.SelectionOut]:
        """The selections offered as parts, in order: the current parts (or the highlighted selection) first."""
        every = [self.first, *self.others]
        order = self.editing.parts if self.editing else [self.first.id]
        return sorted(every, key=lambda s: order.index(s.id) if s.id in order else len(order))

    def on_mount(self) -> None:
        self.query_one("#how" if self.editing else "#name").focus()

    def values(self) -> dict[str, Any]:
        ticked = set(self.query_one("#parts", SelectionList).selected)
        out: dict[str, Any] = {
            "how": self.query_one("#how", Select).value,
            "parts": [s.id for s in self.listed() if s.id in ticked],  # in the list's order
        }
        if self.editing is None:
            out["name"] = self.query_one("#name", Input).value
        return out

    async def submit(self, values: dict[str, Any]) -> selections.SelectionOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.editing is not None:
            return await selections.change_combination(
                backend.db,
                backend.actor,
                self.editing.id,
                how=values["how"],
                parts=values["parts"],
                expected_version=self.editing.version,
            )
        return await selections.create_combined(backend.db, backend.actor, values)
