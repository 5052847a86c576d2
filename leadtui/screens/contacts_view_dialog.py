"""Columns, sort, group and filter of a contacts table (SPEC.md 4.3: the gear of the Contacts section tab).

Columns are ticked in a list (space ticks; ticked columns keep their order, newly ticked ones go last); sort by
any column, up or down; group by any column (rows come sorted by the group, a header row per group with its
count); a filter per column: "starts with" for text, one value for list columns. ctrl+s keeps the choice
(remembered per user), ctrl+r resets to the defaults, Escape cancels.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from leadtui.actions import bindings, key_display
from leadtui.i18n import _
from leadtui.i18n.format import date_hint, format_date_text, parse_date
from leadtui.services.contacts import COLUMNS, EMPTY, SHOW_ONLY
from leadtui.services.preferences import ContactsView
from leadtui.widgets.contacts_table import RESET
from leadtui.widgets.form import FORM_CSS, row


class ContactsViewDialog(ModalScreen["ContactsView | str | None"]):
    """Returns the new ContactsView, RESET, or None (cancelled)."""

    DEFAULT_CSS = (
        FORM_CSS
        + """
    ContactsViewDialog { align: center middle; }
    ContactsViewDialog > Vertical { width: 96; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    ContactsViewDialog VerticalScroll { height: 1fr; }
    ContactsViewDialog SelectionList { height: auto; max-height: 15; }
    ContactsViewDialog .sub { text-style: bold; margin-top: 1; }
    ContactsViewDialog #buttons { height: auto; align-horizontal: right; }
    ContactsViewDialog Button { margin-left: 1; }
    """
    )
    BINDINGS = bindings("contacts_view")

    def __init__(
        self, view: ContactsView, choices: dict[str, list[tuple[str, Any]]], *, fixed: set[str] | None = None
    ) -> None:
        """`choices`: the values of each list column (label, value); `fixed`: columns the table pins (no filter)."""
        super().__init__()
        self.view = view
        self.choices = choices
        self.fixed = fixed or set()

    def compose(self) -> ComposeResult:
        view = self.view
        order = view.columns + [key for key in COLUMNS if key not in view.columns]
        keys = [key for key in COLUMNS if key not in SHOW_ONLY]  # sort and group by
        with Vertical():
            yield Static(_("Columns, sort, group and filter"), classes="section-title")
            with VerticalScroll():
                yield Static(_("Columns shown (space ticks)"), classes="sub")
                yield SelectionList(
                    *[Selection(_(COLUMNS[key].label), key, key in view.columns) for key in order], id="columns"
                )
                yield Static(_("Sort and group"), classes="sub")
                yield row(
                    _("Sort by"),
                    Select(
                        [(_(COLUMNS[k].label), k) for k in keys],
                        value=view.sort,
                        allow_blank=False,
                        compact=True,
                        id="sort",
                    ),
                )
                yield row(
                    _("Descending"),
                    Checkbox(_("Z to A, newest first"), value=view.descending, compact=True, id="descending"),
                )
                yield row(
                    _("Group by"),
                    Select(
                        [(_(COLUMNS[k].label), k) for k in keys],
                        value=view.group if view.group else Select.NULL,
                        prompt=_("(no grouping)"),
                        compact=True,
                        id="group",
                    ),
                )
                yield Static(_("Filters (text: starts with)"), classes="sub")
                for key, column in COLUMNS.items():
                    if key in self.fixed or key in SHOW_ONLY:
                        continue
                    current = view.filters.get(key)
                    if column.kind in ("text", "date"):
                        hint, shown = "", str(current or "")
                        if column.kind == "date":  # the language's format, shown and typed (ISO accepted too)
                            hint, shown = date_hint(), format_date_text(shown)
                        widget: Input | Select[Any] = Input(
                            value=shown, placeholder=hint, compact=True, id=f"filter-{key}"
                        )
                    elif column.kind == "bool":
                        widget = Select(
                            [(_("Yes"), "true"), (_("No"), "false")],
                            value={True: "true", False: "false"}.get(current, Select.NULL)
                            if isinstance(current, bool)
                            else (current or Select.NULL),
                            prompt=_("(any)"),
                            compact=True,
                            id=f"filter-{key}",
                        )
                    else:
                        options = [(_("(empty)"), EMPTY)] + list(self.choices.get(key, []))
                        known = {value for _label, value in options}
                        value = current if current in known else Select.NULL
                        widget = Select(options, value=value, prompt=_("(any)"), compact=True, id=f"filter-{key}")
                    yield row(_(column.label), widget)
            with Horizontal(id="buttons"):
                yield Button(_("OK") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Reset") + " (ctrl+r)", id="reset")
                yield Button(_("Cancel") + f" ({key_display('escape')})", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#columns", SelectionList).focus()

    def _result(self) -> ContactsView:
        chosen = self.query_one("#columns", SelectionList).selected
        columns = [key for key in self.view.columns if key in chosen] + [
            key for key in chosen if key not in self.view.columns
        ]
        group = self.query_one("#group", Select)
        filters: dict[str, Any] = {}
        for key, column in COLUMNS.items():
            found = self.query(f"#filter-{key}")
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Input):
                if widget.value.strip():
                    filters[key] = widget.value.strip()
                    if column.kind == "date":  # kept as ISO: the same filter in any language
                        try:
                            filters[key] = parse_date(filters[key]).isoformat()
                        except ValueError:
                            pass  # the list says what is wrong with it, naming the column
            elif isinstance(widget, Select) and not widget.is_blank():
                value = widget.value
                filters[key] = (value == "true") if column.kind == "bool" else value
        return ContactsView(
            columns=columns or ["name"],
            sort=str(self.query_one("#sort", Select).value),
            descending=self.query_one("#descending", Checkbox).value,
            group=None if group.is_blank() else str(group.value),
            filters=filters,
        )

    def action_ok(self) -> None:
        self.dismiss(self._result())

    def action_reset(self) -> None:
        self.dismiss(RESET)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"ok": self.action_ok, "reset": self.action_reset}.get(event.button.id or "", self.action_cancel)()

    def on_input_submitted(self) -> None:
        self.action_ok()
