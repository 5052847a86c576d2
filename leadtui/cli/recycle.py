"""`leadtui recycle ...`: the recycle bin (deleted companies, contacts and sales of the last 14 days)."""

from __future__ import annotations

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, RecordId, cli, dump, print_json, run
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import format_datetime


@cli.group(help=_("The recycle bin: deleted companies, contacts and sales of the last 14 days; restore them."))
def recycle() -> None:
    pass


@recycle.command("list", help=_("What was deleted in the last 14 days, newest first."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def recycle_list(opts: Options, as_json: bool) -> None:
    from leadtui.services import recycle as svc

    rows = run(opts, lambda db, actor: svc.list_recycled(db, actor))
    if as_json:
        print_json(dump(rows))
        return
    if not rows:
        click.echo(_("The recycle bin is empty."))
        return
    print_table(
        [
            Column(_("Kind"), 10),
            Column(_("Id"), right=True),
            Column(_("Name"), 30),
            Column(_("Details"), 24),
            Column(_("Deleted")),
            Column(_("By"), 20),
            Column(_("You may restore")),
        ],
        [
            [
                svc.kind_label(row.kind),
                row.id,
                row.name,
                row.detail,
                format_datetime(row.deleted_at),
                row.deleted_by_name,
                _("Yes") if row.may_restore else _("No"),
            ]
            for row in rows
        ],
    )


@recycle.command(
    "restore",
    help=_(
        "Bring a record back from the recycle bin: KIND is company (with the contacts deleted with it), contact or "
        "sale (with its follow-ups). `leadtui undo` deletes it again."
    ),
)
@click.argument("kind", type=click.Choice(["company", "contact", "sale"]))
@click.argument("record_id", metavar="ID", type=RecordId(_("Record")))
@click.pass_obj
def recycle_restore(opts: Options, kind: str, record_id: int) -> None:
    from leadtui.services import recycle as svc

    item = run(opts, lambda db, actor: svc.restore(db, actor, kind, record_id))
    message = {
        "company": _("Restored company {id} '{name}'."),
        "contact": _("Restored contact {id} '{name}'."),
        "sale": _("Restored sale {id} '{name}'."),
    }[item.kind].format(id=item.id, name=item.name)
    if item.contacts:
        message += " " + ngettext(
            "{n} contact deleted with it is back too.", "{n} contacts deleted with it are back too.", item.contacts
        ).format(n=item.contacts)
    if item.follow_ups:
        message += " " + ngettext("{n} follow-up is back too.", "{n} follow-ups are back too.", item.follow_ups).format(
            n=item.follow_ups
        )
    click.echo(message)
