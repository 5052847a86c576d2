"""Suggested follow-up of a sales guide stage (SPEC.md 1.9): name, purpose, type, start date (days after the
previous follow-up), duration, default text, automatically suggest. OK saves through the service."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.widgets.form import error_line, field_row


class GuideItemDialog(FormDialog):
    DEFAULT_CSS = """
    GuideItemDialog > VerticalScroll { width: 80; padding: 0 2; }
    GuideItemDialog #buttons { margin-top: 0; }
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
            yield Static(
                _("Edit suggested follow-up") if item else _("Add suggested follow-up"), classes="section-title"
            )
            yield from field_row(
                _("Name") + " *", Input(value=item.name if item else "", id="name", compact=True), stacked=True
            )
            yield from field_row(
                _("The purpose of this follow-up"),
                Input(value=item.purpose if item else "", id="purpose", compact=True),
                stacked=True,
            )
            yield from field_row(
                _("Follow-up type"), Select([], id="follow_up_type", prompt=_("(default)"), compact=True), stacked=True
            )
            yield from field_row(
                _("Start date (days after previous follow-up)"),
                Input(
                    value=str(item.start_offset_days if item else 0),
                    id="start_offset_days",
                    type="integer",
                    compact=True,
                ),
                stacked=True,
            )
            yield from field_row(
                _("Duration (minutes)"),
                Input(
                    value=str(item.duration_minutes if item else 15),
                    id="duration_minutes",
                    type="integer",
                    compact=True,
                ),
                stacked=True,
            )
            yield from field_row(
                _("Default text in follow-up"),
                Input(value=item.default_text if item else "", id="default_text", compact=True),
                stacked=True,
            )
            yield Checkbox(
                _("Automatically suggest this follow-up"),
                value=bool(item and item.auto_suggest),
                id="auto_suggest",
                compact=True,
            )
            yield error_line("general")
            yield buttons(_("OK"), compact=True)

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

    async def submit(self, values: dict[str, Any]) -> object:
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.item is None:
            return await guides.add_guide_item(backend.db, backend.actor, self.sale_type_id, self.stage_id, values)
        return await guides.edit_guide_item(backend.db, backend.actor, self.item.id, values)
