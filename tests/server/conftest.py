"""A served leadtui on 127.0.0.1 at a free port, and SSH clients whose screen is a terminal emulator (pyte).

Tests assert what a user would see on their terminal, waiting for it (never a fixed sleep): `await
term.wait_for("Acme")`. Each TUI session is a child process, so tests open as few sessions as they can.
"""

from __future__ import annotations

import asyncio
import os
import time
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte
import pytest

from leadtui.server.ssh import LeadServer, ServeOptions
from leadtui.services import companies, database, keys, users
from tests.conftest import PG_URL, reset_postgres

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh

WAIT_SECONDS = float(os.environ.get("LEADTUI_SSH_TEST_WAIT", "40"))  # generous: CI runs many tests at once


class Terminal(asyncssh.SSHClientSession):
    """What the user sees: the byte stream of the session fed into a pyte screen."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.raw = bytearray()
        self.stderr = bytearray()
        self.closed = asyncio.Event()
        self.chan: asyncssh.SSHClientChannel | None = None
        self.conn: asyncssh.SSHClientConnection | None = None

    def connection_made(self, chan: asyncssh.SSHClientChannel) -> None:
        self.chan = chan

    def data_received(self, data: bytes, datatype: Any) -> None:
        if datatype == asyncssh.EXTENDED_DATA_STDERR:
            self.stderr += data
        else:
            self.raw += data
            self.stream.feed(data)
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def everything(self) -> str:
        """The screen plus all text ever sent (a message written after the TUI left its screen)."""
        return self.text() + "\n" + self.raw.decode("utf-8", "replace") + self.stderr.decode("utf-8", "replace")

    async def wait_for(self, condition: str | Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
        check = (lambda: condition in self.text()) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while not check():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.closed.is_set() and not check()):
                state = "the session has closed" if self.closed.is_set() else "timed out"
                status = self.chan.get_exit_status() if self.chan is not None else None
                raise AssertionError(
                    f"{state} waiting for {condition!r} (exit status {status}, {len(self.raw)} bytes "
                    f"received); the screen shows:\n{self.text()}\n"
                    f"stderr: {self.stderr.decode('utf-8', 'replace')}"
                )
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.5))
            except TimeoutError:
                pass

    def press(self, keys: str | bytes) -> None:
        assert self.chan is not None
        self.chan.write(keys.encode() if isinstance(keys, str) else keys)

    def resize(self, columns: int, rows: int) -> None:
        assert self.chan is not None
        self.screen.resize(rows, columns)
        self.chan.change_terminal_size(columns, rows)

    async def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            await self.conn.wait_closed()


async def connect(port: int, key: asyncssh.SSHKey, *, username: str = "whoever") -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=username,
        client_keys=[key],
        known_hosts=None,
        agent_path=None,
        preferred_auth="publickey",
        config=None,
    )


async def open_terminal(
    port: int, key: asyncssh.SSHKey, columns: int = 110, rows: int = 32, *, env: dict[str, str] | None = None
) -> Terminal:
    conn = await connect(port, key)
    _chan, term = await conn.create_session(
        lambda: Terminal(columns, rows),
        term_type="xterm-256color",
        term_size=(columns, rows),
        encoding=None,
        env=env or {},
    )
    term.conn = conn
    return term


@dataclass
class Served:
    server: LeadServer
    db: Any
    url: str
    keys: dict[str, asyncssh.SSHKey]
    actors: dict[str, Any]
    terminals: list[Terminal] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.port

    async def terminal(self, login: str, columns: int = 110, rows: int = 32, **kwargs: Any) -> Terminal:
        term = await open_terminal(self.port, self.keys[login], columns, rows, **kwargs)
        self.terminals.append(term)
        return term

    def child_pids(self) -> set[int]:
        return {s.tui.pid for s in self.server.sessions if s.tui is not None and s.tui.pid}


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """serve(**options) -> Served: a database with users admin (Ada Admin) and rep (Rita Rep), each with a key,
    company Acme, and a server on 127.0.0.1 at a free port."""
    started: list[Served] = []

    async def start(backend: str = "sqlite", **options: Any) -> Served:
        url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
        if backend == "postgresql":
            if not PG_URL:
                pytest.skip("needs PostgreSQL (LEADTUI_TEST_PG_URL)")
            await reset_postgres(PG_URL)
            url = PG_URL
        db = await database.init_database(url, lang="en", login="admin", force=False)
        admin = await database.resolve_actor(db, "admin")
        await users.set_user(db, admin, "admin", {"full_name": "Ada Admin"})
        await users.add_user(db, admin, {"login": "rep", "full_name": "Rita Rep", "role": "sales-rep"})
        await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
        user_keys = {
            login: asyncssh.generate_private_key("ssh-ed25519", comment=f"{login}@test") for login in ("admin", "rep")
        }
        for login, key in user_keys.items():
            await keys.add_key(db, admin, login, key.export_public_key().decode())
        actors = {"admin": await database.resolve_actor(db, "admin"), "rep": await database.resolve_actor(db, "rep")}
        options.setdefault("warm", 0)  # each test opens one or two sessions: no spare processes to start
        opts = ServeOptions(host="127.0.0.1", port=0, host_key=tmp_path / "host_key", poll_interval=0.5, **options)
        server = LeadServer(db, url, opts)
        await server.start()
        served = Served(server=server, db=db, url=url, keys=user_keys, actors=actors)
        started.append(served)
        return served

    yield start
    for served in started:
        for term in served.terminals:
            if term.conn is not None:
                term.conn.close()
        await served.server.close()
        await served.db.dispose()


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for the user; it only waits to be reaped
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


async def eventually(check: Callable[[], Any], timeout: float = WAIT_SECONDS) -> None:
    """Wait until the (async) check is true: for what the server does in the background, such as the audit."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.05)  # poll interval of the condition, not a wait for an outcome
