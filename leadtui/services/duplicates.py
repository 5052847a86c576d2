"""Duplicate check while a new contact or company is typed (PEERS.md 4.11): possible matches, strongest first.

Contacts: the same normalised email; the same name ("first last", ignoring case); the same last name with a first
name that starts alike (Jon / Jonathan), at the same company first. Companies: the same domain (from the website
or the email), the same name, a name that starts with the typed name's core (legal forms like A/S, BV, Ltd left
out). Every test is an indexed equality or prefix range, so the check stays fast on a million contacts; the result
is limited (a hint, not a search).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database, bind_dialect
from leadtui.services import contact_rules as rules

LIMIT = 5
# legal forms and filler words that do not tell companies apart (en, da, nl, nb)
LEGAL_WORDS = {
    "a/s",
    "as",
    "aps",
    "asa",
    "i/s",
    "k/s",
    "p/s",
    "ab",
    "bv",
    "b.v.",
    "nv",
    "n.v.",
    "vof",
    "ltd",
    "ltd.",
    "limited",
    "inc",
    "inc.",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "co",
    "co.",
    "corp",
    "corp.",
    "corporation",
    "company",
    "the",
    "de",
    "het",
    "og",
    "and",
    "&",
    "en",
    "holding",
    "group",
    "groep",
    "gruppen",
}
MIN_CORE = 3


class DuplicateOut(BaseModel):
    kind: str  # contact | company
    id: int
    name: str
    detail: str  # company of a contact, domain/city of a company
    reason: str  # why it may be the same (translated)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


def _add(found: dict[int, DuplicateOut], item: DuplicateOut, limit: int) -> None:
    if item.id not in found and len(found) < limit:
        found[item.id] = item


async def similar_contacts(
    db: Database,
    first: str,
    last: str,
    email: str | None = None,
    company_id: int | None = None,
    *,
    exclude_id: int | None = None,
    limit: int = LIMIT,
) -> list[DuplicateOut]:
    """Live contacts that may be the one being typed: same email, same name, similar name."""
    name_key, last_key = rules.contact_keys(first or "", last or "")
    first_key = rules.search_key(first or "")
    mail = rules.search_key(email or "")
    found: dict[int, DuplicateOut] = {}
    company = aliased(t.Company)
    base = (
        select(t.Contact.id, t.Contact.first_name, t.Contact.last_name, company.name, t.Contact.company_id)
        .outerjoin(company, company.id == t.Contact.company_id)
        .where(t.Contact.deleted_at.is_(None))
    )
    if exclude_id is not None:
        base = base.where(t.Contact.id != exclude_id)

    def out(row: tuple[Any, ...], reason: str) -> DuplicateOut:
        return DuplicateOut(
            kind="contact", id=row[0], name=rules.full_name(row[1], row[2]), detail=row[3] or "", reason=reason
        )

    async with db.read() as session:
        dialect = bind_dialect(session).name
        if "@" in mail:
            for row in (
                await session.execute(
                    base.where(t.Contact.email_normalized == mail).order_by(t.Contact.id).limit(limit)
                )
            ).all():
                _add(found, out(row, _("same email")), limit)
        if first_key and last_key:
            same_company_first = [t.Contact.company_id == company_id] if company_id is not None else []
            query = base.where(t.Contact.name_key == name_key)
            order = ([(t.Contact.company_id == company_id).desc()] if company_id is not None else []) + [t.Contact.id]
            for row in (await session.execute(query.order_by(*order).limit(limit))).all():
                reason = (
                    _("same name at the same company")
                    if company_id is not None and row[4] == company_id
                    else _("same name")
                )
                _add(found, out(row, reason), limit)
            if len(found) < limit:
                # same last name, first name starting alike: last_key equality + name_key prefix (one index)
                prefix = f"{first_key[:MIN_CORE]}"
                query = base.where(
                    and_(
                        t.Contact.last_key == last_key,
                        rules.starts_with(t.Contact.name_key, prefix, dialect),
                        t.Contact.name_key != name_key,
                        *same_company_first,
                    )
                )
                for row in (await session.execute(query.order_by(t.Contact.id).limit(limit))).all():
                    _add(
                        found,
                        out(
                            row, _("similar name at the same company") if company_id is not None else _("similar name")
                        ),
                        limit,
                    )
    return list(found.values())


def name_core(name: str) -> str:
    """The words of a company name that tell it apart ("Acme Nordic A/S" -> "acme nordic")."""
    words = [w for w in rules.search_key(name).replace(",", " ").split() if w not in LEGAL_WORDS]
    return " ".join(words)


async def similar_companies(
    db: Database,
    name: str,
    website: str | None = None,
    email: str | None = None,
    *,
    exclude_id: int | None = None,
    limit: int = LIMIT,
) -> list[DuplicateOut]:
    """Live companies that may be the one being typed: same domain, same name, a name starting with its core."""
    domain = rules.domain_from(website, email)
    key = rules.search_key(name or "")
    core = name_core(name or "")
    found: dict[int, DuplicateOut] = {}
    base = select(t.Company.id, t.Company.name, t.Company.domain, t.Company.city).where(t.Company.deleted_at.is_(None))
    if exclude_id is not None:
        base = base.where(t.Company.id != exclude_id)

    def out(row: tuple[Any, ...], reason: str) -> DuplicateOut:
        detail = ", ".join(part for part in (row[2], row[3]) if part)
        return DuplicateOut(kind="company", id=row[0], name=row[1], detail=detail, reason=reason)

    async with db.read() as session:
        dialect = bind_dialect(session).name
        if domain:
            for row in (
                await session.execute(base.where(t.Company.domain == domain).order_by(t.Company.id).limit(limit))
            ).all():
                _add(found, out(row, _("same domain {domain}").format(domain=domain)), limit)
        if key:
            for row in (
                await session.execute(base.where(t.Company.name_key == key).order_by(t.Company.id).limit(limit))
            ).all():
                _add(found, out(row, _("same name")), limit)
        if len(core) >= MIN_CORE and len(found) < limit:
            first_word = core.split()[0]
            prefixes = {core} | ({first_word} if len(first_word) >= MIN_CORE + 1 else set())
            conditions = [rules.starts_with(t.Company.name_key, prefix, dialect) for prefix in prefixes]
            query = base.where(or_(*conditions), t.Company.name_key != key)
            for row in (await session.execute(query.order_by(t.Company.name_key, t.Company.id).limit(limit))).all():
                _add(found, out(row, _("similar name")), limit)
    return list(found.values())
