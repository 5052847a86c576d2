"""Dashboard tile sets (SPEC.md 4.7, 1.14, 5.1): Leads, Sales and the tiles each user adds (Mine).

Every figure is counted in the database, and every tile and every row of a tile says what it counts: Find
criteria on a target, a selection, or (list rows) a record. Find with those criteria lists exactly what was
counted (tests/services/test_tiles.py checks it row by row).

Definitions (also in /work/notes/dashboard-decisions.md):
- A new lead: a live contact registered since 1 January (UTC) whose company's category uses lead status now (the
  same rule as "New leads this week"). By campaign / first touch source: the contact's first touch (UTM) values;
  by lead creation source: the source recorded on a company created this year in a lead category ("Company
  source" / Lead creation source, SPEC.md 5.1). Values group ignoring case, as Find's Equals matches them.
- Open leads: live contacts holding the default lead status (Open).
- Sales: open = status Open or Stalled; weighted = amount x probability / 100. Won / lost in the period: sold /
  lost sales whose sale date (the actual date once closed) lies in the period. Forecast: open sales by the month
  of their sale date (earlier months in one "overdue" row), weighted.
- User tiles: a selection (its members now) or Find criteria kept as Find validates them, drawn as a number, bars
  (grouped by a list field, most first), a funnel (grouped in the list's order) or a list (the first ten records).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _, ngettext
from leadtui.i18n.format import format_money, format_number
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import SaleStatus
from leadtui.services import contact_rules as rules
from leadtui.services import find, selections
from leadtui.services.actor import Actor
from leadtui.services.dashboard import PERIOD_LABELS, days_between, period_range, status_funnel
from leadtui.services.errors import NotFound, RuleViolation
from leadtui.services.find import Criterion
from leadtui.services.validation import parse

SETS = ("leads", "sales", "mine")
SET_LABELS = {"leads": N_("Leads"), "sales": N_("Sales"), "mine": N_("My tiles")}
LAYOUTS = ("number", "bar", "funnel", "list")
LAYOUT_LABELS = {"number": N_("Big number"), "bar": N_("Bars"), "funnel": N_("Funnel"), "list": N_("List")}
DEFAULT_GROUP_BY = {"contact": "lead_status", "company": "category", "sale": "sale_stage"}
TOP = 10  # rows of a top list, a bar tile and a list tile
MAX_TILES = 50  # per user
FORECAST_MONTHS = 6
OPEN_SALE = [str(int(SaleStatus.OPEN)), str(int(SaleStatus.STALLED))]


class TileRow(BaseModel):
    """One line of a tile (a bar, a funnel step, a list entry, or a number's single line)."""

    key: str
    label: str
    value: float
    text: str
    extra: str = ""  # a second figure: weighted amount, count
    target: str = "contact"
    criteria: list[Criterion] = []
    selection_id: int | None = None  # opens this selection (its members) instead of Find
    record_id: int | None = None  # list rows: opens this record (of `target`)


class TileOut(BaseModel):
    key: str  # "leads:funnel", "sales:won", "user:12"
    title: str
    layout: str
    value: float
    text: str
    target: str = "contact"
    criteria: list[Criterion] = []
    selection_id: int | None = None
    rows: list[TileRow] = []
    user_tile_id: int | None = None
    note: str = ""


class TileSetOut(BaseModel):
    set: str
    label: str
    today: date
    period: str
    period_label: str
    period_start: date
    period_end: date
    tiles: list[TileOut]


class UserTileIn(BaseModel):
    title: str = ""
    layout: str = "number"
    target: str = "contact"
    criteria: list[Criterion] = []
    selection_id: int | None = None
    group_by: str = ""


class UserTileOut(BaseModel):
    id: int
    title: str
    layout: str
    source: str  # "selection" or "criteria"
    target: str
    criteria: list[Criterion]
    selection_id: int | None
    selection_name: str = ""
    group_by: str
    position: int


def _today() -> date:
    return t.utcnow().date()


def _day_before(day: date) -> str:
    return (day - timedelta(days=1)).isoformat()


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def check_set(name: str) -> str:
    key = (name or "").strip().lower()
    if key not in SETS:
        raise RuleViolation(
            _("Tile set: '{name}' is not one of {sets}.").format(name=name, sets=", ".join(SETS)), field="set"
        )
    return key


# --------------------------------------------------------------------------- Leads


def _new_lead_contacts(year_start: date) -> list[Any]:
    """New leads this year, as Find's contact criteria `registered > 31 Dec` and `lead_enabled = yes` count them."""
    return [
        t.Contact.deleted_at.is_(None),
        t.Contact.registered_at >= _at(year_start),
        t.Contact.company_id.is_not(None),
        rules.lead_enabled_sql(t.Category),
    ]


def _new_lead_joins(query: Select[Any]) -> Select[Any]:
    return query.join(t.Company, t.Company.id == t.Contact.company_id).join(
        t.Category, t.Category.id == t.Company.category_id
    )


async def _by_utm(
    session: AsyncSession, column: str, year_start: date, today: date, *, company: bool = False
) -> list[tuple[str, int]]:
    """(shown value, count) of new leads (contacts, or companies for the lead creation source) by a UTM column,
    grouped ignoring case; '' for those without a value. Most first."""
    if company:
        utm = (
            select(getattr(t.UtmRecord, column))
            .where(t.UtmRecord.company_id == t.Company.id)
            .order_by(t.UtmRecord.id)
            .limit(1)
            .scalar_subquery()
        )
        base = (
            select(func.lower(func.coalesce(utm, "")).label("k"), func.min(func.coalesce(utm, "")), func.count())
            .select_from(t.Company)
            .join(t.Category, t.Category.id == t.Company.category_id)
            .where(
                t.Company.deleted_at.is_(None),
                t.Company.registered_at >= _at(year_start),
                rules.lead_enabled_sql(t.Category),
            )
        )
    else:
        utm = (
            select(getattr(t.UtmRecord, column))
            .where(t.UtmRecord.contact_id == t.Contact.id)
            .order_by(t.UtmRecord.id)
            .limit(1)
            .scalar_subquery()
        )
        base = _new_lead_joins(
            select(func.lower(func.coalesce(utm, "")).label("k"), func.min(func.coalesce(utm, "")), func.count())
            .select_from(t.Contact)
            .where(*_new_lead_contacts(year_start))
        )
    rows = (await session.execute(base.group_by("k"))).all()
    return sorted(((shown or "", n) for _k, shown, n in rows), key=lambda r: (-r[1], r[0] == "", r[0].casefold()))


def _utm_rows(
    counts: list[tuple[str, int]], field: str, base: list[Criterion], target: str, prefix: str
) -> list[TileRow]:
    rows = []
    for value, n in counts[:TOP]:
        criterion = (
            Criterion(field=field, op="eq", values=[value]) if value else Criterion(field=field, op="empty", values=[])
        )
        rows.append(
            TileRow(
                key=f"{prefix}:{value.casefold()}",
                label=value or _("(none)"),
                value=n,
                text=format_number(n),
                target=target,
                criteria=[*base, criterion],
            )
        )
    return rows


async def lead_tiles(db: Database, actor: Actor, *, today: date | None = None) -> list[TileOut]:
    today = today or _today()
    year_start = date(today.year, 1, 1)
    since_year = [Criterion(field="registered", op="gt", values=[_day_before(year_start)])]
    new_leads = [*since_year, Criterion(field="lead_enabled", op="eq", values=["yes"])]
    async with db.read() as session:
        statuses = (
            await session.scalars(
                select(t.LeadStatus).where(t.LeadStatus.deleted.is_(False)).order_by(t.LeadStatus.rank, t.LeadStatus.id)
            )
        ).all()
        funnel = await status_funnel(session, statuses, year_start, today)
        new_count = (
            await session.scalar(
                _new_lead_joins(select(func.count()).select_from(t.Contact)).where(*_new_lead_contacts(year_start))
            )
            or 0
        )
        by_campaign = await _by_utm(session, "campaign", year_start, today)
        by_source = await _by_utm(session, "source", year_start, today)
        by_creation = await _by_utm(session, "source", year_start, today, company=True)
        default = next((s for s in statuses if s.is_default), statuses[0] if statuses else None)
        open_count = 0
        top_companies: list[tuple[int, str, int]] = []
        if default is not None:
            open_count = (
                await session.scalar(
                    select(func.count()).where(t.Contact.deleted_at.is_(None), t.Contact.lead_status_id == default.id)
                )
                or 0
            )
            top_companies = [
                (company_id, name, n)
                for company_id, name, n in (
                    await session.execute(
                        select(t.Company.id, t.Company.name, func.count(t.Contact.id).label("n"))
                        .join(t.Contact, t.Contact.company_id == t.Company.id)
                        .where(
                            t.Company.deleted_at.is_(None),
                            t.Contact.deleted_at.is_(None),
                            t.Contact.lead_status_id == default.id,
                        )
                        .group_by(t.Company.id, t.Company.name)
                        .order_by(func.count(t.Contact.id).desc(), t.Company.name_key, t.Company.id)
                        .limit(TOP)
                    )
                ).all()
            ]
    on_year = days_between("status_reached_on", year_start, today)
    funnel_rows = [
        TileRow(
            key=f"status:{step.status_id}", label=step.name, value=step.value, text=step.text, criteria=step.criteria
        )
        for step in funnel
    ]
    with_source = [*new_leads, Criterion(field="utm_source", op="not_empty", values=[])]
    new_with_source = sum(n for value, n in by_source if value)
    tiles = [
        TileOut(
            key="leads:funnel",
            title=_("Lead qualification funnel this year"),
            layout="funnel",
            value=funnel_rows[0].value if funnel_rows else 0,
            text=funnel_rows[0].text if funnel_rows else "0",
            criteria=on_year,
            rows=funnel_rows,
        ),
        _number("leads:new", _("New leads this year"), new_count, "contact", new_leads),
        _number(
            "leads:new_with_source",
            _("New leads with a lead source this year"),
            new_with_source,
            "contact",
            with_source,
        ),
        _number(
            "leads:open",
            _("Open leads ({status})").format(status=default.name) if default else _("Open leads"),
            open_count,
            "contact",
            [Criterion(field="lead_status", op="one_of", values=[str(default.id)])] if default else [],
        ),
        _bars(
            "leads:by_campaign",
            _("New leads by campaign this year"),
            _utm_rows(by_campaign, "utm_campaign", new_leads, "contact", "campaign"),
            new_count,
            "contact",
            new_leads,
        ),
        _bars(
            "leads:by_first_touch",
            _("New leads by first touch source this year"),
            _utm_rows(by_source, "utm_source", new_leads, "contact", "source"),
            new_count,
            "contact",
            new_leads,
        ),
    ]
    company_new = [*since_year, Criterion(field="lead_enabled", op="eq", values=["yes"])]
    creation_rows = _utm_rows(by_creation, "utm_source", company_new, "company", "creation")
    tiles.append(
        _bars(
            "leads:by_creation_source",
            _("New lead companies by lead creation source this year"),
            creation_rows,
            sum(n for _v, n in by_creation),
            "company",
            company_new,
        )
    )
    open_criterion = [Criterion(field="lead_status", op="one_of", values=[str(default.id)])] if default else []
    tiles.append(
        TileOut(
            key="leads:top_companies",
            title=_("Top 10 companies by open leads"),
            layout="list",
            value=sum(n for _i, _name, n in top_companies),
            text=format_number(len(top_companies)),
            criteria=open_criterion,
            rows=[
                TileRow(
                    key=f"company:{company_id}",
                    label=name,
                    value=n,
                    text=format_number(n),
                    target="company",
                    record_id=company_id,
                )
                for company_id, name, n in top_companies
            ],
        )
    )
    tiles.append(
        TileOut(
            key="leads:top_campaigns",
            title=_("Top 10 campaigns this year"),
            layout="list",
            value=sum(n for v, n in by_campaign if v),
            text=format_number(len([v for v, _n in by_campaign if v])),
            criteria=new_leads,
            rows=_utm_rows([(v, n) for v, n in by_campaign if v], "utm_campaign", new_leads, "contact", "campaign"),
        )
    )
    return tiles


def _number(key: str, title: str, value: float, target: str, criteria: list[Criterion], text: str = "") -> TileOut:
    text = text or format_number(value)
    return TileOut(
        key=key,
        title=title,
        layout="number",
        value=value,
        text=text,
        target=target,
        criteria=criteria,
        rows=[TileRow(key=key, label=title, value=value, text=text, target=target, criteria=criteria)],
    )


def _bars(key: str, title: str, rows: list[TileRow], total: float, target: str, criteria: list[Criterion]) -> TileOut:
    return TileOut(
        key=key,
        title=title,
        layout="bar",
        value=total,
        text=format_number(total),
        target=target,
        criteria=criteria,
        rows=rows,
    )


# --------------------------------------------------------------------------- Sales


def _weighted_sum() -> Any:
    return func.sum(t.Sale.amount * t.Sale.probability / 100)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


async def sales_tiles(db: Database, actor: Actor, *, period: str = "30d", today: date | None = None) -> list[TileOut]:
    today = today or _today()
    start, end = period_range(period, today)
    open_status = [int(SaleStatus.OPEN), int(SaleStatus.STALLED)]
    async with db.read() as session:
        stages = (await session.scalars(select(t.SaleStage).order_by(t.SaleStage.rank, t.SaleStage.id))).all()
        pipeline = {
            stage_id: (n, _money(amount), _money(weighted))
            for stage_id, n, amount, weighted in (
                await session.execute(
                    select(t.Sale.stage_id, func.count(), func.sum(t.Sale.amount), _weighted_sum())
                    .where(t.Sale.status.in_(open_status))
                    .group_by(t.Sale.stage_id)
                )
            ).all()
        }
        closed = {
            status: (n, _money(amount))
            for status, n, amount in (
                await session.execute(
                    select(t.Sale.status, func.count(), func.sum(t.Sale.amount))
                    .where(
                        t.Sale.status.in_([int(SaleStatus.SOLD), int(SaleStatus.LOST)]),
                        t.Sale.sale_date >= start,
                        t.Sale.sale_date <= end,
                    )
                    .group_by(t.Sale.status)
                )
            ).all()
        }
        by_day = (
            await session.execute(
                select(t.Sale.sale_date, func.count(), func.sum(t.Sale.amount), _weighted_sum())
                .where(t.Sale.status.in_(open_status))
                .group_by(t.Sale.sale_date)
            )
        ).all()
    open_criteria = [Criterion(field="sale_status", op="one_of", values=OPEN_SALE)]
    rows = []
    for stage in [*stages, None]:
        stage_id = stage.id if stage is not None else None
        if stage_id not in pipeline and (stage is None or stage.deleted):
            continue
        n, amount, weighted = pipeline.get(stage_id, (0, Decimal("0.00"), Decimal("0.00")))
        criterion = (
            Criterion(field="sale_stage", op="one_of", values=[str(stage_id)])
            if stage_id is not None
            else Criterion(field="sale_stage", op="empty", values=[])
        )
        rows.append(
            TileRow(
                key=f"stage:{stage_id or 0}",
                label=(stage.name if stage is not None else _("(no stage)")),
                value=float(amount),
                text=_("{n} · {amount}").format(n=format_number(n), amount=format_money(amount)),
                extra=_("weighted {amount}").format(amount=format_money(weighted)),
                target="sale",
                criteria=[*open_criteria, criterion],
            )
        )
    total_amount = sum((a for _n, a, _w in pipeline.values()), Decimal("0.00"))
    total_weighted = sum((w for _n, _a, w in pipeline.values()), Decimal("0.00"))
    total_count = sum(n for n, _a, _w in pipeline.values())
    pipeline_tile = TileOut(
        key="sales:pipeline",
        title=_("Pipeline by stage"),
        layout="bar",
        value=float(total_amount),
        text=_("{n} · {amount} · weighted {weighted}").format(
            n=format_number(total_count), amount=format_money(total_amount), weighted=format_money(total_weighted)
        ),
        target="sale",
        criteria=open_criteria,
        rows=rows,
    )
    in_period = days_between("sale_date", start, end)
    tiles = [pipeline_tile]
    for status, key, title in (
        (SaleStatus.SOLD, "sales:won", _("Won in the period")),
        (SaleStatus.LOST, "sales:lost", _("Lost in the period")),
    ):
        n, amount = closed.get(int(status), (0, Decimal("0.00")))
        tiles.append(
            _number(
                key,
                title,
                n,
                "sale",
                [Criterion(field="sale_status", op="one_of", values=[str(int(status))]), *in_period],
                text=_("{n} · {amount}").format(n=format_number(n), amount=format_money(amount)),
            )
        )
        tiles[-1].rows[0].extra = format_money(amount)
    month = date(today.year, today.month, 1)
    months = [month]
    for _i in range(FORECAST_MONTHS - 1):
        months.append(_next_month(months[-1]))
    buckets: dict[date | None, list[Any]] = defaultdict(lambda: [0, Decimal("0.00"), Decimal("0.00")])
    for day, n, amount, weighted in by_day:
        first = date(day.year, day.month, 1)
        key_month = None if first < month else first
        if key_month is not None and key_month not in months:
            continue
        bucket = buckets[key_month]
        bucket[0] += n
        bucket[1] += _money(amount)
        bucket[2] += _money(weighted)
    forecast_rows = []
    if None in buckets:
        n, amount, weighted = buckets[None]
        forecast_rows.append(
            TileRow(
                key="month:overdue",
                label=_("Overdue"),
                value=float(weighted),
                text=format_money(weighted),
                extra=ngettext("{n} sale · {amount}", "{n} sales · {amount}", n).format(
                    n=format_number(n), amount=format_money(amount)
                ),
                target="sale",
                criteria=[*open_criteria, Criterion(field="sale_date", op="lt", values=[month.isoformat()])],
            )
        )
    for first in months:
        n, amount, weighted = buckets.get(first, [0, Decimal("0.00"), Decimal("0.00")])
        last = _next_month(first) - timedelta(days=1)
        forecast_rows.append(
            TileRow(
                key=f"month:{first.isoformat()[:7]}",
                label=first.isoformat()[:7],
                value=float(weighted),
                text=format_money(weighted),
                extra=ngettext("{n} sale · {amount}", "{n} sales · {amount}", n).format(
                    n=format_number(n), amount=format_money(amount)
                ),
                target="sale",
                criteria=[*open_criteria, *days_between("sale_date", first, last)],
            )
        )
    forecast_total = sum((Decimal(str(r.value)) for r in forecast_rows), Decimal("0"))
    tiles.append(
        TileOut(
            key="sales:forecast",
            title=_("Forecast by month (weighted)"),
            layout="bar",
            value=float(forecast_total),
            text=format_money(_money(forecast_total)),
            target="sale",
            criteria=open_criteria,
            rows=forecast_rows,
        )
    )
    return tiles


def _next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


# --------------------------------------------------------------------------- user tiles (Mine)


def _user_out(row: t.DashboardTile, selection_name: str = "") -> UserTileOut:
    return UserTileOut(
        id=row.id,
        title=row.title,
        layout=row.layout,
        source=row.source,
        target=row.target,
        criteria=[Criterion.model_validate(c) for c in row.criteria or []],
        selection_id=row.selection_id,
        selection_name=selection_name,
        group_by=row.group_by,
        position=row.position,
    )


async def list_tiles(db: Database, actor: Actor) -> list[UserTileOut]:
    """The actor's own tiles in their order."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(t.DashboardTile, t.Selection.name)
                .outerjoin(t.Selection, t.Selection.id == t.DashboardTile.selection_id)
                .where(t.DashboardTile.owner_id == actor.id)
                .order_by(t.DashboardTile.position, t.DashboardTile.id)
            )
        ).all()
    return [_user_out(row, name or "") for row, name in rows]


async def add_tile(db: Database, actor: Actor, data: dict[str, Any]) -> UserTileOut:
    """Add a tile to the actor's dashboard: a selection (`selection_id`) or Find criteria on `target`."""
    values = parse(UserTileIn, data)
    layout = (values.layout or "").strip().lower()
    if layout not in LAYOUTS:
        raise RuleViolation(
            _("Layout: '{layout}' is not one of {layouts}.").format(layout=values.layout, layouts=", ".join(LAYOUTS)),
            field="layout",
        )
    title = values.title.strip()
    if len(title) > t.TEXT_MAX:
        raise RuleViolation(_("Title: at most {n} characters.").format(n=t.TEXT_MAX), field="title")
    criteria: list[Criterion] = []
    if values.selection_id is not None:
        if values.criteria:
            raise RuleViolation(_("Criteria: a tile counts a selection or criteria, not both."), field="criteria")
        selection = await selections.get_selection(db, actor, values.selection_id)  # NotFound when not visible
        target = selection.target
        title = title or selection.name
    else:
        target = find.normalise_target(values.target)
        criteria = await find.validate(db, actor, target, values.criteria)
        title = title or (await find.describe(db, target, criteria) or [find.target_label(target)])[0][: t.TEXT_MAX]
    group_by = values.group_by.strip()
    if layout in ("bar", "funnel"):
        group_by = group_by or DEFAULT_GROUP_BY[target]
        try:
            kind = find.field_kind(target, group_by)
        except RuleViolation as exc:
            raise RuleViolation(str(exc), field="group_by") from None
        if kind != "list":
            raise RuleViolation(
                _("Group by: '{field}' is not a list field (bars and funnels count per list item).").format(
                    field=find.field_label(target, group_by)
                ),
                field="group_by",
            )
        group_by = next(f.key for f in find.field_infos(target) if f.key == group_by or _alias(target, group_by, f.key))
    else:
        group_by = ""
    async with db.write(actor) as session:
        count = await session.scalar(
            select(func.count()).select_from(t.DashboardTile).where(t.DashboardTile.owner_id == actor.id)
        )
        if (count or 0) >= MAX_TILES:
            raise RuleViolation(_("Tiles: at most {n} tiles on a dashboard.").format(n=MAX_TILES), field="tiles")
        last = await session.scalar(
            select(func.max(t.DashboardTile.position)).where(t.DashboardTile.owner_id == actor.id)
        )
        row = t.DashboardTile(
            owner_id=actor.id,
            title=title,
            layout=layout,
            source="selection" if values.selection_id is not None else "criteria",
            target=target,
            criteria=[c.model_dump() for c in criteria],
            selection_id=values.selection_id,
            group_by=group_by,
            position=(last if last is not None else -1) + 1,
        )
        session.add(row)
        await session.flush()
        return _user_out(row)


def _alias(target: str, typed: str, key: str) -> bool:
    """`typed` names the field `key` (by an alias)."""
    try:
        return find.field_label(target, typed) == find.field_label(target, key)
    except RuleViolation:
        return False


async def _own(session: AsyncSession, actor: Actor, tile_id: int) -> t.DashboardTile:
    row = await session.get(t.DashboardTile, tile_id)
    if row is None or row.owner_id != actor.id:
        raise NotFound(_("Tile {id}: not found among your tiles.").format(id=tile_id), field="tile")
    return row


async def remove_tile(db: Database, actor: Actor, tile_id: int) -> UserTileOut:
    async with db.write(actor) as session:
        row = await _own(session, actor, tile_id)
        out = _user_out(row)
        await session.delete(row)
    return out


async def move_tile(db: Database, actor: Actor, tile_id: int, step: int) -> list[UserTileOut]:
    """Move a tile `step` places earlier (negative) or later among the actor's tiles; returns them in order."""
    async with db.write(actor) as session:
        await _own(session, actor, tile_id)
        rows = list(
            (
                await session.scalars(
                    select(t.DashboardTile)
                    .where(t.DashboardTile.owner_id == actor.id)
                    .order_by(t.DashboardTile.position, t.DashboardTile.id)
                )
            ).all()
        )
        index = next(i for i, row in enumerate(rows) if row.id == tile_id)
        new = max(0, min(len(rows) - 1, index + step))
        rows.insert(new, rows.pop(index))
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
    return await list_tiles(db, actor)


async def user_tile(db: Database, actor: Actor, tile: UserTileOut) -> TileOut:
    """A user's tile with its figures now."""
    key = f"user:{tile.id}"
    members_of: int | None = None
    selection_id = tile.selection_id
    criteria = tile.criteria
    target = tile.target
    note = ""
    if tile.source == "selection" and selection_id is None:
        note = _("its selection was deleted")
    elif selection_id is not None:
        try:
            target, criteria, members_of = await selections.scope(db, actor, selection_id)
        except NotFound:
            note = _("its selection is not visible to you")
    if note:
        return TileOut(
            key=key,
            title=tile.title,
            layout=tile.layout,
            value=0,
            text="–",
            target=target,
            user_tile_id=tile.id,
            note=note,
        )
    total = await find.count(db, actor, target, criteria, selection_id=members_of)
    rows: list[TileRow] = []
    opens = {"target": target, "criteria": criteria, "selection_id": selection_id}
    if tile.layout == "number":
        rows = [TileRow(key=key, label=tile.title, value=total, text=format_number(total), **opens)]
    elif tile.layout in ("bar", "funnel"):
        for choice in await find.choices(db, target, tile.group_by):
            if choice.value == "me":
                continue
            narrowed = [*criteria, Criterion(field=tile.group_by, op="one_of", values=[choice.value])]
            n = await find.count(db, actor, target, narrowed, selection_id=members_of)
            if n == 0 and (tile.layout == "bar" or choice.deleted):
                continue
            rows.append(
                TileRow(
                    key=f"{tile.group_by}:{choice.value}",
                    label=choice.label,
                    value=n,
                    text=format_number(n),
                    target=target,
                    criteria=narrowed,
                    selection_id=selection_id if members_of is not None else None,
                )
            )
        if tile.layout == "bar":
            rows.sort(key=lambda r: -r.value)
            rows = rows[:TOP]
    else:
        page = await find.find(db, actor, target, criteria, limit=TOP, selection_id=members_of)
        label_key = "heading" if target == "sale" else "name"
        for item in page.rows:
            rows.append(
                TileRow(
                    key=f"record:{item['id']}",
                    label=str(item.get(label_key) or item["id"]),
                    value=0,
                    text="",
                    target=target,
                    record_id=int(item["id"]),
                )
            )
    return TileOut(
        key=key,
        title=tile.title,
        layout=tile.layout,
        value=total,
        text=format_number(total),
        target=target,
        criteria=criteria,
        selection_id=selection_id,
        rows=rows,
        user_tile_id=tile.id,
    )


async def mine_tiles(db: Database, actor: Actor) -> list[TileOut]:
    return [await user_tile(db, actor, tile) for tile in await list_tiles(db, actor)]


async def tile_set(
    db: Database, actor: Actor, name: str = "leads", *, period: str = "30d", today: date | None = None
) -> TileSetOut:
    """The tiles of one set, counted now."""
    name = check_set(name)
    today = today or _today()
    start, end = period_range(period, today)
    if name == "leads":
        tiles = await lead_tiles(db, actor, today=today)
    elif name == "sales":
        tiles = await sales_tiles(db, actor, period=period, today=today)
    else:
        tiles = await mine_tiles(db, actor)
    return TileSetOut(
        set=name,
        label=_(SET_LABELS[name]),
        today=today,
        period=period,
        period_label=_(PERIOD_LABELS.get(period, period)),
        period_start=start,
        period_end=end,
        tiles=tiles,
    )
