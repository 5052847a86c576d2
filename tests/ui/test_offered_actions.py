"""Actions the user may not take are not offered (issue: keys never misfire): no Edit or Delete on another user's
sale for a sales rep (the card says read-only up front), no Delete on the default lead status, no list changes for
a user who is not an administrator."""

from __future__ import annotations

from textual.widgets import DataTable

from leadtui.app import LeadApp
from leadtui.screens.sale_card import SaleCard
from leadtui.screens.settings import SettingsScreen
from tests.ui.conftest import settle
from tests.ui.test_sale_card import seeded  # noqa: F401 - the fixture


def offered(app: LeadApp) -> set[str]:
    return {active.binding.action for active in app.active_bindings.values() if active.enabled}


async def open_first_sale(pilot) -> SaleCard:
    await pilot.press("s")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SaleCard)
    return pilot.app.screen


async def test_a_rep_is_not_offered_edit_or_delete_on_another_users_sale(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        card = await open_first_sale(pilot)
        assert not {"edit", "delete"} & offered(app)
        assert not card.query_one("#edit-button").display and not card.query_one("#delete-button").display
        assert "read-only for you" in str(card.query_one("#card-title").render())
        await pilot.press("e")
        await settle(pilot)
        assert not card.editing


async def test_the_owner_is_offered_edit_and_delete(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        card = await open_first_sale(pilot)
        assert {"edit", "delete"} <= offered(app)
        assert card.query_one("#edit-button").display and card.query_one("#delete-button").display
        assert "read-only" not in str(card.query_one("#card-title").render())


async def highlight(pilot, name: str) -> None:
    screen = pilot.app.screen
    table = screen.query_one("#items", DataTable)
    index = next(i for i, item in enumerate(screen.items) if item.name == name)
    table.move_cursor(row=index)
    await pilot.pause()


async def test_the_default_lead_status_is_not_offered_for_deletion(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.kind = "lead-status"
        await settle(pilot)
        await highlight(pilot, "Open")
        assert "delete" not in offered(app) and "edit" in offered(app)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen  # no question asked only to be refused
        await highlight(pilot, "Qualified")
        assert "delete" in offered(app)


async def test_a_rep_is_offered_no_list_changes(seeded):  # noqa: F811
    app = LeadApp(db_url=seeded.path, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("t")
        await settle(pilot)
        assert not {"add", "edit", "delete", "restore"} & offered(app)


async def test_a_rep_is_not_offered_edit_delete_or_move_on_another_users_company_and_contact(app_db):
    from leadtui.services import users
    from tests.ui.seed import seed, with_services

    await seed(app_db)  # the companies and contacts belong to admin
    await with_services(
        app_db, lambda db, admin: users.add_user(db, admin, {"login": "rita", "full_name": "Rita", "role": "sales-rep"})
    )
    app = LeadApp(db_url=app_db, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        for section, actions in (("c", {"edit", "delete_company"}), ("p", {"edit", "delete_contact", "move"})):
            await pilot.press(section)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            card = app.screen
            assert "read-only for you" in str(card.query_one("#card-title").render())
            assert not actions & offered(app), section
            await pilot.press("e")
            await settle(pilot)
            assert not card.editing


async def test_the_read_only_note_of_a_sale_with_a_long_heading_shows_at_80x24(seeded):  # noqa: F811
    from leadtui.services import database, sales

    db = await database.connect(f"sqlite+aiosqlite:///{seeded.path}", create=False)
    try:
        admin = await database.resolve_actor(db, "admin")
        await sales.update_sale(db, admin, seeded.deal, {"heading": "Vervanging van elektrische bestelwagens"})
    finally:
        await db.dispose()
    app = LeadApp(db_url=seeded.path, user="rita", lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready_backend()
        await pilot.press("s")
        await settle(pilot)
        table = app.screen.query_one("#sales-table", DataTable)
        headings = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=next(i for i, h in enumerate(headings) if h.startswith("Vervanging")))
        await pilot.press("enter")
        await settle(pilot)
        title = app.screen.query_one("#card-title")
        lines = title.render_lines(title.region.reset_offset)  # what is drawn, not the text behind it
        drawn = "".join(segment.text for line in lines for segment in line)
        assert "alleen-lezen voor u" in " ".join(drawn.split())


async def test_a_rep_is_offered_delete_on_their_own_contacts_only(app_db):
    from leadtui.services import companies, contacts, database, users
    from leadtui.widgets.contacts_table import ContactsTable
    from tests.ui.seed import seed, with_services

    await seed(app_db)  # Ann, Bo and Gus belong to admin (their companies' Our contact)

    async def rita_and_hers(db, admin):  # noqa: ANN001, ANN202
        await users.add_user(db, admin, {"login": "rita", "full_name": "Rita", "role": "sales-rep"})
        rita = await database.resolve_actor(db, "rita")
        beta = await companies.create_company(db, rita, {"name": "Beta", "category": "Lead"})
        await contacts.create_contact(db, rita, {"company": beta.id, "first_name": "Rob", "last_name": "Ray"})

    await with_services(app_db, rita_and_hers)
    app = LeadApp(db_url=app_db, user="rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        offers = {}
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await settle(pilot)
            offers[app.screen.query_one(ContactsTable).current_row().name] = "delete_contact" in offered(app)
        assert offers == {"Ann Berg": False, "Bo Berg": False, "Gus Grey": False, "Rob Ray": True}
