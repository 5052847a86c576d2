"""`leadtui users`, `audit`, `undo`, `backup` and `restore` through the installed entry point."""

from __future__ import annotations

import json


def test_users_add_set_and_list(initialised_cli):
    assert initialised_cli("lists", "add", "user-group", "North").returncode == 0
    added = initialised_cli("users", "add", "bob", "--name", "Bob B", "--role", "sales-manager", "--group", "North")
    assert added.returncode == 0, added.stderr
    assert initialised_cli("users", "set", "bob", "--inactive").returncode == 0
    rows = {row["login"]: row for row in json.loads(initialised_cli("users", "list", "--json").stdout)}
    assert rows["bob"]["role"] == "sales-manager" and rows["bob"]["group"] == "North" and not rows["bob"]["active"]


def test_demoting_the_last_administrator_is_refused(initialised_cli):
    result = initialised_cli("users", "set", "admin", "--role", "sales-rep")
    assert result.returncode == 2 and "last active administrator" in result.stderr


def test_a_sales_rep_may_not_manage_users(initialised_cli):
    initialised_cli("users", "add", "rita", "--role", "sales-rep")
    result = initialised_cli("users", "add", "eve", user="rita")
    assert result.returncode == 3 and "General administrator" in result.stderr


def test_audit_shows_who_changed_what(initialised_cli):
    initialised_cli("lists", "add", "lead-status", "Hot")
    initialised_cli("lists", "edit", "lead-status", "Hot", "--name", "Warm")
    entries = json.loads(initialised_cli("audit", "--since", "2000-01-01", "--json").stdout)
    change = [e for e in entries if e["action"] == "update" and e["entity"] == "lead_status"][-1]
    assert change["user"] == "admin" and change["changes"]["name"] == ["Hot", "Warm"]
    bad = initialised_cli("audit", "--since", "yesterday")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_undo_reverts_the_last_change(initialised_cli):
    initialised_cli("lists", "add", "lead-status", "Hot")
    assert "Would undo" in initialised_cli("undo", "--dry-run").stdout
    assert initialised_cli("undo").returncode == 0
    assert "Hot" not in initialised_cli("lists", "show", "lead-status").stdout


def test_backup_then_restore_needs_force(initialised_cli, tmp_path):
    copy = tmp_path / "copy.db"
    initialised_cli("lists", "add", "lead-status", "Before")
    assert initialised_cli("backup", str(copy)).returncode == 0
    initialised_cli("lists", "add", "lead-status", "After")
    refused = initialised_cli("restore", str(copy))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert initialised_cli("restore", str(copy), "--force").returncode == 0
    shown = initialised_cli("lists", "show", "lead-status").stdout
    assert "Before" in shown and "After" not in shown
