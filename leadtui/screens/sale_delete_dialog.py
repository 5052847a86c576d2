"""Delete sale (S17, decision 9): the sale's details, what goes with it, Yes / No.

SuperOffice says a deleted sale cannot be brought back; leadtui's undo (ctrl+z, `leadtui undo`) can, so the
dialog says that instead of "This cannot be undone" (docs/decisions.md, Sales: Delete).

Users who may not delete the sale are refused before the dialog opens, with the reason.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services.errors import DomainError


class DeleteSaleDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    DeleteSaleDialog { align: center middle; }
    DeleteSaleDialog > Vertical { width: 76; height: auto; border: thick $error; background: $surface; padding: 1 2; }
    DeleteSaleDialog #details { margin: 1 0; }
    DeleteSaleDialog #warning { color: $error; text-style: bold; margin-bottom: 1; }
    DeleteSaleDialog Horizontal { height: auto; align-horizontal: right; }
    DeleteSaleDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("sale_delete")

    def __init__(self, sale) -> None:  # noqa: ANN001 - services.sales.SaleOut
        super().__init__()
        self.sale = sale

    def details(self) -> str:
        from leadtui.services.money import format_money

        sale = self.sale
        company = _("Company: {company}").format(company=sale.company_name or "—")
        if sale.contact_name:
            company += " · " + _("Contact: {contact}").format(contact=sale.contact_name)
        lines = [
            _("Heading: {heading}").format(heading=sale.heading),
            _("Number: {number}").format(number=sale.number),
            company,
            _("Status: {status}").format(status=f"{sale.status_icon} {sale.status_label}") + " · "
            + _("Stage: {stage}").format(stage=sale.stage or "—"),
            _("Amount: {amount}").format(amount=format_money(sale.amount)) + " · "
            + _("Sale date: {date}").format(date=sale.sale_date),
            _("Owner: {owner}").format(owner=sale.owner_name or sale.owner),
        ]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Delete sale"), classes="section-title")
            yield Static(self.details(), id="details")
            yield Static(_("The sale's follow-ups are deleted with it. Undo (ctrl+z) brings both back."),
                         id="warning")
            with Horizontal():
                yield Button(_("Yes, delete") + " (y)", id="yes", variant="error")
                yield Button(_("No") + " (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


async def delete_sale_flow(node: DOMNode, sale_id: int) -> bool:
    """Check the right, ask with the sale's details, delete. Run from a worker (group "action"). True if deleted."""
    from leadtui.services import sales

    app = node.app
    backend = await app.ready_backend()  # type: ignore[attr-defined]
    try:
        sale = await sales.check_can_delete_sale(backend.db, backend.actor, sale_id)
    except DomainError as exc:
        app.notify(str(exc), severity="error", title=_("Not allowed"))
        return False
    if not await app.push_screen_wait(DeleteSaleDialog(sale)):
        return False
    try:
        await sales.delete_sale(backend.db, backend.actor, sale_id, expected_version=sale.version)
    except DomainError as exc:
        app.notify(str(exc), severity="error", title=_("Not deleted"))
        return False
    app.notify(_("Deleted the sale '{heading}'. ctrl+z undoes it.").format(heading=sale.heading))
    return True
