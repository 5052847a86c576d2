"""Contacts section: every contact in a paged table with type-to-search, columns/sort/filter/group of your
choice (remembered), marks for bulk update; Enter opens the contact card.

Keys: / searches (start of a name or email, as you type); Enter opens; n adds a contact; space marks; u bulk
update; o columns, sort, filter, group; x deletes; PageUp/PageDown page.
"""

from __future__ import annotations


from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.widgets.contacts_table import ContactsTable
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator


class ContactsScreen(Screen):
    DEFAULT_CSS = """
    ContactsScreen #contacts-pane { padding: 0 1; }
    """
    BINDINGS = bindings("contacts")

    def __init__(self) -> None:
        super().__init__(name="contacts")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("contacts")
        with Vertical(id="contacts-pane"):
            yield Static(_("Contacts"), classes="section-title")
            yield ContactsTable(place="list", searchable=True, id="all-contacts")
        yield Footer()

    @property
    def contacts(self) -> ContactsTable:
        return self.query_one("#all-contacts", ContactsTable)

    def on_mount(self) -> None:
        self.contacts.focus_table()

    def on_screen_resume(self) -> None:
        if self.contacts.page is not None:
            self.contacts.refresh_contacts()

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.contacts.focus_table()

    def action_leave_search(self) -> None:
        self.contacts.focus_table()
