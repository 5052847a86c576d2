"""Lead categorization (SPEC.md 1.15, 2.5 A1-A6): rules, eligibility, confirmation, history, audit and undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from leadtui.model import tables as t
from leadtui.services import audit, automation, board, bulk, companies, contacts, sales, undo
from leadtui.services.errors import PermissionDenied, RuleViolation, StaleEdit
from tests.sales_helpers import add_company, add_contact

SALE = {"heading": "Deal", "sale_type": "General sale", "amount": "1000"}


async def _sale(db, actor, company_id, **extra):
    return await sales.create_sale(db, actor, {**SALE, "company_id": company_id, **extra})


async def _name(db, company_id) -> str:
    async with db.read() as session:
        company = await session.get(t.Company, company_id)
        return (await session.get(t.Category, company.category_id)).name


async def test_sold_rule_without_confirmation_changes_the_category_with_history(db, admin):
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    company = await add_company(db, category="Opportunity")
    ann = await add_contact(db, company)
    sale = await _sale(db, admin, company)
    assert await _name(db, company) == "Opportunity"
    out = await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    assert out.category_suggestion is None
    assert await _name(db, company) == "Customer"
    history = await contacts.contact_history(db, ann)
    assert any(h.field == "category" and h.from_text == "Opportunity" and h.to_text == "Customer" for h in history)
    async with db.read() as session:
        rows = (await session.scalars(select(t.History).where(t.History.entity == "company"))).all()
    assert [(r.from_text, r.to_text) for r in rows if r.from_text] == [("Opportunity", "Customer")]


async def test_the_automatic_change_is_audited_and_undone_with_the_sale(db, admin):
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    company = await add_company(db, category="Opportunity")
    sale = await _sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    entries = await audit.for_record(db, "company", company)
    assert any("Customer" in e.summary or any("Customer" in str(d) for d in e.details) for e in entries)
    await undo.undo_last(db, admin)
    assert await _name(db, company) == "Opportunity"
    assert (await sales.get_sale(db, sale.id)).status == "open"


async def test_lost_and_registered_rules(db, admin):
    await automation.set_rules(
        db,
        admin,
        [
            {"trigger": "registered", "category": "Opportunity", "enabled": True},
            {"trigger": "lost", "category": "Lost opportunity", "enabled": True},
        ],
    )
    company = await add_company(db, category="Lead")
    sale = await _sale(db, admin, company)
    assert await _name(db, company) == "Opportunity"
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    assert await _name(db, company) == "Lost opportunity"


async def test_registered_rule_finds_the_company_through_the_contact(db, admin):
    await automation.set_rules(db, admin, [{"trigger": "registered", "category": "Opportunity", "enabled": True}])
    company = await add_company(db, category="Lead")
    ann = await add_contact(db, company)
    await sales.create_sale(db, admin, {**SALE, "contact_id": ann})
    assert await _name(db, company) == "Opportunity"


async def test_a_customer_is_never_changed_by_a_rule(db, admin):  # A2, L14
    await automation.set_rules(db, admin, [{"trigger": "lost", "category": "Lost opportunity", "enabled": True}])
    company = await add_company(db, category="Customer")
    sale = await _sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"status": "lost", "reason": "Price"})
    assert await _name(db, company) == "Customer"


async def test_a_rule_that_is_off_does_nothing(db, admin):
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    await automation.set_rules(db, admin, [{"trigger": "sold", "enabled": False}])
    company = await add_company(db, category="Opportunity")
    sale = await _sale(db, admin, company)
    await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    assert await _name(db, company) == "Opportunity"


async def test_lead_status_rule_needs_lead_status_on_the_current_category(db, admin):  # A2
    await automation.set_rules(
        db, admin, [{"trigger": "lead_status", "lead_status": "Qualified", "category": "Opportunity", "enabled": True}]
    )
    company = await add_company(db, category="Lead")
    ann = await add_contact(db, company)
    out = await contacts.update_contact(db, admin, ann, {"lead_status": "Qualified"})
    assert await _name(db, company) == "Opportunity"
    assert out.version == (await contacts.get_contact(db, admin, ann)).version  # the card can save again
    # a Potential customer category without lead status: not eligible
    other = await add_company(db, name="Beta", category="Lead")
    async with db.write() as session:
        category = t.Category(name="Prospect", category_group=2, enable_lead_status=False, rank=99)
        session.add(category)
        await session.flush()
        (await session.get(t.Company, other)).category_id = category.id
        status = await session.scalar(select(t.LeadStatus).where(t.LeadStatus.name == "Qualified"))
    async with db.write(admin) as session:
        assert await automation.fire(session, admin, "lead_status", other, lead_status_id=status.id) is None
    assert await _name(db, other) == "Prospect"
    await automation.set_rules(db, admin, [{"trigger": "registered", "category": "Customer", "enabled": True}])
    await _sale(db, admin, other)  # the sale rules only need the group
    assert await _name(db, other) == "Customer"


async def test_other_lead_statuses_do_not_fire(db, admin):
    await automation.set_rules(
        db, admin, [{"trigger": "lead_status", "lead_status": "Qualified", "category": "Opportunity", "enabled": True}]
    )
    company = await add_company(db, category="Lead")
    ann = await add_contact(db, company)
    await contacts.update_contact(db, admin, ann, {"lead_status": "Contacting"})
    assert await _name(db, company) == "Lead"


async def test_confirmation_returns_a_suggestion_and_changes_nothing(db, admin):  # A4
    await automation.set_rules(
        db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True, "confirm": True}]
    )
    company = await add_company(db, name="Acme Ltd", category="Opportunity")
    sale = await _sale(db, admin, company)
    out = await sales.update_sale(db, admin, sale.id, {"status": "sold", "reason": "Price"})
    suggestion = out.category_suggestion
    assert suggestion is not None
    assert (suggestion.company_id, suggestion.company_name) == (company, "Acme Ltd")
    assert (suggestion.current_category, suggestion.suggested_category) == ("Opportunity", "Customer")
    assert await _name(db, company) == "Opportunity"
    # accepting goes through the company's own update: history and undo as a manual change
    version = (await companies.get_company(db, admin, company)).version
    await companies.update_company(
        db, admin, company, {"category": suggestion.suggested_category_id}, expected_version=version
    )
    assert await _name(db, company) == "Customer"
    await undo.undo_last(db, admin)
    assert await _name(db, company) == "Opportunity"


async def test_a_board_move_fires_the_rule_and_asks_once_per_company(db, admin):
    await automation.set_rules(
        db,
        admin,
        [
            {
                "trigger": "lead_status",
                "lead_status": "Qualified",
                "category": "Opportunity",
                "enabled": True,
                "confirm": True,
            }
        ],
    )
    company = await add_company(db, category="Lead")
    ann = await add_contact(db, company)
    bob = await add_contact(db, company, first="Bob")
    out = await board.move_cards(db, admin, "contact", [ann, bob], "Qualified")
    assert sorted(out.moved) == sorted([ann, bob])
    assert [s.suggested_category for s in out.category_suggestions] == ["Opportunity"]
    assert await _name(db, company) == "Lead"


async def test_a_board_move_of_a_sale_to_sold_applies_the_rule(db, admin):
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    company = await add_company(db, category="Opportunity")
    sale = await _sale(db, admin, company)
    out = await board.move_cards(db, admin, "sale", [sale.id], "sold", reason="Price")
    assert out.moved == [sale.id]
    assert await _name(db, company) == "Customer"


async def test_bulk_update_of_lead_status_applies_an_automatic_rule(db, admin):
    await automation.set_rules(
        db, admin, [{"trigger": "lead_status", "lead_status": "Qualified", "category": "Opportunity", "enabled": True}]
    )
    company = await add_company(db, category="Lead")
    ann = await add_contact(db, company)
    await bulk.apply_bulk_update(db, admin, "lead_status", "Qualified", contact_ids=[ann])
    assert await _name(db, company) == "Opportunity"


async def test_an_enabled_rule_needs_a_category(db, admin):  # A5
    with pytest.raises(RuleViolation) as exc:
        await automation.set_rules(db, admin, [{"trigger": "sold", "enabled": True}])
    assert exc.value.field == "category"
    out = await automation.get_rules(db)
    assert not next(r for r in out.rules if r.trigger == "sold").enabled
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Partner", "enabled": True}])  # A3: any
    with pytest.raises(RuleViolation):
        await automation.set_rules(db, admin, [{"trigger": "sold", "category": None}])


async def test_one_rule_per_trigger(db, admin):  # A6
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Partner"}])
    out = await automation.get_rules(db)
    assert [r.trigger for r in out.rules].count("sold") == 1
    assert next(r for r in out.rules if r.trigger == "sold").category == "Partner"
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            session.add(t.CategoryAutomation(trigger="sold", trigger_key="sold", confirm=False, enabled=False))


async def test_show_lists_one_rule_per_trigger_and_lead_status(db):
    out = await automation.get_rules(db)
    assert [r.trigger for r in out.rules][:3] == ["registered", "sold", "lost"]
    assert [r.lead_status for r in out.rules[3:]] == ["Open", "Contacting", "Disqualified", "Re-nurture", "Qualified"]
    assert not any(r.enabled for r in out.rules)


async def test_only_administrators_change_the_rules(db, admin, rep):
    with pytest.raises(PermissionDenied):
        await automation.set_rules(db, rep, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    assert not any(r.enabled for r in (await automation.get_rules(db)).rules)


async def test_a_save_over_a_newer_save_is_refused(db, admin):
    seen = (await automation.get_rules(db)).version
    await automation.set_rules(db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True}])
    with pytest.raises(StaleEdit):
        await automation.set_rules(db, admin, [{"trigger": "lost", "category": "Customer"}], expected_version=seen)


async def test_a_user_who_may_not_edit_the_company_gets_no_suggestion(db, admin, rep):
    await automation.set_rules(
        db, admin, [{"trigger": "sold", "category": "Customer", "enabled": True, "confirm": True}]
    )
    company = await add_company(db, category="Opportunity")
    async with db.write() as session:
        (await session.get(t.Company, company)).our_contact_id = admin.id
    sale = await _sale(db, rep, company, owner=rep.id)
    out = await sales.update_sale(db, rep, sale.id, {"status": "sold", "reason": "Price"})
    assert out.category_suggestion is None
    assert await _name(db, company) == "Opportunity"


def test_triggers_typed_on_the_command_line():
    assert automation.parse_trigger("sold") == {"trigger": "sold"}
    assert automation.parse_trigger("lead-status=Qualified") == {"trigger": "lead_status", "lead_status": "Qualified"}
    with pytest.raises(RuleViolation):
        automation.parse_trigger("won")
