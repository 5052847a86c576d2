"""The `leadtui import` group: its commands live in cli/imports.py (contacts CSV) and cli/crm_imports.py (other
CRMs' exports). Defined here so that neither of those modules imports the other to reach it."""

from __future__ import annotations

from leadtui.cli.core import cli
from leadtui.i18n import _


@cli.group("import", help=_("Import contacts (with their companies) from a CSV file."))
def import_group() -> None:
    pass
