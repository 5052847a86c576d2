"""`leadtui person set --activities ...` (move with follow-ups and sales) and `leadtui recycle list|restore`
through the installed entry point."""

from __future__ import annotations

import json

import pytest


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def setup(initialised_cli) -> dict[str, int]:
    cli = initialised_cli
    acme = json.loads(ok(cli("company", "add", "Acme", "--category", "lead", "--json")))["id"]
    globex = json.loads(ok(cli("company", "add", "Globex", "--category", "customer", "--json")))["id"]
    ann = json.loads(ok(cli("person", "add", "--company", str(acme), "--first", "Ann", "--last", "Berg", "--json")))[
        "id"
    ]
    old = json.loads(
        ok(
            cli(
                "sale",
                "add",
                "--company",
                str(acme),
                "--contact",
                str(ann),
                "--heading",
                "Old",
                "--amount",
                "10",
                "--date",
                "2026-01-10",
                "--json",
            )
        )
    )["id"]
    new = json.loads(
        ok(
            cli(
                "sale",
                "add",
                "--company",
                str(acme),
                "--contact",
                str(ann),
                "--heading",
                "New",
                "--amount",
                "20",
                "--date",
                "2026-06-10",
                "--json",
            )
        )
    )["id"]
    return {"acme": acme, "globex": globex, "ann": ann, "old": old, "new": new}


def sale_company(cli, sale_id: int) -> int:
    return json.loads(ok(cli("sale", "show", str(sale_id), "--json")))["company_id"]


def test_move_with_all_takes_the_sales_along(initialised_cli, setup):
    cli = initialised_cli
    ok(cli("person", "set", str(setup["ann"]), "--company", str(setup["globex"]), "--activities", "all"))
    assert sale_company(cli, setup["old"]) == sale_company(cli, setup["new"]) == setup["globex"]


def test_move_from_a_date_takes_the_later_sales_only(initialised_cli, setup):
    cli = initialised_cli
    ok(cli("person", "set", str(setup["ann"]), "--company", str(setup["globex"]), "--activities", "from:2026-03-01"))
    assert (sale_company(cli, setup["old"]), sale_company(cli, setup["new"])) == (setup["acme"], setup["globex"])


def test_move_leaves_the_sales_by_default(initialised_cli, setup):
    cli = initialised_cli
    ok(cli("person", "set", str(setup["ann"]), "--company", str(setup["globex"])))
    assert sale_company(cli, setup["old"]) == setup["acme"]


def test_a_bad_activities_value_is_refused_and_nothing_moves(initialised_cli, setup):
    cli = initialised_cli
    bad = cli("person", "set", str(setup["ann"]), "--company", str(setup["globex"]), "--activities", "from:31.02.x")
    assert bad.returncode == 2 and "--activities" in bad.stderr and "From date" in bad.stderr
    alone = cli("person", "set", str(setup["ann"]), "--activities", "all")
    assert alone.returncode != 0 and "--activities" in alone.stderr
    shown = json.loads(ok(cli("person", "show", str(setup["ann"]), "--json")))
    assert shown["company_id"] == setup["acme"]


def test_recycle_list_and_restore_a_company_a_contact_and_a_sale(initialised_cli, setup):
    cli = initialised_cli
    assert "empty" in ok(cli("recycle", "list"))
    ok(cli("sale", "delete", str(setup["old"]), "--yes"))
    ok(cli("company", "delete", str(setup["acme"]), "--yes"))
    listed = json.loads(ok(cli("recycle", "list", "--json")))
    assert [(r["kind"], r["name"], r["deleted_by"]) for r in listed] == [
        ("company", "Acme", "admin"),
        ("sale", "Old", "admin"),
    ]
    assert listed[0]["contacts"] == 1
    assert "Acme" in ok(cli("recycle", "list"))
    refused = cli("recycle", "restore", "contact", str(setup["ann"]))
    assert refused.returncode == 2 and "restore the company first" in refused.stderr
    out = ok(cli("recycle", "restore", "company", str(setup["acme"])))
    assert "Restored company" in out and "1 contact deleted with it is back too." in out
    assert "Restored sale" in ok(cli("recycle", "restore", "sale", str(setup["old"])))
    assert sale_company(cli, setup["old"]) == setup["acme"]
    assert json.loads(ok(cli("recycle", "list", "--json"))) == []


def test_a_sales_rep_may_not_restore_someone_elses_company(initialised_cli, setup):
    cli = initialised_cli
    ok(cli("users", "add", "rita", "--role", "sales-rep"))
    ok(cli("company", "delete", str(setup["globex"]), "--yes"))
    refused = cli("recycle", "restore", "company", str(setup["globex"]), user="rita")
    assert refused.returncode == 3, refused.stderr
    assert json.loads(ok(cli("recycle", "list", "--json", user="rita")))[0]["may_restore"] is False
    unknown = cli("recycle", "restore", "sale", "999")
    assert unknown.returncode == 4
