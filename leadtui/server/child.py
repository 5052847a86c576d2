"""The TUI of one served SSH session: `python -m leadtui.server.child`, started only by the server (session.py).

The server passes what the session is (the database URL, the user's id by their key, the language, the client's
terminal type) as one JSON line on a pipe whose number is in LEADTUI_SERVED_CONFIG_FD: not in the environment,
and nothing the SSH client sends reaches it. LEADTUI_USER, LEADTUI_DATABASE_URL and --user play no part.

A warm child (LEADTUI_SERVED_WARM=1) imports the TUI and the database layer first and then waits for its line,
so a session starts without paying for the imports (the server keeps a few ready).
"""

from __future__ import annotations

import json
import os
import sys

PRELOAD = ("leadtui.app", "leadtui.backend", "leadtui.services.database", "leadtui.services.keys",
           "leadtui.screens.companies", "leadtui.screens.board", "leadtui.screens.contacts", "aiosqlite", "asyncpg")


def _read_config(fd: int) -> dict:
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read(65536)
    return json.loads(data.decode("utf-8")) if data.strip() else {}


def main() -> int:
    for name in ("LEADTUI_USER", "LEADTUI_DATABASE_URL", "LEADTUI_LANG"):
        os.environ.pop(name, None)
    fd = os.environ.pop("LEADTUI_SERVED_CONFIG_FD", "")
    if not fd.isdigit():
        print("leadtui: this program is started by `leadtui serve ssh` only", file=sys.stderr)
        return 1
    if os.environ.pop("LEADTUI_SERVED_WARM", ""):
        import importlib

        for module in PRELOAD:
            try:
                importlib.import_module(module)
            except ImportError:  # e.g. asyncpg not installed: the session imports what it needs
                pass
    config = _read_config(int(fd))
    if not config:  # the server stopped before it needed this warm child
        return 0
    os.environ.update({key: str(value) for key, value in config.get("env", {}).items()})
    from leadtui.app import LeadApp

    app = LeadApp(db_url=config["db_url"], lang=config.get("lang") or None, served_user_id=int(config["user_id"]))
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
