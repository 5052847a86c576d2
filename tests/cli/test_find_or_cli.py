"""`leadtui find` with OR groups (--or), the full operators and `--fields --json` (SPEC.md 4.4, Q5)."""

from __future__ import annotations

import json

from tests.cli.test_find_cli import ok, world  # noqa: F401 - the fixture


def names(out: str) -> list[str]:
    return sorted(row["name"] for row in json.loads(out)["rows"])


def test_or_starts_a_group_a_and_b_or_c(cli, world):  # noqa: F811
    out = ok(
        cli(
            "find", "persons", "--where", "lead_status:one_of:Contacting", "--where", "title:eq:buyer",
            "--or", "--where", "title:eq:cto", "--columns", "name", "--json",
        )
    )  # fmt: skip
    assert names(out) == ["Bob Øster", "Dan Moe"]
    # the same criteria without --or: all ANDed, nothing matches
    out = ok(
        cli(
            "find", "persons", "--where", "lead_status:one_of:Contacting", "--where", "title:eq:buyer",
            "--where", "title:eq:cto", "--count",
        )
    )  # fmt: skip
    assert out.strip() == "0"


def test_new_operators_on_the_command_line(cli, world):  # noqa: F811
    out = ok(cli("find", "sales", "--where", "amount:between:100,1000", "--columns", "heading", "--json"))
    assert sorted(r["heading"] for r in json.loads(out)["rows"]) == ["App", "Website"]
    assert ok(cli("find", "persons", "--where", "name:not_contains:øst", "--count")).strip() == "4"
    assert ok(cli("find", "persons", "--where", "registered:before_today", "--count")).strip() == "3"
    assert ok(cli("find", "persons", "--where", "registered:after_today", "--count")).strip() == "0"


def test_or_in_the_wrong_place_is_a_usage_error(cli, world):  # noqa: F811
    for args in (["--or", "--where", "title:eq:x"], ["--where", "title:eq:x", "--or"], ["--where", "a:eq:b", "--or", "--or", "--where", "c:eq:d"]):  # fmt: skip
        result = cli("find", "persons", *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "--or" in result.stderr


def test_a_bad_operator_is_one_line_naming_the_field_and_the_rule(cli, world):  # noqa: F811
    result = cli("find", "persons", "--where", "registered:contains:2026")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Registered: the operator 'contains' does not apply; use one of before, eq, after, between" in result.stderr
    result = cli("find", "sales", "--where", "sale_date:next:3:fortnights")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Sale date" in result.stderr


def test_fields_json_lists_every_field_with_its_operators(cli, world):  # noqa: F811
    fields = json.loads(ok(cli("find", "sales", "--fields", "--json")))
    by_key = {f["key"]: f for f in fields}
    assert by_key["heading"]["operators"] == [
        "contains", "starts_with", "ends_with", "eq", "ne", "not_contains", "not_starts_with", "not_ends_with",
        "empty", "not_empty",
    ]  # fmt: skip
    assert by_key["amount"]["operators"] == ["eq", "ne", "gt", "ge", "lt", "le", "between", "empty", "not_empty"]
    assert by_key["sale_date"]["operators"][:10] == [
        "before", "eq", "after", "between", "before_today", "today", "after_today", "this", "next", "previous",
    ]  # fmt: skip
    assert by_key["completed"]["operators"][0] == "eq"
    assert by_key["sale_stage"]["operators"] == ["one_of", "not_one_of", "empty", "not_empty"]


def test_a_dynamic_selection_made_with_or_keeps_its_groups(cli, world):  # noqa: F811
    created = json.loads(
        ok(
            cli(
                "selection", "create", "Bosses", "--target", "persons", "--where", "title:eq:ceo", "--or",
                "--where", "title:eq:cto", "--json",
            )
        )
    )  # fmt: skip
    assert created["member_count"] == 2
    assert [c.get("group") for c in created["criteria"]] == [0, 1]
    shown = ok(cli("selection", "show", str(created["id"])))
    assert "or Title equals cto" in shown


def test_export_takes_or_groups_too(cli, world):  # noqa: F811
    out = ok(cli("export", "persons", "--where", "title:eq:ceo", "--or", "--where", "title:eq:cto", "--json"))
    assert sorted(row["name"] for row in json.loads(out)) == ["Ann Berg", "Dan Moe"]
