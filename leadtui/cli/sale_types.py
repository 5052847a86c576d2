"""`leadtui sale-type ...`: a sale type's stages, estimated time and sales guide (administrators change them)."""

from __future__ import annotations

from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, RecordId, _fail, cli, dump, print_json, run
from leadtui.i18n import _, ngettext


@cli.group("sale-type", help=_("Sale types: their stages (in order), estimated time and sales guide."))
def sale_type() -> None:
    pass


def _print_guide(out: Any, as_json: bool) -> None:
    if as_json:
        print_json(dump(out))
        return
    guide = _("guide on") if out.has_guide else _("no guide")
    click.echo(
        f"{out.sale_type}: {guide}; "
        + _("estimated time {time}").format(time=_duration(out.duration, out.duration_unit))
    )
    for stage in out.stages:
        click.echo(f"  {stage.rank}. {stage.name} ({stage.probability} %)")
        for item in stage.items:
            extra = f", {item.follow_up_type}" if item.follow_up_type else ""
            days = ngettext("+{n} day", "+{n} days", item.start_offset_days).format(n=item.start_offset_days)
            click.echo(f"       [{item.id}] {item.name} ({days}{extra})")


def _duration(n: int, unit: str) -> str:
    if unit == "week":
        return ngettext("{n} week", "{n} weeks", n).format(n=n)
    if unit == "month":
        return ngettext("{n} month", "{n} months", n).format(n=n)
    return ngettext("{n} day", "{n} days", n).format(n=n)


@sale_type.command("show", help=_("A sale type's stages, guide and suggested follow-ups."))
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_type_show(opts: Options, name: str, as_json: bool) -> None:
    from leadtui.services import guides

    _print_guide(run(opts, lambda db: guides.get_sale_type_guide(db, name), needs_user=False), as_json)


@sale_type.command("stages", help=_("Show or set the stages used for a sale type."))
@click.argument("name")
@click.option(
    "--set", "stages", metavar="'Lead,Offer,...'", help=_("Link these stages, in this order (replaces them).")
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_type_stages(opts: Options, name: str, stages: str | None, as_json: bool) -> None:
    from leadtui.services import guides

    if stages is None:
        out = run(opts, lambda db: guides.get_sale_type_guide(db, name), needs_user=False)
    else:
        names = [part.strip() for part in stages.split(",") if part.strip()]
        if not names:  # an empty --set is a slip, not "unlink every stage"
            _fail(
                _("Stages: --set needs the stages, comma-separated (e.g. 'Lead,Offer,Negotiation')."),
                exit_codes.RULE_VIOLATION,
            )
        out = run(opts, lambda db, actor: guides.set_sale_type_stages(db, actor, name, names))
    _print_guide(out, as_json)


@sale_type.command("guide", help=_("Turn a sale type's sales guide on or off (its suggestions are kept)."))
@click.argument("name")
@click.option("--on/--off", "on", default=None, help=_("Link the sale type to a guide (needs 2 stages) or unlink it."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_type_guide(opts: Options, name: str, on: bool | None, as_json: bool) -> None:
    from leadtui.services import guides

    if on is None:
        out = run(opts, lambda db: guides.get_sale_type_guide(db, name), needs_user=False)
    else:
        out = run(opts, lambda db, actor: guides.set_guide(db, actor, name, on))
    _print_guide(out, as_json)


@sale_type.command("set", help=_("Set a sale type's estimated time (it gives new sales their default sale date)."))
@click.argument("name")
@click.option("--duration", type=int, help=_("Estimated time for this sale process (a number)."))
@click.option("--unit", type=click.Choice(["day", "week", "month"]), help=_("Unit of the estimated time."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_type_set(opts: Options, name: str, duration: int | None, unit: str | None, as_json: bool) -> None:
    from leadtui.services import guides

    data = {key: value for key, value in {"duration": duration, "duration_unit": unit}.items() if value is not None}
    _print_guide(run(opts, lambda db, actor: guides.set_sale_type_options(db, actor, name, data)), as_json)


@sale_type.group("guide-item", help=_("Suggested follow-ups of a sales guide stage."))
def guide_item() -> None:
    pass


def _item_data(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@guide_item.command("add", help=_("Add a suggested follow-up to a stage of a sale type's guide."))
@click.argument("type_name", metavar="TYPE")
@click.argument("stage")
@click.argument("name")
@click.option("--days", "start_offset_days", type=int, help=_("Start date: days after the previous follow-up."))
@click.option("--text", "default_text", help=_("Default text in the follow-up."))
@click.option("--type", "follow_up_type", help=_("Follow-up type."))
@click.option("--purpose", help=_("The purpose of this follow-up (tooltip)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def guide_item_add(opts: Options, type_name: str, stage: str, name: str, as_json: bool, **values: Any) -> None:
    from leadtui.services import guides

    data = _item_data(name=name, **values)
    out = run(opts, lambda db, actor: guides.add_guide_item(db, actor, type_name, stage, data))
    if as_json:
        print_json(dump(out))
    else:
        click.echo(_("Added suggested follow-up {id}: {name}").format(id=out.id, name=out.name))


@guide_item.command("edit", help=_("Change a suggested follow-up."))
@click.argument("item_id", type=RecordId(_("Suggested follow-up")))
@click.option("--name", help=_("Name."))
@click.option("--days", "start_offset_days", type=int, help=_("Start date: days after the previous follow-up."))
@click.option("--text", "default_text", help=_("Default text in the follow-up."))
@click.option("--type", "follow_up_type", help=_("Follow-up type."))
@click.option("--purpose", help=_("The purpose of this follow-up (tooltip)."))
@click.pass_obj
def guide_item_edit(opts: Options, item_id: int, **values: Any) -> None:
    from leadtui.services import guides

    out = run(opts, lambda db, actor: guides.edit_guide_item(db, actor, item_id, _item_data(**values)))
    click.echo(_("Saved suggested follow-up {id}: {name}").format(id=out.id, name=out.name))


@guide_item.command("delete", help=_("Remove a suggested follow-up (follow-ups created from it stay)."))
@click.argument("item_id", type=RecordId(_("Suggested follow-up")))
@click.pass_obj
def guide_item_delete(opts: Options, item_id: int) -> None:
    from leadtui.services import guides

    out = run(opts, lambda db, actor: guides.delete_guide_item(db, actor, item_id))
    click.echo(_("Deleted suggested follow-up {id}: {name}").format(id=out.id, name=out.name))
