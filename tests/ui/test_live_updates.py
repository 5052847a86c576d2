"""Live updates between two sessions (two LeadApps on one database, SQLite file and PostgreSQL): a card moved in
one appears in the other's board within a second with the other's cursor where it was; an edit saved in one shows
"changed by" on the other's card in edit mode, the edits kept and the save going through the conflict dialog; a
bulk update of 10,000 contacts is one refresh; nothing refreshes behind a dialog."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from leadtui.app import LeadApp
from leadtui.model.engine import Database
from leadtui.screens.board import BoardColumn, BoardScreen
from leadtui.screens.conflict_dialog import ConflictDialog
from leadtui.screens.contact_card import ContactCard
from leadtui.services import batch, bulk, contacts
from leadtui.services.actor import Actor
from leadtui.model import tables as t
from tests.services.find_data import build
from tests.ui.conftest import settle


async def wait_for(condition: Callable[[], bool], timeout: float) -> float:
    """Poll until `condition()` holds; the seconds it took. Fails after `timeout`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def column(app, name: str) -> BoardColumn:
    return next(c for c in app.screen.query(BoardColumn) if c.column.name == name)


def cards(app, name: str) -> list[str]:
    return [card.title for card in column(app, name).cards]


async def live_ready(pilot) -> None:
    await pilot.app.ready_backend()
    await wait_for(lambda: pilot.app.live is not None and pilot.app.live.ready.is_set(), 10)
    await settle(pilot)


@pytest.fixture
async def world(db: Database, admin: Actor):
    return await build(db, admin)


async def test_a_card_moved_in_one_session_appears_in_the_others_board_with_its_cursor_kept(db, world):
    mover, watcher = LeadApp(db_url=db.url, user="admin"), LeadApp(db_url=db.url, user="admin")
    async with mover.run_test(size=(160, 40)) as a, watcher.run_test(size=(160, 40)) as b:
        for pilot in (a, b):
            await live_ready(pilot)
            await pilot.press("b")
            await settle(pilot)
            assert isinstance(pilot.app.screen, BoardScreen)
        await b.press("l")  # the watcher's cursor on Bob (Contacting)
        assert watcher.screen.current_card().title == "Bob Øster"
        refreshes = watcher.live.refreshes
        await a.press("L")  # Ann: Open -> Contacting
        await settle(a)
        took = await wait_for(lambda: "Ann Berg" in cards(watcher, "Contacting"), 1.0)
        assert "Ann Berg" not in cards(watcher, "Open")
        counts = [str(c.header()).split("\n")[0] for c in watcher.screen.query(BoardColumn)][:2]
        assert counts == ["1 Open  0", "2 Contacting  2"]  # the counts follow without reading every column
        assert watcher.screen.current_card().title == "Bob Øster"  # the cursor stayed on its card
        assert watcher.screen.current_column().column.name == "Contacting"
        assert watcher.live.refreshes == refreshes + 1
        assert took < 1.0
        # the moved card shows highlighted in its new column a moment, then as every card
        contacting = column(watcher, "Contacting")
        assert contacting.has_class("arrived") and contacting.arrived == {world.people["ann"]}
        await wait_for(lambda: not contacting.has_class("arrived"), 5.0)
        assert not contacting.arrived
        assert watcher.screen.current_card().title == "Bob Øster"


@pytest.mark.parametrize("read", ["the changed cards", "the whole board"])
async def test_when_the_card_under_the_cursor_moves_away_the_cursor_stays_on_its_row_and_the_card_shows_moving(
    db, admin, world, read, monkeypatch
):
    from tests.services.find_data import person

    if read == "the whole board":  # what a change of many cards, or of other kinds too, makes the board do
        monkeypatch.setattr("leadtui.screens.board.LIVE_FEW", 0)

    extra = [await person(db, admin, world.acme, f"Pat{i}", "Row", lead_status="Contacting") for i in range(3)]
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        await b.press("l", "j", "j")  # Contacting: Bob, Pat0, Pat1 (the cursor), Pat2
        assert watcher.screen.current_card().id == extra[1]
        other = Database(db.url)
        try:
            pat = await contacts.get_contact(other, admin, extra[1])
            await contacts.update_contact(
                other, admin, pat.id, {"lead_status": "Qualified"}, expected_version=pat.version
            )
        finally:
            await other.dispose()
        await wait_for(lambda: "Pat1 Row" in cards(watcher, "Qualified"), 2.0)
        qualified = column(watcher, "Qualified")
        assert qualified.has_class("arrived") and qualified.arrived == {extra[1]}
        prompt = qualified.card_list().get_option(str(extra[1])).prompt
        assert "$success" in str(getattr(prompt, "spans", ""))  # the card itself is highlighted
        # the cursor stayed on its row in its column (now the next card), not at the top, and not in Qualified
        assert watcher.screen.current_column().column.name == "Contacting"
        assert watcher.screen.current_card().id == extra[2]
        await wait_for(lambda: not qualified.has_class("arrived"), 5.0)
        prompt = qualified.card_list().get_option(str(extra[1])).prompt
        assert "$success" not in str(getattr(prompt, "spans", ""))
        assert watcher.screen.current_card().id == extra[2]


async def test_an_edit_saved_in_one_session_shows_changed_by_in_the_others_card_in_edit_mode(db, world):
    from leadtui import navigation

    ann = world.people["ann"]
    first, second = LeadApp(db_url=db.url, user="admin"), LeadApp(db_url=db.url, user="admin")
    async with first.run_test(size=(140, 45)) as a, second.run_test(size=(140, 45)) as b:
        for pilot in (a, b):
            await live_ready(pilot)
            pilot.app.post_message(navigation.OpenRecord("contact", ann))
            await settle(pilot)
            assert isinstance(pilot.app.screen, ContactCard)
        await b.press("e")
        await settle(b)
        b_card = second.screen
        b_card.query_one("#title").value = "Chief"  # the watcher's own edit, not saved yet
        a_card = first.screen
        await a.press("e")  # the edit in the first session, by keys
        await settle(a)
        a_card.query_one("#phone").focus()
        a_card.query_one("#phone").value = ""
        await a.press(*"+47 555", "ctrl+s")
        await settle(a)
        assert not a_card.editing and a_card.loaded.phone == "+47 555"
        await wait_for(lambda: bool(b_card.query("#changed-by")), 1.0)
        line = str(b_card.query_one("#changed-by").render())
        assert "Changed by" in line
        assert b_card.editing and b_card.query_one("#title").value == "Chief"  # the edits are kept
        await b.press("ctrl+s")
        await settle(b)
        assert isinstance(second.screen, ConflictDialog)  # saving goes through the conflict flow


async def test_a_card_in_view_mode_shows_what_another_session_saved(db, admin, world):
    from leadtui import navigation

    ann = world.people["ann"]
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(140, 45)) as b:
        await live_ready(b)
        watcher.post_message(navigation.OpenRecord("contact", ann))
        await settle(b)
        card = watcher.screen
        assert isinstance(card, ContactCard) and not card.editing
        other = Database(db.url)
        try:
            before = await contacts.get_contact(other, admin, ann)
            await contacts.update_contact(other, admin, ann, {"phone": "+47 999"}, expected_version=before.version)
        finally:
            await other.dispose()
        await wait_for(lambda: card.loaded.phone == "+47 999", 1.5)
        await settle(b)
        assert card.query_one("#phone").value == "+47 999"  # shown, and still in view mode
        assert not card.editing and not card.query("#changed-by")
        await b.press("e")  # editing when the next change comes, then leaving without saving: the newest shows
        await settle(b)
        other = Database(db.url)
        try:
            before = await contacts.get_contact(other, admin, ann)
            await contacts.update_contact(other, admin, ann, {"phone": "+47 111"}, expected_version=before.version)
        finally:
            await other.dispose()
        await wait_for(lambda: bool(card.query("#changed-by")), 1.5)
        await b.press("escape")
        await wait_for(lambda: card.loaded.phone == "+47 111", 1.5)
        await settle(b)
        assert not card.editing and card.query_one("#phone").value == "+47 111"


async def test_keys_typed_while_the_board_refreshes_are_not_lost(db, admin, world):
    from tests.services.find_data import person

    extra = [await person(db, admin, world.acme, f"Pat{i}", "Row", lead_status="Contacting") for i in range(3)]
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        await b.press("l")  # Contacting: Bob (the cursor), Pat0, Pat1, Pat2
        other = Database(db.url)
        try:
            ann = await contacts.get_contact(other, admin, world.people["ann"])
            await contacts.update_contact(
                other, admin, ann.id, {"lead_status": "Qualified"}, expected_version=ann.version
            )
            await wait_for(lambda: watcher.live.received_at is not None, 2.0)  # heard: the refresh is about to run
        finally:
            await other.dispose()
        await b.press("j", "j")  # typed while the board refreshes
        await wait_for(lambda: "Ann Berg" in cards(watcher, "Qualified"), 2.0)
        await settle(b)
        assert watcher.screen.current_card().id == extra[1]


async def test_a_bulk_update_of_10000_contacts_is_one_refresh(db, admin, world):
    rows = [(f"P{i}", "Bulk", world.acme) for i in range(10_000)]
    async with db.write(admin) as session:
        await batch.insert_rows(session, t.Contact, ["first_name", "last_name", "company_id"], rows)
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        refreshes = watcher.live.refreshes
        async with db.read() as session:
            from sqlalchemy import select

            ids = list((await session.scalars(select(t.Contact.id).where(t.Contact.last_name == "Bulk"))).all())
        await bulk.apply_bulk_update(db, admin, "email_opt_in", "yes", contact_ids=ids)
        await wait_for(lambda: watcher.live.refreshes > refreshes, 2.0)
        assert watcher.live.last.touches("contact", ids[-1])
        # a marker change after the burst: when it has arrived, the burst was one refresh and the marker the next
        backend = await watcher.ready_backend()
        other = Database(db.url)
        try:
            marker = await contacts.get_contact(other, backend.actor, world.people["eve"])
            await contacts.update_contact(
                other, backend.actor, marker.id, {"phone": "1"}, expected_version=marker.version
            )
        finally:
            await other.dispose()
        await wait_for(lambda: watcher.live.last.changes.get("contact") == {marker.id}, 2.0)
        assert watcher.live.refreshes == refreshes + 2


async def test_an_import_of_10000_contacts_is_one_refresh(db, admin, world):
    from leadtui.services import imports

    text = "First name,Last name,Company\n" + "".join(f"I{i},Imported,Acme\n" for i in range(10_000))
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        refreshes = watcher.live.refreshes
        out = await imports.apply_import(db, admin, imports.parse_csv_text(text))
        assert out.new == 10_000
        await wait_for(lambda: watcher.live.refreshes > refreshes, 5.0)
        assert watcher.live.last.touches("contact", out.contact_ids[-1])
        other = Database(db.url)  # a marker change after the burst: the burst was one refresh, the marker the next
        try:
            marker = await contacts.get_contact(other, admin, world.people["eve"])
            await contacts.update_contact(other, admin, marker.id, {"phone": "1"}, expected_version=marker.version)
        finally:
            await other.dispose()
        await wait_for(lambda: watcher.live.last.changes.get("contact") == {marker.id}, 5.0)
        assert watcher.live.refreshes == refreshes + 2


async def test_nothing_refreshes_behind_a_dialog_and_the_change_shows_when_it_closes(db, admin, world):
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        await b.press("m")  # the "move to column" picker in front of the board
        await settle(b)
        assert watcher.screen.is_modal
        refreshes = watcher.live.refreshes
        other = Database(db.url)
        try:
            ann = await contacts.get_contact(other, admin, world.people["ann"])
            await contacts.update_contact(
                other, admin, ann.id, {"lead_status": "Qualified"}, expected_version=ann.version
            )
        finally:
            await other.dispose()
        await wait_for(lambda: "contact" in watcher.live.changes, 2.0)  # heard, and held back
        await b.press("a")  # typed into the dialog while the change waits: not lost
        assert watcher.live.refreshes == refreshes
        await b.press("escape")
        await wait_for(lambda: "Ann Berg" in cards(watcher, "Qualified"), 2.0)
        assert watcher.live.refreshes == refreshes + 1


async def test_a_section_not_in_front_is_up_to_date_when_shown_again(db, admin, world):
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("b")
        await settle(b)
        board = watcher.screen
        await b.press("c")  # Companies in front, the board behind
        await settle(b)
        other = Database(db.url)
        try:
            ann = await contacts.get_contact(other, admin, world.people["ann"])
            await contacts.update_contact(
                other, admin, ann.id, {"lead_status": "Qualified"}, expected_version=ann.version
            )
        finally:
            await other.dispose()
        await wait_for(lambda: watcher.live.last is not None and watcher.live.last.touches("contact", ann.id), 2.0)
        await b.press("b")
        await wait_for(lambda: "Ann Berg" in cards(watcher, "Qualified"), 2.0)
        assert watcher.screen is board


async def test_a_list_reloads_its_page_in_place_keeping_the_highlighted_record(db, admin, world):
    from textual.widgets import DataTable

    from leadtui.services import companies
    from leadtui.widgets.paged_table import PagedTable

    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("c")
        await settle(b)
        paged = watcher.screen.query_one(PagedTable)
        paged.table.focus()
        await b.press("down")
        highlighted = paged.current_id()
        assert highlighted is not None
        renamed = next(i for i in (world.acme, world.nordic, world.oldco) if i != highlighted)
        other = Database(db.url)
        try:
            before = await companies.get_company(other, admin, renamed)
            await companies.update_company(other, admin, renamed, {"city": "Tromsø"}, expected_version=before.version)
        finally:
            await other.dispose()

        def shown() -> bool:
            table = paged.query_one(DataTable)
            return any("Tromsø" in str(cell) for i in range(table.row_count) for cell in table.get_row_at(i))

        await wait_for(shown, 2.0)
        assert paged.current_id() == highlighted  # the cursor stayed on its record
        assert watcher.focused is paged.table  # and the focus where it was
        assert paged.table.changed_rows == {paged.row_ids.index(renamed)}  # the changed row highlighted a moment
        await wait_for(lambda: not paged.table.changed_rows, 5.0)
        assert paged.current_id() == highlighted


@pytest.mark.parametrize("given_by", ["distribution", "intake"])
async def test_a_lead_the_distribution_gives_the_user_pops_up_at_once(db, admin, given_by):
    from leadtui.services import distribution, users
    from tests.services.people import person

    await users.add_user(db, admin, {"login": "anna", "full_name": "Anna", "role": "sales-rep"})
    await distribution.set_distribution(db, admin, {"mode": "users", "users": ["anna"]})
    watcher = LeadApp(db_url=db.url, user="anna")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)

        def first_look_done() -> bool:  # the look when the app opened (FIRST_LOOK) is over: what follows is live
            first = [t for t in watcher._timers if t.name == "new-leads-first"]
            busy = [w for w in watcher.workers if w.group == "new-leads" and not w.is_finished]
            return not busy and all(t._task is not None and t._task.done() for t in first)

        await wait_for(first_look_done, 10)
        other = Database(db.url)
        try:
            if given_by == "intake":  # a web form's lead, given out as it comes in
                from leadtui.services import intake

                await intake.intake(other, admin, ['{"first_name": "Lena", "last_name": "Lead"}'])
            else:  # a distribution run over leads without an owner
                await person(db, admin, None, "Lena", "Lead", owner=None)
                await distribution.distribute(other, admin)
        finally:
            await other.dispose()
        took = await wait_for(lambda: any("new lead" in n.message for n in watcher._notifications), 2.0)
        assert took < 2.0  # not after the 60 s check


async def test_find_results_show_another_sessions_edit_in_place_keeping_the_cursor(db, admin, world):
    from textual.widgets import DataTable

    from leadtui.screens.find import FindScreen
    from leadtui.services import companies

    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("f")
        await settle(b)
        find_screen = watcher.screen
        assert isinstance(find_screen, FindScreen)
        table = find_screen.query_one("#results", DataTable)
        table.focus()
        await b.press("down", "down")
        highlighted, row = find_screen.current_id(), table.cursor_row
        assert row == 2
        edited = next(i for i in world.people.values() if i != highlighted)
        other = Database(db.url)
        try:
            before = await contacts.get_contact(other, admin, edited)
            await contacts.update_contact(other, admin, edited, {"first_name": "Zoe"}, expected_version=before.version)
        finally:
            await other.dispose()

        def shown() -> bool:
            return any("Zoe " in str(cell) for i in range(table.row_count) for cell in table.get_row_at(i))

        await wait_for(shown, 2.0)
        assert find_screen.current_id() == highlighted and table.cursor_row == row  # the cursor stayed
        assert watcher.focused is table
        other = Database(db.url)
        try:  # a company renamed: the contacts found show its new name
            acme = await companies.get_company(other, admin, world.acme)
            await companies.update_company(other, admin, acme.id, {"name": "Acme Nova"}, expected_version=acme.version)
        finally:
            await other.dispose()
        await wait_for(
            lambda: any("Acme Nova" in str(c) for i in range(table.row_count) for c in table.get_row_at(i)), 2.0
        )
        assert find_screen.current_id() == highlighted and table.cursor_row == row


async def test_selections_follow_another_sessions_changes_keeping_the_members_cursor_and_marks(db, admin, world):
    from textual.widgets import DataTable

    from leadtui.screens.selections import SelectionsScreen
    from leadtui.services import selections

    p = world.people
    data = {"name": "A", "target": "persons", "kind": "static", "ids": [p["ann"], p["bob"], p["cid"], p["dan"]]}
    await selections.create_selection(db, admin, data)
    watcher = LeadApp(db_url=db.url, user="admin")
    async with watcher.run_test(size=(160, 40)) as b:
        await live_ready(b)
        await b.press("f")
        await settle(b)
        await b.press("l")
        await settle(b)
        screen = watcher.screen
        assert isinstance(screen, SelectionsScreen)
        await b.press("enter")  # to the members of A: Ann, Bob, Cid, Dan
        await settle(b)
        await b.press("space", "down")  # Ann marked, the cursor on Cid
        await settle(b)
        members = screen.query_one("#members", DataTable)
        assert screen.current_member() == p["cid"] and screen.marked == {p["ann"]}

        def cells() -> list[str]:
            return [" ".join(str(c) for c in members.get_row_at(i)) for i in range(members.row_count)]

        other = Database(db.url)
        try:
            bob = await contacts.get_contact(other, admin, p["bob"])
            await contacts.update_contact(other, admin, bob.id, {"first_name": "Robert"}, expected_version=bob.version)
            await wait_for(lambda: any("Robert" in row for row in cells()), 2.0)
            assert screen.current_member() == p["cid"] and members.cursor_row == 2  # the cursor stayed
            assert screen.marked == {p["ann"]} and cells()[0].startswith("✓")  # and the mark
            await selections.create_selection(other, admin, {"name": "Z", "target": "persons", "kind": "dynamic"})
            await wait_for(lambda: screen.query_one("#selections", DataTable).row_count == 2, 2.0)
            await settle(b)
        finally:
            await other.dispose()
        assert screen.current().name == "A"  # the list read again: the same selection highlighted
        assert screen.current_member() == p["cid"] and members.cursor_row == 2
        assert screen.marked == {p["ann"]} and cells()[0].startswith("✓")
        assert watcher.focused is members
