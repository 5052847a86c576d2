"""SSH public keys of users, and the sign-in trail of served sessions (`leadtui serve ssh`).

In served mode the key is the identity: a key belongs to one user (its SHA256 fingerprint is unique), a user may
hold several. A user manages their own keys; only administrators manage other users' keys.

Sign-in, sign-out and refused sign-ins go into the audit trail as entries of the entity "session"
(action sign-in / sign-out / refused; entity_id the user's id when known), so `leadtui audit --entity session`
and the audit view show them. They are not changes of data: undo never reverts them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import audit
from leadtui.services.actor import Actor
from leadtui.services.database import actor_from_row
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation
from leadtui.services.validation import FIELD_LABELS

FIELD_LABELS.update({"key": N_("Key"), "fingerprint": N_("Fingerprint")})

SESSION_ENTITY = "session"
SIGN_IN, SIGN_OUT, REFUSED = "sign-in", "sign-out", "refused"
KEY_LINE_MAX = 16_000  # an OpenSSH line of a 16384-bit RSA key is about 2,800 characters


class KeyOut(BaseModel):
    id: int
    login: str
    fingerprint: str
    algorithm: str
    comment: str
    added_at: datetime
    added_by: str | None


@dataclass(frozen=True)
class ParsedKey:
    algorithm: str
    public_key: str  # "ssh-ed25519 AAAA..." without the comment
    comment: str
    fingerprint: str  # "SHA256:..."


@dataclass(frozen=True)
class KeyOwner:
    """Who a key signs in: the user as an Actor, the key's id (watched while the session runs) and active flag."""

    key_id: int
    fingerprint: str
    actor: Actor
    active: bool


def parse_public_key(line: str) -> ParsedKey:
    """One OpenSSH public key line (as in ~/.ssh/id_ed25519.pub or authorized_keys) -> its parts and fingerprint."""
    import warnings

    text = (line or "").strip()
    if not text:
        raise RuleViolation(
            _("Key: give one OpenSSH public key line (the contents of e.g. ~/.ssh/id_ed25519.pub)."), field="key"
        )
    if "PRIVATE KEY" in text:
        raise RuleViolation(_("Key: this is a private key; give the public key (the .pub file) instead."), field="key")
    if len(text) > KEY_LINE_MAX or len(text.splitlines()) > 1:
        raise RuleViolation(_("Key: give exactly one public key line."), field="key")
    with warnings.catch_warnings():  # asyncssh's DSA support warns on import
        warnings.simplefilter("ignore")
        import asyncssh

    try:
        key = asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError, TypeError):
        raise RuleViolation(
            _("Key: not an OpenSSH public key line (expected e.g. 'ssh-ed25519 AAAA... comment')."), field="key"
        ) from None
    comment = key.get_comment() or ""
    key.set_comment(None)
    public = key.export_public_key("openssh").decode("ascii").strip()
    return ParsedKey(
        algorithm=key.get_algorithm(),
        public_key=public,
        comment=comment[: t.TEXT_MAX],
        fingerprint=key.get_fingerprint("sha256"),
    )


def normalise_fingerprint(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(
            _("Fingerprint: give the key's SHA256 fingerprint (see: leadtui users key list LOGIN)."),
            field="fingerprint",
        )
    if value.upper().startswith("SHA256:"):
        value = value[len("SHA256:") :]
    return "SHA256:" + value.rstrip("=")


async def _user_row(session: AsyncSession, login: str) -> t.Associate:
    row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == func.lower(login)))
    if row is None:
        raise NotFound(_("No user with login '{login}'.").format(login=login))
    return row


def _require_own_or_admin(actor: Actor, row: t.Associate) -> None:
    if row.id != actor.id and not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may manage other users' keys (missing right: General administrator)."),
            right="General administrator",
        )


def _out(row: t.UserKey, login: str, added_by: str | None) -> KeyOut:
    return KeyOut(
        id=row.id,
        login=login,
        fingerprint=row.fingerprint,
        algorithm=row.public_key.split(" ", 1)[0],
        comment=row.comment,
        added_at=row.added_at,
        added_by=added_by,
    )


def _audit_row(session: AsyncSession, action: str, row: t.UserKey) -> dict[str, Any]:
    values = {
        "id": row.id,
        "associate_id": row.associate_id,
        "fingerprint": row.fingerprint,
        "public_key": row.public_key,
        "comment": row.comment,
        "added_at": audit.jsonable(row.added_at),
        "added_by_id": row.added_by_id,
    }
    changes = {key: ([None, value] if action == "create" else [value, None]) for key, value in values.items()}
    actor = session.info.get("actor")
    return dict(
        at=t.utcnow(),
        actor_id=getattr(actor, "id", None),
        changeset=session.info["changeset"],
        action=action,
        entity="user_key",
        entity_id=row.id,
        changes=changes,
        summary="",
        undone=False,
        undo_of="",
    )


async def add_key(db: Database, actor: Actor, login: str, line: str) -> KeyOut:
    """Give `login` a public key to sign in with. The key must not belong to anyone yet."""
    parsed = parse_public_key(line)
    async with db.write(actor) as session:
        user = await _user_row(session, login)
        _require_own_or_admin(actor, user)
        holder = await session.scalar(
            select(t.Associate.login)
            .join(t.UserKey, t.UserKey.associate_id == t.Associate.id)
            .where(t.UserKey.fingerprint == parsed.fingerprint)
        )
        if holder is not None:
            if holder.lower() == user.login.lower():
                raise RuleViolation(
                    _("Key: '{login}' already has this key ({fingerprint}).").format(
                        login=user.login, fingerprint=parsed.fingerprint
                    ),
                    field="key",
                )
            who = holder if actor.is_admin else _("another user")
            raise RuleViolation(
                _("Key: this key already belongs to {who}; a key belongs to one user.").format(who=who), field="key"
            )
        row = t.UserKey(
            associate_id=user.id,
            fingerprint=parsed.fingerprint,
            public_key=parsed.public_key,
            comment=parsed.comment,
            added_at=t.utcnow(),
            added_by_id=actor.id,
        )
        session.add(row)
        await session.flush()
        await session.execute(insert(t.AuditLog), [_audit_row(session, "create", row)])
        out = _out(row, user.login, actor.login)
    return out


async def list_keys(db: Database, actor: Actor, login: str) -> list[KeyOut]:
    """The keys of `login`, oldest first (a user sees their own; administrators anyone's)."""
    async with db.read() as session:
        user = await _user_row(session, login)
        _require_own_or_admin(actor, user)
        adder = t.Associate.__table__.alias("adder")
        rows = (
            await session.execute(
                select(t.UserKey, adder.c.login)
                .outerjoin(adder, adder.c.id == t.UserKey.added_by_id)
                .where(t.UserKey.associate_id == user.id)
                .order_by(t.UserKey.id)
                .limit(1000)
            )
        ).all()
    return [_out(row, user.login, added_by) for row, added_by in rows]


async def remove_key(db: Database, actor: Actor, login: str, fingerprint: str) -> KeyOut:
    """Take a key from `login`; a served session signed in with it ends within seconds."""
    wanted = normalise_fingerprint(fingerprint)
    async with db.write(actor) as session:
        user = await _user_row(session, login)
        _require_own_or_admin(actor, user)
        row = await session.scalar(
            select(t.UserKey).where(t.UserKey.associate_id == user.id, t.UserKey.fingerprint == wanted)
        )
        if row is None:
            raise NotFound(
                _("Fingerprint: '{login}' has no key {fingerprint} (see: leadtui users key list {login}).").format(
                    login=user.login, fingerprint=wanted
                )
            )
        out = _out(row, user.login, None)
        await session.execute(insert(t.AuditLog), [_audit_row(session, "delete", row)])
        await session.delete(row)
    return out


# --------------------------------------------------------------------------- served sessions


async def owner_of_key(db: Database, fingerprint: str) -> KeyOwner | None:
    """The user a key signs in, or None when no user holds it."""
    async with db.read() as session:
        found = (
            await session.execute(
                select(t.UserKey.id, t.Associate)
                .join(t.Associate, t.Associate.id == t.UserKey.associate_id)
                .where(t.UserKey.fingerprint == fingerprint)
            )
        ).first()
    if found is None:
        return None
    key_id, row = found
    return KeyOwner(key_id=key_id, fingerprint=fingerprint, actor=actor_from_row(row), active=row.active)


async def valid_keys(db: Database, key_ids: set[int]) -> set[int]:
    """Of these keys, the ones that still exist and whose user is still active (one query for all sessions)."""
    if not key_ids:
        return set()
    async with db.read() as session:
        rows = await session.scalars(
            select(t.UserKey.id)
            .join(t.Associate, t.Associate.id == t.UserKey.associate_id)
            .where(t.UserKey.id.in_(sorted(key_ids)), t.Associate.active.is_(True))
        )
        return set(rows.all())


async def actor_by_id(db: Database, user_id: int) -> Actor:
    """The served session's user, by id (served mode never takes a login from the client or the environment)."""
    async with db.read() as session:
        row = await session.get(t.Associate, user_id)
    if row is None or not row.active:
        raise PermissionDenied(_("Your user is unknown or inactive: ask an administrator."), right="user")
    return actor_from_row(row)


async def record_session(
    db: Database,
    action: str,
    *,
    login: str | None,
    user_id: int | None,
    fingerprint: str,
    address: str,
    reason: str = "",
) -> None:
    """One line of the sign-in trail: who (login, key), from where, and why a sign-in was refused or ended."""
    changes = {"login": login, "fingerprint": fingerprint, "address": address}
    if reason:
        changes["reason"] = reason
    async with db.write() as session:
        await session.execute(
            insert(t.AuditLog).values(
                at=t.utcnow(),
                actor_id=user_id,
                changeset=uuid.uuid4().hex,
                action=action,
                entity=SESSION_ENTITY,
                entity_id=user_id,
                changes=changes,
                summary=reason[: t.TEXT_MAX],
                undone=False,
                undo_of="",
            )
        )


async def any_key(db: Database) -> bool:
    """Whether any user has a key (the server says how to add one when nobody could sign in)."""
    async with db.read() as session:
        return await session.scalar(select(t.UserKey.id).limit(1)) is not None


async def session_trail(db: Database, actor: Actor, *, limit: int = 500) -> list[audit.AuditEntryOut]:
    """Every served sign-in, sign-out and refusal (also of keys nobody holds), newest first: administrators."""
    from leadtui.services.users import require_user_administrator

    require_user_administrator(actor)
    async with db.read() as session:
        entries = (
            await session.scalars(
                select(t.AuditLog)
                .where(t.AuditLog.entity == SESSION_ENTITY)
                .order_by(t.AuditLog.id.desc())
                .limit(limit)
            )
        ).all()
        names = await audit._users(session, {entry.actor_id for entry in entries})
    return [audit._out(entry, names) for entry in entries]
