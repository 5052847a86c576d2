"""Live updates under load: 10 sessions (processes) watch the board while 2 others move cards for 30 s.

Each watcher is a whole LeadApp (headless, Textual's test driver) showing the board of all contacts; it logs the
time of every repaint after a live refresh with the column of each card. Each mover moves a random card to a
random other column (services.board.move_cards, what the board's H/L does) every 0.3-1.0 s and logs the time the
commit returned. Measured:

  - commit -> repaint: for each move and watcher, the first repaint after the commit showing the card in its new
    column (median, p95, max; a move overtaken by a later move of the same card is left out);
  - CPU of an idle session: user+system seconds a watcher used in IDLE seconds with nothing changing, per minute;
  - refreshes per burst: RecordsChanged per committed move while the movers run, and for one bulk update of every
    contact at the end (should be 1).

    python bench/live_updates.py [--db URL] [--watchers 10] [--movers 2] [--seconds 30] [--contacts 60]

Without --db a fresh SQLite file in a temporary directory; with --db the database is initialised anew (force).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IDLE = 20.0  # seconds of nothing changing, for the idle CPU
SETTLE = 3.0  # seconds after the last move before the bulk burst


# --------------------------------------------------------------------------- setup


async def setup(url: str, contacts_n: int) -> None:
    from leadtui.services import companies, contacts, database

    db = await database.init_database(url, lang="en", login="admin", force=True)
    admin = await database.resolve_actor(db, "admin")
    company_ids = [
        (await companies.create_company(db, admin, {"name": f"Lead company {i}", "category": "Lead"})).id
        for i in range(max(1, contacts_n // 6))
    ]
    for i in range(contacts_n):
        await contacts.create_contact(
            db, admin, {"first_name": f"Person{i}", "last_name": "Live", "company": company_ids[i % len(company_ids)]}
        )
    await db.dispose()


# --------------------------------------------------------------------------- roles


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _wait_file(path: Path) -> dict:
    while not path.exists():
        await asyncio.sleep(1.0)
    return json.loads(path.read_text())


async def _sleep_until(at: float) -> None:
    delay = at - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


async def watcher(url: str, workdir: Path, index: int) -> None:
    from leadtui.app import LeadApp
    from leadtui.screens.board import BoardScreen

    app = LeadApp(db_url=url, user="admin")
    repaints: list[tuple[float, dict[int, str]]] = []
    async with app.run_test(headless=True, size=(240, 60)) as pilot:
        await app.ready_backend()
        while app.live is None or not app.live.ready.is_set():
            await asyncio.sleep(0.05)
        await pilot.press("b")
        while not isinstance(app.screen, BoardScreen) or app.screen.board is None:
            await asyncio.sleep(0.05)
        screen = app.screen
        title = screen._title

        def record() -> None:
            repaints.append(
                (time.time(), {card.id: column.column.key for column in screen.columns() for card in column.cards})
            )

        def titled() -> None:  # the last step of every refresh: log after the screen has been painted
            title()
            app.call_after_refresh(record)

        screen._title = titled  # type: ignore[method-assign]
        (workdir / f"ready-{index}").write_text("1")
        plan = await _wait_file(workdir / "plan.json")
        await _sleep_until(plan["idle_start"])
        cpu0 = _cpu()
        await _sleep_until(plan["idle_end"])
        idle_cpu = (_cpu() - cpu0) * 60 / (plan["idle_end"] - plan["idle_start"])
        refreshes0 = app.live.refreshes
        await _wait_file(workdir / "moved.json")
        refreshes_moves = app.live.refreshes - refreshes0
        done = await _wait_file(workdir / "burst.json")
        await _sleep_until(done["burst_at"] + 3.0)
        refreshes_burst = app.live.refreshes - refreshes0 - refreshes_moves
        (workdir / f"watcher-{index}.json").write_text(
            json.dumps(
                {
                    "idle_cpu_per_min": idle_cpu,
                    "refreshes_moves": refreshes_moves,
                    "refreshes_burst": refreshes_burst,
                    "repaints": [(t, {str(k): v for k, v in cards.items()}) for t, cards in repaints],
                }
            )
        )
        app.exit()


async def mover(url: str, workdir: Path, index: int) -> None:
    from leadtui.model.engine import Database
    from leadtui.services import board, contacts, database
    from leadtui.services.errors import DomainError

    db = Database(url)
    admin = await database.resolve_actor(db, "admin")
    out = await board.open_board(db, admin, target="contact", page=200)
    keys = [c.key for c in out.columns if c.accepts]
    ids = [card.id for page in out.pages.values() for card in page.cards]
    rng = random.Random(index)
    (workdir / f"ready-m{index}").write_text("1")
    plan = await _wait_file(workdir / "plan.json")
    await _sleep_until(plan["idle_end"])
    moves = []
    while time.time() < plan["move_end"]:
        card = rng.choice(ids)
        try:
            current = await contacts.get_contact(db, admin, card)
            column = rng.choice([k for k in keys if k != f"s{current.lead_status_id}"])
            result = await board.move_cards(db, admin, "contact", [(card, current.version)], column)
        except DomainError:
            continue
        if result.moved:
            moves.append((time.time(), card, column))
        await asyncio.sleep(rng.uniform(0.3, 1.0))
    (workdir / f"mover-{index}.json").write_text(json.dumps(moves))
    await db.dispose()


# --------------------------------------------------------------------------- the run


def _spawn(role: str, url: str, workdir: Path, index: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, "--db", url, "--workdir", str(workdir), "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / f"{role}-{index}.err", "w"),
    )


def _wait(paths: list[Path], timeout: float) -> None:
    deadline = time.time() + timeout
    while not all(p.exists() for p in paths):
        if time.time() > deadline:
            raise SystemExit("timed out waiting for: " + ", ".join(str(p) for p in paths if not p.exists()))
        time.sleep(0.2)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--watchers", type=int, default=10)
    parser.add_argument("--movers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--contacts", type=int, default=60)
    parser.add_argument("--idle", type=float, default=IDLE, help="seconds of nothing changing (idle CPU)")
    parser.add_argument("--role", choices=["watcher", "mover"])
    parser.add_argument("--workdir")
    parser.add_argument("--index", type=int, default=0)
    args = parser.parse_args()
    if args.role:
        role = watcher if args.role == "watcher" else mover
        asyncio.run(role(args.db, Path(args.workdir), args.index))
        return

    workdir = Path(tempfile.mkdtemp(prefix="leadtui-live-"))
    url = args.db or f"sqlite+aiosqlite:///{workdir / 'live.db'}"
    asyncio.run(setup(url, args.contacts))
    print(f"database: {url.split('@')[-1]}  ({args.contacts} contacts); work files in {workdir}")
    procs = [_spawn("watcher", url, workdir, i) for i in range(args.watchers)]
    procs += [_spawn("mover", url, workdir, i) for i in range(args.movers)]
    _wait(
        [workdir / f"ready-{i}" for i in range(args.watchers)] + [workdir / f"ready-m{i}" for i in range(args.movers)],
        300,
    )
    now = time.time()
    # start-up work (and the one full GC pass the app makes when it first goes idle, app.py) is over first
    plan = {"idle_start": now + 10.0, "idle_end": now + 10.0 + args.idle}
    plan["move_end"] = plan["idle_end"] + args.seconds
    (workdir / "plan.json").write_text(json.dumps(plan))
    print(
        f"{args.watchers} watchers on the board; idle {args.idle:.0f} s, then {args.movers} movers for {args.seconds:.0f} s"
    )
    _wait([workdir / f"mover-{i}.json" for i in range(args.movers)], args.idle + args.seconds + 120)
    time.sleep(SETTLE)
    (workdir / "moved.json").write_text("{}")
    time.sleep(1.0)
    burst_at = asyncio.run(_burst(url))
    (workdir / "burst.json").write_text(json.dumps({"burst_at": burst_at}))
    _wait([workdir / f"watcher-{i}.json" for i in range(args.watchers)], 120)
    load = os.getloadavg()
    for proc in procs:
        proc.wait(timeout=60)
    report(workdir, args, load)


async def _burst(url: str) -> float:
    """One bulk update of every contact (one transaction): how many refreshes does each watcher make of it?"""
    from sqlalchemy import select

    from leadtui.model import tables as t
    from leadtui.model.engine import Database
    from leadtui.services import bulk, database

    db = Database(url)
    admin = await database.resolve_actor(db, "admin")
    async with db.read() as session:
        ids = list((await session.scalars(select(t.Contact.id))).all())
    await bulk.apply_bulk_update(db, admin, "email_opt_in", "yes", contact_ids=ids)
    at = time.time()
    await db.dispose()
    return at


def report(workdir: Path, args: argparse.Namespace, load: tuple[float, float, float]) -> None:
    moves = sorted(m for i in range(args.movers) for m in json.loads((workdir / f"mover-{i}.json").read_text()))
    watchers = [json.loads((workdir / f"watcher-{i}.json").read_text()) for i in range(args.watchers)]
    latencies: list[float] = []
    missed = 0
    for w in watchers:
        repaints = w["repaints"]
        for n, (at, card, column) in enumerate(moves):
            later = next((m for m in moves[n + 1 :] if m[1] == card), None)
            seen = next((t for t, cards in repaints if t >= at and cards.get(str(card)) == column), None)
            if seen is None or (later is not None and seen >= later[0]):
                if later is None:
                    missed += 1
                continue
            latencies.append(seen - at)
    idle = [w["idle_cpu_per_min"] for w in watchers]
    per_move = [w["refreshes_moves"] / max(1, len(moves)) for w in watchers]
    burst = [w["refreshes_burst"] for w in watchers]
    print(f"moves committed: {len(moves)} in {args.seconds:.0f} s by {args.movers} movers")
    if latencies:
        ms = [x * 1000 for x in latencies]
        print(
            f"commit -> repaint over {len(ms)} (move, watcher) pairs: median {statistics.median(ms):.0f} ms, "
            f"p95 {_pct(ms, 0.95):.0f} ms, max {max(ms):.0f} ms; not seen: {missed}"
        )
    print(
        f"idle session CPU: median {statistics.median(idle):.3f} s per minute (max {max(idle):.3f}) "
        f"= {statistics.median(idle) / 60 * 100:.2f} % of one core"
    )
    print(f"refreshes per committed move (per watcher): median {statistics.median(per_move):.2f}")
    print(f"refreshes for one bulk update of every contact: {sorted(set(burst))} (per watcher)")
    print(f"load average at the end (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
