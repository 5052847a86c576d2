"""The Sales list, the sale card and its dialogs by keyboard (Pilot)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent

from leadtui.i18n.format import format_date
from leadtui.app import LeadApp
from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.picker_dialog import PickerDialog
from leadtui.screens.sale_card import SaleCard
from leadtui.screens.sale_delete_dialog import DeleteSaleDialog
from leadtui.screens.sales import SalesScreen
from leadtui.screens.conflict_dialog import ConflictDialog
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.services import activities, database, guides, sales, users
from leadtui.widgets.sales_tab import SalesTab
from tests.sales_helpers import add_company, add_contact
from tests.ui.conftest import settle

TODAY = date.today()


@pytest.fixture
async def seeded(tmp_path):
    path = tmp_path / "sales-ui.db"
    url = f"sqlite+aiosqlite:///{path}"
    db = await database.init_database(url, lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    await users.add_user(db, admin, {"login": "rita", "full_name": "Rita Rep", "role": "sales-rep"})
    acme = await add_company(db, "Acme Ltd")
    globex = await add_company(db, "Globex")
    ann = await add_contact(db, acme, "Ann", "Lee")
    deal = await sales.create_sale(
        db,
        admin,
        {
            "heading": "Website relaunch",
            "sale_type": "General sale",
            "company_id": acme,
            "amount": "1000",
            "cost": "600",
            "sale_date": "2030-01-01",
        },
    )
    other = await sales.create_sale(
        db,
        admin,
        {
            "heading": "Support contract",
            "sale_type": "General sale",
            "company_id": globex,
            "amount": "500",
            "sale_date": "2029-01-01",
        },
    )
    await db.dispose()
    return SimpleNamespace(path=str(path), acme=acme, globex=globex, ann=ann, deal=deal.id, other=other.id)


def app_for(seeded, user: str = "admin") -> LeadApp:
    return LeadApp(db_url=seeded.path, user=user)


def card(app: LeadApp) -> SaleCard:
    assert isinstance(app.screen, SaleCard), app.screen
    return app.screen


def error_text(app: LeadApp, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-error", Static).render())


async def open_sales(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SalesScreen)


async def open_sale(pilot, heading: str) -> SaleCard:
    await open_sales(pilot)
    table = pilot.app.screen.query_one("#sales-table", DataTable)
    headings = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=headings.index(heading))
    await pilot.press("enter")
    await settle(pilot)
    return card(pilot.app)


async def saved(pilot, sale_id: int):
    backend = await pilot.app.ready_backend()
    return await sales.get_sale(backend.db, sale_id)


async def set_input(pilot, field: str, value: str) -> None:
    pilot.app.screen.query_one(f"#{field}", Input).value = value
    await settle(pilot)


async def choose(pilot, field: str, value) -> None:  # noqa: ANN001
    pilot.app.screen.query_one(f"#{field}", Select).value = value
    await settle(pilot)


# ------------------------------------------------------------------ the Sales list


async def test_sales_list_shows_columns_status_icons_and_sums(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        table = app.screen.query_one("#sales-table", DataTable)
        first = [str(cell) for cell in table.get_row_at(0)]
        # the key columns first: heading, company, stage, amount
        assert first[:6] == ["Website relaunch", "Acme Ltd", "Lead", "1,000.00", "$", "01/01/2030"]
        assert first[-1] == "admin"
        status = str(app.screen.query_one("#sales-status", Static).render())
        assert "1-2 of 2" in status and "1,500.00" in status and "150.00" in status


async def test_search_as_you_type_filters_the_list(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        await pilot.press("slash", *"globex")
        await settle(pilot)
        table = app.screen.query_one("#sales-table", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Support contract"


# ------------------------------------------------------------------ new sale


async def test_new_sale_save_is_disabled_until_mandatory_fields_are_filled_then_creates(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = card(app)
        assert screen.editing
        assert app.screen.query_one("#save-button", Button).disabled
        missing = str(app.screen.query_one("#missing", Static).render())
        assert "Heading" in missing and "Company or Contact" in missing
        await pilot.press(*"Cloud migration")
        await settle(pilot)
        app.screen.query_one("#company_id", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerDialog)
        await pilot.press(*"acme", "enter")
        await settle(pilot)
        screen = card(app)
        assert not app.screen.query_one("#save-button", Button).disabled
        await set_input(pilot, "amount", "2500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing and screen.sale is not None
        out = await saved(pilot, screen.sale.id)
        assert (out.heading, out.company_name, str(out.amount), out.stage, out.owner) == (
            "Cloud migration",
            "Acme Ltd",
            "2500.00",
            "Lead",
            "admin",
        )
        assert out.sale_date == TODAY + timedelta(weeks=4)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)
        assert app.screen.query_one("#sales-table", DataTable).row_count == 3


async def test_escape_on_a_new_sale_leaves_without_saving(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Nothing", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # what was typed is not lost without asking
        await pilot.press("n")
        await settle(pilot)
        assert card(app).query_one("#heading", Input).value == "Nothing"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)
        assert app.screen.query_one("#sales-table", DataTable).row_count == 2


# ------------------------------------------------------------------ edit mode


async def test_e_edits_tabs_keep_edit_mode_escape_cancels_and_ctrl_s_saves(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        assert not screen.editing and app.screen.query_one("#heading", Input).disabled
        await pilot.press("e")
        await settle(pilot)
        assert screen.editing and not app.screen.query_one("#heading", Input).disabled
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-note" and screen.editing
        await pilot.press(*"Call before Friday")
        await pilot.press("ctrl+pageup", "ctrl+pageup")
        await settle(pilot)
        assert screen.editing
        await set_input(pilot, "heading", "Changed then cancelled")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not screen.editing
        assert app.screen.query_one("#heading", Input).value == "Website relaunch"
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Website relaunch 2.0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing
        assert (await saved(pilot, seeded.deal)).heading == "Website relaunch 2.0"


async def test_empty_heading_disables_save_and_says_which_field(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "")
        assert app.screen.query_one("#save-button", Button).disabled
        assert "Heading" in str(app.screen.query_one("#missing", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert card(app).editing and "Heading: is required" in error_text(app, "heading")
        assert (await saved(pilot, seeded.deal)).heading == "Website relaunch"


async def test_stage_sets_probability_live_and_an_override_is_kept(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        offer = next(s for s in screen.options.sale_types[0].stages if s.name == "Offer")
        await choose(pilot, "stage", str(offer.id))
        assert app.screen.query_one("#probability", Input).value == "50"
        assert "500.00" in str(app.screen.query_one("#weighted", Static).render())
        await set_input(pilot, "probability", "35")
        assert "350.00" in str(app.screen.query_one("#weighted", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        out = await saved(pilot, seeded.deal)
        assert (out.stage, out.probability) == ("Offer", 35)


async def test_profit_and_percentage_recompute_total_cost_live(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "percentage", "25")
        assert app.screen.query_one("#cost", Input).value == "750.00"
        assert app.screen.query_one("#profit", Input).value == "250.00"
        await set_input(pilot, "amount", "2000")
        assert app.screen.query_one("#cost", Input).value == "750.00"  # Amount keeps Total cost
        assert app.screen.query_one("#percentage", Input).value == "62.50"
        await set_input(pilot, "profit", "abc")
        assert "Profit" in error_text(app, "profit")
        await set_input(pilot, "profit", "1000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        out = await saved(pilot, seeded.deal)
        assert (out.amount, out.cost, out.percentage) == (Decimal("2000.00"), Decimal("1000.00"), Decimal("50.00"))


async def test_bad_amount_is_refused_at_the_field(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "amount", "lots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert card(app).editing and "Amount" in error_text(app, "amount")
        assert (await saved(pilot, seeded.deal)).amount == Decimal("1000.00")


async def test_a_percentage_that_cannot_be_taken_blocks_saving_instead_of_saving_another_value(seeded):
    """Typing 150 in Percentage passes through 1 and 15 (Total cost follows them); the 150 is refused, and the
    save must not store the 15 % the other fields still show."""
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+pagedown")
        app.screen.query_one("#percentage", Input).focus()
        await settle(pilot)
        await pilot.press("ctrl+u", *"150")
        await settle(pilot)
        assert "cannot be more than 100" in error_text(app, "percentage")
        assert app.screen.query_one("#save-button", Button).disabled
        assert "correct Percentage" in str(app.screen.query_one("#missing", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.editing and "cannot be more than 100" in error_text(app, "percentage")
        assert (await saved(pilot, seeded.deal)).cost == Decimal("600.00")
        await pilot.press("backspace")  # 15 %
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing and (await saved(pilot, seeded.deal)).cost == Decimal("850.00")


# ------------------------------------------------------------------ sold, lost, completed


async def test_lost_without_a_reason_is_refused_and_nothing_is_saved(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await choose(pilot, "stage", "lost")
        assert app.screen.query_one("#row-reason_lost").display
        assert app.screen.query_one("#probability", Input).value == "0"
        assert app.screen.query_one("#save-button", Button).disabled
        assert "Reason (lost)" in str(app.screen.query_one("#missing", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert card(app).editing
        assert "Reason (lost): is required" in error_text(app, "reason_lost")
        assert (await saved(pilot, seeded.deal)).status == "open"


async def test_lost_with_a_reason_saves_and_then_completed_can_be_set(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#completed").disabled  # only on sold or lost
        await choose(pilot, "stage", "lost")
        assert not app.screen.query_one("#completed").disabled
        reason = screen.options.reasons_lost[0]
        await choose(pilot, "reason_lost", reason.id)
        app.screen.query_one("#completed").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        out = await saved(pilot, seeded.deal)
        assert (out.status, out.reason, out.probability, out.completed, out.sale_date) == (
            "lost",
            reason.name,
            0,
            True,
            TODAY,
        )
        assert "✗ Lost" in str(app.screen.query_one("#card-title", Static).render())


async def test_sold_sets_the_date_to_today_which_can_be_changed(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await choose(pilot, "stage", "sold")
        assert app.screen.query_one("#sale_date", Input).value == format_date(TODAY)  # in the language's format
        assert "Date" in str(app.screen.query_one("#sale_date-label").render())
        await set_input(pilot, "sale_date", "2026-01-15")
        await choose(pilot, "reason_sold", screen.options.reasons_sold[0].id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        out = await saved(pilot, seeded.deal)
        assert (out.status, out.probability, out.sale_date) == ("sold", 100, date(2026, 1, 15))


# ------------------------------------------------------------------ stalled and follow-ups


async def test_stalled_needs_its_fields_then_offers_a_follow_up_that_can_be_skipped(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#row-next_activity").display
        app.screen.query_one("#stalled").value = True
        await settle(pilot)
        assert not app.screen.query_one("#row-next_activity").display
        assert app.screen.query_one("#row-reopen_date").display and app.screen.query_one("#row-reason_stalled").display
        missing = str(app.screen.query_one("#missing", Static).render())
        assert "Re-open date" in missing and "Reason (stalled)" in missing
        await set_input(pilot, "reopen_date", (TODAY - timedelta(days=2)).isoformat())
        await choose(pilot, "reason_stalled", screen.options.reasons_stalled[0].id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "today or later" in error_text(app, "reopen_date")
        await set_input(pilot, "reopen_date", (TODAY + timedelta(days=30)).isoformat())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        # the follow-up's date as the card shows its dates (the language's format)
        assert app.screen.query_one("#date", Input).value == format_date(TODAY + timedelta(days=30))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        out = await saved(pilot, seeded.deal)
        assert (out.status, out.reopen_date) == ("stalled", TODAY + timedelta(days=30))
        backend = await app.ready_backend()
        assert (await activities.list_follow_ups(backend.db, sale_id=seeded.deal)).total == 0


async def test_follow_up_after_stalling_is_saved_with_the_sale(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#stalled").value = True
        await set_input(pilot, "reopen_date", "+10")
        await choose(pilot, "reason_stalled", screen.options.reasons_stalled[0].id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        backend = await app.ready_backend()
        page = await activities.list_follow_ups(backend.db, sale_id=seeded.deal)
        assert page.total == 1 and page.rows[0].date == TODAY + timedelta(days=10)


async def test_activities_tab_adds_and_completes_follow_ups_and_next_activity_follows(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        app.screen.query_one("#date", Input).value = (TODAY - timedelta(days=1)).isoformat()
        app.screen.query_one("#text", Input).value = "Call Ann"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = card(app)
        assert screen.sale.next_activity == TODAY - timedelta(days=1) and screen.sale.next_activity_overdue
        app.screen.query_one(TabbedContent).active = "tab-activities"
        table = app.screen.query_one("#activities", DataTable)
        table.focus()
        await settle(pilot)
        # one timeline, newest first: the follow-up and the sale's stage and status lines
        texts = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert texts.count("Call Ann") == 1 and len(screen.activities) == 1
        row = texts.index("Call Ann")
        table.move_cursor(row=row)
        await pilot.press("space")
        await settle(pilot)
        assert str(table.get_row_at(row)[4]) == "✓"
        assert card(app).sale.next_activity is None


async def _plan_follow_up(seeded, text: str) -> None:
    db = database.Database(f"sqlite+aiosqlite:///{seeded.path}")
    try:
        admin = await database.resolve_actor(db, "admin")
        await activities.create_follow_up(db, admin, {"sale_id": seeded.deal, "date": "+3", "text": text})
    finally:
        await db.dispose()


async def _activities_line(pilot, text: str) -> DataTable:
    """The Activities tab in front, its table focused on the follow-up with this text."""
    pilot.app.screen.query_one(TabbedContent).active = "tab-activities"
    table = pilot.app.screen.query_one("#activities", DataTable)
    table.focus()
    await settle(pilot)
    texts = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
    table.move_cursor(row=texts.index(text))
    await settle(pilot)
    return table


def _offered(app: LeadApp) -> set[str]:
    return {a.binding.action for a in app.active_bindings.values() if a.enabled}


async def test_activities_tab_changes_a_follow_up_with_enter_and_deletes_it_with_delete(seeded):
    await _plan_follow_up(seeded, "Call Ann")
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        table = await _activities_line(pilot, "Call Ann")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        app.screen.query_one("#text", Input).value = "Call Ann back"
        await pilot.press("ctrl+s")
        await settle(pilot)
        texts = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "Call Ann back" in texts and "Call Ann" not in texts
        assert "delete_follow_up" in _offered(app)  # in the Footer, as on the contact and company cards
        table.move_cursor(row=texts.index("Call Ann back"))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        screen = card(app)
        assert screen.activities == [] and screen.sale.next_activity is None
        assert "Call Ann back" not in [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        backend = await app.ready_backend()
        assert (await activities.list_follow_ups(backend.db, sale_id=seeded.deal)).total == 0


async def test_who_may_not_edit_the_sale_is_not_offered_deleting_its_follow_ups(seeded):
    await _plan_follow_up(seeded, "Call Ann")
    app = app_for(seeded, "rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await _activities_line(pilot, "Call Ann")
        assert "delete_follow_up" not in _offered(app)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)  # no question: the key does nothing here
        backend = await app.ready_backend()
        assert (await activities.list_follow_ups(backend.db, sale_id=seeded.deal)).total == 1


# ------------------------------------------------------------------ delete and rights


async def test_delete_shows_the_details_deletes_and_ctrl_z_brings_it_back(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, DeleteSaleDialog)
        details = str(app.screen.query_one("#details", Static).render())
        assert "Website relaunch" in details and "Acme Ltd" in details and "1,000.00" in details
        assert "Undo (ctrl+z) brings both back" in str(app.screen.query_one("#warning", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)
        assert app.screen.query_one("#sales-table", DataTable).row_count == 1
        await pilot.press("ctrl+z")  # as the dialog said
        await settle(pilot)
        assert app.screen.query_one("#sales-table", DataTable).row_count == 2
        assert (await saved(pilot, seeded.deal)).heading == "Website relaunch"


async def test_answering_no_keeps_the_sale(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        assert (await saved(pilot, seeded.deal)).id == seeded.deal


async def test_a_rep_is_not_offered_deleting_someone_elses_sale(seeded):
    app = app_for(seeded, "rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        assert "delete" not in {a.binding.action for a in app.active_bindings.values() if a.enabled}
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)  # no confirmation: the option is not available
        assert (await saved(pilot, seeded.deal)).id == seeded.deal


async def test_a_rep_is_not_offered_deleting_someone_elses_sale_from_the_list_either(seeded):
    app = app_for(seeded, "rita")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        assert "delete_sale" not in {a.binding.action for a in app.active_bindings.values() if a.enabled}
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)  # no question, nothing deleted
        assert app.screen.query_one("#sales-table", DataTable).row_count == 2


async def test_a_rep_cannot_enter_edit_mode_on_someone_elses_sale(seeded):
    app = app_for(seeded, "rita")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        assert not screen.editing
        assert not screen.query_one("#edit-button").display  # Edit is not offered; the card says read-only


# ------------------------------------------------------------------ stale edits


async def test_a_stale_save_keep_editing_keeps_mine_takes_in_theirs_and_saves_knowingly(seeded):
    """The same as the company and contact cards (card_base): nothing is overwritten silently."""
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Mine")
        await set_input(pilot, "cost", "100")
        backend = await app.ready_backend()
        await sales.update_sale(
            backend.db, backend.actor, seeded.deal, {"heading": "Theirs", "amount": "2000", "description": "Their note"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        changes = str(app.screen.query_one("#conflict-changes", Static).render())
        assert "Website relaunch  →  Theirs" in changes and "1,000.00  →  2,000.00" in changes
        await pilot.press("k")
        await settle(pilot)
        assert screen.editing
        values = {
            field: app.screen.query_one(f"#{field}", Input).value for field in ("heading", "amount", "cost", "profit")
        }
        assert values == {"heading": "Mine", "amount": "2,000.00", "cost": "100", "profit": "1,900.00"}
        assert app.screen.query_one("#description").text == "Their note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing
        now = await saved(pilot, seeded.deal)
        assert (now.heading, now.amount, now.cost, now.description) == (
            "Mine",
            Decimal("2000.00"),
            Decimal("100.00"),
            "Their note",
        )


async def test_a_stale_save_reload_shows_theirs_and_drops_mine(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Mine")
        backend = await app.ready_backend()
        await sales.update_sale(backend.db, backend.actor, seeded.deal, {"heading": "Theirs"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("r")
        await settle(pilot)
        assert not screen.editing and app.screen.query_one("#heading", Input).value == "Theirs"
        assert (await saved(pilot, seeded.deal)).heading == "Theirs"


# ------------------------------------------------------------------ sales guide and history


async def test_guided_sale_shows_stages_and_creates_a_suggested_follow_up(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        backend = await app.ready_backend()
        await guides.set_guide(backend.db, backend.actor, "General sale", True)
        await guides.add_guide_item(
            backend.db,
            backend.actor,
            "General sale",
            "Contact",
            {"name": "Intro call", "start_offset_days": 3, "default_text": "Say hello"},
        )
        await sales.update_sale(backend.db, backend.actor, seeded.deal, {"stage": "Offer"})
        await open_sale(pilot, "Website relaunch")
        tabs = app.screen.query_one(TabbedContent)
        tabs.active = "tab-guide"
        table = app.screen.query_one("#guide", DataTable)
        table.focus()
        await settle(pilot)
        rows = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]).strip()) for i in range(table.row_count)]
        assert rows[:4] == [("✓", "Lead"), ("✓", "Contact"), ("", "• Intro call"), ("●", "Offer")]
        table.move_cursor(row=2)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        assert app.screen.query_one("#date", Input).value == format_date(TODAY + timedelta(days=3))
        assert app.screen.query_one("#text", Input).value == "Say hello"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#guide", DataTable).get_row_at(2)[2]) == "planned"


async def test_changing_to_an_unguided_type_hides_the_guide_tab(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        backend = await app.ready_backend()
        await guides.set_guide(backend.db, backend.actor, "General sale", True)
        screen = await open_sale(pilot, "Website relaunch")
        tabs = app.screen.query_one(TabbedContent)
        assert not tabs.get_tab("tab-guide").has_class("-hidden")
        await pilot.press("e")
        await settle(pilot)
        renewal = next(t.id for t in screen.options.sale_types if t.name == "Renewal")
        await choose(pilot, "sale_type", renewal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert tabs.get_tab("tab-guide").has_class("-hidden")


async def test_history_tab_lists_stage_and_status_changes(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        backend = await app.ready_backend()
        await sales.update_sale(backend.db, backend.actor, seeded.deal, {"stage": "Offer"})
        await open_sale(pilot, "Website relaunch")
        table = app.screen.query_one("#history", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)][1:4] for i in range(table.row_count)]
        assert rows[0] == ["Stage", "Lead", "Offer"] and ["Status", "—", "Open"] in rows


# ------------------------------------------------------------------ Sales section tab and Settings


class TabHost(Screen):
    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id

    def compose(self):  # noqa: ANN201
        yield SalesTab(company_id=self.company_id)


async def test_sales_tab_lists_a_companys_sales_with_sums_and_n_prefills_the_company(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await app.push_screen(TabHost(seeded.acme))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Website relaunch"
        assert "Σ amount 1,000.00" in str(app.screen.query_one("#sales-status", Static).render())
        table.focus()
        await pilot.press("n")
        await settle(pilot)
        assert card(app).company == (seeded.acme, "Acme Ltd")
        await pilot.press(*"Extra licences", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 2


async def test_settings_g_opens_the_sales_guide_of_a_sale_type(seeded):
    from leadtui.screens.sales_guide_dialog import SalesGuideDialog

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#kinds").highlighted = 3
        await settle(pilot)
        app.screen.query_one("#items", DataTable).focus()
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, SalesGuideDialog)
        assert app.screen.guide.sale_type == "General sale"
        app.screen.query_one("#has_guide").value = True
        await settle(pilot)
        app.screen.query_one("#auto_advance").value = True  # G6: suggest moving to the next stage
        await settle(pilot)
        backend = await app.ready_backend()
        guide = await guides.get_sale_type_guide(backend.db, "General sale")
        assert guide.has_guide and guide.auto_advance
        units = [str(label) for label, _value in app.screen.query_one("#duration_unit", Select)._options]
        assert units == ["days", "weeks", "months"]


async def test_a_sale_of_a_type_without_stages_stays_open_when_saved(seeded):
    from leadtui.screens.sale_card import NO_STAGE
    from leadtui.services import lists

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        backend = await app.ready_backend()
        await lists.add_item(backend.db, backend.actor, "sale-type", {"name": "Stageless"})
        await sales.update_sale(backend.db, backend.actor, seeded.deal, {"sale_type": "Stageless"})
        screen = await open_sale(pilot, "Website relaunch")
        assert app.screen.query_one("#stage", Select).value == NO_STAGE
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Still open")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing
        out = await saved(pilot, seeded.deal)
        assert (out.heading, out.status, out.stage) == ("Still open", "open", None)


# ------------------------------------------------------------------ sales guide prompts (G5, G6)


async def guided_deal(app, seeded, *, auto_suggest: bool = True, auto_advance: bool = False) -> int:
    """General sale guided; stage Lead suggests 'Intro call' then 'Send brochure'; the deal has the intro call."""
    backend = await app.ready_backend()
    await guides.set_guide(backend.db, backend.actor, "General sale", True)
    intro = await guides.add_guide_item(backend.db, backend.actor, "General sale", "Lead", {"name": "Intro call"})
    await guides.add_guide_item(
        backend.db,
        backend.actor,
        "General sale",
        "Lead",
        {"name": "Send brochure", "auto_suggest": auto_suggest, "start_offset_days": 1, "default_text": "Brochure"},
    )
    if auto_advance:
        await guides.set_sale_type_options(backend.db, backend.actor, "General sale", {"auto_advance": True})
    made = await guides.create_follow_up_from_guide(backend.db, backend.actor, seeded.deal, intro.id)
    return made.id


async def complete_first_follow_up(pilot) -> None:
    app = pilot.app
    app.screen.query_one(TabbedContent).active = "tab-activities"
    table = app.screen.query_one("#activities", DataTable)
    table.focus()
    # the oldest follow-up: the timeline lists newest first, with the sale's stage and status changes
    table.move_cursor(row=table.get_row_index(str(app.screen.activities[-1].id)))
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)


async def follow_up_texts(pilot) -> list[str]:
    backend = await pilot.app.ready_backend()
    return [row.text for row in (await activities.list_follow_ups(backend.db, sale_id=pilot.app.screen.sale.id)).rows]


async def test_completing_a_guide_follow_up_offers_the_next_suggested_one_and_create_makes_it(seeded):
    from leadtui.screens.guide_suggestion_dialog import GuideSuggestionDialog

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await guided_deal(app, seeded)
        await open_sale(pilot, "Website relaunch")
        await complete_first_follow_up(pilot)
        assert isinstance(app.screen, GuideSuggestionDialog)
        text = str(app.screen.query_one("#suggestion", Static).render())
        assert "Send brochure" in text and "Brochure" in text and "Type: Meeting" in text  # the first type
        await pilot.press("enter")  # Create has the focus
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        assert await follow_up_texts(pilot) == ["Intro call", "Brochure"]
        guide = app.screen.query_one("#guide", DataTable)
        cells = [[str(c).strip() for c in guide.get_row_at(i)] for i in range(guide.row_count)]
        assert ["", "• Send brochure", "planned"] in cells


async def test_cancel_in_the_sales_guide_dialog_creates_nothing(seeded):
    from leadtui.screens.guide_suggestion_dialog import GuideSuggestionDialog

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await guided_deal(app, seeded)
        await open_sale(pilot, "Website relaunch")
        await complete_first_follow_up(pilot)
        assert isinstance(app.screen, GuideSuggestionDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard) and len(await follow_up_texts(pilot)) == 1


async def test_always_create_stops_asking_and_the_palette_command_asks_again(seeded):
    from leadtui.screens.guide_suggestion_dialog import GuideSuggestionDialog
    from leadtui.services import preferences

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await guided_deal(app, seeded)
        await open_sale(pilot, "Website relaunch")
        await complete_first_follow_up(pilot)
        assert isinstance(app.screen, GuideSuggestionDialog)
        await pilot.press("shift+tab", "space", "tab", "enter")  # tick "Always create follow-up", Create
        await settle(pilot)
        backend = await app.ready_backend()
        assert not await preferences.confirm_suggested_follow_up(backend.db, backend.actor)
        assert len(await follow_up_texts(pilot)) == 2
        # next time it is created without the dialog: un-complete and complete the intro call again after
        # deleting the brochure follow-up
        brochure = (await activities.list_follow_ups(backend.db, sale_id=seeded.deal)).rows[-1]
        await activities.delete_follow_up(backend.db, backend.actor, brochure.id)
        await complete_first_follow_up(pilot)  # un-complete
        await complete_first_follow_up(pilot)  # complete: no dialog
        assert isinstance(app.screen, SaleCard)
        assert len(await follow_up_texts(pilot)) == 2
        assert any("Confirm creation of suggested follow-up" in n.message for n in app._notifications)
        # the command palette's switch turns the question back on
        command = next(c for c in app.screen.palette_commands() if c[0].startswith("Preferences:"))
        command[2]()
        await settle(pilot)
        assert await preferences.confirm_suggested_follow_up(backend.db, backend.actor)


async def test_completing_every_suggestion_of_a_stage_asks_to_move_on_and_yes_moves_the_sale(seeded):
    from leadtui.screens.dialogs import ConfirmDialog

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        intro = await guided_deal(app, seeded, auto_suggest=False, auto_advance=True)
        backend = await app.ready_backend()
        brochure = (await guides.get_sale_type_guide(backend.db, "General sale")).stages[0].items[1]
        made = await guides.create_follow_up_from_guide(backend.db, backend.actor, seeded.deal, brochure.id)
        await activities.set_completed(backend.db, backend.actor, made.id, True)
        screen = await open_sale(pilot, "Website relaunch")
        assert intro == screen.activities[-1].id  # the oldest: the timeline is newest first
        await complete_first_follow_up(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Move the sale on to the stage 'Contact'" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard)
        now = await saved(pilot, seeded.deal)
        assert (now.stage, now.probability) == ("Contact", 20)
        assert app.screen.query_one("#stage", Select).value == str(now.stage_id)


async def test_no_to_moving_on_keeps_the_stage(seeded):
    from leadtui.screens.dialogs import ConfirmDialog

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await guided_deal(app, seeded, auto_suggest=False, auto_advance=True)
        backend = await app.ready_backend()
        brochure = (await guides.get_sale_type_guide(backend.db, "General sale")).stages[0].items[1]
        made = await guides.create_follow_up_from_guide(backend.db, backend.actor, seeded.deal, brochure.id)
        await activities.set_completed(backend.db, backend.actor, made.id, True)
        await open_sale(pilot, "Website relaunch")
        await complete_first_follow_up(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert (await saved(pilot, seeded.deal)).stage == "Lead"


async def test_ctrl_z_on_the_card_undoes_the_last_save_and_shows_it(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Renamed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (await saved(pilot, seeded.deal)).heading == "Renamed"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert (await saved(pilot, seeded.deal)).heading == "Website relaunch"
        assert app.screen.query_one("#heading", Input).value == "Website relaunch"


async def test_the_company_picker_says_where_companies_are_added_when_none_is_found(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        await pilot.press("n")
        await settle(pilot)
        card(app).pick_company()
        await settle(pilot)
        assert isinstance(app.screen, PickerDialog)
        hint = app.screen.query_one("#picker-empty", Static)
        assert not hint.display
        await pilot.press(*"zzz")
        await settle(pilot)
        assert hint.display and "Companies are added under Companies (c)" in str(hint.render())


# ------------------------------------------------------------------ the card base: tab keys, edit mode, close result


async def test_greater_and_less_than_switch_tabs_on_the_sale_card_as_on_the_other_cards(seeded):
    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sale(pilot, "Website relaunch")
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert tabs.active == "tab-details"
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(pilot)
        assert tabs.active == "tab-history"  # round from the first tab to the last
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert tabs.active == "tab-sale"


async def test_edit_mode_is_shown_in_the_same_place_on_the_sale_company_and_contact_cards(seeded):
    from leadtui import navigation

    app = app_for(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sale(pilot, "Website relaunch")
        assert screen.sub_title == ""
        await pilot.press("e")
        await settle(pilot)
        editing = screen.sub_title
        assert "editing" in editing and "ctrl+s" in editing
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.editing and screen.sub_title == ""
        await pilot.press("escape")
        await settle(pilot)
        for kind, record_id in (("company", seeded.acme), ("contact", seeded.ann)):
            navigation.open_record(app, kind, record_id)
            await settle(pilot)
            assert app.screen.sub_title == ""
            await pilot.press("e")
            await settle(pilot)
            assert app.screen.sub_title == editing, kind
            await pilot.press("escape", "escape")
            await settle(pilot)


async def test_the_sale_card_closes_with_a_typed_result_changed_record_id_and_deleted(seeded):
    from leadtui import navigation
    from leadtui.navigation import Closed

    app = app_for(seeded)
    results: list[Closed] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sales(pilot)
        navigation.open_record(app, "sale", seeded.deal, results.append)  # looked at, nothing changed
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        navigation.open_record(app, "sale", seeded.deal, results.append)  # saved
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await set_input(pilot, "heading", "Renamed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        navigation.open_record(app, "sale", seeded.other, results.append)  # deleted
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, DeleteSaleDialog)
        await pilot.press("y")
        await settle(pilot)
        navigation.new_record(app, "sale", results.append, company_id=seeded.acme)  # new, left unsaved
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SalesScreen)
    assert results == [
        Closed(changed=False, record_id=seeded.deal),
        Closed(changed=True, record_id=seeded.deal),
        Closed(changed=True, record_id=seeded.other, deleted=True),
        Closed(changed=False, record_id=None),
    ]
