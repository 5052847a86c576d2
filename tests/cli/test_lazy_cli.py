"""The command line starts like a native tool: `leadtui --help` lists every command from a static table, without
importing the command modules, SQLAlchemy, pydantic or Textual; a command imports only its own module."""

from __future__ import annotations

import subprocess
import sys

import pytest

from leadtui.i18n import LANGUAGES, set_language

PROBE = """
import sys
from leadtui.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "pydantic", "textual", "aiosqlite")
               or m.startswith(("leadtui.model", "leadtui.services.", "leadtui.cli.people", "leadtui.cli.find")))
heavy = [m for m in heavy if m != "leadtui.services.errors"]  # the exceptions a command may raise: no imports
print("HEAVY:" + ",".join(heavy))
"""


def _probe(*args: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, check=False)
    out, _sep, heavy = done.stdout.rpartition("HEAVY:")
    return out, [name for name in heavy.strip().split(",") if name]


def test_help_imports_no_database_code() -> None:
    out, heavy = _probe("--lang", "en", "--help")
    assert heavy == []
    from leadtui.cli import COMMANDS

    for name in COMMANDS:  # every command is listed all the same
        assert f"\n  {name} " in out


def test_a_commands_help_imports_only_its_module() -> None:
    out, heavy = _probe("--lang", "en", "person", "--help")
    assert "show" in out
    assert "leadtui.cli.people" in heavy
    assert "leadtui.cli.find" not in heavy
    assert not any(name.startswith("sqlalchemy") for name in heavy)


@pytest.fixture
def all_commands():  # noqa: ANN201
    from leadtui.cli import cli

    yield cli
    set_language("en")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_table_lists_every_command_with_its_own_help(all_commands, lang: str) -> None:  # noqa: ANN001
    from leadtui.cli import COMMANDS, short_help

    assert set(all_commands.commands) == set(COMMANDS)
    set_language(lang)
    for name, command in all_commands.commands.items():
        assert short_help(name, 45) == command.get_short_help_str(45), name
        assert short_help(name, 200) == command.get_short_help_str(200), name


def test_help_in_another_language_shows_the_translated_table() -> None:
    out, heavy = _probe("--lang", "da", "--help")
    assert heavy == []
    from leadtui.cli import short_help

    set_language("da")
    try:
        assert short_help("users", 200) != "Users (associates)."  # translated ...
        assert f"  users       {short_help('users', 200)}" in out  # ... and shown as translated
    finally:
        set_language("en")
