"""CSV import of 100,000 rows (DESIGN.md performance target: under 10 s on SQLite).

Writes a CSV of contacts (names from small lists, 2,000 companies with websites, lead statuses, UTM columns on
a third of the rows), then times:
  1. the preview (every row checked, nothing written) and the import through services.imports into a fresh
     database (one transaction: companies, contacts, history, first touch, audit);
  2. sqlite3's own import of the same file into a plain table (the sqlite3 command line's `.import` when it is
     installed, else Python's csv + executemany), for comparison.

    python bench/import_csv.py [--rows N] [--distribute USERS] [--keep DIR] [--db URL] [--runs N]

Each step reports its wall and CPU time, its own peak RSS and the load average (bench/_harness.py).
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

import _harness  # noqa: I001 - puts the repository root on the path first

from leadtui.services import database, imports

FIRST, LAST, WORDS = _harness.FIRST, _harness.LAST, _harness.WORDS
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


async def through_service(url: str, csv_path: Path, distribute_to: int, runs: int) -> list[_harness.Measure]:
    """load_csv + preview, then the import into a fresh database (median of `runs`), then the export of every
    contact; each step with its wall and CPU time and its own peak RSS."""
    from leadtui.services import exports

    out: list[_harness.Measure] = []
    applied: list[_harness.Measure] = []
    for run in range(runs):
        _harness.remove_sqlite(url)
        db = await database.init_database(url, lang="en", login="admin", force=True)
        try:
            actor = await database.resolve_actor(db, "admin")
            if distribute_to:
                from leadtui.services import distribution, users

                logins = [f"rep{i}" for i in range(1, distribute_to + 1)]
                for login in logins:
                    await users.add_user(db, actor, {"login": login, "role": "sales-rep"})
                await distribution.set_distribution(db, actor, {"mode": "users", "users": logins})
            if run == 0:
                with _harness.measure("read the file (load_csv)") as m:
                    data = imports.load_csv(csv_path)
                out.append(m)
                with _harness.measure("service preview (every row checked)") as m:
                    await imports.preview_import(db, actor, data)
                out.append(m)
            with _harness.measure("service import (one transaction)") as m:
                summary = await imports.apply_import(db, actor, imports.load_csv(csv_path))
            m.extra["summary"] = summary.describe()
            applied.append(m)
            if run == runs - 1:
                target = csv_path.with_name("export.csv")
                with _harness.measure("service export of every contact (CSV)") as m, target.open("w") as handle:
                    exported = await exports.export(db, actor, "contact", [], handle)
                m.extra["rows"] = getattr(exported, "rows", None)
                out.append(m)
                out.append(await plain_export(db, url, target.with_name("plain.csv"), m.extra.get("columns")))
        finally:
            await db.dispose()
    middle = sorted(applied, key=lambda r: r.wall)[(len(applied) - 1) // 2]
    middle.label += f" (median of {len(applied)}: " + ", ".join(f"{r.wall:.2f}" for r in applied) + " s)"
    out.insert(2, middle)
    return out


async def plain_export(db: database.Database, url: str, target: Path, _columns: object) -> _harness.Measure:
    """The floor for an export: the same contacts' Find columns read with one query and written by csv.writer."""
    from sqlalchemy import text

    sql = text(
        "SELECT c.id, c.first_name, c.last_name, co.name, c.email, c.mobile, c.title, ls.name "
        "FROM contact c LEFT JOIN company co ON co.id = c.company_id "
        "LEFT JOIN lead_status ls ON ls.id = c.lead_status_id WHERE c.deleted_at IS NULL ORDER BY c.id"
    )
    with _harness.measure("plain Python csv.writer of the same contacts") as m, target.open("w", newline="") as out:
        writer = csv.writer(out)
        async with db.read() as session:
            result = await session.stream(sql)
            async for part in result.partitions(5000):
                writer.writerows(part)
    return m


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
    _harness.add_db_argument(parser, runs=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path, raw_path = folder / f"contacts-{args.rows}.csv", folder / "plain.db"
        url = _harness.database_url(args.db, folder / "import.db")
        _harness.remove_sqlite(f"sqlite+aiosqlite:///{raw_path}")
        start = time.perf_counter()
        if not csv_path.exists():  # kept from an earlier run with --keep: the same seed writes the same file
            write_csv(csv_path, args.rows, args.companies)
        size = csv_path.stat().st_size / 1e6
        print(
            f"{_harness.backend_name(url)}: {args.rows:,} rows ({size:.1f} MB) for {args.companies:,} companies "
            f"in {time.perf_counter() - start:.2f} s"
        )
        steps = asyncio.run(through_service(url, csv_path, args.distribute, args.runs))
        for step in steps:
            print(step.line() + "".join(f"\n    {value}" for key, value in step.extra.items() if key == "summary"))
        applied = steps[2]
        service_export, plain = steps[-2], steps[-1]
        print(
            f"export / plain csv.writer = {service_export.wall / plain.wall:.2f} x wall, "
            f"{service_export.cpu / max(plain.cpu, 1e-9):.2f} x CPU (target at most 1.5 x)"
        )
        raw, how = through_sqlite3(raw_path, csv_path)
        print(f"{how + ' (plain table):':<38}{raw:.2f} s  (service / sqlite3 = {applied.wall / raw:.1f} x)")
        limit_s = 6.0 if _harness.is_postgres(url) else 5.0
        print(
            f"targets per 100,000 rows: import under {limit_s:.0f} s "
            f"({'met' if applied.wall * 100_000 / args.rows < limit_s else 'MISSED'}), "
            f"peak under 150 MB ({'met' if applied.peak_mb < 150 else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
