"""Rules of the Settings lists (SPEC.md 2.2, DESIGN.md decisions 1 and 5), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadtui.model import tables as t
from leadtui.model.enums import CategoryGroup
from leadtui.services import lists
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit


async def names(db, kind, *, deleted=False):
    return [item.name for item in await lists.list_items(db, kind, include_deleted=deleted)]


async def test_new_database_has_the_five_lead_statuses_with_open_as_default(db):
    items = await lists.list_items(db, "lead-status")
    assert [i.name for i in items] == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]
    assert [i.name for i in items if i.is_default] == ["Open"]
    assert items[0].description == "No outreach has been made by the sales team yet."


async def test_new_database_has_lead_categories_in_potential_customer_with_lead_status(db):
    items = {i.name: i for i in await lists.list_items(db, "category")}
    for name in ("Lead", "Marketing qualified lead (MQL)", "Opportunity", "Lost opportunity"):
        assert items[name].category_group == CategoryGroup.POTENTIAL_CUSTOMER
        assert items[name].enable_lead_status
    assert items["Customer"].category_group == CategoryGroup.CUSTOMER and not items["Customer"].enable_lead_status
    assert items["Supplier"].category_group == CategoryGroup.OTHER


async def test_sale_stages_carry_probabilities(db):
    stages = await lists.list_items(db, "sale-stage")
    assert [(s.name, s.probability) for s in stages] == [
        ("Lead", 10),
        ("Contact", 20),
        ("Offer", 50),
        ("Negotiation", 75),
        ("Verbal yes", 90),
    ]


async def test_add_item_with_description_appends_it_at_the_end(db, admin):
    item = await lists.add_item(db, admin, "lead-status", {"name": "  Nurturing  ", "description": "Warm up"})
    assert item.name == "Nurturing" and item.description == "Warm up"
    assert (await names(db, "lead-status"))[-1] == "Nurturing"


async def test_empty_name_is_refused_naming_the_field(db, admin):
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "reason-lost", {"name": "   "})
    assert error.value.field == "name" and "Name" in str(error.value)
    assert "" not in await names(db, "reason-lost", deleted=True)


@pytest.mark.parametrize("field,value", [("name", "x" * 81), ("description", "y" * 501)])
async def test_too_long_text_is_refused_and_nothing_saved(db, admin, field, value):
    data = {"name": "Valid", field: value}
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "sale-type", data)
    assert error.value.field == field and "at most" in str(error.value)
    assert "Valid" not in await names(db, "sale-type", deleted=True)


async def test_names_are_unique_per_list_ignoring_case(db, admin):
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "lead-status", {"name": "OPEN"})
    assert error.value.field == "name"
    # the same name in another list is fine
    await lists.add_item(db, admin, "reason-lost", {"name": "Open"})


async def test_uniqueness_ignores_case_of_non_ascii_letters(db_url, tmp_path):
    from leadtui.services import database

    handle = await database.init_database(db_url, lang="da", login="admin", force=True)
    try:
        admin = await database.resolve_actor(handle, "admin")
        with pytest.raises(RuleViolation):
            await lists.add_item(handle, admin, "lead-status", {"name": "ÅBEN"})
        assert (await lists.get_item(handle, "lead-status", "åben")).name == "Åben"
    finally:
        await handle.dispose()


async def test_a_deleted_items_name_cannot_be_reused(db, admin):
    await lists.delete_item(db, admin, "lead-status", "Contacting")
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "lead-status", {"name": "contacting"})
    assert "restore" in str(error.value)


async def test_delete_hides_the_item_and_show_deleted_brings_it_back_into_view(db, admin):
    await lists.delete_item(db, admin, "lead-status", "Re-nurture")
    assert "Re-nurture" not in await names(db, "lead-status")
    shown = await lists.list_items(db, "lead-status", include_deleted=True)
    assert [i.deleted for i in shown if i.name == "Re-nurture"] == [True]


async def test_restore_brings_a_deleted_item_back(db, admin):
    await lists.delete_item(db, admin, "reason-sold", "Price")
    await lists.restore_item(db, admin, "reason-sold", "Price")
    assert "Price" in await names(db, "reason-sold")


async def test_restoring_an_item_that_is_not_deleted_is_refused(db, admin):
    with pytest.raises(RuleViolation):
        await lists.restore_item(db, admin, "reason-sold", "Price")


async def test_deleting_keeps_the_row_so_records_still_show_the_name(db, admin):
    await lists.delete_item(db, admin, "lead-status", "Qualified")
    async with db.read() as session:
        row = await session.scalar(select(t.LeadStatus).where(t.LeadStatus.name == "Qualified"))
    assert row is not None and row.deleted


async def test_the_default_lead_status_cannot_be_deleted(db, admin):
    with pytest.raises(RuleViolation) as error:
        await lists.delete_item(db, admin, "lead-status", "Open")
    assert "default" in str(error.value)
    assert "Open" in await names(db, "lead-status")


async def test_after_another_status_becomes_default_open_can_be_deleted(db, admin):
    await lists.edit_item(db, admin, "lead-status", "Contacting", {"is_default": True})
    items = await lists.list_items(db, "lead-status")
    assert [i.name for i in items if i.is_default] == ["Contacting"]
    await lists.delete_item(db, admin, "lead-status", "Open")
    assert "Open" not in await names(db, "lead-status")


async def test_the_default_can_be_renamed(db, admin):
    await lists.edit_item(db, admin, "lead-status", "Open", {"name": "New"})
    assert (await lists.list_items(db, "lead-status"))[0].name == "New"


async def test_rename_to_an_existing_name_is_refused(db, admin):
    with pytest.raises(RuleViolation):
        await lists.edit_item(db, admin, "lead-status", "Open", {"name": "qualified"})
    assert (await names(db, "lead-status"))[0] == "Open"


@pytest.mark.parametrize("action", ["add", "edit", "delete", "restore", "move"])
async def test_only_administrators_may_change_lists(db, rep, action):
    calls = {
        "add": lambda: lists.add_item(db, rep, "lead-status", {"name": "Hot"}),
        "edit": lambda: lists.edit_item(db, rep, "lead-status", "Open", {"description": "x"}),
        "delete": lambda: lists.delete_item(db, rep, "lead-status", "Contacting"),
        "restore": lambda: lists.restore_item(db, rep, "lead-status", "Contacting"),
        "move": lambda: lists.move_item(db, rep, "lead-status", "Contacting", 1),
    }
    with pytest.raises(PermissionDenied) as error:
        await calls[action]()
    assert "List administrator" in str(error.value)
    assert await names(db, "lead-status") == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]


async def test_lead_status_can_be_enabled_only_in_potential_customer(db, admin):
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "category", {"name": "VIP", "category_group": 1, "enable_lead_status": True})
    assert error.value.field == "enable_lead_status"
    with pytest.raises(RuleViolation):
        await lists.edit_item(db, admin, "category", "Customer", {"enable_lead_status": True})
    item = await lists.add_item(
        db, admin, "category", {"name": "Prospect", "category_group": 2, "enable_lead_status": True}
    )
    assert item.enable_lead_status


async def test_moving_a_category_out_of_potential_customer_switches_lead_status_off(db, admin):
    item = await lists.edit_item(db, admin, "category", "Lead", {"category_group": int(CategoryGroup.CUSTOMER)})
    assert item.category_group == CategoryGroup.CUSTOMER and not item.enable_lead_status


async def test_enabling_lead_status_gives_contacts_without_one_the_default(db, admin):
    async with db.write() as session:
        category = await session.scalar(select(t.Category).where(t.Category.name == "Customer"))
        company = t.Company(name="Acme", category_id=category.id)
        session.add(company)
        await session.flush()
        session.add(t.Contact(company_id=company.id, first_name="Ann", last_name="Lee"))
    await lists.edit_item(db, admin, "category", "Customer", {"category_group": 2, "enable_lead_status": True})
    async with db.read() as session:
        contact = await session.scalar(select(t.Contact))
        status = await session.get(t.LeadStatus, contact.lead_status_id)
        history = (await session.scalars(select(t.History))).all()
    assert status.name == "Open"
    assert [(h.field, h.to_text) for h in history] == [("lead_status", "Open")]


async def test_probability_must_be_between_0_and_100(db, admin):
    for bad in (-1, 101, "ten"):
        with pytest.raises(RuleViolation) as error:
            await lists.add_item(db, admin, "sale-stage", {"name": "Bad", "probability": bad})
        assert error.value.field == "probability"
    item = await lists.add_item(db, admin, "sale-stage", {"name": "Signed", "probability": 95})
    assert item.probability == 95


async def test_unknown_list_kind_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await lists.add_item(db, admin, "colours", {"name": "Red"})
    assert "Unknown list kind" in str(error.value)


async def test_unknown_item_is_not_found(db, admin):
    with pytest.raises(NotFound):
        await lists.delete_item(db, admin, "lead-status", "Nope")


async def test_items_can_be_reordered(db, admin):
    await lists.move_item(db, admin, "lead-status", "Qualified", -1)
    assert await names(db, "lead-status") == ["Open", "Contacting", "Disqualified", "Qualified", "Re-nurture"]


async def test_saving_over_a_newer_save_is_refused(db, admin):
    item = await lists.get_item(db, "lead-status", "Contacting")
    await lists.edit_item(db, admin, "lead-status", item.id, {"description": "first"}, expected_version=item.version)
    with pytest.raises(StaleEdit):
        await lists.edit_item(
            db, admin, "lead-status", item.id, {"description": "second"}, expected_version=item.version
        )
    assert (await lists.get_item(db, "lead-status", item.id)).description == "first"


async def test_deleting_a_sale_stage_removes_it_from_sale_types(db, admin):
    async with db.read() as session:
        before = len((await session.scalars(select(t.SaleTypeStage))).all())
    await lists.delete_item(db, admin, "sale-stage", "Offer")
    await lists.restore_item(db, admin, "sale-stage", "Offer")
    async with db.read() as session:
        stage = await session.scalar(select(t.SaleStage).where(t.SaleStage.name == "Offer"))
        links = (await session.scalars(select(t.SaleTypeStage))).all()
    assert stage.id not in {link.stage_id for link in links}
    assert len(links) == before - 3  # one link per default sale type, not re-created on restore


async def test_usage_count_tells_how_many_records_use_an_item(db, admin):
    item = await lists.get_item(db, "lead-status", "Open")
    assert await lists.usage_count(db, "lead-status", item.id) == 0
