"""The navigator: the sections of the program with their single keys, always on the left."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from leadtui.i18n import _
from leadtui.navigation import SECTIONS


RAIL_BELOW = 100  # terminal columns: narrower than this, the navigator is a rail of keys unless the user widened it


class Navigator(OptionList):
    """Shows where you are; a click or the section's key switches. Keys are app bindings, so they work anywhere."""

    def __init__(self, current: str) -> None:
        options = [Option(f"{key}  {_(label)}", id=mode) for mode, key, label, _help in SECTIONS]
        super().__init__(*options, id="navigator")
        self.current = current

    def on_mount(self) -> None:
        self.highlighted = self.get_option_index(self.current)
        self.can_focus = False  # the section keys drive it; focus stays on the section's list (arrows, Enter)
        self.apply_width()

    def on_show(self) -> None:
        self.apply_width()

    def apply_width(self) -> None:
        """A rail of keys (5 columns) or the keys with the section names: the user's choice (ctrl+b), else by the
        terminal's width."""
        wide = getattr(self.app, "navigator_wide", None)
        rail = (self.app.size.width < RAIL_BELOW) if wide is None else not wide
        if rail == self.has_class("-rail"):
            return
        self.set_class(rail, "-rail")
        for mode, key, label, _help in SECTIONS:
            self.replace_option_prompt(mode, key if rail else f"{key}  {_(label)}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.action_section(event.option.id)  # type: ignore[attr-defined]
