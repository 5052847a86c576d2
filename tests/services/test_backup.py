"""Backup while others work, restore refusing to overwrite without force."""

from __future__ import annotations

import pytest

from leadtui.services import backup, database, lists
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
