"""My new leads: what the distribution of new leads gave the user since they last looked (SPEC.md 5.2: "the new
owner gets a notification per assigned contact").

`watch_new_leads(app)` notifies the user when the TUI opens and whenever new leads arrive while it runs (an import
or a web-form intake in another process), naming the newest ones. `NewLeadsScreen` (palette "Leads: Show my new
leads") lists them newest first with the reason of each assignment; Enter opens the company (or the contact
without a company), `a` shows the earlier ones too, Escape closes. Showing the list marks them as seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from leadtui.actions import bindings, key_hint
from leadtui import navigation
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import format_datetime

CHECK_EVERY = 60.0  # seconds between looks for leads assigned by other processes
# the first look waits until the first screen has loaded its own data: the notice comes after the screen, and a
# user who quits at once never stops a query half-way
FIRST_LOOK = 1.0
SHOWN = 200  # the newest leads the list shows


def _distribution() -> Any:
    from leadtui.services import distribution  # the database layer loads after the first paint

    return distribution


def watch_new_leads(app: App, every: float = CHECK_EVERY, first: float = FIRST_LOOK) -> Callable[[], None]:
    """Tell the user about leads assigned to them: once when the database is open, then whenever new ones come.
    Returns the look itself: live updates (leadtui/live.py) call it at once when contacts or companies changed, so
    a lead the distribution gives the user pops up without waiting for the next interval."""
    state = {"notified": 0}

    async def check() -> None:
        from leadtui.services.errors import DomainError

        backend = await app.ready_backend()  # type: ignore[attr-defined]
        try:
            out = await _distribution().new_leads(backend.db, backend.actor, limit=3)
        except DomainError:
            return
        if not out.unseen or out.latest <= state["notified"]:
            return
        state["notified"] = out.latest
        app.notify(summary_text(out), title=_("New leads"), timeout=15, markup=False)

    def look() -> None:
        app.run_worker(check(), group="new-leads", exclusive=True, exit_on_error=False)

    app.set_timer(first, look, name="new-leads-first")
    app.set_interval(every, look, name="new-leads")
    return look


def summary_text(out: Any) -> str:
    """ "3 new leads assigned to you (5 contacts)", the newest ones, and where to see them all."""
    lines = [
        ngettext("{n} new lead assigned to you", "{n} new leads assigned to you", out.unseen).format(n=out.unseen)
        + " "
        + ngettext("({n} contact)", "({n} contacts)", out.unseen_contacts).format(n=out.unseen_contacts)
    ]
    lines += [f"• {lead.title} ({lead.source})" for lead in out.leads[:3]]
    if out.unseen > len(out.leads[:3]):
        lines.append("• …")
    lines.append(_("ctrl+p → Leads: Show my new leads"))
    return "\n".join(lines)


class NewLeadsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    NewLeadsScreen { align: center middle; }
    NewLeadsScreen > Vertical { width: 112; height: 80%; border: thick $accent; background: $surface; padding: 0 1; }
    NewLeadsScreen #new-leads-summary { height: auto; padding: 0 0 1 0; }
    NewLeadsScreen #new-leads { height: 1fr; }
    NewLeadsScreen .hint { color: $text-muted; height: auto; }
    """
    BINDINGS = bindings("new_leads")

    def __init__(self) -> None:
        super().__init__()
        self.include_seen = False
        self.leads: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("My new leads"), classes="section-title")
            yield Static("", id="new-leads-summary")
            yield DataTable(id="new-leads", cursor_type="row", zebra_stripes=True)
            yield Static(
                _("{open} opens the company (or the contact) · {more} shows earlier leads too · {close} closes").format(
                    open=key_hint(self.app, "new_leads.open"),
                    more=key_hint(self.app, "new_leads.toggle_all"),
                    close=key_hint(self.app, "new_leads.close"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one("#new-leads", DataTable)
        table.add_columns("", _("When"), _("Lead"), _("Source"), _("Why you got it"))
        table.focus()
        self.load()

    @work(exclusive=True, group="new-leads-list")
    async def load(self) -> None:
        from leadtui.services.errors import DomainError

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        distribution = _distribution()
        try:
            out = await distribution.new_leads(backend.db, backend.actor, include_seen=self.include_seen, limit=SHOWN)
            if out.unseen:
                await distribution.mark_leads_seen(
                    backend.db, backend.actor, up_to=max(lead.id for lead in out.leads if lead.new)
                )
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.leads = out.leads
        if out.unseen:
            text = (
                ngettext(
                    "{n} new lead since you last looked", "{n} new leads since you last looked", out.unseen
                ).format(n=out.unseen)
                + "."
            )
        else:
            text = _("No new leads since you last looked.")
        if not self.include_seen:
            text += " " + _("a shows the earlier ones too.")
        self.query_one("#new-leads-summary", Static).update(text)
        table = self.query_one("#new-leads", DataTable)
        table.clear()
        for lead in out.leads:
            table.add_row(
                Text("●", style="bold") if lead.new else "",
                format_datetime(lead.at),
                Text(lead.title),
                Text(lead.source),
                Text(lead.reason),
                key=str(lead.id),
            )

    def _current(self) -> Any:
        table = self.query_one("#new-leads", DataTable)
        if not self.leads or table.cursor_row < 0 or table.cursor_row >= len(self.leads):
            return None
        return self.leads[table.cursor_row]

    def action_open(self) -> None:
        lead = self._current()
        if lead is None:
            return
        if lead.kind == "company" and lead.company_id is not None:
            navigation.open_record(self.app, "company", lead.company_id)
        else:
            navigation.open_record(self.app, "contact", lead.contact_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_toggle_all(self) -> None:
        self.include_seen = not self.include_seen
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
