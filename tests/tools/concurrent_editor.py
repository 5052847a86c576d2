"""A separate program that edits one contact, for the two-process concurrency test.

    python -m tests.tools.concurrent_editor URL LOGIN CONTACT_ID FIELD VALUE READY_FILE GO_FILE

It loads the contact (remembering its version), says it is ready, waits for the go signal, then saves its change
with that version, and prints one JSON line: {"outcome": "saved"|"stale", "version": ..., "changed": {...}}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path


async def main(url: str, login: str, contact_id: int, field: str, value: str, ready: Path, go: Path) -> None:
    from leadtui.services import contacts, database
    from leadtui.services.errors import StaleEdit

    db = await database.connect(url)
    try:
        actor = await database.resolve_actor(db, login)
        loaded = await contacts.get_contact(db, actor, contact_id)
        ready.write_text(str(loaded.version))
        deadline = time.monotonic() + 30
        while not go.exists():
            if time.monotonic() > deadline:
                raise SystemExit("no go signal")
            await asyncio.sleep(0.01)
        try:
            saved = await contacts.update_contact(
                db, actor, contact_id, {field: value}, expected_version=loaded.version
            )
        except StaleEdit as exc:
            print(
                json.dumps(
                    {
                        "outcome": "stale",
                        "message": str(exc),
                        "changed": {k: [str(a), str(b)] for k, (a, b) in exc.changed.items()},
                    }
                )
            )
        else:
            print(json.dumps({"outcome": "saved", "version": saved.version}))
    finally:
        await db.dispose()


if __name__ == "__main__":
    url, login, contact_id, field, value, ready, go = sys.argv[1:8]
    asyncio.run(main(url, login, int(contact_id), field, value, Path(ready), Path(go)))
