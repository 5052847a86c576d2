"""`leadtui serve ssh`: an SSH server (asyncssh) that runs the leadtui TUI for the user who owns the key.

Trust model: the server's account alone holds the database; the SSH key is the identity. Public key sign-in only
(no password, no keyboard-interactive, no certificates, no host-based). The name the client gives (`anything@host`)
is ignored: the key says who you are. An interactive session with a pseudo-terminal gets the TUI; a command, a
subsystem (SFTP, SCP), port forwarding, agent and X11 forwarding are refused with one line. Nothing the client
sends in its environment reaches the TUI (session.py builds the child's environment itself).

The server watches the open sessions: a user deactivated or whose key was removed is signed out within
`poll_interval` seconds (2 s), an idle session ends after `idle_timeout`, and stopping the server ends every
session cleanly (the TUI gets SIGTERM and closes; saved changes are in the database already).
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
import warnings
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from leadtui.i18n import N_, _
from leadtui.model.engine import Database
from leadtui.server.session import TuiProcess, WarmPool, session_config
from leadtui.services import keys
from leadtui.services.errors import RuleViolation

with warnings.catch_warnings():  # asyncssh's DSA support warns on import; leadtui never uses DSA
    warnings.simplefilter("ignore")
    import asyncssh

log = logging.getLogger("leadtui.server")

HOST_KEY_NAME = "ssh_host_ed25519_key"
REFUSED_REQUEST = N_(
    "leadtui: this server only opens the leadtui screen; commands, file transfer (SFTP, SCP) "
    "and forwarding are refused."
)


def default_host_key_path() -> Path:
    return Path(user_config_dir("leadtui", appauthor=False)) / HOST_KEY_NAME


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The server's host key: read it, or generate an ed25519 key there on first start (mode 0600)."""
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise RuleViolation(
                _("Host key: {path} can be read by other users (mode {mode:o}); run: chmod 600 {path}").format(
                    path=path, mode=mode
                ),
                field="host_key",
            )
        try:
            return asyncssh.read_private_key(str(path)), False
        except (asyncssh.KeyImportError, OSError, ValueError) as exc:
            raise RuleViolation(
                _("Host key: cannot read {path}: {reason}").format(path=path, reason=exc), field="host_key"
            ) from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="leadtui host key")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    return key, True


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 2222
    host_key: Path | None = None
    max_sessions: int | None = None
    idle_timeout: float | None = None  # seconds
    poll_interval: float = 2.0  # how often open sessions are checked against their keys and users
    lang: str | None = None
    child_command: list[str] | None = None  # tests and the bench may run the TUI differently
    warm: int = 2  # children kept ready with the TUI imported (0: each session starts a cold Python)


class LeadServer:
    """The SSH server with its open sessions; `start()` listens, `close()` ends every session and stops."""

    def __init__(self, db: Database, db_url: str, options: ServeOptions) -> None:
        self.db = db
        self.db_url = db_url
        self.options = options
        self.sessions: set[ServedSession] = set()  # sessions running a TUI
        self.connections: set[_Connection] = set()
        self.host_key: asyncssh.SSHKey | None = None
        self.host_key_created = False
        self.port = options.port
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._closing = False
        self.pool = WarmPool(options.warm, options.child_command) if options.warm > 0 else None

    @property
    def fingerprint(self) -> str:
        assert self.host_key is not None
        return self.host_key.get_fingerprint("sha256")

    async def start(self) -> None:
        logging.getLogger("asyncssh").setLevel(logging.WARNING)
        self.host_key, self.host_key_created = load_or_create_host_key(self.options.host_key or default_host_key_path())
        self._acceptor = await asyncssh.create_server(
            lambda: _Connection(self),
            self.options.host,
            self.options.port,
            server_host_keys=[self.host_key],
            allow_pty=True,
            line_editor=False,
            encoding=None,
            agent_forwarding=False,
            x11_forwarding=False,
            password_auth=False,
            kbdint_auth=False,
            gss_host=None,
            login_timeout=60,
            keepalive_interval=30,
            keepalive_count_max=3,
        )
        self.port = self._acceptor.sockets[0].getsockname()[1]
        self._watcher = asyncio.get_running_loop().create_task(self._watch())
        if self.pool is not None:
            self.pool.fill()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def record(
        self, action: str, owner: keys.KeyOwner | None, fingerprint: str, address: str, reason: str = ""
    ) -> None:
        try:
            await keys.record_session(
                self.db,
                action,
                login=owner.actor.login if owner else None,
                user_id=owner.actor.id if owner else None,
                fingerprint=fingerprint,
                address=address,
                reason=reason,
            )
        except Exception:  # the trail must not take the server down; say so where the operator looks
            log.exception("could not record %s of %s in the audit trail", action, fingerprint)
        log.info("%s %s %s %s %s", action, owner.actor.login if owner else "-", fingerprint, address, reason)

    # ------------------------------------------------------------------ sessions

    async def open_tui(self, session: ServedSession) -> None:
        owner = session.connection.owner
        assert owner is not None
        limit = self.options.max_sessions
        if self._closing:
            session.refuse(_("leadtui: the server is stopping; try again later."))
            return
        if limit is not None and len(self.sessions) >= limit:
            session.refuse(_("leadtui: the server is full ({n} sessions open); try again later.").format(n=limit))
            await self.record(
                keys.REFUSED,
                owner,
                owner.fingerprint,
                session.connection.address,
                reason=f"server full ({limit} sessions)",
            )
            return
        columns, rows = session.size
        config = session_config(
            db_url=self.db_url,
            user_id=owner.actor.id,
            lang=self.options.lang,
            term=session.term,
            colorterm=session.environment.get("COLORTERM"),
        )
        tui = TuiProcess(
            config,
            columns,
            rows,
            on_output=session.output,
            on_exit=session.tui_exited,
            command=self.options.child_command,
            pool=self.pool,
        )
        session.tui = tui
        self.sessions.add(session)
        try:
            await tui.start()
        except OSError as exc:
            self.sessions.discard(session)
            session.tui = None
            log.error("cannot start the TUI: %s", exc)
            session.refuse(_("leadtui: the server cannot start a session now; try again later."))
            return
        if session.closed:  # the client left while the TUI was starting
            self.spawn(tui.stop())

    def session_ended(self, session: ServedSession) -> None:
        self.sessions.discard(session)

    async def _watch(self) -> None:
        last_poll = time.monotonic()
        idle = self.options.idle_timeout
        while True:
            await asyncio.sleep(min(1.0, self.options.poll_interval))
            now = time.monotonic()
            if idle:
                for session in list(self.sessions):
                    if now - session.last_input >= idle:
                        minutes = idle / 60
                        session.end(
                            _("leadtui: the session was idle for {minutes:g} minutes and has ended.").format(
                                minutes=round(minutes, 2)
                            ),
                            reason="idle",
                        )
            if now - last_poll >= self.options.poll_interval and self.sessions:
                last_poll = now
                watched = {s.connection.owner.key_id for s in self.sessions if s.connection.owner}
                try:
                    valid = await keys.valid_keys(self.db, watched)
                except Exception:  # the database is away for a moment: keep the sessions, try again
                    log.exception("could not check the open sessions' keys")
                    continue
                for session in list(self.sessions):
                    owner = session.connection.owner
                    if owner is not None and owner.key_id not in valid:
                        session.end(
                            _(
                                "leadtui: an administrator removed your key or deactivated your user; the "
                                "session has ended."
                            ),
                            reason="key removed or user deactivated",
                        )

    async def close(self) -> None:
        """Stop: end every session cleanly (each TUI closes on SIGTERM), record the sign-outs, stop listening."""
        self._closing = True
        if self._acceptor is not None:
            self._acceptor.close()
        if self._watcher is not None:
            self._watcher.cancel()
        stopping = [
            session.end(_("leadtui: the server is stopping; your saved changes are kept."), reason="server stop")
            for session in list(self.sessions)
        ]
        await asyncio.gather(*[task for task in stopping if task is not None], return_exceptions=True)
        for connection in list(self.connections):
            if connection.conn is not None:
                connection.conn.close()
        for connection in list(self.connections):
            if connection.conn is not None:
                try:
                    await asyncio.wait_for(connection.conn.wait_closed(), 5)
                except TimeoutError:
                    pass
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        if self.pool is not None:
            await self.pool.close()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class _Connection(asyncssh.SSHServer):
    """One client connection: authenticates by key, hands out sessions, records sign-in and sign-out."""

    def __init__(self, server: LeadServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = ""
        self.owner: keys.KeyOwner | None = None  # the user of the key that signed in
        self.offered: dict[str, keys.KeyOwner | None] = {}
        self.signed_in = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = f"{peer[0]}:{peer[1]}"
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        if self.signed_in and self.owner is not None:
            self.server.spawn(self.server.record(keys.SIGN_OUT, self.owner, self.owner.fingerprint, self.address))
        elif not self.signed_in:
            for fingerprint, owner in self.offered.items():
                reason = "unknown key" if owner is None else "inactive user"
                self.server.spawn(self.server.record(keys.REFUSED, owner, fingerprint, self.address, reason=reason))

    def begin_auth(self, username: str) -> bool:
        return True  # every connection must sign in

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return not self.server._closing

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        if fingerprint not in self.offered:
            if len(self.offered) >= 20:  # a client trying key after key
                return False
            try:
                self.offered[fingerprint] = await keys.owner_of_key(self.server.db, fingerprint)
            except Exception:
                log.exception("could not look up key %s", fingerprint)
                return False
        owner = self.offered[fingerprint]
        if owner is None or not owner.active:
            return False
        # asyncssh validates the signed request right before accepting it: the last valid key is the one signed in
        self.owner = owner
        return True

    def auth_completed(self) -> None:
        self.signed_in = True
        assert self.owner is not None
        self.server.spawn(self.server.record(keys.SIGN_IN, self.owner, self.owner.fingerprint, self.address))

    def session_requested(self) -> ServedSession:
        return ServedSession(self)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        raise asyncssh.ChannelOpenError(
            asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, _("leadtui: port forwarding is refused.")
        )

    def unix_connection_requested(self, dest_path: str) -> bool:
        raise asyncssh.ChannelOpenError(
            asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, _("leadtui: port forwarding is refused.")
        )

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False


class ServedSession(asyncssh.SSHServerSession):
    """One SSH channel: the TUI on a pty when the client asked for a terminal, else a one-line refusal."""

    def __init__(self, connection: _Connection) -> None:
        self.connection = connection
        self.server = connection.server
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.refusal: str | None = None
        self.tui: TuiProcess | None = None
        self.closed = False
        self.last_input = time.monotonic()
        self.end_message: str | None = None
        self.environment: dict[str, str] = {}
        self._stopping: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = term_type
        self.size = (term_size[0] or 80, term_size[1] or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.refusal = _(REFUSED_REQUEST)
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.refusal = _(REFUSED_REQUEST)
        return True

    def session_started(self) -> None:
        assert self.chan is not None
        env = self.chan.get_environment()
        self.environment = {str(k): str(v) for k, v in env.items()} if env else {}
        if self.refusal:
            self.refuse(self.refusal)
        elif self.term is None:
            self.refuse(_("leadtui: the leadtui screen needs a terminal; connect with: ssh -t"))
        else:
            self.server.spawn(self.server.open_tui(self))

    def refuse(self, message: str) -> None:
        if self.chan is not None and not self.closed:
            self.chan.write_stderr((message + "\r\n").encode())
            self.chan.exit(1)

    def output(self, data: bytes) -> None:
        if self.chan is not None and not self.closed:
            self.chan.write(data)

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.last_input = time.monotonic()
        if self.tui is not None:
            self.tui.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width or 80, height or 24)
        if self.tui is not None:
            self.tui.resize(*self.size)

    def break_received(self, msec: int) -> bool:
        return True

    def eof_received(self) -> bool:
        return False

    def pause_writing(self) -> None:
        if self.tui is not None:
            self.tui.pause_output()

    def resume_writing(self) -> None:
        if self.tui is not None:
            self.tui.resume_output()

    def end(self, message: str, *, reason: str = "") -> asyncio.Task[None] | None:
        """End the TUI with a message shown in the session after it; returns the task that waits for it."""
        if self.tui is None:
            return None
        if self._stopping is None:
            self.end_message = message
            log.info(
                "ending session of %s: %s",
                self.connection.owner.actor.login if self.connection.owner else "-",
                reason or message,
            )
            self._stopping = asyncio.get_running_loop().create_task(self.tui.stop())
            self.server._tasks.add(self._stopping)
            self._stopping.add_done_callback(self.server._tasks.discard)
        return self._stopping

    def tui_exited(self, code: int) -> None:
        self.server.session_ended(self)
        if self.chan is None or self.closed:
            return
        if self.end_message:
            self.chan.write(("\r\n" + self.end_message + "\r\n").encode())
            self.chan.exit(1)
        else:
            self.chan.exit(code if code >= 0 else 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.tui is not None:
            self.end("", reason="client disconnected")  # nobody is left to read a message
