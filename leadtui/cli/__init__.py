"""The `leadtui` command line. Each module of this package adds its commands to the `cli` group.

Modules are found and imported here, so a new command group is a new file: nothing else to register.

The language of the help texts and messages is chosen before the command modules are imported (click builds
help texts when a command is declared): --lang on the command line, else LEADTUI_LANG, else the locale.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import Any

from leadtui.i18n import LANGUAGES, language_from_locale, set_language

_loaded = False


def language_from_argv(argv: list[str]) -> str:
    """The message language for a command line: the last --lang given, else LEADTUI_LANG, else the locale."""
    chosen = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    if chosen in LANGUAGES:
        return chosen
    env = os.environ.get("LEADTUI_LANG")
    if env in LANGUAGES:
        return env
    return language_from_locale()


def _load_commands() -> None:
    global _loaded
    if _loaded:
        return
    from leadtui.cli import _click_i18n

    _click_i18n.install()
    for module in pkgutil.iter_modules(__path__):
        if module.name != "core" and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not _loaded:
        set_language(language_from_argv(args))
    _load_commands()
    from leadtui.cli.core import main as run

    run(args)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the group with every command registered (in the language chosen so far)
        _load_commands()
        from leadtui.cli.core import cli

        return cli
    raise AttributeError(name)


__all__ = ["cli", "main"]
