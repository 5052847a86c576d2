"""`leadtui users ...`: users (associates)."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run


@cli.group()
def users() -> None:
    """Users (associates)."""


@users.command("add")
@click.argument("login")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--role", type=click.Choice(["administrator", "sales-manager", "sales-rep"]), default="sales-rep")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def users_add(opts: Options, login: str, full_name: str, role: str, as_json: bool) -> None:
    """Add a user (administrators only)."""
    from leadtui.services import users as svc

    user = run(opts, lambda db, actor: svc.add_user(db, actor, {"login": login, "full_name": full_name, "role": role}))
    if as_json:
        print_json(dump(user))
    else:
        click.echo(f"Added user '{user.login}' ({user.role.value}).")


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
        click.echo(f"{row.login:<20} {row.full_name:<30} {row.role.value}{state}")


