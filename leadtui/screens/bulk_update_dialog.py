"""Bulk update (SPEC.md 4.8): choose a field and a value, see how many contacts will change, are already so and
are skipped (and why), then confirm. Everything happens in one transaction in services.bulk.

Keys: ctrl+s (or Enter) shows the counts; on the counts y updates, n or Escape goes back to the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static

from leadtui.actions import bindings, key_display, key_hint
from leadtui.i18n import _, ngettext
from leadtui.screens.dialogs import Dialog
from leadtui.services import bulk
from leadtui.services import lists as list_svc
from leadtui.services import users as user_svc
from leadtui.services.errors import DomainError
from leadtui.widgets.form import FORM_CSS, clear_errors, error_line, row, show_error

NO_OWNER = "-"


class BulkUpdateDialog(Dialog):
    DEFAULT_CSS = (
        FORM_CSS
        + """
    BulkUpdateDialog > Vertical { width: 84; max-height: 90%; padding: 1 2; }
    BulkUpdateDialog #choose { height: auto; }
    BulkUpdateDialog #counts { height: auto; margin: 1 0; }
    BulkUpdateDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    BulkUpdateDialog Button { margin-left: 1; }
    """
    )
    BINDINGS = bindings("bulk_update")

    def __init__(
        self, *, contact_ids: Sequence[int] | None = None, company_id: int | None = None, description: str = ""
    ) -> None:
        super().__init__()
        self.contact_ids = list(contact_ids) if contact_ids is not None else None
        self.company_id = company_id
        self.description = description
        self.preview: bulk.BulkPreview | None = None
        self.values: dict[str, list[tuple[str, Any]]] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Bulk update"), classes="section-title")
            yield Static(self.description, id="queue", classes="hint")
            with Vertical(id="choose"):
                yield row(
                    _("Field"),
                    Select(
                        [(_(label), key) for key, label in bulk.FIELDS.items()],
                        value="lead_status",
                        allow_blank=False,
                        compact=True,
                        id="field",
                    ),
                )
                yield error_line("field")
                yield row(_("Set to"), Select([("…", "")], allow_blank=False, compact=True, id="value"))
                yield error_line("value")
                yield error_line("lead_status")
                yield Static("", id="general-error", classes="field-error")
            yield Static("", id="counts")
            with Horizontal(id="buttons"):
                yield Button(_("Show counts") + " (ctrl+s)", id="preview", variant="primary")
                yield Button(_("Update") + " (y)", id="apply", variant="warning")
                yield Button(_("Back") + f" ({key_display('escape')})", id="back")

    def on_mount(self) -> None:
        self._show_step()
        self.load_values()

    @work(group="load")
    async def load_values(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            statuses = await list_svc.list_items(backend.db, "lead-status")
            people = await user_svc.list_users(backend.db, include_inactive=False)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.values = {
            "lead_status": [(s.name, s.id) for s in statuses],
            "owner": [(_("(No selection)"), NO_OWNER)] + [(u.full_name or u.login, u.id) for u in people],
            "email_opt_in": [(_("Yes"), True), (_("No"), False)],
        }
        self._fill_values()
        self.query_one("#field", Select).focus()

    @on(Select.Changed, "#field")
    def _field_changed(self) -> None:
        self._fill_values()

    def _fill_values(self) -> None:
        field = self.query_one("#field", Select).value
        select = self.query_one("#value", Select)
        options = self.values.get(str(field), [])
        if not options:  # the values are still loading
            return
        select.set_options(options)
        select.value = options[0][1]

    def _show_step(self) -> None:
        previewing = self.preview is not None
        self.query_one("#choose").disabled = previewing
        self.query_one("#preview", Button).display = not previewing
        self.query_one("#apply", Button).display = previewing and self.preview.will_change > 0  # type: ignore[union-attr]
        self.query_one("#counts", Static).display = previewing
        back = _("Back") if previewing else _("Cancel")
        self.query_one("#back", Button).label = back + f" ({key_display('escape')})"

    def _chosen(self) -> tuple[str, Any]:
        field = str(self.query_one("#field", Select).value)
        select = self.query_one("#value", Select)
        value = None if select.is_blank() else select.value
        if field == "owner" and value == NO_OWNER:
            value = None
        return field, value

    async def action_preview(self) -> None:
        if self.preview is not None:
            return
        clear_errors(self)
        field, value = self._chosen()
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.preview = await bulk.preview_bulk_update(
                backend.db, backend.actor, field, value, contact_ids=self.contact_ids, company_id=self.company_id
            )
        except DomainError as exc:
            show_error(self, str(exc), "value" if exc.field == "lead_status" else exc.field)
            return
        self.query_one("#counts", Static).update(self._describe(self.preview))
        self._show_step()
        (self.query_one("#apply", Button) if self.preview.will_change else self.query_one("#back", Button)).focus()

    def _describe(self, result: bulk.BulkPreview, *, done: bool = False) -> str:
        lines = [
            f"{result.field_label} → {result.value}",
            (
                ngettext("Will change: {n} contact", "Will change: {n} contacts", result.will_change)
                if not done
                else ngettext("Changed: {n} contact", "Changed: {n} contacts", result.will_change)
            ).format(n=result.will_change),
            _("Already so (unchanged): {n}").format(n=result.unchanged),
            _("Skipped: {n}").format(n=result.skipped_total),
        ]
        lines.extend(f"   {count} × {reason}" for reason, count in result.skipped.items())
        if not done and result.will_change == 0:
            lines.append(_("Nothing to update."))
        elif not done:
            lines.append(
                _("Press y to update them all in one go ({undo} undoes it afterwards), Escape to go back.").format(
                    undo=key_hint(self.app, "app.undo")
                )
            )
        return "\n".join(lines)

    async def action_apply(self) -> None:
        if self.preview is None or self.preview.will_change == 0:
            return
        field, value = self._chosen()
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            result = await bulk.apply_bulk_update(
                backend.db, backend.actor, field, value, contact_ids=self.contact_ids, company_id=self.company_id
            )
        except DomainError as exc:
            self.preview = None
            self._show_step()
            show_error(self, str(exc), None)
            return
        self.dismiss(result)

    def action_back(self) -> None:
        if self.preview is None:
            self.dismiss(None)
            return
        self.preview = None
        self._show_step()
        self.query_one("#field", Select).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview":
            await self.action_preview()
        elif event.button.id == "apply":
            await self.action_apply()
        else:
            self.action_back()
