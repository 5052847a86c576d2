"""A dashboard tile drawn in its layout (number, bars, funnel, list): a bordered box of focusable lines, each
opening what it counts (Enter). A reload hands the box new figures: the lines are updated in place when the same
rows come back (no remove and re-mount, so nothing flickers and focus stays where it was)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services.tiles import TileOut, TileRow

BAR = "█"


class TileLine(Static, can_focus=True):
    """One row of a tile; drawn at its width when rendered (so the layout decides, not the moment of a reload)."""

    DEFAULT_CSS = """
    TileLine { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    TileLine.big { text-align: center; }
    TileLine:focus { background: $boost; text-style: bold; color: $accent; }
    """
    BINDINGS = bindings("dashboard_tile")

    class Opened(Message):
        def __init__(self, line: TileLine) -> None:
            super().__init__()
            self.line = line

    def __init__(self, row: TileRow, layout: str, top: float, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.row = row
        self.shape = layout
        self.top = top
        if layout == "number":
            self.add_class("big")

    def set_row(self, row: TileRow, layout: str, top: float) -> None:
        changed = (row, layout, top) != (self.row, self.shape, self.top)
        self.row, self.shape, self.top = row, layout, top
        self.set_class(layout == "number", "big")
        if changed:
            self.refresh(layout=True)

    def render(self) -> Text:
        return line_text(self.row, self.shape, self.top, self.content_size.width or 30)

    @property
    def box(self) -> TileBox | None:
        node = self.parent
        return node if isinstance(node, TileBox) else None

    def action_open(self) -> None:
        self.post_message(self.Opened(self))

    def on_click(self) -> None:
        self.post_message(self.Opened(self))


def line_text(row: TileRow, layout: str, top: float, width: int) -> Text:
    """A row as shown: a big number; a bar (label, bar, figure); a funnel step (a centred bar); a list entry."""
    if layout == "number":
        text = Text(row.text, style="bold")
        if row.extra and row.extra not in row.text:
            text.append("  " + row.extra, style="dim")
        return text
    figure = row.text + (f" · {row.extra}" if row.extra else "")
    if len(figure) > width // 2:  # the bar first: the second figure only when there is room
        figure = row.text
    if layout == "list":
        room = max(1, width - len(figure) - 1)
        label = row.label if len(row.label) <= room else row.label[: max(0, room - 1)] + "…"
        return Text(label.ljust(room) + " ", style="") + Text(figure, style="bold")
    label_width = max(6, min(18, width // 3))
    label = row.label if len(row.label) <= label_width else row.label[: label_width - 1] + "…"
    room = max(1, width - label_width - len(figure) - 2)
    share = 0 if top <= 0 else max(0.0, row.value) / top
    length = round(room * share)
    if row.value > 0 and length == 0:
        length = 1
    if layout == "funnel":
        pad = (room - length) // 2
        bar = " " * pad + BAR * length + " " * (room - length - pad)
    else:
        bar = BAR * length + " " * (room - length)
    return Text(label.ljust(label_width) + " ") + Text(bar, style="green") + Text(" " + figure, style="bold")


class TileBox(Vertical):
    """A tile: its title on the border, its lines inside."""

    DEFAULT_CSS = """
    TileBox { height: auto; border: round $panel; padding: 0 1; }
    TileBox:focus-within { border: round $accent; }
    TileBox .tile-note { color: $text-muted; height: auto; }
    """

    def __init__(self, tile: TileOut, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = tile
        self.border_title = tile.title

    def compose(self) -> ComposeResult:
        yield from self._lines(self.data)

    @staticmethod
    def _rows(tile: TileOut) -> list[TileRow]:
        if tile.rows:
            return tile.rows
        # nothing to show: one line that still opens what the tile counts (and holds the focus to move it)
        return [
            TileRow(
                key=f"{tile.key}:empty",
                label=tile.note or _("(none)"),
                value=0,
                text=tile.text if tile.note else "0",
                target=tile.target,
                criteria=tile.criteria,
                selection_id=tile.selection_id,
            )
        ]

    def _lines(self, tile: TileOut) -> list[TileLine]:
        rows = self._rows(tile)
        top = max((row.value for row in rows), default=0)
        layout = tile.layout if tile.rows else "list"
        lines = [TileLine(row, layout, top) for row in rows]
        if tile.note:
            lines[0].tooltip = tile.note
        return lines

    def keys(self) -> list[str]:
        return [line.row.key for line in self.query(TileLine)]

    async def update_data(self, tile: TileOut) -> None:
        """New figures: each line is updated in place (the rows a line shows may change); only lines for rows
        that are new are mounted, and those of rows that went away removed."""
        self.data = tile
        self.border_title = tile.title
        rows = self._rows(tile)
        lines = list(self.query(TileLine))
        top = max((row.value for row in rows), default=0)
        layout = tile.layout if tile.rows else "list"
        for line, row in zip(lines, rows, strict=False):
            line.set_row(row, layout, top)
            line.tooltip = tile.note or None
        if len(lines) > len(rows):
            focused = any(line.has_focus for line in lines[len(rows) :])
            await self.remove_children(lines[len(rows) :])
            if focused:
                lines[len(rows) - 1].focus()
        elif len(rows) > len(lines):
            await self.mount_all([TileLine(row, layout, top) for row in rows[len(lines) :]])
