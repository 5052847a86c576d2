"""What companies, contacts and bulk update share: lookups by id or name, search keys, email, the lead status rules.

Lead status (SPEC.md 2.1, DESIGN.md decisions 2-5), in one place:
- a contact's lead status is *visible* (L1) when it belongs to a company whose category is in the group
  Potential customer with "Enable lead status" on (and the category is not deleted);
- it is *editable* when visible and the user may edit the contact;
- a contact gets the default status (Open) when it is created under such a company, when its company's category
  changes from one without lead status to one with it, and when it moves to such a company from a company (or
  no company) without lead status; otherwise the stored value stays, read-only when hidden.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    DateTime,
    Integer,
    String,
    and_,
    any_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    SQLColumnExpression,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.enums import CategoryGroup, Role
from leadtui.services import lookup
from leadtui.services.actor import Actor
from leadtui.services.errors import RuleViolation

# --------------------------------------------------------------------------- text keys


def search_key(text: str) -> str:
    """The form names are searched and sorted in: spaces collapsed, casefolded (Å/Ø too, unlike SQL lower())."""
    return " ".join((text or "").split()).casefold()


def contact_keys(first_name: str, last_name: str) -> tuple[str, str]:
    """(name_key "first last", last_key) of a contact."""
    return search_key(f"{first_name} {last_name}"), search_key(last_name)


def full_name(first_name: str, last_name: str) -> str:
    return " ".join(part for part in (first_name.strip(), last_name.strip()) if part)


def starts_with(column: SQLColumnExpression[Any], term: str, dialect: str) -> ColumnElement[bool]:
    """`column` (a casefolded key) starts with `term` (casefolded). On SQLite a range, so the index is used
    (SQLite's LIKE only uses an index on NOCASE columns); on PostgreSQL LIKE, right under any collation."""
    if dialect == "sqlite":
        return and_(column >= term, column < term + "\U0010ffff")
    return column.startswith(term, autoescape=True)


# --------------------------------------------------------------------------- email and domain

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def normalise_email(value: str | None, field: str = "email") -> tuple[str, str]:
    """(email as typed but stripped, normalised form). Empty is allowed; anything else must look like an address."""
    text = (value or "").strip()
    if not text:
        return "", ""
    if len(text) > t.TEXT_MAX or not EMAIL_PATTERN.match(text):
        raise RuleViolation(
            _("Email: '{value}' is not a valid email address (expected the form name@example.com).").format(value=text),
            field=field,
        )
    return text, text.casefold()


def domain_from(website: str | None, email: str | None) -> str:
    """A company's domain from its website (host without www.) or else from its email address."""
    site = (website or "").strip()
    if site:
        parts = urlsplit(site if "://" in site else f"//{site}")
        host = (parts.hostname or "").casefold()
        host = host.removeprefix("www.")
        if host:
            return host
    mail = (email or "").strip()
    if "@" in mail:
        return mail.rsplit("@", 1)[1].casefold()
    return ""


# --------------------------------------------------------------------------- lookups by id or name


def _is_id(ref: Any) -> bool:
    return isinstance(ref, int) and not isinstance(ref, bool)


L = TypeVar("L", bound=t.ListItem)


async def _list_item(session: AsyncSession, model: type[L], ref: Any) -> L | None:
    if _is_id(ref):
        return await lookup.get(session, model, ref)
    text = str(ref).strip()
    row = await session.scalar(select(model).where(model.name_key == t.name_key(text)))
    if row is None and text.isdigit():
        row = await lookup.get(session, model, text)
    return row


async def category_by_ref(session: AsyncSession, ref: Any, *, keep_id: int | None = None) -> t.Category:
    """A live category by id or name (ignoring case). A deleted one only when it is the record's current value."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        raise RuleViolation(_("Category: is required (pick one from the list Company - Category)."), field="category")
    row = await _list_item(session, t.Category, ref)
    if row is None:
        raise RuleViolation(
            _("Category: '{value}' is not in the list Company - Category.").format(value=ref), field="category"
        )
    if row.deleted and row.id != keep_id:
        raise RuleViolation(
            _("Category: '{value}' is deleted; pick a category from the list.").format(value=row.name), field="category"
        )
    return row


async def lead_status_by_ref(session: AsyncSession, ref: Any, *, keep_id: int | None = None) -> t.LeadStatus:
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        raise RuleViolation(
            _("Lead status: cannot be empty on a lead (pick one from the list Contact - Lead status)."),
            field="lead_status",
        )
    row = await _list_item(session, t.LeadStatus, ref)
    if row is None:
        raise RuleViolation(
            _("Lead status: '{value}' is not in the list Contact - Lead status.").format(value=ref), field="lead_status"
        )
    if row.deleted and row.id != keep_id:
        raise RuleViolation(
            _("Lead status: '{value}' is deleted; pick a status from the list.").format(value=row.name),
            field="lead_status",
        )
    return row


async def business_by_ref(session: AsyncSession, ref: Any, *, keep_id: int | None = None) -> t.Business | None:
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    row = await _list_item(session, t.Business, ref)
    if row is None:
        raise RuleViolation(
            _("Business: '{value}' is not in the list Company - Business.").format(value=ref), field="business"
        )
    if row.deleted and row.id != keep_id:
        raise RuleViolation(
            _("Business: '{value}' is deleted; pick one from the list.").format(value=row.name), field="business"
        )
    return row


async def owner_by_ref(
    session: AsyncSession, ref: Any, *, field: str = "owner", keep_id: int | None = None
) -> t.Associate | None:
    """Our contact by user id or login (ignoring case); None or "" is "(No selection)"."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    if _is_id(ref):
        row = await lookup.get(session, t.Associate, ref)
    else:
        text = str(ref).strip()
        row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == text.lower()))
        if row is None and text.isdigit():
            row = await lookup.get(session, t.Associate, text)
    if row is None:
        raise RuleViolation(_("Our contact: '{value}' is not a user.").format(value=ref), field=field)
    if not row.active and row.id != keep_id:
        raise RuleViolation(_("Our contact: user '{value}' is inactive.").format(value=row.login), field=field)
    return row


async def default_lead_status(session: AsyncSession) -> t.LeadStatus:
    row = await session.scalar(
        select(t.LeadStatus).where(t.LeadStatus.is_default.is_(True), t.LeadStatus.deleted.is_(False))
    )
    if row is None:  # decision 1 keeps one; a hand-edited database may not
        raise RuleViolation(
            _(
                "Lead status: the list Contact - Lead status has no default status; an administrator "
                "must mark one as the default."
            ),
            field="lead_status",
        )
    return row


# --------------------------------------------------------------------------- lead status visibility


def category_is_lead_enabled(category: t.Category | None) -> bool:
    """L1/L3: group Potential customer with lead status enabled (a deleted category no longer counts)."""
    return bool(
        category is not None
        and category.category_group == CategoryGroup.POTENTIAL_CUSTOMER
        and category.enable_lead_status
        and not category.deleted
    )


def lead_enabled_sql(category: Any = t.Category) -> ColumnElement[bool]:
    return and_(
        category.category_group == int(CategoryGroup.POTENTIAL_CUSTOMER),
        category.enable_lead_status.is_(True),
        category.deleted.is_(False),
    )


def lead_enabled_company_ids() -> Any:
    """SELECT of the ids of companies whose category is lead-enabled (for set-based WHERE ... IN)."""
    return (
        select(t.Company.id)
        .join(t.Category, t.Category.id == t.Company.category_id)
        .where(lead_enabled_sql(t.Category))
    )


# --------------------------------------------------------------------------- rights as SQL


def owner_allowed_sql(actor: Actor, owner_column: Any) -> ColumnElement[bool]:
    """rights.may_edit as a SQL condition on an owner column, for set-based checks (bulk update)."""
    if actor.is_admin:
        return true()
    terms = [owner_column.is_(None), owner_column == actor.id]
    if actor.role == Role.SALES_MANAGER and actor.primary_group_id is not None:
        terms.append(
            owner_column.in_(select(t.Associate.id).where(t.Associate.primary_group_id == actor.primary_group_id))
        )
    return or_(*terms)


def contact_editable_sql(actor: Actor) -> ColumnElement[bool]:
    """The actor may edit the contact: its company's Our contact decides when linked (L9), its own otherwise."""
    if actor.is_admin:
        return true()
    return or_(
        and_(t.Contact.company_id.is_(None), owner_allowed_sql(actor, t.Contact.our_contact_id)),
        t.Contact.company_id.in_(select(t.Company.id).where(owner_allowed_sql(actor, t.Company.our_contact_id))),
    )


# --------------------------------------------------------------------------- set-based lead status change


async def old_values(session: AsyncSession, column: Any, condition: ColumnElement[bool]) -> list[tuple[Any, list[int]]]:
    """(old value, ids) groups of the contacts a set-based UPDATE is about to change, for the audit's undo."""
    groups: dict[Any, list[int]] = {}
    for value, contact_id in (await session.execute(select(column, t.Contact.id).where(condition))).all():
        groups.setdefault(value, []).append(contact_id)
    return list(groups.items())


async def update_contacts_where(
    session: AsyncSession,
    actor: Actor | None,
    condition: ColumnElement[bool],
    field: str,
    value: Any,
    *,
    now: datetime | None = None,
    summary: str = "",
) -> int:
    """Set one field on every contact matching `condition`, set-based, recorded in the audit (undo) first."""
    from leadtui.services import audit

    now = now or t.utcnow()
    column = getattr(t.Contact, field)
    changing = and_(condition, column.is_distinct_from(value))
    await audit.record_bulk(
        session, "contact", field, value, await old_values(session, column, changing), summary=summary
    )
    result = await session.execute(
        update(t.Contact)
        .where(changing)
        .values(
            {
                field: value,
                "version": t.Contact.version + 1,
                "updated_at": now,
                "updated_by_id": actor.id if actor else None,
            }
        )
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount or 0


async def set_lead_status_where(
    session: AsyncSession,
    actor: Actor | None,
    condition: ColumnElement[bool],
    status: t.LeadStatus,
    *,
    now: datetime | None = None,
    summary: str = "",
) -> int:
    """Give `status` to every live contact matching `condition` that does not have it yet: one INSERT ... SELECT
    for the history (from each contact's own value), the audit of the old values, one UPDATE. Returns how many
    changed."""
    from leadtui.services import audit

    now = now or t.utcnow()
    changing = and_(condition, t.Contact.deleted_at.is_(None), t.Contact.lead_status_id.is_distinct_from(status.id))
    await audit.record_bulk(
        session,
        "contact",
        "lead_status_id",
        status.id,
        await old_values(session, t.Contact.lead_status_id, changing),
        summary=summary,
    )
    old_name = func.coalesce(
        select(t.LeadStatus.name).where(t.LeadStatus.id == t.Contact.lead_status_id).scalar_subquery(), ""
    )
    rows = select(
        literal("contact", String),
        t.Contact.id,
        literal("lead_status", String),
        t.Contact.lead_status_id,
        old_name,
        literal(status.id, Integer),
        literal(status.name, String),
        literal(now, DateTime),
        literal(actor.id if actor else None, Integer),
    ).where(changing)
    await session.execute(
        insert(t.History).from_select(
            ["entity", "entity_id", "field", "from_id", "from_text", "to_id", "to_text", "at", "by_id"], rows
        )
    )
    result = await session.execute(
        update(t.Contact)
        .where(changing)
        .values(
            lead_status_id=status.id,
            lead_status_since=now,
            version=t.Contact.version + 1,
            updated_at=now,
            updated_by_id=actor.id if actor else None,
        )
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount or 0


def id_in(column: SQLColumnExpression[Any], ids: Iterable[int], dialect: str) -> ColumnElement[bool]:
    """`column IN ids` for any number of ids in one bound parameter: a PostgreSQL array, an SQLite JSON array
    (json_each). Thousands of separate parameters would cost more to bind than the UPDATE itself."""
    values = [int(i) for i in ids]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(values, ARRAY(Integer)))
    each = func.json_each(literal(json.dumps(values), String)).table_valued("value")
    return column.in_(select(each.c.value))


def effective_case(contact_value: Any, company_value: Any) -> Any:
    """The value a contact shows: its company's when linked (L9), its own otherwise."""
    return case((t.Contact.company_id.is_(None), contact_value), else_=company_value)


def group_name(group: int) -> str:
    """A category group's name in the language of now (the number itself for a group this version does not know)."""
    if group not in CategoryGroup._value2member_map_:
        return str(group)
    from leadtui.i18n import current_language
    from leadtui.model.defaults import CATEGORY_GROUP_NAMES

    return CATEGORY_GROUP_NAMES.get(current_language(), CATEGORY_GROUP_NAMES["en"])[CategoryGroup(group)]
