"""Click's own messages (Usage:, Options, Error: ..., Show this message and exit.) in the chosen language.

Click looks its messages up with the standard gettext functions, imported into each of its modules; `install`
points them at leadtui's catalogs. The messages below are the ones a user meets; they are listed here so
that the catalogs carry them (python -m leadtui.i18n.catalogs extracts them from this file).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

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


# ------------------------------------------------------------------------------------------------------------------
# Help texts and metavars translated when shown, not when the commands are declared: the commands are declared
# once (in English, cli/__init__.py) and every --help, usage line and error names things in the language chosen for
# that run. Click's defaults are msgids here; a text already translated (declared in another language) is shown as
# it is, because the catalogs have no msgid for it.

# what click prints for a parameter's type when the parameter has no metavar of its own
TYPE_METAVARS = {
    "text": N_("TEXT"),
    "integer": N_("INTEGER"),
    "integer range": N_("INTEGER RANGE"),
    "float": N_("NUMBER"),
    "float range": N_("NUMBER RANGE"),
    "boolean": N_("BOOLEAN"),
    "path": N_("PATH"),
    "filename": N_("FILE"),
    "uuid": N_("UUID"),
    "datetime": N_("DATE"),
}

# the placeholders of the usage lines, and the metavars the commands give their arguments and options
METAVARS = (
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("[COMMAND] [ARGS]..."),
    N_("URL"),
    N_("LOGIN"),
    N_("ID"),
    N_("FILE"),
    N_("FILE|-"),
    N_("FIELD"),
    N_("MIN"),
    N_("KIND"),
    N_("TYPE"),
    N_("NAME"),
    N_("SALE_ID"),
    N_("SELECTION_ID"),
    N_("ITEM_ID"),
    N_("ACTIVITY_ID"),
    N_("ENTITY_IDS"),
    N_("IDS"),
    N_("TARGET"),
    N_("STAGE"),
    N_("PATH"),
    N_("FINGERPRINT"),
    N_("COLUMN"),
    N_("DIRECTION"),
    N_("A,B,C"),
    N_("A,B"),
    N_("1,2,3"),
    N_("FIELD:OPERATOR:VALUE"),
    N_('"HEADER=FIELD"'),
    N_('"CSV HEADER=FIELD"'),
    N_('"FIELD:SOURCE=TARGET"'),
    N_("'Lead,Offer,...'"),
)


HINTS = ("{date}", "{time}")  # in a help text: how a date or a time is typed in the language (i18n/format.py)


def _shown(text: str | None) -> str | None:
    if not text:
        return text
    shown = _(text)
    if "{date}" in shown or "{time}" in shown:
        from leadtui.i18n.format import date_hint, time_hint

        shown = shown.replace("{date}", date_hint()).replace("{time}", time_hint())
    return shown


def _translated_attribute(name: str) -> property:
    """An attribute click reads when it formats help (help, short_help, metavar ...): stored as given (a msgid),
    read in the current language."""

    def get(self: Any) -> Any:
        return _shown(self.__dict__.get(name))

    def set_(self: Any, value: Any) -> None:
        self.__dict__[name] = value

    return property(get, set_)


def _choice_metavar(metavar: str) -> bool:
    """click's [a|b] / {a|b} for a choice: the values a user types, shown as they are typed (docs/decisions.md)."""
    return metavar[:1] in "[{" and metavar[-1:] in "]}"


class LeadOption(click.Option):
    help = _translated_attribute("help")

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return _(self.metavar)
        metavar = self.type.get_metavar(param=self, ctx=ctx)
        if metavar is None:
            metavar = _(TYPE_METAVARS.get(self.type.name, self.type.name.upper()))
        if self.nargs != 1:
            metavar += "..."
        return metavar


class LeadArgument(click.Argument):
    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            var = _(self.metavar)
        else:
            name = self.name.upper() if self.name else ""
            var = self.type.get_metavar(param=self, ctx=ctx) or (_(name) if name else "")
        bracketed = _choice_metavar(var) and var.startswith("[")
        if self.deprecated:
            var += "!"
        if not self.required and not bracketed:
            var = f"[{var}]"
        if self.nargs != 1:
            var += "..."
        return var


_PARAM_CLASSES: dict[type, type] = {click.Option: LeadOption, click.Argument: LeadArgument}


def _adopt(param: click.Parameter) -> None:
    """The declared click.Option / click.Argument becomes its translating twin (same state, methods added)."""
    cls = _PARAM_CLASSES.get(type(param))
    if cls is not None:
        help_text = param.__dict__.get("help")
        param.__class__ = cls
        if cls is LeadOption:
            param.help = help_text


class LeadCommand(click.Command):
    help = _translated_attribute("help")
    short_help = _translated_attribute("short_help")
    epilog = _translated_attribute("epilog")
    options_metavar = _translated_attribute("options_metavar")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _adopt(param)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None and not isinstance(option, LeadOption):
            _adopt(option)
            option.help = "Show this message and exit."  # the msgid: shown in each run's language
        return option


class LeadGroup(LeadCommand, click.Group):
    subcommand_metavar = _translated_attribute("subcommand_metavar")
    command_class = LeadCommand


LeadGroup.group_class = LeadGroup  # subgroups are LeadGroups (not the class of a group that was made lazy)
