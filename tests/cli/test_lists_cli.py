"""`leadtui init` and `leadtui lists ...` through the installed entry point, with the contract's exit codes."""

from __future__ import annotations

import json


def no_traceback(result) -> bool:
    return "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 1


def test_init_creates_a_database_named_in_the_chosen_language(cli):
    result = cli("init", "--lang", "nb")
    assert result.returncode == 0, result.stderr
    shown = cli("lists", "show", "lead-status", "--json")
    assert [item["name"] for item in json.loads(shown.stdout)][:2] == ["Åpen", "Kontakter"]


def test_init_twice_needs_force(initialised_cli):
    again = initialised_cli("init")
    assert again.returncode == 2 and "--force" in again.stderr and no_traceback(again)
    assert initialised_cli("init", "--force").returncode == 0


def test_lists_add_then_show_as_json(initialised_cli):
    added = initialised_cli("lists", "add", "lead-status", "Nurturing", "--description", "Warm up", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["name"] == "Nurturing"
    items = json.loads(initialised_cli("lists", "show", "lead-status", "--json").stdout)
    assert items[-1] == {**items[-1], "name": "Nurturing", "description": "Warm up", "deleted": False}


def test_lists_add_category_with_group_and_lead_status(initialised_cli):
    ok = initialised_cli("lists", "add", "category", "Prospect", "--group", "potential-customer", "--lead-status")
    assert ok.returncode == 0, ok.stderr
    refused = initialised_cli("lists", "add", "category", "VIP", "--group", "customer", "--lead-status")
    assert refused.returncode == 2 and "Potential customer" in refused.stderr and no_traceback(refused)


def test_lists_edit_renames_and_changes_probability(initialised_cli):
    result = initialised_cli("lists", "edit", "sale-stage", "Offer", "--name", "Quote", "--probability", "40")
    assert result.returncode == 0, result.stderr
    stages = json.loads(initialised_cli("lists", "show", "sale-stage", "--json").stdout)
    assert {"name": "Quote", "probability": 40}.items() <= stages[2].items()


def test_duplicate_name_is_exit_2_with_one_line(initialised_cli):
    result = initialised_cli("lists", "add", "lead-status", "open")
    assert result.returncode == 2 and "already used" in result.stderr and no_traceback(result)


def test_empty_and_too_long_names_are_exit_2(initialised_cli):
    empty = initialised_cli("lists", "add", "reason-lost", "  ")
    assert empty.returncode == 2 and "Name" in empty.stderr and no_traceback(empty)
    long = initialised_cli("lists", "add", "reason-lost", "x" * 200)
    assert long.returncode == 2 and "at most 80" in long.stderr and no_traceback(long)


def test_unknown_list_kind_is_exit_2(initialised_cli):
    result = initialised_cli("lists", "show", "colours")
    assert result.returncode == 2 and "Unknown list kind" in result.stderr and no_traceback(result)


def test_missing_argument_is_a_usage_error_exit_1(initialised_cli):
    result = initialised_cli("lists", "add", "lead-status")
    assert result.returncode == 1 and "Missing argument" in result.stderr


def test_delete_show_deleted_and_restore(initialised_cli):
    assert initialised_cli("lists", "delete", "lead-status", "Re-nurture").returncode == 0
    assert "Re-nurture" not in initialised_cli("lists", "show", "lead-status").stdout
    shown = initialised_cli("lists", "show", "lead-status", "--deleted").stdout
    assert any(line.startswith("Re-nurture ") and "deleted" in line for line in shown.splitlines())
    assert initialised_cli("lists", "restore", "lead-status", "Re-nurture").returncode == 0
    assert "Re-nurture" in initialised_cli("lists", "show", "lead-status").stdout


def test_deleting_the_default_lead_status_is_refused(initialised_cli):
    result = initialised_cli("lists", "delete", "lead-status", "Open")
    assert result.returncode == 2 and "default" in result.stderr and no_traceback(result)


def test_unknown_item_is_exit_4(initialised_cli):
    result = initialised_cli("lists", "delete", "lead-status", "Nope")
    assert result.returncode == 4 and no_traceback(result)


def test_a_sales_rep_may_not_change_lists_exit_3(initialised_cli):
    assert initialised_cli("users", "add", "rita", "--name", "Rita Rep", "--role", "sales-rep").returncode == 0
    result = initialised_cli("lists", "add", "lead-status", "Hot", user="rita")
    assert result.returncode == 3 and "List administrator" in result.stderr and no_traceback(result)
    # reading is fine
    assert initialised_cli("lists", "show", "lead-status", user="rita").returncode == 0


def test_unknown_user_is_refused_exit_3(initialised_cli):
    result = initialised_cli("lists", "add", "lead-status", "Hot", user="mallory")
    assert result.returncode == 3 and "Unknown user 'mallory'" in result.stderr


def test_a_database_path_that_cannot_be_opened_is_one_line_exit_2(cli, tmp_path):
    (tmp_path / "adir").mkdir()
    result = cli("--db", str(tmp_path / "adir"), "lists", "show", "lead-status")
    assert result.returncode == 2 and "Cannot open the database" in result.stderr and no_traceback(result)


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in ("init", "lists", "users"):
        assert command in result.stdout
