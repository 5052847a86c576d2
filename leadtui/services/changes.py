"""Live changes: which records other sessions changed, as one async stream for the TUI (no Textual here).

The write path says what a transaction changed: the audit hook (services/audit.py, `after_flush`) and
`audit.record_bulk` call `note()`, which collects per record kind the ids and fields into `session.info`.

- PostgreSQL: `before_commit` sends one `NOTIFY leadtui_changes` with that summary from the write transaction
  itself, so only committed changes are announced (a rollback drops the notification). Each subscriber holds one
  LISTEN connection (asyncpg `add_listener`).
- SQLite: the audit log is the change log (writers are serialised, so its ids grow in commit order). A subscriber
  looks at `PRAGMA data_version` on a connection of its own at most every `SQLITE_INTERVAL` seconds (a few
  microseconds, no query when nothing changed) and, when it moved, reads the audit rows after the last one seen.

`subscribe(db)` yields `ChangeBatch`es: one per look (SQLite) or per burst of notifications (PostgreSQL), merged per
kind, without the changes this `Database` object made itself (the session that saved refreshes on its own). A
burst (an import, a bulk update of 10,000 rows) arrives as one batch; more than `MANY` ids of a kind say "many"
(`ids is None`): reload all of that kind.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncGenerator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from leadtui.model import tables as t
from leadtui.model.base import utcnow
from leadtui.model.engine import Database, is_sqlite, sqlite_path

CHANNEL = "leadtui_changes"
SQLITE_INTERVAL = 0.5  # seconds between two looks at PRAGMA data_version
MANY = 2000  # more ids of one kind than this: "many" (reload everything of that kind)
READ_LIMIT = 5000  # audit rows read per look; beyond it the rest is summed up per kind
LOCAL_KEEP = 4096  # changesets remembered as made by this Database (not announced back to it)
# audit entities that are no records a screen shows (sign-ins)
IGNORED = {"session"}


@dataclass(frozen=True)
class ChangeEvent:
    """What changed in one record kind: the ids (None: many, reload all), the fields, who and when."""

    kind: str
    ids: frozenset[int] | None
    fields: frozenset[str]
    user: str
    at: datetime


@dataclass
class ChangeBatch:
    events: list[ChangeEvent] = field(default_factory=list)

    def kinds(self) -> set[str]:
        return {e.kind for e in self.events}

    def ids(self, kind: str) -> set[int] | None:
        """The changed ids of a kind (None: many or unknown, reload all); an empty set when the kind is unchanged."""
        found: set[int] = set()
        for e in self.events:
            if e.kind == kind:
                if e.ids is None:
                    return None
                found |= e.ids
        return found

    def __bool__(self) -> bool:
        return bool(self.events)


def merge(events: Iterable[ChangeEvent]) -> list[ChangeEvent]:
    """One event per kind: ids and fields united, the last user and time kept."""
    by_kind: dict[str, ChangeEvent] = {}
    for e in events:
        old = by_kind.get(e.kind)
        if old is None:
            by_kind[e.kind] = e
            continue
        ids = None if old.ids is None or e.ids is None else old.ids | e.ids
        if ids is not None and len(ids) > MANY:
            ids = None
        later = e if e.at >= old.at else old
        by_kind[e.kind] = ChangeEvent(e.kind, ids, old.fields | e.fields, later.user, later.at)
    return list(by_kind.values())


# --------------------------------------------------------------------------- the write path


def _local(info: dict[str, Any]) -> dict[str, None] | None:
    database = info.get("database")
    return getattr(database, "local_changesets", None)


def note(session: Session, kind: str, ids: Iterable[int | None] | None, fields: Iterable[str]) -> None:
    """Called by the write path (audit hook, record_bulk): `kind` records `ids` (None: many) changed `fields`."""
    changeset = session.info.get("changeset")
    if not changeset or kind in IGNORED:
        return
    live: dict[str, Any] = session.info.setdefault("live", {})
    entry = live.setdefault(kind, {"ids": set(), "fields": set()})
    if ids is None or entry["ids"] is None:
        entry["ids"] = None
    else:
        entry["ids"].update(i for i in ids if i is not None)
        if len(entry["ids"]) > MANY:
            entry["ids"] = None
    entry["fields"].update(fields)
    local = _local(session.info)
    if local is not None and changeset not in local:  # before the commit: the stream must never see it as foreign
        local[changeset] = None
        while len(local) > LOCAL_KEEP:
            del local[next(iter(local))]


def _payload(session: Session) -> str:
    actor = session.info.get("actor")
    live = session.info.get("live") or {}
    kinds = {
        kind: {"i": None if e["ids"] is None else sorted(e["ids"]), "f": sorted(e["fields"])}
        for kind, e in live.items()
    }
    body = {"c": session.info.get("changeset", ""), "u": getattr(actor, "login", ""), "k": kinds}
    text_ = json.dumps(body, separators=(",", ":"))
    if len(text_) > 7000:  # NOTIFY payloads stop at 8000 bytes: say "many" instead of the ids
        body["k"] = {kind: {"i": None, "f": e["f"]} for kind, e in kinds.items()}
        text_ = json.dumps(body, separators=(",", ":"))
    return text_


@event.listens_for(Session, "before_commit")
def _notify(session: Session) -> None:
    if not session.info.get("live") or session.info.get("live_sent"):
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.connection().execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": _payload(session)}
        )
    session.info["live_sent"] = True


# --------------------------------------------------------------------------- the stream

Ready = Callable[[], None] | None


class _Users:
    def __init__(self) -> None:
        self.names: dict[int, str] = {}

    async def name(self, db: Database, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self.names:
            async with db.read() as session:
                row = (
                    await session.execute(
                        select(t.Associate.login, t.Associate.full_name).where(t.Associate.id == user_id)
                    )
                ).first()
            self.names[user_id] = (row.full_name or row.login) if row is not None else ""
        return self.names[user_id]


def _is_local(db: Database, changeset: str) -> bool:
    return changeset in getattr(db, "local_changesets", {})


async def _read_audit(db: Database, after: int, users: _Users) -> tuple[int, list[ChangeEvent]]:
    """The changes in the audit log after id `after`: (last id read, events merged per kind)."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(
                    t.AuditLog.id,
                    t.AuditLog.at,
                    t.AuditLog.actor_id,
                    t.AuditLog.changeset,
                    t.AuditLog.action,
                    t.AuditLog.entity,
                    t.AuditLog.entity_id,
                    t.AuditLog.changes,
                )
                .where(t.AuditLog.id > after)
                .order_by(t.AuditLog.id)
                .limit(READ_LIMIT)
            )
        ).all()
        rest: list[Any] = []
        if len(rows) == READ_LIMIT:  # a flood (an import): the rest summed up per kind, "many" ids
            rest = list(
                (
                    await session.execute(
                        select(
                            t.AuditLog.entity,
                            func.max(t.AuditLog.id).label("last"),
                            func.max(t.AuditLog.at).label("at"),
                            func.max(t.AuditLog.actor_id).label("actor_id"),
                        )
                        .where(t.AuditLog.id > rows[-1].id)
                        .group_by(t.AuditLog.entity)
                    )
                ).all()
            )
    last = after
    events: list[ChangeEvent] = []
    for row in rows:
        last = row.id
        if row.entity in IGNORED or _is_local(db, row.changeset):
            continue
        changes = row.changes or {}
        if row.action == "bulk":
            ids: frozenset[int] | None = frozenset(i for _old, group in changes.get("old", []) for i in group)
            fields = frozenset([str(changes.get("field", ""))])
        else:
            ids = frozenset([row.entity_id]) if row.entity_id is not None else None
            fields = frozenset(changes)
        events.append(ChangeEvent(row.entity, ids, fields, await users.name(db, row.actor_id), row.at))
    for row in rest:
        last = max(last, row.last)
        if row.entity not in IGNORED:
            events.append(ChangeEvent(row.entity, None, frozenset(), await users.name(db, row.actor_id), row.at))
    return last, merge(events)


async def _last_audit_id(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.max(t.AuditLog.id))) or 0)


async def _sqlite_stream(db: Database, interval: float, ready: Ready) -> AsyncGenerator[ChangeBatch, None]:
    path = sqlite_path(db.url)
    if path is None:  # an in-memory database has no other sessions
        while True:
            await asyncio.sleep(3600)
    last = await _last_audit_id(db)
    watcher = sqlite3.connect(str(path), timeout=1.0, check_same_thread=False)  # only reads the pragma
    users = _Users()
    try:
        version = watcher.execute("PRAGMA data_version").fetchone()[0]
        if ready is not None:
            ready()
        while True:
            await asyncio.sleep(interval)
            now = watcher.execute("PRAGMA data_version").fetchone()[0]  # microseconds; no lock taken
            if now == version:
                continue
            version = now
            last, events = await _read_audit(db, last, users)
            if events:
                yield ChangeBatch(events)
    finally:
        watcher.close()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _from_payload(payload: str) -> list[ChangeEvent]:
    try:
        body = json.loads(payload)
    except ValueError:
        return []
    at = utcnow()
    user = str(body.get("u", ""))
    return [
        ChangeEvent(
            kind,
            None if e.get("i") is None else frozenset(int(i) for i in e["i"]),
            frozenset(e.get("f") or ()),
            user,
            at,
        )
        for kind, e in (body.get("k") or {}).items()
    ]


async def _postgres_stream(db: Database, ready: Ready) -> AsyncGenerator[ChangeBatch, None]:
    import asyncpg  # type: ignore[import-untyped]

    queue: asyncio.Queue[str] = asyncio.Queue()
    names: dict[str, str] = {}

    def heard(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
        queue.put_nowait(payload)

    connection = await asyncpg.connect(_asyncpg_dsn(db.url))
    try:
        await connection.add_listener(CHANNEL, heard)
        if ready is not None:
            ready()
        while True:
            payloads = [await queue.get()]
            while not queue.empty():  # a burst: everything heard so far in one batch
                payloads.append(queue.get_nowait())
            events: list[ChangeEvent] = []
            for payload in payloads:
                body_changeset = _changeset_of(payload)
                if body_changeset and _is_local(db, body_changeset):
                    continue
                events.extend(_from_payload(payload))
            events = [await _named(db, e, names) for e in events]
            if events:
                yield ChangeBatch(merge(events))
    finally:
        try:
            await connection.close(timeout=2)
        except Exception:  # noqa: BLE001 - the connection may be gone already
            connection.terminate()


def _changeset_of(payload: str) -> str:
    try:
        return str(json.loads(payload).get("c", ""))
    except ValueError:
        return ""


async def _named(db: Database, e: ChangeEvent, names: dict[str, str]) -> ChangeEvent:
    """The user's full name for the login the notification carries."""
    if not e.user:
        return e
    if e.user not in names:
        async with db.read() as session:
            row = (
                await session.execute(
                    select(t.Associate.login, t.Associate.full_name).where(t.Associate.login == e.user)
                )
            ).first()
        names[e.user] = (row.full_name or row.login) if row is not None else e.user
    return ChangeEvent(e.kind, e.ids, e.fields, names[e.user], e.at)


def subscribe(
    db: Database, *, interval: float = SQLITE_INTERVAL, ready: Ready = None
) -> AsyncGenerator[ChangeBatch, None]:
    """What other sessions commit on this database, batch by batch, for as long as the iterator is used.
    `ready()` is called once the stream listens: every change committed after that is seen."""
    if is_sqlite(db.url):
        return _sqlite_stream(db, interval, ready)
    return _postgres_stream(db, ready)
