"""Board view (SPEC.md 4.6, DESIGN.md decision 6): a selection (or all contacts / all sales) as columns of cards.

Contacts are grouped by lead status: one column per live status in list order, empty ones included, then a
column for each deleted status that cards still hold (read-only: nothing can be moved into it) and "(No lead
status)" only when some cards have none. Sales are grouped by stage: the stages of the sale type when the board
is filtered to one sale type, else all live stages in list order, then Sold and Lost (by status; stalled sales
stay in their stage). Counts, sums and weighted sums come from one GROUP BY in the database; cards are read a
page at a time per column (keyset on the id), so a column of 100,000 cards costs one small query per page.

Moving a card goes through the same service call as the card: contacts.update_contact (so a contact whose
company is not lead-enabled is refused, L1) and sales.update_sale (so Sold and Lost need their reason). Several
marked cards move in one write transaction (one changeset, so undo reverts the whole move): each card's service
call runs in a savepoint of it, so a card that is refused (every per-card rule still holds) leaves the others
moved and is reported by name with the rule (docs/decisions.md, "Moving several cards").

Group by (SPEC.md 4.6): sales by stage (default), sale type or owner; companies by category (default) or Our
contact; contacts by lead status (default), category or Our contact. Grouped by owner / Our contact a "No
selection" column holds the unassigned records (only when some exist; moving a card into it unassigns, out of it
assigns), and only associates present in the data get columns. Optional subgroups (a second field) order the
cards of a column under headings. Filters (one_of per list field, title contains), sort, hide closed sales and a
days badge come from `BoardSettings`, remembered per user and per board (selection, all, Find target).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import SaleStatus, SelectionKind
from leadtui.services import contact_rules as rules
from leadtui.services import find, lookup, selections
from leadtui.services import automation  # lead categorization (SPEC 2.5)
from leadtui.services.actor import Actor
from leadtui.services.errors import DomainError, NotFound, RuleViolation, StaleEdit
from leadtui.services.retry import retry_on_conflict

PAGE = 30
MAX_PAGE = 500
CENT = Decimal("0.01")
OPEN_STATUSES = (int(SaleStatus.OPEN), int(SaleStatus.STALLED))


OVERDUE_DAYS = 30  # a card's badge is red past this many days in its lead status / stage (see `_overdue`)
GROUPS: dict[str, tuple[str, ...]] = {
    "contact": ("lead_status", "category", "owner"),
    "company": ("category", "owner"),
    "sale": ("stage", "sale_type", "owner"),
}
DEFAULT_GROUP = {"contact": "lead_status", "company": "category", "sale": "stage"}
SORTS = ("default", "title", "amount", "date", "days")
# the find field each grouping reads (its expression, its list and its filter)
GROUP_FIELDS = {"lead_status": "lead_status", "category": "category", "owner": "owner", "stage": "sale_stage"}
GROUP_FIELDS["sale_type"] = "sale_type"
TITLE_FIELDS = {"contact": "name", "company": "name", "sale": "heading"}


def group_label(target: str, group: str) -> str:
    labels = {
        "lead_status": _("Lead status"),
        "category": _("Category"),
        "owner": _("Owner") if target == "sale" else _("Our contact"),
        "stage": _("Stage"),
        "sale_type": _("Sale type"),
    }
    return labels.get(group, group)


def sort_label(sort: str) -> str:
    return {
        "default": _("Registration order"),
        "title": _("Title"),
        "amount": _("Amount"),
        "date": _("Date"),
        "days": _("Days in stage"),
    }.get(sort, sort)


class BoardSettings(BaseModel):
    """How a user wants a board: grouping, subgrouping, filters (field -> values, one_of), title text, sort, hide
    closed sales. Remembered per user and per board (`load_settings` / `save_settings`)."""

    group_by: str | None = None
    subgroup_by: str | None = None
    filters: dict[str, list[str]] = {}
    title: str = ""
    sort: str = "default"
    descending: bool = False
    hide_closed: bool = False
    badge: str = "stage"  # the days badge: "stage" (days in lead status / stage) or "registered" (days since)

    def cleaned(self, target: str) -> BoardSettings:
        """Checked against the target: an unknown grouping / sort is refused, naming the field."""
        target = find.normalise_target(target)
        group = _group_key(self.group_by) if self.group_by else DEFAULT_GROUP[target]
        if group not in GROUPS[target]:
            raise RuleViolation(
                _("Group by: '{value}' is not one of {names}.").format(
                    value=self.group_by, names=", ".join(GROUPS[target])
                ),
                field="group_by",
            )
        sub = _group_key(self.subgroup_by) if self.subgroup_by else None
        if sub is not None and (sub not in GROUPS[target] or sub == group):
            raise RuleViolation(
                _("Subgroup by: '{value}' is not one of {names} (and not the grouping itself).").format(
                    value=self.subgroup_by, names=", ".join(g for g in GROUPS[target] if g != group)
                ),
                field="subgroup_by",
            )
        sort = (self.sort or "default").strip().lower()
        if sort not in SORTS:
            raise RuleViolation(
                _("Sort: '{value}' is not one of {names}.").format(value=self.sort, names=", ".join(SORTS)),
                field="sort",
            )
        fields = find._fields(target)
        filters: dict[str, list[str]] = {}
        for key, values in self.filters.items():
            f = fields.get(find._key(key))
            if f is None or f.kind != "list":
                raise RuleViolation(
                    _("Filter: '{field}' is not a list field of {what}.").format(
                        field=key, what=find.target_label(target).lower()
                    ),
                    field="filters",
                )
            kept = [str(v).strip() for v in values if str(v).strip()]
            if kept:
                filters[f.key] = kept
        return BoardSettings(
            group_by=group,
            subgroup_by=sub,
            filters=filters,
            title=self.title.strip(),
            sort=sort,
            descending=self.descending,
            hide_closed=self.hide_closed and target == "sale",
            badge="registered" if self.badge == "registered" or target == "company" else "stage",
        )

    def criteria(self, target: str) -> list[find.Criterion]:
        out = [find.Criterion(field=key, op="one_of", values=values) for key, values in self.filters.items()]
        if self.title:
            out.append(find.Criterion(field=TITLE_FIELDS[target], op="contains", values=[self.title]))
        return out

    @property
    def paged_by_offset(self) -> bool:
        """Sorted or subgrouped cards are read a page at a time by offset; else by id (keyset, the fastest)."""
        return self.sort != "default" or self.subgroup_by is not None


def _group_key(value: str) -> str:
    key = find._key(value)
    return {
        "our_contact": "owner",
        "type": "sale_type",
        "sale_stage": "stage",
        "leadstatus": "lead_status",
        "status": "lead_status",
    }.get(key, key)


class SubgroupOut(BaseModel):
    key: str  # "s<id>" or "none"
    name: str


class CardOut(BaseModel):
    id: int
    title: str
    subtitle: str
    days: int | None  # days in lead status / stage (or since closed); companies: since registered
    version: int
    column: str
    overdue: bool = False  # the days badge shows red (`_overdue`)
    sub: str | None = None  # the subgroup's key, when the board is subgrouped
    date: Any = None  # sales: the sale date; others: registered (what sorting by date uses)
    movable: bool = True  # contacts: the company is lead-enabled, so the lead status can change
    amount: Decimal | None = None
    probability: int | None = None
    status: str | None = None  # sales: open, stalled, sold, lost


class CardPage(BaseModel):
    column: str
    cards: list[CardOut]
    more: bool


class ColumnOut(BaseModel):
    key: str  # "s<id>" (status or stage), "none", "sold", "lost"
    number: int  # 1-based, what `m` + number and the CLI use
    name: str
    item_id: int | None
    count: int
    amount: Decimal | None = None
    weighted: Decimal | None = None
    deleted: bool = False
    accepts: bool = True  # cards may be moved here


class BoardOut(BaseModel):
    target: str
    source: str  # what the board shows, in words
    selection_id: int | None
    criteria: list[find.Criterion]
    columns: list[ColumnOut]
    total: int
    pages: dict[str, CardPage] = {}
    group_by: str = ""
    subgroup_by: str | None = None
    subgroups: list[SubgroupOut] = []
    settings: BoardSettings | None = None


class Refusal(BaseModel):
    id: int
    title: str
    reason: str
    code: int = 2  # the exit code of the refusal (2 rule, 3 rights, 4 not found, 5 stale)


class MoveOut(BaseModel):
    column: str
    column_name: str
    moved: list[int]
    unchanged: list[int]
    refused: list[Refusal]
    # lead categorization rules that ask (SPEC 2.5 A4), one per company, for the screen to offer
    category_suggestions: list[automation.CategorySuggestion] = []

    def summary(self) -> str:
        reasons = "; ".join(r.title + ": " + r.reason.rstrip(".") for r in self.refused[:5])
        if len(self.refused) > 5:
            reasons += "; …"
        if self.refused and not self.moved:
            return _("Not moved to {column}: {reasons}").format(column=self.column_name, reasons=reasons) + "."
        text = _("Moved {n} to {column}").format(n=len(self.moved), column=self.column_name)
        if self.refused:
            text += _(", refused {m}: {reasons}").format(m=len(self.refused), reasons=reasons)
        return text + "."


class ReasonNeeded(BaseModel):
    """Moving to Sold or Lost: which reasons may be chosen, and whether one is required."""

    column: str
    field: str
    label: str
    required: bool
    reasons: list[find.ChoiceOut]


# --------------------------------------------------------------------------- scope


class _Scope:
    def __init__(
        self, target: str, criteria: list[find.Criterion], members_of: int | None, selection_id: int | None, source: str
    ) -> None:
        self.target, self.criteria, self.members_of = target, criteria, members_of
        self.selection_id, self.source = selection_id, source
        self.settings = BoardSettings().cleaned(target)
        self.sub_ranks: dict[int | None, int] = {}

    @property
    def group(self) -> str:
        return self.settings.group_by or DEFAULT_GROUP[self.target]

    def field(self, group: str) -> find.Field:
        return find._fields(self.target)[GROUP_FIELDS[group]]


async def _scope(
    session: AsyncSession,
    actor: Actor,
    target: str | None,
    selection_id: int | None,
    criteria: Sequence[find.Criterion | dict[str, Any]],
    settings: BoardSettings | None = None,
) -> _Scope:
    """What the board shows, read in the board's own session (one read transaction for the whole board)."""
    scope = await _scope_of(session, actor, target, selection_id, criteria)
    scope.settings = (settings or BoardSettings()).cleaned(scope.target)
    if scope.settings.subgroup_by is not None:
        items = await _group_items(session, scope.target, scope.settings.subgroup_by)
        scope.sub_ranks = {item_id: rank for rank, (item_id, _name, _deleted) in enumerate(items)}
    return scope


async def _scope_of(
    session: AsyncSession,
    actor: Actor,
    target: str | None,
    selection_id: int | None,
    criteria: Sequence[find.Criterion | dict[str, Any]],
) -> _Scope:
    extra = [c if isinstance(c, find.Criterion) else find.Criterion.model_validate(c) for c in criteria or ()]
    if selection_id is not None:
        sel = await selections._load(session, actor, selection_id)
        own_target = sel.target
        if target is not None and find.normalise_target(target) != own_target:
            raise RuleViolation(
                _("Board: the selection '{name}' is of {what}.").format(
                    name=sel.name, what=find.target_label(own_target).lower()
                ),
                field="target",
            )
        if sel.kind == SelectionKind.DYNAMIC:
            own, members_of = [find.Criterion.model_validate(c) for c in sel.criteria or []], None
        elif sel.kind == SelectionKind.COMBINED:  # its members computed from its parts now
            _target, own, members_of = await selections.scope_in(session, actor, sel)
        else:
            own, members_of = [], sel.id
        return _Scope(own_target, [*own, *extra], members_of, selection_id, sel.name)
    if target is None:
        raise RuleViolation(_("Board: choose a selection, or contacts, companies or sales."), field="target")
    normalised = find.normalise_target(target)
    source = {"contact": _("All contacts"), "company": _("All companies"), "sale": _("All sales")}[normalised]
    return _Scope(normalised, extra, None, None, source)


CARD_JOINS = {
    "contact": frozenset({"company", "category"}),
    "company": frozenset(),
    "sale": frozenset({"company"}),
}


async def _query(session: AsyncSession, actor: Actor, scope: _Scope, *, cards: bool) -> tuple[Any, find.Joins]:
    """The board's rows. For counting, only the joins the criteria need and the selection's members drive the
    query; for a page of cards, the company (and category) too, and the lead status / stage index drives it
    (members are looked up one by one), so a page is a few index steps whatever the size of the selection.
    The settings' filters and title are criteria like the board's own; hiding closed sales keeps open and stalled."""
    groups = [scope.group] + ([scope.settings.subgroup_by] if scope.settings.subgroup_by and cards else [])
    if not cards and _through_company(scope):
        groups = []  # counted per company first (`_value_columns`): the company is joined after grouping
    need = set(find.needs(scope.target, [scope.field(g) for g in groups if g != "stage"]))
    query, j, _fields = await find.where_clause(
        session,
        scope.target,
        [*scope.criteria, *scope.settings.criteria(scope.target)],
        actor,
        need=(CARD_JOINS[scope.target] if cards else frozenset()) | need,
        counting=not cards,
    )
    if scope.settings.hide_closed:
        query = query.where(t.Sale.status.in_(OPEN_STATUSES))
    pk = find._pk(scope.target, j)
    query = find.restrict(
        query, pk, selection_id=scope.members_of, dialect=find._dialect(session), how="exists" if cards else "join"
    )
    return query, j


def _money(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


# --------------------------------------------------------------------------- columns


async def _contact_columns(session: AsyncSession, query: Any) -> list[ColumnOut]:
    counts = dict(
        (
            await session.execute(
                query.with_only_columns(t.Contact.lead_status_id, func.count())
                .group_by(t.Contact.lead_status_id)
                .order_by(None)
            )
        ).all()
    )
    statuses = (await session.scalars(select(t.LeadStatus).order_by(t.LeadStatus.rank, t.LeadStatus.id))).all()
    columns: list[ColumnOut] = []
    for status in statuses:
        if status.deleted and not counts.get(status.id):
            continue
        columns.append(
            ColumnOut(
                key=f"s{status.id}",
                number=0,
                name=status.name,
                item_id=status.id,
                count=counts.get(status.id, 0),
                deleted=status.deleted,
                accepts=not status.deleted,
            )
        )
    columns.sort(key=lambda c: c.deleted)  # deleted statuses after the live ones
    if counts.get(None):
        columns.append(
            ColumnOut(key="none", number=0, name=_("(No lead status)"), item_id=None, count=counts[None], accepts=False)
        )
    return columns


async def _single_sale_type(session: AsyncSession, actor: Actor, criteria: list[find.Criterion]) -> int | None:
    """The one sale type every card has (its stages are the columns): a criterion ANDed with everything, not one
    inside an OR group (another group may bring sales of other types)."""
    common, _groups = find.split_groups(criteria)
    for c in common:
        if find._key(c.field) in ("sale_type", "type") and find._key(c.op) in ("one_of", "eq"):
            values = [v for v in c.values if v.strip()]
            if len(values) == 1:
                f = find._fields("sale")["sale_type"]
                return (await find._resolve(session, f, values, actor))[0]
    return None


async def _sale_columns(session: AsyncSession, actor: Actor, query: Any, scope: _Scope) -> list[ColumnOut]:
    rows = (
        await session.execute(
            query.with_only_columns(
                t.Sale.status,
                t.Sale.stage_id,
                func.count(),
                func.sum(t.Sale.amount),
                func.sum(t.Sale.amount * t.Sale.probability),
            )
            .group_by(t.Sale.status, t.Sale.stage_id)
            .order_by(None)
        )
    ).all()
    by_stage: dict[int | None, list[Any]] = {}
    closed: dict[int, list[Any]] = {}
    for status, stage_id, n, amount, weighted in rows:
        bucket = (
            by_stage.setdefault(stage_id, [0, Decimal(0), Decimal(0)])
            if status in OPEN_STATUSES
            else closed.setdefault(status, [0, Decimal(0), Decimal(0)])
        )
        bucket[0] += n
        bucket[1] += _money(amount)
        bucket[2] += Decimal(str(weighted or 0)) / 100
    type_id = await _single_sale_type(session, actor, scope.criteria)
    if type_id is not None:
        stages = [
            (stage, False)
            for stage in (
                await session.scalars(
                    select(t.SaleStage)
                    .join(t.SaleTypeStage, t.SaleTypeStage.stage_id == t.SaleStage.id)
                    .where(t.SaleTypeStage.sale_type_id == type_id, t.SaleStage.deleted.is_(False))
                    .order_by(t.SaleTypeStage.rank, t.SaleTypeStage.id)
                )
            ).all()
        ]
    else:
        stages = [
            (stage, False)
            for stage in (
                await session.scalars(
                    select(t.SaleStage).where(t.SaleStage.deleted.is_(False)).order_by(t.SaleStage.rank, t.SaleStage.id)
                )
            ).all()
        ]
    shown = {stage.id for stage, _extra in stages}
    held = [stage_id for stage_id in by_stage if stage_id is not None and stage_id not in shown]
    if held:
        stages += [
            (stage, True)
            for stage in (
                await session.scalars(
                    select(t.SaleStage).where(t.SaleStage.id.in_(held)).order_by(t.SaleStage.rank, t.SaleStage.id)
                )
            ).all()
        ]
    columns: list[ColumnOut] = []
    for stage, _extra in stages:
        n, amount, weighted = by_stage.get(stage.id, [0, Decimal(0), Decimal(0)])
        columns.append(
            ColumnOut(
                key=f"s{stage.id}",
                number=0,
                name=stage.name,
                item_id=stage.id,
                count=n,
                amount=_money(amount),
                weighted=_money(weighted),
                deleted=stage.deleted,
                accepts=not stage.deleted,
            )
        )
    if None in by_stage:
        n, amount, weighted = by_stage[None]
        columns.append(
            ColumnOut(
                key="none",
                number=0,
                name=_("(No stage)"),
                item_id=None,
                count=n,
                amount=_money(amount),
                weighted=_money(weighted),
                accepts=False,
            )
        )
    for status, key, label in ((SaleStatus.SOLD, "sold", _("Sold")), (SaleStatus.LOST, "lost", _("Lost"))):
        n, amount, weighted = closed.get(int(status), [0, Decimal(0), Decimal(0)])
        columns.append(
            ColumnOut(
                key=key, number=0, name=label, item_id=None, count=n, amount=_money(amount), weighted=_money(weighted)
            )
        )
    return columns


async def _group_items(session: AsyncSession, target: str, group: str) -> list[tuple[int, str, bool]]:
    """(id, name, deleted) of what a grouping's columns can be, in list order (owners: by name)."""
    if group == "owner":
        people = (
            await session.execute(
                select(t.Associate.id, t.Associate.full_name, t.Associate.login, t.Associate.active).order_by(
                    t.Associate.login, t.Associate.id
                )
            )
        ).all()
        return sorted(((row[0], row[1] or row[2], not row[3]) for row in people), key=lambda i: (i[1].casefold(), i[0]))
    models: dict[str, Any] = {
        "lead_status": t.LeadStatus,
        "category": t.Category,
        "stage": t.SaleStage,
        "sale_type": t.SaleType,
    }
    model: type[t.ListItem] = models[group]
    rows = (await session.execute(select(model.id, model.name, model.deleted).order_by(model.rank, model.id))).all()
    return [(row[0], row[1], bool(row[2])) for row in rows]


def _none_name(target: str, group: str) -> str:
    if group == "owner":
        return _("No selection")
    return {
        "lead_status": _("(No lead status)"),
        "category": _("(No category)"),
        "stage": _("(No stage)"),
        "sale_type": _("(No sale type)"),
    }[group]


def _through_company(scope: _Scope) -> bool:
    return scope.target == "contact" and scope.group in ("category", "owner")


async def _value_columns(session: AsyncSession, scope: _Scope, query: Any, j: find.Joins) -> list[ColumnOut]:
    """One column per value of the grouping field, counted (and for sales summed) by one GROUP BY: every live
    list item in list order (empty ones too), a deleted one still held (read-only); grouped by owner only the
    associates present in the data, and "No selection" when some records have none (moving into it unassigns)."""
    sale = scope.target == "sale"
    if _through_company(scope):
        # a contact's category / Our contact is its company's (L9): count contacts per company and own value from
        # the contact indexes alone, then join those groups (not every contact) to their companies
        own = t.Contact.category_id if scope.group == "category" else t.Contact.our_contact_id
        of_company = t.Company.category_id if scope.group == "category" else t.Company.our_contact_id
        inner = (
            query.where(t.Contact.company_id.is_not(None))
            .with_only_columns(t.Contact.company_id.label("cid"), func.count().label("n"))
            .group_by(t.Contact.company_id)
            .order_by(None)
            .subquery()
        )
        with_company = (
            await session.execute(
                select(of_company, func.sum(inner.c.n))
                .select_from(inner.join(t.Company, t.Company.id == inner.c.cid))
                .group_by(of_company)
            )
        ).all()
        without = (
            await session.execute(
                query.where(t.Contact.company_id.is_(None))
                .with_only_columns(own, func.count())
                .group_by(own)
                .order_by(None)
            )
        ).all()
        rows: Sequence[Any] = [*with_company, *without]
    else:
        expr = scope.field(scope.group).expr(j)
        cols = [expr, func.count()]
        if sale:
            cols += [func.sum(t.Sale.amount), func.sum(t.Sale.amount * t.Sale.probability)]
        rows = (await session.execute(query.with_only_columns(*cols).group_by(expr).order_by(None))).all()
    counts: dict[int | None, tuple[int, Decimal, Decimal]] = {}
    for row in rows:
        weighted = Decimal(str(row[3] or 0)) / 100 if sale else Decimal(0)
        n, amount, w = counts.get(row[0], (0, Decimal(0), Decimal(0)))
        counts[row[0]] = (n + row[1], amount + (_money(row[2]) if sale else Decimal(0)), w + weighted)
    columns: list[ColumnOut] = []
    owner = scope.group == "owner"
    for item_id, name, deleted in await _group_items(session, scope.target, scope.group):
        n, amount, weighted = counts.get(item_id, (0, Decimal(0), Decimal(0)))
        if not n and (deleted or owner):
            continue
        columns.append(
            ColumnOut(
                key=f"s{item_id}",
                number=0,
                name=name,
                item_id=item_id,
                count=n,
                amount=_money(amount) if sale else None,
                weighted=_money(weighted) if sale else None,
                deleted=deleted and not owner,
                accepts=not deleted,
            )
        )
    columns.sort(key=lambda c: c.deleted)
    if counts.get(None):
        n, amount, weighted = counts[None]
        columns.append(
            ColumnOut(
                key="none",
                number=0,
                name=_none_name(scope.target, scope.group),
                item_id=None,
                count=n,
                amount=_money(amount) if sale else None,
                weighted=_money(weighted) if sale else None,
                accepts=owner and not sale,
            )
        )
    return columns


# --------------------------------------------------------------------------- cards


def _days(since: datetime | None, now: datetime) -> int | None:
    return max(0, (now - since).days) if since is not None else None


def _overdue(target: str, days: int | None, status: str | None, sale_date: Any, today: Any) -> bool:
    """The red badge: an open sale whose sale date has passed or that sits in its stage more than OVERDUE_DAYS; a
    contact in its lead status more than OVERDUE_DAYS. Closed sales and companies (days since registered) never;
    with the badge showing days since registered, only an open sale past its sale date."""
    if target == "company" or status in ("sold", "lost"):
        return False
    if target == "sale" and sale_date is not None and sale_date < today:
        return True
    return days is not None and days > OVERDUE_DAYS


def _group_condition(scope: _Scope, j: find.Joins, key: str) -> Any:
    if _through_company(scope) and scope.settings.paged_by_offset:
        # the company's value (L9) as a semi-join on the contact's company index: a sorted column reads its own
        # contacts, not every contact joined to its company (in id order the join stops after a page: faster)
        own = t.Contact.category_id if scope.group == "category" else t.Contact.our_contact_id
        of_company = t.Company.category_id if scope.group == "category" else t.Company.our_contact_id
        match = of_company.is_(None) if key == "none" else of_company == _item_id(key)
        mine = own.is_(None) if key == "none" else own == _item_id(key)
        return or_(
            t.Contact.company_id.in_(select(t.Company.id).where(match)),
            and_(t.Contact.company_id.is_(None), mine),
        )
    expr = scope.field(scope.group).expr(j)
    return expr.is_(None) if key == "none" else expr == _item_id(key)


def _column_condition(scope: _Scope, j: find.Joins, key: str) -> Any:
    if scope.group != DEFAULT_GROUP[scope.target] or scope.target == "company":
        return _group_condition(scope, j, key)
    if scope.target == "contact":
        if key == "none":
            return t.Contact.lead_status_id.is_(None)
        return t.Contact.lead_status_id == _item_id(key)
    if key == "sold":
        return t.Sale.status == int(SaleStatus.SOLD)
    if key == "lost":
        return t.Sale.status == int(SaleStatus.LOST)
    stage = t.Sale.stage_id.is_(None) if key == "none" else t.Sale.stage_id == _item_id(key)
    return and_(t.Sale.status.in_(OPEN_STATUSES), stage)


def _item_id(key: str) -> int:
    if not key.startswith("s") or not key[1:].isdigit():
        raise RuleViolation(_("Board: no column '{key}'.").format(key=key), field="column")
    return int(key[1:])


def _card_columns(query: Any, j: find.Joins, scope: _Scope) -> tuple[Any, Any]:
    """The board query reading what a card shows (and what decides its column and subgroup); its primary key.
    The last two columns are the grouping's and the subgroup's values."""
    group = scope.field(scope.group).expr(j)
    sub = scope.field(scope.settings.subgroup_by).expr(j) if scope.settings.subgroup_by else literal(None)
    if scope.target == "contact":
        lead = case((and_(t.Contact.company_id.is_not(None), rules.lead_enabled_sql(j.category)), True), else_=False)
        return (
            query.with_only_columns(
                t.Contact.id,
                t.Contact.first_name,
                t.Contact.last_name,
                t.Company.name,
                t.Contact.lead_status_since,
                t.Contact.version,
                lead,
                t.Contact.lead_status_id,
                t.Contact.registered_at,
                group,
                sub,
            ),
            t.Contact.id,
        )
    if scope.target == "company":
        return (
            query.with_only_columns(
                t.Company.id,
                t.Company.name,
                t.Company.city,
                t.Company.registered_at,
                t.Company.version,
                group,
                sub,
            ),
            t.Company.id,
        )
    return (
        query.with_only_columns(
            t.Sale.id,
            t.Sale.heading,
            t.Company.name,
            t.Sale.amount,
            t.Sale.probability,
            t.Sale.status,
            t.Sale.stage_since,
            t.Sale.closed_at,
            t.Sale.version,
            t.Sale.stage_id,
            t.Sale.sale_date,
            t.Sale.registered_at,
            group,
            sub,
        ),
        t.Sale.id,
    )


def _card_key(scope: _Scope, row: Any) -> str:
    """The column a card read by `_card_columns` is in."""
    target = scope.target
    if scope.group != DEFAULT_GROUP[target] or target == "company":
        return f"s{row[-2]}" if row[-2] is not None else "none"
    if target == "contact":
        return f"s{row[7]}" if row[7] is not None else "none"
    status = SaleStatus(row[5])
    if status == SaleStatus.SOLD:
        return "sold"
    if status == SaleStatus.LOST:
        return "lost"
    return f"s{row[9]}" if row[9] is not None else "none"


def _card_out(scope: _Scope, row: Any, key: str, now: datetime) -> CardOut:
    target = scope.target
    sub = None
    if scope.settings.subgroup_by:
        sub = f"s{row[-1]}" if row[-1] is not None else "none"
    today = now.date()
    if target == "contact":
        days = _days(row[8] if scope.settings.badge == "registered" else row[4], now)
        return CardOut(
            id=row[0],
            title=rules.full_name(row[1], row[2]) or f"#{row[0]}",
            subtitle=row[3] or _("(no company)"),
            days=days,
            version=row[5],
            column=key,
            movable=bool(row[6]) or scope.group != "lead_status",
            overdue=_overdue(target, days, None, None, today) and scope.settings.badge == "stage",
            sub=sub,
            date=row[8].date() if row[8] is not None else None,
        )
    if target == "company":
        return CardOut(
            id=row[0],
            title=row[1],
            subtitle=row[2] or "",
            days=_days(row[3], now),
            version=row[4],
            column=key,
            sub=sub,
            date=row[3].date() if row[3] is not None else None,
        )
    status = SaleStatus(row[5])
    since = row[7] if status not in (SaleStatus.OPEN, SaleStatus.STALLED) else row[6]
    days = _days(row[11] if scope.settings.badge == "registered" else since, now)
    return CardOut(
        id=row[0],
        title=row[1],
        subtitle=row[2] or "",
        days=days,
        version=row[8],
        column=key,
        amount=_money(row[3]),
        probability=row[4],
        status=status.name.lower(),
        overdue=_overdue(
            target, days if scope.settings.badge == "stage" else None, status.name.lower(), row[10], today
        ),
        sub=sub,
        date=row[10],
    )


def _sort_exprs(scope: _Scope, pk: Any) -> list[Any]:
    """ORDER BY of a column's cards: subgroup (list order), then the chosen sort, then the id (`card_order` is
    the same order in Python, for cards put into a column after a move)."""
    order: list[Any] = []
    j = find._all_joins(scope.target)
    if scope.settings.subgroup_by:
        sub = scope.field(scope.settings.subgroup_by).expr(j)
        ranks = {k: v for k, v in scope.sub_ranks.items() if k is not None}
        order.append(case(ranks, value=sub, else_=len(ranks) + 1) if ranks else sub)
    sort = scope.settings.sort
    desc = scope.settings.descending
    expr: Any = None
    if sort == "title":
        expr = {"contact": t.Contact.name_key, "company": t.Company.name_key, "sale": t.Sale.heading}[scope.target]
    elif sort == "amount" and scope.target == "sale":
        expr = t.Sale.amount
    elif sort == "date":
        expr = {"contact": t.Contact.registered_at, "company": t.Company.registered_at, "sale": t.Sale.sale_date}[
            scope.target
        ]
    elif sort == "days":  # most days first: the oldest "since"; none last
        since = {"contact": t.Contact.lead_status_since, "company": t.Company.registered_at}.get(
            scope.target, t.Sale.stage_since
        )
        expr = func.coalesce(since, literal(datetime(9999, 1, 1)))
    if expr is not None:
        order.append(expr.desc() if desc else expr)
    order.append(pk.desc() if desc and expr is not None else pk)
    return order


def card_order(board: BoardOut) -> Any:
    """A key for sorting a column's cards as the database does (`_sort_exprs`)."""
    settings = board.settings or BoardSettings()
    ranks = {s.key: i for i, s in enumerate(board.subgroups)}
    sort = settings.sort

    def value(card: CardOut) -> Any:
        if sort == "title":
            return card.title.casefold()
        if sort == "amount" and board.target == "sale":
            return card.amount or Decimal(0)
        if sort == "date":
            return card.date.isoformat() if card.date is not None else ""
        if sort == "days":
            return -card.days if card.days is not None else float("inf")
        return 0

    def key(card: CardOut) -> Any:
        sub = ranks.get(card.sub or "", len(ranks) + 1) if settings.subgroup_by else 0
        v = value(card)
        if settings.descending and sort != "default":
            if isinstance(v, str):
                return (sub, _Reverse(v), -card.id)
            return (sub, -v if not isinstance(v, float) else -v, -card.id)
        return (sub, v, card.id)

    return key


class _Reverse:
    """A string sorting backwards (descending title / date inside ascending subgroups)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Reverse) -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.text == other.text


async def _cards(
    session: AsyncSession,
    query: Any,
    j: find.Joins,
    scope: _Scope,
    key: str,
    after: int | None,
    limit: int,
    offset: int = 0,
) -> CardPage:
    now = t.utcnow()
    query, pk = _card_columns(query, j, scope)
    query = query.where(_column_condition(scope, j, key))
    if scope.settings.paged_by_offset:
        query = query.order_by(*_sort_exprs(scope, pk)).offset(max(0, offset))
    else:
        if after is not None:
            query = query.where(pk > after)
        query = query.order_by(pk)
    rows = (await session.execute(query.limit(limit + 1))).all()
    cards = [_card_out(scope, row, key, now) for row in rows[:limit]]
    return CardPage(column=key, cards=cards, more=len(rows) > limit)


# --------------------------------------------------------------------------- reading


async def open_board(
    db: Database,
    actor: Actor,
    *,
    target: str | None = None,
    selection_id: int | None = None,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
    page: int = PAGE,
    settings: BoardSettings | None = None,
) -> BoardOut:
    """The columns with their counts (and sums for sales) and the first page of cards of each column."""
    page = max(1, min(page, MAX_PAGE))
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria, settings)
        counting, cj = await _query(session, actor, scope, cards=False)
        default = scope.group == DEFAULT_GROUP[scope.target] and scope.target != "company"
        if default and scope.target == "contact":
            columns = await _contact_columns(session, counting)
        elif default:
            columns = await _sale_columns(session, actor, counting, scope)
            if scope.settings.hide_closed:
                columns = [c for c in columns if c.key not in ("sold", "lost")]
        else:
            columns = await _value_columns(session, scope, counting, cj)
        for number, column in enumerate(columns, start=1):
            column.number = number
        query, j = await _query(session, actor, scope, cards=True)
        pages = {}
        for column in columns:
            if column.count:
                pages[column.key] = await _cards(session, query, j, scope, column.key, None, page)
            else:
                pages[column.key] = CardPage(column=column.key, cards=[], more=False)
        subgroups: list[SubgroupOut] = []
        if scope.settings.subgroup_by:
            names = {
                item_id: name
                for item_id, name, _d in await _group_items(session, scope.target, scope.settings.subgroup_by)
            }
            subgroups = [SubgroupOut(key=f"s{i}", name=names.get(i, "")) for i in scope.sub_ranks if i is not None]
            subgroups.append(SubgroupOut(key="none", name=_none_name(scope.target, scope.settings.subgroup_by)))
    return BoardOut(
        target=scope.target,
        source=scope.source,
        selection_id=scope.selection_id,
        criteria=scope.criteria,
        columns=columns,
        total=sum(c.count for c in columns),
        pages=pages,
        group_by=scope.group,
        subgroup_by=scope.settings.subgroup_by,
        subgroups=subgroups,
        settings=scope.settings,
    )


async def column_cards(
    db: Database,
    actor: Actor,
    column: str,
    *,
    target: str | None = None,
    selection_id: int | None = None,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
    after: int | None = None,
    limit: int = PAGE,
    offset: int = 0,
    settings: BoardSettings | None = None,
) -> CardPage:
    """The next page of a column's cards: those with an id greater than `after` (sorted or subgrouped: from
    `offset`, the number of cards read so far in order)."""
    limit = max(1, min(limit, MAX_PAGE))
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria, settings)
        query, j = await _query(session, actor, scope, cards=True)
        return await _cards(session, query, j, scope, column, after, limit, offset)


async def cards_now(
    db: Database,
    actor: Actor,
    ids: Sequence[int],
    *,
    target: str | None = None,
    selection_id: int | None = None,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
    settings: BoardSettings | None = None,
) -> list[CardOut]:
    """These cards as the board shows them now, each with the column it is in (after a move: what changed, so
    the board redraws the two columns concerned and adjusts their counts instead of reading every column again).
    A card that is no longer on the board (its new value is outside the board's criteria or filters, or it was
    deleted) is left out: the board lets it go (one rule for every board, see the screen's move)."""
    if not ids:
        return []
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria, settings)
        query, j = await _query(session, actor, scope, cards=True)
        query, pk = _card_columns(query, j, scope)
        rows = (
            await session.execute(query.where(rules.id_in(pk, list(ids), find._dialect(session))).order_by(pk))
        ).all()
    now = t.utcnow()
    return [_card_out(scope, row, _card_key(scope, row), now) for row in rows]


# --------------------------------------------------------------------------- settings


def settings_key(target: str, *, selection_id: int | None = None, from_find: bool = False) -> str:
    """The preference key of a board's settings: per selection, per Find target, or the target's whole board."""
    target = find.normalise_target(target)
    where = f"sel{selection_id}" if selection_id is not None else ("find" if from_find else "all")
    return f"board:{target}:{where}"


async def load_settings(
    db: Database, actor: Actor, target: str, *, selection_id: int | None = None, from_find: bool = False
) -> BoardSettings:
    """The user's remembered settings of this board (defaults when none, or when they no longer fit)."""
    from leadtui.services import preferences

    target = find.normalise_target(target)
    raw = await preferences.get_preference(
        db, actor, settings_key(target, selection_id=selection_id, from_find=from_find)
    )
    try:
        return BoardSettings.model_validate(raw).cleaned(target)
    except (ValueError, DomainError):
        return BoardSettings().cleaned(target)


async def save_settings(
    db: Database,
    actor: Actor,
    target: str,
    settings: BoardSettings,
    *,
    selection_id: int | None = None,
    from_find: bool = False,
) -> BoardSettings:
    """Remember these settings for this user and this board (checked first: a bad field is refused)."""
    from leadtui.services import preferences

    target = find.normalise_target(target)
    cleaned = settings.cleaned(target)
    await preferences.set_preference(
        db, actor, settings_key(target, selection_id=selection_id, from_find=from_find), cleaned.model_dump(mode="json")
    )
    return cleaned


async def filter_choices(db: Database, target: str, field_key: str) -> list[find.ChoiceOut]:
    """The values a filter of this field offers (live list items; owners by login)."""
    return [c for c in await find.choices(db, find.normalise_target(target), field_key) if not c.deleted]


def filter_fields(target: str) -> list[tuple[str, str]]:
    """(key, label) of the list fields a board of this target can filter on."""
    target = find.normalise_target(target)
    seen: dict[str, str] = {}
    for f in find._fields(target).values():
        if f.kind == "list" and not f.history and f.key not in seen:
            seen[f.key] = _(f.label)
    return list(seen.items())


# --------------------------------------------------------------------------- moving


async def _resolve_value_column(
    session: AsyncSession, target: str, group: str, column: str | int
) -> tuple[str, str, int | None]:
    """(key, name, item id) of a column of a grouping other than lead status / stage: by key (s3, none), id or
    name; "none" / "No selection" unassigns (owner / Our contact only)."""
    text = str(column).strip()
    folded = text.casefold()
    if folded in ("none", "null", "no selection", _("No selection").casefold(), _none_name(target, group).casefold()):
        if target == "sale" and group == "owner":
            raise RuleViolation(_("Board: a sale always has an owner; choose one of the owners."), field="column")
        if group != "owner":
            raise RuleViolation(
                _("Board: cards cannot be moved to a column without a value ({what}); choose one.").format(
                    what=group_label(target, group)
                ),
                field="column",
            )
        return "none", _("No selection"), None
    items = await _group_items(session, target, group)
    found: tuple[int, str, bool] | None = None
    number = folded[1:] if folded.startswith("s") and folded[1:].isdigit() else folded
    if number.isdigit():
        found = next((i for i in items if i[0] == int(number)), None)
    if found is None:
        if group == "owner":
            login = await session.scalar(select(t.Associate.id).where(func.lower(t.Associate.login) == folded))
            found = next((i for i in items if i[0] == login or i[1].casefold() == folded), None)
        else:
            found = next((i for i in items if t.name_key(i[1]) == t.name_key(text)), None)
    if found is None:
        names = ", ".join(i[1] for i in items if not i[2])
        raise RuleViolation(
            _("Board: no {what} '{column}' (columns: {names}).").format(
                what=group_label(target, group).lower(), column=text, names=names
            ),
            field="column",
        )
    if found[2]:
        raise RuleViolation(
            _("Board: '{name}' is deleted; cards cannot be moved into it.").format(name=found[1]), field="column"
        )
    return f"s{found[0]}", found[1], found[0]


async def _resolve_column(session: AsyncSession, target: str, column: str | int) -> tuple[str, str, int | None]:
    """(key, name, item id) of a target column given by key (s3, sold ...), by lead status / stage id or name."""
    text = str(column).strip()
    folded = text.casefold()
    if target == "sale" and folded in ("sold", "lost", _("Sold").casefold(), _("Lost").casefold()):
        key = "sold" if folded in ("sold", _("Sold").casefold()) else "lost"
        return key, _("Sold") if key == "sold" else _("Lost"), None
    if folded in (
        "none",
        "(no lead status)",
        "(no stage)",
        _("(No lead status)").casefold(),
        _("(No stage)").casefold(),
    ):
        raise RuleViolation(
            _("Board: cards cannot be moved to a column without a value; choose a lead status or a stage.")
            if target == "contact"
            else _("Board: a sale cannot be moved to '(No stage)'; choose a stage, Sold or Lost."),
            field="column",
        )
    model: type[t.ListItem] = t.LeadStatus if target == "contact" else t.SaleStage
    row: t.ListItem | None = None
    if folded.startswith("s") and folded[1:].isdigit():
        row = await session.get(model, int(folded[1:]))
    if row is None and text.isdigit():
        row = await session.get(model, int(text))
    if row is None:
        row = await session.scalar(select(model).where(model.name_key == t.name_key(text)))
    if row is None:
        names = (
            await session.scalars(select(model.name).where(model.deleted.is_(False)).order_by(model.rank, model.id))
        ).all()
        what = _("lead status") if target == "contact" else _("stage")
        extra = [_("Sold"), _("Lost")] if target == "sale" else []
        raise RuleViolation(
            _("Board: no {what} '{column}' (columns: {names}).").format(
                what=what, column=text, names=", ".join([*names, *extra])
            ),
            field="column",
        )
    if row.deleted:
        raise RuleViolation(
            _("Board: '{name}' is deleted; cards cannot be moved into it.").format(name=row.name), field="column"
        )
    return f"s{row.id}", row.name, row.id


async def _reason_need(session: AsyncSession, key: str) -> ReasonNeeded | None:
    if key not in ("sold", "lost"):
        return None
    model: type[t.ListItem] = t.ReasonSold if key == "sold" else t.ReasonLost
    rows = (await session.scalars(select(model).where(model.deleted.is_(False)).order_by(model.rank, model.id))).all()
    label = _("Reason (sold)") if key == "sold" else _("Reason (lost)")
    return ReasonNeeded(
        column=key,
        field=f"reason_{key}",
        label=label,
        required=bool(rows),
        reasons=[find.ChoiceOut(value=str(r.id), label=r.name) for r in rows],
    )


async def reason_needed(db: Database, target: str, column: str, *, group_by: str | None = None) -> ReasonNeeded | None:
    """For a move of sales to Sold or Lost: the reason list to choose from (None for any other column)."""
    target = find.normalise_target(target)
    if target != "sale" or (group_by and _group_key(group_by) != "stage"):
        return None
    async with db.read() as session:
        key, _name, _item = await _resolve_column(session, target, column)
        return await _reason_need(session, key)


class _OneTransaction:
    """Stands in for the Database while several cards move: every service call's `write()` becomes a savepoint of
    one shared write transaction (so all moves are one changeset, undone together) and its `read()` reads in that
    transaction. A refused card rolls back its own savepoint only."""

    def __init__(self, db: Database, session: AsyncSession) -> None:
        self._db, self._session = db, session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    @asynccontextmanager
    async def write(self, actor: Any = None) -> AsyncIterator[AsyncSession]:
        async with self._session.begin_nested():
            yield self._session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        yield self._session


async def move_cards(
    db: Database,
    actor: Actor,
    target: str,
    cards: Sequence[tuple[int, int | None] | int],
    column: str | int,
    *,
    reason: str | int | None = None,
    group_by: str | None = None,
) -> MoveOut:
    """Move cards (id, version seen or None) to a column, each through the card's own service call, all in one
    transaction: one change for the audit, which undo (ctrl+z) reverts as a whole. `group_by` says which field
    the column sets (lead status / stage by default; category, Our contact / owner, sale type): each through the
    record's own service (contacts, companies, sales), so its rules and rights hold.

    Refusals (rules, rights, someone else's newer change) are collected per card and name the card and the rule;
    the other cards are moved. Moving sales to Sold or Lost without the required reason is refused as a whole,
    before anything changes.
    """
    target = find.normalise_target(target)
    group = BoardSettings(group_by=group_by).cleaned(target).group_by or DEFAULT_GROUP[target]
    wanted = [(c, None) if isinstance(c, int) else (int(c[0]), c[1]) for c in cards]
    if not wanted:
        raise RuleViolation(_("Board: no card to move."), field="cards")
    # every card's own save reads and saves again after a lost race (services/retry.py); so does the whole move
    return await retry_on_conflict(lambda: _move_cards(db, actor, target, wanted, column, reason, group))


async def _move_cards(
    db: Database,
    actor: Actor,
    target: str,
    wanted: list[tuple[int, int | None]],
    column: str | int,
    reason: str | int | None,
    group: str,
) -> MoveOut:
    default = group == DEFAULT_GROUP[target] and target != "company"
    async with db.write(actor) as session:
        if default:
            key, name, item_id = await _resolve_column(session, target, column)
        else:
            key, name, item_id = await _resolve_value_column(session, target, group, column)
        need = await _reason_need(session, key) if target == "sale" and default else None
        if need is not None and need.required and (reason is None or not str(reason).strip()):
            raise RuleViolation(
                _("{label}: is required to move sales to {column} (choose one of: {names}).").format(
                    label=need.label, column=name, names=", ".join(r.label for r in need.reasons)
                ),
                field=need.field,
            )
        # a number beyond the id column's range names no card: the card's own save says so (not found)
        limit = lookup.max_id(session)
        ids = [card_id for card_id, _version in wanted if 0 < card_id <= limit]
        if default:
            already = await _already_there(session, target, ids, key, item_id)
        else:
            already = await _already_in_value(session, actor, target, group, ids, item_id)
        joined: Any = _OneTransaction(db, session)
        out = MoveOut(column=key, column_name=name, moved=[], unchanged=[], refused=[])
        for card_id, version in wanted:
            if card_id in already:
                out.unchanged.append(card_id)
                continue
            try:
                saved: Any
                if not default:
                    data: dict[str, Any] = {group: item_id}
                elif target == "contact":
                    data = {"lead_status": item_id}
                else:
                    data = {"stage": item_id} if item_id is not None else {"status": key}
                    if key in ("sold", "lost") and reason is not None and str(reason).strip():
                        data["reason"] = int(reason) if str(reason).strip().isdigit() else str(reason)
                saved = await _save_card(joined, actor, target, card_id, data, version)
                out.moved.append(card_id)
                found = getattr(
                    saved, "category_suggestion", None
                )  # lead categorization (SPEC 2.5): one question per company
                if found and all(s.company_id != found.company_id for s in out.category_suggestions):
                    out.category_suggestions.append(found)
            except StaleEdit as exc:
                # only a card moved with the version the board showed can be stale that way (the TUI's board);
                # a move without one (the command line) is refused only when its save keeps losing races
                reason_text = (
                    _("changed by someone else since the board was loaded; refresh (r)")
                    if version is not None
                    else str(exc)
                )
                out.refused.append(
                    Refusal(
                        id=card_id,
                        title=await _title(joined, actor, target, card_id),
                        reason=reason_text,
                        code=exc.exit_code,
                    )
                )
            except NotFound as exc:
                out.refused.append(Refusal(id=card_id, title=f"#{card_id}", reason=str(exc), code=exc.exit_code))
            except DomainError as exc:
                out.refused.append(
                    Refusal(
                        id=card_id,
                        title=await _title(joined, actor, target, card_id),
                        reason=str(exc),
                        code=exc.exit_code,
                    )
                )
    return out


async def _already_there(session: AsyncSession, target: str, ids: list[int], key: str, item_id: int | None) -> set[int]:
    """The cards that are in the target column already (one query for all of them): nothing to change."""
    dialect = find._dialect(session)
    if target == "contact":
        query = select(t.Contact.id).where(rules.id_in(t.Contact.id, ids, dialect), t.Contact.lead_status_id == item_id)
    elif key in ("sold", "lost"):
        status = SaleStatus.SOLD if key == "sold" else SaleStatus.LOST
        query = select(t.Sale.id).where(rules.id_in(t.Sale.id, ids, dialect), t.Sale.status == int(status))
    else:
        query = select(t.Sale.id).where(
            rules.id_in(t.Sale.id, ids, dialect), t.Sale.stage_id == item_id, t.Sale.status.in_(OPEN_STATUSES)
        )
    return set((await session.scalars(query)).all())


async def _already_in_value(
    session: AsyncSession, actor: Actor, target: str, group: str, ids: list[int], item_id: int | None
) -> set[int]:
    """The cards whose grouping field has this value already (one query)."""
    if not ids:
        return set()
    query, j, fields = await find.where_clause(
        session, target, [], actor, need=set(find.needs(target, [find._fields(target)[GROUP_FIELDS[group]]]))
    )
    expr = fields[GROUP_FIELDS[group]].expr(j)
    pk = find._pk(target, j)
    query = query.where(
        rules.id_in(pk, ids, find._dialect(session)), expr.is_(None) if item_id is None else expr == item_id
    )
    return set((await session.scalars(query.with_only_columns(pk))).all())


async def _save_card(
    joined: Any, actor: Actor, target: str, card_id: int, data: dict[str, Any], version: int | None
) -> Any:
    """A card's move: the card's own save. Only the service of the card's kind is imported (a contact's move
    does not wait for the sales service and all it brings)."""
    if target == "company":
        from leadtui.services import companies

        return await companies.update_company(joined, actor, card_id, data, expected_version=version)
    if target == "contact":
        from leadtui.services import contacts

        return await contacts.update_contact(joined, actor, card_id, data, expected_version=version)
    from leadtui.services import sales

    return await sales.update_sale(joined, actor, card_id, data, expected_version=version)


async def _title(db: Database, actor: Actor, target: str, card_id: int) -> str:
    try:
        if target == "company":
            from leadtui.services import companies

            return (await companies.get_company(db, actor, card_id)).name
        if target == "contact":
            from leadtui.services import contacts

            return (await contacts.get_contact(db, actor, card_id)).name
        from leadtui.services import sales

        return (await sales.get_sale(db, card_id)).heading
    except DomainError:
        return f"#{card_id}"


async def neighbour_column(
    db: Database,
    actor: Actor,
    column: str,
    step: int,
    *,
    target: str | None = None,
    selection_id: int | None = None,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
) -> str:
    """The key of the column `step` places left (-1) or right (+1) of `column` that accepts cards."""
    board = await open_board(db, actor, target=target, selection_id=selection_id, criteria=criteria, page=1)
    keys = [c.key for c in board.columns]
    if column not in keys:
        raise RuleViolation(_("Board: no column '{key}'.").format(key=column), field="column")
    index = keys.index(column) + step
    while 0 <= index < len(keys):
        if board.columns[index].accepts:
            return keys[index]
        index += step
    raise RuleViolation(_("Board: there is no column further that way."), field="column")


# --------------------------------------------------------------------------- a card's task menu


class CardTasks(BaseModel):
    """What the user may do with a card now (the task menu offers only these): task keys in menu order, and for
    "next_category" the category it moves to."""

    target: str
    card_id: int
    tasks: list[str]
    next_category_id: int | None = None
    next_category: str | None = None
    company_id: int | None = None
    contact_id: int | None = None


async def _next_category(db: Database, current: int | None) -> tuple[int, str] | None:
    async with db.read() as session:
        rows = (
            await session.execute(
                select(t.Category.id, t.Category.name)
                .where(t.Category.deleted.is_(False))
                .order_by(t.Category.rank, t.Category.id)
            )
        ).all()
    ids = [row[0] for row in rows]
    if current not in ids:
        return (rows[0][0], rows[0][1]) if rows and current is None else None
    index = ids.index(current) + 1
    return (rows[index][0], rows[index][1]) if index < len(rows) else None


async def card_tasks(db: Database, actor: Actor, target: str, card_id: int) -> CardTasks:
    """The task menu of a card (SPEC.md 4.6): sales Edit, Create follow-up, Mark as sold / lost, Delete; companies
    Edit, Create follow-up, Create sale, Move to next category, Delete; contacts the same as companies (Move to next
    category only when the contact has its own category, without a company). Rights decide what is offered."""
    from leadtui.services import companies, contacts, sales

    target = find.normalise_target(target)
    tasks: list[str] = []
    out = CardTasks(target=target, card_id=card_id, tasks=tasks)
    if target == "sale":
        sale = await sales.get_sale(db, card_id)
        may = await sales.sale_rights(db, actor, card_id)
        out.company_id, out.contact_id = sale.company_id, sale.contact_id
        if may.may_edit:
            tasks.append("edit")
        tasks.append("follow_up")
        if may.may_edit and sale.status in ("open", "stalled"):
            tasks += ["sold", "lost"]
        if may.may_delete:
            tasks.append("delete")
        out.tasks = tasks  # the model holds a copy of the list it was given
        return out
    if target == "company":
        company = await companies.get_company(db, actor, card_id)
        may_edit, category_ok = company.may_edit, company.may_edit
        category_id: int | None = company.category_id
        out.company_id = card_id
    else:
        contact = await contacts.get_contact(db, actor, card_id)
        may_edit, category_ok = contact.may_edit, contact.category_editable
        category_id = contact.category_id
        out.contact_id, out.company_id = card_id, contact.company_id
    if may_edit:
        tasks.append("edit")
    tasks += ["follow_up", "new_sale"]
    nxt = await _next_category(db, category_id) if category_ok else None
    if nxt is not None:
        tasks.append("next_category")
        out.next_category_id, out.next_category = nxt
    if may_edit:
        tasks.append("delete")
    out.tasks = tasks
    return out


def task_label(task: str, tasks: CardTasks | None = None) -> str:
    labels = {
        "edit": _("Edit"),
        "follow_up": _("Create follow-up"),
        "new_sale": _("Create sale"),
        "next_category": _("Move to next category"),
        "sold": _("Mark as sold"),
        "lost": _("Mark as lost"),
        "delete": _("Delete"),
    }
    text = labels.get(task, task)
    if task == "next_category" and tasks is not None and tasks.next_category:
        text += f" ({tasks.next_category})"
    return text
