"""Delete sale (S17, decision 9): the sale's details, what goes with it, Yes / No.

SuperOffice says a deleted sale cannot be brought back; leadtui's undo (ctrl+z, `leadtui undo`) can, so the
dialog says that instead of "This cannot be undone" (docs/decisions.md, Sales: Delete).

Users who may not delete the sale are refused before the dialog opens, with the reason.
"""

from __future__ import annotations

from textual.dom import DOMNode

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.i18n.format import format_date
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.services.errors import DomainError


class DeleteSaleDialog(ConfirmDialog):
    """The confirm dialog in the error colour, with the sale's details and what goes with it."""

    BINDINGS = bindings("sale_delete")

    def __init__(self, sale) -> None:  # noqa: ANN001 - services.sales.SaleOut
        self.sale = sale
        super().__init__(
            _("Delete sale"),
            self.details(),
            yes=_("Yes, delete"),
            danger=True,
            warning=_("The sale's follow-ups are deleted with it. Undo (ctrl+z) brings both back."),
        )

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
            _("Status: {status}").format(status=f"{sale.status_icon} {sale.status_label}")
            + " · "
            + _("Stage: {stage}").format(stage=sale.stage or "—"),
            _("Amount: {amount}").format(amount=format_money(sale.amount))
            + " · "
            + _("Sale date: {date}").format(date=format_date(sale.sale_date)),
            _("Owner: {owner}").format(owner=sale.owner_name or sale.owner),
        ]
        return "\n".join(lines)


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
