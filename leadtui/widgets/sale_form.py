"""The sale card's form (SPEC.md 2.3): the fields of its Sale tab and of its Details tab, each field a row with
its label and an error line under it (`#<field>-error`). The card fills, reads and checks them; the live stage
rules come from services.sales.stage_rules."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from leadtui.i18n import _
from leadtui.i18n.format import date_hint

SOLD, LOST = "sold", "lost"  # the pseudo-stages of the Stage field


def field_row(label: str, widget: Widget, field: str, *, extra: Widget | None = None) -> list[Widget]:
    """A labelled field (`#row-<field>`, label `#<field>-label`) and its error line (`#<field>-error`)."""
    children: list[Widget] = [Label(label, classes="field-label", id=f"{field}-label"), widget]
    if extra is not None:
        children.append(extra)
    return [
        Horizontal(*children, classes="field", id=f"row-{field}"),
        Static("", id=f"{field}-error", classes="field-error"),
    ]


class SaleMainFields(VerticalScroll, can_focus=False):
    """The Sale tab: heading, type, stage, probability, amount, company, contact, owner, date, reasons, stalled,
    completed."""

    def __init__(self) -> None:
        super().__init__(classes="form")

    def compose(self) -> ComposeResult:
        yield from field_row(_("Heading") + " *", Input(id="heading", compact=True), "heading")
        yield from field_row(
            _("Sale type") + " *",
            Select([], id="sale_type", compact=True, allow_blank=True, prompt=_("(choose)")),
            "sale_type",
        )
        yield from field_row(
            _("Stage"),
            Select([(_("Sold"), SOLD), (_("Lost"), LOST)], id="stage", compact=True, allow_blank=False),
            "stage",
        )
        yield from field_row(
            _("Probability %"),
            Input(id="probability", type="integer", compact=True, max_length=3),
            "probability",
            extra=Static("", id="weighted"),
        )
        yield from field_row(_("Amount"), Input(id="amount", compact=True), "amount")
        yield from field_row(_("Company"), Button("", id="company_id", compact=True, classes="picker"), "company_id")
        yield from field_row(_("Contact"), Button("", id="contact_id", compact=True, classes="picker"), "contact_id")
        yield from field_row(_("Owner"), Select([], id="owner", compact=True, prompt=_("(choose)")), "owner")
        yield from field_row(
            _("Sale date") + " *", Input(id="sale_date", compact=True, placeholder=date_hint()), "sale_date"
        )
        yield from field_row(
            _("Reason (sold)") + " *", Select([], id="reason_sold", compact=True, prompt=_("(choose)")), "reason_sold"
        )
        yield from field_row(
            _("Reason (lost)") + " *", Select([], id="reason_lost", compact=True, prompt=_("(choose)")), "reason_lost"
        )
        yield from field_row(_("Next activity"), Static("", id="next_activity"), "next_activity")
        yield from field_row(_("Stalled"), Checkbox(_("no"), id="stalled", compact=True), "stalled")
        yield Static("", id="status-error", classes="field-error")
        yield from field_row(
            _("Re-open date") + " *", Input(id="reopen_date", compact=True, placeholder=date_hint()), "reopen_date"
        )
        yield from field_row(
            _("Reason (stalled)") + " *",
            Select([], id="reason_stalled", compact=True, prompt=_("(choose)")),
            "reason_stalled",
        )
        yield from field_row(_("Completed"), Checkbox(_("no"), id="completed", compact=True), "completed")


class SaleDetailsFields(VerticalScroll, can_focus=False):
    """The Details tab: number, source, competitor, the money fields and the read-only facts."""

    def __init__(self) -> None:
        super().__init__(classes="form")

    def compose(self) -> ComposeResult:
        yield from field_row(_("Number"), Static("", id="number"), "number")
        yield from field_row(_("Source"), Select([], id="source", compact=True, prompt=_("(none)")), "source")
        yield from field_row(
            _("Competitor"), Select([], id="competitor", compact=True, prompt=_("(none)")), "competitor"
        )
        yield from field_row(_("Total cost"), Input(id="cost", compact=True), "cost")
        yield from field_row(_("Profit"), Input(id="profit", compact=True), "profit")
        yield from field_row(_("Percentage"), Input(id="percentage", compact=True), "percentage")
        yield Static("", id="details-info", classes="hint")
