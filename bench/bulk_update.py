"""Bulk update of 100,000 contacts (DESIGN.md performance target: one transaction, under 3 s on SQLite).

Builds a SQLite database with 1,000 lead-enabled companies and 100,000 contacts (INSERT ... SELECT, not the ORM),
then times:
  1. the preview (counts) and the bulk lead status update of all contacts through services.bulk;
  2. the same statements (history INSERT ... SELECT and UPDATE) through the sqlite3 module, for comparison.

    python bench/bulk_update.py [--contacts N] [--keep PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from leadtui.services import bulk, database


def build(path: Path, contacts: int, companies: int) -> None:
    async def init() -> None:
        db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="en", login="admin", force=False)
        await db.dispose()

    asyncio.run(init())
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    con = sqlite3.connect(path)
    lead = con.execute("SELECT id FROM category WHERE name = 'Lead'").fetchone()[0]
    open_id = con.execute("SELECT id FROM lead_status WHERE is_default").fetchone()[0]
    with con:
        con.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
               INSERT INTO company (name, name_key, category_id, our_contact_id, number, code, department, address,
                   zip_code, city, country, phone, email, website, domain, vat_no, stop, no_mailings, note,
                   registered_at, version)
               SELECT 'Company ' || i, 'company ' || i, ?, 1, '', '', '', '', '', '', '', '', '', '', '', '', 0, 0, '',
                   ?, 1 FROM n""",
            (companies, lead, now),
        )
        con.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
               INSERT INTO contact (company_id, first_name, middle_name, last_name, name_key, last_key, mr_ms, title,
                   email, email_normalized, mobile, phone, country, lead_status_id, lead_status_since, email_opt_in,
                   former_employee, note, registered_at, version)
               SELECT 1 + (i % ?), 'First' || i, '', 'Last' || i, 'first' || i || ' last' || i, 'last' || i, '', '',
                   'p' || i || '@example.com', 'p' || i || '@example.com', '', '', '', ?, ?, 0, 0, '', ?, 1 FROM n""",
            (contacts, companies, open_id, now, now),
        )
    con.execute("ANALYZE")
    con.close()


async def through_service(path: Path, ids: list[int]) -> tuple[float, float, bulk.BulkPreview]:
    db = await database.connect(f"sqlite+aiosqlite:///{path}")
    try:
        actor = await database.resolve_actor(db, "admin")
        start = time.perf_counter()
        await bulk.preview_bulk_update(db, actor, "lead_status", "Contacting", contact_ids=ids)
        preview = time.perf_counter() - start
        start = time.perf_counter()
        result = await bulk.apply_bulk_update(db, actor, "lead_status", "Contacting", contact_ids=ids)
        return preview, time.perf_counter() - start, result
    finally:
        await db.dispose()


def through_sqlite3(path: Path) -> float:
    """The same work in plain SQL: history from each contact's old value, then the UPDATE, one transaction."""
    con = sqlite3.connect(path, isolation_level=None)
    status = con.execute("SELECT id, name FROM lead_status WHERE name = 'Qualified'").fetchone()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute(
        """INSERT INTO history (entity, entity_id, field, from_id, from_text, to_id, to_text, at, by_id)
           SELECT 'contact', c.id, 'lead_status', c.lead_status_id,
                  coalesce((SELECT name FROM lead_status WHERE id = c.lead_status_id), ''), ?, ?, ?, 1
           FROM contact c WHERE c.deleted_at IS NULL AND c.lead_status_id IS NOT ?""",
        (status[0], status[1], now, status[0]),
    )
    con.execute(
        """UPDATE contact SET lead_status_id = ?, lead_status_since = ?, version = version + 1, updated_at = ?,
                   updated_by_id = 1 WHERE deleted_at IS NULL AND lead_status_id IS NOT ?""",
        (status[0], now, now, status[0]),
    )
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, help="Build the database here and keep it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if path.exists():
            path.unlink()
        start = time.perf_counter()
        build(path, args.contacts, args.companies)
        print(
            f"built {args.contacts:,} contacts in {args.companies:,} lead-enabled companies: "
            f"{time.perf_counter() - start:.2f} s"
        )
        with sqlite3.connect(path) as con:
            ids = [row[0] for row in con.execute("SELECT id FROM contact")]
        preview, applied, result = asyncio.run(through_service(path, ids))
        print(f"service preview (counts):          {preview:.2f} s")
        print(
            f"service bulk update (lead status): {applied:.2f} s  "
            f"changed {result.will_change:,}, unchanged {result.unchanged:,}, skipped {result.skipped_total:,}"
        )
        raw = through_sqlite3(path)
        print(f"same statements through sqlite3:   {raw:.2f} s  (service / sqlite3 = {applied / raw:.1f} x)")
        target = "met" if applied < 3.0 else "MISSED"
        print(f"target: under 3 s in one transaction: {target}")


if __name__ == "__main__":
    main()
