"""Dates, numbers and money in the current language's conventions (Babel/CLDR), and date input."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from typing import TYPE_CHECKING

from leadtui.i18n import BABEL_LOCALES, _, current_language, pgettext

if TYPE_CHECKING:
    from types import ModuleType


def _dates() -> ModuleType:
    """babel is imported when a date or number is first formatted: a command that shows none does not wait for it."""
    from babel import dates

    return dates


def _numbers() -> ModuleType:
    from babel import numbers

    return numbers


def _locale() -> str:
    return BABEL_LOCALES.get(current_language(), "en_GB")


def format_date(value: date | datetime | None) -> str:
    """The language's one date format: 04/01/2027 (en), 04.01.2027 (da, nb), 04-01-2027 (nl); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _dates().format_date(value, format=_date_pattern(), locale=_locale())


def format_time(value: time | datetime | None) -> str:
    """A time of day as it is typed: 24 hours, HH:MM (14:05) in every language; "" for None."""
    if value is None:
        return ""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime | None) -> str:
    """The date as format_date shows it and the time as format_time: 04.01.2027 14:05."""
    if value is None:
        return ""
    return f"{format_date(value)} {format_time(value)}"


def format_number(value: int | float | Decimal | None, *, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is not None:
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return _numbers().format_decimal(value, format=pattern, locale=_locale())
    return _numbers().format_decimal(value, locale=_locale())


def format_money(value: Decimal | int | None, currency: str | None = None) -> str:
    if value is None:
        return ""
    if currency:
        return _numbers().format_currency(value, currency, locale=_locale())
    return format_number(value, places=2)


def format_percent(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_number(value, places=0 if float(value).is_integer() else 1)} %"


def _date_pattern() -> str:
    """The CLDR short date pattern with a four-digit year and two-digit day and month (dd.MM.yyyy)."""
    pattern = _dates().get_date_format("short", locale=_locale()).pattern
    return re.sub(r"d+", "dd", re.sub(r"M+", "MM", re.sub(r"y+", "yyyy", pattern)))


def _letters(pattern: str) -> str:
    """dd.MM.yyyy -> DD.MM.ÅÅÅÅ: the letters people write in a date hint, in the language."""
    # TRANSLATORS: the letters of a date hint, as in DD-MM-YYYY (Danish ÅÅÅÅ, Dutch JJJJ); keep the length
    year = pgettext("date pattern", "YYYY")
    # TRANSLATORS: the month letters of a date hint, as in DD-MM-YYYY
    month = pgettext("date pattern", "MM")
    # TRANSLATORS: the day letters of a date hint, as in DD-MM-YYYY
    day = pgettext("date pattern", "DD")
    return pattern.replace("yyyy", year).replace("MM", month).replace("dd", day)


def date_hint() -> str:
    """How a date is typed in the language, for placeholders, help and error texts: DD.MM.ÅÅÅÅ (da)."""
    return _letters(_date_pattern())


def iso_date_hint() -> str:
    """The ISO form with the language's letters (ÅÅÅÅ-MM-DD), only where ISO itself must be named."""
    return _letters("yyyy-MM-dd")


def time_hint() -> str:
    """How a time is typed: HH:MM (Danish TT:MM)."""
    # TRANSLATORS: the hour letters of a time hint, as in HH:MM (Danish TT, Dutch UU)
    hours = pgettext("time pattern", "HH")
    # TRANSLATORS: the minute letters of a time hint, as in HH:MM
    minutes = pgettext("time pattern", "MM")
    return f"{hours}:{minutes}"


def date_order() -> str:
    """The order of day, month and year in the language's format: "dmy" for all four languages."""
    pattern = _date_pattern()
    return "".join(sorted("dmy", key=lambda part: pattern.index({"d": "dd", "m": "MM", "y": "yyyy"}[part])))


_DATE = re.compile(r"^\s*(\d{1,4})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{1,4})\s*$", re.ASCII)


def parse_date(text: str) -> date:
    """A date typed by the user: the language's format (04.01.2027; any of . / - or a space between the parts,
    one or two digits for day and month, a two-digit year meaning 20xx) or ISO (2027-01-04).

    Raises ValueError with a message naming the language's format.
    """
    value = text.strip()
    if not value:
        raise ValueError(_("a date is required"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = _DATE.match(value)
    if match is not None:
        first, second, third = match.groups()
        parts = dict(zip(date_order(), (first, second, third), strict=True))
        if len(first) == 4 and len(third) <= 2:  # 2027-1-4: ISO order with short parts
            parts = {"y": first, "m": second, "d": third}
        year = int(parts["y"])
        if len(parts["y"]) == 2:
            year += 2000
        if len(parts["y"]) in (2, 4) and len(parts["d"]) <= 2 and len(parts["m"]) <= 2:
            try:
                return date(year, int(parts["m"]), int(parts["d"]))
            except ValueError:
                pass
    raise ValueError(_("'{value}' is not a date ({hint})").format(value=value, hint=date_hint()))


def format_date_text(text: str) -> str:
    """A date as typed or kept as text (ISO, or any form parse_date reads) in the language's format; a text that is
    not a date is returned as it is (a search criterion being typed, a filter the list will refuse)."""
    try:
        return format_date(parse_date(text)) if text.strip() else text
    except ValueError:
        return text


def parse_decimal(text: str) -> Decimal:
    """A number typed by the user in the language's format (1.234,50 in Danish) or plain (1234.50)."""
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    try:
        return Decimal(value)
    except InvalidOperation:
        pass
    try:
        return Decimal(str(_numbers().parse_decimal(value, locale=_locale(), strict=False)))
    except (_numbers().NumberFormatError, InvalidOperation, ValueError):
        raise ValueError(_("'{value}' is not a number").format(value=text.strip())) from None
