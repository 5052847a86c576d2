"""One served TUI: a child process (`python -m leadtui.server.child`) on its own pseudo-terminal.

The child gets a new session (setsid) with the pty as its controlling terminal, so a window change is a
TIOCSWINSZ on the pty and the kernel sends SIGWINCH to the TUI, exactly as with a local terminal: colours, mouse
and keys work as there. Ending the session sends SIGTERM to the child's process group (the TUI closes cleanly and
restores the terminal), then SIGKILL if it has not gone within a few seconds: no process outlives its session.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
import os
import re
import signal
import struct
import sys
import termios
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STOP_GRACE_SECONDS = 3.0
_TERM_RE = re.compile(r"^[A-Za-z0-9._+-]{1,64}$")
CHILD_COMMAND = [sys.executable, "-m", "leadtui.server.child"]


def _set_controlling_terminal() -> None:  # runs in the child between fork and exec, after setsid
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def set_window_size(fd: int, columns: int, rows: int) -> None:
    columns = max(1, min(int(columns or 80), 1000))
    rows = max(1, min(int(rows or 24), 1000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def base_environment() -> dict[str, str]:
    """The child's whole environment, built here: the server's PATH and HOME, nothing the client sent."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR") if key in os.environ}
    env.update({"LANG": "C.UTF-8", "TERM": "xterm-256color", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def session_config(
    *, db_url: str, user_id: int, lang: str | None, term: str | None, colorterm: str | None
) -> dict[str, Any]:
    """What the child is told on its config pipe: the database, the user (by their key), language, terminal."""
    env = {"TERM": term if term and _TERM_RE.match(term) else "xterm-256color"}
    if colorterm in ("truecolor", "24bit"):  # the client's terminal can show true colour
        env["COLORTERM"] = colorterm
    return {"db_url": db_url, "user_id": user_id, "lang": lang or "", "env": env}


@dataclass
class Spawned:
    process: asyncio.subprocess.Process
    master: int
    config_fd: int


async def spawn(command: list[str] | None, *, warm: bool, columns: int = 80, rows: int = 24) -> Spawned:
    """A child on a new pty, waiting for its config line (a warm one imports the TUI first)."""
    master, slave = os.openpty()
    read_end, write_end = os.pipe()
    try:
        set_window_size(slave, columns, rows)
        env = {**base_environment(), "LEADTUI_SERVED_CONFIG_FD": str(read_end)}
        if warm:
            env["LEADTUI_SERVED_WARM"] = "1"
        process = await asyncio.create_subprocess_exec(
            *(command or CHILD_COMMAND),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            pass_fds=(read_end,),
            start_new_session=True,
            preexec_fn=_set_controlling_terminal,
            cwd=env.get("HOME") or "/",
        )
    except BaseException:
        for fd in (master, write_end):
            os.close(fd)
        raise
    finally:
        os.close(slave)
        os.close(read_end)
    os.set_blocking(master, False)
    return Spawned(process=process, master=master, config_fd=write_end)


class WarmPool:
    """A few children that have imported the TUI already: a session takes one and starts in a fraction of the
    time a cold Python needs for the imports. Each one taken is replaced in the background."""

    def __init__(self, size: int, command: list[str] | None = None) -> None:
        self.size = size
        self.command = command
        self.ready: list[Spawned] = []
        self._starting = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def fill(self) -> None:
        while not self._closed and len(self.ready) + self._starting < self.size:
            self._starting += 1
            task = asyncio.get_running_loop().create_task(self._add())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _add(self) -> None:
        try:
            spawned = await spawn(self.command, warm=True)
        except OSError:
            return
        finally:
            self._starting -= 1
        if self._closed:
            await _discard(spawned)
        else:
            self.ready.append(spawned)

    def take(self) -> Spawned | None:
        while self.ready:
            spawned = self.ready.pop(0)
            if spawned.process.returncode is None:
                self.fill()
                return spawned
            os.close(spawned.master)
            os.close(spawned.config_fd)
        self.fill()
        return None

    async def close(self) -> None:
        self._closed = True
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        spares, self.ready = self.ready, []
        await asyncio.gather(*[_discard(spawned) for spawned in spares], return_exceptions=True)


async def _discard(spawned: Spawned) -> None:
    """A warm child nobody needs: it reads an empty config and exits; killed if it does not."""
    os.close(spawned.config_fd)
    try:
        await asyncio.wait_for(spawned.process.wait(), STOP_GRACE_SECONDS)
    except TimeoutError:
        try:
            os.killpg(spawned.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        await spawned.process.wait()
    os.close(spawned.master)


class TuiProcess:
    """The TUI of one session on a pty; output goes to `on_output`, `on_exit` is called once when it ends."""

    def __init__(
        self,
        config: dict[str, Any],
        columns: int,
        rows: int,
        *,
        on_output: Callable[[bytes], None],
        on_exit: Callable[[int], None],
        command: list[str] | None = None,
        pool: WarmPool | None = None,
    ) -> None:
        self.config = config
        self.columns = columns
        self.rows = rows
        self.on_output = on_output
        self.on_exit = on_exit
        self.command = command
        self.pool = pool
        self.process: asyncio.subprocess.Process | None = None
        self.master: int | None = None
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self._eof = asyncio.Event()
        self._ended = False
        self._waiter: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def start(self) -> None:
        spawned = self.pool.take() if self.pool is not None else None
        if spawned is None:
            spawned = await spawn(self.command, warm=False, columns=self.columns, rows=self.rows)
        else:  # a warm child has not started its TUI yet: it reads the size when it does
            set_window_size(spawned.master, self.columns, self.rows)
        self.process, self.master = spawned.process, spawned.master
        try:
            os.write(spawned.config_fd, json.dumps(self.config).encode("utf-8"))
        except OSError:
            pass  # the child died already; _wait reports its end
        finally:
            os.close(spawned.config_fd)
        self._resume_reading()
        self._waiter = asyncio.get_running_loop().create_task(self._wait())

    # ------------------------------------------------------------------ output (pty -> client)

    def _resume_reading(self) -> None:
        if self.master is not None and not self._reading and not self._eof.is_set():
            asyncio.get_running_loop().add_reader(self.master, self._read)
            self._reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self.master)
            self._reading = False

    def pause_output(self) -> None:
        """The client is slow: stop reading the pty, so the TUI blocks instead of the server buffering."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._resume_reading()

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)  # type: ignore[arg-type]
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: every process holding the pty has gone
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self._stop_reading()
            self._eof.set()
            return
        self.on_output(data)

    # ------------------------------------------------------------------ input (client -> pty)

    def write(self, data: bytes) -> None:
        if self.master is None or self._ended:
            return
        if self._pending:
            self._pending += data
            return
        try:
            written = os.write(self.master, data)
        except BlockingIOError:
            written = 0
        except OSError:
            return
        if written < len(data):
            self._pending += data[written:]
            asyncio.get_running_loop().add_writer(self.master, self._flush)

    def _flush(self) -> None:
        try:
            written = os.write(self.master, self._pending)  # type: ignore[arg-type]
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending and self.master is not None:
            asyncio.get_running_loop().remove_writer(self.master)

    def resize(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        if self.master is not None and not self._ended:
            set_window_size(self.master, columns, rows)  # the kernel sends SIGWINCH to the TUI

    # ------------------------------------------------------------------ end

    async def _wait(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        try:  # what the TUI wrote last (restoring the terminal) still goes out
            await asyncio.wait_for(self._eof.wait(), 2.0 if not self._paused else 0.2)
        except TimeoutError:
            pass
        self._kill_group(signal.SIGKILL)  # anything the TUI left in its process group
        self._close()
        self.on_exit(code)

    def _kill_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def _close(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._stop_reading()
        if self.master is not None:
            loop = asyncio.get_running_loop()
            loop.remove_writer(self.master)
            os.close(self.master)
            self.master = None

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """End the TUI: SIGTERM (it closes cleanly), SIGKILL after `grace` seconds; returns when it is gone."""
        if self.process is None or self._waiter is None:
            return
        self.resume_output()  # keep draining the pty, or a TUI writing its last frame would block
        if self.process.returncode is None:
            self._kill_group(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self.process.wait()), grace)
            except TimeoutError:
                self._kill_group(signal.SIGKILL)
        await self._waiter
