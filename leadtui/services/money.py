"""Sale money (DESIGN.md decision 7): Decimal with 2 places, never float.

Profit = Amount - Total cost; Percentage = Profit / Amount * 100 (Amount 0 gives 0). The sale stores Amount and
Total cost; Profit and Percentage are derived. Editing Amount keeps Total cost; editing Profit or Percentage
recomputes Total cost. These are pure functions, so the sale card recomputes live with the same rules the
service applies when it saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from leadtui.i18n import _
from leadtui.services.errors import RuleViolation
from leadtui.services.validation import field_label

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# Numeric(14, 2): twelve digits before the point
MAX_MONEY = Decimal("999999999999.99")
MAX_PERCENTAGE = Decimal("999999.99")


def q(value: Decimal) -> Decimal:
    """Two decimal places, halves rounded away from zero (what people expect of money)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _normalise_text(text: str) -> str:
    cleaned = "".join(ch for ch in text.strip() if ch not in " _\u00a0\u202f'")
    if "," in cleaned and "." in cleaned:
        # the separator that comes first groups thousands: 1,234.50 or 1.234,50
        thousands = "," if cleaned.index(",") < cleaned.index(".") else "."
        cleaned = cleaned.replace(thousands, "")
    return cleaned.replace(",", ".")


def parse_decimal(value: object, field: str) -> Decimal:
    """A number from what a user typed (1234.5, 1 234,50, 1,234.50) or a Decimal/int; refuses words and float."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise RuleViolation(f"{field_label(field)}: " + _("must be a number"), field=field)
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = _normalise_text(value)
        if not text:
            return ZERO
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise RuleViolation(
                f"{field_label(field)}: "
                + _("'{value}' is not a number (write e.g. 1234.50)").format(value=value.strip()),
                field=field,
            ) from None
    else:
        raise RuleViolation(f"{field_label(field)}: " + _("must be a number"), field=field)
    if not number.is_finite():
        raise RuleViolation(f"{field_label(field)}: " + _("must be a number"), field=field)
    return number


def parse_money(value: object, field: str, *, allow_negative: bool = False) -> Decimal:
    """Money from user input, 2 places. Amount and Total cost may not be negative; Profit may."""
    raw = parse_decimal(value, field)
    # check the range before rounding: quantizing a huge number overflows the decimal context
    if abs(raw) > MAX_MONEY:
        raise RuleViolation(
            f"{field_label(field)}: " + _("must be at most {n}").format(n=f"{MAX_MONEY:,}"), field=field
        )
    number = q(raw)
    if not allow_negative and number < 0:
        raise RuleViolation(f"{field_label(field)}: " + _("must not be negative"), field=field)
    if abs(number) > MAX_MONEY:
        raise RuleViolation(
            f"{field_label(field)}: " + _("must be at most {n}").format(n=f"{MAX_MONEY:,}"), field=field
        )
    return number


def parse_percentage(value: object, field: str = "percentage") -> Decimal:
    raw = parse_decimal(value, field)
    number = q(raw) if abs(raw) <= MAX_PERCENTAGE * 2 else raw
    if abs(number) > MAX_PERCENTAGE:
        raise RuleViolation(f"{field_label(field)}: " + _("must be at most {n}").format(n=MAX_PERCENTAGE), field=field)
    return number


def profit(amount: Decimal, cost: Decimal) -> Decimal:
    return q(amount - cost)


def percentage(amount: Decimal, cost: Decimal) -> Decimal:
    """Profit as a percentage of Amount; 0 when Amount is 0."""
    if amount == 0:
        return ZERO
    return q((amount - cost) / amount * HUNDRED)


def cost_from_profit(amount: Decimal, profit_: Decimal) -> Decimal:
    return q(amount - profit_)


def cost_from_percentage(amount: Decimal, percentage_: Decimal) -> Decimal:
    return q(amount - amount * percentage_ / HUNDRED)


def weighted(amount: Decimal, probability: int) -> Decimal:
    """Weighted amount = Amount x Probability %."""
    return q(amount * Decimal(probability) / HUNDRED)


@dataclass(frozen=True)
class Financials:
    amount: Decimal
    cost: Decimal

    @property
    def profit(self) -> Decimal:
        return profit(self.amount, self.cost)

    @property
    def percentage(self) -> Decimal:
        return percentage(self.amount, self.cost)


def recompute(amount: object, cost: object, changed: str, value: object) -> Financials:
    """The sale's money after the user changed one field (decision 7).

    `changed` is "amount", "cost", "profit" or "percentage"; `value` is what they typed there. Amount and the
    current Total cost are parsed too. Raises RuleViolation naming the field for bad input or a negative
    Total cost (Profit above Amount, Percentage above 100).
    """
    current_amount = parse_money(amount, "amount")
    current_cost = parse_money(cost, "cost")
    if changed == "amount":
        result = Financials(parse_money(value, "amount"), current_cost)
    elif changed == "cost":
        result = Financials(current_amount, parse_money(value, "cost"))
    elif changed == "profit":
        result = Financials(
            current_amount, cost_from_profit(current_amount, parse_money(value, "profit", allow_negative=True))
        )
    elif changed == "percentage":
        pct = parse_percentage(value)
        if current_amount == 0 and pct != 0:
            raise RuleViolation(
                _("Percentage: enter an Amount first; with Amount 0 the percentage is 0."), field="percentage"
            )
        result = Financials(current_amount, cost_from_percentage(current_amount, pct))
    else:  # pragma: no cover - programming error
        raise ValueError(changed)
    check_cost(result.cost, changed)
    return result


def check_cost(cost: Decimal, field: str = "cost") -> None:
    if cost < 0:
        what = {
            "profit": _("Profit: cannot be more than the Amount (Total cost would be negative)"),
            "percentage": _("Percentage: cannot be more than 100 (Total cost would be negative)"),
        }.get(field)
        raise RuleViolation(what or _("Total cost: must not be negative"), field=field)
    if cost > MAX_MONEY:
        raise RuleViolation(
            f"{field_label(field)}: " + _("Total cost would be more than {n}").format(n=f"{MAX_MONEY:,}"), field=field
        )


def format_money(value: Decimal | None) -> str:
    """Money for lists and cards in the language's format (12,345.50 / 12.345,50); JSON keeps 12345.50."""
    from leadtui.i18n.format import format_money as localised

    if value is None:
        return ""
    return localised(q(value))
