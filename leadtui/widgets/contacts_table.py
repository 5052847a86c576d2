"""A table of contacts: the Contacts section tab of the company card (SPEC.md 4.3) and the Contacts section list.

Paged in the database (PageUp/PageDown); columns, sort, filter and grouping chosen in a dialog (o) and
remembered per user; grouping shows a header row per group with its count, rows sorted by the group first.
Space marks contacts; u bulk-updates the marked ones (none marked: every contact the table shows, on the company
card; the highlighted one in the section list). Enter opens the contact card, n adds a contact, x deletes one.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.i18n import _, ngettext
from leadtui.services import contacts as svc
from leadtui.services.errors import DomainError
from leadtui.services.preferences import ContactsView
from leadtui.widgets.inert import cap, cell
from leadtui.widgets.paged_table import PAGE_SIZE, PagedTable, PageResult

GROUP_PREFIX = "group:"
RESET = "reset"  # the view dialog's answer for "back to the default columns" (screens/contacts_view_dialog.py)


class ContactsTable(Vertical):
    DEFAULT_CSS = """
    ContactsTable { height: 1fr; }
    ContactsTable #contacts-search { margin: 0 0 0 0; }
    ContactsTable #contacts-status { color: $text-muted; height: auto; padding: 0 1; }
    ContactsTable DataTable { height: 1fr; }
    """
    BINDINGS = bindings("contacts_table")

    def __init__(
        self, *, company_id: int | None = None, place: str = "company", searchable: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.company_id = company_id
        self.place = place
        self.searchable = searchable
        self.view = ContactsView()
        self.marked: set[int] = set()
        self._view_loaded = False

    # ------------------------------------------------------------------ layout and data

    def compose(self) -> ComposeResult:
        yield PagedTable(
            self._page,
            fill=self._fill,
            status=self._status,
            table_id="contacts",
            status_id="contacts-status",
            search_id="contacts-search",
            search=_("Search: start of a name or email (/ to come back here)") if self.searchable else None,
        )

    def on_mount(self) -> None:
        self.load()

    @property
    def paged(self) -> PagedTable:
        return self.query_one(PagedTable)

    @property
    def table(self) -> DataTable:
        return self.query_one("#contacts", DataTable)

    @property
    def search(self) -> str:
        return self.paged.search

    @property
    def page(self) -> svc.ContactPage | None:
        return self.paged.result.page if self.paged.result is not None else None

    def focus_table(self) -> None:
        self.table.focus()

    def load(self, debounce: bool = False, select_id: int | None = None, first_page: bool = False) -> None:
        self.paged.load(debounce=debounce, select_id=select_id, first_page=first_page)

    async def _page(self, offset: int, limit: int) -> PageResult | None:
        paged = self.paged
        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:
            return None  # the database did not open: the app says why and exits
        from leadtui.services import preferences

        if not self._view_loaded:
            self.view = await preferences.load_contacts_view(backend.db, backend.actor, self.place)
            self._view_loaded = True
        counted = paged.count_total or bool(self.view.group)  # a grouped page counts its groups anyway
        page = await svc.list_contacts(
            backend.db,
            backend.actor,
            company_id=self.company_id,
            search=self.search,
            offset=offset,
            limit=limit,
            sort=self.view.sort,
            descending=self.view.descending,
            group=self.view.group,
            filters=self.view.filters,
            count=counted,
        )
        return PageResult(page.items, page.total, page, counted=counted)

    def _cell(self, row: svc.ContactRow, key: str) -> Text:
        narrow = self.app.size.width < 100  # at 80 columns the lead status after them stays whole
        if key == "name":
            return cell(cap(row.name or "—", 20 if narrow else 24))
        if key in ("company", "email"):  # long values cut: the columns after them stay on screen
            return cell(cap(getattr(row, key) or "", (18 if narrow else 24) if key == "company" else 28))
        if key == "lead_status":
            if not row.lead_status:
                return Text("")
            return cell(row.lead_status) if row.lead_status_visible else cell(row.lead_status, style="dim italic")
        if key == "owner":
            return cell(row.owner_name)
        if key == "email_opt_in":
            return Text("✓" if row.email_opt_in else "")
        if key == "registered_at":
            from leadtui.i18n.format import format_date

            return Text(format_date(row.registered_at))
        if key == "next_activity":  # overdue in red
            from leadtui.i18n.format import format_date

            return Text(format_date(row.next_activity), style="bold red" if row.next_activity_overdue else "")
        return cell(getattr(row, key) or "")

    def _fill(self, table: DataTable, result: PageResult) -> list[int | None]:
        """The rows of a page, with a header row per group; the contact id of each row (None for a header)."""
        page: svc.ContactPage = result.page
        table.clear(columns=True)
        table.add_column("", key="mark", width=1)
        for key in self.view.columns:
            table.add_column(_(svc.COLUMNS[key].label), key=key)
        row_ids: list[int | None] = []
        groups = {g.key: g for g in page.groups or []}
        current_group: str | None = None
        for row in page.items:
            if self.view.group and row.group_key != current_group:
                current_group = row.group_key
                group = groups.get(row.group_key or "")
                label = group.label if group else (row.group_key or _("(empty)"))
                count = f" ({group.count})" if group else ""
                title = Text(f"▾ {_(svc.COLUMNS[self.view.group].label)}: {label}{count}", style="bold")
                table.add_row(
                    Text(""),
                    title,
                    *[Text("") for _k in self.view.columns[1:]],
                    key=f"{GROUP_PREFIX}{row.group_key}:{len(row_ids)}",
                )
                row_ids.append(None)
            mark = Text("●" if row.id in self.marked else "", style="bold")
            table.add_row(mark, *[self._cell(row, key) for key in self.view.columns], key=str(row.id))
            row_ids.append(row.id)
        return row_ids

    def _status(self, page: PageResult) -> str:
        parts = []
        if page.total:
            parts.append(
                _("{first}–{last} of {total}").format(
                    first=page.offset + 1, last=page.offset + len(page.items), total=page.total
                )
            )
        else:
            parts.append(_("No contacts") if not (self.search or self.view.filters) else _("No contacts match"))
        if page.total > PAGE_SIZE:
            parts.append(
                _("page {n} of {pages} (PgUp/PgDn)").format(
                    n=page.offset // PAGE_SIZE + 1, pages=(page.total - 1) // PAGE_SIZE + 1
                )
            )
        arrow = "↓" if self.view.descending else "↑"
        parts.append(_("sorted by {column} {arrow}").format(column=_(svc.COLUMNS[self.view.sort].label), arrow=arrow))
        if self.view.group:
            parts.append(_("grouped by {column}").format(column=_(svc.COLUMNS[self.view.group].label)))
        if self.view.filters:
            parts.append(
                _("filter: {columns}").format(columns=", ".join(_(svc.COLUMNS[k].label) for k in self.view.filters))
            )
        if self.marked:
            parts.append(ngettext("{n} marked", "{n} marked", len(self.marked)).format(n=len(self.marked)))
        parts.append(_("o: columns/sort/filter/group"))
        return "  ·  ".join(parts)

    def current_id(self) -> int | None:
        return self.paged.current_id()

    def current_row(self) -> svc.ContactRow | None:
        return self.paged.current_item()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Delete is offered on a contact the user may delete (the service still refuses the others)."""
        if action == "delete_contact":
            row = self.current_row()
            return row is None or row.may_delete
        return True

    @on(DataTable.RowHighlighted, "#contacts")
    @on(PagedTable.Loaded)
    def _offer(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ events

    @on(DataTable.RowSelected, "#contacts")
    def _row_selected(self) -> None:
        self.action_open_contact()

    # ------------------------------------------------------------------ actions

    def action_search(self) -> None:
        if self.searchable:
            self.query_one("#contacts-search", Input).focus()

    def action_page(self, step: int) -> None:
        self.paged.action_page(step)

    def refresh_contacts(self, select_id: int | None = None) -> None:
        self.load(select_id=select_id)

    def action_mark(self) -> None:
        contact_id = self.current_id()
        if contact_id is None:
            return
        if contact_id in self.marked:
            self.marked.discard(contact_id)
        else:
            self.marked.add(contact_id)
        table = self.table
        table.update_cell(str(contact_id), "mark", Text("●" if contact_id in self.marked else "", style="bold"))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.paged.update_status()

    def action_open_contact(self) -> None:
        contact_id = self.current_id()
        if contact_id is None:
            return
        self.post_message(
            navigation.OpenRecord("contact", contact_id, lambda _closed: self.refresh_contacts(contact_id))
        )

    def action_new_contact(self) -> None:
        # select the contact the card saved, if any
        self.post_message(
            navigation.NewRecord(
                "contact", lambda closed: self.refresh_contacts(closed.record_id), company_id=self.company_id
            )
        )

    @work(group="action")
    async def action_delete_contact(self) -> None:
        row = self.current_row()
        if row is None:
            return
        question = _("Delete the contact '{name}'{company}? It goes to the recycle bin.").format(
            name=row.name, company=f" ({row.company})" if row.company else ""
        )
        if not await navigation.ask(self, "confirm", _("Delete contact"), question):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await svc.delete_contact(backend.db, backend.actor, row.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.marked.discard(row.id)
        self.notify(_("Deleted '{name}'.").format(name=row.name))
        self.load()

    @work(group="action")
    async def action_bulk_update(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.marked:
            ids = sorted(self.marked)
            description = ngettext(
                "Number of contacts in queue for bulk update: {n} (marked)",
                "Number of contacts in queue for bulk update: {n} (marked)",
                len(ids),
            ).format(n=len(ids))
        elif self.company_id is not None:
            try:
                ids = await svc.matching_contact_ids(
                    backend.db, backend.actor, company_id=self.company_id, search=self.search, filters=self.view.filters
                )
            except DomainError as exc:
                self.notify(str(exc), severity="error")
                return
            description = _(
                "Number of contacts in queue for bulk update: {n} (all shown in this tab; space marks single ones)"
            ).format(n=len(ids))
        else:
            current = self.current_id()
            ids = [current] if current is not None else []
            description = _(
                "Number of contacts in queue for bulk update: {n} (the highlighted one; space marks more)"
            ).format(n=len(ids))
        if not ids:
            self.notify(_("No contacts to update: mark some with space."), severity="warning")
            return
        result = await navigation.ask(self, "bulk_update", contact_ids=ids, description=description)
        if result is None:
            return
        skipped = _("; skipped {n}").format(n=result.skipped_total) if result.skipped_total else ""
        self.notify(
            ngettext(
                "Bulk update done: {field} → {value} on {n} contact",
                "Bulk update done: {field} → {value} on {n} contacts",
                result.will_change,
            ).format(field=result.field_label, value=result.value, n=result.will_change)
            + skipped,
            title=_("Bulk update"),
        )
        self.marked.clear()
        self.load()

    @work(group="action")
    async def action_view_options(self) -> None:
        from leadtui.services import preferences

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            choices = await view_choices(backend)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        fixed = {"company"} if self.company_id is not None else set()
        result = await navigation.ask(self, "contacts_view", self.view, choices, fixed=fixed)
        if result is None:
            return
        try:
            if result == RESET:
                await preferences.reset_preference(backend.db, backend.actor, f"contacts-view:{self.place}")
                self.view = preferences.default_contacts_view(self.place)
            else:
                self.view = await preferences.save_contacts_view(backend.db, backend.actor, self.place, result)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.load(first_page=True)


async def view_choices(backend: Any) -> dict[str, list[tuple[str, Any]]]:
    """The values a list column can be filtered by."""
    from leadtui.model.enums import CategoryGroup
    from leadtui.services import lists, users
    from leadtui.services.companies import group_name

    categories = await lists.list_items(backend.db, "category", include_deleted=True)
    statuses = await lists.list_items(backend.db, "lead-status", include_deleted=True)
    people = await users.list_users(backend.db)

    def label(item: Any) -> str:
        return _("{name} (deleted)").format(name=item.name) if item.deleted else item.name

    return {
        "category": [(label(c), c.id) for c in categories],
        "category_group": [(group_name(g), int(g)) for g in CategoryGroup if g != CategoryGroup.UNKNOWN],
        "lead_status": [(label(s), s.id) for s in statuses],
        "owner": [(u.full_name or u.login, u.id) for u in people],
    }
