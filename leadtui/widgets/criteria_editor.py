"""The criteria editor of the Find screen (SPEC.md 4.4): one row per criterion (field, operator, values).

`CriteriaEditor` shows the rows and posts `CriteriaEditor.Changed` when they change; `CriterionDialog` adds or
edits one row by keyboard: type to filter the field list, Enter picks; arrows pick the operator (only those of
the field's kind), Enter; then the values: a multi-select of the list's items for list fields (space ticks),
a text box for the rest. ctrl+s saves from anywhere in the dialog; the service checks the criterion first, so
a bad value is shown at the value box and the dialog stays open.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from leadtui.actions import bindings, key_display
from leadtui.i18n import N_, _
from leadtui.i18n.format import format_date_text
from leadtui.services import find
from leadtui.services.errors import DomainError

VALUE_HINTS = {
    "text": N_("Values, separated by commas (any of them matches)"),
    "number": N_("A number"),
    "money": N_("An amount, e.g. 1000 or 1000.50"),
    "date": N_("A date, e.g. {example}"),
    "bool": N_("yes or no"),
}


def value_hint(kind: str, op: str | None = None) -> str:
    """What to type as a criterion's value; a date in the language's format."""
    if op in find.RELATIVE_OPERATORS:
        # TRANSLATORS: N:unit and the unit names are typed as they are (days, weeks, months, quarters, years)
        return _("N:unit, e.g. 3:months, 2:weeks or week")
    hint = _(VALUE_HINTS.get(kind, VALUE_HINTS["text"]))
    if op == "between":
        hint = _("From, to: two values separated by a comma ({hint})").format(hint=hint)
    if kind == "date":
        from datetime import date

        from leadtui.i18n.format import format_date

        hint = hint.format(example=format_date(date(2026, 1, 31)))
    return hint


class CriteriaEditor(Vertical):
    """The list of criteria: ANDed, or in OR groups (ANDed inside a group, the groups ORed; an "or" row between
    them). The screen binds the keys (a, g, e, x, z) and calls the actions here: a adds to the highlighted
    criterion's group, g (Or) starts a new group with a new criterion."""

    DEFAULT_CSS = """
    CriteriaEditor { height: auto; max-height: 10; }
    CriteriaEditor DataTable { height: auto; max-height: 8; }
    CriteriaEditor #criteria-empty { color: $text-muted; padding: 0 1; }
    """

    class Changed(Message):
        def __init__(self, editor: "CriteriaEditor", criteria: list[find.Criterion]) -> None:
            super().__init__()
            self.editor = editor
            self.criteria = criteria

    def __init__(self, target: str = "contact", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.target = target
        self.criteria: list[find.Criterion] = []
        self.texts: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(_("No criteria: every record matches. Press a to add a criterion."), id="criteria-empty")
        yield DataTable(id="criteria-table", cursor_type="row", zebra_stripes=True, show_header=False)

    def on_mount(self) -> None:
        self._fill()

    # ------------------------------------------------------------------ state

    def set_criteria(self, target: str, criteria: list[find.Criterion], *, notify: bool = True) -> None:
        self.target = find.normalise_target(target)
        self.criteria = find.canonical(criteria)
        self.texts = [find.format_where(c) for c in self.criteria]
        self._fill()
        self.describe()
        if notify:
            self.post_message(self.Changed(self, list(self.criteria)))

    @work(exclusive=True, group="describe")
    async def describe(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.texts = await find.describe(backend.db, self.target, self.criteria, or_prefix=False)
        except DomainError:
            return
        self._fill()

    def _layout(self) -> list[int | None]:
        """The table's rows: a criterion's index, or None for the "or" row between two groups."""
        rows: list[int | None] = []
        previous: int | None = None
        for index, c in enumerate(self.criteria):
            if c.group is not None and index > 0 and c.group != previous:
                rows.append(None)
            previous = c.group
            rows.append(index)
        return rows

    def has_groups(self) -> bool:
        return any(c.group is not None for c in self.criteria)

    def _fill(self) -> None:
        table = self.query_one("#criteria-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        grouped = self.has_groups()
        table.add_column(
            _("Criteria (all in a group must match; any group will do)") if grouped else _("Criteria (all must match)")
        )
        rows = self._layout()
        for number, index in enumerate(rows):
            if index is None:
                table.add_row(Text("  — " + _("or") + " —", style="bold"), key=f"or{number}")
            else:
                text = self.texts[index] if index < len(self.texts) else ""
                table.add_row(Text(f"{index + 1}. {text}"), key=str(index))
        table.display = bool(self.criteria)
        self.query_one("#criteria-empty", Static).display = not self.criteria
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def current_index(self) -> int | None:
        """The highlighted criterion (on an "or" row: the first criterion of the group below it)."""
        table = self.query_one("#criteria-table", DataTable)
        if not self.criteria or table.cursor_row < 0:
            return None
        rows = self._layout()
        row = min(table.cursor_row, len(rows) - 1)
        index = rows[row]
        return index if index is not None else rows[row + 1]

    def _row_of(self, index: int) -> int:
        return self._layout().index(index)

    # ------------------------------------------------------------------ actions

    def action_add(self) -> None:
        """A criterion in the highlighted criterion's group (the only group when there are none)."""
        index = self.current_index()
        self._edit(None, group=self.criteria[index].group if index is not None else None)

    def action_or(self) -> None:
        """Or: a new group, starting with a new criterion (the criteria so far become the first group)."""
        if not self.criteria:
            self._edit(None)
            return
        numbers = [c.group for c in self.criteria if c.group is not None]
        if not numbers:
            self.criteria = [c.model_copy(update={"group": 0}) for c in self.criteria]
        self._edit(None, group=max(numbers, default=0) + 1)

    def action_edit(self) -> None:
        index = self.current_index()
        if index is None:
            self.app.notify(_("No criterion to edit; press a to add one."), severity="warning")
            return
        self._edit(index)

    def _edit(self, index: int | None, *, group: int | None = None) -> None:
        current = self.criteria[index] if index is not None else None

        def done(result: find.Criterion | None) -> None:
            if result is None:
                self.criteria = find.canonical(self.criteria)  # an Or given up: no group of one left behind
                return
            if index is None:
                result = result.model_copy(update={"group": group})
                # after the last criterion of its group, so the groups stay together
                at = max((i for i, c in enumerate(self.criteria) if c.group == group), default=len(self.criteria) - 1)
                self.criteria.insert(at + 1, result)
                chosen = at + 1
            else:
                self.criteria[index] = result.model_copy(update={"group": self.criteria[index].group})
                chosen = index
            self.set_criteria(self.target, self.criteria)  # keeps the order: the groups are together
            table = self.query_one("#criteria-table", DataTable)
            table.move_cursor(row=self._row_of(min(chosen, len(self.criteria) - 1)))

        self.app.push_screen(CriterionDialog(self.target, current), done)

    def action_remove(self) -> None:
        index = self.current_index()
        if index is None:
            return
        del self.criteria[index]
        self.set_criteria(self.target, self.criteria)

    def action_clear(self) -> None:
        if self.criteria:
            self.set_criteria(self.target, [])

    @on(DataTable.RowSelected, "#criteria-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()


class CriterionDialog(ModalScreen["find.Criterion | None"]):
    """Add or edit one criterion: field (type-ahead), operator, values."""

    DEFAULT_CSS = """
    CriterionDialog { align: center middle; }
    CriterionDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                                 background: $surface; padding: 0 2; }
    CriterionDialog #criterion-body { height: auto; max-height: 70vh; }
    CriterionDialog Label { margin-top: 1; }
    CriterionDialog #fields { height: 7; }
    CriterionDialog #operators { height: auto; max-height: 7; }
    CriterionDialog #choices { height: auto; max-height: 9; }
    CriterionDialog .field-error { color: $error; height: auto; }
    CriterionDialog #buttons { height: auto; align-horizontal: right; }
    CriterionDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("criterion")

    def __init__(self, target: str, criterion: find.Criterion | None = None) -> None:
        super().__init__()
        self.target = find.normalise_target(target)
        self.criterion = criterion
        self.fields = find.field_infos(self.target)
        self.field: find.FieldOut | None = None
        if criterion is not None:
            key = find._key(criterion.field)
            self.field = next((f for f in self.fields if f.key == key), None)
        self.choices: list[find.ChoiceOut] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            title = _("Edit criterion") if self.criterion else _("Add criterion")
            yield Static(f"{title} · {find.target_label(self.target)}", classes="section-title")
            with VerticalScroll(id="criterion-body"):  # scrolls in a small terminal; the buttons stay below it
                yield Label(_("Field (type to filter, ↑/↓, Enter)"))
                yield Input(placeholder=_("e.g. lead status"), id="field-search")
                yield OptionList(id="fields")
                yield Static("", id="field-error", classes="field-error")
                yield Label(_("Operator (↑/↓, Enter)"))
                yield OptionList(id="operators")
                yield Static("", id="op-error", classes="field-error")
                yield Label(_("Values"), id="values-label")
                yield Input(id="values")
                yield SelectionList[str](id="choices")
                yield Static("", id="values-error", classes="field-error")
                yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("OK") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Cancel") + f" ({key_display('escape')})", id="cancel")

    def on_mount(self) -> None:
        self._filter("")
        if self.field is not None:
            self.query_one("#field-search", Input).value = self.field.label
            self.query_one("#fields", OptionList).display = False
            self._field_chosen(self.field, focus=False)
            if self.criterion is not None:
                ops = self.field.operators
                op = find.normalise_op(self.field.kind, self.criterion.op)
                if op in ops:
                    self.query_one("#operators", OptionList).highlighted = ops.index(op)
                values = self.criterion.values
                if (
                    self.field.kind == "date" and op not in find.RELATIVE_OPERATORS
                ):  # in the language's format, as typed here (ISO from the CLI too)
                    values = [format_date_text(value) for value in values]
                self.query_one("#values", Input).value = ", ".join(v.replace(",", "\\,") for v in values)
            self.query_one("#operators", OptionList).focus()
        else:
            self._show_values(None)
            self.query_one("#field-search", Input).focus()

    # ------------------------------------------------------------------ field

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        options = self.query_one("#fields", OptionList)
        options.clear_options()
        shown = [f for f in self.fields if not needle or needle in f.label.casefold() or needle in f.key]
        options.add_options(
            [Option(f.label + "  ·  " + _(find.KIND_LABELS.get(f.kind, f.kind)), id=f.key) for f in shown]
        )
        if shown:
            options.highlighted = 0

    @on(Input.Changed, "#field-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self.field is not None and event.value == self.field.label:
            return
        self.query_one("#fields", OptionList).display = True
        self._filter(event.value)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        event.widget.scroll_visible(animate=False)  # at 80x24 the values list was below the edge
        if event.widget is self.query_one("#field-search", Input):
            self.query_one("#fields", OptionList).display = True

    def on_key(self, event) -> None:  # noqa: ANN001
        # arrows in the search box move through the field list
        if self.focused is self.query_one("#field-search", Input) and event.key in ("down", "up"):
            options = self.query_one("#fields", OptionList)
            if event.key == "down":
                options.action_cursor_down()
            else:
                options.action_cursor_up()
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#field-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#fields", OptionList)
        option = options.highlighted_option
        if option is None:
            self._error("#field-error", _("No field matches; change the text."))
            return
        self._pick(option.id)

    @on(OptionList.OptionSelected, "#fields")
    def _field_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id)

    def _pick(self, key: str | None) -> None:
        field = next((f for f in self.fields if f.key == key), None)
        if field is None:
            return
        self._error("#field-error", "")
        self.field = field
        self.query_one("#field-search", Input).value = field.label
        self.query_one("#fields", OptionList).display = False  # room for the operator and the values
        self._field_chosen(field, focus=True)

    def _field_chosen(self, field: find.FieldOut, *, focus: bool) -> None:
        ops = self.query_one("#operators", OptionList)
        ops.clear_options()
        ops.add_options([Option(find.operator_label(op), id=op) for op in field.operators])
        ops.highlighted = 0
        self._show_values(field)
        if field.kind == "list":
            self._load_choices(field.key)
        if focus:
            ops.focus()

    # ------------------------------------------------------------------ operator and values

    def _op(self) -> str | None:
        option = self.query_one("#operators", OptionList).highlighted_option
        return option.id if option is not None else None

    def _show_values(self, field: find.FieldOut | None) -> None:
        is_list = field is not None and field.kind == "list"
        no_value = self._op() in find.NO_VALUE_OPERATORS
        values = self.query_one("#values", Input)
        values.display = field is not None and not is_list and not no_value
        self.query_one("#choices", SelectionList).display = is_list and not no_value
        self.query_one("#values-label", Label).display = field is not None and not no_value
        if field is not None and not is_list:
            values.placeholder = value_hint(field.kind, self._op())
        label = _("Values (space ticks, ctrl+s saves)") if is_list else _("Values (Enter saves)")
        self.query_one("#values-label", Label).update(label)

    @on(OptionList.OptionHighlighted, "#operators")
    def _op_highlighted(self) -> None:
        self._show_values(self.field)

    @on(OptionList.OptionSelected, "#operators")
    def _op_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._show_values(self.field)
        if event.option.id in find.NO_VALUE_OPERATORS:
            self.action_save()
        elif self.field is not None and self.field.kind == "list":
            self.query_one("#choices", SelectionList).focus()
        else:
            self.query_one("#values", Input).focus()

    @work(exclusive=True, group="choices")
    async def _load_choices(self, key: str) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.choices = await find.choices(backend.db, self.target, key)
        except DomainError as exc:
            self._error("#general-error", str(exc))
            return
        chosen = (
            set(self.criterion.values)
            if self.criterion is not None and self.field is not None and find._key(self.criterion.field) == key
            else set()
        )
        names = {c.label.casefold(): c.value for c in self.choices}
        chosen = {names.get(v.strip().casefold(), v.strip()) for v in chosen}
        box = self.query_one("#choices", SelectionList)
        box.clear_options()
        box.add_options(
            [
                Selection(
                    _("{name} (deleted)").format(name=c.label) if c.deleted else c.label, c.value, c.value in chosen
                )
                for c in self.choices
            ]
        )
        if self.choices:
            box.highlighted = 0

    @on(Input.Submitted, "#values")
    def _values_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _criterion(self) -> find.Criterion | None:
        if self.field is None:
            self._error("#field-error", _("Field: choose a field from the list."))
            self.query_one("#field-search", Input).focus()
            return None
        op = self._op()
        if op is None:
            self._error("#op-error", _("Operator: choose one."))
            return None
        values: list[str] = []
        if op not in find.NO_VALUE_OPERATORS:
            if self.field.kind == "list":
                values = [str(v) for v in self.query_one("#choices", SelectionList).selected]
            else:
                raw = self.query_one("#values", Input).value
                values = find.parse_where(f"x:eq:{raw}").values if raw.strip() else []
                if self.field.kind != "text":
                    values = values[: find.value_count(op)]
        return find.Criterion(field=self.field.key, op=op, values=values)

    def _error(self, selector: str, text: str) -> None:
        """Say what is wrong under the part it concerns, scrolled into view (at 80x24 the body scrolls: the values'
        error line was below the visible part)."""
        line = self.query_one(selector, Static)
        line.update(text)
        if text:
            self.call_after_refresh(line.scroll_visible, animate=False)

    @work(exclusive=True, group="save")
    async def action_save(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
        criterion = self._criterion()
        if criterion is None:
            return
        if not criterion.values and criterion.op not in find.NO_VALUE_OPERATORS:
            where = "#choices" if self.field and self.field.kind == "list" else "#values"
            self._error(
                "#values-error",
                _("Values: give at least one value (an empty value would make the criterion match everything)."),
            )
            self.query_one(where).focus()
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            checked = await find.validate(backend.db, backend.actor, self.target, [criterion])
        except DomainError as exc:
            target = "#op-error" if exc.field == "op" else "#field-error" if exc.field == "field" else "#values-error"
            self._error(target, str(exc))
            return
        self.dismiss(checked[0] if checked else criterion)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
