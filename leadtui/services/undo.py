"""Undo: the user action that reverts the actor's last change (services/audit.py records the changes and knows
how to revert them; this module adds the rights check, so that audit, which every write session uses, does not
import the rights)."""

from __future__ import annotations

from sqlalchemy import update

from leadtui.i18n import _
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import current_rights, rights
from leadtui.services.actor import Actor
from leadtui.services.audit import (
    UndoOut,
    _changeset,
    _last_changeset,
    _refuse_if_changed_since,
    _revert,
    describe_changeset,
)
from leadtui.services.audit import last_undoable as last_undoable
from leadtui.services.errors import RuleViolation


async def undo_last(db: Database, actor: Actor) -> UndoOut:
    """Revert the actor's last change (one transaction, e.g. a bulk update or a board move) if nobody changed
    those records since; otherwise refuse with StaleEdit naming who changed what."""
    async with db.write(actor) as session:
        session.info[current_rights.CHECKED] = True  # ensure_may_undo below re-reads the user's rights of now
        last = await _last_changeset(session, actor)
        if last is None:
            raise RuleViolation(_("Nothing to undo: you have made no change that can be undone."))
        session.info["undo_of"] = last
        entries = await _changeset(session, last)
        # the rights the user has now (re-read from the database), not those they had when they made the change
        session.info["actor"] = await rights.ensure_may_undo(session, actor, entries)
        await _refuse_if_changed_since(session, entries)
        description = await describe_changeset(session, entries)  # in words, as it was before the undo
        for entry in reversed(entries):
            await _revert(session, entry)
        await session.flush()
        await session.execute(update(t.AuditLog).where(t.AuditLog.changeset == last).values(undone=True))
        result = UndoOut(changeset=last, records=len(entries), description=description)
    return result
