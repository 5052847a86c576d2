"""Find's text index and relative dates on 1,000,000 contacts (SPEC.md 4.4; model/text_index.py).

Times, each the median of several runs after one warm-up, next to the very same SQL statements run through the
sqlite3 module (captured from the service's engine, as bench/board_find.py does): Find's first page (50 rows)
and its count for
  - contains on contact name / email and company name (3+ characters: through the FTS5 trigram index),
  - a 2-character contains (plain LIKE: a trigram index cannot answer it),
  - relative dates: contacts registered previous:30:days, sales with sale date next:30:days,
  - an OR of two groups.
With --without PATH (a copy of the database made before migration 0012, no FTS tables) the text criteria are
timed there too: what the same searches cost without the index.

    python bench/find_text.py [--db /tmp/find1m.db] [--without /tmp/find1m-nofts.db] [--runs R]

The database is built once (bench/board_find.py's generator: 1,000,000 contacts, 250,000 companies, 100,000
sales; a few minutes) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from board_find import Capture, build, replay, timed  # noqa: E402

from leadtui.services import database, find  # noqa: E402

CASES: list[tuple[str, str, list[list[str]]]] = [
    ("contacts: name contains 'øster' (common)", "persons", [["name:contains:øster"]]),
    ("contacts: email contains 'p123456@' (one)", "persons", [["email:contains:p123456@"]]),
    ("contacts: company contains 'berg 97' ", "persons", [["company:contains:berg 97 "]]),
    ("contacts: name not_contains 'a' (2 chars: LIKE)", "persons", [["name:not_contains:an"]]),
    ("companies: name contains 'lund 12'", "companies", [["name:contains:lund 12"]]),
    ("sales: heading ends_with ' 4242'", "sales", [["heading:ends_with: 4242"]]),
    ("contacts: registered previous:30:days", "persons", [["registered:previous:30:days"]]),
    ("contacts: registered this:week + lead status", "persons", [["registered:this:week", "lead_status:not_empty"]]),
    ("sales: sale date next:30:days", "sales", [["sale_date:next:30:days"]]),
    (
        "contacts: (email contains p1234) or (name contains øster)",
        "persons",
        [["email:contains:p1234"], ["name:contains:øster"]],
    ),
]
TEXT_CASES = 6  # the first ones: timed without the index too


async def measure(path: Path, cases: list[tuple[str, str, list[list[str]]]], runs: int) -> list[tuple[str, ...]]:
    db = await database.connect(f"sqlite+aiosqlite:///{path}")
    actor = await database.resolve_actor(db, "admin")
    capture = Capture(db)
    out = []
    try:
        for label, target, groups in cases:
            criteria = find.grouped([[find.parse_where(text) for text in group] for group in groups])
            for what, call in (
                ("first page", lambda t=target, c=criteria: find.find(db, actor, t, c, limit=50)),
                ("count", lambda t=target, c=criteria: find.count(db, actor, t, c)),
            ):
                capture.on = True
                await call()
                statements = capture.grab()
                capture.on = False
                service, result = await timed(call, runs)
                raw = replay(path, statements, runs)
                n = len(result.rows) if hasattr(result, "rows") else result
                out.append(
                    (label, what, f"{service:9.1f}", f"{raw:9.1f}", f"{service / raw if raw else 0:5.1f}", f"{n:>8}")
                )
    finally:
        await db.dispose()
    return out


def show(title: str, rows: list[tuple[str, ...]]) -> None:
    print(f"\n{title}")
    print(f"{'criteria':<62} {'':<10} {'service':>9} {'sqlite3':>9} {'ratio':>5} {'rows':>8}")
    for label, what, service, raw, ratio, n in rows:
        print(f"{label:<62} {what:<10} {service} {raw} {ratio} {n}  (ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/find1m.db"))
    parser.add_argument("--without", type=Path, default=None, help="the same database without the text index")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=250_000)
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.db.exists():
        print(f"building {args.db} (a few minutes)", flush=True)
        build(args.db, args.contacts, args.companies, args.sales, min(100_000, args.contacts))
    show(f"with the text index ({args.db})", asyncio.run(measure(args.db, CASES, args.runs)))
    if args.without is not None and args.without.exists():
        show(f"without it ({args.without})", asyncio.run(measure(args.without, CASES[:TEXT_CASES], args.runs)))


if __name__ == "__main__":
    main()
