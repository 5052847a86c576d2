"""Ask for one line of text (a new name, a file to export to, ids to add) and hand it to a service call.

The call runs when the user presses Enter or ctrl+s; a refusal is shown under the box and the dialog stays open,
so nothing is lost. The dialog returns what the call returned (None on Escape).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from leadtui.actions import bindings
from leadtui.screens.dialogs import FormDialog
from leadtui.services.errors import DomainError
from leadtui.widgets.form import field_row


class TextDialog(FormDialog):
    DEFAULT_CSS = """
    TextDialog > Vertical { width: 76; max-height: 100%; }
    """
    ERRORS = (DomainError, OSError)
    BINDINGS = bindings("text")

    def __init__(
        self, title: str, label: str, submit: Callable[[str], Awaitable[Any]], *, value: str = "", hint: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.submit_call = submit
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            yield from field_row(self.label, Input(value=self.value, id="text-value"), stacked=True)
            if self.hint:
                yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text-value", Input).focus()

    def values(self) -> str:  # the one line of text
        return self.query_one("#text-value", Input).value

    async def submit(self, values: str) -> Any:
        return await self.submit_call(values)

    def error_field(self, exc: Exception) -> str | None:
        return "text-value"  # the only field

    async def action_submit(self) -> None:
        await self.save_form()
