"""Lead dashboard (SPEC.md 4.7): tiles computed in the database, each with the Find criteria of its list.

Definitions (docs/decisions.md):
- Leads per lead status: live contacts holding each status (L18: also those whose company no longer uses lead
  status; the value stays searchable and counted). Statuses in list order, empty ones shown.
- Leads per category: live contacts of companies in each category of the group Potential customer.
- New leads this week: live contacts registered since Monday 00:00 (UTC) whose company's category uses lead
  status now.
- Funnel: for each lead status, how many (live) contacts entered it within the period, from the history.
- Days in status: the average number of days the contacts holding each status have held it.
Every tile carries `criteria` (target contact): Find with those criteria lists exactly the contacts counted
(for the days-in-status tile: the contacts holding that status).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.i18n.format import format_number
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup
from leadtui.services import contact_rules as rules
from leadtui.services.actor import Actor
from leadtui.services.errors import RuleViolation
from leadtui.services.find import Criterion

PERIODS = ("7d", "30d", "90d", "quarter", "year", "365d")
PERIOD_LABELS = {
    "7d": N_("Last 7 days"),
    "30d": N_("Last 30 days"),
    "90d": N_("Last 90 days"),
    "quarter": N_("This quarter"),
    "year": N_("This year"),
    "365d": N_("Last 365 days"),
}


class Tile(BaseModel):
    key: str
    title: str
    value: float
    text: str  # the value as shown
    target: Literal["contact", "company", "sale"] = "contact"
    criteria: list[Criterion]


class DashboardOut(BaseModel):
    today: date
    week_start: date
    period: str
    period_label: str
    period_start: date
    period_end: date
    per_status: list[Tile]
    per_category: list[Tile]
    new_this_week: Tile
    funnel: list[Tile]
    days_in_status: list[Tile]


def _today() -> date:
    return t.utcnow().date()


def period_range(period: str, today: date | None = None) -> tuple[date, date]:
    """(first day, last day) of a period, both inclusive."""
    today = today or _today()
    if period == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if period == "year":
        return date(today.year, 1, 1), today
    if period.endswith("d") and period[:-1].isdigit() and 1 <= int(period[:-1]) <= 3660:
        return today - timedelta(days=int(period[:-1]) - 1), today
    raise RuleViolation(
        _("Period: '{period}' is not one of {periods}.").format(period=period, periods=", ".join(PERIODS)),
        field="period",
    )


def _day_before(day: date) -> str:
    return (day - timedelta(days=1)).isoformat()


def _day_after(day: date) -> str:
    return (day + timedelta(days=1)).isoformat()


def days_between(field: str, start: date, end: date) -> list[Criterion]:
    """Find criteria for whole days start..end (both inclusive)."""
    return [
        Criterion(field=field, op="gt", values=[_day_before(start)]),
        Criterion(field=field, op="lt", values=[_day_after(end)]),
    ]


class FunnelStep(BaseModel):
    """A lead status and the live contacts that entered it within a period."""

    status_id: int
    name: str
    value: int
    text: str
    criteria: list[Criterion]  # target contact


async def status_funnel(
    session: AsyncSession, statuses: Sequence[t.LeadStatus], start: date, end: date
) -> list[FunnelStep]:
    """For each lead status in use (in the order given), how many live contacts entered it on days start..end
    (both inclusive), from the history, with the Find criteria that list them (the Leads funnel tiles)."""
    reached = dict(
        (
            await session.execute(
                select(t.History.to_id, func.count(func.distinct(t.History.entity_id)))
                .join(t.Contact, and_(t.Contact.id == t.History.entity_id, t.Contact.deleted_at.is_(None)))
                .where(
                    t.History.entity == "contact",
                    t.History.field == "lead_status",
                    t.History.at >= datetime.combine(start, datetime.min.time()),
                    t.History.at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
                )
                .group_by(t.History.to_id)
            )
        ).all()
    )
    within = days_between("status_reached_on", start, end)
    return [
        FunnelStep(
            status_id=s.id,
            name=s.name,
            value=reached.get(s.id, 0),
            text=format_number(reached.get(s.id, 0)),
            criteria=[Criterion(field="status_reached", op="one_of", values=[str(s.id)]), *within],
        )
        for s in statuses
        if not s.deleted
    ]


def _live_contacts() -> list[ColumnElement[bool]]:
    return [t.Contact.deleted_at.is_(None)]


async def _per_category(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    """Live contacts per category (the company's, or their own without a company), counted from the indexes: the
    categories' companies, then their live contacts in (company_id, deleted_at); plus contacts without a company."""
    counts: dict[int, int] = {}
    linked = (
        select(t.Company.category_id, func.count())
        .select_from(t.Company)
        .join(t.Contact, t.Contact.company_id == t.Company.id)
        .where(t.Company.category_id.in_(ids), t.Contact.deleted_at.is_(None))
        .group_by(t.Company.category_id)
    )
    own = (
        select(t.Contact.category_id, func.count())
        .where(t.Contact.company_id.is_(None), t.Contact.deleted_at.is_(None), t.Contact.category_id.in_(ids))
        .group_by(t.Contact.category_id)
    )
    for query in (linked, own):
        for category_id, n in (await session.execute(query)).all():
            assert category_id is not None  # category_id IN ids
            counts[category_id] = counts.get(category_id, 0) + n
    return counts


async def dashboard(db: Database, actor: Actor, *, period: str = "30d", today: date | None = None) -> DashboardOut:
    """All tiles of the lead dashboard (a handful of GROUP BY queries)."""
    today = today or _today()
    start, end = period_range(period, today)
    week_start = today - timedelta(days=today.weekday())
    now = t.utcnow()
    async with db.read() as session:
        statuses = (await session.scalars(select(t.LeadStatus).order_by(t.LeadStatus.rank, t.LeadStatus.id))).all()
        counts = dict(
            (
                await session.execute(
                    select(t.Contact.lead_status_id, func.count())
                    .where(*_live_contacts(), t.Contact.lead_status_id.is_not(None))
                    .group_by(t.Contact.lead_status_id)
                )
            ).all()
        )

        lead_categories = (
            await session.scalars(
                select(t.Category)
                .where(t.Category.category_group == int(CategoryGroup.POTENTIAL_CUSTOMER))
                .order_by(t.Category.deleted, t.Category.rank, t.Category.id)
            )
        ).all()
        per_category_counts = await _per_category(session, [c.id for c in lead_categories] or [-1])

        week_start_at = datetime.combine(week_start, datetime.min.time())
        new_leads = (
            await session.scalar(  # from the registration index: "+ 0" keeps the category's out of it
                select(func.count())
                .select_from(t.Contact)
                .join(t.Company, t.Company.id == t.Contact.company_id)
                .join(t.Category, t.Category.id == t.Company.category_id + 0)
                .where(*_live_contacts(), t.Contact.registered_at >= week_start_at, rules.lead_enabled_sql(t.Category))
            )
            or 0
        )

        funnel_steps = await status_funnel(session, statuses, start, end)

        if db.dialect == "postgresql":
            age = func.extract("epoch", literal(now) - t.Contact.lead_status_since) / 86400.0
        else:
            age = func.julianday(literal(now.isoformat(sep=" "))) - func.julianday(t.Contact.lead_status_since)
        ages = {
            status_id: float(avg) if avg is not None else None
            for status_id, avg in (
                await session.execute(
                    select(t.Contact.lead_status_id, func.avg(age))
                    .where(
                        *_live_contacts(),
                        t.Contact.lead_status_id.is_not(None),
                        t.Contact.lead_status_since.is_not(None),
                    )
                    .group_by(t.Contact.lead_status_id)
                )
            ).all()
        }

    shown = [s for s in statuses if not s.deleted or counts.get(s.id)]
    status_criteria = {s.id: [Criterion(field="lead_status", op="one_of", values=[str(s.id)])] for s in shown}
    per_status = [
        Tile(
            key=f"status:{s.id}",
            title=_("{name} (deleted)").format(name=s.name) if s.deleted else s.name,
            value=counts.get(s.id, 0),
            text=format_number(counts.get(s.id, 0)),
            criteria=status_criteria[s.id],
        )
        for s in shown
    ]
    per_category = [
        Tile(
            key=f"category:{c.id}",
            title=c.name,
            value=per_category_counts.get(c.id, 0),
            text=format_number(per_category_counts.get(c.id, 0)),
            criteria=[Criterion(field="category", op="one_of", values=[str(c.id)])],
        )
        for c in lead_categories
        if not c.deleted or per_category_counts.get(c.id)
    ]
    new_tile = Tile(
        key="new_this_week",
        title=_("New leads this week"),
        value=new_leads,
        text=format_number(new_leads),
        criteria=[
            Criterion(field="registered", op="gt", values=[_day_before(week_start)]),
            Criterion(field="lead_enabled", op="eq", values=["yes"]),
        ],
    )
    funnel = [
        Tile(key=f"funnel:{step.status_id}", title=step.name, value=step.value, text=step.text, criteria=step.criteria)
        for step in funnel_steps
    ]
    days = []
    for s in shown:
        avg = ages.get(s.id)
        days.append(
            Tile(
                key=f"days:{s.id}",
                title=s.name,
                value=round(avg, 1) if avg is not None else 0,
                text=_("{n} d").format(n=format_number(avg, places=1)) if avg is not None else "–",
                criteria=status_criteria[s.id],
            )
        )
    return DashboardOut(
        today=today,
        week_start=week_start,
        period=period,
        period_label=_(PERIOD_LABELS.get(period, period)),
        period_start=start,
        period_end=end,
        per_status=per_status,
        per_category=per_category,
        new_this_week=new_tile,
        funnel=funnel,
        days_in_status=days,
    )
