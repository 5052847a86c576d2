"""Every write uses the rights the user has now, not the ones they had when they signed in.

The TUI (local or served over SSH) keeps its Actor for hours; an administrator may demote or deactivate that user
meanwhile. The first statement of every write transaction (`Database.write(actor)`) re-reads the user's row in the
same transaction; when the Actor claims a right the row no longer grants (a higher role, a right taken away, another
group for a sales manager), or the user is gone or inactive, the write is refused and nothing is written. The TUI then picks up the new rights (`LeadApp.ready_backend` re-reads
the user) so the next try is judged by them. One primary-key lookup per write transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.enums import Role
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied

# a write session that judges the rights of now itself (undo: per record, with a clearer message) sets this first
CHECKED = "leadtui_actor_checked"


_RANK = {Role.SALES_REP: 0, Role.SALES_MANAGER: 1, Role.ADMINISTRATOR: 2}
_RIGHTS = ("delete_others_sales", "allow_bulk_update", "can_manage_entities")


def claims_more_than_now(actor: Actor, row: Any) -> bool:
    """True when the Actor holds a right the user's row no longer grants: a higher role, a right taken away, or
    (for a sales manager) another group. Fewer rights than now are harmless: the services refuse what they lack."""
    role = Role(row.role)
    if _RANK[actor.role] > _RANK[role]:
        return True
    if actor.role == role == Role.SALES_MANAGER and actor.primary_group_id != row.primary_group_id:
        return True
    return any(getattr(actor, name) and not getattr(row, name) for name in _RIGHTS)


@event.listens_for(Session, "after_begin")
def _check_actor_is_current(session: Session, _transaction: Any, connection: Any) -> None:
    actor = session.info.get("actor")
    if not isinstance(actor, Actor) or session.info.get(CHECKED):
        return
    session.info[CHECKED] = True
    a = t.Associate
    row = connection.execute(
        select(
            a.active, a.role, a.primary_group_id, a.delete_others_sales, a.allow_bulk_update, a.can_manage_entities
        ).where(a.id == actor.id)
    ).first()
    if row is None or not row.active:
        raise PermissionDenied(_("Your user is unknown or inactive now: nothing was saved."), right="user")
    if claims_more_than_now(actor, row):
        raise PermissionDenied(
            _(
                "Your role or rights were changed by an administrator: nothing was saved. Try again with your "
                "new rights."
            ),
            right="user",
        )
