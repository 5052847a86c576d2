"""Dates and numbers as other CRMs export them (ISO, 05.03.2024, 3/5/2024 2:22 PM, 0.75 for 75 %)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from leadtui.i18n import _
from leadtui.services.errors import RuleViolation
from leadtui.services.crm_import.value_mapping import field_name

_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
LABELS = {
    "registered_at": "Registered",
    "sale_date": "Sale date",
    "date": "Date",
    "time": "Time",
    "probability": "Probability",
}


def _label(key: str) -> str:
    return _(LABELS[key]) if key in LABELS else field_name(key)


def parse_moment(text: str, key: str, order: str = "ymd") -> datetime:
    """A date with an optional time, as naive UTC. `order` says how 01/02/2026 reads: dmy or mdy (ymd: dotted
    dates are dmy, slashed ones mdy, as in the exports of European and American CRMs)."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        match = _DATE.match(value)
        if not match:
            raise RuleViolation(
                _("{field}: '{value}' is not a date (e.g. 2026-03-01 or 01.03.2026).").format(
                    field=_label(key), value=value
                ),
                field=key,
            ) from None
        a, b, c, hour, minute, second, half = match.groups()
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            slashed = "/" in value
            mdy = order == "mdy" or (order == "ymd" and slashed)
            first, second_part = (int(b), int(a)) if mdy else (int(a), int(b))
            day, month = first, second_part
            year = int(c) + (2000 if len(c) == 2 else 0)
        hours = int(hour or 0)
        if half:
            hours = hours % 12 + (12 if half.casefold() == "pm" else 0)
        try:
            moment = datetime(year, month, day, hours, int(minute or 0), int(second or 0))
        except ValueError:
            raise RuleViolation(
                _("{field}: '{value}' is not a date (e.g. 2026-03-01 or 01.03.2026).").format(
                    field=_label(key), value=value
                ),
                field=key,
            ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not 1900 <= moment.year <= 2200:
        raise RuleViolation(
            _("{field}: '{value}' is not a plausible date.").format(field=_label(key), value=value), field=key
        )
    return moment


def parse_day(text: str, key: str, order: str = "ymd") -> date:
    return parse_moment(text, key, order).date()


def parse_clock(text: str, key: str = "time") -> time:
    value = text.strip()
    match = re.match(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp][Mm])?$", value)
    if not match:
        raise RuleViolation(
            _("{field}: '{value}' is not a time (e.g. 14:30).").format(field=_label(key), value=value), field=key
        )
    hours = int(match.group(1))
    if match.group(3):
        hours = hours % 12 + (12 if match.group(3).casefold() == "pm" else 0)
    if hours > 23 or int(match.group(2)) > 59:
        raise RuleViolation(
            _("{field}: '{value}' is not a time (e.g. 14:30).").format(field=_label(key), value=value), field=key
        )
    return time(hours, int(match.group(2)))


def parse_probability(text: str) -> int:
    """75, 75 %, 75.0 or HubSpot's 0.75."""
    value = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise RuleViolation(
            _("Probability: '{value}' is not a number from 0 to 100.").format(value=text), field="probability"
        ) from None
    if 0 < number < 1 or (number == 1 and "." in value):
        number *= 100
    if not 0 <= number <= 100:
        raise RuleViolation(
            _("Probability: '{value}' is not a number from 0 to 100.").format(value=text), field="probability"
        )
    return round(number)
