"""`leadtui users ...`: users (associates)."""

from __future__ import annotations

import click

from leadtui.cli._table import Column, print_table
from leadtui.cli.core import Options, cli, dump, print_json, run
from leadtui.i18n import _

ROLES = ["administrator", "sales-manager", "sales-rep"]


def _role(role: str) -> str:
    return {"administrator": _("Administrator"), "sales-manager": _("Sales manager"), "sales-rep": _("Sales rep")}.get(
        role, role
    )


@cli.group(help=_("Users (associates)."))
def users() -> None:
    pass


@users.command("add", help=_("Add a user (administrators only)."))
@click.argument("login")
@click.option("--name", "full_name", default="", help=_("Full name."))
@click.option("--role", type=click.Choice(ROLES), default="sales-rep", show_default=True, help=_("Role of the user."))
@click.option("--group", help=_("Primary user group (a name from the General - User group list)."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def users_add(opts: Options, login: str, full_name: str, role: str, group: str | None, as_json: bool) -> None:
    from leadtui.services import users as svc

    data = {"login": login, "full_name": full_name, "role": role, "group": group}
    user = run(opts, lambda db, actor: svc.add_user(db, actor, data))
    if as_json:
        print_json(dump(user))
    else:
        click.echo(_("Added user '{login}' ({role}).").format(login=user.login, role=_role(user.role.value)))


@users.command("set", help=_("Change a user's name, role, group, rights or active flag (administrators only)."))
@click.argument("login")
@click.option("--name", "full_name", help=_("Full name."))
@click.option("--role", type=click.Choice(ROLES), help=_("Role of the user."))
@click.option("--group", help=_("Primary user group ('' clears it)."))
@click.option("--active/--inactive", default=None, help=_("An inactive user cannot open leadtui."))
@click.option(
    "--delete-others-sales/--no-delete-others-sales", default=None, help=_("The right to delete sales owned by others.")
)
@click.option("--bulk-update/--no-bulk-update", default=None, help=_("The right Allow bulk update."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def users_set(
    opts: Options,
    login: str,
    full_name: str | None,
    role: str | None,
    group: str | None,
    active: bool | None,
    delete_others_sales: bool | None,
    bulk_update: bool | None,
    as_json: bool,
) -> None:
    from leadtui.services import users as svc

    data = {
        key: value
        for key, value in {
            "full_name": full_name,
            "role": role,
            "group": group,
            "active": active,
            "delete_others_sales": delete_others_sales,
            "allow_bulk_update": bulk_update,
        }.items()
        if value is not None
    }
    user = run(opts, lambda db, actor: svc.set_user(db, actor, login, data))
    if as_json:
        print_json(dump(user))
    else:
        role = _role(user.role.value) + ("" if user.active else ", " + _("inactive"))
        click.echo(_("Saved user '{login}' ({role}).").format(login=user.login, role=role))


@users.command("list", help=_("List the users."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def users_list(opts: Options, as_json: bool) -> None:
    from leadtui.services import users as svc

    rows = run(opts, lambda db: svc.list_users(db), needs_user=False)
    if as_json:
        print_json(dump(rows))
        return
    print_table(
        [
            Column(_("Login"), 20),
            Column(_("Name"), 30),
            Column(_("Role"), 16),
            Column(_("User group"), 16),
            Column(_("Active")),
        ],
        [
            [row.login, row.full_name, _role(row.role.value), row.group or "", _("yes") if row.active else _("no")]
            for row in rows
        ],
    )


@users.group("key", help=_("SSH public keys: a user signs in to `leadtui serve ssh` with their key."))
def users_key() -> None:
    pass


@users_key.command(
    "add",
    help=_(
        "Give LOGIN a public key: FILE holds one OpenSSH public key line (- reads stdin). "
        "Administrators manage anyone's keys, others their own."
    ),
)
@click.argument("login")
@click.argument("source", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def users_key_add(opts: Options, login: str, source: str, as_json: bool) -> None:
    from leadtui.cli.core import _fail
    from leadtui.services import keys as svc

    try:
        if source == "-":
            # deprecated in click 8.5 (served by a module __getattr__, which type checkers see as object)
            line = click.get_text_stream("stdin").read(svc.KEY_LINE_MAX + 1)  # type: ignore[operator]
        else:
            with open(source, encoding="utf-8", errors="replace") as handle:
                line = handle.read(svc.KEY_LINE_MAX + 1)
    except OSError as exc:
        _fail(_("File: cannot read {file}: {reason}").format(file=source, reason=exc.strerror or exc), 2)
    key = run(opts, lambda db, actor: svc.add_key(db, actor, login, line))
    if as_json:
        print_json(dump(key))
    else:
        click.echo(
            _("Added key {fingerprint} ({comment}) to '{login}'.").format(
                fingerprint=key.fingerprint, comment=key.comment or key.algorithm, login=key.login
            )
        )


@users_key.command("list", help=_("The keys of LOGIN: SHA256 fingerprint, comment, when added."))
@click.argument("login")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def users_key_list(opts: Options, login: str, as_json: bool) -> None:
    from leadtui.i18n.format import format_datetime
    from leadtui.services import keys as svc

    rows = run(opts, lambda db, actor: svc.list_keys(db, actor, login))
    if as_json:
        print_json(dump(rows))
        return
    if not rows:
        click.echo(_("'{login}' has no keys.").format(login=login))
    print_table(
        [Column(_("Fingerprint")), Column(_("Type"), 20), Column(_("Comment"), 30), Column(_("Added"))],
        [[row.fingerprint, row.algorithm, row.comment, format_datetime(row.added_at)] for row in rows],
    )


@users_key.command("remove", help=_("Take a key from LOGIN; their sessions signed in with it end within seconds."))
@click.argument("login")
@click.argument("fingerprint")
@click.pass_obj
def users_key_remove(opts: Options, login: str, fingerprint: str) -> None:
    from leadtui.services import keys as svc

    key = run(opts, lambda db, actor: svc.remove_key(db, actor, login, fingerprint))
    click.echo(_("Removed key {fingerprint} from '{login}'.").format(fingerprint=key.fingerprint, login=key.login))
