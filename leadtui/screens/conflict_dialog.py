"""Someone else saved the record after you opened it (StaleEdit): say what they changed, never overwrite silently.

Reload shows their version (your unsaved edits are dropped). Keep editing leaves your edits on screen, takes in
their changes to the fields you did not touch, and lets you save again over their version knowingly.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from leadtui.actions import bindings
from leadtui.i18n import _


class ConflictDialog(ModalScreen[str]):
    """Returns "reload" or "keep"."""

    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 90%; border: thick $error;
                                background: $surface; padding: 1 2; overflow-y: auto; }
    ConflictDialog #buttons { dock: bottom; }
    ConflictDialog .changes { margin: 1 0; height: auto; }
    ConflictDialog Horizontal { height: auto; align-horizontal: right; }
    ConflictDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("conflict")

    def __init__(self, what: str, changes: list[tuple[str, str, str]]) -> None:
        """`changes`: (field label, value when you opened it, value now) of the fields someone else changed."""
        super().__init__()
        self.what = what
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Changed by someone else"), classes="section-title")
            yield Static(
                _("{what} was saved by someone else after you opened it. Nothing of yours was saved.").format(
                    what=self.what
                )
            )
            if self.changes:
                lines = [f"• {label}: {before or '—'}  →  {now or '—'}" for label, before, now in self.changes]
            else:
                lines = [_("• (no field you can see changed: the record was saved again)")]
            yield Static("\n".join(lines), classes="changes", id="conflict-changes")
            yield Static(
                _(
                    "Reload shows their version and drops your edits. Keep editing keeps your edits and takes "
                    "in their other changes; saving again then replaces their values of the fields you edited."
                ),
                classes="hint",
            )
            with Horizontal(id="buttons"):
                yield Button(_("Reload") + " (r)", id="reload", variant="warning")
                yield Button(_("Keep editing") + " (k)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
