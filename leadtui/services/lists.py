"""Settings lists: Contact - Lead status, Company - Category, Sale - Stage, Sale - Type, the reason lists and more.

Rules (SPEC.md 2.2, DESIGN.md decisions 1 and 5): administrators only; name required, description optional (the
tooltip); names unique per list ignoring case, deleted items included; delete hides (soft), restore brings back;
the default lead status cannot be deleted; "Enable lead status" only on group Potential customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup
from leadtui.services.actor import Actor, require_list_administrator
from leadtui.services.errors import NotFound, RuleViolation, StaleEdit
from leadtui.services.validation import FIELD_LABELS, parse


@dataclass(frozen=True)
class ListKind:
    key: str
    model: type[t.ListItem]
    label: str  # the list's name in Settings (English msgid)
    item_label: str  # what one item is called in messages


KINDS: dict[str, ListKind] = {
    kind.key: kind
    for kind in (
        ListKind("lead-status", t.LeadStatus, N_("Contact - Lead status"), N_("lead status")),
        ListKind("category", t.Category, N_("Company - Category"), N_("category")),
        ListKind("sale-stage", t.SaleStage, N_("Sale - Stage"), N_("sale stage")),
        ListKind("sale-type", t.SaleType, N_("Sale - Type, Stages, Quote"), N_("sale type")),
        ListKind("reason-sold", t.ReasonSold, N_("Sale - Reason (sold)"), N_("reason (sold)")),
        ListKind("reason-lost", t.ReasonLost, N_("Sale - Reason (lost)"), N_("reason (lost)")),
        ListKind("reason-stalled", t.ReasonStalled, N_("Sale - Reason (stalled)"), N_("reason (stalled)")),
        ListKind("sale-source", t.SaleSource, N_("Sale - Source"), N_("source")),
        ListKind("competitor", t.Competitor, N_("Sale - Competitor"), N_("competitor")),
        ListKind("follow-up-type", t.FollowUpType, N_("Follow-up - Type"), N_("follow-up type")),
        ListKind("business", t.Business, N_("Company - Business"), N_("business")),
        ListKind("user-group", t.UserGroup, N_("General - User group"), N_("user group")),
    )
}

FIELD_LABELS.update(
    {
        "name": N_("Name"),
        "description": N_("Description"),
        "probability": N_("Probability"),
        "category_group": N_("Category group"),
        "enable_lead_status": N_("Enable lead status for this category"),
    }
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.NAME_MAX)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.DESCRIPTION_MAX)]


class ListItemIn(BaseModel):
    """Fields a user may set; None means 'leave as it is' on edit."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    description: Description | None = None
    category_group: CategoryGroup | None = None
    enable_lead_status: bool | None = None
    probability: Annotated[int, Field(ge=0, le=100)] | None = None
    is_default: bool | None = None


class ListItemOut(BaseModel):
    kind: str
    id: int
    name: str
    description: str
    rank: int
    deleted: bool
    version: int
    category_group: CategoryGroup | None = None
    enable_lead_status: bool | None = None
    probability: int | None = None
    is_default: bool | None = None


def get_kind(kind: str) -> ListKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise RuleViolation(
            _("Unknown list kind '{kind}'. Choose one of: {kinds}.").format(kind=kind, kinds=", ".join(KINDS)),
            field="kind",
        ) from None


def to_out(kind: ListKind, row: t.ListItem) -> ListItemOut:
    out = ListItemOut(
        kind=kind.key,
        id=row.id,
        name=row.name,
        description=row.description,
        rank=row.rank,
        deleted=row.deleted,
        version=row.version,
    )
    if isinstance(row, t.Category):
        out.category_group = CategoryGroup(row.category_group)
        out.enable_lead_status = row.enable_lead_status
    elif isinstance(row, t.SaleStage):
        out.probability = row.probability
    elif isinstance(row, t.LeadStatus):
        out.is_default = row.is_default
    return out


async def list_items(db: Database, kind: str, *, include_deleted: bool = False) -> list[ListItemOut]:
    """Items in rank order; deleted ones only when asked (they stay in place, marked)."""
    k = get_kind(kind)
    query = select(k.model).order_by(k.model.rank, k.model.id)
    if not include_deleted:
        query = query.where(k.model.deleted.is_(False))
    async with db.read() as session:
        rows = (await session.scalars(query)).all()
    return [to_out(k, row) for row in rows]


async def _find(session: AsyncSession, k: ListKind, ref: int | str) -> t.ListItem:
    """An item by id or by name (ignoring case)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        from leadtui.services.lookup import as_id  # ids beyond the integer range (or "²") name no row

        row_id = as_id(ref)
        row = await session.get(k.model, row_id) if row_id is not None else None
        if row is None and isinstance(ref, str):
            row = await _by_name(session, k, ref)
    else:
        row = await _by_name(session, k, ref)
    if row is None:
        raise NotFound(_("No {item} named '{name}' in {list}.").format(item=_(k.item_label), name=ref, list=_(k.label)))
    return row


async def _by_name(session: AsyncSession, k: ListKind, name: str) -> t.ListItem | None:
    return await session.scalar(select(k.model).where(k.model.name_key == t.name_key(name)))


async def get_item(db: Database, kind: str, ref: int | str) -> ListItemOut:
    k = get_kind(kind)
    async with db.read() as session:
        return to_out(k, await _find(session, k, ref))


async def _check_unique(session: AsyncSession, k: ListKind, name: str, exclude_id: int | None = None) -> None:
    query = select(k.model).where(k.model.name_key == t.name_key(name))
    if exclude_id is not None:
        query = query.where(k.model.id != exclude_id)
    clash = await session.scalar(query)
    if clash is not None:
        note = _(" (a deleted item: restore it instead)") if clash.deleted else ""
        raise RuleViolation(
            _("Name: '{name}' is already used in {list}{note}; names must be unique in a list, ignoring case.").format(
                name=clash.name, list=_(k.label), note=note
            ),
            field="name",
        )


def _check_lead_flag(group: CategoryGroup, enabled: bool) -> None:
    if enabled and group != CategoryGroup.POTENTIAL_CUSTOMER:
        raise RuleViolation(
            _(
                "Enable lead status for this category: only categories in the group Potential customer can have lead status."
            ),
            field="enable_lead_status",
        )


async def _flush(session: AsyncSession, k: ListKind, name: str | None) -> None:
    """Flush, turning a race on the unique name index into the same clear message."""
    try:
        await session.flush()
    except IntegrityError:
        raise RuleViolation(
            _("Name: '{name}' is already used in {list}; names must be unique in a list, ignoring case.").format(
                name=name, list=_(k.label)
            ),
            field="name",
        ) from None


async def add_item(db: Database, actor: Actor, kind: str, data: dict[str, Any]) -> ListItemOut:
    require_list_administrator(actor)
    k = get_kind(kind)
    values = parse(ListItemIn, data)
    if values.name is None:
        raise RuleViolation(_("Name: is required"), field="name")
    async with db.write(actor) as session:
        await _check_unique(session, k, values.name)
        rank = (await session.scalar(select(func.coalesce(func.max(k.model.rank), 0))) or 0) + 1
        row = k.model(name=values.name, description=values.description or "", rank=rank, deleted=False)
        if isinstance(row, t.Category):
            group = values.category_group if values.category_group is not None else CategoryGroup.UNKNOWN
            _check_lead_flag(group, bool(values.enable_lead_status))
            row.category_group = int(group)
            row.enable_lead_status = bool(values.enable_lead_status)
        elif isinstance(row, t.SaleStage):
            row.probability = values.probability or 0
        elif isinstance(row, t.LeadStatus):
            row.is_default = False
        session.add(row)
        await _flush(session, k, values.name)
        if isinstance(row, t.LeadStatus) and values.is_default:
            await _make_default(session, row)
        out = to_out(k, row)
    return out


async def edit_item(
    db: Database, actor: Actor, kind: str, ref: int | str, data: dict[str, Any], *, expected_version: int | None = None
) -> ListItemOut:
    require_list_administrator(actor)
    k = get_kind(kind)
    values = parse(ListItemIn, data)
    async with db.write(actor) as session:
        row = await _find(session, k, ref)
        if expected_version is not None and row.version != expected_version:
            raise StaleEdit(
                _("{item} '{name}' was changed by someone else since you opened it; reload to see the change.").format(
                    item=_(k.item_label).capitalize(), name=row.name
                ),
                current=to_out(k, row),
            )
        if values.name is not None and values.name != row.name:
            await _check_unique(session, k, values.name, exclude_id=row.id)
            row.name = values.name
        if values.description is not None:
            row.description = values.description
        if isinstance(row, t.Category):
            await _edit_category(session, actor, row, values)
        elif isinstance(row, t.SaleStage) and values.probability is not None:
            row.probability = values.probability
        elif isinstance(row, t.LeadStatus) and values.is_default:
            if row.deleted:
                raise RuleViolation(
                    _("A deleted lead status cannot be the default; restore it first."), field="is_default"
                )
            await _make_default(session, row)
        elif isinstance(row, t.LeadStatus) and values.is_default is False and row.is_default:
            raise RuleViolation(
                _("There must always be a default lead status: make another status the default instead."),
                field="is_default",
            )
        await _flush(session, k, values.name)
        out = to_out(k, row)
    return out


async def _edit_category(session: AsyncSession, actor: Actor, row: t.Category, values: ListItemIn) -> None:
    was_enabled = row.enable_lead_status and row.category_group == CategoryGroup.POTENTIAL_CUSTOMER
    group = values.category_group if values.category_group is not None else CategoryGroup(row.category_group)
    if values.enable_lead_status is not None:
        enabled = values.enable_lead_status
        _check_lead_flag(group, enabled)
    else:
        # moving a category out of Potential customer switches lead status off (decision 5: values stay read-only)
        enabled = row.enable_lead_status and group == CategoryGroup.POTENTIAL_CUSTOMER
    row.category_group = int(group)
    row.enable_lead_status = enabled
    if enabled and not was_enabled and not row.deleted:
        await fill_default_lead_status_for_category(session, actor, row.id)


async def fill_default_lead_status_for_category(session: AsyncSession, actor: Actor, category_id: int) -> int:
    """Decision 3: a lead-enabled contact never has an empty lead status. Give the default to those without one."""
    from leadtui.services import history  # local: history imports nothing from lists, but keep the graph simple

    default = await default_lead_status(session)
    if default is None:
        return 0
    company_ids = select(t.Company.id).where(t.Company.category_id == category_id)
    contact_ids = (
        await session.scalars(
            select(t.Contact.id).where(t.Contact.company_id.in_(company_ids), t.Contact.lead_status_id.is_(None))
        )
    ).all()
    if not contact_ids:
        return 0
    now = t.utcnow()
    await session.execute(
        update(t.Contact)
        .where(t.Contact.id.in_(contact_ids))
        .values(lead_status_id=default.id, lead_status_since=now, version=t.Contact.version + 1)
        .execution_options(synchronize_session=False)
    )
    await history.record_many(
        session, actor, "contact", contact_ids, "lead_status", None, "", default.id, default.name, at=now
    )
    return len(contact_ids)


async def default_lead_status(session: AsyncSession) -> t.LeadStatus | None:
    return await session.scalar(
        select(t.LeadStatus).where(t.LeadStatus.is_default.is_(True), t.LeadStatus.deleted.is_(False))
    )


async def _make_default(session: AsyncSession, row: t.LeadStatus) -> None:
    await session.execute(
        update(t.LeadStatus)
        .where(t.LeadStatus.is_default.is_(True), t.LeadStatus.id != row.id)
        .values(is_default=False, version=t.LeadStatus.version + 1)
        .execution_options(synchronize_session=False)
    )
    row.is_default = True


async def usage_count(db: Database, kind: str, ref: int | str) -> int:
    """How many records use an item (L12: warn before changing or deleting a value in use)."""
    k = get_kind(kind)
    by_kind: dict[str, list[InstrumentedAttribute[Any]]] = {
        "lead-status": [t.Contact.lead_status_id],
        "category": [t.Company.category_id, t.Contact.category_id],
        "sale-stage": [t.Sale.stage_id],
        "sale-type": [t.Sale.sale_type_id],
        "reason-sold": [t.Sale.reason_sold_id],
        "reason-lost": [t.Sale.reason_lost_id],
        "reason-stalled": [t.Sale.reason_stalled_id],
        "sale-source": [t.Sale.source_id],
        "competitor": [t.Sale.competitor_id],
        "follow-up-type": [t.Activity.follow_up_type_id],
        "business": [t.Company.business_id],
        "user-group": [t.Associate.primary_group_id],
    }
    columns = by_kind[k.key]
    async with db.read() as session:
        row = await _find(session, k, ref)
        total = 0
        for column in columns:
            total += await session.scalar(select(func.count()).where(column == row.id)) or 0
    return total


def deletable(item: ListItemOut) -> bool:
    """Whether delete_item would take the item (the Settings screen offers Delete only then)."""
    return not item.deleted and not (item.kind == "lead-status" and item.is_default)


async def delete_item(db: Database, actor: Actor, kind: str, ref: int | str) -> ListItemOut:
    """Hide an item (soft delete): pickers stop offering it, records keep showing its name."""
    require_list_administrator(actor)
    k = get_kind(kind)
    async with db.write(actor) as session:
        row = await _find(session, k, ref)
        if row.deleted:
            raise RuleViolation(_("'{name}' is already deleted.").format(name=row.name), field="name")
        if isinstance(row, t.LeadStatus) and row.is_default:
            raise RuleViolation(
                _(
                    "'{name}' is the default lead status for new leads and cannot be deleted; "
                    "make another status the default first, or rename it."
                ).format(name=row.name),
                field="name",
            )
        row.deleted = True
        if isinstance(row, t.SaleStage):
            # R9: a deleted stage leaves every sale type and guide; restoring does not bring the links back
            await session.execute(delete(t.SaleTypeStage).where(t.SaleTypeStage.stage_id == row.id))
            await session.execute(delete(t.GuideItem).where(t.GuideItem.stage_id == row.id))
        elif isinstance(row, t.SaleType):
            await session.execute(delete(t.SaleTypeStage).where(t.SaleTypeStage.sale_type_id == row.id))
            await session.execute(delete(t.GuideItem).where(t.GuideItem.sale_type_id == row.id))
            row.has_guide = False
        await session.flush()
        out = to_out(k, row)
    return out


async def restore_item(db: Database, actor: Actor, kind: str, ref: int | str) -> ListItemOut:
    require_list_administrator(actor)
    k = get_kind(kind)
    async with db.write(actor) as session:
        row = await _find(session, k, ref)
        if not row.deleted:
            raise RuleViolation(
                _("'{name}' is not deleted; only deleted items can be restored.").format(name=row.name), field="name"
            )
        row.deleted = False
        if (
            isinstance(row, t.Category)
            and row.enable_lead_status
            and row.category_group == CategoryGroup.POTENTIAL_CUSTOMER
        ):
            await fill_default_lead_status_for_category(session, actor, row.id)
        await session.flush()
        out = to_out(k, row)
    return out


async def move_item(db: Database, actor: Actor, kind: str, ref: int | str, offset: int) -> list[ListItemOut]:
    """R4: reorder with up (-1) / down (+1); returns the list in its new order (deleted included)."""
    require_list_administrator(actor)
    k = get_kind(kind)
    async with db.write(actor) as session:
        row = await _find(session, k, ref)
        rows = list((await session.scalars(select(k.model).order_by(k.model.rank, k.model.id))).all())
        index = next(i for i, item in enumerate(rows) if item.id == row.id)
        target = max(0, min(len(rows) - 1, index + offset))
        if target != index:
            rows.insert(target, rows.pop(index))
            for rank, item in enumerate(rows, start=1):
                if item.rank != rank:
                    item.rank = rank
        await session.flush()
        out = [to_out(k, item) for item in rows]
    return out


def category_group_name(group: CategoryGroup | int) -> str:
    from leadtui.i18n import current_language
    from leadtui.model.defaults import CATEGORY_GROUP_NAMES

    return CATEGORY_GROUP_NAMES.get(current_language(), CATEGORY_GROUP_NAMES["en"])[CategoryGroup(group)]


def parse_category_group(value: str) -> CategoryGroup:
    """A group from its id, its key (potential-customer) or its name in any of the four languages."""
    from leadtui.model.defaults import CATEGORY_GROUP_NAMES

    text = value.strip().casefold().replace("_", " ").replace("-", " ")
    if text.isdigit() and int(text) in CategoryGroup._value2member_map_:
        return CategoryGroup(int(text))
    for group in CategoryGroup:
        if text == group.name.casefold().replace("_", " "):
            return group
    for names in CATEGORY_GROUP_NAMES.values():
        for group, name in names.items():
            if text == name.casefold():
                return group
    raise RuleViolation(
        _("Category group: '{value}' is not one of customer, potential-customer, partner, lost, other.").format(
            value=value
        ),
        field="category_group",
    )
