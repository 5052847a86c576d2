"""Combined selections (SPEC 1.12: union, intersection, difference, in only one; live), copying a selection
(SPEC Q4) and the selection task menu (SPEC 4.5): generate follow-ups, delete the members' records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import activities, contacts, find, sales, selections, undo
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build, person


def w(text: str) -> dict:
    return find.parse_where(text).model_dump()


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


async def names(db, actor, selection_id: int) -> list[str]:
    page = await selections.members(db, actor, selection_id, columns=["name"], limit=100)
    return sorted(r["name"] for r in page.rows)


async def static(db, actor, name: str, ids: list[int], target: str = "persons") -> int:
    data = {"name": name, "target": target, "kind": "static", "ids": ids}
    return (await selections.create_selection(db, actor, data)).id


@pytest.fixture
async def parts(db, admin, world):
    """A: Ann, Bob, Cid (static). B: the Acme people (dynamic: company name Acme)."""
    p = world.people
    a = await static(db, admin, "A", [p["ann"], p["bob"], p["cid"]])
    b = (
        await selections.create_selection(
            db, admin, {"name": "B", "target": "persons", "criteria": [w("company_name:starts_with:Acme")]}
        )
    ).id
    return a, b


async def test_union_intersection_difference_and_in_only_one(db, admin, world, parts):
    a, b = parts
    assert await names(db, admin, b) == ["Ann Berg", "Bob Øster"]
    union = await selections.create_combined(db, admin, {"name": "U", "how": "union", "parts": [a, b]})
    inter = await selections.create_combined(db, admin, {"name": "I", "how": "intersect", "parts": [a, b]})
    minus = await selections.create_combined(db, admin, {"name": "M", "how": "minus", "parts": [a, b]})
    xor = await selections.create_combined(db, admin, {"name": "X", "how": "xor", "parts": [a, b]})
    assert union.kind == "combined" and union.parts == [a, b] and union.part_names == ["A", "B"]
    assert await names(db, admin, union.id) == ["Ann Berg", "Bob Øster", "Cid Lund"]
    assert await names(db, admin, inter.id) == ["Ann Berg", "Bob Øster"]
    assert await names(db, admin, minus.id) == ["Cid Lund"]
    assert await names(db, admin, xor.id) == ["Cid Lund"]
    assert await selections.member_count(db, admin, inter.id) == 2


async def test_a_combined_selection_stays_live_when_a_part_changes(db, admin, world, parts):
    a, b = parts
    union = await selections.create_combined(db, admin, {"name": "U", "how": "union", "parts": [a, b]})
    minus = await selections.create_combined(db, admin, {"name": "M", "how": "minus", "parts": [a, b]})
    await person(db, admin, world.acme, "New", "Lead")  # joins the dynamic part B
    await selections.add_members(db, admin, a, [world.people["dan"]])  # joins the static part A
    assert await names(db, admin, union.id) == ["Ann Berg", "Bob Øster", "Cid Lund", "Dan Moe", "New Lead"]
    assert await names(db, admin, minus.id) == ["Cid Lund", "Dan Moe"]
    await contacts.delete_contact(db, admin, world.people["cid"])  # deleted records drop out
    assert await names(db, admin, minus.id) == ["Dan Moe"]


async def test_an_empty_combination_has_no_members(db, admin, world, parts):
    a, b = parts
    empty = await static(db, admin, "Empty", [world.people["eve"]])
    inter = await selections.create_combined(db, admin, {"name": "I", "how": "intersect", "parts": [a, empty]})
    assert await selections.member_count(db, admin, inter.id) == 0
    assert (await selections.members(db, admin, inter.id)).rows == []


async def test_combined_of_combined_and_cycles_refused(db, admin, world, parts):
    a, b = parts
    inter = await selections.create_combined(db, admin, {"name": "I", "how": "intersect", "parts": [a, b]})
    outer = await selections.create_combined(db, admin, {"name": "O", "how": "minus", "parts": [a, inter.id]})
    assert await names(db, admin, outer.id) == ["Cid Lund"]
    with pytest.raises(RuleViolation, match="itself"):
        await selections.change_combination(db, admin, inter.id, parts=[a, outer.id])
    changed = await selections.change_combination(db, admin, outer.id, how="union")
    assert await names(db, admin, changed.id) == ["Ann Berg", "Bob Øster", "Cid Lund"]


async def test_parts_of_another_target_or_fewer_than_two_refused(db, admin, world, parts):
    a, _b = parts
    of_sales = await static(db, admin, "Sales", [world.sales["web"]], target="sales")
    with pytest.raises(RuleViolation, match="one kind"):
        await selections.create_combined(db, admin, {"name": "Mixed", "parts": [a, of_sales]})
    with pytest.raises(RuleViolation, match="two or more"):
        await selections.create_combined(db, admin, {"name": "One", "parts": [a]})


async def test_a_part_cannot_be_deleted_while_a_combined_selection_uses_it(db, admin, world, parts):
    a, b = parts
    union = await selections.create_combined(db, admin, {"name": "U", "parts": [a, b]})
    with pytest.raises(RuleViolation, match="'U'"):
        await selections.delete_selection(db, admin, a)
    frozen = await selections.make_static(db, admin, union.id)  # combined -> static is allowed (Q2)
    assert frozen.kind == "static" and frozen.parts == []
    await selections.delete_selection(db, admin, a)
    assert await names(db, admin, union.id) == ["Ann Berg", "Bob Øster", "Cid Lund"]


async def test_copy_keeps_members_or_criteria_and_belongs_to_the_copier(db, admin, rep, world, parts):
    a, b = parts
    copy = await selections.copy_selection(db, admin, a)
    assert copy.name == "A (copy)" and copy.kind == "static"
    assert await names(db, admin, copy.id) == await names(db, admin, a)
    again = await selections.copy_selection(db, admin, a)
    assert again.name == "A (copy 2)"
    mine = await selections.copy_selection(db, rep, b, "Rita's B")
    assert (
        mine.owner == "rita"
        and mine.kind == "dynamic"
        and mine.criteria == (await selections.get_selection(db, admin, b)).criteria
    )
    await selections.add_members(db, admin, copy.id, [world.people["eve"]])  # the copy is its own list
    assert "Eve Solo" not in await names(db, admin, a)
    with pytest.raises(RuleViolation, match="already"):
        await selections.copy_selection(db, admin, a, "B")


async def follow_up_count(db) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(t.Activity)) or 0


async def test_generate_follow_ups_one_per_member_undone_as_one_step(db, admin, world, parts):
    a, _b = parts
    before = await follow_up_count(db)
    out = await selections.generate_follow_ups(
        db, admin, a, {"date": "2026-12-24", "text": "Christmas call", "type": "Phone call"}
    )
    assert out.created == 3
    assert await follow_up_count(db) == before + 3
    page = await activities.list_follow_ups(db, contact_id=world.people["bob"])
    assert [f.text for f in page.rows] == ["Christmas call"]
    await undo.undo_last(db, admin)
    assert await follow_up_count(db) == before
    assert (await activities.list_follow_ups(db, contact_id=world.people["bob"])).rows == []


async def test_generate_follow_ups_for_marked_members_only(db, admin, world, parts):
    a, _b = parts
    out = await selections.generate_follow_ups(
        db, admin, a, {"date": "2026-12-24", "text": "Call"}, only=[world.people["cid"], world.people["eve"]]
    )
    assert out.created == 1 and out.skipped == [world.people["eve"]]
    with pytest.raises(RuleViolation, match="Text"):
        await selections.generate_follow_ups(db, admin, a, {"date": "2026-12-24", "text": ""})


async def test_a_sales_rep_cannot_delete_another_users_records(db, admin, rep, world):
    own = (
        await sales.create_sale(
            db, rep, {"heading": "Rita's deal", "sale_type": "General sale", "company_id": world.acme, "amount": "5"}
        )
    ).id
    sel = await static(db, rep, "Deals", [own, world.sales["web"]], target="sales")
    out = await selections.delete_members(db, rep, sel)
    assert (out.deleted, out.refused, out.for_good) == (1, 1, True)
    assert "delete" in out.reasons[0]
    assert await selections.member_ids(db, rep, sel) == [world.sales["web"]]


async def test_deleted_contacts_go_to_the_recycle_bin(db, admin, world, parts):
    a, _b = parts
    out = await selections.delete_members(db, admin, a, only=[world.people["ann"]])
    assert (out.deleted, out.refused, out.for_good) == (1, 0, False)
    assert await names(db, admin, a) == ["Bob Øster", "Cid Lund"]
    async with db.read() as session:  # in the recycle bin: still there, marked deleted
        assert (await session.get(t.Contact, world.people["ann"])).deleted_at is not None


async def test_a_board_of_a_combined_selection_shows_its_members(db, admin, world, parts):
    from leadtui.services import board

    a, b = parts
    minus = await selections.create_combined(db, admin, {"name": "M", "how": "minus", "parts": [a, b]})
    out = await board.open_board(db, admin, selection_id=minus.id)
    assert out.source == "M" and out.total == 1  # Cid


async def test_the_export_of_a_combined_selection_and_of_marked_members(db, admin, world, parts):
    import io

    a, b = parts
    union = await selections.create_combined(db, admin, {"name": "U", "parts": [a, b]})
    out = io.StringIO()
    assert await selections.export_members_csv(db, admin, union.id, out, columns=["name"]) == 3
    out = io.StringIO()
    n = await selections.export_members_csv(db, admin, union.id, out, columns=["name"], only=[world.people["cid"]])
    assert n == 1 and "Cid Lund" in out.getvalue()


async def test_follow_ups_for_sales_and_companies_link_the_record_and_its_company(db, admin, world):
    deals = await static(db, admin, "Deals", [world.sales["web"]], target="sales")
    firms = await static(db, admin, "Firms", [world.acme, world.nordic], target="companies")
    assert (
        await selections.generate_follow_ups(db, admin, deals, {"date": "2026-12-24", "text": "Offer"})
    ).created == 1
    assert (
        await selections.generate_follow_ups(db, admin, firms, {"date": "2026-12-24", "text": "Visit"})
    ).created == 2
    on_sale = (await activities.list_follow_ups(db, sale_id=world.sales["web"])).rows
    assert [(f.text, f.company_id) for f in on_sale] == [("Offer", world.acme)]
    on_acme = {f.text for f in (await activities.list_follow_ups(db, company_id=world.acme)).rows}
    assert {"Offer", "Visit"} <= on_acme
