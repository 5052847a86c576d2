"""The command line keeps hostile text inert (issue 16, points 3, 4 and 11): refused on input with one line and
exit 2, printed without escape sequences when an older database holds it, CSV formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3

import pytest

from tests.cli.conftest import Cli

UNSAFE = ("\x1b", "\x07", "\x9b", "\x00")


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "unexpected error" not in stderr
    return lines[0]


@pytest.mark.parametrize("name", ["Evil\x1b]0;pwned\x07", "Wipe\x1b[2J", "C1\u009b31m"])  # NUL: argv cannot carry it
def test_company_add_with_escape_sequences_is_refused(initialised_cli: Cli, name: str) -> None:
    result = initialised_cli("company", "add", name, "--category", "Lead")
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("leadtui: Name: must not contain control characters")
    assert not any(char in result.stderr + result.stdout for char in UNSAFE)
    assert json.loads(initialised_cli("company", "list", "--json").stdout)["total"] == 0


def _store_raw(cli: Cli, sql: str, *params: object) -> None:
    with sqlite3.connect(cli.db_path) as conn:
        conn.execute(sql, params)


HOSTILE = "Evil\x1b]0;pwned\x07\x1b[2J\u009b31m"


def test_a_hostile_name_from_an_older_database_is_printed_visibly(initialised_cli: Cli) -> None:
    cli = initialised_cli
    added = json.loads(cli("company", "add", "Evil", "--category", "Lead", "--json").stdout)
    _store_raw(cli, "update company set name = ? where id = ?", HOSTILE, added["id"])
    for args in (
        ("company", "list"),
        ("find", "companies"),
        ("find", "companies", "--csv"),
        ("export", "companies"),
        ("company", "show", str(added["id"])),
    ):
        result = cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Evil" in result.stdout, args
        assert not any(char in result.stdout + result.stderr for char in UNSAFE), (args, result.stdout)
    assert "Evil\u241b]0;pwned\u2407" in cli("company", "list").stdout
    # JSON stays exact for programs: the escapes are \u sequences, nothing raw for a terminal
    shown = cli("company", "show", str(added["id"]), "--json")
    assert not any(char in shown.stdout for char in UNSAFE)
    assert json.loads(shown.stdout)["name"] == HOSTILE
    listed = cli("find", "companies", "--json")
    assert not any(char in listed.stdout for char in UNSAFE)


def test_search_with_bytes_that_are_not_utf8_is_one_line_exit_2(initialised_cli: Cli) -> None:
    result = initialised_cli("company", "list", "--search", os.fsdecode(b"Ac\xff"))
    assert result.returncode == 2
    assert one_line(result.stderr) == "leadtui: Search: is not valid UTF-8 text"
    person = initialised_cli("person", "list", "--search", os.fsdecode(b"\xc3"))
    assert person.returncode == 2
    one_line(person.stderr)


FORMULA = '=HYPERLINK("http://evil.example","click")'


def _csv_names(stdout: str) -> list[str]:
    return [row[1] for row in list(csv.reader(io.StringIO(stdout)))[1:]]


def test_export_and_find_csv_neutralise_formulas_unless_turned_off(initialised_cli: Cli) -> None:
    cli = initialised_cli
    assert cli("company", "add", FORMULA, "--category", "Lead").returncode == 0
    for args in (("export", "companies", "--columns", "name"), ("find", "companies", "--columns", "name", "--csv")):
        guarded = cli(*args)
        assert guarded.returncode == 0, guarded.stderr
        assert _csv_names(guarded.stdout) == ["'" + FORMULA], args
        raw = cli(*args, "--no-formula-guard")
        assert _csv_names(raw.stdout) == [FORMULA], args
    assert "--no-formula-guard" in cli("export", "--help").stdout
    assert "--no-formula-guard" in cli("find", "--help").stdout


def test_export_to_a_file_is_guarded_too(initialised_cli: Cli, tmp_path) -> None:  # noqa: ANN001
    cli = initialised_cli
    cli("company", "add", "@SUM(A1)", "--category", "Lead")
    target = tmp_path / "out.csv"
    assert cli("export", "companies", "--columns", "name", "-o", str(target)).returncode == 0
    assert _csv_names(target.read_text(encoding="utf-8")) == ["'@SUM(A1)"]


def test_a_csv_with_a_quote_never_closed_imports_nothing(initialised_cli: Cli, tmp_path) -> None:  # noqa: ANN001
    file = tmp_path / "people.csv"
    file.write_text(
        'First name,Last name,Email,Company\nAnn,Berg,ann@acme.com,"Acme\nBo,Ek,bo@acme.com,Acme\n', encoding="utf-8"
    )
    result = initialised_cli("import", "persons", str(file))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "line 2" in line and "never closed" in line
    assert json.loads(initialised_cli("person", "list", "--json").stdout)["total"] == 0


def test_a_csv_row_with_an_escape_sequence_is_refused_with_its_line(initialised_cli: Cli, tmp_path) -> None:  # noqa: ANN001
    file = tmp_path / "people.csv"
    file.write_text(
        "First name,Last name,Email,Company\nAnn,Berg,ann@acme.com,Acme\nBo,Ek\x1b]0;pwned\x07,bo@acme.com,Acme\n",
        encoding="utf-8",
    )
    result = initialised_cli("import", "persons", str(file))
    assert result.returncode == 2
    assert "line 3" in result.stderr and "control characters" in result.stderr
    assert not any(char in result.stderr for char in UNSAFE)
    assert json.loads(initialised_cli("person", "list", "--json").stdout)["total"] == 0


def test_intake_deep_json_and_bad_utf8_are_one_line_each_exit_2(initialised_cli: Cli, tmp_path) -> None:  # noqa: ANN001
    deep = initialised_cli("intake", input="[" * 100_000 + "]" * 100_000 + "\n")
    assert deep.returncode == 2
    assert one_line(deep.stderr) == "leadtui: line 1: not a JSON object (nested too deeply)"
    assert "RecursionError" not in deep.stderr
    file = tmp_path / "forms.jsonl"
    file.write_bytes(
        b'{"first_name": "Ann", "last_name": "Berg", "email": "ann@acme.com"}\n'
        b'{"first_name": "Cy\xff", "last_name": "Dahl"}\n'
    )
    result = initialised_cli("intake", str(file))
    assert result.returncode == 2
    assert one_line(result.stderr) == "leadtui: line 2: not valid UTF-8 text"
    assert "1 new" in result.stdout
