"""`leadtui import companies|persons|sales|followups|folder` with other CRMs' exports, through the installed entry
point: profiles, --map-value, --create-missing, dry runs that list unknown values, exit codes of the contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

EXPORTS = Path(__file__).parent.parent / "services" / "crm_exports"
HUBSPOT_MAPS = ("--map-value", "reason_sold:=Relationship", "--map-value", "owner:admin@example.com=admin")


def count(cli, target: str) -> int:  # noqa: ANN001
    result = cli("find", target, "--json")
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout)["rows"])


def with_rita(cli):  # noqa: ANN001, ANN201
    result = cli("users", "add", "rita", "--name", "Rita Rep", "--role", "sales-rep")
    assert result.returncode == 0, result.stderr
    return cli


def test_a_hubspot_folder_imports_in_one_command_and_again_without_duplicates(initialised_cli):
    cli = with_rita(initialised_cli)
    first = cli("import", "folder", str(EXPORTS / "hubspot"), *HUBSPOT_MAPS)
    assert first.returncode == 0, first.stderr
    assert "(HubSpot, utf-8, ','): companies: 3 rows: 3 new" in first.stdout
    assert "sales: 3 rows: 3 new" in first.stdout and "follow-ups: 2 rows: 2 new" in first.stdout
    assert (count(cli, "companies"), count(cli, "persons"), count(cli, "sales")) == (3, 4, 3)
    again = cli("import", "folder", str(EXPORTS / "hubspot"), *HUBSPOT_MAPS, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert [(r["entity"], r["new"], r["unchanged"]) for r in report["reports"]] == [
        ("companies", 0, 3),
        ("persons", 0, 4),
        ("sales", 0, 3),
        ("followups", 0, 2),
    ]
    assert (count(cli, "companies"), count(cli, "persons"), count(cli, "sales")) == (3, 4, 3)


def test_one_file_per_kind_with_an_explicit_profile(initialised_cli):
    cli = initialised_cli
    sf = EXPORTS / "salesforce"
    for kind, name in (("companies", "Account.csv"), ("persons", "Contact.csv"), ("sales", "Opportunity.csv")):
        result = cli(
            "import", kind, str(sf / name), "--profile", "salesforce", "--map-value", "reason_sold:=Relationship"
        )
        assert result.returncode == 0, (kind, result.stderr)
        assert "(Salesforce, " in result.stdout
        if kind != "sales":  # names with accents: the Windows-1252 export is read as such
            assert "(Salesforce, cp1252" in result.stdout
    shown = json.loads(cli("find", "companies", "--json").stdout)["rows"]
    assert "Café Lumière SARL" in json.dumps(shown, ensure_ascii=False)
    sold = cli("find", "sales", "--where", "sale_status:eq:sold", "--json")
    assert len(json.loads(sold.stdout)["rows"]) == 1


def test_a_dry_run_lists_unknown_values_with_their_rows_and_the_closest_item(initialised_cli, tmp_path):
    path = tmp_path / "hubspot-contacts.csv"
    path.write_text(
        "Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage,Lead Status\n"
        "1,Ann,Lee,ann@a.example,A Corp,Lead,Nurturing\n"
        "2,Bob,Ray,bob@a.example,A Corp,Lead,Nurturing\n"
        "3,Cid,Moe,cid@b.example,B Corp,Lead,New\n",
        encoding="utf-8-sig",
    )
    result = initialised_cli("import", "persons", str(path), "--dry-run")
    assert result.returncode == 2
    assert "Lead status 'Nurturing': 2 rows (first on line 2); closest: Re-nurture" in result.stdout
    assert result.stdout.count("Nurturing") == 1
    assert count(initialised_cli, "persons") == 0
    mapped = initialised_cli("import", "persons", str(path), "--map-value", "lead_status:Nurturing=Re-nurture")
    assert mapped.returncode == 0, mapped.stderr
    assert count(initialised_cli, "persons") == 3


def test_create_missing_needs_an_administrator(initialised_cli, tmp_path):
    cli = with_rita(initialised_cli)
    path = tmp_path / "contacts.csv"
    path.write_text("Record ID,First Name,Last Name,Company Name,Lead Status\n1,Ann,Lee,A Corp,Nurturing\n")
    refused = cli("import", "persons", str(path), "--create-missing", user="rita")
    assert refused.returncode == 3, refused.stderr
    assert count(cli, "persons") == 0
    done = cli("import", "persons", str(path), "--create-missing")
    assert done.returncode == 0, done.stderr
    assert "added to the lists: lead_status: Nurturing" in done.stdout


def test_a_rule_broken_in_one_row_imports_nothing_and_names_the_line(initialised_cli, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(EXPORTS / "superoffice", folder)
    sale = folder / "Sale.csv"
    sale.write_bytes(
        sale.read_bytes().replace(b";Lost;01.09.2026;General sale;Price;", b";Lost;01.09.2026;General sale;;")
    )
    result = initialised_cli("import", "folder", str(folder))
    assert result.returncode == 2
    assert "Nothing imported" in result.stderr
    assert "Reason (lost) '(empty)': 1 row (first on line 3)" in result.stdout
    assert count(initialised_cli, "companies") == 0
    ok = initialised_cli("import", "folder", str(folder), "--map-value", "reason_lost:=Other")
    assert ok.returncode == 0, ok.stderr


def test_a_plain_csv_file_still_imports_as_before(initialised_cli, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("First name,Last name,Email,Company\nAnn,Lee,ann@a.example,A Corp\n")
    result = initialised_cli("import", "persons", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 rows: 1 new" in result.stdout or "1 row: 1 new" in result.stdout


def test_a_folder_without_exports_is_refused_clearly(initialised_cli, tmp_path):
    (tmp_path / "notes.csv").write_text("Colour,Size\nred,3\n")
    result = initialised_cli("import", "folder", str(tmp_path))
    assert result.returncode == 2
    assert "not those of a HubSpot, Pipedrive, Salesforce or SuperOffice export" in result.stderr
    missing = initialised_cli("import", "folder", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no folder or zip file" in missing.stderr
