"""Follow-ups by keyboard (Pilot): a follow-up created on a contact card's Activities tab, and a rep working
through My follow-ups (section i): complete one, reschedule one +2 days, log a call."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from textual.widgets import DataTable, Input, Static, TabbedContent

from leadtui.screens.follow_up_dialog import FollowUpDialog
from leadtui.screens.log_call_dialog import LogCallDialog
from leadtui.screens.my_follow_ups import MyFollowUpsScreen
from leadtui.screens.text_dialog import TextDialog
from leadtui.services import activities
from leadtui.widgets.activity_timeline import ActivityTimeline
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services
from tests.ui.test_contact_card import open_contact

TODAY = date.today()


async def test_a_follow_up_created_on_the_contact_cards_activities_tab(app, app_db):
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_contact(pilot, "Ann Berg")
        assert "none planned" in str(card.query_one("#next-activity-value", Static).render())
        card.query_one("#card-tabs", TabbedContent).active = "activities-tab"
        timeline = card.query_one(ActivityTimeline)
        timeline.table.focus()
        await settle(pilot)
        history_lines = timeline.table.row_count  # the lead status Open set on creation
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        app.screen.query_one("#date", Input).value = (TODAY - timedelta(days=1)).isoformat()
        app.screen.query_one("#text", Input).value = "Call Ann about the offer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        texts = [str(timeline.table.get_row_at(i)[2]) for i in range(timeline.table.row_count)]
        assert "Call Ann about the offer" in texts and timeline.table.row_count == history_lines + 1
        next_activity = card.query_one("#next-activity-value", Static).render()
        assert (TODAY - timedelta(days=1)).strftime("%Y") in str(next_activity)  # the date, in red: overdue
        made = (await with_services(app_db, lambda db, _a: activities.list_follow_ups(db, contact_id=ids["ann"]))).rows
        assert [row.title for row in made] == ["Call Ann about the offer"]
        timeline.table.move_cursor(row=texts.index("Call Ann about the offer"))
        await pilot.press("space")
        await settle(pilot)
        assert "none planned" in str(card.query_one("#next-activity-value", Static).render())


async def _row_of(screen: MyFollowUpsScreen, activity_id: int) -> None:
    table = screen.query_one("#my-follow-ups", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(str(activity_id)))


async def test_working_through_my_follow_ups_complete_reschedule_and_log_a_call(app, app_db):
    ids = await seed(app_db)

    async def plan(db, actor):
        made = []
        for day, text in ((TODAY - timedelta(days=2), "Late one"), (TODAY, "Call Bo"), (TODAY, "Mail Gus")):
            contact = ids["bo"] if text != "Mail Gus" else ids["gus"]
            made.append(
                await activities.create_follow_up(db, actor, {"contact_id": contact, "date": day, "text": text})
            )
        return made

    late, call_bo, mail_gus = await with_services(app_db, plan)

    async def get(activity_id):
        return await with_services(app_db, lambda db, _a: activities.get_follow_up(db, activity_id))

    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready_backend()
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyFollowUpsScreen)
        table = screen.query_one("#my-follow-ups", DataTable)
        firsts = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert firsts[0].startswith("▾ Overdue (1)") and any(text.startswith("▾ Today (2)") for text in firsts)

        await _row_of(screen, late.id)
        await pilot.press("space")
        await settle(pilot)
        assert (await get(late.id)).completed
        assert str(table.get_row_at(0)[0]).startswith("▾ Overdue (0)")

        await _row_of(screen, call_bo.id)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = "+2"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert (await get(call_bo.id)).date == TODAY + timedelta(days=2)

        await _row_of(screen, mail_gus.id)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogCallDialog)
        await pilot.press(*"Reached him")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert (await get(mail_gus.id)).completed
        logged = (
            await with_services(app_db, lambda db, _a: activities.list_follow_ups(db, contact_id=ids["gus"]))
        ).rows
        call = next(row for row in logged if row.id != mail_gus.id)
        assert call.completed and call.text == "Reached him" and call.kind == "call"


async def test_a_company_follow_up_added_and_deleted_on_the_company_cards_activities_tab(app, app_db):
    from leadtui.screens.dialogs import ConfirmDialog
    from tests.ui.test_company_card import open_company

    ids = await seed(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_company(pilot, "Acme")
        card.query_one("#card-tabs", TabbedContent).active = "activities-tab"
        timeline = card.query_one(ActivityTimeline)
        timeline.table.focus()
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        app.screen.query_one("#text", Input).value = "Visit Acme"
        await pilot.press("ctrl+s")
        await settle(pilot)
        texts = [str(timeline.table.get_row_at(i)[2]) for i in range(timeline.table.row_count)]
        assert "Visit Acme" in texts
        timeline.table.move_cursor(row=texts.index("Visit Acme"))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        left = (await with_services(app_db, lambda db, _a: activities.list_follow_ups(db, company_id=ids["acme"]))).rows
        assert left == [] and "Visit Acme" not in [
            str(timeline.table.get_row_at(i)[2]) for i in range(timeline.table.row_count)
        ]


async def test_the_sale_cards_activities_tab_has_follow_ups_and_stage_changes_newest_first(tmp_path):
    from leadtui.app import LeadApp
    from leadtui.services import database, sales
    from tests.sales_helpers import add_company

    path = tmp_path / "sale-timeline.db"
    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    acme = await add_company(db, "Acme Ltd")
    deal = await sales.create_sale(db, admin, {"heading": "Deal", "sale_type": "General sale", "company_id": acme})
    await activities.create_follow_up(db, admin, {"sale_id": deal.id, "date": "2020-01-01", "text": "Long ago"})
    await sales.update_sale(db, admin, deal.id, {"stage": "Contact"})
    await db.dispose()
    app = LeadApp(db_url=str(path), user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        from tests.ui.test_sale_card import open_sale

        screen = await open_sale(pilot, "Deal")
        table = screen.query_one("#activities", DataTable)
        rows = [[str(value) for value in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[-1][3] == "Long ago" and rows[-1][5] == "admin"
        stage_lines = [row for row in rows if row[2] == "Stage"]
        assert stage_lines and stage_lines[0][3].endswith("→ Contact") and stage_lines[0][5]
        assert screen.activities[-1].title == "Long ago"


async def test_a_follow_up_someone_else_plans_shows_up_on_the_open_contact_cards_activities_tab(app, app_db):
    """Live updates reach the Activities tab: a colleague plans a call for Ann while her card is open."""
    ids = await seed(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_contact(pilot, "Ann Berg")
        card.query_one("#card-tabs", TabbedContent).active = "activities-tab"
        timeline = card.query_one(ActivityTimeline)
        await settle(pilot)
        assert app.live is not None
        await app.live.ready.wait()

        def texts() -> list[str]:
            return [str(timeline.table.get_row_at(i)[2]) for i in range(timeline.table.row_count)]

        assert "Call Ann back" not in texts()
        data = {"contact_id": ids["ann"], "date": TODAY.isoformat(), "text": "Call Ann back"}
        await with_services(app_db, lambda db, actor: activities.create_follow_up(db, actor, data))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while "Call Ann back" not in texts() and loop.time() < deadline:
            await pilot.pause(0.05)
        assert "Call Ann back" in texts()
