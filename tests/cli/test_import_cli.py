"""`leadtui import persons`, `leadtui export`, `leadtui intake`, `leadtui distribute` through the installed entry
point: summaries on stdout, errors with line numbers on stderr, the contract's exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path


def people_csv(tmp_path: Path, rows: int = 60, bad_line: int | None = None, name: str = "people.csv") -> Path:
    lines = ["Fornavn;Efternavn;E-mail;Firma;Hjemmeside;utm_source"]
    for i in range(2, rows + 2):
        email = "not-an-email" if i == bad_line else f"p{i}@firma{i % 4}.dk"
        lines.append(f"Søren{i};Ærø{i};{email};Firma {i % 4};firma{i % 4}.dk;google")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def count(cli, target: str = "persons") -> int:  # noqa: ANN001
    result = cli("find", target, "--json")
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout)["rows"])


def test_dry_run_prints_the_summary_and_changes_nothing(initialised_cli, tmp_path):
    result = initialised_cli("import", "persons", str(people_csv(tmp_path)), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "60 rows: 60 new, 0 updated, 0 duplicates, 0 errors; companies: 4 new" in result.stdout
    assert "Fornavn -> First name" in result.stdout
    assert count(initialised_cli) == 0


def test_import_then_again_updates_instead_of_duplicating(initialised_cli, tmp_path):
    path = people_csv(tmp_path)
    first = initialised_cli("import", "persons", str(path))
    assert first.returncode == 0, first.stderr
    assert "60 new" in first.stdout and "first touch (UTM) recorded: 64" in first.stdout
    again = initialised_cli("import", "persons", str(path), "--json")
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["unchanged"], summary["new_companies"]) == (0, 60, 0)
    assert count(initialised_cli) == 60 and count(initialised_cli, "companies") == 4


def test_a_bad_email_on_line_57_imports_nothing_and_exits_2(initialised_cli, tmp_path):
    result = initialised_cli("import", "persons", str(people_csv(tmp_path, bad_line=57)))
    assert result.returncode == 2
    assert "Nothing imported" in result.stderr and "line 57: Email: 'not-an-email'" in result.stderr
    assert "Traceback" not in result.stderr
    assert count(initialised_cli) == 0


def test_bad_files_give_one_line_and_exit_2(initialised_cli, tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("First name,Email\n")
    for name, message in (
        ("missing.csv", "there is no file"),
        ("empty.csv", "is empty"),
        ("header.csv", "no rows to import"),
    ):
        result = initialised_cli("import", "persons", str(tmp_path / name))
        assert result.returncode == 2 and message in result.stderr, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


def test_map_and_category_options(initialised_cli, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Who,Mail,Org\nAnn Berg,ann@acme.com,Acme\n")
    result = initialised_cli(
        "import",
        "persons",
        str(path),
        "--map",
        "Who=full_name",
        "--map",
        "mail=email",
        "--map",
        "Org=company",
        "--category",
        "Customer",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(
        initialised_cli("find", "persons", "--columns", "first_name,last_name,category", "--json").stdout
    )["rows"]
    assert [(r["first_name"], r["last_name"], r["category"]) for r in shown] == [("Ann", "Berg", "Customer")]
    wrong = initialised_cli("import", "persons", str(path), "--map", "Who=shoe_size")
    assert wrong.returncode == 2 and "not a field" in wrong.stderr


def test_export_csv_and_json_to_a_file(initialised_cli, tmp_path):
    initialised_cli("import", "persons", str(people_csv(tmp_path, rows=5)))
    out = tmp_path / "out.csv"
    result = initialised_cli(
        "export", "persons", "--where", "utm_source:eq:google", "--columns", "name,email", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["id", "name", "email"] and len(rows) == 6 and rows[1][1] == "Søren2 Ærø2"
    as_json = initialised_cli("export", "companies", "--json", "--columns", "name,utm_source")
    assert {row["utm_source"] for row in json.loads(as_json.stdout)} == {"google"}
    bad = initialised_cli("export", "persons", "--columns", "shoe_size")
    assert bad.returncode == 2 and "shoe_size" in bad.stderr


def test_intake_from_stdin_takes_good_lines_and_exits_2_for_a_bad_one(initialised_cli):
    lines = (
        "\n".join(
            [
                json.dumps({"first_name": "Ann", "email": "ann@acme.com", "company": "Acme", "utm_source": "google"}),
                "{oops",
                json.dumps({"last_name": "Bo"}),
            ]
        )
        + "\n"
    )
    result = initialised_cli("intake", input=lines)
    assert result.returncode == 2
    assert "3 submissions: 2 new, 0 already there, 1 failed" in result.stdout
    assert "line 2:" in result.stderr
    again = initialised_cli("intake", input=lines.splitlines()[0] + "\n")
    assert again.returncode == 0 and "1 already there" in again.stdout


def test_distribute_set_show_dry_run_and_assign(initialised_cli, tmp_path):
    for login in ("anna", "bob"):
        assert initialised_cli("users", "add", login, "--name", login.capitalize()).returncode == 0
    rep = initialised_cli("distribute", "--set", "--users", "anna,bob", user="anna")
    assert rep.returncode == 3
    assert initialised_cli("import", "persons", str(people_csv(tmp_path, rows=3))).returncode == 0
    assert initialised_cli("distribute", "--set", "--users", "anna,bob", "--fallback", "admin").returncode == 0
    shown = initialised_cli("distribute", "--show")
    assert "round robin over users anna, bob" in shown.stdout and "next lead goes to: anna" in shown.stdout
    dry = initialised_cli("distribute", "--dry-run")
    assert dry.returncode == 0 and "Would assign 3 contacts (anna 2, bob 1)" in dry.stdout
    done = initialised_cli("distribute", "--json")
    assert json.loads(done.stdout)["per_user"] == {"anna": 2, "bob": 1}
    assert "Would assign 0 contacts" in initialised_cli("distribute", "--dry-run").stdout


def test_distribute_mine_lists_the_leads_given_to_me_until_i_mark_them_seen(initialised_cli, tmp_path):
    for login in ("anna", "bob"):
        assert initialised_cli("users", "add", login, "--name", login.capitalize()).returncode == 0
    assert initialised_cli("distribute", "--set", "--users", "anna,bob").returncode == 0
    assert initialised_cli("import", "persons", str(people_csv(tmp_path, rows=3))).returncode == 0
    mine = initialised_cli("distribute", "--mine", user="anna")
    assert mine.returncode == 0, mine.stderr
    lines = mine.stdout.splitlines()
    assert lines[0] == "2 new leads since you last looked (2 contacts):"
    assert (
        lines[1].startswith("* ")
        and "Firma 0 (1 contact) [import]: company Firma 0: round robin 1 of 2: Anna" in lines[1]
    )
    assert len(lines) == 3
    as_json = json.loads(initialised_cli("distribute", "--mine", "--json", user="bob").stdout)
    assert (as_json["unseen"], [lead["company"] for lead in as_json["leads"]]) == (1, ["Firma 3"])
    seen = initialised_cli("distribute", "--mine", "--mark-seen", user="anna")
    assert seen.returncode == 0 and "Marked as seen." in seen.stdout
    assert initialised_cli("distribute", "--mine", user="anna").stdout == "No new leads since you last looked.\n"
    earlier = initialised_cli("distribute", "--mine", "--all", user="anna").stdout.splitlines()
    assert earlier[0] == "No new leads since you last looked; the earlier ones:" and len(earlier) == 3
    assert json.loads(initialised_cli("distribute", "--mine", "--json", user="bob").stdout)["unseen"] == 1
    assert initialised_cli("distribute", "--mark-seen").returncode == 1  # only with --mine
