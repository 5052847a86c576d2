"""The `leadtui` command: opens the TUI without a subcommand; every subcommand is a thin call into services/.

Exit codes (DESIGN.md): 0 done, 1 usage, 2 rule violation or bad input, 3 permission denied, 4 not found,
5 stale edit. Errors are one line on stderr, never a traceback (set LEADTUI_DEBUG=1 to see one).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from leadtui import exit_codes

T = TypeVar("T")
LANG_CHOICE = click.Choice(["en", "da", "nl", "nb"])
LIST_KINDS = ["lead-status", "category", "sale-stage", "sale-type", "reason-sold", "reason-lost", "reason-stalled",
              "sale-source", "competitor", "follow-up-type", "business"]


@dataclass
class Options:
    db: str | None
    user: str | None
    lang: str | None

    def settings(self):  # noqa: ANN201
        from leadtui.config import load_settings

        return load_settings(database_url=self.db, user=self.user, lang=self.lang)


def _fail(message: str, code: int) -> None:
    click.echo(f"leadtui: {message}", err=True)
    sys.exit(code)


def run(opts: Options, action: Callable[..., Awaitable[T]], *, needs_user: bool = True) -> T:
    """Open the database (creating it on first use), resolve the user and run one service action."""
    from leadtui.services.errors import DomainError

    async def go() -> T:
        from leadtui.i18n import set_language
        from leadtui.services import database

        settings = opts.settings()
        if settings.lang:
            set_language(settings.lang)
        db, _created = await database.open_or_create(settings.resolved_database_url(), lang=settings.lang or "en",
                                                      login=settings.resolved_user())
        try:
            if needs_user:
                actor = await database.resolve_actor(db, settings.resolved_user())
                return await action(db, actor)
            return await action(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", exit_codes.USAGE)
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("LEADTUI_DEBUG"):
            raise
        _fail(f"unexpected error: {type(exc).__name__}: {exc}", exit_codes.RULE_VIOLATION)
    raise AssertionError("unreachable")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def dump(model: Any) -> Any:
    if isinstance(model, list):
        return [dump(item) for item in model]
    return model.model_dump(mode="json")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="URL", help="Database URL or SQLite file (else LEADTUI_DATABASE_URL, else the default file).")
@click.option("--user", metavar="LOGIN", help="Act as this user (else LEADTUI_USER, else the OS login).")
@click.option("--lang", type=LANG_CHOICE, help="Language of messages and of a new database's lists.")
@click.version_option(package_name="leadtui")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, lang: str | None) -> None:
    """leadtui: a keyboard-driven terminal CRM for leads and the sales pipeline.

    Without a command it opens the TUI, creating the database with its default lists on first run.
    """
    ctx.obj = Options(db=db, user=user, lang=lang)
    if ctx.invoked_subcommand is None:
        from leadtui.app import run_app

        sys.exit(run_app(db=db, user=user, lang=lang))


@cli.command()
@click.option("--lang", "init_lang", type=LANG_CHOICE, help="Language of the default lists (default: --lang, LEADTUI_LANG or en).")
@click.option("--force", is_flag=True, help="Replace an existing database; all its data is lost.")
@click.pass_obj
def init(opts: Options, init_lang: str | None, force: bool) -> None:
    """Create a database with the default lists; the current OS user becomes its first administrator."""
    from leadtui.services.errors import DomainError

    settings = opts.settings()
    lang = init_lang or settings.lang or "en"

    async def go() -> str:
        from leadtui.services import database

        db = await database.init_database(settings.resolved_database_url(), lang=lang, login=settings.resolved_user(),
                                          force=force)
        await db.dispose()
        return settings.resolved_database_url()

    try:
        url = asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(f"Created {url} ({lang}); administrator: {settings.resolved_user()}")


# --------------------------------------------------------------------------- lists


@cli.group()
def lists() -> None:
    """Settings lists: lead status, category, sale stage, sale type, reasons ... (KIND)."""


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

    for item in items:
        extra = []
        if item.category_group is not None:
            extra.append(category_group_name(item.category_group))
            if item.enable_lead_status:
                extra.append("lead status")
        if item.probability is not None:
            extra.append(f"{item.probability} %")
        if item.is_default:
            extra.append("default")
        if item.deleted:
            extra.append("deleted")
        tail = f"  [{', '.join(extra)}]" if extra else ""
        description = f"  - {item.description}" if item.description else ""
        click.echo(f"{item.name}{tail}{description}")


@lists.command("show")
@_kind_arg()
@click.option("--deleted", is_flag=True, help="Include deleted items.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def lists_show(opts: Options, kind: str, deleted: bool, as_json: bool) -> None:
    """Show a list's items in their order."""
    from leadtui.services import lists as svc

    items = run(opts, lambda db: svc.list_items(db, kind, include_deleted=deleted), needs_user=False)
    _print_items(items, as_json)


@lists.command("add")
@_kind_arg()
@click.argument("name")
@click.option("--description", help="Shown as the tooltip.")
@click.option("--group", help="Category group (category): customer, potential-customer, partner, lost, other.")
@click.option("--lead-status", is_flag=True, default=None, help="Enable lead status for this category.")
@click.option("--probability", type=str, help="Probability in percent (sale stage).")
@click.option("--default", "is_default", is_flag=True, default=None, help="Make this the default lead status.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def lists_add(opts: Options, kind: str, name: str, description: str | None, group: str | None,
              lead_status: bool | None, probability: str | None, is_default: bool | None, as_json: bool) -> None:
    """Add an item to a list (administrators only)."""
    from leadtui.services import lists as svc

    def go(db, actor):  # noqa: ANN001, ANN202
        data = _item_data(name=name, description=description, group=group, lead_status=lead_status,
                          probability=probability, is_default=is_default)
        return svc.add_item(db, actor, kind, data)

    item = run(opts, go)
    _report(item, "Added", as_json)


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
        click.echo(f"{verb} '{item.name}'.")


@lists.command("edit")
@_kind_arg()
@click.argument("name")
@click.option("--name", "new_name", help="New name (renames it everywhere it is used).")
@click.option("--description")
@click.option("--group", help="Category group (category).")
@click.option("--lead-status/--no-lead-status", default=None, help="Enable or disable lead status (category).")
@click.option("--probability", type=str, help="Probability in percent (sale stage).")
@click.option("--default", "is_default", is_flag=True, default=None, help="Make this the default lead status.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def lists_edit(opts: Options, kind: str, name: str, new_name: str | None, description: str | None, group: str | None,
               lead_status: bool | None, probability: str | None, is_default: bool | None, as_json: bool) -> None:
    """Change an item (administrators only)."""
    from leadtui.services import lists as svc

    def go(db, actor):  # noqa: ANN001, ANN202
        data = _item_data(name=new_name, description=description, group=group, lead_status=lead_status,
                          probability=probability, is_default=is_default)
        return svc.edit_item(db, actor, kind, name, data)

    _report(run(opts, go), "Saved", as_json)


@lists.command("delete")
@_kind_arg()
@click.argument("name")
@click.pass_obj
def lists_delete(opts: Options, kind: str, name: str) -> None:
    """Delete (hide) an item; records that use it keep showing its name. Restore brings it back."""
    from leadtui.services import lists as svc

    _report(run(opts, lambda db, actor: svc.delete_item(db, actor, kind, name)), "Deleted", False)


@lists.command("restore")
@_kind_arg()
@click.argument("name")
@click.pass_obj
def lists_restore(opts: Options, kind: str, name: str) -> None:
    """Restore a deleted item."""
    from leadtui.services import lists as svc

    _report(run(opts, lambda db, actor: svc.restore_item(db, actor, kind, name)), "Restored", False)


@lists.command("move")
@_kind_arg()
@click.argument("name")
@click.argument("direction", type=click.Choice(["up", "down"]))
@click.pass_obj
def lists_move(opts: Options, kind: str, name: str, direction: str) -> None:
    """Move an item up or down in its list."""
    from leadtui.services import lists as svc

    items = run(opts, lambda db, actor: svc.move_item(db, actor, kind, name, -1 if direction == "up" else 1))
    _print_items(items, False)


# --------------------------------------------------------------------------- users


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


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="leadtui", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        exc.show()
        sys.exit(exit_codes.USAGE)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exit_codes.USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(exit_codes.USAGE)
    sys.exit(code if isinstance(code, int) else 0)
