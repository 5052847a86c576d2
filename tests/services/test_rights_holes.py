"""Issue 16, points 1, 2 and 9: undo needs the rights the user has now; only an administrator known to the
database (or, when it cannot be read as leadtui's, whoever may write it) replaces the whole database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from leadtui.model.engine import Database
from leadtui.services import audit, bulk, companies, database, lists, rights, undo, users
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied
from tests.services.people import company, person


async def _user(db: Database, admin: Actor, login: str, role: str, **extra) -> Actor:
    await users.add_user(db, admin, {"login": login, "role": role, **extra})
    return await database.resolve_actor(db, login)


async def _group(db: Database, admin: Actor, name: str = "North") -> str:
    await lists.add_item(db, admin, "user-group", {"name": name})
    return name


# --------------------------------------------------------------------------- undo with the rights of now


async def test_a_demoted_administrator_cannot_undo_a_list_change_made_while_promoted(db, admin):
    promoted = await _user(db, admin, "pat", "administrator")  # the actor a TUI opened before the demotion holds
    item = await lists.add_item(db, promoted, "lead-status", {"name": "Hot"})
    await users.set_user(db, admin, "pat", {"role": "sales-rep"})

    with pytest.raises(PermissionDenied, match="Only administrators may change lists"):
        await undo.undo_last(db, promoted)

    assert (await lists.get_item(db, "lead-status", item.id)).deleted is False
    assert (await audit.last_undoable(db, promoted)) is not None  # nothing was marked undone


async def test_a_demoted_administrator_cannot_undo_a_user_change_made_while_promoted(db, admin):
    promoted = await _user(db, admin, "pat", "administrator")
    await users.set_user(db, promoted, "admin", {"full_name": "Changed by Pat"})
    await users.set_user(db, admin, "pat", {"role": "sales-manager"})

    with pytest.raises(PermissionDenied, match="Only administrators may manage users"):
        await undo.undo_last(db, await database.resolve_actor(db, "pat"))

    assert {u.login: u.full_name for u in await users.list_users(db)}["admin"] == "Changed by Pat"


async def test_an_administrator_still_undoes_a_user_change(db, admin):
    await users.add_user(db, admin, {"login": "pat", "full_name": "Pat", "role": "sales-rep"})
    await users.set_user(db, admin, "pat", {"full_name": "Patricia"})
    await undo.undo_last(db, admin)
    assert {u.login: u.full_name for u in await users.list_users(db)}["pat"] == "Pat"


async def test_a_deactivated_user_cannot_undo_with_the_rights_they_had(db, admin):
    rep = await _user(db, admin, "rita", "sales-rep")
    acme = await company(db, rep, "Acme")
    await companies.update_company(db, rep, acme.id, {"name": "Acme Ltd"})
    await users.set_user(db, admin, "rita", {"active": False})

    with pytest.raises(PermissionDenied, match="inactive"):
        await undo.undo_last(db, rep)
    assert (await companies.get_company(db, admin, acme.id)).name == "Acme Ltd"


async def test_a_manager_moved_to_rep_cannot_undo_an_edit_of_a_group_members_company(db, admin):
    group = await _group(db, admin)
    manager = await _user(db, admin, "mona", "sales-manager", group=group)
    member = await _user(db, admin, "rita", "sales-rep", group=group)
    acme = await company(db, member, "Acme")
    await companies.update_company(db, manager, acme.id, {"name": "Acme Ltd"})
    await users.set_user(db, admin, "mona", {"role": "sales-rep"})

    with pytest.raises(PermissionDenied, match="belongs to another user"):
        await undo.undo_last(db, manager)  # the actor from before the demotion: undo reads the rights of now
    assert (await companies.get_company(db, admin, acme.id)).name == "Acme Ltd"


async def test_a_manager_still_in_the_group_undoes_that_edit(db, admin):
    group = await _group(db, admin)
    manager = await _user(db, admin, "mona", "sales-manager", group=group)
    member = await _user(db, admin, "rita", "sales-rep", group=group)
    acme = await company(db, member, "Acme")
    await companies.update_company(db, manager, acme.id, {"name": "Acme Ltd"})
    await undo.undo_last(db, manager)
    assert (await companies.get_company(db, admin, acme.id)).name == "Acme"


async def test_undoing_a_creation_needs_the_right_to_delete_it_now(db, admin):
    group = await _group(db, admin)
    manager = await _user(db, admin, "mona", "sales-manager", group=group)
    member = await _user(db, admin, "rita", "sales-rep", group=group)
    acme = await company(db, manager, "Acme", owner="rita")
    await users.set_user(db, admin, "mona", {"group": ""})  # no longer rita's manager

    with pytest.raises(PermissionDenied, match="may not delete"):
        await undo.undo_last(db, manager)
    assert (await companies.get_company(db, member, acme.id)).deleted is False


async def test_a_bulk_update_is_undone_only_where_the_user_may_still_edit(db, admin):
    group = await _group(db, admin)
    manager = await _user(db, admin, "mona", "sales-manager", group=group)
    member = await _user(db, admin, "rita", "sales-rep", group=group)
    acme = await company(db, member, "Acme")
    ann = await person(db, member, acme.id, "Ann", "Berg")
    bob = await person(db, member, acme.id, "Bob", "Dahl")
    await bulk.apply_bulk_update(db, manager, "email_opt_in", True, contact_ids=[ann.id, bob.id])
    await users.set_user(db, admin, "mona", {"role": "sales-rep"})

    with pytest.raises(PermissionDenied, match="2 of its records"):
        await undo.undo_last(db, manager)
    async with db.read() as session:
        opted = (await session.execute(text("SELECT count(*) FROM contact WHERE email_opt_in"))).scalar()
    assert opted == 2


async def test_a_rep_undoes_their_own_change(db, admin, rep):
    acme = await company(db, rep, "Acme")
    await companies.update_company(db, rep, acme.id, {"name": "Acme Ltd"})
    await undo.undo_last(db, rep)
    assert (await companies.get_company(db, rep, acme.id)).name == "Acme"


# --------------------------------------------------------------------------- replacing the database


async def test_only_an_active_administrator_may_replace_a_leadtui_database(db, db_url, admin):
    await users.add_user(db, admin, {"login": "mona", "role": "sales-manager"})
    await users.add_user(db, admin, {"login": "rita", "role": "sales-rep"})
    await users.add_user(db, admin, {"login": "olav", "role": "administrator"})
    await users.set_user(db, admin, "olav", {"active": False})

    right = await rights.ensure_may_replace_database(db_url, "ADMIN")  # logins match ignoring case, as on sign-in
    assert (right.existing, right.unreadable) == (True, False)
    for login, reason in [
        ("mona", "Only administrators"),
        ("rita", "Only administrators"),
        ("nobody", "Unknown user 'nobody'"),
        ("olav", "inactive"),
    ]:
        with pytest.raises(PermissionDenied, match=reason):
            await rights.ensure_may_replace_database(db_url, login)


async def test_a_database_without_users_is_a_first_run(db_url, backend_name, tmp_path: Path):
    if backend_name == "sqlite":
        assert (
            await rights.ensure_may_replace_database(f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", "x")
        ).existing is False
    handle = await database.connect(db_url)  # the schema, but no database_info row and no users
    await handle.dispose()
    assert (await rights.ensure_may_replace_database(db_url, "anyone")).existing is False


async def test_a_database_that_is_not_leadtuis_is_replaced_only_by_whoever_may_write_it(
    db_url, backend_name, monkeypatch
):
    if backend_name == "sqlite":
        path = Path(db_url.split("///", 1)[1])
        path.write_bytes(b"this is not a database" * 100)
    else:
        handle = Database(db_url)
        async with handle.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE other_program (id integer)"))
        await handle.dispose()

    right = await rights.ensure_may_replace_database(db_url, "whoever")
    assert (right.existing, right.unreadable) == (True, True)
    if backend_name == "sqlite":
        monkeypatch.setattr(rights, "_may_write_file", lambda _path: False)
        with pytest.raises(PermissionDenied, match="may not write the file"):
            await rights.ensure_may_replace_database(db_url, "whoever")
        assert path.read_bytes().startswith(b"this is not a database")


async def test_a_rep_undoes_adding_their_own_sign_in_key(db, admin, rep):
    from leadtui.services import keys

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEcI2ASiUifo1fT9g/8wICO97r0GG5WjfdOTtkTVbEgc rita@laptop"
    await keys.add_key(db, rep, "rita", key)
    await undo.undo_last(db, rep)
    assert await keys.list_keys(db, rep, "rita") == []


async def test_a_locked_database_is_not_taken_for_an_unreadable_one(db, db_url, backend_name, monkeypatch):
    """Users that cannot be asked *now* (locked, busy) give no licence to replace the database."""
    import sqlite3

    from leadtui.services.errors import DatabaseUnavailable

    if backend_name != "sqlite":
        pytest.skip("SQLite's lock")

    def locked(_path, _login):  # noqa: ANN001, ANN202
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(rights, "_read_sqlite_users", locked)
    with pytest.raises(DatabaseUnavailable, match="locked"):
        await rights.ensure_may_replace_database(db_url, "rita")
