"""Hostile text is refused on input on every path (names, notes, search, CSV import, intake) and CSV exports
neutralise formula prefixes (issue 16, points 3, 4 and 11). Runs on SQLite and PostgreSQL: NUL and C1 never
reach the driver."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from leadtui import text
from leadtui.model import tables as t
from leadtui.services import companies, contacts, exports, imports, intake, selections
from leadtui.services.errors import RuleViolation
from tests.services.people import company, person

ESCAPES = [
    "Evil\x1b]0;pwned\x07",
    "Wipe\x1b[2J",
    "Nul\x00byte",
    "C1\x9b31m",
    "Del\x7f",
    "Bidi\u202etxt.exe",
    "Bad\udcffutf8",
    "Line\nbreak",
]


async def count(db, model) -> int:  # noqa: ANN001
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("name", ESCAPES)
async def test_a_company_name_with_control_characters_is_refused_and_nothing_is_written(db, admin, name):
    before = await count(db, t.Company)
    with pytest.raises(RuleViolation) as refused:
        await companies.create_company(db, admin, {"name": name, "category": "Lead"})
    assert refused.value.field == "name"
    assert str(refused.value).startswith("Name: ")
    assert "\n" not in str(refused.value)
    assert await count(db, t.Company) == before


async def test_every_text_field_is_checked_on_edit_too(db, admin):
    acme = await company(db, admin, "Acme")
    for field in ("city", "email", "website", "phone"):
        with pytest.raises(RuleViolation) as refused:
            await companies.update_company(db, admin, acme.id, {field: "x\x1b[2J"}, expected_version=acme.version)
        assert refused.value.field == field
    ann = await person(db, admin, acme.id)
    with pytest.raises(RuleViolation) as refused:
        await contacts.update_contact(db, admin, ann.id, {"last_name": "B\x00erg"}, expected_version=ann.version)
    assert refused.value.field == "last_name"
    assert (await companies.get_company(db, admin, acme.id)).version == acme.version


async def test_a_note_keeps_its_lines_and_tabs_but_not_escapes(db, admin):
    acme = await company(db, admin, "Acme", note="first line\r\n\tsecond line")
    assert acme.note == "first line\n\tsecond line"
    with pytest.raises(RuleViolation) as refused:
        await companies.update_company(
            db, admin, acme.id, {"note": "ok\n\x1b]0;pwned\x07"}, expected_version=acme.version
        )
    assert refused.value.field == "note"
    assert "control characters" in str(refused.value)


async def test_a_search_with_bytes_that_are_not_utf8_is_refused_by_name(db, admin):
    await company(db, admin, "Acme")
    with pytest.raises(RuleViolation) as refused:
        await companies.list_companies(db, admin, search="Ac\udcff")
    assert (refused.value.field, str(refused.value)) == ("search", "Search: is not valid UTF-8 text")
    with pytest.raises(RuleViolation):
        await contacts.list_contacts(db, admin, search="\x00")
    assert (await companies.list_companies(db, admin, search="ac")).total == 1


# --------------------------------------------------------------------------- CSV import and intake


HEADER = "First name,Last name,Email,Company\n"


async def test_a_csv_row_with_an_escape_sequence_is_an_error_of_its_line_and_nothing_is_imported(db, admin):
    data = imports.parse_csv_text(
        HEADER + "Ann,Berg,ann@acme.com,Acme\nBo,Ek\x1b[2J,bo@acme.com,Acme\n", name="people.csv"
    )
    before = await count(db, t.Contact)
    with pytest.raises(imports.ImportRefused) as refused:
        await imports.apply_import(db, admin, data)
    assert refused.value.summary.error_lines == [3]
    assert "line 3" in str(refused.value)
    assert await count(db, t.Contact) == before


async def test_a_csv_note_with_windows_line_breaks_is_imported_with_its_lines(db, admin):
    data = imports.parse_csv_text('First name,Last name,Email,Note\r\nAnn,Berg,ann@acme.com,"one\r\ntwo"\r\n')
    summary = await imports.apply_import(db, admin, data)
    ann = await contacts.get_contact(db, admin, summary.contact_ids[0])
    assert ann.note == "one\ntwo"


def test_a_quote_that_is_never_closed_refuses_the_file_with_its_line():
    with pytest.raises(RuleViolation) as refused:
        imports.parse_csv_text(HEADER + 'Ann,Berg,ann@acme.com,"Acme\nBo,Ek,bo@acme.com,Acme\n', name="p.csv")
    message = str(refused.value)
    assert "line 2" in message and "never closed" in message and "\n" not in message


async def test_intake_refuses_a_hostile_line_a_deep_array_and_bad_utf8_and_takes_the_others(db, admin):
    good = json.dumps({"first_name": "Ann", "last_name": "Berg", "email": "ann@acme.com", "company": "Acme"})
    hostile = json.dumps({"first_name": "Bo\x1b]0;pwned\x07", "last_name": "Ek", "email": "bo@acme.com"})
    deep = "[" * 100_000 + "]" * 100_000
    bad_utf8 = b'{"first_name": "Cy\xff", "last_name": "Dahl"}'.decode("utf-8", "surrogateescape")
    nul = json.dumps({"first_name": "Di", "last_name": "Nul\u0000", "email": "di@acme.com"})
    out = await intake.intake(db, admin, [good, hostile, deep, bad_utf8, nul])
    assert (out.new, out.errors) == (1, 4)
    errors = {r.line: r.message for r in out.results if r.status == "error"}
    assert "control characters" in errors[2]
    assert "nested too deeply" in errors[3]
    assert "UTF-8" in errors[4]
    assert "control characters" in errors[5]
    assert all("\n" not in message for message in errors.values())


# --------------------------------------------------------------------------- CSV exports


async def test_csv_export_neutralises_formulas_unless_turned_off(db, admin):
    await company(db, admin, '=HYPERLINK("http://evil.example","click")')
    await company(db, admin, "@SUM(A1)")
    await company(db, admin, "+45 12 34 56 78")
    await company(db, admin, "Plain Ltd")

    async def names(**options) -> list[str]:  # noqa: ANN003
        out = io.StringIO()
        await exports.export(db, admin, "companies", [], out, columns=["name"], **options)
        return sorted(row[1] for row in list(csv.reader(io.StringIO(out.getvalue())))[1:])

    assert await names() == [
        "'=HYPERLINK(\"http://evil.example\",\"click\")",
        "'@SUM(A1)",
        "+45 12 34 56 78",
        "Plain Ltd",
    ]
    assert await names(formula_guard=False) == [
        "+45 12 34 56 78",
        '=HYPERLINK("http://evil.example","click")',
        "@SUM(A1)",
        "Plain Ltd",
    ]


async def test_selection_export_neutralises_formulas_too(db, admin):
    evil = await company(db, admin, "-2+3+cmd|' /C calc'!A0")
    chosen = await selections.create_selection(
        db, admin, {"name": "Evil", "target": "company", "kind": "static", "ids": [evil.id]}
    )
    out = io.StringIO()
    await selections.export_members_csv(db, admin, chosen.id, out, columns=["name"])
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == [str(evil.id), "'-2+3+cmd|' /C calc'!A0"]
    raw = io.StringIO()
    await selections.export_members_csv(db, admin, chosen.id, raw, columns=["name"], formula_guard=False)
    assert list(csv.reader(io.StringIO(raw.getvalue())))[1] == [str(evil.id), "-2+3+cmd|' /C calc'!A0"]


def test_numbers_stay_numbers_and_only_text_is_guarded():
    assert text.csv_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert text.csv_cell(-3) == -3
    assert text.csv_cell("-5.00") == "-5.00"  # an amount printed as text: no letters, no formula
    assert text.csv_cell("-5.00+A1") == "'-5.00+A1"
    assert text.csv_cell("\tx") == "'\tx"
    assert text.csv_cell("a\x1bb") == "a\u241bb"
    assert text.csv_cell(None) == ""


CELL_TEXT = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\x1f\x1b12 ().,/ab\u202e\x9b")), max_size=6)


@settings(max_examples=3000, deadline=None)
@given(
    row=st.lists(st.one_of(CELL_TEXT, st.none(), st.integers(), st.decimals(allow_nan=False, places=2)), max_size=5),
    guard=st.booleans(),
)
def test_the_csv_writer_fast_path_writes_what_csv_cell_says(row, guard):
    fast, slow = io.StringIO(), io.StringIO()
    text.CsvWriter(fast, formula_guard=guard).writerow(row)
    csv.writer(slow).writerow([text.csv_cell(cell, formula_guard=guard) for cell in row])
    assert fast.getvalue() == slow.getvalue()
