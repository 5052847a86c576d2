"""`leadtui selection combine | set-combination | copy | followups | delete-members`: combined selections, copies
and the selection task menu (SPEC 1.12, 4.5) on the command line. The commands join the `selection` group of
cli/find.py."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, RecordId, dump, print_json, run
from leadtui.cli.find import _ids, _print_selection, selection
from leadtui.i18n import _, ngettext

HOW_HELP = {
    "union": _("Members of any of the parts (the default)."),
    "intersect": _("Members of all the parts."),
    "minus": _("Members of the first part that are in none of the others."),
    "xor": _("Members of exactly one of the parts."),
}


def _how_options() -> Any:
    def wrap(f: Any) -> Any:
        for how in reversed(list(HOW_HELP)):
            f = click.option(
                f"--{how}",
                "how",
                flag_value=how,
                help=HOW_HELP[how],
            )(f)
        return f

    return wrap


def _numbers(values: tuple[str, ...], option: str) -> list[int]:
    out: list[int] = []
    for text in _ids(values):
        if not text.isdigit():
            raise click.BadParameter(_("'{value}' is not an id (a whole number)").format(value=text), param_hint=option)
        out.append(int(text))
    return out


def _describe(out: Any) -> str:
    return _("{how} of {parts}").format(
        how=out.combination_label, parts=", ".join(f"{p} '{n}'" for p, n in zip(out.parts, out.part_names))
    )


@selection.command(
    "combine",
    help=_(
        "Make a combined selection of two or more selections (ids) of the same kind. It stays live: its members "
        "are computed from its parts every time it is shown."
    ),
)
@click.argument("name")
@click.argument("parts", nargs=-1, required=True, type=RecordId(_("Selection")))
@_how_options()
@click.option("--description", default="", help=_("What the selection is for."))
@click.option("--visible-for", type=click.Choice(["all", "group", "private"]), default="all", help=_("Who sees it."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_combine(
    opts: Options,
    name: str,
    parts: tuple[int, ...],
    how: str | None,
    description: str,
    visible_for: str,
    as_json: bool,
) -> None:
    from leadtui.services import selections

    data = {
        "name": name,
        "how": how or "union",
        "parts": list(parts),
        "description": description,
        "visible_for": visible_for,
    }

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.create_combined(db, actor, data)
        out.member_count = await selections.member_count(db, actor, out.id)
        return out

    out = run(opts, go)
    if as_json:
        print_json(dump(out))
        return
    click.echo(
        ngettext(
            "Created combined selection {id}: {name} ({what}; {n} member now)",
            "Created combined selection {id}: {name} ({what}; {n} members now)",
            out.member_count or 0,
        ).format(id=out.id, name=out.name, what=_describe(out), n=out.member_count)
    )


@selection.command("set-combination", help=_("Change how a combined selection combines its parts, or its parts."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--parts", metavar="ID,ID,...", help=_("Its new parts (two or more selection ids, in order)."))
@_how_options()
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_set_combination(
    opts: Options, selection_id: int, parts: str | None, how: str | None, as_json: bool
) -> None:
    from leadtui.services import selections

    if parts is None and how is None:
        raise click.UsageError(_("give --parts and/or one of --union, --intersect, --minus, --xor"))
    part_ids = _numbers((parts,), "--parts") if parts is not None else None

    async def go(db, actor):  # noqa: ANN001, ANN202
        out = await selections.change_combination(db, actor, selection_id, how=how, parts=part_ids)
        out.member_count = await selections.member_count(db, actor, out.id)
        return out

    out = run(opts, go)
    if as_json:
        print_json(dump(out))
        return
    click.echo(
        ngettext(
            "Selection {id} '{name}' is now the {what} ({n} member)",
            "Selection {id} '{name}' is now the {what} ({n} members)",
            out.member_count or 0,
        ).format(id=out.id, name=out.name, what=_describe(out).lower(), n=out.member_count)
    )


@selection.command("copy", help=_("Copy a selection (criteria, parts or members); the copy is yours."))
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--name", help=_("The copy's name (default: the name with \"(copy)\")."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_copy(opts: Options, selection_id: int, name: str | None, as_json: bool) -> None:
    from leadtui.services import selections

    out = run(opts, lambda db, actor: selections.copy_selection(db, actor, selection_id, name))
    _print_selection(out, as_json, _("Copied to selection {id}: {name} ({kind}, {target})"))


@selection.command(
    "followups",
    help=_(
        "Generate a follow-up for each member of a selection (or the --only ones), in one transaction: "
        "`leadtui undo` takes them all back."
    ),
)
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--date", "day", required=True, help=_("The follow-ups' date."))
@click.option("--time", "at", help=_("Their time (HH:MM)."))
@click.option("--text", required=True, help=_("What to do (the first line is the title)."))
@click.option("--type", "kind", help=_("Follow-up type (name or id; default: the first)."))
@click.option("--only", multiple=True, metavar="IDS", help=_("Only these members (ids, comma-separated)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_followups(
    opts: Options,
    selection_id: int,
    day: str,
    at: str | None,
    text: str,
    kind: str | None,
    only: tuple[str, ...],
    as_json: bool,
) -> None:
    from leadtui.services import selections

    data: dict[str, Any] = {"date": day, "text": text}
    if at:
        data["time"] = at
    if kind:
        data["type"] = kind
    chosen = _numbers(only, "--only") if only else None
    out = run(opts, lambda db, actor: selections.generate_follow_ups(db, actor, selection_id, data, only=chosen))
    if as_json:
        print_json(dump(out))
        return
    line = ngettext("Created {n} follow-up", "Created {n} follow-ups", out.created).format(n=out.created)
    if out.skipped:
        line += "; " + _("not members: {ids}").format(ids=", ".join(map(str, out.skipped[:20])))
    click.echo(line)


@selection.command(
    "delete-members",
    help=_(
        "Delete the records that are members of a selection (or the --only ones), each with your rights on it: "
        "companies and contacts go to the recycle bin, sales are deleted for good."
    ),
)
@click.argument("selection_id", type=RecordId(_("Selection")))
@click.option("--only", multiple=True, metavar="IDS", help=_("Only these members (ids, comma-separated)."))
@click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def selection_delete_members(opts: Options, selection_id: int, only: tuple[str, ...], yes: bool, as_json: bool) -> None:
    from leadtui.services import selections

    chosen = _numbers(only, "--only") if only else None
    if not yes:

        async def ask(db, actor):  # noqa: ANN001, ANN202
            sel = await selections.get_selection(db, actor, selection_id)
            return sel, len(await selections.member_ids(db, actor, selection_id, chosen))

        sel, n = run(opts, ask)
        if not sys.stdin.isatty():
            click.echo(
                "leadtui: "
                + _("deleting the members of selection '{name}' needs confirmation; add --yes").format(name=sel.name),
                err=True,
            )
            sys.exit(exit_codes.USAGE)
        click.confirm(selections.delete_members_question(sel.target, n), abort=True)
    out = run(opts, lambda db, actor: selections.delete_members(db, actor, selection_id, only=chosen))
    if as_json:
        print_json(dump(out))
        return
    click.echo(selections.delete_members_summary(out))
    for reason in out.reasons[:10]:
        click.echo("  " + reason)
    if out.refused:
        sys.exit(exit_codes.PERMISSION_DENIED)
