"""Importing the app (what `leadtui` does before the first paint) loads neither SQLAlchemy nor any screen: the
database layer is imported in the start-up worker, each section's screen when it is first shown
(leadtui/navigation.py). import-linter checks the static side (pyproject.toml); this checks what really loads."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import leadtui.app
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "aiosqlite", "asyncpg")
               or m.startswith(("leadtui.screens", "leadtui.services", "leadtui.model")))
print(" ".join(heavy))
"""


def test_importing_the_app_loads_no_database_layer_and_no_screen() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == []
