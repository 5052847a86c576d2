"""`leadtui serve ssh` (the TUI for each user over SSH, the key is the identity) and `leadtui serve web` (demos)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, _fail, cli
from leadtui.i18n import _, ngettext


@cli.group(help=_("Serve leadtui to others: over SSH (each user signs in with their key) or in a browser (demos)."))
def serve() -> None:
    pass


@serve.command(
    "ssh",
    help=_(
        "Serve the TUI over SSH: each user signs in with their own key (leadtui users key add) "
        "and gets their own session. Only the server's account needs the database."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", default=2222, show_default=True, type=click.IntRange(0, 65535), help=_("Port to listen on."))
@click.option(
    "--host-key",
    "host_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_(
        "The server's private host key (generated as ed25519 on first start; default: in the user config directory)."
    ),
)
@click.option("--max-sessions", type=click.IntRange(min=1), help=_("Refuse sessions beyond this many at once."))
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MIN",
    help=_("End a session after this many minutes without a key press."),
)
@click.option(
    "--warm-sessions",
    "warm",
    type=click.IntRange(0, 50),
    default=2,
    show_default=True,
    help=_("Keep this many session processes ready (the TUI already loaded), so a session opens faster."),
)
@click.pass_obj
def serve_ssh(
    opts: Options,
    host: str,
    port: int,
    host_key: Path | None,
    max_sessions: int | None,
    idle_timeout: float | None,
    warm: int,
) -> None:
    from leadtui.services.errors import DomainError

    if opts.user or os.environ.get("LEADTUI_USER"):
        click.echo(
            _("leadtui: --user and LEADTUI_USER have no effect here: in a served session the key is the identity."),
            err=True,
        )
    try:
        code = asyncio.run(_serve_ssh(opts, host, port, host_key, max_sessions, idle_timeout, warm))
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        code = 0
    raise SystemExit(code)


async def _serve_ssh(
    opts: Options,
    host: str,
    port: int,
    host_key: Path | None,
    max_sessions: int | None,
    idle_timeout: float | None,
    warm: int,
) -> int:
    from leadtui.server.ssh import LeadServer, ServeOptions, default_host_key_path
    from leadtui.services import database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = opts.settings()
    url = settings.resolved_database_url()
    db, _created = await database.open_or_create(url, lang=settings.lang or "en", login=settings.resolved_user())
    try:
        lang = settings.lang or await database.database_language(db)
        server = LeadServer(
            db,
            url,
            ServeOptions(
                host=host,
                port=port,
                host_key=host_key,
                max_sessions=max_sessions,
                idle_timeout=idle_timeout * 60 if idle_timeout else None,
                lang=lang,
                warm=warm,
            ),
        )
        try:
            await server.start()
        except OSError as exc:
            _fail(
                _("Port: cannot listen on {host}:{port}: {reason}").format(
                    host=host, port=port, reason=exc.strerror or exc
                ),
                exit_codes.RULE_VIOLATION,
            )
        key_path = host_key or default_host_key_path()
        click.echo(
            _("leadtui serves {database} over SSH on {host}:{port}").format(
                database=database._describe(url), host=host, port=server.port
            )
        )
        click.echo(
            _("Host key {fingerprint} ({path}{created})").format(
                fingerprint=server.fingerprint,
                path=key_path,
                created=", " + _("new") if server.host_key_created else "",
            )
        )
        click.echo(
            _("Users connect with: ssh -p {port} {host}   (their key says who they are; ctrl+c stops)").format(
                port=server.port, host=host
            )
        )
        if not await _any_key(db):
            click.echo(_("No user has a key yet: add one with: leadtui users key add LOGIN ~/.ssh/id_ed25519.pub"))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        click.echo(
            ngettext(
                "Stopping: ending {n} session ...", "Stopping: ending {n} sessions ...", len(server.sessions)
            ).format(n=len(server.sessions)),
            err=True,
        )
        await server.close()
    finally:
        await db.dispose()
    return 0


async def _any_key(db) -> bool:  # noqa: ANN001
    from leadtui.services import keys

    return await keys.any_key(db)


@serve.command(
    "web",
    help=_(
        "Serve the TUI in a browser (textual-serve) for demos: on a fresh demo database in a "
        "temporary file, on 127.0.0.1. The page has no sign-in."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=_("Port to listen on."))
@click.option(
    "--public", is_flag=True, help=_("Allow an address other machines can reach (anyone there acts as the user).")
)
@click.option(
    "--allow-real-database",
    is_flag=True,
    help=_(
        "Serve the database given with --db instead of a demo one: anyone who opens the page acts as "
        "--user, without signing in."
    ),
)
@click.option(
    "--demo-companies",
    type=click.IntRange(1, 5000),
    default=150,
    show_default=True,
    help=_("Size of the demo database."),
)
@click.pass_obj
def serve_web(
    opts: Options, host: str, port: int, public: bool, allow_real_database: bool, demo_companies: int
) -> None:
    import tempfile

    from leadtui.server import web
    from leadtui.services.errors import DomainError

    try:
        web.check_host(host, public)
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    settings = opts.settings()
    login = settings.resolved_user()
    if opts.db:  # only --db counts: LEADTUI_DATABASE_URL set for local use does not make a demo serve real data
        if not allow_real_database:
            _fail(
                _(
                    "Database: the web page has no sign-in, so anyone who opens it acts as '{login}'; pass "
                    "--allow-real-database to serve {database} anyway."
                ).format(login=login, database=opts.db),
                exit_codes.RULE_VIOLATION,
            )
        from leadtui.cli.core import run
        from leadtui.services import database

        run(opts, lambda db, actor: _nothing())  # the database opens and the user exists, else one line and exit
        click.echo(
            _("Serving {database} as '{login}' on http://{host}:{port} (ctrl+c stops)").format(
                database=database._describe(settings.resolved_database_url()), login=login, host=host, port=port
            )
        )
        web.serve(db_url=settings.resolved_database_url(), login=login, lang=settings.lang, host=host, port=port)
        return
    with tempfile.TemporaryDirectory(prefix="leadtui-web-demo-") as folder:
        path = Path(folder) / "demo.db"
        demo = Options(db=str(path), user=login, lang=settings.lang)

        async def build(db, actor):  # noqa: ANN001, ANN202
            from leadtui.services import demo as demo_data

            return await demo_data.generate(db, actor, companies=demo_companies, seed=1)

        from leadtui.cli.core import run

        click.echo(_("Building the demo database ..."), err=True)
        run(demo, build)
        click.echo(
            _("Serving a demo database as '{login}' on http://{host}:{port} (ctrl+c stops)").format(
                login=login, host=host, port=port
            )
        )
        web.serve(db_url="sqlite+aiosqlite:///" + str(path), login=login, lang=settings.lang, host=host, port=port)


async def _nothing() -> None:
    return None
