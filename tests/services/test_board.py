"""Board view (SPEC.md 4.6, DESIGN.md decision 6): columns in list order with empty ones, counts and sums from
the database, pages of cards, and moves that obey the card's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadtui.model import tables as t
from leadtui.services import board, contacts, find, lists, sales, selections
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build, person, set_columns


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


def by_name(out: board.BoardOut) -> dict[str, board.ColumnOut]:
    return {c.name: c for c in out.columns}


async def test_contact_columns_follow_the_lead_status_list_with_empty_ones(db, admin, world):
    out = await board.open_board(db, admin, target="persons")
    assert [c.name for c in out.columns] == [
        "Open",
        "Contacting",
        "Disqualified",
        "Re-nurture",
        "Qualified",
        "(No lead status)",
    ]
    assert [c.count for c in out.columns] == [1, 1, 0, 0, 1, 2]
    assert [c.number for c in out.columns] == [1, 2, 3, 4, 5, 6]
    assert not by_name(out)["(No lead status)"].accepts
    assert out.total == 5


async def test_the_no_status_column_appears_only_when_cards_have_none(db, admin, world):
    out = await board.open_board(db, admin, target="persons", criteria=[find.parse_where("lead_enabled:eq:yes")])
    assert "(No lead status)" not in by_name(out)


async def test_columns_follow_a_reordered_list(db, admin, world):
    qualified = next(i for i in await lists.list_items(db, "lead-status") if i.name == "Qualified")
    for _ in range(4):
        await lists.move_item(db, admin, "lead-status", qualified.id, -1)
    out = await board.open_board(db, admin, target="persons")
    assert out.columns[0].name == "Qualified"


async def test_a_deleted_status_still_held_gets_a_read_only_column(db, admin, world):
    contacting = next(i for i in await lists.list_items(db, "lead-status") if i.name == "Contacting")
    await lists.delete_item(db, admin, "lead-status", contacting.id)
    out = await board.open_board(db, admin, target="persons")
    column = by_name(out)["Contacting"]
    assert column.deleted and not column.accepts and column.count == 1
    assert [c.name for c in out.columns][:4] == ["Open", "Disqualified", "Re-nurture", "Qualified"]
    with pytest.raises(RuleViolation):
        await board.move_cards(db, admin, "persons", [world.people["ann"]], "Contacting")


async def test_sale_columns_are_stages_then_sold_and_lost_with_sums(db, admin, world):
    out = await board.open_board(db, admin, target="sales")
    assert [c.name for c in out.columns] == ["Lead", "Contact", "Offer", "Negotiation", "Verbal yes", "Sold", "Lost"]
    columns = by_name(out)
    assert (columns["Offer"].count, columns["Offer"].amount, columns["Offer"].weighted) == (
        1,
        Decimal("1000.00"),
        Decimal("500.00"),
    )
    assert (columns["Lead"].amount, columns["Lead"].weighted) == (Decimal("250.50"), Decimal("25.05"))
    assert (columns["Sold"].count, columns["Sold"].amount, columns["Sold"].weighted) == (
        1,
        Decimal("99.99"),
        Decimal("99.99"),
    )
    assert columns["Lost"].count == 0 and columns["Contact"].count == 0


async def test_a_board_of_one_sale_type_shows_its_stages(db, admin, world):
    async with db.write() as session:
        from sqlalchemy import delete, select

        renewal = await session.scalar(select(t.SaleType.id).where(t.SaleType.name == "Renewal"))
        offer = await session.scalar(select(t.SaleStage.id).where(t.SaleStage.name == "Offer"))
        await session.execute(
            delete(t.SaleTypeStage).where(t.SaleTypeStage.sale_type_id == renewal, t.SaleTypeStage.stage_id == offer)
        )
    out = await board.open_board(db, admin, target="sales", criteria=[find.parse_where("sale_type:one_of:Renewal")])
    assert [c.name for c in out.columns] == ["Lead", "Contact", "Negotiation", "Verbal yes", "Sold", "Lost"]


async def test_cards_come_a_page_at_a_time_per_column(db, admin, world):
    for n in range(7):
        await person(db, admin, world.acme, f"Extra{n}", "Lead")
    out = await board.open_board(db, admin, target="persons", page=3)
    open_column = by_name(out)["Open"]
    assert open_column.count == 8
    first = out.pages[open_column.key]
    assert len(first.cards) == 3 and first.more
    second = await board.column_cards(db, admin, open_column.key, target="persons", after=first.cards[-1].id, limit=3)
    third = await board.column_cards(db, admin, open_column.key, target="persons", after=second.cards[-1].id, limit=3)
    assert len(second.cards) == 3 and second.more and len(third.cards) == 2 and not third.more
    ids = [c.id for c in first.cards + second.cards + third.cards]
    assert ids == sorted(ids) and len(set(ids)) == 8


async def test_a_cards_shows_name_company_and_days_in_status(db, admin, world):
    out = await board.open_board(db, admin, target="persons")
    card = out.pages[by_name(out)["Open"].key].cards[0]
    assert (card.title, card.subtitle, card.days, card.movable) == ("Ann Berg", "Acme", 0, True)
    dan = out.pages["none"].cards[0]
    assert dan.title == "Dan Moe" and not dan.movable


async def test_a_selection_board_shows_only_its_members(db, admin, world):
    sel = await selections.create_selection(
        db,
        admin,
        {"name": "Two", "target": "persons", "kind": "static", "ids": [world.people["ann"], world.people["cid"]]},
    )
    out = await board.open_board(db, admin, selection_id=sel.id)
    assert out.source == "Two" and out.total == 2
    assert [c.count for c in out.columns] == [1, 0, 0, 0, 1]


async def test_a_board_of_companies_is_grouped_by_category(db, admin, world):
    out = await board.open_board(db, admin, target="companies")
    columns = by_name(out)
    assert out.group_by == "category"
    assert (columns["Lead"].count, columns["Opportunity"].count, columns["Customer"].count) == (1, 1, 1)


async def test_moving_a_contact_card_sets_its_lead_status_with_history(db, admin, world):
    result = await board.move_cards(db, admin, "persons", [world.people["ann"]], "Qualified")
    assert result.moved == [world.people["ann"]] and not result.refused
    ann = await contacts.get_contact(db, admin, world.people["ann"])
    assert ann.lead_status == "Qualified"
    history = await contacts.contact_history(db, world.people["ann"])
    assert (history[0].from_text, history[0].to_text) == ("Open", "Qualified")


async def test_a_move_is_refused_for_a_contact_whose_company_is_not_lead_enabled(db, admin, world):
    result = await board.move_cards(db, admin, "persons", [world.people["dan"]], "Qualified")
    assert result.moved == []
    assert len(result.refused) == 1 and "does not use lead status" in result.refused[0].reason
    assert result.summary().startswith("Not moved to Qualified: Dan Moe: Lead status:")
    assert (await contacts.get_contact(db, admin, world.people["dan"])).lead_status is None


async def test_moving_several_marked_cards_moves_those_allowed_and_reports_the_rest(db, admin, world):
    ids = [world.people["ann"], world.people["bob"], world.people["dan"], world.people["eve"]]
    result = await board.move_cards(db, admin, "persons", ids, "Disqualified")
    assert sorted(result.moved) == sorted([world.people["ann"], world.people["bob"]])
    assert sorted(r.id for r in result.refused) == sorted([world.people["dan"], world.people["eve"]])
    assert "Moved 2 to Disqualified, refused 2" in result.summary()
    out = await board.open_board(db, admin, target="persons")
    assert by_name(out)["Disqualified"].count == 2


async def test_moving_several_cards_is_one_change_that_undo_reverts_whole(db, admin, world):
    from leadtui.services import undo

    ids = [world.people["ann"], world.people["bob"], world.people["dan"]]
    before = {i: (await contacts.get_contact(db, admin, i)).lead_status for i in ids}
    result = await board.move_cards(db, admin, "persons", ids, "Re-nurture")
    assert sorted(result.moved) == sorted([world.people["ann"], world.people["bob"]])
    assert [r.id for r in result.refused] == [world.people["dan"]]
    assert "Dan" in result.summary() and "lead status" in result.summary()
    undone = await undo.undo_last(db, admin)
    assert undone.records >= 2
    after = {i: (await contacts.get_contact(db, admin, i)).lead_status for i in ids}
    assert after == before
    out = await board.open_board(db, admin, target="persons")
    assert by_name(out)["Re-nurture"].count == 0
    history = await contacts.contact_history(db, world.people["bob"])
    assert (history[0].from_text, history[0].to_text) == ("Re-nurture", before[world.people["bob"]])


async def test_moving_several_sales_to_lost_is_undone_together(db, admin, world):
    from leadtui.services import undo

    ids = [world.sales["web"], world.sales["app"]]
    result = await board.move_cards(db, admin, "sales", ids, "lost", reason="Price")
    assert sorted(result.moved) == sorted(ids)
    await undo.undo_last(db, admin)
    assert [(await sales.get_sale(db, i)).status for i in ids] == ["open", "open"]


async def test_a_card_changed_since_the_board_was_loaded_is_refused(db, admin, world):
    ann = await contacts.get_contact(db, admin, world.people["ann"])
    await contacts.update_contact(db, admin, ann.id, {"title": "Boss"})
    result = await board.move_cards(db, admin, "persons", [(ann.id, ann.version)], "Qualified")
    assert result.refused and result.refused[0].code == 5
    assert (await contacts.get_contact(db, admin, ann.id)).lead_status == "Open"


async def test_a_move_to_the_column_it_is_in_changes_nothing(db, admin, world):
    result = await board.move_cards(db, admin, "persons", [world.people["ann"]], "Open")
    assert result.unchanged == [world.people["ann"]] and not result.moved


async def test_a_rep_cannot_move_someone_elses_contact(db, admin, rep, world):
    from leadtui.services import companies

    await companies.update_company(db, admin, world.acme, {"owner": "admin"})
    result = await board.move_cards(db, rep, "persons", [world.people["ann"]], "Qualified")
    assert result.refused and result.refused[0].code == 3


async def test_an_unknown_column_is_refused_naming_the_columns(db, admin, world):
    with pytest.raises(RuleViolation) as error:
        await board.move_cards(db, admin, "persons", [world.people["ann"]], "Hot")
    assert "Open" in str(error.value)
    with pytest.raises(RuleViolation):
        await board.move_cards(db, admin, "persons", [world.people["ann"]], "none")


async def test_moving_a_sale_to_another_stage_sets_stage_and_probability(db, admin, world):
    result = await board.move_cards(db, admin, "sales", [world.sales["app"]], "Negotiation")
    assert result.moved == [world.sales["app"]]
    sale = await sales.get_sale(db, world.sales["app"])
    assert (sale.stage, sale.probability) == ("Negotiation", 75)


async def test_a_sale_moved_to_lost_without_a_reason_is_refused(db, admin, world):
    need = await board.reason_needed(db, "sales", "Lost")
    assert need is not None and need.required and "Price" in [r.label for r in need.reasons]
    with pytest.raises(RuleViolation) as error:
        await board.move_cards(db, admin, "sales", [world.sales["web"]], "Lost")
    assert error.value.field == "reason_lost"
    assert (await sales.get_sale(db, world.sales["web"])).status == "open"


async def test_a_sale_moved_to_lost_with_a_reason(db, admin, world):
    result = await board.move_cards(db, admin, "sales", [world.sales["web"]], "lost", reason="Price")
    assert result.moved == [world.sales["web"]]
    sale = await sales.get_sale(db, world.sales["web"])
    assert (sale.status, sale.reason, sale.probability) == ("lost", "Price", 0)
    out = await board.open_board(db, admin, target="sales")
    assert by_name(out)["Lost"].count == 1 and by_name(out)["Offer"].count == 0


async def test_a_sold_sale_moved_back_to_a_stage_is_reopened(db, admin, world):
    result = await board.move_cards(db, admin, "sales", [world.sales["old"]], "Offer")
    assert result.moved == [world.sales["old"]]
    sale = await sales.get_sale(db, world.sales["old"])
    assert (sale.status, sale.stage) == ("open", "Offer")


async def test_a_sale_cannot_go_to_a_stage_its_type_lacks(db, admin, world):
    async with db.write() as session:
        from sqlalchemy import delete, select

        general = await session.scalar(select(t.SaleType.id).where(t.SaleType.name == "General sale"))
        verbal = await session.scalar(select(t.SaleStage.id).where(t.SaleStage.name == "Verbal yes"))
        await session.execute(
            delete(t.SaleTypeStage).where(t.SaleTypeStage.sale_type_id == general, t.SaleTypeStage.stage_id == verbal)
        )
    result = await board.move_cards(db, admin, "sales", [world.sales["app"]], "Verbal yes")
    assert result.refused and "not a stage of sale type" in result.refused[0].reason


async def test_neighbour_column_skips_columns_that_accept_nothing(db, admin, world):
    out = await board.open_board(db, admin, target="persons")
    assert await board.neighbour_column(db, admin, out.columns[0].key, 1, target="persons") == out.columns[1].key
    with pytest.raises(RuleViolation):
        await board.neighbour_column(db, admin, out.columns[4].key, 1, target="persons")  # next is (No lead status)


async def test_days_in_stage_on_sale_cards(db, admin, world):
    from datetime import timedelta

    await set_columns(db, t.Sale, world.sales["web"], stage_since=t.utcnow() - timedelta(days=12, hours=1))
    out = await board.open_board(db, admin, target="sales")
    card = out.pages[by_name(out)["Offer"].key].cards[0]
    assert (card.title, card.subtitle, card.days, card.amount) == ("Website", "Acme", 12, Decimal("1000.00"))
