"""The navigator: the sections of the program with their single keys, always on the left."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from leadtui.i18n import _
from leadtui.navigation import SECTIONS


class Navigator(OptionList):
    """Shows where you are; Enter or the section's key switches. Keys are app bindings, so they work anywhere."""

    def __init__(self, current: str) -> None:
        options = [Option(f"{key}  {_(label)}", id=mode) for mode, key, label, _help in SECTIONS]
        super().__init__(*options, id="navigator")
        self.current = current

    def on_mount(self) -> None:
        self.highlighted = self.get_option_index(self.current)
        self.can_focus = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.action_section(event.option.id)  # type: ignore[attr-defined]
