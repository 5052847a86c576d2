"""Import companies, contacts, sales and follow-ups from another CRM's exports (issue 18).

How a file is imported:
- Columns are mapped by the profile (HubSpot, Pipedrive, Salesforce, SuperOffice, or picked by `auto` from the
  headers), then the user's `--map "HEADER=field"`.
- List values go through value_mapping.py; rows with a value still unknown are not imported and the value is
  listed once with its row count and the closest item.
- Every record goes through the service function a user's action would call: create_company / update_company,
  the contact import (imports.py, the rules of typing a contact), create_sale / update_sale, create_follow_up /
  update_follow_up / set_completed. They run inside this import's one transaction (`_SessionDatabase` hands
  them the open session, each row in a SAVEPOINT), so a rule a row breaks is that row's error with its line
  number, and the whole command is all or nothing. A dry run does the same work and rolls it back, so it reports
  exactly what the import would.
- The other CRM's record id is kept in external_ref (system, entity, external id -> local id): a second import
  of the same export updates those records instead of creating them again, and sales and follow-ups find their
  company, contact and sale by those ids.
- The registration date of the other CRM is kept as the record's registered date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field as dc_field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _, ngettext
from leadtui.model import tables as t
from leadtui.model.engine import Database, bind_dialect
from leadtui.services import activities, batch, companies, contacts, imports, lists, money, rights, sales
from leadtui.services.actor import Actor, require_list_administrator
from leadtui.services.crm_import import profiles
from leadtui.services.crm_import.dates import parse_clock, parse_day, parse_moment, parse_probability
from leadtui.services.crm_import.value_mapping import LIST_FIELDS, UnknownValue, ValueMapper, value_maps
from leadtui.model.enums import SaleStatus
from leadtui.services.errors import DomainError, NotFound, RuleViolation
from leadtui.services.validation import parse

MAX_ISSUES = 1000
EXPUNGE_EVERY = 500  # rows: keep the session's identity map (and memory) small on long files
REF_ENTITY = {"companies": "company", "persons": "contact", "sales": "sale", "followups": "follow_up"}


class CrmImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: str = "auto"
    overrides: dict[str, str] = {}  # header -> field (--map)
    value_maps: dict[str, dict[str, str]] = {}  # field -> {source (casefolded): leadtui's name} (--map-value)
    create_missing: bool = False


class RowIssue(BaseModel):
    line: int
    kind: str  # error | duplicate
    field: str | None
    message: str


class EntityReport(BaseModel):
    entity: str
    file: str
    profile: str
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = []
    mapping: list[str] = []
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: int = 0
    new_companies: int = 0
    issues: list[RowIssue] = []
    unknown_values: list[UnknownValue] = []
    created_items: list[str] = []

    def describe(self) -> str:
        what = _(profiles.ENTITY_LABELS[self.entity])
        parts = [
            _("{n} new").format(n=self.new),
            _("{n} updated").format(n=self.updated),
            _("{n} unchanged").format(n=self.unchanged),
        ]
        if self.duplicates:
            parts.append(ngettext("{n} duplicate", "{n} duplicates", self.duplicates).format(n=self.duplicates))
        errors = ngettext("{n} error", "{n} errors", self.errors).format(n=self.errors)
        lines = sorted({i.line for i in self.issues if i.kind == "error"})[:10]
        if lines:
            errors += " (" + ngettext("line", "lines", len(lines)) + " " + ", ".join(map(str, lines)) + ")"
        parts.append(errors)
        text = f"{what}: " + ngettext("{n} row", "{n} rows", self.rows).format(n=self.rows) + ": " + ", ".join(parts)
        if self.new_companies:
            text += "; " + ngettext("{n} new company", "{n} new companies", self.new_companies).format(
                n=self.new_companies
            )
        return text


class CrmImportReport(BaseModel):
    applied: bool = False
    dry_run: bool = False
    reports: list[EntityReport] = []

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.reports)

    @property
    def unknown(self) -> int:
        return sum(len(r.unknown_values) for r in self.reports)


class CrmImportRefused(RuleViolation):
    """Nothing was imported: rows have errors or unknown values; `report` lists them."""

    def __init__(self, message: str, report: CrmImportReport) -> None:
        super().__init__(message, field="file")
        self.report = report


class _Rollback(Exception):
    pass


# typed as a Database (what the services take); at run time a class of its own, not one
if TYPE_CHECKING:
    _DatabaseType = Database
else:
    _DatabaseType = object


class _SessionDatabase(_DatabaseType):
    """A Database whose read() and write() hand out the import's open session: the services' own functions then
    run in the import's one transaction. Each write() is a SAVEPOINT, so a row refused by a rule leaves nothing
    behind and the next row goes on."""

    def __init__(self, db: Database, session: AsyncSession, *, savepoints: bool = True) -> None:
        self.url, self.engine, self.session = db.url, db.engine, session
        self.savepoints = savepoints

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        yield self.session

    @asynccontextmanager
    async def write(self, actor: Any = None) -> AsyncIterator[AsyncSession]:
        if not self.savepoints:
            yield self.session
            return
        async with self.session.begin_nested():
            yield self.session


class _Retry(Exception):
    """A row failed in the fast pass (no savepoints): the import is done again with a savepoint per row, so that
    every row's error is reported and no half-written row disturbs the next."""


# --------------------------------------------------------------------------- one file


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    error: str = ""
    field: str | None = None
    status: str = ""


@dataclass
class _Context:
    session: AsyncSession
    sdb: _SessionDatabase
    actor: Actor
    system: str
    date_order: str
    report: EntityReport
    mapper: ValueMapper
    refs: dict[str, dict[str, int]] = dc_field(default_factory=dict)  # entity -> {external id: local id}
    new_refs: list[tuple[str, str, str, int]] = dc_field(default_factory=list)
    registered: list[tuple[datetime, int]] = dc_field(default_factory=list)

    def fail(self, row: _Row, exc: DomainError | str, field: str | None = None) -> None:
        if not self.sdb.savepoints:
            raise _Retry
        row.status = "error"
        row.error = str(exc)
        row.field = getattr(exc, "field", None) or field
        self.report.errors += 1
        if len(self.report.issues) < MAX_ISSUES:
            self.report.issues.append(RowIssue(line=row.line, kind="error", field=row.field, message=row.error))

    def count(self, status: str) -> None:
        setattr(self.report, status, getattr(self.report, status) + 1)


def _records(data: imports.CsvData, mapping: list[str]) -> list[tuple[int, dict[str, str]]]:
    columns = [(index, key) for index, key in enumerate(mapping) if key]
    return [
        (line, {key: value for index, key in columns if index < len(cells) and (value := cells[index].strip())})
        for line, cells in data.iter_records()
    ]


def resolve_profile(data: imports.CsvData, entity: str | None, profile: str) -> tuple[str, str]:
    """(profile key or 'generic', entity) for a file; entity None (a folder) is found from the headers too."""
    if profile == "auto":
        found = profiles.detect(data.headers, [entity] if entity else profiles.ENTITIES)
        if found is None:
            if entity is None:
                raise RuleViolation(
                    _(
                        "File: '{name}': its columns are not those of a HubSpot, Pipedrive, Salesforce "
                        "or SuperOffice export; import it with a command that names the kind of "
                        "records."
                    ).format(name=Path(data.name).name),
                    field="file",
                )
            return profiles.GENERIC, entity
        return found if entity is None else (found[0], entity)
    profiles.get_profile(profile)
    if entity is None:
        found = profiles.detect(data.headers, profiles.ENTITIES)
        if found is None or found[0] != profile:
            best = max(
                profiles.ENTITIES,
                key=lambda e: sum(1 for h in data.headers if profiles.PROFILES[profile].entities[e].field_for(h)),
            )
            return profile, best
        return found
    return profile, entity


def resolve_mapping(data: imports.CsvData, entity: str, profile: str, overrides: dict[str, str]) -> list[str]:
    mapping = profiles.mapping_for(profile, entity, data.headers)
    allowed = set(profiles.ENTITY_FIELDS[entity])
    by_header = {imports.header_key(h): i for i, h in reversed(list(enumerate(data.headers)))}
    for header, target in overrides.items():
        index = by_header.get(imports.header_key(header))
        if index is None:
            raise RuleViolation(
                _("Mapping: the file has no column '{header}' (columns: {headers}).").format(
                    header=header, headers=", ".join(data.headers)
                ),
                field="mapping",
            )
        key = target.strip()
        if key.casefold() in ("", "-", "ignore", "none", "skip"):
            key = ""
        elif key not in allowed:
            raise RuleViolation(
                _("Mapping: '{value}' is not a field of {what} (fields: {fields}).").format(
                    value=key, what=_(profiles.ENTITY_LABELS[entity]), fields=", ".join(sorted(allowed))
                ),
                field="mapping",
            )
        if key:
            mapping = ["" if k == key else k for k in mapping]
        mapping[index] = key
    required = {"companies": {"name"}, "sales": {"heading"}, "followups": {"date"}}.get(entity, set())
    if entity == "persons" and not {"first_name", "last_name", "full_name"} & set(mapping):
        raise RuleViolation(
            _("Mapping: no column is mapped to First name, Last name or Full name; a contact needs a name."),
            field="mapping",
        )
    for key in required - set(mapping):
        raise RuleViolation(
            _("Mapping: no column is mapped to '{field}'; map one with --map \"HEADER={field}\".").format(field=key),
            field="mapping",
        )
    return mapping


async def _load_refs(ctx: _Context, entity: str, ids: set[str]) -> dict[str, int]:
    """Local ids of the other CRM's record ids already imported (live records only)."""
    found = ctx.refs.setdefault(entity, {})
    wanted = {i for i in ids if i and i not in found}
    if not wanted:
        return found
    dialect = bind_dialect(ctx.session).name
    rows = (
        await ctx.session.execute(
            select(t.ExternalRef.external_id, t.ExternalRef.local_id).where(
                t.ExternalRef.system == ctx.system,
                t.ExternalRef.entity == entity,
                batch.text_in(t.ExternalRef.external_id, wanted, dialect),
            )
        )
    ).all()
    model: type[Any] = {"company": t.Company, "contact": t.Contact, "sale": t.Sale, "follow_up": t.Activity}[entity]
    local = {local_id for _ext, local_id in rows}
    live: set[int] = set()
    if local:
        query = select(model.id).where(sales_id_in(model.id, local, dialect))
        if hasattr(model, "deleted_at"):
            query = query.where(model.deleted_at.is_(None))
        live = set((await ctx.session.execute(query)).scalars().all())
    for external_id, local_id in rows:
        if local_id in live:
            found[external_id] = local_id
    return found


def sales_id_in(column: Any, ids: set[int], dialect: str) -> Any:
    from leadtui.services.contact_rules import id_in

    return id_in(column, ids, dialect)


def _first_id(text: str) -> str:
    """HubSpot lists several associated ids as "123;456": the first is the primary one."""
    for sep in (";", ","):
        if sep in text:
            return text.split(sep)[0].strip()
    return text.strip()


def _remember(ctx: _Context, entity: str, external_id: str, local_id: int) -> None:
    if external_id:
        ctx.refs.setdefault(entity, {})[external_id] = local_id
        ctx.new_refs.append((ctx.system, entity, external_id, local_id))


async def _save_refs(ctx: _Context) -> None:
    if not ctx.new_refs:
        return
    dialect = bind_dialect(ctx.session).name
    for entity in {r[1] for r in ctx.new_refs}:
        keys = {r[2] for r in ctx.new_refs if r[1] == entity}
        await ctx.session.execute(
            delete(t.ExternalRef).where(
                t.ExternalRef.system == ctx.system,
                t.ExternalRef.entity == entity,
                batch.text_in(t.ExternalRef.external_id, keys, dialect),
            )
        )
    latest = {(r[0], r[1], r[2]): r[3] for r in ctx.new_refs}
    now = t.utcnow()
    await batch.insert_rows(
        ctx.session,
        t.ExternalRef,
        ("system", "entity", "external_id", "local_id", "imported_at"),
        [(*key, local_id, now) for key, local_id in latest.items()],
    )
    ctx.new_refs.clear()


async def _save_registered(ctx: _Context, model: Any) -> None:
    if ctx.registered:
        await batch.update_rows(ctx.session, model, ("registered_at",), ctx.registered, bump_version=False)
        ctx.registered.clear()


def _registered(ctx: _Context, row: _Row, local_id: int) -> None:
    text = row.values.get("registered_at")
    if text:
        ctx.registered.append((parse_moment(text, "registered_at", ctx.date_order), local_id))


async def _map_values(ctx: _Context, rows: list[_Row], fields: Sequence[str]) -> None:
    """List values to leadtui's names, in place; rows with an unknown value fail (listed once per value)."""
    for row in rows:
        unknown: list[tuple[str, str]] = []
        for key in fields:
            value = row.values.get(key)
            if key == "owner" and value is None:
                continue
            if value is None:
                continue
            found = ctx.mapper.resolve(key, value, row.line)
            if found is None:
                unknown.append((key, value))
            else:
                row.values[key] = found
        if unknown:
            key, value = unknown[0]
            row.status = "unknown"
            row.error, row.field = ctx.mapper.message(key, value), key


async def _create_missing(ctx: _Context, rows: list[_Row], fields: Sequence[str], raw: list[dict[str, str]]) -> None:
    creatable = ctx.mapper.creatable()
    if not creatable:
        return
    require_list_administrator(ctx.actor)
    for unknown in creatable:
        kind = LIST_FIELDS[unknown.field][0]
        assert kind is not None
        await lists.add_item(ctx.sdb, ctx.actor, kind, {"name": unknown.value})
        ctx.report.created_items.append(f"{unknown.field}: {unknown.value}")
    ctx.mapper.items.clear()
    ctx.mapper.forget_unknown()
    await ctx.mapper.load(fields)
    for row, values in zip(rows, raw):
        row.values = dict(values)
        row.status, row.error, row.field = "", "", None
    await _map_values(ctx, rows, fields)


async def import_entity(
    ctx: _Context, entity: str, data: imports.CsvData, mapping: list[str], defaults: dict[str, dict[str, str]]
) -> None:
    rows = [_Row(line, values) for line, values in _records(data, mapping)]
    for line, reason in data.bad_lines.items():
        for row in rows:
            if row.line == line:
                ctx.fail(row, reason, "file")
    ctx.report.rows = len(rows)
    fields = [
        f for f in LIST_FIELDS if f in set(mapping) or (entity == "sales" and f in ("reason_sold", "reason_lost"))
    ]
    await ctx.mapper.load(fields)
    live = [row for row in rows if row.status != "error"]
    raw = [dict(row.values) for row in live] if _options_create(ctx) else []  # to map again after creating
    await _map_values(ctx, live, fields)
    if entity == "sales":
        _closed_reasons(ctx, live)
    if ctx.mapper.unknown and ctx.mapper.creatable() and _options_create(ctx):
        await _create_missing(ctx, live, fields, raw)
        if entity == "sales":
            _closed_reasons(ctx, live)
    ctx.report.unknown_values = ctx.mapper.unknown_values()
    for row in live:
        if row.status == "unknown":
            ctx.report.errors += 1
    todo = [row for row in live if row.status != "unknown"]
    handler = {"companies": _companies, "persons": _persons, "sales": _sales, "followups": _followups}[entity]
    await handler(ctx, todo)
    await _save_refs(ctx)


def _options_create(ctx: _Context) -> bool:
    return bool(ctx.session.info.get("crm_create_missing"))


def _closed_reasons(ctx: _Context, rows: list[_Row]) -> None:
    """A sold or lost sale needs its reason: an empty one is an unknown value "(empty)" unless mapped."""
    for row in rows:
        if row.status == "unknown":
            continue
        status = row.values.get("status") or (
            row.values.get("stage") if row.values.get("stage") in ("sold", "lost") else None
        )
        key = {"sold": "reason_sold", "lost": "reason_lost"}.get(status or "")
        if key and not row.values.get(key) and ctx.mapper.items.get(key):
            found = ctx.mapper.resolve(key, "", row.line)
            if found is None:
                row.status = "unknown"
                row.error, row.field = ctx.mapper.message(key, ""), key
            else:
                row.values[key] = found


async def _step(ctx: _Context, done: int) -> None:
    if done % EXPUNGE_EVERY == 0:
        await ctx.session.flush()
        ctx.session.expunge_all()
        ctx.session.info.pop("crm_keep", None)


# --------------------------------------------------------------------------- companies


def _given(values: dict[str, str], keys: Sequence[str]) -> dict[str, str]:
    return {k: values[k] for k in keys if values.get(k)}


async def _default_category(ctx: _Context) -> str:
    cached = ctx.session.info.get("crm_default_category")
    if cached is None:
        category = await imports._default_category(ctx.session, None)
        cached = ctx.session.info["crm_default_category"] = category.name if category else ""
    return cached


async def _companies(ctx: _Context, rows: list[_Row]) -> None:
    refs = await _load_refs(ctx, "company", {row.values.get("external_id", "") for row in rows})
    text_fields = ("name", "website", "email", "phone", "address", "zip_code", "city", "country", "note")
    for done, row in enumerate(rows, start=1):
        values = row.values
        external_id = values.get("external_id", "")
        data: dict[str, Any] = _given(values, text_fields)
        try:
            if values.get("category"):
                data["category"] = await _item_id(ctx, t.Category, values["category"])
            if values.get("owner"):
                data["owner"] = await _item_id(ctx, t.Associate, values["owner"])
            local_id = refs.get(external_id) if external_id else None
            if local_id is not None:
                current = await companies.get_company(ctx.sdb, ctx.actor, local_id)
                changed = {k: v for k, v in data.items() if not _same_company(k, v, current)}
                if changed:
                    await companies.update_company(ctx.sdb, ctx.actor, local_id, changed)
                    ctx.count("updated")
                else:
                    ctx.count("unchanged")
            else:
                if "category" not in data:
                    data["category"] = await _item_id(ctx, t.Category, await _default_category(ctx))
                if "owner" not in data:
                    data["owner"] = None  # the other CRM had no owner: "(No selection)", not the importing user
                out = await companies.create_company(ctx.sdb, ctx.actor, data)
                _registered(ctx, row, out.id)
                _remember(ctx, "company", external_id, out.id)
                ctx.count("new")
        except DomainError as exc:
            ctx.fail(row, exc)
        await _step(ctx, done)
    await _save_registered(ctx, t.Company)


def _same_company(key: str, value: Any, current: companies.CompanyOut) -> bool:
    if isinstance(value, int):  # category and owner as ids (_item_id)
        return value == {"category": current.category_id, "owner": current.owner_id}[key]
    if key == "category":
        return t.name_key(value) == t.name_key(current.category)
    if key == "owner":
        return bool((current.owner or "").casefold() == value.casefold())
    if key == "email":
        return bool(current.email.casefold() == value.casefold())
    return bool(str(getattr(current, key, "")).strip() == value.strip())


# --------------------------------------------------------------------------- contacts


PERSON_EDIT = ("first_name", "last_name", "email", "title", "mobile", "phone", "note", "lead_status")


async def _persons(ctx: _Context, rows: list[_Row]) -> None:
    refs = await _load_refs(ctx, "contact", {row.values.get("external_id", "") for row in rows})
    company_refs = await _load_refs(
        ctx, "company", {_first_id(row.values.get("company_external_id", "")) for row in rows}
    )
    known: list[_Row] = []
    fresh: list[_Row] = []
    companies_by_id: dict[int, tuple[str, str]] = {}
    for row in rows:
        try:
            if row.values.get("registered_at"):
                parse_moment(row.values["registered_at"], "registered_at", ctx.date_order)
        except RuleViolation as exc:
            ctx.fail(row, exc)
            continue
        external_id = row.values.get("external_id", "")
        if external_id and external_id in refs:
            known.append(row)
            continue
        company_ref = _first_id(row.values.pop("company_external_id", ""))
        if company_ref and company_ref in company_refs:
            # the company imported from the same CRM: named as it is in leadtui, so the import finds it
            company_id = company_refs[company_ref]
            if company_id not in companies_by_id:
                found = (
                    await ctx.session.execute(
                        select(t.Company.name, t.Company.website).where(t.Company.id == company_id)
                    )
                ).one()
                companies_by_id[company_id] = (found[0], found[1])
            name, website = companies_by_id[company_id]
            row.values["company"] = name
            if website:
                row.values["website"] = website
            else:
                row.values.pop("website", None)
        fresh.append(row)
    for done, row in enumerate(known, start=1):
        await _update_person(ctx, row, refs[row.values["external_id"]])
        await _step(ctx, done)
    if fresh:
        await _import_persons(ctx, fresh)
    await _save_registered(ctx, t.Contact)


async def _update_person(ctx: _Context, row: _Row, contact_id: int) -> None:
    values = dict(row.values)
    if values.get("full_name") and not (values.get("first_name") or values.get("last_name")):
        values["first_name"], values["last_name"] = imports._split_name(values["full_name"])
    try:
        current = await contacts.get_contact(ctx.sdb, ctx.actor, contact_id)
        wanted = _given(values, PERSON_EDIT)
        changed: dict[str, Any] = {}
        for key, value in wanted.items():
            old = getattr(current, key)
            if key == "lead_status":
                if t.name_key(value) != t.name_key(old or ""):
                    changed[key] = value
            elif (old or "").strip().casefold() != value.strip().casefold():
                changed[key] = value
        if changed:
            await contacts.update_contact(ctx.sdb, ctx.actor, contact_id, changed)
            ctx.count("updated")
        else:
            ctx.count("unchanged")
    except DomainError as exc:
        ctx.fail(row, exc)


async def _import_persons(ctx: _Context, rows: list[_Row]) -> None:
    """New contacts (and ones found by email) through the contact import's rules, set-based."""
    person_fields = {f.key for f in imports.FIELDS}
    records = [(row.line, {k: v for k, v in row.values.items() if k in person_fields}) for row in rows]
    by_line = {row.line: row for row in rows}
    analysis = await imports._analyse(ctx.session, ctx.actor, records, imports.ImportOptions(), {}, lock=True)
    for planned in analysis.rows:
        row = by_line[planned.line]
        if planned.status == "error":
            ctx.fail(row, planned.message, planned.field)
        elif planned.status == "duplicate":
            ctx.report.duplicates += 1
            if len(ctx.report.issues) < MAX_ISSUES:
                ctx.report.issues.append(
                    RowIssue(line=row.line, kind="duplicate", field=planned.field, message=planned.message)
                )
        else:
            ctx.count({"new": "new", "updated": "updated"}.get(planned.status, "unchanged"))
    # rows with errors are not written; the others are, so that the sales and follow-ups after them are checked
    # against them (when any row failed, the whole transaction is rolled back at the end)
    ctx.report.new_companies += len(analysis.new_companies)
    await imports._write(
        ctx.session, ctx.actor, analysis, source=_("import"), label=ctx.report.file, progress=None, total=0
    )
    by_email = {p.email_key: p.contact_id for p in analysis.rows if p.email_key and p.contact_id is not None}
    for planned in analysis.rows:
        row = by_line[planned.line]
        if planned.status == "duplicate":  # the same person twice in the other CRM: both ids lead to one contact
            planned.contact_id = by_email.get(planned.email_key)
        if planned.contact_id is None:
            continue
        _remember(ctx, "contact", row.values.get("external_id", ""), planned.contact_id)
        if planned.status == "new":
            _registered(ctx, row, planned.contact_id)


# --------------------------------------------------------------------------- sales


SALE_TEXT = (
    "heading",
    "description",
    "amount",
    "cost",
    "stage",
    "status",
    "sale_type",
    "owner",
    "reason_sold",
    "reason_lost",
)


async def _first_sale_type(ctx: _Context) -> str:
    cached = ctx.session.info.get("crm_sale_type")
    if cached is None:
        cached = ctx.session.info["crm_sale_type"] = (
            await ctx.session.scalar(
                select(t.SaleType.name)
                .where(t.SaleType.deleted.is_(False))
                .order_by(t.SaleType.rank, t.SaleType.id)
                .limit(1)
            )
            or ""
        )
    return cached


async def _company_by_name(ctx: _Context, name: str, cache: dict[str, int | None]) -> int | None:
    key = name.strip().casefold()
    if key not in cache:
        from leadtui.services.contact_rules import search_key

        cache[key] = await ctx.session.scalar(
            select(t.Company.id)
            .where(t.Company.name_key == search_key(name), t.Company.deleted_at.is_(None))
            .order_by(t.Company.id)
            .limit(1)
        )
    return cache[key]


async def _contact_by_email(ctx: _Context, email: str, cache: dict[str, int | None]) -> int | None:
    key = email.strip().casefold()
    if key not in cache:
        cache[key] = await ctx.session.scalar(
            select(t.Contact.id)
            .where(t.Contact.email_normalized == key, t.Contact.deleted_at.is_(None))
            .order_by(t.Contact.id)
            .limit(1)
        )
    return cache[key]


async def _sales(ctx: _Context, rows: list[_Row]) -> None:
    refs = await _load_refs(ctx, "sale", {row.values.get("external_id", "") for row in rows})
    company_refs = await _load_refs(ctx, "company", {_first_id(r.values.get("company_external_id", "")) for r in rows})
    contact_refs = await _load_refs(ctx, "contact", {_first_id(r.values.get("contact_external_id", "")) for r in rows})
    by_name: dict[str, int | None] = {}
    by_email: dict[str, int | None] = {}
    for done, row in enumerate(rows, start=1):
        values = row.values
        try:
            data = await _sale_data(ctx, values, company_refs, contact_refs, by_name, by_email)
            external_id = values.get("external_id", "")
            local_id = refs.get(external_id) if external_id else None
            if local_id is not None:
                current = await sales.get_sale(ctx.sdb, local_id)
                if _sale_changed(data, current):
                    await sales.update_sale(ctx.sdb, ctx.actor, local_id, data)
                    ctx.count("updated")
                else:
                    ctx.count("unchanged")
            else:
                sale_id = await _create_sale(ctx, data)
                _registered(ctx, row, sale_id)
                _remember(ctx, "sale", external_id, sale_id)
                ctx.count("new")
        except DomainError as exc:
            ctx.fail(row, exc)
        await _step(ctx, done)
    await _save_registered(ctx, t.Sale)


async def _item_id(ctx: _Context, model: Any, name: str) -> int | str:
    """The id of a list item or user named in the file, looked up once per import: the services take ids as well
    as names, and an id is found in the session's identity map instead of by a query per row."""
    cache = ctx.session.info.setdefault("crm_ids", {})
    key = (model.__tablename__, name.casefold())
    if key not in cache:
        column = model.login if model is t.Associate else model.name_key
        wanted = name.strip().lower() if model is t.Associate else t.name_key(name)
        found = await ctx.session.scalar(select(model.id).where(column == wanted))
        cache[key] = found if found is not None else name
    found_id: int | str = cache[key]
    keep = ctx.session.info.setdefault("crm_keep", {})
    if isinstance(found_id, int) and key not in keep:
        # the identity map holds its rows weakly: a strong reference keeps the row there for the next rows
        keep[key] = await ctx.session.get(model, found_id)
    return found_id


async def _create_sale(ctx: _Context, data: dict[str, Any]) -> int:
    """services.sales.create_sale without the card it returns: the same row and the same rule function (_apply,
    "one change function serves the card, the command line and imports"); reading the card back would cost a
    dozen queries per sale."""
    values = parse(sales.SaleChange, data)
    async with ctx.sdb.write(ctx.actor) as session:
        row = t.Sale(
            heading="",
            description="",
            status=int(SaleStatus.OPEN),
            probability=0,
            amount=money.ZERO,
            cost=money.ZERO,
            registered_by_id=ctx.actor.id,
            registered_at=t.utcnow(),
        )
        await sales._apply(session, ctx.actor, row, values, creating=True)
        return row.id


async def _sale_data(
    ctx: _Context,
    values: dict[str, str],
    company_refs: dict[str, int],
    contact_refs: dict[str, int],
    by_name: dict[str, Any],
    by_email: dict[str, Any],
) -> dict[str, Any]:
    data: dict[str, Any] = {k: values[k] for k in ("heading", "description", "amount", "cost") if values.get(k)}
    if values.get("owner"):
        data["owner"] = await _item_id(ctx, t.Associate, values["owner"])
    data["sale_type"] = await _item_id(ctx, t.SaleType, values.get("sale_type") or await _first_sale_type(ctx))
    stage, status = values.get("stage"), values.get("status")
    if stage:
        data["stage"] = stage if stage in ("sold", "lost") else await _item_id(ctx, t.SaleStage, stage)
    if status and not (stage in ("sold", "lost") and status == stage):
        data["status"] = status
    closed = status if status in ("sold", "lost") else stage if stage in ("sold", "lost") else None
    if closed == "sold" and values.get("reason_sold"):
        data["reason_sold"] = values["reason_sold"]
    if closed == "lost" and values.get("reason_lost"):
        data["reason_lost"] = values["reason_lost"]
    if values.get("probability"):
        data["probability"] = parse_probability(values["probability"])
    if values.get("sale_date"):
        data["sale_date"] = parse_day(values["sale_date"], "sale_date", ctx.date_order)
    if values.get("registered_at"):
        parse_moment(values["registered_at"], "registered_at", ctx.date_order)
    company_id = contact_id = None
    company_ref = _first_id(values.get("company_external_id", ""))
    if company_ref:
        company_id = company_refs.get(company_ref)
        if company_id is None:
            raise RuleViolation(
                _(
                    "Company: no company with the id '{id}' has been imported from {system}; import "
                    "the companies first."
                ).format(id=company_ref, system=ctx.system),
                field="company_external_id",
            )
    elif values.get("company"):
        company_id = await _company_by_name(ctx, values["company"], by_name)
        if company_id is None:
            raise RuleViolation(
                _("Company: there is no company named '{name}'.").format(name=values["company"]), field="company"
            )
    contact_ref = _first_id(values.get("contact_external_id", ""))
    if contact_ref:
        contact_id = contact_refs.get(contact_ref)
        if contact_id is None:
            raise RuleViolation(
                _(
                    "Contact: no contact with the id '{id}' has been imported from {system}; import the contacts first."
                ).format(id=contact_ref, system=ctx.system),
                field="contact_external_id",
            )
    elif values.get("contact_email"):
        contact_id = await _contact_by_email(ctx, values["contact_email"], by_email)
        if contact_id is None:
            raise RuleViolation(
                _("Contact: there is no contact with the email '{email}'.").format(email=values["contact_email"]),
                field="contact_email",
            )
    if company_id is not None:
        data["company_id"] = company_id
    if contact_id is not None:
        data["contact_id"] = contact_id
    return data


def _sale_changed(data: dict[str, Any], current: sales.SaleOut) -> bool:
    for key, value in data.items():
        if key in ("amount", "cost"):
            try:
                if money.parse_money(value, key) != getattr(current, key):
                    return True
            except DomainError:
                return True
        elif isinstance(value, int) and key in ("stage", "sale_type", "owner"):  # ids (_item_id)
            if getattr(current, f"{key}_id") != value:
                return True
        elif key == "stage":
            if value in ("sold", "lost"):
                if current.status != value:
                    return True
            else:  # a sold or lost sale shows its status as stage; the stage it closed in is kept apart
                shown = current.stage_when_closed if current.status in ("sold", "lost") else current.stage
                if t.name_key(str(value)) != t.name_key(shown or ""):
                    return True
        elif key in ("status", "probability", "sale_date", "company_id", "contact_id", "heading", "description"):
            if getattr(current, key) != value:
                return True
        elif key in ("sale_type", "owner", "reason_sold", "reason_lost"):
            if t.name_key(str(value)) != t.name_key(str(getattr(current, key) or "")):
                return True
    return False


# --------------------------------------------------------------------------- follow-ups


async def _followups(ctx: _Context, rows: list[_Row]) -> None:
    refs = await _load_refs(ctx, "follow_up", {row.values.get("external_id", "") for row in rows})
    links = {
        entity: await _load_refs(ctx, entity, {_first_id(r.values.get(f"{key}_external_id", "")) for r in rows})
        for entity, key in (("company", "company"), ("contact", "contact"), ("sale", "sale"))
    }
    owners: dict[str, int | None] = {}
    for done, row in enumerate(rows, start=1):
        values = row.values
        try:
            data = _followup_data(ctx, values, links)
            external_id = values.get("external_id", "")
            local_id = refs.get(external_id) if external_id else None
            done_flag = values.get("done") == "yes"
            if local_id is not None:
                current = await activities.get_follow_up(ctx.sdb, local_id)
                change: dict[str, Any] = {
                    k: data[k]
                    for k in ("date", "time", "type", "text")
                    if k in data and not _same_followup(k, data[k], current)
                }
                if change and current.completed:
                    await activities.set_completed(ctx.sdb, ctx.actor, local_id, False)
                if change:
                    await activities.update_follow_up(ctx.sdb, ctx.actor, local_id, change)
                if done_flag != current.completed or (change and current.completed):
                    await activities.set_completed(ctx.sdb, ctx.actor, local_id, done_flag)
                ctx.count("updated" if change or done_flag != current.completed else "unchanged")
            else:
                out = await activities.create_follow_up(ctx.sdb, ctx.actor, data)
                if values.get("owner"):
                    await _follow_up_owner(ctx, out.id, values["owner"], owners)
                if done_flag:
                    await activities.set_completed(ctx.sdb, ctx.actor, out.id, True)
                _remember(ctx, "follow_up", external_id, out.id)
                ctx.count("new")
        except DomainError as exc:
            ctx.fail(row, exc)
        await _step(ctx, done)


def _followup_data(ctx: _Context, values: dict[str, str], links: dict[str, dict[str, int]]) -> dict[str, Any]:
    if not values.get("date"):
        raise RuleViolation(_("Date: is required"), field="date")
    moment = parse_moment(values["date"], "date", ctx.date_order)
    data: dict[str, Any] = {"date": moment.date()}
    if values.get("time"):
        data["time"] = parse_clock(values["time"])
    elif moment.time() != datetime.min.time():
        data["time"] = moment.time().replace(second=0, microsecond=0)
    text = values.get("text") or values.get("title")
    if not text:
        raise RuleViolation(_("Text: is required (the follow-up's text or title)."), field="text")
    data["text"] = text
    if values.get("title"):
        data["title"] = values["title"][: t.TEXT_MAX]
    if values.get("type"):
        data["type"] = values["type"]
    for entity, key in (("sale", "sale_id"), ("contact", "contact_id"), ("company", "company_id")):
        ref = _first_id(values.get(f"{entity}_external_id", ""))
        if ref:
            local = links[entity].get(ref)
            if local is None:
                raise RuleViolation(
                    _("{what}: no record with the id '{id}' has been imported from {system}.").format(
                        what={"sale": _("Sale"), "contact": _("Contact"), "company": _("Company")}[entity],
                        id=ref,
                        system=ctx.system,
                    ),
                    field=f"{entity}_external_id",
                )
            data[key] = local
    if not any(k in data for k in ("sale_id", "contact_id", "company_id")):
        raise RuleViolation(_("Follow-up: link it to a sale, a contact or a company."), field="sale_id")
    return data


def _same_followup(key: str, value: Any, current: activities.ActivityOut) -> bool:
    if key == "type":
        return t.name_key(str(value)) == t.name_key(current.type)
    return bool(getattr(current, key) == value)


async def _follow_up_owner(ctx: _Context, activity_id: int, login: str, cache: dict[str, int | None]) -> None:
    """The other CRM's owner of the follow-up: the importing user must be allowed to edit that user's records."""
    if login not in cache:
        cache[login] = await ctx.session.scalar(select(t.Associate.id).where(t.Associate.login == login))
    owner_id = cache[login]
    if owner_id is None or owner_id == ctx.actor.id:
        return
    await rights.ensure_can_edit(ctx.session, ctx.actor, owner_id, _("the follow-ups of {login}").format(login=login))
    await ctx.session.execute(
        update(t.Activity)
        .where(t.Activity.id == activity_id)
        .values(owner_id=owner_id)
        .execution_options(synchronize_session=False)
    )


# --------------------------------------------------------------------------- the service calls


ORDER = {entity: index for index, entity in enumerate(profiles.ENTITIES)}


@dataclass
class ImportFile:
    data: imports.CsvData
    entity: str | None = None  # None: found from the headers (folders)


async def import_files(
    db: Database,
    actor: Actor,
    files: Sequence[ImportFile],
    options: CrmImportOptions | dict[str, Any] | None = None,
    *,
    dry_run: bool = False,
) -> CrmImportReport:
    """Import one or more exports in one transaction, companies first, then contacts, sales, follow-ups.
    Refused (CrmImportRefused, nothing written) when any row has an error or an unknown value; a dry run
    reports what would happen and writes nothing."""
    if not isinstance(options, CrmImportOptions):
        options = CrmImportOptions.model_validate(options or {})
    planned: list[tuple[ImportFile, str, str, list[str]]] = []
    for item in files:
        profile, entity = resolve_profile(item.data, item.entity, options.profile)
        mapping = resolve_mapping(item.data, entity, profile, options.overrides if item.entity else {})
        planned.append((item, profile, entity, mapping))
    planned.sort(key=lambda p: ORDER[p[2]])
    if not dry_run and not any(p[0].data.row_count for p in planned):
        raise RuleViolation(_("File: there are no rows to import."), field="file")
    try:
        result = await _run(db, actor, planned, options, dry_run=dry_run, savepoints=False)
    except _Retry:
        result = await _run(db, actor, planned, options, dry_run=dry_run, savepoints=True)
    if result.errors and not dry_run:
        lines = sorted({i.line for r in result.reports for i in r.issues if i.kind == "error"})[:10]
        raise CrmImportRefused(
            ngettext(
                "Nothing imported: {n} row has an error or an unknown value{lines}; fix the file or map the "
                "values and import again.",
                "Nothing imported: {n} rows have errors or unknown values{lines}; fix the file or map the "
                "values and import again.",
                result.errors,
            ).format(
                n=result.errors,
                lines=(" (" + ngettext("line", "lines", len(lines)) + " " + ", ".join(map(str, lines)) + ")")
                if lines
                else "",
            ),
            result,
        )
    result.applied = not dry_run
    return result


async def _run(
    db: Database,
    actor: Actor,
    planned: list[tuple[ImportFile, str, str, list[str]]],
    options: CrmImportOptions,
    *,
    dry_run: bool,
    savepoints: bool,
) -> CrmImportReport:
    """One pass over the files in one transaction; rolled back for a dry run or when any row failed."""
    result = CrmImportReport(dry_run=dry_run)
    try:
        async with db.write(actor) as session:
            session.info["crm_create_missing"] = options.create_missing
            session.info["leadtui.no_category_automation"] = True  # imported history fires no lead categorization
            sdb = _SessionDatabase(db, session, savepoints=savepoints)
            refs: dict[str, dict[str, int]] = {}
            for item, profile, entity, mapping in planned:
                ep = profiles.PROFILES[profile].entities.get(entity) if profile in profiles.PROFILES else None
                report = EntityReport(
                    entity=entity,
                    file=item.data.name,
                    profile=profile,
                    encoding=item.data.encoding,
                    delimiter=item.data.delimiter,
                    headers=item.data.headers,
                    mapping=mapping,
                )
                mapper = ValueMapper(session, ep.values if ep else {}, options.value_maps)
                ctx = _Context(
                    session=session,
                    sdb=sdb,
                    actor=actor,
                    system=profile if ep else "csv",
                    date_order=ep.date_order if ep else "ymd",
                    report=report,
                    mapper=mapper,
                    refs=refs,
                )
                await import_entity(ctx, entity, item.data, mapping, ep.values if ep else {})
                result.reports.append(report)
            if dry_run or result.errors:
                raise _Rollback
    except _Rollback:
        pass
    return result


async def import_file(
    db: Database,
    actor: Actor,
    entity: str,
    data: imports.CsvData,
    options: CrmImportOptions | dict[str, Any] | None = None,
    *,
    dry_run: bool = False,
) -> CrmImportReport:
    if entity not in profiles.ENTITIES:
        raise NotFound(_("Unknown kind of record '{kind}'.").format(kind=entity))
    return await import_files(db, actor, [ImportFile(data, entity)], options, dry_run=dry_run)


def options_from_cli(
    profile: str, maps: Sequence[str], map_values: Sequence[str], create_missing: bool
) -> CrmImportOptions:
    overrides: dict[str, str] = {}
    for text in maps:
        if "=" not in text:
            raise RuleViolation(_("--map: '{text}' is not \"HEADER=field\".").format(text=text), field="mapping")
        header, _sep, target = text.rpartition("=")
        overrides[header.strip()] = target.strip()
    if profile != "auto":
        profiles.get_profile(profile)
    return CrmImportOptions(
        profile=profile, overrides=overrides, value_maps=value_maps(map_values), create_missing=create_missing
    )


__all__ = [
    "CrmImportOptions",
    "CrmImportRefused",
    "CrmImportReport",
    "EntityReport",
    "ImportFile",
    "import_file",
    "import_files",
    "options_from_cli",
]
