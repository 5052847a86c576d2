"""End-to-end: the installed `leadtui` in a real terminal (tmux), driven by keys, read from the screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# one tmux server per test process: two workers sharing a server have had a session painted at 80x24
SOCKET = f"leadtui-e2e-{os.getpid()}"


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "-L", SOCKET, "send-keys", "-t", self.session, key], check=True)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "send-keys", "-t", self.session, "-l", text], check=True)
        time.sleep(0.2)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-L", SOCKET, "capture-pane", "-p", "-t", self.session], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on screen:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    exe = shutil.which("leadtui")
    assert exe, "leadtui is not installed (pip install -e '.[test]')"
    db = tmp_path / "e2e.db"
    session = f"leadtui-e2e-{uuid.uuid4().hex[:8]}"
    # COLUMNS/LINES (set under pytest-xdist) would make Textual paint at that size instead of the window's
    env = "-u COLUMNS -u LINES LEADTUI_USER=admin TERM=xterm-256color"
    command = f"env {env} {shlex.quote(exe)} --db {shlex.quote(str(db))}"
    subprocess.run(
        ["tmux", "-L", SOCKET, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
        check=True,
        env={**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}, "TERM": "xterm-256color"},
    )
    # if leadtui ends (a crash), the pane stays with what it printed, so a failing wait shows the traceback
    subprocess.run(["tmux", "-L", SOCKET, "set-option", "-t", session, "remain-on-exit", "on"], capture_output=True)
    try:
        yield Terminal(session), db
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", session], capture_output=True)
