"""Felt speed: key press to the first frame that shows the data (issue 17), headless with Pilot, on a big database.

For each action the time from the key press (or the call that stands for it) to the first frame whose screen state
shows the data, next to the SQL behind it (the SELECT statements the action sent, replayed raw through sqlite3 or
asyncpg; a write is shown as the driver's own time of all its statements) and the longest garbage-collection pause
seen during the action (gc.callbacks). Frames are rendered to terminal text as a real terminal would get them (the
headless driver skips that; this bench does it so the cost counts).

Actions: `p` Contacts list and `s` Sales list (the section screen built anew each run; the Contacts list also as
shown again after another section, its screen kept), PageDown on the contacts,
search-as-you-type (three keys; shown minus the 0.25 s debounce), Enter on a contact (the card opens), Find results
(lead status one of Open, Contacting), `b` Board of all contacts (built anew each run), moving one card (L / H).

    python bench/felt.py --db sqlite:////tmp/perftui/felt.db [--contacts 1000000 --companies 250000 --sales 100000]
    python bench/felt.py --db postgresql+asyncpg://postgres@127.0.0.1:5432/felt  (copied from the SQLite file)

A missing SQLite file is built with the generator of bench/board_find.py; an empty PostgreSQL database is
initialised and filled with the rows of that SQLite file (--sqlite PATH). Median of --runs runs after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEBOUNCE_MS = 250
BACKGROUND = ("new-leads", "live", "paged-count")  # worker groups that run on their own, not part of an action

TARGETS = {
    "p Contacts list": 150,
    "p Contacts list, shown before": 150,
    "s Sales list": 150,
    "PageDown": 60,
    "search as you type (after debounce)": 150,
    "Enter: contact card opens": 150,
    "Find results": 150,
    "b Board (all contacts)": 250,
    "move one card": 50,
}


# --------------------------------------------------------------------------- the database


def sqlite_path_of(url: str) -> Path | None:
    if url.startswith("sqlite"):
        return Path(url.split("///", 1)[1])
    if "://" not in url:
        return Path(url)
    return None


def build_sqlite(path: Path, contacts: int, companies: int, sales: int) -> None:
    from board_find import build

    start = time.perf_counter()
    counts = build(path, contacts, companies, sales, min(100_000, contacts))
    counts.pop("status_names", None)
    print(f"built {path} in {time.perf_counter() - start:.0f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


COPIED = ("associate", "company", "contact", "history", "sale", "selection", "selection_member")


async def fill_postgres(url: str, source: Path, tables: tuple[str, ...] = COPIED) -> None:
    """Initialise the PostgreSQL database and copy the generated rows of the SQLite file into it (COPY)."""
    import asyncpg
    from sqlalchemy import create_engine, select
    from sqlalchemy.engine import make_url

    from leadtui.model import tables as t
    from leadtui.services import database

    if tables == COPIED:
        db = await database.init_database(url, lang="en", login="admin", force=False)
        await db.dispose()
    plain = make_url(url).set(drivername="postgresql")
    con = await asyncpg.connect(plain.render_as_string(hide_password=False))
    lite = create_engine(f"sqlite:///{source}")
    try:
        for name in ("lead_status", "category", "sale_stage", "sale_type"):
            theirs = sorted(await con.fetch(f"SELECT id, name FROM {name}"))
            with lite.connect() as c:
                ours = sorted(tuple(r) for r in c.exec_driver_sql(f"SELECT id, name FROM {name}"))
            if [tuple(r) for r in theirs] != ours:
                raise SystemExit(f"the default {name} rows differ between SQLite and PostgreSQL: cannot copy")
        existing = {r[0] for r in await con.fetch("SELECT id FROM associate")}
        for name in tables:
            table = t.Base.metadata.tables[name]
            columns = [c.name for c in table.columns]
            start = time.perf_counter()
            n = 0
            with lite.connect() as c:
                result = c.execution_options(yield_per=50_000).execute(select(table))
                for rows in result.partitions():
                    records = [
                        tuple(json.dumps(v) if isinstance(v, (list, dict)) else v for v in r)
                        for r in rows
                        if name != "associate" or r[0] not in existing
                    ]
                    await con.copy_records_to_table(name, records=records, columns=columns)
                    n += len(records)
            if "id" in columns:
                await con.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
            print(f"  copied {n:,} {name} in {time.perf_counter() - start:.0f} s", flush=True)
        await con.execute("ANALYZE")
    finally:
        await con.close()
        lite.dispose()


async def ensure_database(url: str, args: argparse.Namespace) -> str:
    path = sqlite_path_of(url)
    if path is not None:
        if not path.exists():
            await asyncio.to_thread(build_sqlite, path, args.contacts, args.companies, args.sales)
        return f"sqlite+aiosqlite:///{path}"
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    con = await asyncpg.connect(admin)
    try:
        if not await con.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            await con.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await con.close()
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    con = await asyncpg.connect(plain)
    try:
        filled = await con.fetchval("SELECT to_regclass('contact') IS NOT NULL") and await con.fetchval(
            "SELECT count(*) > 0 FROM (SELECT 1 FROM contact LIMIT 1) x"
        )
    finally:
        await con.close()
    if not filled:
        if not args.sqlite.exists():
            await asyncio.to_thread(build_sqlite, args.sqlite, args.contacts, args.companies, args.sales)
        print(f"filling {parsed.database} from {args.sqlite}", flush=True)
        await fill_postgres(
            parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False), args.sqlite
        )
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


# --------------------------------------------------------------------------- watching frames, GC and SQL


class Watch:
    """Frames (with a predicate checked at each), GC pauses and SQL statements, within one action's window."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.predicate: Callable[[], bool] | None = None
        self.hit: float | None = None
        self.frames = 0
        self.gc_pauses: list[tuple[int, float]] = []
        self._gc_start = 0.0
        self.statements: list[tuple[str, Any, float]] = []
        self._sql_start = 0.0
        display = app._display

        def watched(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate):  # what a terminal would be sent
                renderable.render_segments(app.console)
            self.frames += 1
            if self.predicate is not None and self.hit is None:
                try:
                    ok = self.predicate()
                except Exception:  # noqa: BLE001 - a screen half built
                    ok = False
                if ok:
                    self.hit = time.perf_counter()

        app._display = watched
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_pauses.append((info["generation"], time.perf_counter() - self._gc_start))

    def listen(self, engine: Any) -> None:
        from sqlalchemy import event

        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, _c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        self._sql_start = time.perf_counter()

    def _after(self, _c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        self.statements.append((statement, parameters, time.perf_counter() - self._sql_start))

    def stop(self) -> None:
        gc.callbacks.remove(self._gc)

    async def measure(
        self, act: Callable[[], Awaitable[Any]], predicate: Callable[[], bool], timeout: float = 60.0
    ) -> dict[str, Any]:
        self.predicate, self.hit = predicate, None
        self.gc_pauses, self.statements = [], []
        frames = self.frames
        start = time.perf_counter()
        await act()
        deadline = start + timeout
        while self.hit is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        if self.hit is None:
            raise RuntimeError("no frame showed the data in time")
        felt = self.hit - start
        self.predicate = None
        return {
            "felt": felt,
            "frames": self.frames - frames,
            "gc": max((p for _g, p in self.gc_pauses), default=0.0),
            "gc2": sum(1 for g, _p in self.gc_pauses if g == 2),
            "statements": list(self.statements),
        }


class Replay:
    """The SELECTs of an action through the raw driver: the SQL time behind it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite: Any = None
        self.pg: Any = None

    async def open(self) -> None:
        path = sqlite_path_of(self.url.replace("+aiosqlite", ""))
        if path is not None:
            import sqlite3

            self.sqlite = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        else:
            import asyncpg
            from sqlalchemy.engine import make_url

            plain = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            self.pg = await asyncpg.connect(plain)

    async def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        if self.pg is not None:
            await self.pg.close()

    async def time(self, statements: list[tuple[str, Any, float]], runs: int = 3) -> tuple[float, str]:
        reads = [(s, p) for s, p, _d in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        writes = [s for s, _p, _d in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        if writes:  # a write: the driver's own time of every statement
            return sum(d for _s, _p, d in statements), f"{len(statements)} stmts, driver time"
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            if self.sqlite is not None:
                self.sqlite.execute("BEGIN")
                for statement, parameters in reads:
                    self.sqlite.execute(statement, parameters).fetchall()
                self.sqlite.execute("COMMIT")
            else:
                async with self.pg.transaction(readonly=True):
                    for statement, parameters in reads:
                        await self.pg.fetch(statement, *(parameters or ()))
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), f"{len(reads)} SELECTs, raw"


# --------------------------------------------------------------------------- the walk


async def walk(url: str, runs: int, size: tuple[int, int]) -> list[tuple[str, list[dict[str, Any]], float, str]]:
    from textual.widgets import DataTable

    from leadtui.app import LeadApp
    from leadtui.navigation import section_screen
    from leadtui.services import find

    app = LeadApp(db_url=url, user="admin", lang="en")
    results: list[tuple[str, list[dict[str, Any]], float, str]] = []
    replay = Replay(url)
    await replay.open()
    async with app.run_test(size=size) as pilot:
        watch = Watch(app)
        backend = await app.ready_backend()
        watch.listen(backend.db.engine)
        await pilot.pause()

        async def settle() -> None:
            """Until the workers of the screens are done (the app's own watchers run on; at most 10 s)."""
            for _ in range(1000):
                await pilot.pause()
                busy = [w for w in app.workers if not w.is_finished and not str(w.group).startswith(BACKGROUND)]
                if not busy:
                    break
                await asyncio.sleep(0.01)
            await pilot.pause()

        async def fresh(mode: str) -> None:
            """Leave the section and forget its screen, so the next key builds it anew."""
            if app.current_mode == mode:
                await app.switch_mode("dashboard" if mode != "dashboard" else "companies")
                await settle()
            await app.remove_mode(mode)
            app.add_mode(mode, partial(section_screen, mode))

        async def repeat(label: str, prepare: Callable[[], Awaitable[Any]], act, predicate, *, shift_ms: float = 0):
            samples = []
            for n in range(runs + 1):
                await prepare()
                await settle()
                sample = await watch.measure(act, predicate)
                sample["felt"] -= shift_ms / 1000
                if n:  # the first is a warm-up (imports, caches)
                    samples.append(sample)
                await settle()
            sql, note = await replay.time(samples[-1]["statements"])
            results.append((label, samples, sql, note))
            print(f"  {label}: {statistics.median(s['felt'] for s in samples) * 1000:.0f} ms", flush=True)

        def contacts_table():  # noqa: ANN202
            from leadtui.widgets.contacts_table import ContactsTable

            return app.screen.query_one(ContactsTable)

        # `p` Contacts list
        await app.switch_mode("companies")
        await settle()

        def contacts_shown() -> bool:
            if type(app.screen).__name__ != "ContactsScreen":
                return False
            paged = contacts_table().paged
            return paged.result is not None and paged.table.row_count > 0

        async def prepare_contacts() -> None:
            await fresh("contacts")

        await repeat("p Contacts list", prepare_contacts, lambda: pilot.press("p"), contacts_shown)

        async def to_companies() -> None:
            await pilot.press("c")

        await repeat("p Contacts list, shown before", to_companies, lambda: pilot.press("p"), contacts_shown)

        # `s` Sales list
        def sales_shown() -> bool:
            if type(app.screen).__name__ != "SalesScreen":
                return False
            from leadtui.widgets.sale_list import SaleList

            paged = app.screen.query_one(SaleList).query_one("PagedTable")
            return paged.result is not None and paged.table.row_count > 0

        await repeat("s Sales list", lambda: fresh("sales"), lambda: pilot.press("s"), sales_shown)

        # PageDown on the contacts
        await pilot.press("p")
        await settle()
        contacts_table().focus_table()
        await settle()
        state: dict[str, Any] = {}

        async def prepare_page() -> None:
            state["offset"] = contacts_table().paged.page_offset
            contacts_table().focus_table()

        def next_page_shown() -> bool:
            paged = contacts_table().paged
            return paged.result is not None and paged.result.offset == state["offset"] + paged.page_size

        await repeat("PageDown", prepare_page, lambda: pilot.press("pagedown"), next_page_shown)

        # search as you type: three keys, the list of their matches after the debounce
        words = ["han", "ols", "ber", "lar", "jen", "ped", "nie", "mad", "and", "kri", "tho", "bak"]

        async def prepare_search() -> None:
            search = contacts_table().query_one("#contacts-search")
            search.value = ""
            await settle()
            search.focus()
            state["result"] = contacts_table().paged.result
            state["word"] = words[len(state.setdefault("used", [])) % len(words)]
            state["used"].append(state["word"])

        async def type_word() -> None:
            await pilot.press(*state["word"])

        def search_shown() -> bool:
            paged = contacts_table().paged
            return paged.search == state["word"] and paged.result is not state["result"] and paged.table.row_count > 0

        await repeat(
            "search as you type (after debounce)", prepare_search, type_word, search_shown, shift_ms=DEBOUNCE_MS
        )
        search = contacts_table().query_one("#contacts-search")
        search.value = ""
        await settle()
        contacts_table().focus_table()

        # Enter on a contact: the card
        async def prepare_card() -> None:
            while type(app.screen).__name__ == "ContactCard":
                app.screen.close()
                await settle()
            contacts_table().focus_table()
            contacts_table().table.move_cursor(row=len(state.setdefault("cards", [])) % 20)
            state["cards"].append(1)

        def card_shown() -> bool:
            return type(app.screen).__name__ == "ContactCard" and app.screen.loaded is not None

        await repeat("Enter: contact card opens", prepare_card, lambda: pilot.press("enter"), card_shown)
        await prepare_card()

        # Find results
        await pilot.press("f")
        await settle()
        criteria = [find.parse_where("lead_status:one_of:Open,Contacting")]

        async def prepare_find() -> None:
            state["page"] = app.screen.page

        async def open_find() -> None:
            app.screen.open_with("persons", criteria)

        def find_shown() -> bool:
            screen = app.screen
            return (
                type(screen).__name__ == "FindScreen"
                and screen.page is not state["page"]
                and screen.page is not None
                and screen.query_one("#results", DataTable).row_count > 0
            )

        await repeat("Find results", prepare_find, open_find, find_shown)

        # `b` Board of all contacts
        def board_shown() -> bool:
            screen = app.screen
            if type(screen).__name__ != "BoardScreen" or screen.board is None:
                return False
            columns = screen.columns()
            return bool(columns) and columns[0].card_list().option_count > 0

        await repeat("b Board (all contacts)", lambda: fresh("board"), lambda: pilot.press("b"), board_shown)

        # moving one card: L, then H back (the cursor follows the card)
        await pilot.press("b")
        await settle()
        moves = ["L", "H"]

        async def prepare_move() -> None:
            screen = app.screen
            key = moves[len(state.setdefault("moves", [])) % 2]
            state["moves"].append(key)
            card = screen.current_card()
            column = screen.current_column()
            keys = [c.key for c in screen.board.columns]
            to_key = keys[keys.index(column.column.key) + (1 if key == "L" else -1)]
            to = next(c for c in screen.columns() if c.column.key == to_key)
            state.update(key=key, card=card.id, to=to_key, count=to.column.count)

        def move_shown() -> bool:
            screen = app.screen
            to = next((c for c in screen.columns() if c.column.key == state["to"]), None)
            if to is None or to.column.count != state["count"] + 1:
                return False
            cards = to.card_list()
            return any(cards.get_option_at_index(i).id == str(state["card"]) for i in range(cards.option_count))

        await repeat("move one card", prepare_move, lambda: pilot.press(state["key"]), move_shown)
        watch.stop()
    await replay.close()
    return results


def report(results: list[tuple[str, list[dict[str, Any]], float, str]], url: str, load: str) -> None:
    print()
    print(f"database: {url.split('@')[-1]}   load average before: {load}")
    print(f"{'action':<38} {'felt':>8} {'min':>7} {'max':>7} {'SQL':>8} {'x SQL':>6} {'GC max':>7} {'gen2':>4}  target")
    for label, samples, sql, note in results:
        felt = [s["felt"] * 1000 for s in samples]
        median = statistics.median(felt)
        gc_max = max(s["gc"] for s in samples) * 1000
        gen2 = statistics.median(s["gc2"] for s in samples)
        target = TARGETS.get(label)
        verdict = f"< {target} ms {'met' if median < target else 'MISSED'}" if target else ""
        print(
            f"{label:<38} {median:>6.0f}ms {min(felt):>5.0f}ms {max(felt):>5.0f}ms {sql * 1000:>6.1f}ms "
            f"{median / max(sql * 1000, 0.01):>5.0f}x {gc_max:>5.0f}ms {gen2:>4.0f}  {verdict}  ({note})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:////tmp/perftui/felt.db", help="SQLite file/URL or PostgreSQL URL")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=250_000)
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/perftui/felt.db"), help="source of a PG copy")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=45)
    args = parser.parse_args()
    url = asyncio.run(ensure_database(args.db, args))
    load = Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"
    results = asyncio.run(walk(url, args.runs, (args.width, args.height)))
    report(results, url, load)
    if Path("/proc/loadavg").exists():
        print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
