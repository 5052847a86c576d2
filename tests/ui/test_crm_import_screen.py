"""The CRM import screen by keyboard (Pilot): a HubSpot contacts export is recognised, its columns mapped by the
profile, an unknown lead status mapped with the drop-down of leadtui's items, then imported after confirming."""

from __future__ import annotations

from textual.widgets import Button, Input, Select, Static

from leadtui.screens.crm_import_screen import CrmImportScreen
from leadtui.screens.dialogs import ConfirmDialog
from leadtui.services import find
from tests.ui.conftest import settle

EXPORT = (
    "Record ID,First Name,Last Name,Email,Company Name,Website URL,Lifecycle Stage,Lead Status\n"
    "1,Ann,Lee,ann@acorp.example,A Corp,acorp.example,Lead,Nurturing\n"
    "2,Bob,Ray,bob@acorp.example,A Corp,acorp.example,Lead,Nurturing\n"
    "3,Cid,Moe,cid@acorp.example,A Corp,acorp.example,Lead,In Progress\n"
)


def text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_a_hubspot_export_is_mapped_its_unknown_value_chosen_and_imported(app, tmp_path):
    path = tmp_path / "hubspot-contacts.csv"
    path.write_text(EXPORT, encoding="utf-8-sig")
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.app.ready_backend()
        titles = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Import: From another CRM" in titles
        pilot.app.push_screen(CrmImportScreen())
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#file", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#entity", Select).value == "persons"
        assert [screen.query_one(f"#map-{i}", Select).value for i in range(8)] == [
            "external_id",
            "first_name",
            "last_name",
            "email",
            "company",
            "website",
            "category",
            "lead_status",
        ]
        values = str(screen.query_one("#values").query_one(".map-header").render())
        assert "Lead status 'Nurturing' (2 rows)" in values and "closest: Re-nurture" in values
        assert "3 rows: 1 new" in text(app, "#summary") and "2 errors" in text(app, "#summary")
        assert screen.query_one("#apply", Button).disabled
        screen.query_one("#value-0", Select).value = "Re-nurture"
        await settle(pilot)
        await settle(pilot)
        assert "3 new" in text(app, "#summary")
        assert not screen.query_one("#apply", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "Imported" in text(app, "#summary")
        backend = await app.ready_backend()
        assert await find.count(backend.db, backend.actor, "contact", []) == 3
