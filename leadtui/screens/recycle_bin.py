"""Settings > Recycle bin (SPEC.md 2.7 P3, 4.10): deleted companies, contacts and sales of the last 14 days,
newest first (what, deleted when, by whom). r restores the highlighted record (offered only when the user may:
who may delete it, administrators anything); Escape goes back to Settings."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from leadtui.actions import bindings, key_hint
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import format_datetime
from leadtui.services import recycle as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer


class RecycleBinScreen(Screen):
    BINDINGS = bindings("recycle_bin")
    DEFAULT_CSS = """
    RecycleBinScreen #recycled { height: 1fr; }
    RecycleBinScreen #recycle-hint { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(name="recycle-bin")
        self.rows: list[svc.RecycledOut] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Recycle bin"), id="recycle-title", classes="section-title")
        yield Static("", id="recycle-hint", classes="hint")
        yield DataTable(id="recycled", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Kind"), _("Name"), _("Details"), _("Deleted"), _("By"))
        table.focus()
        self.load()

    def reload(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self, select: tuple[str, int] | None = None) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.rows = await svc.list_recycled(backend.db, backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        count = ngettext("{n} record", "{n} records", len(self.rows)).format(n=len(self.rows))
        self.query_one("#recycle-title", Static).update(f"{_('Recycle bin')}  ·  {count}")
        hint = _("Deleted in the last {days} days, newest first. {key} restores the highlighted record.").format(
            days=svc.RETENTION_DAYS, key=key_hint(self.app, "recycle_bin.restore")
        )
        if not self.rows:
            hint = _("The recycle bin is empty: nothing was deleted in the last {days} days.").format(
                days=svc.RETENTION_DAYS
            )
        self.query_one("#recycle-hint", Static).update(hint)
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            style = "" if row.may_restore else "dim"
            cells = [
                svc.kind_label(row.kind),
                row.name,
                row.detail,
                format_datetime(row.deleted_at),
                row.deleted_by_name,
            ]
            table.add_row(*[Text(cell, style=style) for cell in cells], key=f"{row.kind}:{row.id}")
        if select is not None:
            for index, row in enumerate(self.rows):
                if (row.kind, row.id) == select:
                    table.move_cursor(row=index)
        self.refresh_bindings()

    def current(self) -> svc.RecycledOut | None:
        try:
            table = self.query_one(DataTable)
        except NoMatches:
            return None
        if 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            current = self.current()
            return current is not None and current.may_restore
        return True

    @work(group="action")
    async def action_restore(self) -> None:
        current = self.current()
        if current is None or not current.may_restore:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            restored = await svc.restore(backend.db, backend.actor, current.kind, current.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not restored"))
            self.load()
            return
        message = {
            "company": _("Restored company '{name}'."),
            "contact": _("Restored contact '{name}'."),
            "sale": _("Restored sale '{name}'."),
        }[restored.kind].format(name=restored.name)
        if restored.contacts:
            message += " " + ngettext(
                "{n} contact deleted with it is back too.",
                "{n} contacts deleted with it are back too.",
                restored.contacts,
            ).format(n=restored.contacts)
        if restored.follow_ups:
            message += " " + ngettext(
                "{n} follow-up is back too.", "{n} follow-ups are back too.", restored.follow_ups
            ).format(n=restored.follow_ups)
        self.notify(message)
        # like an undo: every list (Companies, Contacts, Sales ...) shows what came back; this screen reloads too
        reload_lists = getattr(self.app, "_reload_lists", None)
        if callable(reload_lists):
            reload_lists()
        else:
            self.load()
