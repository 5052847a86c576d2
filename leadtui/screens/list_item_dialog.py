"""Edit list item: Name, Description and the list's own fields; OK saves through the service, Cancel leaves.

Errors from the service appear under the field they concern; the dialog stays open and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Input, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.model.enums import CategoryGroup
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import lists as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.form import error_line, field_row


class ListItemDialog(FormDialog):
    DEFAULT_CSS = """
    ListItemDialog > Vertical { width: 76; max-height: 90%; padding: 1 2; }
    ListItemDialog Label { margin-top: 1; }
    """
    BINDINGS = bindings("list_item")

    def __init__(self, kind: str, item: svc.ListItemOut | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.item = item

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        k = svc.get_kind(self.kind)
        item = self.item
        with Vertical():
            heading = _("Edit list item") if item else _("Add list item")
            yield Static(f"{heading} · {_(k.label)}", classes="section-title")
            if item is not None and item.deleted:
                yield Static(_("This item is deleted. Restore brings it back into the pickers."), classes="field-error")
            yield from field_row(_("Name") + " *", Input(value=item.name if item else "", id="name"), stacked=True)
            yield from field_row(
                _("Description (shown as the tooltip)"),
                Input(value=item.description if item else "", id="description"),
                stacked=True,
            )
            if self.kind == "category":
                group = item.category_group if item and item.category_group is not None else CategoryGroup.UNKNOWN
                yield from field_row(
                    _("Category group"),
                    Select(
                        [(svc.category_group_name(g), int(g)) for g in CategoryGroup],
                        value=int(group),
                        allow_blank=False,
                        id="category_group",
                    ),
                    stacked=True,
                )
                yield Checkbox(
                    _("Enable lead status for this category"),
                    value=bool(item and item.enable_lead_status),
                    id="enable_lead_status",
                )
                yield Static(_("Only the group Potential customer can have lead status."), classes="hint")
                yield error_line("enable_lead_status")
            elif self.kind == "sale-stage":
                yield from field_row(
                    _("Probability (%)"),
                    Input(
                        value=str(item.probability if item and item.probability is not None else 0),
                        id="probability",
                        type="integer",
                    ),
                    stacked=True,
                )
            elif self.kind == "lead-status":
                yield Checkbox(
                    _("Default for new leads"),
                    value=bool(item and item.is_default),
                    id="is_default",
                    disabled=bool(item and item.is_default),
                )
                yield error_line("is_default")
            yield error_line("general")
            restore = (
                (Button(_("Restore"), id="restore", variant="success"),) if item is not None and item.deleted else ()
            )
            yield buttons(_("OK"), before=restore)

    def on_mount(self) -> None:
        self._sync_lead_checkbox()
        self.query_one("#name", Input).focus()

    # ------------------------------------------------------------------ behaviour

    @on(Select.Changed, "#category_group")
    def _group_changed(self) -> None:
        self._sync_lead_checkbox()

    def _sync_lead_checkbox(self) -> None:
        if self.kind != "category":
            return
        group = self.query_one("#category_group", Select).value
        box = self.query_one("#enable_lead_status", Checkbox)
        allowed = group == int(CategoryGroup.POTENTIAL_CUSTOMER)
        box.disabled = not allowed
        if not allowed:
            box.value = False

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.query_one("#name", Input).value,
            "description": self.query_one("#description", Input).value,
        }
        if self.kind == "category":
            data["category_group"] = self.query_one("#category_group", Select).value
            data["enable_lead_status"] = self.query_one("#enable_lead_status", Checkbox).value
        elif self.kind == "sale-stage":
            data["probability"] = self.query_one("#probability", Input).value or "0"
        elif self.kind == "lead-status":
            box = self.query_one("#is_default", Checkbox)
            if box.value and not (self.item and self.item.is_default):
                data["is_default"] = True
        return data

    async def submit(self, values: dict[str, Any]) -> svc.ListItemOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.item is None:
            return await svc.add_item(backend.db, backend.actor, self.kind, values)
        return await svc.edit_item(
            backend.db, backend.actor, self.kind, self.item.id, values, expected_version=self.item.version
        )

    async def _restore(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            result = await svc.restore_item(backend.db, backend.actor, self.kind, self.item.id)  # type: ignore[union-attr]
        except DomainError as exc:
            self.show_refusal(exc)
            return
        self.dismiss(result)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "restore":
            await self._restore()
        else:
            await super().on_button_pressed(event)
