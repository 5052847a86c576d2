"""In a real terminal (tmux), a company name holding ESC ] 0 ; pwned BEL and ESC [ 2 J (stored before such names
were refused) neither retitles the terminal nor wipes the screen: the name shows with visible stand-ins and the
navigator, header and footer stay (issue 16, point 3)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from tests.e2e.conftest import SOCKET

pytestmark = pytest.mark.e2e


def test_a_hostile_company_name_does_not_reach_the_terminal(terminal):
    term, db = terminal
    term.wait_for("No companies yet")  # the database is made and the list loaded
    added = subprocess.run(
        [shutil.which("leadtui"), "--db", str(db), "company", "add", "Evil", "--category", "Lead", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "LEADTUI_USER": "admin"},
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    company_id = json.loads(added.stdout)["id"]
    with sqlite3.connect(db) as conn:
        conn.execute("update company set name = ? where id = ?", ("Evil\x1b]0;pwned\x07\x1b[2J\x1b[31mRED", company_id))
    term.keys("/")
    term.type("Evil")
    screen = term.wait_for("Evil")
    screen = term.wait_for("]0;pwned")
    assert "Companies" in screen and "Contacts" in screen  # the navigator is still there
    assert "e2e.db" in screen.splitlines()[0]  # the header (its start may sit under the navigator's border)
    assert "^p Commands" in screen  # the footer
    assert "Evil\u241b]0;pwned\u2407\u241b[2J\u241b[31mRED" in screen  # visible stand-ins, no red, nothing wiped
    title = subprocess.run(
        ["tmux", "-L", SOCKET, "display-message", "-p", "-t", term.session, "#{pane_title}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pwned" not in title
    term.keys("Escape", "q")
