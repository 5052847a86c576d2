"""The action table (leadtui/actions.py): the bindings of every screen and widget come from it, no screen binds a
navigator key, a key means one thing on a screen (inherited bindings and the app's counted), docs/keys.md is
generated from it, and a keymap file's entries are used or refused one line each."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import leadtui.screens
import leadtui.widgets
from leadtui import actions
from leadtui.app import LeadApp

ROOT = Path(__file__).resolve().parent.parent


def _classes() -> list[type[DOMNode]]:
    """Every screen and widget class of leadtui that binds keys."""
    found = []
    for package in (leadtui.screens, leadtui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, DOMNode)
                    and value.__module__ == module.__name__
                    and "BINDINGS" in value.__dict__
                ):
                    found.append(value)
    return found


def _own(cls: type) -> list[tuple[str, Binding, str]]:
    """(key, binding, owner) of a class and every class it inherits from (before Textual merges them away)."""
    out = []
    for base in cls.__mro__:
        for binding in base.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    out.append((key.strip(), binding, f"{base.__module__}:{base.__qualname__}"))
    return out


CLASSES = _classes()


def test_the_table_is_consistent():
    ids = [action.id for action in actions.ACTIONS]
    assert len(ids) == len(set(ids)), "an action id is used twice"
    assert all(action.scope in actions.SCOPES for action in actions.ACTIONS)
    for action in actions.ACTIONS:
        if action.palette:
            assert ": " in action.palette, f"{action.id}: palette titles read 'Area: Action'"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_no_screen_or_widget_binds_a_navigator_key(cls):
    bound = {key for key, _binding, _owner in _own(cls) if not _owner.startswith("textual.")}
    assert not bound & actions.NAVIGATOR_KEYS, (
        f"{cls.__qualname__} binds {sorted(bound & actions.NAVIGATOR_KEYS)}: c p s f b d t q 1-7 are the navigator's"
    )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_a_key_means_one_thing_on_a_screen(cls):
    """Every screen, and every widget with keys (its keys against the app's; a widget may give a key of the
    Textual widget it extends another meaning, as the Board's columns do with left and right)."""
    own = _own(cls)
    if not issubclass(cls, Screen):
        own = [(key, binding, owner) for key, binding, owner in own if not owner.startswith("textual.")]
    meanings: dict[str, dict[str, str]] = {}
    for key, binding, owner in [*own, *_own(LeadApp)]:
        meanings.setdefault(key, {}).setdefault(binding.action.removeprefix("screen."), owner)
    clashes = {
        key: found
        for key, found in meanings.items()
        if len(found) > 1 and not all(owner.startswith("textual.") for owner in found.values())
    }
    assert not clashes, f"{cls.__qualname__}: one key, two actions: {clashes}"


def test_bindings_carry_the_table_ids_so_the_keymap_can_remap_them():
    converted = [cls for cls in CLASSES if any(b.id for b in cls.__dict__["BINDINGS"] if isinstance(b, Binding))]
    assert len(converted) >= 30
    for cls in converted:
        for binding in cls.__dict__["BINDINGS"]:
            action = actions.BY_ID[binding.id]
            assert (binding.key, binding.action, binding.description) == (
                action.keys,
                action.action,
                action.description,
            )


def test_the_key_reference_is_generated_from_the_table():
    """docs/keys.md is current: regenerate with python -m leadtui.actions --markdown > docs/keys.md"""
    assert (ROOT / "docs" / "keys.md").read_text(encoding="utf-8") == actions.markdown()


def test_key_hints_follow_the_keymap():
    class FakeApp:
        _keymap = {"sale_list.delete_sale": "ctrl+d"}

    assert actions.key_hint(FakeApp(), "sale_list.delete_sale") == "ctrl+d"
    assert actions.key_hint(FakeApp(), "companies.search") == "/"
    assert actions.key_hint(FakeApp(), "companies.next_page") == "PgDn"


def test_keymap_entries_are_used_or_refused_one_line_each(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text(
        '"companies.new_company" = "ctrl+n"\n'
        '"companies.nope" = "ctrl+x"\n'  # no such action
        '"find.columns" = "c"\n'  # the navigator's
        '"find.sort" = "x"\n'  # x already removes a criterion on Find
        '"app.companies" = "ctrl+k"\n'  # the navigator keeps its keys
        '[selections]\nrename = "ctrl+e"\n'
        '"find.refresh" = 3\n',
        encoding="utf-8",
    )
    keymap, problems = actions.load_keymap(path)
    assert keymap == {"companies.new_company": "ctrl+n", "selections.rename": "ctrl+e"}
    assert len(problems) == 5
    assert all("\n" not in problem and problem.startswith("keymap: ") for problem in problems)
    assert any("companies.nope" in problem for problem in problems)
    assert any("'c'" in problem and "navigator" in problem for problem in problems)
    assert any("'x'" in problem and "find.remove_criterion" in problem for problem in problems)


def test_an_unreadable_keymap_is_one_line_and_no_keymap(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('"companies.new_company" = ', encoding="utf-8")
    keymap, problems = actions.load_keymap(path)
    assert keymap == {} and len(problems) == 1 and "is not TOML" in problems[0]
    assert actions.load_keymap(tmp_path / "missing.toml") == ({}, [])
