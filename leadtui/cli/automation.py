"""`leadtui automation`: the Lead categorization rules (SPEC.md 1.15, 2.5): show, set, off."""

from __future__ import annotations

from typing import Any

import click

from leadtui.cli.core import Options, cli, dump, print_json, run
from leadtui.i18n import N_, _


@cli.group(
    help=_(
        "Lead categorization: update a company's category when a sale is registered, sold or lost, or a lead status is set."
    )
)
def automation() -> None:
    pass


def _print_rules(out: Any) -> None:
    for rule in out.rules:
        if rule.enabled:
            state = _("on")
        elif rule.category:
            state = _("off")
        else:
            state = "-"
        target = rule.category or _("(no category)")
        if rule.category_deleted:
            target += " " + _("(deleted)")
        ask = _("asks for confirmation") if rule.confirm else _("automatic")
        click.echo(f"{state:4} {rule.label}: {target}" + (f" ({ask})" if rule.category else ""))


@automation.command("show", help=_("Show the rules: one per trigger, on or off, with the category they set."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def automation_show(opts: Options, as_json: bool) -> None:
    from leadtui.services import automation as svc

    out = run(opts, lambda db: svc.get_rules(db), needs_user=False)
    if as_json:
        print_json(dump(out))
    else:
        _print_rules(out)


def _status_rule(text: str) -> dict[str, Any]:
    status, sep, category = text.rpartition("=")
    if not sep or not status.strip() or not category.strip():
        raise click.UsageError(_("--on-lead-status takes STATUS=CATEGORY, e.g. Qualified=Opportunity"))
    return {"trigger": "lead_status", "lead_status": status.strip(), "category": category.strip()}


def _apply(opts: Options, changes: list[dict[str, Any]], as_json: bool) -> None:
    from leadtui.services import automation as svc

    out = run(opts, lambda db, actor: svc.set_rules(db, actor, changes))
    if as_json:
        print_json(dump(out))
    else:
        _print_rules(out)


@automation.command(
    "set",
    help=_(
        "Turn a rule on with the category it sets (administrators only), or off with --off TRIGGER. "
        "TRIGGER: sold, lost, registered or lead-status=STATUS."
    ),
)
@click.option(
    "--on-sold", metavar=N_("CATEGORY"), help=_("When a sale is sold, set the company's category to CATEGORY.")
)
@click.option(
    "--on-lost", metavar=N_("CATEGORY"), help=_("When a sale is lost, set the company's category to CATEGORY.")
)
@click.option(
    "--on-registered",
    metavar=N_("CATEGORY"),
    help=_("When a sale is registered with the company, set its category to CATEGORY."),
)
@click.option(
    "--on-lead-status",
    metavar=N_("STATUS=CATEGORY"),
    multiple=True,
    help=_("When a contact's lead status is set to STATUS, set the company's category to CATEGORY."),
)
@click.option(
    "--confirm/--no-confirm",
    default=None,
    help=_("Ask for user confirmation before updating (in the TUI; the command line only reports it)."),
)
@click.option("--off", "off", metavar=N_("TRIGGER"), multiple=True, help=_("Turn this rule off."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def automation_set(
    opts: Options,
    on_sold: str | None,
    on_lost: str | None,
    on_registered: str | None,
    on_lead_status: tuple[str, ...],
    confirm: bool | None,
    off: tuple[str, ...],
    as_json: bool,
) -> None:
    from leadtui.services import automation as svc
    from leadtui.services.errors import DomainError

    changes: list[dict[str, Any]] = []
    for trigger, category in (("sold", on_sold), ("lost", on_lost), ("registered", on_registered)):
        if category is not None:
            changes.append({"trigger": trigger, "category": category})
    changes += [_status_rule(text) for text in on_lead_status]
    for change in changes:
        change["enabled"] = True
        if confirm is not None:
            change["confirm"] = confirm
    for text in off:
        try:
            changes.append({**svc.parse_trigger(text), "enabled": False})
        except DomainError as exc:
            raise click.UsageError(str(exc)) from None
    if not changes:
        raise click.UsageError(_("give --on-sold, --on-lost, --on-registered, --on-lead-status or --off"))
    _apply(opts, changes, as_json)


@automation.command(
    "off", help=_("Turn a rule off (administrators only). TRIGGER: sold, lost, registered or lead-status=STATUS.")
)
@click.argument("trigger")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def automation_off(opts: Options, trigger: str, as_json: bool) -> None:
    from leadtui.services import automation as svc
    from leadtui.services.errors import DomainError

    try:
        change = {**svc.parse_trigger(trigger), "enabled": False}
    except DomainError as exc:
        raise click.UsageError(str(exc)) from None
    _apply(opts, [change], as_json)
