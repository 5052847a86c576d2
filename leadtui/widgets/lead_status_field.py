"""The Lead status field of the contact card (SPEC.md L1, L2, L10, 4.1).

Shown only when the contact's company has a lead-enabled category (the card hides it otherwise). Editable: a
drop-down of the live statuses in list order (the current value kept even if it was deleted since). Read-only:
the name as text. Either way the description is the tooltip and also a line under the field, followed by how
many days the contact has had this status.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static

from leadtui.i18n import _, ngettext
from leadtui.widgets.form import LABEL_WIDTH


@dataclass
class StatusOption:
    id: int
    name: str
    description: str = ""
    deleted: bool = False


@dataclass
class LeadStatusState:
    value_id: int | None = None
    value_name: str = ""
    description: str = ""
    options: list[StatusOption] = field(default_factory=list)
    editable: bool = False
    days: int | None = None


class LeadStatusField(Vertical):
    DEFAULT_CSS = """
    LeadStatusField { height: auto; }
    LeadStatusField > Horizontal { height: auto; }
    LeadStatusField > Horizontal > Label { width: %(w)d; color: $text-muted; padding: 0 1 0 0; }
    LeadStatusField Select { width: 1fr; max-width: 72; }
    LeadStatusField #lead_status-value { width: 1fr; padding: 0; text-style: bold; }
    LeadStatusField #lead_status-description { color: $text-muted; height: auto; padding: 0 0 0 %(w)d;
                                               max-width: %(m)d; }
    LeadStatusField #lead_status-error { color: $error; height: auto; padding: 0 0 0 %(w)d; display: none; }
    """ % {"w": LABEL_WIDTH, "m": LABEL_WIDTH + 72}  # the description no wider than the drop-down, whose open list
    # covers it whole (wider, its ends showed at the right of the open list: "…olgen.  ·  0 dagen in")

    def __init__(self, state: LeadStatusState | None = None, *, id: str = "lead_status-field") -> None:
        super().__init__(id=id)
        self.state = state or LeadStatusState()
        self._showing = asyncio.Lock()

    def compose(self) -> ComposeResult:
        state = self.state
        with Horizontal():
            yield Label(_("Lead status"))
            if state.editable and state.options:
                options = [
                    (_("{name} (deleted)").format(name=o.name) if o.deleted else o.name, o.id) for o in state.options
                ]
                value = state.value_id if any(o.id == state.value_id for o in state.options) else state.options[0].id
                yield Select(options, value=value, allow_blank=False, compact=True, id="lead_status")
            else:
                yield Static(state.value_name or "—", id="lead_status-value", markup=False)
        yield Static("", id="lead_status-description")
        yield Static("", id="lead_status-error", classes="field-error")

    def on_mount(self) -> None:
        self._describe()

    async def show(self, state: LeadStatusState) -> None:
        async with self._showing:  # one rebuild at a time: the card may ask twice in a row
            self.state = state
            await self.recompose()
            self._describe()

    @property
    def value(self) -> int | None:
        """The chosen status id (the stored one when read-only)."""
        selects = self.query("#lead_status")
        first = selects.first() if selects else None
        if isinstance(first, Select) and not first.is_blank():
            return cast(int, first.value)  # not blank: a status id
        return self.state.value_id

    def _option(self, status_id: int | None) -> StatusOption | None:
        return next((o for o in self.state.options if o.id == status_id), None)

    def _describe(self) -> None:
        option = self._option(self.value)
        description = option.description if option else ""
        if option is None and self.value == self.state.value_id:
            description = self.state.description
        lines = [description] if description else []
        if self.state.days is not None and self.value == self.state.value_id:
            lines.append(
                ngettext("{n} day in this status", "{n} days in this status", self.state.days).format(n=self.state.days)
            )
        line = self.query("#lead_status-description")
        if not line:  # being rebuilt
            return
        line.first(Static).update("  ·  ".join(lines))
        for widget in self.query("#lead_status, #lead_status-value"):
            widget.tooltip = description or None

    @on(Select.Changed, "#lead_status")
    def _changed(self) -> None:
        self._describe()
