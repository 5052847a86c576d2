"""Selections (SPEC.md 1.12, 2.6 Q1-Q4, 4.5): dynamic ones follow the data, static ones keep their members;
dynamic can become static, never the reverse; names; rights; members; CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from leadtui.services import contacts, find, selections
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from tests.services.find_data import build, person


def w(text: str) -> dict:
    return find.parse_where(text).model_dump()


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


async def member_names(db, actor, selection_id: int) -> list[str]:
    page = await selections.members(db, actor, selection_id, columns=["name"], limit=100)
    return sorted(r["name"] for r in page.rows)


async def test_a_dynamic_selection_runs_its_criteria_again_on_every_view(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Open leads", "target": "persons", "criteria": [w("lead_status:one_of:Open")]}
    )
    assert sel.kind == "dynamic" and sel.target == "contact"
    assert await member_names(db, admin, sel.id) == ["Ann Berg"]
    await person(db, admin, world.acme, "New", "Lead")  # gets Open (L5)
    assert await member_names(db, admin, sel.id) == ["Ann Berg", "New Lead"]
    assert await selections.member_count(db, admin, sel.id) == 2


async def test_a_static_selection_keeps_its_members(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Frozen", "target": "persons", "kind": "static", "criteria": [w("lead_status:one_of:Open")]}
    )
    await person(db, admin, world.acme, "New", "Lead")
    assert await member_names(db, admin, sel.id) == ["Ann Berg"]


async def test_a_static_selection_from_ids_and_unknown_ids_refused(db, admin, world):
    sel = await selections.create_selection(
        db,
        admin,
        {
            "name": "Hand picked",
            "target": "persons",
            "kind": "static",
            "ids": [world.people["dan"], world.people["eve"]],
        },
    )
    assert await member_names(db, admin, sel.id) == ["Dan Moe", "Eve Solo"]
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(
            db, admin, {"name": "Bad", "target": "persons", "kind": "static", "ids": [world.people["dan"], 9999]}
        )
    assert error.value.field == "ids" and "9999" in str(error.value)
    assert [s.name for s in await selections.list_selections(db, admin)] == ["Hand picked"]


async def test_members_are_added_once_and_removed_by_hand(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Static", "target": "persons", "kind": "static", "ids": [world.people["ann"]]}
    )
    change = await selections.add_members(db, admin, sel.id, [world.people["ann"], world.people["bob"], 4242])
    assert (change.changed, change.unchanged, change.missing, change.member_count) == (1, 1, [4242], 2)
    change = await selections.remove_members(db, admin, sel.id, [world.people["ann"]])
    assert (change.changed, change.member_count) == (1, 1)
    assert await member_names(db, admin, sel.id) == ["Bob Øster"]


async def test_add_all_members_matching(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Static", "target": "persons", "kind": "static", "ids": [world.people["ann"]]}
    )
    change = await selections.add_matching(db, admin, sel.id, [w("category_group:one_of:potential-customer")])
    assert (change.changed, change.member_count) == (2, 3)


async def test_members_cannot_be_changed_by_hand_on_a_dynamic_selection(db, admin, world):
    sel = await selections.create_selection(db, admin, {"name": "Dyn", "target": "persons", "criteria": []})
    with pytest.raises(RuleViolation) as error:
        await selections.add_members(db, admin, sel.id, [world.people["ann"]])
    assert "dynamic" in str(error.value)


async def test_dynamic_can_be_made_static_with_its_current_members(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Leads", "target": "persons", "criteria": [w("lead_enabled:eq:yes")]}
    )
    frozen = await selections.make_static(db, admin, sel.id)
    assert frozen.kind == "static"
    await person(db, admin, world.acme, "Late", "Comer")
    assert await member_names(db, admin, sel.id) == ["Ann Berg", "Bob Øster", "Cid Lund"]


async def test_static_can_never_become_dynamic(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Static", "target": "persons", "kind": "static", "ids": [world.people["ann"]]}
    )
    with pytest.raises(RuleViolation) as error:
        await selections.make_dynamic(db, admin, sel.id)
    assert error.value.field == "kind" and "cannot be made dynamic" in str(error.value)
    with pytest.raises(RuleViolation):
        await selections.make_static(db, admin, sel.id)  # already static
    with pytest.raises(RuleViolation):
        await selections.update_selection(db, admin, sel.id, {"criteria": [w("lead_status:empty")]})


async def test_a_dynamic_selection_refuses_member_ids(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(db, admin, {"name": "X", "target": "persons", "kind": "dynamic", "ids": [1]})
    assert error.value.field == "ids"


async def test_criteria_are_checked_and_kept_as_ids(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(
            db, admin, {"name": "X", "target": "persons", "criteria": [w("lead_status:one_of:Hot")]}
        )
    assert error.value.field == "lead_status"
    sel = await selections.create_selection(
        db, admin, {"name": "Y", "target": "persons", "criteria": [w("lead_status:one_of:open")]}
    )
    assert sel.criteria[0].values[0].isdigit()


async def test_name_is_required_and_unique_per_owner_ignoring_case(db, admin, rep, world):
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(db, admin, {"name": "  ", "target": "persons"})
    assert error.value.field == "name"
    await selections.create_selection(db, admin, {"name": "Hot leads", "target": "persons"})
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(db, admin, {"name": "HOT LEADS", "target": "companies"})
    assert error.value.field == "name"
    assert (await selections.create_selection(db, rep, {"name": "Hot leads", "target": "persons"})).owner == "rita"


async def test_an_unknown_target_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await selections.create_selection(db, admin, {"name": "X", "target": "projects"})
    assert error.value.field == "target"


async def test_rename_and_stale_rename(db, admin, world):
    sel = await selections.create_selection(db, admin, {"name": "Old", "target": "persons"})
    renamed = await selections.rename_selection(db, admin, sel.id, "New", expected_version=sel.version)
    assert renamed.name == "New"
    with pytest.raises(StaleEdit):
        await selections.rename_selection(db, admin, sel.id, "Newer", expected_version=sel.version)


async def test_delete_removes_the_selection_not_the_records(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "S", "target": "persons", "kind": "static", "ids": [world.people["ann"]]}
    )
    await selections.delete_selection(db, admin, sel.id)
    with pytest.raises(NotFound):
        await selections.get_selection(db, admin, sel.id)
    assert (await contacts.get_contact(db, admin, world.people["ann"])).name == "Ann Berg"


async def test_only_the_owner_or_an_administrator_changes_a_selection(db, admin, rep, world):
    sel = await selections.create_selection(db, admin, {"name": "Admin's", "target": "persons"})
    assert not (await selections.get_selection(db, rep, sel.id)).may_edit
    with pytest.raises(PermissionDenied):
        await selections.rename_selection(db, rep, sel.id, "Mine now")
    with pytest.raises(PermissionDenied):
        await selections.delete_selection(db, rep, sel.id)
    own = await selections.create_selection(db, rep, {"name": "Rita's", "target": "persons"})
    assert (await selections.rename_selection(db, admin, own.id, "Renamed by admin")).name == "Renamed by admin"


async def test_private_selections_are_seen_by_their_owner_only(db, admin, rep, world):
    mine = await selections.create_selection(db, rep, {"name": "Secret", "target": "persons", "visible_for": "private"})
    assert [s.name for s in await selections.list_selections(db, rep)] == ["Secret"]
    other = await selections.create_selection(
        db, admin, {"name": "Admin private", "target": "persons", "visible_for": "private"}
    )
    assert "Admin private" not in [s.name for s in await selections.list_selections(db, rep)]
    with pytest.raises(NotFound):
        await selections.get_selection(db, rep, other.id)
    assert mine.id in [s.id for s in await selections.list_selections(db, admin)]


async def test_export_members_as_csv_with_a_header(db, admin, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Leads", "target": "persons", "criteria": [w("lead_enabled:eq:yes")]}
    )
    out = io.StringIO()
    written = await selections.export_members_csv(db, admin, sel.id, out, columns=["name", "lead_status", "company"])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert written == 3
    assert rows[0] == ["id", "name", "lead_status", "company"]
    assert rows[1][1:] == ["Ann Berg", "Open", "Acme"]
    assert {r[1] for r in rows[1:]} == {"Ann Berg", "Bob Øster", "Cid Lund"}


async def test_deleted_records_drop_out_of_a_static_selection(db, admin, world):
    sel = await selections.create_selection(
        db,
        admin,
        {"name": "S", "target": "persons", "kind": "static", "ids": [world.people["ann"], world.people["bob"]]},
    )
    await contacts.delete_contact(db, admin, world.people["bob"])
    assert await member_names(db, admin, sel.id) == ["Ann Berg"]
    assert await selections.member_count(db, admin, sel.id) == 1


async def test_selections_of_sales_and_companies(db, admin, world):
    sales_sel = await selections.create_selection(
        db, admin, {"name": "Big deals", "target": "sales", "criteria": [w("amount:gt:200")]}
    )
    page = await selections.members(db, admin, sales_sel.id, columns=["heading"])
    assert sorted(r["heading"] for r in page.rows) == ["App", "Website"]
    companies_sel = await selections.create_selection(
        db, admin, {"name": "Cos", "target": "companies", "kind": "static", "ids": [world.oldco]}
    )
    page = await selections.members(db, admin, companies_sel.id, columns=["name"])
    assert [r["name"] for r in page.rows] == ["Oldco"]
