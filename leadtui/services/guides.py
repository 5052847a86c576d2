"""Sale type stages and sales guides (SPEC.md 1.8, 1.9, 2.4).

Administration (administrators only, like every list): the ordered stages of a sale type, the guide switch
(needs at least two stages), the sale type's estimated time, and per stage the suggested follow-ups.
The guide of a sale: its type's stages as done / current / future, each with its suggested follow-ups and the
follow-up created from each (an activity of that sale carrying the guide item). Activities keep their guide
item when the sale's type changes, so they link back when the type is changed back (S7).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as date_type
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import DurationUnit, SaleStatus
from leadtui.services.actor import Actor, require_list_administrator
from leadtui.services import lookup
from leadtui.services.errors import NotFound, RuleViolation
from leadtui.services.validation import FIELD_LABELS, parse

if TYPE_CHECKING:
    from leadtui.services.activities import ActivityOut

FIELD_LABELS.update(
    {
        "stages": N_("Stages"),
        "has_guide": N_("This sale type is linked to a guide"),
        "start_offset_days": N_("Start date (days after previous follow-up)"),
        "duration_minutes": N_("Duration (minutes)"),
        "default_text": N_("Default text in follow-up"),
        "purpose": N_("The purpose of this follow-up"),
        "auto_suggest": N_("Automatically suggest this follow-up"),
        "follow_up_type": N_("Follow-up type"),
        "duration": N_("Estimated time for this sale process"),
        "duration_unit": N_("Unit"),
        "stage": N_("Stage"),
        "sale_type": N_("Sale type"),
    }
)

MIN_GUIDE_STAGES = 2


class StageOut(BaseModel):
    id: int
    name: str
    probability: int
    deleted: bool = False


class GuideItemOut(BaseModel):
    id: int
    sale_type_id: int
    stage_id: int
    name: str
    purpose: str
    auto_suggest: bool
    follow_up_type: str | None
    follow_up_type_id: int | None
    start_offset_days: int
    duration_minutes: int
    default_text: str
    rank: int
    version: int


class TypeStageOut(StageOut):
    rank: int
    items: list[GuideItemOut] = []


class SaleTypeGuideOut(BaseModel):
    sale_type_id: int
    sale_type: str
    has_guide: bool
    auto_advance: bool
    duration: int
    duration_unit: str
    stages: list[TypeStageOut]
    version: int


class SaleGuideItemOut(BaseModel):
    id: int
    name: str
    purpose: str
    follow_up_type: str | None
    start_offset_days: int
    default_text: str
    activity_id: int | None = Field(None, description="the follow-up created from this item, if any")
    activity_completed: bool | None = None


class SaleGuideStageOut(BaseModel):
    stage_id: int
    name: str
    state: Literal["done", "current", "future"]
    items: list[SaleGuideItemOut]


class SaleGuideOut(BaseModel):
    sale_type_id: int
    sale_type: str
    stages: list[SaleGuideStageOut]


class GuideItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.NAME_MAX)] | None = None
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.DESCRIPTION_MAX)] | None = None
    auto_suggest: bool | None = None
    follow_up_type: int | str | None = None
    start_offset_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    duration_minutes: Annotated[int, Field(ge=0, le=24 * 60 * 14)] | None = None
    default_text: Annotated[str, StringConstraints(max_length=4000)] | None = None


class SaleTypeOptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    duration: Annotated[int, Field(ge=0, le=1000)] | None = None
    duration_unit: DurationUnit | None = None
    auto_advance: bool | None = None


# ---------------------------------------------------------------------------------------------- look-ups


async def sale_type_row(session: AsyncSession, ref: int | str, *, allow_deleted: bool = True) -> t.SaleType:
    row = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        row = await lookup.get(session, t.SaleType, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(t.SaleType).where(t.SaleType.name_key == t.name_key(ref)))
    if row is None:
        names = (
            await session.scalars(
                select(t.SaleType.name).where(t.SaleType.deleted.is_(False)).order_by(t.SaleType.rank)
            )
        ).all()
        raise NotFound(
            _("Sale type: no sale type named '{ref}' (choose one of: {names}).").format(ref=ref, names=", ".join(names))
        )
    if row.deleted and not allow_deleted:
        raise RuleViolation(
            _("Sale type: '{name}' is deleted; choose another sale type.").format(name=row.name), field="sale_type"
        )
    return row


async def linked_stages(session: AsyncSession, sale_type_id: int) -> list[tuple[t.SaleStage, int]]:
    """The stages of a sale type in their order, with their rank (deleted stages are unlinked, R9)."""
    rows = (
        await session.execute(
            select(t.SaleStage, t.SaleTypeStage.rank)
            .join(t.SaleTypeStage, t.SaleTypeStage.stage_id == t.SaleStage.id)
            .where(t.SaleTypeStage.sale_type_id == sale_type_id, t.SaleStage.deleted.is_(False))
            .order_by(t.SaleTypeStage.rank, t.SaleTypeStage.id)
        )
    ).all()
    return [(stage, rank) for stage, rank in rows]


async def stage_row(session: AsyncSession, ref: int | str, *, field: str = "stage") -> t.SaleStage:
    row = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        row = await lookup.get(session, t.SaleStage, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(t.SaleStage).where(t.SaleStage.name_key == t.name_key(ref)))
    if row is None:
        names = (
            await session.scalars(
                select(t.SaleStage.name).where(t.SaleStage.deleted.is_(False)).order_by(t.SaleStage.rank)
            )
        ).all()
        raise RuleViolation(
            _("Stage: '{ref}' is not a sale stage (stages: {names}).").format(ref=ref, names=", ".join(names)),
            field=field,
        )
    return row


async def _follow_up_type(session: AsyncSession, ref: int | str | None) -> int | None:
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    row = None
    if isinstance(ref, int) or ref.strip().isdigit():
        row = await lookup.get(session, t.FollowUpType, ref)
    if row is None and isinstance(ref, str):
        row = await session.scalar(select(t.FollowUpType).where(t.FollowUpType.name_key == t.name_key(ref)))
    if row is None or row.deleted:
        raise RuleViolation(
            _("Follow-up type: '{ref}' is not in the list Follow-up - Type.").format(ref=ref), field="follow_up_type"
        )
    return row.id


def _item_out(row: t.GuideItem, type_name: str | None) -> GuideItemOut:
    return GuideItemOut(
        id=row.id,
        sale_type_id=row.sale_type_id,
        stage_id=row.stage_id,
        name=row.name,
        purpose=row.purpose,
        auto_suggest=row.auto_suggest,
        follow_up_type=type_name,
        follow_up_type_id=row.follow_up_type_id,
        start_offset_days=row.start_offset_days,
        duration_minutes=row.duration_minutes,
        default_text=row.default_text,
        rank=row.rank,
        version=row.version,
    )


async def _items(session: AsyncSession, sale_type_id: int) -> dict[int, list[GuideItemOut]]:
    rows = (
        await session.execute(
            select(t.GuideItem, t.FollowUpType.name)
            .outerjoin(t.FollowUpType, t.FollowUpType.id == t.GuideItem.follow_up_type_id)
            .where(t.GuideItem.sale_type_id == sale_type_id)
            .order_by(t.GuideItem.rank, t.GuideItem.id)
        )
    ).all()
    result: dict[int, list[GuideItemOut]] = {}
    for row, type_name in rows:
        result.setdefault(row.stage_id, []).append(_item_out(row, type_name))
    return result


async def _type_guide(session: AsyncSession, row: t.SaleType) -> SaleTypeGuideOut:
    items = await _items(session, row.id)
    stages = [
        TypeStageOut(
            id=stage.id, name=stage.name, probability=stage.probability, rank=rank, items=items.get(stage.id, [])
        )
        for stage, rank in await linked_stages(session, row.id)
    ]
    return SaleTypeGuideOut(
        sale_type_id=row.id,
        sale_type=row.name,
        has_guide=row.has_guide,
        auto_advance=row.auto_advance,
        duration=row.duration,
        duration_unit=row.duration_unit,
        stages=stages,
        version=row.version,
    )


# ---------------------------------------------------------------------------------------------- administration


async def get_sale_type_guide(db: Database, sale_type: int | str) -> SaleTypeGuideOut:
    """A sale type's stages (in order), guide switch, estimated time and suggested follow-ups per stage."""
    async with db.read() as session:
        return await _type_guide(session, await sale_type_row(session, sale_type))


async def list_stages(db: Database) -> list[StageOut]:
    """Every live sale stage in list order (what can be linked to a sale type)."""
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(t.SaleStage).where(t.SaleStage.deleted.is_(False)).order_by(t.SaleStage.rank, t.SaleStage.id)
            )
        ).all()
    return [StageOut(id=row.id, name=row.name, probability=row.probability) for row in rows]


async def set_sale_type_stages(
    db: Database, actor: Actor, sale_type: int | str, stages: Sequence[int | str]
) -> SaleTypeGuideOut:
    """Link these stages to the sale type in this order (replacing the links). Administrators only.

    Suggested follow-ups of a stage that is unlinked are kept and come back when the stage is linked again.
    A guided sale type keeps at least two stages. Sales in an unlinked stage keep it until their stage changes.
    """
    require_list_administrator(actor)
    async with db.write(actor) as session:
        row = await sale_type_row(session, sale_type)
        if row.deleted:
            raise RuleViolation(
                _("Sale type: '{name}' is deleted; restore it first.").format(name=row.name), field="sale_type"
            )
        stage_ids: list[int] = []
        for ref in stages:
            stage = await stage_row(session, ref.strip() if isinstance(ref, str) else ref, field="stages")
            if stage.deleted:
                raise RuleViolation(
                    _("Stages: '{name}' is deleted; restore it first.").format(name=stage.name), field="stages"
                )
            if stage.id in stage_ids:
                raise RuleViolation(_("Stages: '{name}' is listed twice.").format(name=stage.name), field="stages")
            stage_ids.append(stage.id)
        if row.has_guide and len(stage_ids) < MIN_GUIDE_STAGES:
            raise RuleViolation(
                _("Stages: a sale type linked to a guide needs at least {n} stages; turn the guide off first.").format(
                    n=MIN_GUIDE_STAGES
                ),
                field="stages",
            )
        await session.execute(delete(t.SaleTypeStage).where(t.SaleTypeStage.sale_type_id == row.id))
        for rank, stage_id in enumerate(stage_ids, start=1):
            session.add(t.SaleTypeStage(sale_type_id=row.id, stage_id=stage_id, rank=rank))
        await session.flush()
        out = await _type_guide(session, row)
    return out


async def set_guide(db: Database, actor: Actor, sale_type: int | str, on: bool) -> SaleTypeGuideOut:
    """Turn the sales guide of a sale type on (needs at least two stages) or off (G8: items are kept)."""
    require_list_administrator(actor)
    async with db.write(actor) as session:
        row = await sale_type_row(session, sale_type)
        if on:
            if row.deleted:
                raise RuleViolation(
                    _("Sale type: '{name}' is deleted; restore it first.").format(name=row.name), field="sale_type"
                )
            count = len(await linked_stages(session, row.id))
            if count < MIN_GUIDE_STAGES:
                raise RuleViolation(
                    _(
                        "This sale type is linked to a guide: a guide needs at least {n} stages; '{name}' has {count}. "
                        "Add stages first."
                    ).format(n=MIN_GUIDE_STAGES, name=row.name, count=count),
                    field="has_guide",
                )
        if row.has_guide != on:
            row.has_guide = on
        await session.flush()
        out = await _type_guide(session, row)
    return out


async def set_sale_type_options(
    db: Database, actor: Actor, sale_type: int | str, data: dict[str, Any]
) -> SaleTypeGuideOut:
    """Estimated time for this sale process (number and unit) and 'suggest moving to the next stage'."""
    require_list_administrator(actor)
    values = parse(SaleTypeOptionsIn, data)
    async with db.write(actor) as session:
        row = await sale_type_row(session, sale_type)
        if values.duration is not None:
            row.duration = values.duration
        if values.duration_unit is not None:
            row.duration_unit = values.duration_unit.value
        if values.auto_advance is not None:
            row.auto_advance = values.auto_advance
        await session.flush()
        out = await _type_guide(session, row)
    return out


async def add_guide_item(
    db: Database, actor: Actor, sale_type: int | str, stage: int | str, data: dict[str, Any]
) -> GuideItemOut:
    """A suggested follow-up in a stage of a sale type; the stage must be one of the type's stages."""
    require_list_administrator(actor)
    values = parse(GuideItemIn, data)
    if values.name is None:
        raise RuleViolation(_("Name: is required"), field="name")
    async with db.write(actor) as session:
        type_row = await sale_type_row(session, sale_type)
        stage_ = await stage_row(session, stage)
        linked = [s.id for s, _rank in await linked_stages(session, type_row.id)]
        if stage_.id not in linked:
            raise RuleViolation(
                _("Stage: '{stage}' is not a stage of sale type '{type}'; link it first.").format(
                    stage=stage_.name, type=type_row.name
                ),
                field="stage",
            )
        rank = (
            await session.scalar(
                select(func.coalesce(func.max(t.GuideItem.rank), 0)).where(
                    t.GuideItem.sale_type_id == type_row.id, t.GuideItem.stage_id == stage_.id
                )
            )
            or 0
        ) + 1
        row = t.GuideItem(
            sale_type_id=type_row.id,
            stage_id=stage_.id,
            kind="follow-up",
            name=values.name,
            purpose=values.purpose or "",
            auto_suggest=bool(values.auto_suggest),
            follow_up_type_id=await _follow_up_type(session, values.follow_up_type),
            start_offset_days=values.start_offset_days or 0,
            duration_minutes=values.duration_minutes if values.duration_minutes is not None else 15,
            default_text=values.default_text or "",
            rank=rank,
        )
        session.add(row)
        await session.flush()
        out = await _describe_item(session, row)
    return out


async def _describe_item(session: AsyncSession, row: t.GuideItem) -> GuideItemOut:
    type_name = None
    if row.follow_up_type_id is not None:
        type_name = await session.scalar(select(t.FollowUpType.name).where(t.FollowUpType.id == row.follow_up_type_id))
    return _item_out(row, type_name)


async def _item(session: AsyncSession, item_id: int) -> t.GuideItem:
    row = await lookup.get(session, t.GuideItem, item_id)
    if row is None:
        raise NotFound(_("No suggested follow-up with number {id}.").format(id=item_id))
    return row


async def edit_guide_item(db: Database, actor: Actor, item_id: int, data: dict[str, Any]) -> GuideItemOut:
    require_list_administrator(actor)
    values = parse(GuideItemIn, data)
    async with db.write(actor) as session:
        row = await _item(session, item_id)
        fields = values.model_fields_set
        if values.name is not None:
            row.name = values.name
        if values.purpose is not None:
            row.purpose = values.purpose
        if values.auto_suggest is not None:
            row.auto_suggest = values.auto_suggest
        if "follow_up_type" in fields:
            row.follow_up_type_id = await _follow_up_type(session, values.follow_up_type)
        if values.start_offset_days is not None:
            row.start_offset_days = values.start_offset_days
        if values.duration_minutes is not None:
            row.duration_minutes = values.duration_minutes
        if values.default_text is not None:
            row.default_text = values.default_text
        await session.flush()
        out = await _describe_item(session, row)
    return out


async def delete_guide_item(db: Database, actor: Actor, item_id: int) -> GuideItemOut:
    """Remove a suggested follow-up; follow-ups already created from it stay (their link is cleared)."""
    require_list_administrator(actor)
    async with db.write(actor) as session:
        row = await _item(session, item_id)
        out = await _describe_item(session, row)
        for activity in (await session.scalars(select(t.Activity).where(t.Activity.guide_item_id == row.id))).all():
            activity.guide_item_id = None
        await session.flush()
        await session.delete(row)
    return out


async def find_guide_item(db: Database, sale_type: int | str, stage: int | str, name: str) -> GuideItemOut:
    async with db.read() as session:
        type_row = await sale_type_row(session, sale_type)
        stage_ = await stage_row(session, stage)
        row = await session.scalar(
            select(t.GuideItem).where(
                t.GuideItem.sale_type_id == type_row.id,
                t.GuideItem.stage_id == stage_.id,
                func.lower(t.GuideItem.name) == name.strip().lower(),
            )
        )
        if row is None:
            raise NotFound(
                _("No suggested follow-up named '{name}' in stage '{stage}' of '{type}'.").format(
                    name=name, stage=stage_.name, type=type_row.name
                )
            )
        return await _describe_item(session, row)


# ---------------------------------------------------------------------------------------------- a sale's guide


async def sale_guide_in(session: AsyncSession, sale: t.Sale) -> SaleGuideOut | None:
    """The guide of a sale, or None when its sale type has no guide (then the Sales guide tab is hidden)."""
    type_row = await session.get(t.SaleType, sale.sale_type_id)
    if type_row is None or not type_row.has_guide or type_row.deleted:
        return None
    stages = await linked_stages(session, type_row.id)
    items = await _items(session, type_row.id)
    created: dict[int | None, tuple[int, bool]] = {}  # guide item -> (its first follow-up, completed)
    rows = (
        await session.execute(
            select(t.Activity.guide_item_id, t.Activity.id, t.Activity.completed)
            .where(t.Activity.sale_id == sale.id, t.Activity.guide_item_id.is_not(None))
            .order_by(t.Activity.start_at, t.Activity.id)
        )
    ).all()
    for item_id, activity_id, completed in rows:
        created.setdefault(item_id, (activity_id, completed))
    ids = [stage.id for stage, _rank in stages]
    # Sold: every stage done. Otherwise (also Lost) stages before the sale's stage are done (S6).
    current = len(ids) if sale.status == SaleStatus.SOLD else (ids.index(sale.stage_id) if sale.stage_id in ids else -1)
    result = []
    for index, (stage, _rank) in enumerate(stages):
        state = "done" if index < current else ("current" if index == current else "future")
        result.append(
            SaleGuideStageOut(
                stage_id=stage.id,
                name=stage.name,
                state=state,
                items=[
                    SaleGuideItemOut(
                        id=item.id,
                        name=item.name,
                        purpose=item.purpose,
                        follow_up_type=item.follow_up_type,
                        start_offset_days=item.start_offset_days,
                        default_text=item.default_text,
                        activity_id=created.get(item.id, (None, None))[0],
                        activity_completed=created.get(item.id, (None, None))[1],
                    )
                    for item in items.get(stage.id, [])
                ],
            )
        )
    return SaleGuideOut(sale_type_id=type_row.id, sale_type=type_row.name, stages=result)


async def sale_guide(db: Database, sale_id: int) -> SaleGuideOut | None:
    async with db.read() as session:
        sale = await lookup.get(session, t.Sale, sale_id)
        if sale is None:
            raise NotFound(_("No sale with number {id}.").format(id=sale_id))
        return await sale_guide_in(session, sale)


class FollowUpDraft(BaseModel):
    """A suggested follow-up as the Follow-up dialog shows it before it is saved (G3)."""

    date: date_type
    type_id: int | None
    type: str | None
    text: str
    title: str


async def _draft(session: AsyncSession, sale: t.Sale, item: t.GuideItem) -> FollowUpDraft:
    """Date: the item's 'days after previous follow-up' counted from the sale's latest follow-up (today if that
    is earlier or there is none). Type and text come from the item."""
    from datetime import datetime, timedelta

    if item.sale_type_id != sale.sale_type_id:
        raise RuleViolation(
            _("Follow-up: this suggestion belongs to another sale type's guide."), field="guide_item_id"
        )
    latest = await session.scalar(select(func.max(t.Activity.start_at)).where(t.Activity.sale_id == sale.id))
    if isinstance(latest, str):  # SQLite may hand back the aggregate as text
        latest = datetime.fromisoformat(latest)
    base = max(date_type.today(), latest.date()) if latest is not None else date_type.today()
    type_name = None
    if item.follow_up_type_id is not None:
        type_name = await session.scalar(select(t.FollowUpType.name).where(t.FollowUpType.id == item.follow_up_type_id))
    try:
        day = base + timedelta(days=item.start_offset_days)
    except OverflowError:  # the latest follow-up is at the end of the calendar
        day = date_type.max
    return FollowUpDraft(
        date=day, type_id=item.follow_up_type_id, type=type_name, text=item.default_text or item.name, title=item.name
    )


async def suggest_follow_up(db: Database, sale_id: int, item_id: int) -> FollowUpDraft:
    async with db.read() as session:
        sale = await lookup.get(session, t.Sale, sale_id)
        if sale is None:
            raise NotFound(_("No sale with number {id}.").format(id=sale_id))
        return await _draft(session, sale, await _item(session, item_id))


async def create_follow_up_from_guide(
    db: Database, actor: Actor, sale_id: int, item_id: int, data: dict[str, Any] | None = None
) -> ActivityOut:
    """G3: create the suggested follow-up for a sale, prefilled from the guide item; `data` may override the
    date, time, type and text. The follow-up keeps the item, so the guide shows it as created. Like any
    follow-up it belongs to the user who creates it, who need not own the sale (FUC)."""
    from leadtui.services import activities

    async with db.write(actor) as session:
        sale = await lookup.get(session, t.Sale, sale_id)
        if sale is None:
            raise NotFound(_("No sale with number {id}.").format(id=sale_id))
        item = await _item(session, item_id)
        draft = await _draft(session, sale, item)
        values = {
            "date": draft.date,
            "text": draft.text,
            "title": draft.title,
            "type": draft.type_id,
            "sale_id": sale.id,
            "guide_item_id": item.id,
        }
        values.update({key: value for key, value in (data or {}).items() if value is not None})
        row = await activities.create_follow_up_in(session, actor, parse(activities.FollowUpIn, values))
        out = await activities.describe(session, row)
    return out


# ---------------------------------------------------------------------------------------------- prompts (G5, G6)


class GuidePromptOut(BaseModel):
    """What the sales guide offers after a follow-up of a sale was completed (or a stage was entered).

    `follow_up`: the next suggested follow-up when it has "Automatically suggest this follow-up" and was not
    created for this sale yet (G5), with the draft the Sales guide dialog shows. `next_stage_id` / `next_stage`:
    the stage to move on to when the sale type has "Suggest moving the sale into next stage automatically" and
    every suggested follow-up of the sale's stage has a completed follow-up (G6)."""

    sale_id: int
    follow_up: SaleGuideItemOut | None = None
    draft: FollowUpDraft | None = None
    stage: str | None = Field(None, description="the sale's current stage")
    next_stage_id: int | None = None
    next_stage: str | None = None

    @property
    def empty(self) -> bool:
        return self.follow_up is None and self.next_stage_id is None


def _sale_item_out(item: GuideItemOut) -> SaleGuideItemOut:
    return SaleGuideItemOut(
        id=item.id,
        name=item.name,
        purpose=item.purpose,
        follow_up_type=item.follow_up_type,
        start_offset_days=item.start_offset_days,
        default_text=item.default_text,
    )


async def _prompts(session: AsyncSession, sale: t.Sale, after_item_id: int | None) -> GuidePromptOut:
    result = GuidePromptOut(sale_id=sale.id)
    if sale.status in (SaleStatus.SOLD, SaleStatus.LOST):
        return result
    type_row = await session.get(t.SaleType, sale.sale_type_id)
    if type_row is None or not type_row.has_guide or type_row.deleted:
        return result
    stages = [stage for stage, _rank in await linked_stages(session, type_row.id)]
    ids = [stage.id for stage in stages]
    items = await _items(session, type_row.id)
    made: dict[int, bool] = {}  # guide item -> has a completed follow-up of this sale
    rows = (
        await session.execute(
            select(t.Activity.guide_item_id, t.Activity.completed).where(
                t.Activity.sale_id == sale.id, t.Activity.guide_item_id.is_not(None)
            )
        )
    ).all()
    for item_id, completed in rows:
        assert item_id is not None  # guide_item_id IS NOT NULL
        made[item_id] = made.get(item_id, False) or bool(completed)
    current = sale.stage_id if sale.stage_id in ids else None
    result.stage = next((stage.name for stage in stages if stage.id == current), None)

    # G5: the follow-up after the completed one in its stage (or the first of a stage just entered)
    candidate: GuideItemOut | None = None
    if after_item_id is None:
        if current is not None and items.get(current):
            candidate = items[current][0]
    else:
        for stage_items in items.values():
            positions = [item.id for item in stage_items]
            if after_item_id in positions and positions.index(after_item_id) + 1 < len(positions):
                candidate = stage_items[positions.index(after_item_id) + 1]
    if candidate is not None and candidate.auto_suggest and candidate.id not in made and candidate.stage_id in ids:
        result.follow_up = _sale_item_out(candidate)
        draft = await _draft(session, sale, await _item(session, candidate.id))
        if draft.type_id is None:  # the type the follow-up will get: the first of the list (activities._type)
            first = await session.scalar(
                select(t.FollowUpType)
                .where(t.FollowUpType.deleted.is_(False))
                .order_by(t.FollowUpType.rank, t.FollowUpType.id)
                .limit(1)
            )
            if first is not None:
                draft = draft.model_copy(update={"type_id": first.id, "type": first.name})
        result.draft = draft

    # G6: every suggestion of the current stage done -> offer the next stage
    if after_item_id is not None and type_row.auto_advance and current is not None:
        stage_items = items.get(current, [])
        completed_here = after_item_id in {item.id for item in stage_items}
        if completed_here and all(made.get(item.id) for item in stage_items) and ids.index(current) + 1 < len(ids):
            following = stages[ids.index(current) + 1]
            result.next_stage_id, result.next_stage = following.id, following.name
    return result


async def prompts_after_completing(db: Database, activity_id: int) -> GuidePromptOut | None:
    """G5 and G6 after a follow-up was completed: None when it is not a completed follow-up of a guided sale
    created from a suggestion, else what to offer (possibly nothing)."""
    async with db.read() as session:
        activity = await lookup.get(session, t.Activity, activity_id)
        if activity is None or not activity.completed or activity.sale_id is None or activity.guide_item_id is None:
            return None
        sale = await lookup.get(session, t.Sale, activity.sale_id)
        if sale is None:
            return None
        return await _prompts(session, sale, activity.guide_item_id)


async def prompts_on_entering_stage(db: Database, sale_id: int) -> GuidePromptOut:
    """G5 for a stage just entered: its first suggested follow-up, when that one is suggested automatically."""
    async with db.read() as session:
        sale = await lookup.get(session, t.Sale, sale_id)
        if sale is None:
            raise NotFound(_("No sale with number {id}.").format(id=sale_id))
        return await _prompts(session, sale, None)
