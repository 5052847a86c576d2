"""Issue 16, points 1, 2 and 10, through the installed `leadtui` entry point: commands that replace or administer
the database are for an active administrator known to it; unknown and inactive logins are refused every command,
reads included (exit 3, one line, nothing changed)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Cli

ROLES_REFUSED = ["mgr", "rep", "nobody", "off"]  # a sales manager, a sales rep, an unknown and an inactive login

# (name, arguments); {dir} is the test's folder, {backup} a backup taken before "Later Ltd" was added
ADMIN_COMMANDS = [
    ("init --force", ["init", "--force"]),
    ("restore --force", ["restore", "{backup}", "--force"]),
    ("backup", ["backup", "{dir}/out.db"]),
    ("users add", ["users", "add", "eve", "--role", "administrator"]),
    ("users set", ["users", "set", "rep", "--role", "administrator"]),
    ("lists add", ["lists", "add", "lead-status", "Hot"]),
    ("lists edit", ["lists", "edit", "lead-status", "Open", "--name", "Opened"]),
    ("lists delete", ["lists", "delete", "sale-type", "Guided sale"]),
    ("lists restore", ["lists", "restore", "sale-type", "Renewal"]),
    ("lists move", ["lists", "move", "sale-type", "General sale", "down"]),
    ("distribute --set", ["distribute", "--set", "--users", "admin"]),
    ("demo-data", ["demo-data", "--companies", "1"]),
]

READ_COMMANDS = [
    ("users list", ["users", "list"]),
    ("lists show", ["lists", "show", "lead-status"]),
    ("audit", ["audit"]),
    ("audit --id", ["audit", "--entity", "sale", "--id", "1"]),
    ("undo --dry-run", ["undo", "--dry-run"]),
    ("sale show", ["sale", "show", "1"]),
    ("sale history", ["sale", "history", "1"]),
    ("sale guide", ["sale", "guide", "1"]),
    ("sale followup list", ["sale", "followup", "list", "1"]),
    ("sale list", ["sale", "list"]),
    ("sale-type show", ["sale-type", "show", "Renewal"]),
    ("company list", ["company", "list"]),
    ("person list", ["person", "list"]),
    ("find", ["find", "companies"]),
    ("export", ["export", "companies", "--csv"]),
    ("board show", ["board", "show", "--target", "sales"]),
    ("dashboard", ["dashboard"]),
    ("distribute --show", ["distribute", "--show"]),
    ("selection list", ["selection", "list"]),
]


def _ok(result) -> None:  # noqa: ANN001
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One database for the module (copied for each test): admin, mgr (sales manager), rep (sales rep), off
    (an inactive administrator), a company with a sale, a deleted sale type; and a backup taken before the
    company "Later Ltd" was added."""
    folder = tmp_path_factory.mktemp("rights")
    cli = Cli(folder / "base.db")
    _ok(cli("init"))
    for login, role in [("mgr", "sales-manager"), ("rep", "sales-rep"), ("off", "administrator")]:
        _ok(cli("users", "add", login, "--role", role))
    _ok(cli("users", "set", "off", "--inactive"))
    _ok(cli("company", "add", "Acme", "--category", "Lead"))
    _ok(cli("sale", "add", "--company", "1", "--heading", "Big deal", "--amount", "100"))
    _ok(cli("lists", "delete", "sale-type", "Renewal"))
    _ok(cli("backup", str(folder / "backup.db")))
    _ok(cli("company", "add", "Later Ltd", "--category", "Lead"))
    return folder / "base.db", folder / "backup.db"


@pytest.fixture
def cli(base: tuple[Path, Path], tmp_path: Path) -> Cli:
    shutil.copy(base[0], tmp_path / "cli.db")
    return Cli(tmp_path / "cli.db")


def _contents(path: Path) -> str:
    """Everything in the database but the schema version, to tell "nothing changed"."""
    connection = sqlite3.connect(path)
    try:
        dump = "\n".join(line for line in connection.iterdump() if "alembic_version" not in line)
    finally:
        connection.close()
    return hashlib.sha256(dump.encode()).hexdigest()


def _args(args: list[str], cli: Cli, backup: Path) -> list[str]:
    return [a.format(dir=cli.db_path.parent, backup=backup) for a in args]


def _refused(result) -> None:  # noqa: ANN001
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    if "demo-data" in result.args:  # click.progressbar prints its label once when stderr is no terminal
        lines = [line for line in lines if line != "Companies"]
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("role", ROLES_REFUSED)
@pytest.mark.parametrize(("name", "args"), ADMIN_COMMANDS, ids=[name for name, _args in ADMIN_COMMANDS])
def test_only_an_administrator_runs_an_administrator_command(
    cli: Cli, base, name: str, args: list[str], role: str
) -> None:
    before = _contents(cli.db_path)
    result = cli(*_args(args, cli, base[1]), user=role)
    _refused(result)
    message = result.stderr
    if role == "nobody":
        assert "Unknown user 'nobody'" in message
    elif role == "off":
        assert "inactive" in message
    else:
        assert "administrator" in message.lower()
    assert _contents(cli.db_path) == before
    assert not (cli.db_path.parent / "out.db").exists()


@pytest.mark.parametrize(("name", "args"), ADMIN_COMMANDS, ids=[name for name, _args in ADMIN_COMMANDS])
def test_an_administrator_runs_it(cli: Cli, base, name: str, args: list[str]) -> None:
    before = _contents(cli.db_path)
    result = cli(*_args(args, cli, base[1]), user="admin")
    assert result.returncode == 0, result.stderr
    if name == "backup":
        assert (cli.db_path.parent / "out.db").exists()
    else:
        assert _contents(cli.db_path) != before


@pytest.mark.parametrize("role", ["nobody", "off"])
@pytest.mark.parametrize(("name", "args"), READ_COMMANDS, ids=[name for name, _args in READ_COMMANDS])
def test_an_unknown_or_inactive_login_reads_nothing(cli: Cli, name: str, args: list[str], role: str) -> None:
    result = cli(*args, user=role)
    _refused(result)
    assert ("Unknown user" if role == "nobody" else "inactive") in result.stderr


# the reads that used to skip the user (needs_user=False) still work for a known user
STILL_READABLE = ["users list", "lists show", "audit", "sale show", "sale followup list"]


@pytest.mark.parametrize(("name", "args"), [c for c in READ_COMMANDS if c[0] in STILL_READABLE], ids=STILL_READABLE)
def test_a_sales_rep_still_reads(cli: Cli, name: str, args: list[str]) -> None:
    result = cli(*args, user="rep")
    assert result.returncode == 0, result.stderr


def test_help_needs_no_user(cli: Cli) -> None:
    for args in (["--help"], ["users", "--help"], ["restore", "--help"], ["init", "--help"]):
        assert cli(*args, user="nobody").returncode == 0


def test_a_restore_refused_to_a_rep_leaves_the_data(cli: Cli, base) -> None:
    result = cli("restore", str(base[1]), "--force", user="rep")
    _refused(result)
    assert "Later Ltd" in cli("company", "list", user="rep").stdout


def test_init_force_refused_to_a_rep_keeps_the_administrator(cli: Cli) -> None:
    _refused(cli("init", "--force", user="rep"))
    users = cli("users", "list", "--json", user="rep").stdout
    assert '"login": "admin"' in users and '"login": "mgr"' in users


def test_the_first_init_makes_the_os_user_administrator(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "new.db")
    result = cli("init", user="first")
    assert result.returncode == 0, result.stderr
    assert "administrator: first" in result.stdout
    assert cli("users", "add", "second", user="first").returncode == 0


def test_a_file_that_is_not_a_database_is_replaced_by_init_force(tmp_path: Path) -> None:
    """Its users cannot be asked; whoever may write the file may replace it (and becomes its administrator)."""
    path = tmp_path / "broken.db"
    path.write_bytes(b"not a database " * 1000)
    cli = Cli(path)
    assert cli("init", user="rep").returncode == 2  # without --force it is only reported
    assert path.read_bytes().startswith(b"not a database")
    result = cli("init", "--force", user="rep")
    assert result.returncode == 0, result.stderr
    assert "administrator: rep" in result.stdout


def test_init_force_over_a_file_the_user_may_not_write_is_refused(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root may write every file")
    path = tmp_path / "broken.db"
    path.write_bytes(b"not a database " * 1000)
    path.chmod(0o444)
    result = Cli(path)("init", "--force", user="rep")
    _refused(result)
    assert path.read_bytes().startswith(b"not a database")


async def test_an_inactive_login_is_refused_by_the_tui(cli: Cli) -> None:
    from leadtui.app import LeadApp

    app = LeadApp(db_url=str(cli.db_path), user="off")
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 3
    assert app.exit_message is not None and "inactive" in app.exit_message


async def test_on_postgresql_a_rep_can_neither_init_force_nor_restore(tmp_path: Path) -> None:
    from tests.conftest import PG_URL, reset_postgres

    if not PG_URL:
        pytest.skip("LEADTUI_TEST_PG_URL is not set")
    await reset_postgres(PG_URL)
    cli = Cli(tmp_path / "unused.db")
    env = {"LEADTUI_DATABASE_URL": PG_URL}
    _ok(cli("init", env=env))
    _ok(cli("users", "add", "rep", "--role", "sales-rep", env=env))
    _ok(cli("company", "add", "Acme", "--category", "Lead", env=env))
    _ok(cli("backup", str(tmp_path / "b.dump"), env=env))
    _ok(cli("company", "add", "Later Ltd", "--category", "Lead", env=env))
    for user in ("rep", "nobody"):
        _refused(cli("init", "--force", user=user, env=env))
        _refused(cli("restore", str(tmp_path / "b.dump"), "--force", user=user, env=env))
    listed = cli("company", "list", env=env).stdout
    assert "Acme" in listed and "Later Ltd" in listed
    _ok(cli("restore", str(tmp_path / "b.dump"), "--force", env=env))
    assert "Later Ltd" not in cli("company", "list", env=env).stdout
