"""The `leadtui` command line. Each module of this package adds its commands to the `cli` group (cli/core.py).

The modules are imported lazily: COMMANDS names, for each top-level command, the module(s) that declare it and its
help text, so that `leadtui --help` lists every command without importing any of them (nor SQLAlchemy, pydantic or
the tables they reach), and `leadtui person show 1` imports only cli/people.py. A new top-level command is a line in
COMMANDS (tests/cli/test_lazy_cli.py checks that the table names every command with its own help text).

The language of the help texts and messages is chosen from the command line before anything is shown: --lang,
else LEADTUI_LANG, else the locale. The commands are declared with their msgids and translated when shown
(cli/_click_i18n.py).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from leadtui.i18n import LANGUAGES, N_, _, current_language, language_from_locale, set_language

if TYPE_CHECKING:
    from collections.abc import Sequence

# top-level command -> (modules of leadtui.cli declaring it, its help text: the same msgid as the command's help)
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "audit": (("admin",), N_("Who changed what and when, with old and new values.")),
    "automation": (
        ("automation",),
        N_(
            "Lead categorization: update a company's category when a sale is registered, sold or lost, or a lead "
            "status is set."
        ),
    ),
    "backup": (
        ("admin",),
        N_(
            "Write a consistent copy of the database to FILE while others keep working.\n\n"
            "SQLite: the online backup API. PostgreSQL: pg_dump --format=custom (restore with leadtui restore)."
        ),
    ),
    "board": (
        ("find",),
        N_("The board: contacts, companies or sales in columns by a field, with counts and sums per column."),
    ),
    "company": (("people",), N_("Companies: add, set, show, list, delete.")),
    "dashboard": (
        ("dashboard",),
        N_("The lead tiles: leads per status and category, new this week, funnel, days in status."),
    ),
    "demo-data": (
        ("demo",),
        N_("Fill the database with realistic demo data in the database's language (administrators only)."),
    ),
    "distribute": (
        ("distribution",),
        N_(
            "Assign every contact without an owner round robin, or show/set who gets them. "
            "New contacts from `leadtui import` and `leadtui intake` are assigned as they arrive."
        ),
    ),
    "export": (
        ("exports",),
        N_("Export contacts (persons), companies or sales matching --where, or a selection's members."),
    ),
    "find": (
        ("find",),
        N_("Find contacts (persons), companies or sales by criteria; prints every match unless --limit."),
    ),
    "followup": (
        ("followups",),
        N_("Follow-ups of contacts, companies and sales: add, list (yours, due today, overdue ...), done, move."),
    ),
    "import": (
        ("_import_group", "imports", "crm_imports"),
        N_("Import contacts (with their companies) from a CSV file."),
    ),
    "init": (
        ("core",),
        N_("Create a database with the default lists; the current OS user becomes its first administrator."),
    ),
    "intake": (
        ("imports",),
        N_(
            "Take in web-form submissions: JSON lines from FILE (or stdin). Each line is its own transaction; new "
            "contacts get their UTM first touch and go to the distribution of new leads; a contact found by email "
            "is left as it is. Exits 2 when any line failed (the others are taken in)."
        ),
    ),
    "lists": (("lists",), N_("Settings lists: lead status, category, sale stage, sale type, reasons ... (KIND).")),
    "person": (
        ("people",),
        N_("Contacts (persons): add, set (lead status, move ...), show, list, delete, bulk-set."),
    ),
    "recycle": (
        ("recycle",),
        N_("The recycle bin: deleted companies, contacts and sales of the last 14 days; restore them."),
    ),
    "restore": (
        ("admin",),
        N_("Replace the database with the backup FILE (refuses to overwrite without --force)."),
    ),
    "sale": (("sales", "followups"), N_("Sales: add, set (stage, status, money ...), show, list, delete; follow-ups.")),
    "sale-type": (("sale_types",), N_("Sale types: their stages (in order), estimated time and sales guide.")),
    "selection": (
        ("find", "selection_tasks"),
        N_("Selections: saved searches (dynamic) or kept lists of members (static)."),
    ),
    "serve": (
        ("serve",),
        N_("Serve leadtui to others: over SSH (each user signs in with their key) or in a browser (demos)."),
    ),
    "undo": (("admin",), N_("Undo your last change, if nobody changed those records since.")),
    "users": (("users",), N_("Users (associates).")),
}


def language_from_argv(argv: Sequence[str]) -> str:
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


def _import_modules(names: Sequence[str]) -> None:
    """Import command modules. Where click's texts are translated when shown (cli/_click_i18n.py's LeadCommand),
    the commands are declared with their msgids, in English; else in the language chosen for this run."""
    from leadtui.cli import _click_i18n

    chosen = current_language()
    if hasattr(_click_i18n, "LeadCommand"):
        set_language("en")
    try:
        for name in names:
            importlib.import_module(f"{__name__}.{name}")
    finally:
        set_language(chosen)


class _LazyCommands(click.Group):
    """The top-level group's commands, imported when one is invoked (or its help shown), listed from COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            _import_modules(COMMANDS[cmd_name][0])
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help, from COMMANDS: no command module is imported to show it."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                rows.append((name, short_help(name, limit)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


def short_help(name: str, limit: int = 45) -> str:
    """The short help of a top-level command from COMMANDS, as click makes it from the command's own help."""
    return click.Command(name, help=_(COMMANDS[name][1])).get_short_help_str(limit)


def _group() -> click.Group:
    """cli/core.py's group, made lazy (its class gets _LazyCommands' methods; its declaration stays in core)."""
    from leadtui.cli import core

    group = core.cli
    if not isinstance(group, _LazyCommands):
        group.__class__ = type("LazyLeadGroup", (_LazyCommands, type(group)), {})
    return group


def _load_commands() -> None:
    """Import every command module (for code that walks all commands: tests, completion)."""
    _group()
    _import_modules(sorted({module for modules, _help in COMMANDS.values() for module in modules}))


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(language_from_argv(args))
    from leadtui.cli import _click_i18n

    _click_i18n.install()
    _group()
    from leadtui.cli.core import main as run

    run(args)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the group with every command imported
        _load_commands()
        return _group()
    raise AttributeError(name)


__all__ = ["COMMANDS", "cli", "main", "short_help"]
