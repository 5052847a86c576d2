"""Someone else saved the record while you were editing it: Reload (see theirs) or Keep editing. Never overwrite."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from leadtui.i18n import _


class StaleEditDialog(ModalScreen[str]):
    """Returns "reload" or "keep"."""

    DEFAULT_CSS = """
    StaleEditDialog { align: center middle; }
    StaleEditDialog > Vertical { width: 76; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    StaleEditDialog #stale-message { margin: 1 0; }
    StaleEditDialog Horizontal { height: auto; align-horizontal: right; }
    StaleEditDialog Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("r", "choose('reload')", "Reload"),
        Binding("k,escape", "choose('keep')", "Keep editing"),
    ]

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__()
        self.message = message
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Changed by someone else"), classes="section-title")
            yield Static(self.message, id="stale-message")
            if self.details:
                yield Static(self.details, classes="hint", id="stale-details")
            yield Static(_("Reload shows their version (your changes are dropped). Keep editing lets you copy "
                           "your changes first; saving stays refused until you reload."), classes="hint")
            with Horizontal():
                yield Button(_("Reload") + " (r)", id="reload", variant="primary")
                yield Button(_("Keep editing") + " (k)", id="keep")

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
