"""CSV import: mapping by header in four languages, preview counts, all or nothing, upsert by email, company
matching, lead status under lead categories, UTM first touch only for what the import creates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import audit, contacts, find, imports, undo, utm
from leadtui.services.errors import RuleViolation
from tests.services.people import company, person

HEADER = "First name,Last name,Email,Company,Website,Lead status,utm_source,utm_campaign\n"


def csv(text: str, name: str = "people.csv") -> imports.CsvData:
    return imports.parse_csv_text(text, name=name)


async def count(db, model) -> int:  # noqa: ANN001
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def contact_by_email(db, admin, email: str) -> contacts.ContactOut:  # noqa: ANN001
    page = await find.find(db, admin, "contact", [{"field": "email", "op": "eq", "values": [email]}], columns=["id"])
    assert len(page.rows) == 1, page.rows
    return await contacts.get_contact(db, admin, page.rows[0]["id"])


# --------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(
    "headers",
    [
        ["First name", "Last name", "Email", "Company", "Category", "Lead status", "Mobile", "City"],  # en
        ["Fornavn", "Efternavn", "E-mail", "Firma", "Kategori", "Leadstatus", "Mobil", "By"],  # da
        ["Voornaam", "Achternaam", "E-mailadres", "Bedrijf", "Categorie", "Leadstatus", "Mobiel", "Plaats"],  # nl
        ["Fornavn", "Etternavn", "E-post", "Firma", "Kategori", "Leadstatus", "Mobil", "Poststed"],  # nb
    ],
)
def test_columns_are_mapped_by_their_header_in_each_language(headers):
    assert imports.auto_mapping(headers) == [
        "first_name",
        "last_name",
        "email",
        "company",
        "category",
        "lead_status",
        "mobile",
        "city",
    ]


def test_utm_headers_map_as_they_are_and_unknown_headers_are_left_out():
    assert imports.auto_mapping(
        ["utm_source", "UTM Medium", "utm-campaign", "utm_term", "utm_content", "landing_page", "Shoe size"]
    ) == ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "landing_page", ""]


def test_a_field_named_by_two_columns_goes_to_the_first():
    assert imports.auto_mapping(["Email", "E-mail", "Last name"]) == ["email", "", "last_name"]


def test_the_mapping_is_editable_by_header():
    data = csv("Navn,Mail,Notes\nAnn Berg,ann@example.com,x\n")
    options = imports.ImportOptions(overrides={"mail": "email", "Notes": "-"})
    assert imports.resolve_mapping(data, options) == ["full_name", "email", ""]


def test_mapping_refuses_unknown_fields_missing_columns_and_no_name():
    data = csv("Email,Company\nann@example.com,Acme\n")
    with pytest.raises(RuleViolation, match="no column is mapped to First name"):
        imports.resolve_mapping(data, imports.ImportOptions())
    with pytest.raises(RuleViolation, match="not a field"):
        imports.resolve_mapping(data, imports.ImportOptions(overrides={"Email": "shoe_size"}))
    with pytest.raises(RuleViolation, match="no column 'Name'"):
        imports.resolve_mapping(data, imports.ImportOptions(overrides={"Name": "full_name"}))
    with pytest.raises(RuleViolation, match="both mapped"):
        imports.resolve_mapping(data, imports.ImportOptions(mapping=["last_name", "last_name"]))


# --------------------------------------------------------------------------- reading files


@pytest.mark.parametrize("encoding,delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-16", "\t")])
def test_files_are_read_in_the_usual_encodings_and_delimiters(tmp_path: Path, encoding, delimiter):
    path = tmp_path / "people.csv"
    rows = [["Fornavn", "Efternavn", "E-mail"], ["Søren", "Ærø", "soren@example.dk"]]
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding))
    data = imports.load_csv(path)
    assert data.delimiter == delimiter
    assert data.headers == ["Fornavn", "Efternavn", "E-mail"]
    assert data.records == [(2, ["Søren", "Ærø", "soren@example.dk"])]


def test_bad_files_are_refused_with_a_clear_message(tmp_path: Path):
    with pytest.raises(RuleViolation, match="there is no file"):
        imports.load_csv(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(RuleViolation, match="is empty"):
        imports.load_csv(tmp_path / "empty.csv")
    (tmp_path / "binary.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(RuleViolation, match="not a text"):
        imports.load_csv(tmp_path / "binary.csv")
    with pytest.raises(RuleViolation, match="is a folder"):
        imports.load_csv(tmp_path)


def test_line_numbers_are_the_files_own():
    data = csv('First name,Note\n\nAnn,"two\nlines"\nBo,x\n')
    assert [line for line, _cells in data.records] == [3, 5]


# --------------------------------------------------------------------------- preview


async def test_preview_counts_every_kind_of_row_with_line_numbers_and_writes_nothing(db, admin):
    await person(db, admin, None, "Old", "Timer", email="old@example.com")
    before = await count(db, t.Contact)
    data = csv(
        HEADER
        + "Ann,Berg,ann@acme.com,Acme,acme.com,,,\n"  # 2 new
        + "Old,Timer,OLD@example.com,,,,,\n"  # 3 unchanged (same values)
        + "Olde,Timer,old@example.com,,,,,\n"  # 4 duplicate of line 3
        + "Cy,Dahl,not-an-email,,,,,\n"  # 5 error
        + ",,nobody@example.com,,,,,\n"  # 6 error: no name
        + "Dee,Ek,dee@beta.com,Beta,,Nonsense,,\n"
    )  # 7 error: unknown lead status
    summary = await imports.preview_import(db, admin, data)
    assert (summary.rows, summary.new, summary.unchanged, summary.duplicates, summary.errors) == (6, 1, 1, 1, 3)
    assert summary.error_lines == [5, 6, 7]
    assert [i.line for i in summary.issues if i.kind == "duplicate"] == [4]
    assert "same email as line 3" in summary.issues[0].message or any(
        "same email as line 3" in i.message for i in summary.issues
    )
    assert "Email" in next(i.message for i in summary.issues if i.line == 5)
    assert [r.status for r in summary.preview] == ["new", "unchanged", "duplicate", "error", "error", "error"]
    assert await count(db, t.Contact) == before


async def test_preview_shows_what_changes_for_an_existing_contact(db, admin):
    await person(db, admin, None, "Ann", "Berg", email="ann@example.com")
    summary = await imports.preview_import(
        db, admin, csv("First name,Last name,Email,Title\nAnn,Berg,ANN@example.com,CEO\n")
    )
    assert (summary.new, summary.updated) == (0, 1)


# --------------------------------------------------------------------------- apply


async def test_one_bad_row_imports_nothing(db, admin):
    lines = [f"Person{i},Last{i},p{i}@example.com,Company {i % 5},,,,\n" for i in range(2, 80)]
    lines[55] = "Bad,Row,not@valid@example,Company 1,,,,\n"  # line 57 of the file
    data = csv(HEADER + "".join(lines))
    companies_before, contacts_before = await count(db, t.Company), await count(db, t.Contact)
    with pytest.raises(imports.ImportRefused) as refused:
        await imports.apply_import(db, admin, data)
    assert "line 57" in str(refused.value)
    assert refused.value.summary.error_lines == [57]
    assert (await count(db, t.Company), await count(db, t.Contact)) == (companies_before, contacts_before)


async def test_import_creates_companies_and_contacts_in_one_go(db, admin):
    data = csv(
        HEADER + "Ann,Berg,ann@acme.com,Acme,acme.com,,,\nBo,Ek,bo@acme.com,ACME,,,,\nCy,Dahl,cy@solo.net,,,,,\n"
    )
    summary = await imports.apply_import(db, admin, data)
    assert summary.applied and (summary.new, summary.new_companies) == (3, 1)
    ann, bo, cy = [await contact_by_email(db, admin, e) for e in ("ann@acme.com", "bo@acme.com", "cy@solo.net")]
    assert ann.company_id == bo.company_id is not None and cy.company_id is None
    assert ann.company_name == "Acme"


async def test_upsert_by_normalised_email_updates_only_the_given_fields(db, admin):
    acme = await company(db, admin, "Acme", category="Customer")
    old = await person(db, admin, acme.id, "Ann", "Berg", email="Ann.Berg@Acme.com", title="Buyer", mobile="111")
    data = csv("First name,Last name,Email,Title,Mobile,Company\nAnna,,ann.berg@ACME.com,Head of buying,,Other Inc\n")
    summary = await imports.apply_import(db, admin, data)
    assert (summary.new, summary.updated) == (0, 1)
    now = await contacts.get_contact(db, admin, old.id)
    assert (now.first_name, now.last_name, now.title, now.mobile) == ("Anna", "Berg", "Head of buying", "111")
    assert now.company_id == acme.id  # an import never moves a contact
    assert now.version == old.version + 1
    entries = await audit.for_record(db, "contact", old.id)
    assert entries[0].action == "update" and entries[0].changes["title"] == ["Buyer", "Head of buying"]
    assert await count(db, t.Company) == 1  # "Other Inc" is not created for an existing contact


async def test_contacts_without_email_are_always_new(db, admin):
    data = csv("First name,Last name\nAnn,Berg\nAnn,Berg\n")
    await imports.apply_import(db, admin, data)
    await imports.apply_import(db, admin, data)
    assert await count(db, t.Contact) == 4


async def test_companies_are_matched_by_website_domain_then_by_name(db, admin):
    by_domain = await company(db, admin, "Acme Holding", website="https://www.acme.com")
    by_name = await company(db, admin, "Beta Logistics")
    data = csv(
        "First name,Company,Website\nAnn,Acme,http://acme.com/contact\nBo,BETA  logistics,\n"
        "Cy,Gamma,gamma.io\nDee,gamma,\n"
    )
    summary = await imports.apply_import(db, admin, data)
    assert (summary.new_companies, summary.matched_companies) == (1, 2)
    page = await find.find(db, admin, "contact", [], columns=["first_name", "company_id"], limit=None)
    companies_of = {row["first_name"]: row["company_id"] for row in page.rows}
    assert companies_of["Ann"] == by_domain.id and companies_of["Bo"] == by_name.id
    assert companies_of["Cy"] == companies_of["Dee"] not in (by_domain.id, by_name.id)


async def test_new_contacts_in_a_lead_category_get_open_with_history(db, admin):
    data = csv("First name,Company,Category,Lead status\nAnn,Acme,Lead,\nBo,Acme,,Contacting\nCy,Globex,Customer,\n")
    await imports.apply_import(db, admin, data)
    page = await find.find(db, admin, "contact", [], columns=["first_name", "lead_status", "category"], limit=None)
    got = {row["first_name"]: (row["category"], row["lead_status"]) for row in page.rows}
    assert got == {"Ann": ("Lead", "Open"), "Bo": ("Lead", "Contacting"), "Cy": ("Customer", None)}
    ann = next(row["id"] for row in page.rows if row["first_name"] == "Ann")
    history = await contacts.contact_history(db, ann)
    assert [(h.field, h.from_text, h.to_text) for h in history] == [("lead_status", "", "Open")]


async def test_new_companies_get_the_default_category_the_first_lead_category_unless_chosen(db, admin):
    await imports.apply_import(db, admin, csv("First name,Company\nAnn,Acme\n"))
    await imports.apply_import(db, admin, csv("First name,Company\nBo,Globex\n"), {"category": "Partner"})
    page = await find.find(db, admin, "company", [], columns=["name", "category"], limit=None)
    assert {row["name"]: row["category"] for row in page.rows} == {"Acme": "Lead", "Globex": "Partner"}


async def test_lead_status_outside_a_lead_category_is_an_error_like_on_the_card(db, admin):
    summary = await imports.preview_import(
        db, admin, csv("First name,Company,Category,Lead status\nAnn,Acme,Customer,Open\nBo,,,Open\n")
    )
    messages = [i.message for i in summary.issues]
    assert "does not use lead status" in messages[0]
    assert "only contacts linked to a company" in messages[1]


async def test_a_sales_rep_cannot_update_someone_elses_contact_by_import(db, admin, rep):
    acme = await company(db, admin, "Acme")  # Our contact: admin
    await person(db, admin, acme.id, "Ann", "Berg", email="ann@acme.com")
    summary = await imports.preview_import(db, rep, csv("First name,Email,Title\nAnn,ann@acme.com,CEO\n"))
    assert summary.errors == 1 and "may not change" in summary.issues[0].message
    summary = await imports.preview_import(db, rep, csv("First name,Email,Company\nBo,bo@acme.com,Acme\n"))
    assert summary.errors == 1 and "the company 'Acme'" in summary.issues[0].message


async def test_utm_first_touch_is_recorded_only_for_new_contacts_and_companies(db, admin):
    existing = await person(db, admin, None, "Old", "Timer", email="old@example.com")
    data = csv(
        HEADER + "Ann,Berg,ann@acme.com,Acme,acme.com,,google,spring\nOld,Timer,old@example.com,,,,linkedin,spring\n"
    )
    summary = await imports.apply_import(db, admin, data)
    assert summary.first_touch == 2  # Ann and the new company Acme
    ann = await contact_by_email(db, admin, "ann@acme.com")
    first_touch = await utm.utm_for_contact(db, ann.id)
    assert (first_touch.source, first_touch.campaign) == ("google", "spring") and first_touch.touched_at
    assert (await utm.utm_for_company(db, ann.company_id)).source == "google"
    assert await utm.utm_for_contact(db, existing.id) is None
    found = await find.find(db, admin, "contact", [find.parse_where("utm_source:eq:google")], columns=["email"])
    assert [row["email"] for row in found.rows] == ["ann@acme.com"]


async def test_an_import_can_be_undone(db, admin):
    await imports.apply_import(db, admin, csv("First name,Email,Company\nAnn,ann@acme.com,Acme\n"))
    assert await find.count(db, admin, "contact", []) == 1
    await undo.undo_last(db, admin)
    assert await find.count(db, admin, "contact", []) == 0
    assert await find.count(db, admin, "company", []) == 0


async def test_header_only_file_has_nothing_to_import(db, admin):
    data = csv("First name,Email\n")
    assert (await imports.preview_import(db, admin, data)).rows == 0
    with pytest.raises(RuleViolation, match="no rows to import"):
        await imports.apply_import(db, admin, data)


async def test_progress_is_reported_while_importing(db, admin):
    seen: list[tuple[int, int]] = []
    rows = "".join(f"P{i},p{i}@example.com\n" for i in range(12000))
    await imports.apply_import(db, admin, csv("First name,Email\n" + rows), progress=lambda d, n: seen.append((d, n)))
    assert seen and seen[-1] == (24000, 24000)
    assert [d for d, _n in seen] == sorted(d for d, _n in seen)
    assert await count(db, t.Contact) == 12000
