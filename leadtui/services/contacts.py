"""Contacts (persons): create under a company, edit, move, delete (soft), show with lead status and its history,
list with paging, search, sort, filter and grouping (SPEC.md 1.2, 2.1, 2.7, 4.1, 4.3).

A contact linked to a company shows the company's category and Our contact (L9) and cannot change them; its
lead status is visible and editable only under a lead-enabled category (L1), see contact_rules.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import contact_rules as rules
from leadtui.services import history, lookup, rights
from leadtui.services import automation  # lead categorization (SPEC 2.5)
from leadtui.services.actor import Actor
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from leadtui.services.retry import retry_on_conflict
from leadtui.services.validation import FIELD_LABELS, check_text, parse

FIELD_LABELS.update(
    {
        "first_name": N_("First name"),
        "last_name": N_("Last name"),
        "company": N_("Company"),
        "lead_status": N_("Lead status"),
        "email_opt_in": N_("Email opt-in"),
        "title": N_("Title"),
        "mobile": N_("Mobile"),
        "category": N_("Category"),
        "owner": N_("Our contact"),
    }
)

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.NAME_MAX)]
Text255 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.TEXT_MAX)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Ref = int | str | None

MAX_PAGE = 500


class ContactIn(BaseModel):
    """Fields a user may set. On edit only the fields given change. `company` None disconnects (B2C);
    `category`/`owner` are the contact's own only when it has no company."""

    model_config = ConfigDict(extra="forbid")
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company: int | None = None
    email: Text255 | None = None
    email_opt_in: bool | None = None
    lead_status: Ref = None
    title: Text255 | None = None
    mobile: Phone | None = None
    phone: Phone | None = None
    category: Ref = None
    owner: Ref = None
    note: str | None = None


class ContactOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    name: str
    company_id: int | None
    company_name: str
    category_id: int | None
    category: str
    category_group_id: int
    category_group: str
    category_editable: bool
    lead_status_id: int | None
    lead_status: str | None
    lead_status_description: str
    lead_status_visible: bool
    lead_status_editable: bool
    lead_status_since: datetime | None
    days_in_status: int | None
    owner_id: int | None
    owner: str | None
    owner_name: str
    email: str
    email_opt_in: bool
    title: str
    mobile: str
    phone: str
    note: str
    registered_at: datetime
    updated_at: datetime | None
    deleted: bool
    may_edit: bool
    version: int
    category_suggestion: automation.CategorySuggestion | None = None  # a lead categorization rule that asks


class HistoryOut(BaseModel):
    field: str
    field_label: str
    from_id: int | None
    from_text: str
    to_id: int | None
    to_text: str
    at: datetime
    by: str


class ContactRow(BaseModel):
    id: int
    name: str
    first_name: str
    last_name: str
    company_id: int | None
    company: str
    category_id: int | None
    category: str
    category_group_id: int
    category_group: str
    lead_status_id: int | None
    lead_status: str
    lead_status_description: str
    lead_status_visible: bool
    owner_id: int | None
    owner: str | None
    owner_name: str
    email: str
    email_opt_in: bool
    title: str
    mobile: str
    registered_at: datetime
    group_key: str | None = None
    next_activity: date | None = None  # the earliest open follow-up (computed per page)
    next_activity_overdue: bool = False
    may_delete: bool = True  # the user may delete it (their rights and its owner's; computed per page)


class GroupCount(BaseModel):
    key: str
    label: str
    count: int


class ContactPage(BaseModel):
    items: list[ContactRow]
    total: int
    offset: int
    limit: int
    groups: list[GroupCount] | None = None


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # English msgid
    kind: str  # text | list | bool | date


# the columns the Contacts section tab and the Contacts list can show, sort, filter and group by (SPEC.md 4.3)
COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("name", N_("Name"), "text"),
        Column("first_name", N_("First name"), "text"),
        Column("last_name", N_("Last name"), "text"),
        Column("company", N_("Company"), "text"),
        Column("category", N_("Category"), "list"),
        Column("category_group", N_("Category group"), "list"),
        Column("lead_status", N_("Lead status"), "list"),
        Column("owner", N_("Our contact"), "list"),
        Column("email", N_("Email"), "text"),
        Column("email_opt_in", N_("Email opt-in"), "bool"),
        Column("title", N_("Title"), "text"),
        Column("mobile", N_("Mobile"), "text"),
        Column("registered_at", N_("Registered"), "date"),
        Column("next_activity", N_("Next activity"), "date"),  # shown only: SHOW_ONLY
    )
}
# columns shown but not sorted, grouped or filtered by (Next activity is computed per page: fast at 1M contacts)
SHOW_ONLY = {"next_activity"}
DEFAULT_COLUMNS = ["name", "category", "category_group", "lead_status", "owner", "email"]
EMPTY = "none"  # filter value meaning "(empty)" for list columns
JOINED_FILTERS = {"company", "category", "category_group", "owner"}  # filters on the company, category, owner


# --------------------------------------------------------------------------- reading one


async def _load(
    session: AsyncSession, contact_id: int, *, include_deleted: bool = False, lock: bool = False
) -> t.Contact:
    row = await lookup.get(session, t.Contact, contact_id, lock=lock)
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFound(_("No contact with id {id}.").format(id=contact_id))
    return row


@dataclass
class _Context:
    """What a contact's rules depend on: its company, effective category and owner."""

    company: t.Company | None
    category: t.Category | None
    owner: t.Associate | None

    @property
    def owner_id(self) -> int | None:
        return self.owner.id if self.owner else None

    @property
    def lead_enabled(self) -> bool:
        return self.company is not None and rules.category_is_lead_enabled(self.category)


async def _context(session: AsyncSession, row: t.Contact) -> _Context:
    company = await session.get(t.Company, row.company_id) if row.company_id else None
    category_id = company.category_id if company else row.category_id
    owner_id = company.our_contact_id if company else row.our_contact_id
    category = await session.get(t.Category, category_id) if category_id else None
    owner = await session.get(t.Associate, owner_id) if owner_id else None
    return _Context(company, category, owner)


def _may_edit(actor: Actor, ctx: _Context) -> bool:
    return rights.may_edit(actor, ctx.owner_id, ctx.owner.primary_group_id if ctx.owner else None)


async def _out(session: AsyncSession, actor: Actor, row: t.Contact) -> ContactOut:
    ctx = await _context(session, row)
    status = await session.get(t.LeadStatus, row.lead_status_id) if row.lead_status_id else None
    may_edit = _may_edit(actor, ctx)
    visible = ctx.lead_enabled
    days = None
    if status is not None and row.lead_status_since is not None:
        days = max(0, (t.utcnow() - row.lead_status_since).days)
    group = ctx.category.category_group if ctx.category else 0
    return ContactOut(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        name=rules.full_name(row.first_name, row.last_name),
        company_id=row.company_id,
        company_name=ctx.company.name if ctx.company else "",
        category_id=ctx.category.id if ctx.category else None,
        category=ctx.category.name if ctx.category else "",
        category_group_id=group,
        category_group=rules.group_name(group) if ctx.category else "",
        category_editable=row.company_id is None and may_edit,
        lead_status_id=row.lead_status_id,
        lead_status=status.name if status else None,
        lead_status_description=status.description if status else "",
        lead_status_visible=visible,
        lead_status_editable=visible and may_edit,
        lead_status_since=row.lead_status_since if status else None,
        days_in_status=days,
        owner_id=ctx.owner_id,
        owner=ctx.owner.login if ctx.owner else None,
        owner_name=(ctx.owner.full_name or ctx.owner.login) if ctx.owner else "",
        email=row.email,
        email_opt_in=row.email_opt_in,
        title=row.title,
        mobile=row.mobile,
        phone=row.phone,
        note=row.note,
        registered_at=row.registered_at,
        updated_at=row.updated_at,
        deleted=row.deleted_at is not None,
        may_edit=may_edit,
        version=row.version,
    )


async def get_contact(db: Database, actor: Actor, contact_id: int) -> ContactOut:
    async with db.read() as session:
        return await _out(session, actor, await _load(session, contact_id))


HISTORY_FIELDS = {"lead_status": N_("Lead status"), "category": N_("Category")}


async def contact_history(db: Database, contact_id: int, *, limit: int = 200) -> list[HistoryOut]:
    """Lead status and category changes of a contact, newest first (from, to, when, who)."""
    by = aliased(t.Associate)
    query = (
        select(t.History, by.full_name, by.login)
        .outerjoin(by, by.id == t.History.by_id)
        .where(
            t.History.entity == "contact", t.History.entity_id == contact_id, t.History.field.in_(list(HISTORY_FIELDS))
        )
        .order_by(t.History.at.desc(), t.History.id.desc())
        .limit(limit)
    )
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    return [
        HistoryOut(
            field=h.field,
            field_label=_(HISTORY_FIELDS[h.field]),
            from_id=h.from_id,
            from_text=h.from_text,
            to_id=h.to_id,
            to_text=h.to_text,
            at=h.at,
            by=full or login or "",
        )
        for h, full, login in rows
    ]


# --------------------------------------------------------------------------- writing


def check_names(first: str, last: str) -> None:
    if not first.strip() and not last.strip():
        raise RuleViolation(_("First name / Last name: at least one of them is required."), field="first_name")


async def _live_company(session: AsyncSession, company_id: int) -> t.Company:
    company = await lookup.get(session, t.Company, company_id)
    if company is None or company.deleted_at is not None:
        raise RuleViolation(_("Company: there is no company with id {id}.").format(id=company_id), field="company")
    return company


def _refuse_inherited(field: str, company: t.Company) -> RuleViolation:
    what = _("Category") if field == "category" else _("Our contact")
    return RuleViolation(
        _("{what}: a contact takes it from its company '{company}'; change it on the company card.").format(
            what=what, company=company.name
        ),
        field=field,
    )


def _refuse_lead_status(ctx: _Context) -> RuleViolation:
    if ctx.company is None:
        return RuleViolation(
            _("Lead status: only contacts linked to a company have a lead status."), field="lead_status"
        )
    return RuleViolation(
        _(
            "Lead status: the company's category '{category}' does not use lead status, so it cannot be set here."
        ).format(category=ctx.category.name if ctx.category else ""),
        field="lead_status",
    )


async def _set_status(session: AsyncSession, actor: Actor, row: t.Contact, status: t.LeadStatus, now: datetime) -> None:
    if row.lead_status_id == status.id:
        return
    old = await session.get(t.LeadStatus, row.lead_status_id) if row.lead_status_id else None
    await history.record(
        session,
        actor,
        "contact",
        row.id,
        "lead_status",
        old.id if old else None,
        old.name if old else "",
        status.id,
        status.name,
        at=now,
    )
    row.lead_status_id = status.id
    row.lead_status_since = now


async def create_contact(db: Database, actor: Actor, data: dict[str, Any]) -> ContactOut:
    """New contact, usually under a company (L5: Open when the company's category is lead-enabled)."""
    values = parse(ContactIn, data)
    given = set(values.model_fields_set)
    first, last = values.first_name or "", values.last_name or ""
    check_names(first, last)
    email, email_normalized = rules.normalise_email(values.email)
    async with db.write(actor) as session:
        now = t.utcnow()
        row = t.Contact(
            first_name=first,
            last_name=last,
            email=email,
            email_normalized=email_normalized,
            email_opt_in=bool(values.email_opt_in),
            title=values.title or "",
            mobile=values.mobile or "",
            phone=values.phone or "",
            note=values.note or "",
            registered_at=now,
            registered_by_id=actor.id,
        )
        row.name_key, row.last_key = rules.contact_keys(first, last)
        if values.company is not None:
            company = await _live_company(session, values.company)
            await rights.ensure_can_edit(
                session, actor, company.our_contact_id, _("the company '{name}'").format(name=company.name)
            )
            for field in ("category", "owner"):
                if field in given and getattr(values, field) not in (None, ""):
                    raise _refuse_inherited(field, company)
            row.company_id = company.id
        else:
            if "category" in given and values.category not in (None, ""):
                row.category_id = (await rules.category_by_ref(session, values.category)).id
            owner_id: int | None = actor.id
            if "owner" in given:
                owner = await rules.owner_by_ref(session, values.owner)
                owner_id = owner.id if owner else None
            row.our_contact_id = owner_id
        ctx = await _context(session, row)
        status = None
        if ctx.lead_enabled:
            status = (
                await rules.lead_status_by_ref(session, values.lead_status)
                if values.lead_status not in (None, "")
                else await rules.default_lead_status(session)
            )
        elif values.lead_status not in (None, ""):
            raise _refuse_lead_status(ctx)
        if status is not None:
            row.lead_status_id, row.lead_status_since = status.id, now
        session.add(row)
        await session.flush()
        if status is not None:
            await history.record(
                session, actor, "contact", row.id, "lead_status", None, "", status.id, status.name, at=now
            )
        return await _out(session, actor, row)


async def update_contact(
    db: Database,
    actor: Actor,
    contact_id: int,
    data: dict[str, Any],
    *,
    expected_version: int | None = None,
    carry: str = "leave",
    carry_from: date | None = None,
) -> ContactOut:
    """Change the given fields; giving `company` moves the contact (decision 4). `carry` says what a move does
    with the contact's follow-ups and sales on its old company (P2): "leave", "all" or "from" (`carry_from` on)."""
    values = parse(ContactIn, data)
    given = set(values.model_fields_set)
    check_carry(carry, carry_from)

    async def attempt() -> ContactOut:
        async with db.write(actor) as session:
            row = await _load(session, contact_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                current = await _out(session, actor, row)
                raise StaleEdit(
                    _(
                        "Contact '{name}' was changed by someone else since you opened it; reload to see the change."
                    ).format(name=current.name),
                    current=current,
                    changed=_changed(values, given, current),
                )
            ctx = await _context(session, row)
            await rights.ensure_can_edit(
                session,
                actor,
                ctx.owner_id,
                _("the contact '{name}'").format(name=rules.full_name(row.first_name, row.last_name)),
            )
            now = t.utcnow()
            first = values.first_name if "first_name" in given and values.first_name is not None else row.first_name
            last = values.last_name if "last_name" in given and values.last_name is not None else row.last_name
            check_names(first, last)
            row.first_name, row.last_name = first, last
            row.name_key, row.last_key = rules.contact_keys(first, last)
            if "email" in given and values.email is not None:
                row.email, row.email_normalized = rules.normalise_email(values.email)
            for field in ("title", "mobile", "phone", "note"):
                if field in given and getattr(values, field) is not None:
                    setattr(row, field, getattr(values, field))
            if "email_opt_in" in given and values.email_opt_in is not None:
                row.email_opt_in = values.email_opt_in
            explicit_status = values.lead_status if "lead_status" in given else None
            fired: t.LeadStatus | None = None
            if "company" in given and values.company != row.company_id:
                source = row.company_id
                ctx = await _move(session, actor, row, ctx, values.company, explicit_status, now)
                await _carry(session, actor, row.id, source, row.company_id, carry, carry_from, now)
            await _own_fields(session, actor, row, ctx, values, given, now)
            if explicit_status not in (None, ""):
                status = await rules.lead_status_by_ref(session, explicit_status, keep_id=row.lead_status_id)
                if status.id != row.lead_status_id:
                    if not ctx.lead_enabled:
                        raise _refuse_lead_status(ctx)
                    await _set_status(session, actor, row, status, now)
                    fired = status
            elif "lead_status" in given and ctx.lead_enabled and explicit_status in (None, ""):
                raise RuleViolation(_("Lead status: cannot be empty on a lead."), field="lead_status")
            row.updated_at, row.updated_by_id = now, actor.id
            await session.flush()
            if fired is not None:  # category automation (SPEC 2.5): "lead status set to"
                await automation.after_lead_status_set(session, actor, row, fired)
                suggestion = automation.take(session)
                await session.refresh(row)  # a category change moved the contact's version on
                out = await _out(session, actor, row)
                out.category_suggestion = suggestion
                return out
            return await _out(session, actor, row)

    try:  # a lost race on PostgreSQL is not a conflict for a save without an expected version: read and save again
        return await retry_on_conflict(attempt)
    except StaleDataError:
        async with db.read() as session:
            current = await _out(session, actor, await _load(session, contact_id))
        raise StaleEdit(
            _("Contact '{name}' was changed by someone else while you saved; reload to see the change.").format(
                name=current.name
            ),
            current=current,
            changed=_changed(values, given, current),
        ) from None


async def _own_fields(
    session: AsyncSession,
    actor: Actor,
    row: t.Contact,
    ctx: _Context,
    values: ContactIn,
    given: set[str],
    now: datetime,
) -> None:
    """Category and Our contact: the contact's own only without a company; refused (unless unchanged) with one."""
    if ctx.company is not None:
        if "category" in given and values.category not in (None, ""):
            category = await rules.category_by_ref(
                session, values.category, keep_id=ctx.category.id if ctx.category else None
            )
            if ctx.category is None or category.id != ctx.category.id:
                raise _refuse_inherited("category", ctx.company)
        if "owner" in given:
            owner = await rules.owner_by_ref(session, values.owner, keep_id=ctx.owner_id)
            if (owner.id if owner else None) != ctx.owner_id:
                raise _refuse_inherited("owner", ctx.company)
        return
    if "category" in given:
        old = ctx.category
        new = (
            await rules.category_by_ref(session, values.category, keep_id=row.category_id)
            if values.category not in (None, "")
            else None
        )
        if (new.id if new else None) != (old.id if old else None):
            row.category_id = new.id if new else None
            await history.record(
                session,
                actor,
                "contact",
                row.id,
                "category",
                old.id if old else None,
                old.name if old else "",
                new.id if new else None,
                new.name if new else "",
                at=now,
            )
    if "owner" in given:
        owner = await rules.owner_by_ref(session, values.owner, keep_id=row.our_contact_id)
        row.our_contact_id = owner.id if owner else None


async def _move(
    session: AsyncSession,
    actor: Actor,
    row: t.Contact,
    old: _Context,
    company_id: int | None,
    explicit_status: Any,
    now: datetime,
) -> _Context:
    """Move to another company or disconnect (P2); decision 4: rule 2 as if the company's category changed."""
    if not actor.can_manage_entities:
        raise PermissionDenied(
            _("You may not move contacts (missing right: Can manage (move and merge) entities)."),
            right="Can manage entities",
        )
    if company_id is not None:
        target = await _live_company(session, company_id)
        await rights.ensure_can_edit(
            session, actor, target.our_contact_id, _("the company '{name}'").format(name=target.name)
        )
        row.company_id = target.id
        row.category_id = None  # the company's category and Our contact apply from now on (L9)
        row.our_contact_id = None
    else:
        # disconnected: the contact keeps the category and Our contact it showed, now as its own
        row.company_id = None
        row.category_id = old.category.id if old.category else None
        row.our_contact_id = old.owner_id
    new = await _context(session, row)
    if (old.category.id if old.category else None) != (new.category.id if new.category else None):
        await history.record(
            session,
            actor,
            "contact",
            row.id,
            "category",
            old.category.id if old.category else None,
            old.category.name if old.category else "",
            new.category.id if new.category else None,
            new.category.name if new.category else "",
            at=now,
        )
    if new.lead_enabled and explicit_status in (None, "") and (not old.lead_enabled or row.lead_status_id is None):
        await _set_status(session, actor, row, await rules.default_lead_status(session), now)
    return new


async def move_contact(
    db: Database,
    actor: Actor,
    contact_id: int,
    company_id: int | None,
    *,
    expected_version: int | None = None,
    carry: str = "leave",
    carry_from: date | None = None,
) -> ContactOut:
    """Move a contact to another company (or disconnect it with None), with its follow-ups and sales as `carry`
    says (P2): "leave" them on the old company, move "all", or those "from" `carry_from` on."""
    return await update_contact(
        db,
        actor,
        contact_id,
        {"company": company_id},
        expected_version=expected_version,
        carry=carry,
        carry_from=carry_from,
    )


# ---- moving a contact's follow-ups and sales with it (SPEC P2): one write, one undo step with the move

CARRY_CHOICES = ("leave", "all", "from")
FIELD_LABELS.update({"carry": N_("Follow-ups and sales"), "carry_from": N_("From date")})


class CarryCountOut(BaseModel):
    """The contact's follow-ups and sales on its company, which a move may take along."""

    follow_ups: int
    sales: int


def check_carry(carry: str, carry_from: date | None) -> None:
    if carry not in CARRY_CHOICES:
        raise RuleViolation(
            _("Follow-ups and sales: choose leave, all or from a date (not '{value}').").format(value=carry),
            field="carry",
        )
    if carry == "from" and carry_from is None:
        raise RuleViolation(_("From date: a date is required to move those from a date on."), field="carry_from")


def _carried(model: Any, contact_id: int, source: int | None, carry: str, carry_from: date | None) -> Any:
    condition = and_(
        model.contact_id == contact_id,
        model.company_id == source if source is not None else model.company_id.is_(None),
    )
    if carry == "from" and carry_from is not None:
        if model is t.Sale:
            condition = and_(condition, t.Sale.sale_date >= carry_from)
        else:
            condition = and_(condition, t.Activity.start_at >= datetime.combine(carry_from, datetime.min.time()))
    return condition


async def _carry(
    session: AsyncSession,
    actor: Actor,
    contact_id: int,
    source: int | None,
    target: int | None,
    carry: str,
    carry_from: date | None,
    now: datetime,
) -> None:
    """Move the contact's follow-ups and sales on `source` to `target` (row by row: the audit has each, so undo
    takes them back with the move)."""
    if carry == "leave" or source == target:
        return
    for model in (t.Activity, t.Sale):
        rows: list[Any] = list(
            (await session.scalars(select(model).where(_carried(model, contact_id, source, carry, carry_from)))).all()
        )
        for item in rows:
            item.company_id = target
            if isinstance(item, t.Sale):
                item.updated_at, item.updated_by_id = now, actor.id


async def carry_counts(db: Database, contact_id: int) -> CarryCountOut:
    """How many follow-ups and sales of the contact are on its company now (asked before a move)."""
    async with db.read() as session:
        row = await _load(session, contact_id)
        counts = []
        for model in (t.Activity, t.Sale):
            condition = _carried(model, contact_id, row.company_id, "all", None)
            counts.append(await session.scalar(select(func.count()).select_from(model).where(condition)) or 0)
    return CarryCountOut(follow_ups=counts[0], sales=counts[1])


def _changed(values: ContactIn, given: set[str], current: ContactOut) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for field in given:
        mine = getattr(values, field)
        theirs = {"company": current.company_id, "owner": current.owner}.get(field, getattr(current, field, None))
        if field == "lead_status" and isinstance(mine, int):
            theirs = current.lead_status_id
        if field == "category" and isinstance(mine, int):
            theirs = current.category_id
        if field == "owner" and isinstance(mine, int):
            theirs = current.owner_id
        if mine != theirs:
            changed[field] = (mine, theirs)
    return changed


async def delete_contact(db: Database, actor: Actor, contact_id: int) -> ContactOut:
    """Soft delete (recycle bin, SPEC P3): lists stop showing it."""
    async with db.write(actor) as session:
        row = await _load(session, contact_id)
        ctx = await _context(session, row)
        await rights.ensure_can_delete(
            session,
            actor,
            ctx.owner_id,
            _("the contact '{name}'").format(name=rules.full_name(row.first_name, row.last_name)),
        )
        now = t.utcnow()
        row.deleted_at = now
        row.updated_at, row.updated_by_id = now, actor.id
        await session.flush()
        return await _out(session, actor, row)


# --------------------------------------------------------------------------- lists


@dataclass
class _Sql:
    """The expressions of one contacts query (effective category and owner through the company)."""

    category: Any
    status: Any
    owner: Any

    @classmethod
    def make(cls) -> _Sql:
        return cls(aliased(t.Category), aliased(t.LeadStatus), aliased(t.Associate))

    def joined(self, query: Any) -> Any:
        return (
            query.outerjoin(t.Company, t.Company.id == t.Contact.company_id)
            .outerjoin(
                self.category, self.category.id == rules.effective_case(t.Contact.category_id, t.Company.category_id)
            )
            .outerjoin(self.status, self.status.id == t.Contact.lead_status_id)
            .outerjoin(
                self.owner, self.owner.id == rules.effective_case(t.Contact.our_contact_id, t.Company.our_contact_id)
            )
        )

    def sort(self, key: str) -> list[Any]:
        return {
            "name": [t.Contact.last_key, t.Contact.name_key],
            "first_name": [t.Contact.name_key],
            "last_name": [t.Contact.last_key, t.Contact.name_key],
            "company": [t.Company.name_key],
            "category": [self.category.name_key],
            "category_group": [self.category.category_group],
            "lead_status": [self.status.rank],
            "owner": [func.lower(self.owner.full_name)],
            "email": [t.Contact.email_normalized],
            "email_opt_in": [t.Contact.email_opt_in],
            "title": [func.lower(t.Contact.title)],
            "mobile": [t.Contact.mobile],
            "registered_at": [t.Contact.registered_at],
        }[key]

    def group(self, key: str) -> tuple[Any, Any]:
        """(key expression, label expression) of a grouping column."""
        return {
            "name": (t.Contact.name_key, func.trim(t.Contact.first_name + " " + t.Contact.last_name)),
            "first_name": (t.Contact.first_name, t.Contact.first_name),
            "last_name": (t.Contact.last_name, t.Contact.last_name),
            "company": (t.Company.id, t.Company.name),
            "category": (self.category.id, self.category.name),
            "category_group": (self.category.category_group, self.category.category_group),
            "lead_status": (self.status.id, self.status.name),
            "owner": (self.owner.id, func.coalesce(self.owner.full_name, self.owner.login)),
            "email": (t.Contact.email_normalized, t.Contact.email_normalized),
            "email_opt_in": (t.Contact.email_opt_in, t.Contact.email_opt_in),
            "title": (t.Contact.title, t.Contact.title),
            "mobile": (t.Contact.mobile, t.Contact.mobile),
            "registered_at": (func.date(t.Contact.registered_at), func.date(t.Contact.registered_at)),
        }[key]

    def filter(self, key: str, value: Any, dialect: str) -> Any:
        column = COLUMNS[key]
        if column.kind == "text":
            term = rules.search_key(str(value))
            if not term:
                return None
            if key == "name":
                return or_(
                    rules.starts_with(t.Contact.name_key, term, dialect),
                    rules.starts_with(t.Contact.last_key, term, dialect),
                )
            target = {
                "first_name": t.Contact.name_key,
                "last_name": t.Contact.last_key,
                "company": t.Company.name_key,
                "email": t.Contact.email_normalized,
            }.get(key)
            if target is not None:
                return rules.starts_with(target, term, dialect)
            raw = {"title": t.Contact.title, "mobile": t.Contact.mobile}[key]
            return func.lower(raw).startswith(term, autoescape=True)
        if column.kind == "bool":
            return t.Contact.email_opt_in.is_(
                bool(value) if not isinstance(value, str) else value.lower() in ("1", "true", "yes")
            )
        if column.kind == "date":  # typed in the language's format or ISO
            from leadtui.i18n.format import parse_date

            try:
                day = value if isinstance(value, date) else parse_date(str(value))
            except ValueError as exc:
                raise RuleViolation(f"{_(column.label)}: {exc}", field=key) from None
            # PostgreSQL's date() is a date; SQLite's is ISO text
            return func.date(t.Contact.registered_at) == (day if dialect == "postgresql" else day.isoformat())
        expression = {
            "category": self.category.id,
            "category_group": self.category.category_group,
            "lead_status": t.Contact.lead_status_id,
            "owner": self.owner.id,
        }[key]
        wanted = value if isinstance(value, list) else [value]
        ids = [int(v) for v in wanted if v not in (EMPTY, None, "")]
        terms = []
        if ids:
            terms.append(expression.in_(ids))
        if any(v in (EMPTY, None, "") for v in wanted):
            terms.append(expression.is_(None))
        return or_(*terms) if terms else None


def _check_column(key: str | None, what: str) -> None:
    if key is not None and (key not in COLUMNS or key in SHOW_ONLY):
        raise RuleViolation(
            _("{what}: unknown column '{key}'. Choose one of: {keys}.").format(
                what=what, key=key, keys=", ".join(k for k in COLUMNS if k not in SHOW_ONLY)
            ),
            field=what.lower(),
        )


async def list_contacts(
    db: Database,
    actor: Actor,
    *,
    company_id: int | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = 50,
    sort: str = "name",
    descending: bool = False,
    group: str | None = None,
    filters: dict[str, Any] | None = None,
    count: bool = True,
) -> ContactPage:
    """A page of live contacts (of one company, or all). `search` matches the start of the name ("first last" or
    last name) or of the email, ignoring case. Sorted by `sort`; with `group` the rows come grouped by that
    column first and the page carries the count of every group. Counts come from the database; `count=False`
    (the next page of a list whose total is known) leaves the count out: `total` is then -1."""
    _check_column(sort, "Sort")
    _check_column(group, "Group")
    for key in filters or {}:
        _check_column(key, "Filter")
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, min(offset, lookup.MAX_ID))  # past the end: an empty page, not a driver error
    sql = _Sql.make()
    conditions = _conditions(sql, db.dialect, company_id, search, filters)
    order: list[Any] = []
    group_key = group_label = None
    if group:
        group_key, group_label = sql.group(group)
        order.extend(expr.asc().nulls_first() for expr in sql.sort(group))
        order.append(group_key.asc().nulls_first())
    order.extend((expr.desc() if descending else expr.asc()).nulls_last() for expr in sql.sort(sort))
    order.append(t.Contact.id.desc() if descending else t.Contact.id.asc())
    visible = and_(t.Contact.company_id.is_not(None), rules.lead_enabled_sql(sql.category))
    columns = [
        t.Contact.id,
        t.Contact.first_name,
        t.Contact.last_name,
        t.Contact.company_id,
        t.Company.name,
        sql.category.id,
        sql.category.name,
        sql.category.category_group,
        t.Contact.lead_status_id,
        sql.status.name,
        sql.status.description,
        case((visible, True), else_=False),
        sql.owner.id,
        sql.owner.login,
        sql.owner.full_name,
        t.Contact.email,
        t.Contact.email_opt_in,
        t.Contact.title,
        t.Contact.mobile,
        t.Contact.registered_at,
        group_key if group_key is not None else literal(None),
    ]
    query = sql.joined(select(*columns).select_from(t.Contact)).where(*conditions).order_by(*order)
    count_query = select(func.count()).select_from(t.Contact)
    if any(key in JOINED_FILTERS for key in filters or {}):
        count_query = sql.joined(count_query)  # only then: counting a million contacts needs no joins
    count_query = count_query.where(*conditions)

    async def counted() -> int:
        async with db.read() as session:
            return await session.scalar(count_query) or 0

    # the count of every match (the slow part on a million contacts) runs beside the page, in a session of its own
    counting = asyncio.ensure_future(counted()) if count and db.reads_side_by_side else None
    total = -1
    try:
        async with db.read() as session:
            if count and counting is None:
                total = await session.scalar(count_query) or 0
            rows = (await session.execute(query.offset(offset).limit(limit))).all()
            groups = None
            if group:
                assert group_key is not None  # set above for a group
                # grouped by the key only; label and order are aggregates of it (PostgreSQL wants every column grouped)
                if COLUMNS[group].kind == "bool":
                    label_expr, order_exprs = group_key, [group_key]
                else:
                    label_expr, order_exprs = func.min(group_label), [func.min(expr) for expr in sql.sort(group)]
                group_query = (
                    sql.joined(select(group_key, label_expr, func.count()).select_from(t.Contact))
                    .where(*conditions)
                    .group_by(group_key)
                    .order_by(*(expr.asc().nulls_first() for expr in order_exprs), group_key.asc().nulls_first())
                    .limit(1000)
                )
                groups = [
                    GroupCount(key=_group_key_text(key), label=_group_label(group, label), count=count)
                    for key, label, count in (await session.execute(group_query)).all()
                ]
        items = [
            ContactRow(
                id=r[0],
                first_name=r[1],
                last_name=r[2],
                name=rules.full_name(r[1], r[2]),
                company_id=r[3],
                company=r[4] or "",
                category_id=r[5],
                category=r[6] or "",
                category_group_id=r[7] or 0,
                category_group=rules.group_name(r[7]) if r[7] is not None else "",
                lead_status_id=r[8],
                lead_status=r[9] or "",
                lead_status_description=r[10] or "",
                lead_status_visible=bool(r[11]),
                owner_id=r[12],
                owner=r[13],
                owner_name=r[14] or r[13] or "",
                email=r[15],
                email_opt_in=bool(r[16]),
                title=r[17],
                mobile=r[18],
                registered_at=r[19],
                group_key=_group_key_text(r[20]) if group else None,
            )
            for r in rows
        ]
        if items:  # Next activity of the page's contacts: one query on activity(contact_id, completed, start_at)
            from leadtui.services.follow_ups import next_activity_by_contact

            async with db.read() as session:
                planned = await next_activity_by_contact(session, [item.id for item in items])
                allowed = await rights.owners_may_edit(session, actor, {item.owner_id for item in items})
            today = date.today()
            for item in items:
                item.may_delete = item.owner_id in allowed
                item.next_activity = planned.get(item.id)
                item.next_activity_overdue = item.next_activity is not None and item.next_activity < today
        if counting is not None:
            total = await counting
    finally:
        if counting is not None and not counting.done():  # the page failed (or was cancelled): so does the count
            counting.cancel()
            await asyncio.gather(counting, return_exceptions=True)
    return ContactPage(items=items, total=total, offset=offset, limit=limit, groups=groups)


def _conditions(
    sql: _Sql, dialect: str, company_id: int | None, search: str, filters: dict[str, Any] | None
) -> list[Any]:
    conditions: list[Any] = [t.Contact.deleted_at.is_(None)]
    if company_id is not None:
        conditions.append(t.Contact.company_id == company_id)
    check_text("search", search)
    term = rules.search_key(search)
    if term:
        conditions.append(
            or_(
                rules.starts_with(t.Contact.name_key, term, dialect),
                rules.starts_with(t.Contact.last_key, term, dialect),
                rules.starts_with(t.Contact.email_normalized, term, dialect),
            )
        )
    for key, value in (filters or {}).items():
        condition = sql.filter(key, value, dialect)
        if condition is not None:
            conditions.append(condition)
    return conditions


async def matching_contact_ids(
    db: Database,
    actor: Actor,
    *,
    company_id: int | None = None,
    search: str = "",
    filters: dict[str, Any] | None = None,
    limit: int = 200_000,
) -> list[int]:
    """Ids of the live contacts a contacts table shows (all pages), for "bulk update all of them"."""
    for key in filters or {}:
        _check_column(key, "Filter")
    sql = _Sql.make()
    query = (
        sql.joined(select(t.Contact.id).select_from(t.Contact))
        .where(*_conditions(sql, db.dialect, company_id, search, filters))
        .order_by(t.Contact.id)
        .limit(limit)
    )
    async with db.read() as session:
        return list((await session.scalars(query)).all())


def _group_key_text(value: Any) -> str:
    return "" if value is None else str(value)


def _group_label(group: str, label: Any) -> str:
    if label is None or label == "":
        return _("(No selection)") if COLUMNS[group].kind == "list" else _("(empty)")
    if group == "category_group":
        return rules.group_name(int(label))
    if group == "email_opt_in":
        return _("Yes") if label else _("No")
    return str(label)


def column_label(key: str) -> str:
    return _(COLUMNS[key].label)
