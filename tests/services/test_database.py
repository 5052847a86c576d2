"""Opening, creating and migrating databases; the current user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from leadtui.model import migrate
from leadtui.model.base import Versioned
from leadtui.model.engine import Database
from leadtui.model.enums import Role
from leadtui.services import database, lists
from leadtui.services.errors import DatabaseUnavailable, PermissionDenied, RuleViolation


async def test_init_makes_the_os_user_the_first_administrator(db):
    actor = await database.resolve_actor(db, "admin")
    assert actor.role == Role.ADMINISTRATOR and actor.is_admin


@pytest.mark.parametrize(
    "lang,open_name,category",
    [
        ("da", "Åben", "Marketingkvalificeret lead"),
        ("nl", "Open", "Marketinggekwalificeerde lead (MQL)"),
        ("nb", "Åpen", "Markedsføringskvalifisert lead (MQL)"),
    ],
)
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


# --------------------------------------------------------------------------- files that are not (writable) databases


async def test_a_zero_byte_file_is_not_silently_made_a_database(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    url = f"sqlite+aiosqlite:///{empty}"
    with pytest.raises(DatabaseUnavailable) as error:
        await database.open_or_create(url, lang="en", login="me")
    assert "empty (0 bytes)" in str(error.value) and "leadtui init" in str(error.value)
    assert empty.stat().st_size == 0
    db = await database.init_database(url, lang="en", login="me", force=False)  # init may use it
    try:
        assert (await database.resolve_actor(db, "me")).is_admin
    finally:
        await db.dispose()


def _without_root_powers() -> list[str]:
    """Run a command subject to file permissions even as root: drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    probe = subprocess.run(
        ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE: file permissions cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def _leadtui(db_file: Path, *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("leadtui")
    command = [exe] if exe else [sys.executable, "-m", "leadtui"]
    env = {**os.environ, "LEADTUI_DATABASE_URL": str(db_file), "LEADTUI_USER": "admin", "LC_ALL": "C.UTF-8"}
    env.pop("LEADTUI_LANG", None)
    return subprocess.run(
        [*_without_root_powers(), *command, *args], env=env, capture_output=True, text=True, timeout=120
    )


async def _made(path: Path) -> Path:
    db = await database.init_database(f"sqlite+aiosqlite:///{path}", lang="en", login="admin", force=False)
    await db.dispose()
    return path


async def test_a_read_only_database_is_read_and_every_write_refused_in_one_line(tmp_path):
    file = await _made(tmp_path / "ro.db")
    before = file.read_bytes()
    file.chmod(0o444)
    try:
        listed = _leadtui(file, "lists", "show", "lead-status")
        assert listed.returncode == 0, listed.stderr
        added = _leadtui(file, "lists", "add", "lead-status", "New")
        assert added.returncode == 2
        assert added.stderr.strip().count("\n") == 0 and "read-only" in added.stderr
        assert "Traceback" not in added.stderr and "INSERT" not in added.stderr
    finally:
        file.chmod(0o644)
    assert file.read_bytes() == before


async def test_a_database_in_a_folder_that_cannot_be_entered_is_one_line(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    await _made(folder / "db.sqlite")
    folder.chmod(0o000)
    try:
        result = _leadtui(folder / "db.sqlite", "lists", "show", "lead-status")
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "Permission denied" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- concurrent first opens


async def _old_schema(path: Path, revision: str) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    old = Database(url)

    def up(connection) -> None:  # noqa: ANN001
        from alembic import command

        cfg = migrate._config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    try:
        async with old.engine.begin() as connection:
            await connection.run_sync(up)
    finally:
        await old.dispose()
    return url


OPEN_AND_READ = """
import asyncio, sys
from leadtui.services import database, lists

async def go():
    db, _created = await database.open_or_create(sys.argv[1], lang="en", login="admin")
    try:
        await lists.list_items(db, "lead-status")
    finally:
        await db.dispose()

asyncio.run(go())
"""


async def test_processes_opening_an_old_database_at_once_all_succeed(tmp_path):
    """4 processes open an old-schema database at the same moment: one upgrades it, the others wait for it and
    find it current; none fails with "database is locked". Two rounds: 8 opens."""
    for round_ in range(2):
        url = await _old_schema(tmp_path / f"old{round_}.db", "0006")
        processes = [
            subprocess.Popen([sys.executable, "-c", OPEN_AND_READ, url], stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        failures = [err for p in processes if (err := p.communicate(timeout=300)[1]) and p.returncode != 0]
        assert failures == []
        db = await database.connect(url)
        try:
            assert await migrate.current_revision(db) == migrate.HEAD
            assert await database.is_initialised(db)
        finally:
            await db.dispose()


# --------------------------------------------------------------------------- ids are never reused


async def test_the_id_of_a_deleted_sale_is_never_given_to_a_new_one(db, admin, rep):
    from leadtui.services import audit, sales, undo
    from tests.sales_helpers import add_company

    company = await add_company(db, "Acme Ltd")
    first = await sales.create_sale(
        db, rep, {"heading": "Old deal", "sale_type": "General sale", "company_id": company}
    )
    newest = await sales.create_sale(
        db, rep, {"heading": "Deleted deal", "sale_type": "General sale", "company_id": company}
    )
    await sales.delete_sale(db, rep, newest.id)
    other = await sales.create_sale(
        db, admin, {"heading": "New deal", "sale_type": "General sale", "company_id": company}
    )
    assert other.id not in (first.id, newest.id)
    # the deleted sale's audit trail speaks of that sale only
    trail = await audit.for_record(db, "sale", newest.id)
    assert sorted(entry.action for entry in trail) == ["create", "delete"]
    assert all(entry.user == "rita" for entry in trail)
    # and its deletion can be undone: it comes back under its own id, next to the new one
    undone = await undo.undo_last(db, rep)
    assert undone.description == "Deleted sale 'Deleted deal'"
    assert (await sales.get_sale(db, newest.id)).heading == "Deleted deal"
    assert (await sales.get_sale(db, other.id)).heading == "New deal"
    # its history holds its own creation only (stage and status once), not the new sale's
    assert sorted(row.field for row in await sales.sale_history(db, newest.id)) == ["stage", "status"]


async def test_audited_tables_never_reuse_ids_on_sqlite(db, backend_name):
    if backend_name != "sqlite":
        pytest.skip("PostgreSQL sequences never hand out an id twice")
    from leadtui.model import tables as t

    async with db.engine.connect() as connection:
        for mapper in t.Base.registry.mappers:
            table = mapper.class_.__table__
            if issubclass(mapper.class_, Versioned):
                sql = (
                    await connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": table.name})
                ).scalar()
                assert "AUTOINCREMENT" in sql, table.name
