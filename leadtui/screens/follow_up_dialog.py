"""Follow-up dialog: date, time, type, text. Saves through the function it is given; errors stay at the field.

Used to add or edit a follow-up on the sale card, to create a suggested follow-up of the sales guide (G3) and
after saving a stalled sale (S10), where Escape / Skip leaves without planning anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services.errors import DomainError


class FollowUpDialog(ModalScreen[object]):
    DEFAULT_CSS = """
    FollowUpDialog { align: center middle; }
    FollowUpDialog > Vertical { width: 76; height: auto; max-height: 95%; border: thick $accent; background: $surface;
                                padding: 1 2; }
    FollowUpDialog Label { margin-top: 1; }
    FollowUpDialog .field-error { color: $error; height: auto; display: none; }
    FollowUpDialog .field-error.-shown { display: block; }
    FollowUpDialog #fu-when { height: auto; }
    FollowUpDialog #date { width: 24; }
    FollowUpDialog #time { width: 14; }
    FollowUpDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    FollowUpDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("follow_up")

    def __init__(self, title: str, save: Callable[[dict[str, Any]], Awaitable[object]], *,
                 types: list[tuple[str, int]], day: date | None = None, at: time | None = None,
                 type_id: int | None = None, text: str = "", intro: str = "", cancel_label: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.save_call = save
        self.types = types
        self.day = day or date.today()
        self.at = at
        self.type_id = type_id if type_id is not None else (types[0][1] if types else None)
        self.text = text
        self.intro = intro
        self.cancel_label = cancel_label or _("Cancel")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            if self.intro:
                yield Static(self.intro, classes="hint")
            yield Label(_("Date (YYYY-MM-DD, today, +N days)") + " *  ·  " + _("Time (HH:MM, optional)"))
            with Horizontal(id="fu-when"):
                yield Input(value=self.day.isoformat(), id="date")
                yield Input(value=self.at.strftime("%H:%M") if self.at else "", placeholder="HH:MM", id="time")
            yield Static("", id="date-error", classes="field-error")
            yield Static("", id="time-error", classes="field-error")
            yield Label(_("Type"))
            yield Select(self.types, value=self.type_id if self.type_id is not None else Select.NULL,
                         allow_blank=not self.types, id="type")
            yield Static("", id="type-error", classes="field-error")
            yield Label(_("Text") + " *")
            yield Input(value=self.text, id="text")
            yield Static("", id="text-error", classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("Save") + " (ctrl+s)", id="save", variant="primary")
                yield Button(f"{self.cancel_label} (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#text" if not self.text else "#date", Input).focus()

    def values(self) -> dict[str, Any]:
        kind = self.query_one("#type", Select).value
        return {"date": self.query_one("#date", Input).value, "time": self.query_one("#time", Input).value or None,
                "type": None if kind == Select.NULL else kind, "text": self.query_one("#text", Input).value}

    async def action_save(self) -> None:
        for error in self.query(".field-error"):
            error.update("")
            error.remove_class("-shown")
        try:
            result = await self.save_call(self.values())
        except DomainError as exc:
            target = self.query(f"#{exc.field}-error") if exc.field else None
            shown = target.first() if target else self.query_one("#general-error", Static)
            shown.update(str(exc))
            shown.add_class("-shown")
            if exc.field and self.query(f"#{exc.field}"):
                self.query_one(f"#{exc.field}").focus()
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            await self.action_save()
        else:
            self.dismiss(None)

    async def on_input_submitted(self, _event: Input.Submitted) -> None:
        await self.action_save()
