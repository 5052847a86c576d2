"""Users and user groups: administrators manage them; the current user must be a known, active user."""

from __future__ import annotations

import pytest

from leadtui.model.enums import Role
from leadtui.services import database, lists, users
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation


async def test_an_administrator_adds_a_user_with_a_role_and_a_group(db, admin):
    await lists.add_item(db, admin, "user-group", {"name": "North"})
    user = await users.add_user(
        db, admin, {"login": "bob", "full_name": "Bob B", "role": "sales-manager", "group": "north"}
    )
    assert (user.role, user.group) == (Role.SALES_MANAGER, "North")
    actor = await database.resolve_actor(db, "bob")
    assert actor.role == Role.SALES_MANAGER and actor.primary_group_id is not None


async def test_a_sales_rep_may_not_add_users(db, rep):
    with pytest.raises(PermissionDenied) as error:
        await users.add_user(db, rep, {"login": "eve"})
    assert "General administrator" in str(error.value)


async def test_logins_are_unique_ignoring_case(db, admin):
    await users.add_user(db, admin, {"login": "Bob"})
    with pytest.raises(RuleViolation) as error:
        await users.add_user(db, admin, {"login": "bob"})
    assert error.value.field == "login"


@pytest.mark.parametrize("login", ["", "two words", "x" * 81])
async def test_bad_logins_are_refused_naming_the_field(db, admin, login):
    with pytest.raises(RuleViolation) as error:
        await users.add_user(db, admin, {"login": login})
    assert error.value.field == "login"


async def test_an_unknown_group_is_refused(db, admin):
    with pytest.raises(RuleViolation) as error:
        await users.add_user(db, admin, {"login": "bob", "group": "Nowhere"})
    assert error.value.field == "group"


async def test_an_inactive_user_cannot_open_the_database(db, admin, rep):
    await users.set_user(db, admin, "rita", {"active": False})
    with pytest.raises(PermissionDenied) as error:
        await database.resolve_actor(db, "rita")
    assert "inactive" in str(error.value)


async def test_the_last_administrator_cannot_be_demoted_or_deactivated(db, admin):
    for change in ({"role": "sales-rep"}, {"active": False}):
        with pytest.raises(RuleViolation):
            await users.set_user(db, admin, "admin", change)
    await users.add_user(db, admin, {"login": "boss", "role": "administrator"})
    demoted = await users.set_user(db, admin, "admin", {"role": "sales-rep"})
    assert demoted.role == Role.SALES_REP


async def test_rights_can_be_granted(db, admin, rep):
    user = await users.set_user(db, admin, "rita", {"delete_others_sales": True, "allow_bulk_update": False})
    assert user.delete_others_sales and not user.allow_bulk_update
    actor = await database.resolve_actor(db, "rita")
    assert actor.delete_others_sales and not actor.allow_bulk_update


async def test_setting_an_unknown_user_is_not_found(db, admin):
    with pytest.raises(NotFound):
        await users.set_user(db, admin, "nobody", {"role": "sales-rep"})
