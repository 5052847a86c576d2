"""The command line's lists: a row of translated headings, columns as wide as their longest value up to a cap, and
a value cut to the cap ending in "…" (never cut silently). Numbers, money and dates are formatted by the caller with
leadtui.i18n.format (--json and --csv print the plain values instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import click

ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    heading: str  # translated
    width: int | None = None  # the cap; None: as wide as needed
    right: bool = False  # numbers and amounts


def cut(text: str, width: int | None) -> str:
    """`text` in at most `width` characters; a longer one keeps its start and ends in an ellipsis."""
    text = " ".join(str(text).splitlines())
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def print_table(columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    """Headings and rows, two spaces between columns; nothing at all when there are no rows."""
    if not rows:
        return
    cells = [
        [cut("" if value is None else str(value), column.width) for value, column in zip(row, columns)] for row in rows
    ]
    widths = [
        max(
            [len(column.heading if column.width is None else cut(column.heading, column.width))]
            + [len(r[i]) for r in cells]
        )
        for i, column in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        parts = []
        for value, width, column in zip(values, widths, columns):
            parts.append(value.rjust(width) if column.right else value.ljust(width))
        return "  ".join(parts).rstrip()

    click.echo(line([cut(column.heading, width) for column, width in zip(columns, widths)]))
    for row in cells:
        click.echo(line(row))
