"""An open TUI follows the rights an administrator gives or takes while it runs."""

from __future__ import annotations

import leadtui.app as app_module
from leadtui.app import LeadApp
from leadtui.model.enums import Role
from leadtui.services import users
from tests.ui.conftest import settle
from tests.ui.seed import seed, with_services


async def test_a_demotion_reaches_the_open_tui_before_its_next_action(app_db, monkeypatch):
    await seed(app_db)
    await with_services(
        app_db,
        lambda db, actor: users.add_user(db, actor, {"login": "ada", "full_name": "Ada", "role": "administrator"}),
    )
    app = LeadApp(db_url=app_db, user="ada")
    async with app.run_test(size=(120, 40)) as pilot:
        backend = await app.ready_backend()
        await settle(pilot)
        assert backend.actor.role == Role.ADMINISTRATOR
        await with_services(app_db, lambda db, actor: users.set_user(db, actor, "ada", {"role": "sales-rep"}))
        monkeypatch.setattr(app_module, "RIGHTS_REFRESH_S", 0.0)
        assert (await app.ready_backend()).actor.role == Role.SALES_REP
