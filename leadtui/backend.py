"""What the TUI holds once the database is open: the Database and the current user (Actor).

Kept free of Textual so screens and tests can share it; opened in a worker after the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadtui.model.engine import Database
    from leadtui.services.actor import Actor


@dataclass
class Backend:
    db: "Database"
    actor: "Actor"
    url: str
    created: bool = False

    async def refresh_actor(self) -> None:
        """Re-read the user's role and rights (by id: served mode never takes a login). An unknown or inactive
        user keeps the old Actor here; their writes are refused by services/current_rights."""
        from leadtui.services.errors import DomainError
        from leadtui.services.keys import actor_by_id

        try:
            self.actor = await actor_by_id(self.db, self.actor.id)
        except DomainError:
            pass


async def open_backend(db_url: str | None, user: str | None, lang: str | None) -> Backend:
    from leadtui.config import load_settings
    from leadtui.i18n import set_language
    from leadtui.services import database

    settings = load_settings(database_url=db_url, user=user, lang=lang)
    if settings.lang:
        set_language(settings.lang)
    url = settings.resolved_database_url()
    db, created = await database.open_or_create(url, lang=settings.lang or "en", login=settings.resolved_user())
    try:
        actor = await database.resolve_actor(db, settings.resolved_user())
    except Exception:
        await db.dispose()
        raise
    return Backend(db=db, actor=actor, url=url, created=created)


async def open_served_backend(db_url: str, user_id: int, lang: str | None) -> Backend:
    """Served mode (`leadtui serve ssh`): the server chose the database and the user (by the SSH key's owner).

    Neither --user, LEADTUI_USER nor anything the SSH client sends can change who this is.
    """
    from leadtui.i18n import _, set_language
    from leadtui.model.engine import Database
    from leadtui.services import keys
    from leadtui.services.errors import DatabaseUnavailable, DomainError

    if lang:
        set_language(lang)
    db = Database(db_url)  # the server brought the schema up to date when it started: no migration check here
    try:
        actor = await keys.actor_by_id(db, user_id)
    except DomainError:
        await db.dispose()
        raise
    except Exception as exc:
        await db.dispose()
        raise DatabaseUnavailable(
            _("Cannot open the database: {reason}").format(reason=type(exc).__name__), field="database"
        ) from None
    return Backend(db=db, actor=actor, url=db_url, created=False)
