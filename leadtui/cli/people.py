"""`leadtui company ...` and `leadtui person ...`: companies and contacts, lead status, bulk update.

Lists (category, lead status) and users (--owner) are given by name, ignoring case; an unknown one is a rule
violation (exit 2) naming the field. `--expect-version N` refuses to save over a newer save (exit 5).
"""

from __future__ import annotations

from typing import Any

import click

from leadtui.cli.core import Options, cli, dump, print_json, run


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        data[key] = value


def _owner(data: dict[str, Any], owner: str | None, no_owner: bool) -> None:
    if no_owner:
        data["owner"] = None
    elif owner is not None:
        data["owner"] = owner


# --------------------------------------------------------------------------- company


@cli.group()
def company() -> None:
    """Companies: add, set, show, list, delete."""


def _print_company(item: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(item))
        return
    if verb:
        click.echo(f"{verb} company {item.id} '{item.name}'.")
        return
    lead = "  (lead status on)" if item.lead_status_enabled else ""
    click.echo(f"{item.name}  [id {item.id}, version {item.version}]")
    click.echo(f"  Category:     {item.category} ({item.category_group}){lead}")
    click.echo(f"  Our contact:  {item.owner_name or '(No selection)'}")
    for label, value in (("Email", item.email), ("Website", item.website), ("Domain", item.domain),
                         ("Phone", item.phone), ("City", item.city)):
        if value:
            click.echo(f"  {label + ':':<13} {value}")
    click.echo(f"  Contacts:     {item.contact_count}")


def _company_fields(f):
    for decorator in reversed([
        click.option("--owner", metavar="LOGIN", help="Our contact (a user's login)."),
        click.option("--no-owner", is_flag=True, help="No Our contact ((No selection))."),
        click.option("--email"), click.option("--website"), click.option("--domain"), click.option("--phone"),
        click.option("--business", help="From the list Company - Business."),
        click.option("--address"), click.option("--zip", "zip_code"), click.option("--city"), click.option("--country"),
        click.option("--note"),
    ]):
        f = decorator(f)
    return f


def _company_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("name", "category", "email", "website", "domain", "phone", "business", "address", "zip_code", "city",
                "country", "note"):
        _put(data, key, values.get(key))
    _owner(data, values.get("owner"), values.get("no_owner", False))
    return data


@company.command("add")
@click.argument("name")
@click.option("--category", required=True, help="From the list Company - Category (by name).")
@_company_fields
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def company_add(opts: Options, name: str, as_json: bool, **values: Any) -> None:
    """Add a company; you are its Our contact unless --owner or --no-owner says otherwise."""
    from leadtui.services import companies as svc

    item = run(opts, lambda db, actor: svc.create_company(db, actor, _company_data(name=name, **values)))
    _print_company(item, as_json, None if as_json else "Added")


@company.command("set")
@click.argument("company_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--category", help="From the list Company - Category; carries the lead status rules to its contacts.")
@_company_fields
@click.option("--expect-version", type=int, help="Refuse (exit 5) if someone saved after this version.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def company_set(opts: Options, company_id: int, expect_version: int | None, as_json: bool, **values: Any) -> None:
    """Change a company's fields."""
    from leadtui.services import companies as svc

    item = run(opts, lambda db, actor: svc.update_company(db, actor, company_id, _company_data(**values),
                                                          expected_version=expect_version))
    _print_company(item, as_json, None if as_json else "Saved")


@company.command("show")
@click.argument("company_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def company_show(opts: Options, company_id: int, as_json: bool) -> None:
    """Show a company."""
    from leadtui.services import companies as svc

    _print_company(run(opts, lambda db, actor: svc.get_company(db, actor, company_id)), as_json)


@company.command("list")
@click.option("--search", default="", help="Start of the name or domain, ignoring case.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def company_list(opts: Options, search: str, limit: int, offset: int, as_json: bool) -> None:
    """List companies in name order, a page at a time."""
    from leadtui.services import companies as svc

    page = run(opts, lambda db, actor: svc.list_companies(db, actor, search=search, offset=offset, limit=limit))
    if as_json:
        print_json(dump(page))
        return
    for row in page.items:
        click.echo(f"{row.id:>7}  {row.name:<36.36} {row.category:<24.24} {row.owner_name:<16.16} {row.contact_count:>5}")
    click.echo(f"{offset + 1 if page.items else 0}-{offset + len(page.items)} of {page.total}")


@company.command("delete")
@click.argument("company_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_obj
def company_delete(opts: Options, company_id: int, yes: bool) -> None:
    """Delete a company and its contacts (to the recycle bin; `company restore` brings them back)."""
    from leadtui.services import companies as svc

    if not yes:
        item = run(opts, lambda db, actor: svc.get_company(db, actor, company_id))
        sales = run(opts, lambda db, actor: svc.sales_count(db, company_id))
        click.confirm(f"Delete company '{item.name}' with its {item.contact_count} contact(s)"
                      f"{f' ({sales} sale(s) stay)' if sales else ''}?", abort=True)
    item = run(opts, lambda db, actor: svc.delete_company(db, actor, company_id))
    click.echo(f"Deleted company {item.id} '{item.name}' and its contacts.")


@company.command("restore")
@click.argument("company_id", metavar="ID", type=int)
@click.pass_obj
def company_restore(opts: Options, company_id: int) -> None:
    """Bring a deleted company back with the contacts deleted with it."""
    from leadtui.services import companies as svc

    item = run(opts, lambda db, actor: svc.restore_company(db, actor, company_id))
    click.echo(f"Restored company {item.id} '{item.name}'.")


# --------------------------------------------------------------------------- person


@cli.group()
def person() -> None:
    """Contacts (persons): add, set (lead status, move ...), show, list, delete, bulk-set."""


def _print_person(item: Any, as_json: bool, verb: str | None = None) -> None:
    if as_json:
        print_json(dump(item))
        return
    if verb:
        click.echo(f"{verb} contact {item.id} '{item.name}'.")
        return
    click.echo(f"{item.name}  [id {item.id}, version {item.version}]")
    click.echo(f"  Company:      {item.company_name or '(No selection)'}")
    click.echo(f"  Category:     {item.category or '-'}{f' ({item.category_group})' if item.category_group else ''}")
    if item.lead_status_visible:
        days = f", {item.days_in_status} day(s)" if item.days_in_status is not None else ""
        click.echo(f"  Lead status:  {item.lead_status}{days}{'' if item.lead_status_editable else ' (read-only)'}")
        if item.lead_status_description:
            click.echo(f"                {item.lead_status_description}")
    elif item.lead_status:
        click.echo(f"  Lead status:  {item.lead_status} (kept, read-only: not a lead category)")
    click.echo(f"  Our contact:  {item.owner_name or '(No selection)'}")
    for label, value in (("Email", item.email), ("Title", item.title), ("Mobile", item.mobile), ("Phone", item.phone)):
        if value:
            click.echo(f"  {label + ':':<13} {value}")
    click.echo(f"  Email opt-in: {'yes' if item.email_opt_in else 'no'}")


def _person_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for option, key in (("first", "first_name"), ("last", "last_name"), ("email", "email"), ("title", "title"),
                        ("mobile", "mobile"), ("phone", "phone"), ("lead_status", "lead_status"),
                        ("category", "category"), ("note", "note"), ("opt_in", "email_opt_in")):
        _put(data, key, values.get(option))
    _owner(data, values.get("owner"), values.get("no_owner", False))
    return data


def _person_fields(f):
    for decorator in reversed([
        click.option("--first", help="First name."), click.option("--last", help="Last name."),
        click.option("--email"), click.option("--title"), click.option("--mobile"), click.option("--phone"),
        click.option("--opt-in/--no-opt-in", "opt_in", default=None, help="Email opt-in."),
        click.option("--lead-status", help="From the list Contact - Lead status (lead categories only)."),
        click.option("--category", help="Own category (only contacts without a company)."),
        click.option("--owner", metavar="LOGIN", help="Own Our contact (only contacts without a company)."),
        click.option("--no-owner", is_flag=True, help="No Our contact (only contacts without a company)."),
        click.option("--note"),
    ]):
        f = decorator(f)
    return f


@person.command("add")
@click.option("--company", "company_id", type=int, help="The company's id (leave out for a contact without one).")
@_person_fields
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_add(opts: Options, company_id: int | None, as_json: bool, **values: Any) -> None:
    """Add a contact; under a lead-enabled company it gets the default lead status (Open)."""
    from leadtui.services import contacts as svc

    def go(db, actor):
        data = _person_data(**values)
        if company_id is not None:
            data["company"] = company_id
        return svc.create_contact(db, actor, data)

    item = run(opts, go)
    _print_person(item, as_json, None if as_json else "Added")


@person.command("set")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--company", "company_id", type=int, help="Move the contact to this company.")
@click.option("--no-company", is_flag=True, help="Disconnect the contact from its company.")
@_person_fields
@click.option("--expect-version", type=int, help="Refuse (exit 5) if someone saved after this version.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_set(opts: Options, contact_id: int, company_id: int | None, no_company: bool, expect_version: int | None,
               as_json: bool, **values: Any) -> None:
    """Change a contact: lead status, names, email, opt-in; --company moves it."""
    from leadtui.services import contacts as svc

    if company_id is not None and no_company:
        raise click.UsageError("--company and --no-company exclude each other.")

    def go(db, actor):
        data = _person_data(**values)
        if company_id is not None:
            data["company"] = company_id
        elif no_company:
            data["company"] = None
        return svc.update_contact(db, actor, contact_id, data, expected_version=expect_version)

    item = run(opts, go)
    _print_person(item, as_json, None if as_json else "Saved")


@person.command("show")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_show(opts: Options, contact_id: int, as_json: bool) -> None:
    """Show a contact with its lead status."""
    from leadtui.services import contacts as svc

    _print_person(run(opts, lambda db, actor: svc.get_contact(db, actor, contact_id)), as_json)


@person.command("history")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_history(opts: Options, contact_id: int, as_json: bool) -> None:
    """Lead status and category changes of a contact, newest first."""
    from leadtui.services import contacts as svc

    async def go(db, actor):
        await svc.get_contact(db, actor, contact_id)  # not found -> exit 4
        return await svc.contact_history(db, contact_id)

    rows = run(opts, go)
    if as_json:
        print_json(dump(rows))
        return
    for row in rows:
        click.echo(f"{row.at:%Y-%m-%d %H:%M}  {row.field_label:<12} {row.from_text or '-':<20} -> "
                   f"{row.to_text or '-':<20} {row.by}")


@person.command("list")
@click.option("--company", "company_id", type=int, help="Only this company's contacts.")
@click.option("--search", default="", help="Start of the name or email, ignoring case.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_list(opts: Options, company_id: int | None, search: str, limit: int, offset: int, as_json: bool) -> None:
    """List contacts by last name, a page at a time."""
    from leadtui.services import contacts as svc

    page = run(opts, lambda db, actor: svc.list_contacts(db, actor, company_id=company_id, search=search, offset=offset,
                                                         limit=limit))
    if as_json:
        print_json(dump(page))
        return
    for row in page.items:
        status = row.lead_status if row.lead_status_visible else ""
        click.echo(f"{row.id:>7}  {row.name:<28.28} {row.company:<24.24} {status:<14.14} {row.email}")
    click.echo(f"{offset + 1 if page.items else 0}-{offset + len(page.items)} of {page.total}")


@person.command("delete")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_obj
def person_delete(opts: Options, contact_id: int, yes: bool) -> None:
    """Delete a contact (to the recycle bin)."""
    from leadtui.services import contacts as svc

    if not yes:
        item = run(opts, lambda db, actor: svc.get_contact(db, actor, contact_id))
        click.confirm(f"Delete contact '{item.name}'?", abort=True)
    item = run(opts, lambda db, actor: svc.delete_contact(db, actor, contact_id))
    click.echo(f"Deleted contact {item.id} '{item.name}'.")


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter("give contact ids separated by commas, e.g. 1,2,3", param_hint="--ids") from None


@person.command("bulk-set")
@click.option("--ids", help="Contact ids, separated by commas.")
@click.option("--company", "company_id", type=int, help="All contacts of this company.")
@click.option("--field", required=True, type=click.Choice(["lead_status", "owner", "email_opt_in"]))
@click.option("--value", required=True, help="Lead status name, user login ('' for none), or yes/no.")
@click.option("--dry-run", is_flag=True, help="Only count what would change, are already so and are skipped.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def person_bulk_set(opts: Options, ids: str | None, company_id: int | None, field: str, value: str, dry_run: bool,
                    as_json: bool) -> None:
    """Set one field on many contacts in one transaction; contacts the rules exclude are skipped with a reason."""
    from leadtui.services import bulk

    contact_ids = _ids(ids)
    if (contact_ids is None) == (company_id is None):
        raise click.UsageError("give either --ids or --company.")
    call = bulk.preview_bulk_update if dry_run else bulk.apply_bulk_update
    result = run(opts, lambda db, actor: call(db, actor, field, value, contact_ids=contact_ids, company_id=company_id))
    if as_json:
        print_json(dump(result))
        return
    verb = "Would change" if dry_run else "Changed"
    click.echo(f"{result.field_label} = {result.value}: {verb} {result.will_change} of {result.total}; "
               f"{result.unchanged} already so; {result.skipped_total} skipped.")
    for reason, count in result.skipped.items():
        click.echo(f"  skipped {count}: {reason}")
