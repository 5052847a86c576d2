"""`leadtui serve web`: the TUI in a browser through textual-serve, for demos.

It has no sign-in: whoever opens the page acts as one fixed user. Hence, by default, a fresh demo database in a
temporary folder (removed at the end); a real database only when the caller says so explicitly; and only on a
loopback address unless `--public`.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys

from leadtui.i18n import _
from leadtui.services.errors import RuleViolation


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, public: bool) -> None:
    if not public and not is_loopback(host):
        raise RuleViolation(
            _(
                "Host: {host} is reachable from other machines and the web page has no sign-in; pass "
                "--public to serve it there anyway."
            ).format(host=host),
            field="host",
        )


def serve(*, db_url: str, login: str, lang: str | None, host: str, port: int) -> None:
    """Serve until ctrl+c / SIGTERM. The database URL goes to each app process in its environment, not on its
    command line (where `ps` would show a password)."""
    from textual_serve.server import Server

    os.environ["LEADTUI_DATABASE_URL"] = db_url
    os.environ.pop("LEADTUI_USER", None)
    command = [sys.executable, "-m", "leadtui", "--user", login] + (["--lang", lang] if lang else [])
    Server(shlex.join(command), host=host, port=port, title="leadtui").serve()
