"""Lead categorization by keyboard (Pilot): a rule set in Settings fires on a board move and asks; accepting sets
the company's category (SPEC.md 2.5 A1, A4, A5)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, OptionList

from leadtui.screens.board import BoardScreen
from leadtui.screens.category_suggestion_dialog import CategorySuggestionDialog
from leadtui.screens.lead_categorization_dialog import LeadCategorizationDialog
from leadtui.screens.settings import SettingsScreen
from leadtui.services import automation, companies, database
from tests.services.find_data import build
from tests.ui.conftest import settle


@pytest.fixture
async def world(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    out = await build(db, admin)
    await db.dispose()
    return out


async def configure_sold_rule_by_keys(pilot) -> None:
    """Settings (t), Lead categorization (l); the second rule (sold): on, Set category to Customer, ask; save."""
    app = pilot.app
    await app.ready_backend()
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(app.screen, SettingsScreen)
    await pilot.press("l")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, LeadCategorizationDialog)
    await pilot.press("tab", "tab", "tab", "space")  # the switch of "when a sale is sold"
    await settle(pilot)
    assert dialog.query_one("#ok", Button).disabled  # A5: on without a category
    assert "Choose a category" in str(dialog.query_one("#a5-note").render())
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert app.screen is dialog  # not saved
    await pilot.press("tab", "enter")  # Set category to: open the list
    await settle(pilot)
    await pilot.press(*["down"] * 5, "enter")  # (No selection), Lead, MQL, Opportunity, Lost opportunity, Customer
    await settle(pilot)
    await pilot.press("tab", "space")  # Ask for user confirmation before updating
    await settle(pilot)
    assert not dialog.query_one("#ok", Button).disabled
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, SettingsScreen)
    backend = await app.ready_backend()
    sold = next(r for r in (await automation.get_rules(backend.db)).rules if r.trigger == "sold")
    assert (sold.enabled, sold.category, sold.confirm) == (True, "Customer", True)


async def test_a_rule_set_in_settings_asks_after_a_board_move_and_enter_applies_it(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await configure_sold_rule_by_keys(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        app.screen.show_source(target="sale", selection_id=None)
        await settle(pilot)
        await pilot.press("l", "l")  # Offer: Website (Acme, category Lead)
        assert app.screen.current_card().title == "Website"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("6", "enter")  # Sold
        await settle(pilot)
        await pilot.press(*"price", "enter")  # Reason (sold)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CategorySuggestionDialog)
        options = dialog.query_one("#categories", OptionList)
        assert "Customer" in str(options.get_option_at_index(options.highlighted).prompt)  # preselected
        assert "Acme" in str(dialog.query_one("#question").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        backend = await app.ready_backend()
        assert (await companies.get_company(backend.db, backend.actor, world.acme)).category == "Customer"


async def test_escape_skips_and_the_category_stays(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        backend = await app.ready_backend()
        await automation.set_rules(
            backend.db, backend.actor, [{"trigger": "sold", "category": "Customer", "enabled": True, "confirm": True}]
        )
        await pilot.press("b")
        await settle(pilot)
        app.screen.show_source(target="sale", selection_id=None)
        await settle(pilot)
        await pilot.press("l", "l", "m")
        await settle(pilot)
        await pilot.press("6", "enter")
        await settle(pilot)
        await pilot.press(*"price", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CategorySuggestionDialog)
        await pilot.press("up", "up")  # another category is picked with the arrows (Opportunity) ...
        await pilot.press("escape")  # ... but Escape skips
        await settle(pilot)
        assert (await companies.get_company(backend.db, backend.actor, world.acme)).category == "Lead"


async def test_a_lead_status_rule_asks_after_the_contact_card_is_saved(app, app_db):
    from textual.widgets import DataTable, Select

    from leadtui.screens.contact_card import ContactCard
    from tests.ui.seed import seed, with_services

    ids = await seed(app_db)  # Acme (Lead) with Ann (Open)
    await with_services(
        app_db,
        lambda db, actor: automation.set_rules(
            db,
            actor,
            [
                {
                    "trigger": "lead_status",
                    "lead_status": "Contacting",
                    "category": "Opportunity",
                    "enabled": True,
                    "confirm": True,
                }
            ],
        ),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        table.focus()
        table.move_cursor(row=[str(table.get_row_at(i)[1]) for i in range(table.row_count)].index("Ann Berg"))
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ContactCard)
        await pilot.press("e")
        await settle(pilot)
        card.query_one("#lead_status", Select).focus()
        await pilot.press("enter", "down", "enter", "ctrl+s")  # Contacting, save
        await settle(pilot)
        assert isinstance(app.screen, CategorySuggestionDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is card
        assert str(card.query_one("#category-value").render()).startswith("Opportunity")
    acme = await with_services(app_db, lambda db, actor: companies.get_company(db, actor, ids["acme"]))
    assert acme.category == "Opportunity"
