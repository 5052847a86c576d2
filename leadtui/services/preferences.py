"""Per-user remembered choices (SPEC.md Q7: filters and grouping in section tabs are personal).

Stored as JSON in `user_preference` under a key per place, e.g. "contacts-view:company" for the Contacts
section tab of the company card and "contacts-view:list" for the Contacts section list.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete

from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services.actor import Actor
from leadtui.services.contacts import COLUMNS, DEFAULT_COLUMNS, SHOW_ONLY

KEY_MAX = 120


async def get_preference(db: Database, actor: Actor, key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    async with db.read() as session:
        row = await session.get(t.UserPreference, (actor.id, key[:KEY_MAX]))
    return dict(row.value) if row is not None and isinstance(row.value, dict) else dict(default or {})


async def set_preference(db: Database, actor: Actor, key: str, value: dict[str, Any]) -> dict[str, Any]:
    async with db.write(actor) as session:
        row = await session.get(t.UserPreference, (actor.id, key[:KEY_MAX]))
        if row is None:
            session.add(t.UserPreference(associate_id=actor.id, key=key[:KEY_MAX], value=dict(value)))
        else:
            row.value = dict(value)  # a new object, so the JSON column is seen as changed
    return dict(value)


async def reset_preference(db: Database, actor: Actor, key: str) -> None:
    async with db.write(actor) as session:
        await session.execute(
            delete(t.UserPreference).where(
                t.UserPreference.associate_id == actor.id, t.UserPreference.key == key[:KEY_MAX]
            )
        )


class ContactsView(BaseModel):
    """How a user wants a contacts table: columns in order, sort, grouping and filters (column -> value)."""

    columns: list[str] = Field(default_factory=lambda: list(DEFAULT_COLUMNS))
    sort: str = "name"
    descending: bool = False
    group: str | None = None
    filters: dict[str, Any] = Field(default_factory=dict)

    def cleaned(self) -> ContactsView:
        """Drop what this version does not know (a preference may be older or newer than the program)."""
        columns = [c for c in dict.fromkeys(self.columns) if c in COLUMNS] or list(DEFAULT_COLUMNS)
        ordered = {key for key in COLUMNS if key not in SHOW_ONLY}  # what a list can be sorted, grouped, filtered by
        return ContactsView(
            columns=columns,
            sort=self.sort if self.sort in ordered else "name",
            descending=self.descending,
            group=self.group if self.group in ordered else None,
            filters={k: v for k, v in self.filters.items() if k in ordered and v not in (None, "", [])},
        )


def default_contacts_view(place: str) -> ContactsView:
    """The Contacts section tab starts with the issue's columns; the Contacts list adds the company."""
    if place == "list":
        return ContactsView(columns=["name", "company", "lead_status", "category", "owner", "email", "next_activity"])
    return ContactsView()


async def load_contacts_view(db: Database, actor: Actor, place: str) -> ContactsView:
    raw = await get_preference(db, actor, f"contacts-view:{place}")
    if not raw:
        return default_contacts_view(place)
    try:
        return ContactsView.model_validate(raw).cleaned()
    except ValueError:
        return default_contacts_view(place)


async def save_contacts_view(db: Database, actor: Actor, place: str, view: ContactsView) -> ContactsView:
    view = view.cleaned()
    await set_preference(db, actor, f"contacts-view:{place}", view.model_dump(mode="json"))
    return view


# Preferences > Sale > Confirm creation of suggested follow-up (SPEC.md G5): on until the user ticks "Always
# create follow-up? Do not show this dialog again" in the Sales guide dialog.
CONFIRM_SUGGESTED_KEY = "sale.confirm-suggested-follow-up"


async def confirm_suggested_follow_up(db: Database, actor: Actor) -> bool:
    """True: ask before creating an automatically suggested follow-up; False: create it without asking."""
    return bool((await get_preference(db, actor, CONFIRM_SUGGESTED_KEY, {"confirm": True})).get("confirm", True))


async def set_confirm_suggested_follow_up(db: Database, actor: Actor, confirm: bool) -> bool:
    await set_preference(db, actor, CONFIRM_SUGGESTED_KEY, {"confirm": bool(confirm)})
    return bool(confirm)
