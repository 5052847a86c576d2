"""Import from another CRM (issue 18): pick the file, the kind of records and the CRM (profile), check the column
mapping, map each unknown list value to one of leadtui's items, then import in one transaction.

- The profile picker offers auto (found from the headers), HubSpot, Pipedrive, Salesforce and SuperOffice; the
  mapping shows each column with a drop-down of the fields of that kind of record.
- Every change checks all rows again with a dry run (services/crm_import: the same service calls, rolled back).
  Each unknown value (lead status, category, stage, owner ...) gets a row with its count, the closest item and a
  drop-down of leadtui's items; the choice is used as `--map-value` is on the command line.
- Import (ctrl+s) asks first; it stays disabled while a row has an error or a value is unmapped.
Keys: ctrl+l load the file, ctrl+r check again, ctrl+s import, Escape back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from leadtui.actions import bindings, key_display
from leadtui.i18n import _
from leadtui.services import imports
from leadtui.services.crm_import import importer, profiles
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer

SHOWN_ISSUES = 100
PROFILE_CHOICES = [
    (_("auto (from the headers)"), "auto"),
    ("HubSpot", "hubspot"),
    ("Pipedrive", "pipedrive"),
    ("Salesforce", "salesforce"),
    ("SuperOffice", "superoffice"),
]


def entity_choices() -> list[tuple[str, str]]:
    return [(_(profiles.ENTITY_LABELS[e]), e) for e in profiles.ENTITIES]


class CrmImportScreen(Screen):
    CSS_PATH = "import_screen.tcss"
    BINDINGS = bindings("crm_import")

    def __init__(self, path: str | None = None, entity: str = "persons") -> None:
        super().__init__()
        self.initial_path = path or ""
        self.entity = entity
        self.data: imports.CsvData | None = None
        self.mapping: list[str] = []
        self.value_maps: dict[str, dict[str, str]] = {}
        self.unknown: list[Any] = []
        self.report: importer.CrmImportReport | None = None
        self.applying = False
        self._syncing = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Import from another CRM"), classes="section-title")
        yield Static(
            _(
                "Exports of HubSpot, Pipedrive, Salesforce or SuperOffice: the other CRM's record ids are "
                "kept, so importing again updates. Nothing is imported while a row has an error or a value "
                "is not mapped."
            ),
            classes="hint",
        )
        with Horizontal(id="file-row"):
            yield Label(_("File"))
            yield Input(value=self.initial_path, placeholder=_("path of the CSV export, Enter loads it"), id="file")
            yield Button(_("Load") + " (ctrl+l)", id="load")
        yield Static("", id="file-error", classes="field-error")
        yield Static("", id="file-info", classes="hint")
        with Horizontal(id="options-row"):
            yield Label(_("Records"))
            yield Select(entity_choices(), value=self.entity, allow_blank=False, id="entity", compact=True)
            yield Label(_("Exported from"))
            yield Select(PROFILE_CHOICES, value="auto", allow_blank=False, id="profile", compact=True)
        with Horizontal(id="body"):
            with Vertical(id="mapping-pane"):
                yield Static(_("Column → field"), classes="section-title")
                yield VerticalScroll(id="mapping")
                yield Static("", id="mapping-error", classes="field-error")
            with Vertical(id="preview-pane"):
                yield Static(_("Values to map"), classes="section-title")
                yield VerticalScroll(id="values")
                yield Static("", id="summary")
                with VerticalScroll(id="issues-scroll"):
                    yield Static("", id="issues")
        with Horizontal(id="buttons"):
            yield Button(_("Import") + " (ctrl+s)", id="apply", variant="primary", disabled=True)
            yield Button(_("Back") + f" ({key_display('escape')})", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#file", Input).focus()
        if self.initial_path:
            self.action_load()

    # ------------------------------------------------------------------ loading and mapping

    def action_load(self) -> None:
        if not self.applying:
            self.read_file(self.query_one("#file", Input).value.strip())

    @on(Input.Submitted, "#file")
    def _file_submitted(self) -> None:
        self.action_load()

    @work(exclusive=True, group="load")
    async def read_file(self, path: str) -> None:
        self._error("file", "")
        try:
            data = await asyncio.to_thread(imports.load_csv, path)
        except DomainError as exc:
            self._error("file", str(exc))
            self.data = None
            await self.query_one("#mapping", VerticalScroll).remove_children()
            self._show(None)
            return
        self.data = data
        found = profiles.detect(data.headers)
        if found is not None:  # the kind of records too, when the headers say it
            self._syncing = True
            self.entity = found[1]
            self.query_one("#entity", Select).value = found[1]
            self.call_after_refresh(self._done_syncing)
        self.query_one("#file-info", Static).update(
            Text(
                _("{name}: {rows} rows, {columns} columns, {encoding}").format(
                    name=data.name, rows=data.row_count, columns=len(data.headers), encoding=data.encoding
                )
            )
        )
        await self._remap()

    def _profile(self) -> str:
        return str(self.query_one("#profile", Select).value)

    async def _remap(self) -> None:
        if self.data is None:
            return
        self._error("mapping", "")
        try:
            profile, entity = importer.resolve_profile(self.data, self.entity, self._profile())
        except DomainError as exc:
            self._error("mapping", str(exc))
            return
        self.mapping = profiles.mapping_for(profile, entity, self.data.headers)
        self.value_maps = {}
        pane = self.query_one("#mapping", VerticalScroll)
        await pane.remove_children()
        choices = [(_("(not imported)"), "")] + [(key, key) for key in profiles.ENTITY_FIELDS[entity]]
        rows = []
        for index, header in enumerate(self.data.headers):
            select = Select(choices, value=self.mapping[index], allow_blank=False, compact=True, id=f"map-{index}")
            rows.append(Horizontal(Label(Text(header), classes="map-header"), select, classes="map-row"))
        self._syncing = True
        await pane.mount_all(rows)
        self.call_after_refresh(self._done_syncing)
        self.action_check()

    def _done_syncing(self) -> None:
        self._syncing = False

    @on(Select.Changed)
    async def _select_changed(self, event: Select.Changed) -> None:
        select_id = event.select.id or ""
        if self._syncing:
            return
        if select_id in ("entity", "profile"):
            self.entity = str(self.query_one("#entity", Select).value)
            await self._remap()
        elif select_id.startswith("map-"):
            index = int(select_id[4:])
            value = "" if event.value == Select.NULL else str(event.value)
            if index < len(self.mapping) and self.mapping[index] != value:
                self.mapping = ["" if (k == value and value) else k for k in self.mapping]
                self.mapping[index] = value
                self.action_check()
        elif select_id.startswith("value-"):
            unknown = self.unknown[int(select_id[6:])]
            if event.value != Select.NULL:
                self.value_maps.setdefault(unknown.field, {})[unknown.value.casefold()] = str(event.value)
            self.action_check()

    def _options(self) -> importer.CrmImportOptions:
        assert self.data is not None
        overrides = {header: key or "-" for header, key in zip(self.data.headers, self.mapping)}
        return importer.CrmImportOptions(
            profile=self._profile(), overrides=overrides, value_maps={k: dict(v) for k, v in self.value_maps.items()}
        )

    # ------------------------------------------------------------------ checking

    def action_check(self) -> None:
        if self.data is not None and not self.applying:
            self.check()

    @work(exclusive=True, group="check")
    async def check(self) -> None:
        assert self.data is not None
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            report = await importer.import_file(
                backend.db, backend.actor, self.entity, self.data, self._options(), dry_run=True
            )
        except DomainError as exc:
            self._error("file" if exc.field == "file" else "mapping", str(exc))
            self._show(None)
            return
        self._error("mapping", "")
        await self._show_values(report)
        self._show(report)

    async def _show_values(self, report: importer.CrmImportReport) -> None:
        """A drop-down of leadtui's items per unknown value; the closest item is named, never chosen silently."""
        self.unknown = [u for r in report.reports for u in r.unknown_values]
        pane = self.query_one("#values", VerticalScroll)
        await pane.remove_children()
        rows = []
        for index, unknown in enumerate(self.unknown):
            text = _("{field} '{value}' ({rows} rows)").format(
                field=unknown.field_label, value=unknown.value or _("(empty)"), rows=unknown.rows
            )
            if unknown.suggestion:
                text += "\n" + _("closest: {name}").format(name=unknown.suggestion)
            label = Label(Text(text), classes="map-header")
            select = Select(
                [(name, name) for name in unknown.choices], prompt=_("(choose)"), compact=True, id=f"value-{index}"
            )
            rows.append(Horizontal(label, select, classes="map-row"))
        self._syncing = True
        await pane.mount_all(rows)
        self.call_after_refresh(self._done_syncing)

    def _show(self, report: importer.CrmImportReport | None) -> None:
        self.report = report
        if report is None:
            self.query_one("#summary", Static).update("")
            self.query_one("#issues", Static).update("")
            self.query_one("#apply", Button).disabled = True
            return
        prefix = _("Imported") if report.applied else _("Checked")
        lines = [f"{prefix}: {r.describe()}" for r in report.reports]
        if self.unknown and not report.applied:
            lines.append(_("Map each value on the right to one of leadtui's items."))
        self.query_one("#summary", Static).update(Text("\n".join(lines)))
        issues = [
            _("line {line}: {message}").format(line=i.line, message=i.message) for r in report.reports for i in r.issues
        ][:SHOWN_ISSUES]
        self.query_one("#issues", Static).update(Text("\n".join(issues)))
        nothing = not any(r.new or r.updated for r in report.reports)
        self.query_one("#apply", Button).disabled = bool(report.applied or report.errors or nothing)

    def _error(self, field: str, message: str) -> None:
        self.query_one(f"#{field}-error", Static).update(Text(message))

    # ------------------------------------------------------------------ importing

    @work(group="action")
    async def action_apply(self) -> None:
        if self.applying or self.data is None:
            return
        report = self.report
        if report is None or report.errors or report.applied or not any(r.new or r.updated for r in report.reports):
            reason = (
                _("Fix the rows with errors and map every value first: nothing is imported until then.")
                if report is not None and report.errors
                else _("There is nothing to import.")
            )
            self.notify(reason, severity="warning", title=_("Not imported"))
            return
        from leadtui.screens.dialogs import ConfirmDialog

        question = _("Import {file}? {summary}\nEverything is written in one transaction.").format(
            file=self.data.name, summary="; ".join(r.describe() for r in report.reports)
        )
        if not await self.app.push_screen_wait(
            ConfirmDialog(_("Import from another CRM"), question, yes=_("Import"), no=_("Cancel"))
        ):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self.applying = True
        self.query_one("#apply", Button).disabled = True
        try:
            result = await importer.import_file(backend.db, backend.actor, self.entity, self.data, self._options())
        except importer.CrmImportRefused as exc:
            self._show(exc.report)
            self.notify(str(exc), severity="error", title=_("Not imported"))
            return
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not imported"))
            return
        finally:
            self.applying = False
        self._show(result)
        self.notify(_("Imported {file}.").format(file=self.data.name), title=_("Import done"))

    def action_back(self) -> None:
        if self.applying:
            self.notify(_("The import is running; it finishes in one go."), severity="warning")
            return
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions: dict[str, Callable[[], Any]] = {
            "load": self.action_load,
            "apply": self.action_apply,
            "back": self.action_back,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()
