"""Dates, numbers and money in the current language's conventions (Babel/CLDR), and date input."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from leadtui.i18n import BABEL_LOCALES, _, current_language


def _locale() -> str:
    return BABEL_LOCALES.get(current_language(), "en_GB")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format="short", locale=_locale())


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return babel_dates.format_datetime(value, format="short", locale=_locale())


def format_number(value: int | float | Decimal | None, *, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is not None:
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return babel_numbers.format_decimal(value, format=pattern, locale=_locale())
    return babel_numbers.format_decimal(value, locale=_locale())


def format_money(value: Decimal | int | None, currency: str | None = None) -> str:
    if value is None:
        return ""
    if currency:
        return babel_numbers.format_currency(value, currency, locale=_locale())
    return format_number(value, places=2)


def format_percent(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_number(value, places=0 if float(value).is_integer() else 1)} %"


def date_hint() -> str:
    """How a date may be typed: the language's short format and ISO."""
    pattern = babel_dates.get_date_format("short", locale=_locale()).pattern
    pattern = re.sub(r"M+", "MM", re.sub(r"d+", "DD", re.sub(r"y+", "YYYY", pattern)))
    return _("{pattern} or YYYY-MM-DD").format(pattern=pattern)


def parse_date(text: str) -> date:
    """A date typed by the user: ISO (2026-11-26) or the language's short format (26.11.2026, 26-11-2026 ...).

    Raises ValueError with a message naming both accepted forms.
    """
    value = text.strip()
    if not value:
        raise ValueError(_("a date is required"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        parsed = babel_dates.parse_date(value, locale=_locale())
    except (ValueError, IndexError, getattr(babel_dates, "ParseError", ValueError)):
        parsed = None
    if parsed is None:
        raise ValueError(_("'{value}' is not a date ({hint})").format(value=value, hint=date_hint()))
    return parsed


def parse_decimal(text: str) -> Decimal:
    """A number typed by the user in the language's format (1.234,50 in Danish) or plain (1234.50)."""
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    try:
        return Decimal(value)
    except InvalidOperation:
        pass
    try:
        return Decimal(str(babel_numbers.parse_decimal(value, locale=_locale(), strict=False)))
    except (babel_numbers.NumberFormatError, InvalidOperation, ValueError):
        raise ValueError(_("'{value}' is not a number").format(value=text.strip())) from None
