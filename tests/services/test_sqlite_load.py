"""SQLite under load (short version of bench/sqlite_load.py): 4 processes writing at once lose nothing and never
see "database is locked"."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.load


def test_four_writers_at_once_lose_nothing_and_never_see_locked(tmp_path):
    path = Path(__file__).resolve().parents[2] / "bench" / "sqlite_load.py"
    spec = importlib.util.spec_from_file_location("sqlite_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.run_load(processes=4, seconds=4, db_file=tmp_path / "load.db")
    total, check = result["total"], result["check"]
    assert total["locked"] == 0 and total["errors"] == 0
    assert total["creates"] + total["updates"] > 20
    assert check["lost"] == 0 and check["creates_found"] == check["creates_reported"]
    assert check["updates_found"] == check["updates_reported"]
