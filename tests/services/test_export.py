"""Export: a find result or a selection to CSV (field-key header, id first) or JSON, with the chosen columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

from leadtui.services import exports, find, imports, selections
from leadtui.services.errors import RuleViolation
from tests.services.people import company, person


async def sample(db, admin):  # noqa: ANN001
    acme = await company(db, admin, "Acme")
    ann = await person(db, admin, acme.id, "Ann", "Berg", email="ann@acme.com")
    bo = await person(db, admin, acme.id, "Bo", "Ek", email="bo@acme.com", lead_status="Qualified")
    cy = await person(db, admin, None, "Cy", "Dahl", email="cy@solo.net")
    return ann, bo, cy


async def test_csv_export_has_the_chosen_columns_for_the_matching_records(db, admin):
    ann, bo, _cy = await sample(db, admin)
    out = io.StringIO()
    result = await exports.export(
        db, admin, "persons", [find.parse_where("company:eq:Acme")], out, columns=["name", "email", "lead_status"]
    )
    assert result.rows == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["id", "name", "email", "lead_status"],
        [str(ann.id), "Ann Berg", "ann@acme.com", "Open"],
        [str(bo.id), "Bo Ek", "bo@acme.com", "Qualified"],
    ]


async def test_json_export_is_an_array_of_objects(db, admin):
    await sample(db, admin)
    out = io.StringIO()
    await exports.export(db, admin, "companies", [], out, columns=["name", "category"], fmt="json")
    assert [{k: v for k, v in row.items() if k != "id"} for row in json.loads(out.getvalue())] == [
        {"name": "Acme", "category": "Lead"}
    ]
    empty = io.StringIO()
    await exports.export(db, admin, "sales", [], empty, fmt="json")
    assert json.loads(empty.getvalue()) == []


async def test_a_selection_exports_its_members(db, admin):
    ann, _bo, cy = await sample(db, admin)
    chosen = await selections.create_selection(
        db, admin, {"name": "Picked", "target": "contact", "kind": "static", "ids": [ann.id, cy.id]}
    )
    out = io.StringIO()
    result = await exports.export(db, admin, "contact", [], out, columns=["email"], selection_id=chosen.id)
    assert result.rows == 2 and "cy@solo.net" in out.getvalue() and "bo@acme.com" not in out.getvalue()


async def test_unknown_columns_and_formats_are_refused(db, admin):
    with pytest.raises(RuleViolation):
        await exports.export(db, admin, "contact", [], io.StringIO(), columns=["shoe_size"])
    with pytest.raises(RuleViolation, match="Format"):
        await exports.export(db, admin, "contact", [], io.StringIO(), fmt="xlsx")
    out = io.StringIO()
    with pytest.raises(RuleViolation, match="bogus"):
        await exports.export(db, admin, "contact", [find.parse_where("bogus:eq:1")], out)
    assert out.getvalue() == ""  # refused before the header is written


async def test_an_export_imports_back_with_the_automatic_mapping(db, admin):
    await sample(db, admin)
    out = io.StringIO()
    await exports.export(db, admin, "contact", [], out, columns=["first_name", "last_name", "email", "company"])
    data = imports.parse_csv_text(out.getvalue())
    assert imports.auto_mapping(data.headers) == ["", "first_name", "last_name", "email", "company"]
    summary = await imports.preview_import(db, admin, data)
    assert (summary.unchanged, summary.new, summary.errors) == (3, 0, 0)
