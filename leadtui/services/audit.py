"""Audit trail and undo.

Every create, change and delete of a versioned row is recorded automatically (an ORM `after_flush` hook):
who, when, what changed, old and new values. Set-based changes (bulk updates, board moves of many cards)
record themselves with `record_bulk`. All records of one write transaction share a changeset id: undo
(services/undo.py) reverts the user's last changeset when nobody changed those records since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Date, DateTime, Numeric, event, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from leadtui.i18n import _
from leadtui.i18n.terms import entity_name
from leadtui.model import tables as t
from leadtui.model.base import Base, Versioned
from leadtui.model.engine import Database
from leadtui.services import changes as live
from leadtui.services.actor import Actor
from leadtui.services.errors import StaleEdit

SKIPPED_FIELDS = {"version", "updated_at", "updated_by_id", "name_key", "last_key", "email_normalized"}


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _model_for(entity: str) -> type[Any]:  # a mapped class of Base (with id and version when revertable)
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == entity:
            return mapper.class_
    raise KeyError(entity)


def _from_json(model: type[Base], field: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = model.__table__.c[field].type
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Numeric):
        return Decimal(value)
    return value


def _columns(obj: Any) -> list[str]:
    return [column.key for column in obj.__table__.columns if column.key not in SKIPPED_FIELDS]


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, _context: Any) -> None:
    changeset = session.info.get("changeset")
    if not changeset:
        return
    actor = session.info.get("actor")
    actor_id = getattr(actor, "id", None)
    undo_of = session.info.get("undo_of", "")
    now = t.utcnow()
    rows: list[dict[str, Any]] = []

    def add(action: str, obj: Any, changes: dict[str, list[Any]]) -> None:
        rows.append(
            dict(
                at=now,
                actor_id=actor_id,
                changeset=changeset,
                action=action,
                entity=obj.__tablename__,
                entity_id=getattr(obj, "id", None),
                changes=changes,
                summary="",
                undone=False,
                undo_of=undo_of,
            )
        )

    for obj in session.new:
        if isinstance(obj, Versioned):
            add("create", obj, {key: [None, jsonable(getattr(obj, key))] for key in _columns(obj)})
    for obj in session.dirty:
        if not isinstance(obj, Versioned) or not session.is_modified(obj, include_collections=False):
            continue
        changes: dict[str, list[Any]] = {}
        for key in _columns(obj):
            history = inspect(obj).attrs[key].history
            if history.added or history.deleted:
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old != new:
                    changes[key] = [jsonable(old), jsonable(new)]
        if changes:
            add("update", obj, changes)
    for obj in session.deleted:
        if isinstance(obj, Versioned):
            add("delete", obj, {key: [jsonable(getattr(obj, key)), None] for key in _columns(obj)})
    if rows:
        session.connection().execute(insert(t.AuditLog), rows)
        for row in rows:  # live updates of the other sessions (services/changes.py)
            live.note(session, row["entity"], [row["entity_id"]], row["changes"])


async def record_bulk(
    session: AsyncSession,
    entity: str,
    field: str,
    new_value: Any,
    old_groups: Iterable[tuple[Any, Sequence[int]]],
    summary: str = "",
) -> None:
    """Record a set-based change of one field on many rows: the old value of each group of ids, for undo."""
    actor = session.info.get("actor")
    groups = [[jsonable(old), list(ids)] for old, ids in old_groups if ids]
    if not groups:
        return
    live.note(session.sync_session, entity, [i for _old, ids in groups for i in ids], [field])
    await session.execute(
        insert(t.AuditLog).values(
            at=t.utcnow(),
            actor_id=getattr(actor, "id", None),
            changeset=session.info.get("changeset", ""),
            action="bulk",
            entity=entity,
            entity_id=None,
            changes={"field": field, "new": jsonable(new_value), "old": groups},
            summary=summary,
            undone=False,
            undo_of=session.info.get("undo_of", ""),
        )
    )


# --------------------------------------------------------------------------- reading


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    user: str
    action: str
    entity: str
    entity_id: int | None
    changes: dict[str, Any]
    summary: str
    undone: bool


def _bulk_ids(entry: t.AuditLog) -> set[int]:
    return {entity_id for _old, ids in entry.changes.get("old", []) for entity_id in ids}


async def _users(session: AsyncSession, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(t.Associate.id, t.Associate.login).where(t.Associate.id.in_(wanted)))
    return dict(rows.all())


def _out(entry: t.AuditLog, users: dict[int, str]) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        at=entry.at,
        user=users.get(entry.actor_id or -1, ""),
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        changes=entry.changes,
        summary=entry.summary,
        undone=entry.undone,
    )


async def for_record(db: Database, entity: str, entity_id: int, *, limit: int = 200) -> list[AuditEntryOut]:
    """The audit of one record, newest first, bulk changes that touched it included."""
    async with db.read() as session:
        own = (
            await session.scalars(
                select(t.AuditLog)
                .where(t.AuditLog.entity == entity, t.AuditLog.entity_id == entity_id)
                .order_by(t.AuditLog.id.desc())
                .limit(limit)
            )
        ).all()
        bulk = (
            await session.scalars(
                select(t.AuditLog)
                .where(t.AuditLog.entity == entity, t.AuditLog.action == "bulk")
                .order_by(t.AuditLog.id.desc())
                .limit(1000)
            )
        ).all()
        entries = sorted([*own, *[b for b in bulk if entity_id in _bulk_ids(b)]], key=lambda e: -e.id)[:limit]
        users = await _users(session, {e.actor_id for e in entries})
    return [_out(entry, users) for entry in entries]


async def in_range(
    db: Database, since: datetime | None = None, until: datetime | None = None, *, limit: int | None = None
) -> list[AuditEntryOut]:
    query = select(t.AuditLog).order_by(t.AuditLog.id)
    if since is not None:
        query = query.where(t.AuditLog.at >= since)
    if until is not None:
        query = query.where(t.AuditLog.at < until)
    if limit is not None:
        query = query.limit(limit)
    async with db.read() as session:
        entries = (await session.scalars(query)).all()
        users = await _users(session, {e.actor_id for e in entries})
    return [_out(entry, users) for entry in entries]


# --------------------------------------------------------------------------- undo


class UndoOut(BaseModel):
    changeset: str
    records: int
    description: str


def _describe(entries: Sequence[t.AuditLog]) -> str:
    first = entries[0]
    if first.action == "bulk":
        from leadtui.services.validation import field_label

        return _("bulk change of {field} on {n} records").format(
            field=field_label(first.changes.get("field", "")), n=len(_bulk_ids(first))
        )
    # update entries always name their record
    records = sorted(
        cast(set[int], {e.entity_id for e in entries if e.action == "update" and e.entity == first.entity})
    )
    if len(records) > 1 and all(e.action == "update" and e.entity == first.entity for e in entries):
        # several records changed by one action (e.g. marked cards moved on the board)
        ids = ", ".join(str(i) for i in records[:5]) + (", …" if len(records) > 5 else "")
        return _("change of {n} records ({entity} {ids})").format(
            n=len(records), entity=entity_name(first.entity), ids=ids
        )
    verbs = {"create": _("creation"), "update": _("change"), "delete": _("deletion")}
    return _("{what} of {entity} {id}").format(
        what=verbs.get(first.action, first.action), entity=entity_name(first.entity), id=first.entity_id
    )


async def last_undoable(db: Database, actor: Actor) -> UndoOut | None:
    """The change undo would revert, or None."""
    async with db.read() as session:
        last = await _last_changeset(session, actor)
        if last is None:
            return None
        entries = await _changeset(session, last)
    return UndoOut(changeset=last, records=len(entries), description=_describe(entries))


async def _last_changeset(session: AsyncSession, actor: Actor) -> str | None:
    return await session.scalar(
        select(t.AuditLog.changeset)
        .where(
            t.AuditLog.actor_id == actor.id,
            t.AuditLog.undone.is_(False),
            t.AuditLog.undo_of == "",
            t.AuditLog.entity != "session",
        )  # sign-ins are not changes (keys.py)
        .order_by(t.AuditLog.id.desc())
        .limit(1)
    )


async def _changeset(session: AsyncSession, changeset: str) -> list[t.AuditLog]:
    return list(
        (
            await session.scalars(select(t.AuditLog).where(t.AuditLog.changeset == changeset).order_by(t.AuditLog.id))
        ).all()
    )


async def _refuse_if_changed_since(session: AsyncSession, entries: Sequence[t.AuditLog]) -> None:
    newest = max(entry.id for entry in entries)
    touched: dict[str, set[int]] = {}
    for entry in entries:
        ids = _bulk_ids(entry) if entry.action == "bulk" else {entry.entity_id}
        touched.setdefault(entry.entity, set()).update(i for i in ids if i is not None)
    for entity, ids in touched.items():
        later = (
            await session.scalars(
                select(t.AuditLog)
                .where(
                    t.AuditLog.id > newest,
                    t.AuditLog.entity == entity,
                    # later changes that were undone, and the undos themselves, cancel out
                    t.AuditLog.undone.is_(False),
                    t.AuditLog.undo_of == "",
                )
                .order_by(t.AuditLog.id)
                .limit(5000)
            )
        ).all()
        for entry in later:
            hit = ids & (_bulk_ids(entry) if entry.action == "bulk" else {entry.entity_id})
            if hit:
                who = (await _users(session, {entry.actor_id})).get(entry.actor_id or -1, _("someone"))
                raise StaleEdit(
                    _("Cannot undo: {entity} {id} was changed since by {who} at {when:%Y-%m-%d %H:%M}.").format(
                        entity=entity, id=min(hit), who=who, when=entry.at
                    )
                )


async def _revert(session: AsyncSession, entry: t.AuditLog) -> None:
    model = _model_for(entry.entity)
    if entry.action == "bulk":
        field = entry.changes["field"]
        column = model.__table__.c[field]
        for old, ids in entry.changes["old"]:
            value = _from_json(model, field, old)
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                await session.execute(
                    update(model)
                    .where(model.id.in_(chunk))
                    .values({column: value, "version": model.version + 1})
                    .execution_options(synchronize_session=False)
                )
        new = entry.changes["new"]
        await record_bulk(
            session,
            entry.entity,
            field,
            entry.changes["old"][0][0] if len(entry.changes["old"]) == 1 else None,
            [(new, ids) for _old, ids in entry.changes["old"]],
            summary="undo",
        )
        await _history_for_bulk(session, entry)
        return
    obj = await session.get(model, entry.entity_id)
    if entry.action == "update" and obj is not None:
        for field, (old, _new) in entry.changes.items():
            if field in model.__table__.c:
                setattr(obj, field, _from_json(model, field, old))
        await _history_for_update(session, entry, obj)
    elif entry.action == "create" and obj is not None:
        if hasattr(obj, "deleted_at"):
            obj.deleted_at = t.utcnow()
        elif isinstance(obj, t.ListItem):
            obj.deleted = True
        else:
            await session.delete(obj)
    elif entry.action == "delete" and obj is None:
        values = {
            field: _from_json(model, field, old)
            for field, (old, _new) in entry.changes.items()
            if field in model.__table__.c
        }
        restored = model(**values)
        session.add(restored)


HISTORY_FIELDS = {
    ("contact", "lead_status_id"): ("lead_status", t.LeadStatus),
    ("contact", "category_id"): ("category", t.Category),
    ("company", "category_id"): ("category", t.Category),
    ("sale", "stage_id"): ("stage", t.SaleStage),
    ("sale", "status"): ("status", None),
}


async def _name(session: AsyncSession, model: Any, value: Any) -> str:
    if value is None:
        return ""
    if model is None:
        from leadtui.model.enums import SaleStatus

        try:
            return SaleStatus(int(value)).name.capitalize()
        except ValueError:
            return str(value)
    row = await session.get(model, int(value))
    return row.name if row is not None else str(value)


async def _history_for_update(session: AsyncSession, entry: t.AuditLog, obj: Any) -> None:
    from leadtui.services import history

    actor = session.info.get("actor")
    for field, (old, new) in entry.changes.items():
        spec = HISTORY_FIELDS.get((entry.entity, field))
        if spec is None:
            continue
        what, model = spec
        await history.record(
            session,
            actor,
            entry.entity,
            obj.id,
            what,
            _int(new),
            await _name(session, model, new),
            _int(old),
            await _name(session, model, old),
        )


async def _history_for_bulk(session: AsyncSession, entry: t.AuditLog) -> None:
    from leadtui.services import history

    spec = HISTORY_FIELDS.get((entry.entity, entry.changes["field"]))
    if spec is None:
        return
    what, model = spec
    actor = session.info.get("actor")
    new = entry.changes["new"]
    for old, ids in entry.changes["old"]:
        await history.record_many(
            session,
            actor,
            entry.entity,
            ids,
            what,
            _int(new),
            await _name(session, model, new),
            _int(old),
            await _name(session, model, old),
        )


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def dumps(entries: Sequence[AuditEntryOut]) -> str:
    return json.dumps([entry.model_dump(mode="json") for entry in entries], indent=2, ensure_ascii=False)
