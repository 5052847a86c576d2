"""Companies (SPEC.md 1.1, 2.7, 4.2): mandatory fields, owner, domain, paging and search, soft delete, rights,
version conflicts. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import companies, contacts, lists
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from tests.services.people import company, person


async def company_count(db) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(t.Company))


async def test_a_company_needs_a_name(db, admin):
    with pytest.raises(RuleViolation) as error:
        await companies.create_company(db, admin, {"name": "  ", "category": "Lead"})
    assert error.value.field == "name" and "Name" in str(error.value)
    assert await company_count(db) == 0


async def test_a_company_needs_a_category(db, admin):
    with pytest.raises(RuleViolation) as error:
        await companies.create_company(db, admin, {"name": "Acme"})
    assert error.value.field == "category" and "Category: is required" in str(error.value)
    assert await company_count(db) == 0


async def test_an_unknown_category_is_refused_naming_the_field(db, admin):
    with pytest.raises(RuleViolation) as error:
        await company(db, admin, category="Prospectish")
    assert error.value.field == "category" and "'Prospectish' is not in the list Company - Category" in str(error.value)


async def test_category_is_found_by_name_ignoring_case(db, admin):
    acme = await company(db, admin, category="marketing QUALIFIED lead (mql)")
    assert acme.category == "Marketing qualified lead (MQL)" and acme.category_group == "Potential customer"


async def test_a_deleted_category_cannot_be_chosen(db, admin):
    await lists.delete_item(db, admin, "category", "Partner")
    with pytest.raises(RuleViolation) as error:
        await company(db, admin, category="Partner")
    assert error.value.field == "category" and "deleted" in str(error.value)


async def test_a_deleted_category_still_shows_its_name_on_the_company(db, admin):
    acme = await company(db, admin, category="Partner")
    await lists.delete_item(db, admin, "category", "Partner")
    shown = await companies.get_company(db, admin, acme.id)
    assert shown.category == "Partner" and shown.category_deleted
    renamed = await companies.update_company(db, admin, acme.id, {"name": "Acme 2", "category": shown.category_id})
    assert renamed.category == "Partner"


async def test_our_contact_defaults_to_the_current_user(db, admin):
    assert (await company(db, admin)).owner == "admin"


async def test_our_contact_may_be_left_empty(db, admin):
    acme = await company(db, admin, owner=None)
    assert acme.owner is None and acme.owner_name == ""


async def test_our_contact_is_chosen_by_login(db, admin, rep):
    assert (await company(db, admin, owner="RITA")).owner == "rita"


async def test_an_unknown_our_contact_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await company(db, admin, owner="nobody")
    assert error.value.field == "owner" and "Our contact" in str(error.value)


async def test_domain_is_derived_from_the_website(db, admin):
    acme = await company(db, admin, website="https://www.Acme.example/about", email="info@other.example")
    assert acme.domain == "acme.example"


async def test_domain_is_derived_from_the_email_without_a_website(db, admin):
    assert (await company(db, admin, email="Info@Acme.Example")).domain == "acme.example"


async def test_a_given_domain_is_kept(db, admin):
    assert (await company(db, admin, website="acme.example", domain="acme.com")).domain == "acme.com"


async def test_an_invalid_email_is_refused_and_nothing_saved(db, admin):
    with pytest.raises(RuleViolation) as error:
        await company(db, admin, email="info at acme")
    assert error.value.field == "email" and "not a valid email address" in str(error.value)
    assert await company_count(db) == 0


async def test_list_pages_in_name_order_with_the_total_from_the_database(db, admin):
    for name in ["Delta", "alpha", "Charlie", "Bravo", "Echo", "Foxtrot", "Golf"]:
        await company(db, admin, name=name)
    page = await companies.list_companies(db, admin, offset=2, limit=3)
    assert [row.name for row in page.items] == ["Charlie", "Delta", "Echo"]
    assert page.total == 7


async def test_search_matches_the_start_of_the_name_ignoring_case(db, admin):
    for name in ["Ålesund Fisk", "Acme", "ACME Nordic", "Nordic Acme"]:
        await company(db, admin, name=name)
    assert [row.name for row in (await companies.list_companies(db, admin, search="acme")).items] == [
        "Acme",
        "ACME Nordic",
    ]
    assert [row.name for row in (await companies.list_companies(db, admin, search="åLE")).items] == ["Ålesund Fisk"]
    assert (await companies.list_companies(db, admin, search="acme")).total == 2


async def test_search_matches_the_domain(db, admin):
    await company(db, admin, name="Big Corp", website="bigcorp.example")
    assert [row.name for row in (await companies.list_companies(db, admin, search="bigc")).items] == ["Big Corp"]


async def test_the_list_says_which_companies_the_user_may_delete_by_the_delete_rule(db, admin, rep):
    theirs = await company(db, admin, name="Admin's")
    await company(db, rep, name="Rita's")
    rows = {row.name: row.may_delete for row in (await companies.list_companies(db, rep)).items}
    assert rows == {"Admin's": False, "Rita's": True}
    with pytest.raises(PermissionDenied):  # the rule the list tells
        await companies.delete_company(db, rep, theirs.id)
    assert all(row.may_delete for row in (await companies.list_companies(db, admin)).items)


async def test_list_counts_live_contacts(db, admin):
    acme = await company(db, admin)
    await person(db, admin, acme.id)
    gone = await person(db, admin, acme.id, first="Bo")
    await contacts.delete_contact(db, admin, gone.id)
    assert (await companies.list_companies(db, admin)).items[0].contact_count == 1


async def test_edit_changes_only_the_given_fields(db, admin):
    acme = await company(db, admin, phone="123", city="Oslo")
    edited = await companies.update_company(db, admin, acme.id, {"phone": "456"}, expected_version=acme.version)
    assert edited.phone == "456" and edited.city == "Oslo" and edited.version == acme.version + 1


async def test_an_empty_name_is_refused_on_edit(db, admin):
    acme = await company(db, admin)
    with pytest.raises(RuleViolation) as error:
        await companies.update_company(db, admin, acme.id, {"name": ""})
    assert error.value.field == "name"
    assert (await companies.get_company(db, admin, acme.id)).name == "Acme"


async def test_saving_over_a_newer_save_is_refused_with_the_current_values(db, admin):
    acme = await company(db, admin)
    await companies.update_company(db, admin, acme.id, {"name": "Acme by someone"}, expected_version=acme.version)
    with pytest.raises(StaleEdit) as error:
        await companies.update_company(db, admin, acme.id, {"name": "Acme by me"}, expected_version=acme.version)
    assert error.value.current.name == "Acme by someone"
    assert error.value.changed == {"name": ("Acme by me", "Acme by someone")}
    assert (await companies.get_company(db, admin, acme.id)).name == "Acme by someone"


async def test_delete_hides_the_company_and_its_contacts(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    await companies.delete_company(db, admin, acme.id)
    assert (await companies.list_companies(db, admin)).total == 0
    assert (await contacts.list_contacts(db, admin)).total == 0
    with pytest.raises(NotFound):
        await companies.get_company(db, admin, acme.id)
    with pytest.raises(NotFound):
        await contacts.get_contact(db, admin, ann.id)
    assert await company_count(db) == 1  # soft: in the recycle bin


async def test_a_company_with_sales_can_be_deleted_and_its_sales_stay(db, admin):
    acme = await company(db, admin)
    async with db.write(admin) as session:
        sale_type = await session.scalar(select(t.SaleType.id).limit(1))
        session.add(
            t.Sale(
                heading="Deal",
                sale_type_id=sale_type,
                company_id=acme.id,
                owner_id=admin.id,
                sale_date=date(2027, 1, 1),
            )
        )
    assert await companies.sales_count(db, acme.id) == 1
    await companies.delete_company(db, admin, acme.id)
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(t.Sale)) == 1


async def test_restore_brings_the_company_back_with_its_contacts(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    await companies.delete_company(db, admin, acme.id)
    await companies.restore_company(db, admin, acme.id)
    assert (await contacts.get_contact(db, admin, ann.id)).company_name == "Acme"


async def test_a_sales_rep_may_not_edit_someone_elses_company(db, admin, rep):
    acme = await company(db, admin)
    with pytest.raises(PermissionDenied):
        await companies.update_company(db, rep, acme.id, {"name": "Mine now"})
    assert not (await companies.get_company(db, rep, acme.id)).may_edit


async def test_a_sales_rep_may_not_delete_someone_elses_company(db, admin, rep):
    acme = await company(db, admin)
    with pytest.raises(PermissionDenied):
        await companies.delete_company(db, rep, acme.id)


async def test_a_sales_rep_edits_their_own_and_unowned_companies(db, admin, rep):
    own = await company(db, rep, name="Rita's")
    unowned = await company(db, admin, name="Nobody's", owner=None)
    assert (await companies.update_company(db, rep, own.id, {"city": "Bergen"})).city == "Bergen"
    assert (await companies.update_company(db, rep, unowned.id, {"city": "Bergen"})).city == "Bergen"


async def test_everyone_may_read_every_company(db, admin, rep):
    acme = await company(db, admin)
    assert (await companies.get_company(db, rep, acme.id)).name == "Acme"


async def test_a_category_change_is_written_to_the_company_history(db, admin):
    acme = await company(db, admin)
    await companies.update_company(db, admin, acme.id, {"category": "Customer"})
    async with db.read() as session:
        rows = (
            await session.scalars(select(t.History).where(t.History.entity == "company").order_by(t.History.id))
        ).all()
    assert [(h.from_text, h.to_text, h.by_id) for h in rows] == [("", "Lead", admin.id), ("Lead", "Customer", admin.id)]


async def test_a_missing_company_is_not_found(db, admin):
    with pytest.raises(NotFound):
        await companies.get_company(db, admin, 999)


async def test_undoing_a_company_delete_brings_back_its_contacts(db, admin):
    from leadtui.services import undo

    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    await companies.delete_company(db, admin, acme.id)
    await undo.undo_last(db, admin)
    assert (await contacts.get_contact(db, admin, ann.id)).company_name == "Acme"
