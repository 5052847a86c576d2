"""`leadtui dashboard` through the installed entry point: the lead tiles as before, `dashboard show --set`, and
`dashboard tile add|list|move|remove` (each user's own tiles), with the contract's exit codes."""

from __future__ import annotations

import asyncio
import json

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


def test_the_lead_tiles_stay_the_default(cli, world):
    assert "Leads per lead status:" in ok(cli("dashboard"))
    data = json.loads(ok(cli("dashboard", "--json", "--period", "year")))
    assert [t["value"] for t in data["per_status"]] == [1, 1, 0, 0, 1]


def test_show_each_set(cli, world):
    leads = json.loads(ok(cli("dashboard", "show", "--json")))
    assert leads["set"] == "leads"
    assert "leads:funnel" in [t["key"] for t in leads["tiles"]]
    sales = json.loads(ok(cli("dashboard", "show", "--set", "sales", "--period", "year", "--json")))
    pipeline = next(t for t in sales["tiles"] if t["key"] == "sales:pipeline")
    assert {r["label"]: r["value"] for r in pipeline["rows"]}["Offer"] == 1000
    text = ok(cli("dashboard", "show", "--set", "sales"))
    assert "Pipeline by stage" in text and "Forecast by month (weighted)" in text
    assert "No tiles of your own yet" in ok(cli("dashboard", "show", "--set", "mine"))
    assert cli("dashboard", "show", "--set", "everything").returncode == 2


def test_tiles_are_added_listed_moved_and_removed_per_user(cli, world):
    added = json.loads(
        ok(
            cli(
                "dashboard",
                "tile",
                "add",
                "--find",
                "persons",
                "--where",
                "lead_status:one_of:Open,Contacting",
                "--layout",
                "bar",
                "--title",
                "Early leads",
                "--json",
            )
        )
    )
    assert added["group_by"] == "lead_status" and added["criteria"][0]["field"] == "lead_status"
    selection = json.loads(
        ok(cli("selection", "create", "Acme", "--target", "persons", "--where", "company:eq:Acme", "--json"))
    )
    ok(cli("dashboard", "tile", "add", "--selection", str(selection["id"]), "--layout", "list"))
    mine = json.loads(ok(cli("dashboard", "show", "--set", "mine", "--json")))
    by_title = {t["title"]: t for t in mine["tiles"]}
    assert {r["label"]: r["value"] for r in by_title["Early leads"]["rows"]} == {"Open": 1, "Contacting": 1}
    assert [r["label"] for r in by_title["Acme"]["rows"]] == ["Ann Berg", "Bob Øster"]
    assert "Early leads" in ok(cli("dashboard", "tile", "list"))
    assert ok(cli("dashboard", "tile", "list", "--json", user="rita")) == "[]\n"  # not someone else's tiles
    moved = json.loads(ok(cli("dashboard", "tile", "move", str(added["id"]), "--by", "1", "--json")))
    assert [t["title"] for t in moved] == ["Acme", "Early leads"]
    assert cli("dashboard", "tile", "remove", str(added["id"]), user="rita").returncode == 4
    ok(cli("dashboard", "tile", "remove", str(added["id"])))
    assert [t["title"] for t in json.loads(ok(cli("dashboard", "tile", "list", "--json")))] == ["Acme"]


def test_a_tile_is_refused_with_the_contracts_exit_codes(cli, world):
    assert cli("dashboard", "tile", "add", "--find", "persons", "--layout", "pie").returncode == 2
    assert cli("dashboard", "tile", "add", "--find", "persons", "--where", "nope:eq:1").returncode == 2
    assert cli("dashboard", "tile", "add").returncode == 2  # neither a selection nor criteria
    assert cli("dashboard", "tile", "add", "--selection", "999").returncode == 4
