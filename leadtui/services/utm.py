"""UTM lead source (SPEC.md 1.14, 5.1): the first touch of a contact or company created by an import or intake.

First touch is recorded only for contacts and companies that did not exist before (SPEC.md 5.1), once per record
(a unique index on utm_record.contact_id and .company_id). Find reads the same rows (`utm_source` ... criteria).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database

# (key in imports and intake, UtmRecord column, English label)
UTM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("utm_source", "source", N_("Source (utm_source)")),
    ("utm_medium", "medium", N_("Medium (utm_medium)")),
    ("utm_campaign", "campaign", N_("Campaign (utm_campaign)")),
    ("utm_term", "term", N_("Term (utm_term)")),
    ("utm_content", "content", N_("Content (utm_content)")),
    ("landing_page", "landing_page", N_("Landing page")),
)
UTM_KEYS = tuple(key for key, _column, _label in UTM_FIELDS)
LANDING_PAGE_MAX = 1000


class UtmOut(BaseModel):
    """The first touch shown read-only on the card ("Lead source")."""

    source: str
    medium: str
    campaign: str
    term: str
    content: str
    landing_page: str
    touched_at: datetime | None

    def lines(self) -> list[tuple[str, str]]:
        """(translated label, value) of the fields that have a value, for a card or a tooltip."""
        out = [(_(label), getattr(self, column)) for _key, column, label in UTM_FIELDS if getattr(self, column)]
        if self.touched_at is not None:
            from leadtui.i18n.format import format_datetime  # the language's date format, as everywhere

            out.append((_("First touch"), format_datetime(self.touched_at)))
        return out

    @property
    def summary(self) -> str:
        """One line: "google / cpc / spring-sale"."""
        return " / ".join(part for part in (self.source, self.medium, self.campaign) if part)


def has_utm(values: dict[str, Any]) -> bool:
    return any(values.get(key) for key in UTM_KEYS)


def record_values(values: dict[str, Any], touched_at: datetime | None) -> dict[str, Any]:
    """The UtmRecord columns from import/intake values (keys utm_source ... landing_page), cut to column size."""
    row: dict[str, Any] = {}
    for key, column, _label in UTM_FIELDS:
        limit = LANDING_PAGE_MAX if column == "landing_page" else t.TEXT_MAX
        row[column] = str(values.get(key) or "").strip()[:limit]
    row["touched_at"] = touched_at
    return row


def _out(row: t.UtmRecord | None) -> UtmOut | None:
    if row is None:
        return None
    return UtmOut(
        source=row.source,
        medium=row.medium,
        campaign=row.campaign,
        term=row.term,
        content=row.content,
        landing_page=row.landing_page,
        touched_at=row.touched_at,
    )


async def utm_for_contact(db: Database, contact_id: int) -> UtmOut | None:
    """The contact's first touch, or None when it was not created with lead source data."""
    async with db.read() as session:
        row = await session.scalar(
            select(t.UtmRecord).where(t.UtmRecord.contact_id == contact_id).order_by(t.UtmRecord.id).limit(1)
        )
    return _out(row)


async def utm_for_company(db: Database, company_id: int) -> UtmOut | None:
    """The company's source ("Lead creation source" on the company card), or None."""
    async with db.read() as session:
        row = await session.scalar(
            select(t.UtmRecord).where(t.UtmRecord.company_id == company_id).order_by(t.UtmRecord.id).limit(1)
        )
    return _out(row)
