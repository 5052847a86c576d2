"""`leadtui automation ...` (Lead categorization, SPEC.md 2.5) through the installed entry point."""

from __future__ import annotations

import json


def _rule(rules: list[dict], trigger: str, status: str | None = None) -> dict:
    return next(r for r in rules if r["trigger"] == trigger and r["lead_status"] == status)


def test_set_then_show_as_json(initialised_cli):
    done = initialised_cli("automation", "set", "--on-sold", "Customer", "--on-lead-status", "Qualified=Opportunity")
    assert done.returncode == 0, done.stderr
    rules = json.loads(initialised_cli("automation", "show", "--json").stdout)["rules"]
    assert _rule(rules, "sold") | {"category": "Customer", "enabled": True, "confirm": False} == _rule(rules, "sold")
    assert _rule(rules, "lead_status", "Qualified")["category"] == "Opportunity"
    assert not _rule(rules, "lost")["enabled"]
    off = initialised_cli("automation", "set", "--off", "lead-status=Qualified")
    assert off.returncode == 0, off.stderr
    rules = json.loads(initialised_cli("automation", "show", "--json").stdout)["rules"]
    assert not _rule(rules, "lead_status", "Qualified")["enabled"]
    assert initialised_cli("automation", "off", "sold").returncode == 0
    assert "Update category when a sale is sold" in initialised_cli("automation", "show").stdout


def test_a_rule_without_confirmation_applies_on_the_command_line(initialised_cli):
    assert initialised_cli("company", "add", "Acme", "--category", "Opportunity").returncode == 0
    assert initialised_cli("automation", "set", "--on-sold", "Customer", "--no-confirm").returncode == 0
    assert initialised_cli("sale", "add", "--company", "1", "--heading", "Deal", "--amount", "10").returncode == 0
    sold = initialised_cli("sale", "set", "1", "--status", "sold", "--reason", "Price")
    assert sold.returncode == 0, sold.stderr
    company = json.loads(initialised_cli("company", "show", "1", "--json").stdout)
    assert company["category"] == "Customer"


def test_a_rule_that_asks_is_reported_with_the_command_to_apply_it(initialised_cli):
    assert initialised_cli("company", "add", "Acme", "--category", "Opportunity").returncode == 0
    assert initialised_cli("automation", "set", "--on-lost", "Lost opportunity", "--confirm").returncode == 0
    assert initialised_cli("sale", "add", "--company", "1", "--heading", "Deal", "--amount", "10").returncode == 0
    lost = initialised_cli("sale", "set", "1", "--status", "lost", "--reason", "Price", "--json")
    assert lost.returncode == 0, lost.stderr
    assert json.loads(lost.stdout)["category_suggestion"]["suggested_category"] == "Lost opportunity"
    assert "leadtui company set 1 --category 'Lost opportunity'" in lost.stderr
    assert json.loads(initialised_cli("company", "show", "1", "--json").stdout)["category"] == "Opportunity"


def test_refusals_are_one_line_with_the_contract_exit_codes(initialised_cli):
    no_category = initialised_cli("automation", "set", "--on-registered", "")
    assert no_category.returncode == 2 and "Set category to" in no_category.stderr
    unknown = initialised_cli("automation", "set", "--on-sold", "Nope")
    assert unknown.returncode == 2 and "Category" in unknown.stderr
    assert initialised_cli("users", "add", "rita", "--role", "sales-rep").returncode == 0
    denied = initialised_cli("automation", "set", "--on-sold", "Customer", user="rita")
    assert denied.returncode == 3 and "administrators" in denied.stderr
    for result in (no_category, unknown, denied):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
