"""A section whose screen is not built yet says so plainly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from leadtui.i18n import N_, _
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator

COMING = {
    "companies": N_("Company cards, lists and search arrive with the cards issue."),
    "contacts": N_("Contact cards with lead status arrive with the cards issue."),
    "sales": N_("The sale card arrives with the sale card issue."),
    "find": N_("Find and selections arrive with the find issue."),
    "board": N_("The keyboard kanban board arrives with the find issue."),
    "dashboard": N_("Lead tiles and charts arrive with the find issue."),
}


class PlaceholderScreen(Screen):
    def __init__(self, mode: str) -> None:
        super().__init__(name=mode)
        self.mode = mode

    def compose(self) -> ComposeResult:
        from leadtui.app import SECTIONS

        label = next(label for mode, _key, label, _help in SECTIONS if mode == self.mode)
        yield Header()
        yield Navigator(self.mode)
        with Vertical():
            yield Static(_(label), classes="section-title")
            yield Static(_("Not built yet. ") + (_(COMING[self.mode]) if self.mode in COMING else ""), id="not-built", classes="hint")
            yield Static(_("Press t for Settings, ctrl+p for every action, q to quit."), classes="hint")
        yield Footer()
