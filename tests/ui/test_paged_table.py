"""Paging the Contacts list: a page turn reads only its rows (the total is not counted again for every page); the
total is counted again once the paging stops, so a contact added elsewhere shows in the rows and the total."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Static

from leadtui.services import contacts, database
from leadtui.widgets.contacts_table import ContactsTable
from tests.services.find_data import person
from tests.ui.conftest import settle


@pytest.fixture
async def sixty(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    for n in range(60):
        await person(db, admin, None, f"Person{n:02d}", "Paged")
    await db.dispose()


def status(app) -> str:
    return str(app.screen.query_one("#contacts-status", Static).render())


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition() and loop.time() < deadline:
        await pilot.pause(0.02)
    assert condition()


async def test_paging_counts_once_and_the_total_follows_an_insert_elsewhere(app, sixty, monkeypatch):
    import leadtui.widgets.paged_table as paged_module

    monkeypatch.setattr(paged_module, "REFINE_AFTER_S", 0.05)
    counted: list[bool] = []
    list_contacts = contacts.list_contacts

    async def watched(*args, **kwargs):
        counted.append(kwargs.get("count", True))
        return await list_contacts(*args, **kwargs)

    monkeypatch.setattr(contacts, "list_contacts", watched)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        assert status(app).startswith("1–50 of 60")
        backend = await app.ready_backend()
        added = await person(backend.db, backend.actor, None, "Zed", "Zulu")  # sorts last, on page 2
        counted.clear()
        app.screen.query_one(ContactsTable).focus_table()
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: app.screen.query_one(ContactsTable).paged.page_offset == 50 and bool(counted))
        assert counted[0] is False  # the page turn itself did not count every contact
        paged = app.screen.query_one(ContactsTable).paged
        await wait_for(pilot, lambda: status(app).startswith("51–61 of 61"))  # counted again after the paging
        assert paged.row_ids[-1] == added
        assert [item.last_name for item in paged.result.items].count("Paged") == 10
        await pilot.press("pageup")
        await wait_for(pilot, lambda: status(app).startswith("1–50 of 61"))
