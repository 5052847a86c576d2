"""Settings > Lead categorization (SPEC.md 2.5, 4.10): one row per trigger, each with its switch, "Set category to"
and "Ask for user confirmation before updating". Save is disabled while a rule that is on has no category (A5);
only administrators save, everyone may look. ctrl+s saves, Escape cancels.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import automation
from leadtui.widgets.form import error_line
from leadtui.widgets.inert import cell


class LeadCategorizationDialog(FormDialog):
    DEFAULT_CSS = """
    LeadCategorizationDialog > VerticalScroll { width: 84; padding: 0 2 1 2; }
    LeadCategorizationDialog .rule-switch { margin-top: 1; }
    LeadCategorizationDialog .rule-line { height: auto; padding-left: 4; }
    LeadCategorizationDialog .rule-line Label { width: 18; padding-top: 0; }
    LeadCategorizationDialog .rule-line Select { width: 1fr; }
    LeadCategorizationDialog #a5-note { color: $warning; height: auto; }
    """
    BINDINGS = bindings("lead_categorization")

    def __init__(self) -> None:
        super().__init__()
        self.current: automation.AutomationOut | None = None
        self.admin = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Lead categorization"), classes="section-title")
            yield Static(
                _(
                    "Update a company's category when something happens to its sales or contacts. Only companies "
                    "in a category of the group Potential customer are updated; the lead status rules only where "
                    "the category uses lead status."
                ),
                classes="hint",
            )
            yield Static("", id="admin-note", classes="hint")
            yield Static("", id="a5-note")
            yield Static("", id="rules")
            yield error_line("category")
            yield error_line("general")
            yield buttons(_("Save"))

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        from leadtui.services import lists

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self.admin = backend.actor.is_admin
        current = self.current = await automation.get_rules(backend.db)
        categories = await lists.list_items(backend.db, "category", include_deleted=True)
        holder = self.query_one("#rules", Static)
        widgets: list[Any] = []
        for index, rule in enumerate(current.rules):
            options = [
                (cell(f"{c.name}  ·  {lists.category_group_name(c.category_group or 0)}"), c.id)
                for c in categories
                if not c.deleted or c.id == rule.category_id
            ]
            widgets.append(
                Checkbox(
                    cell(rule.label),
                    rule.enabled,
                    id=f"on-{index}",
                    classes="rule-switch",
                    compact=True,
                    disabled=not self.admin,
                )
            )
            widgets.append(
                Horizontal(
                    Label(_("Set category to")),
                    Select(
                        options,
                        prompt=_("(No selection)"),
                        value=rule.category_id if rule.category_id is not None else Select.NULL,
                        id=f"category-{index}",
                        compact=True,
                        disabled=not self.admin,
                    ),
                    classes="rule-line",
                )
            )
            widgets.append(
                Horizontal(
                    Checkbox(
                        _("Ask for user confirmation before updating"),
                        rule.confirm,
                        id=f"confirm-{index}",
                        compact=True,
                        disabled=not self.admin,
                    ),
                    classes="rule-line",
                )
            )
        await holder.remove()
        scroll = self.query_one(VerticalScroll)
        await scroll.mount_all(widgets, before=self.query_one("#category-error"))
        note = "" if self.admin else _("Read-only: only administrators change lead categorization.")
        self.query_one("#admin-note", Static).update(note)
        self.query_one("#admin-note", Static).display = bool(note)
        if current.rules:  # the first rule, with the dialog's text above it in sight (not scrolled to by chance)
            self.query_one("#on-0", Checkbox).focus(scroll_visible=False)
            self.call_after_refresh(scroll.scroll_home, animate=False)
        self._check()

    # ------------------------------------------------------------------ A5

    def _rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        if self.current is None:
            return rows
        for index, rule in enumerate(self.current.rules):
            try:
                enabled = self.query_one(f"#on-{index}", Checkbox).value
                category = self.query_one(f"#category-{index}", Select).value
                confirm = self.query_one(f"#confirm-{index}", Checkbox).value
            except Exception:  # noqa: BLE001 - asked before the rows are mounted
                return []
            rows.append(
                {
                    "rule": rule,
                    "enabled": enabled,
                    "category": None if category == Select.NULL else category,
                    "confirm": confirm,
                }
            )
        return rows

    def _missing(self) -> list[str]:
        return [row["rule"].label for row in self._rows() if row["enabled"] and row["category"] is None]

    def _check(self) -> None:
        missing = self._missing()
        text = (
            _("Choose a category for every rule that is on: {rules}.").format(rules="; ".join(missing))
            if missing
            else ""
        )
        self.query_one("#a5-note", Static).update(cell(text))
        self.query_one("#a5-note", Static).display = bool(text)
        self.query_one("#ok", Button).disabled = bool(missing) or not self.admin
        self.refresh_bindings()

    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._check()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.admin and self.current is not None and not self._missing()
        return True

    async def action_save(self) -> None:
        if self.check_action("save", ()):
            await self.save_form()

    # ------------------------------------------------------------------ saving

    def values(self) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        for row in self._rows():
            rule = row["rule"]
            if (row["enabled"], row["category"], row["confirm"]) == (rule.enabled, rule.category_id, rule.confirm):
                continue
            change: dict[str, Any] = {
                "trigger": rule.trigger,
                "category": row["category"],
                "confirm": row["confirm"],
                "enabled": row["enabled"],
            }
            if rule.lead_status_id is not None:
                change["lead_status"] = rule.lead_status_id
            changes.append(change)
        return changes

    async def submit(self, values: list[dict[str, Any]]) -> automation.AutomationOut | None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if not values:
            return self.current
        return await automation.set_rules(
            backend.db, backend.actor, values, expected_version=self.current.version if self.current else None
        )
