"""Small reusable dialogs: confirm (y/n), the form dialog every form in a dialog is built on, and the
delete-company flow (ask with what goes with it, delete, say so)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from leadtui.actions import bindings, key_display
from leadtui.i18n import _, ngettext
from leadtui.services.errors import DomainError
from leadtui.widgets.form import clear_errors, show_error


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; y or Enter on Yes confirms, n or Escape cancels.

    `warning` adds a line in the error colour under the question; `danger` draws the dialog and its Yes button
    in the error colour (deleting for good, as the delete-sale dialog)."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
                               border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmDialog #buttons { dock: bottom; }
    ConfirmDialog.-danger > Vertical { width: 76; border: thick $error; }
    ConfirmDialog .question { margin-bottom: 1; }
    ConfirmDialog.-danger .question { margin: 1 0; }
    ConfirmDialog #warning { color: $error; text-style: bold; margin-bottom: 1; }
    ConfirmDialog Horizontal { height: auto; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("confirm")

    def __init__(
        self,
        title: str,
        question: str,
        *,
        yes: str | None = None,
        no: str | None = None,
        warning: str = "",
        danger: bool = False,
    ) -> None:
        super().__init__(classes="-danger" if danger else None)
        self.title_text = title
        self.question = question
        self.yes_label = yes or _("Yes")
        self.no_label = no or _("No")
        self.warning = warning
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            yield Static(self.question, classes="question", id="details", markup=False)
            if self.warning:
                yield Static(self.warning, id="warning", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error" if self.danger else "warning")
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class Dialog(ModalScreen[Any]):
    """A dialog in the middle of the screen: its one container (`Vertical` or `VerticalScroll`) framed in the accent
    colour, `.field-error` lines in the error colour; Escape (`cancel`) closes it with None. Subclasses set the
    width and what differs.

    At a small terminal (80x24) the container scrolls (`overflow-y: auto`) and its `#buttons` row is docked at its
    bottom, outside the scrolled part, so OK and Cancel stay in view; a focused field is scrolled into view."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical, Dialog > VerticalScroll { height: auto; max-height: 95%; border: thick $accent;
                                                 background: $surface; padding: 0 2 1 2; }
    Dialog .field-error { color: $error; height: auto; }
    Dialog > Vertical { overflow-y: auto; }
    Dialog > Vertical, Dialog > VerticalScroll { max-width: 100%; }
    Dialog Checkbox { max-width: 100%; height: auto; }
    Dialog > Vertical > #buttons, Dialog > VerticalScroll > #buttons { dock: bottom; }
    """

    @property
    def focus_chain(self) -> list[Widget]:
        """Tab goes through the fields, then the buttons: Textual orders by position, and a field scrolled below the
        docked button row (80x24) came after OK and Cancel."""
        chain = super().focus_chain
        rows = self.query("#buttons")
        if not rows:
            return chain
        row = rows.first()
        buttons = [widget for widget in chain if row in widget.ancestors_with_self]
        return [widget for widget in chain if widget not in buttons] + buttons

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._show_focused, event.widget)

    def scroll_to_center(self, widget: Widget, *args: Any, **kwargs: Any) -> None:
        """Textual centres a newly focused field (before the dialog's layout settles, at 80x24 the title and the
        first label went out of sight): the dialog shows it its own way instead."""
        self._show_focused(widget)

    def _show_focused(self, widget: Widget) -> None:
        """Scroll the focused field into view with its label above it; the first field shows the dialog's top (its
        title and the first label), not just the field's own lines."""
        if widget is not self.focused or not widget.is_mounted:
            return
        chain = self.focus_chain
        if chain and widget is chain[0]:
            for ancestor in widget.ancestors:
                if ancestor is self:
                    break
                if isinstance(ancestor, Widget) and ancestor.is_scrollable:
                    ancestor.scroll_home(animate=False, immediate=True)
            return
        parent = widget.parent
        if isinstance(parent, Widget):
            siblings = list(parent.children)
            index = siblings.index(widget)
            if index > 0 and isinstance(siblings[index - 1], Label):
                self.scroll_to_widget(siblings[index - 1], animate=False, immediate=True)
            after = siblings[index + 1] if index + 1 < len(siblings) else None
            if after is not None and after.has_class("field-error") and after.display:  # what is wrong with it
                self.scroll_to_widget(after, animate=False, immediate=True)
        self.scroll_to_widget(widget, animate=False, immediate=True)

    def action_cancel(self) -> None:
        self.dismiss(None)


def buttons(
    ok: str, *, ok_id: str = "ok", cancel: str | None = None, compact: bool = False, before: tuple[Button, ...] = ()
) -> Horizontal:
    """A form dialog's button row: `before` (e.g. Restore), OK (ctrl+s), Cancel (esc)."""
    return Horizontal(
        *before,
        Button(f"{ok} (ctrl+s)", id=ok_id, variant="primary", compact=compact),
        Button(f"{cancel or _('Cancel')} ({key_display('escape')})", id="cancel", compact=compact),
        id="buttons",
    )


class FormDialog(Dialog):
    """A form in a dialog: the subclass composes its fields (each with a `.field-error` line `<field>-error`, see
    widgets/form.py `field_row`, and a `#general-error` line), gives `values()` and `async def submit(values)`,
    which calls the service and returns what the dialog is dismissed with.

    OK (ctrl+s, the `ok`/`save` button, Enter in an input) runs the submit hook; a refusal (`ERRORS`) shows at the
    field it names (`DomainError.field`, mapped by `error_field`), else in the general error line, else as a
    notification, and the dialog stays open with what was typed. Cancel (Escape, the `cancel` button) dismisses
    with None."""

    DEFAULT_CSS = """
    FormDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    FormDialog #buttons Button { margin-left: 1; }
    """
    ERRORS: ClassVar[tuple[type[Exception], ...]] = (DomainError,)
    OK_BUTTONS: ClassVar[frozenset[str]] = frozenset({"ok", "save"})

    def values(self) -> Any:
        """What the form holds, handed to `submit` (a dict of field values, as the service takes them)."""
        raise NotImplementedError

    async def submit(self, values: Any) -> Any:
        raise NotImplementedError

    def error_field(self, exc: Exception) -> str | None:
        """The field whose error line shows `exc` (None: the general line)."""
        return getattr(exc, "field", None)

    def show_refusal(self, exc: Exception) -> None:
        if not show_error(self, str(exc), self.error_field(exc)):
            self.notify(str(exc), severity="error")

    async def save_form(self) -> None:
        clear_errors(self)
        try:
            result = await self.submit(self.values())
        except self.ERRORS as exc:
            self.show_refusal(exc)
            return
        self.dismiss(result)

    async def action_save(self) -> None:
        await self.save_form()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in self.OK_BUTTONS:
            event.stop()
            await self.save_form()
        elif event.button.id == "cancel":
            event.stop()
            self.dismiss(None)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.save_form()


async def delete_company_flow(node: DOMNode, company_id: int) -> Any:
    """Ask (with the contacts and sales that go with it), delete, say so. Run from a worker (group "action").
    Returns the deleted company (`CompanyOut`), None when refused or not confirmed."""
    from leadtui.services import companies as svc

    app = node.app
    backend = await app.ready_backend()  # type: ignore[attr-defined]
    try:
        company = await svc.get_company(backend.db, backend.actor, company_id)
        sales = await svc.sales_count(backend.db, company_id)
    except DomainError as exc:
        app.notify(str(exc), severity="error")
        return None
    question = ngettext(
        "Delete '{name}' and its {n} contact? They go to the recycle bin.",
        "Delete '{name}' and its {n} contacts? They go to the recycle bin.",
        company.contact_count,
    ).format(name=company.name, n=company.contact_count)
    if sales:
        question += "\n" + ngettext(
            "Its {n} sale stays and still shows the company's name.",
            "Its {n} sales stay and still show the company's name.",
            sales,
        ).format(n=sales)
    if not await app.push_screen_wait(ConfirmDialog(_("Delete company"), question)):
        return None
    try:
        await svc.delete_company(backend.db, backend.actor, company_id)
    except DomainError as exc:
        app.notify(str(exc), severity="error", title=_("Not deleted"))
        return None
    app.notify(_("Deleted '{name}'.").format(name=company.name))
    return company
