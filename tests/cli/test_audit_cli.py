"""`leadtui audit` in words, newest first (issue 13)."""

from __future__ import annotations

import json


def test_audit_shows_recent_changes_first_in_words(initialised_cli):
    initialised_cli("lists", "add", "reason-lost", "Timing")
    initialised_cli("lists", "edit", "reason-lost", "Timing", "--name", "Bad timing")
    entries = json.loads(initialised_cli("audit", "--json").stdout)
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    newest = entries[0]
    assert newest["summary"] == "Changed Name of Bad timing: Timing → Bad timing"
    assert newest["changes"]["name"] == ["Timing", "Bad timing"]  # the raw values are kept
    assert newest["details"][0] == {"field": "name", "label": "Name", "old": "Timing", "new": "Bad timing"}
    shown = initialised_cli("audit").stdout.splitlines()
    assert "Changed Name of Bad timing: Timing → Bad timing" in shown[1]
    assert "Added reason (lost) 'Timing'" in shown[2]
