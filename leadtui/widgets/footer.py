"""The Footer, in the language: binding descriptions translated when shown (they are English msgids in BINDINGS);
key names come from the app's get_key_display (the action table's names, in the language)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from leadtui.i18n import N_, _

# descriptions of Textual's own bindings, as leadtui names them
TEXTUAL_DESCRIPTIONS = {"palette": N_("Commands")}


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(TEXTUAL_DESCRIPTIONS.get(widget.description, widget.description))
            yield widget
