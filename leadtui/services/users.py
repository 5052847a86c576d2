"""Users (associates): add and list. Only administrators add users."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import func, select

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.model.enums import Role
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation
from leadtui.services.validation import FIELD_LABELS, parse

FIELD_LABELS.update({"login": "Login name", "full_name": "Full name", "role": "Role"})

Login = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=t.NAME_MAX,
                                         pattern=r"^[^\s]+$")]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    login: Login
    full_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=t.TEXT_MAX)] = ""
    role: Role = Role.SALES_REP
    delete_others_sales: bool | None = None


class UserOut(BaseModel):
    id: int
    login: str
    full_name: str
    role: Role
    active: bool
    delete_others_sales: bool
    version: int


def _out(row: t.Associate) -> UserOut:
    return UserOut(id=row.id, login=row.login, full_name=row.full_name, role=Role(row.role), active=row.active,
                   delete_others_sales=row.delete_others_sales, version=row.version)


def require_user_administrator(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may manage users (missing right: General administrator)."),
                               right="General administrator")


async def add_user(db: Database, actor: Actor, data: dict[str, Any]) -> UserOut:
    require_user_administrator(actor)
    values = parse(UserIn, data)
    async with db.write(actor) as session:
        clash = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == func.lower(values.login)))
        if clash is not None:
            raise RuleViolation(_("Login name: '{login}' is already a user.").format(login=clash.login), field="login")
        delete_others = values.delete_others_sales
        if delete_others is None:
            delete_others = values.role in (Role.ADMINISTRATOR, Role.SALES_MANAGER)
        row = t.Associate(login=values.login, full_name=values.full_name or values.login, role=values.role.value,
                          delete_others_sales=delete_others)
        session.add(row)
        await session.flush()
        out = _out(row)
    return out


async def list_users(db: Database, *, include_inactive: bool = True) -> list[UserOut]:
    query = select(t.Associate).order_by(t.Associate.login)
    if not include_inactive:
        query = query.where(t.Associate.active.is_(True))
    async with db.read() as session:
        return [_out(row) for row in (await session.scalars(query)).all()]
