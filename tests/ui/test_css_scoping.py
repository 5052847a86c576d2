"""Every style rule is scoped to its screen or widget; only app.tcss styles the whole app.

A screen's CSS_PATH file is added to the app's stylesheet the first time the screen is shown and stays there, so an
unscoped rule in it (`#description { height: 1fr; }`) styles every later screen with such an id. Textual scopes
DEFAULT_CSS (and a screen's CSS) to its class by itself unless SCOPED_CSS is off; .tcss files it does not.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.css.model import SelectorType
from textual.css.parse import parse
from textual.css.tokenize import Token, tokenize_values
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

import leadtui
import leadtui.screens
import leadtui.widgets
from leadtui.app import LeadApp
from leadtui.screens.list_item_dialog import ListItemDialog
from leadtui.screens.sale_card import SaleCard
from leadtui.widgets.form import LABEL_WIDTH
from tests import templates
from tests.ui.conftest import settle

PACKAGE = Path(leadtui.__file__).parent
GLOBAL_CSS = PACKAGE / "app.tcss"  # the one stylesheet meant for the whole app


def _classes() -> list[type[DOMNode]]:
    """Every screen and widget class defined in leadtui.screens and leadtui.widgets."""
    found: dict[str, type[DOMNode]] = {}
    for package in (leadtui.screens, leadtui.widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _css_paths(cls: type[DOMNode]) -> list[Path]:
    paths = cls.__dict__.get("CSS_PATH")
    if not paths:
        return []
    base = Path(inspect.getfile(cls)).parent
    return [(base / path).resolve() for path in ([paths] if isinstance(paths, (str, Path)) else paths)]


def _variables() -> dict[str, list[Token]]:
    """The CSS variables the app gives every stylesheet (theme colours, $form-label-width)."""
    return tokenize_values(LeadApp(db_url=":memory:", user="admin", lang="en").get_css_variables())


def _unscoped(css: str, owners: list[str], where: str) -> list[str]:
    """The rules of `css` whose selectors do not start with one of the types `owners` (as Textual reads them,
    unscoped)."""
    bad = []
    for rule in parse("", css, (where, ""), variable_tokens=_variables()):
        for selector_set in rule.selector_set:
            first = selector_set.selectors[0]
            if first.type != SelectorType.TYPE or first.name not in owners:
                bad.append(f"{where}: '{selector_set.css}' is not scoped to {' or '.join(owners)}")
    return bad


def test_every_rule_of_a_tcss_file_starts_with_a_screen_or_widget_that_uses_it() -> None:
    owners: dict[Path, list[str]] = {}
    for cls in _classes():
        for path in _css_paths(cls):
            owners.setdefault(path, []).append(cls.__name__)
    problems = []
    for path in sorted(PACKAGE.rglob("*.tcss")):
        if path.resolve() == GLOBAL_CSS.resolve():
            continue
        where = str(path.relative_to(PACKAGE))
        classes = owners.get(path.resolve(), [])
        if not classes:
            problems.append(f"{where}: no screen or widget has it as CSS_PATH")
            continue
        problems += _unscoped(path.read_text(encoding="utf-8"), classes, where)
    assert not problems, "\n".join(problems)


def test_inline_css_of_screens_and_widgets_is_scoped_to_its_class() -> None:
    """DEFAULT_CSS is scoped by Textual unless SCOPED_CSS is off; then, and in a screen's CSS string, every rule
    must name its class first."""
    problems = []
    for cls in _classes():
        where = f"{cls.__module__}.{cls.__qualname__}"
        for attribute in ("DEFAULT_CSS", "CSS"):
            css = cls.__dict__.get(attribute)
            if not css:
                continue
            parse("", css, (where, attribute), variable_tokens=_variables())  # it parses at all
            if attribute == "CSS" or not getattr(cls, "SCOPED_CSS", True):
                problems += _unscoped(css, [cls.__name__], f"{where}.{attribute}")
    assert not problems, "\n".join(problems)


def test_the_form_label_width_is_given_in_one_place() -> None:
    """widgets/form.py LABEL_WIDTH; stylesheets use $form-label-width instead of repeating the number."""
    for path in PACKAGE.rglob("*.tcss"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(rf"(width|padding-left):\s*{LABEL_WIDTH}\s*;", text), path


async def test_the_sale_cards_rules_style_no_other_dialog_after_the_card_was_shown(tmp_path: Path) -> None:
    """sale_card.tcss gives the card's Note a full height and its error lines the label indent; before they were
    scoped, every later dialog's #description field and error lines got them too."""
    path = tmp_path / "scoping.db"
    templates.copy_sqlite(path)
    app = LeadApp(db_url=str(path), user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(SaleCard())
        await settle(pilot)
        card = app.screen
        assert isinstance(card, SaleCard)
        assert str(card.query_one("#description", TextArea).styles.height) == "1fr"
        assert card.query_one("#heading-error", Static).styles.padding.left == LABEL_WIDTH
        app.pop_screen()
        await settle(pilot)
        await app.push_screen(ListItemDialog("lead-status"))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ListItemDialog) and isinstance(dialog, Screen)
        description = dialog.query_one("#description", Input)
        assert str(description.styles.height) != "1fr"
        assert description.region.height <= 3  # one line of text in its border, not the rest of the dialog
        assert dialog.query_one("#name-error", Static).styles.padding.left == 0
