"""Backup while others work, restore refusing to overwrite without force."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from leadtui.model import migrate
from leadtui.model.engine import Database
from leadtui.model.enums import Role
from leadtui.services import backup, database, lists
from leadtui.services.actor import Actor
from leadtui.services.errors import PermissionDenied, RuleViolation


async def test_backup_and_restore_round_trip(db, db_url, admin, tmp_path):
    await lists.add_item(db, admin, "lead-status", {"name": "Kept"})
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    await lists.add_item(db, admin, "lead-status", {"name": "After backup"})
    await backup.restore(db_url, str(file), force=True, initialised=True)
    fresh = await database.connect(db_url)
    try:
        names = [i.name for i in await lists.list_items(fresh, "lead-status")]
    finally:
        await fresh.dispose()
    assert "Kept" in names and "After backup" not in names


async def test_restore_refuses_to_overwrite_without_force(db, db_url, admin, tmp_path):
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(file), force=False, initialised=True)
    assert "--force" in str(error.value)


async def test_backup_refuses_to_overwrite_a_file_without_force(db, admin, tmp_path):
    file = tmp_path / "exists"
    file.write_text("precious")
    with pytest.raises(RuleViolation):
        await backup.backup(db, admin, str(file))
    assert file.read_text() == "precious"


async def test_only_administrators_back_up(db, rep, tmp_path):
    with pytest.raises(PermissionDenied):
        await backup.backup(db, rep, str(tmp_path / "x"))


async def test_restoring_a_file_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk"
    junk.write_text("nope")
    with pytest.raises(RuleViolation):
        await backup.restore(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", str(junk), force=True, initialised=True)


# --------------------------------------------------------------------------- restore checks the whole file first


async def _names(url: str) -> list[str]:
    fresh = await database.connect(url)
    try:
        return [i.name for i in await lists.list_items(fresh, "lead-status")]
    finally:
        await fresh.dispose()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part") or "-restore-" in p.name)


def _damage_pages(file: Path) -> None:
    """Overwrite the b-tree page headers of the second half of the file: SQLite can still open it (the header and
    the schema page are intact) but `PRAGMA integrity_check` fails."""
    data = bytearray(file.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page
    assert pages >= 6
    for number in range(pages // 2, pages):
        data[number * page : number * page + 12] = b"\x42" * 12
    file.write_bytes(bytes(data))


async def _sqlite_backup_with_rows(db, admin, tmp_path: Path) -> Path:
    for n in range(300):  # enough rows for several pages of lead statuses
        await lists.add_item(db, admin, "lead-status", {"name": f"Status {n:03} " + "x" * 60})
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    return file


async def test_a_backup_with_damaged_pages_is_refused_and_the_database_is_untouched(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    db = await database.init_database(url, lang="en", login="admin", force=False)
    try:
        admin = await database.resolve_actor(db, "admin")
        file = await _sqlite_backup_with_rows(db, admin, tmp_path)
        await lists.add_item(db, admin, "lead-status", {"name": "Only in the live database"})
    finally:
        await db.dispose()
    _damage_pages(file)
    with pytest.raises(RuleViolation) as error:
        await backup.restore(url, str(file), force=True, initialised=True)
    assert "damaged" in str(error.value) and "\n" not in str(error.value)
    assert "Only in the live database" in await _names(url)
    conn = sqlite3.connect(tmp_path / "live.db")
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("damage", ["header", "truncated", "empty", "text"])
async def test_a_backup_that_is_not_a_database_is_refused_in_one_line(
    db, db_url, admin, backend_name, tmp_path, damage
):
    await lists.add_item(db, admin, "lead-status", {"name": "Kept"})
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    data = file.read_bytes()
    file.write_bytes(
        {
            "header": b"\x00" * 100 + data[100:],
            "truncated": data[: len(data) // 2],
            "empty": b"",
            "text": b"name,email\nAcme,a@example.com\n",
        }[damage]
    )
    await db.dispose()
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(file), force=True, initialised=True)
    assert "\n" not in str(error.value) and error.value.field == "file" and file.name in str(error.value)
    assert "Kept" in await _names(db_url)
    assert _leftovers(tmp_path) == []


async def test_a_backup_from_a_newer_leadtui_is_refused_before_the_database_is_touched(db, db_url, admin, tmp_path):
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    file = tmp_path / "future.backup"
    await backup.backup(db, admin, str(file))
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": migrate.HEAD})
    await lists.add_item(db, admin, "lead-status", {"name": "Still here"})
    await db.dispose()
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(file), force=True, initialised=True)
    assert "newer leadtui" in str(error.value) and "9999" in str(error.value)
    assert "Still here" in await _names(db_url)  # and the schema is still current: connect() did not refuse it


async def test_a_backup_from_an_older_schema_is_restored_and_upgraded(db_url, backend_name, tmp_path):
    old = Database(db_url)

    def to_0006(connection) -> None:  # noqa: ANN001
        from alembic import command

        cfg = migrate._config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0006")

    async with old.engine.begin() as connection:
        await connection.run_sync(to_0006)
        await connection.execute(
            text("INSERT INTO database_info (id, language, created_at) VALUES (1, 'en', '2026-11-27 10:00:00')")
        )
        await connection.execute(
            text(
                "INSERT INTO lead_status (id, name, name_key, description, rank, deleted, "
                "is_default, version) VALUES (7, 'From 0006', 'from 0006', '', 1, false, "
                "true, 1)"
            )
        )
    file = tmp_path / "old.backup"
    if backend_name == "sqlite":
        await old.dispose()
        shutil.copy(tmp_path / "leadtui-test.db", file)
        target = f"sqlite+aiosqlite:///{tmp_path / 'target.db'}"
    else:
        admin = Actor(
            id=0,
            login="admin",
            full_name="",
            role=Role.ADMINISTRATOR,
            primary_group_id=None,
            delete_others_sales=True,
            allow_bulk_update=True,
            can_manage_entities=True,
        )
        await backup.backup(old, admin, str(file))
        await old.dispose()
        target = db_url
    await backup.restore(target, str(file), force=True, initialised=True)
    fresh = await database.connect(target)
    try:
        assert await migrate.current_revision(fresh) == migrate.HEAD
        assert "From 0006" in [i.name for i in await lists.list_items(fresh, "lead-status")]
    finally:
        await fresh.dispose()


async def test_a_restore_that_fails_leaves_no_temporary_file(db, db_url, admin, tmp_path, monkeypatch):
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    await db.dispose()

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_sqlite_copy", broken)
    monkeypatch.setattr(backup, "_check_pg_archive", broken)
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(file), force=True, initialised=True)
    assert "No space left" in str(error.value)
    assert _leftovers(tmp_path) == []


async def test_a_postgresql_backup_with_damaged_data_is_refused_and_the_database_is_untouched(
    db, db_url, admin, backend_name, tmp_path
):
    if backend_name != "postgresql":
        pytest.skip("SQLite: test_a_backup_with_damaged_pages_is_refused_and_the_database_is_untouched")
    for n in range(300):
        await lists.add_item(db, admin, "lead-status", {"name": f"Status {n:03} " + "x" * 60})
    file = tmp_path / "copy.backup"
    await backup.backup(db, admin, str(file))
    await lists.add_item(db, admin, "lead-status", {"name": "Only in the live database"})
    await db.dispose()
    data = bytearray(file.read_bytes())
    for where in (len(data) // 3, len(data) * 2 // 3, len(data) - 200):  # table of contents, table data
        data[where : where + 64] = b"\x42" * 64
    file.write_bytes(bytes(data))
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(file), force=True, initialised=True)
    message = str(error.value)
    assert "\n" not in message and "Command was" not in message and "CREATE" not in message
    assert "nothing was restored" in message or "the database is unchanged" in message
    assert "Only in the live database" in await _names(db_url)


@pytest.mark.parametrize("what", ["folder", "missing", "unreadable"])
async def test_restoring_from_a_bad_path_is_one_line(tmp_path, what):
    path = {"folder": tmp_path, "missing": tmp_path / "nope.backup", "unreadable": Path("/proc/self/mem")}[what]
    with pytest.raises(RuleViolation) as error:
        await backup.restore(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", str(path), force=True, initialised=True)
    assert "\n" not in str(error.value)


async def test_a_postgresql_dump_is_not_restored_into_sqlite_and_back(tmp_path, db, db_url, admin, backend_name):
    if backend_name != "postgresql":
        pytest.skip("needs a PostgreSQL dump")
    dump = tmp_path / "pg.backup"
    await backup.backup(db, admin, str(dump))
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
    with pytest.raises(RuleViolation):
        await backup.restore(sqlite_url, str(dump), force=True, initialised=True)
    sqlite_db = await database.init_database(sqlite_url, lang="en", login="admin", force=False)
    try:
        sqlite_file = tmp_path / "sqlite.backup"
        await backup.backup(sqlite_db, await database.resolve_actor(sqlite_db, "admin"), str(sqlite_file))
    finally:
        await sqlite_db.dispose()
    await db.dispose()
    with pytest.raises(RuleViolation) as error:
        await backup.restore(db_url, str(sqlite_file), force=True, initialised=True)
    assert "not a readable leadtui backup" in str(error.value)


# --------------------------------------------------------------------------- backups: temporary name, renamed on success


@pytest.mark.parametrize("where", ["folder", "proc", "long name", "no folder"])
async def test_a_backup_to_a_place_that_cannot_hold_it_is_one_line_and_leaves_nothing(db, admin, tmp_path, where):
    target = {
        "folder": tmp_path,
        "proc": Path("/proc/leadtui.backup"),
        "long name": tmp_path / ("b" * 300),
        "no folder": tmp_path / "missing" / "x.backup",
    }[where]
    with pytest.raises(RuleViolation) as error:
        await backup.backup(db, admin, str(target), force=True)
    assert "\n" not in str(error.value) and error.value.field == "file"
    assert _leftovers(tmp_path) == []


async def test_a_failed_backup_leaves_no_partial_file(db, admin, backend_name, tmp_path, monkeypatch):
    target = tmp_path / "copy.backup"
    if backend_name == "sqlite":

        def half_then_fail(_source, tmp, **_kwargs):
            tmp.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(backup, "_sqlite_copy", half_then_fail)
    else:
        monkeypatch.setattr(backup, "_libpq_url", lambda url: "postgresql://127.0.0.1:1/nowhere")
    with pytest.raises(RuleViolation):
        await backup.backup(db, admin, str(target))
    assert not target.exists()
    assert _leftovers(tmp_path) == []


async def test_an_interrupted_backup_leaves_no_file_under_the_final_name(db, admin, tmp_path, monkeypatch):
    target = tmp_path / "copy.backup"
    target.write_text("the previous backup")
    real = backup._sqlite_copy if db.dialect == "sqlite" else None

    def interrupted(*args, **kwargs):
        if real:
            real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "_sqlite_copy", interrupted)
    monkeypatch.setattr(backup.subprocess, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        await backup.backup(db, admin, str(target), force=True)
    assert target.read_text() == "the previous backup"
    assert _leftovers(tmp_path) == []


async def test_a_killed_backup_process_never_leaves_a_partial_file_under_the_final_name(tmp_path):
    """A backup process killed at random moments: the final name holds a complete backup or nothing."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'big.db'}"
    db = await database.init_database(url, lang="en", login="admin", force=False)
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE filler (blob TEXT)"))
        await connection.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
                "INSERT INTO filler SELECT printf('%.2000c', 'x') FROM n"
            )
        )
    await db.dispose()
    target = tmp_path / "copy.backup"
    script = (
        "import asyncio, sys\nfrom leadtui.services import backup, database\n"
        "async def go():\n    db = await database.connect(sys.argv[1])\n"
        "    actor = await database.resolve_actor(db, 'admin')\n"
        "    print('started', flush=True)\n    await backup.backup(db, actor, sys.argv[2], force=True)\n"
        "asyncio.run(go())\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script, url, str(target)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30  # wait until the copy is under way (its temporary file exists), then kill it
    while not _leftovers(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    process.kill()
    process.wait()
    if target.exists():  # it had finished first: then it is a complete, sound backup
        conn = sqlite3.connect(target)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM filler").fetchone() == (4000,)
        conn.close()
    else:  # killed during the copy: only the temporary file (.part) is left, never a partial final file
        assert all(name.endswith(".part") for name in _leftovers(tmp_path))


def test_the_command_line_says_one_line_and_exits_2_for_backup_targets_that_cannot_be_written(tmp_path):
    from tests.cli.conftest import Cli

    cli = Cli(tmp_path / "cli.db")
    assert cli("init").returncode == 0
    for target in (str(tmp_path), "/proc/leadtui.backup", str(tmp_path / ("b" * 300)), str(tmp_path / "no" / "x")):
        result = cli("backup", target)
        assert result.returncode == 2, (target, result.stderr)
        assert result.stderr.startswith("leadtui: ") and result.stderr.strip().count("\n") == 0
        assert "unexpected" not in result.stderr
    assert _leftovers(tmp_path) == []
