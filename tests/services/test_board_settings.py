"""Board group-by fields, "No selection" columns, filters, sort, sums, the days badge, hiding closed sales and the
settings remembered per user and per board (SPEC.md 4.6)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from leadtui.model import tables as t
from leadtui.services import board, companies, contacts, sales, selections
from leadtui.services.errors import RuleViolation
from tests.services.find_data import build, set_columns


@pytest.fixture
async def world(db, admin):
    return await build(db, admin)


def by_name(out: board.BoardOut) -> dict[str, board.ColumnOut]:
    return {c.name: c for c in out.columns}


def card_ids(out: board.BoardOut, column: str) -> list[int]:
    key = by_name(out)[column].key
    return [c.id for c in out.pages[key].cards]


def settings(**kw) -> board.BoardSettings:
    return board.BoardSettings(**kw)


async def test_sales_by_sale_type_and_owner_with_sums(db, admin, rep, world):
    out = await board.open_board(db, admin, target="sales", settings=settings(group_by="sale_type"))
    general = by_name(out)["General sale"]
    assert (general.count, general.amount) == (3, Decimal("1350.49"))
    assert general.weighted == Decimal("1000.00") * 50 / 100 + Decimal("25.05") + Decimal("99.99")
    await sales.update_sale(db, admin, world.sales["app"], {"owner": "rita"})
    out = await board.open_board(db, admin, target="sales", settings=settings(group_by="owner"))
    names = [c.name for c in out.columns]
    assert "Rita Rep" in names and "No selection" not in names  # a sale always has an owner
    assert card_ids(out, "Rita Rep") == [world.sales["app"]]
    moved = await board.move_cards(db, admin, "sales", [world.sales["web"]], "rita", group_by="owner")
    assert moved.moved == [world.sales["web"]]
    assert (await sales.get_sale(db, world.sales["web"])).owner_id == rep.id


async def test_companies_by_our_contact_no_selection_assigns_and_unassigns(db, admin, rep, world):
    await companies.update_company(db, admin, world.acme, {"owner": None})
    await companies.update_company(db, admin, world.nordic, {"owner": "rita"})
    out = await board.open_board(db, admin, target="companies", settings=settings(group_by="our_contact"))
    columns = by_name(out)
    assert world.acme in card_ids(out, "No selection") and columns["No selection"].accepts
    assert card_ids(out, "Rita Rep") == [world.nordic]
    assert out.columns[-1].key == "none"
    # out of "No selection": assigned to that associate
    result = await board.move_cards(db, admin, "companies", [world.acme], f"s{rep.id}", group_by="owner")
    assert result.moved == [world.acme]
    assert (await companies.get_company(db, admin, world.acme)).owner_id == rep.id
    # into it: unassigned
    result = await board.move_cards(db, admin, "companies", [world.nordic], "none", group_by="owner")
    assert result.moved == [world.nordic]
    assert (await companies.get_company(db, admin, world.nordic)).owner_id is None


async def test_rights_hold_when_moving_by_owner(db, admin, rep, world):
    await companies.update_company(db, admin, world.acme, {"owner": "admin"})
    result = await board.move_cards(db, rep, "companies", [world.acme], "none", group_by="owner")
    assert not result.moved and result.refused and result.refused[0].code == 3


async def test_moving_a_company_between_categories_goes_through_the_company(db, admin, world):
    result = await board.move_cards(db, admin, "companies", [world.oldco], "Lead", group_by="category")
    assert result.moved == [world.oldco]
    assert (await companies.get_company(db, admin, world.oldco)).category == "Lead"
    out = await board.open_board(db, admin, target="companies")
    assert world.oldco in card_ids(out, "Lead")


async def test_contacts_by_category_and_our_contact(db, admin, world):
    out = await board.open_board(db, admin, target="persons", settings=settings(group_by="category"))
    assert set(card_ids(out, "Lead")) == {world.people["ann"], world.people["bob"]}
    # a contact of a company takes the company's category (L9): the move is refused by the contact's own rule
    refused = await board.move_cards(db, admin, "persons", [world.people["ann"]], "Customer", group_by="category")
    assert refused.refused and not refused.moved
    ok = await board.move_cards(db, admin, "persons", [world.people["eve"]], "Customer", group_by="category")
    assert ok.moved == [world.people["eve"]]
    assert (await contacts.get_contact(db, admin, world.people["eve"])).category == "Customer"
    out = await board.open_board(db, admin, target="persons", settings=settings(group_by="owner"))
    assert sum(c.count for c in out.columns) == 5
    by_title = await board.open_board(db, admin, target="persons", settings=settings(group_by="owner", sort="title"))
    for column in out.columns:  # sorted columns read the company's value another way: the same cards
        assert sorted(c.id for c in by_title.pages[column.key].cards) == sorted(
            c.id for c in out.pages[column.key].cards
        )


async def test_filters_title_sort_and_hide_closed(db, admin, world):
    out = await board.open_board(
        db, admin, target="sales", settings=settings(group_by="sale_type", filters={"status": ["open", "stalled"]})
    )
    assert by_name(out)["General sale"].count == 2
    out = await board.open_board(db, admin, target="sales", settings=settings(title="web"))
    assert out.total == 1 and card_ids(out, "Offer") == [world.sales["web"]]
    out = await board.open_board(db, admin, target="sales", settings=settings(hide_closed=True))
    assert "Sold" not in by_name(out) and out.total == 2
    out = await board.open_board(
        db, admin, target="sales", settings=settings(group_by="sale_type", sort="amount", descending=True)
    )
    assert card_ids(out, "General sale") == [world.sales["web"], world.sales["app"], world.sales["old"]]
    out = await board.open_board(db, admin, target="sales", settings=settings(group_by="sale_type", sort="title"))
    assert card_ids(out, "General sale") == [world.sales["app"], world.sales["old"], world.sales["web"]]
    long_ago = datetime.now() - timedelta(days=90)
    await set_columns(db, t.Sale, world.sales["app"], stage_since=long_ago)
    out = await board.open_board(db, admin, target="sales", settings=settings(group_by="owner", sort="days"))
    assert out.pages[out.columns[0].key].cards[0].id == world.sales["app"]  # most days in its stage first
    out = await board.open_board(db, admin, target="sales", settings=settings(group_by="owner", sort="date"))
    assert [c.id for c in out.pages[out.columns[0].key].cards][0] == world.sales["old"]  # 2026-02-15 first
    with pytest.raises(RuleViolation, match="Group by"):
        await board.open_board(db, admin, target="companies", settings=settings(group_by="stage"))
    with pytest.raises(RuleViolation, match="Filter"):
        await board.open_board(db, admin, target="sales", settings=settings(filters={"heading": ["x"]}))


async def test_subgroups_order_cards_under_headings(db, admin, world):
    out = await board.open_board(
        db, admin, target="persons", settings=settings(group_by="category", subgroup_by="lead_status")
    )
    assert out.subgroups and out.subgroups[0].name == "Open" and out.subgroups[-1].key == "none"
    lead = out.pages[by_name(out)["Lead"].key].cards
    assert [c.id for c in lead] == [world.people["ann"], world.people["bob"]]  # Open before Contacting
    assert [c.sub for c in lead] == [f"s{c.sub[1:]}" for c in lead]
    key = board.card_order(out)
    assert sorted(reversed(lead), key=key) == lead


async def test_the_days_badge_is_red_when_overdue(db, admin, world):
    long_ago = datetime.now() - timedelta(days=board.OVERDUE_DAYS + 5)
    await set_columns(db, t.Contact, world.people["cid"], lead_status_since=long_ago)
    out = await board.open_board(db, admin, target="persons")
    cid = next(c for c in out.pages[by_name(out)["Qualified"].key].cards if c.id == world.people["cid"])
    assert cid.overdue and cid.days is not None and cid.days > board.OVERDUE_DAYS
    bob = out.pages[by_name(out)["Contacting"].key].cards[0]
    assert not bob.overdue
    sales_out = await board.open_board(db, admin, target="sales")
    web = out_card = sales_out.pages[by_name(sales_out)["Offer"].key].cards[0]
    assert out_card.overdue == (web.date < datetime.now().date())  # sale date passed while open
    sold = sales_out.pages[by_name(sales_out)["Sold"].key].cards[0]
    assert not sold.overdue


async def test_settings_remembered_per_user_and_per_selection(db, admin, rep, world):
    sel = await selections.create_selection(
        db, admin, {"name": "Mine", "target": "sale", "kind": "static", "ids": [world.sales["web"]]}
    )
    await board.save_settings(db, admin, "sales", settings(group_by="owner", hide_closed=True), selection_id=sel.id)
    mine = await board.load_settings(db, admin, "sales", selection_id=sel.id)
    assert (mine.group_by, mine.hide_closed) == ("owner", True)
    assert (await board.load_settings(db, admin, "sales")).group_by == "stage"  # other boards keep theirs
    assert (await board.load_settings(db, admin, "sales", from_find=True)).group_by == "stage"
    assert (await board.load_settings(db, rep, "sales", selection_id=sel.id)).group_by == "stage"  # per user
    await board.save_settings(db, admin, "persons", settings(group_by="category"), from_find=True)
    assert (await board.load_settings(db, admin, "persons", from_find=True)).group_by == "category"
    with pytest.raises(RuleViolation):
        await board.save_settings(db, admin, "companies", settings(group_by="lead_status"))


async def test_the_task_menu_offers_only_what_may_be_done(db, admin, rep, world):
    company = await board.card_tasks(db, admin, "companies", world.acme)
    assert company.tasks == ["edit", "follow_up", "new_sale", "next_category", "delete"]
    assert company.next_category == "Marketing qualified lead (MQL)"  # after Lead in list order
    moved = await board.move_cards(
        db, admin, "companies", [world.acme], f"s{company.next_category_id}", group_by="category"
    )
    assert moved.moved == [world.acme]
    # a contact of a company takes its category: no "next category" for it; one without a company has it
    ann = await board.card_tasks(db, admin, "persons", world.people["ann"])
    assert "next_category" not in ann.tasks and ann.company_id == world.acme
    assert "next_category" in (await board.card_tasks(db, admin, "persons", world.people["eve"])).tasks
    web = await board.card_tasks(db, admin, "sales", world.sales["web"])
    assert web.tasks == ["edit", "follow_up", "sold", "lost", "delete"]
    sold = await board.card_tasks(db, admin, "sales", world.sales["old"])
    assert "sold" not in sold.tasks and "lost" not in sold.tasks
    # another user's company: the rep may not edit or delete it
    await companies.update_company(db, admin, world.oldco, {"owner": "admin"})
    others = await board.card_tasks(db, rep, "companies", world.oldco)
    assert "edit" not in others.tasks and "delete" not in others.tasks and "follow_up" in others.tasks


async def test_the_badge_may_count_days_since_registered(db, admin, world):
    await set_columns(db, t.Contact, world.people["cid"], lead_status_since=datetime.now() - timedelta(days=40))
    await set_columns(db, t.Contact, world.people["cid"], registered_at=datetime.now() - timedelta(days=3))
    out = await board.open_board(db, admin, target="persons", settings=settings(badge="registered"))
    cid = next(c for c in out.pages[by_name(out)["Qualified"].key].cards if c.id == world.people["cid"])
    assert cid.days == 3 and not cid.overdue  # not red: the red rule is about days in the lead status
    saved = await board.save_settings(db, admin, "persons", settings(badge="registered"))
    assert saved.badge == "registered"
