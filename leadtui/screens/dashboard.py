"""The lead dashboard (SPEC.md 4.7): tiles counted in the database and two charts drawn in the terminal.

Three tile sets (v switches): Leads (leads per lead status, per lead category, new this week, the funnel of the
period, days in status, two charts, and the lead tiles of services/tiles.py: the qualification funnel, new leads by
campaign and source, big numbers, top-10 lists), Sales (pipeline, won, lost, forecast) and My tiles (the tiles the
user added: a adds, x removes, < / > move). Every tile and row opens what it counts (Enter): Find with its
criteria, the selection, or the record. Keys: arrows / Tab move between tiles, r reloads, n / N period.

A reload (r, a live update, a new period) updates the tiles in place: the same tiles coming back keep their
widgets (no remove and re-mount, no "loading" once figures were shown), and the number of tiles a row is computed
from the terminal's width alone, so the screen looks the same whatever the timing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from leadtui.actions import bindings, key_hint
from leadtui import navigation
from leadtui.i18n import _
from leadtui.i18n.format import format_date
from leadtui.services import dashboard as svc
from leadtui.services import selections as selections_svc
from leadtui.services import tiles as tiles_svc
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator
from leadtui.widgets.tile_box import TileBox, TileLine

BOX_WIDTH = 38  # a tile box's least width: two a row at 80 columns, three at 120


class Tile(Static, can_focus=True):
    """A number with its title; Enter opens the matching list in Find."""

    DEFAULT_CSS = """
    Tile { height: 4; border: round $panel; padding: 0 1; text-align: center; text-wrap: nowrap;
           text-overflow: ellipsis; }
    Tile:focus { border: round $accent; background: $boost; }
    """
    BINDINGS = bindings("dashboard_tile")

    class Opened(Message):
        def __init__(self, tile: "Tile") -> None:
            super().__init__()
            self.tile = tile

    def __init__(self, tile: svc.Tile, *, note: str = "", classes: str = "") -> None:
        super().__init__(self._text(tile, note), classes=classes)
        self.data = tile
        self.note = note

    def set_data(self, tile: svc.Tile) -> None:
        """New figures for the same tile (a reload): drawn again only when they changed."""
        if tile != self.data:
            self.data = tile
            self.update(self._text(tile, self.note))

    @staticmethod
    def _text(tile: svc.Tile, note: str) -> Text:
        text = Text(tile.text, style="bold")
        text.append("\n" + tile.title, style="")
        if note:
            text.append("\n" + note, style="dim")
        return text

    def action_open(self) -> None:
        self.post_message(self.Opened(self))

    def on_click(self) -> None:
        self.post_message(self.Opened(self))


class DashScroll(VerticalScroll):
    """The dashboard's scrolled part: when its size changes (the terminal, the navigator beside it), the tiles a
    row are computed again, so the final layout follows the final size whatever came first."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, DashboardScreen):
            screen.relayout()


class DashboardScreen(Screen):
    DEFAULT_CSS = """
    DashboardScreen #dash { padding: 0 1; scrollbar-gutter: stable; }
    DashboardScreen .tile-set { height: auto; }
    DashboardScreen .boxes { layout: grid; grid-size: 2; grid-gutter: 0 1; grid-rows: auto; height: auto; }
    DashboardScreen #set-bar { height: 1; }
    DashboardScreen .tiles { grid-size: 5; grid-gutter: 0 1; height: auto; grid-rows: 4; }
    DashboardScreen #charts { height: 16; }
    DashboardScreen #chart-titles { height: auto; }
    DashboardScreen #chart-titles Static { width: 1fr; text-align: center; text-style: bold; }
    DashboardScreen PlotextPlot { width: 1fr; height: 100%; }
    """
    BINDINGS = bindings("dashboard")

    def __init__(self) -> None:
        super().__init__(name="dashboard")
        self.period = "30d"
        self.set = "leads"
        self.out: svc.DashboardOut | None = None
        self.sets: dict[str, tiles_svc.TileSetOut] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("dashboard")
        with DashScroll(id="dash"):
            yield Static(_("Lead dashboard · loading …"), id="dash-title", classes="section-title")
            yield Static(self._set_bar(), id="set-bar")
            with Vertical(id="set-leads", classes="tile-set"):
                yield from self._lead_sections()
            with Vertical(id="set-sales", classes="tile-set"):
                yield Grid(id="sales-boxes", classes="boxes")
            with Vertical(id="set-mine", classes="tile-set"):
                yield Static("", id="mine-hint", classes="hint")
                yield Grid(id="mine-boxes", classes="boxes")
        yield Footer()

    def _lead_sections(self) -> ComposeResult:
        yield Static(_("Leads per lead status"), classes="group-title hint")
        yield Grid(id="status-tiles", classes="tiles")
        yield Static(_("Leads per category (Potential customer)"), classes="group-title hint")
        yield Grid(id="category-tiles", classes="tiles")
        yield Static("", id="week-title", classes="group-title hint")
        yield Grid(id="week-tiles", classes="tiles")
        yield Static("", id="funnel-title", classes="group-title hint")
        yield Grid(id="funnel-tiles", classes="tiles")
        yield Static(_("Average days in the current lead status"), classes="group-title hint")
        yield Grid(id="days-tiles", classes="tiles")
        with Horizontal(id="chart-titles"):  # above the charts: plotext drops a title wider than its plot
            yield Static("", id="status-chart-title")
            yield Static("", id="funnel-chart-title")
        with Horizontal(id="charts"):
            yield PlotextPlot(id="status-chart")
            yield PlotextPlot(id="funnel-chart")
        yield Static(_("Lead sources and top lists"), classes="group-title hint")
        yield Grid(id="leads-boxes", classes="boxes")

    def on_mount(self) -> None:
        self._show_set()
        self.load()

    def _set_bar(self) -> Text:
        text = Text()
        for name in tiles_svc.SETS:
            label = _(tiles_svc.SET_LABELS[name])
            text.append(f" {label} ", style="reverse bold" if name == self.set else "dim")
            text.append(" ")
        text.append(_("{key}: next set").format(key=key_hint(self.app, "dashboard.next_set")), style="dim")
        return text

    def _show_set(self) -> None:
        for name in tiles_svc.SETS:
            self.query_one(f"#set-{name}").display = name == self.set
        self.query_one("#set-bar", Static).update(self._set_bar())

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        """Count the tiles of the set in front and show them in place (the title says "loading" only before the
        first figures)."""
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        title = self.query_one("#dash-title", Static)
        name = self.set
        try:
            out = await svc.dashboard(backend.db, backend.actor, period=self.period) if name == "leads" else None
            tile_set = await tiles_svc.tile_set(backend.db, backend.actor, name, period=self.period)
        except DomainError as exc:
            title.update(Text(str(exc), style="bold red"))
            self.notify(str(exc), severity="error", title=_("Dashboard"))
            return
        if name != self.set:  # switched meanwhile: the other set's load shows
            return
        focused = self._focus_key()
        self.sets[name] = tile_set
        if out is not None:
            self.out = out
            await self._show_leads(out)
        await self._boxes(f"#{name}-boxes", tile_set.tiles)
        self._title(tile_set)
        if name == "mine":
            self.query_one("#mine-hint", Static).update(
                _(
                    "Your own tiles · {add} adds one (from a selection or criteria) · {remove} removes · {move} move"
                ).format(
                    add=key_hint(self.app, "dashboard.add_tile"),
                    remove=key_hint(self.app, "dashboard.remove_tile"),
                    move=key_hint(self.app, "dashboard.tile_earlier")
                    + " "
                    + key_hint(self.app, "dashboard.tile_later"),
                )
                if tile_set.tiles
                else _("No tiles of your own yet: {add} adds one, from a selection or from criteria.").format(
                    add=key_hint(self.app, "dashboard.add_tile")
                )
            )
        self._refocus(focused)
        self.refresh_bindings()

    def _title(self, tile_set: tiles_svc.TileSetOut) -> None:
        title = self.query_one("#dash-title", Static)
        if tile_set.set == "leads":
            title.update(
                _("Lead dashboard · {today} · {reload} reloads · {open} opens a tile's contacts in Find").format(
                    today=format_date(tile_set.today),
                    reload=key_hint(self.app, "dashboard.refresh"),
                    open=key_hint(self.app, "dashboard_tile.open"),
                )
            )
        elif tile_set.set == "sales":
            title.update(
                _(
                    "Sales dashboard · {today} · won and lost: {period} ({start} – {end}) · {next} / {previous}: period"
                ).format(
                    today=format_date(tile_set.today),
                    period=tile_set.period_label,
                    start=format_date(tile_set.period_start),
                    end=format_date(tile_set.period_end),
                    next=key_hint(self.app, "dashboard.next_period"),
                    previous=key_hint(self.app, "dashboard.previous_period"),
                )
            )
        else:
            title.update(
                _("My tiles · {today} · {open} opens what a tile counts").format(
                    today=format_date(tile_set.today), open=key_hint(self.app, "dashboard_tile.open")
                )
            )

    async def _show_leads(self, out: svc.DashboardOut) -> None:
        self.query_one("#funnel-title", Static).update(
            _(
                "Funnel: contacts that reached each status · {period} ({start} – {end}) · {next} / {previous}: period"
            ).format(
                period=out.period_label,
                start=format_date(out.period_start),
                end=format_date(out.period_end),
                next=key_hint(self.app, "dashboard.next_period"),
                previous=key_hint(self.app, "dashboard.previous_period"),
            )
        )
        await self._tiles("#status-tiles", out.per_status)
        await self._tiles("#category-tiles", out.per_category)
        self.query_one("#week-title", Static).update(  # a weekly figure: its own heading, not among the totals
            _("New leads this week (since Monday {day})").format(day=format_date(out.week_start))
        )
        await self._tiles("#week-tiles", [out.new_this_week], classes="new-leads")
        await self._tiles("#funnel-tiles", out.funnel)
        await self._tiles("#days-tiles", out.days_in_status)
        self._charts(out)

    def _focus_key(self) -> tuple[str, str] | None:
        """What has the focus, by keys that survive a reload: (tile, row) or ("tile", tile key)."""
        focused = self.focused
        if isinstance(focused, Tile):
            return ("tile", focused.data.key)
        if isinstance(focused, TileLine) and focused.box is not None:
            return (focused.box.data.key, focused.row.key)
        return None

    def _refocus(self, key: tuple[str, str] | None) -> None:
        """Keep the focus on the same tile after a reload; else the first tile of the set in front."""
        current = self.focused
        if current is not None and current.is_attached and current.display and self._in_set(current):
            return
        target: Widget | None = None
        if key is not None and key[0] == "tile":
            target = next((t for t in self.query(Tile) if t.data.key == key[1]), None)
        elif key is not None:
            boxes = [b for b in self.query(TileBox) if b.data.key == key[0]]
            if boxes:
                lines = list(boxes[0].query(TileLine))
                target = next((line for line in lines if line.row.key == key[1]), lines[0] if lines else None)
        if target is None or not self._in_set(target):
            target = self._first_in_set()
        if target is not None:
            target.focus()

    def _in_set(self, widget: Widget) -> bool:
        holder = self.query_one(f"#set-{self.set}")
        return holder in widget.ancestors

    def _first_in_set(self) -> Widget | None:
        holder = self.query_one(f"#set-{self.set}")
        found = [w for w in holder.query("Tile, TileLine") if w.focusable]
        return found[0] if found else None

    async def _tiles(self, selector: str, data: list[svc.Tile], classes: str = "") -> None:
        """The tiles of a grid: updated in place when the same tiles come back, else replaced."""
        grid = self.query_one(selector, Grid)
        shown = list(grid.query(Tile))
        if [tile.data.key for tile in shown] == [tile.key for tile in data]:
            for widget, tile in zip(shown, data, strict=True):
                widget.set_data(tile)
        else:
            with self.app.batch_update():
                await grid.remove_children()
                await grid.mount_all([Tile(tile, classes=classes) for tile in data])
        self._lay_out(grid)

    async def _boxes(self, selector: str, data: list[tiles_svc.TileOut]) -> None:
        """The tile boxes of a set: updated in place when the same tiles come back, else replaced."""
        grid = self.query_one(selector, Grid)
        shown = list(grid.query(TileBox))
        if [box.data.key for box in shown] == [tile.key for tile in data]:
            for box, tile in zip(shown, data, strict=True):
                await box.update_data(tile)
        else:
            with self.app.batch_update():
                await grid.remove_children()
                await grid.mount_all([TileBox(tile) for tile in data])
        self._lay_out_boxes(grid)

    def _width(self) -> int:
        """The width the tiles share: the scrolled part's, whose scrollbar is always reserved (so a longer page
        does not change it); before the first layout an estimate, corrected by the resize that follows."""
        width = self.query_one("#dash").scrollable_content_region.width
        return max(20, width if width > 0 else self.app.size.width - 4)

    def _lay_out(self, grid: Grid) -> None:
        """As many tiles a row (2 to 5) as leave room for the longest label whole (five a row cut
        'Gekwalificeerd' at 80 columns); the grid as high as its rows."""
        tiles = list(grid.query(Tile))
        width = self._width()
        longest = max((len(t.data.title) for t in tiles), default=10)
        per_row = max(2, min(5, (width + 1) // (longest + 5)))  # border and padding 4, gutter 1
        # a label longer than two a row leave room for ('Marketinggekwalificeerde lead (MQL)' at 80 columns) wraps
        # to a second line: those tiles a line higher, not cut
        tall = longest > (width + 1) // per_row - 5
        for tile in tiles:
            tile.styles.height = 5 if tall else 4
            tile.styles.text_wrap = "wrap" if tall else "nowrap"
        grid.styles.grid_size_columns = per_row
        grid.styles.grid_rows = "5" if tall else "4"
        grid.styles.height = max(1, (len(tiles) + per_row - 1) // per_row) * (5 if tall else 4)

    def _lay_out_boxes(self, grid: Grid) -> None:
        grid.styles.grid_size_columns = max(1, min(3, (self._width() + 1) // (BOX_WIDTH + 1)))

    def on_resize(self) -> None:
        self.relayout()

    def relayout(self) -> None:
        for grid in self.query(".tiles").results(Grid):
            self._lay_out(grid)
        for grid in self.query(".boxes").results(Grid):
            self._lay_out_boxes(grid)
        if self.out is not None:
            self._charts(self.out)

    def _charts(self, out: svc.DashboardOut) -> None:
        status = self.query_one("#status-chart", PlotextPlot)
        plt = status.plt
        plt.clear_figure()
        self.query_one("#status-chart-title", Static).update(_("Leads per lead status"))
        if out.per_status:  # bars lying down: each status's name whole at the left, not cut under a narrow bar
            values = [t.value for t in reversed(out.per_status)]
            labels = [_short(t.title, _label_width(status)) for t in reversed(out.per_status)]
            plt.bar(labels, values, orientation="horizontal")
            plt.xticks(whole_ticks(max(values)))
        status.refresh()
        funnel = self.query_one("#funnel-chart", PlotextPlot)
        plt = funnel.plt
        plt.clear_figure()
        self.query_one("#funnel-chart-title", Static).update(
            _("Funnel: reached in {period}").format(period=out.period_label.lower())
        )
        if out.funnel:
            plt.bar(
                [_short(t.title, _label_width(funnel)) for t in reversed(out.funnel)],
                [t.value for t in reversed(out.funnel)],
                orientation="horizontal",
            )
            plt.xticks(whole_ticks(max(t.value for t in out.funnel)))
        funnel.refresh()

    @on(Tile.Opened)
    def _open(self, event: Tile.Opened) -> None:
        self.app.run_worker(self._to_find(event.tile.data), group="navigate")

    async def _to_find(self, tile: svc.Tile) -> None:
        group = {
            "status": _("Leads per lead status"),
            "category": _("Leads per category"),
            "funnel": _("Funnel"),
            "days": _("Days in status"),
        }.get(tile.key.split(":")[0], "")
        note = f"{group}: {tile.title}" if group else tile.title
        screen = await navigation.to_section(self.app, "find")
        if screen is not None:
            screen.open_with(tile.target, tile.criteria, note=_("dashboard tile '{title}'").format(title=note))

    @on(TileLine.Opened)
    def _open_line(self, event: TileLine.Opened) -> None:
        box = event.line.box
        self.app.run_worker(self._open_row(event.line.row, box.data if box else None), group="navigate")

    async def _open_row(self, row: tiles_svc.TileRow, tile: tiles_svc.TileOut | None) -> None:
        """A list row opens its record; a selection's tile the selection; any other row Find with its criteria."""
        if row.record_id is not None:
            self.post_message(navigation.OpenRecord(row.target, row.record_id))
            return
        if row.selection_id is not None:
            from leadtui.screens.selections import SelectionsScreen

            screen = SelectionsScreen(target=row.target)
            await self.app.push_screen(screen)
            screen.load(select_id=row.selection_id)
            return
        title = tile.title if tile is not None else row.label
        note = title if tile is None or row.label == title else f"{title}: {row.label}"
        screen = await navigation.to_section(self.app, "find")
        if screen is not None:
            screen.open_with(row.target, row.criteria, note=_("dashboard tile '{title}'").format(title=note))

    # ------------------------------------------------------------------ sets and the user's tiles

    def action_tile_set(self, step: int) -> None:
        names = list(tiles_svc.SETS)
        self.set = names[(names.index(self.set) + step) % len(names)]
        self._show_set()
        shown = self.sets.get(self.set)
        if shown is not None:
            self._title(shown)
        self._refocus(None)
        self.refresh_bindings()
        self.load()

    def _user_box(self) -> TileBox | None:
        focused = self.focused
        if isinstance(focused, TileLine) and focused.box is not None and focused.box.data.user_tile_id is not None:
            return focused.box
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Remove and move are offered on a tile of the user's own (My tiles)."""
        if action in ("remove_tile", "move_tile"):
            return self._user_box() is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_add_tile(self) -> None:
        self.run_worker(self._add_tile(), group="action")

    async def _add_tile(self) -> None:
        from leadtui.screens.tile_dialog import TileDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            items = await selections_svc.list_selections(backend.db, backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        target, criteria = self._find_search()
        added = await self.app.push_screen_wait(TileDialog(items, target=target, criteria=criteria))
        if added is None:
            return
        self.notify(_("Tile '{title}' added to My tiles.").format(title=added.title))
        if self.set != "mine":
            self.set = "mine"
            self._show_set()
        self.load()

    def _find_search(self) -> tuple[str, list]:
        """Find's current target and criteria (the dialog's starting point), when Find was opened."""
        try:
            stack = self.app._screen_stacks.get("find") or []  # noqa: SLF001
        except AttributeError:
            return "contact", []
        for screen in stack:
            if getattr(screen, "criteria", None) is not None and hasattr(screen, "open_with"):
                return str(getattr(screen, "target", "contact")), list(getattr(screen, "criteria", []))
        return "contact", []

    def action_remove_tile(self) -> None:
        box = self._user_box()
        if box is not None and box.data.user_tile_id is not None:
            self.run_worker(self._remove(box.data.user_tile_id), group="action")

    async def _remove(self, tile_id: int) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            removed = await tiles_svc.remove_tile(backend.db, backend.actor, tile_id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Tile '{title}' removed.").format(title=removed.title))
        self.load()

    def action_move_tile(self, step: int) -> None:
        box = self._user_box()
        if box is not None and box.data.user_tile_id is not None:
            self.run_worker(self._move(box.data.user_tile_id, step), group="action")

    async def _move(self, tile_id: int, step: int) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            await tiles_svc.move_tile(backend.db, backend.actor, tile_id, step)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def action_period(self, step: int) -> None:
        periods = list(svc.PERIODS)
        self.period = periods[(periods.index(self.period) + step) % len(periods)]
        self.notify(_("Period: {period}").format(period=_(svc.PERIOD_LABELS[self.period])))
        self.load()

    def palette_commands(self) -> list[tuple[str, str, Callable]]:
        """One entry per tile (the rest of the Dashboard's entries come from the action table)."""
        return [
            (
                _("Dashboard: Open '{title}'").format(title=tile.data.title),
                _("The contacts this tile counts, in Find"),
                tile.action_open,
            )
            for tile in self.query(Tile)
        ] + [
            (
                _("Dashboard: Open '{title}'").format(title=box.data.title),
                _("What this tile counts"),
                box.query(TileLine).first().action_open,
            )
            for box in self.query(TileBox)
            if box.query(TileLine)
        ]

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Another session changed leads, companies or sales: the tiles and charts are counted again."""
        kinds = ("contact", "company", "sale", "lead_status", "selection", "sale_stage")
        if self.sets and any(message.touches(k) for k in kinds):
            self.load()


def whole_ticks(top: float, most: int = 5) -> list[float]:
    """Ticks for an axis of counts: whole numbers from 0 to at least `top`, at most `most` + 1 of them (plotext
    chose 1.33 and 2.67 on an axis of 4 leads)."""
    top = max(1, int(-(-top // 1)))
    step = max(1, -(-top // most))
    return cast("list[float]", list(range(0, top + step, step)))  # ints: plotext writes them without a fraction


def _label_width(plot: PlotextPlot) -> int:
    """A bar's label: up to a third of the chart's width (12 to 24 characters)."""
    return max(12, min(24, plot.size.width // 3))


def _short(text: str, width: int = 12) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
