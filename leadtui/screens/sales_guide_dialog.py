"""Sales guide of a sale type (Settings > Sale - Type list > g): stages, guide switch, estimated time, and the
suggested follow-ups of each stage (SPEC.md 1.8, 1.9, 4.10). Every change is saved at once, as in SuperOffice.

Keys: space links / unlinks the highlighted stage, ctrl+up / ctrl+down move it, Tab to the suggestions,
a add, e or Enter edit, x delete a suggestion; Escape closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from leadtui.actions import bindings
from leadtui.i18n import N_, _
from leadtui.services.errors import DomainError
from leadtui.widgets.inert import cell

if TYPE_CHECKING:
    from leadtui.services.guides import SaleTypeGuideOut

UNITS = [("day", N_("days")), ("week", N_("weeks")), ("month", N_("months"))]


class SalesGuideDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    SalesGuideDialog { align: center middle; }
    SalesGuideDialog > Vertical { width: 110; height: 36; border: thick $accent; background: $surface; padding: 0 1; }
    SalesGuideDialog #guide-top { height: 3; }
    SalesGuideDialog #auto_advance { width: auto; }
    SalesGuideDialog #has_guide { width: auto; }
    SalesGuideDialog #duration { width: 10; }
    SalesGuideDialog #duration_unit { width: 16; }
    SalesGuideDialog #guide-top Label { padding: 1 1 0 2; }
    SalesGuideDialog #guide-body { height: 1fr; }
    SalesGuideDialog #stages { width: 36; height: 1fr; }
    SalesGuideDialog #items-pane { width: 1fr; padding-left: 1; }
    SalesGuideDialog #items { height: 1fr; }
    SalesGuideDialog .field-error { color: $error; height: auto; }
    """
    BINDINGS = bindings("sales_guide")

    def __init__(self, sale_type_id: int, sale_type_name: str) -> None:
        super().__init__()
        self.sale_type_id = sale_type_id
        self.sale_type_name = sale_type_name
        self.guide: SaleTypeGuideOut | None = None
        self.all_stages: list = []
        self.order: list[int] = []  # stage ids as shown: linked ones in their order, then the others
        self.items: list = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _("Sales guide · {type}").format(type=self.sale_type_name), classes="section-title", markup=False
            )
            with Horizontal(id="guide-top"):
                yield Checkbox(_("This sale type is linked to a guide"), id="has_guide")
                yield Label(_("Estimated time"))
                yield Input(id="duration", type="integer", max_length=4)
                yield Select([(_(label), key) for key, label in UNITS], allow_blank=False, id="duration_unit")
            yield Checkbox(_("Suggest moving the sale into next stage automatically"), id="auto_advance")
            yield Static("", id="guide-error", classes="field-error")
            with Horizontal(id="guide-body"):
                with Vertical(id="stages-pane"):
                    yield Label(_("Stages used for this sale type (space, ctrl+↑/↓)"))
                    yield SelectionList[int](id="stages")
                with Vertical(id="items-pane"):
                    yield Static("", id="items-title", markup=False)
                    yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
                    yield Static(
                        _("a add · e / Enter edit · x delete a suggested follow-up · Esc close"), classes="hint"
                    )

    def on_mount(self) -> None:
        self.query_one("#items", DataTable).add_columns(_("Suggested follow-up"), _("Type"), _("Days"), _("Text"))
        self.query_one("#stages", SelectionList).focus()
        self.load()

    # ------------------------------------------------------------------ data

    @work(exclusive=True, group="guide-load")
    async def load(self, highlight: int | None = None) -> None:
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.guide = await guides.get_sale_type_guide(backend.db, self.sale_type_id)
            self.all_stages = await guides.list_stages(backend.db)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        linked = [stage.id for stage in self.guide.stages]
        self.order = linked + [stage.id for stage in self.all_stages if stage.id not in linked]
        names = {stage.id: stage for stage in self.all_stages}
        stages = self.query_one("#stages", SelectionList)
        keep = stages.highlighted if highlight is None else None
        with self.prevent(SelectionList.SelectedChanged, Checkbox.Changed, Select.Changed):
            stages.clear_options()
            stages.add_options(
                [
                    Selection(f"{names[sid].name} ({names[sid].probability} %)", sid, sid in linked)
                    for sid in self.order
                    if sid in names
                ]
            )
            if highlight is not None and highlight in self.order:
                stages.highlighted = self.order.index(highlight)
            elif keep is not None and stages.option_count:
                stages.highlighted = min(keep, stages.option_count - 1)
            elif stages.option_count:
                stages.highlighted = 0
            self.query_one("#has_guide", Checkbox).value = self.guide.has_guide
            self.query_one("#auto_advance", Checkbox).value = self.guide.auto_advance
            self.query_one("#duration", Input).value = str(self.guide.duration)
            self.query_one("#duration_unit", Select).value = self.guide.duration_unit
        self._show_items()

    def _highlighted_stage(self) -> int | None:
        stages = self.query_one("#stages", SelectionList)
        if stages.highlighted is None or stages.highlighted >= len(self.order):
            return None
        return self.order[stages.highlighted]

    def _show_items(self) -> None:
        stage_id = self._highlighted_stage()
        table = self.query_one("#items", DataTable)
        table.clear()
        self.items = []
        title = self.query_one("#items-title", Static)
        if self.guide is None or stage_id is None:
            title.update("")
            return
        stage = next((s for s in self.guide.stages if s.id == stage_id), None)
        if stage is None:
            name = next((s.name for s in self.all_stages if s.id == stage_id), "")
            title.update(_("'{stage}' is not used by this sale type: space links it.").format(stage=name))
            return
        title.update(_("Suggested follow-ups in stage '{stage}'").format(stage=stage.name))
        self.items = stage.items
        for item in stage.items:
            table.add_row(
                cell(item.name),
                cell(item.follow_up_type or ""),
                str(item.start_offset_days),
                cell(item.default_text.splitlines()[0] if item.default_text else ""),
            )

    def _error(self, text: str) -> None:
        self.query_one("#guide-error", Static).update(text)

    # ------------------------------------------------------------------ changes, saved at once

    @on(SelectionList.SelectionHighlighted, "#stages")
    def _stage_highlighted(self) -> None:
        self._show_items()

    @on(SelectionList.SelectedChanged, "#stages")
    def _stages_changed(self) -> None:
        self.save_stages()

    @work(exclusive=True, group="guide-save")
    async def save_stages(self, highlight: int | None = None) -> None:
        from leadtui.services import guides

        selected = set(self.query_one("#stages", SelectionList).selected)
        stage_ids = [sid for sid in self.order if sid in selected]
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self._error("")
        try:
            await guides.set_sale_type_stages(backend.db, backend.actor, self.sale_type_id, stage_ids)
        except DomainError as exc:
            self._error(str(exc))
        self.load(highlight if highlight is not None else self._highlighted_stage())

    def action_move(self, step: int) -> None:
        stage_id = self._highlighted_stage()
        selected = set(self.query_one("#stages", SelectionList).selected)
        if stage_id is None or stage_id not in selected:
            self.notify(_("Only stages used by the sale type have an order; link it first (space)."), timeout=3)
            return
        linked = [sid for sid in self.order if sid in selected]
        index = linked.index(stage_id)
        target = max(0, min(len(linked) - 1, index + step))
        linked.insert(target, linked.pop(index))
        self.order = linked + [sid for sid in self.order if sid not in selected]
        self.save_stages(stage_id)

    @on(Checkbox.Changed, "#has_guide")
    @on(Checkbox.Changed, "#auto_advance")
    @on(Select.Changed, "#duration_unit")
    @on(Input.Submitted, "#duration")
    def _options_changed(self, event) -> None:  # noqa: ANN001
        event.stop()
        if self.guide is None:  # still loading: nothing the user did
            return
        if isinstance(event, Checkbox.Changed) and event.checkbox.id == "auto_advance":
            if event.value != self.guide.auto_advance:
                self.save_auto_advance(event.value)
        elif isinstance(event, Checkbox.Changed):
            if event.value != self.guide.has_guide:
                self.save_guide_switch(event.value)
        elif self._duration_differs():
            self.save_duration()

    def _duration_differs(self) -> bool:
        if self.guide is None:
            return False
        return (
            self.query_one("#duration", Input).value.strip() != str(self.guide.duration)
            or self.query_one("#duration_unit", Select).value != self.guide.duration_unit
        )

    @on(Input.Blurred, "#duration")
    def _duration_left(self) -> None:
        if self._duration_differs():
            self.save_duration()

    @work(exclusive=True, group="guide-save")
    async def save_guide_switch(self, on_: bool) -> None:
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self._error("")
        try:
            await guides.set_guide(backend.db, backend.actor, self.sale_type_id, on_)
        except DomainError as exc:
            self._error(str(exc))
        self.load()

    @work(exclusive=True, group="guide-save")
    async def save_auto_advance(self, on_: bool) -> None:
        """G6: completing every suggestion of a stage asks whether to move the sale on."""
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self._error("")
        try:
            await guides.set_sale_type_options(backend.db, backend.actor, self.sale_type_id, {"auto_advance": on_})
        except DomainError as exc:
            self._error(str(exc))
        self.load()

    @work(exclusive=True, group="guide-save")
    async def save_duration(self) -> None:
        from leadtui.services import guides

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        self._error("")
        data = {
            "duration": self.query_one("#duration", Input).value or "0",
            "duration_unit": self.query_one("#duration_unit", Select).value,
        }
        try:
            await guides.set_sale_type_options(backend.db, backend.actor, self.sale_type_id, data)
        except DomainError as exc:
            self._error(str(exc))
            return
        self.notify(_("Estimated time saved."), timeout=2)
        self.load()

    # ------------------------------------------------------------------ suggested follow-ups

    def _current_item(self):  # noqa: ANN202
        table = self.query_one("#items", DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_add_item(self) -> None:
        stage_id = self._highlighted_stage()
        if stage_id is None or self.guide is None or stage_id not in {s.id for s in self.guide.stages}:
            self.notify(_("Highlight a stage used by this sale type first."), severity="warning")
            return
        self._open_item(stage_id, None)

    def action_edit_item(self) -> None:
        item = self._current_item()
        if item is None:
            self.notify(_("Tab to the suggested follow-ups and highlight one."), timeout=3)
            return
        self._open_item(item.stage_id, item)

    @on(DataTable.RowSelected, "#items")
    def _item_selected(self) -> None:
        self.action_edit_item()

    def _open_item(self, stage_id: int, item) -> None:  # noqa: ANN001
        from leadtui.screens.guide_item_dialog import GuideItemDialog

        def done(result: object) -> None:
            if result is not None:
                self.load(stage_id)

        self.app.push_screen(GuideItemDialog(self.sale_type_id, stage_id, item), done)

    @work(group="action")
    async def action_delete_item(self) -> None:
        from leadtui.screens.dialogs import ConfirmDialog
        from leadtui.services import guides

        item = self._current_item()
        if item is None:
            return
        question = _("Delete the suggested follow-up '{name}'? Follow-ups already created from it stay.").format(
            name=item.name
        )
        if not await self.app.push_screen_wait(ConfirmDialog(_("Delete suggested follow-up"), question)):
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await guides.delete_guide_item(backend.db, backend.actor, item.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.load(item.stage_id)

    def action_close(self) -> None:
        self.dismiss(None)
