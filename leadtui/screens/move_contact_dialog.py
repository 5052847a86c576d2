"""Move a contact to another company or disconnect it (SPEC.md 2.7 P2), choosing what happens to its follow-ups
and sales on the old company: leave them there, move them all, or move those from a date on. ctrl+s moves."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RadioButton, RadioSet, Static

from leadtui.actions import bindings
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import date_hint, parse_date
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import contacts as svc
from leadtui.services.errors import RuleViolation, StaleEdit
from leadtui.widgets.form import clear_errors, error_line, field_row


class MoveContactDialog(FormDialog):
    """Dismissed with the moved contact (ContactOut), or None when cancelled."""

    DEFAULT_CSS = """
    MoveContactDialog > Vertical { width: 76; }
    MoveContactDialog .question { margin: 1 0; height: auto; }
    MoveContactDialog #carry-counts { height: auto; }
    MoveContactDialog RadioSet { width: 100%; }
    MoveContactDialog .form-row { height: auto; }
    MoveContactDialog .form-row Label { width: auto; padding: 1 1 0 0; }
    MoveContactDialog #carry_from { width: 20; }
    """
    BINDINGS = bindings("move_contact")

    def __init__(
        self, out: svc.ContactOut, target: Any, effect: str, counts: svc.CarryCountOut, db: Any, actor: Any
    ) -> None:
        super().__init__()
        self.out = out
        self.target = target
        self.effect = effect
        self.counts = counts
        self.db = db
        self.actor = actor

    def compose(self) -> ComposeResult:
        out, target = self.out, self.target
        place = f"'{target.name}'" if target is not None else _("no company (disconnect)")
        source = f"'{out.company_name}'" if out.company_name else _("no company")
        with Vertical():
            yield Static(_("Move contact"), classes="section-title")
            yield Static(
                _("Move '{name}' to {company}?").format(name=out.name, company=place) + "\n" + self.effect,
                classes="question",
                markup=False,
            )
            if self.counts.follow_ups or self.counts.sales:
                follow_ups = ngettext("{n} follow-up", "{n} follow-ups", self.counts.follow_ups).format(
                    n=self.counts.follow_ups
                )
                sale_count = ngettext("{n} sale", "{n} sales", self.counts.sales).format(n=self.counts.sales)
                yield Static(
                    _("Follow-ups and sales on {company}: {follow_ups}, {sales}").format(
                        company=source, follow_ups=follow_ups, sales=sale_count
                    ),
                    id="carry-counts",
                    markup=False,
                )
                with RadioSet(id="carry"):
                    yield RadioButton(
                        _("Leave them all on {company}").format(company=source), value=True, id="carry-leave"
                    )
                    yield RadioButton(
                        _("Move them all to {company}").format(company=place)
                        if target is not None
                        else _("Move them all with the contact (no company)"),
                        id="carry-all",
                    )
                    yield RadioButton(_("Move those from a date on"), id="carry-from")
                yield error_line("carry")
                yield from field_row(_("From date"), Input(id="carry_from", placeholder=date_hint()))
            yield error_line("general")
            yield buttons(_("Move"))

    def on_mount(self) -> None:
        clear_errors(self)
        if self.query("#carry"):
            self.query_one("#carry", RadioSet).focus()
        else:
            self.query_one("#ok").focus()

    def _carry(self) -> str:
        if not self.query("#carry"):
            return "leave"
        pressed = self.query_one("#carry", RadioSet).pressed_button
        return pressed.id.removeprefix("carry-") if pressed is not None and pressed.id else "leave"

    def values(self) -> dict[str, Any]:
        carry = self._carry()
        text = self.query_one("#carry_from", Input).value if carry == "from" else ""
        return {"carry": carry, "carry_from": text}

    async def submit(self, values: dict[str, Any]) -> svc.ContactOut:
        carry_from = None
        if values["carry"] == "from":
            try:
                carry_from = parse_date(values["carry_from"])
            except ValueError as exc:
                raise RuleViolation(_("From date: {error}").format(error=exc), field="carry_from") from None
        return await svc.move_contact(
            self.db,
            self.actor,
            self.out.id,
            self.target.id if self.target is not None else None,
            expected_version=self.out.version,
            carry=values["carry"],
            carry_from=carry_from,
        )

    def show_refusal(self, exc: Exception) -> None:
        if isinstance(exc, StaleEdit):  # the card shows the contact as it is now
            self.dismiss(exc)
            return
        super().show_refusal(exc)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.pressed.id == "carry-from":
            self.query_one("#carry_from", Input).focus()
