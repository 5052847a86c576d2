"""What every card (company, contact, sale) shares: view and edit mode (shown in the screen's sub-title, the
same place on every card), save, cancel with confirm, the version check (a conflict is shown, never overwritten
silently), errors at the field, tab keys and the close result (`navigation.Closed`: changed, record id, deleted).

Keys: e edit, ctrl+s save, Escape cancels an edit (asking when something changed) or goes back, > and < switch
tabs. Subclasses say which fields the form has and how to load and save; a card with a form of its own (the sale
card) overrides the hooks marked "hook" instead of FIELDS.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, work
from textual.screen import Screen
from textual.widgets import TabbedContent

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.i18n import N_, _
from leadtui.services.errors import DomainError, StaleEdit
from leadtui.widgets.activity_timeline import ActivityTimeline
from leadtui.widgets.duplicate_hint import DuplicateHint
from leadtui.widgets.form import clear_errors, set_value, show_error, value_of


class CardScreen(Screen):
    DEFAULT_CSS = """
    CardScreen #changed-by { dock: bottom; height: auto; padding: 0 1; background: $warning 25%; }
    """
    BINDINGS = bindings("card")

    FIELDS: ClassVar[tuple[str, ...]] = ()
    VIEW_ACTIONS: ClassVar[set[str]] = set()  # actions of view mode on a saved record (delete, move ...)
    LABELS: ClassVar[dict[str, str]] = {}
    WHAT: ClassVar[str] = N_("record")

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Any = None
        self.editing = False
        self.changed = False  # something was saved: lists behind refresh
        self.deleted = False  # the record was deleted: the card closed
        self._resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown the first time: its widgets were styled as they were mounted, so Textual's restyle of the whole
        screen on resume (for a screen shown again) is skipped; it was a third of the cost of opening a card."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    # ------------------------------------------------------------------ close

    def record_id(self) -> int | None:
        """The id of the record the card shows (None: a new record never saved)."""
        return getattr(self.loaded, "id", None)

    def close_result(self) -> navigation.Closed:
        return navigation.Closed(changed=self.changed or self.deleted, record_id=self.record_id(), deleted=self.deleted)

    def close(self) -> None:
        """Leave the card; the caller gets a `navigation.Closed`."""
        self.dismiss(self.close_result())

    def close_deleted(self) -> None:
        self.deleted = True
        self.close()

    # ------------------------------------------------------------------ hooks

    def values_from(self, out: Any) -> dict[str, Any]:
        """Form values (ids for pickers) of a loaded record."""
        raise NotImplementedError

    def texts_from(self, out: Any) -> dict[str, str]:
        """Values as the user reads them, for the conflict dialog."""
        return {key: "" if value is None else str(value) for key, value in self.values_from(out).items()}

    def editable_fields(self) -> set[str]:
        return set(self.FIELDS)

    async def fetch(self) -> Any:
        raise NotImplementedError

    async def save_data(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    async def after_fill(self) -> None:
        """Refresh what depends on the loaded record beyond the form fields."""

    def ready_to_save(self) -> bool:
        """Hook: checks before saving (False: the card said why, nothing is saved)."""
        return True

    def unsaved_edits(self) -> bool:
        """Hook: does Escape in edit mode lose something the user typed (then it asks first)?"""
        return bool(self.changed_data()) and not self._untouched_new()

    async def revert(self) -> None:
        """Hook: leave edit mode showing the saved record again (Escape, after confirming)."""
        clear_errors(self)
        self.fill(self.loaded)
        await self.after_fill()
        self.set_editing(False)

    def show_save_error(self, exc: DomainError) -> None:
        """Hook: a rule refused the save: the error at its field."""
        show_error(self, str(exc), exc.field)
        self.notify(str(exc), severity="error", title=_("Not saved"))

    def saved_message(self, out: Any) -> str:
        return _("Saved '{name}'.").format(name=self.title_of(out))

    async def after_save(self, before: Any, out: Any) -> None:
        """Hook: after a save was shown (`before`: the record as it was, None when new)."""

    def label_of(self, key: str) -> str:
        """The label of a field in the conflict dialog."""
        return _(self.LABELS.get(key, key))

    async def keep_editing(self, current: Any) -> None:
        """Hook: after a conflict, Keep editing: take in their changes to the fields the user did not touch, keep
        the user's, and save over their version next."""
        mine = self.changed_data()
        theirs = self.values_from(current)
        untouched = {key for key in theirs if key not in mine}
        self.loaded = current
        self.fill(current, only=untouched)
        await self.after_fill()

    def title_of(self, out: Any) -> str:
        return str(getattr(out, "name", ""))

    # ------------------------------------------------------------------ form

    def form_values(self) -> dict[str, Any]:
        values = {}
        for field in self.FIELDS:
            found = self.query(f"#{field}")
            if found:
                values[field] = value_of(found.first())
        return values

    def changed_data(self) -> dict[str, Any]:
        before = self.values_from(self.loaded) if self.loaded is not None else {}
        now = self.form_values()
        return {
            key: value
            for key, value in now.items()
            if key in self.editable_fields() and (self.loaded is None or _norm(value) != _norm(before.get(key)))
        }

    def fill(self, out: Any, *, only: set[str] | None = None) -> None:
        for field, value in self.values_from(out).items():
            if only is not None and field not in only:
                continue
            found = self.query(f"#{field}")
            if found:
                set_value(found.first(), value)

    def set_editing(self, editing: bool) -> None:
        self.editing = editing
        if editing and self.loaded is None:
            self._blank = self.form_values()  # a new record's defaults: Escape leaves it untouched without asking
        editable = self.editable_fields()
        for field in self.FIELDS:
            found = self.query(f"#{field}")
            if found:
                found.first().disabled = not (editing and field in editable)
        self.sub_title = _("editing: ctrl+s saves, Escape cancels") if editing else ""
        if not editing:
            self.query("#changed-by").remove()  # the line of another user's change (live updates) goes with it
        self.refresh_bindings()

    def _untouched_new(self) -> bool:
        blank = getattr(self, "_blank", None)
        return (
            self.loaded is None
            and blank is not None
            and all(_norm(value) == _norm(blank.get(key)) for key, value in self.form_values().items())
        )

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The Footer shows only the keys that do something now."""
        if action == "save":
            return self.editing
        may_edit = getattr(self.loaded, "may_edit", True)  # a record of another user's: Edit, Delete, Move not offered
        if action == "edit":
            return not self.editing and may_edit
        if action in self.VIEW_ACTIONS:
            return not self.editing and self.loaded is not None and may_edit
        if action == "open_duplicate":  # in the Footer only while a possible duplicate is shown
            hints = self.query(DuplicateHint)
            return self.loaded is None and bool(hints) and bool(hints.first().matches)
        return True

    # ------------------------------------------------------------------ possible duplicate of a new record

    def action_open_duplicate(self) -> None:
        hints = self.query(DuplicateHint)
        if not hints or not hints.first().open():
            self.notify(_("No possible duplicate to open."), timeout=2)

    def on_duplicate_hint_open(self, message: DuplicateHint.Open) -> None:
        """Open the existing record on top: Escape comes back to the new one as typed."""
        message.stop()
        navigation.open_record(self.app, message.kind, message.record_id)

    def action_tab(self, step: int) -> None:
        tabs = self.query(TabbedContent)
        if not tabs:
            return
        content = tabs.first()
        panes = [
            pane.id
            for pane in content.query("TabPane")
            if pane.id and not pane.disabled and not content.get_tab(pane.id).has_class("-hidden")
        ]
        if content.active in panes:
            content.active = panes[(panes.index(content.active) + step) % len(panes)]
            self.call_after_refresh(self._focus_pane, content.active)

    def _focus_pane(self, pane_id: str) -> None:
        """Into the pane just shown: its table or first field, so its keys work at once."""
        pane = self.query_one(f"#{pane_id}")
        for widget in pane.query("DataTable, Input, Select, TextArea"):
            if widget.focusable:
                widget.focus()
                return
        tabs = self.query("ContentTabs")
        if tabs:
            tabs.first().focus()

    def audit_target(self) -> tuple[str, int | None]:
        """(table, id) of the record whose audit ctrl+y shows; cards override it."""
        return "", None

    def action_audit(self) -> None:
        out = self.loaded if self.loaded is not None else getattr(self, "sale", None)
        name = str(getattr(out, "name", "") or getattr(out, "heading", "") or "")
        what = _(self.WHAT)  # the audit names the record, not only its kind
        open_audit(self, *self.audit_target(), f"{what} '{name}'" if name else what)

    def action_edit(self) -> None:
        if self.editing or self.loaded is None:
            return
        if not getattr(self.loaded, "may_edit", True):
            self.notify(
                _("You may not change this {what}: it belongs to another user.").format(what=_(self.WHAT)),
                severity="error",
                title=_("Read-only"),
            )
            return
        tabs = self.query(TabbedContent)
        if tabs:
            tabs.first().active = tabs.first().query("TabPane").first().id or ""
        self.set_editing(True)
        self.focus_first_field()

    def focus_first_field(self) -> None:
        for field in self.FIELDS:
            found = self.query(f"#{field}")
            if found and not found.first().disabled:
                found.first().focus()
                return

    @work(group="action", exclusive=True)
    async def action_cancel(self) -> None:
        if not self.editing:
            self.close()
            return
        if self.unsaved_edits():
            from leadtui.screens.dialogs import ConfirmDialog

            if not await self.app.push_screen_wait(
                ConfirmDialog(
                    _("Discard changes"), _("Discard your unsaved changes to this {what}?").format(what=_(self.WHAT))
                )
            ):
                return
        if self.loaded is None:  # a new record never saved
            self.close()
            return
        await self.revert()
        if getattr(self, "_changed_elsewhere", False):  # saved by someone else meanwhile: show what is saved now
            self.reload_live()

    @work(group="action", exclusive=True)
    async def action_save(self) -> None:
        if not self.editing or not self.ready_to_save():
            return
        clear_errors(self)
        data = self.changed_data()
        if self.loaded is not None and not data:
            self.set_editing(False)
            self.notify(_("Nothing changed."), timeout=2)
            return
        before = self.loaded
        try:
            result = await self.save_data(data)
        except StaleEdit as exc:
            await self._conflict(exc)
            return
        except DomainError as exc:
            self.show_save_error(exc)
            return
        self.changed = True
        await self.show_record(result)
        self.set_editing(False)
        self.notify(self.saved_message(result))
        await self.after_save(before, result)

    async def show_record(self, out: Any) -> None:
        self.loaded = out
        self._changed_elsewhere = False
        self.fill(out)
        await self.after_fill()
        self.refresh_bindings()

    async def _conflict(self, exc: StaleEdit) -> None:
        from leadtui.screens.conflict_dialog import ConflictDialog

        current = exc.current
        if current is None:
            try:
                current = await self.fetch()
            except DomainError as exc2:
                self.notify(str(exc2), severity="error")
                return
        before, now = self.texts_from(self.loaded), self.texts_from(current)
        changes = [
            (self.label_of(key), before.get(key, ""), now[key]) for key in now if now[key] != before.get(key, "")
        ]
        what = _("This {what}").format(what=_(self.WHAT))
        choice = await self.app.push_screen_wait(ConflictDialog(what, changes))
        if choice == "reload":
            await self.show_record(current)
            self.set_editing(False)
            self.notify(_("Reloaded: you see the saved version now."))
            return
        await self.keep_editing(current)
        self.notify(
            _("Your edits are kept; saving again replaces their values of the fields you edited."),
            severity="warning",
            timeout=6,
        )

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Someone else saved this record: in view mode it is shown again; in edit mode the user's edits stay and a
        line says who changed it when (saving then goes through the conflict dialog)."""
        kind, record_id = self.audit_target()
        mine = bool(kind) and record_id is not None and message.touches(kind, record_id)
        if mine or message.touches("activity"):  # the Activities tab: follow-ups and this record's changes
            for timeline in self.query(ActivityTimeline):
                timeline.load()
        if not mine or self.loaded is None:
            return
        if self.editing:
            self._changed_elsewhere = True
            self.show_changed_by(message.by_user, message.at)
        else:
            self.reload_live()

    def show_changed_by(self, user: str, at: Any) -> None:
        from textual.widgets import Static

        text = _("Changed by {name} at {time}. Your edits are kept; saving shows their changes first.").format(
            name=user or _("someone"), time=_local_time(at)
        )
        found = self.query("#changed-by")
        if found:
            found.first(Static).update(text)
        else:
            self.mount(Static(text, id="changed-by", markup=False))

    @work(group="live", exclusive=True)
    async def reload_live(self) -> None:
        reload = getattr(self, "reload", None)
        if callable(reload):  # a card with its own reload (the sale card: the record and what hangs on it)
            reload()
            return
        try:
            out = await self.fetch()
        except DomainError:
            return
        if not self.editing:
            await self.show_record(out)


def _local_time(at: Any) -> str:
    from datetime import datetime, timezone

    if not isinstance(at, datetime):
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return f"{at.astimezone():%H:%M:%S}"


def _norm(value: Any) -> Any:
    return "" if value is None else value


def open_audit(screen: Screen, entity: str, record_id: int | None, what: str) -> None:
    """Push the audit view (who changed what, when) of a saved record."""
    if not entity or record_id is None:
        screen.notify(_("Save the record first: a new record has no audit yet."), severity="warning")
        return
    from leadtui.screens.audit import AuditScreen

    screen.app.push_screen(AuditScreen(entity, record_id, what))
