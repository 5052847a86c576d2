"""Two programs editing the same contact never lose an update: the second save is refused with the other change
shown (version column), on the same SQLite file and on the same PostgreSQL database."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from leadtui.model import tables as t
from leadtui.services import contacts


async def test_two_processes_saving_the_same_contact_one_wins_one_is_told(db, db_url, admin, tmp_path):
    async with db.write(admin) as session:
        category = await session.get(t.Category, 1)
        company = t.Company(name="Acme", name_key="acme", category_id=category.id)
        session.add(company)
    contact = await contacts.create_contact(db, admin, {"first_name": "Ann", "last_name": "Lee", "company": company.id})
    go = tmp_path / "go"
    editors = []
    for n, value in enumerate(["First editor", "Second editor"]):
        ready = tmp_path / f"ready{n}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.tools.concurrent_editor",
                db_url,
                "admin",
                str(contact.id),
                "title",
                value,
                str(ready),
                str(go),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        editors.append((process, ready))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for _p, ready in editors):
        assert time.monotonic() < deadline, [p.stderr.read() for p, _r in editors if p.poll() is not None]
        time.sleep(0.05)
    assert {ready.read_text() for _p, ready in editors} == {str(contact.version)}  # both loaded the same version
    go.write_text("go")
    outcomes = []
    for process, _ready in editors:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(o["outcome"] for o in outcomes) == ["saved", "stale"]
    loser = next(o for o in outcomes if o["outcome"] == "stale")
    assert "changed by someone else" in loser["message"]
    winner_value = "First editor" if outcomes[0]["outcome"] == "saved" else "Second editor"
    assert loser["changed"]["title"][1] == winner_value  # the other change is shown
    final = await contacts.get_contact(db, admin, contact.id)
    assert final.version == contact.version + 1
    async with db.read() as session:
        row = await session.get(t.Contact, contact.id)
    assert row.title == winner_value
