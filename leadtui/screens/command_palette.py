"""The command palette in the language: its search box and its 'no matches' line (Textual's are English)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, ProviderSource
from textual.widgets.option_list import Option

from leadtui.i18n import _


class LeadCommandPalette(CommandPalette):
    def __init__(
        self,
        providers: ProviderSource | None = None,
        *,
        placeholder: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(providers, placeholder=placeholder or _("Search for commands…"), id=id)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the line in the language."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
