"""`leadtui selection combine | set-combination | copy | followups | delete-members` through the installed entry
point: the combined selection's members, the copy, the follow-ups' count, deleting with rights and confirmation."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from leadtui.services import database, users
from tests.services.find_data import build


@pytest.fixture
def world(cli):
    async def seed():
        db = await database.init_database(f"sqlite+aiosqlite:///{cli.db_path}", lang="en", login="admin", force=False)
        admin = await database.resolve_actor(db, "admin")
        out = await build(db, admin)
        await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
        await db.dispose()
        return out

    return asyncio.run(seed())


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def make(cli, name: str, *ids: int, target: str = "persons") -> str:
    out = ok(cli("selection", "create", name, "--target", target, "--ids", ",".join(map(str, ids)), "--json"))
    return str(json.loads(out)["id"])


def follow_ups(cli) -> int:
    with sqlite3.connect(cli.db_path) as con:
        return con.execute("select count(*) from activity where text = 'Christmas call'").fetchone()[0]


def member_names(cli, sid: str) -> list[str]:
    data = json.loads(ok(cli("selection", "show", sid, "--json", "--columns", "name")))
    return sorted(r["name"] for r in data["members"]["rows"])


def test_combine_intersect_minus_and_change(cli, world):
    p = world.people
    a = make(cli, "A", p["ann"], p["bob"], p["cid"])
    b = make(cli, "B", p["bob"], p["dan"])
    union = ok(cli("selection", "combine", "A or B", a, b))
    assert "4 members now" in union
    inter = json.loads(ok(cli("selection", "combine", "A and B", a, b, "--intersect", "--json")))
    assert inter["kind"] == "combined" and inter["member_count"] == 1
    minus = json.loads(ok(cli("selection", "combine", "A not B", a, b, "--minus", "--json")))
    assert member_names(cli, str(minus["id"])) == ["Ann Berg", "Cid Lund"]
    ok(cli("selection", "add", b, str(p["ann"])))  # a part changes: the combination follows
    assert member_names(cli, str(minus["id"])) == ["Cid Lund"]
    assert "Difference" in ok(cli("selection", "show", str(minus["id"])))
    changed = ok(cli("selection", "set-combination", str(minus["id"]), "--union"))
    assert "4 members" in changed
    listed = json.loads(ok(cli("selection", "list", "--json")))
    assert {s["name"]: s["kind"] for s in listed}["A and B"] == "combined"
    sales = make(cli, "Deals", world.sales["web"], target="sales")
    mixed = cli("selection", "combine", "Mixed", a, sales)
    assert mixed.returncode == 2 and "one kind" in mixed.stderr
    refused = cli("selection", "delete", a, "--yes")
    assert refused.returncode == 2 and "part of the combined" in refused.stderr


def test_copy_followups_and_delete_members(cli, world):
    p = world.people
    a = make(cli, "A", p["ann"], p["bob"], p["cid"])
    copied = json.loads(ok(cli("selection", "copy", a, "--json")))
    assert copied["name"] == "A (copy)"
    assert member_names(cli, str(copied["id"])) == ["Ann Berg", "Bob Øster", "Cid Lund"]
    assert "Copied to selection" in ok(cli("selection", "copy", a, "--name", "Mine"))
    out = ok(cli("selection", "followups", a, "--date", "2026-12-24", "--text", "Christmas call"))
    assert out.strip() == "Created 3 follow-ups"
    assert follow_ups(cli) == 3
    assert "Undone: creation of 3 records (follow-up" in ok(cli("undo"))
    assert follow_ups(cli) == 0  # all three, as one step
    only = json.loads(
        ok(cli("selection", "followups", a, "--date", "2026-12-24", "--text", "X", "--only", str(p["ann"]), "--json"))
    )
    assert only["created"] == 1
    needs_yes = cli("selection", "delete-members", a)
    assert needs_yes.returncode == 1 and "--yes" in needs_yes.stderr
    done = ok(cli("selection", "delete-members", a, "--only", str(p["ann"]), "--yes"))
    assert "Moved 1 to the recycle bin." in done
    assert member_names(cli, a) == ["Bob Øster", "Cid Lund"]


def test_a_sales_rep_cannot_delete_another_users_sales(cli, world):
    sid = make(cli, "Deals", world.sales["web"], world.sales["app"], target="sales")
    result = cli("selection", "delete-members", sid, "--yes", user="rita")
    assert result.returncode == 3
    assert "Deleted 0 for good; 2 refused" in result.stdout
    assert len(json.loads(ok(cli("selection", "show", sid, "--json")))["members"]["rows"]) == 2
