"""The Footer, in the language: binding descriptions translated when shown (they are English msgids in BINDINGS);
key names come from the app's get_key_display (the action table's names, in the language)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from leadtui.i18n import N_, _, pgettext

# descriptions of Textual's own bindings, as leadtui names them
TEXTUAL_DESCRIPTIONS = {"palette": N_("Commands"), "Dismiss menu": N_("Close")}  # Escape on an open drop-down


def label(description: str) -> str:
    """A key's label in the language. "Open" is a verb here and an adjective for a sale's status: Danish and
    Norwegian say them differently (Åbn / Åbent), so the verb has a context of its own."""
    if description == "Open":
        return pgettext("action", "Open")
    return _(TEXTUAL_DESCRIPTIONS.get(description, description))


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.description:
                    widget.description = label(widget.description)
                # each key starts styled as it ends: Textual's default (compact) was set, then the Footer's bound
                # back, restyling every key twice per recompose (the palette's key is not bound: it stays compact)
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    # Textual recomposes the Footer (a widget per key, each styled anew) after every change of bindings: focus moves,
    # refresh_bindings, a screen shown. Opening one card sent it dozens of times. Here it is recomposed once per
    # refresh at most, and only when the keys shown changed.
    _pending = False
    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._pending:
            return
        self._pending = True
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        bindings = self.screen.active_bindings
        palette = self.app.COMMAND_PALETTE_BINDING if self.show_command_palette else None
        shown = tuple(
            (key, binding.action, binding.description, tip)
            for key, (_node, binding, _on, tip) in bindings.items()
            if binding.show or key == palette
        )
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
            return
        enabled = {(binding.key, binding.action): on for _node, binding, on, _tip in bindings.values()}
        for key in self.query(FooterKey):  # the same keys: only which of them work now changed
            if (key.key, key.action) in enabled:
                key.disabled = not enabled[(key.key, key.action)]
