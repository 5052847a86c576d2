"""`leadtui company ...` and `leadtui person ...` through the installed entry point: JSON of `person show` as
DESIGN.md specifies it, names of list values, exit codes of the contract."""

from __future__ import annotations

import json

import pytest

DESIGN_PERSON_KEYS = {
    "id",
    "first_name",
    "last_name",
    "company_id",
    "category",
    "category_group",
    "lead_status",
    "lead_status_visible",
    "lead_status_editable",
    "owner",
    "version",
}


@pytest.fixture
def acme(initialised_cli) -> int:
    result = initialised_cli("company", "add", "Acme", "--category", "lead", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["id"]


def add_person(cli, company_id: int, first: str = "Ann", *extra: str) -> dict:
    result = cli("person", "add", "--company", str(company_id), "--first", first, "--last", "Berg", *extra, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def show(cli, contact_id: int) -> dict:
    result = cli("person", "show", str(contact_id), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_person_show_json_has_the_fields_of_the_contract(initialised_cli, acme):
    ann = add_person(initialised_cli, acme, "Ann", "--email", "Ann@Acme.Example")
    shown = show(initialised_cli, ann["id"])
    assert DESIGN_PERSON_KEYS <= shown.keys()
    assert {key: shown[key] for key in DESIGN_PERSON_KEYS} == {
        "id": ann["id"],
        "first_name": "Ann",
        "last_name": "Berg",
        "company_id": acme,
        "category": "Lead",
        "category_group": "Potential customer",
        "lead_status": "Open",
        "lead_status_visible": True,
        "lead_status_editable": True,
        "owner": "admin",
        "version": 1,
    }
    assert shown["company_name"] == "Acme" and shown["email"] == "Ann@Acme.Example"
    assert shown["lead_status_description"] == "No outreach has been made by the sales team yet."
    assert shown["days_in_status"] == 0 and shown["email_opt_in"] is False


def test_person_set_lead_status_by_name_ignoring_case(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    result = initialised_cli("person", "set", str(ann["id"]), "--lead-status", "QUALIFIED")
    assert result.returncode == 0, result.stderr
    assert show(initialised_cli, ann["id"])["lead_status"] == "Qualified"


def test_an_unknown_lead_status_exits_2_naming_the_field(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    result = initialised_cli("person", "set", str(ann["id"]), "--lead-status", "Hot")
    assert result.returncode == 2
    assert "Lead status: 'Hot' is not in the list Contact - Lead status" in result.stderr


def test_an_unknown_category_exits_2_naming_the_field(initialised_cli):
    result = initialised_cli("company", "add", "Acme", "--category", "Prospectish")
    assert result.returncode == 2 and result.stderr.startswith("leadtui: Category:")


def test_a_company_leaving_lead_status_leaves_the_value_read_only(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    assert initialised_cli("company", "set", str(acme), "--category", "Customer").returncode == 0
    shown = show(initialised_cli, ann["id"])
    assert (shown["lead_status"], shown["lead_status_visible"], shown["lead_status_editable"]) == ("Open", False, False)
    refused = initialised_cli("person", "set", str(ann["id"]), "--lead-status", "Qualified")
    assert refused.returncode == 2 and "does not use lead status" in refused.stderr


def test_moving_a_contact_with_person_set_company(initialised_cli, acme):
    other = json.loads(initialised_cli("company", "add", "Globex", "--category", "Customer", "--json").stdout)
    ann = add_person(initialised_cli, acme)
    assert initialised_cli("person", "set", str(ann["id"]), "--company", str(other["id"])).returncode == 0
    shown = show(initialised_cli, ann["id"])
    assert (shown["company_name"], shown["category"]) == ("Globex", "Customer")


def test_a_stale_save_exits_5(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    assert initialised_cli("person", "set", str(ann["id"]), "--title", "CEO").returncode == 0
    stale = initialised_cli("person", "set", str(ann["id"]), "--title", "CTO", "--expect-version", "1")
    assert stale.returncode == 5 and "changed by someone else" in stale.stderr


def test_a_missing_contact_exits_4(initialised_cli):
    assert initialised_cli("person", "show", "999", "--json").returncode == 4


def test_a_sales_rep_changing_someone_elses_contact_exits_3(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    assert initialised_cli("users", "add", "rita", "--role", "sales-rep").returncode == 0
    result = initialised_cli("person", "set", str(ann["id"]), "--title", "Boss", user="rita")
    assert result.returncode == 3


def test_an_invalid_email_exits_2(initialised_cli, acme):
    result = initialised_cli("person", "add", "--company", str(acme), "--first", "Ann", "--email", "ann@", "--json")
    assert result.returncode == 2 and "Email:" in result.stderr


def test_bulk_set_dry_run_counts_and_changes_nothing(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    solo = json.loads(initialised_cli("person", "add", "--first", "Solo", "--json").stdout)
    result = initialised_cli(
        "person",
        "bulk-set",
        "--ids",
        f"{ann['id']},{solo['id']},77",
        "--field",
        "lead_status",
        "--value",
        "Contacting",
        "--dry-run",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    preview = json.loads(result.stdout)
    assert (preview["will_change"], preview["applied"]) == (1, False)
    assert preview["skipped"] == {"not linked to a company, so no lead status": 1, "not found or deleted": 1}
    assert show(initialised_cli, ann["id"])["lead_status"] == "Open"


def test_bulk_set_for_all_contacts_of_a_company(initialised_cli, acme):
    ann, bo = add_person(initialised_cli, acme), add_person(initialised_cli, acme, "Bo")
    result = initialised_cli(
        "person", "bulk-set", "--company", str(acme), "--field", "lead_status", "--value", "qualified"
    )
    assert result.returncode == 0 and "Changed 2 of 2" in result.stdout
    assert {show(initialised_cli, p["id"])["lead_status"] for p in (ann, bo)} == {"Qualified"}


def test_company_list_searches_and_pages(initialised_cli, acme):
    for name in ("Acme Nordic", "Beta"):
        initialised_cli("company", "add", name, "--category", "Customer")
    page = json.loads(initialised_cli("company", "list", "--search", "ACME", "--limit", "1", "--json").stdout)
    assert page["total"] == 2 and [row["name"] for row in page["items"]] == ["Acme"]


def test_company_delete_with_yes_hides_company_and_contacts(initialised_cli, acme):
    ann = add_person(initialised_cli, acme)
    assert initialised_cli("company", "delete", str(acme), "--yes").returncode == 0
    assert initialised_cli("person", "show", str(ann["id"])).returncode == 4
    assert json.loads(initialised_cli("company", "list", "--json").stdout)["total"] == 0


def test_delete_without_yes_asks_and_no_keeps_it(initialised_cli, acme):
    result = initialised_cli("company", "delete", str(acme), input="n\n")
    assert result.returncode == 1
    assert initialised_cli("company", "show", str(acme)).returncode == 0
