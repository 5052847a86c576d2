"""A paged table of sales (the Sales section list and the Sales section tab of companies and contacts).

Columns (STAB): Completed, Status icon ($ open, ✓ sold, ✗ lost, ▲ stalled), Sale date, Amount, Stage, Next activity
(a stalled sale shows its re-open date; overdue in red), Heading, Company, Owner. One page is loaded at a time;
the count and the sums of every match come from the database.

Keys: Enter opens the sale card, n new sale (prefilled with the company / contact of a section tab), x delete,
] next page, [ previous page.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Static

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.i18n import _
from leadtui.services.errors import DomainError
from leadtui.widgets.inert import cell

PAGE_SIZE = 50
STATUS_STYLES = {"open": "bold green", "sold": "bold green", "lost": "bold red", "stalled": "bold red"}


def sale_columns(with_company: bool = True) -> list[str]:
    columns = [_("Done"), " ", _("Sale date"), _("Amount"), _("Stage"), _("Next activity"), _("Heading")]
    if with_company:
        columns.append(_("Company"))
    columns.append(_("Owner"))
    return columns


def _cap(text: str, width: int) -> str:
    """Long headings and names are cut with an ellipsis so that the columns after them stay on screen."""
    return text if len(text) <= width else text[: width - 1] + "…"


def sale_cells(row, with_company: bool = True) -> list[Text]:  # noqa: ANN001 - services.sales.SaleRow
    from leadtui.i18n.format import format_date
    from leadtui.services.money import format_money

    next_style = "bold red" if row.next_activity_overdue else ""
    cells = [
        Text("✓" if row.completed else "", justify="center"),
        Text(row.status_icon, style=STATUS_STYLES.get(row.status, "")),
        Text(format_date(row.sale_date)),
        Text(format_money(row.amount), justify="right"),
        cell(row.stage or "—"),
        Text(format_date(row.next_activity), style=next_style),
        cell(_cap(row.heading, 30)),
    ]
    if with_company:
        cells.append(cell(_cap(row.company_name or row.contact_name or "", 24)))
    cells.append(cell(row.owner))
    return cells


class SaleList(Widget, can_focus=False):
    """Sales matching the filters, a page at a time. Reload with `reload()` after changes elsewhere."""

    DEFAULT_CSS = """
    SaleList { height: 1fr; }
    SaleList > Vertical { height: 1fr; }
    SaleList DataTable { height: 1fr; }
    SaleList .sale-list-status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = bindings("sale_list")

    search: reactive[str] = reactive("", init=False)
    status: reactive[str] = reactive("", init=False)

    class Changed(Message):
        """A sale was created, changed or deleted through this list."""

    def __init__(self, *, company_id: int | None = None, contact_id: int | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.company_id = company_id
        self.contact_id = contact_id
        self.page_offset = 0
        self.total = 0
        self.rows: list = []
        self.with_company = company_id is None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield DataTable(id="sales-table", cursor_type="row", zebra_stripes=True)
            yield Static("", classes="sale-list-status", id="sales-status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*sale_columns(self.with_company))
        self.reload()

    def watch_search(self) -> None:
        self.page_offset = 0
        self.reload()

    def watch_status(self) -> None:
        self.page_offset = 0
        self.reload()

    @work(exclusive=True, group="sale-list")
    async def reload(self, select_id: int | None = None) -> None:
        from leadtui.services import sales
        from leadtui.services.money import format_money

        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:  # the database did not open: the app says so and exits
            return
        try:
            page = await sales.list_sales(backend.db, backend.actor, company_id=self.company_id,
                                          contact_id=self.contact_id, status=self.status or None,
                                          search=self.search or None, offset=self.page_offset, limit=PAGE_SIZE)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not page.rows and self.page_offset > 0 and page.total > 0:
            self.page_offset = max(0, (page.total - 1) // PAGE_SIZE * PAGE_SIZE)
            self.reload(select_id)
            return
        self.rows, self.total = page.rows, page.total
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for row in page.rows:
            table.add_row(*sale_cells(row, self.with_company), key=str(row.id))
        if select_id is not None:
            keep = next((i for i, row in enumerate(page.rows) if row.id == select_id), keep)
        if page.rows:
            table.move_cursor(row=max(0, min(keep, len(page.rows) - 1)))
        pages = max(1, (page.total + PAGE_SIZE - 1) // PAGE_SIZE)
        current = self.page_offset // PAGE_SIZE + 1
        if page.total:
            shown = _("{first}-{last} of {total}").format(first=self.page_offset + 1, last=self.page_offset + len(page.rows),
                                                          total=page.total)
        else:
            shown = _("No sales")
        self.query_one("#sales-status", Static).update(
            _("{shown} · page {page}/{pages} · Σ amount {amount} · weighted {weighted}").format(
                shown=shown, page=current, pages=pages, amount=format_money(page.sum_amount),
                weighted=format_money(page.sum_weighted)))

    def current(self):  # noqa: ANN201 - SaleRow | None
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def focus_table(self) -> None:
        self.query_one(DataTable).focus()

    # ------------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#sales-table")
    def _open_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_sale()

    def action_open_sale(self) -> None:
        row = self.current()
        if row is not None:
            self.post_message(navigation.OpenRecord("sale", row.id, self._card_closed))

    def action_new_sale(self) -> None:
        self.post_message(navigation.NewRecord("sale", self._card_closed, company_id=self.company_id,
                                               contact_id=self.contact_id))

    def _card_closed(self, closed: navigation.Closed) -> None:
        if closed.changed:
            self.post_message(self.Changed())
        self.reload(closed.record_id if closed.changed else None)  # the sale just saved stays highlighted

    def action_page(self, step: int) -> None:
        target = self.page_offset + step * PAGE_SIZE
        if target < 0 or target >= max(self.total, 1):
            self.notify(_("No more pages."), severity="information", timeout=2)
            return
        self.page_offset = target
        self.reload()

    @work(group="action")
    async def action_delete_sale(self) -> None:
        row = self.current()
        if row is None:
            return
        if await navigation.ask(self, "delete_sale", row.id):
            self.post_message(self.Changed())
            self.reload()
