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
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _, ngettext
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import exports, find
from leadtui.services.errors import RuleViolation
from leadtui.widgets.form import error_line, field_row


class ExportDialog(FormDialog):
    DEFAULT_CSS = """
    ExportDialog > Vertical { width: 84; max-height: 100%; padding: 1 2; }
    ExportDialog Label { margin-top: 1; }
    """
    BINDINGS = bindings("export")

    def __init__(
        self,
        target: str = "contact",
        *,
        criteria: Sequence[find.Criterion | dict] | None = None,
        columns: Sequence[str] | None = None,
        selection_id: int | None = None,
        title: str = "",
        path: str = "",
    ) -> None:
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
            yield from field_row(_("File"), Input(value=self.path, id="path"), stacked=True)
            yield Label(_("Format"))
            yield Select([("CSV", "csv"), ("JSON", "json")], value="csv", allow_blank=False, id="format")
            yield Checkbox(
                _("CSV: protect against spreadsheet formulas (text starting with = + - @ gets a ')"),
                value=True,
                id="formula-guard",
            )
            yield from field_row(
                _("Columns (field keys, comma-separated)"),
                Input(value=", ".join(self.columns), id="columns"),
                stacked=True,
            )
            if self.criteria is None and self.selection_id is None:
                yield from field_row(
                    _("Criteria (as leadtui find --where, separated by ';'; empty = all)"),
                    Input(placeholder="lead_status:one_of:Open;utm_source:eq:google", id="where"),
                    stacked=True,
                )
            yield error_line("general")
            yield buttons(_("Export"))

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _criteria(self) -> list[Any]:
        if self.criteria is not None:
            return self.criteria
        if self.selection_id is not None:
            return []
        text = self.query_one("#where", Input).value
        return [find.parse_where(part.strip()) for part in text.split(";") if part.strip()]

    def values(self) -> dict[str, Any]:
        return {
            "path": Path(self.query_one("#path", Input).value.strip()).expanduser(),
            "format": str(self.query_one("#format", Select).value),
            "columns": self.query_one("#columns", Input).value,
            "formula_guard": self.query_one("#formula-guard", Checkbox).value,
        }

    async def submit(self, values: dict[str, Any]) -> exports.ExportOut:
        path: Path = values["path"]
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if not path.name:
            raise RuleViolation(_("File: give the name of the file to write."), field="path")
        if not path.parent.exists():
            raise RuleViolation(
                _("File: the folder '{folder}' does not exist.").format(folder=path.parent), field="path"
            )
        criteria = self._criteria()
        columns = exports.parse_columns(values["columns"])
        temp = path.with_name(f".{path.name}.part")
        try:
            with temp.open("w", encoding="utf-8", newline="") as out:
                result = await exports.export(
                    backend.db,
                    backend.actor,
                    self.target,
                    criteria,
                    out,
                    columns=columns,
                    fmt=values["format"],
                    selection_id=self.selection_id,
                    formula_guard=values["formula_guard"],
                )
            temp.replace(path)
        except OSError as exc:
            raise RuleViolation(
                _("File: cannot write '{path}': {reason}").format(path=path, reason=exc.strerror or exc), field="path"
            ) from None
        finally:
            temp.unlink(missing_ok=True)
        self.notify(
            ngettext("Exported {n} record to {path}.", "Exported {n} records to {path}.", result.rows).format(
                n=result.rows, path=path
            ),
            title=_("Export done"),
        )
        return result

    def error_field(self, exc: Exception) -> str | None:
        field = {"field": "where", "op": "where", "columns": "columns", "path": "path"}.get(
            getattr(exc, "field", None) or ""
        )
        return field if field and self.query(f"#{field}-error") else None

    async def action_export(self) -> None:
        await self.save_form()
