"""`leadtui import persons FILE.csv` and `leadtui intake [FILE]`: contacts from a CSV file and from web forms."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli._import_group import import_group
from leadtui.cli.core import Options, _fail, cli, dump, print_json, run, terminal_stderr
from leadtui.i18n import _, ngettext

PROGRESS_FROM = 2000  # rows; smaller files finish before a bar is worth drawing


def _print_issues(summary: Any, *, limit: int = 200) -> None:
    issues = summary.issues
    for issue in issues[:limit]:
        click.echo("  " + _("line {n}: {message}").format(n=issue.line, message=issue.message), err=True)
    hidden = summary.errors + summary.duplicates - min(len(issues), limit)
    if hidden > 0:
        click.echo("  " + ngettext("... and {n} more", "... and {n} more", hidden).format(n=hidden), err=True)


def _mapping_line(summary: Any) -> str:
    from leadtui.services.imports import field_label

    pairs = [f"{header} -> {field_label(key) if key else '-'}" for header, key in zip(summary.headers, summary.mapping)]
    return _("columns:") + " " + "; ".join(pairs)


@import_group.command(
    "persons",
    help=_(
        "Import contacts from FILE.csv: companies matched by website domain or name (else created), contacts matched by email (updated) or created. One transaction: nothing is imported while any row has an error."
    ),
)
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--dry-run", is_flag=True, help=_("Check every row and print what would happen; change nothing."))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar='"CSV HEADER=FIELD"',
    help=_(
        "Map a column to a field (repeatable); FIELD '-' leaves the column out. Fields: first_name, "
        "last_name, full_name, email, title, mobile, phone, email_opt_in, lead_status, note, company, "
        "website, company_email, company_phone, address, zip_code, city, country, category, owner, "
        "utm_source, utm_medium, utm_campaign, utm_term, utm_content, landing_page, utm_time."
    ),
)
@click.option("--category", help=_("Category of new companies whose row has none (default: the first lead category)."))
@click.option(
    "--owner",
    help=_(
        "Our contact (login) of new companies and contacts whose row names none "
        "(default: none, so the distribution of new leads assigns them)."
    ),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the summary as JSON."))
@click.option(
    "--profile",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "hubspot", "pipedrive", "salesforce", "superoffice"]),
    help=_("Which CRM's export the file is; auto picks it from the headers (a plain CSV file is imported as before)."),
)
@click.option(
    "--map-value",
    "map_values",
    multiple=True,
    metavar='"FIELD:SOURCE=TARGET"',
    help=_("Map a list value of the file to leadtui's item (repeatable), e.g. \"lead_status:In Progress=Contacting\"."),
)
@click.option("--create-missing", is_flag=True, help=_("Add unknown list values to their lists (administrators only)."))
@click.pass_obj
def import_persons(
    opts: Options,
    file: str,
    dry_run: bool,
    maps: tuple[str, ...],
    category: str | None,
    owner: str | None,
    as_json: bool,
    profile: str,
    map_values: tuple[str, ...],
    create_missing: bool,
) -> None:
    from leadtui.services import imports
    from leadtui.services.errors import DomainError

    try:
        data = imports.load_csv(file)
        if profile != "auto" or map_values or create_missing or _is_crm_export(data.headers):
            from leadtui.cli.crm_imports import run_crm_import
            from leadtui.services.crm_import.importer import ImportFile

            run_crm_import(
                opts,
                lambda: [ImportFile(data, "persons")],
                profile=profile,
                maps=maps,
                map_values=map_values,
                create_missing=create_missing,
                dry_run=dry_run,
                as_json=as_json,
            )
            return
        overrides = dict(imports.parse_map_option(text) for text in maps)
    except DomainError as exc:
        _fail(str(exc), exc.exit_code)
    options = imports.ImportOptions(overrides=overrides, category=category, owner=owner)
    if dry_run:
        summary = run(opts, lambda db, actor: imports.preview_import(db, actor, data, options))
    else:
        summary = _apply_with_progress(opts, data, options)
    if as_json:
        print_json(dump(summary))
    else:
        verb = _("Would import {file}") if dry_run else _("Imported {file}")
        how = _("{encoding}, '{delimiter}'-separated").format(
            encoding=data.encoding, delimiter=_delimiter_name(data.delimiter)
        )
        click.echo(verb.format(file=data.name) + f" ({how}): {summary.describe()}")
        click.echo(_mapping_line(summary))
        if summary.new_companies and summary.default_category:
            click.echo(_("new companies without a category: {category}").format(category=summary.default_category))
        if not dry_run:
            click.echo(
                _("first touch (UTM) recorded: {n}; distributed to users: {assigned}").format(
                    n=summary.first_touch, assigned=summary.assigned
                )
                + ("; " + _("left unassigned: {n}").format(n=summary.unassigned) if summary.unassigned else "")
            )
    if summary.issues:
        _print_issues(summary)
    if dry_run and summary.errors:
        sys.exit(exit_codes.RULE_VIOLATION)


def _is_crm_export(headers: list[str]) -> bool:
    """A contacts export of HubSpot, Pipedrive, Salesforce or SuperOffice (issue 18: their own headers)."""
    from leadtui.services.crm_import.profiles import detect

    return detect(headers, ["persons"]) is not None


def _delimiter_name(delimiter: str) -> str:
    return {"\t": _("tab"), ",": ",", ";": ";"}.get(delimiter, delimiter)


def _apply_with_progress(opts: Options, data: Any, options: Any) -> Any:
    """Import with a progress bar on stderr for long files; on refusal print every error with its line."""
    from leadtui.services import imports

    bar_holder: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        bar = bar_holder.get("bar")
        if bar is None:
            return
        bar.update(done - bar_holder["shown"])
        bar_holder["shown"] = done

    async def go(db, actor):  # noqa: ANN001, ANN202
        try:
            return await imports.apply_import(db, actor, data, options, progress=progress)
        except imports.ImportRefused as exc:
            bar_holder["refused"] = exc
            raise

    total = data.row_count * 2
    try:
        if data.row_count >= PROGRESS_FROM:
            with click.progressbar(length=total, label=_("Importing"), file=terminal_stderr()) as bar:
                bar_holder.update(bar=bar, shown=0)
                return _run_refusable(opts, go, bar_holder)
        return _run_refusable(opts, go, bar_holder)
    finally:
        bar_holder.pop("bar", None)


def _run_refusable(opts: Options, go: Any, holder: dict[str, Any]) -> Any:
    from leadtui.services import imports

    try:
        return run(opts, go)
    except SystemExit:
        refused = holder.get("refused")
        if isinstance(refused, imports.ImportRefused):
            _print_issues(refused.summary)
        raise


@cli.command(
    "intake",
    help=_(
        "Take in web-form submissions: JSON lines from FILE (or stdin). Each line is its own transaction; new contacts get their UTM first touch and go to the distribution of new leads; a contact found by email is left as it is. Exits 2 when any line failed (the others are taken in)."
    ),
)
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--category", help=_("Category of new companies (default: the first lead-enabled category)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the result of every line as JSON."))
@click.pass_obj
def intake_command(opts: Options, file: str | None, category: str | None, as_json: bool) -> None:
    from leadtui.services import intake

    # bytes that are not UTF-8 are kept as surrogates (surrogateescape): the service refuses that line alone
    if file in (None, "-"):
        handle = sys.stdin
        if hasattr(handle, "reconfigure"):
            handle.reconfigure(errors="surrogateescape")
        name = "stdin"
    else:
        try:
            handle = open(file, encoding="utf-8-sig", errors="surrogateescape")  # noqa: SIM115 - closed below
        except OSError as exc:
            _fail(
                _("File: cannot read '{file}': {error}").format(file=file, error=exc.strerror or exc),
                exit_codes.RULE_VIOLATION,
            )
        name = file
    try:
        out = run(opts, lambda db, actor: intake.intake(db, actor, handle, category=category, source=name))
    finally:
        if handle is not sys.stdin:
            handle.close()
    if as_json:
        print_json(dump(out))
    else:
        for result in out.results:
            if result.status == "new":
                owner = f" -> {result.owner}" if result.owner else ""
                click.echo(_("line {n}: new contact {id}").format(n=result.line, id=result.contact_id) + owner)
            elif result.status == "existing":
                click.echo(_("line {n}: {message}").format(n=result.line, message=result.message))
        click.echo(
            _("{lines} submissions: {new} new, {existing} already there, {errors} failed").format(
                lines=out.lines, new=out.new, existing=out.existing, errors=out.errors
            )
        )
    for result in out.results:
        if result.status == "error":
            click.echo("leadtui: " + _("line {n}: {message}").format(n=result.line, message=result.message), err=True)
    if out.errors:
        sys.exit(exit_codes.RULE_VIOLATION)
