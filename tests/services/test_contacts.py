"""Contacts (SPEC.md 1.2, 2.7, 4.1, 4.3): names, email, inherited category and owner, move, delete, lists with
search, sort, filter and group, rights, version conflicts, remembered table views. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import contacts, preferences
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from tests.services.people import company, person, reload


async def contact_count(db) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(t.Contact))


async def test_a_contact_needs_a_first_or_a_last_name(db, admin):
    acme = await company(db, admin)
    with pytest.raises(RuleViolation) as error:
        await person(db, admin, acme.id, first=" ", last="")
    assert error.value.field == "first_name" and "at least one" in str(error.value)
    assert await contact_count(db) == 0


async def test_a_first_name_alone_is_enough(db, admin):
    acme = await company(db, admin)
    assert (await person(db, admin, acme.id, first="Cher", last="")).name == "Cher"


async def test_an_invalid_email_is_refused_at_the_field_and_nothing_saved(db, admin):
    acme = await company(db, admin)
    with pytest.raises(RuleViolation) as error:
        await person(db, admin, acme.id, email="ann@")
    assert error.value.field == "email" and "Email" in str(error.value)
    assert await contact_count(db) == 0


async def test_email_is_stored_stripped_and_normalised(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id, email="  Ann.Berg@Acme.Example ")
    assert ann.email == "Ann.Berg@Acme.Example"
    async with db.read() as session:
        assert await session.scalar(select(t.Contact.email_normalized)) == "ann.berg@acme.example"


async def test_a_contact_takes_category_and_our_contact_from_its_company(db, admin, rep):
    acme = await company(db, admin, category="Customer", owner="rita")
    ann = await person(db, admin, acme.id)
    assert (ann.category, ann.category_group, ann.owner) == ("Customer", "Customer", "rita")
    assert not ann.category_editable


async def test_the_category_cannot_be_changed_on_a_linked_contact(db, admin):
    acme = await company(db, admin, category="Customer")
    ann = await person(db, admin, acme.id)
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"category": "Partner"})
    assert error.value.field == "category" and "change it on the company card" in str(error.value)
    assert (await reload(db, admin, ann)).category == "Customer"


async def test_our_contact_cannot_be_changed_on_a_linked_contact(db, admin, rep):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    with pytest.raises(RuleViolation) as error:
        await contacts.update_contact(db, admin, ann.id, {"owner": "rita"})
    assert error.value.field == "owner"


async def test_a_new_contact_cannot_bring_its_own_category_to_a_company(db, admin):
    acme = await company(db, admin)
    with pytest.raises(RuleViolation) as error:
        await person(db, admin, acme.id, category="Partner")
    assert error.value.field == "category"


async def test_a_contact_without_a_company_has_its_own_category_and_owner(db, admin):
    solo = await person(db, admin, None, category="Partner")
    assert (solo.company_id, solo.category, solo.owner, solo.category_editable) == (None, "Partner", "admin", True)
    changed = await contacts.update_contact(db, admin, solo.id, {"category": "Customer", "owner": None})
    assert changed.category == "Customer" and changed.owner is None


async def test_an_unknown_company_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await person(db, admin, 4711)
    assert error.value.field == "company"


async def test_a_contact_cannot_be_added_to_a_deleted_company(db, admin):
    from leadtui.services import companies

    acme = await company(db, admin)
    await companies.delete_company(db, admin, acme.id)
    with pytest.raises(RuleViolation):
        await person(db, admin, acme.id)


async def test_edit_changes_names_and_email(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    edited = await contacts.update_contact(
        db,
        admin,
        ann.id,
        {"first_name": "Anna", "email": "anna@acme.example", "email_opt_in": True},
        expected_version=ann.version,
    )
    assert (edited.name, edited.email, edited.email_opt_in) == ("Anna Berg", "anna@acme.example", True)


async def test_removing_both_names_is_refused(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id, last="")
    with pytest.raises(RuleViolation):
        await contacts.update_contact(db, admin, ann.id, {"first_name": ""})


async def test_saving_over_a_newer_save_of_a_contact_is_refused(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    await contacts.update_contact(db, admin, ann.id, {"title": "CEO"}, expected_version=ann.version)
    with pytest.raises(StaleEdit) as error:
        await contacts.update_contact(db, admin, ann.id, {"title": "CTO"}, expected_version=ann.version)
    assert error.value.current.title == "CEO" and error.value.changed == {"title": ("CTO", "CEO")}
    assert (await reload(db, admin, ann)).title == "CEO"


async def test_move_to_another_company(db, admin):
    acme, globex = await company(db, admin), await company(db, admin, name="Globex", category="Customer")
    ann = await person(db, admin, acme.id)
    moved = await contacts.move_contact(db, admin, ann.id, globex.id, expected_version=ann.version)
    assert (moved.company_name, moved.category) == ("Globex", "Customer")


async def test_disconnecting_keeps_the_category_and_our_contact_as_the_contacts_own(db, admin, rep):
    acme = await company(db, admin, category="Customer", owner="rita")
    ann = await person(db, admin, acme.id)
    alone = await contacts.move_contact(db, admin, ann.id, None)
    assert (alone.company_id, alone.category, alone.owner) == (None, "Customer", "rita")


async def test_moving_needs_the_right_to_manage_entities(db, admin):
    acme, globex = await company(db, admin), await company(db, admin, name="Globex")
    ann = await person(db, admin, acme.id)
    restricted = dataclasses.replace(admin, can_manage_entities=False)
    with pytest.raises(PermissionDenied) as error:
        await contacts.move_contact(db, restricted, ann.id, globex.id)
    assert "Can manage" in str(error.value)


async def test_a_sales_rep_may_not_move_a_contact_into_someone_elses_company(db, admin, rep):
    mine, theirs = await company(db, rep, name="Rita's"), await company(db, admin, name="Admin's")
    ann = await person(db, rep, mine.id)
    with pytest.raises(PermissionDenied):
        await contacts.move_contact(db, rep, ann.id, theirs.id)


async def test_delete_is_soft_and_hides_the_contact(db, admin):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    await contacts.delete_contact(db, admin, ann.id)
    assert (await contacts.list_contacts(db, admin, company_id=acme.id)).total == 0
    with pytest.raises(NotFound):
        await reload(db, admin, ann)
    assert await contact_count(db) == 1


async def test_a_sales_rep_may_not_change_contacts_of_someone_elses_company(db, admin, rep):
    acme = await company(db, admin)
    ann = await person(db, admin, acme.id)
    with pytest.raises(PermissionDenied):
        await contacts.update_contact(db, rep, ann.id, {"title": "Boss"})
    with pytest.raises(PermissionDenied):
        await contacts.delete_contact(db, rep, ann.id)
    with pytest.raises(PermissionDenied):
        await person(db, rep, acme.id, first="Bo")
    assert not (await reload(db, rep, ann)).may_edit


async def names(page) -> list[str]:
    return [row.name for row in page.items]


async def test_search_matches_first_name_last_name_or_email_ignoring_case(db, admin):
    acme = await company(db, admin)
    await person(db, admin, acme.id, first="Ann", last="Berg", email="ann@acme.example")
    await person(db, admin, acme.id, first="Bo", last="Annersen", email="bo@globex.example")
    await person(db, admin, acme.id, first="Cy", last="Dahl", email="cy@acme.example")
    assert await names(await contacts.list_contacts(db, admin, search="ANN")) == ["Bo Annersen", "Ann Berg"]
    assert await names(await contacts.list_contacts(db, admin, search="ann b")) == ["Ann Berg"]
    assert await names(await contacts.list_contacts(db, admin, search="cy@")) == ["Cy Dahl"]


async def test_list_pages_with_the_total_counted_in_the_database(db, admin):
    acme = await company(db, admin)
    for index in range(12):
        await person(db, admin, acme.id, first=f"P{index:02}", last="Same")
    page = await contacts.list_contacts(db, admin, company_id=acme.id, offset=10, limit=5)
    assert page.total == 12 and await names(page) == ["P10 Same", "P11 Same"]


async def test_the_list_says_which_contacts_the_user_may_delete_by_the_delete_rule(db, admin, rep):
    theirs = await person(db, admin, (await company(db, admin, name="Admin's")).id, first="Ann")
    await person(db, rep, (await company(db, rep, name="Rita's")).id, first="Rob")
    rows = {row.first_name: row.may_delete for row in (await contacts.list_contacts(db, rep)).items}
    assert rows == {"Ann": False, "Rob": True}
    with pytest.raises(PermissionDenied):  # the rule the list tells
        await contacts.delete_contact(db, rep, theirs.id)
    assert all(row.may_delete for row in (await contacts.list_contacts(db, admin)).items)


async def test_list_shows_only_the_companys_contacts(db, admin):
    acme, globex = await company(db, admin), await company(db, admin, name="Globex")
    await person(db, admin, acme.id)
    await person(db, admin, globex.id, first="Gus")
    assert await names(await contacts.list_contacts(db, admin, company_id=globex.id)) == ["Gus Berg"]


async def test_sort_by_any_column_both_ways(db, admin, rep):
    acme = await company(db, admin)
    await person(db, admin, acme.id, first="Ann", last="Berg", email="z@acme.example")
    await person(db, admin, acme.id, first="Bo", last="Ahl", email="a@acme.example")
    for key in contacts.COLUMNS:
        if key not in contacts.SHOW_ONLY:  # Next activity: shown, computed per page, not a sort key
            await contacts.list_contacts(db, admin, sort=key, descending=True)
    assert await names(await contacts.list_contacts(db, admin, sort="email")) == ["Bo Ahl", "Ann Berg"]
    assert await names(await contacts.list_contacts(db, admin, sort="email", descending=True)) == ["Ann Berg", "Bo Ahl"]


async def test_filter_by_list_and_text_columns(db, admin):
    acme, globex = await company(db, admin), await company(db, admin, name="Globex", category="Customer")
    ann = await person(db, admin, acme.id)
    await person(db, admin, globex.id, first="Gus")
    customer = (await reload(db, admin, await person(db, admin, globex.id, first="Hal"))).category_id
    assert await names(await contacts.list_contacts(db, admin, filters={"category": customer})) == [
        "Gus Berg",
        "Hal Berg",
    ]
    assert await names(await contacts.list_contacts(db, admin, filters={"lead_status": ann.lead_status_id})) == [
        "Ann Berg"
    ]
    assert await names(await contacts.list_contacts(db, admin, filters={"lead_status": contacts.EMPTY})) == [
        "Gus Berg",
        "Hal Berg",
    ]
    assert await names(await contacts.list_contacts(db, admin, filters={"company": "glo", "name": "h"})) == ["Hal Berg"]
    assert await names(await contacts.list_contacts(db, admin, filters={"category_group": 2})) == ["Ann Berg"]


async def test_group_by_a_column_orders_rows_by_group_and_counts_each_group(db, admin):
    acme, globex = await company(db, admin), await company(db, admin, name="Globex", category="Customer")
    await person(db, admin, globex.id, first="Gus")
    await person(db, admin, acme.id, first="Ann")
    await person(db, admin, globex.id, first="Hal")
    page = await contacts.list_contacts(db, admin, group="category")
    assert [(g.label, g.count) for g in page.groups] == [("Customer", 2), ("Lead", 1)]
    assert [(row.category, row.name) for row in page.items] == [
        ("Customer", "Gus Berg"),
        ("Customer", "Hal Berg"),
        ("Lead", "Ann Berg"),
    ]
    for key in contacts.COLUMNS:
        if key not in contacts.SHOW_ONLY:
            assert (await contacts.list_contacts(db, admin, group=key)).groups


async def test_an_unknown_column_is_refused(db, admin):
    with pytest.raises(RuleViolation):
        await contacts.list_contacts(db, admin, sort="shoe_size")


async def test_the_table_view_is_remembered_per_user(db, admin, rep):
    view = preferences.ContactsView(
        columns=["email", "name", "lead_status"],
        sort="email",
        descending=True,
        group="lead_status",
        filters={"category_group": 2},
    )
    await preferences.save_contacts_view(db, admin, "company", view)
    assert await preferences.load_contacts_view(db, admin, "company") == view
    assert await preferences.load_contacts_view(db, rep, "company") == preferences.ContactsView()


async def test_a_remembered_view_drops_columns_this_version_does_not_know(db, admin):
    await preferences.set_preference(
        db, admin, "contacts-view:company", {"columns": ["name", "horoscope"], "sort": "horoscope"}
    )
    view = await preferences.load_contacts_view(db, admin, "company")
    assert view.columns == ["name"] and view.sort == "name"
