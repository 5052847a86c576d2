"""My follow-ups (section i): the user's open follow-ups in three parts, Overdue, Today and Later this week, oldest
first; v shows only one of them (or all open ones). A rep works through the list by keyboard:

Enter changes the highlighted follow-up, o opens its sale, contact or company card, space completes it, r (or +)
reschedules it (+N days from today, or a date, typed in a small prompt), l logs a call with a note (a completed
call on the same contact and company; it may complete the follow-up too).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from leadtui import navigation
from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.i18n.format import date_hint, format_date, format_time
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.inert import cap, cell
from leadtui.widgets.navigator import Navigator

# the due filters v goes through: None shows the three parts
FILTERS: list[str | None] = [None, "overdue", "today", "week"]
FILTER_LABELS = {
    None: N_("overdue, today and later this week"),
    "overdue": N_("overdue only"),
    "today": N_("today only"),
    "week": N_("this week (Monday to Sunday)"),
}
HEADER = "part:"


class MyFollowUpsScreen(Screen):
    DEFAULT_CSS = """
    MyFollowUpsScreen #follow-ups-pane { padding: 0 1; }
    MyFollowUpsScreen #my-follow-ups { height: 1fr; }
    MyFollowUpsScreen #follow-ups-status { color: $text-muted; height: auto; }
    """
    BINDINGS = bindings("my_follow_ups")

    def __init__(self) -> None:
        super().__init__(name="followups")
        self.due: str | None = None
        self.lines: list[Any] = []  # follow_ups.FollowUpLine per table row (None for a part's header)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("followups")
        with Vertical(id="follow-ups-pane"):
            yield Static(_("My follow-ups"), classes="section-title")
            yield Static("", id="follow-ups-status")
            yield DataTable(id="my-follow-ups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Someone else planned, moved or completed follow-ups (leadtui/live.py): the list is read again."""
        if message.touches("activity"):
            self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#my-follow-ups", DataTable)

    # ------------------------------------------------------------------ data

    @work(group="load", exclusive=True)
    async def load(self) -> None:
        from leadtui.services import follow_ups

        try:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        except DomainError:
            return
        try:
            lines = await follow_ups.list_due(backend.db, backend.actor, due=self.due, mine=True, limit=1000)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.show(lines)

    def _parts(self, lines: list[Any]) -> list[tuple[str, list[Any]]]:
        today = date.today()
        if self.due is not None:
            return [(_(FILTER_LABELS[self.due]).capitalize(), lines)]
        sunday = today + timedelta(days=6 - today.weekday())
        return [
            (_("Overdue"), [line for line in lines if line.follow_up.date < today]),
            (_("Today"), [line for line in lines if line.follow_up.date == today]),
            (_("Later this week"), [line for line in lines if today < line.follow_up.date <= sunday]),
        ]

    def show(self, lines: list[Any]) -> None:
        table = self.table
        keep = table.cursor_row
        table.clear(columns=True)  # the widths follow the new rows
        table.add_columns(_("Date"), _("Type"), _("Text"), _("With"))
        self.lines = []
        shown = 0
        for title, part in self._parts(lines):
            table.add_row(Text(f"▾ {title} ({len(part)})", style="bold"), "", "", "", key=f"{HEADER}{title}")
            self.lines.append(None)
            for line in part:
                follow_up = line.follow_up
                when = format_date(follow_up.date) + (f" {format_time(follow_up.time)}" if follow_up.time else "")
                with_ = " · ".join(p for p in (line.contact_name, line.company_name, follow_up.sale_heading) if p)
                table.add_row(
                    Text(when, style="bold red" if follow_up.overdue else ""),
                    cell(follow_up.type),
                    cell(cap(follow_up.title, 40)),
                    cell(cap(with_, 40)),
                    key=str(follow_up.id),
                )
                self.lines.append(line)
                shown += 1
        if self.lines:
            row = max(0, min(keep, len(self.lines) - 1))
            if self.lines[row] is None:  # a header: the first follow-up after it
                row = next((i for i in range(row, len(self.lines)) if self.lines[i] is not None), row)
            table.move_cursor(row=row)
        status = _("Showing: {what} · v changes it").format(what=_(FILTER_LABELS[self.due]))
        if not shown:
            status += "  ·  " + _("Nothing to do here.")
        self.query_one("#follow-ups-status", Static).update(status)
        self.refresh_bindings()

    def current(self) -> Any:
        table = self.table
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    @on(DataTable.RowHighlighted, "#my-follow-ups")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("complete", "reschedule", "log_call", "edit"):
            line = self.current()
            return line is not None and line.may_edit
        if action == "open_card":
            return self.current() is not None
        return True

    # ------------------------------------------------------------------ actions

    def action_refresh(self) -> None:
        self.load()

    def action_cycle_filter(self) -> None:
        self.due = FILTERS[(FILTERS.index(self.due) + 1) % len(FILTERS)]
        self.load()

    def action_open_card(self) -> None:
        line = self.current()
        if line is None:
            return
        follow_up = line.follow_up
        for kind, record_id in (
            ("sale", follow_up.sale_id),
            ("contact", follow_up.contact_id),
            ("company", follow_up.company_id),
        ):
            if record_id is not None:
                navigation.open_record(self.app, kind, record_id, lambda _closed: self.load())
                return

    @on(DataTable.RowSelected, "#my-follow-ups")
    def _selected(self) -> None:
        if self.check_action("edit", ()):
            self.action_edit()

    @work(group="action", exclusive=True)
    async def action_edit(self) -> None:
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import activities, lists

        line = self.current()
        if line is None:
            return
        row = line.follow_up
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        types = [(item.name, item.id) for item in await lists.list_items(backend.db, "follow-up-type")]

        async def save(values: dict[str, Any]) -> Any:
            return await activities.update_follow_up(
                backend.db, backend.actor, row.id, values, expected_version=row.version
            )

        dialog = FollowUpDialog(
            _("Change follow-up"), save, types=types, day=row.date, at=row.time, type_id=row.type_id, text=row.text
        )
        if await self.app.push_screen_wait(dialog):
            self.load()

    @work(group="action", exclusive=True)
    async def action_complete(self) -> None:
        from leadtui.services import activities

        line = self.current()
        if line is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await activities.set_completed(
                backend.db, backend.actor, line.follow_up.id, True, expected_version=line.follow_up.version
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            return
        self.notify(_("Done: {title}").format(title=line.follow_up.title), timeout=2)
        self.load()

    @work(group="action", exclusive=True)
    async def action_reschedule(self) -> None:
        from leadtui.screens.text_dialog import TextDialog
        from leadtui.services import follow_ups

        line = self.current()
        if line is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        row = line.follow_up

        async def move(value: str) -> Any:
            return await follow_ups.move_follow_up(
                backend.db, backend.actor, row.id, value.strip() or "+1", expected_version=row.version
            )

        dialog = TextDialog(
            _("Reschedule '{title}'").format(title=row.title),
            _("New date: +N days from today, or a date ({hint})").format(hint=date_hint()),
            move,
            value="+1",
        )
        moved = await self.app.push_screen_wait(dialog)
        if moved:
            self.notify(_("Moved to {date}.").format(date=format_date(moved.date)), timeout=2)
            self.load()

    @work(group="action", exclusive=True)
    async def action_log_call(self) -> None:
        from leadtui.screens.log_call_dialog import LogCallDialog
        from leadtui.services import follow_ups

        line = self.current()
        if line is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        row = line.follow_up

        async def save(values: dict[str, Any]) -> Any:
            return await follow_ups.log_call(
                backend.db,
                backend.actor,
                row.id,
                values["text"],
                complete_current=values["complete"],
                expected_version=row.version,
            )

        if await self.app.push_screen_wait(LogCallDialog(row.title, save)):
            self.notify(_("Call logged."), timeout=2)
            self.load()
