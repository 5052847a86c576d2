"""Category automation: Lead categorization rules (SPEC.md 1.15, 2.5 A1-A6, 4.10).

A rule per trigger (A6): a sale registered with the company, a sale sold, a sale lost, and one per lead status
("a lead status is set to X"). Each has a target category (any category, any group: A3), "Ask for user
confirmation before updating" and a switch. Only administrators change the rules; an enabled rule needs its
category (A5).

Evaluation (`fire`) runs inside the write transaction of the action that triggered it (sales.create_sale /
update_sale, contacts.update_contact, so also board moves and the command line). A company is eligible only while
its current category is in group Potential customer; the lead status rule also needs lead status enabled on that
category (A2). Without confirmation the category changes at once through companies.change_category, the function a
manual change uses (history, audit, undo, the lead status rules for the contacts). With confirmation nothing
changes: a `CategorySuggestion` is kept on the session and returned with the action's result (`take`), so the
screen can ask and apply it with companies.update_company. A suggestion is only made to a user who may edit the
company; an automatic rule applies whoever triggered it (it is the administrator's rule).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup, SaleStatus
from leadtui.services import rights
from leadtui.services import contact_rules as rules
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation, StaleEdit
from leadtui.services.validation import FIELD_LABELS, parse

FIELD_LABELS.update({"trigger": N_("Trigger"), "confirm": N_("Ask for user confirmation before updating")})

Trigger = Literal["registered", "sold", "lost", "lead_status"]
TRIGGERS: tuple[str, ...] = ("registered", "sold", "lost", "lead_status")
SUGGESTIONS_KEY = "leadtui.category_suggestions"
OFF_KEY = "leadtui.no_category_automation"  # set on a session whose writes must not fire rules (imports)

LABELS = {
    "registered": N_("Update category when a sale is registered with the company"),
    "sold": N_("Update category when a sale is sold"),
    "lost": N_("Update category when a sale is lost"),
}


class RuleIn(BaseModel):
    """One rule to change; only the fields given change. `category` None (given) clears the target."""

    model_config = ConfigDict(extra="forbid")
    trigger: Trigger
    lead_status: int | str | None = None
    category: int | str | None = None
    confirm: bool | None = None
    enabled: bool | None = None


class RuleOut(BaseModel):
    trigger: str
    trigger_key: str
    label: str
    lead_status_id: int | None
    lead_status: str | None
    lead_status_deleted: bool
    category_id: int | None
    category: str | None
    category_group: str | None
    category_deleted: bool
    confirm: bool
    enabled: bool


class AutomationOut(BaseModel):
    rules: list[RuleOut]
    version: str  # the versions of the stored rules: a save over a newer save is refused


class CategorySuggestion(BaseModel):
    """A rule that asks: the company, its category now and the category the rule suggests."""

    company_id: int
    company_name: str
    current_category_id: int
    current_category: str
    suggested_category_id: int
    suggested_category: str
    trigger: str
    reason: str


# --------------------------------------------------------------------------- the rules


def trigger_key(trigger: str, lead_status_id: int | None = None) -> str:
    return f"lead_status:{lead_status_id}" if trigger == "lead_status" else trigger


def label(trigger: str, lead_status: str | None = None) -> str:
    if trigger == "lead_status":
        return _("Update category when a lead status is set to {status}").format(status=lead_status or "")
    return _(LABELS[trigger])


def parse_trigger(text: str) -> dict[str, Any]:
    """'sold', 'lost', 'registered' or 'lead-status=STATUS' (as typed on the command line) as rule fields."""
    raw = text.strip()
    name, _sep, status = raw.partition("=")
    key = name.strip().casefold().replace("-", "_").replace(" ", "_")
    if key in ("registered", "sold", "lost") and not status:
        return {"trigger": key}
    if key == "lead_status" and status.strip():
        return {"trigger": "lead_status", "lead_status": status.strip()}
    raise RuleViolation(
        _("Trigger: '{value}' is not one of sold, lost, registered, lead-status=STATUS.").format(value=raw),
        field="trigger",
    )


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may change lead categorization (missing right: General administrator)."),
            right="General administrator",
        )


async def _stored(session: AsyncSession) -> list[t.CategoryAutomation]:
    return list((await session.scalars(select(t.CategoryAutomation).order_by(t.CategoryAutomation.id))).all())


def _version(rows: list[t.CategoryAutomation]) -> str:
    return ",".join(f"{row.trigger_key}:{row.version}" for row in sorted(rows, key=lambda r: r.trigger_key))


async def _out(session: AsyncSession) -> AutomationOut:
    rows = await _stored(session)
    by_key = {row.trigger_key: row for row in rows}
    statuses = (await session.scalars(select(t.LeadStatus).order_by(t.LeadStatus.rank, t.LeadStatus.id))).all()
    categories = {c.id: c for c in (await session.scalars(select(t.Category))).all()}
    result: list[RuleOut] = []

    def add(trigger: str, status: t.LeadStatus | None) -> None:
        key = trigger_key(trigger, status.id if status else None)
        row = by_key.get(key)
        category = categories.get(row.category_id) if row and row.category_id else None
        result.append(
            RuleOut(
                trigger=trigger,
                trigger_key=key,
                label=label(trigger, status.name if status else None),
                lead_status_id=status.id if status else None,
                lead_status=status.name if status else None,
                lead_status_deleted=bool(status and status.deleted),
                category_id=category.id if category else None,
                category=category.name if category else None,
                category_group=rules.group_name(category.category_group) if category else None,
                category_deleted=bool(category and category.deleted),
                confirm=bool(row and row.confirm),
                enabled=bool(row and row.enabled),
            )
        )

    for trigger in ("registered", "sold", "lost"):
        add(trigger, None)
    for status in statuses:  # live statuses; a deleted one only while its rule is on
        row = by_key.get(trigger_key("lead_status", status.id))
        if not status.deleted or (row is not None and row.enabled):
            add("lead_status", status)
    return AutomationOut(rules=result, version=_version(rows))


async def get_rules(db: Database) -> AutomationOut:
    """The rules, one row per trigger (everyone may read them)."""
    async with db.read() as session:
        return await _out(session)


async def set_rules(
    db: Database, actor: Actor, changes: list[dict[str, Any]], *, expected_version: str | None = None
) -> AutomationOut:
    """Change rules (administrators only). Refused when, afterwards, an enabled rule has no category (A5)."""
    _require_admin(actor)
    wanted = [parse(RuleIn, change) for change in changes]
    try:
        async with db.write(actor) as session:
            rows = await _stored(session)
            if expected_version is not None and _version(rows) != expected_version:
                raise StaleEdit(
                    _("Lead categorization was changed by someone else since you opened it; reload to see the change."),
                    current=await _out(session),
                )
            by_key = {row.trigger_key: row for row in rows}
            now = t.utcnow()
            touched: list[tuple[t.CategoryAutomation, str]] = []
            for values in wanted:
                given = values.model_fields_set
                status = None
                if values.trigger == "lead_status":
                    if values.lead_status in (None, ""):
                        raise RuleViolation(
                            _("Lead status: name the lead status the rule is for."), field="lead_status"
                        )
                    status = await rules.lead_status_by_ref(session, values.lead_status)
                key = trigger_key(values.trigger, status.id if status else None)
                row = by_key.get(key)
                if row is None:
                    row = t.CategoryAutomation(
                        trigger=values.trigger,
                        trigger_key=key,
                        lead_status_id=status.id if status else None,
                        confirm=False,
                        enabled=False,
                    )
                    session.add(row)
                    by_key[key] = row
                if "category" in given:
                    if values.category in (None, ""):
                        row.category_id = None
                    else:
                        row.category_id = (
                            await rules.category_by_ref(session, values.category, keep_id=row.category_id)
                        ).id
                if values.confirm is not None:
                    row.confirm = values.confirm
                if values.enabled is not None:
                    row.enabled = values.enabled
                row.updated_at, row.updated_by_id = now, actor.id
                touched.append((row, label(values.trigger, status.name if status else None)))
            for row, text in touched:  # A5
                if row.enabled and row.category_id is None:
                    raise RuleViolation(
                        _("Set category to: choose a category for '{rule}', or turn the rule off.").format(rule=text),
                        field="category",
                    )
            await session.flush()
            return await _out(session)
    except StaleDataError:
        raise StaleEdit(
            _("Lead categorization was changed by someone else while you saved; reload to see the change.")
        ) from None


# --------------------------------------------------------------------------- evaluation


def take(session: AsyncSession) -> CategorySuggestion | None:
    """The suggestion the last action on this session made (the latest when several rules asked), and forget it."""
    found: list[CategorySuggestion] = session.info.pop(SUGGESTIONS_KEY, [])
    return found[-1] if found else None


async def fire(
    session: AsyncSession,
    actor: Actor,
    trigger: str,
    company_id: int | None,
    *,
    lead_status_id: int | None = None,
    reason: str = "",
) -> CategorySuggestion | None:
    """Evaluate the rule of `trigger` for the company: change its category (no confirmation), or keep and return a
    suggestion (confirmation), or do nothing (no rule, off, not eligible: A2)."""
    if company_id is None or session.info.get(OFF_KEY):
        return None
    rule = await session.scalar(
        select(t.CategoryAutomation).where(t.CategoryAutomation.trigger_key == trigger_key(trigger, lead_status_id))
    )
    if rule is None or not rule.enabled or rule.category_id is None:
        return None
    company = await session.get(t.Company, company_id)
    if company is None or company.deleted_at is not None:
        return None
    current = await session.get(t.Category, company.category_id)
    if current is None or current.category_group != CategoryGroup.POTENTIAL_CUSTOMER:
        return None
    if trigger == "lead_status" and not rules.category_is_lead_enabled(current):
        return None
    target = await session.get(t.Category, rule.category_id)
    if target is None or target.deleted or target.id == current.id:
        return None
    if not rule.confirm:
        from leadtui.services import companies  # imported when a rule applies: reading a contact needs none of it

        await companies.change_category(session, actor, company, current, target)
        return None
    if not rights.may_edit(actor, company.our_contact_id, await rights.owner_group_id(session, company.our_contact_id)):
        return None
    suggestion = CategorySuggestion(
        company_id=company.id,
        company_name=company.name,
        current_category_id=current.id,
        current_category=current.name,
        suggested_category_id=target.id,
        suggested_category=target.name,
        trigger=trigger,
        reason=reason,
    )
    session.info.setdefault(SUGGESTIONS_KEY, []).append(suggestion)
    return suggestion


async def after_sale_saved(
    session: AsyncSession, actor: Actor, sale: t.Sale, *, creating: bool, old_status: int | None
) -> None:
    """The sale hooks: registered (a new sale), sold and lost (the status became that)."""
    if session.info.get(OFF_KEY):
        return
    company_id = sale.company_id
    if company_id is None and sale.contact_id is not None:
        company_id = await session.scalar(select(t.Contact.company_id).where(t.Contact.id == sale.contact_id))
    if company_id is None:
        return
    if creating:
        await fire(
            session,
            actor,
            "registered",
            company_id,
            reason=_("The sale '{heading}' was registered.").format(heading=sale.heading),
        )
    if sale.status != old_status and sale.status in (SaleStatus.SOLD, SaleStatus.LOST):
        sold = sale.status == SaleStatus.SOLD
        await fire(
            session,
            actor,
            "sold" if sold else "lost",
            company_id,
            reason=(_("The sale '{heading}' was sold.") if sold else _("The sale '{heading}' was lost.")).format(
                heading=sale.heading
            ),
        )


async def after_lead_status_set(session: AsyncSession, actor: Actor, contact: t.Contact, status: t.LeadStatus) -> None:
    """The lead status hook: a user set the contact's lead status to `status`."""
    await fire(
        session,
        actor,
        "lead_status",
        contact.company_id,
        lead_status_id=status.id,
        reason=_("The lead status of {name} was set to {status}.").format(
            name=rules.full_name(contact.first_name, contact.last_name), status=status.name
        ),
    )


async def _automatic_rule(session: AsyncSession, trigger: str, lead_status_id: int | None) -> bool:
    rule = await session.scalar(
        select(t.CategoryAutomation).where(t.CategoryAutomation.trigger_key == trigger_key(trigger, lead_status_id))
    )
    return bool(rule and rule.enabled and rule.category_id is not None and not rule.confirm)


async def bulk_companies(session: AsyncSession, condition: Any, status: t.LeadStatus) -> list[int]:
    """Before a bulk update sets `status` on the contacts of `condition`: the lead-enabled companies of the contacts
    whose status changes, when the rule for that status applies without asking (a rule that asks is not asked in
    a bulk update: one question per company would stop the run)."""
    if session.info.get(OFF_KEY) or not await _automatic_rule(session, "lead_status", status.id):
        return []
    query = (
        select(t.Contact.company_id)
        .join(t.Company, t.Company.id == t.Contact.company_id)
        .join(t.Category, t.Category.id == t.Company.category_id)
        .where(
            condition,
            t.Contact.deleted_at.is_(None),
            t.Contact.lead_status_id.is_distinct_from(status.id),
            rules.lead_enabled_sql(t.Category),
        )
        .distinct()
    )
    return sorted(int(company_id) for company_id in (await session.scalars(query)).all() if company_id is not None)


async def fire_bulk(session: AsyncSession, actor: Actor, company_ids: list[int], status: t.LeadStatus) -> None:
    """After the bulk update: the rule for each company found by `bulk_companies`."""
    for company_id in company_ids:
        await fire(
            session,
            actor,
            "lead_status",
            company_id,
            lead_status_id=status.id,
            reason=_("Bulk update set lead status {status}.").format(status=status.name),
        )
    session.info.pop(SUGGESTIONS_KEY, None)
