"""Decision 7: Total cost, Profit and Percentage stay consistent; Decimal money with 2 places; clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadtui.services import money, sales
from leadtui.services.errors import RuleViolation
from tests.sales_helpers import add_company

D = Decimal


def test_profit_is_amount_minus_cost_and_percentage_is_profit_of_amount():
    f = money.Financials(D("1000.00"), D("600.00"))
    assert (f.profit, f.percentage) == (D("400.00"), D("40.00"))


def test_amount_zero_gives_percentage_zero():
    assert money.percentage(D("0"), D("0")) == D("0.00")
    assert money.percentage(D("0"), D("50")) == D("0.00")


def test_editing_amount_keeps_total_cost():
    f = money.recompute("1000", "600", "amount", "1500")
    assert (f.amount, f.cost, f.profit, f.percentage) == (D("1500.00"), D("600.00"), D("900.00"), D("60.00"))


def test_editing_profit_recomputes_total_cost():
    f = money.recompute("1000", "600", "profit", "250")
    assert (f.cost, f.profit, f.percentage) == (D("750.00"), D("250.00"), D("25.00"))


def test_editing_percentage_recomputes_total_cost():
    f = money.recompute("1000", "600", "percentage", "12.5")
    assert (f.cost, f.profit, f.percentage) == (D("875.00"), D("125.00"), D("12.50"))


def test_rounding_is_half_up_to_cents():
    assert money.q(D("0.005")) == D("0.01")
    assert money.q(D("2.675")) == D("2.68")  # would be 2.67 with float
    assert money.recompute("3", "0", "percentage", "33.333").cost == D("2.00")
    assert money.parse_money("10.005", "amount") == D("10.01")


def test_a_loss_making_sale_has_negative_profit_and_percentage():
    f = money.recompute("100", "0", "cost", "150")
    assert (f.profit, f.percentage) == (D("-50.00"), D("-50.00"))


def test_user_formats_are_understood():
    assert money.parse_money("1 234,50", "amount") == D("1234.50")
    assert money.parse_money("1,234.50", "amount") == D("1234.50")
    assert money.parse_money("1.234,50", "amount") == D("1234.50")
    assert money.parse_money("", "amount") == D("0.00")


@pytest.mark.parametrize("text", ["abc", "1e", "NaN", "Infinity", "12..5"])
def test_words_are_refused_naming_the_field(text):
    with pytest.raises(RuleViolation) as exc:
        money.parse_money(text, "amount")
    assert exc.value.field == "amount" and str(exc.value).startswith("Amount:")


def test_negative_amount_and_cost_are_refused():
    with pytest.raises(RuleViolation) as exc:
        money.parse_money("-5", "amount")
    assert "must not be negative" in str(exc.value)
    with pytest.raises(RuleViolation) as cost:
        money.recompute("100", "0", "cost", "-1")
    assert cost.value.field == "cost"


def test_profit_above_amount_and_percentage_above_100_are_refused():
    with pytest.raises(RuleViolation) as profit:
        money.recompute("100", "0", "profit", "150")
    assert profit.value.field == "profit"
    with pytest.raises(RuleViolation) as pct:
        money.recompute("100", "0", "percentage", "101")
    assert pct.value.field == "percentage"


def test_percentage_needs_an_amount():
    with pytest.raises(RuleViolation) as exc:
        money.recompute("0", "0", "percentage", "20")
    assert exc.value.field == "percentage"


def test_too_large_for_the_column_is_refused():
    assert money.parse_money("999999999999.99", "amount") == money.MAX_MONEY
    with pytest.raises(RuleViolation) as exc:
        money.parse_money("1000000000000", "amount")
    assert exc.value.field == "amount" and "at most" in str(exc.value)


def test_weighted_amount_is_amount_times_probability():
    assert money.weighted(D("1005.55"), 33) == D("331.83")


def test_float_is_never_used_for_money():
    assert isinstance(money.parse_money(0.1, "amount"), Decimal)
    assert money.parse_money(0.1, "amount") + money.parse_money(0.2, "amount") == D("0.30")


# -------------------------------------------------------------- through the service


@pytest.fixture
async def company(db) -> int:
    return await add_company(db)


async def test_the_sale_stores_amount_and_cost_and_derives_the_rest(db, admin, company):
    sale = await sales.create_sale(
        db,
        admin,
        {"heading": "X", "sale_type": "General sale", "company_id": company, "amount": "2000", "percentage": "25"},
    )
    assert (sale.amount, sale.cost, sale.profit, sale.percentage) == (
        D("2000.00"),
        D("1500.00"),
        D("500.00"),
        D("25.00"),
    )
    more = await sales.update_sale(db, admin, sale.id, {"amount": "3000"})
    assert (more.cost, more.profit) == (D("1500.00"), D("1500.00"))
    by_profit = await sales.update_sale(db, admin, sale.id, {"profit": "600"})
    assert by_profit.cost == D("2400.00")


async def test_bad_money_through_the_service_names_the_field_and_saves_nothing(db, admin, company):
    sale = await sales.create_sale(
        db, admin, {"heading": "X", "sale_type": "General sale", "company_id": company, "amount": "100"}
    )
    for data, field in (
        ({"amount": "abc"}, "amount"),
        ({"cost": "-3"}, "cost"),
        ({"amount": "99999999999999"}, "amount"),
        ({"profit": "500"}, "profit"),
    ):
        with pytest.raises(RuleViolation) as exc:
            await sales.update_sale(db, admin, sale.id, data)
        assert exc.value.field == field
    assert (await sales.get_sale(db, sale.id)).amount == D("100.00")


async def test_only_one_of_cost_profit_percentage_at_a_time(db, admin, company):
    with pytest.raises(RuleViolation) as exc:
        await sales.create_sale(
            db,
            admin,
            {
                "heading": "X",
                "sale_type": "General sale",
                "company_id": company,
                "amount": "100",
                "cost": "10",
                "profit": "20",
            },
        )
    assert exc.value.field == "profit"


async def test_money_round_trips_exactly_on_the_database(db, admin, company):
    sale = await sales.create_sale(
        db,
        admin,
        {
            "heading": "X",
            "sale_type": "General sale",
            "company_id": company,
            "amount": "999999999999.99",
            "cost": "0.01",
        },
    )
    again = await sales.get_sale(db, sale.id)
    assert (again.amount, again.cost, again.profit) == (D("999999999999.99"), D("0.01"), D("999999999999.98"))
