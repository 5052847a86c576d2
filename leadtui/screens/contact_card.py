"""The contact card (SPEC.md 4.1): names, company, category, lead status, Our contact, email; history; sales.

- Category and Our contact come from the company when the contact has one (L9): shown, not editable.
- Lead status sits directly under Category, only when the company's category is lead-enabled (L1, L2): a
  drop-down of the live statuses when you may edit, text otherwise; its description is the tooltip and a line
  under it, with the days in the current status. A value kept from an earlier lead category is not shown here
  (L7) but stays searchable in the lists.
- The History tab lists every lead status and category change (from, to, when, who).
- A new contact is checked for duplicates while it is typed (same email, same or similar name): the hint under
  the fields names the strongest match and ctrl+g opens its card on top (the new contact stays as typed).
- A saved contact shows its lead source (UTM first touch of an import or web form) and why the distribution of
  new leads gave it its owner, read-only.
Keys: e edit, ctrl+s save, Escape cancel/back, m move to another company, x delete, ctrl+o choose the company of
a new contact, ctrl+g open the possible duplicate, >/< switch tabs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import (
    Checkbox,
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.screens.card_base import CardScreen
from leadtui.screens.company_card import activities_pane, sales_pane
from leadtui.services import contacts as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.duplicate_hint import DuplicateHint
from leadtui.widgets.footer import Footer
from leadtui.widgets.form import FORM_CSS, LABEL_WIDTH, error_line, row
from leadtui.widgets.lead_source import LeadSource
from leadtui.widgets.activity_timeline import ActivityTimeline
from leadtui.widgets.history_pane import HistoryPane
from leadtui.widgets.inert import markup_safe
from leadtui.widgets.lead_status_field import (
    LeadStatusField,
    LeadStatusState,
    StatusOption,
)


class ContactCard(CardScreen):
    DEFAULT_CSS = (
        FORM_CSS
        + """
    ContactCard #card-title { padding: 0 1; }
    ContactCard #duplicate-hint { padding: 0 0 0 %(w)d; }
    ContactCard #contact-form { padding: 0 1; }
    ContactCard #card-tabs { height: 1fr; }
    ContactCard #card-tabs > ContentSwitcher { height: 1fr; }
    ContactCard TabPane { padding: 0; height: 1fr; }
    ContactCard #history { height: 1fr; }
    ContactCard #company-value, ContactCard #category-value, ContactCard #owner-value { text-style: bold; }
    """.replace("%(w)d", str(LABEL_WIDTH))
    )
    BINDINGS = bindings("contact_card")
    FIELDS = (
        "first_name",
        "last_name",
        "category",
        "lead_status",
        "owner",
        "email",
        "email_opt_in",
        "title",
        "mobile",
        "phone",
        "note",
    )
    LABELS = {
        "first_name": N_("First name"),
        "last_name": N_("Last name"),
        "company": N_("Company"),
        "category": N_("Category"),
        "lead_status": N_("Lead status"),
        "owner": N_("Our contact"),
        "email": N_("Email"),
        "email_opt_in": N_("Email opt-in"),
        "title": N_("Title"),
        "mobile": N_("Mobile"),
        "phone": N_("Phone"),
        "note": N_("Note"),
    }
    AUTO_FOCUS = "#first_name"  # a new record: typing goes to the first field at once (disabled in view mode)
    WHAT = N_("contact")
    VIEW_ACTIONS = {"move", "delete_contact"}

    def audit_target(self) -> tuple[str, int | None]:
        return "contact", self.contact_id

    def __init__(self, contact_id: int | None = None, *, company_id: int | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.new_company_id = company_id  # the company of a new contact
        self.new_company: Any = None
        self.statuses: list[StatusOption] = []
        self.options: dict[str, list[tuple[str, Any]]] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # the record is read while the card is built (its fields fill once they are mounted): the card shows with
        # its data a frame sooner, and its reads go before those of the tabs' widgets
        self._mounted = asyncio.Event()
        self.load()
        view = self.contact_id is not None  # a saved contact opens in view mode: its fields are made disabled once
        yield Header()
        yield Static(
            _("New contact") if self.contact_id is None else _("Contact"), id="card-title", classes="section-title"
        )
        with TabbedContent(id="card-tabs"):
            with TabPane(_("Contact"), id="contact-tab"):
                with VerticalScroll(id="contact-form"):
                    yield row(_("First name"), Input(id="first_name", compact=True, max_length=80, disabled=view))
                    yield error_line("first_name")
                    yield row(_("Last name"), Input(id="last_name", compact=True, max_length=80, disabled=view))
                    yield error_line("last_name")
                    yield row(_("Company"), Static("", id="company-value", classes="value"))
                    yield error_line("company")
                    yield row(_("Category"), Static("", id="category-value", classes="value"), row_id="category-row")
                    yield row(
                        _("Category"),
                        Select([], prompt=_("(No selection)"), compact=True, id="category", disabled=view),
                        row_id="category-edit-row",
                    )
                    yield error_line("category")
                    yield LeadStatusField()
                    yield row(_("Our contact"), Static("", id="owner-value", classes="value"), row_id="owner-row")
                    yield row(
                        _("Our contact"),
                        Select([], prompt=_("(No selection)"), compact=True, id="owner", disabled=view),
                        row_id="owner-edit-row",
                    )
                    yield error_line("owner")
                    yield row(_("Email"), Input(id="email", compact=True, disabled=view))
                    yield error_line("email")
                    if self.contact_id is None:
                        yield DuplicateHint("contact", id="duplicate-hint")
                    yield row(
                        _("Email opt-in"),
                        Checkbox(
                            _("agrees to receive marketing email"), compact=True, id="email_opt_in", disabled=view
                        ),
                    )
                    for field in ("title", "mobile", "phone", "note"):
                        yield row(_(self.LABELS[field]), Input(id=field, compact=True, disabled=view))
                        yield error_line(field)
                    yield row(_("Next activity"), Static("", id="next-activity-value", classes="value"))
                    yield Static("", id="general-error", classes="field-error")
                    if self.contact_id is not None:
                        yield LeadSource(contact_id=self.contact_id, id="lead-source")
            with TabPane(_("History"), id="history-tab", disabled=self.contact_id is None):
                yield Static(_("Lead status and category changes, newest first."), classes="hint")
                yield HistoryPane()
            with TabPane(_("Activities"), id="activities-tab", disabled=self.contact_id is None):
                yield from activities_pane(contact_id=self.contact_id)
            with TabPane(_("Sales"), id="sales-tab", disabled=self.contact_id is None):
                yield from sales_pane(contact_id=self.contact_id)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lead_status-field").display = False
        for edit_row in ("#category-edit-row", "#owner-edit-row"):
            self.query_one(edit_row).display = False
        # a new record is editable at once, so typing is not lost while the pickers load
        self.set_editing(self.contact_id is None)
        self._mounted.set()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        from leadtui.services import companies, lists, users

        try:
            categories = await lists.list_items(backend.db, "category")
            statuses = await lists.list_items(backend.db, "lead-status", include_deleted=True)
            people = await users.list_users(backend.db, include_inactive=False)
            out = await svc.get_contact(backend.db, backend.actor, self.contact_id) if self.contact_id else None
            if out is None and self.new_company_id is not None:
                self.new_company = await companies.get_company(backend.db, backend.actor, self.new_company_id)
        except DomainError as exc:
            await self._mounted.wait()
            self.notify(str(exc), severity="error")
            self.close()
            return
        await self._mounted.wait()
        self.statuses = [StatusOption(s.id, s.name, s.description, s.deleted) for s in statuses]
        self.default_status = next((s.id for s in statuses if s.is_default and not s.deleted), None)
        self.options = {
            "category": [(c.name, c.id) for c in categories],
            "owner": [(u.full_name or u.login, u.id) for u in people],
        }
        if out is not None:
            if out.category_id is not None and out.category_id not in {v for _l, v in self.options["category"]}:
                self.options["category"].append((_("{name} (deleted)").format(name=out.category), out.category_id))
            if out.owner_id is not None and out.owner_id not in {v for _l, v in self.options["owner"]}:
                self.options["owner"].append((out.owner_name, out.owner_id))
        for field, options in self.options.items():
            self.query_one(f"#{field}", Select).set_options(options)
        if out is None:
            if self.new_company is None:
                self.query_one("#owner", Select).value = backend.actor.id
            await self._show_links()
            self.set_editing(True)
            if self.focused is None:
                self.focus_first_field()
            self.check_duplicate()  # typed before the company was known: look again with it
        else:
            await self.show_record(out)  # its history too
            self.query_one("#card-tabs", TabbedContent).focus()

    async def _load_history(self) -> None:
        if self.contact_id is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            rows = await svc.contact_history(backend.db, self.contact_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one(HistoryPane).show(rows)
        await self._show_next_activity()

    async def _show_next_activity(self) -> None:
        """Next activity: the date of the contact's earliest open follow-up, red when overdue."""
        from rich.text import Text

        from leadtui.i18n.format import format_date
        from leadtui.services import follow_ups

        if self.contact_id is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            day = await follow_ups.next_activity(backend.db, contact_id=self.contact_id)
        except DomainError:
            return
        if day is None:
            shown = Text(_("none planned"), style="dim")
        else:
            shown = Text(format_date(day), style="bold red" if follow_ups.is_overdue(day) else "")
        self.query_one("#next-activity-value", Static).update(shown)

    @on(ActivityTimeline.Changed)
    async def _follow_ups_changed(self) -> None:
        await self._show_next_activity()

    async def fetch(self) -> svc.ContactOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await svc.get_contact(backend.db, backend.actor, self.contact_id)  # type: ignore[arg-type]

    def values_from(self, out: svc.ContactOut) -> dict[str, Any]:
        return {
            "first_name": out.first_name,
            "last_name": out.last_name,
            "category": out.category_id,
            "lead_status": out.lead_status_id,
            "owner": out.owner_id,
            "email": out.email,
            "email_opt_in": out.email_opt_in,
            "title": out.title,
            "mobile": out.mobile,
            "phone": out.phone,
            "note": out.note,
        }

    def texts_from(self, out: svc.ContactOut) -> dict[str, str]:
        texts = {key: str(value or "") for key, value in self.values_from(out).items()}
        texts.update(
            category=out.category,
            lead_status=out.lead_status or "",
            owner=out.owner_name,
            email_opt_in=_("Yes") if out.email_opt_in else _("No"),
            company=out.company_name,
        )
        return texts

    def form_values(self) -> dict[str, Any]:
        values = super().form_values()
        field = self.query_one(LeadStatusField)
        if field.display:
            values["lead_status"] = field.value
        return values

    def editable_fields(self) -> set[str]:
        out: svc.ContactOut | None = self.loaded
        fields = set(self.FIELDS)
        linked = (out.company_id is not None) if out is not None else self.new_company is not None
        if linked:
            fields -= {"category", "owner"}
        if out is not None and not out.lead_status_editable:
            fields.discard("lead_status")
        if out is None and not (self.new_company is not None and self.new_company.lead_status_enabled):
            fields.discard("lead_status")
        return fields

    async def save_data(self, data: dict[str, Any]) -> svc.ContactOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.loaded is None:
            if self.new_company is not None:
                data["company"] = self.new_company.id
            else:
                data.setdefault("owner", None)
            return await svc.create_contact(backend.db, backend.actor, data)
        return await svc.update_contact(
            backend.db, backend.actor, self.loaded.id, data, expected_version=self.loaded.version
        )

    async def show_record(self, out: svc.ContactOut) -> None:
        if self.contact_id is None:
            self.contact_id = out.id
            await self.query(DuplicateHint).remove()
            self.refresh_bindings()
            for pane in ("history-tab", "sales-tab", "activities-tab"):
                self.query_one(f"#{pane}", TabPane).disabled = False
            activities_tab = self.query_one("#activities-tab", TabPane)
            await activities_tab.remove_children()
            await activities_tab.mount_all(list(activities_pane(contact_id=out.id)))
            sales = self.query_one("#sales-tab", TabPane)
            await sales.remove_children()
            await sales.mount_all(list(sales_pane(contact_id=out.id)))
        await super().show_record(out)
        await self._load_history()

    async def after_save(self, before: Any, out: Any) -> None:
        from leadtui.screens.category_suggestion_dialog import offer_category_suggestions

        if await offer_category_suggestions(self, [out.category_suggestion]):  # lead categorization (SPEC 2.5 A4)
            await self.show_record(await self.fetch())  # the company's new category, and the version it gave

    async def after_fill(self) -> None:
        await self._show_links()

    def set_editing(self, editing: bool) -> None:
        super().set_editing(editing)
        if self.is_mounted and (self.loaded is not None or self.statuses):
            self.run_worker(self._show_links(), group="links", exclusive=True)

    async def _show_links(self) -> None:
        """Company, category, Our contact and the lead status field for the current mode and record."""
        out: svc.ContactOut | None = self.loaded
        if out is not None:
            company, category, owner = out.company_name, out.category, out.owner_name
            linked = out.company_id is not None
            visible, may_edit = out.lead_status_visible, out.lead_status_editable
            status = LeadStatusState(
                out.lead_status_id, out.lead_status or "", out.lead_status_description, days=out.days_in_status
            )
            title = (
                markup_safe(out.name)
                + (f"  ·  {markup_safe(out.company_name)}" if out.company_name else "")
                + ("" if out.may_edit else "  ·  " + _("read-only for you"))
            )
            self.query_one("#card-title", Static).update(title)
        else:
            company_out = self.new_company
            linked = company_out is not None
            company = company_out.name if company_out else ""
            category = company_out.category if company_out else ""
            owner = company_out.owner_name if company_out else ""
            visible = may_edit = bool(company_out and company_out.lead_status_enabled)
            default = next((s for s in self.statuses if s.id == getattr(self, "default_status", None)), None)
            status = LeadStatusState(
                default.id if default else None, default.name if default else "", default.description if default else ""
            )
        hint = "" if linked else _("(No selection)")
        if self.editing and self.loaded is None:
            hint = _("(No selection) · ctrl+o chooses") if not linked else ""
        elif not self.editing and linked:
            hint = _("· m moves the contact")
        self.query_one("#company-value", Static).update(f"{markup_safe(company)} {hint}".strip())
        self.query_one("#category-value", Static).update(
            markup_safe(category or "—") + ("  " + _("(from the company)") if linked else "")
        )
        self.query_one("#owner-value", Static).update(
            markup_safe(owner or _("(No selection)")) + ("  " + _("(from the company)") if linked else "")
        )
        own_fields = self.editing and not linked
        self.query_one("#category-row").display = not own_fields
        self.query_one("#category-edit-row").display = own_fields
        self.query_one("#owner-row").display = not own_fields
        self.query_one("#owner-edit-row").display = own_fields
        field = self.query_one(LeadStatusField)
        field.display = visible
        if visible:
            if self.editing and may_edit:
                chosen = field.value if field.state.editable else status.value_id
                options = [o for o in self.statuses if not o.deleted or o.id == status.value_id]
                await field.show(
                    LeadStatusState(chosen, status.value_name, status.description, options, True, status.days)
                )
            else:
                await field.show(
                    LeadStatusState(
                        status.value_id, status.value_name, status.description, self.statuses, False, status.days
                    )
                )

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose_company":
            return self.editing and self.loaded is None
        return super().check_action(action, parameters)

    # ------------------------------------------------------------------ duplicate check of a new contact

    @on(Input.Changed, "#first_name,#last_name,#email")
    def _fields_changed(self) -> None:
        self.check_duplicate()

    def check_duplicate(self) -> None:
        """Ask the hint to look for the contact as typed so far (it waits for a pause in the typing)."""
        hints = self.query(DuplicateHint)
        if self.loaded is not None or not hints:
            return
        hints.first().check_contact(
            self.query_one("#first_name", Input).value,
            self.query_one("#last_name", Input).value,
            self.query_one("#email", Input).value,
            self.new_company.id if self.new_company is not None else None,
        )

    @work(group="action", exclusive=True)
    async def action_choose_company(self) -> None:
        if not (self.editing and self.loaded is None):
            return
        from leadtui.screens.company_picker import CompanyPickerDialog
        from leadtui.services import companies

        choice = await self.app.push_screen_wait(
            CompanyPickerDialog(_("Company of the new contact"), allow_none=True, none_label=_("(No company)"))
        )
        if choice is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.new_company = (
                await companies.get_company(backend.db, backend.actor, choice.id) if choice.id is not None else None
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.set_editing(True)
        self.check_duplicate()  # "same name at the same company" comes first now

    @work(group="action", exclusive=True)
    async def action_move(self) -> None:
        out: svc.ContactOut | None = self.loaded
        if out is None or self.editing:
            return
        from leadtui.screens.company_picker import CompanyPickerDialog
        from leadtui.services import companies

        choice = await self.app.push_screen_wait(
            CompanyPickerDialog(
                _("Move '{name}' to company").format(name=out.name),
                allow_none=out.company_id is not None,
                exclude_id=out.company_id,
            )
        )
        if choice is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            target = await companies.get_company(backend.db, backend.actor, choice.id) if choice.id else None
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        from leadtui.screens.move_contact_dialog import MoveContactDialog

        effect = move_effect(out, target, self.statuses, getattr(self, "default_status", None))
        try:
            counts = await svc.carry_counts(backend.db, out.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not moved"))
            return
        moved = await self.app.push_screen_wait(
            MoveContactDialog(out, target, effect, counts, backend.db, backend.actor)
        )
        if moved is None:
            return
        if isinstance(moved, DomainError):  # changed by someone else meanwhile: shown as it is now
            self.notify(str(moved), severity="error", title=_("Not moved"))
            await self.show_record(await self.fetch())
            return
        self.changed = True
        await self.show_record(moved)
        self.notify(
            _("Moved '{name}' to {company}.").format(name=moved.name, company=moved.company_name or _("no company"))
        )

    @work(group="action", exclusive=True)
    async def action_delete_contact(self) -> None:
        out: svc.ContactOut | None = self.loaded
        if out is None or self.editing:
            return
        from leadtui.screens.dialogs import ConfirmDialog

        if not await self.app.push_screen_wait(
            ConfirmDialog(_("Delete contact"), _("Delete '{name}'? It goes to the recycle bin.").format(name=out.name))
        ):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await svc.delete_contact(backend.db, backend.actor, out.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.notify(_("Deleted '{name}'.").format(name=out.name))
        self.close_deleted()


def move_effect(out: svc.ContactOut, target: Any, statuses: list[StatusOption], default_id: int | None) -> str:
    """What a move does to the lead status (decision 4), said before the user confirms."""
    default = next((s.name for s in statuses if s.id == default_id), "Open")
    if target is not None and target.lead_status_enabled:
        if out.lead_status_visible and out.lead_status:
            return _("Lead status stays '{status}'.").format(status=out.lead_status)
        return _("'{company}' uses lead status: the contact gets '{status}'.").format(
            company=target.name, status=default
        )
    if out.lead_status:
        return _("Lead status '{status}' is kept but read-only (the new place does not use lead status).").format(
            status=out.lead_status
        )
    return _("Category becomes '{category}'.").format(category=target.category if target is not None else out.category)
