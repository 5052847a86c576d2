"""Sales (SPEC.md 1.6-1.10, 2.3, 4.9; DESIGN.md decisions 7-9): create, read, list, change, delete.

One change function serves the card, the command line and imports: it takes the fields a user changed and
applies every rule once. The rules, in the order they are applied:

- Heading and Sale type are mandatory (S1). A sale belongs to a company or a contact (or both); a contact
  given must belong to the company given; without a company the contact's company is used.
- Owner defaults to the user (S3); giving a sale to another user needs the right to edit that user's records.
- Sale date defaults to today + the sale type's estimated time (S3).
- Stage options are the sale type's stages plus the pseudo-stages Sold and Lost (S4). Changing the stage sets
  Probability from the stage unless a probability is given (S5). Picking a normal stage on a sold or lost
  sale reopens it (Open), clearing Completed and the reasons.
- Sold: probability 100, Reason (sold) required, sale date := the date given or today, stage when closed and
  closed time stored. Lost: the same with probability 0 and Reason (lost) (S11, S12, decision 8).
- Stalled needs Re-open date (today or later) and Reason (stalled) (S10). Unchecking it returns to Open.
  A sold or lost sale cannot be stalled without reopening it.
- Completed only on Sold or Lost (S13); reopening clears it.
- Money (decision 7): services/money.py.
- Every change of stage and status is written to history; the stage's start time gives Days in stage (S14).
"""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import SaleStatus
from leadtui.services import activities, guides, history, money, rights
from leadtui.services.activities import DateField
from leadtui.services.actor import Actor
from leadtui.services import lookup
from leadtui.services import automation  # lead categorization (SPEC 2.5)
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from leadtui.services.retry import retry_on_conflict
from leadtui.services.validation import FIELD_LABELS, check_text, parse

T = TypeVar("T")

FIELD_LABELS.update(
    {
        "heading": N_("Heading"),
        "sale_type": N_("Sale type"),
        "stage": N_("Stage"),
        "status": N_("Status"),
        "probability": N_("Probability"),
        "amount": N_("Amount"),
        "cost": N_("Total cost"),
        "profit": N_("Profit"),
        "percentage": N_("Percentage"),
        "company_id": N_("Company"),
        "company": N_("Company"),
        "contact_id": N_("Contact"),
        "contact": N_("Contact"),
        "owner": N_("Owner"),
        "sale_date": N_("Sale date"),
        "reopen_date": N_("Re-open date"),
        "reason": N_("Reason"),
        "reason_sold": N_("Reason (sold)"),
        "reason_lost": N_("Reason (lost)"),
        "reason_stalled": N_("Reason (stalled)"),
        "source": N_("Source"),
        "competitor": N_("Competitor"),
        "credited": N_("Credited"),
        "completed": N_("Completed"),
        "description": N_("Description"),
    }
)

STATUS_KEYS = {SaleStatus.OPEN: "open", SaleStatus.SOLD: "sold", SaleStatus.LOST: "lost", SaleStatus.STALLED: "stalled"}
STATUS_BY_KEY = {key: status for status, key in STATUS_KEYS.items()}
STATUS_LABELS = {
    SaleStatus.OPEN: N_("Open"),
    SaleStatus.SOLD: N_("Sold"),
    SaleStatus.LOST: N_("Lost"),
    SaleStatus.STALLED: N_("Stalled"),
}
STATUS_ICONS = {SaleStatus.OPEN: "$", SaleStatus.SOLD: "✓", SaleStatus.LOST: "✗", SaleStatus.STALLED: "▲"}
CLOSED = (SaleStatus.SOLD, SaleStatus.LOST)
PSEUDO_STAGES = {"sold": SaleStatus.SOLD, "lost": SaleStatus.LOST}

StatusKey = Literal["open", "sold", "lost", "stalled"]
Ref = int | str
MoneyIn = Decimal | int | str


def status_label(status: int | SaleStatus) -> str:
    return _(STATUS_LABELS[SaleStatus(status)])


def status_icon(status: int | SaleStatus) -> str:
    return STATUS_ICONS[SaleStatus(status)]


class SaleChange(BaseModel):
    """What a user may set on a sale. Fields left out stay as they are; None clears an optional link."""

    model_config = ConfigDict(extra="forbid")
    heading: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.TEXT_MAX)] | None = None
    description: Annotated[str, StringConstraints(max_length=20000)] | None = None
    sale_type: Ref | None = None
    stage: Ref | None = None
    status: StatusKey | None = None
    probability: Annotated[int, Field(ge=0, le=100)] | None = None
    amount: MoneyIn | None = None
    cost: MoneyIn | None = None
    profit: MoneyIn | None = None
    percentage: MoneyIn | None = None
    company_id: int | None = None
    contact_id: int | None = None
    owner: Ref | None = None
    sale_date: DateField | None = None
    reopen_date: DateField | None = None
    reason: Ref | None = None
    reason_sold: Ref | None = None
    reason_lost: Ref | None = None
    reason_stalled: Ref | None = None
    source: Ref | None = None
    competitor: Ref | None = None
    credited: Ref | None = None
    completed: bool | None = None


class SaleOut(BaseModel):
    """A sale as the card and `sale show --json` present it. Money as Decimal (strings with 2 places in JSON)."""

    id: int
    number: str
    heading: str
    description: str
    status: StatusKey
    status_label: str
    status_icon: str
    stage: str | None = Field(description="the stage's name; Sold or Lost for a closed sale")
    stage_id: int | None
    probability: int
    amount: Decimal
    cost: Decimal
    profit: Decimal
    percentage: Decimal
    weighted_amount: Decimal
    completed: bool
    owner: str
    owner_id: int
    owner_name: str
    company_id: int | None
    company_name: str | None
    contact_id: int | None
    contact_name: str | None
    sale_type: str
    sale_type_id: int
    sale_date: date
    reopen_date: date | None
    reason: str | None = Field(description="the reason of the current status (sold, lost or stalled)")
    reason_sold: str | None
    reason_sold_id: int | None
    reason_lost: str | None
    reason_lost_id: int | None
    reason_stalled: str | None
    reason_stalled_id: int | None
    source: str | None
    source_id: int | None
    competitor: str | None
    competitor_id: int | None
    credited: str | None
    credited_id: int | None
    next_activity: date | None
    next_activity_overdue: bool
    stage_when_closed: str | None
    closed_at: datetime | None
    days_in_stage: int | None
    sale_cycle_days: int | None
    registered_at: datetime
    updated_at: datetime | None
    guided: bool
    guide: guides.SaleGuideOut | None
    version: int
    category_suggestion: automation.CategorySuggestion | None = None  # a lead categorization rule that asks


class SaleRow(BaseModel):
    """One line of the Sales list and the Sales section tab."""

    id: int
    completed: bool
    status: StatusKey
    status_icon: str
    sale_date: date
    amount: Decimal
    weighted_amount: Decimal
    probability: int
    stage: str | None
    next_activity: date | None = Field(description="for a stalled sale: its re-open date")
    next_activity_overdue: bool
    heading: str
    company_id: int | None
    company_name: str | None
    contact_id: int | None
    contact_name: str | None
    owner: str
    version: int
    may_delete: bool = Field(default=True, description="the user may delete it (their rights and its owner's)")


class SalePage(BaseModel):
    rows: list[SaleRow]
    total: int
    offset: int
    limit: int
    sum_amount: Decimal
    sum_weighted: Decimal


class HistoryOut(BaseModel):
    at: datetime
    field: str
    from_text: str
    to_text: str
    by: str | None


class Choice(BaseModel):
    id: int
    name: str
    description: str = ""


class StageChoice(Choice):
    probability: int


class SaleTypeChoice(Choice):
    has_guide: bool
    default_sale_date: date
    stages: list[StageChoice]


class SaleFormOptions(BaseModel):
    """Everything the sale card's pickers offer (live items in list order)."""

    sale_types: list[SaleTypeChoice]
    reasons_sold: list[Choice]
    reasons_lost: list[Choice]
    reasons_stalled: list[Choice]
    sources: list[Choice]
    competitors: list[Choice]
    credited: list[Choice]
    owners: list[Choice]
    follow_up_types: list[Choice]
    today: date


class PickItem(BaseModel):
    id: int
    label: str
    detail: str = ""
    company_id: int | None = None


# ---------------------------------------------------------------------------------------------- helpers


def add_duration(start: date, amount: int, unit: str) -> date:
    """today + the sale type's estimated time; months keep the day, clamped to the month's end."""
    if unit == "day":
        return start + timedelta(days=amount)
    if unit == "month":
        month_index = start.month - 1 + amount
        year, month = start.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return start + timedelta(weeks=amount)


def default_sale_date(sale_type: t.SaleType, today: date | None = None) -> date:
    return add_duration(today or date.today(), sale_type.duration or 0, sale_type.duration_unit or "week")


class StageRules(BaseModel):
    """What a stage (or Sold / Lost) and the Stalled box mean for the other fields of a sale (S5, S10-S13): the
    rules `_apply` enforces when saving, for a form to follow them while the user picks (the sale card)."""

    status: Literal["open", "stalled", "sold", "lost"]
    probability: int | None  # what Probability becomes (None: it stays as it is)
    probability_fixed: bool  # Sold 100 %, Lost 0 %: the user cannot change it
    date_today: bool  # closing the sale: its Date becomes today (the user may change it)
    may_stall: bool  # a sold or lost sale cannot be stalled
    may_complete: bool  # Completed only on Sold or Lost
    reason: str | None  # the reason field the status asks for: reason_sold, reason_lost or reason_stalled
    needs_reopen_date: bool


def stage_rules(
    stage: object, *, stalled: bool = False, was: str | None = None, stage_probability: int | None = None
) -> StageRules:
    """Pure: `stage` is "sold", "lost" or a normal stage (whose probability is `stage_probability`), `stalled` the
    Stalled box, `was` the saved status ("open", "stalled", "sold", "lost"; None for a new sale)."""
    if stage == "sold" or stage == "lost":
        return StageRules(
            status=stage,
            probability=100 if stage == "sold" else 0,
            probability_fixed=True,
            date_today=was != stage,
            may_stall=False,
            may_complete=True,
            reason=f"reason_{stage}",
            needs_reopen_date=False,
        )
    return StageRules(
        status="stalled" if stalled else "open",
        probability=stage_probability,
        probability_fixed=False,
        date_today=False,
        may_stall=True,
        may_complete=False,
        reason="reason_stalled" if stalled else None,
        needs_reopen_date=stalled,
    )


def _what(row: t.Sale) -> str:
    return _("the sale '{heading}'").format(heading=row.heading)


async def _sale(session: AsyncSession, sale_id: int, *, lock: bool = False) -> t.Sale:
    row = await lookup.get(session, t.Sale, sale_id, lock=lock)
    if row is None:
        raise NotFound(_("No sale with number {id}.").format(id=sale_id))
    return row


async def _list_ref(
    session: AsyncSession, model: type[t.ListItem], ref: Ref, field: str, current_id: int | None
) -> int:
    """A list item by id or name. A deleted item may stay on a record but cannot be newly chosen (R6)."""
    row = None
    if isinstance(ref, int) or ref.strip().isdigit():
        row = await lookup.get(session, model, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(model).where(model.name_key == t.name_key(ref)))
    if row is None or (row.deleted and row.id != current_id):
        names = (
            await session.scalars(select(model.name).where(model.deleted.is_(False)).order_by(model.rank, model.id))
        ).all()
        raise RuleViolation(
            _("{field}: '{ref}' is not in the list (choose one of: {names}).").format(
                field=_(FIELD_LABELS.get(field, field)), ref=ref, names=", ".join(names) or _("the list is empty")
            ),
            field=field,
        )
    return row.id


async def _has_live_items(session: AsyncSession, model: type[t.ListItem]) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False))))


async def _owner_id(session: AsyncSession, ref: Ref) -> int:
    row = None
    if isinstance(ref, int) or ref.strip().isdigit():
        row = await lookup.get(session, t.Associate, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == ref.strip().lower()))
    if row is None or not row.active:
        raise RuleViolation(_("Owner: '{ref}' is not an active user.").format(ref=ref), field="owner")
    return row.id


async def _check_may_assign(session: AsyncSession, actor: Actor, owner_id: int) -> None:
    if owner_id == actor.id:
        return
    if not rights.may_edit(actor, owner_id, await rights.owner_group_id(session, owner_id)):
        raise PermissionDenied(
            _("Owner: you may not give a sale to another user (missing right: update others' records)."),
            right="update others' records",
        )


def _pseudo_stage(ref: Ref | None) -> SaleStatus | None:
    if not isinstance(ref, str):
        return None
    text = ref.strip().casefold()
    for key, status in PSEUDO_STAGES.items():
        if text in (key, _(STATUS_LABELS[status]).casefold()):
            return status
    return None


async def _flush(session: AsyncSession) -> None:
    await session.flush()  # a lost race raises StaleDataError: _retrying runs the transaction again


async def _retrying(attempt: Callable[[], Awaitable[T]]) -> T:
    """One write transaction, run again after a lost race (services/retry.py); told as StaleEdit when it keeps
    losing."""
    try:
        return await retry_on_conflict(attempt)
    except StaleDataError:
        raise StaleEdit(
            _("The sale was changed by someone else at the same moment; reload it and try again.")
        ) from None


def _today() -> date:
    return date.today()


# ---------------------------------------------------------------------------------------------- the rules


async def _apply(session: AsyncSession, actor: Actor, row: t.Sale, values: SaleChange, *, creating: bool) -> None:
    fields = values.model_fields_set
    old_status = None if creating else SaleStatus(row.status)
    old_stage_id = None if creating else row.stage_id
    now = t.utcnow()

    if values.heading is not None:
        row.heading = values.heading
    elif "heading" in fields or (creating and not row.heading):
        raise RuleViolation(_("Heading: is required"), field="heading")
    if values.description is not None:
        row.description = values.description

    # sale type
    type_changed = False
    type_row: t.SaleType | None
    if values.sale_type is not None:
        try:
            type_row = await guides.sale_type_row(session, values.sale_type)
        except NotFound as exc:  # a value of the sale that is not in the list: bad input, as for any list field
            raise RuleViolation(str(exc), field="sale_type") from None
        if type_row.deleted and type_row.id != row.sale_type_id:
            raise RuleViolation(
                _("Sale type: '{name}' is deleted; choose another sale type.").format(name=type_row.name),
                field="sale_type",
            )
        type_changed = type_row.id != row.sale_type_id
        row.sale_type_id = type_row.id
    elif creating or "sale_type" in fields:
        raise RuleViolation(_("Sale type: is required"), field="sale_type")
    type_row = await session.get(t.SaleType, row.sale_type_id)
    assert type_row is not None  # sale_type_id is a foreign key, never null

    # company and contact
    if "company_id" in fields or "contact_id" in fields or creating:
        company_id = values.company_id if "company_id" in fields else row.company_id
        contact_id = values.contact_id if "contact_id" in fields else row.contact_id
        if company_id is not None:
            company = await lookup.get(session, t.Company, company_id)
            if company is None or (company.deleted_at is not None and company_id != row.company_id):
                raise RuleViolation(
                    _("Company: there is no company with number {id}.").format(id=company_id), field="company_id"
                )
        if contact_id is not None:
            contact = await lookup.get(session, t.Contact, contact_id)
            if contact is None or (contact.deleted_at is not None and contact_id != row.contact_id):
                raise RuleViolation(
                    _("Contact: there is no contact with number {id}.").format(id=contact_id), field="contact_id"
                )
            if company_id is None and "company_id" not in fields:
                company_id = contact.company_id
            elif contact.company_id != company_id:
                raise RuleViolation(
                    _("Contact: {name} does not belong to the chosen company.").format(name=_contact_name(contact)),
                    field="contact_id",
                )
        if company_id is None and contact_id is None:
            raise RuleViolation(_("Company: a sale belongs to a company or a contact; choose one."), field="company_id")
        row.company_id, row.contact_id = company_id, contact_id

    # owner
    if values.owner is not None:
        owner_id = await _owner_id(session, values.owner)
        if owner_id != row.owner_id:
            await _check_may_assign(session, actor, owner_id)
            row.owner_id = owner_id
    elif creating:
        row.owner_id = actor.id

    # money (decision 7): at most one of Total cost, Profit, Percentage; Amount first so the others use it
    if values.amount is not None:
        row.amount = money.parse_money(values.amount, "amount")
    given = [name for name in ("cost", "profit", "percentage") if getattr(values, name) is not None]
    if len(given) > 1:
        raise RuleViolation(
            _("{field}: give only one of Total cost, Profit and Percentage; the others follow.").format(
                field=_(FIELD_LABELS[given[1]])
            ),
            field=given[1],
        )
    if given:
        result = money.recompute(row.amount, row.cost, given[0], getattr(values, given[0]))
        row.cost = result.cost
    money.check_cost(row.cost)
    if creating and row.amount is None:
        row.amount = money.ZERO
    if creating and row.cost is None:
        row.cost = money.ZERO

    # stage and status
    target = STATUS_BY_KEY[values.status] if values.status else None
    new_stage: t.SaleStage | None = None
    stage_given = values.stage is not None and not (isinstance(values.stage, str) and not values.stage.strip())
    if stage_given:
        pseudo = _pseudo_stage(values.stage)
        linked = await guides.linked_stages(session, row.sale_type_id)
        by_name = {stage.name_key: stage for stage, _rank in linked}
        if pseudo is not None and not (isinstance(values.stage, str) and t.name_key(values.stage) in by_name):
            if target is not None and target != pseudo:
                raise RuleViolation(
                    _("Stage: {stage} contradicts Status {status}.").format(
                        stage=status_label(pseudo), status=status_label(target)
                    ),
                    field="stage",
                )
            target = pseudo
        else:
            assert values.stage is not None  # stage_given
            new_stage = await guides.stage_row(session, values.stage)
            if new_stage.id != row.stage_id or type_changed:
                if new_stage.id not in {stage.id for stage, _rank in linked}:
                    names = ", ".join(stage.name for stage, _rank in linked) or _("none")
                    raise RuleViolation(
                        _("Stage: '{stage}' is not a stage of sale type '{type}' (its stages: {names}).").format(
                            stage=new_stage.name, type=type_row.name, names=names
                        ),
                        field="stage",
                    )
            if target is None and old_status in CLOSED:
                target = SaleStatus.OPEN  # picking a normal stage reopens a sold or lost sale
    if new_stage is None and (creating or type_changed):
        linked = await guides.linked_stages(session, row.sale_type_id)
        ids = [stage.id for stage, _rank in linked]
        if row.stage_id not in ids:
            new_stage = linked[0][0] if linked else None
            if new_stage is None:
                row.stage_id = None
    if target is None:
        target = old_status or SaleStatus.OPEN
    reopened = old_status in CLOSED and target not in CLOSED
    if target == SaleStatus.STALLED and old_status in CLOSED and new_stage is None:
        raise RuleViolation(
            _("Stalled: a {status} sale cannot be stalled; pick a stage to reopen it first.").format(
                status=status_label(old_status).lower()
            ),
            field="status",
        )

    if new_stage is not None:
        row.stage_id = new_stage.id
    stage_changed = row.stage_id != old_stage_id
    if stage_changed or creating:
        row.stage_since = now

    # probability (S5, S11, S12)
    if target in CLOSED:
        fixed = stage_rules(STATUS_KEYS[target]).probability or 0  # Sold 100, Lost 0
        if values.probability is not None and values.probability != fixed:
            raise RuleViolation(
                _("Probability: a {status} sale has probability {n} %.").format(
                    status=status_label(target).lower(), n=fixed
                ),
                field="probability",
            )
        row.probability = fixed
    elif values.probability is not None:
        row.probability = values.probability
    elif stage_changed or reopened or creating:
        stage = new_stage or (await session.get(t.SaleStage, row.stage_id) if row.stage_id else None)
        row.probability = stage.probability if stage is not None else 0

    # reasons
    reason_fields: dict[SaleStatus, tuple[str, type[t.ListItem]]] = {
        SaleStatus.SOLD: ("reason_sold", t.ReasonSold),
        SaleStatus.LOST: ("reason_lost", t.ReasonLost),
        SaleStatus.STALLED: ("reason_stalled", t.ReasonStalled),
    }
    reason_refs = {name: getattr(values, name) for name, _model in reason_fields.values() if name in fields}
    if values.reason is not None and not (isinstance(values.reason, str) and not values.reason.strip()):
        if target not in reason_fields:
            raise RuleViolation(
                _("Reason: an open sale has no reason; set the status to sold, lost or stalled."), field="reason"
            )
        name, _model = reason_fields[target]
        if reason_refs.get(name) is None:
            reason_refs[name] = values.reason
    for status, (name, model) in reason_fields.items():
        if name in reason_refs:
            ref = reason_refs[name]
            if ref is None or (isinstance(ref, str) and not ref.strip()):
                setattr(row, f"{name}_id", None)
            else:
                setattr(row, f"{name}_id", await _list_ref(session, model, ref, name, getattr(row, f"{name}_id")))
        if target != status:
            setattr(row, f"{name}_id", None)
    for name, model in (("source", t.SaleSource), ("competitor", t.Competitor), ("credited", t.Credited)):
        if name in fields:
            ref = getattr(values, name)
            if ref is None or (isinstance(ref, str) and not ref.strip()):
                setattr(row, f"{name}_id", None)
            else:
                setattr(row, f"{name}_id", await _list_ref(session, model, ref, name, getattr(row, f"{name}_id")))

    # dates
    closing = target in CLOSED and old_status != target
    if values.sale_date is not None:
        row.sale_date = values.sale_date
    elif "sale_date" in fields and not creating:
        raise RuleViolation(_("Sale date: is required"), field="sale_date")
    elif closing:
        row.sale_date = _today()  # Date of a sold or lost sale: today unless given (S11)
    elif creating:
        row.sale_date = default_sale_date(type_row)
    if target == SaleStatus.STALLED:
        if "reopen_date" in fields:
            if (
                values.reopen_date is not None
                and values.reopen_date != row.reopen_date
                and values.reopen_date < _today()
            ):
                raise RuleViolation(_("Re-open date: must be today or later."), field="reopen_date")
            row.reopen_date = values.reopen_date
        if row.reopen_date is None:
            raise RuleViolation(_("Re-open date: is required for a stalled sale."), field="reopen_date")
        if row.reason_stalled_id is None and await _has_live_items(session, t.ReasonStalled):
            raise RuleViolation(_("Reason (stalled): is required for a stalled sale."), field="reason_stalled")
    else:
        row.reopen_date = None
    if target == SaleStatus.SOLD and row.reason_sold_id is None and await _has_live_items(session, t.ReasonSold):
        raise RuleViolation(_("Reason (sold): is required for a sold sale."), field="reason_sold")
    if target == SaleStatus.LOST and row.reason_lost_id is None and await _has_live_items(session, t.ReasonLost):
        raise RuleViolation(_("Reason (lost): is required for a lost sale."), field="reason_lost")

    # completed (S13); reopening clears it
    if values.completed is not None:
        if values.completed and target not in CLOSED:
            raise RuleViolation(_("Completed: only a sold or lost sale can be completed."), field="completed")
        row.completed = values.completed
    if target not in CLOSED:
        row.completed = False

    # closing data (S14)
    if closing:
        row.closed_at = now
        row.stage_when_closed_id = row.stage_id
    elif target not in CLOSED:
        row.closed_at = None
        row.stage_when_closed_id = None
    row.status = int(target)
    if not creating:
        row.updated_at, row.updated_by_id = now, actor.id

    # history of stage and status
    if creating:
        session.add(row)
    await _flush(session)
    if stage_changed:
        old_name = await _name(session, t.SaleStage, old_stage_id) or ""
        new_name = await _name(session, t.SaleStage, row.stage_id) or ""
        await history.record(
            session, actor, "sale", row.id, "stage", old_stage_id, old_name, row.stage_id, new_name, at=now
        )
    if old_status != target:
        await history.record(
            session,
            actor,
            "sale",
            row.id,
            "status",
            int(old_status) if old_status else None,
            STATUS_LABELS[old_status] if old_status else "",
            int(target),
            STATUS_LABELS[target],
            at=now,
        )
    # category automation (SPEC 2.5): registered, sold, lost
    await automation.after_sale_saved(
        session, actor, row, creating=creating, old_status=int(old_status) if old_status else None
    )


# ---------------------------------------------------------------------------------------------- output


def _contact_name(contact: t.Contact | None) -> str | None:
    if contact is None:
        return None
    return " ".join(part for part in (contact.first_name, contact.middle_name, contact.last_name) if part)


async def _name(session: AsyncSession, model: type[Any], row_id: int | None) -> str | None:
    if row_id is None:
        return None
    row = await lookup.get(session, model, row_id)
    return row.name if row is not None else None


async def _out(session: AsyncSession, row: t.Sale, *, with_guide: bool = True) -> SaleOut:
    status = SaleStatus(row.status)
    owner = await session.get(t.Associate, row.owner_id)
    company = await session.get(t.Company, row.company_id) if row.company_id else None
    contact = await session.get(t.Contact, row.contact_id) if row.contact_id else None
    type_row = await session.get(t.SaleType, row.sale_type_id)
    stage_name = await _name(session, t.SaleStage, row.stage_id)
    reasons = {
        name: await _name(session, model, getattr(row, f"{name}_id"))
        for name, model in (
            ("reason_sold", t.ReasonSold),
            ("reason_lost", t.ReasonLost),
            ("reason_stalled", t.ReasonStalled),
        )
    }
    next_day = (await activities.next_activity_dates(session, [row.id])).get(row.id)
    today = _today()
    now = t.utcnow()
    days_in_stage = (now - row.stage_since).days if row.stage_since and status not in CLOSED else None
    cycle = (row.closed_at - row.registered_at).days if row.closed_at and row.registered_at else None
    guide = await guides.sale_guide_in(session, row) if with_guide else None
    return SaleOut(
        id=row.id,
        number=row.number or str(row.id),
        heading=row.heading,
        description=row.description,
        status=STATUS_KEYS[status],
        status_label=status_label(status),
        status_icon=status_icon(status),
        stage=status_label(status) if status in CLOSED else stage_name,
        stage_id=row.stage_id,
        probability=row.probability,
        amount=money.q(row.amount),
        cost=money.q(row.cost),
        profit=money.profit(row.amount, row.cost),
        percentage=money.percentage(row.amount, row.cost),
        weighted_amount=money.weighted(row.amount, row.probability),
        completed=row.completed,
        owner=owner.login if owner else "",
        owner_id=row.owner_id,
        owner_name=owner.full_name if owner else "",
        company_id=row.company_id,
        company_name=company.name if company else None,
        contact_id=row.contact_id,
        contact_name=_contact_name(contact),
        sale_type=type_row.name if type_row else "",
        sale_type_id=row.sale_type_id,
        sale_date=row.sale_date,
        reopen_date=row.reopen_date,
        reason={
            SaleStatus.SOLD: reasons["reason_sold"],
            SaleStatus.LOST: reasons["reason_lost"],
            SaleStatus.STALLED: reasons["reason_stalled"],
        }.get(status),
        reason_sold=reasons["reason_sold"],
        reason_sold_id=row.reason_sold_id,
        reason_lost=reasons["reason_lost"],
        reason_lost_id=row.reason_lost_id,
        reason_stalled=reasons["reason_stalled"],
        reason_stalled_id=row.reason_stalled_id,
        source=await _name(session, t.SaleSource, row.source_id),
        source_id=row.source_id,
        competitor=await _name(session, t.Competitor, row.competitor_id),
        competitor_id=row.competitor_id,
        credited=await _name(session, t.Credited, row.credited_id),
        credited_id=row.credited_id,
        next_activity=next_day,
        next_activity_overdue=next_day is not None and next_day < today,
        stage_when_closed=await _name(session, t.SaleStage, row.stage_when_closed_id),
        closed_at=row.closed_at,
        days_in_stage=days_in_stage,
        sale_cycle_days=cycle,
        registered_at=row.registered_at,
        updated_at=row.updated_at,
        guided=guide is not None,
        guide=guide,
        version=row.version,
    )


async def _differences(session: AsyncSession, values: SaleChange, current: SaleOut) -> dict[str, tuple[Any, Any]]:
    """Fields where what the user wanted to save differs from what is saved now: {label: (yours, saved)}."""

    def same(mine: Any, theirs: Any, *, name: str | None = None) -> bool:
        if mine is None or theirs is None:
            return mine == theirs or (mine in ("", None) and theirs in ("", None))
        if isinstance(mine, str) and not mine.strip().isdigit() and name is not None:
            return mine.strip().casefold() == str(name).casefold()
        try:
            return Decimal(str(mine).replace(",", ".")) == Decimal(str(theirs))
        except ArithmeticError:
            return str(mine).strip() == str(theirs).strip()

    pairs = [
        ("heading", values.heading, current.heading, None),
        ("amount", values.amount, current.amount, None),
        ("cost", values.cost, current.cost, None),
        ("probability", values.probability, current.probability, None),
        ("sale_type", values.sale_type, current.sale_type_id, current.sale_type),
        ("owner", values.owner, current.owner_id, current.owner),
        ("company_id", values.company_id, current.company_id, None),
        ("contact_id", values.contact_id, current.contact_id, None),
    ]
    models = {"sale_type": t.SaleType, "stage": t.SaleStage}

    async def shown(field: str, value: Any) -> Any:
        """An id as the user knows it: by its name."""
        if not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
            return value
        if field in models:
            return await _name(session, models[field], int(value)) or value
        if field == "owner":
            row = await lookup.get(session, t.Associate, value)
            return row.login if row else value
        if field == "company_id":
            company = await lookup.get(session, t.Company, value)
            return company.name if company else value
        if field == "contact_id":
            return _contact_name(await lookup.get(session, t.Contact, value)) or value
        return value

    result: dict[str, tuple[Any, Any]] = {}
    fields = values.model_fields_set
    names = {"company_id": current.company_name, "contact_id": current.contact_name}
    for field, mine, theirs, name in pairs:
        if field in fields and not same(mine, theirs, name=name):
            result[_(FIELD_LABELS[field])] = (await shown(field, mine), name or names.get(field) or theirs)
    if (
        "stage" in fields
        and values.stage is not None
        and _pseudo_stage(values.stage) is None
        and not same(values.stage, current.stage_id, name=current.stage)
    ):
        result[_("Stage")] = (await shown("stage", values.stage), current.stage)
    if values.status is not None and values.status != current.status:
        result[_("Status")] = (values.status, current.status)
    if values.sale_date is not None and values.sale_date != current.sale_date:
        result[_("Sale date")] = (values.sale_date, current.sale_date)
    if values.description is not None and values.description != current.description:
        result[_("Description")] = (values.description, current.description)
    return result


# ---------------------------------------------------------------------------------------------- actions


async def create_sale(db: Database, actor: Actor, data: dict[str, Any]) -> SaleOut:
    """Register a sale. Heading and sale type are mandatory; so is a company or a contact."""
    values = parse(SaleChange, data)

    async def attempt() -> SaleOut:
        async with db.write(actor) as session:
            row = t.Sale(
                heading="",
                description="",
                status=int(SaleStatus.OPEN),
                probability=0,
                amount=money.ZERO,
                cost=money.ZERO,
                registered_by_id=actor.id,
                registered_at=t.utcnow(),
            )
            await _apply(session, actor, row, values, creating=True)
            out = await _out(session, row)
            out.category_suggestion = automation.take(session)
        return out

    return await _retrying(attempt)


async def update_sale(
    db: Database, actor: Actor, sale_id: int, data: dict[str, Any], *, expected_version: int | None = None
) -> SaleOut:
    """Change a sale; refused with StaleEdit when someone saved it after `expected_version` was read."""
    values = parse(SaleChange, data)

    async def attempt() -> SaleOut:
        async with db.write(actor) as session:
            row = await _sale(session, sale_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                by = (
                    await session.scalar(select(t.Associate.login).where(t.Associate.id == row.updated_by_id))
                    if row.updated_by_id
                    else None
                )
                current = await _out(session, row)
                raise StaleEdit(
                    _(
                        "The sale '{heading}' was changed by {who} since you opened it; nothing was saved. Reload to "
                        "see the change."
                    ).format(heading=row.heading, who=by or _("someone else")),
                    current=current,
                    changed=await _differences(session, values, current),
                )
            await rights.ensure_can_edit(session, actor, row.owner_id, _what(row))
            with session.no_autoflush:  # one UPDATE (one version step) per save
                await _apply(session, actor, row, values, creating=False)
            out = await _out(session, row)
            out.category_suggestion = automation.take(session)
        return out

    return await _retrying(attempt)


async def get_sale(db: Database, sale_id: int) -> SaleOut:
    async with db.read() as session:
        return await _out(session, await _sale(session, sale_id))


class SaleRights(BaseModel):
    """What the user may do with a sale now: the card offers only these (Edit, Delete)."""

    may_edit: bool
    may_delete: bool


async def sale_rights(db: Database, actor: Actor, sale_id: int) -> SaleRights:
    async with db.read() as session:
        row = await _sale(session, sale_id)
        group = await rights.owner_group_id(session, row.owner_id)
        may_delete = True
        try:
            await rights.ensure_can_delete_sale(session, actor, row.owner_id, _what(row))
        except PermissionDenied:
            may_delete = False
        return SaleRights(may_edit=rights.may_edit(actor, row.owner_id, group), may_delete=may_delete)


async def check_can_edit_sale(db: Database, actor: Actor, sale_id: int) -> None:
    """Refuse edit mode up front when the user may only read this sale (the save would be refused too)."""
    async with db.read() as session:
        row = await _sale(session, sale_id)
        await rights.ensure_can_edit(session, actor, row.owner_id, _what(row))


async def check_can_delete_sale(db: Database, actor: Actor, sale_id: int) -> SaleOut:
    """Refuse early (before the confirmation) when the user may not delete this sale; returns it otherwise."""
    async with db.read() as session:
        row = await _sale(session, sale_id)
        await rights.ensure_can_delete_sale(session, actor, row.owner_id, _what(row))
        return await _out(session, row, with_guide=False)


async def delete_sale(db: Database, actor: Actor, sale_id: int, *, expected_version: int | None = None) -> SaleOut:
    """Delete a sale for good, with its follow-ups (decision 9; the audit keeps its values, so the recycle bin can restore it). Its stage and status
    history stays in the history table, like the audit trail."""

    async def attempt() -> SaleOut:
        async with db.write(actor) as session:
            row = await _sale(session, sale_id, lock=True)
            await rights.ensure_can_delete_sale(session, actor, row.owner_id, _what(row))
            out = await _out(session, row, with_guide=False)
            if expected_version is not None and row.version != expected_version:
                raise StaleEdit(
                    _(
                        "The sale '{heading}' was changed by someone else since you opened it; nothing was "
                        "deleted. Look at it again first."
                    ).format(heading=row.heading),
                    current=out,
                )
            # Activity.sale_id cascades in the database; delete them here too (one by one, so the audit has them)
            for activity in (await session.scalars(select(t.Activity).where(t.Activity.sale_id == row.id))).all():
                await session.delete(activity)
            await _flush(session)
            await session.delete(row)
            await _flush(session)
        return out

    return await _retrying(attempt)


async def sale_history(db: Database, sale_id: int, *, limit: int = 200) -> list[HistoryOut]:
    """Changes of stage and status, newest first."""
    async with db.read() as session:
        await _sale(session, sale_id)
        rows = (
            await session.execute(
                select(t.History, t.Associate.login)
                .outerjoin(t.Associate, t.Associate.id == t.History.by_id)
                .where(t.History.entity == "sale", t.History.entity_id == sale_id)
                .order_by(t.History.at.desc(), t.History.id.desc())
                .limit(limit)
            )
        ).all()
    result = []
    for row, login in rows:
        from_text, to_text = row.from_text, row.to_text
        if row.field == "status":  # stored in English; shown in the user's language
            from_text = status_label(row.from_id) if row.from_id else ""
            to_text = status_label(row.to_id) if row.to_id else ""
        result.append(HistoryOut(at=row.at, field=row.field, from_text=from_text, to_text=to_text, by=login))
    return result


# ---------------------------------------------------------------------------------------------- lists


def _search_condition(text: str) -> ColumnElement[bool]:
    pattern = f"%{text.strip().lower()}%"
    conditions: list[ColumnElement[bool]] = [
        func.lower(t.Sale.heading).like(pattern),
        func.lower(t.Company.name).like(pattern),
        func.lower(t.Sale.number).like(pattern),
    ]
    if lookup.as_id(text) is not None:
        conditions.append(t.Sale.id == lookup.as_id(text))
    return or_(*conditions)


async def _owners_refused_delete(
    session: AsyncSession, actor: Actor | None, owners: set[int | None]
) -> set[int | None]:
    """The owners (of a page's sales) whose sales `actor` may not delete: the delete rule, once per owner."""
    refused: set[int | None] = set()
    if actor is None:
        return refused
    for owner_id in owners:
        try:
            await rights.ensure_can_delete_sale(session, actor, owner_id, "")
        except PermissionDenied:
            refused.add(owner_id)
    return refused


async def list_sales(
    db: Database,
    actor: Actor | None = None,
    *,
    company_id: int | None = None,
    contact_id: int | None = None,
    status: str | None = None,
    search: str | None = None,
    owner: str | None = None,
    include_completed: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> SalePage:
    """A page of sales, newest sale date first, with the count and the sums of all matches (in the database)."""
    limit = max(1, min(limit, 1000))
    offset = max(0, min(offset, lookup.MAX_ID))
    conditions = []
    if company_id is not None:
        conditions.append(t.Sale.company_id == company_id)
    if contact_id is not None:
        conditions.append(t.Sale.contact_id == contact_id)
    if status:
        if status not in STATUS_BY_KEY:
            raise RuleViolation(
                _("Status: '{status}' is not one of open, sold, lost, stalled.").format(status=status), field="status"
            )
        conditions.append(t.Sale.status == int(STATUS_BY_KEY[status]))
    if owner:
        conditions.append(
            t.Sale.owner_id.in_(select(t.Associate.id).where(func.lower(t.Associate.login) == owner.strip().lower()))
        )
    if not include_completed:
        conditions.append(t.Sale.completed.is_(False))
    if search and search.strip():
        check_text("search", search)
        conditions.append(_search_condition(search))
    # amount x probability summed in the database; divided by 100 here, in Decimal (SQLite divides integers)
    weighted_sql = t.Sale.amount * t.Sale.probability
    totals = select(
        func.count(), func.coalesce(func.sum(t.Sale.amount), 0), func.coalesce(func.sum(weighted_sql), 0)
    ).select_from(t.Sale)
    if search and search.strip():  # only the search looks at the company (joined for every sale, it took 10x longer)
        totals = totals.outerjoin(t.Company, t.Company.id == t.Sale.company_id)
    totals = totals.where(*conditions)
    contact = aliased(t.Contact)
    query = (
        select(t.Sale, t.Company.name, contact, t.SaleStage.name, t.Associate.login)
        .outerjoin(t.Company, t.Company.id == t.Sale.company_id)
        .outerjoin(contact, contact.id == t.Sale.contact_id)
        .outerjoin(t.SaleStage, t.SaleStage.id == t.Sale.stage_id)
        .outerjoin(t.Associate, t.Associate.id == t.Sale.owner_id)
        .where(*conditions)
        .order_by(t.Sale.sale_date.desc(), t.Sale.id.desc())
        .offset(offset)
        .limit(limit)
    )
    async with db.read() as session:
        total, sum_amount, sum_weighted = (await session.execute(totals)).one()
        rows = (await session.execute(query)).all()
        next_days = await activities.next_activity_dates(session, [row.id for row, *_rest in rows])
        refused = await _owners_refused_delete(session, actor, {row.owner_id for row, *_rest in rows})
    today = _today()
    result = []
    for row, company_name, contact_row, stage_name, login in rows:
        status_ = SaleStatus(row.status)
        next_day = row.reopen_date if status_ == SaleStatus.STALLED else next_days.get(row.id)
        result.append(
            SaleRow(
                id=row.id,
                completed=row.completed,
                status=STATUS_KEYS[status_],
                status_icon=status_icon(status_),
                sale_date=row.sale_date,
                amount=money.q(row.amount),
                weighted_amount=money.weighted(row.amount, row.probability),
                probability=row.probability,
                stage=status_label(status_) if status_ in CLOSED else stage_name,
                next_activity=next_day,
                next_activity_overdue=next_day is not None and next_day < today,
                heading=row.heading,
                company_id=row.company_id,
                company_name=company_name,
                contact_id=row.contact_id,
                contact_name=_contact_name(contact_row),
                owner=login or "",
                version=row.version,
                may_delete=row.owner_id not in refused,
            )
        )
    return SalePage(
        rows=result,
        total=total or 0,
        offset=offset,
        limit=limit,
        sum_amount=money.q(Decimal(str(sum_amount or 0))),
        sum_weighted=money.q(Decimal(str(sum_weighted or 0)) / money.HUNDRED),
    )


# ---------------------------------------------------------------------------------------------- card helpers


async def sale_form_options(db: Database) -> SaleFormOptions:
    """The live items of every list the sale card offers, and each sale type's stages and default date."""
    async with db.read() as session:

        async def items(model: type[t.ListItem]) -> list[Choice]:
            rows = (
                await session.scalars(select(model).where(model.deleted.is_(False)).order_by(model.rank, model.id))
            ).all()
            return [Choice(id=row.id, name=row.name, description=row.description) for row in rows]

        types = (
            await session.scalars(
                select(t.SaleType).where(t.SaleType.deleted.is_(False)).order_by(t.SaleType.rank, t.SaleType.id)
            )
        ).all()
        links = (
            await session.execute(
                select(t.SaleTypeStage.sale_type_id, t.SaleStage)
                .join(t.SaleStage, t.SaleStage.id == t.SaleTypeStage.stage_id)
                .where(t.SaleStage.deleted.is_(False))
                .order_by(t.SaleTypeStage.sale_type_id, t.SaleTypeStage.rank, t.SaleTypeStage.id)
            )
        ).all()
        stages: dict[int, list[StageChoice]] = {}
        for type_id, stage in links:
            stages.setdefault(type_id, []).append(
                StageChoice(id=stage.id, name=stage.name, description=stage.description, probability=stage.probability)
            )
        owners = (
            await session.scalars(
                select(t.Associate)
                .where(t.Associate.active.is_(True))
                .order_by(t.Associate.full_name, t.Associate.login)
            )
        ).all()
        return SaleFormOptions(
            sale_types=[
                SaleTypeChoice(
                    id=row.id,
                    name=row.name,
                    description=row.description,
                    has_guide=row.has_guide,
                    default_sale_date=default_sale_date(row),
                    stages=stages.get(row.id, []),
                )
                for row in types
            ],
            reasons_sold=await items(t.ReasonSold),
            reasons_lost=await items(t.ReasonLost),
            reasons_stalled=await items(t.ReasonStalled),
            sources=await items(t.SaleSource),
            competitors=await items(t.Competitor),
            credited=await items(t.Credited),
            owners=[Choice(id=row.id, name=row.full_name or row.login, description=row.login) for row in owners],
            follow_up_types=await items(t.FollowUpType),
            today=_today(),
        )


async def search_companies_for_picker(db: Database, text: str = "", *, limit: int = 20) -> list[PickItem]:
    """Companies whose name (or number) contains the text, for the sale card's company picker."""
    check_text("search", text)
    query = select(t.Company).where(t.Company.deleted_at.is_(None))
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(t.Company.name).like(pattern), t.Company.number == text.strip()))
    query = query.order_by(t.Company.name, t.Company.id).limit(max(1, min(limit, 200)))
    async with db.read() as session:
        rows = (await session.scalars(query)).all()
    return [
        PickItem(id=row.id, label=row.name, detail=" ".join(p for p in (row.city, row.country) if p), company_id=row.id)
        for row in rows
    ]


async def search_contacts_for_picker(
    db: Database, text: str = "", *, company_id: int | None = None, limit: int = 20
) -> list[PickItem]:
    """Contacts whose name or email contains the text, of one company when given."""
    check_text("search", text)
    query = (
        select(t.Contact, t.Company.name)
        .outerjoin(t.Company, t.Company.id == t.Contact.company_id)
        .where(t.Contact.deleted_at.is_(None))
    )
    if company_id is not None:
        query = query.where(t.Contact.company_id == company_id)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        full = func.lower(t.Contact.first_name + " " + t.Contact.last_name)
        query = query.where(
            or_(
                full.like(pattern),
                func.lower(t.Contact.email).like(pattern),
                func.lower(t.Contact.last_name).like(pattern),
            )
        )
    query = query.order_by(t.Contact.last_name, t.Contact.first_name, t.Contact.id).limit(max(1, min(limit, 200)))
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    return [
        PickItem(
            id=row.id, label=_contact_name(row) or f"#{row.id}", detail=company_name or "", company_id=row.company_id
        )
        for row, company_name in rows
    ]


async def company_name(db: Database, company_id: int) -> str | None:
    async with db.read() as session:
        row = await lookup.get(session, t.Company, company_id)
        return row.name if row else None


async def contact_label(db: Database, contact_id: int) -> PickItem | None:
    async with db.read() as session:
        row = await lookup.get(session, t.Contact, contact_id)
        if row is None:
            return None
        return PickItem(id=row.id, label=_contact_name(row) or f"#{row.id}", company_id=row.company_id)
