"""Live updates in the TUI: what other sessions commit shows up within a second (services/changes.py is the stream).

One subscription per app (started when the database is open). Batches coming within `WINDOW` seconds are merged
into one `navigation.RecordsChanged`, posted to every screen of every section (and to each PagedTable in them): a
screen reloads only what concerns it, in place, keeping the cursor. While a dialog (any modal screen: a picker, a
confirmation, the command palette) is in front nothing is refreshed: the changes wait until it has closed. A change
of the owner of contacts or companies (the distribution of new leads) looks for new leads at once.
Screens never query the database for this themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import App, ScreenStackError
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from leadtui import navigation

if TYPE_CHECKING:
    from leadtui.model.engine import Database

WINDOW = 0.1  # seconds: batches within this window are one refresh
DIALOG_RETRY = 0.25  # seconds between looks whether the dialog in front has closed
OWNER_FIELDS = {"our_contact_id"}


class LiveUpdates:
    def __init__(self, app: App, look_for_new_leads: Callable[[], None] | None = None) -> None:
        self.app = app
        self.look_for_new_leads = look_for_new_leads
        self.changes: dict[str, set[int] | None] = {}
        self.fields: dict[str, set[str]] = {}
        self.by_user = ""
        self.at: datetime | None = None
        self.timer: Timer | None = None
        self.task: asyncio.Task[None] | None = None
        self.refreshes = 0  # RecordsChanged sent (tests, bench/live_updates.py)
        self.received_at: float | None = None  # monotonic time the first batch of the pending refresh came
        self.ready = asyncio.Event()  # the subscription listens: what is committed from now on is seen
        self.last: navigation.RecordsChanged | None = None  # the last refresh sent (tests, bench)

    def start(self, db: Database) -> None:
        """A task of its own, not a worker: it runs as long as the app, and waits for workers (tests' settle) must
        not wait for it."""
        self.task = asyncio.create_task(self._watch(db), name="live-updates")

    async def stop(self) -> None:
        """End the subscription and wait (a little) until it has let go of its connection: the database is disposed
        next, and a query cancelled after that could leave a connection closing on a loop that is going away."""
        task, self.task = self.task, None
        if task is None:
            return
        task.cancel()
        await asyncio.wait({task}, timeout=2.0)

    async def _watch(self, db: Database) -> None:
        from leadtui.services import changes

        stream = changes.subscribe(db, ready=self.ready.set)
        try:
            async for batch in stream:
                self.add(batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the session goes on without live updates (reload with r)
            self.app.log.warning(f"live updates stopped: {exc!r}")
        finally:
            await stream.aclose()

    def add(self, batch: Any) -> None:
        """Take in a services.changes.ChangeBatch; the refresh follows after WINDOW."""
        for event in batch.events:
            if event.kind in self.changes and self.changes[event.kind] is None:
                pass
            elif event.ids is None:
                self.changes[event.kind] = None
            else:
                known = self.changes.setdefault(event.kind, set())
                assert known is not None
                known.update(event.ids)
            self.fields.setdefault(event.kind, set()).update(event.fields)
            if self.at is None or event.at >= self.at:
                self.by_user, self.at = event.user, event.at
        if self.received_at is None:
            self.received_at = time.monotonic()
        if self.timer is None:
            self.timer = self.app.set_timer(WINDOW, self.flush, name="live-updates")

    def flush(self) -> None:
        self.timer = None
        if not self.changes:
            return
        try:
            front = self.app.screen
        except ScreenStackError:  # the app is closing: nothing left to refresh
            return
        if isinstance(front, ModalScreen):  # never behind a dialog: after it has closed
            self.timer = self.app.set_timer(DIALOG_RETRY, self.flush, name="live-updates")
            return
        changes, fields, by_user, at = self.changes, self.fields, self.by_user, self.at
        self.changes, self.fields, self.at, self.received_at = {}, {}, None, None
        self.refreshes += 1
        self.last = navigation.RecordsChanged(changes, fields, by_user, at)
        for screen in self.screens():
            post_changes(screen, changes, fields, by_user, at)
        if self.look_for_new_leads is not None and any(
            fields.get(kind, set()) & OWNER_FIELDS for kind in ("contact", "company")
        ):
            self.look_for_new_leads()

    def screens(self) -> list[Screen]:
        """The screens of every section (the one shown first), dialogs left out."""
        return [s for s in section_screens(self.app) if not isinstance(s, ModalScreen)]


def section_screens(app: App) -> list[Screen]:
    """Every screen of every section (the stack shown first, top down), dialogs included."""
    stacks: dict[str, list[Screen]] = getattr(app, "_screen_stacks", {})
    current = list(app.screen_stack)
    others = [s for stack in stacks.values() for s in stack if s not in current]
    return [*reversed(current), *others]


def post_changes(
    screen: Screen, changes: dict[str, set[int] | None], fields: dict[str, set[str]], by_user: str, at: datetime | None
) -> None:
    """Tell a screen and each paged list on it what changed: each reloads what concerns it, in place."""
    from leadtui.widgets.paged_table import PagedTable

    screen.post_message(navigation.RecordsChanged(changes, fields, by_user, at))
    for paged in screen.query(PagedTable):
        paged.post_message(navigation.RecordsChanged(changes, fields, by_user, at))
