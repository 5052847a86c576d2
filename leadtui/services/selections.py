"""Selections (SPEC.md 1.12, 2.6 Q1-Q4, 4.5): saved searches of contacts, companies or sales.

- Dynamic: the criteria are kept and run again whenever the selection is opened (its members change with the data).
- Static: the members are kept (frozen); members are added and removed by hand or "all matching" criteria, each
  record at most once.
- A dynamic selection can be made static (its current members are frozen); static never becomes dynamic (Q2).
  What a selection is of (contacts, companies, sales) never changes.
- Only the owner or an administrator changes or deletes a selection (Q4). Everyone sees selections visible for
  all, the owner's user group sees "group" ones, only the owner (and administrators) see private ones.
- Names are required and unique per owner, ignoring case.
- Combined: two or more selections of the same target joined by union, intersection, difference (the first minus
  the others) or "in only one"; live (its members are computed from its parts each time). The parts are kept, in
  order, in the criteria field as [{"part": id}, ...] (left_id/right_id hold the first two for the database's
  sake); a selection that is a part of a combined one cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, TextIO, cast

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import CursorResult, delete, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from leadtui.i18n import N_, _, ngettext
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
COMBINATIONS = {
    "union": N_("Union (in any of them)"),
    "intersect": N_("Intersection (in all of them)"),
    "minus": N_("Difference (in the first, not in the others)"),
    "xor": N_("In only one of them"),
}
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
    combination: str = ""
    combination_label: str = ""
    parts: list[int] = []
    part_names: list[str] = []


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
    parts = _parts(row)
    names: list[str] = []
    for part_id in parts:
        part = await session.get(t.Selection, part_id)
        names.append(part.name if part is not None else "#" + str(part_id))
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
        criteria=[] if parts else [find.Criterion.model_validate(c) for c in row.criteria or []],
        visible_for=row.visible_for,
        completed=row.completed,
        registered_at=row.registered_at,
        may_edit=_may_edit(actor, row),
        version=row.version,
        member_count=member_count,
        combination=row.combination if parts else "",
        combination_label=_(COMBINATIONS[row.combination]) if parts and row.combination in COMBINATIONS else "",
        parts=parts,
        part_names=names,
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
        return await scope_in(session, actor, row)


async def scope_in(
    session: AsyncSession, actor: Actor, row: t.Selection
) -> tuple[str, list[find.Criterion], int | None]:
    """`scope` inside an open session (the board reads in its own). A combined selection's members are computed
    now and given as an id criterion (find.ID_LIST_OP)."""
    if row.kind == SelectionKind.DYNAMIC:
        return row.target, [find.Criterion.model_validate(c) for c in row.criteria or []], None
    if row.kind == SelectionKind.COMBINED and _parts(row):
        ids = sorted(await _member_ids(session, actor, row))
        return row.target, [find.Criterion(field="id", op=find.ID_LIST_OP, values=[str(i) for i in ids])], None
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
    only: Sequence[int] | None = None,
) -> int:
    """Write the members as CSV (a header row of field keys, then one row per member; those of `only` when given,
    the task menu's marked members). Returns the row count."""
    target, criteria, members_of = await scope(db, actor, selection_id)
    return await write_csv(
        db,
        actor,
        target,
        criteria,
        out,
        columns=columns,
        selection_id=members_of,
        formula_guard=formula_guard,
        within=only,
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
    within: Sequence[int] | None = None,
) -> int:
    """The members as CSV through leadtui.text.CsvWriter (formula prefixes neutralised unless `formula_guard` is off)."""
    header = await find.columns_of(target, columns)
    writer = CsvWriter(out, formula_guard=formula_guard)
    writer.writerow(["id", *[c.key for c in header]])
    written = 0
    rows = find.iter_rows(db, actor, target, criteria, columns=columns, selection_id=selection_id, within=within)
    async for row in rows:
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
        if kind == SelectionKind.COMBINED:
            raise RuleViolation(
                _("Criteria: a combined selection is made of its parts, not criteria; change its parts instead."),
                field="criteria",
            )
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
        users = await _combined_using(session, row.id)
        if users:
            raise RuleViolation(
                ngettext(
                    "Delete: '{name}' is a part of the combined selection {names}; delete that first or make it "
                    "static.",
                    "Delete: '{name}' is a part of the combined selections {names}; delete those first or make them "
                    "static.",
                    len(users),
                ).format(name=row.name, names=", ".join(f"'{u.name}'" for u in users[:5])),
                field="id",
            )
        out = await _out(session, actor, row)
        await session.execute(delete(t.SelectionMember).where(t.SelectionMember.selection_id == row.id))
        await session.delete(row)
        await session.flush()
    return out


async def _static_for_edit(session: AsyncSession, actor: Actor, selection_id: int) -> t.Selection:
    row = await _load(session, actor, selection_id)
    _ensure_edit(actor, row)
    if row.kind == SelectionKind.COMBINED:
        raise RuleViolation(
            _(
                "Members: '{name}' is a combined selection; its members come from its parts. Make it static to add "
                "or remove members by hand."
            ).format(name=row.name),
            field="ids",
        )
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
        await session.execute(delete(t.SelectionMember).where(t.SelectionMember.selection_id == row.id))
        if _parts(row):  # combined: its members of now; its parts are let go
            ids = sorted(await _member_ids(session, actor, row))
            if ids:
                await _insert_members(session, row.id, _live_ids(row.target, ids, db.dialect))
            row.criteria, row.combination, row.left_id, row.right_id = [], "", None, None
        else:
            criteria = [find.Criterion.model_validate(c) for c in row.criteria or []]
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


# --------------------------------------------------------------------------- combined selections


class CombinedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SelectionName
    how: Literal["union", "intersect", "minus", "xor"] = "union"
    parts: list[int]
    description: Description = ""
    visible_for: Literal["all", "group", "private"] = "all"


FIELD_LABELS.update({"how": N_("Combination"), "parts": N_("Parts")})
MAX_DEPTH = 20  # combined selections of combined selections: deeper than this is refused (and a cycle is)


def _parts(row: t.Selection) -> list[int]:
    """The parts of a combined selection, in order ([] for the others)."""
    if row.kind != SelectionKind.COMBINED:
        return []
    return [int(c["part"]) for c in row.criteria or [] if isinstance(c, dict) and "part" in c]


async def _combined_using(session: AsyncSession, selection_id: int) -> list[t.Selection]:
    rows = (await session.scalars(select(t.Selection).where(t.Selection.kind == int(SelectionKind.COMBINED)))).all()
    return [row for row in rows if selection_id in _parts(row)]


def _cycle(name: str) -> RuleViolation:
    return RuleViolation(
        _("Parts: '{name}' would contain itself (through its parts); choose other parts.").format(name=name),
        field="parts",
    )


async def _member_ids(session: AsyncSession, actor: Actor, row: t.Selection, path: tuple[int, ...] = ()) -> set[int]:
    """The ids of the selection's members now (static: kept ones, deleted records included; find drops them)."""
    if row.id in path or len(path) > MAX_DEPTH:
        raise _cycle(row.name)
    if row.kind == SelectionKind.DYNAMIC:
        criteria = [find.Criterion.model_validate(c) for c in row.criteria or []]
        return set((await session.scalars(await find.matching_ids(session, actor, row.target, criteria))).all())
    parts = _parts(row)
    if not parts:
        query = select(t.SelectionMember.entity_id).where(t.SelectionMember.selection_id == row.id)
        return set((await session.scalars(query)).all())
    sets: list[set[int]] = []
    for part_id in parts:
        part = await session.get(t.Selection, part_id)
        sets.append(set() if part is None else await _member_ids(session, actor, part, (*path, row.id)))
    how = row.combination
    if how == "intersect":
        return set.intersection(*sets)
    if how == "minus":
        return sets[0].difference(*sets[1:])
    if how == "xor":
        seen: dict[int, int] = {}
        for one in sets:
            for i in one:
                seen[i] = seen.get(i, 0) + 1
        return {i for i, n in seen.items() if n == 1}
    return set().union(*sets)


async def _check_parts(
    session: AsyncSession, actor: Actor, parts: Sequence[int], editing: int | None = None
) -> tuple[str, list[t.Selection]]:
    """The parts exist, are visible, are of one target, are not repeated and make no cycle. Returns the target."""
    if len(parts) < 2:
        raise RuleViolation(_("Parts: a combined selection needs two or more selections."), field="parts")
    if len(set(parts)) != len(parts):
        raise RuleViolation(_("Parts: a selection is named twice; name each part once."), field="parts")
    rows = [await _load(session, actor, part_id) for part_id in parts]
    target = rows[0].target
    for row in rows[1:]:
        if row.target != target:
            raise RuleViolation(
                _(
                    "Parts: '{name}' is a selection of {what}, '{first}' of {first_what}; combine selections of one kind."
                ).format(
                    name=row.name,
                    what=find.target_label(row.target).lower(),
                    first=rows[0].name,
                    first_what=find.target_label(target).lower(),
                ),
                field="parts",
            )
    if editing is not None:
        for row in rows:  # would `editing` reach itself through this part?
            todo, seen = [row], set()
            while todo:
                current = todo.pop()
                if current.id == editing:
                    raise _cycle(row.name)
                if current.id in seen:
                    continue
                seen.add(current.id)
                for part_id in _parts(current):
                    part = await session.get(t.Selection, part_id)
                    if part is not None:
                        todo.append(part)
    return target, rows


async def create_combined(db: Database, actor: Actor, data: dict[str, Any]) -> SelectionOut:
    """A combined selection (SPEC 1.12): its parts (two or more selections of one target) joined by `how`.
    Its members are computed from the parts whenever it is shown."""
    values = parse(CombinedIn, data)
    async with db.write(actor) as session:
        target, _rows = await _check_parts(session, actor, values.parts)
        await _check_name(session, actor.id, values.name)
        row = t.Selection(
            name=values.name,
            target=target,
            owner_id=actor.id,
            description=values.description,
            visible_for=values.visible_for,
            criteria=[{"part": p} for p in values.parts],
            kind=int(SelectionKind.COMBINED),
            combination=values.how,
            left_id=values.parts[0],
            right_id=values.parts[1],
            registered_at=t.utcnow(),
            board_settings={},
        )
        session.add(row)
        await session.flush()
        return await _out(session, actor, row)


async def change_combination(
    db: Database,
    actor: Actor,
    selection_id: int,
    *,
    how: str | None = None,
    parts: Sequence[int] | None = None,
    expected_version: int | None = None,
) -> SelectionOut:
    """Change a combined selection's combination or parts (refused: parts of another target, a cycle)."""
    if how is not None and how not in COMBINATIONS:
        raise RuleViolation(
            _("Combination: '{how}' is not one of {choices}.").format(how=how, choices=", ".join(COMBINATIONS)),
            field="how",
        )
    async with db.write(actor) as session:
        row = await _load(session, actor, selection_id)
        _ensure_edit(actor, row)
        if not _parts(row):
            raise RuleViolation(
                _("Combination: '{name}' is not a combined selection.").format(name=row.name), field="how"
            )
        if expected_version is not None and row.version != expected_version:
            raise StaleEdit(
                _("The selection '{name}' was changed by someone else since you opened it; reload it.").format(
                    name=row.name
                ),
                current=await _out(session, actor, row),
            )
        if parts is not None:
            target, _rows = await _check_parts(session, actor, list(parts), editing=row.id)
            if target != row.target:
                raise RuleViolation(
                    _("Parts: '{name}' is a selection of {what}; its parts must be too.").format(
                        name=row.name, what=find.target_label(row.target).lower()
                    ),
                    field="parts",
                )
            row.criteria = [{"part": p} for p in parts]
            row.left_id, row.right_id = parts[0], parts[1]
        if how is not None:
            row.combination = how
        await session.flush()
        return await _out(session, actor, row)


# --------------------------------------------------------------------------- copy


async def copy_selection(db: Database, actor: Actor, selection_id: int, name: str | None = None) -> SelectionOut:
    """A copy owned by the user: same kind, target, criteria, parts or members (SPEC Q4: "‹name› (copy)")."""
    if name is not None:
        name = parse(SelectionChange, {"name": name}).name
    async with db.write(actor) as session:
        source = await _load(session, actor, selection_id)
        if name is None:
            taken = {
                t.name_key(n)
                for n in (await session.scalars(select(t.Selection.name).where(t.Selection.owner_id == actor.id))).all()
            }
            base = _("{name} (copy)").format(name=source.name)[: t.NAME_MAX]
            name, n = base, 2
            while t.name_key(name) in taken:
                name = _("{name} (copy {n})").format(name=source.name, n=n)[: t.NAME_MAX]
                n += 1
        else:
            await _check_name(session, actor.id, name)
        row = t.Selection(
            name=name,
            target=source.target,
            owner_id=actor.id,
            description=source.description,
            visible_for=source.visible_for,
            criteria=list(source.criteria or []),
            kind=source.kind,
            combination=source.combination,
            left_id=source.left_id,
            right_id=source.right_id,
            registered_at=t.utcnow(),
            board_settings=dict(source.board_settings or {}),
        )
        session.add(row)
        await session.flush()
        if source.kind == SelectionKind.STATIC:
            await _insert_members(
                session,
                row.id,
                select(t.SelectionMember.entity_id).where(t.SelectionMember.selection_id == source.id),
            )
        return await _out(session, actor, row)


# --------------------------------------------------------------------------- tasks on the members (SPEC 4.5)


class FollowUpsOut(BaseModel):
    selection_id: int
    created: int
    skipped: list[int] = []  # marked ids that are not members


class DeleteMembersOut(BaseModel):
    selection_id: int
    target: str
    deleted: int
    refused: int
    reasons: list[str] = []
    for_good: bool  # sales are deleted for good; companies and contacts go to the recycle bin


def delete_members_question(target: str, n: int) -> str:
    """The confirmation of "Delete the members' records": how many, and where they go."""
    if target == "sale":
        return ngettext(
            "Delete {n} sale for good, with its follow-ups? Sales are not kept in the recycle bin; this cannot be "
            "undone.",
            "Delete {n} sales for good, with their follow-ups? Sales are not kept in the recycle bin; this cannot be "
            "undone.",
            n,
        ).format(n=n)
    if target == "company":
        return ngettext(
            "Delete {n} company and its contacts? They go to the recycle bin.",
            "Delete {n} companies and their contacts? They go to the recycle bin.",
            n,
        ).format(n=n)
    return ngettext(
        "Delete {n} contact? It goes to the recycle bin.", "Delete {n} contacts? They go to the recycle bin.", n
    ).format(n=n)


def delete_members_summary(out: DeleteMembersOut) -> str:
    """The one line after "Delete the members' records"."""
    done = (
        ngettext("Deleted {n} for good", "Deleted {n} for good", out.deleted)
        if out.for_good
        else ngettext("Moved {n} to the recycle bin", "Moved {n} to the recycle bin", out.deleted)
    ).format(n=out.deleted)
    if out.refused:
        done += "; " + ngettext(
            "{n} refused (not yours to delete)", "{n} refused (not yours to delete)", out.refused
        ).format(n=out.refused)
    return done + "."


async def member_ids(db: Database, actor: Actor, selection_id: int, only: Sequence[int] | None = None) -> list[int]:
    """The ids of the selection's live members now (those of `only` when given), in id order."""
    target, criteria, members_of = await scope(db, actor, selection_id)
    ids: list[int] = []
    async for row in find.iter_rows(db, actor, target, criteria, columns=["id"], selection_id=members_of):
        ids.append(int(row["id"]))
    if only is not None:
        wanted = set(only)
        ids = [i for i in ids if i in wanted]
    return ids


async def generate_follow_ups(
    db: Database, actor: Actor, selection_id: int, data: dict[str, Any], *, only: Sequence[int] | None = None
) -> FollowUpsOut:
    """One follow-up (date, type, text) for each member, or for the `only` ones: one transaction, so one undo."""
    from leadtui.services import activities

    base = {k: v for k, v in data.items() if k in ("date", "time", "type", "text", "title")}
    values = parse(activities.FollowUpIn, base)
    target, _criteria, _members_of = await scope(db, actor, selection_id)
    ids = await member_ids(db, actor, selection_id, only)
    skipped = sorted(set(only) - set(ids)) if only is not None else []
    if not ids:
        raise RuleViolation(_("Members: the selection has no members to give a follow-up."), field="ids")
    async with db.write(actor) as session:
        created = await activities.create_follow_ups_in(session, actor, values, target, ids)
    return FollowUpsOut(selection_id=selection_id, created=created, skipped=skipped)


async def delete_members(
    db: Database, actor: Actor, selection_id: int, *, only: Sequence[int] | None = None
) -> DeleteMembersOut:
    """Delete the members' records (or the `only` ones), each with the rights of that record: companies and
    contacts go to the recycle bin, sales are deleted for good. Refused ones are counted, the rest deleted."""
    from leadtui.services import companies, contacts, sales
    from leadtui.services.errors import DomainError

    target, _criteria, _members_of = await scope(db, actor, selection_id)
    ids = await member_ids(db, actor, selection_id, only)
    deleted, reasons = 0, []
    for entity_id in ids:
        try:
            if target == "contact":
                await contacts.delete_contact(db, actor, entity_id)
            elif target == "company":
                await companies.delete_company(db, actor, entity_id)
            else:
                await sales.delete_sale(db, actor, entity_id)
        except NotFound:
            continue  # gone meanwhile (e.g. a company's contact deleted with it)
        except DomainError as exc:
            reasons.append(f"#{entity_id}: {exc}")
            continue
        deleted += 1
    return DeleteMembersOut(
        selection_id=selection_id,
        target=target,
        deleted=deleted,
        refused=len(reasons),
        reasons=reasons[:20],
        for_good=target == "sale",
    )
