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
    "FIELD": ("FIELD:OPERATOR:VALUE", "FIELD=VALUE1,VALUE2"),
    "VALUE": ("FIELD:OPERATOR:VALUE",),
    "VALUE1": ("FIELD:OPERATOR:VALUE1,VALUE2", "FIELD=VALUE1,VALUE2"),
    "CATEGORY": ("CATEGORY", "STATUS=CATEGORY"),
    "TRIGGER": ("TRIGGER",),
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


def _prose_lines(text: str) -> set[str]:
    """The help's lines of running text (three words or more): not an option line, an example, the choices a user
    types ({persons|person|...}) or a list of column names (first_name, last_name, ...), which stay as typed."""
    lines = (line.strip() for line in text.splitlines())
    return {
        line
        for line in lines
        if not line.startswith(("-", "leadtui", "$", "{", "["))
        and not (re.fullmatch(r"[\w, ]+", line) and "_" in line)
        and len(re.findall(r"[A-Za-z]{2,}", line)) >= 3
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_help_line_is_left_in_english(lang, db_url):
    """A help text click shows in English although its msgid is translated (an option class of its own that
    does not translate at render, as `find --where` had) prints the same line as the English help."""
    found: dict[str, list[str]] = {}
    for path in command_paths():
        english = _prose_lines(run_cli(db_url, "--lang", "en", *path, "--help").stdout)
        shown = _prose_lines(run_cli(db_url, "--lang", lang, *path, "--help").stdout)
        if same := sorted(english & shown):
            found[" ".join(("leadtui", *path))] = same
    assert not found, f"English lines in the {lang} help: {found}"


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


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    from tests.cli.inprocess import seeded_database

    return seeded_database("sqlite", tmp_path, "language")


def test_lists_have_headings_in_the_language_and_formatted_values(seeded):
    catalog = _catalog("da")
    run_cli(seeded, "sale", "set", "1", "--amount", "1234567.5")
    shown = run_cli(seeded, "--lang", "da", "sale", "list")
    assert shown.returncode == 0, shown.stderr
    heading = shown.stdout.splitlines()[0]
    for word in ("Sale date", "Amount", "Stage", "Heading", "Owner"):
        assert catalog.gettext(word) in heading
    assert "1.234.567,50" in shown.stdout and "1234567.50" not in shown.stdout
    assert re.search(r"\d\d\.\d\d\.\d{4}", shown.stdout) and not re.search(r"\d{4}-\d\d-\d\d", shown.stdout)
    # --json keeps the plain values
    plain = run_cli(seeded, "--lang", "da", "sale", "list", "--json").stdout
    assert '"1234567.50"' in plain and re.search(r'"\d{4}-\d\d-\d\d"', plain)


def test_find_prints_amounts_and_dates_formatted_but_csv_stays_plain(seeded):
    run_cli(seeded, "sale", "set", "1", "--amount", "1234567.5")
    table = run_cli(seeded, "--lang", "da", "find", "sales", "--columns", "heading,amount,sale_date").stdout
    assert "1.234.567,50" in table and not re.search(r"\d{4}-\d\d-\d\d", table)
    assert table.splitlines()[0].split()[0] == _catalog("da").gettext("ID")
    csv = run_cli(seeded, "--lang", "da", "find", "sales", "--columns", "heading,amount,sale_date", "--csv").stdout
    assert "1234567.50" in csv and re.search(r"\d{4}-\d\d-\d\d", csv)


def test_a_long_value_is_cut_with_an_ellipsis(seeded):
    long_name = "Aktieselskabet for Meget Lange Firmanavne og Datterselskaber"
    added = run_cli(seeded, "company", "add", long_name, "--category", "Customer")
    assert added.returncode == 0, added.stderr
    out = run_cli(seeded, "company", "list").stdout
    line = next(line for line in out.splitlines() if "Aktieselskabet" in line)
    assert long_name not in line and "…" in line  # cut, and visibly so


def test_demo_data_says_one_company_not_one_companies(seeded):
    out = run_cli(seeded, "demo-data", "--companies", "1")
    assert out.returncode == 0, out.stderr
    assert "1 company," in out.stdout and "1 companies" not in out.stdout
