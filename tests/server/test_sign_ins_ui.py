"""Settings > Users: an administrator sees every served sign-in, sign-out and refusal in the audit view."""

from __future__ import annotations

from textual.widgets import DataTable

from leadtui.app import LeadApp
from leadtui.screens.sign_ins import SignInsScreen
from leadtui.services import database, keys
from tests.ui.conftest import settle


async def test_an_administrator_sees_sign_ins_and_refusals_of_unknown_keys(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'trail.db'}"
    db = await database.init_database(url, lang="en", login="admin", force=False)
    admin = await database.resolve_actor(db, "admin")
    await keys.record_session(
        db, keys.SIGN_IN, login="admin", user_id=admin.id, fingerprint="SHA256:known", address="127.0.0.1:4000"
    )
    await keys.record_session(
        db,
        keys.REFUSED,
        login=None,
        user_id=None,
        fingerprint="SHA256:stranger",
        address="10.0.0.9:5000",
        reason="unknown key",
    )
    await db.dispose()
    app = LeadApp(db_url=url, user="admin")
    async with app.run_test(size=(140, 30)) as pilot:
        await app.ready_backend()
        await app.push_screen(SignInsScreen())
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    assert [row[1:3] for row in rows] == [["-", "Sign-in refused"], ["admin", "Signed in"]]
    assert "SHA256:stranger  10.0.0.9:5000  unknown key" in rows[0][3]
