"""`leadtui dashboard`: the lead tiles (as before), `dashboard show --set leads|sales|mine` (the tile sets of the
Dashboard section) and `dashboard tile add|list|remove|move` (the tiles of your own)."""

from __future__ import annotations

from typing import Any

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, cli, dump, print_json, run
from leadtui.i18n import _
from leadtui.i18n.format import format_date

WHERE_HELP = _("Criterion FIELD:OPERATOR:VALUE1,VALUE2 (repeat to AND several), as `leadtui find --where` takes it.")


@cli.group(
    "dashboard",
    invoke_without_command=True,
    help=_("The lead tiles: leads per status and category, new this week, funnel, days in status."),
)
@click.option(
    "--period",
    default="30d",
    show_default=True,
    help=_("Funnel period: 7d, 30d, 90d, 365d (last N days), quarter or year (this one so far)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_context
def dashboard_command(ctx: click.Context, period: str, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    opts: Options = ctx.obj
    from leadtui.services import dashboard as svc

    out = run(opts, lambda db, actor: svc.dashboard(db, actor, period=period))
    if as_json:
        print_json(dump(out))
        return
    click.echo(_("Leads per lead status:"))
    for tile in out.per_status:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo(_("Leads per category:"))
    for tile in out.per_category:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo(
        _("New leads this week (since {date}): {n}").format(date=format_date(out.week_start), n=out.new_this_week.text)
    )
    click.echo(
        _("Funnel, {period} ({start} – {end}), contacts that reached:").format(
            period=out.period_label.lower(), start=format_date(out.period_start), end=format_date(out.period_end)
        )
    )
    for tile in out.funnel:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo(_("Average days in the current lead status:"))
    for tile in out.days_in_status:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")


@dashboard_command.command("show", help=_("The tiles of a set (leads, sales or mine) with their figures."))
@click.option("--set", "set_name", default="leads", show_default=True, help=_("Tile set: leads, sales or mine."))
@click.option(
    "--period",
    default="30d",
    show_default=True,
    help=_("Period of the sales tiles' won and lost: 7d, 30d, 90d, 365d, quarter or year."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def dashboard_show(opts: Options, set_name: str, period: str, as_json: bool) -> None:
    from leadtui.services import tiles

    out = run(opts, lambda db, actor: tiles.tile_set(db, actor, set_name, period=period))
    if as_json:
        print_json(dump(out))
        return
    click.echo(f"{out.label} · {format_date(out.today)}")
    if not out.tiles:
        click.echo(_("No tiles of your own yet: add one with `leadtui dashboard tile add`."))
    for tile in out.tiles:
        head = f"[{tile.user_tile_id}] {tile.title}" if tile.user_tile_id is not None else tile.title
        click.echo("")
        click.echo(f"{head}: {tile.text}" + (f" ({tile.note})" if tile.note else ""))
        if tile.layout == "number":
            continue
        for row in tile.rows:
            figure = row.text + (f" · {row.extra}" if row.extra else "")
            click.echo(f"  {row.label[:40]:<40} {figure}")


@dashboard_command.group("tile", help=_("The tiles of your own dashboard (My tiles): add, list, remove, move."))
def tile_group() -> None:
    pass


def _print_tiles(items: list[Any], as_json: bool) -> None:
    if as_json:
        print_json(dump(items))
        return
    from leadtui.services import find, tiles

    rows = []
    for item in items:
        if item.source == "selection":
            counts = (
                _("selection '{name}'").format(name=item.selection_name)
                if item.selection_id is not None
                else _("a deleted selection")
            )
        else:
            counts = find.target_label(item.target) + (
                ": " + "; ".join(find.format_where(c) for c in item.criteria) if item.criteria else ""
            )
        layout = _(tiles.LAYOUT_LABELS.get(item.layout, item.layout))
        if item.group_by:
            layout += f" ({item.group_by})"
        rows.append([str(item.id), item.title, layout, counts])
    print_table([Column(_("Id"), 6), Column(_("Title"), 30), Column(_("Layout"), 22), Column(_("Counts"))], rows)


@tile_group.command("add", help=_("Add a tile: a selection (--selection) or criteria (--find TARGET --where ...)."))
@click.option("--selection", "selection_id", type=int, help=_("Id of the selection the tile counts."))
@click.option("--find", "target", help=_("What the criteria find: persons, companies or sales."))
@click.option("--where", multiple=True, help=WHERE_HELP)
@click.option(
    "--layout", default="number", show_default=True, help=_("How the tile is drawn: number, bar, funnel or list.")
)
@click.option("--group-by", default="", help=_("Bars and funnel: the list field they count per (e.g. lead_status)."))
@click.option("--title", default="", help=_("The tile's title (default: the selection's name or the criteria)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def tile_add(
    opts: Options,
    selection_id: int | None,
    target: str | None,
    where: tuple[str, ...],
    layout: str,
    group_by: str,
    title: str,
    as_json: bool,
) -> None:
    from leadtui.services import find, tiles
    from leadtui.services.errors import RuleViolation

    async def add(db: Any, actor: Any) -> Any:
        if (selection_id is None) == (target is None):
            raise RuleViolation(_("Tile: give either --selection or --find (not both)."), field="selection")
        if selection_id is not None and where:
            raise RuleViolation(_("--where: goes with --find, not with --selection."), field="where")
        data: dict[str, Any] = {"layout": layout, "group_by": group_by, "title": title}
        if selection_id is not None:
            data["selection_id"] = selection_id
        else:
            data["target"] = target
            data["criteria"] = [find.parse_where(text) for text in where]
        return await tiles.add_tile(db, actor, data)

    out = run(opts, add)
    if as_json:
        print_json(dump(out))
        return
    click.echo(_("Added tile {id}: {title}").format(id=out.id, title=out.title))


@tile_group.command("list", help=_("Your tiles in their order."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def tile_list(opts: Options, as_json: bool) -> None:
    from leadtui.services import tiles

    _print_tiles(run(opts, tiles.list_tiles), as_json)


@tile_group.command("remove", help=_("Remove one of your tiles (by its id, see `tile list`)."))
@click.argument("tile_id", type=int)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def tile_remove(opts: Options, tile_id: int, as_json: bool) -> None:
    from leadtui.services import tiles

    out = run(opts, lambda db, actor: tiles.remove_tile(db, actor, tile_id))
    if as_json:
        print_json(dump(out))
        return
    click.echo(_("Removed tile {id}: {title}").format(id=out.id, title=out.title))


@tile_group.command("move", help=_("Move one of your tiles --by N places (negative: earlier, e.g. --by -1)."))
@click.argument("tile_id", type=int)
@click.option("--by", "steps", type=int, default=1, show_default=True, help=_("Places to move (negative: earlier)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def tile_move(opts: Options, tile_id: int, steps: int, as_json: bool) -> None:
    from leadtui.services import tiles

    _print_tiles(run(opts, lambda db, actor: tiles.move_tile(db, actor, tile_id, steps)), as_json)
