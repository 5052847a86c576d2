"""`leadtui sale ...` and `leadtui sale-type ...` through the installed entry point, with the contract's exit codes."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest

TODAY = date.today()


def no_traceback(result) -> bool:
    return "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 1


@pytest.fixture
def sale_cli(initialised_cli):
    """An initialised database with two companies and a contact, inserted with the ORM (their commands belong to
    the cards issue)."""
    from leadtui.model.engine import Database
    from tests.sales_helpers import add_company, add_contact

    async def seed() -> None:
        db = Database(f"sqlite+aiosqlite:///{initialised_cli.db_path}")
        try:
            await add_company(db, "Acme Ltd")
            globex = await add_company(db, "Globex")
            await add_contact(db, globex, "Cid", "Moe")
        finally:
            await db.dispose()

    asyncio.run(seed())
    return initialised_cli


def add(cli, *args: str) -> dict:
    result = cli("sale", "add", "--company", "1", "--heading", "Website relaunch", "--amount", "1000", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sale_add_and_show_json_has_the_contract_fields(sale_cli):
    sale = add(sale_cli, "--cost", "600")
    shown = json.loads(sale_cli("sale", "show", str(sale["id"]), "--json").stdout)
    for key in (
        "id",
        "heading",
        "status",
        "stage",
        "probability",
        "amount",
        "cost",
        "profit",
        "percentage",
        "completed",
        "owner",
        "version",
        "weighted_amount",
        "company_id",
        "company_name",
        "sale_type",
    ):
        assert key in shown
    assert (shown["status"], shown["stage"], shown["probability"]) == ("open", "Lead", 10)
    assert (shown["amount"], shown["cost"], shown["profit"], shown["percentage"]) == (
        "1000.00",
        "600.00",
        "400.00",
        "40.00",
    )
    assert shown["owner"] == "admin" and shown["sale_type"] == "General sale"
    assert shown["sale_date"] == (TODAY + timedelta(weeks=4)).isoformat()


def test_sale_add_with_contact_type_stage_and_date(sale_cli):
    result = sale_cli(
        "sale",
        "add",
        "--company",
        "2",
        "--contact",
        "1",
        "--heading",
        "Support",
        "--amount",
        "500",
        "--type",
        "Renewal",
        "--stage",
        "Offer",
        "--date",
        "2031-03-01",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    sale = json.loads(result.stdout)
    assert (sale["contact_name"], sale["sale_type"], sale["stage"], sale["sale_date"]) == (
        "Cid Moe",
        "Renewal",
        "Offer",
        "2031-03-01",
    )


def test_contact_of_another_company_is_exit_2(sale_cli):
    result = sale_cli("sale", "add", "--company", "1", "--contact", "1", "--heading", "X", "--amount", "1")
    assert result.returncode == 2 and "does not belong" in result.stderr and no_traceback(result)


def test_bad_money_is_exit_2_naming_the_field(sale_cli):
    result = sale_cli("sale", "add", "--company", "1", "--heading", "X", "--amount", "abc")
    assert result.returncode == 2 and result.stderr.startswith("leadtui: Amount:") and no_traceback(result)
    too_big = sale_cli("sale", "add", "--company", "1", "--heading", "X", "--amount", "1e15")
    assert too_big.returncode == 2 and "at most" in too_big.stderr


def test_missing_heading_is_a_usage_error(sale_cli):
    assert sale_cli("sale", "add", "--company", "1", "--amount", "1").returncode == 1


def test_sale_set_stage_sets_probability_and_lost_needs_a_reason(sale_cli):
    sale = add(sale_cli)
    staged = json.loads(sale_cli("sale", "set", str(sale["id"]), "--stage", "Negotiation", "--json").stdout)
    assert (staged["stage"], staged["probability"], staged["weighted_amount"]) == ("Negotiation", 75, "750.00")
    refused = sale_cli("sale", "set", str(sale["id"]), "--status", "lost")
    assert refused.returncode == 2 and "Reason (lost)" in refused.stderr and no_traceback(refused)
    lost = json.loads(
        sale_cli(
            "sale", "set", str(sale["id"]), "--status", "lost", "--reason", "Price", "--completed", "--json"
        ).stdout
    )
    assert (lost["status"], lost["probability"], lost["reason"], lost["completed"]) == ("lost", 0, "Price", True)


def test_sale_set_sold_with_a_date_and_reopen(sale_cli):
    sale = add(sale_cli)
    sold = json.loads(
        sale_cli(
            "sale", "set", str(sale["id"]), "--stage", "Sold", "--reason", "Price", "--date", "2026-02-03", "--json"
        ).stdout
    )
    assert (sold["status"], sold["sale_date"], sold["probability"]) == ("sold", "2026-02-03", 100)
    reopened = json.loads(sale_cli("sale", "set", str(sale["id"]), "--stage", "Offer", "--json").stdout)
    assert (reopened["status"], reopened["completed"], reopened["reason"]) == ("open", False, None)


def test_completed_on_an_open_sale_is_exit_2(sale_cli):
    sale = add(sale_cli)
    result = sale_cli("sale", "set", str(sale["id"]), "--completed")
    assert result.returncode == 2 and "Completed" in result.stderr


def test_stalled_needs_reopen_date_and_reason(sale_cli):
    sale = add(sale_cli)
    refused = sale_cli("sale", "set", str(sale["id"]), "--status", "stalled", "--reason", "Price")
    assert refused.returncode == 2 and "Re-open date" in refused.stderr
    reopen = (TODAY + timedelta(days=20)).isoformat()
    stalled = json.loads(
        sale_cli(
            "sale",
            "set",
            str(sale["id"]),
            "--status",
            "stalled",
            "--reason",
            "Price",
            "--reopen-date",
            reopen,
            "--json",
        ).stdout
    )
    assert (stalled["status"], stalled["reopen_date"], stalled["reason_stalled"]) == ("stalled", reopen, "Price")


def test_money_options_keep_each_other_consistent(sale_cli):
    sale = add(sale_cli, "--cost", "600")
    by_percentage = json.loads(sale_cli("sale", "set", str(sale["id"]), "--percentage", "25", "--json").stdout)
    assert (by_percentage["cost"], by_percentage["profit"]) == ("750.00", "250.00")
    by_amount = json.loads(sale_cli("sale", "set", str(sale["id"]), "--amount", "2000", "--json").stdout)
    assert (by_amount["cost"], by_amount["profit"], by_amount["percentage"]) == ("750.00", "1250.00", "62.50")


def test_stale_version_is_exit_5(sale_cli):
    sale = add(sale_cli)
    assert (
        sale_cli("sale", "set", str(sale["id"]), "--heading", "New", "--version", str(sale["version"])).returncode == 0
    )
    stale = sale_cli("sale", "set", str(sale["id"]), "--heading", "Mine", "--version", str(sale["version"]))
    assert stale.returncode == 5 and "changed by" in stale.stderr and no_traceback(stale)


def test_unknown_sale_is_exit_4(sale_cli):
    result = sale_cli("sale", "show", "999", "--json")
    assert result.returncode == 4 and no_traceback(result)


def test_sale_list_filters_and_prints_the_sums(sale_cli):
    add(sale_cli)
    other = sale_cli("sale", "add", "--company", "2", "--heading", "Support", "--amount", "500", "--json")
    sale_cli("sale", "set", str(json.loads(other.stdout)["id"]), "--status", "sold", "--reason", "Price")
    page = json.loads(sale_cli("sale", "list", "--json").stdout)
    assert page["total"] == 2 and page["sum_amount"] == "1500.00" and page["sum_weighted"] == "600.00"
    sold = json.loads(sale_cli("sale", "list", "--status", "sold", "--json").stdout)
    assert [row["heading"] for row in sold["rows"]] == ["Support"]
    assert [r["heading"] for r in json.loads(sale_cli("sale", "list", "--company", "1", "--json").stdout)["rows"]] == [
        "Website relaunch"
    ]
    assert [r["heading"] for r in json.loads(sale_cli("sale", "list", "--search", "web", "--json").stdout)["rows"]] == [
        "Website relaunch"
    ]
    text = sale_cli("sale", "list", "--limit", "1")
    assert "1-1 of 2" in text.stdout and "total 1,500.00" in text.stdout


def test_delete_without_yes_and_without_a_terminal_is_exit_1(sale_cli):
    sale = add(sale_cli)
    result = sale_cli("sale", "delete", str(sale["id"]))
    assert result.returncode == 1 and "--yes" in result.stderr
    assert sale_cli("sale", "show", str(sale["id"]), "--json").returncode == 0


def test_delete_with_yes_deletes_it_and_its_follow_ups(sale_cli):
    sale = add(sale_cli)
    assert sale_cli("sale", "followup", "add", str(sale["id"]), "--date", "today", "--text", "Call").returncode == 0
    result = sale_cli("sale", "delete", str(sale["id"]), "--yes")
    assert result.returncode == 0 and "Deleted" in result.stdout
    assert sale_cli("sale", "show", str(sale["id"])).returncode == 4
    assert sale_cli("sale", "followup", "done", "1").returncode == 4


def test_leadtui_undo_brings_a_deleted_sale_back_as_the_help_says(sale_cli):
    sale = add(sale_cli)
    assert "leadtui undo" in sale_cli("sale", "delete", "--help").stdout
    assert sale_cli("sale", "followup", "add", str(sale["id"]), "--date", "today", "--text", "Call").returncode == 0
    assert sale_cli("sale", "delete", str(sale["id"]), "--yes").returncode == 0
    assert sale_cli("undo").returncode == 0
    back = json.loads(sale_cli("sale", "show", str(sale["id"]), "--json").stdout)
    assert (back["heading"], back["amount"], back["next_activity"]) == (
        "Website relaunch",
        "1000.00",
        TODAY.isoformat(),
    )


def test_a_rep_cannot_delete_someone_elses_sale_exit_3(sale_cli):
    sale = add(sale_cli)
    assert sale_cli("users", "add", "rita", "--role", "sales-rep").returncode == 0
    result = sale_cli("sale", "delete", str(sale["id"]), "--yes", user="rita")
    assert result.returncode == 3 and "You cannot delete sales that do not belong to you" in result.stderr
    asked = sale_cli("sale", "delete", str(sale["id"]), user="rita")
    assert asked.returncode == 3  # refused before asking


def test_follow_ups_give_the_next_activity_and_can_be_completed(sale_cli):
    sale = add(sale_cli)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    added = sale_cli(
        "sale",
        "followup",
        "add",
        str(sale["id"]),
        "--date",
        yesterday,
        "--time",
        "09:30",
        "--type",
        "Phone call",
        "--text",
        "Call Ann",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    activity = json.loads(added.stdout)
    shown = json.loads(sale_cli("sale", "show", str(sale["id"]), "--json").stdout)
    assert (shown["next_activity"], shown["next_activity_overdue"]) == (yesterday, True)
    done = sale_cli("sale", "followup", "done", str(activity["id"]))
    assert done.returncode == 0 and "Completed follow-up" in done.stdout
    assert "09:30 Phone call Call Ann (done)" in done.stdout  # with its time, as `leadtui followup done` shows it
    assert json.loads(sale_cli("sale", "show", str(sale["id"]), "--json").stdout)["next_activity"] is None
    reopened = sale_cli("sale", "followup", "done", str(activity["id"]), "--undo")
    assert reopened.returncode == 0 and "Reopened follow-up" in reopened.stdout and "(done)" not in reopened.stdout
    assert json.loads(sale_cli("sale", "show", str(sale["id"]), "--json").stdout)["next_activity"] == yesterday
    bad = sale_cli("sale", "followup", "add", str(sale["id"]), "--date", "someday", "--text", "x")
    assert bad.returncode == 2 and "Date" in bad.stderr


def test_history_lists_stage_and_status_changes(sale_cli):
    sale = add(sale_cli)
    sale_cli("sale", "set", str(sale["id"]), "--stage", "Offer")
    rows = json.loads(sale_cli("sale", "history", str(sale["id"]), "--json").stdout)
    assert [(r["field"], r["from_text"], r["to_text"]) for r in rows][0] == ("stage", "Lead", "Offer")


def test_sale_type_stages_guide_and_guide_items(sale_cli):
    stages = sale_cli("sale-type", "stages", "Renewal", "--set", "Lead,Offer,Verbal yes", "--json")
    assert stages.returncode == 0, stages.stderr
    assert [s["name"] for s in json.loads(stages.stdout)["stages"]] == ["Lead", "Offer", "Verbal yes"]
    assert json.loads(sale_cli("sale-type", "guide", "Renewal", "--on", "--json").stdout)["has_guide"] is True
    item = sale_cli(
        "sale-type",
        "guide-item",
        "add",
        "Renewal",
        "Offer",
        "Send offer",
        "--days",
        "2",
        "--text",
        "Attach the PDF",
        "--json",
    )
    assert item.returncode == 0, item.stderr
    shown = json.loads(sale_cli("sale-type", "show", "Renewal", "--json").stdout)
    assert shown["stages"][1]["items"][0]["name"] == "Send offer"
    sale = add(sale_cli, "--type", "Renewal", "--stage", "Offer")
    guide = json.loads(sale_cli("sale", "guide", str(sale["id"]), "--json").stdout)
    assert [s["state"] for s in guide["stages"]] == ["done", "current", "future"]


def test_guide_needs_two_stages_and_admins_only(sale_cli):
    sale_cli("sale-type", "stages", "Renewal", "--set", "Lead")
    refused = sale_cli("sale-type", "guide", "Renewal", "--on")
    assert refused.returncode == 2 and "at least 2 stages" in refused.stderr
    sale_cli("users", "add", "rita", "--role", "sales-rep")
    assert sale_cli("sale-type", "stages", "Renewal", "--set", "Lead,Offer", user="rita").returncode == 3


def test_sale_type_estimated_time(sale_cli):
    assert sale_cli("sale-type", "set", "Renewal", "--duration", "10", "--unit", "day").returncode == 0
    sale = add(sale_cli, "--type", "Renewal")
    assert sale["sale_date"] == (TODAY + timedelta(days=10)).isoformat()
