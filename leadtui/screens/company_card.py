"""The company card (SPEC.md 4.2): the company's fields, its Contacts section tab and its Sales tab.

View mode shows the fields; e edits, ctrl+s saves (Name and Category are mandatory; errors appear under the
field), Escape cancels or goes back; x deletes the company with its contacts after a confirmation. Changing the
category carries the lead status rules to every contact (services.companies). The Contacts tab is a
ContactsTable (columns, sort, filter, group, bulk update); the Sales tab is the sale card's SalesTab.
A new company is checked for duplicates while it is typed (same domain, same or similar name): ctrl+g opens the
existing one on top. A saved company shows its lead creation source (UTM of the import or web form that made it).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import (
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from leadtui.actions import bindings
from leadtui.i18n import N_, _, ngettext, pgettext
from leadtui.screens.card_base import CardScreen
from leadtui.services import companies as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.duplicate_hint import DuplicateHint
from leadtui.widgets.footer import Footer
from leadtui.widgets.inert import markup_safe
from leadtui.widgets.form import FORM_CSS, LABEL_WIDTH, error_line, row
from leadtui.widgets.lead_source import LeadSource
from leadtui.widgets.sales_tab import SalesTab


class CompanyCard(CardScreen):
    DEFAULT_CSS = (
        FORM_CSS
        + """
    CompanyCard #card-title { padding: 0 1; }
    CompanyCard #duplicate-hint { padding: 0 0 0 %(w)d; }
    CompanyCard #company-form { padding: 0 1; }
    CompanyCard #category-hint { color: $text-muted; padding: 0 0 0 %(w)d; height: auto; }
    CompanyCard #card-tabs { height: 1fr; }
    CompanyCard #card-tabs > ContentSwitcher { height: 1fr; }
    CompanyCard TabPane { padding: 0; height: 1fr; }
    """.replace("%(w)d", str(LABEL_WIDTH))
    )
    BINDINGS = bindings("company_card")
    FIELDS = (
        "name",
        "category",
        "owner",
        "business",
        "email",
        "website",
        "phone",
        "address",
        "zip_code",
        "city",
        "country",
        "note",
    )
    LABELS = {
        "name": N_("Name"),
        "category": N_("Category"),
        "owner": N_("Our contact"),
        "business": N_("Business"),
        "email": N_("Email"),
        "website": N_("Website"),
        "phone": N_("Phone"),
        "address": N_("Address"),
        "zip_code": N_("Zip code"),
        "city": N_("City"),
        "country": N_("Country"),
        "note": N_("Note"),
        "domain": N_("Domain"),
    }
    AUTO_FOCUS = "#name"  # a new record: typing goes to the first field at once (disabled in view mode)
    WHAT = N_("company")
    VIEW_ACTIONS = {"delete_company"}

    def audit_target(self) -> tuple[str, int | None]:
        return "company", self.company_id

    def __init__(self, company_id: int | None = None) -> None:
        super().__init__()
        self.company_id = company_id
        self.options: dict[str, list[tuple[str, Any]]] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            _("New company") if self.company_id is None else _("Company"), id="card-title", classes="section-title"
        )
        with TabbedContent(id="card-tabs"):
            with TabPane(_("Company"), id="company-tab"):
                with VerticalScroll(id="company-form"):
                    yield row(_("Name") + " *", Input(id="name", compact=True, max_length=255))
                    yield error_line("name")
                    yield row(
                        _("Category") + " *", Select([], prompt=_("(choose a category)"), compact=True, id="category")
                    )
                    yield Static("", id="category-hint")
                    yield error_line("category")
                    yield row(_("Our contact"), Select([], prompt=_("(No selection)"), compact=True, id="owner"))
                    yield error_line("owner")
                    yield row(_("Business"), Select([], prompt=_("(No selection)"), compact=True, id="business"))
                    yield error_line("business")
                    for field in ("email", "website", "phone", "address", "zip_code", "city", "country"):
                        yield row(_(self.LABELS[field]), Input(id=field, compact=True))
                        yield error_line(field)
                        if field == "website" and self.company_id is None:
                            yield DuplicateHint("company", id="duplicate-hint")
                    yield row(_("Domain"), Static("", id="domain", classes="value"))
                    yield row(_("Note"), Input(id="note", compact=True))
                    yield error_line("note")
                    yield Static("", id="general-error", classes="field-error")
                    if self.company_id is not None:
                        yield LeadSource(company_id=self.company_id, id="lead-source")
            with TabPane(pgettext("company card tab", "Contacts"), id="contacts-tab", disabled=self.company_id is None):
                if self.company_id is not None:
                    from leadtui.widgets.contacts_table import ContactsTable

                    yield ContactsTable(company_id=self.company_id, place="company", id="company-contacts")
                else:
                    yield Static(_("Save the company first; then add its contacts here."), classes="hint")
            with TabPane(_("Activities"), id="activities-tab", disabled=self.company_id is None):
                yield from activities_pane(company_id=self.company_id)
            with TabPane(_("Sales"), id="sales-tab", disabled=self.company_id is None):
                yield from sales_pane(company_id=self.company_id)
        yield Footer()

    def on_mount(self) -> None:
        # a new record is editable at once, so typing is not lost while the pickers load
        self.set_editing(self.company_id is None)
        self.load()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        from leadtui.services import lists, users

        try:
            categories = await lists.list_items(backend.db, "category")
            businesses = await lists.list_items(backend.db, "business")
            people = await users.list_users(backend.db, include_inactive=False)
            out = await svc.get_company(backend.db, backend.actor, self.company_id) if self.company_id else None
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            if self.company_id is not None:
                self.close()
            return
        self.categories = {c.id: c for c in categories}
        self.options = {
            "category": [(c.name, c.id) for c in categories],
            "owner": [(u.full_name or u.login, u.id) for u in people],
            "business": [(b.name, b.id) for b in businesses],
        }
        if out is not None:
            self._keep_current_options(out)
        for field, options in self.options.items():
            self.query_one(f"#{field}", Select).set_options(options)
        if out is None:
            self.query_one("#owner", Select).value = backend.actor.id
            self._category_hint()
            self.set_editing(True)
            if self.focused is None:
                self.focus_first_field()
        else:
            await self.show_record(out)
            self.query_one("#card-tabs", TabbedContent).focus()

    def _keep_current_options(self, out: svc.CompanyOut) -> None:
        """A deleted category, an inactive owner: still shown as the current value (R6)."""
        if out.category_id not in {value for _label, value in self.options["category"]}:
            self.options["category"].append((_("{name} (deleted)").format(name=out.category), out.category_id))
        if out.owner_id is not None and out.owner_id not in {value for _label, value in self.options["owner"]}:
            self.options["owner"].append((out.owner_name, out.owner_id))
        if out.business_id is not None and out.business_id not in {v for _l, v in self.options["business"]}:
            self.options["business"].append((_("{name} (deleted)").format(name=out.business), out.business_id))

    async def fetch(self) -> svc.CompanyOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await svc.get_company(backend.db, backend.actor, self.company_id)  # type: ignore[arg-type]

    def values_from(self, out: svc.CompanyOut) -> dict[str, Any]:
        return {
            "name": out.name,
            "category": out.category_id,
            "owner": out.owner_id,
            "business": out.business_id,
            "email": out.email,
            "website": out.website,
            "phone": out.phone,
            "address": out.address,
            "zip_code": out.zip_code,
            "city": out.city,
            "country": out.country,
            "note": out.note,
        }

    def texts_from(self, out: svc.CompanyOut) -> dict[str, str]:
        texts = {key: str(value or "") for key, value in self.values_from(out).items()}
        texts.update(category=out.category, owner=out.owner_name, business=out.business)
        return texts

    async def save_data(self, data: dict[str, Any]) -> svc.CompanyOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.loaded is None:
            data.setdefault("owner", None)
            return await svc.create_company(backend.db, backend.actor, data)
        return await svc.update_company(
            backend.db, backend.actor, self.loaded.id, data, expected_version=self.loaded.version
        )

    async def show_record(self, out: svc.CompanyOut) -> None:
        was_new = self.company_id is None
        await super().show_record(out)
        if was_new:
            # the new company has an id now: its Contacts and Sales tabs can be built
            self.company_id = out.id
            await self.recompose()
            self.set_editing(False)
            for field, options in self.options.items():
                self.query_one(f"#{field}", Select).set_options(options)
            self.loaded = out
            self.fill(out)
            await self.after_fill()

    async def after_fill(self) -> None:
        out: svc.CompanyOut | None = self.loaded
        if out is None:
            return
        self.query_one("#domain", Static).update(markup_safe(out.domain or "—"))
        self.query_one("#card-title", Static).update(
            f"{markup_safe(out.name)}  ·  {markup_safe(out.category)}  ·  "
            + ngettext("{n} contact", "{n} contacts", out.contact_count).format(n=out.contact_count)
            + ("" if out.may_edit else "  ·  " + _("read-only for you"))
        )
        self._category_hint()
        contacts = self.query("#company-contacts")
        if contacts:
            contacts.first().refresh_contacts()

    def on_screen_resume(self) -> None:
        if self.loaded is not None and not self.editing:
            self.refresh_company()

    @work(exclusive=True, group="refresh")
    async def refresh_company(self) -> None:
        """Back from a contact card: the count of contacts (and the rest) may have changed."""
        try:
            out = await self.fetch()
        except DomainError:
            return
        if not self.editing:
            self.loaded = out
            self.fill(out)
            await self.after_fill()

    def _category_hint(self) -> None:
        select = self.query_one("#category", Select)
        category = getattr(self, "categories", {}).get(None if select.is_blank() else select.value)
        if category is None:
            text = _("Potential customer categories with lead status give every contact a lead status.")
        elif category.enable_lead_status:
            text = _("Lead status is on: every contact of this company has a lead status.")
        else:
            text = _("This category does not use lead status.")
        self.query_one("#category-hint", Static).update(text)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "category":
            self._category_hint()

    # ------------------------------------------------------------------ duplicate check of a new company

    @on(Input.Changed, "#name,#website,#email")
    def _check_duplicate(self) -> None:
        hints = self.query(DuplicateHint)
        if self.loaded is not None or not hints:
            return
        hints.first().check_company(
            self.query_one("#name", Input).value,
            self.query_one("#website", Input).value,
            self.query_one("#email", Input).value,
        )

    # ------------------------------------------------------------------ delete

    @work(group="action", exclusive=True)
    async def action_delete_company(self) -> None:
        out: svc.CompanyOut | None = self.loaded
        if out is None or self.editing:
            return
        from leadtui.screens.dialogs import ConfirmDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            sales = await svc.sales_count(backend.db, out.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        question = ngettext(
            "Delete '{name}' and its {n} contact? They go to the recycle bin.",
            "Delete '{name}' and its {n} contacts? They go to the recycle bin.",
            out.contact_count,
        ).format(name=out.name, n=out.contact_count)
        if sales:
            question += "\n" + ngettext(
                "Its {n} sale stays and still shows the company's name.",
                "Its {n} sales stay and still show the company's name.",
                sales,
            ).format(n=sales)
        if not await self.app.push_screen_wait(ConfirmDialog(_("Delete company"), question)):
            return
        try:
            await svc.delete_company(backend.db, backend.actor, out.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.notify(_("Deleted '{name}'.").format(name=out.name))
        self.close_deleted()


def sales_pane(**owner: Any) -> ComposeResult:
    """The Sales tab of a company or contact card: its sales, once the record is saved."""
    if all(value is None for value in owner.values()):
        yield Static(_("Save first; then its sales show here."), classes="hint")
        return
    yield SalesTab(**owner)


def activities_pane(**owner: Any) -> ComposeResult:
    """The Activities tab of a company or contact card: follow-ups and changes, once the record is saved."""
    if all(value is None for value in owner.values()):
        yield Static(_("Save first; then its follow-ups show here."), classes="hint")
        return
    from leadtui.widgets.activity_timeline import ActivityTimeline

    yield ActivityTimeline(**owner)
