"""`leadtui lists ...`: the Settings lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, cli, dump, print_json, run
from leadtui.i18n import _


@cli.group(help=_("Settings lists: lead status, category, sale stage, sale type, reasons ... (KIND)."))
def lists() -> None:
    pass


def _kind_arg() -> Callable:
    return click.argument("kind", metavar="KIND")


def _group_value(value: str | None) -> int | None:
    if value is None:
        return None
    from leadtui.model.enums import CategoryGroup
    from leadtui.services.lists import parse_category_group

    return int(parse_category_group(value)) if value.strip() else int(CategoryGroup.UNKNOWN)


def _print_items(items: list, as_json: bool) -> None:
    if as_json:
        print_json(dump(items))
        return
    from leadtui.services.lists import category_group_name

    rows = []
    for item in items:
        extra = []
        if item.category_group is not None:
            extra.append(category_group_name(item.category_group))
            if item.enable_lead_status:
                extra.append(_("lead status"))
        if item.probability is not None:
            extra.append(f"{item.probability} %")
        if item.is_default:
            extra.append(_("default"))
        if item.deleted:
            extra.append(_("deleted"))
        rows.append([item.name, ", ".join(extra), item.description or ""])
    print_table([Column(_("Name"), 40), Column(_("Details"), 40), Column(_("Description"))], rows)


@lists.command("show", help=_("Show a list's items in their order."))
@_kind_arg()
@click.option("--deleted", is_flag=True, help=_("Include deleted items."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def lists_show(opts: Options, kind: str, deleted: bool, as_json: bool) -> None:
    from leadtui.services import lists as svc

    items = run(opts, lambda db: svc.list_items(db, kind, include_deleted=deleted), needs_user=False)
    _print_items(items, as_json)


@lists.command("add", help=_("Add an item to a list (administrators only)."))
@_kind_arg()
@click.argument("name")
@click.option("--description", help=_("Shown as the tooltip."))
@click.option("--group", help=_("Category group (category): customer, potential-customer, partner, lost, other."))
@click.option("--lead-status", is_flag=True, default=None, help=_("Enable lead status for this category."))
@click.option("--probability", type=str, help=_("Probability in percent (sale stage)."))
@click.option("--default", "is_default", is_flag=True, default=None, help=_("Make this the default lead status."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def lists_add(
    opts: Options,
    kind: str,
    name: str,
    description: str | None,
    group: str | None,
    lead_status: bool | None,
    probability: str | None,
    is_default: bool | None,
    as_json: bool,
) -> None:
    from leadtui.services import lists as svc

    def go(db, actor):  # noqa: ANN001, ANN202
        data = _item_data(
            name=name,
            description=description,
            group=group,
            lead_status=lead_status,
            probability=probability,
            is_default=is_default,
        )
        return svc.add_item(db, actor, kind, data)

    item = run(opts, go)
    _report(item, _("Added '{name}'."), as_json)


def _item_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if values.get("name") is not None:
        data["name"] = values["name"]
    if values.get("description") is not None:
        data["description"] = values["description"]
    if values.get("group") is not None:
        data["category_group"] = _group_value(values["group"])
    if values.get("lead_status") is not None:
        data["enable_lead_status"] = values["lead_status"]
    if values.get("probability") is not None:
        data["probability"] = values["probability"]
    if values.get("is_default") is not None:
        data["is_default"] = values["is_default"]
    return data


def _report(item: Any, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(dump(item))
    else:
        click.echo(verb.format(name=item.name))


@lists.command("edit", help=_("Change an item (administrators only)."))
@_kind_arg()
@click.argument("name")
@click.option("--name", "new_name", help=_("New name (renames it everywhere it is used)."))
@click.option("--description", help=_("Shown as the tooltip."))
@click.option("--group", help=_("Category group (category)."))
@click.option("--lead-status/--no-lead-status", default=None, help=_("Enable or disable lead status (category)."))
@click.option("--probability", type=str, help=_("Probability in percent (sale stage)."))
@click.option("--default", "is_default", is_flag=True, default=None, help=_("Make this the default lead status."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def lists_edit(
    opts: Options,
    kind: str,
    name: str,
    new_name: str | None,
    description: str | None,
    group: str | None,
    lead_status: bool | None,
    probability: str | None,
    is_default: bool | None,
    as_json: bool,
) -> None:
    from leadtui.services import lists as svc

    def go(db, actor):  # noqa: ANN001, ANN202
        data = _item_data(
            name=new_name,
            description=description,
            group=group,
            lead_status=lead_status,
            probability=probability,
            is_default=is_default,
        )
        return svc.edit_item(db, actor, kind, name, data)

    _report(run(opts, go), _("Saved '{name}'."), as_json)


@lists.command(
    "delete", help=_("Delete (hide) an item; records that use it keep showing its name. Restore brings it back.")
)
@_kind_arg()
@click.argument("name")
@click.pass_obj
def lists_delete(opts: Options, kind: str, name: str) -> None:
    from leadtui.services import lists as svc

    _report(run(opts, lambda db, actor: svc.delete_item(db, actor, kind, name)), _("Deleted '{name}'."), False)


@lists.command("restore", help=_("Restore a deleted item."))
@_kind_arg()
@click.argument("name")
@click.pass_obj
def lists_restore(opts: Options, kind: str, name: str) -> None:
    from leadtui.services import lists as svc

    _report(run(opts, lambda db, actor: svc.restore_item(db, actor, kind, name)), _("Restored '{name}'."), False)


@lists.command("move", help=_("Move an item up or down in its list."))
@_kind_arg()
@click.argument("name")
@click.argument("direction", type=click.Choice(["up", "down"]))
@click.pass_obj
def lists_move(opts: Options, kind: str, name: str, direction: str) -> None:
    from leadtui.services import lists as svc

    items = run(opts, lambda db, actor: svc.move_item(db, actor, kind, name, -1 if direction == "up" else 1))
    _print_items(items, False)
