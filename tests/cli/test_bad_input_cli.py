"""Bad input on the command line: one line naming the field and the rule, the contract's exit code, nothing
written. Run in this process through the real entry point (tests/cli/inprocess.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.cli.inprocess import LEAKS, run_cli, seeded_database
from tests.conftest import BACKENDS

BEYOND = "99999999999999999999"  # beyond 2^63
BEYOND_PG = "2147483648"  # beyond PostgreSQL's INTEGER, within SQLite's


@pytest.fixture(scope="module", params=BACKENDS)
def url(request, tmp_path_factory) -> str:
    return seeded_database(request.param, tmp_path_factory.mktemp("bad"), "bad_input")


def refused(url: str, code: int, *args: str, names: str | None = None) -> str:
    result = run_cli(url, *args)
    assert result.returncode == code, (args, result)
    assert len(result.error_lines) == 1, (args, result.stderr)
    for leak in LEAKS:
        assert leak not in result.stderr, (args, result.stderr)
    if names:
        assert names in result.stderr, (args, result.stderr)
    return result.stderr


def sale(url: str, sale_id: str = "1") -> dict:
    result = run_cli(url, "sale", "show", sale_id, "--json")
    assert result.returncode == 0, result
    return json.loads(result.stdout)


def test_an_empty_amount_is_refused_not_saved_as_zero(url):
    before = sale(url)
    refused(url, 2, "sale", "set", "1", "--amount", "", names="Amount")
    refused(url, 2, "sale", "set", "1", "--cost", " ", names="Total cost")
    refused(url, 2, "sale", "add", "--company", "1", "--heading", "Empty", "--amount", "", names="Amount")
    refused(url, 2, "sale", "set", "1", "--stage", "", names="Stage")  # used to save a new version of nothing
    assert sale(url) == before
    listed = run_cli(url, "sale", "list", "--search", "Empty", "--json")
    assert json.loads(listed.stdout)["total"] == 0


def test_setting_the_stages_of_a_sale_type_to_nothing_is_refused(url):
    before = run_cli(url, "sale-type", "stages", "General sale", "--json").stdout
    refused(url, 2, "sale-type", "stages", "General sale", "--set", "", names="Stages")
    refused(url, 2, "sale-type", "stages", "General sale", "--set", " , ", names="Stages")
    assert run_cli(url, "sale-type", "stages", "General sale", "--json").stdout == before


def test_the_follow_ups_of_a_sale_that_does_not_exist_are_not_found(url):
    refused(url, 4, "sale", "followup", "list", "99999", names="99999")
    assert run_cli(url, "sale", "followup", "list", "1").returncode == 0


def test_a_sale_type_that_is_not_in_the_list_is_bad_input(url):
    refused(
        url, 2, "sale", "add", "--company", "1", "--heading", "X", "--amount", "1", "--type", "NOPE", names="Sale type"
    )
    refused(url, 2, "sale", "set", "1", "--type", "NOPE", names="Sale type")
    refused(url, 4, "sale-type", "show", "NOPE", names="Sale type")  # the command's own subject: not found


@pytest.mark.parametrize("number", [BEYOND, BEYOND_PG, "9223372036854775807", "9223372036854775808"])
def test_record_numbers_beyond_the_database_range_are_not_found(url, number):
    for args in (
        ("person", "show", number),
        ("company", "show", number),
        ("sale", "show", number),
        ("sale", "history", number),
        ("sale", "followup", "list", number),
        ("person", "history", number),
        ("company", "set", number, "--city", "x"),
        ("sale", "set", number, "--heading", "x"),
        ("sale", "followup", "done", number),
        ("selection", "show", number),
        ("sale-type", "guide-item", "delete", number),
    ):
        refused(url, 4, *args)


@pytest.mark.parametrize("number", [BEYOND, BEYOND_PG])
def test_numbers_beyond_the_range_in_options_are_bad_input(url, number):
    for args, field in (
        (("person", "add", "--company", number, "--first", "A"), "Company"),
        (("sale", "add", "--company", number, "--heading", "X", "--amount", "1"), "Company"),
        (("person", "add", "--first", "A", "--owner", number), None),
        (("sale", "set", "1", "--probability", number), "Probability"),
        (("sale", "add", "--company", "1", "--heading", "X", "--amount", "1", "--probability", number), "Probability"),
    ):
        refused(url, 2, *args, names=field)


def test_list_filters_beyond_2_63_are_bad_input(url):
    refused(url, 2, "person", "list", "--company", BEYOND, names="Company")
    refused(url, 2, "sale", "list", "--company", BEYOND, names="Company")
    refused(url, 2, "sale", "list", "--contact", BEYOND, names="Contact")


def test_huge_money_and_probability_are_refused_with_the_field(url):
    refused(url, 2, "sale", "set", "1", "--amount", "1e30", names="Amount")
    refused(url, 2, "sale", "set", "1", "--probability", str(10**20), names="Probability")
    refused(url, 2, "sale", "add", "--company", "1", "--heading", "X", "--amount", "1e30", names="Amount")


def test_usage_errors_are_one_line_with_exit_1(url):
    for args in (("persn",), ("sale", "add", "--company", "1"), ("person", "show", "x"), ("sale", "show")):
        result = run_cli(url, *args)
        assert result.returncode == 1 and len(result.error_lines) == 1, (args, result.stderr)
        assert "Error:" in result.stderr and "-h" in result.stderr
