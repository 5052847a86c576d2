"""Settings > Users > Keys: the SSH public keys a user signs in with to a served leadtui (`leadtui serve ssh`).

A user manages their own keys; administrators anyone's (the service says no otherwise).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.i18n.format import format_datetime
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.text_dialog import TextDialog
from leadtui.services import keys
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer


class UserKeysScreen(Screen):
    BINDINGS = bindings("user_keys")

    def __init__(self, login: str, full_name: str) -> None:
        super().__init__()
        self.login = login
        self.full_name = full_name
        self.rows: list[keys.KeyOut] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            _("SSH keys of {name} ({login})").format(name=self.full_name, login=self.login), classes="section-title"
        )
        yield Static(
            _("The key is the identity in a served leadtui (leadtui serve ssh). A key belongs to one user."),
            classes="hint",
        )
        yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Fingerprint"), _("Type"), _("Comment"), _("Added"), _("Added by"))
        table.focus()
        self.load()

    def reload(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        table = self.query_one(DataTable)
        try:
            self.rows = await keys.list_keys(backend.db, backend.actor, self.login)
        except DomainError as exc:
            self.rows = []
            self.notify(str(exc), severity="error", title=_("Not allowed"))
        table.clear()
        for row in self.rows:
            table.add_row(
                row.fingerprint,
                row.algorithm,
                row.comment,
                format_datetime(row.added_at),
                row.added_by or "",
                key=row.fingerprint,
            )

    def action_add(self) -> None:
        async def add(line: str) -> keys.KeyOut:
            backend = await self.app.ready_backend()  # type: ignore[attr-defined]
            return await keys.add_key(backend.db, backend.actor, self.login, line)

        def added(key: keys.KeyOut | None) -> None:
            if key is not None:
                self.notify(_("Added key {fingerprint}.").format(fingerprint=key.fingerprint))
                self.load()

        self.app.push_screen(
            TextDialog(
                _("Add an SSH key for {login}").format(login=self.login),
                _("Public key (one line of e.g. ~/.ssh/id_ed25519.pub)"),
                add,
                hint=_("Paste the line and press Enter."),
            ),
            added,
        )

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        if not 0 <= table.cursor_row < len(self.rows):
            return
        key = self.rows[table.cursor_row]

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._remove(key.fingerprint)

        self.app.push_screen(
            ConfirmDialog(
                _("Remove key"),
                _(
                    "Remove the key {fingerprint} ({comment}) from {login}? Sessions signed in with it end within "
                    "seconds."
                ).format(fingerprint=key.fingerprint, comment=key.comment or key.algorithm, login=self.login),
            ),
            confirmed,
        )

    @work(group="remove")
    async def _remove(self, fingerprint: str) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await keys.remove_key(backend.db, backend.actor, self.login, fingerprint)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not removed"))
            return
        self.notify(_("Removed key {fingerprint}.").format(fingerprint=fingerprint))
        self.load()
