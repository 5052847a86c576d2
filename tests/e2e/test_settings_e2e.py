"""A new user starts leadtui, opens Settings by keyboard and adds a lead status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.e2e


def test_open_settings_by_keyboard_and_add_a_lead_status(terminal):
    term, db = terminal
    term.wait_for("Companies")
    term.keys("t")
    term.wait_for("Contact - Lead status")
    term.wait_for("Qualified")
    term.keys("a")
    term.wait_for("Add list item")
    term.type("Nurturing")
    term.keys("Tab")
    term.type("Warm them up")
    term.keys("C-s")
    screen = term.wait_for("Saved 'Nurturing'")
    assert "Nurturing" in screen
    term.keys("q")
    result = subprocess.run(
        [shutil.which("leadtui"), "--db", str(db), "lists", "show", "lead-status", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "LEADTUI_USER": "admin"},
        timeout=60,
    )
    names = [item["name"] for item in json.loads(result.stdout)]
    assert names[-1] == "Nurturing"
