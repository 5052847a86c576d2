"""Companies: create, edit, delete (soft), show, list with paging and search (SPEC.md 1.1, 2.7, 4.2).

The category of a company decides lead status for all its contacts (L1, decisions 2 and 5): changing it writes
history for the company and each contact, and gives the default status to every contact when the category
changes from one without lead status to one with it. Contacts are updated set-based, never row by row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import contact_rules as rules
from leadtui.services import history, lookup, rights
from leadtui.services.actor import Actor
from leadtui.services.errors import NotFound, RuleViolation, StaleEdit
from leadtui.services.retry import retry_on_conflict
from leadtui.services.validation import FIELD_LABELS, check_text, parse

FIELD_LABELS.update(
    {
        "category": N_("Category"),
        "owner": N_("Our contact"),
        "business": N_("Business"),
        "email": N_("Email"),
        "website": N_("Website"),
        "phone": N_("Phone"),
        "address": N_("Address"),
        "zip_code": N_("Zip code"),
        "city": N_("City"),
        "country": N_("Country"),
        "department": N_("Department"),
        "note": N_("Note"),
        "domain": N_("Domain"),
    }
)

CompanyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.TEXT_MAX)]
Text255 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.TEXT_MAX)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Ref = int | str | None

MAX_PAGE = 500


class CompanyIn(BaseModel):
    """Fields a user may set. On edit only the fields given change; `owner` None means "(No selection)"."""

    model_config = ConfigDict(extra="forbid")
    name: CompanyName | None = None
    category: Ref = None
    owner: Ref = None
    business: Ref = None
    email: Text255 | None = None
    website: Text255 | None = None
    domain: Text255 | None = None
    phone: Short | None = None
    department: Text255 | None = None
    address: Text255 | None = None
    zip_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    city: Text255 | None = None
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = None
    note: str | None = None


class CompanyOut(BaseModel):
    id: int
    name: str
    category_id: int
    category: str
    category_deleted: bool
    category_group_id: int
    category_group: str
    lead_status_enabled: bool
    business_id: int | None
    business: str
    owner_id: int | None
    owner: str | None
    owner_name: str
    email: str
    website: str
    domain: str
    phone: str
    department: str
    address: str
    zip_code: str
    city: str
    country: str
    note: str
    contact_count: int
    registered_at: datetime
    updated_at: datetime | None
    deleted: bool
    may_edit: bool
    version: int


class CompanyRow(BaseModel):
    id: int
    name: str
    category: str
    category_group: str
    lead_status_enabled: bool
    owner: str | None
    owner_name: str
    domain: str
    city: str
    contact_count: int
    may_delete: bool = Field(default=True, description="the user may delete it (their rights and its owner's)")


class CompanyPage(BaseModel):
    items: list[CompanyRow]
    total: int
    offset: int
    limit: int


group_name = (
    rules.group_name
)  # the name of a category group (contact_rules: the contacts' service need not import this one)


# --------------------------------------------------------------------------- reading


async def _load(
    session: AsyncSession, company_id: int, *, include_deleted: bool = False, lock: bool = False
) -> t.Company:
    row = await lookup.get(session, t.Company, company_id, lock=lock)
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFound(_("No company with id {id}.").format(id=company_id))
    return row


async def _out(session: AsyncSession, actor: Actor, row: t.Company) -> CompanyOut:
    category = await session.get(t.Category, row.category_id)
    business = await session.get(t.Business, row.business_id) if row.business_id else None
    owner = await session.get(t.Associate, row.our_contact_id) if row.our_contact_id else None
    contacts = await session.scalar(
        select(func.count()).where(t.Contact.company_id == row.id, t.Contact.deleted_at.is_(None))
    )
    may_edit = rights.may_edit(actor, row.our_contact_id, owner.primary_group_id if owner else None)
    return CompanyOut(
        id=row.id,
        name=row.name,
        category_id=row.category_id,
        category=category.name if category else "",
        category_deleted=bool(category and category.deleted),
        category_group_id=category.category_group if category else 0,
        category_group=group_name(category.category_group if category else 0),
        lead_status_enabled=rules.category_is_lead_enabled(category),
        business_id=row.business_id,
        business=business.name if business else "",
        owner_id=row.our_contact_id,
        owner=owner.login if owner else None,
        owner_name=(owner.full_name or owner.login) if owner else "",
        email=row.email,
        website=row.website,
        domain=row.domain,
        phone=row.phone,
        department=row.department,
        address=row.address,
        zip_code=row.zip_code,
        city=row.city,
        country=row.country,
        note=row.note,
        contact_count=contacts or 0,
        registered_at=row.registered_at,
        updated_at=row.updated_at,
        deleted=row.deleted_at is not None,
        may_edit=may_edit,
        version=row.version,
    )


async def get_company(db: Database, actor: Actor, company_id: int) -> CompanyOut:
    async with db.read() as session:
        return await _out(session, actor, await _load(session, company_id))


async def list_companies(
    db: Database, actor: Actor, *, search: str = "", offset: int = 0, limit: int = 50, category_group: int | None = None
) -> CompanyPage:
    """A page of live companies in name order; `search` matches the start of the name or of the domain, ignoring
    case. `total` is counted in the database."""
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    check_text("search", search)
    term = rules.search_key(search)
    conditions: list[ColumnElement[bool]] = [t.Company.deleted_at.is_(None)]
    if term:
        conditions.append(
            rules.starts_with(t.Company.name_key, term, db.dialect)
            | rules.starts_with(t.Company.domain, term, db.dialect)
        )
    if category_group is not None:
        conditions.append(
            t.Company.category_id.in_(select(t.Category.id).where(t.Category.category_group == category_group))
        )
    owner = aliased(t.Associate)
    contact_count = (
        select(func.count())
        .where(t.Contact.company_id == t.Company.id, t.Contact.deleted_at.is_(None))
        .correlate(t.Company)
        .scalar_subquery()
    )
    query = (
        select(
            t.Company.id,
            t.Company.name,
            t.Category.name,
            t.Category.category_group,
            rules.lead_enabled_sql(t.Category),
            owner.login,
            owner.full_name,
            t.Company.domain,
            t.Company.city,
            contact_count,
            owner.id,
            owner.primary_group_id,
        )
        .join(t.Category, t.Category.id == t.Company.category_id)
        .outerjoin(owner, owner.id == t.Company.our_contact_id)
        .where(*conditions)
        .order_by(t.Company.name_key, t.Company.id)
        .offset(offset)
        .limit(limit)
    )
    async with db.read() as session:
        total = await session.scalar(select(func.count()).select_from(t.Company).where(*conditions)) or 0
        rows = (await session.execute(query)).all()
    items = [
        CompanyRow(
            id=r[0],
            name=r[1],
            category=r[2],
            category_group=group_name(r[3]),
            lead_status_enabled=bool(r[4]),
            owner=r[5],
            owner_name=(r[6] or r[5] or ""),
            domain=r[7],
            city=r[8],
            contact_count=r[9] or 0,
            may_delete=rights.may_edit(actor, r[10], r[11]),  # the delete rule (rights.ensure_can_delete)
        )
        for r in rows
    ]
    return CompanyPage(items=items, total=total, offset=offset, limit=limit)


# --------------------------------------------------------------------------- writing


def _apply_text_fields(row: t.Company, values: CompanyIn, given: set[str]) -> None:
    for field in ("name", "email", "website", "phone", "department", "address", "zip_code", "city", "country", "note"):
        if field in given and getattr(values, field) is not None:
            setattr(row, field, getattr(values, field))
    if "name" in given and values.name is not None:
        row.name_key = rules.search_key(values.name)
    if "email" in given and values.email is not None:
        row.email, _normal = rules.normalise_email(values.email)
    if "domain" in given and values.domain:
        row.domain = rules.domain_from(values.domain, None) or values.domain.casefold()
    elif "domain" in given or "website" in given or "email" in given or not row.domain:
        # derived from the website, else the email, unless given (used for duplicate checks)
        row.domain = rules.domain_from(row.website, row.email)


async def create_company(db: Database, actor: Actor, data: dict[str, Any]) -> CompanyOut:
    """New company. Name and Category are mandatory (SPEC 1.1); Our contact defaults to the current user and may
    be left empty ("(No selection)") by giving owner None."""
    values = parse(CompanyIn, data)
    given = set(values.model_fields_set)
    if not values.name:
        raise RuleViolation(_("Name: is required"), field="name")
    async with db.write(actor) as session:
        category = await rules.category_by_ref(session, values.category)
        owner_id: int | None = actor.id
        if "owner" in given:
            owner = await rules.owner_by_ref(session, values.owner)
            owner_id = owner.id if owner else None
        business = await rules.business_by_ref(session, values.business)
        now = t.utcnow()
        row = t.Company(
            name=values.name,
            category_id=category.id,
            our_contact_id=owner_id,
            business_id=business.id if business else None,
            registered_at=now,
            registered_by_id=actor.id,
        )
        _apply_text_fields(row, values, given)
        session.add(row)
        await session.flush()
        await history.record(
            session, actor, "company", row.id, "category", None, "", category.id, category.name, at=now
        )
        return await _out(session, actor, row)


async def update_company(
    db: Database, actor: Actor, company_id: int, data: dict[str, Any], *, expected_version: int | None = None
) -> CompanyOut:
    """Change the given fields. A category change carries the lead status rules to every contact."""
    values = parse(CompanyIn, data)
    given = set(values.model_fields_set)
    if "name" in given and not values.name:
        raise RuleViolation(_("Name: is required"), field="name")

    async def attempt() -> CompanyOut:
        async with db.write(actor) as session:
            row = await _load(session, company_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                current = await _out(session, actor, row)
                raise StaleEdit(
                    _(
                        "Company '{name}' was changed by someone else since you opened it; reload to see the change."
                    ).format(name=row.name),
                    current=current,
                    changed=_changed(values, given, current),
                )
            await rights.ensure_can_edit(
                session, actor, row.our_contact_id, _("the company '{name}'").format(name=row.name)
            )
            old_category = await session.get(t.Category, row.category_id)
            new_category = old_category
            if "category" in given:
                new_category = await rules.category_by_ref(session, values.category, keep_id=row.category_id)
            if "owner" in given:
                owner = await rules.owner_by_ref(session, values.owner, keep_id=row.our_contact_id)
                row.our_contact_id = owner.id if owner else None
            if "business" in given:
                business = await rules.business_by_ref(session, values.business, keep_id=row.business_id)
                row.business_id = business.id if business else None
            _apply_text_fields(row, values, given)
            now = t.utcnow()
            row.updated_at, row.updated_by_id = now, actor.id
            category_changed = (
                new_category is not None and old_category is not None and new_category.id != old_category.id
            )
            if category_changed:
                assert new_category is not None
                row.category_id = new_category.id
            await session.flush()
            if category_changed:
                assert old_category is not None and new_category is not None
                await _carry_category_change(session, actor, row, old_category, new_category, now)
            return await _out(session, actor, row)

    try:  # a lost race on PostgreSQL is not a conflict for a save without an expected version: read and save again
        return await retry_on_conflict(attempt)
    except StaleDataError:
        async with db.read() as session:
            current = await _out(session, actor, await _load(session, company_id))
        raise StaleEdit(
            _("Company '{name}' was changed by someone else while you saved; reload to see the change.").format(
                name=current.name
            ),
            current=current,
            changed=_changed(values, given, current),
        ) from None


def _changed(values: CompanyIn, given: set[str], current: CompanyOut) -> dict[str, tuple[Any, Any]]:
    """Fields the user wants to save that differ from what is in the database now: (yours, theirs)."""
    changed: dict[str, tuple[Any, Any]] = {}
    for field in given:
        mine = getattr(values, field)
        theirs = {"category": current.category, "owner": current.owner}.get(field, getattr(current, field, None))
        if field == "category" and isinstance(mine, int):
            theirs = current.category_id
        if field == "owner" and isinstance(mine, int):
            theirs = current.owner_id
        if mine != theirs:
            changed[field] = (mine, theirs)
    return changed


async def change_category(
    session: AsyncSession, actor: Actor, company: t.Company, old: t.Category, new: t.Category
) -> None:
    """Set the company's category as a manual change does (update_company): the row, then _carry_category_change
    (history, contacts, lead status rules). Category automation (services/automation.py) changes it through here."""
    now = t.utcnow()
    company.category_id = new.id
    company.updated_at, company.updated_by_id = now, actor.id
    await session.flush()
    await _carry_category_change(session, actor, company, old, new, now)


async def _carry_category_change(
    session: AsyncSession, actor: Actor, company: t.Company, old: t.Category, new: t.Category, now: datetime
) -> None:
    """History for the company and each live contact; decision 2 when the company enters lead status."""
    await history.record(session, actor, "company", company.id, "category", old.id, old.name, new.id, new.name, at=now)
    contact_ids = list(
        (
            await session.scalars(
                select(t.Contact.id)
                .where(t.Contact.company_id == company.id, t.Contact.deleted_at.is_(None))
                .order_by(t.Contact.id)
            )
        ).all()
    )
    if not contact_ids:
        return
    await history.record_many(
        session, actor, "contact", contact_ids, "category", old.id, old.name, new.id, new.name, at=now
    )
    # a contact's category is part of its card: bump versions so an open card cannot save over the change
    await session.execute(
        update(t.Contact)
        .where(t.Contact.company_id == company.id, t.Contact.deleted_at.is_(None))
        .values(version=t.Contact.version + 1, updated_at=now, updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    was_enabled, now_enabled = rules.category_is_lead_enabled(old), rules.category_is_lead_enabled(new)
    if now_enabled:
        default = await rules.default_lead_status(session)
        if not was_enabled:
            # decision 2: entering (or re-entering) lead status gives every contact the default, overwriting
            await rules.set_lead_status_where(session, actor, t.Contact.company_id == company.id, default, now=now)
        else:
            # decision 3: never empty on a lead-enabled contact (only matters for data from elsewhere)
            await rules.set_lead_status_where(
                session,
                actor,
                (t.Contact.company_id == company.id) & t.Contact.lead_status_id.is_(None),
                default,
                now=now,
            )
    # leaving lead status: the values stay, read-only (decisions 2 and 5)


async def delete_company(db: Database, actor: Actor, company_id: int) -> CompanyOut:
    """Soft delete (the recycle bin of SPEC P3) of the company and its contacts. Its sales stay where they are."""
    async with db.write(actor) as session:
        row = await _load(session, company_id)
        await rights.ensure_can_delete(
            session, actor, row.our_contact_id, _("the company '{name}'").format(name=row.name)
        )
        now = t.utcnow()
        row.deleted_at = now
        row.updated_at, row.updated_by_id = now, actor.id
        await session.flush()
        await rules.update_contacts_where(
            session,
            actor,
            (t.Contact.company_id == row.id) & t.Contact.deleted_at.is_(None),
            "deleted_at",
            now,
            now=now,
            summary=_("deleted with the company '{name}'").format(name=row.name),
        )
        return await _out(session, actor, row)


async def restore_company(db: Database, actor: Actor, company_id: int) -> CompanyOut:
    """Bring a deleted company back with the contacts that were deleted with it (SPEC P3)."""
    async with db.write(actor) as session:
        row = await _load(session, company_id, include_deleted=True)
        if row.deleted_at is None:
            raise RuleViolation(_("Company '{name}' is not deleted.").format(name=row.name), field="id")
        await rights.ensure_can_delete(
            session, actor, row.our_contact_id, _("the company '{name}'").format(name=row.name)
        )
        deleted_at = row.deleted_at
        now = t.utcnow()
        row.deleted_at = None
        row.updated_at, row.updated_by_id = now, actor.id
        await session.flush()
        await rules.update_contacts_where(
            session,
            actor,
            (t.Contact.company_id == row.id) & (t.Contact.deleted_at == deleted_at),
            "deleted_at",
            None,
            now=now,
            summary=_("restored with the company '{name}'").format(name=row.name),
        )
        return await _out(session, actor, row)


async def sales_count(db: Database, company_id: int) -> int:
    """How many sales are registered on the company (said in the delete confirmation)."""
    async with db.read() as session:
        return await session.scalar(select(func.count()).where(t.Sale.company_id == company_id)) or 0
