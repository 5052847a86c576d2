"""Message translation. Every user-visible string goes through `_` (gettext); catalogs live beside this file.

Until a language's catalog is installed, `_` returns the English text unchanged.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    global _translation, _language
    _language = language
    _translation = _gettext.translation("leadtui", localedir=LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
