"""`leadtui find`, `leadtui selection ...`, `leadtui board ...`, `leadtui dashboard`: the command-line twins of
the Find screen, the selections, the board and the lead dashboard."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, cli, dump, print_json, run

TARGET_CHOICE = click.Choice(["persons", "person", "contacts", "companies", "company", "sales", "sale"],
                             case_sensitive=False)
BOARD_TARGETS = click.Choice(["persons", "person", "contacts", "sales", "sale"], case_sensitive=False)
WHERE_HELP = ("Criterion FIELD:OPERATOR:VALUE1,VALUE2 (repeat to AND several). Operators: one_of, not_one_of, eq, "
              "ne, contains, starts_with, gt, lt, empty, not_empty. A comma inside a value is written \\,.")
COLUMN_WIDTH = 32


def _criteria(where: tuple[str, ...]) -> list[Any]:
    from leadtui.services import find

    return [find.parse_where(text) for text in where]


def _columns(columns: str | None) -> list[str] | None:
    if columns is None:
        return None
    keys = [c.strip() for c in columns.split(",") if c.strip()]
    return keys or None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class _Table:
    """Rows printed as they come, aligned on the widths of the header (capped), never held all at once."""

    def __init__(self, headers: list[str]) -> None:
        self.widths = [min(max(len(h), 4), COLUMN_WIDTH) for h in headers]
        self.widths[0] = max(self.widths[0], 7)
        self.widths[1:] = [max(w, 16) for w in self.widths[1:]]
        self.line(headers)

    def line(self, cells: list[str]) -> None:
        out = []
        for cell, width in zip(cells, self.widths):
            text = cell if len(cell) <= width else cell[: width - 1] + "…"
            out.append(text.ljust(width))
        click.echo("  ".join(out).rstrip())


async def _print_rows(db: Any, actor: Any, target: str, criteria: list[Any], *, columns: list[str] | None,
                      sort: str | None, descending: bool, limit: int | None, as_json: bool, as_csv: bool,
                      selection_id: int | None = None) -> int:
    """Print the matches as a table, JSON (the FindPage) or CSV with a header row; returns how many."""
    from leadtui.services import find

    if as_json or sort or limit is not None:
        page = await find.find(db, actor, target, criteria, columns=columns, limit=limit, sort=sort,
                               descending=descending, selection_id=selection_id)
        if as_json:
            try:
                print_json(dump(page))
            except BrokenPipeError:
                _quiet_stdout()
            return len(page.rows)
        rows: Any = page.rows
        header = page.columns
    else:
        header = await find.columns_of(target, columns)
        await find.validate(db, actor, target, criteria)  # refuse bad criteria before the header is printed
        rows = find.iter_rows(db, actor, target, criteria, columns=columns, selection_id=selection_id)
    keys = [c.key for c in header]
    try:
        return await _write(rows, keys, header, as_csv)
    except BrokenPipeError:  # `| head`: the reader has gone; stop quietly
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


async def _write(rows: Any, keys: list[str], header: list[Any], as_csv: bool) -> int:
    import csv

    written = 0
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", *keys])
        line = lambda row: writer.writerow([row["id"], *[_cell(row[k]) for k in keys]])  # noqa: E731
    else:
        table = _Table(["id", *[c.label for c in header]])
        line = lambda row: table.line([str(row["id"]), *[_cell(row[k]) for k in keys]])  # noqa: E731
    if isinstance(rows, list):
        for row in rows:
            line(row)
            written += 1
    else:
        async for row in rows:
            line(row)
            written += 1
    return written


@cli.command("find")
@click.argument("target", type=TARGET_CHOICE)
@click.option("--where", "where", multiple=True, metavar="F:OP:V1,V2", help=WHERE_HELP)
@click.option("--columns", metavar="A,B,C", help="Columns to show (field keys); see --fields.")
@click.option("--sort", metavar="FIELD", help="Sort by this field (default: by id).")
@click.option("--desc", "descending", is_flag=True, help="Sort descending.")
@click.option("--limit", type=click.IntRange(1, 1_000_000), help="At most N matches (default: every match).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("--count", "only_count", is_flag=True, help="Print only how many match.")
@click.option("--fields", "list_fields", is_flag=True, help="List the fields and their operators, then stop.")
@click.pass_obj
def find_command(opts: Options, target: str, where: tuple[str, ...], columns: str | None, sort: str | None,
                 descending: bool, limit: int | None, as_json: bool, as_csv: bool, only_count: bool,
                 list_fields: bool) -> None:
    """Find contacts (persons), companies or sales by criteria; prints every match unless --limit."""
    from leadtui.services import find

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    if list_fields:
        fields = find.field_infos(target)
        if as_json:
            print_json(dump(fields))
        else:
            for f in fields:
                click.echo(f"{f.key:<22} {f.kind:<6} {f.label:<30} {', '.join(f.operators)}")
        return

    async def go(db, actor):  # noqa: ANN001, ANN202
        criteria = _criteria(where)
        if only_count:
            n = await find.count(db, actor, target, criteria)
            if as_json:
                print_json({"target": find.normalise_target(target), "count": n})
            else:
                click.echo(str(n))
            return
        await _print_rows(db, actor, target, criteria, columns=_columns(columns), sort=sort, descending=descending,
                          limit=limit, as_json=as_json, as_csv=as_csv)

    run(opts, go)


# --------------------------------------------------------------------------- selections


@cli.group()
def selection() -> None:
    """Selections: saved searches (dynamic) or kept lists of members (static)."""


def _ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _print_selection(out: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(out))
        return
    if verb:
        click.echo(f"{verb} selection {out.id}: {out.name} ({out.kind_label.lower()}, {out.target_label.lower()})")
        return
    count = "" if out.member_count is None else f", {out.member_count} members"
    click.echo(f"{out.id}  {out.name}  [{out.kind}, {out.target}{count}, owner {out.owner or '-'}, "
               f"visible for {out.visible_for}]")


@selection.command("create")
@click.argument("name")
@click.option("--target", required=True, type=TARGET_CHOICE, help="What the selection is of.")
@click.option("--where", "where", multiple=True, metavar="F:OP:V1,V2", help=WHERE_HELP)
@click.option("--ids", "ids", multiple=True, metavar="1,2,3", help="Members of a static selection.")
@click.option("--dynamic", "kind", flag_value="dynamic", help="Keep the criteria; run them on every view (default "
                                                              "with --where).")
@click.option("--static", "kind", flag_value="static", help="Keep the members (those matching now, or --ids).")
@click.option("--description", default="", help="Description.")
@click.option("--visible", "visible_for", type=click.Choice(["all", "group", "private"]), default="all",
              help="Who sees it: everyone, your user group, only you.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_create(opts: Options, name: str, target: str, where: tuple[str, ...], ids: tuple[str, ...],
                     kind: str | None, description: str, visible_for: str, as_json: bool) -> None:
    """Save a search as a dynamic selection, or a list of members as a static one."""
    from leadtui.services import selections

    if ids and where:
        raise click.UsageError("give --where (criteria) or --ids (members), not both")
    if ids and kind == "dynamic":
        raise click.UsageError("--ids makes a static selection; a dynamic one keeps criteria (--where)")
    chosen = kind or ("static" if ids else "dynamic")
    data: dict[str, Any] = {"name": name, "target": target, "kind": chosen, "criteria": [c.model_dump() for c in
                                                                                         _criteria(where)],
                            "description": description, "visible_for": visible_for}
    if ids:
        data["ids"] = _ids(ids)

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.create_selection(db, actor, data)
        out.member_count = await selections.member_count(db, actor, out.id)
        return out

    out = run(opts, go)
    if as_json:
        print_json(dump(out))
    else:
        click.echo(f"Created selection {out.id}: {out.name} ({out.kind}, {out.target}, {out.member_count} members)")


@selection.command("list")
@click.option("--target", type=TARGET_CHOICE, help="Only selections of contacts, companies or sales.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_list(opts: Options, target: str | None, as_json: bool) -> None:
    """Your selections and those others share with you."""
    from leadtui.services import selections

    items = run(opts, lambda db, actor: selections.list_selections(db, actor, target=target))
    if as_json:
        print_json(dump(items))
        return
    for out in items:
        _print_selection(out, False)


@selection.command("show")
@click.argument("selection_id", type=int)
@click.option("--columns", metavar="A,B,C", help="Columns of the member list (field keys).")
@click.option("--limit", type=click.IntRange(1, 1_000_000), help="At most N members (default: all).")
@click.option("--json", "as_json", is_flag=True, help="The selection and its members as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="The members as CSV with a header row.")
@click.pass_obj
def selection_show(opts: Options, selection_id: int, columns: str | None, limit: int | None, as_json: bool,
                   as_csv: bool) -> None:
    """A selection's details, criteria and members (dynamic: its criteria run now)."""
    from leadtui.services import find, selections

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.get_selection(db, actor, selection_id, with_count=True)
        if as_csv:
            target, criteria, members_of = await selections.scope(db, actor, selection_id)
            await _print_rows(db, actor, target, criteria, columns=_columns(columns), sort=None, descending=False,
                              limit=limit, as_json=False, as_csv=True, selection_id=members_of)
            return
        if as_json:
            page = await selections.members(db, actor, selection_id, columns=_columns(columns), limit=limit)
            print_json({**dump(out), "members": dump(page)})
            return
        _print_selection(out, False)
        if out.description:
            click.echo(f"  {out.description}")
        described = await find.describe(db, out.target, out.criteria)
        if described:
            label = "criteria" if out.kind == "dynamic" else "made from criteria"
            click.echo(f"  {label}: " + "; ".join(described))
        target, criteria, members_of = await selections.scope(db, actor, selection_id)
        await _print_rows(db, actor, target, criteria, columns=_columns(columns), sort=None, descending=False,
                          limit=limit, as_json=False, as_csv=False, selection_id=members_of)

    run(opts, go)


@selection.command("rename")
@click.argument("selection_id", type=int)
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_rename(opts: Options, selection_id: int, name: str, as_json: bool) -> None:
    """Give a selection another name."""
    from leadtui.services import selections

    out = run(opts, lambda db, actor: selections.rename_selection(db, actor, selection_id, name))
    _print_selection(out, as_json, "Renamed")


@selection.command("delete")
@click.argument("selection_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def selection_delete(opts: Options, selection_id: int, yes: bool) -> None:
    """Delete a selection (its members stay as records; only the list goes)."""
    from leadtui.services import selections

    if not yes:
        out = run(opts, lambda db, actor: selections.get_selection(db, actor, selection_id))
        if not sys.stdin.isatty():
            click.echo(f"leadtui: deleting selection '{out.name}' needs confirmation; add --yes", err=True)
            sys.exit(exit_codes.USAGE)
        click.confirm(f"Delete selection {out.id} '{out.name}'?", abort=True)
    out = run(opts, lambda db, actor: selections.delete_selection(db, actor, selection_id))
    click.echo(f"Deleted selection {out.id}: {out.name}")


def _print_change(change: Any, verb: str) -> None:
    text = f"{verb} {change.changed}"
    if change.unchanged:
        text += f", {change.unchanged} unchanged"
    if change.missing:
        text += f"; not found: {', '.join(map(str, change.missing[:20]))}"
    click.echo(f"{text}; the selection has {change.member_count} members")


@selection.command("add")
@click.argument("selection_id", type=int)
@click.argument("entity_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_add(opts: Options, selection_id: int, entity_ids: tuple[str, ...], as_json: bool) -> None:
    """Add records (ids, comma- or space-separated) to a static selection."""
    from leadtui.services import selections

    change = run(opts, lambda db, actor: selections.add_members(db, actor, selection_id, _ids(entity_ids)))
    if as_json:
        print_json(dump(change))
    else:
        _print_change(change, "Added")


@selection.command("remove")
@click.argument("selection_id", type=int)
@click.argument("entity_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_remove(opts: Options, selection_id: int, entity_ids: tuple[str, ...], as_json: bool) -> None:
    """Remove records (ids) from a static selection."""
    from leadtui.services import selections

    change = run(opts, lambda db, actor: selections.remove_members(db, actor, selection_id, _ids(entity_ids)))
    if as_json:
        print_json(dump(change))
    else:
        _print_change(change, "Removed")


@selection.command("static")
@click.argument("selection_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def selection_static(opts: Options, selection_id: int, as_json: bool) -> None:
    """Make a dynamic selection static: its current members are kept from now on."""
    from leadtui.services import selections

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.make_static(db, actor, selection_id)
        out.member_count = await selections.member_count(db, actor, selection_id)
        return out

    out = run(opts, go)
    if as_json:
        print_json(dump(out))
    else:
        click.echo(f"Selection {out.id} '{out.name}' is static now, with {out.member_count} members")


@selection.command("dynamic")
@click.argument("selection_id", type=int)
@click.pass_obj
def selection_dynamic(opts: Options, selection_id: int) -> None:
    """(Refused: a static selection never becomes dynamic.)"""
    from leadtui.services import selections

    run(opts, lambda db, actor: selections.make_dynamic(db, actor, selection_id))


# --------------------------------------------------------------------------- board


@cli.group()
def board() -> None:
    """The board: contacts by lead status or sales by stage, with counts and sums per column."""


def _money(value: Any) -> str:
    from leadtui.services.money import format_money

    return format_money(value)


@board.command("show")
@click.option("--selection", "selection_id", type=int, help="The board of this selection.")
@click.option("--target", type=BOARD_TARGETS, help="All contacts (persons) or all sales.")
@click.option("--where", "where", multiple=True, metavar="F:OP:V1,V2", help="Narrow the board: " + WHERE_HELP)
@click.option("--cards", type=click.IntRange(0, 500), default=0, help="Also list the first N cards of each column.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def board_show(opts: Options, selection_id: int | None, target: str | None, where: tuple[str, ...], cards: int,
               as_json: bool) -> None:
    """The columns of a board with their counts (sales: amount and weighted amount)."""
    from leadtui.services import board as svc

    if selection_id is None and target is None:
        raise click.UsageError("give --selection ID or --target persons|sales")
    out = run(opts, lambda db, actor: svc.open_board(db, actor, target=target, selection_id=selection_id,
                                                     criteria=_criteria(where), page=max(cards, 1)))
    if not cards:
        out.pages = {}
    if as_json:
        print_json(dump(out))
        return
    click.echo(f"Board: {out.source} ({out.total})")
    for column in out.columns:
        extra = ""
        if column.amount is not None:
            extra = f"  amount {_money(column.amount)}  weighted {_money(column.weighted)}"
        flag = " (deleted)" if column.deleted else ""
        click.echo(f"{column.number:>2}  {column.name}{flag}: {column.count}{extra}")
        if cards:
            for card in out.pages.get(column.key, svc.CardPage(column=column.key, cards=[], more=False)).cards:
                days = f" · {card.days} d" if card.days is not None else ""
                click.echo(f"      #{card.id} {card.title} · {card.subtitle}{days}")


@board.command("move")
@click.option("--target", required=True, type=BOARD_TARGETS, help="Contacts (persons) or sales.")
@click.argument("ids")
@click.argument("column")
@click.option("--reason", help="Reason (sold) / Reason (lost) when moving sales to Sold or Lost.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def board_move(opts: Options, target: str, ids: str, column: str, reason: str | None, as_json: bool) -> None:
    """Move cards (ids, comma-separated) to a column: a lead status, or a stage, Sold or Lost."""
    from leadtui.services import board as svc

    try:
        cards = [int(part) for part in ids.split(",") if part.strip()]
    except ValueError:
        raise click.UsageError(f"'{ids}' is not a list of ids (e.g. 12 or 12,13)") from None
    out = run(opts, lambda db, actor: svc.move_cards(db, actor, target, cards, column, reason=reason))
    if as_json:
        print_json(dump(out))
    elif out.moved or out.unchanged:
        text = f"Moved {len(out.moved)} to {out.column_name}"
        if out.unchanged:
            text += f" ({len(out.unchanged)} already there)"
        click.echo(text)
    for refusal in out.refused:
        click.echo(f"leadtui: #{refusal.id} {refusal.title}: {refusal.reason}", err=True)
    if out.refused:
        sys.exit(out.refused[0].code)


# --------------------------------------------------------------------------- dashboard


@cli.command("dashboard")
@click.option("--period", default="30d", show_default=True,
              help="Funnel period: 7d, 30d, 90d, 365d (last N days), quarter or year (this one so far).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def dashboard_command(opts: Options, period: str, as_json: bool) -> None:
    """The lead tiles: leads per status and category, new this week, funnel, days in status."""
    from leadtui.services import dashboard as svc

    out = run(opts, lambda db, actor: svc.dashboard(db, actor, period=period))
    if as_json:
        print_json(dump(out))
        return
    click.echo("Leads per lead status:")
    for tile in out.per_status:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo("Leads per category:")
    for tile in out.per_category:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo(f"New leads this week (since {out.week_start}): {out.new_this_week.text}")
    click.echo(f"Funnel, {out.period_label.lower()} ({out.period_start} – {out.period_end}), contacts that reached:")
    for tile in out.funnel:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
    click.echo("Average days in the current lead status:")
    for tile in out.days_in_status:
        click.echo(f"  {tile.title:<30} {tile.text:>8}")
