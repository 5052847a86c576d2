"""Ask for one line of text (a new name, a file to export to, ids to add) and hand it to a service call.

The call runs when the user presses Enter or ctrl+s; a refusal is shown under the box and the dialog stays open,
so nothing is lost. The dialog returns what the call returned (None on Escape).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from leadtui.actions import bindings
from leadtui.services.errors import DomainError


class TextDialog(ModalScreen[Any]):
    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical { width: 76; height: auto; border: thick $accent; background: $surface; padding: 0 2 1 2; }
    TextDialog .field-error { color: $error; height: auto; }
    """
    BINDINGS = bindings("text")

    def __init__(self, title: str, label: str, submit: Callable[[str], Awaitable[Any]], *, value: str = "",
                 hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.submit = submit
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            yield Label(self.label)
            yield Input(value=self.value, id="text-value")
            yield Static("", id="text-value-error", classes="field-error")
            if self.hint:
                yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text-value", Input).focus()

    @on(Input.Submitted, "#text-value")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @work(exclusive=True, group="submit")
    async def action_submit(self) -> None:
        error = self.query_one("#text-value-error", Static)
        error.update("")
        try:
            result = await self.submit(self.query_one("#text-value", Input).value)
        except DomainError as exc:
            error.update(str(exc))
            return
        except OSError as exc:
            error.update(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
