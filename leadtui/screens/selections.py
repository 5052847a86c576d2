"""Selections (SPEC.md 4.5): the list of your selections and those shared with you, with the members of the one
highlighted (dynamic: its criteria run now; static: its kept members).

Keys: Enter members (Tab back), g open in Find (its criteria), k board, n rename, x delete (always confirmed),
m make static (a dynamic or combined one), e export the members to CSV, + add members by id, - remove the
highlighted member (static), PgDn/PgUp members' pages, r refresh, Escape back; a task menu (bulk update, generate
follow-ups, export, delete the selection, delete the members' records; on the marked members only if you like),
space marks a member, u combines selections, y copies one.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from leadtui.actions import bindings, key_hint
from leadtui import navigation
from leadtui.i18n import _, ngettext
from leadtui.services import find, selections
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.inert import cell
from leadtui.widgets.result_cell import result_cell

PAGE = 50


class SelectionsScreen(Screen):
    DEFAULT_CSS = """
    SelectionsScreen #selections-main { padding: 0 1; }
    SelectionsScreen #selections { height: 2fr; }
    SelectionsScreen #members { height: 3fr; }
    SelectionsScreen #selection-details { height: auto; max-height: 4; }
    """
    BINDINGS = bindings("selections")

    def __init__(self, target: str | None = None) -> None:
        super().__init__(name="selections")
        self.target = find.normalise_target(target) if target else None
        self.items: list[selections.SelectionOut] = []
        self.page: find.FindPage | None = None
        self.page_offset = 0
        self.count: int | None = None
        self.marked: set[int] = set()  # members marked for the task menu (of the highlighted selection)
        self._members_of: int | None = None  # the selection whose members are asked for (page and marks belong to it)
        self._members_shown: tuple[int, int] | None = None  # (selection id, offset) of the members' page shown
        self._details: tuple[list[str], list[str]] = ([], [])

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="selections-main"):
            yield Static(_("Selections"), id="selections-title", classes="section-title")
            yield DataTable(id="selections", cursor_type="row", zebra_stripes=True)
            yield Static("", id="selection-details", classes="hint")
            yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#selections", DataTable).focus()
        self.load()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="load")
    async def load(self, select_id: int | None = None) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.items = await selections.list_selections(backend.db, backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        current = self.current()
        select_id = select_id if select_id is not None else (current.id if current else None)
        table = self.query_one("#selections", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Name"), _("Selection is"), _("Of"), _("Owner"), _("Visible for"), _("Description"))
        for item in self.items:
            table.add_row(
                cell(item.name),
                item.kind_label,
                item.target_label,
                cell(item.owner or "–"),
                _(selections.VISIBLE_LABELS.get(item.visible_for, item.visible_for)),
                cell(item.description),
                key=str(item.id),
            )
        index = next((i for i, item in enumerate(self.items) if item.id == select_id), None)
        if index is None and self.target is not None:
            index = next((i for i, item in enumerate(self.items) if item.target == self.target), None)
        if index is not None:
            table.move_cursor(row=index)
        title = _("Selections · {n}").format(n=len(self.items))
        if not self.items:
            title += " · " + _("none yet: save one from Find with w")
        self.query_one("#selections-title", Static).update(title)
        current = self.current()
        if current is None or current.id != self._members_of:  # another selection now: its first page, no marks
            self._members_of = current.id if current is not None else None
            self.page_offset, self.marked = 0, set()
        self.load_members()

    def current(self) -> selections.SelectionOut | None:
        table = self.query_one("#selections", DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    @on(DataTable.RowHighlighted, "#selections")
    def _highlighted(self) -> None:
        item = self.current()
        if item is not None and item.id == self._members_of:  # the same one again (the list read again): kept
            return
        self._members_of = item.id if item is not None else None
        self.page_offset = 0
        self.marked = set()
        self.refresh_bindings()
        self.load_members()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The Footer offers "Make static" only on a dynamic or combined selection (a static one cannot change
        kind)."""
        if action == "make_static":
            item = self.current()
            return item is not None and item.kind in ("dynamic", "combined")
        return True

    @work(exclusive=True, group="members")
    async def load_members(self) -> None:
        item = self.current()
        members = self.query_one("#members", DataTable)
        details = self.query_one("#selection-details", Static)
        if item is None:
            members.clear(columns=True)
            details.update("")
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            described = await find.describe(backend.db, item.target, item.criteria)
            page = await selections.members(backend.db, backend.actor, item.id, offset=self.page_offset, limit=PAGE)
            count = await selections.member_count(backend.db, backend.actor, item.id)
        except DomainError as exc:
            details.update(Text(str(exc), style="bold red"))
            members.clear(columns=True)
            return
        same = self._members_shown == (item.id, self.page_offset)  # the page read again (a live update): cursor kept
        keep, cursor, scroll = self.current_member(), members.cursor_row, (members.scroll_x, members.scroll_y)
        self.page, self.count = page, count
        label = _("Criteria") if item.kind == "dynamic" else _("Made from criteria")
        lines = [
            ngettext(
                "{kind} selection of {what} · {n} member", "{kind} selection of {what} · {n} members", count
            ).format(kind=item.kind_label, what=item.target_label.lower(), n=count)
        ]
        if described:
            lines.append(f"{label}: " + "; ".join(described))
        if item.parts:
            lines.append(
                _("{how} of {parts}").format(
                    how=item.combination_label, parts=", ".join(f"'{name}'" for name in item.part_names)
                )
            )
        after: list[str] = []
        if page.more or self.page_offset:
            after.append(
                _("members {first}–{last}; PgDn/PgUp for more").format(
                    first=self.page_offset + 1, last=self.page_offset + len(page.rows)
                )
            )
        self._details = (lines, after)
        self._show_details()
        members.clear(columns=True)
        members.add_column(_("Id"), key="#id")
        for column in page.columns:
            members.add_column(column.label, key=column.key)
        for row in page.rows:
            members.add_row(
                self._id_cell(row["id"]),
                *[result_cell(row.get(c.key), c.key, c.kind) for c in page.columns],
                key=str(row["id"]),
            )
        self._members_shown = (item.id, self.page_offset)
        ids = [r["id"] for r in page.rows]
        if same and ids:
            members.move_cursor(row=ids.index(keep) if keep in ids else min(max(cursor, 0), len(ids) - 1), scroll=False)
            self.call_after_refresh(members.scroll_to, scroll[0], scroll[1], animate=False)

    def _show_details(self) -> None:
        """The highlighted selection's details, with how many members are marked (names shown inert)."""
        lines, after = self._details
        marked = (
            [
                ngettext(
                    "{n} member marked (space marks and unmarks)",
                    "{n} members marked (space marks and unmarks)",
                    len(self.marked),
                ).format(n=len(self.marked))
            ]
            if self.marked
            else []
        )
        self.query_one("#selection-details", Static).update(Text("\n".join([*lines, *marked, *after])))

    def _id_cell(self, member: int) -> Text:
        return Text(("✓ " if member in self.marked else "  ") + str(member))

    def current_member(self) -> int | None:
        table = self.query_one("#members", DataTable)
        if self.page is None or not self.page.rows or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]["id"]

    # ------------------------------------------------------------------ actions

    def _need(self) -> selections.SelectionOut | None:
        item = self.current()
        if item is None:
            self.notify(_("No selection is highlighted."), severity="warning")
        return item

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        if (step > 0 and not self.page.more) or (step < 0 and self.page_offset == 0):
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.load_members()

    @on(DataTable.RowSelected, "#selections")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.query_one("#members", DataTable).focus()

    @on(DataTable.RowSelected, "#members")
    def _member_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item, member = self.current(), self.current_member()
        if item is not None and member is not None:
            navigation.open_record(self.app, item.target, member, lambda _closed: self.load_members())

    def action_open_in_find(self) -> None:
        item = self._need()
        if item is None:
            return
        if item.kind == "combined":
            self.notify(
                _("'{name}' is combined: its members come from its parts and are listed here.").format(name=item.name),
                severity="warning",
            )
            return
        if item.kind != "dynamic":
            self.notify(
                _("'{name}' is static: its members are listed here (criteria belong to dynamic selections).").format(
                    name=item.name
                ),
                severity="warning",
            )
            return
        self.app.run_worker(self._to_find(item), group="navigate")

    async def _to_find(self, item: selections.SelectionOut) -> None:
        self.app.pop_screen()
        screen = await navigation.to_section(self.app, "find")
        if screen is not None:
            screen.open_with(item.target, item.criteria, note=_("from selection '{name}'").format(name=item.name))

    def action_board(self) -> None:
        item = self._need()
        if item is None:
            return
        self.app.run_worker(self._to_board(item), group="navigate")

    async def _to_board(self, item: selections.SelectionOut) -> None:
        self.app.pop_screen()
        screen = await navigation.to_section(self.app, "board")
        if screen is not None:
            screen.show_source(target=item.target, selection_id=item.id, criteria=[])

    def action_rename(self) -> None:
        from leadtui.screens.text_dialog import TextDialog

        item = self._need()
        if item is None:
            return

        async def submit(name: str) -> selections.SelectionOut:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
            return await selections.rename_selection(
                backend.db, backend.actor, item.id, name, expected_version=item.version
            )

        def done(out: selections.SelectionOut | None) -> None:
            if out is not None:
                self.notify(_("Renamed to '{name}'.").format(name=out.name))
                self.load(out.id)

        self.app.push_screen(
            TextDialog(
                _("Rename selection"),
                _("Name") + " *",
                submit,
                value=item.name,
                hint=_("Enter renames · Escape cancels"),
            ),
            done,
        )

    @work(group="action")
    async def action_delete(self) -> None:
        from leadtui.screens.dialogs import ConfirmDialog

        item = self._need()
        if item is None:
            return
        if not item.may_edit:
            self.notify(
                _("You may not delete '{name}': it belongs to {owner}.").format(name=item.name, owner=item.owner),
                severity="error",
                title=_("Not allowed"),
            )
            return
        question = _("Delete the selection '{name}'? The records themselves stay; only the selection goes.").format(
            name=item.name
        )
        if not await self.app.push_screen_wait(ConfirmDialog(_("Delete selection"), question)):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await selections.delete_selection(backend.db, backend.actor, item.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.notify(_("Deleted the selection '{name}'.").format(name=item.name))
        self.load()

    @work(group="action")
    async def action_make_static(self) -> None:
        from leadtui.screens.dialogs import ConfirmDialog

        item = self._need()
        if item is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if item.kind == "static":
            try:
                await selections.make_dynamic(backend.db, backend.actor, item.id)
            except DomainError as exc:
                self.notify(str(exc), severity="warning", title=_("Already static"))
            return
        n = self.count or 0
        question = (
            ngettext(
                "Make '{name}' static? Its {n} current member is kept from now on and it stops following its "
                "parts. This cannot be turned back.",
                "Make '{name}' static? Its {n} current members are kept from now on and it stops following its "
                "parts. This cannot be turned back.",
                n,
            )
            if item.kind == "combined"
            else ngettext(
                "Make '{name}' static? Its {n} current member is kept from now on and its criteria stop "
                "running. This cannot be turned back.",
                "Make '{name}' static? Its {n} current members are kept from now on and its criteria stop "
                "running. This cannot be turned back.",
                n,
            )
        ).format(name=item.name, n=n)
        if not await self.app.push_screen_wait(ConfirmDialog(_("Make static"), question)):
            return
        try:
            out = await selections.make_static(backend.db, backend.actor, item.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not changed"))
            return
        self.notify(_("'{name}' is static now.").format(name=out.name))
        self.load(out.id)

    def action_export(self, only: list[int] | None = None) -> None:
        from leadtui.screens.text_dialog import TextDialog

        item = self._need()
        if item is None:
            return
        default = str(Path.cwd() / f"{item.name.strip().replace('/', '-').replace(' ', '_') or 'selection'}.csv")

        async def submit(path: str) -> tuple[str, int]:
            target = Path(path.strip()).expanduser()
            if not path.strip():
                raise DomainError(_("File: give a file name."), field="file")
            if target.is_dir():
                raise DomainError(_("File: {path} is a folder; give a file name.").format(path=target), field="file")
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
            tmp = target.with_name(target.name + ".part")
            try:
                with tmp.open("w", newline="", encoding="utf-8") as out:
                    written = await selections.export_members_csv(backend.db, backend.actor, item.id, out, only=only)
                tmp.replace(target)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise DomainError(
                    _("File: cannot write {path} ({reason}).").format(path=target, reason=exc.strerror or exc),
                    field="file",
                ) from None
            return str(target), written

        def done(result: tuple[str, int] | None) -> None:
            if result is not None:
                self.notify(
                    ngettext("Exported {n} member to {path}.", "Exported {n} members to {path}.", result[1]).format(
                        n=result[1], path=result[0]
                    )
                )

        self.app.push_screen(
            TextDialog(
                _("Export members to CSV"),
                _("File"),
                submit,
                value=default,
                hint=_("One row per member, a header row of field keys."),
            ),
            done,
        )

    def action_add_members(self) -> None:
        from leadtui.screens.text_dialog import TextDialog

        item = self._need()
        if item is None:
            return
        if item.kind == "combined":
            self.notify(
                _("'{name}' is combined: its parts decide its members. Make it static (m) first.").format(
                    name=item.name
                ),
                severity="warning",
            )
            return
        if item.kind != "static":
            self.notify(
                _("'{name}' is dynamic: its criteria decide its members. Make it static (m) first.").format(
                    name=item.name
                ),
                severity="warning",
            )
            return

        async def submit(text: str) -> selections.MembersChange:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
            return await selections.add_members(backend.db, backend.actor, item.id, text.replace(",", " ").split())

        def done(change: selections.MembersChange | None) -> None:
            if change is not None:
                text = ngettext(
                    "Added {n}; {m} member now.", "Added {n}; {m} members now.", change.member_count
                ).format(n=change.changed, m=change.member_count)
                if change.missing:
                    text += " " + _("Not found: {ids}.").format(ids=", ".join(map(str, change.missing[:10])))
                self.notify(text, severity="warning" if change.missing else "information")
                self.load_members()

        self.app.push_screen(
            TextDialog(
                _("Add members to '{name}'").format(name=item.name),
                _("Ids of the {what} to add (separated by spaces or commas)").format(what=item.target_label.lower()),
                submit,
            ),
            done,
        )

    @work(group="action")
    async def action_remove_member(self) -> None:
        item, member = self._need(), self.current_member()
        if item is None:
            return
        if member is None:
            self.notify(_("Highlight a member first (Enter moves to the members)."), severity="warning")
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            change = await selections.remove_members(backend.db, backend.actor, item.id, [member])
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not removed"))
            return
        self.notify(_("Removed #{id}; {m} members now.").format(id=member, m=change.member_count))
        self.load_members()

    # ------------------------------------------------------------------ marks, combine, copy, the task menu

    def action_mark(self) -> None:
        """Mark or unmark the highlighted member (the task menu can work on the marked ones only)."""
        member = self.current_member()
        if member is None:
            self.notify(_("Highlight a member first (Enter moves to the members)."), severity="warning")
            return
        self.marked ^= {member}
        table = self.query_one("#members", DataTable)
        table.update_cell(str(member), "#id", self._id_cell(member))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._show_details()

    @work(group="action")
    async def action_combine(self) -> None:
        from leadtui.screens.combine_dialog import CombineDialog

        item = self._need()
        if item is None:
            return
        others = [s for s in self.items if s.target == item.target and s.id != item.id]
        if item.kind == "combined" and item.may_edit:  # change its combination or parts
            parts = [s for s in others if s.id in item.parts]
            if parts:
                rest = [s for s in others if s.id != parts[0].id]
                changed = await self.app.push_screen_wait(CombineDialog(parts[0], rest, editing=item))
                if changed is not None:
                    self.notify(_("Changed the combined selection '{name}'.").format(name=changed.name))
                    self.load(changed.id)
                return
        if not others:
            self.notify(
                _("There is no other selection of {what} to combine '{name}' with.").format(
                    what=item.target_label.lower(), name=item.name
                ),
                severity="warning",
            )
            return
        out = await self.app.push_screen_wait(CombineDialog(item, others))
        if out is not None:
            self.notify(_("Created the combined selection '{name}'.").format(name=out.name))
            self.load(out.id)

    def action_copy(self) -> None:
        from leadtui.screens.text_dialog import TextDialog

        item = self._need()
        if item is None:
            return

        async def submit(name: str) -> selections.SelectionOut:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
            return await selections.copy_selection(backend.db, backend.actor, item.id, name)

        def done(out: selections.SelectionOut | None) -> None:
            if out is not None:
                self.notify(_("Copied to '{name}'.").format(name=out.name))
                self.load(out.id)

        self.app.push_screen(
            TextDialog(
                _("Copy selection"),
                _("Name") + " *",
                submit,
                value=_("{name} (copy)").format(name=item.name),
                hint=_("The copy is yours: the same criteria, parts or members."),
            ),
            done,
        )

    @work(group="action")
    async def action_tasks(self) -> None:
        """The task menu (SPEC 4.5): on all members, or on the marked ones ("Perform task on selected members
        only", offered when members are marked)."""
        from leadtui.screens.pick_dialog import PickDialog

        item = self._need()
        if item is None:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        only_marked = bool(self.marked)
        while True:
            options: list[tuple[str, str]] = []
            if self.marked:
                answer = _("yes") if only_marked else _("no")
                options.append(
                    (
                        "scope",
                        ngettext(
                            "Perform task on selected members only: {answer} ({n} marked)",
                            "Perform task on selected members only: {answer} ({n} marked)",
                            len(self.marked),
                        ).format(answer=answer, n=len(self.marked)),
                    )
                )
            if item.target == "contact" and backend.actor.allow_bulk_update:
                options.append(("bulk", _("Bulk update")))
            options.append(("followups", _("Generate follow-ups")))
            options.append(("export", _("Export")))
            if item.may_edit:
                options.append(("delete_selection", _("Delete selection")))
            options.append(("delete_records", _("Delete the members' records")))
            scope = (
                ngettext("{n} marked member", "{n} marked members", len(self.marked)).format(n=len(self.marked))
                if only_marked
                else _("all members")
            )
            title = _("Tasks for '{name}' ({scope})").format(name=item.name, scope=scope)
            choice = await self.app.push_screen_wait(PickDialog(title, options))
            if choice == "scope":
                only_marked = not only_marked
                continue
            break
        only = sorted(self.marked) if only_marked and self.marked else None
        if choice == "bulk":
            await self._bulk_update(item, only)
        elif choice == "followups":
            await self._generate_follow_ups(item, only)
        elif choice == "export":
            self.action_export(only)
        elif choice == "delete_selection":
            self.action_delete()
        elif choice == "delete_records":
            await self._delete_records(item, only)

    async def _bulk_update(self, item: selections.SelectionOut, only: list[int] | None) -> None:
        from leadtui.screens.bulk_update_dialog import BulkUpdateDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            ids = await selections.member_ids(backend.db, backend.actor, item.id, only)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not ids:
            self.notify(_("The selection has no members."), severity="warning")
            return
        description = ngettext(
            "{n} contact of the selection '{name}'", "{n} contacts of the selection '{name}'", len(ids)
        ).format(n=len(ids), name=item.name)
        await self.app.push_screen_wait(BulkUpdateDialog(contact_ids=ids, description=description))
        self.load_members()

    async def _generate_follow_ups(self, item: selections.SelectionOut, only: list[int] | None) -> None:
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import lists

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            n = len(await selections.member_ids(backend.db, backend.actor, item.id, only))
            types = [(t.name, t.id) for t in await lists.list_items(backend.db, "follow-up-type")]
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not n:
            self.notify(_("The selection has no members."), severity="warning")
            return

        async def save(values: dict[str, object]) -> selections.FollowUpsOut:
            return await selections.generate_follow_ups(backend.db, backend.actor, item.id, values, only=only)

        intro = ngettext(
            "One follow-up for the {n} member of '{name}', in one step.",
            "One follow-up for each of the {n} members of '{name}', in one step.",
            n,
        ).format(n=n, name=item.name)
        out = await self.app.push_screen_wait(FollowUpDialog(_("Generate follow-ups"), save, types=types, intro=intro))
        if out is not None:
            text = ngettext("Created {n} follow-up.", "Created {n} follow-ups.", out.created).format(n=out.created)
            undo = key_hint(self.app, "app.undo")
            if undo:
                text += " " + _("Undo ({key}) takes them all back.").format(key=undo)
            self.notify(text, title=_("Follow-ups"))

    async def _delete_records(self, item: selections.SelectionOut, only: list[int] | None) -> None:
        from leadtui.screens.dialogs import ConfirmDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            n = len(await selections.member_ids(backend.db, backend.actor, item.id, only))
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if not n:
            self.notify(_("The selection has no members."), severity="warning")
            return
        question = selections.delete_members_question(item.target, n)
        warning = _("Records you may not delete are left as they are.")
        if not await self.app.push_screen_wait(
            ConfirmDialog(_("Delete the members' records"), question, warning=warning, danger=item.target == "sale")
        ):
            return
        self.notify(ngettext("Deleting {n} record…", "Deleting {n} records…", n).format(n=n))
        try:
            out = await selections.delete_members(backend.db, backend.actor, item.id, only=only)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.marked = set()
        self.notify(
            selections.delete_members_summary(out),
            severity="warning" if out.refused else "information",
            title=_("Deleted"),
        )
        self.load_members()

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Another session changed selections (the list again, the highlighted one kept) or their members' records
        (the members' page again)."""
        if message.touches("selection") or message.touches("selection_member"):
            self.load()
        elif any(message.touches(kind) for kind in ("contact", "company", "sale")):
            self.load_members()
