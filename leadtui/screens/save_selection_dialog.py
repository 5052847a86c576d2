"""Save as selection (SPEC.md 4.5): name, Dynamic (the criteria are kept) or Static (today's matches are kept),
who sees it, description. ctrl+s saves through the selections service; refusals appear at their field."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import find, selections
from leadtui.widgets.form import error_line, field_row


class SaveSelectionDialog(FormDialog):
    DEFAULT_CSS = """
    SaveSelectionDialog > Vertical { width: 80; }
    SaveSelectionDialog Label { margin-top: 1; }
    SaveSelectionDialog RadioSet { width: 100%; }
    """
    BINDINGS = bindings("save_selection")

    def __init__(self, target: str, criteria: list[find.Criterion], *, ids: list[int] | None = None) -> None:
        super().__init__()
        self.target = find.normalise_target(target)
        self.criteria = criteria
        self.ids = ids

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _("Save as selection · {what}").format(what=find.target_label(self.target)), classes="section-title"
            )
            yield from field_row(_("Name") + " *", Input(id="name"), stacked=True)
            yield Label(_("Selection is"))
            with RadioSet(id="kind"):
                yield RadioButton(
                    _("Dynamic: keep the criteria, run them again on every view"), value=True, id="kind-dynamic"
                )
                yield RadioButton(
                    _("Static: keep today's matches as members (add and remove by hand)"), id="kind-static"
                )
            yield error_line("kind")
            yield Label(_("Visible for"))
            with RadioSet(id="visible_for"):
                yield RadioButton(_(selections.VISIBLE_LABELS["all"]), value=True, id="visible-all")
                yield RadioButton(_(selections.VISIBLE_LABELS["group"]), id="visible-group")
                yield RadioButton(_(selections.VISIBLE_LABELS["private"]), id="visible-private")
            yield from field_row(_("Description"), Input(id="description"), stacked=True)
            yield error_line("general")
            yield buttons(_("OK"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _kind(self) -> str:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return "static" if pressed is not None and pressed.id == "kind-static" else "dynamic"

    def _visible(self) -> str:
        pressed = self.query_one("#visible_for", RadioSet).pressed_button
        return pressed.id.removeprefix("visible-") if pressed is not None and pressed.id else "all"

    def values(self) -> dict[str, Any]:
        data = {
            "name": self.query_one("#name", Input).value,
            "target": self.target,
            "kind": self._kind(),
            "criteria": [c.model_dump() for c in self.criteria],
            "visible_for": self._visible(),
            "description": self.query_one("#description", Input).value,
        }
        if self.ids is not None and data["kind"] == "static":
            data["ids"] = self.ids
            data["criteria"] = []
        return data

    async def submit(self, values: dict[str, Any]) -> selections.SelectionOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await selections.create_selection(backend.db, backend.actor, values)
