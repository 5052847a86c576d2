"""Keep the message catalogs current: extract every message from the code, update da, nl and nb, compile.

    python -m leadtui.i18n.catalogs          # extract, update the .po files, compile the .mo files
    python -m leadtui.i18n.catalogs --check  # exit 1 when a catalog misses a message or has a stale one

The check is also a test (tests/test_catalogs.py).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from leadtui.i18n import LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
TRANSLATED = ("da", "nl", "nb")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "Binding": (3,)}
METHODS = [("**.py", "python")]


def extract() -> Catalog:
    catalog = Catalog(project="leadtui", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if isinstance(message, tuple) and len(message) == 1:
            message = message[0]
        if not message or (isinstance(message, tuple) and not all(message)):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "leadtui.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="leadtui", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(message) -> tuple:  # noqa: ANN001
    return (message.context or "", message.id)


def _ids(catalog: Catalog) -> set:
    return {_key(message) for message in catalog if message.id}


def _shown(key: tuple) -> str:
    context, msgid = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def problems(template: Catalog | None = None) -> list[str]:
    """What is wrong with the catalogs: missing or untranslated messages, stale ones, an outdated .mo."""
    template = template or extract()
    wanted = _ids(template)
    found: list[str] = []
    for lang in TRANSLATED:
        catalog = load(lang)
        have = {_key(m): m for m in catalog if m.id}
        for key in sorted(wanted - set(have), key=str):
            found.append(f"{lang}: missing {_shown(key)}")
        for key in sorted(set(have) - wanted, key=str):
            found.append(f"{lang}: stale {_shown(key)}")
        for key in sorted(wanted & set(have), key=str):
            message = have[key]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                found.append(f"{lang}: untranslated {_shown(key)}")
            elif message.fuzzy:
                found.append(f"{lang}: fuzzy {_shown(key)}")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            found.append(f"{lang}: {mo.name} is not compiled from the current .po")
    return found


def _compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    for lang in TRANSLATED:
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_previous=False)
        path.with_suffix(".mo").write_bytes(_compiled(load(lang)))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    update()
    remaining = problems()
    print(f"updated {', '.join(TRANSLATED)}; {len(remaining)} messages still need a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
