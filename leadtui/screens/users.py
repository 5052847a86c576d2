"""Settings > Users: the associates with their role, group, rights and active flag (administrators change them)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, DataTable, Header, Input, Label, Select, Static

from leadtui.actions import bindings, key_display
from leadtui.i18n import N_, _
from leadtui.model.enums import Role
from leadtui.services import lists, users
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer

ROLE_LABELS = {
    Role.ADMINISTRATOR: N_("Administrator"),
    Role.SALES_MANAGER: N_("Sales manager"),
    Role.SALES_REP: N_("Sales rep"),
}


class UsersScreen(Screen):
    BINDINGS = bindings("users")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[users.UserOut] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Users"), classes="section-title")
        yield Static("", id="admin-note", classes="hint")
        yield DataTable(id="users", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("Login name"),
            _("Full name"),
            _("Role"),
            _("Group"),
            _("Active"),
            _("Delete others' sales"),
            _("Bulk update"),
        )
        table.focus()
        self.load()

    def reload(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self, select_login: str | None = None) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self.rows = await users.list_users(backend.db)
        note = "" if backend.actor.is_admin else _("Read-only: only administrators may manage users.")
        self.query_one("#admin-note", Static).update(note)
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            style = "" if row.active else "dim"
            cells = [
                row.login,
                row.full_name,
                _(ROLE_LABELS[row.role]),
                row.group or "",
                "✓" if row.active else "✗",
                "✓" if row.delete_others_sales else "",
                "✓" if row.allow_bulk_update else "",
            ]
            table.add_row(*[Text(cell, style=style) for cell in cells], key=row.login)
        if select_login:
            for index, row in enumerate(self.rows):
                if row.login == select_login:
                    table.move_cursor(row=index)

    def _current(self) -> users.UserOut | None:
        table = self.query_one(DataTable)
        if 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    def _admin(self) -> bool:
        backend = self.app.backend  # type: ignore[attr-defined]
        try:
            users.require_user_administrator(backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not allowed"))
            return False
        return True

    def action_add(self) -> None:
        if self._admin():
            self.app.push_screen(UserDialog(None), self._saved)

    def action_edit(self) -> None:
        current = self._current()
        if current is not None and self._admin():
            self.app.push_screen(UserDialog(current), self._saved)

    def action_keys(self) -> None:
        from leadtui.screens.user_keys import UserKeysScreen

        current = self._current()
        if current is not None:  # the service refuses other users' keys to non-administrators
            self.app.push_screen(UserKeysScreen(current.login, current.full_name))

    def action_sign_ins(self) -> None:
        from leadtui.screens.audit import AuditScreen

        current = self._current()
        if current is not None:  # served sessions: sign-in, sign-out, refused (services/keys.py)
            self.app.push_screen(
                AuditScreen("session", current.id, _("sign-ins of {login}").format(login=current.login))
            )

    def action_all_sign_ins(self) -> None:
        from leadtui.screens.sign_ins import SignInsScreen

        if self._admin():
            self.app.push_screen(SignInsScreen())

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        self.action_edit()

    def _saved(self, result: users.UserOut | None) -> None:
        if result is not None:
            self.notify(_("Saved user '{login}'.").format(login=result.login))
            self.load(result.login)


class UserDialog(ModalScreen["users.UserOut | None"]):
    DEFAULT_CSS = """
    UserDialog { align: center middle; }
    UserDialog > Vertical { width: 70; height: auto; max-height: 95%; border: thick $accent; background: $surface;
                            padding: 1 2; }
    UserDialog .field-error { color: $error; height: auto; }
    UserDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    UserDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("user")

    def __init__(self, user: users.UserOut | None) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        user = self.user
        with Vertical():
            yield Static(_("Edit user") if user else _("Add user"), classes="section-title")
            yield Label(_("Login name") + " *")
            yield Input(value=user.login if user else "", id="login", disabled=user is not None)
            yield Static("", id="login-error", classes="field-error")
            yield Label(_("Full name"))
            yield Input(value=user.full_name if user else "", id="full_name")
            yield Static("", id="full_name-error", classes="field-error")
            yield Label(_("Role"))
            yield Select(
                [(_(label), role.value) for role, label in ROLE_LABELS.items()],
                value=(user.role if user else Role.SALES_REP).value,
                allow_blank=False,
                id="role",
            )
            yield Static("", id="role-error", classes="field-error")
            yield Label(_("Primary group"))
            yield Select([], id="group", prompt=_("(No group)"))
            yield Static("", id="group-error", classes="field-error")
            yield Checkbox(_("Active"), value=user.active if user else True, id="active")
            yield Checkbox(
                _("May delete other users' sales"),
                value=bool(user and user.delete_others_sales),
                id="delete_others_sales",
            )
            yield Checkbox(
                _("Allow bulk update"), value=user.allow_bulk_update if user else True, id="allow_bulk_update"
            )
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("Save") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Cancel") + f" ({key_display('escape')})", id="cancel")

    async def on_mount(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        groups = await lists.list_items(backend.db, "user-group")
        select = self.query_one("#group", Select)
        select.set_options([(group.name, group.name) for group in groups])
        if self.user and self.user.group:
            select.value = self.user.group
        self.query_one("#full_name" if self.user else "#login", Input).focus()

    def _data(self) -> dict[str, Any]:
        group = self.query_one("#group", Select).value
        data: dict[str, Any] = {
            "full_name": self.query_one("#full_name", Input).value,
            "role": self.query_one("#role", Select).value,
            "group": group if isinstance(group, str) else "",
            "delete_others_sales": self.query_one("#delete_others_sales", Checkbox).value,
        }
        return data

    async def action_save(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        data = self._data()
        try:
            if self.user is None:
                created = await users.add_user(
                    backend.db,
                    backend.actor,
                    {**data, "login": self.query_one("#login", Input).value, "group": data["group"] or None},
                )
                result = await users.set_user(
                    backend.db,
                    backend.actor,
                    created.login,
                    {
                        "active": self.query_one("#active", Checkbox).value,
                        "allow_bulk_update": self.query_one("#allow_bulk_update", Checkbox).value,
                    },
                )
            else:
                result = await users.set_user(
                    backend.db,
                    backend.actor,
                    self.user.login,
                    {
                        **data,
                        "active": self.query_one("#active", Checkbox).value,
                        "allow_bulk_update": self.query_one("#allow_bulk_update", Checkbox).value,
                    },
                )
        except DomainError as exc:
            target = self.query(f"#{exc.field}-error") if exc.field else None
            (target.first(Static) if target else self.query_one("#general-error", Static)).update(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self.action_save()
        else:
            self.dismiss(None)
