"""`leadtui company ...` and `leadtui person ...`: companies and contacts, lead status, bulk update.

Lists (category, lead status) and users (--owner) are given by name, ignoring case; an unknown one is a rule
violation (exit 2) naming the field. `--expect-version N` refuses to save over a newer save (exit 5).
"""

from __future__ import annotations

from typing import Any

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli._category_note import note_suggestions
from leadtui.cli.core import Options, RecordId, cli, dump, print_json, run
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import format_datetime, format_number


def _lines(rows: list[tuple[str, Any]]) -> None:
    """Label: value lines, the values aligned on the longest label (labels differ in length per language)."""
    width = max((len(label) for label, _value in rows), default=0) + 2
    for label, value in rows:
        click.echo(f"  {label + ':' if label else '':<{width}}{value}")


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        data[key] = value


def _owner(data: dict[str, Any], owner: str | None, no_owner: bool) -> None:
    if no_owner:
        data["owner"] = None
    elif owner is not None:
        data["owner"] = owner


# --------------------------------------------------------------------------- company


@cli.group(help=_("Companies: add, set, show, list, delete."))
def company() -> None:
    pass


def _print_company(item: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(item))
        return
    if verb:
        click.echo(verb.format(id=item.id, name=item.name))
        return
    lead = "  " + _("(lead status on)") if item.lead_status_enabled else ""
    click.echo(f"{item.name}  [" + _("id {id}, version {version}").format(id=item.id, version=item.version) + "]")
    rows: list[tuple[str, Any]] = [
        (_("Category"), f"{item.category} ({item.category_group}){lead}"),
        (_("Our contact"), item.owner_name or _("(No selection)")),
    ]
    rows += [
        (label, value)
        for label, value in (
            (_("Email"), item.email),
            (_("Website"), item.website),
            (_("Domain"), item.domain),
            (_("Phone"), item.phone),
            (_("City"), item.city),
        )
        if value
    ]
    rows.append((_("Contacts"), item.contact_count))
    _lines(rows)


def _company_fields(f):
    for decorator in reversed(
        [
            click.option("--owner", metavar="LOGIN", help=_("Our contact (a user's login).")),
            click.option("--no-owner", is_flag=True, help=_("No Our contact ((No selection)).")),
            click.option("--email", help=_("Email.")),
            click.option("--website", help=_("Website.")),
            click.option("--domain", help=_("Domain.")),
            click.option("--phone", help=_("Phone.")),
            click.option("--business", help=_("From the list Company - Business.")),
            click.option("--address", help=_("Address.")),
            click.option("--zip", "zip_code", help=_("Zip code.")),
            click.option("--city", help=_("City.")),
            click.option("--country", help=_("Country.")),
            click.option("--note", help=_("Note.")),
        ]
    ):
        f = decorator(f)
    return f


def _company_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in (
        "name",
        "category",
        "email",
        "website",
        "domain",
        "phone",
        "business",
        "address",
        "zip_code",
        "city",
        "country",
        "note",
    ):
        _put(data, key, values.get(key))
    _owner(data, values.get("owner"), values.get("no_owner", False))
    return data


@company.command("add", help=_("Add a company; you are its Our contact unless --owner or --no-owner says otherwise."))
@click.argument("name")
@click.option("--category", required=True, help=_("From the list Company - Category (by name)."))
@_company_fields
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def company_add(opts: Options, name: str, as_json: bool, **values: Any) -> None:
    from leadtui.services import companies as svc

    item = run(opts, lambda db, actor: svc.create_company(db, actor, _company_data(name=name, **values)))
    _print_company(item, as_json, None if as_json else _("Added company {id} '{name}'."))


@company.command("set", help=_("Change a company's fields."))
@click.argument("company_id", metavar="ID", type=RecordId(_("Company")))
@click.option("--name", help=_("Name."))
@click.option("--category", help=_("From the list Company - Category; carries the lead status rules to its contacts."))
@_company_fields
@click.option("--expect-version", type=int, help=_("Refuse (exit 5) if someone saved after this version."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def company_set(opts: Options, company_id: int, expect_version: int | None, as_json: bool, **values: Any) -> None:
    from leadtui.services import companies as svc

    item = run(
        opts,
        lambda db, actor: svc.update_company(
            db, actor, company_id, _company_data(**values), expected_version=expect_version
        ),
    )
    _print_company(item, as_json, None if as_json else _("Saved company {id} '{name}'."))


@company.command("show", help=_("Show a company."))
@click.argument("company_id", metavar="ID", type=RecordId(_("Company")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def company_show(opts: Options, company_id: int, as_json: bool) -> None:
    from leadtui.services import companies as svc

    _print_company(run(opts, lambda db, actor: svc.get_company(db, actor, company_id)), as_json)


@company.command("list", help=_("List companies in name order, a page at a time."))
@click.option("--search", default="", help=_("Start of the name or domain, ignoring case."))
@click.option(
    "--limit", type=click.IntRange(1, 500), default=50, show_default=True, help=_("At most this many rows (one page).")
)
@click.option(
    "--offset",
    type=click.IntRange(0),
    default=0,
    help=_("Skip this many rows first (the next page starts at --offset plus --limit)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def company_list(opts: Options, search: str, limit: int, offset: int, as_json: bool) -> None:
    from leadtui.services import companies as svc

    page = run(opts, lambda db, actor: svc.list_companies(db, actor, search=search, offset=offset, limit=limit))
    if as_json:
        print_json(dump(page))
        return
    print_table(
        [
            Column(_("ID"), right=True),
            Column(_("Name"), 36),
            Column(_("Category"), 24),
            Column(_("Our contact"), 16),
            Column(_("Contacts"), right=True),
        ],
        [[row.id, row.name, row.category, row.owner_name, format_number(row.contact_count)] for row in page.items],
    )
    click.echo(
        _("{first}-{last} of {total}").format(
            first=format_number(offset + 1 if page.items else 0),
            last=format_number(offset + len(page.items)),
            total=format_number(page.total),
        )
    )


@company.command(
    "delete", help=_("Delete a company and its contacts (to the recycle bin; `company restore` brings them back).")
)
@click.argument("company_id", metavar="ID", type=RecordId(_("Company")))
@click.option("--yes", is_flag=True, help=_("Do not ask."))
@click.pass_obj
def company_delete(opts: Options, company_id: int, yes: bool) -> None:
    from leadtui.services import companies as svc

    if not yes:
        item = run(opts, lambda db, actor: svc.get_company(db, actor, company_id))
        sales = run(opts, lambda db, actor: svc.sales_count(db, company_id))
        stay = " " + ngettext("({n} sale stays)", "({n} sales stay)", sales).format(n=sales) if sales else ""
        click.confirm(
            ngettext(
                "Delete company '{name}' with its {n} contact{stay}?",
                "Delete company '{name}' with its {n} contacts{stay}?",
                item.contact_count,
            ).format(name=item.name, n=item.contact_count, stay=stay),
            abort=True,
        )
    item = run(opts, lambda db, actor: svc.delete_company(db, actor, company_id))
    click.echo(_("Deleted company {id} '{name}' and its contacts.").format(id=item.id, name=item.name))


@company.command("restore", help=_("Bring a deleted company back with the contacts deleted with it."))
@click.argument("company_id", metavar="ID", type=RecordId(_("Company")))
@click.pass_obj
def company_restore(opts: Options, company_id: int) -> None:
    from leadtui.services import companies as svc

    item = run(opts, lambda db, actor: svc.restore_company(db, actor, company_id))
    click.echo(_("Restored company {id} '{name}'.").format(id=item.id, name=item.name))


# --------------------------------------------------------------------------- person


@cli.group(help=_("Contacts (persons): add, set (lead status, move ...), show, list, delete, bulk-set."))
def person() -> None:
    pass


def _print_person(item: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(item))
        return
    if verb:
        click.echo(verb.format(id=item.id, name=item.name))
        return
    click.echo(f"{item.name}  [" + _("id {id}, version {version}").format(id=item.id, version=item.version) + "]")
    rows: list[tuple[str, Any]] = [
        (_("Company"), item.company_name or _("(No selection)")),
        (_("Category"), f"{item.category or '-'}{f' ({item.category_group})' if item.category_group else ''}"),
    ]
    if item.lead_status_visible:
        days = ""
        if item.days_in_status is not None:
            days = ", " + ngettext("{n} day", "{n} days", item.days_in_status).format(n=item.days_in_status)
        rows.append(
            (_("Lead status"), f"{item.lead_status}{days}{'' if item.lead_status_editable else ' ' + _('(read-only)')}")
        )
        if item.lead_status_description:
            rows.append(("", item.lead_status_description))
    elif item.lead_status:
        rows.append((_("Lead status"), f"{item.lead_status} " + _("(kept, read-only: not a lead category)")))
    rows.append((_("Our contact"), item.owner_name or _("(No selection)")))
    rows += [
        (label, value)
        for label, value in (
            (_("Email"), item.email),
            (_("Title"), item.title),
            (_("Mobile"), item.mobile),
            (_("Phone"), item.phone),
        )
        if value
    ]
    rows.append((_("Email opt-in"), _("yes") if item.email_opt_in else _("no")))
    _lines(rows)


def _person_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for option, key in (
        ("first", "first_name"),
        ("last", "last_name"),
        ("email", "email"),
        ("title", "title"),
        ("mobile", "mobile"),
        ("phone", "phone"),
        ("lead_status", "lead_status"),
        ("category", "category"),
        ("note", "note"),
        ("opt_in", "email_opt_in"),
    ):
        _put(data, key, values.get(option))
    _owner(data, values.get("owner"), values.get("no_owner", False))
    return data


def _person_fields(f):
    for decorator in reversed(
        [
            click.option("--first", help=_("First name.")),
            click.option("--last", help=_("Last name.")),
            click.option("--email", help=_("Email.")),
            click.option("--title", help=_("Title.")),
            click.option("--mobile", help=_("Mobile.")),
            click.option("--phone", help=_("Phone.")),
            click.option("--opt-in/--no-opt-in", "opt_in", default=None, help=_("Email opt-in.")),
            click.option("--lead-status", help=_("From the list Contact - Lead status (lead categories only).")),
            click.option("--category", help=_("Own category (only contacts without a company).")),
            click.option("--owner", metavar="LOGIN", help=_("Own Our contact (only contacts without a company).")),
            click.option("--no-owner", is_flag=True, help=_("No Our contact (only contacts without a company).")),
            click.option("--note", help=_("Note.")),
        ]
    ):
        f = decorator(f)
    return f


@person.command("add", help=_("Add a contact; under a lead-enabled company it gets the default lead status (Open)."))
@click.option(
    "--company",
    "company_id",
    type=RecordId(_("Company")),
    help=_("The company's id (leave out for a contact without one)."),
)
@_person_fields
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_add(opts: Options, company_id: int | None, as_json: bool, **values: Any) -> None:
    from leadtui.services import contacts as svc

    def go(db, actor):
        data = _person_data(**values)
        if company_id is not None:
            data["company"] = company_id
        return svc.create_contact(db, actor, data)

    item = run(opts, go)
    _print_person(item, as_json, None if as_json else _("Added contact {id} '{name}'."))


@person.command("set", help=_("Change a contact: lead status, names, email, opt-in; --company moves it."))
@click.argument("contact_id", metavar="ID", type=RecordId(_("Contact")))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("Move the contact to this company."))
@click.option("--no-company", is_flag=True, help=_("Disconnect the contact from its company."))
@click.option(
    "--activities",
    "carry",
    default="leave",
    show_default=True,
    metavar="leave|all|from:DATE",
    help=_(
        "With --company or --no-company: the contact's follow-ups and sales on its old company stay there "
        "(leave), move with it (all), or move when dated on or after DATE (from:DATE)."
    ),
)
@_person_fields
@click.option("--expect-version", type=int, help=_("Refuse (exit 5) if someone saved after this version."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_set(
    opts: Options,
    contact_id: int,
    company_id: int | None,
    no_company: bool,
    carry: str,
    expect_version: int | None,
    as_json: bool,
    **values: Any,
) -> None:
    from leadtui.services import contacts as svc

    if company_id is not None and no_company:
        raise click.UsageError(_("--company and --no-company exclude each other."))
    carry, carry_from = _carry_option(carry)
    if carry != "leave" and company_id is None and not no_company:
        raise click.UsageError(_("--activities goes with --company or --no-company (a move)."))

    def go(db, actor):
        data = _person_data(**values)
        if company_id is not None:
            data["company"] = company_id
        elif no_company:
            data["company"] = None
        return svc.update_contact(
            db, actor, contact_id, data, expected_version=expect_version, carry=carry, carry_from=carry_from
        )

    item = run(opts, go)
    _print_person(item, as_json, None if as_json else _("Saved contact {id} '{name}'."))
    note_suggestions(item.category_suggestion)  # lead categorization


def _carry_option(value: str) -> tuple[str, Any]:
    """--activities leave|all|from:DATE -> (carry, carry_from); a bad value is a rule violation (exit 2)."""
    from leadtui.i18n.format import parse_date
    from leadtui.services.errors import RuleViolation

    kind, _sep, rest = value.strip().partition(":")
    kind = kind.strip().lower()
    if kind in ("leave", "all") and not rest:
        return kind, None
    if kind == "from":
        try:
            return "from", parse_date(rest)
        except ValueError as exc:
            raise RuleViolation(
                _("--activities: From date: {error} (from:DATE).").format(error=exc), field="carry_from"
            ) from None
    raise RuleViolation(
        _("--activities: choose leave, all or from:DATE (not '{value}').").format(value=value), field="carry"
    )


@person.command("show", help=_("Show a contact with its lead status."))
@click.argument("contact_id", metavar="ID", type=RecordId(_("Contact")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_show(opts: Options, contact_id: int, as_json: bool) -> None:
    from leadtui.services import contacts as svc

    _print_person(run(opts, lambda db, actor: svc.get_contact(db, actor, contact_id)), as_json)


@person.command("history", help=_("Lead status and category changes of a contact, newest first."))
@click.argument("contact_id", metavar="ID", type=RecordId(_("Contact")))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_history(opts: Options, contact_id: int, as_json: bool) -> None:
    from leadtui.services import contacts as svc

    async def go(db, actor):
        await svc.get_contact(db, actor, contact_id)  # not found -> exit 4
        return await svc.contact_history(db, contact_id)

    rows = run(opts, go)
    if as_json:
        print_json(dump(rows))
        return
    print_table(
        [Column(_("Changed")), Column(_("Field"), 16), Column(_("From"), 24), Column(_("To"), 24), Column(_("By"), 20)],
        [[format_datetime(row.at), row.field_label, row.from_text or "-", row.to_text or "-", row.by] for row in rows],
    )


@person.command("list", help=_("List contacts by last name, a page at a time."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("Only this company's contacts."))
@click.option("--search", default="", help=_("Start of the name or email, ignoring case."))
@click.option(
    "--limit", type=click.IntRange(1, 500), default=50, show_default=True, help=_("At most this many rows (one page).")
)
@click.option(
    "--offset",
    type=click.IntRange(0),
    default=0,
    help=_("Skip this many rows first (the next page starts at --offset plus --limit)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_list(opts: Options, company_id: int | None, search: str, limit: int, offset: int, as_json: bool) -> None:
    from leadtui.services import contacts as svc

    page = run(
        opts,
        lambda db, actor: svc.list_contacts(
            db, actor, company_id=company_id, search=search, offset=offset, limit=limit
        ),
    )
    if as_json:
        print_json(dump(page))
        return
    print_table(
        [
            Column(_("ID"), right=True),
            Column(_("Name"), 28),
            Column(_("Company"), 24),
            Column(_("Lead status"), 14),
            Column(_("Email"), 36),
        ],
        [
            [row.id, row.name, row.company, row.lead_status if row.lead_status_visible else "", row.email]
            for row in page.items
        ],
    )
    click.echo(
        _("{first}-{last} of {total}").format(
            first=format_number(offset + 1 if page.items else 0),
            last=format_number(offset + len(page.items)),
            total=format_number(page.total),
        )
    )


@person.command("delete", help=_("Delete a contact (to the recycle bin)."))
@click.argument("contact_id", metavar="ID", type=RecordId(_("Contact")))
@click.option("--yes", is_flag=True, help=_("Do not ask."))
@click.pass_obj
def person_delete(opts: Options, contact_id: int, yes: bool) -> None:
    from leadtui.services import contacts as svc

    if not yes:
        item = run(opts, lambda db, actor: svc.get_contact(db, actor, contact_id))
        click.confirm(_("Delete contact '{name}'?").format(name=item.name), abort=True)
    item = run(opts, lambda db, actor: svc.delete_contact(db, actor, contact_id))
    click.echo(_("Deleted contact {id} '{name}'.").format(id=item.id, name=item.name))


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter(_("give contact ids separated by commas, e.g. 1,2,3"), param_hint="--ids") from None


@person.command(
    "bulk-set",
    help=_("Set one field on many contacts in one transaction; contacts the rules exclude are skipped with a reason."),
)
@click.option("--ids", help=_("Contact ids, separated by commas."))
@click.option("--company", "company_id", type=RecordId(_("Company")), help=_("All contacts of this company."))
@click.option(
    "--field",
    required=True,
    type=click.Choice(["lead_status", "owner", "email_opt_in"]),
    help=_("The field to set: lead status, Our contact (owner) or email opt-in."),
)
@click.option("--value", required=True, help=_("Lead status name, user login ('' for none), or yes/no."))
@click.option("--dry-run", is_flag=True, help=_("Only count what would change, are already so and are skipped."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def person_bulk_set(
    opts: Options, ids: str | None, company_id: int | None, field: str, value: str, dry_run: bool, as_json: bool
) -> None:
    from leadtui.services import bulk

    contact_ids = _ids(ids)
    if (contact_ids is None) == (company_id is None):
        raise click.UsageError(_("give either --ids or --company."))
    call = bulk.preview_bulk_update if dry_run else bulk.apply_bulk_update
    result = run(opts, lambda db, actor: call(db, actor, field, value, contact_ids=contact_ids, company_id=company_id))
    if as_json:
        print_json(dump(result))
        return
    verb = _("Would change {n} of {total}") if dry_run else _("Changed {n} of {total}")
    click.echo(
        f"{result.field_label} = {result.value}: "
        + verb.format(n=result.will_change, total=result.total)
        + "; "
        + _("{unchanged} already so; {skipped} skipped.").format(
            unchanged=result.unchanged, skipped=result.skipped_total
        )
    )
    for reason, count in result.skipped.items():
        click.echo("  " + _("skipped {n}: {reason}").format(n=count, reason=reason))
