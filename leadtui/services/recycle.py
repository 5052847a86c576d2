"""The recycle bin (SPEC.md 2.7 P3, 4.10): deleted companies, contacts and sales of the last 14 days, newest
first, and restoring them.

Companies and contacts are deleted softly (`deleted_at`); a sale is deleted for good, but the audit keeps the
values of its row and of its follow-ups (services/audit.py), so a sale is restored from there: the same number,
stage, money, owner and follow-ups. Nothing is purged: after 14 days a record is no longer offered here (undo
and the audit still know it).

Rights: whoever may delete a record may restore it (administrators anything). A contact whose company is still
deleted is not restored alone: the company is restored first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from leadtui.i18n import _, ngettext
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import Role
from leadtui.services import contact_rules as rules
from leadtui.services import rights
from leadtui.services.actor import Actor
from leadtui.services.audit import _from_json
from leadtui.services.errors import NotFound, RuleViolation

RETENTION_DAYS = 14
KINDS = ("company", "contact", "sale")
LIMIT = 1000  # at most this many records of each kind are listed


class RecycledOut(BaseModel):
    """One deleted record in the recycle bin."""

    kind: str  # company, contact, sale
    id: int
    name: str
    detail: str  # the company of a contact or sale; "with N contacts" of a company
    deleted_at: datetime
    deleted_by: str  # login
    deleted_by_name: str  # full name (the login when none)
    contacts: int = 0  # of a company: contacts deleted with it (restored with it)
    follow_ups: int = 0  # of a sale: follow-ups deleted with it (restored with it)
    may_restore: bool


class RestoredOut(BaseModel):
    kind: str
    id: int
    name: str
    contacts: int = 0
    follow_ups: int = 0


def cutoff(now: datetime | None = None) -> datetime:
    """Records deleted before this moment are no longer in the recycle bin."""
    return (now or t.utcnow()) - timedelta(days=RETENTION_DAYS)


def kind_label(kind: str) -> str:
    return {"company": _("Company"), "contact": _("Contact"), "sale": _("Sale")}.get(kind, kind)


async def _users(session: AsyncSession, ids: set[int | None]) -> dict[int, tuple[str, str]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(t.Associate.id, t.Associate.login, t.Associate.full_name).where(t.Associate.id.in_(wanted))
    )
    return {i: (login, full or login) for i, login, full in rows.all()}


async def _groups(session: AsyncSession, ids: set[int | None]) -> dict[int, int | None]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(t.Associate.id, t.Associate.primary_group_id).where(t.Associate.id.in_(wanted)))
    return dict(rows.all())


def _may_sale(actor: Actor, owner_id: int | None, group: int | None) -> bool:
    """rights.ensure_can_delete_sale without the database (the owner's group is looked up by the caller)."""
    if owner_id == actor.id or actor.is_admin or actor.delete_others_sales:
        return True
    return actor.role == Role.SALES_MANAGER and actor.primary_group_id is not None and group == actor.primary_group_id


async def _deleted_sales(session: AsyncSession, since: datetime, sale_id: int | None = None) -> list[t.AuditLog]:
    """The newest not undone delete entry of each sale deleted since `since` that is not there now."""
    query = (
        select(t.AuditLog)
        .where(
            t.AuditLog.entity == "sale",
            t.AuditLog.action == "delete",
            t.AuditLog.undone.is_(False),
            t.AuditLog.at >= since,
        )
        .order_by(t.AuditLog.id.desc())
        .limit(LIMIT * 2)
    )
    if sale_id is not None:
        query = query.where(t.AuditLog.entity_id == sale_id)
    entries = (await session.scalars(query)).all()
    ids = {e.entity_id for e in entries if e.entity_id is not None}
    present: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):
        present.update(
            (await session.scalars(select(t.Sale.id).where(t.Sale.id.in_(ordered[start : start + 1000])))).all()
        )
    seen: set[int] = set()
    out = []
    for entry in entries:
        if entry.entity_id is None or entry.entity_id in present or entry.entity_id in seen:
            continue
        seen.add(entry.entity_id)
        out.append(entry)
    return out


def _old(entry: t.AuditLog, field: str) -> Any:
    pair = entry.changes.get(field) if isinstance(entry.changes, dict) else None
    return pair[0] if isinstance(pair, list | tuple) and pair else None


async def _follow_ups_of(session: AsyncSession, entry: t.AuditLog) -> list[t.AuditLog]:
    """The follow-ups deleted with the sale (the same change)."""
    rows = (
        await session.scalars(
            select(t.AuditLog).where(
                t.AuditLog.changeset == entry.changeset,
                t.AuditLog.entity == "activity",
                t.AuditLog.action == "delete",
            )
        )
    ).all()
    return [row for row in rows if _old(row, "sale_id") == entry.entity_id]


async def list_recycled(db: Database, actor: Actor, *, now: datetime | None = None) -> list[RecycledOut]:
    """The recycle bin: what was deleted in the last 14 days, newest first. A company's contacts deleted with it
    are counted on the company (they come back with it), not listed one by one."""
    since = cutoff(now)
    out: list[RecycledOut] = []
    async with db.read() as session:
        alive = (
            select(t.Contact.company_id, func.count().label("n"))
            .join(t.Company, t.Company.id == t.Contact.company_id)
            .where(t.Contact.deleted_at == t.Company.deleted_at)
            .group_by(t.Contact.company_id)
            .subquery()
        )
        companies = (
            await session.execute(
                select(t.Company, alive.c.n)
                .outerjoin(alive, alive.c.company_id == t.Company.id)
                .where(t.Company.deleted_at >= since)
                .order_by(t.Company.deleted_at.desc())
                .limit(LIMIT)
            )
        ).all()
        company = aliased(t.Company)
        contacts = (
            await session.execute(
                select(t.Contact, company)
                .outerjoin(company, company.id == t.Contact.company_id)
                .where(
                    t.Contact.deleted_at >= since,
                    (company.id.is_(None)) | company.deleted_at.is_distinct_from(t.Contact.deleted_at),
                )
                .order_by(t.Contact.deleted_at.desc())
                .limit(LIMIT)
            )
        ).all()
        sales = await _deleted_sales(session, since)
        sale_companies: dict[int, str] = {}
        wanted = {int(c) for e in sales if (c := _old(e, "company_id")) is not None}
        if wanted:
            rows = await session.execute(select(t.Company.id, t.Company.name).where(t.Company.id.in_(wanted)))
            sale_companies = dict(rows.all())
        follow_ups: dict[str, int] = {}
        if sales:
            rows = await session.execute(
                select(t.AuditLog.changeset, func.count())
                .where(
                    t.AuditLog.changeset.in_({e.changeset for e in sales}),
                    t.AuditLog.entity == "activity",
                    t.AuditLog.action == "delete",
                )
                .group_by(t.AuditLog.changeset)
            )
            follow_ups = dict(rows.all())  # type: ignore[arg-type]
        owners: set[int | None] = {row.our_contact_id for row, _n in companies}
        for contact, comp in contacts:
            owners.add(comp.our_contact_id if comp is not None else contact.our_contact_id)
        sale_owners = {int(o) for e in sales if (o := _old(e, "owner_id")) is not None}
        groups = await _groups(session, owners | set(sale_owners))
        users = await _users(
            session,
            {row.updated_by_id for row, _n in companies}
            | {c.updated_by_id for c, _comp in contacts}
            | {e.actor_id for e in sales},
        )

        def who(user_id: int | None) -> tuple[str, str]:
            return users.get(user_id or -1, ("", ""))

        for row, n in companies:
            login, name = who(row.updated_by_id)
            out.append(
                RecycledOut(
                    kind="company",
                    id=row.id,
                    name=row.name,
                    detail=ngettext("with {n} contact", "with {n} contacts", n).format(n=n) if n else "",
                    deleted_at=row.deleted_at,
                    deleted_by=login,
                    deleted_by_name=name,
                    contacts=n or 0,
                    may_restore=rights.may_edit(actor, row.our_contact_id, groups.get(row.our_contact_id or -1)),
                )
            )
        for contact, comp in contacts:
            owner = comp.our_contact_id if comp is not None else contact.our_contact_id
            login, name = who(contact.updated_by_id)
            out.append(
                RecycledOut(
                    kind="contact",
                    id=contact.id,
                    name=rules.full_name(contact.first_name, contact.last_name),
                    detail=comp.name if comp is not None else "",
                    deleted_at=contact.deleted_at,
                    deleted_by=login,
                    deleted_by_name=name,
                    may_restore=rights.may_edit(actor, owner, groups.get(owner or -1)),
                )
            )
        for entry in sales:
            owner = _old(entry, "owner_id")
            company_id = _old(entry, "company_id")
            login, name = who(entry.actor_id)
            out.append(
                RecycledOut(
                    kind="sale",
                    id=int(entry.entity_id or 0),
                    name=str(_old(entry, "heading") or ""),
                    detail=sale_companies.get(int(company_id), "") if company_id is not None else "",
                    deleted_at=entry.at,
                    deleted_by=login,
                    deleted_by_name=name,
                    follow_ups=follow_ups.get(entry.changeset, 0),
                    may_restore=_may_sale(actor, owner, groups.get(owner if owner is not None else -1)),
                )
            )
    out.sort(key=lambda item: (item.deleted_at, item.id), reverse=True)
    return out


def _too_old(what: str) -> RuleViolation:
    return RuleViolation(
        _("{what} was deleted more than {days} days ago and is no longer in the recycle bin.").format(
            what=what, days=RETENTION_DAYS
        ),
        field="id",
    )


async def restore(db: Database, actor: Actor, kind: str, record_id: int, *, now: datetime | None = None) -> RestoredOut:
    """Bring a record back from the recycle bin: a company with the contacts deleted with it, a contact, a sale
    with its follow-ups. One change: undo (ctrl+z) deletes it again."""
    if kind == "company":
        return await _restore_company(db, actor, record_id, now)
    if kind == "contact":
        return await _restore_contact(db, actor, record_id, now)
    if kind == "sale":
        return await _restore_sale(db, actor, record_id, now)
    raise RuleViolation(_("Kind: choose company, contact or sale (not '{kind}').").format(kind=kind), field="kind")


async def _restore_company(db: Database, actor: Actor, company_id: int, now: datetime | None) -> RestoredOut:
    from leadtui.services import companies

    async with db.read() as session:
        row = await session.get(t.Company, company_id)
        if row is None:
            raise NotFound(_("No company with id {id}.").format(id=company_id))
        if row.deleted_at is None:
            raise RuleViolation(_("Company '{name}' is not deleted.").format(name=row.name), field="id")
        if row.deleted_at < cutoff(now):
            raise _too_old(_("Company '{name}'").format(name=row.name))
        contacts = (
            await session.scalar(
                select(func.count()).where(t.Contact.company_id == row.id, t.Contact.deleted_at == row.deleted_at)
            )
            or 0
        )
    out = await companies.restore_company(db, actor, company_id)
    return RestoredOut(kind="company", id=out.id, name=out.name, contacts=contacts)


async def _restore_contact(db: Database, actor: Actor, contact_id: int, now: datetime | None) -> RestoredOut:
    async with db.write(actor) as session:
        row = await session.get(t.Contact, contact_id, with_for_update=True)
        if row is None:
            raise NotFound(_("No contact with id {id}.").format(id=contact_id))
        name = rules.full_name(row.first_name, row.last_name)
        if row.deleted_at is None:
            raise RuleViolation(_("Contact '{name}' is not deleted.").format(name=name), field="id")
        if row.deleted_at < cutoff(now):
            raise _too_old(_("Contact '{name}'").format(name=name))
        company = await session.get(t.Company, row.company_id) if row.company_id else None
        if company is not None and company.deleted_at is not None:
            raise RuleViolation(
                _(
                    "Contact '{name}': its company '{company}' is deleted; restore the company first "
                    "(company {id} in the recycle bin)."
                ).format(name=name, company=company.name, id=company.id),
                field="company",
            )
        owner = company.our_contact_id if company is not None else row.our_contact_id
        await rights.ensure_can_delete(session, actor, owner, _("the contact '{name}'").format(name=name))
        stamp = t.utcnow()
        row.deleted_at = None
        row.updated_at, row.updated_by_id = stamp, actor.id
        await session.flush()
        return RestoredOut(kind="contact", id=row.id, name=name)


async def _restore_sale(db: Database, actor: Actor, sale_id: int, now: datetime | None) -> RestoredOut:
    async with db.write(actor) as session:
        if await session.get(t.Sale, sale_id) is not None:
            raise RuleViolation(_("Sale {id} is not deleted.").format(id=sale_id), field="id")
        entries = await _deleted_sales(session, cutoff(now), sale_id)
        if not entries:
            older = await _deleted_sales(session, datetime(1970, 1, 1), sale_id)
            if older:
                raise _too_old(_("Sale '{heading}'").format(heading=_old(older[0], "heading") or sale_id))
            raise NotFound(_("No deleted sale with id {id} in the recycle bin.").format(id=sale_id))
        entry = entries[0]
        owner = _old(entry, "owner_id")
        await rights.ensure_can_delete_sale(session, actor, owner, str(_old(entry, "heading") or sale_id))
        sale = _row_from(t.Sale, entry)
        sale.updated_at, sale.updated_by_id = t.utcnow(), actor.id
        session.add(sale)
        await session.flush()
        follow_ups = await _follow_ups_of(session, entry)
        for item in follow_ups:
            if item.entity_id is not None and await session.get(t.Activity, item.entity_id) is None:
                session.add(_row_from(t.Activity, item))
        await session.flush()
        return RestoredOut(kind="sale", id=sale_id, name=str(_old(entry, "heading") or ""), follow_ups=len(follow_ups))


def _row_from(model: Any, entry: t.AuditLog) -> Any:
    """The row as it was when deleted, from the audit's old values."""
    values = {
        field: _from_json(model, field, pair[0])
        for field, pair in entry.changes.items()
        if field in model.__table__.c and isinstance(pair, list | tuple)
    }
    return model(**values)
