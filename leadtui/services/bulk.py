"""Bulk update of contacts (SPEC.md 4.8, Q6): set one field for many contacts in one transaction.

Fields: lead status, Our contact (owner), email opt-in. Rules are applied per contact and a contact that may not
change is skipped with its reason, never failing the whole update:
- the user must have "Allow bulk update", and may change only contacts they may edit (rights.may_edit);
- lead status only on contacts whose company's category uses lead status (L1, SPEC §6 item 20);
- Our contact only on contacts without a company: a linked contact takes its company's (L9).
`preview_bulk_update` counts what would happen; `apply_bulk_update` does it with set-based SQL (an UPDATE and an
INSERT ... SELECT for the history, the ids in one bound parameter), so 100,000 contacts take about a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import contact_rules as rules
from leadtui.services import automation  # lead categorization (SPEC 2.5)
from leadtui.services.actor import Actor
from leadtui.services.errors import RuleViolation
from leadtui.services.rights import ensure_bulk_update

FIELDS = {"lead_status": N_("Lead status"), "owner": N_("Our contact"), "email_opt_in": N_("Email opt-in")}

# reasons why a contact is skipped (keys of BulkPreview.skipped are these texts, translated)
REASON_MISSING = N_("not found or deleted")
REASON_RIGHTS = N_("belongs to another user (you may not change it)")
REASON_NO_COMPANY = N_("not linked to a company, so no lead status")
REASON_NOT_LEAD = N_("the company's category does not use lead status")
REASON_OWNER_INHERITED = N_("takes Our contact from its company (change it on the company card)")


class BulkPreview(BaseModel):
    """What a bulk update does (preview) or did (applied): how many change, are already so, are skipped and why."""

    field: str
    field_label: str
    value: str
    total: int
    will_change: int
    unchanged: int
    skipped: dict[str, int]
    applied: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def parse_field(field: str) -> str:
    key = field.strip().lower().replace("-", "_").replace(" ", "_")
    key = {"our_contact": "owner", "opt_in": "email_opt_in", "leadstatus": "lead_status"}.get(key, key)
    if key not in FIELDS:
        raise RuleViolation(
            _("Field: '{field}' cannot be bulk updated; choose one of: {fields}.").format(
                field=field, fields=", ".join(FIELDS)
            ),
            field="field",
        )
    return key


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "on"):
        return True
    if text in ("0", "false", "no", "n", "off"):
        return False
    raise RuleViolation(_("Email opt-in: '{value}' is not yes or no.").format(value=value), field="value")


class _Plan:
    """The resolved value and the SQL conditions of one bulk update."""

    def __init__(self, field: str, value: Any, label: str, actor: Actor) -> None:
        self.field, self.value, self.label, self.actor = field, value, label, actor
        self.status: t.LeadStatus | None = None

    def current_equals(self) -> Any:
        if self.field == "lead_status":
            return t.Contact.lead_status_id.is_not_distinct_from(self.value)
        if self.field == "owner":
            return t.Contact.our_contact_id.is_not_distinct_from(self.value)
        return t.Contact.email_opt_in.is_(self.value)

    def skips(self) -> list[tuple[Any, str]]:
        """(condition, reason) in the order they are checked after rights."""
        if self.field == "lead_status":
            return [
                (t.Contact.company_id.is_(None), REASON_NO_COMPANY),
                (not_(t.Contact.company_id.in_(rules.lead_enabled_company_ids())), REASON_NOT_LEAD),
            ]
        if self.field == "owner":
            return [(t.Contact.company_id.is_not(None), REASON_OWNER_INHERITED)]
        return []

    def outcome(self) -> Any:
        whens: list[tuple[Any, str]] = [(not_(rules.contact_editable_sql(self.actor)), REASON_RIGHTS)]
        whens.extend(self.skips())
        whens.append((self.current_equals(), "unchanged"))
        return case(*whens, else_="change")

    def eligible(self) -> Any:
        terms = [rules.contact_editable_sql(self.actor)]
        terms.extend(not_(condition) for condition, _reason in self.skips())
        terms.append(not_(self.current_equals()))
        return and_(*terms)


async def _plan(session: AsyncSession, actor: Actor, field: str, value: Any) -> _Plan:
    key = parse_field(field)
    if key == "lead_status":
        status = await rules.lead_status_by_ref(session, value)
        plan = _Plan(key, status.id, status.name, actor)
        plan.status = status
        return plan
    if key == "owner":
        owner = await rules.owner_by_ref(session, value, field="value")
        return _Plan(
            key, owner.id if owner else None, (owner.full_name or owner.login) if owner else _("(No selection)"), actor
        )
    flag = _parse_bool(value)
    return _Plan(key, flag, _("Yes") if flag else _("No"), actor)


def _targets(contact_ids: Sequence[int] | None, company_id: int | None, dialect: str) -> list[Any]:
    """The WHERE condition: the given ids (one bound parameter, see contact_rules.id_in) or a company's contacts."""
    if company_id is not None:
        return [t.Contact.company_id == company_id]
    return [rules.id_in(t.Contact.id, sorted({int(i) for i in contact_ids or ()}), dialect)]


def _requested(contact_ids: Sequence[int] | None, company_id: int | None) -> int | None:
    return None if company_id is not None else len({int(i) for i in contact_ids or ()})


async def _count(session: AsyncSession, plan: _Plan, targets: list[Any], requested: int | None) -> BulkPreview:
    counts: dict[str, int] = {}
    outcome = plan.outcome()
    for target in targets:
        # grouped through a subquery: PostgreSQL does not see two CASEs with bound parameters as the same expression
        rows = select(outcome.label("outcome")).where(target, t.Contact.deleted_at.is_(None)).subquery()
        query = select(rows.c.outcome, func.count()).group_by(rows.c.outcome)
        for key, count in (await session.execute(query)).all():
            counts[key] = counts.get(key, 0) + count
    found = sum(counts.values())
    skipped = {
        _(reason): counts[reason]
        for reason in (REASON_RIGHTS, REASON_NO_COMPANY, REASON_NOT_LEAD, REASON_OWNER_INHERITED)
        if counts.get(reason)
    }
    if requested is not None and requested > found:
        skipped[_(REASON_MISSING)] = requested - found
    return BulkPreview(
        field=plan.field,
        field_label=_(FIELDS[plan.field]),
        value=plan.label,
        total=requested if requested is not None else found,
        will_change=counts.get("change", 0),
        unchanged=counts.get("unchanged", 0),
        skipped=skipped,
    )


def _check_target(contact_ids: Sequence[int] | None, company_id: int | None) -> None:
    if company_id is None and not contact_ids:
        raise RuleViolation(_("Choose the contacts to update (none are selected)."), field="ids")


async def preview_bulk_update(
    db: Database,
    actor: Actor,
    field: str,
    value: Any,
    *,
    contact_ids: Sequence[int] | None = None,
    company_id: int | None = None,
) -> BulkPreview:
    """Count, without changing anything, what `apply_bulk_update` would do (the Confirm step of SPEC 4.8)."""
    ensure_bulk_update(actor)
    _check_target(contact_ids, company_id)
    async with db.read() as session:
        plan = await _plan(session, actor, field, value)
        return await _count(
            session, plan, _targets(contact_ids, company_id, db.dialect), _requested(contact_ids, company_id)
        )


async def apply_bulk_update(
    db: Database,
    actor: Actor,
    field: str,
    value: Any,
    *,
    contact_ids: Sequence[int] | None = None,
    company_id: int | None = None,
) -> BulkPreview:
    """Set `field` to `value` on the given contacts (or all contacts of a company) in one transaction."""
    ensure_bulk_update(actor)
    _check_target(contact_ids, company_id)
    async with db.write(actor) as session:
        plan = await _plan(session, actor, field, value)
        targets = _targets(contact_ids, company_id, db.dialect)
        result = await _count(session, plan, targets, _requested(contact_ids, company_id))
        now = t.utcnow()
        summary = _("bulk update: {field} = {value}").format(field=_(FIELDS[plan.field]), value=plan.label)
        for target in targets:
            condition = and_(target, plan.eligible())
            if plan.field == "lead_status":
                assert plan.status is not None
                categorize = await automation.bulk_companies(session, condition, plan.status)  # SPEC 2.5
                await rules.set_lead_status_where(session, actor, condition, plan.status, now=now, summary=summary)
                await automation.fire_bulk(session, actor, categorize, plan.status)
                continue
            column = "our_contact_id" if plan.field == "owner" else "email_opt_in"
            await rules.update_contacts_where(
                session,
                actor,
                and_(condition, t.Contact.deleted_at.is_(None)),
                column,
                plan.value,
                now=now,
                summary=summary,
            )
    result.applied = True
    return result
