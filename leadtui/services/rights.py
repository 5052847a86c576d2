"""Who may do what (SPEC.md 1.13, 2.7; DESIGN.md decision 9). Checked in the service layer on every path.

Roles: administrators may do everything; sales managers edit and delete records owned by members of their
primary group (and their own); sales reps edit their own records and read the rest. Records without an owner
("our contact" empty) may be edited by everyone. Deleting someone else's sale needs `delete_others_sales`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import tables as t
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


async def ensure_can_edit(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    """Refuse to change a record (company, contact, sale ...) the actor may only read. `what` names it."""
    if may_edit(actor, owner_id, await owner_group_id(session, owner_id)):
        return
    raise PermissionDenied(
        _("You may not change {what}: it belongs to another user (missing right: update others' records).").format(
            what=what), right="update others' records")


async def ensure_can_delete(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    if may_edit(actor, owner_id, await owner_group_id(session, owner_id)):
        return
    raise PermissionDenied(
        _("You may not delete {what}: it belongs to another user (missing right: delete others' records).").format(
            what=what), right="delete others' records")


async def ensure_can_delete_sale(session: AsyncSession, actor: Actor, owner_id: int | None, what: str) -> None:
    """Decision 9: the owner may delete their sale; anyone else needs the delete_others_sales right."""
    if owner_id == actor.id or actor.is_admin or actor.delete_others_sales:
        return
    if actor.role == Role.SALES_MANAGER and await owner_group_id(session, owner_id) == actor.primary_group_id \
            and actor.primary_group_id is not None:
        return
    raise PermissionDenied(
        _("You cannot delete sales that do not belong to you unless you have the necessary permissions "
          "(missing right: delete others' sales)."), right="delete_others_sales")


def ensure_bulk_update(actor: Actor) -> None:
    if not actor.allow_bulk_update:
        raise PermissionDenied(_("You may not bulk update (missing right: Allow bulk update)."),
                               right="Allow bulk update")
