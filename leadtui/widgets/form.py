"""Form rows for the cards: a label and a compact field on one line, its error line (`<field>-error`) under it.

Errors from the services name their field (`DomainError.field`); `show_error` puts the message under that field,
or in the form's general error line when no field of that name is on screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError

# the label column: wide enough for the longest labels of the four languages (Dutch "Leadstatus inschakelen",
# "Verwachte verkoopdatum" ...); a longer label wraps instead of pushing the field out of line
LABEL_WIDTH = 23

FORM_CSS = """
.form-row { height: auto; margin: 0 0 0 0; }
.form-row > Label { width: %(w)d; color: $text-muted; padding: 0 1 0 0; }
.form-row > Input, .form-row > Select, .form-row > .value { width: 1fr; max-width: 72; }
.form-row > .value { padding: 0; }
.form-row > Checkbox { border: none; padding: 0; height: 1; width: auto; }
.field-error { color: $error; height: auto; padding: 0 0 0 %(w)d; display: none; }
.field-hint { color: $text-muted; height: auto; padding: 0 0 0 %(w)d; }
#general-error { padding: 0 1; }
""" % {"w": LABEL_WIDTH}


def row(label: str, widget: Widget, *, row_id: str | None = None) -> Horizontal:
    """One line of a form: the label, then the field."""
    return Horizontal(Label(label), widget, classes="form-row", id=row_id)


def error_line(field: str) -> Static:
    return Static("", id=f"{field}-error", classes="field-error")


def field_row(label: str, widget: Widget, *, stacked: bool = False) -> Iterator[Widget]:
    """A field with its label and its error line (id `<widget id>-error`): `yield from field_row(...)`.

    On one line (`row`) as on the cards, or `stacked` (the label above the field) as in the dialogs."""
    if stacked:
        yield Label(label)
        yield widget
    else:
        yield row(label, widget)
    yield error_line(widget.id or "")


def clear_errors(root: DOMNode) -> None:
    """Empty and hide the error lines (those with an id: a `.field-error` notice without one stays)."""
    for line in root.query(".field-error"):
        if isinstance(line, Static) and line.id:
            line.update("")
            line.display = False


def show_error(root: DOMNode, message: str, field: str | None, *, general: str = "general-error") -> bool:
    """Show `message` under `field` (and focus the field), else in the general error line; False if neither is
    on screen (the caller notifies instead)."""
    target = None
    if field and not re.fullmatch(r"[A-Za-z_][\w-]*", field):
        field = None  # a field name no widget can have (a dotted path): the general line
    if field:
        found = root.query(f"#{field}-error")
        target = found.first() if found else None
    if target is None:
        found = root.query(f"#{general}")
        target = found.first() if found else None
    if isinstance(target, Static):
        target.update(message)
        target.display = True
    if field:
        widget = root.query(f"#{field}")
        if widget and widget.first().focusable:
            widget.first().focus()
    if isinstance(target, Static):  # the line in view (in a dialog scrolled at 80x24 it could be below the edge)
        target.call_after_refresh(target.scroll_visible, animate=False)
    return isinstance(target, Static)


LINE_JOIN = " · "  # how a one-line field shows a value with line breaks (an address of two lines)


def value_of(widget: Widget) -> Any:
    """A form field's value: text stripped, None for a blank Select, bool for a Checkbox. A multi-line value an
    Input shows joined (see `set_value`) comes back as it was while untouched (no change to save); edited, as the
    one line typed (the services refuse line breaks in a field)."""
    if isinstance(widget, Input):
        joined = getattr(widget, "_joined_lines", None)
        if joined is not None and widget.value == joined[0]:
            return joined[1].strip()
        return widget.value.strip()
    if isinstance(widget, Select):
        return None if widget.is_blank() else widget.value
    if isinstance(widget, Checkbox):
        return widget.value
    raise TypeError(f"not a form field: {widget!r}")


def set_value(widget: Widget, value: Any) -> None:
    if isinstance(widget, Input):
        text = "" if value is None else str(value)
        if "\n" in text or "\r" in text:  # one line shows every line, joined; a raw line break would tear the screen
            shown = LINE_JOIN.join(line.strip() for line in text.splitlines() if line.strip())
            widget._joined_lines = (shown, text)  # type: ignore[attr-defined]
            text = shown
        else:
            widget._joined_lines = None  # type: ignore[attr-defined]
        widget.value = text
    elif isinstance(widget, Select):
        if value is None:
            widget.clear()
        else:
            try:
                widget.value = value
            except InvalidSelectValueError:  # a value no longer offered (a deleted item): show blank rather than fail
                widget.clear()
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)
