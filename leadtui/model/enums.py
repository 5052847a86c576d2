"""Fixed enumerations of SPEC.md (not editable lists)."""

from __future__ import annotations

import enum


class CategoryGroup(enum.IntEnum):
    """Company category groups with the ids of SPEC.md 1.4 / 3.3."""

    UNKNOWN = 0
    CUSTOMER = 1
    POTENTIAL_CUSTOMER = 2
    PARTNER = 3
    LOST = 4
    OTHER = 5


class SaleStatus(enum.IntEnum):
    OPEN = 1
    SOLD = 2
    LOST = 3
    STALLED = 4


class Role(str, enum.Enum):
    ADMINISTRATOR = "administrator"
    SALES_MANAGER = "sales-manager"
    SALES_REP = "sales-rep"


class SelectionKind(enum.IntEnum):
    STATIC = 0
    DYNAMIC = 1
    COMBINED = 2


class ActivityKind(str, enum.Enum):
    MEETING = "meeting"
    CALL = "call"
    TODO = "todo"


class DurationUnit(str, enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
