"""The sale card (SPEC.md 1.6, 2.3, 2.4, 4.9): view mode and edit mode over the tabs Sale, Details, Note,
Activities, Sales guide (guided sale types) and History.

The card base (screens/card_base.py) owns view/edit mode, save, cancel with confirm, the conflict flow, tab keys
and the close result; this card brings the form (widgets/sale_form.py), the follow-ups pane
(widgets/sale_follow_ups.py), the sales guide pane (widgets/sale_guide_pane.py) and the History pane it shares
with the contact card (widgets/history_pane.py). The live stage rules are services.sales.stage_rules.

- e enters edit mode; switching tabs keeps it (S2); ctrl+s saves and Escape cancels, both leave edit mode.
- Save is disabled while a mandatory field is empty and a line says which (S1). Errors from the service appear
  under the field they concern (`#<field>-error`); nothing is saved.
- Picking a stage sets Probability (which the user may override); Sold / Lost set the Date to today and ask
  for their reason; Stalled asks for Re-open date and Reason (stalled) instead of Next activity and, after
  saving, offers the Follow-up dialog (Escape skips). Completed only on Sold / Lost.
- Total cost, Profit and Percentage follow each other live (decision 7, services/money.py).
- Someone else's save in between: as on the company and contact cards, the dialog lists their changes; Reload
  shows their version, Keep editing keeps the user's edits and takes in their other changes (never a silent
  overwrite). Escape with unsaved edits asks first.
- Sales guide prompts: completing a follow-up made from a suggestion offers the next one when it is suggested
  automatically (G5, the Sales guide dialog) and, when every suggestion of the stage is done and the sale type
  says so, moving on to the next stage (G6, Yes / No).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from leadtui.actions import bindings, key_display
from leadtui.i18n import N_, _, ngettext
from leadtui.i18n.format import format_date, format_datetime, format_money
from leadtui.screens.card_base import CardScreen
from leadtui.screens.guide_suggestion_dialog import confirm_suggested_command
from leadtui.services.errors import DomainError
from leadtui.widgets import follow_up_flows
from leadtui.widgets.footer import Footer
from leadtui.widgets.history_pane import HistoryPane
from leadtui.widgets.sale_form import LOST, SOLD, SaleDetailsFields, SaleMainFields
from leadtui.widgets.sale_follow_ups import SaleFollowUps
from leadtui.widgets.sale_guide_pane import SaleGuidePane

NO_STAGE = "-"  # a sale type without stages: the sale is open without a stage (S4)
# widgets a user edits; everything else on the card is read-only
EDITABLE = [
    "heading",
    "sale_type",
    "stage",
    "probability",
    "amount",
    "company_id",
    "contact_id",
    "owner",
    "sale_date",
    "reason_sold",
    "reason_lost",
    "stalled",
    "reopen_date",
    "reason_stalled",
    "completed",
    "source",
    "competitor",
    "cost",
    "profit",
    "percentage",
    "description",
]
MONEY_FIELDS = ["amount", "cost", "profit", "percentage"]
# the tab each field lives on, to show an error where it is
FIELD_TAB = {
    "source": "tab-details",
    "competitor": "tab-details",
    "cost": "tab-details",
    "profit": "tab-details",
    "percentage": "tab-details",
    "description": "tab-note",
}
FIELD_ALIASES = {"company": "company_id", "contact": "contact_id"}


def _blank(value: object) -> bool:
    return value is None or value == Select.NULL or value == ""


class SaleCard(CardScreen):
    """The card base (screens/card_base.py) owns edit mode, save, cancel, the conflict flow, tab keys and the close
    result; this card brings its form and panes. The saved sale is `self.sale` (the base's `loaded`)."""

    CSS_PATH = "sale_card.tcss"
    BINDINGS = bindings("sale_card")
    WHAT = N_("sale")

    def audit_target(self) -> tuple[str, int | None]:
        return "sale", self.sale_id

    def __init__(
        self,
        sale_id: int | None = None,
        *,
        company_id: int | None = None,
        contact_id: int | None = None,
        edit: bool = False,
    ) -> None:
        super().__init__()
        self.sale_id = sale_id
        self.options = None
        self.editing = sale_id is None or edit
        self.prefill_company_id = company_id
        self.prefill_contact_id = contact_id
        self.company: tuple[int, str] | None = None
        self.contact: tuple[int, str, int | None] | None = None
        self.amount = Decimal("0.00")
        self.cost = Decimal("0.00")
        self.ready = False  # the options and the sale are loaded
        self.default_date: date | None = None
        self.filled: dict[str, Any] = {}  # the form as last filled from a saved sale (to find the user's edits)
        self.invalid: dict[str, str] = {}  # money field -> its error: Profit and % are not saved, so refuse instead

    @property
    def sale(self) -> Any:  # sales.SaleOut | None
        return self.loaded

    @sale.setter
    def sale(self, value: Any) -> None:
        self.loaded = value
        if value is not None:
            self.sale_id = value.id

    @property
    def activities(self) -> list[Any]:
        """The sale's follow-ups as the Activities tab lists them."""
        return self.query_one(SaleFollowUps).rows

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="card-title")
        with TabbedContent(id="tabs", initial="tab-sale"):
            with TabPane(_("Sale"), id="tab-sale"):
                yield SaleMainFields()
            with TabPane(_("Details"), id="tab-details"):
                yield SaleDetailsFields()
            with TabPane(_("Note"), id="tab-note"):
                yield TextArea(id="description")
                yield Static("", id="description-error", classes="field-error")
            with TabPane(_("Activities"), id="tab-activities"):
                yield SaleFollowUps()
            with TabPane(_("Sales guide"), id="tab-guide"):
                yield SaleGuidePane()
            with TabPane(_("History"), id="tab-history"):
                yield HistoryPane()
        yield Static("", id="missing")
        with Horizontal(id="card-buttons"):
            yield Button(_("Edit") + " (e)", id="edit-button", compact=True)
            yield Button(_("Save") + " (ctrl+s)", id="save-button", variant="primary", compact=True)
            yield Button(_("Cancel") + f" ({key_display('escape')})", id="cancel-button", compact=True)
            yield Button(_("Delete") + " (x)", id="delete-button", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        self.set_editing(self.editing)
        self.load()

    # ------------------------------------------------------------------ loading and filling

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        from leadtui.services import sales

        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:  # the database did not open: the app says so and exits
            return
        try:
            self.options = await sales.sale_form_options(backend.db)
            if self.sale_id is not None:
                self.sale = await sales.get_sale(backend.db, self.sale_id)
                self.rights = await sales.sale_rights(backend.db, backend.actor, self.sale_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            self.close()
            return
        if self.sale is not None:
            self._fill(self.sale)
            await self._load_related()
        else:
            await self._fill_new()
        self.ready = True
        self._apply_mode()
        self._focus_start()

    async def _load_related(self) -> None:
        from leadtui.services import activities, sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            page = await activities.list_follow_ups(backend.db, sale_id=self.sale.id, limit=500)
            history = await sales.sale_history(backend.db, self.sale.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        names = {"stage": _("Stage"), "status": _("Status")}
        rights = getattr(self, "rights", None)
        self.query_one(SaleFollowUps).may_edit = rights is not None and rights.may_edit
        self.query_one(SaleFollowUps).show(page.rows, history, lambda row: names.get(row.field, row.field))
        self._fill_history(history)
        self.query_one(SaleGuidePane).show(self.sale.guide if self.sale else None)

    def _choices(self, items, current_id: int | None = None, current_name: str | None = None) -> list[tuple[str, int]]:  # noqa: ANN001
        options = [(item.name, item.id) for item in items]
        if current_id is not None and current_id not in {item.id for item in items}:
            options.append((_("{name} (deleted)").format(name=current_name or current_id), current_id))
        return options

    def _set_select(self, field: str, options: list[tuple[str, Any]], value: Any) -> None:
        select = self.query_one(f"#{field}", Select)
        select.set_options(options)
        if value is None or value not in {v for _label, v in options}:
            if select._allow_blank:  # noqa: SLF001
                select.clear()
            elif options:
                select.value = options[0][1]
        else:
            select.value = value

    def _type_choice(self, type_id: Any):  # noqa: ANN202
        if self.options is None or _blank(type_id):
            return None
        return next((choice for choice in self.options.sale_types if choice.id == type_id), None)

    def _stage_options(
        self, type_id: Any, keep_stage_id: int | None = None, keep_name: str | None = None
    ) -> list[tuple[str, str]]:
        choice = self._type_choice(type_id)
        stages = choice.stages if choice else []
        options = [(f"{stage.name}  ({stage.probability} %)", str(stage.id)) for stage in stages]
        if not stages and keep_stage_id is None:
            options.append((_("(no stage)"), NO_STAGE))
        if keep_stage_id is not None and str(keep_stage_id) not in {v for _l, v in options}:
            options.insert(
                0,
                (_("{stage} (not a stage of this type)").format(stage=keep_name or keep_stage_id), str(keep_stage_id)),
            )
        options += [(_("Sold") + "  (100 %)", SOLD), (_("Lost") + "  (0 %)", LOST)]
        return options

    def _fill(self, sale) -> None:  # noqa: ANN001 - SaleOut
        opts = self.options
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed, TextArea.Changed):
            self.query_one("#heading", Input).value = sale.heading
            types = [(choice.name, choice.id) for choice in opts.sale_types]
            if sale.sale_type_id not in {v for _l, v in types}:
                types.append((_("{name} (deleted)").format(name=sale.sale_type), sale.sale_type_id))
            self._set_select("sale_type", types, sale.sale_type_id)
            stage_value = (
                SOLD
                if sale.status == "sold"
                else LOST
                if sale.status == "lost"
                else (str(sale.stage_id) if sale.stage_id is not None else NO_STAGE)
            )
            stage_name = sale.stage if sale.status not in (SOLD, LOST) else sale.stage_when_closed
            self._set_select("stage", self._stage_options(sale.sale_type_id, sale.stage_id, stage_name), stage_value)
            self.query_one("#probability", Input).value = str(sale.probability)
            self.amount, self.cost = sale.amount, sale.cost
            self.query_one("#amount", Input).value = format_money(sale.amount)
            self.query_one("#cost", Input).value = format_money(sale.cost)
            self.query_one("#profit", Input).value = format_money(sale.profit)
            self.query_one("#percentage", Input).value = format_money(sale.percentage)
            self.company = (sale.company_id, sale.company_name or "") if sale.company_id else None
            self.contact = (sale.contact_id, sale.contact_name or "", sale.company_id) if sale.contact_id else None
            owners = [(f"{o.name} ({o.description})", o.id) for o in opts.owners]
            if sale.owner_id not in {v for _l, v in owners}:
                owners.append((_("{name} (inactive)").format(name=sale.owner_name or sale.owner), sale.owner_id))
            self._set_select("owner", owners, sale.owner_id)
            self.query_one("#sale_date", Input).value = format_date(sale.sale_date)
            self._set_select(
                "reason_sold",
                self._choices(opts.reasons_sold, sale.reason_sold_id, sale.reason_sold),
                sale.reason_sold_id,
            )
            self._set_select(
                "reason_lost",
                self._choices(opts.reasons_lost, sale.reason_lost_id, sale.reason_lost),
                sale.reason_lost_id,
            )
            self._set_select(
                "reason_stalled",
                self._choices(opts.reasons_stalled, sale.reason_stalled_id, sale.reason_stalled),
                sale.reason_stalled_id,
            )
            self._set_select("source", self._choices(opts.sources, sale.source_id, sale.source), sale.source_id)
            self._set_select(
                "competitor", self._choices(opts.competitors, sale.competitor_id, sale.competitor), sale.competitor_id
            )
            self._set_check("stalled", sale.status == "stalled")
            self.query_one("#reopen_date", Input).value = format_date(sale.reopen_date)
            self._set_check("completed", sale.completed)
            self.query_one("#description", TextArea).text = sale.description
        next_text = Text(_("none planned"), style="dim")
        if sale.next_activity:
            next_text = Text(format_date(sale.next_activity), style="bold red" if sale.next_activity_overdue else "")
        self.query_one("#next_activity", Static).update(next_text)
        self.query_one("#number", Static).update(sale.number)
        info = [_("Registered: {when}").format(when=format_datetime(sale.registered_at))]
        if sale.updated_at:
            info.append(_("Updated: {when}").format(when=format_datetime(sale.updated_at)))
        if sale.days_in_stage is not None:
            info.append(_("Days in stage: {days}").format(days=sale.days_in_stage))
        if sale.stage_when_closed:
            info.append(_("Stage when closed: {stage}").format(stage=sale.stage_when_closed))
        if sale.sale_cycle_days is not None:
            info.append(
                ngettext("Sale cycle: {days} day", "Sale cycle: {days} days", sale.sale_cycle_days).format(
                    days=sale.sale_cycle_days
                )
            )
        info.append(_("Weighted amount: {amount}").format(amount=format_money(sale.weighted_amount)))
        self.query_one("#details-info", Static).update("\n".join(info))
        self._show_links()
        self._update_title()
        self._sync_conditional()
        self._update_weighted()
        self._clear_errors()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-note").label = _("Note") + (" •" if sale.description.strip() else "")  # dot when text
        for pane in ("tab-activities", "tab-history"):
            tabs.show_tab(pane)
        if sale.guided:
            tabs.show_tab("tab-guide")
        else:
            if tabs.active == "tab-guide":
                tabs.active = "tab-sale"
            tabs.hide_tab("tab-guide")
        self.filled = self._snapshot()
        self.invalid = {}

    async def _fill_new(self) -> None:
        from leadtui.services import sales

        opts = self.options
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed, TextArea.Changed):
            types = [(choice.name, choice.id) for choice in opts.sale_types]
            first = opts.sale_types[0] if opts.sale_types else None
            self._set_select("sale_type", types, first.id if first else None)
            stage_options = self._stage_options(first.id if first else None)
            self._set_select("stage", stage_options, stage_options[0][1])
            self.query_one("#probability", Input).value = str(
                first.stages[0].probability if first and first.stages else 0
            )
            for field in MONEY_FIELDS:
                self.query_one(f"#{field}", Input).value = "0.00"
            owners = [(f"{o.name} ({o.description})", o.id) for o in opts.owners]
            self._set_select("owner", owners, backend.actor.id)
            self.default_date = first.default_sale_date if first else opts.today
            self.query_one("#sale_date", Input).value = format_date(self.default_date)
            for field, items in (
                ("reason_sold", opts.reasons_sold),
                ("reason_lost", opts.reasons_lost),
                ("reason_stalled", opts.reasons_stalled),
                ("source", opts.sources),
                ("competitor", opts.competitors),
            ):
                self._set_select(field, self._choices(items), None)
        if self.prefill_company_id is not None:
            name = await sales.company_name(backend.db, self.prefill_company_id)
            self.company = (self.prefill_company_id, name or str(self.prefill_company_id))
        if self.prefill_contact_id is not None:
            item = await sales.contact_label(backend.db, self.prefill_contact_id)
            if item is not None:
                self.contact = (item.id, item.label, item.company_id)
                if self.company is None and item.company_id is not None:
                    self.company = (item.company_id, await sales.company_name(backend.db, item.company_id) or "")
        self.query_one("#next_activity", Static).update(Text(_("none planned"), style="dim"))
        self.query_one("#number", Static).update(_("(given when saved)"))
        tabs = self.query_one(TabbedContent)
        for pane in ("tab-activities", "tab-guide", "tab-history"):
            tabs.hide_tab(pane)
        self._show_links()
        self._update_title()
        self._sync_conditional()
        self._update_weighted()
        self.filled = self._snapshot()

    def _fill_history(self, rows) -> None:  # noqa: ANN001
        names = {"stage": _("Stage"), "status": _("Status")}
        self.query_one(HistoryPane).show(rows, lambda row: names.get(row.field, row.field))

    def _show_links(self) -> None:
        company = self.query_one("#company_id", Button)
        company.label = (self.company[1] if self.company else _("(No selection)")) + "  ▾"
        contact = self.query_one("#contact_id", Button)
        contact.label = (self.contact[1] if self.contact else _("(No selection)")) + "  ▾"

    def _update_title(self) -> None:
        from leadtui.model.enums import SaleStatus
        from leadtui.services.sales import STATUS_ICONS, STATUS_LABELS

        if self.sale is None:
            self.query_one("#card-title", Static).update(Text(_("New sale"), style="bold"))
            return
        sale = self.sale
        status = SaleStatus[sale.status.upper()]
        style = "bold red" if sale.status in ("lost", "stalled") else "bold green"
        title = Text.assemble(
            (f"{STATUS_ICONS[status]} {_(STATUS_LABELS[status])}", style),
            ("  ·  " + _("Sale {number}: {heading}").format(number=sale.number, heading=sale.heading), "bold"),
        )
        if sale.completed:
            title.append(f"  ·  {_('Completed')}", style="dim")
        rights = getattr(self, "rights", None)
        if rights is not None and not rights.may_edit:
            title.append("  ·  " + _("read-only for you"), style="dim")
        self.query_one("#card-title", Static).update(title)

    # ------------------------------------------------------------------ modes

    def _apply_mode(self) -> None:
        editing = self.editing
        for field in EDITABLE:
            for widget in self.query(f"#{field}"):
                widget.disabled = not editing
        self._sync_conditional()
        self.query_one("#edit-button").display = self.check_action("edit", ()) is True
        self.query_one("#delete-button").display = self.check_action("delete", ()) is True
        self.query_one("#save-button").display = editing
        self.query_one("#cancel-button").display = editing
        self._update_missing()
        self.refresh_bindings()

    def set_editing(self, editing: bool) -> None:
        super().set_editing(editing)  # the sub-title says "editing", as on every card
        self._apply_mode()
        if not editing and self.ready:
            self._focus_start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):  # not offered to a user who may not (rights of the sale's owner)
            rights = getattr(self, "rights", None)
            allowed = rights is None or (rights.may_edit if action == "edit" else rights.may_delete)
            return not self.editing and self.sale is not None and allowed
        if action == "save":
            return self.editing
        if action == "add_follow_up":
            return self.sale is not None
        if action == "toggle_done":
            return self.sale is not None and self.focused in (self.query_one("#activities"), self.query_one("#guide"))
        if action == "create_suggested":
            return self.sale is not None and self.focused is self.query_one("#guide")
        return True

    def _focus_start(self) -> None:
        if self.editing:
            self.query_one("#heading", Input).focus()
        else:
            tabs = self.query_one(TabbedContent)
            tabs.query_one("ContentTabs").focus()

    def _stage_value(self) -> Any:
        return self.query_one("#stage", Select).value

    def _rules(self) -> Any:  # sales.StageRules
        """The stage rules of what the form holds now, from the services (the rules saving enforces)."""
        from leadtui.services.sales import stage_rules

        stage = self._stage_value()
        choice = self._type_choice(self.query_one("#sale_type", Select).value)
        picked = next((s for s in (choice.stages if choice else []) if str(s.id) == stage), None)
        return stage_rules(
            stage,
            stalled=self.query_one("#stalled", Checkbox).value,
            was=self.sale.status if self.sale else None,
            stage_probability=picked.probability if picked is not None else None,
        )

    def _sync_conditional(self) -> None:
        """Show the fields that belong to the chosen stage and the Stalled box (S10-S13)."""
        rules = self._rules()
        self.query_one("#row-reason_sold").display = rules.reason == "reason_sold"
        self.query_one("#row-reason_lost").display = rules.reason == "reason_lost"
        self.query_one("#row-reopen_date").display = rules.needs_reopen_date
        self.query_one("#row-reason_stalled").display = rules.reason == "reason_stalled"
        self.query_one("#row-next_activity").display = not rules.needs_reopen_date
        closed = rules.status in (SOLD, LOST)
        self.query_one("#sale_date-label", Label).update((_("Date") if closed else _("Sale date")) + " *")
        if not self.editing:
            return
        self.query_one("#stalled", Checkbox).disabled = not rules.may_stall
        self.query_one("#completed", Checkbox).disabled = not rules.may_complete
        self.query_one("#probability", Input).disabled = rules.probability_fixed

    # ------------------------------------------------------------------ live behaviour

    @on(Select.Changed, "#stage")
    def _stage_changed(self, event: Select.Changed) -> None:
        if not self.editing:
            return
        today = self.options.today if self.options else date.today()
        rules = self._rules()
        with self.prevent(Input.Changed, Checkbox.Changed):
            if rules.probability is not None:
                self.query_one("#probability", Input).value = str(rules.probability)
            if rules.date_today:  # S11: Date defaults to today, the user may change it
                self.query_one("#sale_date", Input).value = format_date(today)
            if not rules.may_stall:
                self._set_check("stalled", False)
            if not rules.may_complete:
                self._set_check("completed", False)
        self._sync_conditional()
        self._update_weighted()
        self._update_missing()

    @on(Select.Changed, "#sale_type")
    def _type_changed(self, event: Select.Changed) -> None:
        if not self.editing:
            return
        current = self._stage_value()
        options = self._stage_options(event.value)
        values = [v for _l, v in options]
        with self.prevent(Select.Changed, Input.Changed):
            self._set_select("stage", options, current if current in values else values[0])
            if self._stage_value() != current and self._stage_value() not in (SOLD, LOST):
                choice = self._type_choice(event.value)
                stage = next((s for s in (choice.stages if choice else []) if str(s.id) == self._stage_value()), None)
                self.query_one("#probability", Input).value = str(stage.probability if stage else 0)
            choice = self._type_choice(event.value)
            date_input = self.query_one("#sale_date", Input)
            if self.sale is None and choice is not None and date_input.value == (format_date(self.default_date)):
                self.default_date = choice.default_sale_date
                date_input.value = format_date(choice.default_sale_date)
        self._sync_conditional()
        self._update_weighted()
        self._update_missing()

    @on(Checkbox.Changed, "#stalled")
    def _stalled_changed(self) -> None:
        if self.editing:
            self._sync_conditional()
            self._update_missing()

    @on(Input.Changed, "#probability")
    def _probability_changed(self) -> None:
        self._update_weighted()

    @on(Input.Changed, "#amount,#cost,#profit,#percentage")
    def _money_changed(self, event: Input.Changed) -> None:
        """Decision 7, live: Amount keeps Total cost; Profit or Percentage recompute Total cost."""
        from leadtui.services import money

        if not self.editing or event.input.id is None:
            return
        field = event.input.id
        try:
            result = money.recompute(self.amount, self.cost, field, event.value)
        except DomainError as exc:
            self._set_error(field, str(exc))
            self.invalid = {field: str(exc)}
            self._update_missing()
            return
        self.invalid = {}
        for name in MONEY_FIELDS:
            self._set_error(name, "")
        self.amount, self.cost = result.amount, result.cost
        shown = {"amount": result.amount, "cost": result.cost, "profit": result.profit, "percentage": result.percentage}
        with self.prevent(Input.Changed):
            for name, value in shown.items():
                if name != field:
                    self.query_one(f"#{name}", Input).value = format_money(value)
        self._update_weighted()
        self._update_missing()

    def _set_check(self, field: str, value: bool) -> None:
        box = self.query_one(f"#{field}", Checkbox)
        box.value = value
        box.label = _("yes") if value else _("no")

    @on(Checkbox.Changed)
    def _checkbox_label(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _("yes") if event.value else _("no")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _any_change(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        if not self.editing:
            return
        field = event.control.id
        if field and field not in MONEY_FIELDS:
            self._set_error("status" if field == "stalled" else field, "")
        self._update_missing()

    def _update_weighted(self) -> None:
        from leadtui.services import money

        text = self.query_one("#probability", Input).value.strip()
        try:
            probability = max(0, min(100, int(text or "0")))
        except ValueError:
            probability = 0
        self.query_one("#weighted", Static).update(
            "  "
            + _("Weighted amount: {amount}").format(amount=money.format_money(money.weighted(self.amount, probability)))
        )

    def missing_fields(self) -> list[tuple[str, str]]:
        """Mandatory fields that are empty, as (field, label): Save stays disabled while there are any."""
        if not self.ready:
            return []
        missing = []
        if not self.query_one("#heading", Input).value.strip():
            missing.append(("heading", _("Heading")))
        if _blank(self.query_one("#sale_type", Select).value):
            missing.append(("sale_type", _("Sale type")))
        if self.company is None and self.contact is None:
            missing.append(("company_id", _("Company or Contact")))
        if not self.query_one("#sale_date", Input).value.strip():
            missing.append(("sale_date", _("Sale date")))
        rules = self._rules()
        if rules.needs_reopen_date and not self.query_one("#reopen_date", Input).value.strip():
            missing.append(("reopen_date", _("Re-open date")))
        reason = rules.reason
        if (
            reason
            and self.options
            and getattr(self.options, reason.replace("reason_", "reasons_"))
            and _blank(self.query_one(f"#{reason}", Select).value)
        ):
            missing.append(
                (
                    reason,
                    {
                        "reason_sold": _("Reason (sold)"),
                        "reason_lost": _("Reason (lost)"),
                        "reason_stalled": _("Reason (stalled)"),
                    }[reason],
                )
            )
        return missing

    def _update_missing(self) -> None:
        missing = self.missing_fields() if self.editing else []
        invalid = [self._money_label(field) for field in self.invalid] if self.editing else []
        line = self.query_one("#missing", Static)
        if missing:
            line.update(
                Text(
                    _("Save is disabled: fill in {fields}.").format(fields=", ".join(label for _f, label in missing)),
                    style="bold yellow",
                )
            )
        elif invalid:
            line.update(
                Text(_("Save is disabled: correct {fields}.").format(fields=", ".join(invalid)), style="bold yellow")
            )
        else:
            line.update("")
        line.display = bool(missing or invalid)
        self.query_one("#save-button", Button).disabled = bool(missing or invalid)

    @staticmethod
    def _money_label(field: str) -> str:
        return {
            "amount": _("Amount"),
            "cost": _("Total cost"),
            "profit": _("Profit"),
            "percentage": _("Percentage"),
        }.get(field, field)

    # ------------------------------------------------------------------ errors

    def _set_error(self, field: str, text: str) -> None:
        for widget in self.query(f"#{field}-error"):
            widget.update(text)
            widget.display = bool(text)

    def _clear_errors(self) -> None:
        for widget in self.query(".field-error"):
            widget.update("")
            widget.display = False

    def _show_error(self, exc: DomainError) -> None:
        field = FIELD_ALIASES.get(exc.field, exc.field) if exc.field else None
        if field and self.query(f"#{field}-error"):
            self._set_error(field, str(exc))
            self._reveal(field)
        else:
            self.notify(str(exc), severity="error", title=_("Not saved"))

    def _reveal(self, field: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = FIELD_TAB.get(field, "tab-sale")
        widget = self.query(f"#{field}")
        if widget and widget.first().focusable:
            self.call_after_refresh(widget.first().focus)
        elif field == "status":
            self.call_after_refresh(self.query_one("#stalled").focus)

    # ------------------------------------------------------------------ actions

    @work(group="action", exclusive=True)
    async def action_edit(self) -> None:
        from leadtui.services import sales

        if self.editing or self.sale is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await sales.check_can_edit_sale(backend.db, backend.actor, self.sale.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not allowed"))
            return
        self.set_editing(True)
        pane = self.query_one(TabbedContent).active
        if pane == "tab-sale":
            self.query_one("#heading", Input).focus()
        elif pane == "tab-details":
            self.query_one("#source", Select).focus()
        elif pane == "tab-note":
            self.query_one("#description", TextArea).focus()

    def _values(self) -> dict[str, Any]:
        stage = self._stage_value()
        stalled = self.query_one("#stalled", Checkbox).value
        data: dict[str, Any] = {
            "heading": self.query_one("#heading", Input).value,
            "description": self.query_one("#description", TextArea).text,
            "sale_type": self.query_one("#sale_type", Select).value,
            "amount": self.query_one("#amount", Input).value,
            "cost": self.query_one("#cost", Input).value,
            "company_id": self.company[0] if self.company else None,
            "contact_id": self.contact[0] if self.contact else None,
            "owner": self.query_one("#owner", Select).value,
            "sale_date": self.query_one("#sale_date", Input).value,
            "source": self.query_one("#source", Select).value,
            "competitor": self.query_one("#competitor", Select).value,
            "completed": self.query_one("#completed", Checkbox).value,
        }
        probability = self.query_one("#probability", Input).value.strip()
        if stage in (SOLD, LOST):
            data["status"] = stage
            reason = self.query_one(f"#reason_{stage}", Select).value
            data[f"reason_{stage}"] = None if _blank(reason) else reason
        else:
            if not _blank(stage) and stage != NO_STAGE:
                data["stage"] = stage
            data["status"] = "stalled" if stalled else "open"
            if stalled:
                data["reopen_date"] = self.query_one("#reopen_date", Input).value
                reason = self.query_one("#reason_stalled", Select).value
                data["reason_stalled"] = None if _blank(reason) else reason
            data["probability"] = probability if probability else None
        if _blank(data["sale_type"]):
            data["sale_type"] = None
        for key in ("source", "competitor", "owner"):
            if _blank(data[key]):
                data[key] = None
        return data

    # ------------------------------------------------------------------ the card base's hooks (save, cancel, conflict)

    def ready_to_save(self) -> bool:
        if not self.ready:
            return False
        if self.invalid:  # a Profit or Percentage that could not be taken: saving would store something else
            field, text = next(iter(self.invalid.items()))
            self._set_error(field, text)
            self._reveal(field)
            self.notify(
                _("Not saved: correct {fields}.").format(fields=self._money_label(field)),
                severity="warning",
                title=_("Not saved"),
            )
            return False
        self._clear_errors()
        missing = self.missing_fields()
        if missing:
            field, label = missing[0]
            self._set_error(field, _("{field}: is required").format(field=label))
            self._reveal(field)
            self.notify(
                _("Not saved: fill in {fields}.").format(fields=", ".join(label for _f, label in missing)),
                severity="warning",
                title=_("Mandatory fields"),
            )
            return False
        return True

    def changed_data(self) -> dict[str, Any]:
        """The whole form: the service compares it with the saved sale and applies the stage rules once."""
        return self._values()

    def unsaved_edits(self) -> bool:
        return self.ready and bool(self._edits())

    async def fetch(self) -> Any:
        from leadtui.services import sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await sales.get_sale(backend.db, self.sale_id)

    async def save_data(self, data: dict[str, Any]) -> Any:
        from leadtui.services import sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.sale is None:
            return await sales.create_sale(backend.db, backend.actor, data)
        return await sales.update_sale(
            backend.db, backend.actor, self.sale.id, data, expected_version=self.sale.version
        )

    def fill(self, out: Any, *, only: set[str] | None = None) -> None:
        self._fill(out)

    async def after_fill(self) -> None:
        await self._load_related()

    def show_save_error(self, exc: DomainError) -> None:
        self._show_error(exc)

    def saved_message(self, out: Any) -> str:
        return _("Saved the sale '{heading}'.").format(heading=out.heading)

    async def after_save(self, before: Any, out: Any) -> None:
        from leadtui.screens.category_suggestion_dialog import offer_category_suggestions

        await offer_category_suggestions(self, [out.category_suggestion])  # lead categorization (SPEC 2.5 A4)
        if out.status == "stalled" and (before.status if before is not None else None) != "stalled":
            await self._offer_follow_up(out)

    async def revert(self) -> None:
        self._fill(self.sale)
        self.set_editing(False)
        self.load()  # what is saved now (someone else may have changed it meanwhile)
        self.notify(_("Changes cancelled."), timeout=2)

    def texts_from(self, out: Any) -> dict[str, str]:
        return self._texts(out)

    def label_of(self, key: str) -> str:
        return key  # _texts is keyed by the translated labels already

    async def keep_editing(self, current: Any) -> None:
        edits = self._edits()
        self.sale = current
        self._fill(current)
        self._restore(edits)
        self._apply_mode()
        await self._load_related()

    def _snapshot(self) -> dict[str, Any]:
        """What the form holds now, field by field (to tell the user's edits from what was loaded)."""
        values: dict[str, Any] = {}
        for field in EDITABLE:
            if field in ("company_id", "contact_id"):
                continue
            widget = self.query_one(f"#{field}")
            values[field] = widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]
        values["company_id"] = self.company
        values["contact_id"] = self.contact
        return values

    def _edits(self) -> dict[str, Any]:
        """The fields the user changed since the form was filled."""
        return {field: value for field, value in self._snapshot().items() if value != self.filled.get(field)}

    def _restore(self, edits: dict[str, Any]) -> None:
        """Put the user's edits back over a freshly filled form (after Keep editing)."""
        from leadtui.services import money

        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed, TextArea.Changed):
            if "sale_type" in edits:
                self.query_one("#sale_type", Select).value = edits["sale_type"]
                stage = edits.get("stage", self._stage_value())
                options = self._stage_options(edits["sale_type"])
                self._set_select("stage", options, stage if stage in {v for _l, v in options} else options[0][1])
            for field, value in edits.items():
                if field in ("sale_type", "company_id", "contact_id") or field in MONEY_FIELDS:
                    continue
                widget = self.query_one(f"#{field}")
                if isinstance(widget, TextArea):
                    widget.text = value
                elif isinstance(widget, Checkbox):
                    self._set_check(field, bool(value))
                elif isinstance(widget, Select):
                    if value == Select.NULL:
                        widget.clear()
                    elif value in {v for _l, v in widget._options}:  # noqa: SLF001 - still offered
                        widget.value = value
                else:
                    widget.value = value
            if "company_id" in edits:
                self.company = edits["company_id"]
            if "contact_id" in edits:
                self.contact = edits["contact_id"]
            if any(field in edits for field in MONEY_FIELDS):
                # the user's Amount and Total cost (or theirs where the user left them); Profit and % follow
                for field in ("amount", "cost"):
                    if field in edits:
                        self.query_one(f"#{field}", Input).value = edits[field]
                try:
                    result = money.recompute(
                        self.query_one("#amount", Input).value,
                        self.query_one("#cost", Input).value,
                        "amount",
                        self.query_one("#amount", Input).value,
                    )
                except DomainError as exc:
                    for field in ("profit", "percentage"):
                        if field in edits:
                            self.query_one(f"#{field}", Input).value = edits[field]
                    self.invalid = {exc.field or "amount": str(exc)}
                    self._set_error(exc.field or "amount", str(exc))
                else:
                    self.amount, self.cost = result.amount, result.cost
                    self.query_one("#profit", Input).value = format_money(result.profit)
                    self.query_one("#percentage", Input).value = format_money(result.percentage)
        self._show_links()
        self._sync_conditional()
        self._update_weighted()
        self._update_missing()

    def _texts(self, sale) -> dict[str, str]:  # noqa: ANN001 - SaleOut
        """A sale's values as the user reads them, for the conflict dialog."""
        return {
            _("Heading"): sale.heading,
            _("Sale type"): sale.sale_type,
            _("Stage"): sale.stage or "",
            _("Status"): sale.status_label,
            _("Probability %"): str(sale.probability),
            _("Amount"): format_money(sale.amount),
            _("Total cost"): format_money(sale.cost),
            _("Company"): sale.company_name or "",
            _("Contact"): sale.contact_name or "",
            _("Owner"): sale.owner_name or sale.owner,
            _("Sale date"): format_date(sale.sale_date),
            _("Reason"): sale.reason or "",
            _("Re-open date"): format_date(sale.reopen_date),
            _("Source"): sale.source or "",
            _("Competitor"): sale.competitor or "",
            _("Completed"): _("yes") if sale.completed else _("no"),
            _("Note"): " ".join(sale.description.split())[:60],
        }

    async def _offer_follow_up(self, sale) -> None:  # noqa: ANN001
        """S10: after saving a stalled sale, plan a future meeting or call (Escape skips)."""
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import activities

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]

        async def save(values: dict[str, Any]):  # noqa: ANN202
            return await activities.create_follow_up(backend.db, backend.actor, {**values, "sale_id": sale.id})

        dialog = FollowUpDialog(
            _("Follow-up"),
            save,
            types=[(c.name, c.id) for c in self.options.follow_up_types],
            day=sale.reopen_date,
            text=_("Follow up the stalled sale: {heading}").format(heading=sale.heading),
            intro=_(
                "The sale is stalled until {date} ({reason}). Plan a meeting or call to pick it up again, or skip."
            ).format(date=format_date(sale.reopen_date), reason=sale.reason_stalled or "—"),
            cancel_label=_("Skip"),
        )
        if await self.app.push_screen_wait(dialog) is not None:
            self.notify(_("Follow-up planned."))
            await self._reload_sale()

    async def _reload_sale(self) -> None:
        from leadtui.services import sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            fresh = await sales.get_sale(backend.db, self.sale.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if self.editing:
            # keep the user's unsaved input; only refresh what is read-only and the lists
            self.sale = self.sale.model_copy(
                update={
                    "next_activity": fresh.next_activity,
                    "next_activity_overdue": fresh.next_activity_overdue,
                    "guide": fresh.guide,
                    "guided": fresh.guided,
                }
            )
            next_text = (
                Text(str(fresh.next_activity), style="bold red" if fresh.next_activity_overdue else "")
                if fresh.next_activity
                else Text(_("none planned"), style="dim")
            )
            self.query_one("#next_activity", Static).update(next_text)
        else:
            self.sale = fresh
            self._fill(fresh)
            self._apply_mode()
        await self._load_related()

    def reload(self) -> None:
        """After an undo (ctrl+z): show the sale as it is now (not while the user is editing it)."""
        if not self.editing:
            self.load()

    @work(group="action", exclusive=True)
    async def action_delete(self) -> None:
        from leadtui.screens.sale_delete_dialog import delete_sale_flow

        if self.sale is None or self.editing:
            return
        if await delete_sale_flow(self, self.sale.id):
            self.close_deleted()

    # ------------------------------------------------------------------ pickers

    @on(Button.Pressed, "#company_id")
    def _company_pressed(self) -> None:
        self.pick_company()

    @on(Button.Pressed, "#contact_id")
    def _contact_pressed(self) -> None:
        self.pick_contact()

    @work(group="action", exclusive=True)
    async def pick_company(self) -> None:
        from leadtui.screens.picker_dialog import PickerDialog
        from leadtui.services import sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        result = await self.app.push_screen_wait(
            PickerDialog(
                _("Company"),
                lambda text: sales.search_companies_for_picker(backend.db, text),
                empty_hint=_(
                    "No company found. Companies are added under Companies (c); a sale may also belong to a "
                    "contact alone."
                ),
            )
        )
        if result is None:
            return
        action, item = result
        new = (item.id, item.label) if action == "pick" else None
        if new != self.company:
            self.company = new
            if self.contact is not None and (new is None or self.contact[2] != new[0]):
                self.contact = None  # a contact must belong to the chosen company
        self._show_links()
        self._update_missing()

    @work(group="action", exclusive=True)
    async def pick_contact(self) -> None:
        from leadtui.screens.picker_dialog import PickerDialog
        from leadtui.services import sales

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        company_id = self.company[0] if self.company else None
        title = _("Contact") + (f" · {self.company[1]}" if self.company else "")
        result = await self.app.push_screen_wait(
            PickerDialog(
                title,
                lambda text: sales.search_contacts_for_picker(backend.db, text, company_id=company_id),
                empty_hint=_("No contact found. Contacts are added under Contacts (p) or on a company card."),
            )
        )
        if result is None:
            return
        action, item = result
        if action == "pick":
            self.contact = (item.id, item.label, item.company_id)
            if self.company is None and item.company_id is not None:
                self.company = (item.company_id, item.detail)
        else:
            self.contact = None
        self._show_links()
        self._update_missing()

    @on(Button.Pressed, "#edit-button")
    def _edit_pressed(self) -> None:
        self.action_edit()

    @on(Button.Pressed, "#save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel-button")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#delete-button")
    def _delete_pressed(self) -> None:
        self.action_delete()

    # ------------------------------------------------------------------ tabs

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Keep the keyboard in the visible tab: a hidden field must never keep the focus."""
        focused = self.focused
        tabs = self.query_one(TabbedContent)
        bar = tabs.query_one("ContentTabs")
        if focused is None or focused is bar:
            return
        pane = event.pane
        if pane is not None and pane in focused.ancestors_with_self:
            return
        target = next((w for w in pane.query("*") if w.focusable), None) if pane is not None else None
        (target or bar).focus()

    def action_next_tab(self) -> None:
        self.action_tab(1)

    def action_prev_tab(self) -> None:
        self.action_tab(-1)

    # ------------------------------------------------------------------ follow-ups

    def _follow_up_types(self) -> list[tuple[str, int]]:
        return [(c.name, c.id) for c in self.options.follow_up_types] if self.options else []

    def _current_activity(self):  # noqa: ANN202
        return self.query_one(SaleFollowUps).current()

    @work(group="action", exclusive=True)
    async def action_add_follow_up(self) -> None:
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import activities

        if self.sale is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        sale_id = self.sale.id

        async def save(values: dict[str, Any]):  # noqa: ANN202
            return await activities.create_follow_up(backend.db, backend.actor, {**values, "sale_id": sale_id})

        if await self.app.push_screen_wait(FollowUpDialog(_("New follow-up"), save, types=self._follow_up_types())):
            self.notify(_("Follow-up added."))
            await self._reload_sale()

    @on(DataTable.RowSelected, "#activities")
    def _activity_selected(self) -> None:
        self.edit_follow_up()

    @work(group="action", exclusive=True)
    async def edit_follow_up(self) -> None:
        row = self._current_activity()
        if row is not None and await follow_up_flows.change_follow_up(self, row, self._follow_up_types()):
            await self._reload_sale()

    @on(SaleFollowUps.Changed)
    async def _follow_up_deleted(self) -> None:
        await self._reload_sale()

    @work(group="action", exclusive=True)
    async def action_toggle_done(self) -> None:
        """Complete / un-complete the highlighted follow-up (Activities tab) or the one created from the
        highlighted suggestion (Sales guide tab, G4)."""
        from leadtui.services import activities

        activity_id, completed, version = None, False, None
        if self.focused is self.query_one("#guide"):
            line = self.query_one(SaleGuidePane).current()
            if line is not None:
                kind, item = line
                if kind == "item" and item.activity_id:
                    activity_id, completed = item.activity_id, bool(item.activity_completed)
            if activity_id is None:
                self.notify(_("No follow-up was created from this line yet: Enter creates it."), timeout=3)
                return
        else:
            row = self._current_activity()
            if row is None:
                return
            activity_id, completed, version = row.id, row.completed, row.version
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await activities.set_completed(
                backend.db, backend.actor, activity_id, not completed, expected_version=version
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            return
        await self._reload_sale()
        if not completed:
            await self._guide_prompts(activity_id)

    # ------------------------------------------------------------------ sales guide prompts (G5, G6)

    async def _guide_prompts(self, activity_id: int) -> None:
        """After a follow-up from the sales guide was completed: offer the next suggested follow-up (G5) and
        moving on to the next stage (G6), as the services decide."""
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            prompt = await guides.prompts_after_completing(backend.db, activity_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if prompt is None or prompt.empty:
            return
        await self._offer_suggestion(prompt)
        if prompt.next_stage_id is not None:
            await self._offer_next_stage(prompt)

    async def _offer_suggestion(self, prompt) -> None:  # noqa: ANN001 - guides.GuidePromptOut
        """G5: the Sales guide dialog (Create / Cancel / Always create), or create at once when the user ticked
        "Always create follow-up" before."""
        from leadtui.screens.guide_suggestion_dialog import GuideSuggestionDialog
        from leadtui.services import guides, preferences

        if prompt.follow_up is None or self.sale is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        ask = await preferences.confirm_suggested_follow_up(backend.db, backend.actor)
        answer = None
        if ask:
            answer = await self.app.push_screen_wait(GuideSuggestionDialog(prompt, self.sale.heading))
            if answer is None:
                return
            if answer == "create-always":
                await preferences.set_confirm_suggested_follow_up(backend.db, backend.actor, False)
        try:
            out = await guides.create_follow_up_from_guide(backend.db, backend.actor, self.sale.id, prompt.follow_up.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            return
        message = _("Created the suggested follow-up '{name}' for {date}.").format(
            name=prompt.follow_up.name, date=format_date(out.date)
        )
        if not ask or answer == "create-always":
            message += " " + _(
                "The Sales guide dialog is not shown any more; the command palette's "
                "\"Preferences: Confirm creation of suggested follow-up\" turns it back on."
            )
        self.notify(message, timeout=8)
        await self._reload_sale()

    async def _offer_next_stage(self, prompt) -> None:  # noqa: ANN001 - guides.GuidePromptOut
        """G6: every suggestion of the stage is done; move on to the next stage? (Yes / No)"""
        from leadtui.screens.dialogs import ConfirmDialog
        from leadtui.services import guides, sales

        if self.sale is None:
            return
        question = _(
            "All suggested follow-ups of the stage '{stage}' are done. Move the sale on to the stage '{next}'?"
        ).format(stage=prompt.stage or "—", next=prompt.next_stage)
        if not await self.app.push_screen_wait(ConfirmDialog(_("Sales guide"), question)):
            return
        if self.editing:  # the form holds unsaved edits: change the stage there, the user saves it with them
            stage = self.query_one("#stage", Select)
            if str(prompt.next_stage_id) in {v for _l, v in stage._options}:  # noqa: SLF001
                stage.value = str(prompt.next_stage_id)
                self.notify(
                    _("Stage set to '{stage}': ctrl+s saves it with your other changes.").format(
                        stage=prompt.next_stage
                    )
                )
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            out = await sales.update_sale(
                backend.db,
                backend.actor,
                self.sale.id,
                {"stage": prompt.next_stage_id},
                expected_version=self.sale.version,
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            await self._reload_sale()
            return
        self.sale, self.changed = out, True
        self._fill(out)
        self._apply_mode()
        await self._load_related()
        self.notify(_("The sale moved on to the stage '{stage}'.").format(stage=out.stage))
        try:
            entered = await guides.prompts_on_entering_stage(backend.db, out.id)
        except DomainError:
            return
        await self._offer_suggestion(entered)

    @on(DataTable.RowSelected, "#guide")
    def _guide_selected(self) -> None:
        self.action_create_suggested()

    @work(group="action", exclusive=True)
    async def action_create_suggested(self) -> None:
        """G3: create the highlighted suggestion's follow-up, prefilled in the Follow-up dialog."""
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import guides

        line = self.query_one(SaleGuidePane).current()
        if self.sale is None or line is None:
            return
        kind, item = line
        if kind != "item":
            self.notify(_("Highlight a suggested follow-up (the indented lines) to create it."), timeout=3)
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        sale_id = self.sale.id
        try:
            draft = await guides.suggest_follow_up(backend.db, sale_id, item.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return

        async def save(values: dict[str, Any]):  # noqa: ANN202
            return await guides.create_follow_up_from_guide(backend.db, backend.actor, sale_id, item.id, values)

        intro = item.purpose or ""
        if item.activity_id:
            intro = (intro + "\n" if intro else "") + _(
                "A follow-up was already created from this suggestion; this creates another."
            )
        dialog = FollowUpDialog(
            _("Suggested follow-up: {name}").format(name=item.name),
            save,
            types=self._follow_up_types(),
            day=draft.date,
            type_id=draft.type_id,
            text=draft.text,
            intro=intro,
        )
        if await self.app.push_screen_wait(dialog):
            self.notify(_("Follow-up created from the sales guide."))
            await self._reload_sale()

    # ------------------------------------------------------------------ palette

    def palette_commands(self) -> list[tuple[str, str, Callable]]:
        """What the action table cannot hold: the pickers of edit mode and the preference switch."""
        return [
            (_("Sale: Pick company"), _("Choose the sale's company (edit mode)"), self._palette_pick_company),
            (_("Sale: Pick contact"), _("Choose the sale's contact (edit mode)"), self._palette_pick_contact),
            confirm_suggested_command(self),
        ]

    def _palette_pick_company(self) -> None:
        if self.editing:
            self.pick_company()

    def _palette_pick_contact(self) -> None:
        if self.editing:
            self.pick_contact()
