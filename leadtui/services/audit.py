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

from leadtui.i18n import N_, _, ngettext
from leadtui.i18n.terms import entity_name
from leadtui.model import tables as t
from leadtui.model.base import Base, Versioned
from leadtui.model.engine import Database
from leadtui.model.enums import CategoryGroup, SaleStatus
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
    many = sum(len(ids) for _old, ids in groups) > live.MANY  # note says "many" then anyway: no set of them all
    live.note(session.sync_session, entity, None if many else [i for _old, ids in groups for i in ids], [field])
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


class FieldChangeOut(BaseModel):
    """One changed field in words: the user's label, the old and the new value as the user knows them."""

    field: str
    label: str
    old: str
    new: str


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    user: str  # the login (raw)
    action: str
    entity: str
    entity_id: int | None
    changes: dict[str, Any]  # raw: field -> [old, new] (ids as stored)
    summary: str  # one line in words: "Changed Lead status of Anna Berg: Open → Qualified"
    undone: bool
    user_name: str = ""  # the user's full name (the login when it has none)
    record: str = ""  # the record's name or heading
    note: str = ""  # the note stored with a set-based change (e.g. "distribute new leads (web)")
    details: list[FieldChangeOut] = []  # the changed fields in words


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


# --------------------------------------------------------------------------- in words

# labels of stored columns that differ from the form field's label (FIELD_LABELS holds the rest, by the
# column's name without "_id")
COLUMN_LABELS: dict[str, str] = {
    "lead_status_id": N_("Lead status"),
    "lead_status_since": N_("Lead status since"),
    "category_id": N_("Category"),
    "business_id": N_("Business"),
    "our_contact_id": N_("Our contact"),
    "owner_id": N_("Owner"),
    "stage_id": N_("Stage"),
    "sale_type_id": N_("Sale type"),
    "reason_sold_id": N_("Reason (sold)"),
    "reason_lost_id": N_("Reason (lost)"),
    "reason_stalled_id": N_("Reason (stalled)"),
    "competitor_id": N_("Competitor"),
    "source_id": N_("Source"),
    "credited_id": N_("Credited"),
    "company_id": N_("Company"),
    "contact_id": N_("Contact"),
    "sale_id": N_("Sale"),
    "follow_up_type_id": N_("Follow-up type"),
    "stage_when_closed_id": N_("Stage when closed"),
    "registered_by_id": N_("Registered by"),
    "registered_at": N_("Registered"),
    "stage_since": N_("In stage since"),
    "closed_at": N_("Closed"),
    "deleted_at": N_("Deleted"),
    "deleted": N_("Deleted"),
    "first_name": N_("First name"),
    "middle_name": N_("Middle name"),
    "last_name": N_("Last name"),
    "title": N_("Title"),
    "heading": N_("Heading"),
    "name": N_("Name"),
    "status": N_("Status"),
    "amount": N_("Amount"),
    "cost": N_("Total cost"),
    "probability": N_("Probability"),
    "sale_date": N_("Sale date"),
    "reopen_date": N_("Re-open date"),
    "email": N_("Email"),
    "email_opt_in": N_("Email opt-in"),
    "mobile": N_("Mobile"),
    "phone": N_("Phone"),
    "note": N_("Note"),
    "description": N_("Description"),
    "role": N_("Role"),
    "full_name": N_("Full name"),
    "login": N_("Login name"),
    "active": N_("Active"),
    "start_at": N_("Start"),
    "completed": N_("Completed"),
    "text": N_("Text"),
    "primary_group_id": N_("User group"),
}

STATUS_WORDS = {
    int(SaleStatus.OPEN): N_("Open"),
    int(SaleStatus.SOLD): N_("Sold"),
    int(SaleStatus.LOST): N_("Lost"),
    int(SaleStatus.STALLED): N_("Stalled"),
}
ROLE_WORDS = {"administrator": N_("Administrator"), "sales-manager": N_("Sales manager"), "sales-rep": N_("Sales rep")}
# the columns that name a record of each kind; other kinds are named by "name" when they have one
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "contact": ("first_name", "last_name"),
    "sale": ("heading",),
    "activity": ("title",),
    "associate": ("full_name", "login"),
    "user_key": ("comment", "fingerprint"),
}
# fields that follow from another change (the status's date, the stage's probability): in the details only
FOLLOWING_FIELDS = {"lead_status_since", "stage_since", "closed_at", "stage_when_closed_id", "probability"}
TEXT_WIDTH = 40
PAGE = 500  # entries described with one batch of look-ups


def field_words(field: str) -> str:
    """The user's label of a stored column: lead_status_id -> "Lead status" (translated)."""
    from leadtui.services.validation import FIELD_LABELS, field_label

    label = COLUMN_LABELS.get(field)
    if label:
        return _(label)
    bare = field.removesuffix("_id")
    return _(FIELD_LABELS[bare]) if bare in FIELD_LABELS else field_label(bare)


def _name_columns(model: Any) -> tuple[str, ...]:
    columns = NAME_COLUMNS.get(model.__tablename__)
    if columns:
        return columns
    return ("name",) if "name" in model.__table__.c else ()


def _name_from(entity: str, values: dict[str, Any]) -> str:
    """A record's name from its column values."""
    if entity == "associate":
        return str(values.get("full_name") or values.get("login") or "")
    if entity == "contact":
        return " ".join(str(values.get(key) or "") for key in ("first_name", "last_name")).strip()
    for key in NAME_COLUMNS.get(entity, ("name",)):
        if values.get(key):
            return str(values[key])
    return ""


def _target(model: Any, field: str) -> str | None:
    """The table a column refers to (lead_status_id -> "lead_status"), or None."""
    column = model.__table__.c.get(field) if model is not None else None
    if column is None:
        return None
    for key in column.foreign_keys:
        return str(key.column.table.name)
    return None


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"


def _value_words(model: Any, field: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    from leadtui.i18n.format import format_date, format_datetime

    if value is None or value == "":
        return _("(none)")
    target = _target(model, field)
    if target is not None:
        try:
            return names.get((target, int(value))) or f"#{value}"
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    entity = getattr(model, "__tablename__", "")
    if entity == "sale" and field == "status" and value in STATUS_WORDS:
        return _(STATUS_WORDS[value])
    if field == "role" and value in ROLE_WORDS:
        return _(ROLE_WORDS[value])
    if field == "category_group" and value in CategoryGroup._value2member_map_:
        from leadtui.i18n import current_language
        from leadtui.model.defaults import CATEGORY_GROUP_NAMES

        return CATEGORY_GROUP_NAMES.get(current_language(), CATEGORY_GROUP_NAMES["en"])[CategoryGroup(value)]
    column = model.__table__.c.get(field) if model is not None else None
    if column is not None and isinstance(value, str):
        try:
            if isinstance(column.type, DateTime):
                return format_datetime(datetime.fromisoformat(value))
            if isinstance(column.type, Date):
                return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return _one_line(str(value))


def _model_or_none(entity: str) -> Any:
    try:
        return _model_for(entity)
    except KeyError:
        return None


async def _names(session: AsyncSession, wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """Names of the records wanted, one query per kind of record (soft-deleted records included)."""
    names: dict[tuple[str, int], str] = {}
    for entity, ids in wanted.items():
        model = _model_or_none(entity)
        columns = _name_columns(model) if model is not None else ()
        if not ids or not columns or "id" not in model.__table__.c:
            continue
        ordered = sorted(ids)
        for start in range(0, len(ordered), 1000):
            chunk = ordered[start : start + 1000]
            rows = await session.execute(
                select(model.__table__.c.id, *(model.__table__.c[c] for c in columns)).where(
                    model.__table__.c.id.in_(chunk)
                )
            )
            for row in rows:
                names[(entity, row[0])] = _name_from(entity, dict(zip(columns, row[1:], strict=True)))
    return names


def _details(entry: t.AuditLog, model: Any, names: dict[tuple[str, int], str]) -> list[FieldChangeOut]:
    if entry.action == "bulk":
        field = str(entry.changes.get("field", ""))
        new = _value_words(model, field, entry.changes.get("new"), names)
        olds = sorted({_value_words(model, field, old, names) for old, _ids in entry.changes.get("old", [])})
        return [FieldChangeOut(field=field, label=field_words(field), old=", ".join(olds), new=new)]
    if entry.entity == "session" or not isinstance(entry.changes, dict):
        return []
    out = []
    for field, pair in entry.changes.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        if entry.action == "create" and new in (None, "", False) or entry.action == "delete":
            continue  # a new record: its set fields; a deleted one: the summary says it
        if field == "id":
            continue
        out.append(
            FieldChangeOut(
                field=field,
                label=field_words(field),
                old=_value_words(model, field, old, names),
                new=_value_words(model, field, new, names),
            )
        )
    return out


def _summary(entry: t.AuditLog, record: str, details: list[FieldChangeOut]) -> str:
    what = entity_name(entry.entity)
    record = record or f"#{entry.entity_id}"
    if entry.action == "bulk":
        n = len(_bulk_ids(entry))
        change = details[0] if details else None
        text = ngettext(
            "Changed {field} of {n} record ({what}) to {new}", "Changed {field} of {n} records ({what}) to {new}", n
        ).format(field=change.label if change else "", n=n, what=what, new=change.new if change else "")
    elif entry.entity == "session":
        login = entry.changes.get("login") if isinstance(entry.changes, dict) else None
        verbs = {"sign-in": _("Signed in"), "sign-out": _("Signed out"), "refused": _("Sign-in refused")}
        text = verbs.get(entry.action, entry.action) + (f": {login}" if login else "")
    elif entry.action == "create":
        text = _("Added {what} '{name}'").format(what=what, name=record)
    elif entry.action == "delete":
        text = _("Deleted {what} '{name}'").format(what=what, name=record)
    else:
        gone = {c.field: c for c in details if c.field in ("deleted_at", "deleted")}
        details = [c for c in details if c.field not in FOLLOWING_FIELDS] or details
        if gone and len(details) == 1:
            removed = entry.changes[next(iter(gone))][1] not in (None, False)
            text = (_("Deleted {what} '{name}'") if removed else _("Restored {what} '{name}'")).format(
                what=what, name=record
            )
        elif len(details) == 1:
            change = details[0]
            text = _("Changed {field} of {name}: {old} → {new}").format(
                field=change.label, name=record, old=change.old, new=change.new
            )
        else:
            text = _("Changed {fields} of {name}").format(
                fields=", ".join(change.label for change in details), name=record
            )
    if entry.undo_of:
        text = _("Undo: {what}").format(what=text)
    return text


def _note_adds(entry: t.AuditLog, details: list[FieldChangeOut]) -> bool:
    """Whether the note stored with an entry says more than its words (not "undo", nor a bulk update's own
    "field = value")."""
    note = entry.summary
    if not note or note == "undo":
        return False
    return not (entry.action == "bulk" and details and details[0].label in note and details[0].new in note)


async def _in_words(session: AsyncSession, entries: Sequence[t.AuditLog]) -> list[AuditEntryOut]:
    """The entries in words. Names of users, records and list items are looked up in a few batched queries
    (one per kind of record referred to), never one per entry."""
    out: list[AuditEntryOut] = []
    for start in range(0, len(entries), PAGE):
        page = entries[start : start + PAGE]
        wanted: dict[str, set[int]] = {"associate": {e.actor_id for e in page if e.actor_id is not None}}
        for entry in page:
            model = _model_or_none(entry.entity)
            if entry.entity_id is not None and entry.action != "delete":
                wanted.setdefault(entry.entity, set()).add(entry.entity_id)
            if model is None or not isinstance(entry.changes, dict):
                continue
            if entry.action == "bulk":
                field = str(entry.changes.get("field", ""))
                pairs: list[Any] = [entry.changes.get("new"), *(old for old, _ids in entry.changes.get("old", []))]
                fields = [(field, value) for value in pairs]
            else:
                fields = [
                    (field, value)
                    for field, pair in entry.changes.items()
                    if isinstance(pair, list | tuple)
                    for value in pair
                ]
            for field, value in fields:
                target = _target(model, field)
                if target is not None and value is not None:
                    try:
                        wanted.setdefault(target, set()).add(int(value))
                    except (TypeError, ValueError):
                        pass
        names = await _names(session, wanted)
        logins = await _users(session, set(wanted["associate"]))
        for entry in page:
            model = _model_or_none(entry.entity)
            details = _details(entry, model, names)
            record = ""  # a new or deleted record by its name then, any other by its name now
            if entry.entity_id is not None and entry.action != "create":
                record = names.get((entry.entity, entry.entity_id), "")
            if not record and isinstance(entry.changes, dict) and entry.action in ("create", "delete"):
                side = 1 if entry.action == "create" else 0
                record = _name_from(
                    entry.entity,
                    {k: v[side] for k, v in entry.changes.items() if isinstance(v, list | tuple) and len(v) == 2},
                )
            plain = _out(entry, logins)
            plain.user_name = names.get(("associate", entry.actor_id or -1), "") or plain.user
            plain.record = record
            plain.note = entry.summary
            plain.details = details
            plain.summary = _summary(entry, record, details)
            if _note_adds(entry, details):  # "deleted with the company 'Acme'", "distribute new leads (web)"
                plain.summary += f" ({entry.summary})"
            out.append(plain)
    return out


async def for_record(db: Database, entity: str, entity_id: int, *, limit: int = 200) -> list[AuditEntryOut]:
    """The audit of one record in words, newest first, bulk changes that touched it included."""
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
        return await _in_words(session, entries)


async def in_range(
    db: Database,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    entity: str | None = None,
    limit: int | None = None,
) -> list[AuditEntryOut]:
    """The audit in words between two moments, newest first."""
    query = select(t.AuditLog).order_by(t.AuditLog.id.desc())
    if since is not None:
        query = query.where(t.AuditLog.at >= since)
    if until is not None:
        query = query.where(t.AuditLog.at < until)
    if entity is not None:
        query = query.where(t.AuditLog.entity == entity)
    if limit is not None:
        query = query.limit(limit)
    async with db.read() as session:
        entries = (await session.scalars(query)).all()
        return await _in_words(session, entries)


# --------------------------------------------------------------------------- undo


class UndoOut(BaseModel):
    changeset: str
    records: int
    description: str


def _describe(entries: Sequence[t.AuditLog]) -> str:
    first = entries[0]
    if first.action == "bulk":
        from leadtui.services.validation import field_label

        n = len(_bulk_ids(first))
        return ngettext("bulk change of {field} on {n} record", "bulk change of {field} on {n} records", n).format(
            field=field_label(first.changes.get("field", "")), n=n
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
    all_created = all(e.action == "create" and e.entity == first.entity and e.entity_id is not None for e in entries)
    created = sorted(cast(set[int], {e.entity_id for e in entries})) if all_created else []
    if len(created) > 1:
        # several records created by one action (e.g. a follow-up for each member of a selection)
        ids = ", ".join(str(i) for i in created[:5]) + (", …" if len(created) > 5 else "")
        return _("creation of {n} records ({entity} {ids})").format(
            n=len(created), entity=entity_name(first.entity), ids=ids
        )
    verbs = {"create": _("creation"), "update": _("change"), "delete": _("deletion")}
    return _("{what} of {entity} {id}").format(
        what=verbs.get(first.action, first.action), entity=entity_name(first.entity), id=first.entity_id
    )


async def describe_changeset(session: AsyncSession, entries: Sequence[t.AuditLog]) -> str:
    """What undo reverts, in words: the change's summary line when it is one change ("Changed Lead status of
    Anna Berg: Open → Qualified", a bulk update), else how many records of which kind."""
    if len(entries) == 1:
        return (await _in_words(session, entries[:1]))[0].summary
    return _describe(entries)


async def last_undoable(db: Database, actor: Actor) -> UndoOut | None:
    """The change undo would revert, or None."""
    async with db.read() as session:
        last = await _last_changeset(session, actor)
        if last is None:
            return None
        entries = await _changeset(session, last)
        description = await describe_changeset(session, entries)
    return UndoOut(changeset=last, records=len(entries), description=description)


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
