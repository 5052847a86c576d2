"""Log a call (My follow-ups, l): the note of a call just made about a follow-up, and whether that follow-up is
done with it. Saving makes a completed call follow-up today on the same contact, company and sale."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.widgets.form import error_line, field_row


class LogCallDialog(FormDialog):
    DEFAULT_CSS = """
    LogCallDialog > Vertical { width: 76; max-width: 100%; padding: 1 2; height: auto; }
    LogCallDialog .field-error { display: none; }
    """
    BINDINGS = bindings("follow_up")

    def __init__(self, about: str, save: Callable[[dict[str, Any]], Awaitable[object]]) -> None:
        super().__init__()
        self.about = about
        self.save_call = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Log a call"), classes="section-title")
            yield Static(self.about, classes="hint", markup=False)  # the follow-up's text: the user's words
            yield from field_row(_("Note") + " *", Input(id="text"), stacked=True)
            yield Checkbox(_("Complete this follow-up too"), value=True, id="complete")
            yield error_line("general")
            yield buttons(_("Save"), ok_id="save")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def values(self) -> dict[str, Any]:
        return {
            "text": self.query_one("#text", Input).value,
            "complete": self.query_one("#complete", Checkbox).value,
        }

    async def submit(self, values: dict[str, Any]) -> object:
        return await self.save_call(values)
