"""The command line reads as Danish, Dutch or Norwegian: every command's --help (click's Usage, Options, Commands,
its metavars such as TEXT or INTEGER RANGE, the usage line's [OPTIONS] COMMAND [ARGS]...) and click's own errors
are in the language, and every option says what it is for.

An English word counts against a language once the catalog translates the messages it comes from: until then
the word is expected (the catalogs are filled after the strings are added), afterwards it is a failure."""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from leadtui.i18n import LOCALE_DIR
from tests.cli.inprocess import run_cli

LANGUAGES = ("da", "nl", "nb")

# an English word click (or our usage lines) would print, and the messages that print it
ENGLISH_WORDS: dict[str, tuple[str, ...]] = {
    "Usage": ("Usage:",),
    "Options": ("Options",),
    "Commands": ("Commands",),
    "Show this message": ("Show this message and exit.",),
    "Error:": ("Error: {message}",),
    "OPTIONS": ("[OPTIONS]",),
    "COMMAND": ("COMMAND [ARGS]...",),
    "ARGS": ("COMMAND [ARGS]...",),
    "TEXT": ("TEXT",),
    "INTEGER": ("INTEGER", "INTEGER RANGE"),
    "RANGE": ("INTEGER RANGE",),
    "FILE": ("FILE", "FILE|-"),
    "PATH": ("PATH",),
}


def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation("leadtui", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def translated_words(lang: str) -> list[str]:
    """The English words whose messages the language's catalog translates (the ones that must be gone)."""
    catalog = _catalog(lang)
    return [word for word, msgids in ENGLISH_WORDS.items() if all(catalog.gettext(m) != m for m in msgids)]


def english_words(text: str, words: list[str] | None = None) -> Counter[str]:
    """How often each English word of the list occurs in a text (whole words, case as click prints them)."""
    found: Counter[str] = Counter()
    for word in words if words is not None else list(ENGLISH_WORDS):
        pattern = re.escape(word) if not word[-1].isalpha() else rf"(?<![\w-]){re.escape(word)}(?![\w-])"
        found[word] += len(re.findall(pattern, text))
    return +found


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command and group of the tree, as the words typed after `leadtui`."""
    from leadtui.cli import cli

    def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, (*path, name))

    yield from walk(cli, ())


def every_command() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    from leadtui.cli import cli

    def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, (*path, name))

    yield from walk(cli, ())


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'help.db'}"  # --help opens no database


def test_every_command_and_option_says_what_it_is_for():
    missing = []
    for path, command in every_command():
        if not command.__dict__.get("help"):
            missing.append(" ".join(("leadtui", *path)))
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and not param.__dict__.get("help"):
                missing.append(" ".join(("leadtui", *path, param.opts[0])))
    assert not missing, "without help text: " + ", ".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_help_is_in_the_language(lang, db_url):
    words = translated_words(lang)
    assert "Usage" in words and "Options" in words  # click's own headings are translated already
    found: dict[str, Counter[str]] = {}
    for path in command_paths():
        result = run_cli(db_url, "--lang", lang, *path, "--help")
        assert result.returncode == 0, (path, result.stderr)
        english = english_words(result.stdout, words)
        if english:
            found[" ".join(("leadtui", *path))] = english
    assert not found, f"English in the {lang} help: {found}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_help_shows_the_language_not_the_one_first_loaded(lang, db_url):
    """The help texts are translated when shown: one process can answer in Danish, then in Dutch."""
    english = run_cli(db_url, "sale", "list", "--help").stdout
    assert "Usage: leadtui sale list" in english and "Owner's login." in english
    shown = run_cli(db_url, "--lang", lang, "sale", "list", "--help").stdout
    catalog = _catalog(lang)
    assert catalog.gettext("Usage:") + " leadtui sale list" in shown
    assert catalog.gettext("Owner's login.") in shown and "Owner's login." not in shown


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "args",
    [
        ("sale", "show"),  # a missing argument, named by its metavar
        ("sale", "list", "--limit", "0"),  # out of range
        ("sale", "list", "--limit", "many"),  # not a number
        ("sale", "list", "--status", "won"),  # not one of the choices
        ("sale", "lst"),  # no such command
    ],
)
def test_click_errors_are_in_the_language(lang, args, db_url):
    result = run_cli(db_url, "--lang", lang, *args)
    assert result.returncode == 1
    catalog = _catalog(lang)
    assert result.stderr.startswith("leadtui: " + catalog.gettext("Error: {message}").split("{")[0])
    assert not english_words(result.stderr, translated_words(lang))
    for metavar in ("SALE_ID",):
        if metavar in result.stderr and catalog.gettext(metavar) != metavar:
            pytest.fail(f"{metavar} in English: {result.stderr}")
