"""Pick one item from a list by keyboard: type to filter (or type its number), ↑/↓, Enter; Escape cancels.

Used for the Find target, the sort column, the board's source, the board's "move to column" and the reason of a
sold or lost sale.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import Dialog


class PickDialog(Dialog):
    DEFAULT_CSS = """
    PickDialog > Vertical { width: 72; max-height: 90%; }
    PickDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = bindings("pick")

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        *,
        hint: str = "",
        numbered: bool = False,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.hint = hint
        self.numbered = numbered
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            if self.hint:
                yield Static(self.hint, classes="hint")
            placeholder = _("type a number or a name, then Enter") if self.numbered else _("type to filter, then Enter")
            yield Input(placeholder=placeholder, id="pick-filter")
            yield OptionList(id="pick-options")
            yield Static("", id="pick-error", classes="field-error")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#pick-filter", Input).focus()

    def _label(self, index: int, label: str) -> str:
        return f"{index + 1:>2}  {label}" if self.numbered else label

    def _fill(self, text: str) -> None:
        needle = text.strip().casefold()
        options = self.query_one("#pick-options", OptionList)
        options.clear_options()
        shown = [
            (i, key, label)
            for i, (key, label) in enumerate(self.options)
            if not needle or needle in label.casefold() or (self.numbered and needle == str(i + 1))
        ]
        options.add_options([Option(self._label(i, label), id=key) for i, key, label in shown])
        if shown:
            keys = [key for _i, key, _label in shown]
            options.highlighted = keys.index(self.current) if self.current in keys and not needle else 0

    @on(Input.Changed, "#pick-filter")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#pick-error", Static).update("")
        self._fill(event.value)

    def on_key(self, event) -> None:  # noqa: ANN001
        if self.focused is self.query_one("#pick-filter", Input) and event.key in ("down", "up"):
            options = self.query_one("#pick-options", OptionList)
            options.action_cursor_down() if event.key == "down" else options.action_cursor_up()
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#pick-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.numbered and text.isdigit():
            number = int(text)
            if 1 <= number <= len(self.options):
                self.dismiss(self.options[number - 1][0])
                return
            self.query_one("#pick-error", Static).update(
                _("There is no number {n}; choose 1 to {last}.").format(n=number, last=len(self.options))
            )
            return
        option = self.query_one("#pick-options", OptionList).highlighted_option
        if option is None:
            self.query_one("#pick-error", Static).update(_("Nothing matches '{text}'.").format(text=text))
            return
        self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#pick-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
