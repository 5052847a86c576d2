"""The duplicate check while a new contact or company is typed (Pilot): the hint names the existing record and
ctrl+g opens its card on top of the new one, which keeps what was typed."""

from __future__ import annotations

from textual.widgets import Input

from leadtui.screens.company_card import CompanyCard
from leadtui.screens.contact_card import ContactCard
from leadtui.widgets.duplicate_hint import DuplicateHint
from tests.ui.conftest import settle
from tests.ui.seed import seed


async def open_new(pilot, card) -> None:  # noqa: ANN001
    await pilot.app.ready_backend()
    pilot.app.push_screen(card)
    await settle(pilot)


async def typed(pilot, screen, **values: str) -> None:  # noqa: ANN001
    for field, value in values.items():
        screen.query_one(f"#{field}", Input).value = value
    await pilot.pause(0.5)  # the hint waits for a pause in the typing
    await settle(pilot)


def footer_keys(app) -> set[str]:  # noqa: ANN001
    """The actions the Footer shows now."""
    return {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show}


async def test_typing_an_existing_email_names_the_contact_and_ctrl_g_opens_it(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        new = ContactCard(None)
        await open_new(pilot, new)
        hint = new.query_one(DuplicateHint)
        assert not hint.matches and "open_duplicate" not in footer_keys(app)
        await typed(pilot, new, first_name="Zed", email="ANN@Acme.Example ")
        assert [(m.id, m.reason) for m in hint.matches] == [(ids["ann"], "same email")]
        assert "Possible duplicate: Ann Berg (Acme) (same email) · ctrl+g opens it" in str(hint.render())
        assert "open_duplicate" in footer_keys(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ContactCard) and app.screen.contact_id == ids["ann"]
        assert app.screen.query_one("#first_name", Input).value == "Ann"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is new and new.query_one("#first_name", Input).value == "Zed"


async def test_a_similar_name_is_offered_and_the_hint_goes_when_nothing_matches(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        new = ContactCard(None)
        await open_new(pilot, new)
        await typed(pilot, new, first_name="Annabel", last_name="berg")
        hint = new.query_one(DuplicateHint)
        assert [(m.id, m.reason) for m in hint.matches] == [(ids["ann"], "similar name")]
        await typed(pilot, new, first_name="Xavier")
        assert hint.matches == [] and hint.has_class("-none")
        assert "open_duplicate" not in footer_keys(app)


async def test_a_new_company_with_a_known_name_core_opens_the_existing_company(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        new = CompanyCard(None)
        await open_new(pilot, new)
        await typed(pilot, new, name="ACME Nordic A/S")
        hint = new.query_one(DuplicateHint)
        assert [(m.id, m.reason) for m in hint.matches] == [(ids["acme"], "similar name")]
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, CompanyCard) and app.screen.company_id == ids["acme"]


async def test_saving_the_new_contact_removes_the_hint(app, app_db):
    await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        new = ContactCard(None)
        await open_new(pilot, new)
        await typed(pilot, new, first_name="Ann", last_name="Berg")
        assert new.query_one(DuplicateHint).matches  # a warning, not a block: saving is still allowed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert new.loaded is not None and not new.query(DuplicateHint)
        assert "open_duplicate" not in footer_keys(app)
