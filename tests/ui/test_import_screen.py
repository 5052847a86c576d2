"""The Import screen by keyboard (Pilot): load a file, read the mapping and preview, refuse while a row has an
error, change a mapping, import with confirmation. Also the distribution dialog and the duplicate hint."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Select, SelectionList, Static

from leadtui.screens.dialogs import ConfirmDialog
from leadtui.screens.distribution_dialog import DistributionDialog
from leadtui.screens.import_screen import ImportScreen
from leadtui.services import contacts, distribution, find, users
from leadtui.widgets.duplicate_hint import DuplicateHint
from tests.ui.conftest import settle

ROWS = (
    "Voornaam;Achternaam;E-mailadres;Bedrijf;utm_source\n"
    "Anna;de Vries;anna@tulip.nl;Tulip BV;google\n"
    "Bram;Jansen;bram@tulip.nl;Tulip BV;\n"
    "Cees;Visser;cees-at-tulip;Tulip BV;\n"
)


def text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def open_import(pilot, path: Path) -> ImportScreen:  # noqa: ANN001
    await pilot.app.ready_backend()
    titles = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
    assert "Import: Contacts from CSV" in titles and "Settings: Distribute new leads" in titles
    pilot.app.push_screen(ImportScreen())
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#file", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def test_the_file_is_mapped_previewed_and_refused_while_a_row_has_an_error(app, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(ROWS, encoding="utf-8")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_import(pilot, path)
        assert [screen.query_one(f"#map-{i}", Select).value for i in range(5)] == [
            "first_name",
            "last_name",
            "email",
            "company",
            "utm_source",
        ]
        table = screen.query_one("#preview", DataTable)
        assert table.row_count == 3
        assert [str(table.get_row_at(i)[1]) for i in range(3)] == ["new", "new", "error"]
        assert "3 rows: 2 new, 0 updated, 0 duplicates, 1 error (line 4)" in text(app, "#summary")
        assert "line 4: Email: 'cees-at-tulip'" in text(app, "#issues")
        assert screen.query_one("#apply", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        backend = await app.ready_backend()
        assert await find.count(backend.db, backend.actor, "contact", []) == 0


async def test_changing_the_mapping_checks_again_and_import_asks_first(app, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(ROWS, encoding="utf-8")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_import(pilot, path)
        screen.query_one("#map-2", Select).value = ""  # leave the email column out: no more bad email
        await settle(pilot)
        assert "3 rows: 3 new, 0 updated, 0 duplicates, 0 errors; companies: 1 new" in text(app, "#summary")
        assert not screen.query_one("#apply", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert text(app, "#summary").startswith("Imported: 3 rows: 3 new")
        backend = await app.ready_backend()
        page = await find.find(backend.db, backend.actor, "contact", [], columns=["name", "email", "company"])
        assert [(r["name"], r["email"], r["company"]) for r in page.rows] == [
            ("Anna de Vries", "", "Tulip BV"),
            ("Bram Jansen", "", "Tulip BV"),
            ("Cees Visser", "", "Tulip BV"),
        ]


async def test_a_field_chosen_for_a_second_column_leaves_the_first(app, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(ROWS, encoding="utf-8")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_import(pilot, path)
        screen.query_one("#map-4", Select).value = "email"
        await settle(pilot)
        assert screen.query_one("#map-2", Select).value == ""
        assert screen.mapping[2:] == ["", "company", "email"]


async def test_a_missing_file_is_named_under_the_field(app, tmp_path):
    async with app.run_test(size=(140, 45)) as pilot:
        await open_import(pilot, tmp_path / "nope.csv")
        assert "there is no file" in text(app, "#file-error")


async def test_the_distribution_dialog_saves_the_chosen_users(app):
    async with app.run_test(size=(140, 45)) as pilot:
        backend = await app.ready_backend()
        await users.add_user(backend.db, backend.actor, {"login": "bob", "full_name": "Bob", "role": "sales-rep"})
        app.push_screen(DistributionDialog())
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#mode", Select).value = "users"
        bob = next(u.id for u in await users.list_users(backend.db) if u.login == "bob")
        dialog.query_one("#users", SelectionList).select(bob)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, DistributionDialog)
        saved = await distribution.get_distribution(backend.db)
        assert (saved.mode, [u.login for u in saved.users], saved.next_user) == ("users", ["bob"], "bob")


class HintScreen(Screen):
    """What a new-contact form does: mount the hint, open the card it names (here: remember the id)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield DuplicateHint("contact", delay=0.01, id="hint")

    def on_duplicate_hint_open(self, message: DuplicateHint.Open) -> None:
        self.opened.append((message.kind, message.record_id))


async def test_the_duplicate_hint_names_the_match_and_asks_to_open_it(app):
    async with app.run_test(size=(120, 30)) as pilot:
        backend = await app.ready_backend()
        ann = await contacts.create_contact(
            backend.db, backend.actor, {"first_name": "Ann", "last_name": "Berg", "email": "ann@acme.com"}
        )
        screen = HintScreen()
        app.push_screen(screen)
        await settle(pilot)
        hint = screen.query_one(DuplicateHint)
        hint.check_contact("", "", "ANN@acme.com")
        await pilot.pause(0.1)
        await settle(pilot)
        assert "Possible duplicate: Ann Berg (same email)" in str(hint.render())
        assert hint.open()
        await pilot.pause()
        assert screen.opened == [("contact", ann.id)]
        hint.check_contact("Zed", "Zulu", "")
        await pilot.pause(0.1)
        await settle(pilot)
        assert hint.matches == [] and "-none" in hint.classes


class SourceScreen(Screen):
    def __init__(self, contact_id: int, company_id: int) -> None:
        super().__init__()
        self.ids = (contact_id, company_id)

    def compose(self) -> ComposeResult:
        from leadtui.widgets.lead_source import LeadSource

        yield LeadSource(contact_id=self.ids[0], id="contact-source")
        yield LeadSource(company_id=self.ids[1], id="company-source")
        yield LeadSource(contact_id=None, id="nothing")


async def test_the_lead_source_shows_the_first_touch_of_a_new_lead(app):
    from leadtui.services import intake

    async with app.run_test(size=(120, 30)) as pilot:
        backend = await app.ready_backend()
        out = await intake.intake(
            backend.db,
            backend.actor,
            [
                '{"first_name": "Ann", "company": "Acme", "utm_source": "google", "utm_campaign": "spring", '
                '"landing_page": "https://example.com/[demo]"}'
            ],
        )
        ann = await contacts.get_contact(backend.db, backend.actor, out.results[0].contact_id)
        app.push_screen(SourceScreen(ann.id, ann.company_id))
        await settle(pilot)
        shown = str(app.screen.query_one("#contact-source").render())
        assert "Lead source (first touch)" in shown and "google" in shown and "spring" in shown
        assert "https://example.com/[demo]" in shown
        assert "Lead creation source" in str(app.screen.query_one("#company-source").render())
        assert "-none" in app.screen.query_one("#nothing").classes
