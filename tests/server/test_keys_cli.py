"""`leadtui users key add|list|remove` through the installed entry point, with the contract's exit codes."""

from __future__ import annotations

import json
import warnings

import pytest

from tests.cli.conftest import Cli

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh


@pytest.fixture
def run(tmp_path) -> Cli:
    """The installed leadtui on a new database whose administrator is admin."""
    cli = Cli(tmp_path / "cli.db")
    assert cli("init").returncode == 0
    return cli


def test_keys_are_added_from_a_file_or_stdin_listed_and_removed_and_only_admins_touch_others(run, tmp_path):
    assert run("users", "add", "rita", "--name", "Rita Rep").returncode == 0
    key = asyncssh.generate_private_key("ssh-ed25519", comment="rita@laptop")
    (tmp_path / "rita.pub").write_bytes(key.export_public_key())
    fingerprint = key.get_fingerprint("sha256")

    added = run("users", "key", "add", "rita", str(tmp_path / "rita.pub"))
    assert added.returncode == 0 and fingerprint in added.stdout
    again = run("users", "key", "add", "admin", "-", input=key.export_public_key().decode())
    assert again.returncode == 2 and "already belongs to rita" in again.stderr
    listed = json.loads(run("users", "key", "list", "rita", "--json").stdout)
    assert [(k["fingerprint"], k["comment"], k["added_by"]) for k in listed] == [(fingerprint, "rita@laptop", "admin")]
    assert run("users", "key", "list", "admin", user="rita").returncode == 3
    assert run("users", "key", "remove", "rita", "SHA256:unknown").returncode == 4
    removed = run("users", "key", "remove", "rita", fingerprint, user="rita")  # her own key
    assert removed.returncode == 0 and run("users", "key", "list", "rita", "--json").stdout.strip() == "[]"
