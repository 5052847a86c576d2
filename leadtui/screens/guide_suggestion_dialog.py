"""The Sales guide dialog (SPEC.md G5): the next suggested follow-up has "Automatically suggest this follow-up",
so completing the previous one offers it: Create / Cancel, and "Always create follow-up? Do not show this dialog
again" (turned back on by the command palette's "Preferences: Confirm creation of suggested follow-up").

Keys: Enter creates, Escape cancels, space on the check box ticks it. Dismisses with "create" or
"create-always" (the box was ticked), or None.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widgets import Button, Checkbox, Static

from leadtui.actions import bindings, key_display
from leadtui.i18n import _
from leadtui.i18n.format import format_date
from leadtui.screens.dialogs import Dialog


class GuideSuggestionDialog(Dialog):
    DEFAULT_CSS = """
    GuideSuggestionDialog > Vertical { width: 76; max-height: 100%; padding: 1 2; }
    GuideSuggestionDialog #suggestion { margin: 1 0; }
    GuideSuggestionDialog #always { margin-bottom: 1; }
    GuideSuggestionDialog Horizontal { height: auto; align-horizontal: right; }
    GuideSuggestionDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("guide_suggestion")

    def __init__(self, prompt, sale_heading: str) -> None:  # noqa: ANN001 - guides.GuidePromptOut
        super().__init__()
        self.prompt = prompt
        self.sale_heading = sale_heading

    def details(self) -> str:
        item, draft = self.prompt.follow_up, self.prompt.draft
        lines = [
            _("The next step of the sales guide for '{sale}' is the follow-up '{name}'.").format(
                sale=self.sale_heading, name=item.name
            )
        ]
        if item.purpose:
            lines.append(item.purpose)
        lines.append("")
        lines.append(_("Date: {date}").format(date=format_date(draft.date)))
        if draft.type:
            lines.append(_("Type: {type}").format(type=draft.type))
        lines.append(_("Text: {text}").format(text=draft.text))
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Sales guide"), classes="section-title")
            yield Static(self.details(), id="suggestion")
            yield Checkbox(_("Always create follow-up? Do not show this dialog again"), id="always")
            with Horizontal(id="buttons"):
                yield Button(_("Create") + f" ({key_display('enter')})", id="create", variant="primary")
                yield Button(_("Cancel") + f" ({key_display('escape')})", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#create", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.dismiss("create-always" if self.query_one("#always", Checkbox).value else "create")
        else:
            self.dismiss(None)


def confirm_suggested_command(node: DOMNode) -> tuple[str, str, Callable]:
    """The command palette's switch for Preferences > Sale > Confirm creation of suggested follow-up."""

    async def toggle() -> None:
        from leadtui.services import preferences

        backend = await node.app.ready_backend()  # type: ignore[attr-defined]
        now = not await preferences.confirm_suggested_follow_up(backend.db, backend.actor)
        await preferences.set_confirm_suggested_follow_up(backend.db, backend.actor, now)
        node.app.notify(
            _(
                "Confirm creation of suggested follow-up: on. The Sales guide dialog asks before "
                "creating a suggested follow-up."
            )
            if now
            else _("Confirm creation of suggested follow-up: off. Suggested follow-ups are created without asking.")
        )

    return (
        _("Preferences: Confirm creation of suggested follow-up"),
        _("Ask before the sales guide creates a suggested follow-up (switches on / off)"),
        lambda: node.app.run_worker(toggle(), group="preferences"),
    )
