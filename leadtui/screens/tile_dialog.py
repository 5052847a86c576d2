"""Add a tile to My tiles (SPEC.md 4.7 "Edit dashboard tiles"): from a selection, or from criteria typed as
Find's criteria (prefilled with Find's current search), drawn as a big number, bars, a funnel or a list."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from leadtui.actions import bindings
from leadtui.i18n import _
from leadtui.screens.dialogs import FormDialog, buttons
from leadtui.services import find, selections, tiles
from leadtui.widgets.form import error_line, field_row

TARGETS = ("contact", "company", "sale")


class TileDialog(FormDialog):
    DEFAULT_CSS = """
    TileDialog > Vertical { width: 76; }
    TileDialog Label { margin-top: 1; }
    TileDialog RadioSet { width: 100%; }
    TileDialog #layout { layout: horizontal; }
    TileDialog .source-fields { height: auto; }
    """
    BINDINGS = bindings("tile_dialog")

    def __init__(
        self,
        items: list[selections.SelectionOut],
        *,
        target: str = "contact",
        criteria: list[find.Criterion] | None = None,
    ) -> None:
        super().__init__()
        self.items = items
        self.target = target if target in TARGETS else "contact"
        self.criteria = list(criteria or [])

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Add a tile to My tiles"), classes="section-title")
            yield from field_row(_("Title"), Input(id="title", placeholder=_("(the selection's name)")), stacked=True)
            yield Label(_("Counts"))
            with RadioSet(id="source"):
                yield RadioButton(_("A selection"), value=bool(self.items) and not self.criteria, id="source-selection")
                yield RadioButton(_("Criteria"), value=not self.items or bool(self.criteria), id="source-criteria")
            with Vertical(id="from-selection", classes="source-fields"):
                yield from field_row(
                    _("Selection"),
                    Select(
                        [(f"{item.name} · {item.kind_label} · {item.target_label}", item.id) for item in self.items],
                        prompt=_("(choose a selection)"),
                        id="selection_id",
                    ),
                    stacked=True,
                )
            with Vertical(id="from-criteria", classes="source-fields"):
                yield from field_row(
                    _("Of"),
                    Select(
                        [(find.target_label(target), target) for target in TARGETS],
                        value=self.target,
                        allow_blank=False,
                        id="target",
                    ),
                    stacked=True,
                )
                yield from field_row(
                    _("Criteria (as on the command line, separated by ;)"),
                    Input("; ".join(find.format_where(c) for c in self.criteria), id="criteria"),
                    stacked=True,
                )
            yield Label(_("Layout"))
            with RadioSet(id="layout"):
                for key in tiles.LAYOUTS:
                    yield RadioButton(_(tiles.LAYOUT_LABELS[key]), value=key == "number", id=f"layout-{key}")
            yield error_line("layout")
            yield from field_row(
                _("Bars and funnel count per"),
                Select(self._group_options(self.target), prompt=_("(the usual list)"), id="group_by"),
                stacked=True,
            )
            yield error_line("general")
            yield buttons(_("OK"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        self._show_source()

    @on(RadioSet.Changed, "#source")
    def _show_source(self) -> None:
        """Only the fields of the chosen source: the selection, or what the criteria find and the criteria."""
        selection = self._pressed("source", "criteria") == "selection"
        self.query_one("#from-selection").display = selection
        self.query_one("#from-criteria").display = not selection

    @staticmethod
    def _group_options(target: str) -> list[tuple[str, str]]:
        return [(f.label, f.key) for f in find.field_infos(target) if f.kind == "list"]

    @on(Select.Changed, "#target")
    def _target_changed(self, event: Select.Changed) -> None:
        group = self.query_one("#group_by", Select)
        group.set_options(self._group_options(str(event.value)))

    def error_field(self, exc: Exception) -> str | None:
        """A refusal of the selection, layout, grouping or title at its field; any other (a criterion's field,
        operator or value) under the criteria."""
        field = getattr(exc, "field", None)
        return field if field in ("title", "selection_id", "layout", "group_by", "target") else "criteria"

    def _pressed(self, radio: str, default: str) -> str:
        pressed = self.query_one(f"#{radio}", RadioSet).pressed_button
        return pressed.id.split("-", 1)[1] if pressed is not None and pressed.id else default

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.query_one("#title", Input).value,
            "layout": self._pressed("layout", "number"),
        }
        group = self.query_one("#group_by", Select).value
        data["group_by"] = "" if group == Select.BLANK else str(group)
        if self._pressed("source", "criteria") == "selection":
            chosen = self.query_one("#selection_id", Select).value
            data["selection_id"] = None if chosen == Select.BLANK else chosen
            data["need_selection"] = True
        else:
            data["target"] = str(self.query_one("#target", Select).value)
            data["criteria"] = self.query_one("#criteria", Input).value
        return data

    async def submit(self, values: dict[str, Any]) -> tiles.UserTileOut:
        from leadtui.services.errors import RuleViolation

        if values.pop("need_selection", False) and values.get("selection_id") is None:
            raise RuleViolation(_("Selection: choose one."), field="selection_id")
        text = values.get("criteria")
        if isinstance(text, str):
            values["criteria"] = [find.parse_where(part.strip()) for part in text.split(";") if part.strip()]
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        return await tiles.add_tile(backend.db, backend.actor, values)
