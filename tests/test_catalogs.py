"""Every message of the program has a translation in da, nl and nb, no catalog keeps a stale message, and the
compiled .mo files match the .po files (python -m leadtui.i18n.catalogs keeps them current)."""

from __future__ import annotations

from leadtui.i18n import catalogs


def test_catalogs_miss_nothing_and_hold_nothing_stale():
    assert catalogs.problems() == []


def test_a_missing_message_is_reported(monkeypatch):
    template = catalogs.extract()
    template.add("A message nobody translated (test)", None, [("x.py", 1)])
    assert any("missing" in problem and "nobody translated" in problem for problem in catalogs.problems(template))


def test_a_message_with_a_context_is_checked_on_its_own():
    template = catalogs.extract()
    template.add("company", None, [("x.py", 1)], context="a context nobody translated (test)")
    assert any(
        "missing" in problem and "a context nobody translated" in problem for problem in catalogs.problems(template)
    )
