"""Screenshots that guard the layout (pytest-textual-snapshot, SVG): every section, the cards in view and edit mode
and the dialogs, at 80x24 and 120x40, in English and Dutch (the longest labels). A layout change shows up as a
failing snapshot with an HTML report to look at; `python -m pytest tests/snapshots --snapshot-update` accepts the
new look after a person has looked at it.

The clock is fixed (time-machine) while the data is written and the app runs, so dates, ages and "today" are the
same on every run; the header's database path is replaced by the user's name.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pytest
import time_machine

from leadtui.app import LeadApp
from leadtui.i18n import set_language
from tests.ui.conftest import settle

NOW = datetime(2027, 1, 4, 9, 30, tzinfo=timezone.utc)  # a Monday
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
LANGS = ("en", "nl")

# what the user presses to get there (each key waits for the screen to settle)
VIEWS: dict[str, tuple[str, ...]] = {
    "companies": ("c",),
    "contacts": ("p",),
    "sales": ("s",),
    "find": ("f",),
    "board": ("b",),
    "dashboard": ("d",),
    "settings": ("t",),
    "company_card": ("c", "enter"),
    "company_card_edit": ("c", "enter", "e"),
    "contact_card": ("p", "enter"),
    "contact_card_edit": ("p", "enter", "e"),
    "sale_card": ("s", "enter"),
    "sale_card_edit": ("s", "enter", "e"),
    "new_company": ("c", "n"),
    "new_sale": ("s", "n"),
    "list_item_dialog": ("t", "a"),
    "contacts_view_dialog": ("p", "o"),
    "bulk_update_dialog": ("p", "space", "u"),
    "follow_up_dialog": ("s", "enter", "a"),
    "delete_company_dialog": ("c", "enter", "x"),
    "delete_sale_dialog": ("s", "enter", "x"),
    "command_palette": ("c", "ctrl+p"),
    "find_criterion_dialog": ("f", "a"),
    "find_columns_dialog": ("f", "v"),
    "find_target_dialog": ("f", "o"),
    "selections": ("f", "l"),
    "board_move_dialog": ("b", "m"),
    "board_source_dialog": ("b", "o"),
    "users": ("t", "u"),
    "user_dialog": ("t", "u", "a"),
    "move_contact_dialog": ("p", "enter", "m"),
    "delete_contact_dialog": ("p", "enter", "x"),
    "contact_card_sales_tab": ("p", "enter", "greater_than_sign"),
    "company_card_contacts_tab": ("c", "enter", "greater_than_sign"),
    "sale_card_second_tab": ("s", "enter", "greater_than_sign"),
    # issue 15
    "my_follow_ups": ("i",),
    "lead_categorization": ("t", "l"),
    "recycle_bin": ("t", "R"),
    "dashboard_sales": ("d", "v"),
    "board_task_menu": ("b", "full_stop"),
    "find_or_group": ("f", "g"),
    # issue 13: the cards, screens and dialogs reachable by keys that had no view
    "new_contact": ("p", "n"),
    "audit_view": ("c", "enter", "ctrl+y"),
    "company_picker": ("p", "n", "ctrl+o"),
    "save_selection_dialog": ("f", "w"),
    "board_title_filter": ("b", "slash"),
    "board_field_filter": ("b", "F"),
    "tile_dialog": ("d", "a"),
    "category_dialog": ("t", "shift+tab", "down", "a"),
    "sales_guide": ("t", "shift+tab", "down", "down", "down", "tab", "g"),
    "user_keys": ("t", "u", "k"),
    "user_audit": ("t", "u", "ctrl+y"),
    "discard_changes_dialog": ("c", "enter", "e", "a", "escape"),
}

_BUILT: dict[str, Path] = {}


async def _build(path: Path, lang: str) -> None:
    from leadtui.services import companies, contacts, database, lists, sales, users

    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang=lang, login="admin", force=False)
    try:
        admin = await database.resolve_actor(db, "admin")
        await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
        categories = await lists.list_items(db, "category")
        lead = next(c for c in categories if c.enable_lead_status).id  # a lead company: its contacts have statuses
        customer = next(c for c in categories if not c.enable_lead_status).id
        acme = await companies.create_company(
            db, admin, {"name": "Acme Ltd", "category": lead, "city": "Utrecht", "domain": "acme.example"}
        )
        globex = await companies.create_company(db, admin, {"name": "Globex Corporation", "category": customer})
        await contacts.create_contact(
            db, admin, {"company": acme.id, "first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example"}
        )
        await contacts.create_contact(db, admin, {"company": acme.id, "first_name": "Bo", "last_name": "Berg"})
        await contacts.create_contact(db, admin, {"company": globex.id, "first_name": "Gus", "last_name": "Grey"})
        types = await sales.sale_form_options(db)
        sale_type = types.sale_types[0].name
        for heading, company, amount in (
            ("Website relaunch", acme.id, "12500"),
            ("Support contract", globex.id, "900"),
        ):
            data = {"heading": heading, "company_id": company, "amount": amount, "sale_date": "2027-02-01"}
            await sales.create_sale(db, admin, {**data, "sale_type": sale_type})
    finally:
        await db.dispose()


def database_for(tmp_path: Path, lang: str) -> Path:
    """The snapshot data in `lang`'s lists, written once per test process at the fixed time, copied per test."""
    if lang not in _BUILT:
        built = Path(tmp_path.parent / f"snapshot-{lang}.db")
        if not built.exists():
            part = built.with_suffix(".part")
            part.unlink(missing_ok=True)
            with time_machine.travel(NOW, tick=False):
                asyncio.run(_build(part, lang))
            part.rename(built)
        _BUILT[lang] = built
    path = tmp_path / "snap.db"
    shutil.copy(_BUILT[lang], path)
    return path


def go(keys: Iterable[str]):  # noqa: ANN201 - run_before for snap_compare
    async def run_before(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await app.ready_backend()
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        app.sub_title = "Admin"  # not the temporary database's path
        app.clear_notifications()
        for field in app.screen.query("Input, TextArea"):  # a blinking cursor is caught on or off by chance
            field.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, tmp_path, view, size, lang):
    path = database_for(tmp_path, lang)
    try:
        with time_machine.travel(NOW, tick=False):
            app = LeadApp(db_url=str(path), user="admin", lang=lang)
            assert snap_compare(app, terminal_size=SIZES[size], run_before=go(VIEWS[view]))
    finally:
        set_language("en")
