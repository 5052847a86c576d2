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
from leadtui.i18n import _


@cli.group(help=_("Serve leadtui to others: over SSH (each user signs in with their key) or in a browser (demos)."))
def serve() -> None:
    pass


@serve.command("ssh", help=_("Serve the TUI over SSH: each user signs in with their own key (leadtui users key add) "
                             "and gets their own session. Only the server's account needs the database."))
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", default=2222, show_default=True, type=click.IntRange(0, 65535), help=_("Port to listen on."))
@click.option("--host-key", "host_key", type=click.Path(dir_okay=False, path_type=Path),
              help=_("The server's private host key (generated as ed25519 on first start; default: in the user "
                     "config directory)."))
@click.option("--max-sessions", type=click.IntRange(min=1), help=_("Refuse sessions beyond this many at once."))
@click.option("--idle-timeout", type=click.FloatRange(min=0, min_open=True), metavar="MIN",
              help=_("End a session after this many minutes without a key press."))
@click.option("--warm-sessions", "warm", type=click.IntRange(0, 50), default=2, show_default=True,
              help=_("Keep this many session processes ready (the TUI already loaded), so a session opens faster."))
@click.pass_obj
def serve_ssh(opts: Options, host: str, port: int, host_key: Path | None, max_sessions: int | None,
              idle_timeout: float | None, warm: int) -> None:
    from leadtui.services.errors import DomainError

    if opts.user or os.environ.get("LEADTUI_USER"):
        click.echo(_("leadtui: --user and LEADTUI_USER have no effect here: in a served session the key is the "
                     "identity."), err=True)
    try:
        code = asyncio.run(_serve_ssh(opts, host, port, host_key, max_sessions, idle_timeout, warm))
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        code = 0
    raise SystemExit(code)


async def _serve_ssh(opts: Options, host: str, port: int, host_key: Path | None, max_sessions: int | None,
                     idle_timeout: float | None, warm: int) -> int:
    from leadtui.server.ssh import LeadServer, ServeOptions, default_host_key_path
    from leadtui.services import database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = opts.settings()
    url = settings.resolved_database_url()
    db, _created = await database.open_or_create(url, lang=settings.lang or "en", login=settings.resolved_user())
    try:
        lang = settings.lang or await database.database_language(db)
        server = LeadServer(db, url, ServeOptions(host=host, port=port, host_key=host_key, max_sessions=max_sessions,
                                                  idle_timeout=idle_timeout * 60 if idle_timeout else None,
                                                  lang=lang, warm=warm))
        try:
            await server.start()
        except OSError as exc:
            _fail(_("Port: cannot listen on {host}:{port}: {reason}").format(host=host, port=port,
                                                                            reason=exc.strerror or exc),
                  exit_codes.RULE_VIOLATION)
        key_path = host_key or default_host_key_path()
        click.echo(_("leadtui serves {database} over SSH on {host}:{port}").format(
            database=database._describe(url), host=host, port=server.port))
        click.echo(_("Host key {fingerprint} ({path}{created})").format(
            fingerprint=server.fingerprint, path=key_path, created=", " + _("new") if server.host_key_created else ""))
        click.echo(_("Users connect with: ssh -p {port} {host}   (their key says who they are; ctrl+c stops)").format(
            port=server.port, host=host))
        if not await _any_key(db):
            click.echo(_("No user has a key yet: add one with: leadtui users key add LOGIN ~/.ssh/id_ed25519.pub"))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        click.echo(_("Stopping: ending {n} sessions ...").format(n=len(server.sessions)), err=True)
        await server.close()
    finally:
        await db.dispose()
    return 0


async def _any_key(db) -> bool:  # noqa: ANN001
    from leadtui.services import keys

    return await keys.any_key(db)
