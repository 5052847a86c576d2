"""The `leadtui` command line. Each module of this package adds its commands to the `cli` group.

Modules are found and imported here, so a new command group is a new file: nothing else to register.
"""

from __future__ import annotations

import importlib
import pkgutil

from leadtui.cli.core import cli, main

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "core":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["cli", "main"]
