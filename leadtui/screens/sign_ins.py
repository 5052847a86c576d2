"""Settings > Users > all sign-ins: every served session's sign-in, sign-out and refusal, keys nobody holds
included (administrators; a single user's trail is ctrl+y on their row)."""

from __future__ import annotations

from textual import work
from textual.widgets import DataTable

from leadtui.i18n import _
from leadtui.i18n.format import format_datetime
from leadtui.screens.audit import ACTIONS, AuditScreen, describe
from leadtui.services import keys
from leadtui.services.errors import DomainError


class SignInsScreen(AuditScreen):
    def __init__(self) -> None:
        super().__init__("session", 0, _("all sign-ins"))

    @work(exclusive=True)
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            entries = await keys.session_trail(backend.db, backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not allowed"))
            return
        table = self.query_one(DataTable)
        table.clear()
        for entry in entries:
            who = entry.user or entry.changes.get("login") or "-"
            table.add_row(format_datetime(entry.at), who, _(ACTIONS.get(entry.action, entry.action)), describe(entry))
