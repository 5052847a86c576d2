"""`leadtui demo-data`: realistic demo companies, contacts, sales, follow-ups and history."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run


@cli.command("demo-data")
@click.option("--companies", default=200, show_default=True, type=click.IntRange(1, 2_000_000),
              help="How many companies (each with 1-5 contacts, some sales and follow-ups).")
@click.option("--seed", default=1, show_default=True, type=int, help="The same seed gives the same data.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def demo_data(opts: Options, companies: int, seed: int, as_json: bool) -> None:
    """Fill the database with realistic demo data in the database's language (administrators only)."""
    from leadtui.services import demo

    with click.progressbar(length=companies, label="Companies", file=click.get_text_stream("stderr")) as bar:
        result = run(opts, lambda db, actor: demo.generate(db, actor, companies=companies, seed=seed,
                                                           progress=bar.update))
    if as_json:
        print_json(dump(result))
    else:
        click.echo(f"Added {result.companies} companies, {result.contacts} contacts, {result.sales} sales, "
                   f"{result.follow_ups} follow-ups ({result.users} new users).")
