"""Export to CSV or JSON: a find result, a list or a selection, with the chosen columns, into a file.

Push `ExportDialog(target, criteria=..., columns=..., selection_id=...)` from any list (the Find screen with its
criteria and columns, a selection with its id); from the command palette it starts with every record of the
target and lets the user type criteria as `leadtui find --where` does (FIELD:OPERATOR:VALUES, separated by ';').
ctrl+s exports, Escape cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.services import exports, find
from leadtui.services.errors import DomainError, RuleViolation


class ExportDialog(ModalScreen["exports.ExportOut | None"]):
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 84; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ExportDialog Label { margin-top: 1; }
    ExportDialog .field-error { color: $error; height: auto; }
    ExportDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ExportDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("export")

    def __init__(self, target: str = "contact", *, criteria: Sequence[find.Criterion | dict] | None = None,
                 columns: Sequence[str] | None = None, selection_id: int | None = None, title: str = "",
                 path: str = "") -> None:
        super().__init__()
        self.target = find.normalise_target(target)
        self.criteria = list(criteria) if criteria is not None else None
        self.columns = list(columns) if columns else list(find.DEFAULT_COLUMNS[self.target])
        self.selection_id = selection_id
        self.title_text = title
        self.path = path or {"contact": "contacts.csv", "company": "companies.csv", "sale": "sales.csv"}[self.target]

    def compose(self) -> ComposeResult:
        what = self.title_text or find.target_label(self.target)
        with Vertical():
            yield Static(_("Export {what}").format(what=what), classes="section-title", markup=False)
            yield Label(_("File"))
            yield Input(value=self.path, id="path")
            yield Static("", id="path-error", classes="field-error")
            yield Label(_("Format"))
            yield Select([("CSV", "csv"), ("JSON", "json")], value="csv", allow_blank=False, id="format")
            yield Checkbox(_("CSV: protect against spreadsheet formulas (text starting with = + - @ gets a ')"),
                           value=True, id="formula-guard")
            yield Label(_("Columns (field keys, comma-separated)"))
            yield Input(value=", ".join(self.columns), id="columns")
            yield Static("", id="columns-error", classes="field-error")
            if self.criteria is None and self.selection_id is None:
                yield Label(_("Criteria (as leadtui find --where, separated by ';'; empty = all)"))
                yield Input(placeholder="lead_status:one_of:Open;utm_source:eq:google", id="where")
                yield Static("", id="where-error", classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(id="buttons"):
                yield Button(_("Export") + " (ctrl+s)", id="ok", variant="primary")
                yield Button(_("Cancel") + " (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _criteria(self) -> list[Any]:
        if self.criteria is not None:
            return self.criteria
        if self.selection_id is not None:
            return []
        text = self.query_one("#where", Input).value
        return [find.parse_where(part.strip()) for part in text.split(";") if part.strip()]

    async def action_export(self) -> None:
        for error in self.query(".field-error"):
            error.update("")
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        fmt = str(self.query_one("#format", Select).value)
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            if not path.name:
                raise RuleViolation(_("File: give the name of the file to write."), field="path")
            if not path.parent.exists():
                raise RuleViolation(_("File: the folder '{folder}' does not exist.").format(folder=path.parent),
                                    field="path")
            criteria = self._criteria()
            columns = exports.parse_columns(self.query_one("#columns", Input).value)
            temp = path.with_name(f".{path.name}.part")
            try:
                with temp.open("w", encoding="utf-8", newline="") as out:
                    result = await exports.export(backend.db, backend.actor, self.target, criteria, out,
                                                  columns=columns, fmt=fmt, selection_id=self.selection_id,
                                                  formula_guard=self.query_one("#formula-guard", Checkbox).value)
                temp.replace(path)
            except OSError as exc:
                raise RuleViolation(_("File: cannot write '{path}': {reason}").format(
                    path=path, reason=exc.strerror or exc), field="path") from None
            finally:
                temp.unlink(missing_ok=True)
        except DomainError as exc:
            field = {"field": "where", "op": "where", "columns": "columns", "path": "path"}.get(exc.field or "",
                                                                                              "general")
            if field == "where" and self.query("#where-error").first(None) is None:
                field = "general"
            self.query_one(f"#{field}-error", Static).update(str(exc))
            return
        self.notify(_("Exported {n} records to {path}.").format(n=result.rows, path=path), title=_("Export done"))
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self.action_export()
        else:
            self.dismiss(None)

    async def on_input_submitted(self, _event: Input.Submitted) -> None:
        await self.action_export()
