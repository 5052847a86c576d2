"""`leadtui followup ...` through the installed entry point: add on a contact, company or sale, list --mine --due,
done, move +N, and the exit codes of bad input and missing rights."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest

TODAY = date.today()


@pytest.fixture
def fu_cli(initialised_cli):
    from leadtui.model.engine import Database
    from tests.sales_helpers import add_company, add_contact

    async def seed() -> None:
        db = Database(f"sqlite+aiosqlite:///{initialised_cli.db_path}")
        try:
            acme = await add_company(db, "Acme Ltd")
            await add_contact(db, acme, "Ann", "Lee")
        finally:
            await db.dispose()

    asyncio.run(seed())
    return initialised_cli


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_add_list_done_and_move(fu_cli):
    made = json.loads(
        ok(fu_cli("followup", "add", "--contact", "1", "--date", "today", "--text", "Call Ann", "--json"))
    )
    assert (made["contact_id"], made["company_id"], made["date"]) == (1, 1, TODAY.isoformat())
    late = json.loads(
        ok(fu_cli("followup", "add", "--company", "1", "--date", "2020-01-02", "--text", "Old visit", "--json"))
    )
    assert late["overdue"] and late["contact_id"] is None
    today = json.loads(ok(fu_cli("followup", "list", "--mine", "--due", "today", "--json")))
    assert [row["title"] for row in today] == ["Call Ann"] and today[0]["contact_name"] == "Ann Lee"
    overdue = json.loads(ok(fu_cli("followup", "list", "--due", "overdue", "--json")))
    assert [row["id"] for row in overdue] == [late["id"]]
    assert "Call Ann" in ok(fu_cli("followup", "list"))
    assert "Moved follow-up" in ok(fu_cli("followup", "move", str(late["id"]), "--date", "+3"))
    week_later = json.loads(ok(fu_cli("followup", "list", "--json")))
    assert {row["id"]: row["date"] for row in week_later}[late["id"]] == (TODAY + timedelta(days=3)).isoformat()
    assert "Completed follow-up" in ok(fu_cli("followup", "done", str(made["id"])))
    assert made["id"] not in [row["id"] for row in json.loads(ok(fu_cli("followup", "list", "--json")))]


def test_on_a_sale_and_bad_input(fu_cli):
    sale = json.loads(ok(fu_cli("sale", "add", "--company", "1", "--heading", "Deal", "--amount", "10", "--json")))
    made = json.loads(
        ok(fu_cli("followup", "add", "--sale", str(sale["id"]), "--date", "+1", "--text", "Demo", "--json"))
    )
    assert made["sale_id"] == sale["id"] and made["company_id"] == 1
    both = fu_cli("followup", "add", "--contact", "1", "--company", "1", "--date", "+1", "--text", "x")
    assert both.returncode == 1 and "exactly one" in both.stderr
    bad_date = fu_cli("followup", "add", "--contact", "1", "--date", "soon", "--text", "x")
    assert bad_date.returncode == 2 and "Date" in bad_date.stderr and "Traceback" not in bad_date.stderr
    assert fu_cli("followup", "done", "999").returncode == 4
    assert fu_cli("followup", "list", "--due", "yesterday").returncode != 0


def test_a_rep_may_not_complete_someone_elses_follow_up(fu_cli):
    ok(fu_cli("users", "add", "rita", "--name", "Rita Rep", "--role", "sales-rep"))
    made = json.loads(ok(fu_cli("followup", "add", "--contact", "1", "--date", "today", "--text", "x", "--json")))
    refused = fu_cli("followup", "done", str(made["id"]), user="rita")
    assert refused.returncode == 3 and "another user" in refused.stderr
    assert json.loads(ok(fu_cli("followup", "list", "--mine", "--json", user="rita"))) == []
