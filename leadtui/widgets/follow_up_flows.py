"""The follow-up flows of the Activities tabs (contact, company and sale cards): change the highlighted follow-up
in the Follow-up dialog, or delete it after a question. Called from a worker of the widget or screen that shows
it (the dialogs are asked for through leadtui/navigation.py); each returns True when something changed."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from leadtui import navigation
from leadtui.i18n import _
from leadtui.i18n.format import format_date
from leadtui.services.errors import DomainError


async def change_follow_up(node: Widget, row: Any, types: list[tuple[str, int]]) -> bool:
    """Change a follow-up (activities.ActivityOut) in the Follow-up dialog; a completed one is not changed (a
    warning says how to un-complete it first)."""
    from leadtui.services import activities

    if row.completed:
        node.notify(
            _("This follow-up is completed; press space to un-complete it before changing it."), severity="warning"
        )
        return False
    backend = await node.app.ready_backend()  # type: ignore[attr-defined]

    async def save(values: dict[str, Any]) -> Any:
        return await activities.update_follow_up(
            backend.db, backend.actor, row.id, values, expected_version=row.version
        )

    return bool(
        await navigation.ask(
            node,
            "follow_up",
            _("Change follow-up"),
            save,
            types=types,
            day=row.date,
            at=row.time,
            type_id=row.type_id,
            text=row.text,
        )
    )


async def delete_follow_up(node: Widget, row: Any) -> bool:
    """Delete a follow-up after asking; a refusal (completed, another user's) is shown as a notification."""
    from leadtui.services import activities

    question = _("Delete the follow-up '{title}' of {date}?").format(title=row.title, date=format_date(row.date))
    if not await navigation.ask(node, "confirm", _("Delete follow-up"), question):
        return False
    backend = await node.app.ready_backend()  # type: ignore[attr-defined]
    try:
        await activities.delete_follow_up(backend.db, backend.actor, row.id)
    except DomainError as exc:
        node.notify(str(exc), severity="error", title=_("Not deleted"))
        return False
    node.notify(_("Deleted the follow-up."))
    return True
