"""The Find screen and the selections list by keyboard (Pilot): criteria, bad input, paging, columns, saving a
selection, deleting one."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from leadtui.screens.find import FindScreen
from leadtui.screens.selections import SelectionsScreen
from leadtui.services import database, selections
from leadtui.widgets.criteria_editor import CriterionDialog
from tests.services.find_data import build
from tests.ui.conftest import settle


@pytest.fixture
async def world(app_db):
    db = await database.init_database(f"sqlite+aiosqlite:///{app_db}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    out = await build(db, admin)
    await db.dispose()
    return out


def results(app) -> list[str]:
    table = app.screen.query_one("#results", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def criteria_rows(app) -> list[str]:
    table = app.screen.query_one("#criteria-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def open_find(pilot) -> None:
    await pilot.app.ready_backend()
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FindScreen)


async def test_f_opens_find_listing_every_contact(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        assert sorted(results(app)) == ["Ann Berg", "Bob Øster", "Cid Lund", "Dan Moe", "Eve Solo"]
        assert "of 5 matches" in str(app.screen.query_one("#results-status").render())


async def test_add_a_lead_status_criterion_by_keyboard(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CriterionDialog)
        await pilot.press(*"lead st", "enter")  # field by type-ahead
        await settle(pilot)
        await pilot.press("enter")  # Is one of
        await settle(pilot)
        await pilot.press("space", "down", "space", "ctrl+s")  # Open and Contacting
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        assert criteria_rows(app) == ["1. Lead status is one of Open, Contacting"]
        assert sorted(results(app)) == ["Ann Berg", "Bob Øster"]


async def test_a_bad_date_keeps_the_dialog_open_with_the_message_at_the_values(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"registered", "enter")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Greater than / after
        await settle(pilot)
        await pilot.press(*"soon", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CriterionDialog)
        assert "not a date" in str(app.screen.query_one("#values-error").render())
        value = app.screen.query_one("#values", Input)
        value.value = ""
        await pilot.press(*"2026-01-10", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        assert "Ann Berg" not in results(app) and "Bob Øster" in results(app)


async def test_an_empty_value_is_refused_in_the_dialog(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"title", "enter", "enter", "enter")  # Contains, no value
        await settle(pilot)
        assert isinstance(app.screen, CriterionDialog)
        assert "at least one value" in str(app.screen.query_one("#values-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen) and criteria_rows(app) == []


async def test_remove_a_criterion_brings_every_record_back(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        app.screen.open_with("persons", [selections.find.parse_where("title:eq:ceo")])
        await settle(pilot)
        assert results(app) == ["Ann Berg"]
        await pilot.press("x")
        await settle(pilot)
        assert len(results(app)) == 5


async def test_switch_to_sales(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"sales", "enter")
        await settle(pilot)
        assert sorted(results(app)) == ["App", "Support deal", "Website"]


async def test_pages_with_pagedown_and_pageup(app, world, monkeypatch):
    import leadtui.screens.find as screen_module

    monkeypatch.setattr(screen_module, "PAGE", 2)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        first = results(app)
        await pilot.press("pagedown")
        await settle(pilot)
        second = results(app)
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        last = results(app)
        assert len(first) == len(second) == 2 and len(last) == 1
        assert not set(first) & set(second)
        assert "page 3 of 3" in str(app.screen.query_one("#results-status").render())
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert results(app) == first


async def test_choose_columns(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("space")  # untick the first column (Name)
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#results", DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert "Name" not in labels and "Company" in labels


async def test_a_newly_ticked_column_comes_after_the_columns_shown(app, world):
    async with app.run_test(size=(160, 40)) as pilot:
        await open_find(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "space")  # tick Title
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#results", DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["Id", "Name", "Company", "Category", "Lead status", "Our contact", "Email", "Title"]


async def test_save_the_search_as_a_dynamic_selection_then_delete_it(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        app.screen.open_with("persons", [selections.find.parse_where("lead_enabled:eq:yes")])
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no name
        await settle(pilot)
        assert "Name" in str(app.screen.query_one("#name-error").render())
        await pilot.press(*"My leads", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        backend = await app.ready_backend()
        saved = await selections.list_selections(backend.db, backend.actor)
        assert [(s.name, s.kind) for s in saved] == [("My leads", "dynamic")]
        assert await selections.member_count(backend.db, backend.actor, saved[0].id) == 3

        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, SelectionsScreen)
        members = app.screen.query_one("#members", DataTable)
        assert members.row_count == 3
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("n")  # the confirmation: no
        await settle(pilot)
        assert len(await selections.list_selections(backend.db, backend.actor)) == 1
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert await selections.list_selections(backend.db, backend.actor) == []


async def test_make_static_and_remove_a_member(app, world):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_find(pilot)
        backend = await app.ready_backend()
        sel = await selections.create_selection(
            backend.db,
            backend.actor,
            {
                "name": "Leads",
                "target": "persons",
                "criteria": [{"field": "lead_enabled", "op": "eq", "values": ["yes"]}],
            },
        )
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("minus")  # a dynamic selection: members cannot be removed by hand
        await settle(pilot)
        assert any("dynamic" in n.message for n in app._notifications)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await selections.get_selection(backend.db, backend.actor, sel.id)).kind == "static"
        await pilot.press("enter")  # to the members
        await pilot.press("minus")
        await settle(pilot)
        assert await selections.member_count(backend.db, backend.actor, sel.id) == 2
