"""Moving a contact with its sales and follow-ups, and Settings > Recycle bin, by keyboard (Pilot)."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from leadtui.screens.companies import CompaniesScreen
from leadtui.screens.company_picker import CompanyPickerDialog
from leadtui.screens.contact_card import ContactCard
from leadtui.screens.move_contact_dialog import MoveContactDialog
from leadtui.screens.recycle_bin import RecycleBinScreen
from leadtui.screens.settings import SettingsScreen
from leadtui.services import activities, companies, contacts, recycle, sales
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services
from tests.ui.test_contact_card import cell_texts, open_contact, text_of


async def test_move_a_contact_taking_all_its_sales_and_follow_ups(app, app_db):
    ids = await seed(app_db)

    async def add(db, actor):
        await sales.create_sale(
            db, actor, {"heading": "Grey deal", "sale_type": "General sale", "contact_id": ids["gus"]}
        )
        await activities.create_follow_up(db, actor, {"contact_id": ids["gus"], "date": "2026-05-01", "text": "Call"})

    await with_services(app_db, add)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contact(pilot, "Gus Grey")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CompanyPickerDialog)
        await pilot.press(*"acm")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveContactDialog)
        assert "1 follow-up, 1 sale" in text_of(app, "#carry-counts")
        await pilot.press("down", "enter")  # "Move them all to 'Acme'"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactCard)
        assert "Moved 'Gus Grey' to Acme." in [n.message for n in app._notifications]

    async def check(db, actor):
        found = await sales.list_sales(db, actor, search="Grey deal")
        return found.rows[0].company_name, (await contacts.get_contact(db, actor, ids["gus"])).company_name

    assert await with_services(app_db, check) == ("Acme", "Acme")


async def test_a_bad_from_date_is_told_at_the_field(app, app_db):
    ids = await seed(app_db)
    await with_services(
        app_db,
        lambda db, actor: sales.create_sale(
            db, actor, {"heading": "Grey deal", "sale_type": "General sale", "contact_id": ids["gus"]}
        ),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contact(pilot, "Gus Grey")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"acm")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "down", "enter", *"31.02.x", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoveContactDialog)
        assert text_of(app, "#carry_from-error").startswith("From date:")
    gus = await with_services(app_db, lambda db, actor: contacts.get_contact(db, actor, ids["gus"]))
    assert gus.company_name == "Globex"


async def test_settings_recycle_bin_restores_a_deleted_company_by_keyboard(app, app_db):
    ids = await seed(app_db)
    await with_services(app_db, lambda db, actor: companies.delete_company(db, actor, ids["acme"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.ready_backend()
        await pilot.press("c")
        await settle(pilot)
        assert "Acme" not in cell_texts(app.screen.query_one(DataTable), 0)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.focus()
        await pilot.press("end", "enter")  # the "Recycle bin" entry under the lists
        await settle(pilot)
        assert isinstance(app.screen, RecycleBinScreen)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(0)[i]) for i in (0, 1, 2)] == ["Company", "Acme", "with 2 contacts"]
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("escape", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert "Acme" in cell_texts(app.screen.query_one(DataTable), 0)


async def test_restore_is_not_offered_to_who_may_not_and_R_opens_the_bin(app, app_db):
    ids = await seed(app_db)

    async def prepare(db, actor):
        from leadtui.services import users

        await users.add_user(db, actor, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
        await companies.delete_company(db, actor, ids["acme"])

    await with_services(app_db, prepare)
    from leadtui.app import LeadApp

    rita = LeadApp(db_url=app_db, user="rita")
    async with rita.run_test(size=(80, 24)) as pilot:
        await pilot.app.ready_backend()
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(rita.screen, RecycleBinScreen)
        assert rita.screen.query_one(DataTable).row_count == 1
        assert not rita.screen.check_action("restore", ())
        await pilot.press("r")
        await settle(pilot)
    left = await with_services(app_db, lambda db, actor: recycle.list_recycled(db, actor))
    assert [(r.kind, r.name) for r in left] == [("company", "Acme")]
