"""Companies section: a paged list with type-to-search; cards open from here.

Keys: / (or the search field) searches by the start of the name or domain as you type; Enter opens the company
card; n adds a company; x deletes the highlighted one (asks first); PageUp/PageDown page through the list.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator
from leadtui.widgets.inert import cell
from leadtui.widgets.paged_table import PAGE_SIZE, PagedTable, PageResult


class CompaniesScreen(Screen):
    DEFAULT_CSS = """
    CompaniesScreen #companies-pane { padding: 0 1; }
    CompaniesScreen #companies { height: 1fr; }
    CompaniesScreen #companies-status { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS = bindings("companies")

    def __init__(self) -> None:
        super().__init__(name="companies")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("companies")
        with Vertical(id="companies-pane"):
            yield Static(_("Companies"), classes="section-title")
            yield PagedTable(
                self._page,
                cells=self._cells,
                status=self._status,
                table_id="companies",
                status_id="companies-status",
                search_id="company-search",
                search=_("Search: start of the name or domain (/ comes back here, ↓ to the list)"),
            )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#companies", DataTable)
        for key, label in (
            ("name", _("Name")),
            ("category", _("Category")),
            ("group", _("Category group")),
            ("owner", _("Our contact")),
            ("domain", _("Domain")),
            ("city", _("City")),
            ("contacts", _("Contacts")),
        ):
            table.add_column(label, key=key)
        table.focus()
        self.load()

    # ------------------------------------------------------------------ data

    @property
    def paged(self) -> PagedTable:
        return self.query_one(PagedTable)

    def load(self, debounce: bool = False, select_id: int | None = None, first_page: bool = False) -> None:
        self.paged.load(debounce=debounce, select_id=select_id, first_page=first_page)

    async def _page(self, offset: int, limit: int) -> PageResult | None:
        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:
            return None  # the database did not open: the app says why and exits
        from leadtui.services import companies as svc  # imported once the database layer is loaded

        page = await svc.list_companies(backend.db, backend.actor, search=self.paged.search, offset=offset, limit=limit)
        return PageResult(page.items, page.total, page)

    @staticmethod
    def _cells(row: Any) -> list[Any]:  # services.companies.CompanyRow
        lead = cell(row.category + (" •" if row.lead_status_enabled else ""))
        return [
            cell(row.name),
            lead,
            cell(row.category_group),
            cell(row.owner_name),
            cell(row.domain),
            cell(row.city),
            str(row.contact_count),
        ]

    def _status(self, page: PageResult) -> str:
        if page.total:
            text = _("{first}–{last} of {total}").format(
                first=page.offset + 1, last=page.offset + len(page.items), total=page.total
            )
        elif self.paged.search:
            text = _("No company starts with '{search}'. n adds one.").format(search=self.paged.search)
        else:
            text = _("No companies yet: n adds the first.")
        if page.total > PAGE_SIZE:
            text += "  ·  " + _("page {n} of {pages} (PgUp/PgDn)").format(
                n=page.offset // PAGE_SIZE + 1, pages=(page.total - 1) // PAGE_SIZE + 1
            )
        return text + "  ·  " + _("• = lead status on")

    def current_id(self) -> int | None:
        return self.paged.current_id()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Delete is offered on a company the user may delete (the service still refuses the others)."""
        if action == "delete_company":
            row = self.paged.current_item()
            return row is None or row.may_delete
        return True

    @on(DataTable.RowHighlighted, "#companies")
    @on(PagedTable.Loaded)
    def _offer(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ events

    @on(DataTable.RowSelected, "#companies")
    def _open(self) -> None:
        self.action_open_company()

    # ------------------------------------------------------------------ actions

    def action_search(self) -> None:
        self.query_one("#company-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#companies", DataTable).focus()

    def action_page(self, step: int) -> None:
        self.paged.action_page(step)

    def action_open_company(self) -> None:
        company_id = self.current_id()
        if company_id is None:
            return
        from leadtui.screens.company_card import CompanyCard

        self.app.push_screen(CompanyCard(company_id), lambda _changed: self.load(select_id=company_id))

    def action_new_company(self) -> None:
        from leadtui.screens.company_card import CompanyCard

        def done(_changed: object) -> None:
            self.load()

        self.app.push_screen(CompanyCard(None), done)

    @work(group="action")
    async def action_delete_company(self) -> None:
        company_id = self.current_id()
        if company_id is None:
            return
        from leadtui.screens.dialogs import delete_company_flow

        if await delete_company_flow(self, company_id) is not None:
            self.load()
