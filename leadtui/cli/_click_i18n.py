"""Click's own messages (Usage:, Options, Error: ..., Show this message and exit.) in the chosen language.

Click looks its messages up with the standard gettext functions, imported into each of its modules; `install`
points them at leadtui's catalogs. The messages below are the ones a user meets; they are listed here so
that the catalogs carry them (python -m leadtui.i18n.catalogs extracts them from this file).
"""

from __future__ import annotations

import importlib
from typing import Any

from leadtui.i18n import N_, _, ngettext

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("default: {default}"),
    N_("required"),
    N_("Error: invalid input"),
    N_("{name} {filename!r} does not exist."),
    N_("file"),
    N_("directory"),
    N_("path"),
)


def _plurals() -> None:
    """Never called: lists click's plural messages for the catalogs."""
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)


def install() -> None:
    """Make click translate its messages with leadtui's catalogs (in the language set with set_language)."""
    for name in CLICK_MODULES:
        try:
            module: Any = importlib.import_module(f"click.{name}")  # its _ and ngettext are replaced
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
