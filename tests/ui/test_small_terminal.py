"""80x24 is a first-class size (issue 13), in Dutch (the longest labels): dialogs scroll to the focused field and
keep their buttons in view, multi-line values show whole, the Sales search hands ↓ to the list, the dashboard's
counts have whole-number axes."""

from __future__ import annotations

import re
import sqlite3

from datetime import date

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Label

from leadtui.app import LeadApp
from leadtui.screens.bulk_update_dialog import BulkUpdateDialog
from leadtui.screens.conflict_dialog import ConflictDialog
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.distribution_dialog import DistributionDialog
from leadtui.screens.export_dialog import ExportDialog
from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.list_item_dialog import ListItemDialog
from leadtui.widgets.criteria_editor import CriterionDialog
from tests.ui.conftest import settle
from tests.ui.test_sale_card import open_sales, seeded  # noqa: F401 - the fixture

SMALL = (80, 24)


def screen_region(app: LeadApp) -> Region:
    return Region(0, 0, *SMALL)


def shown(widget: Widget) -> bool:
    """The widget is drawn whole on the screen: inside its scrolled container's visible part, not clipped."""
    region = widget.region
    if not region or region.height == 0:
        return False
    for ancestor in widget.ancestors_with_self:
        if isinstance(ancestor, Widget) and ancestor is not widget and ancestor.region:
            if not ancestor.region.contains_region(region):
                return False
    return Region(0, 0, *SMALL).contains_region(region)


async def _noop(_values):  # noqa: ANN001, ANN202
    return None


def dialogs() -> list:
    return [
        lambda: ListItemDialog("category"),
        lambda: ListItemDialog("lead-status"),
        lambda: ListItemDialog("sale-stage"),
        lambda: FollowUpDialog("Vervolgactiviteit", _noop, types=[("Bellen", 1)], day=date(2027, 1, 4)),
        lambda: ExportDialog("contact"),
        lambda: BulkUpdateDialog(contact_ids=[1, 2]),
        lambda: DistributionDialog(),
        lambda: ConfirmDialog("Verwijderen", "Weet u het zeker?\n" * 30),
        lambda: ConflictDialog("Het bedrijf", [(f"Veld {i}", "oud", "nieuw") for i in range(30)]),
        lambda: CriterionDialog("persons"),
    ]


@pytest.mark.parametrize("make", dialogs(), ids=lambda m: "dialog")
async def test_every_field_of_a_dialog_scrolls_into_view_with_its_buttons_kept(app_db, make):
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        dialog = make()
        app.push_screen(dialog)
        await settle(pilot)
        buttons = list(dialog.query(Button))
        assert buttons
        top = dialog.query("Label, Static").first()  # the title (or the first label): not scrolled away on opening
        if app.focused is dialog.focus_chain[0]:
            assert shown(top), (type(dialog).__name__, top)
        seen = set()
        for _ in range(40):
            focused = app.focused
            assert focused is not None
            await pilot.pause()
            assert shown(focused), (type(dialog).__name__, focused, focused.region)
            siblings = list(focused.parent.children)
            above = siblings[siblings.index(focused) - 1] if siblings.index(focused) else None
            if isinstance(above, Label):  # a field's label is in view with the field
                assert shown(above), (type(dialog).__name__, focused, above)
            for button in buttons:
                if not button.display:  # a step's button the dialog hides (bulk update's Update before the counts)
                    continue
                assert shown(button), (type(dialog).__name__, button.label, button.region)
            if focused in seen:
                break
            seen.add(focused)
            await pilot.press("tab")
            await settle(pilot)


async def test_the_category_dialog_reaches_enable_lead_status_and_ok_at_80x24(app_db):
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        dialog = ListItemDialog("category")
        app.push_screen(dialog)
        await settle(pilot)
        box = dialog.query_one("#enable_lead_status")
        box.disabled = False
        box.focus()
        await settle(pilot)
        assert shown(box)
        assert shown(dialog.query_one("#ok"))


async def test_an_address_with_a_line_break_shows_both_lines_and_saves_unchanged(app_db):
    from leadtui.screens.company_card import CompanyCard
    from tests.ui.seed import seed

    ids = await seed(app_db)
    address = "Flat 61\nOak Road 12"  # as an import or an older version wrote it (the form refuses control characters)
    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE company SET address = ? WHERE id = ?", (address, ids["acme"]))
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        app.push_screen(CompanyCard(ids["acme"]))
        await settle(pilot)
        card = app.screen
        assert isinstance(card, CompanyCard)
        field = card.query_one("#address")
        assert "\n" not in field.value  # a raw line break in one line tore the screen ("Flat 61Oes to receive…")
        assert "Flat 61" in field.value and "Oak Road 12" in field.value
        assert card.form_values()["address"] == address  # untouched: saved as it was, line break and all
        assert "address" not in card.changed_data()


async def test_the_open_lead_status_list_covers_the_description_under_it(app_db):
    from leadtui.screens.contact_card import ContactCard
    from tests.ui.seed import seed

    ids = await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.ready_backend()
        await settle(pilot)
        app.push_screen(ContactCard(ids["ann"]))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        select = app.screen.query_one("#lead_status")
        description = app.screen.query_one("#lead_status-description")
        # what shows beside the open list was the description's right end ("…olgen.  ·  0 dagen in")
        assert description.region.right <= select.region.right


async def test_down_from_the_sales_search_then_enter_opens_the_highlighted_sale(seeded):  # noqa: F811
    from leadtui.screens.sale_card import SaleCard

    app = LeadApp(db_url=seeded.path, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await open_sales(pilot)
        await pilot.press("slash", *"globex")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#sales-table")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard) and app.screen.sale_id == seeded.other


async def test_enter_in_the_sales_search_opens_the_sale_at_once(seeded):  # noqa: F811
    from leadtui.screens.sale_card import SaleCard

    app = LeadApp(db_url=seeded.path, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await open_sales(pilot)
        await pilot.press("slash", *"globex", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleCard) and app.screen.sale_id == seeded.other


async def test_ctrl_page_keys_switch_tabs_from_the_sales_guide_table(seeded):  # noqa: F811
    from leadtui.screens.sale_card import SaleCard

    from leadtui.services import guides

    app = LeadApp(db_url=seeded.path, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        backend = await app.ready_backend()
        await guides.set_guide(backend.db, backend.actor, "General sale", True)
        await open_sales(pilot)
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, SaleCard)
        tabs = card.query_one("#tabs")
        tabs.active = "tab-guide"
        await settle(pilot)
        card.query_one("#guide").focus()
        await settle(pilot)
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert tabs.active == "tab-history"
        await pilot.press("ctrl+pageup")
        await settle(pilot)
        assert tabs.active == "tab-guide"
        assert app.focused is card.query_one("#guide")
        await pilot.press("ctrl+pageup")
        await settle(pilot)
        assert tabs.active == "tab-activities"


# ------------------------------------------------------------------ the board at 80x24


@pytest.fixture
async def crowded(app_db):
    """Acme (Lead) with 25 Qualified contacts, then three Open ones (the newest, so the last in any column)."""
    from leadtui.services import companies, contacts, database
    from tests import templates
    from tests.ui.seed import url_of

    db = await templates.initialised(url_of(app_db))
    try:
        admin = await database.resolve_actor(db, "admin")
        acme = await companies.create_company(db, admin, {"name": "Acme", "category": "Lead"})
        for i in range(25):
            await contacts.create_contact(
                db,
                admin,
                {"company": acme.id, "first_name": f"Q{i:02}", "last_name": "Lee", "lead_status": "Qualified"},
            )
        opened = [
            (await contacts.create_contact(db, admin, {"company": acme.id, "first_name": n, "last_name": "Open"})).id
            for n in ("Ann", "Bo", "Cy")
        ]
    finally:
        await db.dispose()
    return opened


def board_column(app, name: str):  # noqa: ANN201
    from leadtui.screens.board import BoardColumn

    return next(c for c in app.screen.query(BoardColumn) if c.column.name == name)


async def open_board_at_80x24(pilot) -> None:
    from leadtui.screens.board import BoardScreen

    await pilot.app.ready_backend()
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)


async def test_space_marks_a_card_and_goes_to_the_next_as_in_the_lists(app_db, crowded):
    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await open_board_at_80x24(pilot)
        await pilot.press("space", "space")
        assert set(app.screen.marked) == set(crowded[:2])
        assert app.screen.current_card().id == crowded[2]


async def test_marked_cards_moved_are_scrolled_into_view_in_their_new_column(app_db, crowded):
    from leadtui.screens.pick_dialog import PickDialog

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await open_board_at_80x24(pilot)
        await pilot.press("space", "space", "space", "m")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("5", "enter")  # Qualified, by its number
        await settle(pilot)
        column = board_column(app, "Qualified")
        assert column.column.count == 28, [n.message for n in app._notifications]
        cards = column.card_list()
        await pilot.pause()
        ids = [c.id for c in column.cards]
        assert ids[cards.highlighted] == crowded[0]
        assert cards.scroll_offset.y > 0  # scrolled down to the moved cards at the end of the column
        shown = cards.scrollable_content_region.height
        assert cards.max_scroll_y - cards.scroll_offset.y < shown  # and they are in the visible part


async def test_a_card_moved_out_of_a_dynamic_selection_leaves_the_board_as_on_finds_board(app_db, crowded):
    from leadtui.services import selections

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        backend = await app.ready_backend()
        sel = await selections.create_selection(
            backend.db,
            backend.actor,
            {
                "name": "Open",
                "target": "persons",
                "criteria": [{"field": "lead_status", "op": "one_of", "values": ["Open"]}],
            },
        )
        await open_board_at_80x24(pilot)
        app.screen.show_source(target="contact", selection_id=sel.id)
        await settle(pilot)
        assert board_column(app, "Open").column.count == 3
        await pilot.press("L")  # Ann to Contacting: outside the selection's criteria now
        await settle(pilot)
        # one rule for every board (a dynamic selection's, Find's): the card leaves it, as reading it again shows
        column = board_column(app, "Contacting")
        assert crowded[0] not in [c.id for c in column.cards]
        assert column.column.count == 0
        assert board_column(app, "Open").column.count == 2
        await pilot.press("r")
        await settle(pilot)
        assert board_column(app, "Contacting").column.count == 0


# ------------------------------------------------------------------ the dashboard


def screen_text(app: LeadApp) -> str:
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [SMALL, (120, 40)])
async def test_the_dashboard_counts_on_whole_number_axes_with_labels_whole(app_db, crowded, size):
    from leadtui.screens.dashboard import DashboardScreen, Tile

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=size) as pilot:
        await app.ready_backend()
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        for tile in screen.query(Tile):  # every tile's label whole (five a row cut them at 80 columns)
            assert tile.content_region.width >= len(tile.data.title), (tile.data.title, tile.content_region)
        screen.query_one("#charts").scroll_visible(animate=False)
        await pilot.pause(0.2)
        lines = screen_text(app).splitlines()
        axis = [lines[i + 1] for i, line in enumerate(lines[:-1]) if "└" in line and "┬" in line]
        assert axis, "\n".join(lines)
        for line in axis:  # the counts' axis: 0, 5, 10 ..., never 8,33
            assert not re.search(r"\d[.,]\d", line), line
            assert "0" in line.split()
        assert "Qualified" in screen_text(app)  # the bar's label whole, left of its bar


async def test_the_weekly_figure_has_its_own_heading(app_db, crowded):
    from leadtui.screens.dashboard import Tile

    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await pilot.press("d")
        await settle(pilot)
        week = app.screen.query_one("#week-tiles")
        assert [t.data.key for t in week.query(Tile)] == [app.screen.out.new_this_week.key]
        assert "this week" in str(app.screen.query_one("#week-title").render())
        assert not any(
            t.classes and "new-leads" in t.classes for t in app.screen.query_one("#category-tiles").query(Tile)
        )


# ------------------------------------------------------------------ the Footer at 120 columns


@pytest.mark.parametrize("section", list("cpsfbdt"))
async def test_the_footer_of_each_section_fits_120_columns_in_english(app_db, section):
    from textual.widgets._footer import FooterKey

    from tests.ui.seed import seed

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.ready_backend()
        await pilot.press(section)
        await settle(pilot)
        await pilot.pause(0.2)
        keys = list(app.screen.query(FooterKey))
        assert keys
        screen = Region(0, 0, 120, 36)
        for key in keys:  # every key the Footer offers in view, none cut at the right edge
            assert key.region.width > 0 and screen.contains_region(key.region), (section, key.description, key.region)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_list_column_headers_are_not_cut_at_120_columns(app_db, lang):
    from textual.widgets import DataTable

    from tests.ui.seed import seed

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.ready_backend()
        for section in "cps":  # "Our con…", "Lead stat…" and the Sales list's "Co" were cut
            await pilot.press(section)
            await settle(pilot)
            table = app.screen.query(DataTable).first()
            for column in table.columns.values():
                width = column.get_render_width(table) - 2 * table.cell_padding
                assert width >= len(str(column.label).strip()), (section, str(column.label), width)


async def test_the_sales_list_shows_heading_company_stage_and_amount_whole_at_80x24(tmp_path):
    from textual.widgets import DataTable

    from leadtui.services import companies, database, lists, sales

    path = tmp_path / "nl.db"
    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="nl", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    category = (await lists.list_items(db, "category"))[0].id
    company = await companies.create_company(
        db, admin, {"name": "Stichting Scuylenborgh en Partners", "category": category}
    )
    sale_type = (await sales.sale_form_options(db)).sale_types[0]
    longest = max(sale_type.stages, key=lambda stage: len(stage.name))  # "Mondeling akkoord"
    await sales.create_sale(
        db,
        admin,
        {
            "heading": "Vervanging van elektrische heftrucks voor het magazijn",
            "sale_type": sale_type.name,
            "stage": longest.id,
            "company_id": company.id,
            "amount": "1250000",
            "sale_date": "2030-01-01",
        },
    )
    await db.dispose()
    app = LeadApp(db_url=str(path), user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await open_sales(pilot)
        table = app.screen.query_one("#sales-table", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)[2:4]] == [longest.name, "1.250.000,00"]
        key_columns = list(table.columns.values())[:4]  # heading, company, stage, amount: none cut at the edge
        assert sum(column.get_render_width(table) for column in key_columns) <= table.scrollable_content_region.width


async def test_the_footer_of_an_open_drop_down_is_in_the_language(app_db):
    from textual.widgets import Select
    from textual.widgets._footer import FooterKey

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        await pilot.press("c", "n")  # a new company: its category is a drop-down
        await settle(pilot)
        app.screen.query_one("#category", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        labels = [key.description for key in app.screen.query(FooterKey)]
        assert "Sluiten" in labels and "Dismiss menu" not in labels, labels


async def test_a_criterion_without_values_says_so_in_view_at_80x24(app_db):
    from textual.widgets import Static

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        dialog = CriterionDialog("persons")
        app.push_screen(dialog)
        await settle(pilot)
        await pilot.press(*"leadst", "enter")  # the field, then the operator "is one of"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no value ticked
        await settle(pilot)
        error = dialog.query_one("#values-error", Static)
        assert str(error.render()).startswith("Waarden")
        assert shown(error)


async def test_a_refused_dialog_shows_the_field_its_label_and_the_reason_at_80x24(app_db):
    from textual.widgets import Static

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        dialog = ListItemDialog("category")
        app.push_screen(dialog)
        await settle(pilot)
        await pilot.press("tab", "tab", "tab")  # down to the lead status box, the name left empty
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        name = dialog.query_one("#name")
        assert app.focused is name
        error = dialog.query_one("#name-error", Static)
        assert str(error.render()).startswith("Naam")
        label = name.parent.children[name.parent.children.index(name) - 1]
        assert shown(name) and shown(error) and shown(label)


async def test_finds_results_say_that_more_columns_exist_at_80x24(seeded):  # noqa: F811
    from textual.widgets import Static

    app = LeadApp(db_url=seeded.path, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await pilot.press("f")
        await settle(pilot)
        await pilot.pause()
        status = str(app.screen.query_one("#results-status", Static).render())
        assert status.startswith("Meer kolommen →"), status
        assert "Enter" in status  # the line wraps rather than cutting its end


async def test_a_dashboard_tile_label_too_long_for_its_row_wraps_whole_at_80x24(tmp_path):
    from leadtui.screens.dashboard import Tile
    from leadtui.services import database

    path = tmp_path / "nl.db"
    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="nl", login="admin", force=False)
    await db.dispose()
    app = LeadApp(db_url=str(path), user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await pilot.press("d")
        await settle(pilot)
        titles = [tile.data.title for tile in app.screen.query(Tile)]
        assert "Marketinggekwalificeerde lead (MQL)" in titles
        for tile in app.screen.query(Tile):
            lines = tile.render_lines(tile.region.reset_offset)
            drawn = " ".join("".join(s.text for s in line).strip(" │") for line in lines[1:-1])  # inside the border
            assert tile.data.title in drawn, (tile.data.title, drawn)


async def test_tab_goes_through_a_dialogs_fields_before_its_buttons_at_80x24(app_db):
    from textual.widgets import Select

    from leadtui.model.enums import CategoryGroup

    app = LeadApp(db_url=app_db, user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await app.ready_backend()
        await settle(pilot)
        dialog = ListItemDialog("category")
        app.push_screen(dialog)
        await settle(pilot)
        dialog.query_one("#category_group", Select).value = int(CategoryGroup.POTENTIAL_CUSTOMER)  # the box enabled
        await settle(pilot)
        order = []
        for _ in range(6):
            order.append(app.focused.id)
            assert shown(app.focused), app.focused
            await pilot.press("tab")
            await settle(pilot)
        # the group and the lead status box lie below the docked buttons' row: they came after OK and Cancel
        assert order == ["name", "description", "category_group", "enable_lead_status", "ok", "cancel"]


async def test_the_contacts_list_shows_name_company_and_lead_status_whole_at_80x24(tmp_path):
    from textual.widgets import DataTable

    from leadtui.services import companies, contacts, database, lists

    path = tmp_path / "nl.db"
    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="nl", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    lead = next(item for item in await lists.list_items(db, "category") if item.enable_lead_status)
    statuses = await lists.list_items(db, "lead-status")
    longest = max(statuses, key=lambda status: len(status.name))  # "Gediskwalificeerd"
    company = await companies.create_company(
        db, admin, {"name": "Stichting van Enschot en Partners", "category": lead.id}
    )
    await contacts.create_contact(
        db,
        admin,
        {
            "first_name": "Alexandra",
            "last_name": "van Santen-Appelmans",
            "company": company.id,
            "lead_status": longest.name,
        },
    )
    await db.dispose()
    app = LeadApp(db_url=str(path), user="admin", lang="nl")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query(DataTable).first()
        assert str(table.get_row_at(0)[3]) == longest.name
        key_columns = list(table.columns.values())[:4]  # mark, name, company, lead status: none cut at the edge
        assert sum(column.get_render_width(table) for column in key_columns) <= table.scrollable_content_region.width
