"""`leadtui find`, `leadtui selection ...`, `leadtui board ...`: the command-line twins of the Find screen, the
selections and the board (`leadtui dashboard` is in cli/dashboard.py)."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli._table import Column, print_table
from leadtui.cli._category_note import note_suggestions
from leadtui.cli._click_i18n import LeadOption
from leadtui.cli.core import Options, RecordId, cli, dump, formula_guard_option, print_json, run
from leadtui.i18n import N_, _, ngettext
from leadtui.i18n.format import format_date

TARGET_CHOICE = click.Choice(
    ["persons", "person", "contacts", "companies", "company", "sales", "sale"], case_sensitive=False
)
BOARD_TARGETS = click.Choice(
    ["persons", "person", "contacts", "companies", "company", "sales", "sale"], case_sensitive=False
)
WHERE_HELP = N_(
    "Criterion FIELD:OPERATOR:VALUE1,VALUE2 (repeat to AND several; --or starts an OR group: --where A --where B "
    "--or --where C is (A and B) or C). Operators by kind: see --fields; dates also take relative operators such "
    "as today, this:week, next:3:months, previous:2:quarters. A comma inside a value is written \\,."
)
OR_MARK = "\x00or"  # what --or puts among the --where values (their order is kept)
COLUMN_WIDTH = 32
FIELD_KINDS = {  # how `find --fields` names a field's kind
    "text": N_("text"),
    "list": N_("list"),
    "number": N_("number"),
    "money": N_("amount"),
    "date": N_("date"),
    "bool": N_("yes/no"),
}


class WhereOption(LeadOption):
    """`--where`, with `--or` adding a group break to the same list, so the order of the two is kept (a LeadOption:
    its help and metavar are shown in the language, like every other option's)."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        parser.add_option(obj=self, opts=["--or"], dest=self.name, action="append_const", const=OR_MARK)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (record[0] + " / --or", record[1])


def check_or(where: tuple[str, ...]) -> None:
    """--or only between --where criteria (a usage error, exit 1, before anything runs)."""
    marks = [text == OR_MARK for text in where]
    if marks and (marks[0] or marks[-1] or any(a and b for a, b in zip(marks, marks[1:]))):
        raise click.UsageError(_("--or must stand between --where criteria"))


def _criteria(where: tuple[str, ...]) -> list[Any]:
    """The --where criteria; with --or, in OR groups (--where A --where B --or --where C: (A and B) or C)."""
    from leadtui.services import find

    check_or(where)
    groups: list[list[Any]] = [[]]
    for text in where:
        if text == OR_MARK:
            groups.append([])
        else:
            groups[-1].append(find.parse_where(text))
    return find.grouped(groups)


criteria_of = _criteria  # for the other commands that take --where (export)


def _columns(columns: str | None) -> list[str] | None:
    if columns is None:
        return None
    keys = [c.strip() for c in columns.split(",") if c.strip()]
    return keys or None


def _cell(value: Any, *, for_people: bool = True) -> str:
    """A value as text: yes/no in the language for the table, plain yes/no in CSV (read back by programs)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if not for_people:
            return "yes" if value else "no"
        return _("yes") if value else _("no")
    return str(value)


def _shown(value: Any, kind: str) -> str:
    """A value of the table in the language's format: money and numbers grouped, dates as the language writes them
    (the rows carry them as JSON-ready text: "376000.00", "2026-11-03"); CSV and JSON keep the plain values."""
    from datetime import date, datetime
    from decimal import Decimal, InvalidOperation

    from leadtui.i18n.format import format_datetime, format_money, format_number

    if value is None or value == "" or isinstance(value, bool):
        return _cell(value)
    try:
        if kind == "money":
            return format_money(Decimal(str(value)))
        if kind == "number":
            return format_number(Decimal(str(value)))
        if kind == "date":
            if isinstance(value, datetime) or (isinstance(value, str) and len(value) > 10):
                return format_datetime(value if isinstance(value, datetime) else datetime.fromisoformat(value))
            return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)))
    except (InvalidOperation, ValueError):
        pass
    return _cell(value)


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


async def _print_rows(
    db: Any,
    actor: Any,
    target: str,
    criteria: list[Any],
    *,
    columns: list[str] | None,
    sort: str | None,
    descending: bool,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    selection_id: int | None = None,
    formula_guard: bool = True,
) -> int:
    """Print the matches as a table, JSON (the FindPage) or CSV with a header row; returns how many."""
    from leadtui.services import find

    if as_json or sort or limit is not None:
        page = await find.find(
            db,
            actor,
            target,
            criteria,
            columns=columns,
            limit=limit,
            sort=sort,
            descending=descending,
            selection_id=selection_id,
        )
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
        return await _write(rows, keys, header, as_csv, formula_guard)
    except BrokenPipeError:  # `| head`: the reader has gone; stop quietly
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


async def _write(rows: Any, keys: list[str], header: list[Any], as_csv: bool, formula_guard: bool = True) -> int:
    from leadtui.text import CsvWriter

    written = 0
    if as_csv:
        writer = CsvWriter(sys.stdout, lineterminator="\n", formula_guard=formula_guard)
        writer.writerow(["id", *keys])
        line = lambda row: writer.writerow([row["id"], *[_cell(row[k], for_people=False) for k in keys]])  # noqa: E731
    else:
        table = _Table([_("ID"), *[c.label for c in header]])
        kinds = [c.kind for c in header]
        line = lambda row: table.line([str(row["id"]), *[_shown(row[k], kind) for k, kind in zip(keys, kinds)]])  # noqa: E731
    if isinstance(rows, list):
        for row in rows:
            line(row)
            written += 1
    else:
        async for row in rows:
            line(row)
            written += 1
    return written


@cli.command(
    "find", help=_("Find contacts (persons), companies or sales by criteria; prints every match unless --limit.")
)
@click.argument("target", type=TARGET_CHOICE)
@click.option(
    "--where", "where", cls=WhereOption, multiple=True, metavar=N_("FIELD:OPERATOR:VALUE"), help=_(WHERE_HELP)
)
@click.option("--columns", metavar="A,B,C", help=_("Columns to show (field keys); see --fields."))
@click.option("--sort", metavar="FIELD", help=_("Sort by this field (default: by id)."))
@click.option("--desc", "descending", is_flag=True, help=_("Sort descending."))
@click.option("--limit", type=click.IntRange(1, 1_000_000), help=_("At most N matches (default: every match)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.option("--csv", "as_csv", is_flag=True, help=_("CSV with a header row."))
@click.option("--count", "only_count", is_flag=True, help=_("Print only how many match."))
@click.option("--fields", "list_fields", is_flag=True, help=_("List the fields and their operators, then stop."))
@formula_guard_option
@click.pass_obj
def find_command(
    opts: Options,
    target: str,
    where: tuple[str, ...],
    columns: str | None,
    sort: str | None,
    descending: bool,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    only_count: bool,
    list_fields: bool,
    formula_guard: bool,
) -> None:
    from leadtui.services import find

    if as_json and as_csv:
        raise click.UsageError(_("choose one of --json and --csv"))
    check_or(where)
    if list_fields:
        fields = find.field_infos(target)
        if as_json:
            print_json(dump(fields))
        else:
            print_table(
                [Column(_("Field")), Column(_("Kind")), Column(_("Name"), 30), Column(_("Operators"))],
                [[f.key, _(FIELD_KINDS.get(f.kind, f.kind)), f.label, ", ".join(f.operators)] for f in fields],
            )
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
        await _print_rows(
            db,
            actor,
            target,
            criteria,
            columns=_columns(columns),
            sort=sort,
            descending=descending,
            limit=limit,
            as_json=as_json,
            as_csv=as_csv,
            formula_guard=formula_guard,
        )

    run(opts, go)


# --------------------------------------------------------------------------- selections


@cli.group(help=_("Selections: saved searches (dynamic) or kept lists of members (static)."))
def selection() -> None:
    pass


def _ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _print_selection(out: Any, as_json: bool, verb: str | None = None) -> None:
    from leadtui.services.selections import VISIBLE_LABELS

    if as_json:
        print_json(dump(out))
        return
    if verb:
        click.echo(verb.format(id=out.id, name=out.name, kind=out.kind_label.lower(), target=out.target_label.lower()))
        return
    count = (
        ""
        if out.member_count is None
        else ngettext(", {n} member", ", {n} members", out.member_count).format(n=out.member_count)
    )
    details = _("{kind}, {target}{count}, owner {owner}, visible for {visible}").format(
        kind=out.kind_label.lower(),
        target=out.target_label.lower(),
        count=count,
        owner=out.owner or "-",
        visible=_(VISIBLE_LABELS.get(out.visible_for, out.visible_for)),
    )
    click.echo(f"{out.id}  {out.name}  [{details}]")


@selection.command("create", help=_("Save a search as a dynamic selection, or a list of members as a static one."))
@click.argument("name")
@click.option("--target", required=True, type=TARGET_CHOICE, help=_("What the selection is of."))
@click.option(
    "--where", "where", cls=WhereOption, multiple=True, metavar=N_("FIELD:OPERATOR:VALUE"), help=_(WHERE_HELP)
)
@click.option("--ids", "ids", multiple=True, metavar="1,2,3", help=_("Members of a static selection."))
@click.option(
    "--dynamic",
    "kind",
    flag_value="dynamic",
    help=_("Keep the criteria; run them on every view (default with --where)."),
)
@click.option("--static", "kind", flag_value="static", help=_("Keep the members (those matching now, or --ids)."))
@click.option("--description", default="", help=_("Description."))
@click.option(
    "--visible",
    "visible_for",
    type=click.Choice(["all", "group", "private"]),
    default="all",
    help=_("Who sees it: everyone, your user group, only you."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_create(
    opts: Options,
    name: str,
    target: str,
    where: tuple[str, ...],
    ids: tuple[str, ...],
    kind: str | None,
    description: str,
    visible_for: str,
    as_json: bool,
) -> None:
    from leadtui.services import selections

    if ids and where:
        raise click.UsageError(_("give --where (criteria) or --ids (members), not both"))
    if ids and kind == "dynamic":
        raise click.UsageError(_("--ids makes a static selection; a dynamic one keeps criteria (--where)"))
    chosen = kind or ("static" if ids else "dynamic")
    data: dict[str, Any] = {
        "name": name,
        "target": target,
        "kind": chosen,
        "criteria": [c.model_dump() for c in _criteria(where)],
        "description": description,
        "visible_for": visible_for,
    }
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
        click.echo(
            ngettext(
                "Created selection {id}: {name} ({kind}, {target}, {n} member)",
                "Created selection {id}: {name} ({kind}, {target}, {n} members)",
                out.member_count or 0,
            ).format(
                id=out.id,
                name=out.name,
                kind=out.kind_label.lower(),
                target=out.target_label.lower(),
                n=out.member_count,
            )
        )


@selection.command("list", help=_("Your selections and those others share with you."))
@click.option("--target", type=TARGET_CHOICE, help=_("Only selections of contacts, companies or sales."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_list(opts: Options, target: str | None, as_json: bool) -> None:
    from leadtui.services import selections

    items = run(opts, lambda db, actor: selections.list_selections(db, actor, target=target))
    if as_json:
        print_json(dump(items))
        return
    for out in items:
        _print_selection(out, False)


@selection.command("show", help=_("A selection's details, criteria and members (dynamic: its criteria run now)."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--columns", metavar="A,B,C", help=_("Columns of the member list (field keys)."))
@click.option("--limit", type=click.IntRange(1, 1_000_000), help=_("At most N members (default: all)."))
@click.option("--json", "as_json", is_flag=True, help=_("The selection and its members as JSON."))
@click.option("--csv", "as_csv", is_flag=True, help=_("The members as CSV with a header row."))
@formula_guard_option
@click.pass_obj
def selection_show(
    opts: Options,
    selection_id: int,
    columns: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    formula_guard: bool,
) -> None:
    from leadtui.services import find, selections

    if as_json and as_csv:
        raise click.UsageError(_("choose one of --json and --csv"))

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.get_selection(db, actor, selection_id, with_count=True)
        if as_csv:
            target, criteria, members_of = await selections.scope(db, actor, selection_id)
            await _print_rows(
                db,
                actor,
                target,
                criteria,
                columns=_columns(columns),
                sort=None,
                descending=False,
                limit=limit,
                as_json=False,
                as_csv=True,
                selection_id=members_of,
                formula_guard=formula_guard,
            )
            return
        if as_json:
            page = await selections.members(db, actor, selection_id, columns=_columns(columns), limit=limit)
            print_json({**dump(out), "members": dump(page)})
            return
        _print_selection(out, False)
        if out.description:
            click.echo(f"  {out.description}")
        if out.parts:  # a combined selection: how, and of which parts
            click.echo(
                "  "
                + _("{how} of {parts}").format(
                    how=out.combination_label,
                    parts=", ".join(f"{p} '{n}'" for p, n in zip(out.parts, out.part_names)),
                )
            )
        described = await find.describe(db, out.target, out.criteria)
        if described:
            label = _("criteria") if out.kind == "dynamic" else _("made from criteria")
            click.echo(f"  {label}: " + "; ".join(described))
        target, criteria, members_of = await selections.scope(db, actor, selection_id)
        await _print_rows(
            db,
            actor,
            target,
            criteria,
            columns=_columns(columns),
            sort=None,
            descending=False,
            limit=limit,
            as_json=False,
            as_csv=False,
            selection_id=members_of,
        )

    run(opts, go)


@selection.command("rename", help=_("Give a selection another name."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_rename(opts: Options, selection_id: int, name: str, as_json: bool) -> None:
    from leadtui.services import selections

    out = run(opts, lambda db, actor: selections.rename_selection(db, actor, selection_id, name))
    _print_selection(out, as_json, _("Renamed selection {id}: {name} ({kind}, {target})"))


@selection.command("delete", help=_("Delete a selection (its members stay as records; only the list goes)."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
@click.pass_obj
def selection_delete(opts: Options, selection_id: int, yes: bool) -> None:
    from leadtui.services import selections

    if not yes:
        out = run(opts, lambda db, actor: selections.get_selection(db, actor, selection_id))
        if not sys.stdin.isatty():
            click.echo(
                "leadtui: " + _("deleting selection '{name}' needs confirmation; add --yes").format(name=out.name),
                err=True,
            )
            sys.exit(exit_codes.USAGE)
        click.confirm(_("Delete selection {id} '{name}'?").format(id=out.id, name=out.name), abort=True)
    out = run(opts, lambda db, actor: selections.delete_selection(db, actor, selection_id))
    click.echo(_("Deleted selection {id}: {name}").format(id=out.id, name=out.name))


def _print_change(change: Any, verb: str) -> None:
    text = verb.format(n=change.changed)
    if change.unchanged:
        text += ngettext(", {n} unchanged", ", {n} unchanged", change.unchanged).format(n=change.unchanged)
    if change.missing:
        text += _("; not found: {ids}").format(ids=", ".join(map(str, change.missing[:20])))
    click.echo(
        text
        + ngettext("; the selection has {n} member", "; the selection has {n} members", change.member_count).format(
            n=change.member_count
        )
    )


@selection.command("add", help=_("Add records (ids, comma- or space-separated) to a static selection."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.argument("entity_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_add(opts: Options, selection_id: int, entity_ids: tuple[str, ...], as_json: bool) -> None:
    from leadtui.services import selections

    change = run(opts, lambda db, actor: selections.add_members(db, actor, selection_id, _ids(entity_ids)))
    if as_json:
        print_json(dump(change))
    else:
        _print_change(change, ngettext("Added {n} member", "Added {n} members", change.changed))


@selection.command("remove", help=_("Remove records (ids) from a static selection."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.argument("entity_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_remove(opts: Options, selection_id: int, entity_ids: tuple[str, ...], as_json: bool) -> None:
    from leadtui.services import selections

    change = run(opts, lambda db, actor: selections.remove_members(db, actor, selection_id, _ids(entity_ids)))
    if as_json:
        print_json(dump(change))
    else:
        _print_change(change, ngettext("Removed {n} member", "Removed {n} members", change.changed))


@selection.command("static", help=_("Make a dynamic selection static: its current members are kept from now on."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_static(opts: Options, selection_id: int, as_json: bool) -> None:
    from leadtui.services import selections

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.make_static(db, actor, selection_id)
        out.member_count = await selections.member_count(db, actor, selection_id)
        return out

    out = run(opts, go)
    if as_json:
        print_json(dump(out))
    else:
        click.echo(
            ngettext(
                "Selection {id} '{name}' is static now, with {n} member",
                "Selection {id} '{name}' is static now, with {n} members",
                out.member_count or 0,
            ).format(id=out.id, name=out.name, n=out.member_count)
        )


@selection.command("dynamic", help=_("(Refused: a static selection never becomes dynamic.)"))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.pass_obj
def selection_dynamic(opts: Options, selection_id: int) -> None:
    from leadtui.services import selections

    run(opts, lambda db, actor: selections.make_dynamic(db, actor, selection_id))


# --------------------------------------------------------------------------- board


@cli.group(help=_("The board: contacts, companies or sales in columns by a field, with counts and sums per column."))
def board() -> None:
    pass


def _money(value: Any) -> str:
    from leadtui.services.money import format_money

    return format_money(value)


def _board_settings(
    group_by: str | None,
    subgroup_by: str | None,
    filters: tuple[str, ...],
    title: str | None,
    sort: str | None,
    descending: bool,
    hide_closed: bool,
    badge: str | None = None,
) -> Any:
    from leadtui.services import board as svc

    parsed: dict[str, list[str]] = {}
    for text in filters:
        field, sep, values = text.partition("=")
        if not sep or not field.strip():
            raise click.UsageError(_("'{text}' is not FIELD=VALUE1,VALUE2").format(text=text))
        parsed.setdefault(field.strip(), []).extend(v for v in values.split(",") if v.strip())
    return svc.BoardSettings(
        group_by=group_by,
        subgroup_by=subgroup_by,
        filters=parsed,
        title=title or "",
        sort=sort or "default",
        descending=descending,
        hide_closed=hide_closed,
        badge=badge or "stage",
    )


@board.command("show", help=_("The columns of a board with their counts (sales: amount and weighted amount)."))
@click.option("--selection", "selection_id", type=RecordId(_("Selection")), help=_("The board of this selection."))
@click.option("--target", type=BOARD_TARGETS, help=_("All contacts (persons), all companies or all sales."))
@click.option(
    "--group-by",
    help=_(
        "Columns by: sales stage (default), sale_type, owner; companies category (default), our_contact; "
        "persons lead_status (default), category, our_contact."
    ),
)
@click.option("--subgroup-by", help=_("Cards within a column under headings of this field (same choices)."))
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar=N_("FIELD=VALUE1,VALUE2"),
    help=_("Only cards whose list field is one of the values (repeat for several fields)."),
)
@click.option("--title", help=_("Only cards whose title contains this text."))
@click.option(
    "--sort", type=click.Choice(["default", "title", "amount", "date", "days"]), help=_("Order of the cards.")
)
@click.option("--descending", is_flag=True, help=_("Sort in descending order."))
@click.option("--hide-closed", is_flag=True, help=_("Sales: leave out sold and lost sales."))
@click.option(
    "--badge",
    type=click.Choice(["stage", "registered"]),
    help=_("What a card's days count: days in lead status / stage (default) or since registered."),
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar=N_("FIELD:OPERATOR:VALUE"),
    help=_("Narrow the board: a criterion as for `leadtui find --where` (repeat to AND several)."),
)
@click.option("--cards", type=click.IntRange(0, 500), default=0, help=_("Also list the first N cards of each column."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def board_show(
    opts: Options,
    selection_id: int | None,
    target: str | None,
    group_by: str | None,
    subgroup_by: str | None,
    filters: tuple[str, ...],
    title: str | None,
    sort: str | None,
    descending: bool,
    hide_closed: bool,
    badge: str | None,
    where: tuple[str, ...],
    cards: int,
    as_json: bool,
) -> None:
    from leadtui.services import board as svc

    if selection_id is None and target is None:
        raise click.UsageError(_("give --selection ID or --target persons|companies|sales"))
    settings = _board_settings(group_by, subgroup_by, filters, title, sort, descending, hide_closed, badge)
    out = run(
        opts,
        lambda db, actor: svc.open_board(
            db,
            actor,
            target=target,
            selection_id=selection_id,
            criteria=_criteria(where),
            page=max(cards, 1),
            settings=settings,
        ),
    )
    if not cards:
        out.pages = {}
    if as_json:
        data = dump(out)
        for column in data["columns"]:  # "No selection" (no value) is the column whose key is null
            column["column"] = column["key"]
            column["key"] = None if column["key"] == "none" else column["key"]
        print_json(data)
        return
    from leadtui.i18n.format import format_number

    grouped = svc.group_label(out.target, out.group_by)
    click.echo(
        _("Board: {source} ({total}) by {group}").format(
            source=out.source, total=format_number(out.total), group=grouped.lower()
        )
    )
    names = {s.key: s.name for s in out.subgroups}
    for column in out.columns:
        extra = ""
        if column.amount is not None:
            extra = "  " + _("amount {amount}  weighted {weighted}").format(
                amount=_money(column.amount), weighted=_money(column.weighted)
            )
        flag = " " + _("(deleted)") if column.deleted else ""
        click.echo(f"{column.number:>2}  {column.name}{flag}: {format_number(column.count)}{extra}")
        if cards:
            heading: str | None = None
            for card in out.pages.get(column.key, svc.CardPage(column=column.key, cards=[], more=False)).cards:
                if out.subgroup_by and card.sub != heading:
                    heading = card.sub
                    click.echo(f"    -- {names.get(card.sub or '', '')}")
                days = " · " + _("{n} d").format(n=card.days) if card.days is not None else ""
                if card.overdue:
                    days += " (" + _("overdue") + ")"
                subtitle = f" · {card.subtitle}" if card.subtitle else ""
                click.echo(f"      #{card.id} {card.title}{subtitle}{days}")


@board.command(
    "move", help=_("Move cards (ids, comma-separated) to a column: a lead status, or a stage, Sold or Lost.")
)
@click.option("--target", required=True, type=BOARD_TARGETS, help=_("Contacts (persons), companies or sales."))
@click.argument("ids")
@click.argument("column")
@click.option("--reason", help=_("Reason (sold) / Reason (lost) when moving sales to Sold or Lost."))
@click.option(
    "--group-by",
    help=_("The field the column sets (as for `board show`); a column 'none' unassigns Our contact."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def board_move(
    opts: Options, target: str, ids: str, column: str, reason: str | None, group_by: str | None, as_json: bool
) -> None:
    from leadtui.services import board as svc

    try:
        cards = [int(part) for part in ids.split(",") if part.strip()]
    except ValueError:
        raise click.UsageError(_("'{ids}' is not a list of ids (e.g. 12 or 12,13)").format(ids=ids)) from None
    out = run(
        opts, lambda db, actor: svc.move_cards(db, actor, target, cards, column, reason=reason, group_by=group_by)
    )
    if as_json:
        print_json(dump(out))
    elif out.moved or out.unchanged:
        text = ngettext("Moved {n} card to {column}", "Moved {n} cards to {column}", len(out.moved)).format(
            n=len(out.moved), column=out.column_name
        )
        if out.unchanged:
            text += " " + ngettext("({n} already there)", "({n} already there)", len(out.unchanged)).format(
                n=len(out.unchanged)
            )
        click.echo(text)
    note_suggestions(*out.category_suggestions)  # lead categorization
    if out.refused:  # every card that stayed, on one line (errors are one line on stderr)
        click.echo(
            "leadtui: " + "; ".join(f"#{refusal.id} {refusal.title}: {refusal.reason}" for refusal in out.refused),
            err=True,
        )
        sys.exit(out.refused[0].code)
