"""`leadtui demo-data`: realistic demo companies, contacts, sales, follow-ups and history."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run, terminal_stderr
from leadtui.i18n import _


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
        click.echo(
            _(
                "Added {companies} companies, {contacts} contacts, {sales} sales, {follow_ups} follow-ups "
                "({users} new users)."
            ).format(
                companies=result.companies,
                contacts=result.contacts,
                sales=result.sales,
                follow_ups=result.follow_ups,
                users=result.users,
            )
        )
