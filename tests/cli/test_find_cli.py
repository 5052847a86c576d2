"""`leadtui find`, `selection`, `board` and `dashboard` through the installed entry point: output formats
(table, --json, --csv), every match unless --limit, and the contract's exit codes."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import pytest

from leadtui.services import database
from tests.services.find_data import build


@pytest.fixture
def world(cli):
    async def seed():
        db = await database.init_database(f"sqlite+aiosqlite:///{cli.db_path}", lang="en", login="admin", force=False)
        admin = await database.resolve_actor(db, "admin")
        out = await build(db, admin)
        await db.dispose()
        return out

    return asyncio.run(seed())


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_find_prints_every_match_as_a_table(cli, world):
    out = ok(cli("find", "persons", "--where", "lead_status:one_of:Open,Contacting"))
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["ID", "Name"]
    assert len(lines) == 3 and "Ann Berg" in out and "Bob Øster" in out


def test_find_json_has_columns_and_rows(cli, world):
    data = json.loads(
        ok(
            cli(
                "find",
                "persons",
                "--where",
                "category_group:one_of:potential-customer",
                "--columns",
                "name,lead_status",
                "--sort",
                "name",
                "--json",
            )
        )
    )
    assert [c["key"] for c in data["columns"]] == ["name", "lead_status"]
    assert [(r["name"], r["lead_status"]) for r in data["rows"]] == [
        ("Ann Berg", "Open"),
        ("Bob Øster", "Contacting"),
        ("Cid Lund", "Qualified"),
    ]


def test_find_csv_has_a_header_row(cli, world):
    out = ok(cli("find", "sales", "--where", "amount:gt:100", "--columns", "heading,amount,sale_stage", "--csv"))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "heading", "amount", "sale_stage"]
    assert sorted(r[1:] for r in rows[1:]) == [["App", "250.50", "Lead"], ["Website", "1000.00", "Offer"]]


def test_find_limit_and_count(cli, world):
    data = json.loads(ok(cli("find", "persons", "--limit", "2", "--json")))
    assert len(data["rows"]) == 2 and data["more"] is True
    assert (
        ok(cli("find", "companies", "--where", "category_group:not_one_of:potential-customer", "--count")).strip()
        == "1"
    )


def test_find_bad_criteria_exit_2_with_one_line(cli, world):
    for where in (
        "colour:eq:red",
        "lead_status:contains:O",
        "registered:gt:someday",
        "lead_status:one_of:Hot",
        "nonsense",
    ):
        result = cli("find", "persons", "--where", where)
        assert result.returncode == 2, (where, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_find_unknown_target_is_a_usage_error(cli, world):
    assert cli("find", "projects").returncode == 1


def test_selection_create_show_add_remove_static(cli, world):
    created = json.loads(
        ok(cli("selection", "create", "Leads", "--target", "persons", "--where", "lead_enabled:eq:yes", "--json"))
    )
    assert (created["kind"], created["member_count"]) == ("dynamic", 3)
    sid = str(created["id"])
    listed = json.loads(ok(cli("selection", "list", "--json")))
    assert [s["name"] for s in listed] == ["Leads"]
    shown = ok(cli("selection", "show", sid))
    assert "Uses lead status (lead) equals yes" in shown and "Cid Lund" in shown
    result = cli("selection", "add", sid, str(world.people["dan"]))
    assert result.returncode == 2 and "dynamic" in result.stderr
    assert "static now, with 3 members" in ok(cli("selection", "static", sid))
    assert cli("selection", "dynamic", sid).returncode == 2
    assert "Added 1" in ok(cli("selection", "add", sid, str(world.people["dan"])))
    assert "the selection has 3 members" in ok(cli("selection", "remove", sid, str(world.people["ann"])))
    rows = list(csv.reader(io.StringIO(ok(cli("selection", "show", sid, "--csv", "--columns", "name")))))
    assert sorted(r[1] for r in rows[1:]) == ["Bob Øster", "Cid Lund", "Dan Moe"]


def test_selection_static_from_ids_rename_delete(cli, world):
    created = json.loads(
        ok(
            cli(
                "selection",
                "create",
                "Picked",
                "--target",
                "persons",
                "--ids",
                f"{world.people['dan']},{world.people['eve']}",
                "--static",
                "--json",
            )
        )
    )
    sid = str(created["id"])
    assert created["kind"] == "static" and created["member_count"] == 2
    assert "Renamed" in ok(cli("selection", "rename", sid, "Hand picked"))
    assert cli("selection", "delete", sid).returncode == 1  # needs --yes without a terminal
    assert "Deleted selection" in ok(cli("selection", "delete", sid, "--yes"))
    assert cli("selection", "show", sid).returncode == 4


def test_selection_of_unknown_ids_is_refused(cli, world):
    result = cli("selection", "create", "Bad", "--target", "persons", "--ids", "999")
    assert result.returncode == 2 and "999" in result.stderr


def test_board_show_columns_with_counts_and_sums(cli, world):
    out = ok(cli("board", "show", "--target", "persons"))
    assert " 1  Open: 1" in out and " 6  (No lead status): 2" in out
    data = json.loads(ok(cli("board", "show", "--target", "sales", "--json")))
    offer = next(c for c in data["columns"] if c["name"] == "Offer")
    assert (offer["count"], offer["amount"], offer["weighted"]) == (1, "1000.00", "500.00")


def test_board_move_obeys_the_card_rules(cli, world):
    assert "Moved 1 card to Qualified" in ok(
        cli("board", "move", "--target", "persons", str(world.people["ann"]), "Qualified")
    )
    refused = cli("board", "move", "--target", "persons", str(world.people["dan"]), "Qualified")
    assert refused.returncode == 2 and "does not use lead status" in refused.stderr
    no_reason = cli("board", "move", "--target", "sales", str(world.sales["web"]), "Lost")
    assert no_reason.returncode == 2 and "Reason (lost)" in no_reason.stderr
    assert "Moved 1 card to Lost" in ok(
        cli("board", "move", "--target", "sales", str(world.sales["web"]), "Lost", "--reason", "Price")
    )
    assert cli("board", "move", "--target", "persons", "999", "Open").returncode == 4


def test_dashboard_text_and_json(cli, world):
    out = ok(cli("dashboard"))
    assert "Leads per lead status:" in out and "Funnel" in out
    data = json.loads(ok(cli("dashboard", "--json", "--period", "year")))
    assert [t["value"] for t in data["per_status"]] == [1, 1, 0, 0, 1]
    assert data["per_status"][0]["criteria"][0]["field"] == "lead_status"
    assert cli("dashboard", "--period", "decade").returncode == 2


def test_board_show_by_our_contact_has_a_null_key_for_no_selection(cli, world):
    ok(cli("company", "set", str(world.acme), "--no-owner"))
    data = json.loads(ok(cli("board", "show", "--target", "companies", "--group-by", "our_contact", "--json")))
    none = next(c for c in data["columns"] if c["key"] is None)
    assert none["name"] == "No selection" and none["count"] >= 1
    out = ok(
        cli(
            "board",
            "show",
            "--target",
            "sales",
            "--group-by",
            "sale_type",
            "--subgroup-by",
            "owner",
            "--hide-closed",
            "--cards",
            "5",
            "--sort",
            "amount",
            "--descending",
        )
    )
    assert "by sale type" in out and "General sale: 2" in out
    assert out.index("Website") < out.index("App")  # 1000.00 before 250.50
    bad = cli("board", "show", "--target", "companies", "--group-by", "stage")
    assert bad.returncode == 2 and "Group by" in bad.stderr
