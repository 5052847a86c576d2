"""Settings > Distribute new leads: who gets the contacts that imports and web forms bring in without an owner.

Round robin over the chosen users (in the order shown) or the members of a user group, skipping users who are
inactive or marked away; the fallback user gets them when nobody is available (DESIGN.md decision 11). Only
administrators save; everyone may look. ctrl+s saves, Escape cancels.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Select, SelectionList, Static

from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import distribution
from leadtui.widgets.form import error_line

MODE_LABELS = {
    "off": N_("Nobody (distribution off)"),
    "users": N_("Chosen users, in turn"),
    "group": N_("Members of a user group, in turn"),
}


class DistributionDialog(FormDialog):
    DEFAULT_CSS = """
    DistributionDialog > VerticalScroll { width: 80; padding: 1 2; }
    DistributionDialog Label { margin-top: 1; }
    DistributionDialog SelectionList { height: auto; max-height: 10; }
    """
    BINDINGS = bindings("distribution")

    def __init__(self) -> None:
        super().__init__()
        self.current: distribution.DistributionOut | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Distribute new leads"), classes="section-title")
            yield Static(
                _(
                    "New contacts without an owner that arrive by import or web form go to these users in "
                    "turn (their company's Our contact is set)."
                ),
                classes="hint",
            )
            yield Static("", id="admin-note", classes="hint")
            yield Label(_("Distribute contacts to"))
            yield Select(
                [(_(label), mode) for mode, label in MODE_LABELS.items()], value="users", allow_blank=False, id="mode"
            )
            yield Label(_("Users (in turn, in this order)"), id="users-label")
            yield SelectionList[int](id="users")
            yield error_line("users")
            yield Label(_("User group"), id="group-label")
            yield Select([], prompt=_("(No group)"), id="group")
            yield error_line("group")
            yield Label(_("If no one is available, assign contacts to"))
            yield Select([], prompt=_("(No selection)"), id="fallback")
            yield error_line("fallback")
            yield Label(_("Away for now (skipped until unmarked)"))
            yield SelectionList[int](id="away")
            yield Static("", id="next", classes="hint")
            yield error_line("general")
            yield buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#mode", Select).focus()
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        from leadtui.services import lists, users

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        people = await users.list_users(backend.db)
        groups = await lists.list_items(backend.db, "user-group")
        current = self.current = await distribution.get_distribution(backend.db)
        chosen = {u.id for u in current.users} if current.mode == "users" else set()
        away = set(current.away)

        def label(user: Any) -> str:
            name = user.full_name or user.login
            return name if user.active else _("{name} (inactive)").format(name=name)

        self.query_one("#users", SelectionList).add_options([(label(u), u.id, u.id in chosen) for u in people])
        self.query_one("#away", SelectionList).add_options([(label(u), u.id, u.login in away) for u in people])
        self.query_one("#group", Select).set_options([(g.name, g.name) for g in groups])
        self.query_one("#fallback", Select).set_options([(label(u), u.login) for u in people if u.active])
        self.query_one("#mode", Select).value = current.mode
        if current.group:
            self.query_one("#group", Select).value = current.group
        if current.fallback is not None and current.fallback.active:
            self.query_one("#fallback", Select).value = current.fallback.login
        note = "" if backend.actor.is_admin else _("Read-only: only administrators change the distribution.")
        self.query_one("#admin-note", Static).update(note)
        self._show_next()
        self._sync_mode()

    def _show_next(self) -> None:
        current = self.current
        if current is None or current.mode == "off":
            text = _("New leads are not distributed.")
        else:
            text = _("The next new lead goes to: {user}").format(user=current.next_user or _("nobody available"))
        self.query_one("#next", Static).update(text)

    @on(Select.Changed, "#mode")
    def _sync_mode(self) -> None:
        mode = self.query_one("#mode", Select).value
        for widget_id in ("#users-label", "#users", "#users-error"):
            self.query_one(widget_id).display = mode == "users"
        for widget_id in ("#group-label", "#group", "#group-error"):
            self.query_one(widget_id).display = mode == "group"

    def values(self) -> dict[str, Any]:
        mode = self.query_one("#mode", Select).value
        group = self.query_one("#group", Select).value
        fallback = self.query_one("#fallback", Select).value
        users_list = self.query_one("#users", SelectionList)
        # round-robin order = the order shown (by name), not the order of ticking
        order = [users_list.get_option_at_index(i).value for i in range(users_list.option_count)]
        selected = set(users_list.selected)
        return {
            "mode": mode,
            "users": [uid for uid in order if uid in selected] if mode == "users" else [],
            "group": None if group == Select.NULL else group,
            "fallback": None if fallback == Select.NULL else fallback,
            "away": list(self.query_one("#away", SelectionList).selected),
        }

    async def submit(self, values: dict[str, Any]) -> distribution.DistributionOut:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await distribution.set_distribution(
            backend.db, backend.actor, values, expected_version=self.current.version if self.current else None
        )
