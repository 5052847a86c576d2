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
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, case, func, select
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


class CardOut(BaseModel):
    id: int
    title: str
    subtitle: str
    days: int | None  # days in lead status / stage (or since closed)
    version: int
    column: str
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


async def _scope(
    session: AsyncSession,
    actor: Actor,
    target: str | None,
    selection_id: int | None,
    criteria: Sequence[find.Criterion | dict[str, Any]],
) -> _Scope:
    """What the board shows, read in the board's own session (one read transaction for the whole board)."""
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
        if own_target == "company":
            raise RuleViolation(
                _(
                    "Board: a board shows contacts (by lead status) or sales (by stage); '{name}' is a "
                    "selection of companies."
                ).format(name=sel.name),
                field="selection",
            )
        if sel.kind == SelectionKind.DYNAMIC:
            own, members_of = [find.Criterion.model_validate(c) for c in sel.criteria or []], None
        elif sel.kind == SelectionKind.COMBINED:  # its members computed from its parts now
            _target, own, members_of = await selections.scope_in(session, actor, sel)
        else:
            own, members_of = [], sel.id
        return _Scope(own_target, [*own, *extra], members_of, selection_id, sel.name)
    if target is None:
        raise RuleViolation(_("Board: choose a selection, or contacts or sales."), field="target")
    normalised = find.normalise_target(target)
    if normalised == "company":
        raise RuleViolation(
            _("Board: a board shows contacts (by lead status) or sales (by stage), not companies."), field="target"
        )
    source = _("All contacts") if normalised == "contact" else _("All sales")
    return _Scope(normalised, extra, None, None, source)


CARD_JOINS = {"contact": frozenset({"company", "category"}), "sale": frozenset({"company"})}


async def _query(session: AsyncSession, actor: Actor, scope: _Scope, *, cards: bool) -> tuple[Any, find.Joins]:
    """The board's rows. For counting, only the joins the criteria need and the selection's members drive the
    query; for a page of cards, the company (and category) too, and the lead status / stage index drives it
    (members are looked up one by one), so a page is a few index steps whatever the size of the selection."""
    query, j, _fields = await find.where_clause(
        session,
        scope.target,
        scope.criteria,
        actor,
        need=CARD_JOINS[scope.target] if cards else frozenset(),
        counting=not cards,
    )
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
    for c in criteria:
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


# --------------------------------------------------------------------------- cards


def _days(since: datetime | None, now: datetime) -> int | None:
    return max(0, (now - since).days) if since is not None else None


def _column_condition(target: str, key: str) -> Any:
    if target == "contact":
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


def _card_columns(query: Any, j: find.Joins, target: str) -> tuple[Any, Any]:
    """The board query reading what a card shows (and what decides its column); its primary key."""
    if target == "contact":
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
            ),
            t.Contact.id,
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
        ),
        t.Sale.id,
    )


def _card_key(target: str, row: Any) -> str:
    """The column a card read by `_card_columns` is in."""
    if target == "contact":
        return f"s{row[7]}" if row[7] is not None else "none"
    status = SaleStatus(row[5])
    if status == SaleStatus.SOLD:
        return "sold"
    if status == SaleStatus.LOST:
        return "lost"
    return f"s{row[9]}" if row[9] is not None else "none"


def _card_out(target: str, row: Any, key: str, now: datetime) -> CardOut:
    if target == "contact":
        return CardOut(
            id=row[0],
            title=rules.full_name(row[1], row[2]) or f"#{row[0]}",
            subtitle=row[3] or _("(no company)"),
            days=_days(row[4], now),
            version=row[5],
            column=key,
            movable=bool(row[6]),
        )
    status = SaleStatus(row[5])
    since = row[7] if status not in (SaleStatus.OPEN, SaleStatus.STALLED) else row[6]
    return CardOut(
        id=row[0],
        title=row[1],
        subtitle=row[2] or "",
        days=_days(since, now),
        version=row[8],
        column=key,
        amount=_money(row[3]),
        probability=row[4],
        status=status.name.lower(),
    )


async def _cards(
    session: AsyncSession, query: Any, j: find.Joins, target: str, key: str, after: int | None, limit: int
) -> CardPage:
    now = t.utcnow()
    query, pk = _card_columns(query, j, target)
    query = query.where(_column_condition(target, key))
    if after is not None:
        query = query.where(pk > after)
    rows = (await session.execute(query.order_by(pk).limit(limit + 1))).all()
    cards = [_card_out(target, row, key, now) for row in rows[:limit]]
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
) -> BoardOut:
    """The columns with their counts (and sums for sales) and the first page of cards of each column."""
    page = max(1, min(page, MAX_PAGE))
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria)
        counting, _j = await _query(session, actor, scope, cards=False)
        if scope.target == "contact":
            columns = await _contact_columns(session, counting)
        else:
            columns = await _sale_columns(session, actor, counting, scope)
        for number, column in enumerate(columns, start=1):
            column.number = number
        query, j = await _query(session, actor, scope, cards=True)
        pages = {}
        for column in columns:
            if column.count:
                pages[column.key] = await _cards(session, query, j, scope.target, column.key, None, page)
            else:
                pages[column.key] = CardPage(column=column.key, cards=[], more=False)
    return BoardOut(
        target=scope.target,
        source=scope.source,
        selection_id=scope.selection_id,
        criteria=scope.criteria,
        columns=columns,
        total=sum(c.count for c in columns),
        pages=pages,
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
) -> CardPage:
    """The next page of a column's cards: those with an id greater than `after`."""
    limit = max(1, min(limit, MAX_PAGE))
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria)
        query, j = await _query(session, actor, scope, cards=True)
        return await _cards(session, query, j, scope.target, column, after, limit)


async def cards_now(
    db: Database,
    actor: Actor,
    ids: Sequence[int],
    *,
    target: str | None = None,
    selection_id: int | None = None,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
) -> list[CardOut]:
    """These cards as the board shows them now, each with the column it is in (after a move: what changed, so
    the board redraws the two columns concerned and adjusts their counts instead of reading every column again).
    A card that is no longer on the board (its new value is outside the board's criteria, or it was deleted) is
    left out."""
    if not ids:
        return []
    async with db.read() as session:
        scope = await _scope(session, actor, target, selection_id, criteria)
        query, j = await _query(session, actor, scope, cards=True)
        query, pk = _card_columns(query, j, scope.target)
        rows = (
            await session.execute(query.where(rules.id_in(pk, list(ids), find._dialect(session))).order_by(pk))
        ).all()
    now = t.utcnow()
    return [_card_out(scope.target, row, _card_key(scope.target, row), now) for row in rows]


# --------------------------------------------------------------------------- moving


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


async def reason_needed(db: Database, target: str, column: str) -> ReasonNeeded | None:
    """For a move of sales to Sold or Lost: the reason list to choose from (None for any other column)."""
    target = find.normalise_target(target)
    if target != "sale":
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
) -> MoveOut:
    """Move cards (id, version seen or None) to a column, each through the card's own service call, all in one
    transaction: one change for the audit, which undo (ctrl+z) reverts as a whole.

    Refusals (rules, rights, someone else's newer change) are collected per card and name the card and the rule;
    the other cards are moved. Moving sales to Sold or Lost without the required reason is refused as a whole,
    before anything changes.
    """
    target = find.normalise_target(target)
    if target == "company":
        raise RuleViolation(_("Board: companies have no board."), field="target")
    wanted = [(c, None) if isinstance(c, int) else (int(c[0]), c[1]) for c in cards]
    if not wanted:
        raise RuleViolation(_("Board: no card to move."), field="cards")
    # every card's own save reads and saves again after a lost race (services/retry.py); so does the whole move
    return await retry_on_conflict(lambda: _move_cards(db, actor, target, wanted, column, reason))


async def _move_cards(
    db: Database,
    actor: Actor,
    target: str,
    wanted: list[tuple[int, int | None]],
    column: str | int,
    reason: str | int | None,
) -> MoveOut:
    from leadtui.services import contacts, sales

    async with db.write(actor) as session:
        key, name, item_id = await _resolve_column(session, target, column)
        need = await _reason_need(session, key) if target == "sale" else None
        if need is not None and need.required and (reason is None or not str(reason).strip()):
            raise RuleViolation(
                _("{label}: is required to move sales to {column} (choose one of: {names}).").format(
                    label=need.label, column=name, names=", ".join(r.label for r in need.reasons)
                ),
                field=need.field,
            )
        # a number beyond the id column's range names no card: the card's own save says so (not found)
        limit = lookup.max_id(session)
        already = await _already_there(
            session, target, [card_id for card_id, _version in wanted if 0 < card_id <= limit], key, item_id
        )
        joined: Any = _OneTransaction(db, session)
        out = MoveOut(column=key, column_name=name, moved=[], unchanged=[], refused=[])
        for card_id, version in wanted:
            if card_id in already:
                out.unchanged.append(card_id)
                continue
            try:
                saved: Any
                if target == "contact":
                    saved = await contacts.update_contact(
                        joined, actor, card_id, {"lead_status": item_id}, expected_version=version
                    )
                else:
                    data: dict[str, Any] = {"stage": item_id} if item_id is not None else {"status": key}
                    if key in ("sold", "lost") and reason is not None and str(reason).strip():
                        data["reason"] = int(reason) if str(reason).strip().isdigit() else str(reason)
                    saved = await sales.update_sale(joined, actor, card_id, data, expected_version=version)
                out.moved.append(card_id)
                found = saved.category_suggestion  # lead categorization (SPEC 2.5): one question per company
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


async def _title(db: Database, actor: Actor, target: str, card_id: int) -> str:
    from leadtui.services import contacts, sales

    try:
        if target == "contact":
            return (await contacts.get_contact(db, actor, card_id)).name
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
