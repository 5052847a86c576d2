"""Every write is judged by the rights the user has now: an Actor held since before a demotion or a deactivation
(an open TUI, a served SSH session) cannot write with the rights it had, and nothing is written."""

from __future__ import annotations

import pytest

from leadtui.services import companies, database, lists, users
from leadtui.services.errors import PermissionDenied


async def test_a_demoted_administrator_cannot_change_lists_with_the_rights_they_had(db, admin):
    await users.add_user(db, admin, {"login": "ada", "full_name": "Ada", "role": "administrator"})
    ada = await database.resolve_actor(db, "ada")  # the session opened while Ada was an administrator
    await users.set_user(db, admin, "ada", {"role": "sales-rep"})
    with pytest.raises(PermissionDenied, match="changed by an administrator"):
        await lists.add_item(db, ada, "lead-status", {"name": "Hot"})
    assert "Hot" not in [item.name for item in await lists.list_items(db, "lead-status")]


async def test_a_deactivated_user_cannot_save_anything(db, admin, rep):
    await users.set_user(db, admin, rep.login, {"active": False})
    with pytest.raises(PermissionDenied, match="inactive"):
        await companies.create_company(db, rep, {"name": "Initech", "category": "Lead"})
    fresh = await database.resolve_actor(db, "admin")
    assert (await companies.list_companies(db, fresh, search="Initech")).total == 0


async def test_a_user_whose_rights_did_not_change_writes_as_before(db, admin, rep):
    await users.set_user(db, admin, "admin", {"full_name": "The Admin"})  # not a right: the old Actor stays valid
    out = await companies.create_company(db, rep, {"name": "Initech", "category": "Lead"})
    assert out.name == "Initech"
    assert (await lists.add_item(db, admin, "lead-status", {"name": "Hot"})).name == "Hot"
