"""Hostile text stays inert in the TUI (the rules are in leadtui/text.py).

- `cell(value)`: a DataTable cell or Static content that is never read as markup, with control characters shown
  visibly (ESC as U+241B ...). DataTable reads a plain `str` cell as Rich markup: a company named
  "[link=https://x]..." or "[/]" would become a link or fail to render.
- `markup_safe(value)`: text to put into a markup string (`f"{name} [dim]..."`): visible and markup-escaped.
- `install_terminal_guard()`: the last line of defence for whatever text reaches the screen by another path.
  Every painted line goes through textual.strip.Strip.render; the guard removes ESC, BEL, C1 and bidi overrides
  from the text of its segments first (Rich counts them as zero cells, so the layout stays as computed). Textual's
  own escape sequences are added after that, from the styles, and are not touched.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

from leadtui.text import has_zero_width_controls, strip_zero_width_controls, visible


def cell(value: Any, *, style: str = "") -> Text:
    """A table cell or label from data: shown as it is (no markup), control characters made visible."""
    return Text("" if value is None else visible(str(value)), style=style, end="")


def cap(text: str, width: int) -> str:
    """A long value cut with an ellipsis, so the columns after it stay on screen in a narrow terminal."""
    return text if len(text) <= width else text[: width - 1] + "…"


def markup_safe(value: Any) -> str:
    """Data to interpolate into a markup string."""
    return escape(visible("" if value is None else str(value)))


def message_safe(value: Any) -> str:
    """A notification or error text (may hold several lines): control characters made visible."""
    return visible("" if value is None else str(value), multiline=True)


def install_terminal_guard() -> None:
    """Patch Strip.render once per process (idempotent); see the module's notes."""
    from textual.strip import Strip

    original = Strip.render
    if getattr(original, "leadtui_guard", False):
        return

    def render(self: Strip, console: Any) -> str:
        if self._render_cache is None:
            segments = list(self)
            if has_zero_width_controls("".join(segment.text for segment in segments if not segment.control)):
                clean = Strip(
                    [
                        segment
                        if segment.control
                        else Segment(strip_zero_width_controls(segment.text), segment.style, segment.control)
                        for segment in segments
                    ],
                    self.cell_length,
                )
                self._render_cache = original(clean, console)
        return original(self, console)

    render.leadtui_guard = True  # type: ignore[attr-defined]
    Strip.render = render  # type: ignore[method-assign]
