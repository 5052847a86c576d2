"""Distribute new leads (SPEC.md 1.16, 5.2; DESIGN.md decision 11; SPEC.md 6 item 18 decided here).

- An administrator chooses the recipients: users in a fixed order (mode "users") or the members of one user group
  (mode "group", primary group, in login order), and a fallback user; "off" distributes nothing. Users may be
  marked away (temporarily unavailable) without leaving the list.
- Only contacts without an owner are assigned. A contact's owner is its company's Our contact when it has a company
  (SPEC.md L9), so the unit that is assigned is the company (its contacts follow it); a contact without a company is
  assigned itself. A company that already has an owner is never changed.
- Round robin: the next recipient after the last one assigned, skipping users who are not available (inactive or
  away); the cursor lives in the database, so the order continues across runs and processes. When nobody is
  available the fallback user gets the lead; without one the lead stays unassigned (and is reported).
- Every assignment writes a lead_assignment row with the reason ("round robin 3 of 4: Bob; skipped Carol (away)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _, ngettext
from leadtui.model import tables as t
from leadtui.model.engine import Database, bind_dialect
from leadtui.services import audit, batch
from leadtui.services import contact_rules as rules
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation, StaleEdit
from leadtui.services.validation import FIELD_LABELS, parse

FIELD_LABELS.update(
    {
        "mode": N_("Distribute contacts to"),
        "users": N_("Users"),
        "group": N_("User group"),
        "fallback": N_("If no one is available, assign contacts to"),
        "away": N_("Away"),
    }
)

SETTING_ID = 1
MODES = ("off", "users", "group")


class DistributionIn(BaseModel):
    """What an administrator sets. Users are logins (or ids), in round-robin order."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["off", "users", "group"] = "users"
    users: list[str | int] = []
    group: str | int | None = None
    fallback: str | int | None = None
    away: list[str | int] = []


class UserRef(BaseModel):
    id: int
    login: str
    name: str
    active: bool
    away: bool = False

    @property
    def available(self) -> bool:
        return self.active and not self.away


class DistributionOut(BaseModel):
    mode: str
    users: list[UserRef]  # mode users: the chosen users; mode group: the group's members (round-robin order)
    group_id: int | None
    group: str | None
    fallback: UserRef | None
    away: list[str]
    next_user: str | None  # who gets the next lead (login), None when off or nobody is available
    version: int


class AssignmentOut(BaseModel):
    contact_id: int
    contact: str
    company_id: int | None
    company: str
    user_id: int | None
    user: str | None  # login; None: nobody available and no fallback
    reason: str


class DistributeOut(BaseModel):
    """What `distribute` did (or, dry run, would do)."""

    mode: str
    dry_run: bool
    assignments: list[AssignmentOut]
    assigned: int
    unassigned: int
    per_user: dict[str, int]


# --------------------------------------------------------------------------- settings


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may set how new leads are distributed (missing right: General administrator)."),
            right="General administrator",
        )


async def _setting(session: AsyncSession, *, lock: bool = False) -> t.DistributionSetting | None:
    query = select(t.DistributionSetting).where(t.DistributionSetting.id == SETTING_ID)
    if lock and bind_dialect(session).name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def _user(session: AsyncSession, ref: str | int, field_name: str) -> t.Associate:
    """A user by login (ignoring case) or id; inactive users are allowed in the list (they are skipped)."""
    row = None
    if isinstance(ref, int) or str(ref).strip().isdigit():
        row = await session.get(t.Associate, int(ref))
    if row is None:
        row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == str(ref).strip().lower()))
    if row is None:
        raise RuleViolation(
            _("{field}: '{value}' is not a user.").format(field=_(FIELD_LABELS[field_name]), value=ref),
            field=field_name,
        )
    return row


async def _group(session: AsyncSession, ref: str | int) -> t.UserGroup:
    row = None
    if isinstance(ref, int) or str(ref).strip().isdigit():
        row = await session.get(t.UserGroup, int(ref))
    if row is None:
        row = await session.scalar(select(t.UserGroup).where(t.UserGroup.name_key == t.name_key(str(ref))))
    if row is None or row.deleted:
        raise RuleViolation(
            _("User group: there is no user group '{value}' (see the list General - User group).").format(value=ref),
            field="group",
        )
    return row


@dataclass
class _Recipients:
    """The ordered recipients of a setting with what makes them (un)available."""

    mode: str
    users: list[UserRef]
    fallback: UserRef | None
    last_user_id: int | None
    position: int
    group: t.UserGroup | None = None

    def next(self) -> tuple[int, list[UserRef]] | None:
        """(index of the next available recipient, recipients skipped on the way), or None."""
        n = len(self.users)
        if n == 0:
            return None
        ids = [u.id for u in self.users]
        if self.last_user_id in ids:
            start = ids.index(self.last_user_id) + 1
        else:  # the last one left the list: whoever took its place is next
            start = max(self.position, 0)
        skipped: list[UserRef] = []
        for step in range(n):
            index = (start + step) % n
            if self.users[index].available:
                return index, skipped
            skipped.append(self.users[index])
        return None

    def advance(self, index: int) -> None:
        self.last_user_id = self.users[index].id
        self.position = index


def _ref(row: t.Associate, away: set[int]) -> UserRef:
    return UserRef(id=row.id, login=row.login, name=row.full_name or row.login, active=row.active, away=row.id in away)


async def _recipients(session: AsyncSession, setting: t.DistributionSetting | None) -> _Recipients:
    if setting is None or setting.mode == "off":
        return _Recipients("off", [], None, None, -1)
    away = {int(i) for i in setting.away_ids or []}
    group = None
    if setting.mode == "group":
        group = await session.get(t.UserGroup, setting.group_id) if setting.group_id else None
        rows = (
            []
            if group is None
            else list(
                (
                    await session.scalars(
                        select(t.Associate)
                        .where(t.Associate.primary_group_id == group.id)
                        .order_by(func.lower(t.Associate.login), t.Associate.id)
                    )
                ).all()
            )
        )
    else:
        wanted = [int(i) for i in setting.user_ids or []]
        found = (
            {
                row.id: row
                for row in (await session.scalars(select(t.Associate).where(t.Associate.id.in_(wanted)))).all()
            }
            if wanted
            else {}
        )
        rows = [found[i] for i in wanted if i in found]
    fallback_row = await session.get(t.Associate, setting.fallback_id) if setting.fallback_id else None
    return _Recipients(
        setting.mode,
        [_ref(row, away) for row in rows],
        _ref(fallback_row, set()) if fallback_row else None,
        setting.last_user_id,
        setting.position,
        group,
    )


async def _out(session: AsyncSession, setting: t.DistributionSetting | None) -> DistributionOut:
    recipients = await _recipients(session, setting)
    following = recipients.next()
    away_ids = {int(i) for i in (setting.away_ids if setting else []) or []}
    away_logins = (
        list(
            (
                await session.scalars(
                    select(t.Associate.login).where(t.Associate.id.in_(away_ids)).order_by(t.Associate.login)
                )
            ).all()
        )
        if away_ids
        else []
    )
    next_user = None
    if recipients.mode != "off":
        if following is not None:
            next_user = recipients.users[following[0]].login
        elif recipients.fallback is not None and recipients.fallback.active:
            next_user = recipients.fallback.login
    return DistributionOut(
        mode=recipients.mode,
        users=recipients.users,
        group_id=recipients.group.id if recipients.group else None,
        group=recipients.group.name if recipients.group else None,
        fallback=recipients.fallback,
        away=away_logins,
        next_user=next_user,
        version=setting.version if setting else 0,
    )


async def get_distribution(db: Database) -> DistributionOut:
    """The current distribution (everyone may read it)."""
    async with db.read() as session:
        return await _out(session, await _setting(session))


async def set_distribution(
    db: Database, actor: Actor, data: dict[str, Any], *, expected_version: int | None = None
) -> DistributionOut:
    """Set who new leads go to (administrators only). The round-robin position is kept."""
    _require_admin(actor)
    values = parse(DistributionIn, data)
    try:
        async with db.write(actor) as session:
            setting = await _setting(session, lock=True)
            if expected_version is not None and (setting.version if setting else 0) != expected_version:
                raise StaleEdit(
                    _("The distribution was changed by someone else since you opened it; reload to see the change."),
                    current=await _out(session, setting),
                )
            users: list[int] = []
            for ref in values.users:
                row = await _user(session, ref, "users")
                if row.id not in users:
                    users.append(row.id)
            group = await _group(session, values.group) if values.group not in (None, "") else None
            if values.mode == "users" and not users:
                raise RuleViolation(_("Users: choose at least one user to distribute new leads to."), field="users")
            if values.mode == "group" and group is None:
                raise RuleViolation(_("User group: choose the group whose members get the new leads."), field="group")
            fallback = None
            if values.fallback not in (None, ""):
                fallback = await rules.owner_by_ref(session, values.fallback, field="fallback")
            away = []
            for ref in values.away:
                row = await _user(session, ref, "away")
                if row.id not in away:
                    away.append(row.id)
            if setting is None:
                setting = t.DistributionSetting(id=SETTING_ID, position=-1)
                session.add(setting)
            setting.mode = values.mode
            setting.user_ids = users if values.mode == "users" else []
            setting.group_id = group.id if values.mode == "group" and group else None
            setting.fallback_id = fallback.id if fallback else None
            setting.away_ids = away
            setting.updated_at, setting.updated_by_id = t.utcnow(), actor.id
            await session.flush()
            return await _out(session, setting)
    except StaleDataError:
        raise StaleEdit(
            _("The distribution was changed by someone else while you saved; reload to see the change.")
        ) from None


# --------------------------------------------------------------------------- assigning


@dataclass
class _Unit:
    """What gets one owner: a company (with its new contacts) or a contact without a company. `contacts` holds
    (id, name) of each contact when they are listed, else only `first` (lowest id) and `count` are known."""

    company_id: int | None
    company: str
    first: int
    count: int = 0
    contacts: list[tuple[int, str]] = field(default_factory=list)


def _reason(recipients: _Recipients, index: int | None, skipped: Sequence[UserRef], unit: _Unit) -> str:
    def why(user: UserRef) -> str:
        return _("inactive") if not user.active else _("away")

    if index is not None:
        user = recipients.users[index]
        text = _("round robin {position} of {count}: {name}").format(
            position=index + 1, count=len(recipients.users), name=user.name
        )
        if skipped:
            text += "; " + _("skipped {who}").format(who=", ".join(f"{u.name} ({why(u)})" for u in skipped))
    elif recipients.fallback is not None and recipients.fallback.active:
        names = ", ".join(f"{u.name} ({why(u)})" for u in recipients.users) or _("nobody in the list")
        text = _("fallback {name}: no one available ({who})").format(name=recipients.fallback.name, who=names)
    else:
        text = _("not assigned: no one available and no active fallback user")
    if unit.company_id is not None:
        text = _("company {company}: {reason}").format(company=unit.company, reason=text)
        if unit.count > 1:
            text = _("{reason} ({n} new contacts)").format(reason=text, n=unit.count)
    return text[: t.TEXT_MAX]


def _plan(recipients: _Recipients, units: Sequence[_Unit]) -> list[tuple[_Unit, UserRef | None, str]]:
    """Who gets each unit, moving the cursor of `recipients` as it goes."""
    plan: list[tuple[_Unit, UserRef | None, str]] = []
    for unit in units:
        following = recipients.next()
        if following is not None:
            index, skipped = following
            recipients.advance(index)
            plan.append((unit, recipients.users[index], _reason(recipients, index, skipped, unit)))
        elif recipients.fallback is not None and recipients.fallback.active:
            plan.append((unit, recipients.fallback, _reason(recipients, None, [], unit)))
        else:
            plan.append((unit, None, _reason(recipients, None, [], unit)))
    return plan


def _unassigned_condition(company: Any) -> Any:
    """Live contacts whose effective owner is empty: their company's Our contact, or their own without one (L9)."""
    return and_(
        t.Contact.deleted_at.is_(None),
        or_(
            and_(t.Contact.company_id.is_(None), t.Contact.our_contact_id.is_(None)),
            and_(t.Contact.company_id.is_not(None), company.our_contact_id.is_(None), company.deleted_at.is_(None)),
        ),
    )


async def _unassigned_units(
    session: AsyncSession, contact_ids: Sequence[int] | None, *, limit: int | None = None, names: bool = True
) -> list[_Unit]:
    """The unassigned contacts among `contact_ids` (None: in the whole database) as units, in contact id order.
    With `names` every contact is listed with its name (dry runs, intake); without, companies are counted in SQL
    (an import of 100,000 contacts in 2,000 companies reads 2,000 rows, not 100,000)."""
    company = aliased(t.Company)
    dialect = bind_dialect(session).name
    if contact_ids is not None and not contact_ids:
        return []
    wanted = [rules.id_in(t.Contact.id, contact_ids, dialect)] if contact_ids is not None else []
    units: dict[tuple[str, int], _Unit] = {}
    if names:
        query = (
            select(t.Contact.id, t.Contact.company_id, company.name, t.Contact.first_name, t.Contact.last_name)
            .outerjoin(company, company.id == t.Contact.company_id)
            .where(_unassigned_condition(company), *wanted)
            .order_by(t.Contact.id)
        )
        if limit is not None:
            query = query.limit(limit)
        for contact_id, company_id, company_name, first, last in (await session.execute(query)).all():
            key = ("company", company_id) if company_id is not None else ("contact", contact_id)
            unit = units.get(key)
            if unit is None:
                unit = units[key] = _Unit(company_id, company_name or "", contact_id)
            unit.contacts.append((contact_id, rules.full_name(first, last)))
            unit.count += 1
        return list(units.values())
    grouped = (
        select(func.min(t.Contact.id), t.Contact.company_id, func.min(company.name), func.count())
        .join(company, company.id == t.Contact.company_id)
        .where(_unassigned_condition(company), *wanted)
        .group_by(t.Contact.company_id)
    )
    found = [
        _Unit(company_id, name or "", first, count)
        for first, company_id, name, count in (await session.execute(grouped)).all()
    ]
    alone = select(t.Contact.id).where(
        t.Contact.company_id.is_(None), t.Contact.our_contact_id.is_(None), t.Contact.deleted_at.is_(None), *wanted
    )
    found += [_Unit(None, "", contact_id, 1) for contact_id in (await session.scalars(alone)).all()]
    found.sort(key=lambda unit: unit.first)
    if limit is not None:
        kept, total = [], 0
        for unit in found:
            if total >= limit:
                break
            kept.append(unit)
            total += unit.count
        found = kept
    return found


def _assignments(plan: Sequence[tuple[_Unit, UserRef | None, str]]) -> list[AssignmentOut]:
    return [
        AssignmentOut(
            contact_id=contact_id,
            contact=name,
            company_id=unit.company_id,
            company=unit.company,
            user_id=user.id if user else None,
            user=user.login if user else None,
            reason=reason,
        )
        for unit, user, reason in plan
        for contact_id, name in (unit.contacts or [(unit.first, "")])
    ]


def _summary(
    mode: str, dry_run: bool, plan: Sequence[tuple[_Unit, UserRef | None, str]], *, details: bool = True
) -> DistributeOut:
    """Counts per user; the assignment of every contact only with `details` (an import of 100,000 rows needs
    the counts, not 100,000 objects)."""
    per_user: dict[str, int] = {}
    unassigned = 0
    for unit, user, _reason_text in plan:
        if user is None:
            unassigned += unit.count
        else:
            per_user[user.login] = per_user.get(user.login, 0) + unit.count
    return DistributeOut(
        mode=mode,
        dry_run=dry_run,
        assignments=_assignments(plan) if details else [],
        assigned=sum(per_user.values()),
        unassigned=unassigned,
        per_user=per_user,
    )


async def _write(
    session: AsyncSession,
    actor: Actor | None,
    plan: Sequence[tuple[_Unit, UserRef | None, str]],
    source: str,
    now: datetime,
) -> None:
    dialect = bind_dialect(session).name
    by_user_companies: dict[int, list[int]] = {}
    by_user_contacts: dict[int, list[int]] = {}
    for unit, user, _reason_text in plan:
        if user is None:
            continue
        if unit.company_id is not None:
            by_user_companies.setdefault(user.id, []).append(unit.company_id)
        else:
            by_user_contacts.setdefault(user.id, []).append(unit.first)
    actor_id = actor.id if actor else None
    for model, groups in ((t.Company, by_user_companies), (t.Contact, by_user_contacts)):
        for user_id, ids in groups.items():
            await session.execute(
                update(model)
                .where(rules.id_in(model.id, ids, dialect), model.our_contact_id.is_(None))
                .values(our_contact_id=user_id, version=model.version + 1, updated_at=now, updated_by_id=actor_id)
                .execution_options(synchronize_session=False)
            )
            await audit.record_bulk(
                session,
                model.__tablename__,
                "our_contact_id",
                user_id,
                [(None, ids)],
                summary=_("distribute new leads ({source})").format(source=source),
            )
    # one row per decision: the company (with its first new contact) or the contact without a company
    rows = [
        (unit.first, unit.company_id, user.id, reason, source, now, actor_id)
        for unit, user, reason in plan
        if user is not None
    ]
    await batch.insert_rows(
        session, t.LeadAssignment, ["contact_id", "company_id", "user_id", "reason", "source", "at", "by_id"], rows
    )


async def _save_cursor(session: AsyncSession, recipients: _Recipients) -> None:
    # a plain UPDATE: the cursor is neither audited nor a change of the settings' version
    await session.execute(
        update(t.DistributionSetting)
        .where(t.DistributionSetting.id == SETTING_ID)
        .values(last_user_id=recipients.last_user_id, position=recipients.position)
        .execution_options(synchronize_session=False)
    )


async def assign_new(
    session: AsyncSession, actor: Actor | None, contact_ids: Sequence[int], *, source: str, details: bool = True
) -> DistributeOut:
    """Give an owner to the new contacts among `contact_ids` that have none (called by import and intake inside
    their write transaction, after the contacts are written). Does nothing when the distribution is off."""
    setting = await _setting(session, lock=True)
    if setting is None or setting.mode == "off" or not contact_ids:
        return _summary(setting.mode if setting else "off", False, [])
    recipients = await _recipients(session, setting)
    units = await _unassigned_units(session, contact_ids, names=details)
    plan = _plan(recipients, units)
    await _write(session, actor, plan, source, t.utcnow())
    await _save_cursor(session, recipients)
    return _summary(recipients.mode, False, plan, details=details)


async def distribute(db: Database, actor: Actor, *, dry_run: bool = False, limit: int | None = None) -> DistributeOut:
    """`leadtui distribute`: assign every live contact without an owner (administrators only), round robin from
    where the last run stopped. A dry run (anyone) shows who would get what and changes nothing, not even the
    round-robin position."""
    if dry_run:
        async with db.read() as session:
            setting = await _setting(session)
            recipients = await _recipients(session, setting)
            if recipients.mode == "off":
                return _summary("off", True, [])
            plan = _plan(recipients, await _unassigned_units(session, None, limit=limit))
            return _summary(recipients.mode, True, plan)
    _require_admin(actor)
    async with db.write(actor) as session:
        setting = await _setting(session, lock=True)
        recipients = await _recipients(session, setting)
        if recipients.mode == "off":
            raise RuleViolation(
                _(
                    "Distribution is off: an administrator sets it first (leadtui distribute --set "
                    "--users a,b or --group G)."
                ),
                field="mode",
            )
        plan = _plan(recipients, await _unassigned_units(session, None, limit=limit))
        await _write(session, actor, plan, "distribute", t.utcnow())
        await _save_cursor(session, recipients)
        return _summary(recipients.mode, False, plan)


class AssignmentLogOut(BaseModel):
    contact_id: int
    user: str
    reason: str
    source: str
    at: datetime


async def assignments_for_contact(db: Database, contact_id: int) -> list[AssignmentLogOut]:
    """Why the contact (or its company, which its owner comes from) got its owner, newest first: for the card."""
    user = aliased(t.Associate)
    async with db.read() as session:
        company_id = await session.scalar(select(t.Contact.company_id).where(t.Contact.id == contact_id))
        which = t.LeadAssignment.contact_id == contact_id
        if company_id is not None:
            which = or_(which, t.LeadAssignment.company_id == company_id)
        rows = (
            await session.execute(
                select(t.LeadAssignment, user.login)
                .join(user, user.id == t.LeadAssignment.user_id)
                .where(which)
                .order_by(t.LeadAssignment.id.desc())
                .limit(50)
            )
        ).all()
    return [
        AssignmentLogOut(contact_id=row.contact_id, user=login, reason=row.reason, source=row.source, at=row.at)
        for row, login in rows
    ]


async def assignments_for_company(db: Database, company_id: int) -> list[AssignmentLogOut]:
    """Why the company got its Our contact from the distribution, newest first: for the company card."""
    user = aliased(t.Associate)
    async with db.read() as session:
        rows = (
            await session.execute(
                select(t.LeadAssignment, user.login)
                .join(user, user.id == t.LeadAssignment.user_id)
                .where(t.LeadAssignment.company_id == company_id)
                .order_by(t.LeadAssignment.id.desc())
                .limit(50)
            )
        ).all()
    return [
        AssignmentLogOut(contact_id=row.contact_id, user=login, reason=row.reason, source=row.source, at=row.at)
        for row, login in rows
    ]


# --------------------------------------------------------------------------- the new owner's notification

# the last assignment a user has looked at, in user_preference (not audited, not undone by ctrl+z)
SEEN_KEY = "new-leads"
NEW_LEADS_PAGE = 50


class NewLeadOut(BaseModel):
    """One lead the distribution gave the user: a company with its new contacts, or a contact without a company."""

    id: int  # the assignment (lead_assignment.id)
    kind: Literal["company", "contact"]  # which card opens it
    contact_id: int
    contact: str  # the (first) new contact
    company_id: int | None
    company: str
    contacts: int  # live contacts of the company (1 for a contact without a company)
    reason: str
    source: str  # import, intake, distribute
    at: datetime
    by: str  # login of who ran the import, intake or distribute ('' when unknown)
    new: bool  # not seen yet

    @property
    def title(self) -> str:
        if self.kind == "company":
            return ngettext("{company} ({n} contact)", "{company} ({n} contacts)", self.contacts).format(
                company=self.company, n=self.contacts
            )
        return self.contact


class NewLeadsOut(BaseModel):
    leads: list[NewLeadOut]  # newest first
    unseen: int  # leads not seen yet (all of them, also beyond this page)
    unseen_contacts: int  # their contacts
    seen_up_to: int  # the last assignment seen before this call
    latest: int  # the newest assignment listed (0 when none): mark_leads_seen(up_to=latest)


def _still_yours(user_id: int, company: Any, contact: Any) -> Any:
    """The assignment still gives the user the lead: the company (or the lone contact) is live and still theirs.
    A lead someone reassigned, deleted or took back by undoing the import is no longer announced."""
    return or_(
        and_(t.LeadAssignment.company_id.is_not(None), company.our_contact_id == user_id, company.deleted_at.is_(None)),
        and_(
            t.LeadAssignment.company_id.is_(None),
            contact.company_id.is_(None),
            contact.our_contact_id == user_id,
            contact.deleted_at.is_(None),
        ),
    )


async def _seen_up_to(session: AsyncSession, user_id: int) -> int:
    row = await session.get(t.UserPreference, (user_id, SEEN_KEY))
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        return int(value.get("seen_up_to", 0))
    except (TypeError, ValueError):
        return 0


async def new_leads(
    db: Database, actor: Actor, *, include_seen: bool = False, limit: int = NEW_LEADS_PAGE
) -> NewLeadsOut:
    """The leads the distribution gave `actor` since they last looked (SPEC.md 5.2: "the new owner gets a
    notification per assigned contact"), newest first, each with its reason; `include_seen` lists the earlier
    ones too. Nothing is marked as seen here: `mark_leads_seen` does that when the user has looked."""
    company, by = aliased(t.Company), aliased(t.Associate)
    person = aliased(t.Contact)
    async with db.read() as session:
        seen = await _seen_up_to(session, actor.id)
        base = (
            select(t.LeadAssignment.id)
            .join(person, person.id == t.LeadAssignment.contact_id)
            .outerjoin(company, company.id == t.LeadAssignment.company_id)
            .where(t.LeadAssignment.user_id == actor.id, _still_yours(actor.id, company, person))
        )
        unseen_ids = base.where(t.LeadAssignment.id > seen).subquery()
        unseen = await session.scalar(select(func.count()).select_from(unseen_ids)) or 0
        company_contacts = (
            select(func.count(t.Contact.id))
            .where(t.Contact.company_id == t.LeadAssignment.company_id, t.Contact.deleted_at.is_(None))
            .correlate(t.LeadAssignment)
            .scalar_subquery()
        )
        unseen_contacts = (
            await session.scalar(
                select(
                    func.coalesce(func.sum(case((t.LeadAssignment.company_id.is_(None), 1), else_=company_contacts)), 0)
                ).where(t.LeadAssignment.id.in_(select(unseen_ids.c.id)))
            )
            or 0
        )
        query = (
            select(t.LeadAssignment, person.first_name, person.last_name, company.name, by.login)
            .join(person, person.id == t.LeadAssignment.contact_id)
            .outerjoin(company, company.id == t.LeadAssignment.company_id)
            .outerjoin(by, by.id == t.LeadAssignment.by_id)
            .where(t.LeadAssignment.user_id == actor.id, _still_yours(actor.id, company, person))
            .order_by(t.LeadAssignment.id.desc())
            .limit(max(1, min(limit, 1000)))
        )
        if not include_seen:
            query = query.where(t.LeadAssignment.id > seen)
        rows = (await session.execute(query)).all()
        company_ids = sorted({row[0].company_id for row in rows if row[0].company_id is not None})
        counts: dict[int | None, int] = {}
        if company_ids:
            counts = {
                company_id: n
                for company_id, n in (
                    await session.execute(
                        select(t.Contact.company_id, func.count())
                        .where(t.Contact.company_id.in_(company_ids), t.Contact.deleted_at.is_(None))
                        .group_by(t.Contact.company_id)
                    )
                ).all()
            }
    leads = [
        NewLeadOut(
            id=row.id,
            kind="company" if row.company_id is not None else "contact",
            contact_id=row.contact_id,
            contact=rules.full_name(first, last),
            company_id=row.company_id,
            company=company_name or "",
            contacts=counts.get(row.company_id, 0) if row.company_id else 1,
            reason=row.reason,
            source=row.source,
            at=row.at,
            by=by_login or "",
            new=row.id > seen,
        )
        for row, first, last, company_name, by_login in rows
    ]
    return NewLeadsOut(
        leads=leads,
        unseen=unseen,
        unseen_contacts=unseen_contacts,
        seen_up_to=seen,
        latest=max((lead.id for lead in leads), default=0),
    )


async def mark_leads_seen(db: Database, actor: Actor, *, up_to: int | None = None) -> int:
    """The user has looked at their new leads up to assignment `up_to` (None: all of them so far). Never moves
    back, so an older list closed late does not bring seen leads back. Returns the mark now kept."""
    async with db.write(actor) as session:
        if up_to is None:
            up_to = (
                await session.scalar(select(func.max(t.LeadAssignment.id)).where(t.LeadAssignment.user_id == actor.id))
                or 0
            )
        row = await session.get(t.UserPreference, (actor.id, SEEN_KEY))
        before = await _seen_up_to(session, actor.id)
        mark = max(before, int(up_to))
        if row is None:
            session.add(t.UserPreference(associate_id=actor.id, key=SEEN_KEY, value={"seen_up_to": mark}))
        elif mark != before:
            row.value = {"seen_up_to": mark}  # a new object, so the JSON column is seen as changed
    return mark
