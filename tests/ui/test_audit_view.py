"""The audit view in words (issue 13): list items and users by name, one summary line per change, newest first."""

from __future__ import annotations

from textual.widgets import DataTable

from leadtui.app import LeadApp
from leadtui.screens.audit import AuditScreen
from leadtui.services import contacts
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services


async def test_the_audit_of_a_contact_reads_in_words_newest_first(app_db):
    ids = await seed(app_db)
    await with_services(
        app_db, lambda db, admin: contacts.update_contact(db, admin, ids["ann"], {"lead_status": "Qualified"})
    )
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        app.push_screen(AuditScreen("contact", ids["ann"], "Ann Berg"))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(value) for value in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][1] == "admin"
        assert rows[0][2] == "Changed Lead status of Ann Berg: Open → Qualified"
        assert rows[0][3].startswith("Lead status: Open → Qualified")
        assert rows[-1][2] == "Added contact 'Ann Berg'"
        assert "_id" not in " ".join(" ".join(row) for row in rows)


async def test_ctrl_y_on_a_card_names_the_record_in_the_audits_title(app_db):
    from textual.widgets import Static

    await seed(app_db)
    app = LeadApp(db_url=app_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready_backend()
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # Acme, the first company
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert str(app.screen.query_one(".section-title", Static).render()) == "Audit: company 'Acme'"
