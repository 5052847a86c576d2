"""Import from other CRMs (issue 18): each CRM's own export headers, value mapping, the sale and lead status
rules, external ids (a second import updates, never duplicates), all or nothing, folders and zips."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from leadtui.model import tables as t
from leadtui.services import companies, contacts, imports, lists, sales
from leadtui.services.crm_import import folder, importer, profiles
from leadtui.services.errors import PermissionDenied, RuleViolation

EXPORTS = Path(__file__).parent / "crm_exports"
# what each sample export needs mapped: a won deal without a reason, Pipedrive's free-text lost reason
MAPS = {
    "hubspot": ["reason_sold:=Relationship"],
    "pipedrive": ["reason_sold:=Relationship", "reason_lost:Too expensive=Price"],
    "salesforce": ["reason_sold:=Relationship"],
    "superoffice": [],
}
EXPECTED = {  # companies, contacts, sales, follow-ups
    "hubspot": (3, 4, 3, 2),
    "pipedrive": (2, 2, 3, 1),
    "salesforce": (2, 2, 2, 0),
    "superoffice": (1, 1, 2, 1),
}


async def counts(db) -> tuple[int, int, int, int]:  # noqa: ANN001
    async with db.read() as session:
        result = []
        for model in (t.Company, t.Contact, t.Sale, t.Activity):
            result.append(await session.scalar(select(func.count()).select_from(model)) or 0)
    return tuple(result)


def options(crm: str, *extra: str, create_missing: bool = False) -> importer.CrmImportOptions:
    return importer.options_from_cli("auto", (), (*MAPS[crm], *extra), create_missing)


def csv(text: str, name: str = "export.csv") -> imports.CsvData:
    return imports.parse_csv_text(text, name=name)


@pytest.fixture
async def owners(db, admin, rep):  # noqa: ANN001, ANN201
    """HubSpot names owners by email: the administrator's address is admin@example.com."""
    async with db.write(admin) as session:
        await session.execute(update(t.Associate).where(t.Associate.login == "admin").values(email="admin@example.com"))
    return admin


async def one(db, model, **where):  # noqa: ANN001, ANN003, ANN201
    async with db.read() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return (await session.scalars(query)).one()


# --------------------------------------------------------------------------- every CRM, twice


@pytest.mark.parametrize("crm", ["hubspot", "pipedrive", "salesforce", "superoffice"])
async def test_a_crm_export_imports_into_an_empty_database_and_again_without_duplicates(db, owners, crm):
    files = folder.load_exports(EXPORTS / crm)
    first = await importer.import_files(db, owners, files, options(crm))
    assert first.errors == 0
    assert {r.profile for r in first.reports} == {crm}
    assert await counts(db) == EXPECTED[crm]
    assert sum(r.new for r in first.reports) == sum(EXPECTED[crm])
    again = await importer.import_files(db, owners, folder.load_exports(EXPORTS / crm), options(crm))
    assert await counts(db) == EXPECTED[crm]
    assert sum(r.new for r in again.reports) == 0
    assert sum(r.updated for r in again.reports) == 0
    assert sum(r.unchanged for r in again.reports) == sum(EXPECTED[crm])


async def test_hubspot_contacts_keep_website_country_owner_registration_date_and_mapped_lists(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    nordlys = await one(db, t.Company, name="Nordlys Analytics")
    assert (nordlys.website, nordlys.country, nordlys.city) == ("nordlys.example", "Norway", "Oslo")
    assert nordlys.registered_at == datetime(2024, 2, 14, 9, 12)
    assert nordlys.our_contact_id == owners.id  # "admin@example.com"
    bakery = await one(db, t.Company, name="Bakkerij de Vries")
    rita = await one(db, t.Associate, login="rita")
    assert bakery.our_contact_id == rita.id  # "Rita Rep", by full name
    out = await companies.get_company(db, owners, bakery.id)
    assert out.category == "Customer"  # lifecycle stage customer
    mette = await one(db, t.Contact, first_name="Mette")
    card = await contacts.get_contact(db, owners, mette.id)
    assert card.lead_status == "Contacting"  # HubSpot "In Progress"
    assert card.company_name == "Søndergaard & Co"
    assert mette.registered_at == datetime(2025, 1, 20, 8, 5)
    ingrid = await contacts.get_contact(db, owners, (await one(db, t.Contact, first_name="Ingrid")).id)
    assert ingrid.lead_status == "Open"  # "New"


async def test_hubspot_deals_follow_the_sale_rules_and_link_by_the_crm_ids(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    platform = await sales.get_sale(db, (await one(db, t.Sale, heading="Nordlys analytics platform")).id)
    assert (platform.status, platform.stage, platform.probability) == ("open", "Offer", 50)  # stage -> probability
    assert platform.company_name == "Nordlys Analytics" and platform.contact_name == "Ingrid Solberg"
    assert platform.sale_date == date(2026, 12, 20) and platform.amount == Decimal("48000.00")
    won = await sales.get_sale(db, (await one(db, t.Sale, heading="Bakery POS renewal")).id)
    assert (won.status, won.probability, won.reason_sold, won.sale_date) == (
        "sold",
        100,
        "Relationship",
        date(2026, 9, 30),
    )
    assert won.owner == "rita" and won.sale_type == "Renewal"
    lost = await sales.get_sale(db, (await one(db, t.Sale, heading="Søndergaard pilot")).id)
    assert (lost.status, lost.probability, lost.reason_lost) == ("lost", 0, "Price")
    assert lost.registered_at == datetime(2026, 5, 2, 11, 0)
    task = await one(db, t.Activity, title="Call about renewal")
    assert task.completed and task.sale_id == won.id and task.owner_id == (await one(db, t.Associate, login="rita")).id


async def test_a_second_import_updates_the_records_it_made_instead_of_adding(db, owners):
    crm_files = folder.load_exports(EXPORTS / "hubspot")
    await importer.import_files(db, owners, crm_files, options("hubspot"))
    deals = csv(
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company IDs\n"
        "7001,Nordlys analytics platform,Contract Sent,52000,2026-12-22,9001\n",
        "deals.csv",
    )
    report = await importer.import_file(db, owners, "sales", deals, options("hubspot"))
    assert (report.reports[0].updated, report.reports[0].new) == (1, 0)
    sale = await sales.get_sale(db, (await one(db, t.Sale, heading="Nordlys analytics platform")).id)
    assert (sale.stage, sale.probability, sale.amount) == ("Verbal yes", 90, Decimal("52000.00"))
    people = csv("Record ID,First Name,Last Name,Email,Lead Status\n5104,Lars,Berg-Olsen,,Open Deal\n", "c.csv")
    report = await importer.import_file(db, owners, "persons", people, options("hubspot"))
    assert report.reports[0].updated == 1
    lars = await contacts.get_contact(db, owners, (await one(db, t.Contact, first_name="Lars")).id)
    assert (lars.last_name, lars.lead_status) == ("Berg-Olsen", "Qualified")
    assert (await counts(db))[1] == 4


async def test_the_file_probability_wins_over_the_stage_and_a_closed_sale_cannot_contradict_it(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    deals = csv(
        "Record ID,Deal Name,Deal Stage,Deal probability,Amount,Associated Company IDs\n"
        "7101,Extra seats,Presentation Scheduled,0.3,1000,9001\n"
        "7102,Big win,Closed Won,0.5,2000,9001\n",
        "deals.csv",
    )
    with pytest.raises(importer.CrmImportRefused) as refused:
        await importer.import_file(db, owners, "sales", deals, options("hubspot"))
    issues = refused.value.report.reports[0].issues
    assert [(i.line, i.field) for i in issues] == [(3, "probability")]
    assert "100" in issues[0].message
    assert (await counts(db))[2] == 3  # all or nothing: "Extra seats" is not there either
    fixed = csv(
        "Record ID,Deal Name,Deal Stage,Deal probability,Amount,Associated Company IDs\n"
        "7101,Extra seats,Presentation Scheduled,0.3,1000,9001\n",
        "deals.csv",
    )
    await importer.import_file(db, owners, "sales", fixed, options("hubspot"))
    assert (await one(db, t.Sale, heading="Extra seats")).probability == 30


async def test_bad_money_and_dates_are_line_numbered_errors(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    deals = csv(
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company IDs\n"
        "7201,A,Contract Sent,-5,2026-12-01,9001\n"
        "7202,B,Contract Sent,10,31/31/2026,9001\n"
        "7203,C,Contract Sent,10,2026-12-01,4242\n",
        "deals.csv",
    )
    with pytest.raises(importer.CrmImportRefused) as refused:
        await importer.import_file(db, owners, "sales", deals, options("hubspot"))
    issues = {i.line: i for i in refused.value.report.reports[0].issues}
    assert set(issues) == {2, 3, 4}
    assert issues[2].field == "amount" and issues[3].field == "sale_date"
    assert "4242" in issues[4].message


async def test_a_lead_status_on_a_contact_of_a_customer_is_refused_with_its_line(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    people = csv(
        "Record ID,First Name,Last Name,Email,Lead Status,Associated Company IDs\n"
        "5201,Kees,Bakker,kees@bakkerijdevries.example,New,9002\n",
        "contacts.csv",
    )
    with pytest.raises(importer.CrmImportRefused) as refused:
        await importer.import_file(db, owners, "persons", people, options("hubspot"))
    issue = refused.value.report.reports[0].issues[0]
    assert (issue.line, issue.field) == (2, "lead_status")
    assert "Customer" in issue.message


# --------------------------------------------------------------------------- value mapping


UNKNOWN = (
    "Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage,Lead Status\n"
    "1,Ann,Lee,ann@a.example,A Corp,Lead,Nurturing\n"
    "2,Bob,Ray,bob@a.example,A Corp,Lead,Nurturing\n"
    "3,Cid,Moe,cid@b.example,B Corp,Prospectish,New\n"
)


async def test_a_dry_run_lists_each_unknown_value_once_with_its_rows_and_the_closest_item(db, admin):
    report = await importer.import_file(db, admin, "persons", csv(UNKNOWN), options("hubspot"), dry_run=True)
    unknown = {(u.field, u.value): u for u in report.reports[0].unknown_values}
    assert set(unknown) == {("lead_status", "Nurturing"), ("category", "Prospectish")}
    assert unknown[("lead_status", "Nurturing")].rows == 2
    assert unknown[("lead_status", "Nurturing")].first_line == 2
    assert unknown[("lead_status", "Nurturing")].suggestion == "Re-nurture"
    assert "Open" in unknown[("lead_status", "Nurturing")].choices
    assert report.errors == 3 and not report.applied
    assert await counts(db) == (0, 0, 0, 0)


async def test_map_value_maps_an_unknown_value(db, admin):
    opts = options("hubspot", "lead_status:Nurturing=Re-nurture", "category:Prospectish=Lead")
    await importer.import_file(db, admin, "persons", csv(UNKNOWN), opts)
    ann = await contacts.get_contact(db, admin, (await one(db, t.Contact, first_name="Ann")).id)
    assert ann.lead_status == "Re-nurture"


async def test_map_value_to_an_item_leadtui_does_not_have_is_refused(db, admin):
    opts = options("hubspot", "lead_status:Nurturing=Warmish")
    with pytest.raises(RuleViolation, match="Warmish"):
        await importer.import_file(db, admin, "persons", csv(UNKNOWN), opts)


async def test_create_missing_adds_the_values_to_their_lists_for_an_administrator(db, admin):
    opts = options("hubspot", create_missing=True)
    # a new category is not a lead category, so its contacts take no lead status
    report = await importer.import_file(
        db, admin, "persons", csv(UNKNOWN.replace("Prospectish,New", "Prospectish,")), opts
    )
    assert sorted(report.reports[0].created_items) == ["category: Prospectish", "lead_status: Nurturing"]
    names = [item.name for item in await lists.list_items(db, "lead-status")]
    assert "Nurturing" in names
    ann = await contacts.get_contact(db, admin, (await one(db, t.Contact, first_name="Ann")).id)
    assert ann.lead_status == "Nurturing"


async def test_create_missing_is_for_administrators_only(db, rep):
    with pytest.raises(PermissionDenied):
        await importer.import_file(db, rep, "persons", csv(UNKNOWN), options("hubspot", create_missing=True))
    assert await counts(db) == (0, 0, 0, 0)


async def test_an_unknown_owner_is_listed_and_never_created(db, admin):
    people = csv("Record ID,First Name,Last Name,Company Name,Contact owner\n1,Ann,Lee,A Corp,nobody@x.example\n")
    report = await importer.import_file(db, admin, "persons", people, options("hubspot"), dry_run=True)
    assert [(u.field, u.value) for u in report.reports[0].unknown_values] == [("owner", "nobody@x.example")]


# --------------------------------------------------------------------------- files, folders, profiles


def test_auto_picks_the_crm_and_the_kind_of_records_from_the_headers():
    for crm, entity, name in [
        ("hubspot", "sales", "hubspot-crm-exports-all-deals-2026-11-30.csv"),
        ("pipedrive", "followups", "activities.csv"),
        ("salesforce", "companies", "Account.csv"),
        ("superoffice", "persons", "Person.csv"),
    ]:
        data = imports.load_csv(EXPORTS / crm / name)
        assert profiles.detect(data.headers) == (crm, entity)
    plain = ["First name", "Last name", "Email", "Company", "Phone"]
    assert profiles.detect(plain) is None  # a plain CSV file is not taken for an export


def test_exports_in_utf8_with_bom_semicolons_and_windows_1252_are_read():
    hubspot = imports.load_csv(EXPORTS / "hubspot" / "hubspot-crm-exports-all-companies-2026-11-30.csv")
    assert hubspot.headers[0] == "Record ID" and hubspot.encoding == "utf-8"
    pipedrive = imports.load_csv(EXPORTS / "pipedrive" / "deals.csv")
    assert pipedrive.delimiter == ";"
    salesforce = imports.load_csv(EXPORTS / "salesforce" / "Contact.csv")
    assert salesforce.encoding == "cp1252" and salesforce.records[1][1][2] == "Müller"


async def test_a_zip_of_exports_imports_in_dependency_order_in_one_transaction(db, owners, tmp_path):
    archive = tmp_path / "hubspot-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted((EXPORTS / "hubspot").iterdir(), reverse=True):  # tasks first in the zip
            zipped.write(file, f"export/{file.name}")
    report = await importer.import_files(db, owners, folder.load_exports(archive), options("hubspot"))
    assert [r.entity for r in report.reports] == ["companies", "persons", "sales", "followups"]
    assert await counts(db) == EXPECTED["hubspot"]


async def test_one_bad_row_in_a_folder_leaves_the_whole_folder_unimported(db, owners, tmp_path):
    for file in (EXPORTS / "hubspot").iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    deals = tmp_path / "hubspot-crm-exports-all-deals-2026-11-30.csv"
    deals.write_text(deals.read_text(encoding="utf-8-sig").replace("48000", "lots"), encoding="utf-8")
    with pytest.raises(importer.CrmImportRefused) as refused:
        await importer.import_files(db, owners, folder.load_exports(tmp_path), options("hubspot"))
    sales_report = [r for r in refused.value.report.reports if r.entity == "sales"][0]
    assert [(i.line, i.field) for i in sales_report.issues] == [(2, "amount")]
    assert await counts(db) == (0, 0, 0, 0)


async def test_the_same_person_twice_in_the_other_crm_is_one_contact_reachable_by_both_ids(db, owners):
    await importer.import_files(db, owners, folder.load_exports(EXPORTS / "hubspot"), options("hubspot"))
    people = csv(
        "Record ID,First Name,Last Name,Email,Associated Company IDs\n"
        "5301,Eva,Holm,eva@nordlys.example,9001\n"
        "5302,Eva,Holm,EVA@nordlys.example,9001\n",
        "contacts.csv",
    )
    report = await importer.import_file(db, owners, "persons", people, options("hubspot"))
    assert (report.reports[0].new, report.reports[0].duplicates) == (1, 1)
    deals = csv(
        "Record ID,Deal Name,Deal Stage,Amount,Associated Company IDs,Associated Contact IDs\n"
        "7301,Eva's seats,Contract Sent,100,9001,5302\n",
        "deals.csv",
    )
    await importer.import_file(db, owners, "sales", deals, options("hubspot"))
    sale = await one(db, t.Sale, heading="Eva's seats")
    assert sale.contact_id == (await one(db, t.Contact, first_name="Eva")).id
