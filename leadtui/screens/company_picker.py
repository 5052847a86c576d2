"""Pick a company by typing the start of its name (Move contact, new contact). Enter chooses, Escape cancels."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import Dialog
from leadtui.services import companies as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.inert import cell

NO_COMPANY = "none"


@dataclass
class CompanyChoice:
    id: int | None
    name: str


class CompanyPickerDialog(Dialog):
    DEFAULT_CSS = """
    CompanyPickerDialog > Vertical { width: 90; height: 30; padding: 1 2; }
    CompanyPickerDialog DataTable { height: 1fr; }
    """
    BINDINGS = bindings("company_picker")

    def __init__(
        self, title: str, *, allow_none: bool = False, exclude_id: int | None = None, none_label: str | None = None
    ) -> None:
        super().__init__()
        self.none_label = none_label or _("(No company: disconnect)")
        self.title_text = title
        self.allow_none = allow_none
        self.exclude_id = exclude_id
        self.rows: list[CompanyChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="section-title", markup=False)  # may quote a name
            yield Input(placeholder=_("Type the start of the company's name…"), id="picker-search")
            yield DataTable(id="picker-results", cursor_type="row", zebra_stripes=True)
            yield Static(_("↓ to the list, Enter chooses, Escape cancels."), id="picker-status", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#picker-results", DataTable)
        table.add_columns(_("Company"), _("Category"), _("Our contact"), _("Contacts"))
        self.query_one("#picker-search", Input).focus()
        self.load("")

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self.load(event.value, debounce=True)

    @on(Input.Submitted, "#picker-search")
    @work(exclusive=True, group="load")
    async def _submitted(self, event: Input.Submitted) -> None:
        """Enter right after typing: the list for what was typed, not the one still shown, then its first row."""
        await self._fetch(event.value)
        self._choose(0)

    @work(exclusive=True, group="load")
    async def load(self, search: str, debounce: bool = False) -> None:
        if debounce:
            await asyncio.sleep(0.2)
        await self._fetch(search)

    async def _fetch(self, search: str) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            page = await svc.list_companies(backend.db, backend.actor, search=search, limit=50)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#picker-results", DataTable)
        table.clear()
        self.rows = []
        if self.allow_none and not search.strip():
            self.rows.append(CompanyChoice(None, self.none_label))
            table.add_row(self.rows[-1].name, "", "", "", key=NO_COMPANY)
        for row in page.items:
            if row.id == self.exclude_id:
                continue
            self.rows.append(CompanyChoice(row.id, row.name))
            table.add_row(
                cell(row.name), cell(row.category), cell(row.owner_name), str(row.contact_count), key=str(row.id)
            )
        more = _("{shown} of {total}").format(shown=len(page.items), total=page.total)
        self.query_one("#picker-status", Static).update(
            f"{more}  ·  " + _("↓ to the list, Enter chooses, Escape cancels.")
        )

    def action_to_results(self) -> None:
        self.query_one("#picker-results", DataTable).focus()

    @on(DataTable.RowSelected, "#picker-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._choose(event.cursor_row)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.dismiss(self.rows[index])
