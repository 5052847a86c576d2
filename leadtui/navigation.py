"""Navigation by messages: where each section, card and dialog lives, and the messages that ask for them.

A widget never imports a screen. It posts what the user wants: `OpenRecord` (a record's card), `NewRecord` (the
card of a new record, with what is known already) or `Ask` (a dialog or flow that answers, awaited with `ask()`).
The messages bubble up to the app (`LeadApp` in app.py), which calls `open_record`, `new_record` and `show` here.
Screens may call those functions directly. The tables below name the screens by "module:class" and import them
when first used: this module imports no screen, so widgets may import it, no import circle goes through it, and
start-up stays light. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.message import Message
from textual.screen import Screen

from leadtui.i18n import N_

# (mode, key, label, help)
SECTIONS: list[tuple[str, str, str, str]] = [
    ("companies", "c", N_("Companies"), N_("Companies: list, search, open company cards")),
    ("contacts", "p", N_("Contacts"), N_("Contacts (persons): list, search, open contact cards")),
    ("sales", "s", N_("Sales"), N_("Sales: list, search, open sale cards")),
    ("find", "f", N_("Find"), N_("Find contacts, companies and sales by criteria")),
    ("board", "b", N_("Board"), N_("Board view of a selection by lead status or sale stage")),
    ("dashboard", "d", N_("Dashboard"), N_("Lead tiles and charts")),
    ("settings", "t", N_("Settings"), N_("Settings and maintenance: the lists")),
    ("followups", "i", N_("My follow-ups"), N_("Your follow-ups: overdue, today and this week; work through them")),
]

# the screen of each section, imported only when first shown (keeps start-up light)
SECTION_SCREENS: dict[str, str] = {
    "companies": "leadtui.screens.companies:CompaniesScreen",
    "contacts": "leadtui.screens.contacts:ContactsScreen",
    "sales": "leadtui.screens.sales:SalesScreen",
    "find": "leadtui.screens.find:FindScreen",
    "board": "leadtui.screens.board:BoardScreen",
    "dashboard": "leadtui.screens.dashboard:DashboardScreen",
    "settings": "leadtui.screens.settings:SettingsScreen",
    "followups": "leadtui.screens.my_follow_ups:MyFollowUpsScreen",
}

# the card of each kind of record; each takes the record id (None: a new record) and the prefill as keywords
CARDS: dict[str, str] = {
    "company": "leadtui.screens.company_card:CompanyCard",
    "contact": "leadtui.screens.contact_card:ContactCard",
    "sale": "leadtui.screens.sale_card:SaleCard",
}

# what a widget may ask for with `ask()`: a screen (pushed; the answer is what it is dismissed with) or a flow,
# an `async def flow(app, *args, **kwargs)` run in a worker of group "action" (the answer is what it returns)
ASKABLE: dict[str, str] = {
    "confirm": "leadtui.screens.dialogs:ConfirmDialog",
    "bulk_update": "leadtui.screens.bulk_update_dialog:BulkUpdateDialog",
    "contacts_view": "leadtui.screens.contacts_view_dialog:ContactsViewDialog",
    "delete_sale": "leadtui.screens.sale_delete_dialog:delete_sale_flow",
    "follow_up": "leadtui.screens.follow_up_dialog:FollowUpDialog",
}


def _load(path: str) -> Any:
    module_name, name = path.split(":")
    return getattr(importlib.import_module(module_name), name)


def section_screen(mode: str) -> Screen:
    screen = _load(SECTION_SCREENS[mode])()
    # Textual re-reads the whole stylesheet and restyles every screen when a screen it has not shown yet comes in
    # front (its CSS count starts at -1), although the screen's own CSS is read by itself: a section shown the first
    # time took hundreds of milliseconds for that. The screen counts as up to date with the stylesheet of now; a
    # later change of theme still refreshes it.
    app = screen.app
    if app.is_running and app.screen_stack:  # not the first screen: the stylesheet has been read and applied
        screen._css_update_count = app._css_update_count
    return screen


async def to_section(app: App, mode: str) -> Any:
    """Switch to a section; its screen when that is in front (None when a card or dialog opened there is on top)."""
    await app.switch_mode(mode)
    return app.screen if isinstance(app.screen, _load(SECTION_SCREENS[mode])) else None


@dataclass(frozen=True)
class Closed:
    """How a card was closed: `changed` when something was saved or deleted (the list behind reloads), the id
    of the record it showed last (None for a new record that was never saved), and `deleted` when the user
    deleted that record. Every card (screens/card_base.py) dismisses with one."""

    changed: bool
    record_id: int | None
    deleted: bool = False


OnClose = Callable[[Closed], object]


class OpenRecord(Message):
    """Open the card of a saved record; `on_close` gets a `Closed` when the card is closed."""

    def __init__(self, kind: str, record_id: int, on_close: OnClose | None = None) -> None:
        super().__init__()
        self.kind, self.record_id, self.on_close = kind, record_id, on_close


class NewRecord(Message):
    """Open the card of a new record with what is known already (`company_id=`, `contact_id=`)."""

    def __init__(self, kind: str, on_close: OnClose | None = None, **prefill: Any) -> None:
        super().__init__()
        self.kind, self.on_close, self.prefill = kind, on_close, prefill


class RecordsChanged(Message):
    """Other sessions committed changes (leadtui/live.py): per record kind ("company", "contact", "sale" ... the
    table names) the ids changed (None: many, reload all of that kind), who changed them last and when. Posted to
    each screen (and each PagedTable); it does not bubble to the app."""

    bubble = False

    def __init__(self, changes: dict[str, set[int] | None], fields: dict[str, set[str]], by_user: str, at: Any) -> None:
        super().__init__()
        self.changes, self.fields, self.by_user, self.at = changes, fields, by_user, at

    def touches(self, kind: str, record_id: int | None = None) -> bool:
        """Did `kind` change (that record, when given)?"""
        if kind not in self.changes:
            return False
        ids = self.changes[kind]
        return record_id is None or ids is None or record_id in ids

    def ids(self, kind: str) -> set[int] | None:
        """The changed ids of `kind`: None for many (reload all), empty when the kind did not change."""
        return self.changes.get(kind, set())


class Ask(Message):
    """Show a dialog (or run a flow) named in ASKABLE; `reply` gets its answer."""

    def __init__(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], reply: Callable[[Any], Any]) -> None:
        super().__init__()
        self.name, self.args, self.kwargs, self.reply = name, args, kwargs, reply


def _push_card(app: App, kind: str, card: Screen, on_close: OnClose | None) -> None:
    def closed(result: Any) -> Any:  # what on_close returns is awaited if it can be (Textual's callbacks)
        if on_close is None:
            return None
        if not isinstance(result, Closed):  # closed some other way (dismissed without a result)
            result = Closed(changed=False, record_id=getattr(card, f"{kind}_id", None))
        return on_close(result)

    app.push_screen(card, closed)


def open_record(app: App, kind: str, record_id: int, on_close: OnClose | None = None) -> None:
    """Push the card of a saved record on top."""
    _push_card(app, kind, _load(CARDS[kind])(record_id), on_close)


def new_record(app: App, kind: str, on_close: OnClose | None = None, **prefill: Any) -> None:
    """Push the card of a new record, filled in with `prefill`."""
    _push_card(app, kind, _load(CARDS[kind])(None, **prefill), on_close)


def show(app: App, message: Ask) -> None:
    """Answer an `Ask`: push the dialog, or run the flow in a worker."""
    target = _load(ASKABLE[message.name])
    if isinstance(target, type) and issubclass(target, Screen):
        app.push_screen(target(*message.args, **message.kwargs), message.reply)
        return

    async def flow() -> None:
        message.reply(await target(app, *message.args, **message.kwargs))

    app.run_worker(flow(), group="action")


async def ask(node: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """From a widget's worker: ask the app for a dialog or flow and wait for its answer."""
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def reply(value: Any) -> None:
        if not answer.done():
            answer.set_result(value)

    node.post_message(Ask(name, args, kwargs, reply))
    return await answer
