"""The audit of one record in words: who changed what and when, one summary line per change and the changed
fields with their old and new values by name (newest first; services/audit.py puts them in words)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.i18n.format import format_datetime
from leadtui.services import audit
from leadtui.widgets.footer import Footer
from leadtui.widgets.inert import cell

ACTIONS = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "bulk": N_("Bulk update"),
    "sign-in": N_("Signed in"),
    "sign-out": N_("Signed out"),
    "refused": N_("Sign-in refused"),
}


def describe(entry: audit.AuditEntryOut) -> str:
    """The changed fields in words ("Lead status: Open → Qualified; Owner: Rita Rep → Ole Dam")."""
    if entry.entity == "session":  # a served session: key, client address, why it was refused
        return "  ".join(
            str(entry.changes.get(key)) for key in ("fingerprint", "address", "reason") if entry.changes.get(key)
        )
    if entry.action in ("update", "bulk"):
        return "; ".join(f"{change.label}: {change.old} → {change.new}" for change in entry.details)
    return ""


class AuditScreen(Screen):
    BINDINGS = bindings("audit")

    def __init__(self, entity: str, entity_id: int, title: str) -> None:
        super().__init__()
        self.entity = entity
        self.entity_id = entity_id
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Audit: {what}").format(what=self.title_text), classes="section-title", markup=False)
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("When"), _("Who"), _("Change"), _("Fields"))
        table.focus()
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        entries = await audit.for_record(backend.db, self.entity, self.entity_id)
        table = self.query_one(DataTable)
        table.clear()
        for entry in entries:  # newest first
            what = entry.summary or _(ACTIONS.get(entry.action, entry.action))
            if entry.undone:
                what = _("{what} (undone)").format(what=what)
            table.add_row(
                format_datetime(entry.at), cell(entry.user_name or entry.user or "-"), cell(what), cell(describe(entry))
            )
