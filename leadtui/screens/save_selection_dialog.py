"""Save as selection (SPEC.md 4.5): name, Dynamic (the criteria are kept) or Static (today's matches are kept),
who sees it, description. ctrl+s saves through the selections service; refusals appear at their field."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services import find, selections
from leadtui.services.errors import DomainError


class SaveSelectionDialog(ModalScreen["selections.SelectionOut | None"]):
    DEFAULT_CSS = """
    SaveSelectionDialog { align: center middle; }
    SaveSelectionDialog > Vertical { width: 80; height: auto; max-height: 95%; border: thick $accent;
                                     background: $surface; padding: 0 2 1 2; }
    SaveSelectionDialog Label { margin-top: 1; }
    SaveSelectionDialog RadioSet { width: 100%; }
    SaveSelectionDialog .field-error { color: $error; height: auto; }
    SaveSelectionDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    SaveSelectionDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("save_selection")

    def __init__(self, target: str, criteria: list[find.Criterion], *, ids: list[int] | None = None) -> None:
        super().__init__()
        self.target = find.normalise_target(target)
        self.criteria = criteria
        self.ids = ids

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Save as selection · {what}").format(what=find.target_label(self.target)),
                         classes="section-title")
            yield Label(_("Name") + " *")
            yield Input(id="name")
            yield Static("", id="name-error", classes="field-error")
            yield Label(_("Selection is"))
            with RadioSet(id="kind"):
                yield RadioButton(_("Dynamic: keep the criteria, run them again on every view"), value=True,
                                  id="kind-dynamic")
                yield RadioButton(_("Static: keep today's matches as members (add and remove by hand)"),
                                  id="kind-static")
            yield Static("", id="kind-error", classes="field-error")
            yield Label(_("Visible for"))
            with RadioSet(id="visible_for"):
                yield RadioButton(_(selections.VISIBLE_LABELS["all"]), value=True, id="visible-all")
                yield RadioButton(_(selections.VISIBLE_LABELS["group"]), id="visible-group")
                yield RadioButton(_(selections.VISIBLE_LABELS["private"]), id="visible-private")
            yield Label(_("Description"))
            yield Input(id="description")
            yield Static("", id="description-error", classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("OK") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Cancel") + " (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _kind(self) -> str:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return "static" if pressed is not None and pressed.id == "kind-static" else "dynamic"

    def _visible(self) -> str:
        pressed = self.query_one("#visible_for", RadioSet).pressed_button
        return pressed.id.removeprefix("visible-") if pressed is not None and pressed.id else "all"

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @work(exclusive=True, group="save")
    async def action_save(self) -> None:
        for error in self.query(".field-error"):
            error.update("")
        data = {"name": self.query_one("#name", Input).value, "target": self.target, "kind": self._kind(),
                "criteria": [c.model_dump() for c in self.criteria], "visible_for": self._visible(),
                "description": self.query_one("#description", Input).value}
        if self.ids is not None and data["kind"] == "static":
            data["ids"] = self.ids
            data["criteria"] = []
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            out = await selections.create_selection(backend.db, backend.actor, data)
        except DomainError as exc:
            where = self.query(f"#{exc.field}-error") if exc.field else None
            (where.first() if where else self.query_one("#general-error", Static)).update(str(exc))
            if exc.field == "name":
                self.query_one("#name", Input).focus()
            return
        self.dismiss(out)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
