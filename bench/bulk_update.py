"""Bulk update of 100,000 contacts (DESIGN.md performance target: one transaction, under 3 s on SQLite).

Builds a SQLite database with 1,000 lead-enabled companies and 100,000 contacts (INSERT ... SELECT, not the ORM),
then times:
  1. the preview (counts) and the bulk lead status update of all contacts through services.bulk;
  2. the same statements (history INSERT ... SELECT and UPDATE) through the sqlite3 module, for comparison.

    python bench/bulk_update.py [--contacts N] [--keep PATH] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import _harness  # noqa: I001 - puts the repository root on the path first
from sqlalchemy import text

from leadtui.services import bulk, database


def build(url: str, contacts: int, companies: int) -> list[int]:
    """A fresh database with `companies` lead-enabled companies and `contacts` contacts (INSERT ... SELECT through
    SQLAlchemy's text(): the same SQL on SQLite and PostgreSQL); returns the contacts' ids."""

    async def go() -> list[int]:
        _harness.remove_sqlite(url)
        db = await database.init_database(url, lang="en", login="admin", force=True)
        now = datetime.now(UTC).replace(tzinfo=None)
        false = "false" if _harness.is_postgres(url) else "0"
        try:
            async with db.engine.begin() as con:
                lead = (await con.execute(text("SELECT id FROM category WHERE name = 'Lead'"))).scalar_one()
                open_id = (await con.execute(text("SELECT id FROM lead_status WHERE is_default"))).scalar_one()
                await con.execute(
                    text(
                        f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n)
               INSERT INTO company (name, name_key, category_id, our_contact_id, number, code, department, address,
                   zip_code, city, country, phone, email, website, domain, vat_no, stop, no_mailings, note,
                   registered_at, version)
               SELECT 'Company ' || i, 'company ' || i, :lead, 1, '', '', '', '', '', '', '', '', '', '', '', '',
                   {false}, {false}, '', :now, 1 FROM n"""
                    ),
                    {"n": companies, "lead": lead, "now": now},
                )
                await con.execute(
                    text(
                        f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n)
               INSERT INTO contact (company_id, first_name, middle_name, last_name, name_key, last_key, mr_ms, title,
                   email, email_normalized, mobile, phone, country, lead_status_id, lead_status_since, email_opt_in,
                   former_employee, note, registered_at, version)
               SELECT (SELECT min(id) FROM company) + (i % :companies), 'First' || i, '', 'Last' || i,
                   'first' || i || ' last' || i, 'last' || i, '', '', 'p' || i || '@example.com',
                   'p' || i || '@example.com', '', '', '', :status, :now, {false}, {false}, '', :now, 1 FROM n"""
                    ),
                    {"n": contacts, "companies": companies, "status": open_id, "now": now},
                )
                await con.execute(text("ANALYZE"))
                return list((await con.execute(text("SELECT id FROM contact"))).scalars())
        finally:
            await db.dispose()

    return asyncio.run(go())


async def through_service(url: str, ids: list[int]) -> tuple[_harness.Measure, _harness.Measure, bulk.BulkPreview]:
    db = await database.connect(url)
    try:
        actor = await database.resolve_actor(db, "admin")
        with _harness.measure("service preview (counts)") as preview:
            await bulk.preview_bulk_update(db, actor, "lead_status", "Contacting", contact_ids=ids)
        with _harness.measure("service bulk update (lead status)") as applied:
            result = await bulk.apply_bulk_update(db, actor, "lead_status", "Contacting", contact_ids=ids)
        return preview, applied, result
    finally:
        await db.dispose()


PLAIN_HISTORY = """INSERT INTO history (entity, entity_id, field, from_id, from_text, to_id, to_text, at, by_id)
           SELECT 'contact', c.id, 'lead_status', c.lead_status_id,
                  coalesce((SELECT name FROM lead_status WHERE id = c.lead_status_id), ''), {to}, {name}, {now}, 1
           FROM contact c WHERE c.deleted_at IS NULL AND c.lead_status_id {differs} {to}"""
PLAIN_UPDATE = """UPDATE contact SET lead_status_id = {to}, lead_status_since = {now}, version = version + 1,
                   updated_at = {now}, updated_by_id = 1 WHERE deleted_at IS NULL AND lead_status_id {differs} {to}"""


def through_sqlite3(path: Path) -> float:
    """The same work in plain SQL: history from each contact's old value, then the UPDATE, one transaction."""
    con = sqlite3.connect(path, isolation_level=None)
    status = con.execute("SELECT id, name FROM lead_status WHERE name = 'Qualified'").fetchone()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    marks = {"to": "?", "name": "?", "now": "?", "differs": "IS NOT"}
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute(PLAIN_HISTORY.format(**marks), (status[1], now, status[0], status[0]))
    con.execute(PLAIN_UPDATE.format(**marks), (status[0], now, now, status[0]))
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


async def through_asyncpg(url: str) -> float:
    """The same statements through asyncpg directly (PostgreSQL)."""
    import asyncpg

    con = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        status = await con.fetchrow("SELECT id, name FROM lead_status WHERE name = 'Qualified'")
        now = datetime.now(UTC).replace(tzinfo=None)
        start = time.perf_counter()
        async with con.transaction():
            await con.execute(
                PLAIN_HISTORY.format(to="$1::int", name="$2::text", now="$3::timestamp", differs="IS DISTINCT FROM"),
                status[0],
                status[1],
                now,
            )
            await con.execute(
                PLAIN_UPDATE.format(to="$1::int", now="$2::timestamp", differs="IS DISTINCT FROM"), status[0], now
            )
        return time.perf_counter() - start
    finally:
        await con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, help="Build the SQLite database here and keep it.")
    _harness.add_db_argument(parser, runs=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = _harness.database_url(args.db or (str(args.keep) if args.keep else None), Path(tmp) / "bench.db")
        start = time.perf_counter()
        ids = build(url, args.contacts, args.companies)
        print(
            f"{_harness.backend_name(url)}: built {args.contacts:,} contacts in {args.companies:,} lead-enabled "
            f"companies: {time.perf_counter() - start:.2f} s"
        )
        preview, applied, result = asyncio.run(through_service(url, ids))
        print(preview.line())
        print(
            applied.line() + f"; changed {result.will_change:,}, unchanged {result.unchanged:,}, "
            f"skipped {result.skipped_total:,}"
        )
        path = _harness.sqlite_file(url)
        raw = through_sqlite3(path) if path is not None else asyncio.run(through_asyncpg(url))
        how = "sqlite3" if path is not None else "asyncpg"
        print(f"same statements through {how}: {raw:.2f} s  (service / {how} = {applied.wall / raw:.1f} x)")
        target = "met" if applied.wall < 3.0 else "MISSED"
        print(f"target: under 3 s in one transaction: {target}")


if __name__ == "__main__":
    main()
