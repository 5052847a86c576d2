"""The `leadtui` command group and what every subcommand shares.

`leadtui` opens the TUI without a subcommand; every subcommand is a thin call into services/.

Exit codes (DESIGN.md): 0 done, 1 usage, 2 rule violation or bad input, 3 permission denied, 4 not found,
5 stale edit. Errors are one line on stderr, never a traceback (set LEADTUI_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from leadtui import exit_codes
from leadtui.cli._click_i18n import LeadGroup
from leadtui.i18n import N_, _

T = TypeVar("T")
LANG_CHOICE = click.Choice(["en", "da", "nl", "nb"])
MAX_ID = 2**63 - 1  # the databases' integer range (leadtui.services.lookup.MAX_ID)


class RecordId(click.ParamType):
    """The number of a record (company, contact, sale ...). A number beyond the databases' integer range names no
    record: refused here, as not found (an argument, exit 4) or as bad input (an option, exit 2), before it reaches a
    query that the driver would refuse with a dump."""

    name = "integer"

    def __init__(self, label: str) -> None:
        self.label = label

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number = click.INT.convert(value, param, ctx)
        if -MAX_ID <= number <= MAX_ID:
            return number
        from leadtui.services.errors import NotFound, RuleViolation

        message = _("{label}: there is no record with number {number}.").format(label=_(self.label), number=number)
        if isinstance(param, click.Argument):
            raise NotFound(message)
        raise RuleViolation(message, field=param.name if param else None)


@dataclass
class Options:
    db: str | None
    user: str | None
    lang: str | None

    def settings(self):  # noqa: ANN201
        from leadtui.config import load_settings

        return load_settings(database_url=self.db, user=self.user, lang=self.lang)


class InertStream:
    """stdout/stderr of a command: every text written goes through leadtui.text.visible_output, so a name holding
    ESC, BEL, C1 or bidi overrides (stored before they were refused) is printed visibly instead of being obeyed
    by the terminal. One place for every table, message and error line, whoever prints them."""

    def __init__(self, stream: Any) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click asks with b"" whether this is a binary stream: it is not
            raise TypeError("text only")
        from leadtui.text import visible_output

        self.raw.write(visible_output(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # no way around the filter (click would write to the bytes below)
            raise AttributeError(name)
        return getattr(self.raw, name)


def terminal_stderr() -> Any:
    """stderr without the filter, for click.progressbar (its cursor codes are ours; its label holds no data)."""
    return getattr(sys.stderr, "raw", sys.stderr)


def _fail(message: str, code: int) -> None:
    # one line, whatever the message quotes (a name with a line break in it)
    click.echo("leadtui: " + " ".join(str(message).splitlines()), err=True)
    sys.exit(code)


def _usage_error(exc: click.exceptions.UsageError) -> None:
    """click's usage errors on one line (click prints Usage, Try ... and Error on four)."""
    text = _("Error: {message}").format(message=exc.format_message())
    ctx = exc.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        text += " " + _("Try '{command} {option}' for help.").format(
            command=ctx.command_path, option=ctx.help_option_names[0]
        )
    _fail(text, exit_codes.USAGE)


def _number_too_large(exc: BaseException) -> bool:
    """The driver refused an integer beyond its column's range (SQLite: 64 bits; PostgreSQL: INTEGER, 32 bits)."""
    if isinstance(exc, OverflowError):
        return True
    orig = getattr(exc, "orig", None)
    if orig is None:
        return False
    return (
        getattr(orig, "sqlstate", None) == "22003"
        or isinstance(orig, OverflowError)
        or isinstance(orig.__cause__, OverflowError)
        or "out of int" in str(orig)
    )


def run(opts: Options, action: Callable[..., Awaitable[T]], *, needs_user: bool = True) -> T:
    """Open the database (creating it on first use), resolve the user and run one service action.

    The user is resolved for every command, reads included: an unknown or inactive login is refused (exit 3)
    whether or not the action needs to know who it is (`needs_user=False` only means it takes no actor)."""
    import asyncio

    from leadtui.services.errors import DomainError

    async def go() -> T:
        from leadtui.i18n import LANGUAGES, set_language
        from leadtui.services import database

        settings = opts.settings()
        if settings.lang in LANGUAGES:  # as chosen before the commands were built (cli/__init__.py)
            set_language(settings.lang)
        db, _created = await database.open_or_create(
            settings.resolved_database_url(), lang=settings.lang or "en", login=settings.resolved_user()
        )
        try:
            actor = await database.resolve_actor(db, settings.resolved_user())
            if needs_user:
                return await action(db, actor)
            return await action(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail(_("interrupted"), exit_codes.USAGE)
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("LEADTUI_DEBUG"):
            raise
        if _number_too_large(exc):  # a number the services passed on unchecked: bad input all the same
            _fail(_("A number given is too large for the database; nothing was changed."), exit_codes.RULE_VIOLATION)
        # the kind of error only: a database error's text carries the SQL, its parameters and the driver's dump
        _fail(
            _("unexpected error ({kind}); set LEADTUI_DEBUG=1 to see the details").format(kind=type(exc).__name__),
            exit_codes.RULE_VIOLATION,
        )
    raise AssertionError("unreachable")


def formula_guard_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--formula-guard/--no-formula-guard for every command that writes CSV (leadtui.text.guard_formula)."""
    return click.option(
        "--formula-guard/--no-formula-guard",
        "formula_guard",
        default=True,
        help=_(
            "CSV: a text cell starting with = + - @ or a tab gets a leading ' so that a spreadsheet shows it "
            "instead of running it as a formula (on by default; numbers stay numbers)."
        ),
    )(command)


def print_json(data: Any) -> None:
    import json

    from leadtui.text import json_inert

    click.echo(json_inert(json.dumps(data, indent=2, ensure_ascii=False, default=str)))


def dump(model: Any) -> Any:
    if isinstance(model, list):
        return [dump(item) for item in model]
    return model.model_dump(mode="json")


@click.group(
    cls=LeadGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_(
        "leadtui: a keyboard-driven terminal CRM for leads and the sales pipeline.\n\n"
        "Without a command it opens the TUI, creating the database with its default lists on first run."
    ),
)
@click.option(
    "--db",
    "db",
    metavar=N_("URL"),
    help=_("Database URL or SQLite file (else LEADTUI_DATABASE_URL, else the default file)."),
)
@click.option("--user", metavar=N_("LOGIN"), help=_("Act as this user (else LEADTUI_USER, else the OS login)."))
@click.option(
    "--lang",
    type=LANG_CHOICE,
    help=_("Language of messages (else LEADTUI_LANG, else the locale) and of a new database's lists."),
)
@click.option("--demo", is_flag=True, help=_("Open the TUI on a fresh demo database in a temporary file."))
@click.version_option(package_name="leadtui")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, lang: str | None, demo: bool) -> None:
    ctx.obj = Options(db=db, user=user, lang=lang)
    if ctx.invoked_subcommand is None:
        from leadtui.app import run_app

        if demo:
            sys.exit(_run_demo(ctx.obj))
        sys.exit(run_app(db=db, user=user, lang=lang))


def _run_demo(opts: Options) -> int:
    """A demo database in a temporary folder, removed when the TUI closes."""
    import tempfile
    from pathlib import Path

    from leadtui.app import run_app

    settings = opts.settings()
    with tempfile.TemporaryDirectory(prefix="leadtui-demo-") as folder:
        path = Path(folder) / "demo.db"
        user = settings.resolved_user()
        from leadtui.services.demo import DEMO_LOGINS

        # --user rep1 (a login of the demo team, README): built by an administrator, opened as that user
        builder = "admin" if user in DEMO_LOGINS else user
        demo_opts = Options(db=str(path), user=builder, lang=settings.lang)

        async def build(db, actor):  # noqa: ANN001, ANN202
            from leadtui.services import demo

            return await demo.generate(db, actor, companies=150, seed=1)

        click.echo(_("Building the demo database ..."), err=True)
        run(demo_opts, build)
        return run_app(db=str(path), user=user, lang=settings.lang)


@cli.command(help=_("Create a database with the default lists; the current OS user becomes its first administrator."))
@click.option(
    "--lang",
    "init_lang",
    type=LANG_CHOICE,
    help=_("Language of the default lists (default: --lang, LEADTUI_LANG or en)."),
)
@click.option("--force", is_flag=True, help=_("Replace an existing database; all its data is lost."))
@click.pass_obj
def init(opts: Options, init_lang: str | None, force: bool) -> None:
    import asyncio

    from leadtui.services.errors import DomainError

    settings = opts.settings()
    lang = init_lang or settings.lang or "en"

    async def go() -> str:
        from leadtui.services import database, rights

        url = settings.resolved_database_url()
        if force:  # replacing needs an administrator of the database, or the file's writer when it is unreadable
            right = await rights.ensure_may_replace_database(url, settings.resolved_user())
            if right.unreadable:
                await _discard_unreadable(url)
        db = await database.init_database(url, lang=lang, login=settings.resolved_user(), force=force)
        await db.dispose()
        return url

    try:
        url = asyncio.run(go())
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(
        _("Created {url} ({lang}); administrator: {login}").format(url=url, lang=lang, login=settings.resolved_user())
    )


async def _discard_unreadable(url: str) -> None:
    """init --force over a SQLite file that cannot be read as a leadtui database, which the OS user may write
    (rights.ensure_may_replace_database checked it): remove it so init can build it anew. On PostgreSQL nothing
    is dropped here: tables that are not leadtui's are left to the server's own tools."""
    from leadtui.model.engine import is_sqlite, sqlite_path

    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None and path.is_file():
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = InertStream(sys.stdout), InertStream(sys.stderr)
    try:
        _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str] | None = None) -> None:
    from leadtui.services.errors import DomainError

    try:
        code = cli.main(args=argv, prog_name="leadtui", standalone_mode=False)
    except DomainError as exc:  # refused while the arguments were read (RecordId)
        _fail(str(exc), exc.exit_code)
    except click.exceptions.UsageError as exc:
        _usage_error(exc)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exit_codes.USAGE)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(exit_codes.USAGE)
    sys.exit(code if isinstance(code, int) else 0)
