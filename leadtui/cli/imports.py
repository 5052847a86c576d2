"""`leadtui import persons FILE.csv` and `leadtui intake [FILE]`: contacts from a CSV file and from web forms."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadtui import exit_codes
from leadtui.cli.core import Options, _fail, cli, dump, print_json, run

PROGRESS_FROM = 2000  # rows; smaller files finish before a bar is worth drawing


@cli.group("import")
def import_group() -> None:
    """Import contacts (with their companies) from a CSV file."""


def _print_issues(summary: Any, *, limit: int = 200) -> None:
    issues = summary.issues
    for issue in issues[:limit]:
        click.echo(f"  line {issue.line}: {issue.message}", err=True)
    hidden = summary.errors + summary.duplicates - min(len(issues), limit)
    if hidden > 0:
        click.echo(f"  ... and {hidden} more", err=True)


def _mapping_line(summary: Any) -> str:
    from leadtui.services.imports import field_label

    pairs = [f"{header} -> {field_label(key) if key else '-'}" for header, key in zip(summary.headers, summary.mapping)]
    return "columns: " + "; ".join(pairs)


@import_group.command("persons")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Check every row and print what would happen; change nothing.")
@click.option("--map", "maps", multiple=True, metavar='"CSV HEADER=FIELD"',
              help="Map a column to a field (repeatable); FIELD '-' leaves the column out. Fields: first_name, "
                   "last_name, full_name, email, title, mobile, phone, email_opt_in, lead_status, note, company, "
                   "website, company_email, company_phone, address, zip_code, city, country, category, owner, "
                   "utm_source, utm_medium, utm_campaign, utm_term, utm_content, landing_page, utm_time.")
@click.option("--category", help="Category of new companies whose row has none (default: the first lead category).")
@click.option("--owner", help="Our contact (login) of new companies and contacts whose row names none "
                              "(default: none, so the distribution of new leads assigns them).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def import_persons(opts: Options, file: str, dry_run: bool, maps: tuple[str, ...], category: str | None,
                   owner: str | None, as_json: bool) -> None:
    """Import contacts from FILE.csv: companies matched by website domain or name (else created), contacts
    matched by email (updated) or created. One transaction: nothing is imported while any row has an error."""
    from leadtui.services import imports
    from leadtui.services.errors import DomainError

    try:
        data = imports.load_csv(file)
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
        verb = "Would import" if dry_run else "Imported"
        click.echo(f"{verb} {data.name} ({data.encoding}, '{_delimiter_name(data.delimiter)}'-separated): "
                   f"{summary.describe()}")
        click.echo(_mapping_line(summary))
        if summary.new_companies and summary.default_category:
            click.echo(f"new companies without a category: {summary.default_category}")
        if not dry_run:
            click.echo(f"first touch (UTM) recorded: {summary.first_touch}; distributed to users: {summary.assigned}"
                       + (f"; left unassigned: {summary.unassigned}" if summary.unassigned else ""))
    if summary.issues:
        _print_issues(summary)
    if dry_run and summary.errors:
        sys.exit(exit_codes.RULE_VIOLATION)


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": ",", ";": ";"}.get(delimiter, delimiter)


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

    total = len(data.records) * 2
    try:
        if len(data.records) >= PROGRESS_FROM:
            with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
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


@cli.command("intake")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--category", help="Category of new companies (default: the first lead-enabled category).")
@click.option("--json", "as_json", is_flag=True, help="Print the result of every line as JSON.")
@click.pass_obj
def intake_command(opts: Options, file: str | None, category: str | None, as_json: bool) -> None:
    """Take in web-form submissions: JSON lines from FILE (or stdin). Each line is its own transaction; new
    contacts get their UTM first touch and go to the distribution of new leads; a contact found by email is
    left as it is. Exits 2 when any line failed (the others are taken in)."""
    from leadtui.services import intake

    if file in (None, "-"):
        handle = sys.stdin
        name = "stdin"
    else:
        try:
            handle = open(file, encoding="utf-8-sig")  # noqa: SIM115 - closed below
        except OSError as exc:
            _fail(f"File: cannot read '{file}': {exc.strerror or exc}", exit_codes.RULE_VIOLATION)
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
                click.echo(f"line {result.line}: new contact {result.contact_id}{owner}")
            elif result.status == "existing":
                click.echo(f"line {result.line}: {result.message}")
        click.echo(f"{out.lines} submissions: {out.new} new, {out.existing} already there, {out.errors} failed")
    for result in out.results:
        if result.status == "error":
            click.echo(f"leadtui: line {result.line}: {result.message}", err=True)
    if out.errors:
        sys.exit(exit_codes.RULE_VIOLATION)
