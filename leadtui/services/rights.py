"""Who may do what (SPEC.md 1.13, 2.7; DESIGN.md decision 9). Checked in the service layer on every path.

Roles: administrators may do everything; sales managers edit and delete records owned by members of their
primary group (and their own); sales reps edit their own records and read the rest. Records without an owner
("our contact" empty) may be edited by everyone. Deleting someone else's sale needs `delete_others_sales`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database, is_sqlite, sqlite_path
from leadtui.model.enums import Role
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied


async def owner_group_id(session: AsyncSession, owner_id: int | None) -> int | None:
    if owner_id is None:
        return None
    return await session.scalar(select(t.Associate.primary_group_id).where(t.Associate.id == owner_id))


def may_edit(actor: Actor, owner_id: int | None, owner_group: int | None) -> bool:
    if actor.is_admin or owner_id is None or owner_id == actor.id:
        return True
    return actor.role == Role.SALES_MANAGER and owner_group is not None and owner_group == actor.primary_group_id


async def owners_may_edit(session: AsyncSession, actor: Actor, owner_ids: set[int | None]) -> set[int | None]:
    """The owners among `owner_ids` whose records `actor` may change and delete (`may_edit`, as the edit and delete
    rules ask); an owner's group is read only for a sales manager."""
    allowed: set[int | None] = set()
    for owner_id in owner_ids:
        group = await owner_group_id(session, owner_id) if actor.role == Role.SALES_MANAGER else None
        if may_edit(actor, owner_id, group):
            allowed.add(owner_id)
    return allowed


async def ensure_can_edit(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    """Refuse to change a record (company, contact, sale ...) the actor may only read. `what` names it."""
    if may_edit(actor, owner_id, await owner_group_id(session, owner_id)):
        return
    raise PermissionDenied(
        _("You may not change {what}: it belongs to another user (missing right: update others' records).").format(
            what=what
        ),
        right="update others' records",
    )


async def ensure_can_delete(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    if may_edit(actor, owner_id, await owner_group_id(session, owner_id)):
        return
    raise PermissionDenied(
        _("You may not delete {what}: it belongs to another user (missing right: delete others' records).").format(
            what=what
        ),
        right="delete others' records",
    )


async def ensure_can_delete_sale(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    """Decision 9: the owner may delete their sale; anyone else needs the delete_others_sales right."""
    if owner_id == actor.id or actor.is_admin or actor.delete_others_sales:
        return
    if (
        actor.role == Role.SALES_MANAGER
        and await owner_group_id(session, owner_id) == actor.primary_group_id
        and actor.primary_group_id is not None
    ):
        return
    raise PermissionDenied(
        _(
            "You cannot delete sales that do not belong to you unless you have the necessary permissions "
            "(missing right: delete others' sales)."
        ),
        right="delete_others_sales",
    )


def ensure_bulk_update(actor: Actor) -> None:
    if not actor.allow_bulk_update:
        raise PermissionDenied(
            _("You may not bulk update (missing right: Allow bulk update)."), right="Allow bulk update"
        )


# --------------------------------------------------------------------------- replacing the whole database


@dataclass(frozen=True)
class ReplaceRight:
    """Why the current login may replace the database (`init --force`, `restore`).

    existing: there is a database whose data would be lost (it needs --force);
    unreadable: it cannot be read as a leadtui database, so its users could not be asked.
    """

    existing: bool
    unreadable: bool = False


@dataclass(frozen=True)
class _Users:
    tables: int  # tables in the database (any application's)
    leadtui: bool  # it has leadtui's users and database_info tables
    initialised: bool  # it has a database_info row or users
    user: tuple[str, bool] | None  # the login's role and active flag


_USERS_SQL = "SELECT role, active FROM associate WHERE lower(login) = lower(:login)"
_INITIALISED_SQL = "SELECT (SELECT count(*) FROM database_info) + (SELECT count(*) FROM associate)"


def _read_sqlite_users(path: Path, login: str) -> _Users | None:
    """The users of a SQLite file, read-only and without migrating it; None when it is not readable as one.
    Opened as leadtui opens it (a write-ahead log that holds everything while the main file is still empty is
    read too), with writes switched off."""
    try:
        connection = sqlite3.connect(path, timeout=15)
    except sqlite3.Error:
        return None
    try:
        connection.execute("PRAGMA query_only = ON")
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"associate", "database_info"} <= names:
            return _Users(tables=len(names), leadtui=False, initialised=False, user=None)
        initialised = connection.execute(_INITIALISED_SQL).fetchone()[0] > 0
        row = connection.execute(_USERS_SQL.replace(":login", "?"), (login,)).fetchone()
        return _Users(
            tables=len(names),
            leadtui=True,
            initialised=initialised,
            user=None if row is None else (str(row[0]), bool(row[1])),
        )
    except sqlite3.OperationalError as exc:
        if "no such" in str(exc):  # tables without the expected columns
            return None
        raise  # locked, busy, an I/O error: the users could not be asked *now*, which is no licence
    except sqlite3.DatabaseError:  # not a database, damaged
        return None
    finally:
        connection.close()


async def _read_server_users(url: str, login: str) -> _Users | None:
    """The users of a PostgreSQL database without migrating it; None when they cannot be read.
    A server that does not answer is not "unreadable": that error is raised as it is."""
    from leadtui.services.database import _unavailable  # services.database imports audit, which imports this

    try:
        db = Database(url)
    except Exception as exc:  # a bad URL, an unknown driver
        raise _unavailable(url, exc) from None
    try:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # a server that does not answer, a database that does not exist
            raise _unavailable(url, exc) from None
        try:
            async with db.engine.connect() as connection:
                tables = (
                    await connection.execute(
                        text("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
                    )
                ).scalar()
                present = (
                    await connection.execute(
                        text("SELECT to_regclass('associate') IS NOT NULL AND to_regclass('database_info') IS NOT NULL")
                    )
                ).scalar()
                if not present:
                    return _Users(tables=int(tables or 0), leadtui=False, initialised=False, user=None)
                initialised = ((await connection.execute(text(_INITIALISED_SQL))).scalar() or 0) > 0
                row = (await connection.execute(text(_USERS_SQL), {"login": login})).first()
        except DBAPIError as exc:
            # only "this is not leadtui's schema or not yours to read" (SQLSTATE class 42: undefined table or
            # column, insufficient privilege) makes it unreadable; a dropped connection or a timeout is no licence
            if str(getattr(exc.orig, "sqlstate", "") or getattr(exc.orig, "pgcode", "") or "").startswith("42"):
                return None
            raise _unavailable(url, exc) from None
        return _Users(
            tables=int(tables or 0),
            leadtui=True,
            initialised=initialised,
            user=None if row is None else (str(row[0]), bool(row[1])),
        )
    finally:
        await db.dispose()


def _may_write_file(path: Path) -> bool:
    """The OS user running leadtui may write the file and the folder it is in (a replacement writes both)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


async def ensure_may_replace_database(url: str, login: str) -> ReplaceRight:
    """Refuse `init --force` and `restore` unless the login may replace the database at `url`.

    - No database yet (no file, a file without tables, an empty schema, or one with tables but no users and no
      database_info row): nothing is lost; whoever runs the command becomes its first administrator (first run).
    - A leadtui database: only an active administrator known to it; an unknown or inactive login and every
      other role are refused (PermissionDenied, exit 3). --user names the login, as for every command.
    - A database whose users cannot be read as leadtui's (not a database, damaged, another program's tables):
      nobody can be asked, so only whoever can already write it may replace it: on SQLite the OS user who may
      write the file and its folder; on PostgreSQL the server's own privileges decide (dropping tables needs
      them). The command still needs --force.
    The database is only read here (writes switched off, no migration), never changed.
    """
    where = url
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None or not path.exists():
            return ReplaceRight(existing=False)
        where = str(path)
        try:
            users = await asyncio.to_thread(_read_sqlite_users, path, login) if path.is_file() else None
        except sqlite3.Error as exc:
            from leadtui.services.database import _unavailable

            raise _unavailable(url, exc) from None
    else:
        path = None
        users = await _read_server_users(url, login)
    if users is not None and not users.leadtui and users.tables == 0:
        return ReplaceRight(existing=False)
    if users is None or not users.leadtui:
        if path is not None and not _may_write_file(path):
            raise PermissionDenied(
                _(
                    "The database {where} cannot be read as a leadtui database, and you may not write the file: "
                    "only its owner can replace it."
                ).format(where=where),
                right="write the database file",
            )
        return ReplaceRight(existing=True, unreadable=True)
    if not users.initialised:
        return ReplaceRight(existing=False)
    if users.user is None:
        raise PermissionDenied(
            _("Unknown user '{login}': ask an administrator to add you (leadtui users add {login} ...).").format(
                login=login
            ),
            right="user",
        )
    role, active = users.user
    if not active:
        raise PermissionDenied(
            _("User '{login}' is inactive: ask an administrator to activate you.").format(login=login), right="user"
        )
    if role != Role.ADMINISTRATOR.value:
        raise PermissionDenied(
            _("Only administrators may replace the database (missing right: General administrator)."),
            right="General administrator",
        )
    return ReplaceRight(existing=True)


# --------------------------------------------------------------------------- undo: the rights the user has now


async def current_actor(session: AsyncSession, actor: Actor) -> Actor:
    """The actor as the database has them now: a TUI opened before a demotion still holds the old rights,
    and undo must not act on those. A user deactivated (or removed) since is refused."""
    row = await session.get(t.Associate, actor.id, populate_existing=True)
    if row is None or not row.active:
        raise PermissionDenied(
            _("User '{login}' is inactive: ask an administrator to activate you.").format(login=actor.login),
            right="user",
        )
    return Actor(
        id=row.id,
        login=row.login,
        full_name=row.full_name,
        role=Role(row.role),
        primary_group_id=row.primary_group_id,
        delete_others_sales=row.delete_others_sales,
        allow_bulk_update=row.allow_bulk_update,
        can_manage_entities=row.can_manage_entities,
    )


# changes only administrators may make (and so undo): users, other users' keys, the distribution of new leads
_ADMIN_ENTITIES = {"associate", "user_key", "distribution_setting"}
# parts of the Settings lists that are not list items themselves
_LIST_ENTITIES = {"guide_item", "sale_type_stage"}


def _require_admin_for_undo(actor: Actor, entity: str) -> None:
    if actor.is_admin:
        return
    if entity in ("associate", "user_key"):
        from leadtui.services.users import require_user_administrator

        require_user_administrator(actor)
    from leadtui.i18n.terms import entity_name

    raise PermissionDenied(
        _("Only administrators may undo a change of {entity} (missing right: General administrator).").format(
            entity=entity_name(entity)
        ),
        right="General administrator",
    )


def _stored_owner(entry: t.AuditLog, field: str) -> int | None:
    """The owner a record had when the change was recorded (for a deleted row, the one undo would bring back)."""
    old, new = entry.changes.get(field, [None, None])
    value = new if entry.action == "create" else old
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


async def _record_owner(session: AsyncSession, entry: t.AuditLog, model: type[Any]) -> int | None:
    """Who owns the record now (its Our contact; a linked contact's is its company's), as rights.may_edit
    needs it; for a record that is gone (undo of a delete brings it back), the owner it had."""
    row = await session.get(model, entry.entity_id) if entry.entity_id is not None else None
    if entry.entity == "contact":
        company_id = row.company_id if row is not None else _stored_owner(entry, "company_id")
        if company_id is not None:
            return await session.scalar(select(t.Company.our_contact_id).where(t.Company.id == company_id))
        return row.our_contact_id if row is not None else _stored_owner(entry, "our_contact_id")
    field = "our_contact_id" if entry.entity == "company" else "owner_id"
    return getattr(row, field) if row is not None else _stored_owner(entry, field)


async def _ensure_may_undo_bulk(session: AsyncSession, actor: Actor, entry: t.AuditLog) -> None:
    """A set-based change (bulk update, board move, import, distribution): every record must be editable now."""
    from sqlalchemy import and_, func, not_

    from leadtui.services import contact_rules as rules

    if actor.is_admin:
        return
    model: type[t.Contact] | type[t.Company]
    if entry.entity == "contact":
        model, editable = t.Contact, rules.contact_editable_sql(actor)
    elif entry.entity == "company":
        model, editable = t.Company, rules.owner_allowed_sql(actor, t.Company.our_contact_id)
    else:
        _require_admin_for_undo(actor, entry.entity)
        return
    ids = sorted({i for _old, group in entry.changes.get("old", []) for i in group})
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    refused = 0
    for start in range(0, len(ids), 5000):
        refused += (
            await session.scalar(
                select(func.count())
                .select_from(model)
                .where(and_(rules.id_in(model.id, ids[start : start + 5000], dialect), not_(editable)))
            )
            or 0
        )
    if refused:
        raise PermissionDenied(
            _(
                "You may not undo this change: {n} of its records belong to other users now (missing right: update "
                "others' records)."
            ).format(n=refused),
            right="update others' records",
        )


async def ensure_may_undo(session: AsyncSession, actor: Actor, entries: list[t.AuditLog]) -> Actor:
    """Undo is a change like any other: it needs the rights the user has now, not those they had when they made
    the change (a demoted administrator cannot undo the list or user changes they made while promoted; an edit
    of a record that has since gone to another user's care is that user's). Returns the current actor."""
    from leadtui.services.actor import require_list_administrator
    from leadtui.services.audit import _model_for

    now = await current_actor(session, actor)
    for entry in entries:
        try:
            model = _model_for(entry.entity)
        except KeyError:
            model = None
        if entry.entity == "user_key" and _stored_owner(entry, "associate_id") == now.id:
            continue  # a user manages their own sign-in keys (services/keys.py)
        if entry.entity in _ADMIN_ENTITIES:
            _require_admin_for_undo(now, entry.entity)
        elif entry.entity in _LIST_ENTITIES or (model is not None and issubclass(model, t.ListItem)):
            require_list_administrator(now)
        elif entry.action == "bulk":
            await _ensure_may_undo_bulk(session, now, entry)
        elif entry.entity == "selection":
            row = await session.get(t.Selection, entry.entity_id)
            owner = row.owner_id if row is not None else _stored_owner(entry, "owner_id")
            if not (now.is_admin or owner is None or owner == now.id):
                raise PermissionDenied(
                    _(
                        "You may not undo this change: the selection belongs to another user (only its owner or an "
                        "administrator may change it)."
                    ),
                    right="edit others' selections",
                )
        elif entry.entity in ("company", "contact", "sale", "activity") and model is not None:
            from leadtui.i18n.terms import entity_name

            what = f"{entity_name(entry.entity)} {entry.entity_id}"
            owner = await _record_owner(session, entry, model)
            if entry.action == "create" and entry.entity == "sale":  # undoing a creation deletes the sale
                await ensure_can_delete_sale(session, now, owner, what)
            elif entry.action == "create":
                await ensure_can_delete(session, now, owner, what)
            else:
                await ensure_can_edit(session, now, owner, what)
        elif not now.is_admin:  # anything else (a kind of record added later): administrators only
            _require_admin_for_undo(now, entry.entity)
    return now
