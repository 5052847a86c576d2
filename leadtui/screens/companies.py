"""Companies section: a paged list with type-to-search; cards open from here.

Keys: / (or the search field) searches by the start of the name or domain as you type; Enter opens the company
card; n adds a company; x deletes the highlighted one (asks first); PageUp/PageDown page through the list.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from leadtui.actions import bindings
from leadtui.i18n import _, ngettext
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator
from leadtui.widgets.inert import cell

if TYPE_CHECKING:
    from leadtui.services import companies as svc

PAGE_SIZE = 50


class CompaniesScreen(Screen):
    DEFAULT_CSS = """
    CompaniesScreen #companies-pane { padding: 0 1; }
    CompaniesScreen #companies { height: 1fr; }
    CompaniesScreen #companies-status { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS = bindings("companies")

    def __init__(self) -> None:
        super().__init__(name="companies")
        self.page_offset = 0
        self.search = ""
        self.page: svc.CompanyPage | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("companies")
        with Vertical(id="companies-pane"):
            yield Static(_("Companies"), classes="section-title")
            yield Input(placeholder=_("Search: start of the name or domain (/ comes back here, ↓ to the list)"),
                        id="company-search")
            yield Static("", id="companies-status")
            yield DataTable(id="companies", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#companies", DataTable)
        for key, label in (("name", _("Name")), ("category", _("Category")), ("group", _("Category group")),
                           ("owner", _("Our contact")), ("domain", _("Domain")), ("city", _("City")),
                           ("contacts", _("Contacts"))):
            table.add_column(label, key=key)
        table.focus()
        self.load()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="load")
    async def load(self, debounce: bool = False, select_id: int | None = None) -> None:
        if debounce:
            await asyncio.sleep(0.25)
        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:
            return  # the database did not open: the app says why and exits
        from leadtui.services import companies as svc  # imported once the database layer is loaded

        try:
            page = await svc.list_companies(backend.db, backend.actor, search=self.search, offset=self.page_offset,
                                            limit=PAGE_SIZE)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not page.items and self.page_offset > 0 and page.total:
            self.page_offset = max(0, (page.total - 1) // PAGE_SIZE * PAGE_SIZE)
            self.load(select_id=select_id)
            return
        self.page = page
        table = self.query_one("#companies", DataTable)
        keep = select_id if select_id is not None else self.current_id()
        table.clear()
        for row in page.items:
            lead = cell(row.category + (" •" if row.lead_status_enabled else ""))
            table.add_row(cell(row.name), lead, cell(row.category_group), cell(row.owner_name), cell(row.domain),
                          cell(row.city), str(row.contact_count), key=str(row.id))
        ids = [row.id for row in page.items]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self._status()

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        if page.total:
            text = _("{first}–{last} of {total}").format(first=page.offset + 1, last=page.offset + len(page.items),
                                                          total=page.total)
        elif self.search:
            text = _("No company starts with '{search}'. n adds one.").format(search=self.search)
        else:
            text = _("No companies yet: n adds the first.")
        if page.total > PAGE_SIZE:
            text += "  ·  " + _("page {n} of {pages} (PgUp/PgDn)").format(
                n=page.offset // PAGE_SIZE + 1, pages=(page.total - 1) // PAGE_SIZE + 1)
        text += "  ·  " + _("• = lead status on")
        self.query_one("#companies-status", Static).update(text)

    def current_id(self) -> int | None:
        table = self.query_one("#companies", DataTable)
        if self.page is None or not self.page.items or not 0 <= table.cursor_row < len(self.page.items):
            return None
        return self.page.items[table.cursor_row].id

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#company-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self.page_offset = 0
        self.load(debounce=True)

    @on(Input.Submitted, "#company-search")
    def _search_submitted(self) -> None:
        self.query_one("#companies", DataTable).focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#company-search", Input):
            event.stop()
            self.query_one("#companies", DataTable).focus()

    @on(DataTable.RowSelected, "#companies")
    def _open(self) -> None:
        self.action_open_company()

    # ------------------------------------------------------------------ actions

    def action_search(self) -> None:
        self.query_one("#company-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#companies", DataTable).focus()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        new = self.page_offset + step * PAGE_SIZE
        if new < 0 or new >= max(self.page.total, 1):
            self.notify(_("This is the first page.") if new < 0 else _("This is the last page."), timeout=2)
            return
        self.page_offset = new
        self.load()

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
        from leadtui.screens.dialogs import ConfirmDialog

        from leadtui.services import companies as svc

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            company = await svc.get_company(backend.db, backend.actor, company_id)
            sales = await svc.sales_count(backend.db, company_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        question = _("Delete '{name}' and its {n} contact(s)? They go to the recycle bin.").format(
            name=company.name, n=company.contact_count)
        if sales:
            question += "\n" + ngettext("Its {n} sale stays and still shows the company's name.",
                                        "Its {n} sales stay and still show the company's name.", sales).format(n=sales)
        if not await self.app.push_screen_wait(ConfirmDialog(_("Delete company"), question)):
            return
        try:
            await svc.delete_company(backend.db, backend.actor, company_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.notify(_("Deleted '{name}'.").format(name=company.name))
        self.load()
