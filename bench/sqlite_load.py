"""SQLite under load: N processes write at once (create contacts, change lead status and titles of shared
contacts) for D seconds. Nothing may be lost and nobody may see "database is locked".

    python bench/sqlite_load.py [--processes 4] [--seconds 30] [--db FILE]

Prints per process and in total: operations, refusals (stale edits, retried from a reload as a user would),
errors; then checks the database: contacts created == creates reported, sum of (version - 1) over the contacts
== successful updates reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def prepare(url: str, contacts_count: int) -> list[int]:
    from leadtui.model import tables as t
    from leadtui.services import contacts, database

    db = await database.init_database(url, lang="en", login="admin", force=True)
    try:
        admin = await database.resolve_actor(db, "admin")
        async with db.write(admin) as session:
            company = t.Company(name="Load test", name_key="load test", category_id=1)
            session.add(company)
        ids = []
        for n in range(contacts_count):
            made = await contacts.create_contact(
                db, admin, {"first_name": f"Shared{n}", "last_name": "Contact", "company": company.id}
            )
            ids.append(made.id)
        return [company.id, *ids]
    finally:
        await db.dispose()


async def worker(url: str, seconds: float, seed: int, company_id: int, shared: list[int]) -> dict:
    from sqlalchemy.exc import OperationalError

    from leadtui.services import contacts, database, lists
    from leadtui.services.errors import DomainError, StaleEdit

    rng = random.Random(seed)
    db = await database.connect(url)
    stats = {"creates": 0, "updates": 0, "stale_retries": 0, "locked": 0, "errors": 0, "max_ms": 0.0, "created_ids": []}
    try:
        actor = await database.resolve_actor(db, "admin")
        statuses = [s.id for s in await lists.list_items(db, "lead-status")]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                if rng.random() < 0.3:
                    made = await contacts.create_contact(
                        db, actor, {"first_name": f"P{seed}", "last_name": f"N{rng.random()}", "company": company_id}
                    )
                    stats["creates"] += 1
                    stats["created_ids"].append(made.id)
                else:
                    contact_id = rng.choice(shared)
                    while True:  # a user's way: on a stale edit, reload and apply the change again
                        current = await contacts.get_contact(db, actor, contact_id)
                        if rng.random() < 0.5:
                            change = {"lead_status": rng.choice([s for s in statuses if s != current.lead_status_id])}
                        else:
                            change = {"title": f"{seed}-{rng.random()}"}
                        try:
                            await contacts.update_contact(
                                db, actor, contact_id, change, expected_version=current.version
                            )
                            stats["updates"] += 1
                            break
                        except StaleEdit:
                            stats["stale_retries"] += 1
            except OperationalError as exc:
                if "locked" in str(exc):
                    stats["locked"] += 1
                else:
                    stats["errors"] += 1
            except DomainError:
                stats["errors"] += 1
            stats["max_ms"] = max(stats["max_ms"], (time.perf_counter() - started) * 1000)
    finally:
        await db.dispose()
    return stats


async def verify(url: str, shared: list[int], reports: list[dict]) -> dict:
    from sqlalchemy import func, select

    from leadtui.model import tables as t
    from leadtui.services import database

    db = await database.connect(url)
    try:
        async with db.read() as session:
            versions = await session.scalar(select(func.sum(t.Contact.version - 1)).where(t.Contact.id.in_(shared)))
            created = {cid for r in reports for cid in r["created_ids"]}
            found = (
                await session.scalar(select(func.count()).select_from(t.Contact).where(t.Contact.id.in_(created)))
                if created
                else 0
            )
    finally:
        await db.dispose()
    updates = sum(r["updates"] for r in reports)
    return {
        "creates_reported": len(created),
        "creates_found": found,
        "updates_reported": updates,
        "updates_found": versions,
        "lost": (len(created) - found) + (updates - (versions or 0)),
    }


def run_load(processes: int, seconds: float, db_file: Path, shared_count: int = 20) -> dict:
    url = f"sqlite+aiosqlite:///{db_file}"
    ids = asyncio.run(prepare(url, shared_count))
    company_id, shared = ids[0], ids[1:]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                url,
                str(seconds),
                str(seed),
                str(company_id),
                ",".join(map(str, shared)),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for seed in range(processes)
    ]
    reports = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    check = asyncio.run(verify(url, shared, reports))
    total = {key: sum(r[key] for r in reports) for key in ("creates", "updates", "stale_retries", "locked", "errors")}
    total["max_ms"] = max(r["max_ms"] for r in reports)
    return {"processes": processes, "seconds": seconds, "total": total, "check": check}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        url, seconds, seed, company_id, shared = sys.argv[2:7]
        print(
            json.dumps(
                asyncio.run(
                    worker(url, float(seconds), int(seed), int(company_id), [int(x) for x in shared.split(",")])
                )
            )
        )
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--db")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_file = Path(args.db) if args.db else Path(folder) / "load.db"
        result = run_load(args.processes, args.seconds, db_file)
    total, check = result["total"], result["check"]
    ops = total["creates"] + total["updates"]
    print(f"{args.processes} processes x {args.seconds:.0f} s on one SQLite file")
    print(
        f"operations saved: {ops} ({ops / args.seconds:.0f}/s): {total['creates']} creates, {total['updates']} updates"
    )
    print(
        f"stale edits retried from a reload: {total['stale_retries']}; 'database is locked': {total['locked']}; "
        f"other errors: {total['errors']}; slowest operation: {total['max_ms']:.0f} ms"
    )
    print(
        f"check: creates {check['creates_found']}/{check['creates_reported']}, updates "
        f"{check['updates_found']}/{check['updates_reported']}, lost: {check['lost']}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    main()
