"""`leadtui import companies|sales|followups FILE` and `leadtui import folder PATH`: exports of other CRMs
(HubSpot, Pipedrive, Salesforce, SuperOffice) with profiles and value mapping. `import persons` comes here too
when the file is such an export (cli/imports.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli._import_group import import_group
from leadtui.cli.core import Options, _fail, dump, print_json, run
from leadtui.i18n import _, ngettext

PROFILE_CHOICE = click.Choice(["auto", "hubspot", "pipedrive", "salesforce", "superoffice"])


def crm_options(command: Callable) -> Callable:
    """The options every CRM import command shares."""
    for decorator in reversed(
        (
            click.option(
                "--profile",
                default="auto",
                type=PROFILE_CHOICE,
                show_default=True,
                help=_("Which CRM's export the file is; auto picks it from the headers."),
            ),
            click.option(
                "--map",
                "maps",
                multiple=True,
                metavar='"HEADER=FIELD"',
                help=_("Map a column to a field (repeatable); FIELD '-' leaves the column out."),
            ),
            click.option(
                "--map-value",
                "map_values",
                multiple=True,
                metavar='"FIELD:SOURCE=TARGET"',
                help=_(
                    "Map a list value of the file to leadtui's item (repeatable), e.g. "
                    "\"lead_status:In Progress=Contacting\"; an empty SOURCE maps empty cells."
                ),
            ),
            click.option(
                "--create-missing",
                is_flag=True,
                help=_("Add unknown list values to their lists (administrators only)."),
            ),
            click.option(
                "--dry-run", is_flag=True, help=_("Check every row and print what would happen; change nothing.")
            ),
            click.option("--json", "as_json", is_flag=True, help=_("Print the report as JSON.")),
        )
    ):
        command = decorator(command)
    return command


def _print_report(report: Any, *, dry_run: bool) -> None:
    from leadtui.services.crm_import.profiles import PROFILES

    for entity in report.reports:
        verb = _("Would import {file}") if dry_run else _("Imported {file}")
        profile = PROFILES[entity.profile].label if entity.profile in PROFILES else _("generic CSV")
        click.echo(
            verb.format(file=entity.file)
            + f" ({profile}, {entity.encoding}, '{entity.delimiter}'): "
            + entity.describe()
        )
        pairs = [f"{header} -> {key or '-'}" for header, key in zip(entity.headers, entity.mapping)]
        click.echo("  " + _("columns:") + " " + "; ".join(pairs))
        if entity.created_items:
            click.echo("  " + _("added to the lists: {items}").format(items=", ".join(entity.created_items)))
        if entity.unknown_values:
            click.echo(
                "  "
                + _(
                    "unknown values (map them with --map-value \"field:VALUE=NAME\" or add them with --create-missing):"
                )
            )
            for unknown in entity.unknown_values:
                line = "    " + ngettext(
                    "{field} '{value}': {rows} row (first on line {line})",
                    "{field} '{value}': {rows} rows (first on line {line})",
                    unknown.rows,
                ).format(
                    field=unknown.field_label,
                    value=unknown.value or _("(empty)"),
                    rows=unknown.rows,
                    line=unknown.first_line,
                )
                if unknown.suggestion:
                    line += "; " + _("closest: {name}").format(name=unknown.suggestion)
                click.echo(line)


def _print_issues(report: Any, limit: int = 200) -> None:
    shown = 0
    for entity in report.reports:
        for issue in entity.issues:
            if shown >= limit:
                break
            name = entity.file.rsplit("/", 1)[-1]
            click.echo(
                "  " + _("{file} line {n}: {message}").format(file=name, n=issue.line, message=issue.message), err=True
            )
            shown += 1
    hidden = sum(len(e.issues) for e in report.reports) - shown
    if hidden > 0:
        click.echo("  " + ngettext("... and {n} more", "... and {n} more", hidden).format(n=hidden), err=True)


def run_crm_import(
    opts: Options,
    load: Callable[[], list[Any]],
    *,
    profile: str,
    maps: tuple[str, ...],
    map_values: tuple[str, ...],
    create_missing: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    from leadtui.services.crm_import import importer
    from leadtui.services.errors import DomainError

    try:
        files = load()
        options = importer.options_from_cli(profile, maps, map_values, create_missing)
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    refused: dict[str, Any] = {}

    async def go(db, actor):  # noqa: ANN001, ANN202
        try:
            return await importer.import_files(db, actor, files, options, dry_run=dry_run)
        except importer.CrmImportRefused as exc:
            refused["report"] = exc.report
            raise

    try:
        report = run(opts, go)
    except SystemExit:
        if "report" in refused:
            if as_json:
                print_json(dump(refused["report"]))
            else:
                _print_report(refused["report"], dry_run=True)
            _print_issues(refused["report"])
        raise
    if as_json:
        print_json(dump(report))
    else:
        _print_report(report, dry_run=dry_run)
    _print_issues(report)
    if dry_run and report.errors:
        sys.exit(exit_codes.RULE_VIOLATION)


def _one_file(file: str, entity: str) -> Callable[[], list[Any]]:
    def load() -> list[Any]:
        from leadtui.services import imports
        from leadtui.services.crm_import.importer import ImportFile

        return [ImportFile(imports.load_csv(file), entity)]

    return load


def _command(entity: str, help_text: str) -> None:
    @import_group.command(entity, help=help_text)
    @click.argument("file", type=click.Path(dir_okay=True))
    @crm_options
    @click.pass_obj
    def command(
        opts: Options,
        file: str,
        profile: str,
        maps: tuple[str, ...],
        map_values: tuple[str, ...],
        create_missing: bool,
        dry_run: bool,
        as_json: bool,
    ) -> None:
        run_crm_import(
            opts,
            _one_file(file, entity),
            profile=profile,
            maps=maps,
            map_values=map_values,
            create_missing=create_missing,
            dry_run=dry_run,
            as_json=as_json,
        )


_command(
    "companies",
    _(
        "Import companies from a CSV export (HubSpot, Pipedrive, Salesforce, SuperOffice or your "
        "own columns). The other CRM's record id is kept: importing again updates. One "
        "transaction: nothing is imported while any row has an error or an unknown value."
    ),
)
_command(
    "sales",
    _(
        "Import sales (deals, opportunities) from a CSV export: linked to companies and contacts by the "
        "other CRM's ids, stage, status, reason and money by the sale rules. One transaction."
    ),
)
_command(
    "followups",
    _(
        "Import follow-ups (activities, tasks) from a CSV export, linked to sales, contacts and "
        "companies by the other CRM's ids. One transaction."
    ),
)


@import_group.command(
    "folder",
    help=_(
        "Import a folder or .zip of CRM exports: companies, contacts, sales and "
        "follow-ups, each file recognised by its headers, in that order, in one "
        "transaction (all or nothing), with one report."
    ),
)
@click.argument("path", type=click.Path(dir_okay=True))
@crm_options
@click.pass_obj
def import_folder(
    opts: Options,
    path: str,
    profile: str,
    maps: tuple[str, ...],
    map_values: tuple[str, ...],
    create_missing: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    if maps:
        _fail(
            _("--map: give column mappings when importing one file; a folder is mapped by its profiles."),
            exit_codes.USAGE,
        )

    def load() -> list[Any]:
        from leadtui.services.crm_import.folder import load_exports

        return load_exports(path)

    run_crm_import(
        opts,
        load,
        profile=profile,
        maps=maps,
        map_values=map_values,
        create_missing=create_missing,
        dry_run=dry_run,
        as_json=as_json,
    )
