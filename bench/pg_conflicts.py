"""False conflicts under concurrent writers: N processes save the same few contacts, companies and sales at once,
without an expected version (as the command line and imports do), for S saves each.

    python bench/pg_conflicts.py [--processes 4] [--saves 200] [--url postgresql+asyncpg://...] [--shared 5]

Each save is one of: a contact field (title), a contact's lead status, a board move of a contact, a company
field (phone), a sale's heading, a board move of a sale to another stage. None carries an expected version, so
none may be refused as "changed by someone else" (a false conflict); SQLite never refuses them (its writers queue
on the file lock), PostgreSQL used to refuse 17-22 % with 4 writers (READ COMMITTED: the second UPDATE of a row
finds the version moved on and the version column raises).

Prints per kind of save and in total: saves, false conflicts, other refusals, errors; then checks that no contact
update was lost (sum of version - 1 over the shared contacts == contact saves and moves reported).
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
DEFAULT_URL = os.environ.get("LEADTUI_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/leadtui_bench")
KINDS = ("contact_title", "contact_status", "board_contact", "company_phone", "sale_heading", "board_sale")


async def _ensure_pg_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = await asyncpg.connect(
        user=u.username, password=u.password, host=u.host or "127.0.0.1", port=u.port or 5432, database="postgres"
    )
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", u.database):
            await conn.execute(f'CREATE DATABASE "{u.database}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(
        user=u.username, password=u.password, host=u.host or "127.0.0.1", port=u.port or 5432, database=u.database
    )
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def prepare(url: str, shared: int) -> dict:
    """A fresh database with `shared` companies (lead-enabled), one contact and one sale under each."""
    from leadtui.services import companies, contacts, database, sales

    await _ensure_pg_database(url)
    db = await database.init_database(url, lang="en", login="admin", force=True)
    try:
        admin = await database.resolve_actor(db, "admin")
        ids: dict[str, list[int]] = {"companies": [], "contacts": [], "sales": []}
        for n in range(shared):
            company = await companies.create_company(db, admin, {"name": f"Shared {n}", "category": 1})
            contact = await contacts.create_contact(
                db, admin, {"first_name": f"Shared{n}", "last_name": "Contact", "company": company.id}
            )
            sale = await sales.create_sale(
                db, admin, {"company_id": company.id, "heading": f"Deal {n}", "amount": "1000", "sale_type": 1}
            )
            ids["companies"].append(company.id)
            ids["contacts"].append(contact.id)
            ids["sales"].append(sale.id)
        return ids
    finally:
        await db.dispose()


async def worker(url: str, saves: int, seed: int, ids: dict, go: Path) -> dict:
    from leadtui.services import board, companies, contacts, database, lists, sales
    from leadtui.services.errors import DomainError, StaleEdit

    rng = random.Random(seed)
    db = await database.connect(url)
    stats = {kind: {"saves": 0, "false_conflicts": 0, "refused": 0, "errors": 0} for kind in KINDS}
    messages: dict[str, int] = {}
    steps = 0  # contact saves that must have moved a contact's version on (a board move to its own column does not)
    try:
        actor = await database.resolve_actor(db, "admin")
        statuses = [s.id for s in await lists.list_items(db, "lead-status")]
        stages = [s.id for s in await lists.list_items(db, "sale-stage")]
        deadline = time.monotonic() + 60
        while not go.exists():
            if time.monotonic() > deadline:
                raise SystemExit("no go signal")
            await asyncio.sleep(0.005)
        for _n in range(saves):
            kind = rng.choice(KINDS)
            entry = stats[kind]
            try:
                if kind == "contact_title":
                    await contacts.update_contact(db, actor, rng.choice(ids["contacts"]), {"title": f"t{rng.random()}"})
                elif kind == "contact_status":
                    await contacts.update_contact(
                        db, actor, rng.choice(ids["contacts"]), {"lead_status": rng.choice(statuses)}
                    )
                elif kind == "company_phone":
                    await companies.update_company(
                        db, actor, rng.choice(ids["companies"]), {"phone": str(rng.randrange(10**8))}
                    )
                elif kind == "sale_heading":
                    await sales.update_sale(db, actor, rng.choice(ids["sales"]), {"heading": f"Deal {rng.random()}"})
                else:
                    target, pool, columns = (
                        ("contact", ids["contacts"], statuses)
                        if kind == "board_contact"
                        else ("sale", ids["sales"], stages)
                    )
                    out = await board.move_cards(db, actor, target, [rng.choice(pool)], rng.choice(columns))
                    for refusal in out.refused:
                        key = "false_conflicts" if refusal.code == 5 else "refused"
                        entry[key] += 1
                        messages[refusal.reason] = messages.get(refusal.reason, 0) + 1
                    if out.refused:
                        continue
                    steps += len(out.moved) if kind == "board_contact" else 0
                steps += kind in ("contact_title", "contact_status")
                entry["saves"] += 1
            except StaleEdit as exc:
                entry["false_conflicts"] += 1
                messages[str(exc)] = messages.get(str(exc), 0) + 1
            except DomainError as exc:
                entry["refused"] += 1
                messages[str(exc)] = messages.get(str(exc), 0) + 1
            except Exception as exc:  # noqa: BLE001 - counted and shown: the point of the bench
                entry["errors"] += 1
                text = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
                messages[text] = messages.get(text, 0) + 1
    finally:
        await db.dispose()
    return {"stats": stats, "messages": messages, "contact_steps": steps}


async def verify(url: str, contact_ids: list[int]) -> int:
    from sqlalchemy import func, select

    from leadtui.model import tables as t
    from leadtui.services import database

    db = await database.connect(url)
    try:
        async with db.read() as session:
            return int(
                await session.scalar(select(func.sum(t.Contact.version - 1)).where(t.Contact.id.in_(contact_ids))) or 0
            )
    finally:
        await db.dispose()


def run_conflicts(url: str, processes: int = 4, saves: int = 200, shared: int = 5) -> dict:
    ids = asyncio.run(prepare(url, shared))
    with tempfile.TemporaryDirectory() as folder:
        go = Path(folder) / "go"
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--child",
                    url,
                    str(saves),
                    str(seed),
                    json.dumps(ids),
                    str(go),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for seed in range(processes)
        ]
        time.sleep(0)  # the children connect first; the go file starts them together
        started = time.monotonic()
        go.write_text("go")
        reports = []
        for child in children:
            out, err = child.communicate(timeout=600)
            if child.returncode != 0:
                raise RuntimeError(f"writer failed: {err.strip()[-2000:]}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        elapsed = time.monotonic() - started
    total = {
        kind: {key: sum(r["stats"][kind][key] for r in reports) for key in reports[0]["stats"][kind]} for kind in KINDS
    }
    overall = {
        key: sum(total[kind][key] for kind in KINDS) for key in ("saves", "false_conflicts", "refused", "errors")
    }
    messages: dict[str, int] = {}
    for report in reports:
        for text, count in report["messages"].items():
            messages[text] = messages.get(text, 0) + count
    contact_saves = sum(r["contact_steps"] for r in reports)
    versions = asyncio.run(verify(url, ids["contacts"]))
    return {
        "processes": processes,
        "saves_per_process": saves,
        "seconds": elapsed,
        "per_kind": total,
        "total": overall,
        "messages": messages,
        "contact_saves": contact_saves,
        "contact_versions": versions,
        "lost": contact_saves - versions,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        url, saves, seed, ids, go = sys.argv[2:7]
        print(json.dumps(asyncio.run(worker(url, int(saves), int(seed), json.loads(ids), Path(go)))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--saves", type=int, default=200, help="saves per process")
    parser.add_argument("--shared", type=int, default=5, help="contacts, companies and sales written by all")
    parser.add_argument("--url", default=DEFAULT_URL, help="database URL (its contents are replaced)")
    args = parser.parse_args()
    result = run_conflicts(args.url, args.processes, args.saves, args.shared)
    total = result["total"]
    attempted = sum(total.values())
    print(
        f"{args.processes} processes x {args.saves} saves without expected version on {args.shared} shared "
        f"contacts/companies/sales, {result['seconds']:.1f} s, {args.url.split('://')[0]}"
    )
    for kind, entry in result["per_kind"].items():
        tried = sum(entry.values())
        print(
            f"  {kind:<15} {tried:>5} tried, {entry['saves']:>5} saved, {entry['false_conflicts']:>4} false "
            f"conflicts, {entry['refused']:>3} refused, {entry['errors']:>3} errors"
        )
    rate = 100 * total["false_conflicts"] / attempted if attempted else 0
    print(
        f"total: {attempted} tried, {total['saves']} saved, {total['false_conflicts']} false conflicts "
        f"({rate:.1f} %), {total['refused']} refused, {total['errors']} errors"
    )
    print(
        f"contact updates: {result['contact_saves']} reported, {result['contact_versions']} in the database, "
        f"lost: {result['lost']}"
    )
    for text, count in sorted(result["messages"].items(), key=lambda item: -item[1])[:8]:
        print(f"  {count:>5} x {text}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    main()
