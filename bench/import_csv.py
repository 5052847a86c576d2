"""CSV import of 100,000 rows (DESIGN.md performance target: under 10 s on SQLite).

Writes a CSV of contacts (names from small lists, 2,000 companies with websites, lead statuses, UTM columns on
a third of the rows), then times:
  1. the preview (every row checked, nothing written) and the import through services.imports into a fresh
     database (one transaction: companies, contacts, history, first touch, audit);
  2. sqlite3's own import of the same file into a plain table (the sqlite3 command line's `.import` when it is
     installed, else Python's csv + executemany), for comparison.

    python bench/import_csv.py [--rows N] [--distribute USERS] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from leadtui.services import database, imports

FIRST = [
    "Anna",
    "Bo",
    "Carla",
    "Dirk",
    "Eva",
    "Frederik",
    "Greta",
    "Hans",
    "Ida",
    "Jens",
    "Karin",
    "Lars",
    "Mette",
    "Niels",
    "Olga",
    "Peter",
    "Rikke",
    "Søren",
    "Tove",
    "Ulla",
    "Vibeke",
    "Willem",
    "Øystein",
    "Åse",
]
LAST = [
    "Andersen",
    "Berg",
    "Christensen",
    "de Vries",
    "Eriksen",
    "Fischer",
    "Hansen",
    "Jansen",
    "Johansen",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Pedersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "van Dijk",
    "Visser",
    "Aas",
]
WORDS = ["Nordic", "Blue", "North", "Atlas", "Delta", "Fjord", "Green", "Harbour", "Polar", "Summit", "Tulip", "Viking"]
KINDS = ["Consulting", "Logistics", "Software", "Foods", "Energy", "Design", "Systems", "Trading", "Media", "Health"]
STATUSES = ["", "", "Open", "Contacting", "Qualified"]
SOURCES = ["google", "linkedin", "newsletter", "facebook", "partner"]


def write_csv(path: Path, rows: int, companies: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    names = [f"{rng.choice(WORDS)} {rng.choice(KINDS)} {i}" for i in range(companies)]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "First name",
                "Last name",
                "Email",
                "Title",
                "Mobile",
                "Company",
                "Website",
                "City",
                "Lead status",
                "utm_source",
                "utm_medium",
                "utm_campaign",
            ]
        )
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            c = rng.randrange(companies)
            domain = f"company{c}.example.com"
            utm = [rng.choice(SOURCES), "cpc", f"campaign-{i % 12}"] if i % 3 == 0 else ["", "", ""]
            writer.writerow(
                [
                    first,
                    last,
                    f"{first.lower()}.{i}@{domain}",
                    "Manager" if i % 4 == 0 else "",
                    f"+45 {20000000 + i}",
                    names[c],
                    f"https://www.{domain}/",
                    "Aarhus",
                    rng.choice(STATUSES),
                    *utm,
                ]
            )


async def through_service(
    db_path: Path, csv_path: Path, distribute_to: int = 0
) -> tuple[float, float, float, float, imports.ImportSummary]:
    db = await database.init_database(f"sqlite+aiosqlite:///{db_path}", lang="en", login="admin", force=False)
    try:
        actor = await database.resolve_actor(db, "admin")
        if distribute_to:
            from leadtui.services import distribution, users

            logins = [f"rep{i}" for i in range(1, distribute_to + 1)]
            for login in logins:
                await users.add_user(db, actor, {"login": login, "role": "sales-rep"})
            await distribution.set_distribution(db, actor, {"mode": "users", "users": logins})
        start = time.perf_counter()
        data = imports.load_csv(csv_path)
        read = time.perf_counter() - start
        start = time.perf_counter()
        await imports.preview_import(db, actor, data)
        preview = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        summary = await imports.apply_import(db, actor, imports.load_csv(csv_path))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        return read, preview, elapsed, cpu, summary
    finally:
        await db.dispose()


def through_sqlite3(db_path: Path, csv_path: Path) -> tuple[float, str]:
    """sqlite3's own import of the file into a plain table (no rules, no indexes)."""
    exe = shutil.which("sqlite3")
    if exe:
        start = time.perf_counter()
        subprocess.run([exe, str(db_path)], input=f".mode csv\n.import {csv_path} people\n", text=True, check=True)
        return time.perf_counter() - start, "sqlite3 .import"
    start = time.perf_counter()
    con = sqlite3.connect(db_path)
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        con.execute(f"CREATE TABLE people ({', '.join(f'c{i}' for i in range(len(header)))})")
        with con:
            con.executemany(f"INSERT INTO people VALUES ({', '.join('?' * len(header))})", reader)
    con.close()
    return time.perf_counter() - start, "python sqlite3 executemany"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="Write the CSV and the databases into this folder and keep them.")
    parser.add_argument(
        "--distribute",
        type=int,
        default=0,
        metavar="N",
        help="Distribute the new leads round robin over N users (default: no distribution).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path, db_path, raw_path = folder / "contacts.csv", folder / "import.db", folder / "plain.db"
        for path in (db_path, raw_path):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        write_csv(csv_path, args.rows, args.companies)
        size = csv_path.stat().st_size / 1e6
        print(
            f"wrote {args.rows:,} rows ({size:.1f} MB) for {args.companies:,} companies: "
            f"{time.perf_counter() - start:.2f} s"
        )
        read, preview, applied, cpu, summary = asyncio.run(through_service(db_path, csv_path, args.distribute))
        print(f"read and decode the file:             {read:.2f} s")
        print(f"service preview (every row checked):  {preview:.2f} s")
        print(f"service import (one transaction):     {applied:.2f} s  {summary.describe()}")
        busy = " (far below the wall time: other work was running on this machine)" if cpu < 0.8 * applied else ""
        print(f"  CPU time of that import (all threads): {cpu:.2f} s{busy}")
        if args.distribute:
            print(f"  distributed to {args.distribute} users: {summary.assigned:,} contacts")
        raw, how = through_sqlite3(raw_path, csv_path)
        print(f"{how + ' (plain table):':<38}{raw:.2f} s  (service / sqlite3 = {applied / raw:.1f} x)")
        print(f"target: import under 10 s: {'met' if applied < 10.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
