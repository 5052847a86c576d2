"""Import of a HubSpot-style folder (issue 18): 20,000 companies, 100,000 contacts and 30,000 deals by default.

Writes the three exports with HubSpot's own headers (UTF-8 with BOM; deals linked by "Associated Company IDs"
and "Associated Contact IDs"; a tenth of the deals closed won or lost), then times `import folder` through
services.crm_import (one transaction, every record through the services) into a fresh SQLite database, or a
PostgreSQL one with --db URL, and reports the step's peak memory (bench/_harness.py; --tracemalloc adds Python's
own peak, at the price of a slower run).

    python bench/import_crm.py [--scale 1.0] [--db postgresql+asyncpg://...] [--runs N] [--keep DIR] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import _harness  # noqa: I001 - puts the repository root on the path first

from leadtui.services import database
from leadtui.services.crm_import import folder, importer

FIRST, LAST, WORDS = _harness.FIRST, _harness.LAST, _harness.WORDS
LIFECYCLE = ["Lead", "Lead", "Marketing Qualified Lead", "Opportunity", "Customer"]
LEAD_STATUS = ["New", "In Progress", "Attempted to contact", "Open Deal", "Connected"]
STAGES = [
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Decision Maker Bought-In",
    "Contract Sent",
]


def write_exports(target: Path, companies: int, contacts: int, deals: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    lifecycle = [rng.choice(LIFECYCLE) for _ in range(companies)]
    with (target / "hubspot-crm-exports-all-companies.csv").open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Record ID",
                "Company name",
                "Company Domain Name",
                "Phone Number",
                "City",
                "Country/Region",
                "Lifecycle Stage",
                "Company owner",
                "Create Date",
            ]
        )
        for i in range(companies):
            writer.writerow(
                [
                    10_000 + i,
                    f"{rng.choice(WORDS)} {i}",
                    f"company{i}.example",
                    f"+47 {22000000 + i}",
                    "Oslo",
                    "Norway",
                    lifecycle[i],
                    "admin",
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 09:00",
                ]
            )
    contact_company = []
    with (target / "hubspot-crm-exports-all-contacts.csv").open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Record ID",
                "First Name",
                "Last Name",
                "Email",
                "Phone Number",
                "Company Name",
                "Lifecycle Stage",
                "Lead Status",
                "Contact owner",
                "Create Date",
                "City",
                "Country/Region",
                "Associated Company IDs",
            ]
        )
        for i in range(contacts):
            c = rng.randrange(companies)
            contact_company.append(c)
            lead = lifecycle[c] != "Customer"
            writer.writerow(
                [
                    500_000 + i,
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"p{i}@company{c}.example",
                    f"+47 {90000000 + i}",
                    f"x {c}",
                    lifecycle[c],
                    rng.choice(LEAD_STATUS) if lead else "",
                    "admin",
                    "2025-03-01 10:00",
                    "Oslo",
                    "Norway",
                    10_000 + c,
                ]
            )
    with (target / "hubspot-crm-exports-all-deals.csv").open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Record ID",
                "Deal Name",
                "Deal Stage",
                "Amount",
                "Close Date",
                "Create Date",
                "Deal owner",
                "Deal Type",
                "Closed Lost Reason",
                "Associated Company IDs",
                "Associated Contact IDs",
            ]
        )
        for i in range(deals):
            person = rng.randrange(contacts)
            closed = i % 10
            stage = "Closed Won" if closed == 0 else "Closed Lost" if closed == 1 else rng.choice(STAGES)
            writer.writerow(
                [
                    900_000 + i,
                    f"Deal {i}",
                    stage,
                    f"{rng.randrange(1000, 90000)}.00",
                    "2026-12-31",
                    "2026-06-01 12:00",
                    "admin",
                    "newbusiness",
                    "Price" if closed == 1 else "",
                    10_000 + contact_company[person],
                    500_000 + person,
                ]
            )


async def run(url: str, exports: Path) -> tuple[float, importer.CrmImportReport]:
    db = await database.init_database(url, lang="en", login="admin", force=True)
    try:
        actor = await database.resolve_actor(db, "admin")
        files = folder.load_exports(exports)
        opts = importer.options_from_cli("hubspot", (), ("reason_sold:=Relationship",), False)
        start = time.perf_counter()
        report = await importer.import_files(db, actor, files, opts)
        return time.perf_counter() - start, report
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 20,000 companies, 100,000 contacts, 30,000 deals"
    )
    _harness.add_db_argument(parser, runs=1)
    parser.add_argument("--pg", dest="db", help="the same as --db with a PostgreSQL URL (kept for old notes)")
    parser.add_argument("--keep", help="keep the exports and the database in this folder")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python's peak memory (slower)")
    args = parser.parse_args()
    companies, contacts, deals = (max(1, round(n * args.scale)) for n in (20_000, 100_000, 30_000))
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="leadtui-crm-bench-"))
    try:
        exports = work / "hubspot"
        write_exports(exports, companies, contacts, deals)
        url = _harness.database_url(args.db, work / "bench.db")
        if args.tracemalloc:  # exact Python peak, but tracing makes the run about twice as slow
            tracemalloc.start()
        runs = []
        for _run in range(max(1, args.runs)):
            _harness.remove_sqlite(url)
            with _harness.measure("import folder") as step:
                seconds, report = asyncio.run(run(url, exports))
            runs.append(step)
        peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
        tracemalloc.stop()
        print(f"{companies:,} companies + {contacts:,} contacts + {deals:,} deals ({_harness.backend_name(url)})")
        for entity in report.reports:
            print("  " + entity.describe())
        if args.tracemalloc:
            print(f"peak Python memory (tracemalloc) {peak / 1e6:.0f} MB")
        middle = sorted(runs, key=lambda r: r.wall)[(len(runs) - 1) // 2]
        print(middle.line() + f" (median of {len(runs)})")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
