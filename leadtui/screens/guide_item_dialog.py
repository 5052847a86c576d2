"""Suggested follow-up of a sales guide stage (SPEC.md 1.9): name, purpose, type, start date (days after the
previous follow-up), duration, default text, automatically suggest. OK saves through the service."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services.errors import DomainError


class GuideItemDialog(ModalScreen[object]):
    DEFAULT_CSS = """
    GuideItemDialog { align: center middle; }
    GuideItemDialog > VerticalScroll { width: 80; height: auto; max-height: 95%; border: thick $accent;
                                       background: $surface; padding: 0 2; }
    GuideItemDialog .field-error { color: $error; height: auto; }
    GuideItemDialog #buttons { height: auto; align-horizontal: right; }
    GuideItemDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("guide_item")

    def __init__(self, sale_type_id: int, stage_id: int, item=None) -> None:  # noqa: ANN001 - GuideItemOut
        super().__init__()
        self.sale_type_id = sale_type_id
        self.stage_id = stage_id
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with VerticalScroll():
            yield Static(_("Edit suggested follow-up") if item else _("Add suggested follow-up"), classes="section-title")
            yield Label(_("Name") + " *")
            yield Input(value=item.name if item else "", id="name", compact=True)
            yield Static("", id="name-error", classes="field-error")
            yield Label(_("The purpose of this follow-up"))
            yield Input(value=item.purpose if item else "", id="purpose", compact=True)
            yield Static("", id="purpose-error", classes="field-error")
            yield Label(_("Follow-up type"))
            yield Select([], id="follow_up_type", prompt=_("(default)"), compact=True)
            yield Static("", id="follow_up_type-error", classes="field-error")
            yield Label(_("Start date (days after previous follow-up)"))
            yield Input(value=str(item.start_offset_days if item else 0), id="start_offset_days", type="integer",
                        compact=True)
            yield Static("", id="start_offset_days-error", classes="field-error")
            yield Label(_("Duration (minutes)"))
            yield Input(value=str(item.duration_minutes if item else 15), id="duration_minutes", type="integer",
                        compact=True)
            yield Static("", id="duration_minutes-error", classes="field-error")
            yield Label(_("Default text in follow-up"))
            yield Input(value=item.default_text if item else "", id="default_text", compact=True)
            yield Static("", id="default_text-error", classes="field-error")
            yield Checkbox(_("Automatically suggest this follow-up"), value=bool(item and item.auto_suggest),
                           id="auto_suggest", compact=True)
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("OK") + " (ctrl+s)", id="ok", variant="primary", compact=True)
                yield Button(_("Cancel") + " (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.load_types()

    @work(group="guide-item")
    async def load_types(self) -> None:
        from leadtui.services import lists

        types = await lists.list_items((await self.app.ready_backend()).db, "follow-up-type")  # type: ignore[attr-defined]
        select = self.query_one("#follow_up_type", Select)
        select.set_options([(item.name, item.id) for item in types])
        if self.item and self.item.follow_up_type_id in {item.id for item in types}:
            select.value = self.item.follow_up_type_id

    def values(self) -> dict[str, Any]:
        kind = self.query_one("#follow_up_type", Select).value
        return {
            "name": self.query_one("#name", Input).value,
            "purpose": self.query_one("#purpose", Input).value,
            "follow_up_type": None if kind == Select.NULL else kind,
            "start_offset_days": self.query_one("#start_offset_days", Input).value or "0",
            "duration_minutes": self.query_one("#duration_minutes", Input).value or "0",
            "default_text": self.query_one("#default_text", Input).value,
            "auto_suggest": self.query_one("#auto_suggest", Checkbox).value,
        }

    async def action_save(self) -> None:
        from leadtui.services import guides

        for error in self.query(".field-error"):
            error.update("")
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            if self.item is None:
                result = await guides.add_guide_item(backend.db, backend.actor, self.sale_type_id, self.stage_id,
                                                     self.values())
            else:
                result = await guides.edit_guide_item(backend.db, backend.actor, self.item.id, self.values())
        except DomainError as exc:
            target = self.query(f"#{exc.field}-error") if exc.field else None
            (target.first() if target else self.query_one("#general-error", Static)).update(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self.action_save()
        else:
            self.dismiss(None)

    async def on_input_submitted(self, _event: Input.Submitted) -> None:
        await self.action_save()
