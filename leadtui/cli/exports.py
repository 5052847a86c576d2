"""`leadtui export persons|companies|sales`: a find result or a selection to CSV or JSON."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, RecordId, _fail, cli, formula_guard_option, run
from leadtui.cli.find import WhereOption, criteria_of
from leadtui.i18n import N_, _, ngettext

TARGETS = click.Choice(["persons", "person", "contacts", "companies", "company", "sales", "sale"], case_sensitive=False)


@cli.command(
    "export", help=_("Export contacts (persons), companies or sales matching --where, or a selection's members.")
)
@click.argument("target", type=TARGETS)
@click.option(
    "--where",
    "where",
    cls=WhereOption,
    multiple=True,
    metavar=N_("FIELD:OPERATOR:VALUE"),
    help=_("Criterion FIELD:OPERATOR:VALUE1,VALUE2 as for `leadtui find` (repeat to AND several; --or between them)."),
)
@click.option(
    "--columns",
    metavar="A,B,C",
    help=_("Fields to export (default: the Find screen's columns); the id always comes first."),
)
@click.option(
    "--selection", "selection_id", type=RecordId(_("Selection")), help=_("Export the members of this selection.")
)
@click.option("--csv", "fmt", flag_value="csv", default=True, help=_("CSV with a header row of field keys (default)."))
@click.option("--json", "fmt", flag_value="json", help=_("A JSON array of objects."))
@click.option("--labels", is_flag=True, help=_("Header with the fields' names in the language instead of keys."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=_("Write to FILE instead of stdout."))
@formula_guard_option
@click.pass_obj
def export_command(
    opts: Options,
    target: str,
    where: tuple[str, ...],
    columns: str | None,
    selection_id: int | None,
    fmt: str,
    labels: bool,
    output: str | None,
    formula_guard: bool,
) -> None:
    from leadtui.services import exports
    from leadtui.services.errors import DomainError

    try:
        criteria = criteria_of(where)
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    keys = exports.parse_columns(columns)
    if output is None:

        async def to_stdout(db, actor):  # noqa: ANN001, ANN202
            try:
                return await exports.export(
                    db,
                    actor,
                    target,
                    criteria,
                    sys.stdout,
                    columns=keys,
                    fmt=fmt,
                    selection_id=selection_id,
                    labels=labels,
                    formula_guard=formula_guard,
                )
            except BrokenPipeError:  # `| head`: the reader has had enough
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                return None

        run(opts, to_stdout)
        return
    # written beside the target and renamed when complete: a failed export leaves no half file
    path = Path(output)
    if path.parent and not path.parent.exists():
        _fail(_("--output: the folder '{folder}' does not exist").format(folder=path.parent), exit_codes.RULE_VIOLATION)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            result = run(
                opts,
                lambda db, actor: exports.export(
                    db,
                    actor,
                    target,
                    criteria,
                    out,
                    columns=keys,
                    fmt=fmt,
                    selection_id=selection_id,
                    labels=labels,
                    formula_guard=formula_guard,
                ),
            )
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    click.echo(
        ngettext(
            "Exported {n} {target} record ({columns}) to {file}",
            "Exported {n} {target} records ({columns}) to {file}",
            result.rows,
        ).format(n=result.rows, target=result.target, columns=", ".join(result.columns), file=path),
        err=True,
    )
