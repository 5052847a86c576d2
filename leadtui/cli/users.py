"""`leadtui users ...`: users (associates)."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run

ROLES = ["administrator", "sales-manager", "sales-rep"]


@cli.group()
def users() -> None:
    """Users (associates)."""


@users.command("add")
@click.argument("login")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--role", type=click.Choice(ROLES), default="sales-rep")
@click.option("--group", help="Primary user group (a name from the General - User group list).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def users_add(opts: Options, login: str, full_name: str, role: str, group: str | None, as_json: bool) -> None:
    """Add a user (administrators only)."""
    from leadtui.services import users as svc

    data = {"login": login, "full_name": full_name, "role": role, "group": group}
    user = run(opts, lambda db, actor: svc.add_user(db, actor, data))
    if as_json:
        print_json(dump(user))
    else:
        click.echo(f"Added user '{user.login}' ({user.role.value}).")


@users.command("set")
@click.argument("login")
@click.option("--name", "full_name", help="Full name.")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--group", help="Primary user group ('' clears it).")
@click.option("--active/--inactive", default=None, help="An inactive user cannot open leadtui.")
@click.option("--delete-others-sales/--no-delete-others-sales", default=None,
              help="The right to delete sales owned by others.")
@click.option("--bulk-update/--no-bulk-update", default=None, help="The right Allow bulk update.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def users_set(opts: Options, login: str, full_name: str | None, role: str | None, group: str | None,
              active: bool | None, delete_others_sales: bool | None, bulk_update: bool | None, as_json: bool) -> None:
    """Change a user's name, role, group, rights or active flag (administrators only)."""
    from leadtui.services import users as svc

    data = {key: value for key, value in {"full_name": full_name, "role": role, "group": group, "active": active,
                                          "delete_others_sales": delete_others_sales,
                                          "allow_bulk_update": bulk_update}.items() if value is not None}
    user = run(opts, lambda db, actor: svc.set_user(db, actor, login, data))
    if as_json:
        print_json(dump(user))
    else:
        click.echo(f"Saved user '{user.login}' ({user.role.value}{'' if user.active else ', inactive'}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def users_list(opts: Options, as_json: bool) -> None:
    """List the users."""
    from leadtui.services import users as svc

    rows = run(opts, lambda db: svc.list_users(db), needs_user=False)
    if as_json:
        print_json(dump(rows))
        return
    for row in rows:
        state = "" if row.active else "  (inactive)"
        click.echo(f"{row.login:<20} {row.full_name:<30} {row.role.value:<14} {row.group or '':<16}{state}")


