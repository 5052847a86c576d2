"""Opening, creating and migrating databases; the current user."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from leadtui.model import migrate
from leadtui.model.enums import Role
from leadtui.services import database, lists
from leadtui.services.errors import DatabaseUnavailable, PermissionDenied, RuleViolation


async def test_init_makes_the_os_user_the_first_administrator(db):
    actor = await database.resolve_actor(db, "admin")
    assert actor.role == Role.ADMINISTRATOR and actor.is_admin


@pytest.mark.parametrize("lang,open_name,category", [
    ("da", "Åben", "Marketingkvalificeret lead"),
    ("nl", "Open", "Marketinggekwalificeerde lead (MQL)"),
    ("nb", "Åpen", "Markedsføringskvalifisert lead (MQL)"),
])
async def test_init_names_the_default_lists_in_the_chosen_language(db_url, lang, open_name, category):
    db = await database.init_database(db_url, lang=lang, login="admin", force=False)
    try:
        statuses = await lists.list_items(db, "lead-status")
        assert statuses[0].name == open_name and statuses[0].is_default
        assert category in [c.name for c in await lists.list_items(db, "category")]
        assert await database.database_language(db) == lang
    finally:
        await db.dispose()


async def test_init_refuses_an_existing_database_without_force(db, db_url, admin):
    await lists.add_item(db, admin, "lead-status", {"name": "Keep me"})
    with pytest.raises(RuleViolation) as error:
        await database.init_database(db_url, lang="en", login="admin", force=False)
    assert "--force" in str(error.value)
    assert "Keep me" in [i.name for i in await lists.list_items(db, "lead-status")]


async def test_init_with_force_starts_a_new_database(db, db_url, admin):
    await lists.add_item(db, admin, "lead-status", {"name": "Gone"})
    await db.dispose()
    fresh = await database.init_database(db_url, lang="en", login="other", force=True)
    try:
        assert "Gone" not in [i.name for i in await lists.list_items(fresh, "lead-status")]
        assert (await database.resolve_actor(fresh, "other")).is_admin
    finally:
        await fresh.dispose()


async def test_unknown_language_is_refused(db_url):
    with pytest.raises(RuleViolation) as error:
        await database.init_database(db_url, lang="sv", login="admin", force=False)
    assert error.value.field == "lang"


async def test_first_open_creates_the_database_with_default_lists(db_url):
    db, created = await database.open_or_create(db_url, lang="en", login="me")
    try:
        assert created
        assert len(await lists.list_items(db, "lead-status")) == 5
        again, created_again = await database.open_or_create(db_url, lang="en", login="me")
        await again.dispose()
        assert not created_again
    finally:
        await db.dispose()


async def test_opening_runs_the_migrations_to_the_newest_schema(db):
    assert await migrate.current_revision(db) == migrate.head_revision()


def test_the_quick_head_check_names_the_newest_migration():
    from alembic.script import ScriptDirectory

    assert migrate.HEAD == migrate.head_revision()
    script = ScriptDirectory.from_config(migrate._config())
    for revision in script.walk_revisions():  # each file is named after its revision id, one line of history
        assert Path(revision.path).name.startswith(f"{revision.revision}_")
    assert len(script.get_heads()) == 1


async def test_an_older_database_is_upgraded_when_opened(db_url):
    db = await database.connect(db_url)
    await database.wipe(db)  # no tables at all: the oldest possible database
    await db.dispose()
    reopened = await database.connect(db_url)
    try:
        assert await migrate.current_revision(reopened) == migrate.head_revision()
    finally:
        await reopened.dispose()


async def test_a_database_from_a_newer_leadtui_is_refused(db, db_url):
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(DatabaseUnavailable) as error:
        await database.connect(db_url)
    assert "newer leadtui" in str(error.value)


async def test_a_database_path_that_cannot_be_opened_is_a_clear_error(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(DatabaseUnavailable) as error:
        await database.connect(f"sqlite+aiosqlite:///{tmp_path / 'adir'}")
    assert "Cannot open the database" in str(error.value)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable):
        await database.connect(f"sqlite+aiosqlite:///{blocker / 'sub' / 'db.sqlite'}")


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseUnavailable) as error:
        await database.connect(f"sqlite+aiosqlite:///{junk}")
    assert "Cannot open the database" in str(error.value)


async def test_unknown_user_is_refused_clearly(db):
    with pytest.raises(PermissionDenied) as error:
        await database.resolve_actor(db, "mallory")
    assert "Unknown user 'mallory'" in str(error.value)


async def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = await database.connect(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    try:
        async with db.read() as session:
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await db.dispose()
