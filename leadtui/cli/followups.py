"""`leadtui followup ...`: follow-ups of contacts, companies and sales, and a user's follow-ups by due date (the
command-line twin of the Activities tabs and My follow-ups)."""

from __future__ import annotations

from typing import Any

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, RecordId, cli, dump, print_json, run
from leadtui.i18n import _
from leadtui.i18n.format import format_date, format_time


@cli.group(
    help=_("Follow-ups of contacts, companies and sales: add, list (yours, due today, overdue ...), done, move.")
)
def followup() -> None:
    pass


def _print(out: Any, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(dump(out))
        return
    done = " " + _("(done)") if out.completed else ""
    at = f" {format_time(out.time)}" if out.time else ""
    click.echo(verb.format(id=out.id) + f": {format_date(out.date)}{at} {out.type} {out.title}{done}")


@followup.command("add", help=_("Plan a follow-up for a contact, a company or a sale (exactly one of them)."))
@click.option("--contact", "contact_id", type=RecordId(_("Contact")), help=_("The contact's number."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("The company's number."))
@click.option("--sale", "sale_id", type=RecordId(_("Sale")), help=_("The sale's number."))
@click.option("--date", "date_", required=True, help=_("Date: {date}, today or +N (days from today)."))
@click.option("--time", "time_", help=_("Time: {time}."))
@click.option("--text", required=True, help=_("What to do (the follow-up's text)."))
@click.option("--type", "type_", help=_("Follow-up type (default: the first in the list)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_add(
    opts: Options,
    contact_id: int | None,
    company_id: int | None,
    sale_id: int | None,
    date_: str,
    time_: str | None,
    text: str,
    type_: str | None,
    as_json: bool,
) -> None:
    from leadtui.services import activities

    links = {"contact_id": contact_id, "company_id": company_id, "sale_id": sale_id}
    given = {key: value for key, value in links.items() if value is not None}
    if len(given) != 1:
        raise click.UsageError(_("Follow-up: give exactly one of --contact, --company and --sale."))
    data: dict[str, Any] = {"date": date_, "text": text, **given}
    if time_:
        data["time"] = time_
    if type_:
        data["type"] = type_
    out = run(opts, lambda db, actor: activities.create_follow_up(db, actor, data))
    _print(out, as_json, _("Added follow-up {id}"))


@followup.command("list", help=_("Open follow-ups, oldest first: everyone's, or yours with --mine; --due filters."))
@click.option("--mine", is_flag=True, help=_("Only your own follow-ups."))
@click.option(
    "--due",
    type=click.Choice(["today", "overdue", "week"], case_sensitive=False),
    help=_("today, overdue (before today) or week (Monday to Sunday of this week)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_list(opts: Options, mine: bool, due: str | None, as_json: bool) -> None:
    from leadtui.services import follow_ups

    lines = run(opts, lambda db, actor: follow_ups.list_due(db, actor, due=due and due.lower(), mine=mine))
    if as_json:
        print_json(
            [
                {**dump(line.follow_up), "contact_name": line.contact_name, "company_name": line.company_name}
                for line in lines
            ]
        )
        return
    print_table(
        [
            Column(_("ID"), right=True),
            Column(_("Date")),
            Column(_("Type"), 12),
            Column(_("Text"), 36),
            Column(_("With"), 30),
            Column(_("Owner"), 12),
        ],
        [
            [
                line.follow_up.id,
                ("! " if line.follow_up.overdue else "") + format_date(line.follow_up.date),
                line.follow_up.type,
                line.follow_up.title,
                " · ".join(
                    part for part in (line.contact_name, line.company_name, line.follow_up.sale_heading) if part
                ),
                line.follow_up.owner or "",
            ]
            for line in lines
        ],
    )


@followup.command("done", help=_("Mark a follow-up completed (or, with --undo, not completed)."))
@click.argument("activity_id", type=RecordId(_("Follow-up")))
@click.option("--undo", is_flag=True, help=_("Mark it not completed again."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_done(opts: Options, activity_id: int, undo: bool, as_json: bool) -> None:
    from leadtui.services import activities

    out = run(opts, lambda db, actor: activities.set_completed(db, actor, activity_id, not undo))
    _print(out, as_json, _("Reopened follow-up {id}") if undo else _("Completed follow-up {id}"))


@followup.command("move", help=_("Reschedule a follow-up to another date (its time stays)."))
@click.argument("activity_id", type=RecordId(_("Follow-up")))
@click.option("--date", "date_", required=True, help=_("Date: {date}, today or +N (days from today)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_move(opts: Options, activity_id: int, date_: str, as_json: bool) -> None:
    from leadtui.services import follow_ups

    out = run(opts, lambda db, actor: follow_ups.move_follow_up(db, actor, activity_id, date_))
    _print(out, as_json, _("Moved follow-up {id}"))


@followup.command("delete", help=_("Delete a follow-up that is not completed."))
@click.argument("activity_id", type=RecordId(_("Follow-up")))
@click.pass_obj
def followup_delete(opts: Options, activity_id: int) -> None:
    from leadtui.services import activities

    out = run(opts, lambda db, actor: activities.delete_follow_up(db, actor, activity_id))
    _print(out, False, _("Deleted follow-up {id}"))
