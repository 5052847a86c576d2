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

PRELOAD = (
    "leadtui.app",
    "leadtui.backend",
    "leadtui.services.database",
    "leadtui.services.keys",
    "leadtui.screens.companies",
    "leadtui.screens.board",
    "leadtui.screens.contacts",
    "aiosqlite",
    "asyncpg",
)


def confine_files(database_file: str | None) -> None:
    """A served user must not reach the server's files through the TUI (import a CSV, export to a path): that would
    let them read the host key or overwrite the database. From here on this process opens files for writing only
    under /dev (its terminal) and reads only Python's and leadtui's own files and the system's (/usr, /etc, /proc);
    the database itself is opened by SQLite in C, below this check."""
    import site
    from pathlib import Path

    import leadtui

    readable = {
        str(Path(p).resolve())
        for p in (
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            *site.getsitepackages(),
            str(Path(leadtui.__file__).parent),
            "/usr",
            "/etc",
            "/lib",
            "/lib64",
            "/proc",
            "/sys",
            "/dev",
            "/run",
        )
    }
    writable = {"/dev"}
    database = str(Path(database_file).resolve()) if database_file else None
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def inside(path: str, folders: set[str]) -> bool:
        return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)

    def hook(event: str, args: tuple) -> None:
        if event != "open" or isinstance(args[0], int):
            return
        path = os.path.realpath(os.fsdecode(args[0]))
        mode, flags = args[1], args[2] if len(args) > 2 else 0
        writing = bool(set(mode or "") & set("wax+")) or bool((flags or 0) & write_flags)
        if database and (path == database or path.startswith(database + "-")):
            return
        if inside(path, writable) or (not writing and inside(path, readable)):
            return
        raise PermissionError(f"a served leadtui session does not open files on the server ({path})")

    sys.addaudithook(hook)


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
    from leadtui.model.engine import is_sqlite, sqlite_path

    path = sqlite_path(config["db_url"]) if is_sqlite(config["db_url"]) else None
    confine_files(str(path) if path else None)

    app = LeadApp(db_url=config["db_url"], lang=config.get("lang") or None, served_user_id=int(config["user_id"]))
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
