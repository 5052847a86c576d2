"""Import contacts from a CSV file: pick the file, check the column mapping, read the preview, import.

- The file is read in a worker (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) and every column gets a
  field by its header (English, Danish, Dutch, Norwegian); each mapping is a drop-down to change it.
- Every change re-checks all rows (services/imports.py): the preview lists the first rows with what happens to
  each (new, updated, unchanged, duplicate, error) and the summary counts them, errors with their line numbers.
- Import (ctrl+s) asks first, then writes everything in one transaction with a progress bar; it stays disabled
  while any row has an error, because nothing would be imported.
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
from textual.widgets import Button, DataTable, Header, Input, Label, ProgressBar, Select, Static

from leadtui.actions import bindings, key_display
from leadtui.i18n import N_, _
from leadtui.services import imports
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer

STATUS_LABELS = {
    "new": N_("new"),
    "updated": N_("updated"),
    "unchanged": N_("unchanged"),
    "existing": N_("already there"),
    "duplicate": N_("duplicate"),
    "error": N_("error"),
}
STATUS_STYLES = {
    "new": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "existing": "dim",
    "duplicate": "yellow",
    "error": "bold red",
}
SHOWN_ISSUES = 100


class ImportScreen(Screen):
    CSS_PATH = "import_screen.tcss"
    BINDINGS = bindings("import")

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self.initial_path = path or ""
        self.data: imports.CsvData | None = None
        self.mapping: list[str] = []
        self.summary: imports.ImportSummary | None = None
        self.applying = False
        self._syncing = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Import contacts from a CSV file"), classes="section-title")
        yield Static(
            _(
                "Companies are matched by website domain or name (else created), contacts by email (then "
                "updated). Nothing is imported while a row has an error."
            ),
            classes="hint",
        )
        with Horizontal(id="file-row"):
            yield Label(_("File"))
            yield Input(value=self.initial_path, placeholder=_("path of the CSV file, Enter loads it"), id="file")
            yield Button(_("Load") + " (ctrl+l)", id="load")
        yield Static("", id="file-error", classes="field-error")
        yield Static("", id="file-info", classes="hint")
        with Horizontal(id="options-row"):
            yield Label(_("New companies get the category"))
            yield Select([], prompt=_("(the first lead category)"), id="category", compact=True)
            yield Label(_("Our contact of new records"))
            yield Select([], prompt=_("(distribution of new leads)"), id="owner", compact=True)
        with Horizontal(id="body"):
            with Vertical(id="mapping-pane"):
                yield Static(_("Column → field"), classes="section-title")
                yield VerticalScroll(id="mapping")
                yield Static("", id="mapping-error", classes="field-error")
            with Vertical(id="preview-pane"):
                yield Static(_("Preview of the first rows"), classes="section-title")
                yield DataTable(id="preview", cursor_type="row", zebra_stripes=True)
                yield Static("", id="summary")
                with VerticalScroll(id="issues-scroll"):
                    yield Static("", id="issues")
        yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="buttons"):
            yield Button(_("Import") + " (ctrl+s)", id="apply", variant="primary", disabled=True)
            yield Button(_("Back") + f" ({key_display('escape')})", id="back")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#preview", DataTable)
        table.add_columns(_("Line"), _("Status"), _("Name"), _("Email"), _("Company"), _("Message"))
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#file", Input).focus()
        self.load_choices()
        if self.initial_path:
            self.action_load()

    # ------------------------------------------------------------------ loading

    @work(exclusive=True, group="choices")
    async def load_choices(self) -> None:
        from leadtui.services import lists, users

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        categories = await lists.list_items(backend.db, "category")
        people = await users.list_users(backend.db)
        self.query_one("#category", Select).set_options([(c.name, c.name) for c in categories])
        self.query_one("#owner", Select).set_options([(u.full_name or u.login, u.login) for u in people if u.active])

    def action_load(self) -> None:
        if self.applying:
            return
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
            self.mapping = []
            self.query_one("#file-info", Static).update("")
            await self.query_one("#mapping", VerticalScroll).remove_children()
            self._show_summary(None)
            return
        self.data = data
        self.mapping = imports.auto_mapping(data.headers)
        delimiter = {"\t": _("tab"), ",": ",", ";": ";"}.get(data.delimiter, data.delimiter)
        self.query_one("#file-info", Static).update(
            _("{name}: {rows} rows, {columns} columns, {encoding}, separated by {delimiter}").format(
                name=data.name,
                rows=data.row_count,
                columns=len(data.headers),
                encoding=data.encoding,
                delimiter=delimiter,
            )
        )
        await self._build_mapping()
        self.action_preview()

    async def _build_mapping(self) -> None:
        assert self.data is not None
        pane = self.query_one("#mapping", VerticalScroll)
        await pane.remove_children()
        rows = []
        for index, (header, key, sample) in enumerate(imports.mapping_rows(self.data, self.mapping)):
            label = Label(Text(header), classes="map-header")
            label.tooltip = _("e.g. {sample}").format(sample=sample) if sample else None
            select = Select(imports.field_choices(), value=key, allow_blank=False, compact=True, id=f"map-{index}")
            rows.append(Horizontal(label, select, classes="map-row"))
        self._syncing = True
        await pane.mount_all(rows)
        self._syncing = False

    # ------------------------------------------------------------------ mapping and preview

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        select_id = event.select.id or ""
        if self._syncing:
            return
        if select_id.startswith("map-"):
            index = int(select_id[4:])
            value = "" if event.value == Select.NULL else str(event.value)
            if index >= len(self.mapping) or self.mapping[index] == value:
                return
            self.mapping[index] = value
            if value:  # a field belongs to one column: the column that had it lets go
                self._syncing = True
                for other, key in enumerate(self.mapping):
                    if other != index and key == value:
                        self.mapping[other] = ""
                        self.query_one(f"#map-{other}", Select).value = ""
                self.call_after_refresh(self._done_syncing)
            self.action_preview()
        elif select_id in ("category", "owner") and self.data is not None:
            self.action_preview()

    def _done_syncing(self) -> None:
        self._syncing = False

    def _options(self) -> imports.ImportOptions:
        category = self.query_one("#category", Select).value
        owner = self.query_one("#owner", Select).value
        return imports.ImportOptions(
            mapping=list(self.mapping),
            category=None if category == Select.NULL else str(category),
            owner=None if owner == Select.NULL else str(owner),
        )

    def action_preview(self) -> None:
        if self.data is not None and not self.applying:
            self.preview()

    @work(exclusive=True, group="preview")
    async def preview(self) -> None:
        assert self.data is not None
        self._error("mapping", "")
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            summary = await imports.preview_import(backend.db, backend.actor, self.data, self._options())
        except DomainError as exc:
            self._error("file" if exc.field == "file" else "mapping", str(exc))
            self._show_summary(None)
            return
        self._show_summary(summary)

    def _show_summary(self, summary: imports.ImportSummary | None) -> None:
        self.summary = summary
        table = self.query_one("#preview", DataTable)
        table.clear()
        if summary is None:
            self.query_one("#summary", Static).update("")
            self.query_one("#issues", Static).update("")
            self.query_one("#apply", Button).disabled = True
            return
        for row in summary.preview:
            name = row.values.get("full_name") or " ".join(
                part for part in (row.values.get("first_name", ""), row.values.get("last_name", "")) if part
            )
            company = _("{name} (new)").format(name=row.company) if row.company_status == "new" else row.company
            table.add_row(
                str(row.line),
                Text(_(STATUS_LABELS.get(row.status, row.status)), style=STATUS_STYLES.get(row.status, "")),
                Text(name),
                Text(row.values.get("email", "")),
                Text(company),
                Text(row.message),
                key=str(row.line),
            )
        prefix = _("Imported") if summary.applied else _("Checked")
        text = f"{prefix}: {summary.describe()}"
        if summary.new_companies and summary.default_category and not summary.applied:
            text += "\n" + _("New companies without a category in the file get: {category}").format(
                category=summary.default_category
            )
        if summary.applied:
            text += "\n" + _("First touch recorded: {n}; distributed to users: {m}").format(
                n=summary.first_touch, m=summary.assigned
            )
        self.query_one("#summary", Static).update(Text(text))
        lines = [
            _("line {line}: {message}").format(line=i.line, message=i.message) for i in summary.issues[:SHOWN_ISSUES]
        ]
        hidden = summary.errors + summary.duplicates - len(lines)
        if hidden > 0:
            lines.append(_("… and {n} more").format(n=hidden))
        self.query_one("#issues", Static).update(Text("\n".join(lines)))
        self.query_one("#apply", Button).disabled = bool(
            summary.applied or summary.errors or not (summary.new or summary.updated)
        )

    def _error(self, field: str, message: str) -> None:
        self.query_one(f"#{field}-error", Static).update(Text(message))

    # ------------------------------------------------------------------ importing

    @work(group="action")
    async def action_apply(self) -> None:
        if self.applying or self.data is None:
            return
        summary = self.summary
        if summary is None or summary.errors or summary.applied or not (summary.new or summary.updated):
            reason = (
                _("Fix the rows with errors first: nothing is imported while a row has an error.")
                if summary is not None and summary.errors
                else _("There is nothing to import.")
            )
            self.notify(reason, severity="warning", title=_("Not imported"))
            return
        from leadtui.screens.dialogs import ConfirmDialog

        question = _("Import {file}? {summary}\nEverything is written in one transaction.").format(
            file=self.data.name, summary=summary.describe()
        )
        if not await self.app.push_screen_wait(
            ConfirmDialog(_("Import contacts"), question, yes=_("Import"), no=_("Cancel"))
        ):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(1, self.data.row_count * 2), progress=0)
        bar.display = True
        self.applying = True
        self.query_one("#apply", Button).disabled = True

        def progress(done: int, total: int) -> None:
            bar.update(total=max(1, total), progress=done)

        try:
            result = await imports.apply_import(
                backend.db, backend.actor, self.data, self._options(), progress=progress
            )
        except imports.ImportRefused as exc:
            self._show_summary(exc.summary)
            self.notify(str(exc), severity="error", title=_("Not imported"))
            return
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not imported"))
            return
        finally:
            self.applying = False
            bar.display = False
        self._show_summary(result)
        self.notify(
            _("Imported {file}: {new} new, {updated} updated contacts.").format(
                file=self.data.name, new=result.new, updated=result.updated
            ),
            title=_("Import done"),
        )

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
