from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import templates


def leadtui_command() -> list[str]:
    """The installed console script (the real entry point); python -m leadtui where it is not on PATH."""
    exe = shutil.which("leadtui")
    return [exe] if exe else [sys.executable, "-m", "leadtui"]


class Cli:
    def __init__(self, db_path: Path, user: str = "admin") -> None:
        self.db_path = db_path
        self.user = user

    def __call__(
        self, *args: str, user: str | None = None, input: str | None = None, env: dict[str, str | None] | None = None
    ) -> subprocess.CompletedProcess:
        """Run leadtui in English (no LEADTUI_LANG, the C locale) unless `env` says otherwise (None unsets)."""
        run_env = {
            **os.environ,
            "LEADTUI_DATABASE_URL": str(self.db_path),
            "LEADTUI_USER": user or self.user,
            "LC_ALL": "C.UTF-8",
            "LC_MESSAGES": "C.UTF-8",
            "LANG": "C.UTF-8",
        }
        run_env.pop("LEADTUI_LANG", None)
        run_env.update(env or {})
        run_env = {key: value for key, value in run_env.items() if value is not None}
        return subprocess.run(
            [*leadtui_command(), *args], env=run_env, capture_output=True, text=True, input=input, timeout=60
        )


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "cli.db")


@pytest.fixture
def initialised_cli(cli: Cli) -> Cli:
    """The database `leadtui init` makes here (English lists, administrator admin), copied from the session's
    template (tests/templates.py) instead of running init in a new process; test_admin_cli.py runs init itself."""
    templates.copy_sqlite(cli.db_path)
    return cli
