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


def test_audit_since_and_until_take_a_day_as_the_language_writes_it(initialised_cli):
    from datetime import date, timedelta

    initialised_cli("lists", "add", "reason-lost", "Timing")
    nl = {"LEADTUI_LANG": "nl"}
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    shown = initialised_cli("audit", "--since", today.strftime("%d-%m-%Y"), env=nl)
    assert shown.returncode == 0 and "Timing" in shown.stdout  # DD-MM-JJJJ, as the audit shows its dates
    assert "Timing" in initialised_cli("audit", "--until", today.strftime("%d-%m-%Y"), env=nl).stdout  # inclusive
    assert "Timing" not in initialised_cli("audit", "--since", tomorrow.strftime("%d-%m-%Y"), env=nl).stdout
    assert "Timing" in initialised_cli("audit", "--since", today.isoformat(), env=nl).stdout  # ISO still
    bad = initialised_cli("audit", "--since", "31-02-2027", env=nl)
    assert bad.returncode == 2 and "(DD-MM-JJJJ of DD-MM-JJJJ UU:MM)" in bad.stderr
