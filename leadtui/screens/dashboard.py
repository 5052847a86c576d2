"""The lead dashboard (SPEC.md 4.7): tiles counted in the database and two charts drawn in the terminal.

Tiles: leads per lead status, leads per lead category, new leads this week, the funnel (contacts that reached each
status in the period) and the average days in the current status. Every tile opens Find with the contacts it
counts (Enter). Keys: arrows / Tab move between tiles, Enter opens, r reloads, n / N next / previous period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from leadtui.actions import bindings, key_hint
from leadtui import navigation
from leadtui.i18n import _
from leadtui.i18n.format import format_date
from leadtui.services import dashboard as svc
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator


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


class DashboardScreen(Screen):
    DEFAULT_CSS = """
    DashboardScreen #dash { padding: 0 1; }
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
        self.out: svc.DashboardOut | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("dashboard")
        with VerticalScroll(id="dash"):
            yield Static(_("Lead dashboard · loading …"), id="dash-title", classes="section-title")
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
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        title = self.query_one("#dash-title", Static)
        title.update(_("Lead dashboard · loading …"))
        try:
            out = await svc.dashboard(backend.db, backend.actor, period=self.period)
        except DomainError as exc:
            title.update(Text(str(exc), style="bold red"))
            self.notify(str(exc), severity="error", title=_("Dashboard"))
            return
        self.out = out
        focused_key = self.focused.data.key if isinstance(self.focused, Tile) else None
        title.update(
            _("Lead dashboard · {today} · {reload} reloads · {open} opens a tile's contacts in Find").format(
                today=format_date(out.today),
                reload=key_hint(self.app, "dashboard.refresh"),
                open=key_hint(self.app, "dashboard_tile.open"),
            )
        )
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
        await self._tiles("#status-tiles", [Tile(tile) for tile in out.per_status])
        await self._tiles("#category-tiles", [Tile(tile) for tile in out.per_category])
        self.query_one("#week-title", Static).update(  # a weekly figure: its own heading, not among the totals
            _("New leads this week (since Monday {day})").format(day=format_date(out.week_start))
        )
        await self._tiles("#week-tiles", [Tile(out.new_this_week, classes="new-leads")])
        await self._tiles("#funnel-tiles", [Tile(tile) for tile in out.funnel])
        await self._tiles("#days-tiles", [Tile(tile) for tile in out.days_in_status])
        self._charts(out)
        tiles = list(self.query(Tile))
        again = next((tile for tile in tiles if tile.data.key == focused_key), None)
        if again is not None or tiles:
            (again or tiles[0]).focus()

    async def _tiles(self, selector: str, tiles: list[Tile]) -> None:
        grid = self.query_one(selector, Grid)
        await grid.remove_children()
        await grid.mount_all(tiles)
        self._lay_out(grid)

    def _lay_out(self, grid: Grid) -> None:
        """As many tiles a row (2 to 5) as leave room for the longest label whole (five a row cut
        'Gekwalificeerd' at 80 columns); the grid as high as its rows."""
        tiles = list(grid.query(Tile))
        width = self.query_one("#dash").scrollable_content_region.width or self.size.width
        longest = max((len(t.data.title) for t in tiles), default=10)
        per_row = max(2, min(5, (width + 1) // (longest + 5)))  # border and padding 4, gutter 1
        grid.styles.grid_size_columns = per_row
        grid.styles.height = max(1, (len(tiles) + per_row - 1) // per_row) * 4

    def on_resize(self) -> None:
        for grid in self.query(".tiles").results(Grid):
            self._lay_out(grid)
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

    def action_refresh(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def action_period(self, step: int) -> None:
        periods = list(svc.PERIODS)
        self.period = periods[(periods.index(self.period) + step) % len(periods)]
        self.notify(_("Funnel period: {period}").format(period=_(svc.PERIOD_LABELS[self.period])))
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
        ]

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Another session changed leads, companies or sales: the tiles and charts are counted again."""
        if self.out is not None and any(message.touches(k) for k in ("contact", "company", "sale", "lead_status")):
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
