"""Selections (SPEC.md 1.12, 2.6 Q1-Q4, 4.5): saved searches of contacts, companies or sales.

- Dynamic: the criteria are kept and run again whenever the selection is opened (its members change with the data).
- Static: the members are kept (frozen); members are added and removed by hand or "all matching" criteria, each
  record at most once.
- A dynamic selection can be made static (its current members are frozen); static never becomes dynamic (Q2).
  What a selection is of (contacts, companies, sales) never changes.
- Only the owner or an administrator changes or deletes a selection (Q4). Everyone sees selections visible for
  all, the owner's user group sees "group" ones, only the owner (and administrators) see private ones.
- Names are required and unique per owner, ignoring case.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, TextIO, cast

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import CursorResult, delete, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import SelectionKind
from leadtui.services import contact_rules as rules
from leadtui.services import find, lookup
from leadtui.services.actor import Actor
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation, StaleEdit
from leadtui.services.validation import FIELD_LABELS, parse
from leadtui.text import CsvWriter

FIELD_LABELS.update(
    {
        "target": N_("Selection of"),
        "kind": N_("Selection is"),
        "visible_for": N_("Visible for"),
        "criteria": N_("Criteria"),
        "ids": N_("Members"),
    }
)

KIND_KEYS = {SelectionKind.STATIC: "static", SelectionKind.DYNAMIC: "dynamic", SelectionKind.COMBINED: "combined"}
KIND_LABELS = {"static": N_("Static"), "dynamic": N_("Dynamic"), "combined": N_("Combined")}
VISIBLE_LABELS = {"all": N_("Everyone"), "group": N_("My user group"), "private": N_("Only me")}

SelectionName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.NAME_MAX)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.DESCRIPTION_MAX)]


class SelectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SelectionName
    target: str
    kind: Literal["dynamic", "static"] = "dynamic"
    criteria: list[find.Criterion] = []
    ids: list[int] | None = None
    description: Description = ""
    visible_for: Literal["all", "group", "private"] = "all"


class SelectionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SelectionName | None = None
    description: Description | None = None
    visible_for: Literal["all", "group", "private"] | None = None
    criteria: list[find.Criterion] | None = None
    completed: bool | None = None


class SelectionOut(BaseModel):
    id: int
    name: str
    kind: str
    kind_label: str
    target: str
    target_label: str
    owner_id: int | None
    owner: str
    description: str
    criteria: list[find.Criterion]
    visible_for: str
    completed: bool
    registered_at: datetime
    may_edit: bool
    version: int
    member_count: int | None = None


class MembersChange(BaseModel):
    """What adding or removing members did: how many changed, were already so, or were not found."""

    selection_id: int
    changed: int
    unchanged: int
    missing: list[int] = []
    member_count: int


# --------------------------------------------------------------------------- helpers


def _kind_key(kind: int) -> str:
    return KIND_KEYS.get(SelectionKind(kind), "static")


def _may_edit(actor: Actor, row: t.Selection) -> bool:
    return actor.is_admin or row.owner_id is None or row.owner_id == actor.id


async def _visible(session: AsyncSession, actor: Actor, row: t.Selection) -> bool:
    if actor.is_admin or row.owner_id in (None, actor.id) or row.visible_for == "all":
        return True
    if row.visible_for == "group" and actor.primary_group_id is not None:
        group = await session.scalar(select(t.Associate.primary_group_id).where(t.Associate.id == row.owner_id))
        return group == actor.primary_group_id
    return False


def _visible_sql(actor: Actor) -> Any:
    if actor.is_admin:
        return literal(True)
    terms = [t.Selection.owner_id.is_(None), t.Selection.owner_id == actor.id, t.Selection.visible_for == "all"]
    if actor.primary_group_id is not None:
        terms.append(
            (t.Selection.visible_for == "group")
            & t.Selection.owner_id.in_(
                select(t.Associate.id).where(t.Associate.primary_group_id == actor.primary_group_id)
            )
        )
    return or_(*terms)


async def _load(session: AsyncSession, actor: Actor, selection_id: int) -> t.Selection:
    row = await lookup.get(session, t.Selection, selection_id)
    if row is None or not await _visible(session, actor, row):
        raise NotFound(_("No selection with id {id}.").format(id=selection_id))
    return row


def _ensure_edit(actor: Actor, row: t.Selection) -> None:
    if not _may_edit(actor, row):
        raise PermissionDenied(
            _(
                "You may not change the selection '{name}': it belongs to another user (only its owner or an "
                "administrator may)."
            ).format(name=row.name),
            right="edit others' selections",
        )


async def _out(session: AsyncSession, actor: Actor, row: t.Selection, member_count: int | None = None) -> SelectionOut:
    owner = await session.get(t.Associate, row.owner_id) if row.owner_id else None
    kind = _kind_key(row.kind)
    return SelectionOut(
        id=row.id,
        name=row.name,
        kind=kind,
        kind_label=_(KIND_LABELS[kind]),
        target=row.target,
        target_label=find.target_label(row.target),
        owner_id=row.owner_id,
        owner=owner.login if owner else "",
        description=row.description,
        criteria=[find.Criterion.model_validate(c) for c in row.criteria or []],
        visible_for=row.visible_for,
        completed=row.completed,
        registered_at=row.registered_at,
        may_edit=_may_edit(actor, row),
        version=row.version,
        member_count=member_count,
    )


async def _check_name(session: AsyncSession, owner_id: int | None, name: str, exclude_id: int | None = None) -> None:
    names = (
        await session.execute(
            select(t.Selection.id, t.Selection.name).where(
                t.Selection.owner_id.is_(owner_id) if owner_id is None else t.Selection.owner_id == owner_id
            )
        )
    ).all()
    key = t.name_key(name)
    if any(t.name_key(other) == key and other_id != exclude_id for other_id, other in names):
        raise RuleViolation(
            _("Name: you already have a selection named '{name}'; choose another name.").format(name=name), field="name"
        )


def _live_ids(target: str, ids: Sequence[int], dialect: str) -> Any:
    """SELECT of those of `ids` that are live records of `target`."""
    if target == "contact":
        return select(t.Contact.id).where(rules.id_in(t.Contact.id, ids, dialect), t.Contact.deleted_at.is_(None))
    if target == "company":
        return select(t.Company.id).where(rules.id_in(t.Company.id, ids, dialect), t.Company.deleted_at.is_(None))
    return select(t.Sale.id).where(rules.id_in(t.Sale.id, ids, dialect))


async def _member_count(session: AsyncSession, selection_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(t.SelectionMember).where(t.SelectionMember.selection_id == selection_id)
        )
        or 0
    )


async def _insert_members(session: AsyncSession, selection_id: int, ids_query: Any) -> int:
    """Add the ids of `ids_query` that are not members yet (members are unique, SPEC Q3). Returns how many."""
    source = ids_query.subquery()
    id_column = list(source.c)[0]
    new = (
        select(literal(selection_id), id_column)
        .where(
            id_column.not_in(select(t.SelectionMember.entity_id).where(t.SelectionMember.selection_id == selection_id))
        )
        .distinct()
    )
    result = await session.execute(insert(t.SelectionMember).from_select(["selection_id", "entity_id"], new))
    return cast("CursorResult[Any]", result).rowcount or 0


def _parse_ids(ids: Sequence[int | str]) -> list[int]:
    out: list[int] = []
    for value in ids:
        text = str(value).strip()
        if not text:
            continue
        if not text.isdigit():
            raise RuleViolation(
                _("Members: '{value}' is not a record id (a whole number).").format(value=value), field="ids"
            )
        out.append(int(text))
    return sorted(set(out))


# --------------------------------------------------------------------------- reading


async def get_selection(db: Database, actor: Actor, selection_id: int, *, with_count: bool = False) -> SelectionOut:
    async with db.read() as session:
        row = await _load(session, actor, selection_id)
        out = await _out(session, actor, row)
    if with_count:
        out.member_count = await member_count(db, actor, selection_id)
    return out


async def list_selections(db: Database, actor: Actor, *, target: str | None = None) -> list[SelectionOut]:
    """The selections the user may see (own first, then by name)."""
    query = select(t.Selection).where(_visible_sql(actor))
    if target:
        query = query.where(t.Selection.target == find.normalise_target(target))
    query = query.order_by((t.Selection.owner_id == actor.id).desc(), t.Selection.name, t.Selection.id).limit(1000)
    async with db.read() as session:
        rows = (await session.scalars(query)).all()
        return [await _out(session, actor, row) for row in rows]


async def member_count(db: Database, actor: Actor, selection_id: int) -> int:
    """How many live records the selection has now (dynamic: counted by its criteria)."""
    target, criteria, members_of = await scope(db, actor, selection_id)
    return await find.count(db, actor, target, criteria, selection_id=members_of)


async def scope(db: Database, actor: Actor, selection_id: int) -> tuple[str, list[find.Criterion], int | None]:
    """(target, criteria, static selection id or None): what `find` needs to list the members."""
    async with db.read() as session:
        row = await _load(session, actor, selection_id)
    if row.kind == SelectionKind.DYNAMIC:
        return row.target, [find.Criterion.model_validate(c) for c in row.criteria or []], None
    return row.target, [], row.id


async def members(
    db: Database,
    actor: Actor,
    selection_id: int,
    *,
    columns: Sequence[str] | None = None,
    offset: int = 0,
    limit: int | None = 50,
    sort: str | None = None,
    descending: bool = False,
    criteria: Sequence[find.Criterion | dict[str, Any]] = (),
) -> find.FindPage:
    """A page of the selection's members (dynamic: its criteria run now; static: the kept members, live ones).
    Extra `criteria` narrow the page (the board's filters)."""
    target, own, members_of = await scope(db, actor, selection_id)
    return await find.find(
        db,
        actor,
        target,
        [*own, *criteria],
        columns=columns,
        offset=offset,
        limit=limit,
        sort=sort,
        descending=descending,
        selection_id=members_of,
    )


async def export_members_csv(
    db: Database,
    actor: Actor,
    selection_id: int,
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    formula_guard: bool = True,
) -> int:
    """Write the members as CSV (a header row of field keys, then one row per member). Returns the row count."""
    target, criteria, members_of = await scope(db, actor, selection_id)
    return await write_csv(
        db, actor, target, criteria, out, columns=columns, selection_id=members_of, formula_guard=formula_guard
    )


async def write_csv(
    db: Database,
    actor: Actor | None,
    target: str,
    criteria: Sequence[find.Criterion | dict[str, Any]],
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    selection_id: int | None = None,
    formula_guard: bool = True,
) -> int:
    """The members as CSV through leadtui.text.CsvWriter (formula prefixes neutralised unless `formula_guard` is off)."""
    header = await find.columns_of(target, columns)
    writer = CsvWriter(out, formula_guard=formula_guard)
    writer.writerow(["id", *[c.key for c in header]])
    written = 0
    async for row in find.iter_rows(db, actor, target, criteria, columns=columns, selection_id=selection_id):
        writer.writerow([row["id"], *[row[c.key] for c in header]])
        written += 1
    return written


# --------------------------------------------------------------------------- writing


async def create_selection(db: Database, actor: Actor, data: dict[str, Any]) -> SelectionOut:
    """A dynamic selection keeps `criteria`; a static one gets the records matching `criteria` now, or `ids`."""
    values = parse(SelectionIn, data)
    target = find.normalise_target(values.target)
    criteria = await find.validate(db, actor, target, values.criteria)
    if values.kind == "dynamic" and values.ids is not None:
        raise RuleViolation(
            _("Members: a dynamic selection has criteria, not members; make it static to keep members."), field="ids"
        )
    ids = _parse_ids(values.ids) if values.ids is not None else None
    async with db.write(actor) as session:
        await _check_name(session, actor.id, values.name)
        row = t.Selection(
            name=values.name,
            target=target,
            owner_id=actor.id,
            description=values.description,
            visible_for=values.visible_for,
            criteria=[c.model_dump() for c in criteria],
            kind=int(SelectionKind.DYNAMIC if values.kind == "dynamic" else SelectionKind.STATIC),
            registered_at=t.utcnow(),
            board_settings={},
        )
        session.add(row)
        await session.flush()
        if values.kind == "static":
            if ids is not None:
                await _insert_members(session, row.id, _live_ids(target, ids, db.dialect))
                found = await _member_count(session, row.id)
                if found < len(ids):
                    present = set(
                        (
                            await session.scalars(
                                select(t.SelectionMember.entity_id).where(t.SelectionMember.selection_id == row.id)
                            )
                        ).all()
                    )
                    missing = [i for i in ids if i not in present]
                    raise RuleViolation(
                        _("Members: no {what} with id {ids}.").format(
                            what=find.target_label(target).lower(), ids=", ".join(map(str, missing[:20]))
                        ),
                        field="ids",
                    )
            else:
                await _insert_members(session, row.id, await find.matching_ids(session, actor, target, criteria))
        return await _out(session, actor, row)


async def update_selection(
    db: Database, actor: Actor, selection_id: int, data: dict[str, Any], *, expected_version: int | None = None
) -> SelectionOut:
    """Rename, describe, change who sees it, or (dynamic only) change its criteria."""
    values = parse(SelectionChange, data)
    given = values.model_fields_set
    async with db.read() as session:
        row = await _load(session, actor, selection_id)
        _ensure_edit(actor, row)
        target, kind = row.target, row.kind
    criteria = None
    if "criteria" in given and values.criteria is not None:
        if kind != SelectionKind.DYNAMIC:
            raise RuleViolation(
                _("Criteria: a static selection keeps members, not criteria; add or remove members instead."),
                field="criteria",
            )
        criteria = await find.validate(db, actor, target, values.criteria)
    try:
        async with db.write(actor) as session:
            row = await _load(session, actor, selection_id)
            _ensure_edit(actor, row)
            if expected_version is not None and row.version != expected_version:
                raise StaleEdit(
                    _("The selection '{name}' was changed by someone else since you opened it; reload it.").format(
                        name=row.name
                    ),
                    current=await _out(session, actor, row),
                )
            if values.name is not None and values.name != row.name:
                await _check_name(session, row.owner_id, values.name, exclude_id=row.id)
                row.name = values.name
            if values.description is not None:
                row.description = values.description
            if values.visible_for is not None:
                row.visible_for = values.visible_for
            if values.completed is not None:
                row.completed = values.completed
            if criteria is not None:
                row.criteria = [c.model_dump() for c in criteria]
            await session.flush()
            return await _out(session, actor, row)
    except StaleDataError:
        raise StaleEdit(_("The selection was changed by someone else at the same moment; reload it.")) from None


async def rename_selection(
    db: Database, actor: Actor, selection_id: int, name: str, *, expected_version: int | None = None
) -> SelectionOut:
    return await update_selection(db, actor, selection_id, {"name": name}, expected_version=expected_version)


async def delete_selection(db: Database, actor: Actor, selection_id: int) -> SelectionOut:
    """Delete the selection and its member list (never the records themselves)."""
    async with db.write(actor) as session:
        row = await _load(session, actor, selection_id)
        _ensure_edit(actor, row)
        out = await _out(session, actor, row)
        await session.execute(delete(t.SelectionMember).where(t.SelectionMember.selection_id == row.id))
        await session.delete(row)
        await session.flush()
    return out


async def _static_for_edit(session: AsyncSession, actor: Actor, selection_id: int) -> t.Selection:
    row = await _load(session, actor, selection_id)
    _ensure_edit(actor, row)
    if row.kind != SelectionKind.STATIC:
        raise RuleViolation(
            _(
                "Members: '{name}' is a dynamic selection; its members follow its criteria. Make it "
                "static to add or remove members by hand."
            ).format(name=row.name),
            field="ids",
        )
    return row


async def add_members(db: Database, actor: Actor, selection_id: int, ids: Sequence[int | str]) -> MembersChange:
    """Add records by id to a static selection; ids already there are left as they are, unknown ones reported."""
    wanted = _parse_ids(ids)
    if not wanted:
        raise RuleViolation(_("Members: give the ids of the records to add."), field="ids")
    async with db.write(actor) as session:
        row = await _static_for_edit(session, actor, selection_id)
        live = set((await session.scalars(_live_ids(row.target, wanted, db.dialect))).all())
        missing = [i for i in wanted if i not in live]
        if not live:
            raise RuleViolation(
                _("Members: no {what} with id {ids}.").format(
                    what=find.target_label(row.target).lower(), ids=", ".join(map(str, missing[:20]))
                ),
                field="ids",
            )
        added = await _insert_members(session, row.id, _live_ids(row.target, sorted(live), db.dialect))
        total = await _member_count(session, row.id)
    return MembersChange(
        selection_id=selection_id, changed=added, unchanged=len(live) - added, missing=missing, member_count=total
    )


async def add_matching(
    db: Database, actor: Actor, selection_id: int, criteria: Sequence[find.Criterion | dict[str, Any]]
) -> MembersChange:
    """ "Add all members matching" (SPEC 4.5): every record matching `criteria` joins the static selection."""
    async with db.write(actor) as session:
        row = await _static_for_edit(session, actor, selection_id)
        before = await _member_count(session, row.id)
        added = await _insert_members(session, row.id, await find.matching_ids(session, actor, row.target, criteria))
        total = await _member_count(session, row.id)
    return MembersChange(selection_id=selection_id, changed=added, unchanged=total - before - added, member_count=total)


async def remove_members(db: Database, actor: Actor, selection_id: int, ids: Sequence[int | str]) -> MembersChange:
    """Take records out of a static selection (the records themselves stay)."""
    wanted = _parse_ids(ids)
    if not wanted:
        raise RuleViolation(_("Members: give the ids of the records to remove."), field="ids")
    async with db.write(actor) as session:
        row = await _static_for_edit(session, actor, selection_id)
        result = await session.execute(
            delete(t.SelectionMember)
            .where(
                t.SelectionMember.selection_id == row.id, rules.id_in(t.SelectionMember.entity_id, wanted, db.dialect)
            )
            .execution_options(synchronize_session=False)
        )
        removed = cast("CursorResult[Any]", result).rowcount or 0
        total = await _member_count(session, row.id)
    return MembersChange(
        selection_id=selection_id, changed=removed, unchanged=len(wanted) - removed, member_count=total
    )


async def make_static(db: Database, actor: Actor, selection_id: int) -> SelectionOut:
    """Freeze a dynamic selection: its current matches become its members (Q2). Its criteria stay as a note."""
    async with db.write(actor) as session:
        row = await _load(session, actor, selection_id)
        _ensure_edit(actor, row)
        if row.kind == SelectionKind.STATIC:
            raise RuleViolation(_("Selection is: '{name}' is already static.").format(name=row.name), field="kind")
        criteria = [find.Criterion.model_validate(c) for c in row.criteria or []]
        await session.execute(delete(t.SelectionMember).where(t.SelectionMember.selection_id == row.id))
        await _insert_members(session, row.id, await find.matching_ids(session, actor, row.target, criteria))
        row.kind = int(SelectionKind.STATIC)
        await session.flush()
        return await _out(session, actor, row)


async def make_dynamic(db: Database, actor: Actor, selection_id: int) -> SelectionOut:
    """Refused always (Q2): a static selection's members were chosen by hand and cannot become criteria."""
    async with db.read() as session:
        row = await _load(session, actor, selection_id)
    if row.kind == SelectionKind.DYNAMIC:
        raise RuleViolation(_("Selection is: '{name}' is already dynamic.").format(name=row.name), field="kind")
    raise RuleViolation(
        _(
            "Selection is: a static selection cannot be made dynamic (its members were chosen by "
            "hand); create a new dynamic selection from criteria instead."
        ),
        field="kind",
    )
