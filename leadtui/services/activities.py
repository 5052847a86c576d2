"""Follow-up activities (SPEC.md 1.11): a simple list per sale, contact and company, enough for Next activity.

A follow-up has a date (and optionally a time), a type (list Follow-up - Type), a text and a Completed flag.
Rules: a completed follow-up cannot be edited until it is un-completed (CCS); the sale's Next activity is the
date of its oldest uncompleted follow-up (S15, SPEC.md 6.10: the user documentation's reading), red when it is
before today. Only the follow-up's owner (or who may edit the owner's records) changes or completes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import rights
from leadtui.services.actor import Actor
from leadtui.services import lookup
from leadtui.services.errors import NotFound, RuleViolation, StaleEdit
from leadtui.services.retry import retry_on_conflict
from leadtui.services.validation import FIELD_LABELS, parse

FIELD_LABELS.update(
    {
        "date": N_("Date"),
        "time": N_("Time"),
        "type": N_("Type"),
        "text": N_("Text"),
        "follow_up": N_("Follow-up"),
    }
)

# default length of a follow-up by kind (SPEC.md 1.11: meeting 1 h, call 15 min; a to-do has a deadline only)
DURATIONS = {"meeting": timedelta(hours=1), "call": timedelta(minutes=15)}


def parse_date_text(value: Any) -> Any:
    """Dates as people type them on the command line and in the card: YYYY-MM-DD, 'today', '+N' days."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("today", _("today").lower()):
            return date.today()
        if text.startswith("+") and text[1:].isdigit() and int(text[1:]) <= 36600:
            return date.today() + timedelta(days=int(text[1:]))
        if text == "":
            return None
        try:  # ISO, or the language's short format (26/11/2026, 26.11.2026 ...)
            from leadtui.i18n.format import parse_date

            return parse_date(value)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return value.date()
    return value


# years a sale or follow-up date may have: lenient short formats read "1/2/3" as the year 3, a typo nobody means
MIN_YEAR, MAX_YEAR = 1900, 2199


def _plausible_date(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        from leadtui.i18n.format import date_hint, format_date

        raise ValueError(
            _(
                "{date} is not a plausible date: the year must be from {low} to {high} (write the date as {hint})"
            ).format(date=format_date(value), low=MIN_YEAR, high=MAX_YEAR, hint=date_hint())
        )
    return value


DateField = Annotated[date, BeforeValidator(parse_date_text), AfterValidator(_plausible_date)]


def _parse_time(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isdigit() and len(text) in (3, 4):  # 930 / 1430
            text = f"{text[:-2]}:{text[-2:]}"
        return text
    return value


TimeField = Annotated[time, BeforeValidator(_parse_time)]


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: DateField
    time: TimeField | None = None
    type: int | str | None = None
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.TEXT_MAX)] | None = None
    sale_id: int | None = None
    contact_id: int | None = None
    company_id: int | None = None
    guide_item_id: int | None = None


class FollowUpChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: DateField | None = None
    time: TimeField | None = None
    type: int | str | None = None
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)] | None = None


class ActivityOut(BaseModel):
    id: int
    date: date
    time: time | None
    type: str
    type_id: int | None
    kind: str
    title: str
    text: str
    completed: bool
    overdue: bool = Field(description="uncompleted and before today")
    sale_id: int | None
    sale_heading: str | None = None
    contact_id: int | None
    company_id: int | None
    owner: str | None
    guide_item_id: int | None
    version: int


class ActivityPage(BaseModel):
    rows: list[ActivityOut]
    total: int
    offset: int
    limit: int


def _out(row: t.Activity, type_name: str, owner: str | None, sale_heading: str | None = None) -> ActivityOut:
    at = row.start_at
    has_time = at.time() != time(0, 0)
    return ActivityOut(
        id=row.id,
        date=at.date(),
        time=at.time() if has_time else None,
        type=type_name,
        type_id=row.follow_up_type_id,
        kind=row.kind,
        title=row.title,
        text=row.text,
        completed=row.completed,
        overdue=not row.completed and at.date() < date.today(),
        sale_id=row.sale_id,
        sale_heading=sale_heading,
        contact_id=row.contact_id,
        company_id=row.company_id,
        owner=owner,
        guide_item_id=row.guide_item_id,
        version=row.version,
    )


async def _type(session: AsyncSession, ref: int | str | None) -> t.FollowUpType:
    """A follow-up type by id or name; without one, the first live type (a call in a new database)."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        row = await session.scalar(
            select(t.FollowUpType)
            .where(t.FollowUpType.deleted.is_(False))
            .order_by(t.FollowUpType.rank, t.FollowUpType.id)
            .limit(1)
        )
        if row is None:
            raise RuleViolation(
                _("Type: the list Follow-up - Type is empty; add a type in Settings first."), field="type"
            )
        return row
    row = None
    if isinstance(ref, int) or ref.strip().isdigit():
        row = await lookup.get(session, t.FollowUpType, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(t.FollowUpType).where(t.FollowUpType.name_key == t.name_key(ref)))
    if row is None or row.deleted:
        names = (
            await session.scalars(
                select(t.FollowUpType.name).where(t.FollowUpType.deleted.is_(False)).order_by(t.FollowUpType.rank)
            )
        ).all()
        raise RuleViolation(
            _("Type: '{ref}' is not a follow-up type (choose one of: {names}).").format(
                ref=ref, names=", ".join(names)
            ),
            field="type",
        )
    return row


async def describe(session: AsyncSession, row: t.Activity) -> ActivityOut:
    type_name = ""
    if row.follow_up_type_id is not None:
        type_name = (
            await session.scalar(select(t.FollowUpType.name).where(t.FollowUpType.id == row.follow_up_type_id)) or ""
        )
    owner = None
    if row.owner_id is not None:
        owner = await session.scalar(select(t.Associate.login).where(t.Associate.id == row.owner_id))
    heading = None
    if row.sale_id is not None:
        heading = await session.scalar(select(t.Sale.heading).where(t.Sale.id == row.sale_id))
    return _out(row, type_name, owner, heading)


def _start(day: date, at: time | None) -> datetime:
    return datetime.combine(day, at or time(0, 0))


async def create_follow_up_in(session: AsyncSession, actor: Actor, values: FollowUpIn) -> t.Activity:
    """Create a follow-up inside an open write session (the sale card and the sales guide use this too)."""
    company_id, contact_id = values.company_id, values.contact_id
    if values.sale_id is not None:
        sale = await lookup.get(session, t.Sale, values.sale_id)
        if sale is None:
            raise NotFound(_("No sale with number {id}.").format(id=values.sale_id))
        # a follow-up may link to any sale (FUC); it takes the sale's company and contact unless given
        company_id = company_id if company_id is not None else sale.company_id
        contact_id = contact_id if contact_id is not None else sale.contact_id
    if contact_id is not None:
        contact = await lookup.get(session, t.Contact, contact_id)
        if contact is None:
            raise NotFound(_("No contact with number {id}.").format(id=contact_id))
        if company_id is None:
            company_id = contact.company_id
    if company_id is not None and await lookup.get(session, t.Company, company_id) is None:
        raise NotFound(_("No company with number {id}.").format(id=company_id))
    if values.sale_id is None and contact_id is None and company_id is None:
        raise RuleViolation(_("Follow-up: link it to a sale, a contact or a company."), field="sale_id")
    kind_row = await _type(session, values.type)
    start = _start(values.date, values.time)
    duration = DURATIONS.get(kind_row.kind)
    title = values.title or values.text.splitlines()[0][: t.TEXT_MAX]
    row = t.Activity(
        kind=kind_row.kind,
        follow_up_type_id=kind_row.id,
        title=title,
        text=values.text,
        owner_id=actor.id,
        company_id=company_id,
        contact_id=contact_id,
        sale_id=values.sale_id,
        guide_item_id=values.guide_item_id,
        start_at=start,
        end_at=start + duration if duration else None,
        completed=False,
        registered_by_id=actor.id,
    )
    session.add(row)
    await session.flush()
    return row


async def create_follow_ups_in(
    session: AsyncSession, actor: Actor, values: FollowUpIn, target: str, ids: Sequence[int]
) -> int:
    """The same follow-up for each of many contacts, companies or sales (`target`), inside an open write session:
    the type looked up once, the links read in one query, one flush (a selection's "Generate follow-ups").
    Ids that are not live records of `target` are skipped. Returns how many were created."""
    kind_row = await _type(session, values.type)
    start = _start(values.date, values.time)
    duration = DURATIONS.get(kind_row.kind)
    title = values.title or values.text.splitlines()[0][: t.TEXT_MAX]
    links: list[tuple[int | None, int | None, int | None]] = []  # (company, contact, sale)
    for first in range(0, len(ids), 5000):
        chunk = list(ids[first : first + 5000])
        if target == "contact":
            rows = await session.execute(
                select(t.Contact.company_id, t.Contact.id).where(
                    t.Contact.id.in_(chunk), t.Contact.deleted_at.is_(None)
                )
            )
            links += [(company, contact, None) for company, contact in rows.all()]
        elif target == "company":
            found = await session.scalars(
                select(t.Company.id).where(t.Company.id.in_(chunk), t.Company.deleted_at.is_(None))
            )
            links += [(company, None, None) for company in found.all()]
        else:
            sale_rows = await session.execute(
                select(t.Sale.company_id, t.Sale.contact_id, t.Sale.id).where(t.Sale.id.in_(chunk))
            )
            links += [(company, contact, sale) for company, contact, sale in sale_rows.all()]
    for company_id, contact_id, sale_id in links:
        session.add(
            t.Activity(
                kind=kind_row.kind,
                follow_up_type_id=kind_row.id,
                title=title,
                text=values.text,
                owner_id=actor.id,
                company_id=company_id,
                contact_id=contact_id,
                sale_id=sale_id,
                start_at=start,
                end_at=start + duration if duration else None,
                completed=False,
                registered_by_id=actor.id,
            )
        )
    await session.flush()
    return len(links)


async def create_follow_up(db: Database, actor: Actor, data: dict[str, Any]) -> ActivityOut:
    values = parse(FollowUpIn, data)
    async with db.write(actor) as session:
        row = await create_follow_up_in(session, actor, values)
        out = await describe(session, row)
    return out


async def _get(session: AsyncSession, activity_id: int, *, lock: bool = False) -> t.Activity:
    row = await lookup.get(session, t.Activity, activity_id, lock=lock)
    if row is None:
        raise NotFound(_("No follow-up with number {id}.").format(id=activity_id))
    return row


async def _ensure_owner_rights(session: AsyncSession, actor: Actor, row: t.Activity) -> None:
    await rights.ensure_can_edit(session, actor, row.owner_id, _("this follow-up"))


def _check_version(row: t.Activity, expected_version: int | None, out: ActivityOut) -> None:
    if expected_version is not None and row.version != expected_version:
        raise StaleEdit(
            _("The follow-up was changed by someone else since you opened it; reload to see the change."), current=out
        )


async def _flush(session: AsyncSession) -> None:
    await session.flush()  # a lost race raises StaleDataError: _retrying runs the transaction again


async def _retrying(attempt: Callable[[], Awaitable[ActivityOut]]) -> ActivityOut:
    """One write transaction, run again after a lost race (services/retry.py); told as StaleEdit when it keeps
    losing."""
    try:
        return await retry_on_conflict(attempt)
    except StaleDataError:
        raise StaleEdit(
            _("The follow-up was changed by someone else at the same moment; reload and try again.")
        ) from None


async def update_follow_up(
    db: Database, actor: Actor, activity_id: int, data: dict[str, Any], *, expected_version: int | None = None
) -> ActivityOut:
    """Change date, time, type or text. A completed follow-up is refused until it is un-completed (CCS)."""
    values = parse(FollowUpChange, data)

    async def attempt() -> ActivityOut:
        async with db.write(actor) as session:
            row = await _get(session, activity_id, lock=True)
            _check_version(row, expected_version, await describe(session, row))
            await _ensure_owner_rights(session, actor, row)
            if row.completed:
                raise RuleViolation(
                    _("Follow-up: it is completed; un-complete it before changing it."), field="completed"
                )
            fields = values.model_fields_set
            if "date" in fields or "time" in fields:
                day = values.date or row.start_at.date()
                at = (
                    values.time
                    if "time" in fields
                    else (row.start_at.time() if row.start_at.time() != time(0) else None)
                )
                row.start_at = _start(day, at)
            if values.type is not None:
                kind_row = await _type(session, values.type)
                row.follow_up_type_id, row.kind = kind_row.id, kind_row.kind
            duration = DURATIONS.get(row.kind)
            row.end_at = row.start_at + duration if duration else None
            if values.text is not None:
                row.text = values.text
                row.title = values.text.splitlines()[0][: t.TEXT_MAX]
            await _flush(session)
            out = await describe(session, row)
        return out

    return await _retrying(attempt)


async def set_completed(
    db: Database, actor: Actor, activity_id: int, completed: bool = True, *, expected_version: int | None = None
) -> ActivityOut:
    """Complete (done) or un-complete a follow-up; Next activity moves on to the next uncompleted one."""

    async def attempt() -> ActivityOut:
        async with db.write(actor) as session:
            row = await _get(session, activity_id, lock=True)
            _check_version(row, expected_version, await describe(session, row))
            await _ensure_owner_rights(session, actor, row)
            row.completed = completed
            await _flush(session)
            out = await describe(session, row)
        return out

    return await _retrying(attempt)


async def delete_follow_up(db: Database, actor: Actor, activity_id: int) -> ActivityOut:
    async with db.write(actor) as session:
        row = await _get(session, activity_id)
        await _ensure_owner_rights(session, actor, row)
        if row.completed:
            raise RuleViolation(_("Follow-up: it is completed; un-complete it before deleting it."), field="completed")
        out = await describe(session, row)
        await session.execute(delete(t.Activity).where(t.Activity.id == row.id))
    return out


async def get_follow_up(db: Database, activity_id: int) -> ActivityOut:
    async with db.read() as session:
        return await describe(session, await _get(session, activity_id))


async def list_follow_ups(
    db: Database,
    *,
    sale_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    include_completed: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> ActivityPage:
    """Follow-ups of one sale, contact or company, oldest first (a page of them)."""
    if sale_id is None and contact_id is None and company_id is None:
        raise RuleViolation(
            _("Follow-up: say whose follow-ups to list (a sale, a contact or a company)."), field="sale_id"
        )
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, lookup.MAX_ID))
    conditions = []
    if sale_id is not None:
        conditions.append(t.Activity.sale_id == sale_id)
    if contact_id is not None:
        conditions.append(t.Activity.contact_id == contact_id)
    if company_id is not None:
        conditions.append(t.Activity.company_id == company_id)
    if not include_completed:
        conditions.append(t.Activity.completed.is_(False))
    query = (
        select(t.Activity, t.FollowUpType.name, t.Associate.login, t.Sale.heading)
        .outerjoin(t.FollowUpType, t.FollowUpType.id == t.Activity.follow_up_type_id)
        .outerjoin(t.Associate, t.Associate.id == t.Activity.owner_id)
        .outerjoin(t.Sale, t.Sale.id == t.Activity.sale_id)
        .where(*conditions)
        .order_by(t.Activity.start_at, t.Activity.id)
        .offset(max(0, offset))
        .limit(limit)
    )
    async with db.read() as session:
        # the follow-ups of a record that does not exist are not an empty list: the number is wrong
        for model, ref, message in (
            (t.Sale, sale_id, _("No sale with number {id}.")),
            (t.Contact, contact_id, _("No contact with id {id}.")),
            (t.Company, company_id, _("No company with id {id}.")),
        ):
            if ref is not None and await lookup.get(session, model, ref) is None:
                raise NotFound(message.format(id=ref))
        total = await session.scalar(select(func.count()).select_from(t.Activity).where(*conditions)) or 0
        rows = (await session.execute(query)).all()
    return ActivityPage(
        rows=[_out(row, type_name or "", login, heading) for row, type_name, login, heading in rows],
        total=total,
        offset=max(0, offset),
        limit=limit,
    )


async def next_activity_dates(session: AsyncSession, sale_ids: Sequence[int]) -> dict[int, date]:
    """Next activity per sale: the date of its oldest uncompleted follow-up (one GROUP BY for a page of sales)."""
    if not sale_ids:
        return {}
    rows = (
        await session.execute(
            select(t.Activity.sale_id, func.min(t.Activity.start_at))
            .where(t.Activity.sale_id.in_(list(sale_ids)), t.Activity.completed.is_(False))
            .group_by(t.Activity.sale_id)
        )
    ).all()
    result: dict[int, date] = {}
    for sale_id, start in rows:
        if start is None:
            continue
        if isinstance(start, str):  # SQLite may hand back the aggregate as text
            start = datetime.fromisoformat(start)
        assert sale_id is not None  # sale_id IN sale_ids
        result[sale_id] = start.date() if isinstance(start, datetime) else start
    return result


def is_overdue(day: date | None) -> bool:
    return day is not None and day < date.today()
