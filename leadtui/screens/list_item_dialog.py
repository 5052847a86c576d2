"""Edit list item: Name, Description and the list's own fields; OK saves through the service, Cancel leaves.

Errors from the service appear under the field they concern; the dialog stays open and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.model.enums import CategoryGroup
from leadtui.services import lists as svc
from leadtui.services.errors import DomainError


class ListItemDialog(ModalScreen["svc.ListItemOut | None"]):
    DEFAULT_CSS = """
    ListItemDialog { align: center middle; }
    ListItemDialog > Vertical { width: 76; height: auto; max-height: 90%; border: thick $accent; background: $surface;
                                padding: 1 2; }
    ListItemDialog Label { margin-top: 1; }
    ListItemDialog .field-error { color: $error; height: auto; }
    ListItemDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ListItemDialog Button { margin-left: 1; }
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
            yield Label(_("Name") + " *")
            yield Input(value=item.name if item else "", id="name")
            yield Static("", id="name-error", classes="field-error")
            yield Label(_("Description (shown as the tooltip)"))
            yield Input(value=item.description if item else "", id="description")
            yield Static("", id="description-error", classes="field-error")
            if self.kind == "category":
                yield Label(_("Category group"))
                group = item.category_group if item and item.category_group is not None else CategoryGroup.UNKNOWN
                yield Select([(svc.category_group_name(g), int(g)) for g in CategoryGroup], value=int(group),
                             allow_blank=False, id="category_group")
                yield Static("", id="category_group-error", classes="field-error")
                yield Checkbox(_("Enable lead status for this category"),
                               value=bool(item and item.enable_lead_status), id="enable_lead_status")
                yield Static(_("Only the group Potential customer can have lead status."), classes="hint")
                yield Static("", id="enable_lead_status-error", classes="field-error")
            elif self.kind == "sale-stage":
                yield Label(_("Probability (%)"))
                yield Input(value=str(item.probability if item and item.probability is not None else 0),
                            id="probability", type="integer")
                yield Static("", id="probability-error", classes="field-error")
            elif self.kind == "lead-status":
                yield Checkbox(_("Default for new leads"), value=bool(item and item.is_default), id="is_default",
                               disabled=bool(item and item.is_default))
                yield Static("", id="is_default-error", classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                if item is not None and item.deleted:
                    yield Button(_("Restore"), id="restore", variant="success")
                yield Button(_("OK") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Cancel") + " (esc)", id="cancel")

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

    def _values(self) -> dict[str, Any]:
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

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            if error.id:
                error.update("")

    def _show_error(self, exc: DomainError) -> None:
        target = self.query(f"#{exc.field}-error") if exc.field else None
        widget = target.first() if target else self.query_one("#general-error", Static)
        widget.update(str(exc))
        field = self.query(f"#{exc.field}") if exc.field else None
        if field:
            field.first().focus()

    async def action_save(self) -> None:
        self._clear_errors()
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            if self.item is None:
                result = await svc.add_item(backend.db, backend.actor, self.kind, self._values())
            else:
                result = await svc.edit_item(backend.db, backend.actor, self.kind, self.item.id, self._values(),
                                             expected_version=self.item.version)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.dismiss(result)

    async def _restore(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            result = await svc.restore_item(backend.db, backend.actor, self.kind, self.item.id)  # type: ignore[union-attr]
        except DomainError as exc:
            self._show_error(exc)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self.action_save()
        elif event.button.id == "restore":
            await self._restore()
        else:
            self.dismiss(None)

    async def on_input_submitted(self, _event: Input.Submitted) -> None:
        await self.action_save()
