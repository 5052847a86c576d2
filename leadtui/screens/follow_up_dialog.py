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
from textual.widgets import Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.i18n.format import date_hint, format_date, format_time, time_hint
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.widgets.form import error_line, field_row


class FollowUpDialog(FormDialog):
    DEFAULT_CSS = """
    FollowUpDialog > Vertical { width: 76; padding: 1 2; }
    FollowUpDialog Label { margin-top: 1; }
    FollowUpDialog .field-error { display: none; }
    FollowUpDialog #fu-when { height: auto; }
    FollowUpDialog #date { width: 24; }
    FollowUpDialog #time { width: 14; }
    """
    BINDINGS = bindings("follow_up")

    def __init__(
        self,
        title: str,
        save: Callable[[dict[str, Any]], Awaitable[object]],
        *,
        types: list[tuple[str, int]],
        day: date | None = None,
        at: time | None = None,
        type_id: int | None = None,
        text: str = "",
        intro: str = "",
        cancel_label: str | None = None,
    ) -> None:
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
            yield Label(
                _("Date ({hint}, today, +N days)").format(hint=date_hint())
                + " *  ·  "
                + _("Time ({hint}, optional)").format(hint=time_hint())
            )
            with Horizontal(id="fu-when"):  # the date as the card and the lists show it; ISO is accepted too
                yield Input(value=format_date(self.day), placeholder=date_hint(), id="date")
                yield Input(value=format_time(self.at), placeholder=time_hint(), id="time")
            yield error_line("date")
            yield error_line("time")
            yield from field_row(
                _("Type"),
                Select(
                    self.types,
                    value=self.type_id if self.type_id is not None else Select.NULL,
                    allow_blank=not self.types,
                    id="type",
                ),
                stacked=True,
            )
            yield from field_row(_("Text") + " *", Input(value=self.text, id="text"), stacked=True)
            yield error_line("general")
            yield buttons(_("Save"), ok_id="save", cancel=self.cancel_label)

    def on_mount(self) -> None:
        self.query_one("#text" if not self.text else "#date", Input).focus()

    def values(self) -> dict[str, Any]:
        kind = self.query_one("#type", Select).value
        return {
            "date": self.query_one("#date", Input).value,
            "time": self.query_one("#time", Input).value or None,
            "type": None if kind == Select.NULL else kind,
            "text": self.query_one("#text", Input).value,
        }

    async def submit(self, values: dict[str, Any]) -> object:
        return await self.save_call(values)
