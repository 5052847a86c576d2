"""Served mode under load: N concurrent SSH sessions, each on the board moving cards (DESIGN.md: < 100 MB per
session, key press to screen update p95 < 150 ms at 20 sessions, no move lost, no error, a session on screen
within 1.5 s of connecting).

The server runs as its own process (`leadtui serve ssh`, as in production) on 127.0.0.1; this process is N SSH
clients (asyncssh), each feeding its byte stream into a terminal emulator (pyte) and reading the board from it.
Every user has their own company with a few contacts and a board of them (a private static selection), so the
sessions never move each other's cards. A session moves its first card right (L), waits until the column counts on
its screen show the move, moves it back (H), and so on.

    python bench/ssh_sessions.py [--sessions 20] [--seconds 30] [--db URL]

Reported: resident memory (RSS, and PSS which counts shared pages once) of the server plus its children per
session at the peak; key-to-update latency median / p95; moves made (seen on screen), moves lost (seen on screen
but not in the database's audit trail); errors (a move not shown within 5 s, a refusal, a session that broke);
time from connect to the user's first screen (the TUI with their name), for the ramp-up and for one more session
opened while all N are busy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pyte

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh

COLUMNS, ROWS = 120, 36
MOVE_TIMEOUT = 5.0


class Screen(asyncssh.SSHClientSession):
    def __init__(self) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.closed = False
        self.last_data = 0.0
        self.feed_seconds = 0.0
        self.first_after: float | None = 0.0

    def data_received(self, data: bytes, datatype) -> None:  # noqa: ANN001
        self.last_data = started = time.perf_counter()
        if self.first_after is None:
            self.first_after = started
        self.stream.feed(data)
        self.feed_seconds += time.perf_counter() - started
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, check, timeout: float) -> bool:  # noqa: ANN001
        deadline = time.perf_counter() + timeout
        while not check():
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or self.closed:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                return False
        return True


def counts(text: str, first: str, second: str) -> tuple[int, int] | None:
    a = re.search(rf"1 {re.escape(first)}\s+(\d+)", text)
    b = re.search(rf"2 {re.escape(second)}\s+(\d+)", text)
    if a and b:
        return int(a.group(1)), int(b.group(1))
    return None


async def prepare(url: str, sessions: int, cards: int) -> tuple[dict[str, asyncssh.SSHKey], list[str]]:
    from leadtui.services import companies, contacts, database, keys, lists, preferences, selections, users

    db = await database.init_database(url, lang="en", login="admin", force=False)
    try:
        admin = await database.resolve_actor(db, "admin")
        statuses = [item.name for item in await lists.list_items(db, "lead-status")][:2]
        user_keys: dict[str, asyncssh.SSHKey] = {}
        for n in range(1, sessions + 2):  # one more for the probe session
            login = f"bench{n:02d}"
            await users.add_user(
                db, admin, {"login": login, "full_name": f"Bench User {n:02d}", "role": "administrator"}
            )
            actor = await database.resolve_actor(db, login)
            company = await companies.create_company(db, actor, {"name": f"Bench Co {n:02d}", "category": "Lead"})
            ids = [
                (
                    await contacts.create_contact(
                        db, actor, {"company": company.id, "first_name": f"Card{i}", "last_name": f"U{n:02d}"}
                    )
                ).id
                for i in range(cards)
            ]
            selection = await selections.create_selection(
                db,
                actor,
                {"name": f"board {login}", "target": "contact", "kind": "static", "ids": ids, "visible_for": "private"},
            )
            await preferences.set_preference(
                db, actor, "board.source", {"target": "contact", "selection_id": selection.id}
            )
            key = asyncssh.generate_private_key("ssh-ed25519")
            await keys.add_key(db, admin, login, key.export_public_key().decode())
            user_keys[login] = key
    finally:
        await db.dispose()
    return user_keys, statuses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.first_bytes: list[float] = []
        self.feed_seconds = 0.0
        self.first_screen: list[float] = []
        self.moves: dict[str, int] = {}
        self.errors: list[str] = []


async def session(
    port: int,
    login: str,
    key: asyncssh.SSHKey,
    statuses: list[str],
    cards: int,
    until: float,
    stats: Stats,
    *,
    move: bool = True,
) -> float | None:
    name = f"Bench User {login[-2:]}"
    started = time.perf_counter()
    try:
        conn = await asyncssh.connect(
            "127.0.0.1", port, username=login, client_keys=[key], known_hosts=None, agent_path=None, config=None
        )
    except (OSError, asyncssh.Error) as exc:
        stats.errors.append(f"{login}: connect: {exc}")
        return None
    async with conn:
        _chan, term = await conn.create_session(
            Screen, term_type="xterm-256color", term_size=(COLUMNS, ROWS), encoding=None
        )
        if not await term.wait_for(lambda: name in term.text(), 30):
            stats.errors.append(f"{login}: no first screen within 30 s")
            return None
        first = time.perf_counter() - started
        if not move:
            return first
        stats.first_screen.append(first)
        _chan.write(b"b")
        if not await term.wait_for(lambda: counts(term.text(), *statuses) is not None and "Card" in term.text(), 30):
            stats.errors.append(f"{login}: no board within 30 s")
            return first
        left, right = counts(term.text(), *statuses)  # type: ignore[misc]
        made = 0
        step = 1
        while time.perf_counter() < until:
            expected = (left - 1, right + 1) if step == 1 else (left + 1, right - 1)
            sent = time.perf_counter()
            term.first_after = None
            _chan.write(b"L" if step == 1 else b"H")
            if await term.wait_for(lambda expected=expected: counts(term.text(), *statuses) == expected, MOVE_TIMEOUT):
                stats.latencies.append(time.perf_counter() - sent)
                if term.first_after is not None:
                    stats.first_bytes.append(term.first_after - sent)
                made += 1
                left, right = expected
                step = -step
            else:
                stats.errors.append(f"{login}: move not shown within {MOVE_TIMEOUT:g} s")
                seen = counts(term.text(), *statuses)
                if seen is None:
                    break
                left, right = seen
                step = 1 if left > 0 else -1
            # the card is where the cursor is: it moves back next time (a user would look, then press again)
            await asyncio.sleep(0.2)
        stats.moves[login] = made
        stats.feed_seconds += term.feed_seconds
    return first


async def moves_in_database(url: str, logins: list[str]) -> dict[str, int]:
    from leadtui.services import audit, database

    db = await database.connect(url)
    try:
        entries = await audit.in_range(db)
    finally:
        await db.dispose()
    found = dict.fromkeys(logins, 0)
    for entry in entries:
        if entry.entity != "contact" or entry.user not in found:
            continue
        if entry.action == "update" and "lead_status_id" in entry.changes:
            found[entry.user] += 1
        elif entry.action == "bulk" and entry.changes.get("field") == "lead_status_id":
            found[entry.user] += sum(len(ids) for _old, ids in entry.changes.get("old", []))
    return found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--cards", type=int, default=6, help="contacts on each user's board")
    parser.add_argument(
        "--ramp", type=float, default=None, help="seconds over which sessions connect (default: 0.4 s apart)"
    )
    parser.add_argument(
        "--db", help="database URL (default: a new SQLite file in a temporary folder); PostgreSQL: an empty database"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="leadtui-ssh-bench-"))
    url = args.db or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    print(f"preparing {args.sessions} users with {args.cards} cards each ...", flush=True)
    user_keys, statuses = await prepare(url, args.sessions, args.cards)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leadtui",
            "--db",
            url,
            "serve",
            "ssh",
            "--port",
            str(port),
            "--host-key",
            str(folder / "host_key"),
            "--max-sessions",
            str(args.sessions + 1),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = ""
        while "over SSH on" not in line:
            line = server.stdout.readline()  # type: ignore[union-attr]
            if not line:
                print("the server did not start", file=sys.stderr)
                return 1
        base_rss, base_pss = memory_kb(tree(server.pid))
        stats = Stats()
        ramp = args.ramp if args.ramp is not None else 0.4 * args.sessions
        logins = [f"bench{n:02d}" for n in range(1, args.sessions + 1)]
        start = time.perf_counter()
        until = start + ramp + args.seconds
        peak = [0, 0, 0]

        async def sample() -> None:
            while True:
                pids = tree(server.pid)
                rss, pss = memory_kb(pids)
                if rss > peak[0]:
                    peak[:] = [rss, pss, len(pids) - 1]
                await asyncio.sleep(1)

        sampler = asyncio.create_task(sample())
        tasks = []
        for index, login in enumerate(logins):
            await asyncio.sleep(max(0.0, start + index * ramp / max(1, args.sessions) - time.perf_counter()))
            tasks.append(
                asyncio.create_task(session(port, login, user_keys[login], statuses, args.cards, until, stats))
            )
        await asyncio.sleep(max(0.0, start + ramp + min(5.0, args.seconds / 2) - time.perf_counter()))
        probe_login = f"bench{args.sessions + 1:02d}"
        probe = await session(port, probe_login, user_keys[probe_login], statuses, args.cards, until, stats, move=False)
        await asyncio.gather(*tasks)
        sampler.cancel()
        in_db = await moves_in_database(url, logins)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    lost = sum(max(0, stats.moves.get(login, 0) - in_db.get(login, 0)) for login in logins)
    n = max(1, args.sessions)
    print(
        f"sessions: {args.sessions} for {args.seconds:g} s after a {ramp:g} s ramp "
        f"({os.cpu_count()} CPUs, {'SQLite' if url.startswith('sqlite') else 'PostgreSQL'})"
    )
    print(f"server alone: RSS {base_rss / 1024:.0f} MB")
    print(
        f"memory at peak, server + {peak[2]} child processes (sessions, the probe, warm spares): "
        f"RSS {peak[0] / 1024:.0f} MB = {peak[0] / 1024 / n:.0f} MB per session, "
        f"{peak[0] / 1024 / max(1, peak[2]):.0f} MB per process; PSS {peak[1] / 1024:.0f} MB = "
        f"{peak[1] / 1024 / n:.0f} MB per session"
    )
    if stats.latencies:
        print(
            f"key to screen update: median {statistics.median(stats.latencies) * 1000:.0f} ms, "
            f"p95 {pct(stats.latencies, 0.95) * 1000:.0f} ms, max {max(stats.latencies) * 1000:.0f} ms"
        )
    if stats.first_bytes:
        print(
            f"key to the first bytes of the TUI's answer: median {statistics.median(stats.first_bytes) * 1000:.0f} ms, "
            f"p95 {pct(stats.first_bytes, 0.95) * 1000:.0f} ms; the clients' terminal emulation took "
            f"{stats.feed_seconds:.1f} s of this process's CPU"
        )
    print(f"moves made: {sum(stats.moves.values())} (in the database: {sum(in_db.values())}); moves lost: {lost}")
    print(f"errors: {len(stats.errors)}" + "".join(f"\n  {e}" for e in stats.errors[:10]))
    if stats.first_screen:
        print(
            f"connect to first screen during the ramp: median {statistics.median(stats.first_screen):.2f} s, "
            f"max {max(stats.first_screen):.2f} s"
        )
    if probe is not None:
        print(f"connect to first screen with {args.sessions} sessions busy: {probe:.2f} s")
    return 0 if not stats.errors and not lost else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
