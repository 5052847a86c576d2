"""Delete sale (S17, decision 9): the sale's details, "This cannot be undone", Yes / No.

Users who may not delete the sale are refused before the dialog opens, with the reason.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Static

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
    BINDINGS = [
        Binding("y", "answer(True)", "Yes, delete"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, sale) -> None:  # noqa: ANN001 - services.sales.SaleOut
        super().__init__()
        self.sale = sale

    def details(self) -> str:
        from leadtui.services.money import format_money

        sale = self.sale
        lines = [
            f"{_('Heading')}: {sale.heading}",
            f"{_('Number')}: {sale.number}",
            f"{_('Company')}: {sale.company_name or '—'}" + (f" · {_('Contact')}: {sale.contact_name}" if sale.contact_name else ""),
            f"{_('Status')}: {sale.status_icon} {sale.status_label} · {_('Stage')}: {sale.stage or '—'}",
            f"{_('Amount')}: {format_money(sale.amount)} · {_('Sale date')}: {sale.sale_date}",
            f"{_('Owner')}: {sale.owner_name or sale.owner}",
        ]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Delete sale"), classes="section-title")
            yield Static(self.details(), id="details")
            yield Static(_("This cannot be undone. The sale's follow-ups are deleted with it."), id="warning")
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
    app.notify(_("Deleted the sale '{heading}'.").format(heading=sale.heading))
    return True
