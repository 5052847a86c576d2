"""The Activities tab of the contact and company cards (SPEC.md 4.1, 4.2): the record's follow-ups (open and done)
and its lead status and category changes in one timeline, newest first, each line dated and saying who.

Keys on the tab: a adds a follow-up, Enter changes the highlighted one, space completes it (or un-completes it),
Delete deletes it. Keys a follow-up may not take (another user's, a change line) are hidden. The card hears
`ActivityTimeline.Changed` after each change (its Next activity follows).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from leadtui import navigation
from leadtui.actions import bindings, key_hint
from leadtui.i18n import _
from leadtui.i18n.format import format_date, format_time
from leadtui.services.errors import DomainError
from leadtui.widgets import follow_up_flows
from leadtui.widgets.inert import cap, cell


class ActivityTimeline(Vertical):
    DEFAULT_CSS = """
    ActivityTimeline { height: 1fr; }
    ActivityTimeline #timeline { height: 1fr; }
    ActivityTimeline .hint { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS = bindings("activities_tab")

    class Changed(Message):
        """A follow-up of the record was added, changed, completed or deleted."""

    def __init__(
        self,
        *,
        contact_id: int | None = None,
        company_id: int | None = None,
        sale_id: int | None = None,
        id: str = "activity-timeline",  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id)
        self.contact_id, self.company_id, self.sale_id = contact_id, company_id, sale_id
        self.entries: list[Any] = []  # follow_ups.TimelineEntry, in table order

    def compose(self) -> ComposeResult:
        yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("{add} add follow-up · Enter change it · {done} done / not done · {delete} delete it").format(
                add=key_hint(self.app, "activities_tab.add_follow_up"),
                done=key_hint(self.app, "activities_tab.toggle_done"),
                delete=key_hint(self.app, "activities_tab.delete_follow_up"),
            ),
            classes="hint",
            markup=False,
        )

    def on_mount(self) -> None:
        self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#timeline", DataTable)

    # ------------------------------------------------------------------ data

    @work(group="timeline", exclusive=True)
    async def load(self) -> None:
        from leadtui.services import follow_ups

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            entries = await follow_ups.timeline(
                backend.db,
                backend.actor,
                contact_id=self.contact_id,
                company_id=self.company_id,
                sale_id=self.sale_id,
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.show(entries)

    def show(self, entries: list[Any]) -> None:
        self.entries = list(entries)
        table = self.table
        keep = table.cursor_row
        table.clear(columns=True)  # the widths follow the new rows
        table.add_columns(_("Date"), _("What"), _("Text"), _("Who"), _("Done"))
        for entry in self.entries:
            follow_up = entry.follow_up
            if follow_up is not None:
                style = "bold red" if follow_up.overdue else ("dim" if follow_up.completed else "")
                when = format_date(follow_up.date) + (f" {format_time(follow_up.time)}" if follow_up.time else "")
                table.add_row(
                    Text(when, style=style),
                    cell(follow_up.type),
                    cell(cap(follow_up.title, 50)),
                    cell(entry.who),
                    "✓" if follow_up.completed else "",
                    key=f"fu:{follow_up.id}",
                )
            else:
                table.add_row(
                    Text(format_date(entry.at), style="italic"),
                    Text(entry.field_label, style="italic"),
                    cell(cap(entry.text, 50)),
                    cell(entry.who),
                    "",
                )
        if self.entries:
            table.move_cursor(row=max(0, min(keep, len(self.entries) - 1)))
        self.refresh_bindings()

    def current(self) -> Any:
        """The highlighted line (a follow_ups.TimelineEntry), or None."""
        table = self.table
        if not self.entries or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def current_follow_up(self) -> Any:
        entry = self.current()
        return entry.follow_up if entry is not None else None

    @on(DataTable.RowHighlighted, "#timeline")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_done", "delete_follow_up", "edit_follow_up"):
            entry = self.current()
            return entry is not None and entry.follow_up is not None and entry.may_edit
        return True

    def _changed(self) -> None:
        self.load()
        self.post_message(self.Changed())

    # ------------------------------------------------------------------ actions

    async def _types(self) -> list[tuple[str, int]]:
        from leadtui.services import lists

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return [(item.name, item.id) for item in await lists.list_items(backend.db, "follow-up-type")]

    @work(group="action", exclusive=True)
    async def action_add_follow_up(self) -> None:
        from leadtui.services import activities

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        links = {"contact_id": self.contact_id, "company_id": self.company_id, "sale_id": self.sale_id}
        links = {key: value for key, value in links.items() if value is not None}

        async def save(values: dict[str, Any]) -> Any:
            return await activities.create_follow_up(backend.db, backend.actor, {**values, **links})

        if await navigation.ask(self, "follow_up", _("New follow-up"), save, types=await self._types()):
            self.notify(_("Follow-up added."))
            self._changed()

    @on(DataTable.RowSelected, "#timeline")
    def _selected(self) -> None:
        if self.check_action("edit_follow_up", ()):
            self.action_edit_follow_up()

    @work(group="action", exclusive=True)
    async def action_edit_follow_up(self) -> None:
        row = self.current_follow_up()
        if row is not None and await follow_up_flows.change_follow_up(self, row, await self._types()):
            self._changed()

    @work(group="action", exclusive=True)
    async def action_toggle_done(self) -> None:
        from leadtui.services import activities

        row = self.current_follow_up()
        if row is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await activities.set_completed(
                backend.db, backend.actor, row.id, not row.completed, expected_version=row.version
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not saved"))
            return
        self.notify(_("Follow-up done.") if not row.completed else _("Follow-up not done any more."), timeout=2)
        self._changed()

    @work(group="action", exclusive=True)
    async def action_delete_follow_up(self) -> None:
        row = self.current_follow_up()
        if row is not None and await follow_up_flows.delete_follow_up(self, row):
            self._changed()
