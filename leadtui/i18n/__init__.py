"""Message translation and locale formatting.

Every user-visible string goes through `_` (gettext). Strings defined before the language is known (binding
descriptions, labels in tables of constants) are marked with `N_` and translated where they are shown.
Catalogs: leadtui/i18n/locale/<lang>/LC_MESSAGES/leadtui.po (and .mo), kept current with
`python -m leadtui.i18n.catalogs`.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "da", "nl", "nb")
LANGUAGE_NAMES = {"en": "English", "da": "Dansk", "nl": "Nederlands", "nb": "Norsk bokmål"}
# Babel/CLDR locale per language (for dates, numbers and money)
BABEL_LOCALES = {"en": "en_GB", "da": "da_DK", "nl": "nl_NL", "nb": "nb_NO"}

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    global _translation, _language
    _language = language if language in LANGUAGES else "en"
    if _language == "en":
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation("leadtui", localedir=LOCALE_DIR, languages=[_language], fallback=True)


def current_language() -> str:
    return _language


def language_from_locale(value: str | None = None) -> str:
    """The language of a POSIX locale name (da_DK.UTF-8 -> da; no, nn, nb -> nb); English otherwise."""
    if value is None:
        value = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
        if not value:
            try:
                value = locale.getlocale()[0] or ""
            except ValueError:
                value = ""
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    if code in ("no", "nn", "nb"):
        return "nb"
    return code if code in LANGUAGES else "en"


def _(message: str) -> str:
    return _translation.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the conventional name of the no-op marker
    """Mark a string for extraction; translate it with `_` where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message that needs its own translation in one context ("company" as a kind of record)."""
    return _translation.pgettext(context, message)
