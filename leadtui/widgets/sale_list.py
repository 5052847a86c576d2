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
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.i18n import _
from leadtui.services.errors import DomainError
from leadtui.widgets.inert import cap, cell
from leadtui.widgets.paged_table import PAGE_SIZE, PagedTable, PageResult

STATUS_STYLES = {"open": "bold green", "sold": "bold green", "lost": "bold red", "stalled": "bold red"}


def sale_columns(with_company: bool = True) -> list[str]:
    """The key columns first (heading, company, stage, amount): in a narrow terminal they are the ones on screen,
    and the table scrolls sideways to the rest."""
    columns = [_("Heading")]
    if with_company:
        columns.append(_("Company"))
    columns += [_("Stage"), _("Amount"), " ", _("Sale date"), _("Next activity"), _("Done"), _("Owner")]
    return columns


def sale_cells(row, with_company: bool = True, narrow: bool = False) -> list[Text]:  # noqa: ANN001 - SaleRow
    """A row's cells; `narrow` (below 100 columns) cuts heading, company and stage shorter, so that the amount is
    in view at 80 columns too."""
    from leadtui.i18n.format import format_date
    from leadtui.services.money import format_money

    next_style = "bold red" if row.next_activity_overdue else ""
    cells = [cell(cap(row.heading, 20 if narrow else 26))]
    if with_company:
        cells.append(cell(cap(row.company_name or row.contact_name or "", 14 if narrow else 20)))
    cells += [
        cell(cap(row.stage, 17) if narrow and row.stage else row.stage or "—"),
        Text(format_money(row.amount), justify="right"),
        Text(row.status_icon, style=STATUS_STYLES.get(row.status, "")),
        Text(format_date(row.sale_date)),
        Text(format_date(row.next_activity), style=next_style),
        Text("✓" if row.completed else "", justify="center"),
        cell(row.owner),
    ]
    return cells


class SaleList(Widget, can_focus=False):
    """Sales matching the filters, a page at a time. Reload with `reload()` after changes elsewhere."""

    DEFAULT_CSS = """
    SaleList { height: 1fr; }
    SaleList > Vertical { height: 1fr; }
    SaleList DataTable { height: 1fr; }
    SaleList .paged-status { height: 1; }
    """
    BINDINGS = bindings("sale_list")

    search: reactive[str] = reactive("", init=False)
    status: reactive[str] = reactive("", init=False)

    class Changed(Message):
        """A sale was created, changed or deleted through this list."""

    def __init__(
        self,
        *,
        company_id: int | None = None,
        contact_id: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.company_id = company_id
        self.contact_id = contact_id
        self.with_company = company_id is None

    def compose(self) -> ComposeResult:
        yield PagedTable(
            self._page,
            cells=lambda row: sale_cells(row, self.with_company, narrow=self.app.size.width < 100),
            status=self._status,
            table_id="sales-table",
            status_id="sales-status",
            status_below=True,
            keep_row=True,
            at_end=_("No more pages."),
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*sale_columns(self.with_company))
        self.reload()

    @property
    def paged(self) -> PagedTable:
        return self.query_one(PagedTable)

    def watch_search(self) -> None:
        if self.is_mounted:  # before that, on_mount loads the first page
            self.paged.load(first_page=True)

    def watch_status(self) -> None:
        if self.is_mounted:
            self.paged.load(first_page=True)

    def reload(self, select_id: int | None = None) -> None:
        self.paged.load(select_id=select_id)

    async def _page(self, offset: int, limit: int) -> PageResult | None:
        from leadtui.services import sales

        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:  # the database did not open: the app says so and exits
            return None
        page = await sales.list_sales(
            backend.db,
            backend.actor,
            company_id=self.company_id,
            contact_id=self.contact_id,
            status=self.status or None,
            search=self.search or None,
            offset=offset,
            limit=limit,
        )
        return PageResult(page.rows, page.total, page)

    def _status(self, result: PageResult) -> str:
        from leadtui.services.money import format_money

        if result.total:
            shown = _("{first}-{last} of {total}").format(
                first=result.offset + 1, last=result.offset + len(result.items), total=result.total
            )
        else:
            shown = _("No sales")
        pages = max(1, (result.total + PAGE_SIZE - 1) // PAGE_SIZE)
        return _("{shown} · page {page}/{pages} · Σ amount {amount} · weighted {weighted}").format(
            shown=shown,
            page=result.offset // PAGE_SIZE + 1,
            pages=pages,
            amount=format_money(result.page.sum_amount),
            weighted=format_money(result.page.sum_weighted),
        )

    def current(self):  # noqa: ANN201 - SaleRow | None
        return self.paged.current_item()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Delete is offered on a sale the user may delete (the service still refuses the others)."""
        if action == "delete_sale":
            row = self.current()
            return row is None or row.may_delete
        return True

    @on(DataTable.RowHighlighted, "#sales-table")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(PagedTable.Loaded)
    def _loaded(self) -> None:
        self.refresh_bindings()

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
        self.post_message(
            navigation.NewRecord("sale", self._card_closed, company_id=self.company_id, contact_id=self.contact_id)
        )

    def _card_closed(self, closed: navigation.Closed) -> None:
        if closed.changed:
            self.post_message(self.Changed())
        self.reload(closed.record_id if closed.changed else None)  # the sale just saved stays highlighted

    def action_page(self, step: int) -> None:
        self.paged.action_page(step)

    @work(group="action")
    async def action_delete_sale(self) -> None:
        row = self.current()
        if row is None:
            return
        if await navigation.ask(self, "delete_sale", row.id):
            self.post_message(self.Changed())
            self.reload()
