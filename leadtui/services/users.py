"""Users (associates): add and list. Only administrators add users."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import Role
from leadtui.services.actor import Actor
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation
from leadtui.services.validation import FIELD_LABELS, parse

FIELD_LABELS.update({"login": N_("Login name"), "full_name": N_("Full name"), "role": N_("Role")})

Login = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.NAME_MAX, pattern=r"^[^\s]+$")
]


FullName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.TEXT_MAX)]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    login: Login
    full_name: FullName = ""
    role: Role = Role.SALES_REP
    group: str | None = None
    delete_others_sales: bool | None = None


class UserChange(BaseModel):
    """What `set_user` may change; None leaves a field as it is."""

    model_config = ConfigDict(extra="forbid")
    full_name: FullName | None = None
    role: Role | None = None
    active: bool | None = None
    group: str | None = None
    delete_others_sales: bool | None = None
    allow_bulk_update: bool | None = None


class UserOut(BaseModel):
    id: int
    login: str
    full_name: str
    role: Role
    group: str | None
    active: bool
    delete_others_sales: bool
    allow_bulk_update: bool
    version: int


def _out(row: t.Associate, group: str | None = None) -> UserOut:
    return UserOut(
        id=row.id,
        login=row.login,
        full_name=row.full_name,
        role=Role(row.role),
        group=group,
        active=row.active,
        delete_others_sales=row.delete_others_sales,
        allow_bulk_update=row.allow_bulk_update,
        version=row.version,
    )


async def _group_id(session: AsyncSession, name: str | None) -> int | None:
    """A user group by name ('' or None clears it); unknown names are refused naming the field."""
    if not name:
        return None
    row = await session.scalar(
        select(t.UserGroup).where(t.UserGroup.name_key == t.name_key(name), t.UserGroup.deleted.is_(False))
    )
    if row is None:
        raise RuleViolation(
            _("Group: no user group named '{name}' (add it with: leadtui lists add user-group NAME).").format(
                name=name
            ),
            field="group",
        )
    return row.id


async def _group_name(session: AsyncSession, group_id: int | None) -> str | None:
    if group_id is None:
        return None
    return await session.scalar(select(t.UserGroup.name).where(t.UserGroup.id == group_id))


def require_user_administrator(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may manage users (missing right: General administrator)."),
            right="General administrator",
        )


async def add_user(db: Database, actor: Actor, data: dict[str, Any]) -> UserOut:
    require_user_administrator(actor)
    values = parse(UserIn, data)
    async with db.write(actor) as session:
        clash = await session.scalar(
            select(t.Associate).where(func.lower(t.Associate.login) == func.lower(values.login))
        )
        if clash is not None:
            raise RuleViolation(_("Login name: '{login}' is already a user.").format(login=clash.login), field="login")
        delete_others = values.delete_others_sales
        if delete_others is None:
            delete_others = values.role in (Role.ADMINISTRATOR, Role.SALES_MANAGER)
        row = t.Associate(
            login=values.login,
            full_name=values.full_name or values.login,
            role=values.role.value,
            delete_others_sales=delete_others,
            primary_group_id=await _group_id(session, values.group),
        )
        session.add(row)
        await session.flush()
        out = _out(row, await _group_name(session, row.primary_group_id))
    return out


async def set_user(db: Database, actor: Actor, login: str, data: dict[str, Any]) -> UserOut:
    """Change a user's name, role, group, rights or active flag (administrators only).

    The last active administrator can be neither demoted nor deactivated: nobody could manage users then.
    """
    require_user_administrator(actor)
    values = parse(UserChange, data)
    async with db.write(actor) as session:
        row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == func.lower(login)))
        if row is None:
            raise NotFound(_("No user with login '{login}'.").format(login=login))
        losing_admin = (
            row.role == Role.ADMINISTRATOR.value
            and row.active
            and ((values.role is not None and values.role != Role.ADMINISTRATOR) or values.active is False)
        )
        if losing_admin:
            admins = await session.scalar(
                select(func.count())
                .select_from(t.Associate)
                .where(t.Associate.role == Role.ADMINISTRATOR.value, t.Associate.active.is_(True))
            )
            if (admins or 0) <= 1:  # a count: never None
                raise RuleViolation(
                    _(
                        "Role: '{login}' is the last active administrator; make another user an administrator first."
                    ).format(login=row.login),
                    field="role",
                )
        if values.full_name is not None:
            row.full_name = values.full_name or row.login
        if values.role is not None:
            row.role = values.role.value
        if values.active is not None:
            row.active = values.active
        if values.group is not None:
            row.primary_group_id = await _group_id(session, values.group)
        if values.delete_others_sales is not None:
            row.delete_others_sales = values.delete_others_sales
        if values.allow_bulk_update is not None:
            row.allow_bulk_update = values.allow_bulk_update
        await session.flush()
        out = _out(row, await _group_name(session, row.primary_group_id))
    return out


async def list_users(db: Database, *, include_inactive: bool = True) -> list[UserOut]:
    query = (
        select(t.Associate, t.UserGroup.name)
        .outerjoin(t.UserGroup, t.UserGroup.id == t.Associate.primary_group_id)
        .order_by(t.Associate.login)
    )
    if not include_inactive:
        query = query.where(t.Associate.active.is_(True))
    async with db.read() as session:
        return [_out(row, group) for row, group in (await session.execute(query)).all()]
