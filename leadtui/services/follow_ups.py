"""Follow-ups beyond one sale (SPEC.md 1.11, 4.1, 4.2, 4.9): a user's own follow-ups by due date, the Activities
timeline of a contact, company or sale (follow-ups and lead status / category / stage changes in one list),
Next activity of contacts and companies, rescheduling and logging a call.

Creating, changing, completing and deleting one follow-up stay in services/activities.py; the rights are theirs:
anyone may plan a follow-up (it is theirs), only its owner (or who may edit the owner's records) changes,
completes, moves or deletes it.

Due filters (a user's follow-ups, open ones only): "overdue" before today; "today"; "week" the calendar week of
today, Monday to Sunday (overdue ones of earlier days this week included).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import activities, lookup, rights
from leadtui.services.activities import ActivityOut
from leadtui.services.actor import Actor
from leadtui.services.errors import NotFound, RuleViolation

DUE = ("today", "overdue", "week")
Due = Literal["today", "overdue", "week"]

# the fields of services/history.py a timeline shows, with their labels
CHANGE_FIELDS = {
    "lead_status": N_("Lead status"),
    "category": N_("Category"),
    "stage": N_("Stage"),
    "status": N_("Status"),
}


class FollowUpLine(BaseModel):
    """A follow-up as My follow-ups lists it: the follow-up and whom it is with."""

    follow_up: ActivityOut
    contact_name: str = ""
    company_name: str = ""
    may_edit: bool = True


class TimelineEntry(BaseModel):
    """One line of an Activities tab: a follow-up (`follow_up` set) or a change of a tracked field."""

    at: datetime
    kind: Literal["follow_up", "change"]
    who: str
    text: str
    follow_up: ActivityOut | None = None
    may_edit: bool = False  # a follow-up the user may change, complete or delete
    field: str = ""
    field_label: str = ""
    from_text: str = ""
    to_text: str = ""


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite may hand back an aggregate as text
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def is_overdue(day: date | None) -> bool:
    return day is not None and day < date.today()


def week_bounds(today: date | None = None) -> tuple[date, date]:
    """Monday and Sunday of the week of `today`."""
    day = today or date.today()
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def due_condition(due: str | None, today: date | None = None) -> Any:
    """The SQL condition of a due filter on open follow-ups (None: every open one)."""
    day = today or date.today()
    start_of = datetime.combine(day, time(0))
    if due is None:
        return None
    if due == "overdue":
        return t.Activity.start_at < start_of
    if due == "today":
        return and_(t.Activity.start_at >= start_of, t.Activity.start_at < start_of + timedelta(days=1))
    if due == "week":
        monday, sunday = week_bounds(day)
        return and_(
            t.Activity.start_at >= datetime.combine(monday, time(0)),
            t.Activity.start_at < datetime.combine(sunday + timedelta(days=1), time(0)),
        )
    raise RuleViolation(
        _("Due: '{value}' is not a due filter (choose one of: {names}).").format(value=due, names=", ".join(DUE)),
        field="due",
    )


async def list_due(
    db: Database,
    actor: Actor,
    *,
    due: str | None = None,
    mine: bool = True,
    limit: int = 500,
) -> list[FollowUpLine]:
    """Open follow-ups, oldest first: the user's own (`mine`) or everyone's, filtered by `due` (None: all open)."""
    condition = due_condition(due)
    limit = max(1, min(limit, 5000))
    owner = aliased(t.Associate)
    conditions: list[Any] = [t.Activity.completed.is_(False)]
    if condition is not None:
        conditions.append(condition)
    if mine:
        conditions.append(t.Activity.owner_id == actor.id)
    query = (
        select(
            t.Activity,
            t.FollowUpType.name,
            owner.login,
            owner.primary_group_id,
            t.Sale.heading,
            t.Contact.first_name,
            t.Contact.last_name,
            t.Company.name,
        )
        .outerjoin(t.FollowUpType, t.FollowUpType.id == t.Activity.follow_up_type_id)
        .outerjoin(owner, owner.id == t.Activity.owner_id)
        .outerjoin(t.Sale, t.Sale.id == t.Activity.sale_id)
        .outerjoin(t.Contact, t.Contact.id == t.Activity.contact_id)
        .outerjoin(t.Company, t.Company.id == t.Activity.company_id)
        .where(*conditions)
        .order_by(t.Activity.start_at, t.Activity.id)
        .limit(limit)
    )
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    return [
        FollowUpLine(
            follow_up=activities._out(row, type_name or "", login, heading),  # noqa: SLF001 - the module's twin
            contact_name=" ".join(part for part in (first or "", last or "") if part),
            company_name=company or "",
            may_edit=rights.may_edit(actor, row.owner_id, group),
        )
        for row, type_name, login, group, heading, first, last, company in rows
    ]


async def move_follow_up(
    db: Database, actor: Actor, activity_id: int, day: Any, *, expected_version: int | None = None
) -> ActivityOut:
    """Reschedule a follow-up to another day (its time of day stays). `day` as typed: a date, today or +N (N days
    from today)."""
    return await activities.update_follow_up(db, actor, activity_id, {"date": day}, expected_version=expected_version)


async def log_call(
    db: Database,
    actor: Actor,
    activity_id: int,
    note: str,
    *,
    complete_current: bool = False,
    expected_version: int | None = None,
) -> ActivityOut:
    """A call made about a follow-up: a completed call follow-up today with the note, on the same contact, company
    and sale; the follow-up itself is completed too when `complete_current`. Returns the logged call."""
    if not note.strip():
        raise RuleViolation(_("Text: write what the call was about."), field="text")
    current = await activities.get_follow_up(db, activity_id)
    if complete_current and not current.completed:
        # first: a follow-up the user may not complete leaves no logged call behind
        await activities.set_completed(db, actor, activity_id, True, expected_version=expected_version)
    call_type = await _call_type_id(db)
    made = await activities.create_follow_up(
        db,
        actor,
        {
            "date": date.today(),
            "time": datetime.now().time().replace(second=0, microsecond=0),
            "type": call_type,
            "text": note,
            "contact_id": current.contact_id,
            "company_id": current.company_id,
            "sale_id": current.sale_id,
        },
    )
    return await activities.set_completed(db, actor, made.id, True)


async def _call_type_id(db: Database) -> int | None:
    """The first live follow-up type of kind call (None: the default type)."""
    async with db.read() as session:
        return await session.scalar(
            select(t.FollowUpType.id)
            .where(t.FollowUpType.deleted.is_(False), t.FollowUpType.kind == "call")
            .order_by(t.FollowUpType.rank, t.FollowUpType.id)
            .limit(1)
        )


# --------------------------------------------------------------------------- Next activity


async def next_activity_by_contact(session: Any, contact_ids: Sequence[int]) -> dict[int, date]:
    """Next activity per contact: the date of its earliest open follow-up (one query for a page of contacts, on
    the index activity(contact_id, completed, start_at))."""
    if not contact_ids:
        return {}
    rows = (
        await session.execute(
            select(t.Activity.contact_id, func.min(t.Activity.start_at))
            .where(t.Activity.contact_id.in_(list(contact_ids)), t.Activity.completed.is_(False))
            .group_by(t.Activity.contact_id)
        )
    ).all()
    return {key: day for key, start in rows if (day := _as_date(start)) is not None}


async def next_activity(
    db: Database, *, contact_id: int | None = None, company_id: int | None = None, sale_id: int | None = None
) -> date | None:
    """The date of the earliest open follow-up of a contact, company or sale (None: nothing planned)."""
    conditions: list[Any] = [t.Activity.completed.is_(False)]
    if contact_id is not None:
        conditions.append(t.Activity.contact_id == contact_id)
    elif company_id is not None:
        conditions.append(t.Activity.company_id == company_id)
    elif sale_id is not None:
        conditions.append(t.Activity.sale_id == sale_id)
    else:
        return None
    async with db.read() as session:
        return _as_date(await session.scalar(select(func.min(t.Activity.start_at)).where(*conditions)))


# --------------------------------------------------------------------------- the Activities timeline


async def timeline(
    db: Database,
    actor: Actor | None = None,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    sale_id: int | None = None,
    limit: int = 500,
) -> list[TimelineEntry]:
    """The Activities tab of a card: its follow-ups (open and done, each at its date) and the changes of lead
    status, category, stage and status, newest first."""
    if sum(ref is not None for ref in (contact_id, company_id, sale_id)) != 1:
        raise RuleViolation(_("Follow-up: say whose activities to show (a sale, a contact or a company)."))
    model: type[Any]
    ref: int | None
    if contact_id is not None:
        model, ref, entity, link = t.Contact, contact_id, "contact", t.Activity.contact_id
        missing = _("No contact with id {id}.")
    elif company_id is not None:
        model, ref, entity, link = t.Company, company_id, "company", t.Activity.company_id
        missing = _("No company with id {id}.")
    else:
        model, ref, entity, link = t.Sale, sale_id, "sale", t.Activity.sale_id
        missing = _("No sale with number {id}.")
    owner = aliased(t.Associate)
    by = aliased(t.Associate)
    limit = max(1, min(limit, 2000))
    async with db.read() as session:
        if await lookup.get(session, model, ref) is None:
            raise NotFound(missing.format(id=ref))
        follow_rows = (
            await session.execute(
                select(
                    t.Activity,
                    t.FollowUpType.name,
                    owner.login,
                    owner.full_name,
                    owner.primary_group_id,
                    t.Sale.heading,
                )
                .outerjoin(t.FollowUpType, t.FollowUpType.id == t.Activity.follow_up_type_id)
                .outerjoin(owner, owner.id == t.Activity.owner_id)
                .outerjoin(t.Sale, t.Sale.id == t.Activity.sale_id)
                .where(link == ref)
                .order_by(t.Activity.start_at.desc(), t.Activity.id.desc())
                .limit(limit)
            )
        ).all()
        change_rows = (
            await session.execute(
                select(t.History, by.full_name, by.login)
                .outerjoin(by, by.id == t.History.by_id)
                .where(
                    t.History.entity == entity,
                    t.History.entity_id == ref,
                    t.History.field.in_(list(CHANGE_FIELDS)),
                )
                .order_by(t.History.at.desc(), t.History.id.desc())
                .limit(limit)
            )
        ).all()
    entries = [
        TimelineEntry(
            at=row.start_at,
            kind="follow_up",
            who=full or login or "",
            text=row.title,
            follow_up=activities._out(row, type_name or "", login, heading),  # noqa: SLF001
            may_edit=actor is not None and rights.may_edit(actor, row.owner_id, group),
        )
        for row, type_name, login, full, group, heading in follow_rows
    ]
    entries += [
        TimelineEntry(
            at=h.at,
            kind="change",
            who=full or login or "",
            text=f"{h.from_text or '—'} → {h.to_text or '—'}",
            field=h.field,
            field_label=_(CHANGE_FIELDS[h.field]),
            from_text=h.from_text,
            to_text=h.to_text,
        )
        for h, full, login in change_rows
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
