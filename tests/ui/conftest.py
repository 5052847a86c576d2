from __future__ import annotations

import asyncio

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from leadtui.app import LeadApp


@pytest.fixture
def app_db(tmp_path: Path) -> str:
    return str(tmp_path / "ui.db")


@pytest.fixture
async def app(app_db: str) -> AsyncIterator[LeadApp]:
    yield LeadApp(db_url=app_db, user="admin")


async def settle(pilot, timeout: float = 10.0) -> None:
    """Let the database workers finish. A worker that waits on a dialog (group "action") counts as settled
    while that dialog is in front, or the test would wait for itself."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await pilot.pause()
    while loop.time() < deadline:
        busy = [worker for worker in pilot.app.workers if not worker.is_finished]
        if not busy or (pilot.app.screen.is_modal and all(worker.group == "action" for worker in busy)):
            break
        await asyncio.sleep(0.01)
    await pilot.pause()
    # a table sizes its columns to rows added since on its next idle: wait for that too (a screenshot taken before
    # it showed a column as wide as its heading, seen once in the company picker's snapshot)
    while loop.time() < deadline and any(_sizing(table) for table in pilot.app.screen.query("DataTable")):
        await pilot.pause()


def _sizing(table) -> bool:  # noqa: ANN001
    return bool(getattr(table, "_require_update_dimensions", False) or getattr(table, "_new_rows", None))
