"""Find and board on 1,000,000 contacts (DESIGN.md performance targets).

Builds a SQLite database (schema through the migrations, rows set-based through sqlite3: recursive CTEs with
INSERT ... SELECT) with 250,000 companies in the default categories, 1,000,000 contacts (casefolded name keys as
contact_rules.contact_keys makes them; lead statuses on the contacts of lead-enabled companies, with history),
100,000 sales and a static selection of 100,000 contacts. Then times, each the median of several runs after one
warm-up, next to the very same SQL statements run through the sqlite3 module (captured from the service's engine):

  1. Find contacts by two criteria, first page of 50 (services.find.find): six pairs of criteria, the first also
     with its list values by id (as the Find screen sends them), a deep page by offset and by keyset, its count.
  2. Board of the 100,000-contact selection: columns with counts plus the first 30 cards of each column
     (services.board.open_board); also a dynamic selection and all sales.
  3. Moving one card (services.board.move_cards -> contacts.update_contact), twelve marked cards together (one
     transaction) and undoing that move.

    python bench/board_find.py [--contacts N] [--companies N] [--keep PATH] [--runs R]

Targets: find first page under 100 ms and at most 2 x sqlite3; board open under 300 ms; a move under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event

from leadtui.services import board, database, find, selections

FIRST_NAMES = [
    "Ann",
    "Bob",
    "Cid",
    "Dana",
    "Erik",
    "Frida",
    "Gustav",
    "Hanne",
    "Ida",
    "Jens",
    "Karin",
    "Lars",
    "Mette",
    "Nils",
    "Ole",
    "Pia",
    "Rasmus",
    "Sofie",
    "Tove",
    "Ulla",
    "Vera",
    "Willem",
    "Åse",
    "Øystein",
    "Émile",
    "Helen",
    "Trevor",
    "Glen",
    "Max",
    "Julie",
    "Gregory",
    "Eileen",
    "Raymond",
    "Shirley",
    "Jane",
    "Anna",
    "Jodie",
    "Elliott",
    "Joanna",
    "Gregor",
    "Jill",
    "Sam",
    "Katy",
    "Patricia",
    "Keith",
    "Aimee",
    "Valerie",
    "Maria",
    "Craig",
    "Emily",
]
LAST_NAMES = [
    "Berg",
    "Øster",
    "Lund",
    "Moe",
    "Solo",
    "Hansen",
    "Jensen",
    "Nielsen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "de Vries",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Åberg",
    "Ærø",
    "Ødegaard",
    "Haugen",
    "Johansen",
    "Karlsen",
    "Eriksen",
    "Berntsen",
    "Holm",
    "Lie",
    "Strand",
    "Dahl",
    "Lunde",
    "Moen",
    "Bakke",
    "Solberg",
    "Fredriksen",
    "Nilsen",
    "Iversen",
    "Knutsen",
    "Aas",
    "Ruud",
    "Næss",
    "Bjørnstad",
    "Vik",
    "Tangen",
    "Halvorsen",
    "Ahmed",
    "Ali",
    "Khan",
    "Nguyen",
    "García",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
]
# companies per category (default list order: Lead, MQL, Opportunity, Lost opportunity, Customer, Partner, Supplier)
CATEGORY_SHARES = [15, 10, 10, 5, 35, 15, 10]
# lead statuses by rank: Open, Contacting, Disqualified, Re-nurture, Qualified
STATUS_SHARES = [30, 25, 10, 15, 20]


def fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _buckets(shares: list[int], ids: list[int]) -> list[tuple[int, int, int]]:
    """(from, to, id): i % 100 in [from, to) gets id."""
    out, start = [], 0
    total = sum(shares[: len(ids)])
    for share, item in zip(shares, ids):
        width = round(share * 100 / total)
        out.append((start, min(100, start + width), item))
        start += width
    out[-1] = (out[-1][0], 100, out[-1][2])
    return out


def _case(expr: str, buckets: list[tuple[int, int, int]]) -> str:
    whens = " ".join(f"WHEN {expr} < {to} THEN {item}" for _start, to, item in buckets)
    return f"CASE {whens} END"


def build(path: Path, contacts: int, companies: int, sales: int, selection_size: int) -> dict[str, Any]:
    async def init() -> None:
        db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="en", login="admin", force=False)
        await db.dispose()

    asyncio.run(init())
    con = sqlite3.connect(path)
    con.create_function("fold", 1, fold, deterministic=True)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    categories = [
        row
        for row in con.execute(
            "SELECT id, category_group = 2 AND enable_lead_status FROM category WHERE NOT deleted ORDER BY rank, id"
        )
    ]
    statuses = [row[0] for row in con.execute("SELECT id FROM lead_status WHERE NOT deleted ORDER BY rank, id")]
    status_names = dict(con.execute("SELECT id, name FROM lead_status"))
    stages = [row for row in con.execute("SELECT id, probability FROM sale_stage WHERE NOT deleted ORDER BY rank")]
    sale_type = con.execute("SELECT id FROM sale_type ORDER BY rank LIMIT 1").fetchone()[0]
    with con:
        for n in range(9):
            con.execute(
                "INSERT INTO associate (login, full_name, email, role, active, delete_others_sales, "
                "allow_bulk_update, can_manage_entities, registered_at, version) "
                "VALUES (?, ?, '', 'sales-rep', 1, 0, 1, 1, ?, 1)",
                (f"rep{n}", f"Rep {n}", now),
            )
        owners = [row[0] for row in con.execute("SELECT id FROM associate ORDER BY id")]
        con.execute("CREATE TEMP TABLE first_names (k INTEGER PRIMARY KEY, name TEXT)")
        con.execute("CREATE TEMP TABLE last_names (k INTEGER PRIMARY KEY, name TEXT)")
        con.executemany("INSERT INTO first_names VALUES (?, ?)", list(enumerate(FIRST_NAMES)))
        con.executemany("INSERT INTO last_names VALUES (?, ?)", list(enumerate(LAST_NAMES)))
        category_case = _case("r.a", _buckets(CATEGORY_SHARES, [c[0] for c in categories]))
        con.execute(
            f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?),
            r AS MATERIALIZED (SELECT i, abs(random()) % 100 AS a, abs(random()) % {len(LAST_NAMES)} AS l,
                                      abs(random()) % 977 AS m, abs(random()) % {len(owners)} AS o,
                                      abs(random()) % 700 AS d FROM n)
            INSERT INTO company (id, name, name_key, category_id, our_contact_id, number, code, department, address,
                zip_code, city, country, phone, email, website, domain, vat_no, stop, no_mailings, note,
                registered_at, version)
            SELECT r.i, ln.name || ' ' || r.m || ' AS', fold(ln.name || ' ' || r.m || ' AS'),
                {category_case}, {owners[0]} + r.o, '', '', '', '', '', 'City ' || (r.i % 300), 'NO',
                '', '', '', 'c' || r.i || '.example', '', 0, 0, '', datetime(?, '-' || r.d || ' days'), 1
            FROM r JOIN last_names ln ON ln.k = r.l""",
            (companies, now.isoformat(sep=" ")),
        )
        lead_categories = ",".join(str(c[0]) for c in categories if c[1])
        status_case = _case("r.s", _buckets(STATUS_SHARES, statuses))
        # contacts: about 4 per company, spread over all companies at random
        con.execute(
            f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?),
            r AS MATERIALIZED (SELECT i, 1 + abs(random()) % ? AS c, abs(random()) % {len(FIRST_NAMES)} AS f,
                                      abs(random()) % {len(LAST_NAMES)} AS l, abs(random()) % 100 AS s,
                                      abs(random()) % 400 AS d, abs(random()) % 720 AS g, abs(random()) % 3 AS o
                               FROM n)
            INSERT INTO contact (id, company_id, first_name, middle_name, last_name, name_key, last_key, mr_ms, title,
                email, email_normalized, mobile, phone, country, lead_status_id, lead_status_since, email_opt_in,
                former_employee, note, registered_at, version)
            SELECT r.i, c.id, fn.name, '', ln.name, fold(fn.name || ' ' || ln.name), fold(ln.name), '', '',
                'p' || r.i || '@' || c.domain, 'p' || r.i || '@' || c.domain, '', '', '',
                CASE WHEN c.category_id IN ({lead_categories}) THEN {status_case} END,
                CASE WHEN c.category_id IN ({lead_categories}) THEN datetime(?, '-' || r.d || ' days') END,
                r.o = 0, 0, '', datetime(?, '-' || r.g || ' days', '-' || (r.i % 1440) || ' minutes'), 1
            FROM r
            JOIN company c ON c.id = r.c
            JOIN first_names fn ON fn.k = r.f
            JOIN last_names ln ON ln.k = r.l""",
            (contacts, companies, now.isoformat(sep=" "), now.isoformat(sep=" ")),
        )
        # history: how each lead got its status
        con.execute("""
            INSERT INTO history (entity, entity_id, field, from_id, from_text, to_id, to_text, at, by_id)
            SELECT 'contact', c.id, 'lead_status', NULL, '', c.lead_status_id, s.name, c.lead_status_since, 1
            FROM contact c JOIN lead_status s ON s.id = c.lead_status_id""")
        stage_case = _case("(i * 11) % 100", _buckets([30, 25, 20, 15, 10], [s[0] for s in stages]))
        probability = dict(stages)
        probability_case = "CASE stage " + " ".join(f"WHEN {k} THEN {v}" for k, v in probability.items()) + " END"
        con.execute(
            f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?),
            s AS (SELECT i, {stage_case} AS stage, CASE WHEN i % 10 = 0 THEN 2 WHEN i % 10 = 1 THEN 3 ELSE 1 END
                  AS status FROM n)
            INSERT INTO sale (id, number, heading, description, sale_type_id, stage_id, status, probability, amount,
                cost, currency, company_id, contact_id, owner_id, sale_date, completed, stage_since, visible_for,
                registered_at, version, reason_sold_id, reason_lost_id)
            SELECT i, '', 'Deal ' || i, '', {sale_type}, stage, status,
                CASE status WHEN 2 THEN 100 WHEN 3 THEN 0 ELSE {probability_case} END,
                (i % 97) * 1000 + 500, 0, '', 1 + ((i * 104729) % ?), NULL, {owners[0]} + (i % {len(owners)}),
                date(?, '+' || (i % 120) || ' days'), 0, datetime(?, '-' || (i % 90) || ' days'), 'all',
                datetime(?, '-' || (i % 365) || ' days'), 1,
                CASE WHEN status = 2 THEN (SELECT min(id) FROM reason_sold) END,
                CASE WHEN status = 3 THEN (SELECT min(id) FROM reason_lost) END
            FROM s""",
            (sales, companies, now.date().isoformat(), now.isoformat(sep=" "), now.isoformat(sep=" ")),
        )
        # a static selection of 100,000 contacts: every tenth one
        step = max(1, contacts // selection_size)
        con.execute(
            "INSERT INTO selection (id, name, kind, target, owner_id, description, criteria, visible_for, "
            "completed, combination, board_settings, registered_at, version) VALUES "
            "(1, 'Every tenth contact', 0, 'contact', 1, '', '[]', 'all', 0, '', '{}', ?, 1)",
            (now,),
        )
        con.execute(
            "INSERT INTO selection_member (selection_id, entity_id) SELECT 1, id FROM contact WHERE id % ? = 0 LIMIT ?",
            (step, selection_size),
        )
    con.execute("ANALYZE")
    counts = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("company", "contact", "sale", "history", "selection_member")
    }
    counts["leads"] = con.execute("SELECT count(*) FROM contact WHERE lead_status_id IS NOT NULL").fetchone()[0]
    counts["status_names"] = status_names
    con.close()
    return counts


# --------------------------------------------------------------------------- timing


class Capture:
    """Collects the SQL statements (with their parameters) the service sends, to replay them through sqlite3."""

    def __init__(self, db: Any) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.on = False
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._before)

    def _before(self, _conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, parameters))

    def grab(self) -> list[tuple[str, Any]]:
        out, self.statements = self.statements, []
        return out


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed(call, runs: int) -> tuple[float, Any]:  # noqa: ANN001
    result = await call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = await call()
        samples.append(time.perf_counter() - start)
    return median_ms(samples), result


def replay(path: Path, statements: list[tuple[str, Any]], runs: int) -> float:
    """The same statements through the sqlite3 module, in one read transaction like the service's."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")

    def once() -> None:
        con.execute("BEGIN")
        for statement, parameters in statements:
            con.execute(statement, parameters).fetchall()
        con.execute("COMMIT")

    once()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        samples.append(time.perf_counter() - start)
    con.close()
    return median_ms(samples)


def slowest(path: Path, statements: list[tuple[str, Any]]) -> tuple[str, Any]:
    con = sqlite3.connect(path)
    timed_statements = []
    for statement, parameters in statements:
        start = time.perf_counter()
        con.execute(statement, parameters).fetchall()
        timed_statements.append((time.perf_counter() - start, statement, parameters))
    con.close()
    _elapsed, statement, parameters = max(timed_statements, key=lambda item: item[0])
    return statement, parameters


def plan(path: Path, statement: str, parameters: Any) -> str:
    con = sqlite3.connect(path)
    rows = con.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    con.close()
    return "; ".join(row[-1] for row in rows)


async def run(path: Path, runs: int, show_plans: bool) -> list[tuple[str, float, float | None, float, str]]:
    db = await database.connect(f"sqlite+aiosqlite:///{path}")
    capture = Capture(db)
    report: list[tuple[str, float, float | None, float, str]] = []
    try:
        admin = await database.resolve_actor(db, "admin")

        async def measure(label: str, call, target_ms: float, ratio_target: bool = False) -> Any:  # noqa: ANN001
            await call()
            capture.on = True
            await call()
            capture.on = False
            statements = capture.grab()
            service, result = await timed(call, runs)
            raw = replay(path, statements, runs)
            note = f"{len(statements)} statements"
            if ratio_target:
                note += ", target ≤ 2 x sqlite3"
            report.append((label, service, raw, target_ms, note))
            if show_plans:
                main = slowest(path, statements)
                print(f"  plan of {label} (its slowest statement): {plan(path, *main)}")
            return result

        w = find.parse_where
        since = (datetime.now() - timedelta(days=200)).date()
        for label, criteria, target_ms in (
            (
                "find: lead status Open/Contacting + category group Potential customer",
                [w("lead_status:one_of:Open,Contacting"), w("category_group:one_of:potential-customer")],
                100,
            ),
            (
                "find: name starts with 'ann' + lead status Qualified",
                [w("name:starts_with:ann"), w("lead_status:one_of:Qualified")],
                100,
            ),
            (
                "find: name starts with 'sør' + lead status Open (rare)",
                [w("name:starts_with:sør"), w("lead_status:one_of:Open")],
                100,
            ),
            (
                "find: company starts with 'hansen' + registered after a day",
                [w("company:starts_with:hansen"), w(f"registered:gt:{since}")],
                100,
            ),
            ("find: our contact rep3 + lead status Open", [w("owner:one_of:rep3"), w("lead_status:one_of:Open")], 100),
            (
                "find, worst case: title contains 'x' (no match: every row read)",
                [w("title:contains:x"), w("lead_status:one_of:Open")],
                0,
            ),
        ):
            await measure(
                label,
                lambda criteria=criteria: find.find(db, admin, "persons", criteria, limit=50),
                target_ms,
                ratio_target=bool(target_ms),
            )
        status_ids = await find.choices(db, "persons", "lead_status")
        by_name = {c.label: c.value for c in status_ids}
        await measure(
            "find, the first pair by id, as the Find screen sends list values",
            lambda: find.find(
                db,
                admin,
                "persons",
                [
                    find.Criterion(field="lead_status", op="one_of", values=[by_name["Open"], by_name["Contacting"]]),
                    w("category_group:one_of:potential-customer"),
                ],
                limit=50,
            ),
            100,
            ratio_target=True,
        )
        first_pair = [w("lead_status:one_of:Open,Contacting"), w("category_group:one_of:potential-customer")]
        before = (await find.find(db, admin, "persons", first_pair, offset=49_999, limit=1)).rows[0]["id"]
        await measure(
            "find: the page at match 50,000 by offset (sorted results page so)",
            lambda: find.find(db, admin, "persons", first_pair, offset=50_000, limit=50),
            0,
        )
        await measure(
            "find: the same page by keyset (PgDn on the Find screen)",
            lambda: find.find(db, admin, "persons", first_pair, after=before, limit=50),
            100,
        )
        await measure(
            "find: count of the first criteria (status line, not a target)",
            lambda: find.count(
                db,
                admin,
                "persons",
                [w("lead_status:one_of:Open,Contacting"), w("category_group:one_of:potential-customer")],
            ),
            0,
        )
        board_out = await measure(
            "board open: static selection of 100,000 contacts",
            lambda: board.open_board(db, admin, selection_id=1, page=30),
            300,
        )
        dynamic = next(
            (s for s in await selections.list_selections(db, admin) if s.name == "Lead and MQL contacts"), None
        ) or await selections.create_selection(
            db,
            admin,
            {
                "name": "Lead and MQL contacts",
                "target": "persons",
                "criteria": [
                    {"field": "category", "op": "one_of", "values": ["Lead", "Marketing qualified lead (MQL)"]}
                ],
            },
        )
        await measure(
            "board open: dynamic selection (category Lead or MQL)",
            lambda: board.open_board(db, admin, selection_id=dynamic.id, page=30),
            300,
        )
        await measure(
            "board open: all sales (100,000) with sums",
            lambda: board.open_board(db, admin, target="sales", page=30),
            300,
        )
        await measure(
            "board: next page of a column (30 cards)",
            lambda: board.column_cards(
                db,
                admin,
                board_out.columns[0].key,
                selection_id=1,
                after=board_out.pages[board_out.columns[0].key].cards[-1].id,
            ),
            100,
        )

        # moves: cards of the Open column to Contacting (one service call each), then back all together (one call,
        # one transaction: undone as a whole)
        open_key = board_out.columns[0].key
        other_key = board_out.columns[1].key
        cards = board_out.pages[open_key].cards[:12]
        samples = []
        for card in cards:
            start = time.perf_counter()
            result = await board.move_cards(db, admin, "persons", [card.id], other_key)
            samples.append(time.perf_counter() - start)
            assert result.moved == [card.id], result
        move_ms = statistics.median(samples[1:]) * 1000
        report.append(
            (
                "move one card (contacts.update_contact, history, audit)",
                move_ms,
                None,
                50,
                f"median of {len(samples) - 1}",
            )
        )
        start = time.perf_counter()
        result = await board.move_cards(db, admin, "persons", [c.id for c in cards], open_key)
        many = (time.perf_counter() - start) * 1000
        report.append(
            (
                f"move {len(cards)} marked cards together (one transaction)",
                many,
                None,
                0,
                f"{many / len(cards):.1f} ms per card",
            )
        )
        start = time.perf_counter()
        from leadtui.services import undo

        undone = await undo.undo_last(db, admin)
        undo_ms = (time.perf_counter() - start) * 1000
        report.append((f"undo that move ({undone.records} records)", undo_ms, None, 0, "ctrl+z"))

    finally:
        await db.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=250_000)
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--selection", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="Build the database here and keep it (reused when it exists).")
    parser.add_argument("--plans", action="store_true", help="Print SQLite's query plans.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if path.exists() and args.keep:
            print(f"reusing {path}")
        else:
            if path.exists():
                path.unlink()
            start = time.perf_counter()
            counts = build(path, args.contacts, args.companies, args.sales, args.selection)
            counts.pop("status_names", None)
            print(
                f"built in {time.perf_counter() - start:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            )
        report = asyncio.run(run(path, args.runs, args.plans))
    print()
    print(f"{'what':<70} {'service':>9} {'sqlite3':>9} {'ratio':>6}  targets")
    for label, service, raw, target, note in report:
        ratio = f"{service / raw:.1f}x" if raw else "–"
        raw_text = f"{raw:.1f}ms" if raw is not None else "–"
        verdict = ""
        if target:
            verdict = f"< {target:.0f} ms {'met' if service < target else 'MISSED'}"
            if "≤ 2 x" in note and raw:
                verdict += f", ≤ 2 x sqlite3 {'met' if service <= 2 * raw else 'missed'}"
        note = note.replace(", target ≤ 2 x sqlite3", "")
        print(f"{label:<70} {service:>7.1f}ms {raw_text:>9} {ratio:>6}  {verdict}  ({note})")


if __name__ == "__main__":
    main()
