"""`leadtui demo-data`: realistic demo companies, contacts, sales, follow-ups and history."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run, terminal_stderr
from leadtui.i18n import _, ngettext
from leadtui.i18n.format import format_number


@cli.command(
    "demo-data", help=_("Fill the database with realistic demo data in the database's language (administrators only).")
)
@click.option(
    "--companies",
    default=200,
    show_default=True,
    type=click.IntRange(1, 2_000_000),
    help=_("How many companies (each with 1-5 contacts, some sales and follow-ups)."),
)
@click.option("--seed", default=1, show_default=True, type=int, help=_("The same seed gives the same data."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def demo_data(opts: Options, companies: int, seed: int, as_json: bool) -> None:
    from leadtui.services import demo

    with click.progressbar(length=companies, label=_("Companies"), file=terminal_stderr()) as bar:
        result = run(
            opts, lambda db, actor: demo.generate(db, actor, companies=companies, seed=seed, progress=bar.update)
        )
    if as_json:
        print_json(dump(result))
    else:
        counts = [
            ngettext("{n} company", "{n} companies", result.companies).format(n=format_number(result.companies)),
            ngettext("{n} contact", "{n} contacts", result.contacts).format(n=format_number(result.contacts)),
            ngettext("{n} sale", "{n} sales", result.sales).format(n=format_number(result.sales)),
            ngettext("{n} follow-up", "{n} follow-ups", result.follow_ups).format(n=format_number(result.follow_ups)),
        ]
        users = ngettext("{n} new user", "{n} new users", result.users).format(n=format_number(result.users))
        click.echo(_("Added {counts} ({users}).").format(counts=", ".join(counts), users=users))
        if result.users:  # the demo team (README): sign in as one of them with --user
            click.echo(
                _("The demo team: {logins}; try --user {rep}.").format(
                    logins=", ".join(login for login, _role, _group in demo.DEMO_TEAM), rep="rep1"
                )
            )
