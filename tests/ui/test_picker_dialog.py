"""A picker whose search answers after the user has already picked or left does not take the app down."""

from __future__ import annotations

import asyncio

from textual.app import App

from leadtui.screens.picker_dialog import PickerDialog
from leadtui.services.sales import PickItem


async def test_results_that_arrive_after_the_picker_closed_are_dropped():
    answer = asyncio.Event()
    searched = asyncio.Event()

    async def slow_search(text: str) -> list[PickItem]:
        searched.set()
        await asyncio.shield(answer.wait())
        try:  # the user leaves while the answer is on its way: the worker is past its last await when it resumes
            await asyncio.shield(asyncio.ensure_future(app.pop_screen()))
        except asyncio.CancelledError:
            pass
        return [PickItem(id=1, label="Acme Ltd")]

    app = App()
    async with app.run_test() as pilot:
        app.push_screen(PickerDialog("Company", slow_search))
        await asyncio.wait_for(searched.wait(), 10)
        answer.set()
        for _ in range(5):
            await pilot.pause()
        assert app.is_running and app._exception is None
