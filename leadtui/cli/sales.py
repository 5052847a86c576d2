"""`leadtui sale ...`: sales and their follow-ups (the command-line twin of the sale card)."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli._table import Column, print_table
from leadtui.cli._category_note import note_suggestions
from leadtui.cli import followups
from leadtui.cli.core import Options, RecordId, cli, dump, print_json, run
from leadtui.i18n import _
from leadtui.i18n.format import format_date, format_datetime, format_number

STATUSES = click.Choice(["open", "sold", "lost", "stalled"], case_sensitive=False)


@cli.group(help=_("Sales: add, set (stage, status, money ...), show, list, delete; follow-ups."))
def sale() -> None:
    pass


def _money_line(out: Any) -> str:
    from leadtui.services.money import format_money

    return _("amount {amount}, cost {cost}, profit {profit} ({percentage} %), weighted {weighted}").format(
        amount=format_money(out.amount),
        cost=format_money(out.cost),
        profit=format_money(out.profit),
        percentage=format_number(out.percentage),
        weighted=format_money(out.weighted_amount),
    )


def _print_sale(out: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(out))
        return
    if verb:
        click.echo(verb.format(id=out.id, heading=out.heading))
        return
    click.echo(_("Sale {number}: {heading}").format(number=out.number, heading=out.heading))
    status = out.status_label + (" " + _("(completed)") if out.completed else "")
    click.echo(
        f"  {out.status_icon} {status} · "
        + _("stage {stage} · probability {probability} %").format(stage=out.stage or "-", probability=out.probability)
    )
    click.echo(f"  {_money_line(out)}")
    who = ", ".join(part for part in (out.company_name, out.contact_name) if part)
    click.echo(
        f"  {who or '-'} · "
        + _("owner {owner} · type {type} · sale date {date}").format(
            owner=out.owner, type=out.sale_type, date=format_date(out.sale_date)
        )
    )
    if out.status == "stalled":
        click.echo(
            "  "
            + _("re-open date {date} · reason (stalled) {reason}").format(
                date=format_date(out.reopen_date), reason=out.reason_stalled or "-"
            )
        )
    elif out.reason:
        label = (
            _("Reason (sold)") if out.status == "sold" else _("Reason (lost)") if out.status == "lost" else _("Reason")
        )
        click.echo(f"  {label}: {out.reason}")
    if out.status in ("open",) and out.next_activity:
        late = " " + _("(overdue)") if out.next_activity_overdue else ""
        click.echo("  " + _("next activity {date}").format(date=format_date(out.next_activity)) + late)
    if out.guide:
        marks = {"done": "✓", "current": "●", "future": "○"}
        click.echo("  " + _("guide:") + " " + "  ".join(f"{marks[s.state]} {s.name}" for s in out.guide.stages))


def _field_name(key: str) -> str:
    return {"stage": _("Stage"), "status": _("Status")}.get(key, key)


def _a_number(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An empty --amount (or --cost ...) is a slip, not 0: the services read an empty money field as 0 (the card's
    field while it is being typed), so the command line refuses it here."""
    if value is not None and not value.strip():
        from leadtui.services.errors import RuleViolation

        label = {
            "amount": _("Amount"),
            "cost": _("Total cost"),
            "profit": _("Profit"),
            "percentage": _("Percentage"),
        }.get(param.name or "", param.name or "")
        raise RuleViolation(
            _("{field}: is empty; give a number, e.g. 12500 or 0").format(field=label), field=param.name
        )
    return value


def _a_stage(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An empty --stage would save nothing but a new version: refused, like an empty --amount."""
    if value is not None and not value.strip():
        from leadtui.services.errors import RuleViolation

        raise RuleViolation(
            _("{field}: is empty; give a stage of the sale's type, or Sold / Lost").format(field=_("Stage")),
            field="stage",
        )
    return value


def _changes(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@sale.command("add", help=_("Register a sale for a company (and optionally one of its contacts)."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("Company number."))
@click.option(
    "--contact", "contact_id", type=RecordId(_("Contact")), help=_("Contact number (must belong to the company).")
)
@click.option("--heading", required=True, help=_("Heading (title) of the sale."))
@click.option("--amount", required=True, callback=_a_number, help=_("Amount, e.g. 12500 or 12500.50."))
@click.option("--cost", callback=_a_number, help=_("Total cost."))
@click.option("--stage", callback=_a_stage, help=_("Stage (one of the sale type's stages, or Sold / Lost)."))
@click.option("--probability", type=int, help=_("Probability in percent (else the stage's)."))
@click.option("--type", "sale_type", help=_("Sale type (default: the first in the list)."))
@click.option("--date", "sale_date", help=_("Sale date {date} (default: today + the type's estimated time)."))
@click.option("--owner", help=_("Owner's login (default: you)."))
@click.option("--source", help=_("Source (list Sale - Source)."))
@click.option("--reason", help=_("Reason, when --stage is Sold or Lost."))
@click.option("--description", help=_("Description."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the sale as JSON."))
@click.pass_obj
def sale_add(
    opts: Options,
    company_id: int | None,
    contact_id: int | None,
    heading: str,
    amount: str,
    cost: str | None,
    stage: str | None,
    probability: int | None,
    sale_type: str | None,
    sale_date: str | None,
    owner: str | None,
    source: str | None,
    reason: str | None,
    description: str | None,
    as_json: bool,
) -> None:
    from leadtui.services import sales

    async def go(db, actor):  # noqa: ANN001, ANN202
        type_ref: str | int | None = sale_type
        if type_ref is None:
            options = await sales.sale_form_options(db)
            type_ref = options.sale_types[0].id if options.sale_types else None
        data = _changes(
            company_id=company_id,
            contact_id=contact_id,
            heading=heading,
            amount=amount,
            cost=cost,
            stage=stage,
            probability=probability,
            sale_type=type_ref,
            sale_date=sale_date,
            owner=owner,
            source=source,
            reason=reason,
            description=description,
        )
        return await sales.create_sale(db, actor, data)

    added = run(opts, go)
    _print_sale(added, as_json, _("Added sale {id}: {heading}"))
    note_suggestions(added.category_suggestion)  # lead categorization


@sale.command("set", help=_("Change a sale: stage, status, reasons, dates, money, owner ..."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--heading", help=_("Heading (title) of the sale."))
@click.option("--stage", callback=_a_stage, help=_("A stage of the sale's type, or Sold / Lost."))
@click.option("--probability", type=int, help=_("Override the stage's probability (0-100)."))
@click.option("--status", type=STATUSES, help=_("open, sold, lost or stalled."))
@click.option("--reason", help=_("Reason for the status (sold, lost or stalled)."))
@click.option("--reopen-date", help=_("Re-open date of a stalled sale ({date}, today or later)."))
@click.option("--date", "sale_date", help=_("Sale date (for sold/lost: the actual date; default today)."))
@click.option("--completed/--not-completed", default=None, help=_("Completed (only sold or lost sales)."))
@click.option("--amount", callback=_a_number, help=_("Amount, e.g. 12500 or 12500.50."))
@click.option("--cost", callback=_a_number, help=_("Total cost."))
@click.option("--profit", callback=_a_number, help=_("Profit (recomputes Total cost)."))
@click.option("--percentage", callback=_a_number, help=_("Profit in percent of Amount (recomputes Total cost)."))
@click.option("--type", "sale_type", help=_("Sale type."))
@click.option("--owner", help=_("Owner's login."))
@click.option("--source", help=_("Source (list Sale - Source)."))
@click.option("--competitor", help=_("Competitor (list Sale - Competitor)."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("Move the sale to this company (number)."))
@click.option(
    "--contact", "contact_id", type=RecordId(_("Contact")), help=_("Contact number (must belong to the company).")
)
@click.option("--description", help=_("Description."))
@click.option(
    "--version",
    "expected_version",
    type=int,
    help=_("Refuse (exit 5) if the sale changed since this version was read."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_set(opts: Options, sale_id: int, as_json: bool, expected_version: int | None, **values: Any) -> None:
    from leadtui.services import sales

    data = _changes(**values)
    if values.get("status") is not None:
        data["status"] = values["status"].lower()
    out = run(opts, lambda db, actor: sales.update_sale(db, actor, sale_id, data, expected_version=expected_version))
    _print_sale(out, as_json, None if as_json else _("Saved sale {id}: {heading}"))
    note_suggestions(out.category_suggestion)  # lead categorization


@sale.command("show", help=_("Show one sale (with --json: every field, money as strings with 2 decimals)."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_show(opts: Options, sale_id: int, as_json: bool) -> None:
    from leadtui.services import sales

    _print_sale(run(opts, lambda db: sales.get_sale(db, sale_id), needs_user=False), as_json)


@sale.command("list", help=_("List sales, newest sale date first, with the total and the sums of all matches."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("Only this company's sales (number)."))
@click.option("--contact", "contact_id", type=RecordId(_("Contact")), help=_("Only this contact's sales (number)."))
@click.option("--status", type=STATUSES, help=_("Only sales with this status: open, sold, lost or stalled."))
@click.option("--owner", help=_("Owner's login."))
@click.option("--search", help=_("Text in the heading, the company's name or the number."))
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help=_("At most this many rows (one page).")
)
@click.option(
    "--offset",
    type=click.IntRange(0),
    default=0,
    help=_("Skip this many rows first (the next page starts at --offset plus --limit)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_list(
    opts: Options,
    company_id: int | None,
    contact_id: int | None,
    status: str | None,
    owner: str | None,
    search: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    from leadtui.services import sales
    from leadtui.services.money import format_money
    from leadtui.services.sales import STATUS_BY_KEY, status_label

    page = run(
        opts,
        lambda db, actor: sales.list_sales(
            db,
            actor,
            company_id=company_id,
            contact_id=contact_id,
            status=status.lower() if status else None,
            search=search,
            owner=owner,
            offset=offset,
            limit=limit,
        ),
    )
    if as_json:
        print_json(dump(page))
        return
    print_table(
        [
            Column(_("ID"), right=True),
            Column(_("Status"), 12),
            Column(_("Completed")),
            Column(_("Sale date")),
            Column(_("Amount"), right=True),
            Column(_("Stage"), 16),
            Column(_("Next activity")),
            Column(_("Heading"), 30),
            Column(_("Company"), 24),
            Column(_("Owner"), 16),
        ],
        [
            [
                row.id,
                f"{row.status_icon} {status_label(STATUS_BY_KEY[row.status])}",
                "✓" if row.completed else "",
                format_date(row.sale_date),
                format_money(row.amount),
                row.stage or "-",
                format_date(row.next_activity),
                row.heading,
                row.company_name or row.contact_name or "",
                row.owner,
            ]
            for row in page.rows
        ],
    )
    shown = f"{offset + 1}-{offset + len(page.rows)}" if page.rows else "0"
    click.echo(
        _("{shown} of {total} · total {amount} · weighted {weighted}").format(
            shown=shown,
            total=format_number(page.total),
            amount=format_money(page.sum_amount),
            weighted=format_money(page.sum_weighted),
        )
    )


@sale.command("delete", help=_("Delete a sale and its follow-ups (`leadtui undo` brings them back)."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--yes", is_flag=True, help=_("Do not ask."))
@click.pass_obj
def sale_delete(opts: Options, sale_id: int, yes: bool) -> None:
    from leadtui.services import sales
    from leadtui.services.money import format_money

    if not yes:
        out = run(opts, lambda db, actor: sales.check_can_delete_sale(db, actor, sale_id))
        if not sys.stdin.isatty():
            click.echo("leadtui: " + _("deleting asks for confirmation; run it in a terminal or add --yes"), err=True)
            sys.exit(exit_codes.USAGE)
        click.echo(_("Delete sale {number}: {heading}").format(number=out.number, heading=out.heading))
        click.echo(
            f"  {out.company_name or out.contact_name or ''} · {format_money(out.amount)} · {out.stage or '-'} · "
            + _("owner {owner} · sale date {date}").format(owner=out.owner, date=format_date(out.sale_date))
        )
        if not click.confirm(_("Delete it and its follow-ups?"), default=False):
            click.echo(_("Not deleted."))
            sys.exit(exit_codes.USAGE)
    out = run(opts, lambda db, actor: sales.delete_sale(db, actor, sale_id))
    click.echo(_("Deleted sale {id}: {heading}").format(id=out.id, heading=out.heading))


@sale.command("history", help=_("Changes of stage and status, newest first."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_history(opts: Options, sale_id: int, as_json: bool) -> None:
    from leadtui.services import sales

    rows = run(opts, lambda db: sales.sale_history(db, sale_id), needs_user=False)
    if as_json:
        print_json(dump(rows))
        return
    print_table(
        [Column(_("Changed")), Column(_("Field"), 10), Column(_("From"), 24), Column(_("To"), 24), Column(_("By"), 20)],
        [
            [format_datetime(row.at), _field_name(row.field), row.from_text or "-", row.to_text, row.by or "-"]
            for row in rows
        ],
    )


@sale.command(
    "guide", help=_("The sales guide of a sale: stages (✓ done, ● current, ○ future) and their suggested follow-ups.")
)
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def sale_guide(opts: Options, sale_id: int, as_json: bool) -> None:
    from leadtui.services import guides

    guide = run(opts, lambda db: guides.sale_guide(db, sale_id), needs_user=False)
    if as_json:
        print_json(dump(guide) if guide else None)
        return
    if guide is None:
        click.echo(_("This sale's type has no sales guide."))
        return
    marks = {"done": "✓", "current": "●", "future": "○"}
    for stage in guide.stages:
        click.echo(f"{marks[stage.state]} {stage.name}")
        for item in stage.items:
            made = ""
            if item.activity_id:
                made = "  " + (
                    _("(follow-up {id}, done)") if item.activity_completed else _("(follow-up {id})")
                ).format(id=item.activity_id)
            click.echo(f"    [{item.id}] {item.name}{made}")


# ---------------------------------------------------------------------------------------------- follow-ups


@sale.group("followup", help=_("Follow-ups of a sale: add, done, list."))
def followup() -> None:
    pass


def _print_activity(out: Any, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(dump(out))
    else:
        done = " " + _("(done)") if out.completed else ""
        click.echo(verb.format(id=out.id) + f": {format_date(out.date)} {out.type} {out.title}{done}")


@followup.command("add", help=_("Plan a follow-up for a sale."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--date", "date_", required=True, help=_("Date: {date}, today or +N (days from today)."))
@click.option("--time", "time_", help=_("Time: {time}."))
@click.option("--type", "type_", help=_("Follow-up type (default: the first in the list)."))
@click.option("--text", required=True, help=_("What to do (the follow-up's text)."))
@click.option(
    "--guide-item",
    "guide_item_id",
    type=RecordId(_("Suggested follow-up")),
    help=_("Create it from this suggestion of the sales guide."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_add(
    opts: Options,
    sale_id: int,
    date_: str,
    time_: str | None,
    type_: str | None,
    text: str,
    guide_item_id: int | None,
    as_json: bool,
) -> None:
    from leadtui.services import activities, guides

    data = _changes(date=date_, time=time_, type=type_, text=text)
    if guide_item_id is not None:
        out = run(opts, lambda db, actor: guides.create_follow_up_from_guide(db, actor, sale_id, guide_item_id, data))
    else:
        out = run(opts, lambda db, actor: activities.create_follow_up(db, actor, {**data, "sale_id": sale_id}))
    _print_activity(out, as_json, _("Added follow-up {id}"))


# `leadtui sale followup done` is `leadtui followup done`: one command, in both groups
followup.add_command(followups.followup_done)


@followup.command("list", help=_("The follow-ups of a sale, oldest first."))
@click.argument("sale_id", type=RecordId(_("Sale")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def followup_list(opts: Options, sale_id: int, as_json: bool) -> None:
    from leadtui.services import activities

    page = run(opts, lambda db: activities.list_follow_ups(db, sale_id=sale_id), needs_user=False)
    if as_json:
        print_json(dump(page))
        return
    print_table(
        [
            Column(_("ID"), right=True),
            Column(_("Done")),
            Column(_("Date")),
            Column(_("Type"), 16),
            Column(_("Text"), 50),
        ],
        [
            [
                row.id,
                "✓" if row.completed else ("! " + _("overdue") if row.overdue else ""),
                format_date(row.date),
                row.type,
                row.title,
            ]
            for row in page.rows
        ],
    )
