"""Settings and maintenance: the lists. Pick a list on the left, its items on the right.

Keys: a add, e or Enter edit, x delete, r restore, v show deleted items, ctrl+up/ctrl+down reorder.
Only administrators change lists; others see them read-only and get the refusal when they try.
Under the lists, the "Recycle bin" entry (Enter, or R anywhere in Settings) opens the recycle bin.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.css.query import NoMatches
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.actions import bindings, key_hint
from leadtui.i18n import _, ngettext
from leadtui.services import lists as svc
from leadtui.services.actor import require_list_administrator
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator

SETTINGS_KINDS = [
    "lead-status",
    "category",
    "sale-stage",
    "sale-type",
    "reason-sold",
    "reason-lost",
    "reason-stalled",
    "sale-source",
    "competitor",
    "follow-up-type",
    "business",
    "user-group",
]
RECYCLE_BIN = "recycle-bin"  # the entry under the lists that opens the recycle bin (Enter)


class SettingsScreen(Screen):
    CSS_PATH = "settings.tcss"
    BINDINGS = bindings("settings")

    kind: reactive[str] = reactive("lead-status", init=False)
    show_deleted: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__(name="settings")
        self.items: list[svc.ListItemOut] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("settings")
        with Horizontal():
            yield OptionList(
                *[Option(_(svc.KINDS[k].label), id=k) for k in SETTINGS_KINDS],
                None,
                Option(_("Lead categorization") + " …", id="lead-categorization"),  # SPEC 2.5
                Option(_("Recycle bin") + " …", id=RECYCLE_BIN),
                id="kinds",
            )
            with Vertical(id="list-pane"):
                yield Static("", id="list-title", classes="section-title")
                yield Static("", id="admin-note", classes="hint")
                yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
                yield Static("", id="item-description", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        kinds.highlighted = 0
        self.query_one("#items", DataTable).focus()
        self.load()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="load")
    async def load(self, select_id: int | None = None) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.items = await svc.list_items(backend.db, self.kind, include_deleted=self.show_deleted)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        k = svc.KINDS[self.kind]
        shown = (
            _("deleted items shown")
            if self.show_deleted
            else _("{key} shows deleted items").format(key=key_hint(self.app, "settings.toggle_deleted"))
        )
        self.query_one("#list-title", Static).update(f"{_(k.label)}  ·  {len(self.items)}  ·  {shown}")
        note = "" if backend.actor.is_admin else _("Read-only: only administrators may change lists.")
        self.query_one("#admin-note", Static).update(note)
        self._fill(select_id)

    def _columns(self) -> list[str]:
        extra = {
            "category": [_("Category group"), _("Lead status")],
            "sale-stage": [_("Probability")],
            "lead-status": [_("Default")],
        }.get(self.kind, [])
        return [_("Name"), *extra, _("Description")]

    def _cells(self, item: svc.ListItemOut) -> list[Text]:
        extra: list[str] = []
        if self.kind == "category":
            extra = [svc.category_group_name(item.category_group or 0), "✓" if item.enable_lead_status else ""]
        elif self.kind == "sale-stage":
            extra = [f"{item.probability} %"]
        elif self.kind == "lead-status":
            extra = ["✓" if item.is_default else ""]
        style = "strike red" if item.deleted else ""
        name = item.name + (f"  ({_('deleted')})" if item.deleted else "")
        return [Text(value, style=style) for value in (name, *extra, item.description)]

    def _fill(self, select_id: int | None) -> None:
        table = self.query_one("#items", DataTable)
        table.clear(columns=True)
        table.add_columns(*self._columns())
        for item in self.items:
            table.add_row(*self._cells(item), key=str(item.id))
        if select_id is not None:
            for index, item in enumerate(self.items):
                if item.id == select_id:
                    table.move_cursor(row=index)
        self._describe()
        self.refresh_bindings()

    def current(self) -> svc.ListItemOut | None:
        table = self.query_one("#items", DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def _describe(self) -> None:
        item = self.current()
        text = ""
        if item is not None:
            text = item.description or _("(no description)")
        self.query_one("#item-description", Static).update(text)
        table = self.query_one("#items", DataTable)
        table.tooltip = item.description if item and item.description else None

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionHighlighted, "#kinds")
    def _kind_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id in SETTINGS_KINDS and event.option.id != self.kind:
            self.kind = event.option.id

    def watch_kind(self) -> None:
        self.load()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what the user may do with the highlighted item is offered: administrators change lists, the
        default lead status cannot be deleted, only a deleted item can be restored."""
        if action in ("add", "edit", "delete", "restore", "move", "guide") and not self._is_admin():
            return False
        if action == "guide":
            return self.kind == "sale-type"
        item = self._highlighted() if action in ("delete", "restore", "edit") else None
        if action == "delete":
            return item is not None and svc.deletable(item)
        if action == "restore":
            return item is not None and item.deleted
        if action == "edit":
            return item is not None
        return True

    def _highlighted(self) -> svc.ListItemOut | None:
        try:
            return self.current()
        except NoMatches:  # asked before the table is there
            return None

    def _is_admin(self) -> bool:
        backend = getattr(self.app, "backend", None)
        return backend is not None and backend.actor.is_admin

    def action_guide(self) -> None:
        """Stages, estimated time and sales guide of the highlighted sale type."""
        from leadtui.screens.sales_guide_dialog import SalesGuideDialog

        item = self.current()
        if self.kind != "sale-type" or item is None or not self._admin_or_refuse():
            return
        self.app.push_screen(SalesGuideDialog(item.id, item.name))

    def watch_show_deleted(self) -> None:
        current = self.current()
        self.load(current.id if current else None)

    @on(DataTable.RowHighlighted, "#items")
    def _row_highlighted(self) -> None:
        self._describe()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#items")
    def _row_selected(self) -> None:
        self.action_edit()

    # ------------------------------------------------------------------ actions

    def _admin_or_refuse(self) -> bool:
        backend = self.app.backend  # type: ignore[attr-defined]
        if backend is None:
            self.notify(_("The database is still opening."), severity="warning")
            return False
        try:
            require_list_administrator(backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not allowed"))
            return False
        return True

    def action_add(self) -> None:
        if self._admin_or_refuse():
            self._open_dialog(None)

    def action_edit(self) -> None:
        item = self.current()
        if item is not None and self._admin_or_refuse():
            self._open_dialog(item)

    def _open_dialog(self, item: svc.ListItemOut | None) -> None:
        from leadtui.screens.list_item_dialog import ListItemDialog

        def done(result: svc.ListItemOut | None) -> None:
            if result is not None:
                self.notify(_("Saved '{name}'.").format(name=result.name))
                self.load(result.id)

        self.app.push_screen(ListItemDialog(self.kind, item), done)

    @work(group="action")
    async def action_delete(self) -> None:
        item = self.current()
        if item is None or not self._admin_or_refuse():
            return
        from leadtui.screens.dialogs import ConfirmDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            used = await svc.usage_count(backend.db, self.kind, item.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        question = _("Delete '{name}'? It disappears from the pickers; restore brings it back.").format(name=item.name)
        if used:
            question += "\n" + ngettext(
                "{n} record uses it and keeps showing its name, read-only.",
                "{n} records use it and keep showing its name, read-only.",
                used,
            ).format(n=used)
        if not await self.app.push_screen_wait(ConfirmDialog(_("Delete list item"), question)):
            return
        await self._run(
            lambda: svc.delete_item(backend.db, backend.actor, self.kind, item.id),
            _("Deleted '{name}'.").format(name=item.name),
            item.id,
        )

    async def _run(self, call: Callable, message: str, select_id: int | None) -> None:
        try:
            await call()
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            return
        self.notify(message)
        self.load(select_id)

    @work(group="action")
    async def action_restore(self) -> None:
        item = self.current()
        if item is None or not self._admin_or_refuse():
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        await self._run(
            lambda: svc.restore_item(backend.db, backend.actor, self.kind, item.id),
            _("Restored '{name}'.").format(name=item.name),
            item.id,
        )

    def action_toggle_deleted(self) -> None:
        self.show_deleted = not self.show_deleted

    @work(group="action")
    async def action_move(self, offset: int) -> None:
        item = self.current()
        if item is None or not self._admin_or_refuse():
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        await self._run(
            lambda: svc.move_item(backend.db, backend.actor, self.kind, item.id, offset),
            _("Moved '{name}'.").format(name=item.name),
            item.id,
        )

    def action_users(self) -> None:
        from leadtui.screens.users import UsersScreen

        self.app.push_screen(UsersScreen())

    # ------------------------------------------------------------------ lead categorization (SPEC 2.5)

    def action_lead_categorization(self) -> None:
        from leadtui.screens.lead_categorization_dialog import LeadCategorizationDialog

        def done(result: object) -> None:
            if result is not None:
                self.notify(_("Saved lead categorization."))

        self.app.push_screen(LeadCategorizationDialog(), done)

    # ---- the recycle bin: an entry under the lists (Enter) and a key
    def action_recycle_bin(self) -> None:
        from leadtui.screens.recycle_bin import RecycleBinScreen

        self.app.push_screen(RecycleBinScreen())

    @on(OptionList.OptionSelected, "#kinds")
    def _entry_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == RECYCLE_BIN:
            self.action_recycle_bin()
        elif event.option.id == "lead-categorization":
            self.action_lead_categorization()

    def reload(self) -> None:
        current = self.current()
        self.load(current.id if current else None)
