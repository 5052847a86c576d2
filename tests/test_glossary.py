"""Each translated language speaks SuperOffice's own terms in one voice, and no user text mentions the developers'
papers (design notes, decision numbers, source files, issues).

The terms and the voice of a language are in leadtui/i18n/glossary/<lang>.toml (format: each [[term]] has the
English term, the SuperOffice term, regexes of forbidden variants and where the term comes from; `voice` and
`voice_forbidden` give the form of address and regexes that betray the other one).

    python tests/test_glossary.py      # prints the number of hits per language and kind (for reports)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from leadtui.i18n import catalogs

GLOSSARY_DIR = Path(catalogs.__file__).resolve().parent / "glossary"

# Developer references: design papers, decision numbers, source files, issues and "the card task" (Danish
# "kort-opgaven", Norwegian "kort-oppgaven", Dutch "kaart-taak"). Case-insensitive.
DEVELOPER_REFERENCE = re.compile(
    r"\b(?:DESIGN|SPEC|decisions|conventions|README)\.md\b"
    r"|\b[\w/]+\.py\b"
    r"|\b(?:decision|beslutning|besluit|beslissing)\s*#?\d+"
    r"|\((?:decision|beslutning|besluit|beslissing)\b"
    r"|\bissues?\s*#?\d+|\bissue\b"
    r"|\w-(?:opgaven|oppgaven|taak)\b|\b(?:opgave|oppgave|taak)\s*#?\d+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Term:
    en: str
    use: str
    forbidden: tuple[re.Pattern[str], ...]
    source: str
    allow_in: frozenset[str]


@dataclass(frozen=True)
class Glossary:
    lang: str
    voice: str
    voice_forbidden: tuple[re.Pattern[str], ...]
    terms: tuple[Term, ...]


def glossary_path(lang: str) -> Path:
    return GLOSSARY_DIR / f"{lang}.toml"


@cache
def load_glossary(lang: str) -> Glossary:
    with glossary_path(lang).open("rb") as handle:
        data = tomllib.load(handle)
    terms = tuple(
        Term(
            en=term["en"],
            use=term["use"],
            forbidden=tuple(re.compile(pattern) for pattern in term.get("forbidden", [])),
            source=term.get("source", ""),
            allow_in=frozenset(term.get("allow_in", [])),
        )
        for term in data.get("term", [])
    )
    return Glossary(
        lang=lang,
        voice=data.get("voice", ""),
        voice_forbidden=tuple(re.compile(pattern, re.IGNORECASE) for pattern in data.get("voice_forbidden", [])),
        terms=terms,
    )


@cache
def _catalog(lang: str) -> Catalog:
    return catalogs.load(lang)


def _texts(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(text for text in (value if isinstance(value, tuple) else (value,)) if text)


def _shown(message) -> str:  # noqa: ANN001
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return repr(msgid) + (f" (context {message.context!r})" if message.context else "")


# what the user types stays English in every language: options (--on-lead-status), values (lead-status=STATUS,
# Qualified=Opportunity) and commands in backquotes (`leadtui dashboard tile add`); not terms of the language when
# the English text has them too
TYPED = re.compile(r"`[^`]+`|--[\w-]+|[\w-]+=[\w-]+")


def _typed_left_out(text: str, msgid: str) -> str:
    return TYPED.sub(lambda hit: "" if hit.group(0) in msgid else hit.group(0), text)


def glossary_violations(lang: str) -> list[str]:
    glossary = load_glossary(lang)
    found = []
    for message in _catalog(lang):
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        for text in (_typed_left_out(text, msgid) for text in _texts(message.string)):
            for term in glossary.terms:
                if msgid in term.allow_in:
                    continue
                for pattern in term.forbidden:
                    hit = pattern.search(text)
                    if hit:
                        found.append(
                            f"{lang}: term {term.en!r} (use {term.use!r}) forbidden variant {hit.group(0)!r}"
                            f" in msgid {_shown(message)}: {text!r}"
                        )
    return found


def voice_violations(lang: str) -> list[str]:
    glossary = load_glossary(lang)
    found = []
    for message in _catalog(lang):
        if not message.id:
            continue
        for text in _texts(message.string):
            for pattern in glossary.voice_forbidden:
                hit = pattern.search(text)
                if hit:
                    found.append(
                        f"{lang}: voice is {glossary.voice!r}, found {hit.group(0)!r} in msgid {_shown(message)}:"
                        f" {text!r}"
                    )
                    break
    return found


def msgstr_developer_references(lang: str) -> list[str]:
    found = []
    for message in _catalog(lang):
        if not message.id:
            continue
        for text in _texts(message.string):
            hit = DEVELOPER_REFERENCE.search(text)
            if hit:
                found.append(f"{lang}: {hit.group(0)!r} in the translation of {_shown(message)}: {text!r}")
    return found


@cache
def msgid_developer_references() -> tuple[str, ...]:
    found = []
    for message in catalogs.extract():
        for text in _texts(message.id):
            hit = DEVELOPER_REFERENCE.search(text)
            if hit:
                where = ", ".join(f"{file}:{line}" for file, line in message.locations)
                found.append(f"{hit.group(0)!r} in msgid {text!r} ({where})")
    return tuple(found)


def _with_glossary() -> list[str]:
    return [lang for lang in catalogs.TRANSLATED if glossary_path(lang).exists()]


def test_every_translated_language_has_a_glossary():
    missing = [lang for lang in catalogs.TRANSLATED if not glossary_path(lang).exists()]
    assert not missing, f"no glossary file for {missing} (expected {[str(glossary_path(lang)) for lang in missing]})"


@pytest.mark.parametrize("lang", _with_glossary())
def test_glossary_file_is_complete(lang):
    glossary = load_glossary(lang)
    assert glossary.voice, f"{lang}: no voice"
    assert glossary.voice_forbidden, f"{lang}: no voice_forbidden patterns"
    assert glossary.terms, f"{lang}: no [[term]]"
    for term in glossary.terms:
        assert term.en and term.use and term.source, f"{lang}: term {term} lacks en, use or source"
        for pattern in term.forbidden:
            # a forbidden variant must not forbid the term itself
            assert not pattern.fullmatch(term.use), f"{lang}: term {term.en!r} forbids its own form {term.use!r}"


@pytest.mark.parametrize("lang", _with_glossary())
def test_translations_use_the_glossary_terms(lang):
    found = glossary_violations(lang)
    assert not found, f"{len(found)} glossary violations:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", _with_glossary())
def test_translations_keep_one_voice(lang):
    found = voice_violations(lang)
    assert not found, f"{len(found)} voice violations:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", catalogs.TRANSLATED)
def test_translations_hold_no_developer_reference(lang):
    found = msgstr_developer_references(lang)
    assert not found, f"{len(found)} developer references:\n" + "\n".join(found)


def test_msgids_hold_no_developer_reference():
    """msgid side (the English source texts in the code): the list below is what the code still has to change."""
    found = msgid_developer_references()
    print("\n".join(["msgids with a developer reference:", *found]))
    assert not found, f"{len(found)} msgids with a developer reference:\n" + "\n".join(found)


# names SPEC.md 3.2 gives as they are (the Dutch lead categories keep SuperOffice's English "Opportunity")
DEFAULTS_AS_SPEC = {"nl": {"Opportunity", "Verloren opportunity"}}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set):
        return [text for item in value for text in _strings(item)]
    return []


def default_list_violations(lang: str) -> list[str]:
    """The default lists a new database gets in the language (lead statuses, categories ...) against the glossary."""
    from leadtui.model import defaults

    glossary = load_glossary(lang)
    found = []
    for name, value in vars(defaults).items():
        if not (isinstance(value, dict) and lang in value):
            continue
        for text in _strings(value[lang]):
            if text in DEFAULTS_AS_SPEC.get(lang, set()):
                continue
            for term in glossary.terms:
                found += [
                    f"{lang}: defaults.{name}: term {term.en!r} (use {term.use!r}) forbidden {hit.group(0)!r}: {text!r}"
                    for pattern in term.forbidden
                    if (hit := pattern.search(text))
                ]
            found += [
                f"{lang}: defaults.{name}: voice is {glossary.voice!r}, found {hit.group(0)!r}: {text!r}"
                for pattern in glossary.voice_forbidden
                if (hit := pattern.search(text))
            ]
    return found


@pytest.mark.parametrize("lang", _with_glossary())
def test_default_lists_use_the_glossary_terms(lang):
    """A new Danish database must not call a lead "leadet" in one status and "en lead" in a category."""
    found = default_list_violations(lang)
    assert not found, f"{len(found)} glossary violations in the default lists:\n" + "\n".join(found)


def test_a_forbidden_variant_is_found():
    glossary = Glossary("xx", "u", (re.compile(r"\bje\b", re.IGNORECASE),), ())
    term = Term("Find", "Zoeken", (re.compile(r"\bVind\b"),), "test", frozenset())
    assert term.forbidden[0].search("Vind: opnieuw") and not term.forbidden[0].search("Vinden")
    assert glossary.voice_forbidden[0].search("Wil je opslaan?")
    assert not glossary.voice_forbidden[0].search("een tabelletje")
    assert DEVELOPER_REFERENCE.search("mag niet leeg zijn (besluit 3).")
    assert DEVELOPER_REFERENCE.search("(DESIGN.md decision 11)")
    assert not DEVELOPER_REFERENCE.search("Importér opfølgninger (aktiviteter, opgaver) fra en CSV-eksport")


def counts() -> dict[str, dict[str, int | None]]:
    """Hits per language and kind; None where the language has no glossary file yet."""
    result: dict[str, dict[str, int | None]] = {}
    for lang in catalogs.TRANSLATED:
        has = glossary_path(lang).exists()
        result[lang] = {
            "glossary": len(glossary_violations(lang)) if has else None,
            "voice": len(voice_violations(lang)) if has else None,
            "developer references (msgstr)": len(msgstr_developer_references(lang)),
            "default lists": len(default_list_violations(lang)) if has else None,
        }
    result["msgid"] = {"developer references (msgid)": len(msgid_developer_references())}
    return result


if __name__ == "__main__":
    import sys

    verbose = "-v" in sys.argv
    for lang, kinds in counts().items():
        print(lang, ", ".join(f"{kind}: {'no glossary' if n is None else n}" for kind, n in kinds.items()))
    if verbose:
        for lang in _with_glossary():
            for line in glossary_violations(lang) + voice_violations(lang):
                print(line)
        for lang in catalogs.TRANSLATED:
            for line in msgstr_developer_references(lang):
                print(line)
        for line in msgid_developer_references():
            print(line)


def test_typed_words_are_left_out_only_where_the_english_has_them():
    """`--on-lead-status` may stay in a Danish help text; a forbidden word made into an option of its own may not."""
    assert "lead" not in _typed_left_out("angiv --on-lead-status", "give --on-lead-status")
    assert "lead-status" in _typed_left_out("angiv --lead-status", "give --status")
    assert "Søg" in _typed_left_out("Søg: `leadtui find`", "Find: `leadtui find`")
