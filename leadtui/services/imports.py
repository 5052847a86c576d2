"""CSV import of contacts with their companies: read, map columns, preview, apply (SPEC.md 5, PEERS.md 3.4).

- Reading: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; the delimiter (comma, semicolon, tab)
  from the header line. Blank lines are skipped; line numbers are the file's own (a quoted value over several lines
  counts from its first line).
- Mapping: each column to a field, automatically by its header in English, Danish, Dutch or Norwegian (utm_*
  headers as they are), editable; a column mapped to nothing is not imported.
- Rules, the same as typing the contact (services/contacts.py, contact_rules.py): at least a first or last name,
  a valid email, lead status only under a lead-enabled category (Open by default there, L5), names of lists must
  exist, rights on existing records. Every row is checked; a preview counts new, updated, unchanged, duplicate
  and error rows with their line numbers.
- Matching: a contact by its normalised email (upsert: the given, non-empty fields replace the stored ones;
  without email always new; an existing contact is never moved to another company). A company by the domain
  of the Website column, else by its name ignoring case; otherwise created (category from the row, else the
  import's default: the chosen one or the first lead-enabled category). An existing company is never changed.
- The same email twice in one file: the first row counts, later ones are reported as duplicates and skipped.
- Apply: one transaction, all or nothing; refused while any row has an error. New contacts without an owner go
  to the distribution of new leads (services/distribution.py). UTM first touch is recorded only for contacts and
  companies the import creates (SPEC.md 5.1).

Set-based so that 100,000 rows import in under 10 s on SQLite (bench/import_csv.py): lookups by the file's keys
in one bound parameter, ids reserved up front, rows written with driver-level executemany (services/batch.py).
"""

from __future__ import annotations

import asyncio
import csv
import io
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field as dc_field
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, Integer, String, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from leadtui.i18n import N_, _, ngettext
from leadtui.model import tables as t
from leadtui.model.engine import Database, bind_dialect
from leadtui.services import audit, batch, distribution, rights, utm
from leadtui.services import changes as live
from leadtui.services import contact_rules as rules
from leadtui.services.actor import Actor
from leadtui.services.companies import CompanyIn
from leadtui.services.contacts import ContactIn, check_names
from leadtui.services.errors import DomainError, PermissionDenied, RuleViolation
from leadtui.services.validation import MULTILINE_FIELDS, check_values, parse

PREVIEW_ROWS = 20
MAX_ISSUES = 1000
Progress = Callable[[int, int], Any]

# --------------------------------------------------------------------------- fields and header names


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # English msgid
    synonyms: tuple[str, ...] = ()  # header names in en, da, nl, nb (compared after header_key())


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "first_name",
        N_("First name"),
        ("first name", "firstname", "given name", "forename", "fornavn", "voornaam", "roepnaam"),
    ),
    ImportField(
        "last_name",
        N_("Last name"),
        ("last name", "lastname", "surname", "family name", "efternavn", "etternavn", "achternaam"),
    ),
    ImportField(
        "full_name",
        N_("Full name (first and last)"),
        (
            "full name",
            "name",
            "contact name",
            "contact",
            "navn",
            "fulde navn",
            "fullt navn",
            "kontaktperson",
            "naam",
            "volledige naam",
            "contactpersoon",
        ),
    ),
    ImportField(
        "email",
        N_("Email"),
        (
            "email",
            "e mail",
            "email address",
            "e mail address",
            "mail",
            "e mail adresse",
            "emailadresse",
            "e post",
            "epost",
            "e postadresse",
            "epostadresse",
            "e mailadres",
            "emailadres",
        ),
    ),
    ImportField(
        "title",
        N_("Title"),
        (
            "title",
            "job title",
            "position",
            "titel",
            "stilling",
            "stillingsbetegnelse",
            "tittel",
            "functie",
            "functietitel",
        ),
    ),
    ImportField(
        "mobile",
        N_("Mobile"),
        (
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "mobil",
            "mobiltelefon",
            "mobilnummer",
            "mobiel",
            "mobiele telefoon",
            "mobiel nummer",
            "gsm",
        ),
    ),
    ImportField(
        "phone",
        N_("Phone"),
        (
            "phone",
            "telephone",
            "direct phone",
            "phone number",
            "telefon",
            "telefonnummer",
            "direkte telefon",
            "telefoon",
            "telefoonnummer",
        ),
    ),
    ImportField(
        "email_opt_in",
        N_("Email opt-in"),
        ("email opt in", "opt in", "newsletter", "nyhedsbrev", "nyhetsbrev", "nieuwsbrief"),
    ),
    ImportField("lead_status", N_("Lead status"), ("lead status", "leadstatus", "lead state")),
    ImportField(
        "note",
        N_("Note"),
        (
            "note",
            "notes",
            "comment",
            "comments",
            "notat",
            "noter",
            "bemærkning",
            "bemærkninger",
            "notitie",
            "notities",
            "opmerking",
            "opmerkingen",
            "merknad",
        ),
    ),
    ImportField(
        "company",
        N_("Company"),
        (
            "company",
            "company name",
            "organisation",
            "organization",
            "account",
            "account name",
            "firma",
            "firmanavn",
            "virksomhed",
            "virksomhedsnavn",
            "bedrijf",
            "bedrijfsnaam",
            "organisatie",
            "selskap",
            "bedrift",
        ),
    ),
    ImportField(
        "website",
        N_("Website"),
        (
            "website",
            "web site",
            "web",
            "url",
            "homepage",
            "home page",
            "domain",
            "hjemmeside",
            "webside",
            "nettside",
            "websted",
            "webadres",
            "domæne",
            "domene",
            "domein",
        ),
    ),
    ImportField(
        "company_email",
        N_("Company email"),
        ("company email", "company e mail", "firma email", "firma e mail", "bedrijf email", "firma e post"),
    ),
    ImportField(
        "company_phone",
        N_("Company phone"),
        ("company phone", "firma telefon", "bedrijf telefoon", "switchboard", "hovednummer", "sentralbord"),
    ),
    ImportField(
        "address",
        N_("Address"),
        ("address", "street", "street address", "adresse", "gade", "adres", "straat", "gateadresse"),
    ),
    ImportField(
        "zip_code",
        N_("Zip code"),
        ("zip", "zip code", "zipcode", "postal code", "postcode", "post code", "postnummer", "postnr", "postnr."),
    ),
    ImportField(
        "city", N_("City"), ("city", "town", "by", "postdistrikt", "plaats", "woonplaats", "stad", "sted", "poststed")
    ),
    ImportField("country", N_("Country"), ("country", "land")),
    ImportField(
        "category",
        N_("Category"),
        ("category", "company category", "kategori", "firmakategori", "categorie", "bedrijfscategorie"),
    ),
    ImportField(
        "owner",
        N_("Our contact"),
        (
            "our contact",
            "owner",
            "account owner",
            "sales rep",
            "vores kontakt",
            "ejer",
            "vår kontakt",
            "eier",
            "onze contactpersoon",
            "eigenaar",
        ),
    ),
    ImportField("utm_source", N_("Source (utm_source)"), ("utm source", "lead source", "source", "kilde", "bron")),
    ImportField("utm_medium", N_("Medium (utm_medium)"), ("utm medium", "medium")),
    ImportField(
        "utm_campaign", N_("Campaign (utm_campaign)"), ("utm campaign", "campaign", "kampagne", "kampanje", "campagne")
    ),
    ImportField("utm_term", N_("Term (utm_term)"), ("utm term",)),
    ImportField("utm_content", N_("Content (utm_content)"), ("utm content",)),
    ImportField(
        "landing_page",
        N_("Landing page"),
        ("landing page", "landingpage", "landingsside", "landingsside url", "landingspagina"),
    ),
    ImportField(
        "utm_time",
        N_("First touch (date and time)"),
        ("utm time", "first touch", "first touch time", "first touch date", "submitted at", "touched at"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
UTM_KEYS = frozenset(utm.UTM_KEYS)  # a row's values hold only non-empty cells: any of these keys means UTM data
IGNORE = ""
CONTACT_TEXT = ("first_name", "last_name", "title", "mobile", "phone", "note")


def header_key(header: str) -> str:
    """How headers are compared: casefolded, separators (_ - . / :) as spaces, marks (* ") removed."""
    text = (header or "").strip().strip("\ufeff").casefold()
    for char in "_-./:":
        text = text.replace(char, " ")
    for char in "*\"'()":
        text = text.replace(char, "")
    return " ".join(text.split())


_BY_HEADER: dict[str, str] = {}
for _field in FIELDS:
    for _name in (_field.key, _field.label, *_field.synonyms):
        _BY_HEADER.setdefault(header_key(_name), _field.key)


def field_for_header(header: str) -> str:
    """The field a header names (in any of the four languages), or "" (not imported)."""
    return _BY_HEADER.get(header_key(header), IGNORE)


def field_label(key: str) -> str:
    return _(FIELD_BY_KEY[key].label) if key in FIELD_BY_KEY else _("(not imported)")


def field_choices() -> list[tuple[str, str]]:
    """(translated label, key) of every field a column may map to, "(not imported)" first."""
    return [(_("(not imported)"), IGNORE), *[(_(f.label), f.key) for f in FIELDS]]


def parse_field(text: str) -> str:
    """A field given by key, label or header name; "-", "ignore", "" mean not imported."""
    value = (text or "").strip()
    if value.casefold() in ("", "-", "ignore", "none", "skip"):
        return IGNORE
    if value in FIELD_BY_KEY:
        return value
    key = field_for_header(value)
    if not key:
        raise RuleViolation(
            _("Mapping: '{value}' is not a field. Fields: {fields}.").format(
                value=value, fields=", ".join(f.key for f in FIELDS)
            ),
            field="mapping",
        )
    return key


def auto_mapping(headers: Sequence[str]) -> list[str]:
    """A field for each column by its header; when two columns name the same field the first one gets it."""
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = field_for_header(header)
        if key and key not in taken:
            taken.add(key)
            mapping.append(key)
        else:
            mapping.append(IGNORE)
    return mapping


def parse_map_option(text: str) -> tuple[str, str]:
    """`--map "CSV header=field"`."""
    if "=" not in text:
        raise RuleViolation(_("--map: '{text}' is not \"CSV header=field\".").format(text=text), field="mapping")
    header, _sep, target = text.rpartition("=")
    return header.strip(), parse_field(target)


def apply_overrides(headers: Sequence[str], mapping: Sequence[str], overrides: dict[str, str]) -> list[str]:
    """The mapping with some columns (by header, ignoring case) mapped anew; a field moved to another column
    leaves the one that had it."""
    result = list(mapping)
    by_header = {header_key(h): i for i, h in reversed(list(enumerate(headers)))}
    for header, target in overrides.items():
        index = by_header.get(header_key(header))
        if index is None:
            raise RuleViolation(
                _("Mapping: the file has no column '{header}' (columns: {headers}).").format(
                    header=header, headers=", ".join(headers)
                ),
                field="mapping",
            )
        key = parse_field(target)
        if key:
            result = [IGNORE if k == key else k for k in result]
        result[index] = key
    return result


def check_mapping(headers: Sequence[str], mapping: Sequence[str]) -> None:
    if len(mapping) != len(headers):
        raise RuleViolation(
            _("Mapping: expected one field per column ({n} columns).").format(n=len(headers)), field="mapping"
        )
    seen: dict[str, int] = {}
    for index, key in enumerate(mapping):
        if not key:
            continue
        if key not in FIELD_BY_KEY:
            raise RuleViolation(_("Mapping: '{value}' is not a field.").format(value=key), field="mapping")
        if key in seen:
            raise RuleViolation(
                _(
                    "Mapping: the columns '{a}' and '{b}' are both mapped to {field}; map one of them to nothing."
                ).format(a=headers[seen[key]], b=headers[index], field=field_label(key)),
                field="mapping",
            )
        seen[key] = index
    if not {"first_name", "last_name", "full_name"} & set(mapping):
        raise RuleViolation(
            _("Mapping: no column is mapped to First name, Last name or Full name; a contact needs a name."),
            field="mapping",
        )


# --------------------------------------------------------------------------- reading the file


SAMPLE_ROWS = 50  # records a streamed file keeps in memory: the mapping table's samples


class CsvData:
    """A CSV file as read: header, records with their line numbers, and lines that could not be read.

    Text given in memory (parse_csv_text) keeps its records. A file (load_csv) is read once to check it, count its
    rows and find its bad lines, keeping only the first SAMPLE_ROWS records; `iter_records` reads it again, row by
    row, so an import of any size runs in constant memory. `records` (all rows as a list) is read on first use."""

    def __init__(
        self,
        name: str,
        encoding: str,
        delimiter: str,
        headers: list[str],
        records: list[tuple[int, list[str]]],
        bad_lines: dict[int, str] | None = None,
        *,
        path: Path | None = None,
        row_count: int | None = None,
    ) -> None:
        self.name, self.encoding, self.delimiter, self.headers = name, encoding, delimiter, headers
        self.bad_lines: dict[int, str] = bad_lines if bad_lines is not None else {}
        self.path = path
        self._records: list[tuple[int, list[str]]] | None = records if path is None else None
        self.sample = records[:SAMPLE_ROWS]
        self._count = len(records) if row_count is None else row_count

    @property
    def row_count(self) -> int:
        return self._count

    @property
    def records(self) -> list[tuple[int, list[str]]]:
        if self._records is None:
            self._records = list(self.iter_records())
        return self._records

    @records.setter
    def records(self, value: list[tuple[int, list[str]]]) -> None:
        self._records, self.path, self._count, self.sample = value, None, len(value), value[:SAMPLE_ROWS]

    def iter_records(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every row, in file order: from memory, or read from the file again."""
        if self._records is not None or self.path is None:
            yield from self._records or []
            return
        with _open_text(self.path, self.encoding) as handle:
            for kind, line, cells in _parse_rows(handle, self.delimiter, self.name):
                if kind == "record":
                    yield line, cells


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:4096]:
        raise RuleViolation(
            _("File: '{name}' is not a text (CSV) file; save it as CSV UTF-8.").format(name=name), field="file"
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _parse_rows(lines: Iterable[str], delimiter: str, name: str) -> Iterator[tuple[str, int, list[str]]]:
    """("header", line, cells), then ("record", line, cells) or ("bad", line, [reason]) per row; blank lines are
    skipped, short rows padded to the header's width. Raises RuleViolation on a quote left open."""
    # strict: a quote opened and never closed is an error, not a cell that swallows the rows after it
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    width = -1
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not "".join(cells).strip():
                continue
            if width < 0:
                width = len(cells)
                yield "header", start, cells
                continue
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                reason = _("the line has {n} values but the header has {m}; check the quotes and the delimiter").format(
                    n=len(cells), m=width
                )
                yield "bad", start, [reason]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield "record", start, cells
    except csv.Error as exc:
        reason = str(exc)
        if "end of data" in reason:
            reason = _('a quoted value is opened with " and never closed; nothing was imported')
        elif "expected after" in reason:
            reason = _('text follows a closing quote (write a " inside a quoted value as "")')
        raise RuleViolation(
            _("File: '{name}' line {line}: {reason}").format(name=name or "-", line=end + 1, reason=reason),
            field="file",
        ) from None


def _headers(cells: list[str]) -> list[str]:
    return [cell.strip() or _("column {n}").format(n=i + 1) for i, cell in enumerate(cells)]


def parse_csv_text(text: str, *, name: str = "", encoding: str = "utf-8") -> CsvData:
    """Header and records of CSV text; raises RuleViolation when there is no header."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise RuleViolation(_("File: '{name}' is empty.").format(name=name or "-"), field="file")
    delimiter = _delimiter(text)
    headers: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    bad: dict[int, str] = {}
    for kind, line, cells in _parse_rows(io.StringIO(text, newline=""), delimiter, name):
        if kind == "header":
            headers = _headers(cells)
        elif kind == "bad":
            bad[line] = cells[0]
        else:
            records.append((line, cells))
    if headers is None:
        raise RuleViolation(_("File: '{name}' is empty.").format(name=name or "-"), field="file")
    return CsvData(name=name, encoding=encoding, delimiter=delimiter, headers=headers, records=records, bad_lines=bad)


STREAM_FROM = 1 << 20  # bytes: a smaller file is read into memory at once (as fast, and no second read)


def _open_text(path: Path, encoding: str) -> Any:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    return path.open(encoding=codec, newline="", errors="strict")


def _sniff_encoding(path: Path, name: str) -> str:
    """The encoding of a file, checked by decoding it chunk by chunk (never the whole file in memory): UTF-16 with
    a BOM, else UTF-8, else Windows-1252, else Latin-1 (see _decode)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16", "utf-8", "cp1252"]
    elif b"\x00" in head:
        raise RuleViolation(
            _("File: '{name}' is not a text (CSV) file; save it as CSV UTF-8.").format(name=name), field="file"
        )
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            with _open_text(path, encoding) as handle:
                while handle.read(1 << 20):
                    pass
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _stream_csv(file: Path, name: str) -> CsvData:
    encoding = _sniff_encoding(file, name)
    with _open_text(file, encoding) as handle:
        first = ""
        for text in handle:
            if text.strip():
                first = text
                break
    if not first:
        raise RuleViolation(_("File: '{name}' is empty.").format(name=name or "-"), field="file")
    delimiter = _delimiter(first)
    headers: list[str] | None = None
    sample: list[tuple[int, list[str]]] = []
    bad: dict[int, str] = {}
    count = 0
    with _open_text(file, encoding) as handle:
        for kind, line, cells in _parse_rows(handle, delimiter, name):
            if kind == "record":
                count += 1
                if len(sample) < SAMPLE_ROWS:
                    sample.append((line, cells))
            elif kind == "bad":
                bad[line] = cells[0]
            else:
                headers = _headers(cells)
    if headers is None:
        raise RuleViolation(_("File: '{name}' is empty.").format(name=name or "-"), field="file")
    return CsvData(
        name=name,
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        records=sample,
        bad_lines=bad,
        path=file,
        row_count=count,
    )


def load_csv(path: str | Path) -> CsvData:
    """Read a CSV file (see the module's notes on encodings and delimiters); a large one is streamed (CsvData)."""
    file = Path(path).expanduser()
    if not str(path).strip():
        raise RuleViolation(_("File: give the path of a CSV file."), field="file")
    if not file.exists():
        raise RuleViolation(_("File: there is no file '{path}'.").format(path=path), field="file")
    if file.is_dir():
        raise RuleViolation(_("File: '{path}' is a folder, not a CSV file.").format(path=path), field="file")
    try:
        if file.stat().st_size >= STREAM_FROM:
            return _stream_csv(file, str(path))
        raw = file.read_bytes()
    except OSError as exc:
        raise RuleViolation(
            _("File: cannot read '{path}': {reason}").format(path=path, reason=exc.strerror or exc), field="file"
        ) from None
    text, encoding = _decode(raw, str(path))
    return parse_csv_text(text, name=str(path), encoding=encoding)


# --------------------------------------------------------------------------- options and results


class ImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mapping: list[str] | None = None  # a field key per column, "" = not imported; None = by the headers
    overrides: dict[str, str] = {}  # CSV header -> field (the CLI's --map)
    category: str | int | None = None  # category of new companies whose row names none
    owner: str | int | None = None  # Our contact of new companies/contacts whose row names none (else distribution)
    update_existing: bool = True  # False: a contact found by email is left as it is (intake)


class ImportIssue(BaseModel):
    line: int
    kind: str  # error | duplicate
    field: str | None
    message: str


class ImportRowOut(BaseModel):
    line: int
    status: str  # new | updated | unchanged | existing | duplicate | error
    message: str
    values: dict[str, str]
    company: str
    company_status: str  # new | existing | ""
    contact_id: int | None = None


class ImportSummary(BaseModel):
    file: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: list[str]
    rows: int
    new: int
    updated: int
    unchanged: int
    existing: int
    duplicates: int
    errors: int
    new_companies: int
    matched_companies: int
    default_category: str
    issues: list[ImportIssue]
    preview: list[ImportRowOut]
    applied: bool = False
    assigned: int = 0
    unassigned: int = 0
    first_touch: int = 0
    contact_ids: list[int] = []  # applied: the new and updated contacts, in file order (capped like issues)

    @property
    def error_lines(self) -> list[int]:
        return [issue.line for issue in self.issues if issue.kind == "error"]

    def describe(self) -> str:
        """One line for people: "120 rows: 100 new, 15 updated, 3 unchanged, 1 duplicate, 1 error (line 57)"."""
        parts = [_("{n} new").format(n=self.new), _("{n} updated").format(n=self.updated)]
        if self.unchanged:
            parts.append(_("{n} unchanged").format(n=self.unchanged))
        if self.existing:
            parts.append(_("{n} already there").format(n=self.existing))
        parts.append(ngettext("{n} duplicate", "{n} duplicates", self.duplicates).format(n=self.duplicates))
        errors = ngettext("{n} error", "{n} errors", self.errors).format(n=self.errors)
        if self.errors:
            lines = self.error_lines[:10]
            more = "…" if self.errors > len(lines) else ""
            errors += " (" + ngettext("line", "lines", len(lines)) + " " + ", ".join(map(str, lines)) + more + ")"
        parts.append(errors)
        head = ngettext("{n} row", "{n} rows", self.rows).format(n=self.rows)
        companies = _("companies: {new} new, {matched} found").format(
            new=self.new_companies, matched=self.matched_companies
        )
        return f"{head}: {', '.join(parts)}; {companies}"


class ImportRefused(RuleViolation):
    """Nothing was imported because rows have errors; `summary` lists them with their line numbers."""

    def __init__(self, message: str, summary: ImportSummary) -> None:
        super().__init__(message, field="file")
        self.summary = summary


# --------------------------------------------------------------------------- analysis


@dataclass
class _CompanyPlan:
    key: str
    name: str
    id: int | None = None  # existing company, or the id reserved for a new one
    new: bool = False
    category: t.Category | None = None
    lead_enabled: bool = False
    owner_id: int | None = None
    values: dict[str, Any] = dc_field(default_factory=dict)
    line: int = 0
    utm: dict[str, Any] | None = None
    used: bool = False  # a row of the file creates a contact in it


@dataclass
class _Existing:
    id: int
    values: dict[str, Any]
    company_id: int | None
    owner_id: int | None
    lead_enabled: bool
    company_category: str


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    status: str = ""
    message: str = ""
    field: str | None = None
    first: str = ""
    last: str = ""
    email: str = ""
    email_key: str = ""
    opt_in: bool | None = None
    domain: str = ""
    name_key: str = ""
    touched_at: datetime | None = None
    company: _CompanyPlan | None = None
    existing: _Existing | None = None
    changes: dict[str, tuple[Any, Any]] = dc_field(default_factory=dict)
    lead_status: t.LeadStatus | None = None
    category: t.Category | None = None
    owner_id: int | None = None
    contact_id: int | None = None

    def fail(self, exc: DomainError | str, field_name: str | None = None) -> None:
        self.status = "error"
        self.message = str(exc)
        self.field = getattr(exc, "field", None) or field_name


class _Cache:
    """List values and users named in the file, each resolved once through the contact rules."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.found: dict[tuple[str, str], Any] = {}

    async def get(self, kind: str, value: str) -> Any:
        key = (kind, value.strip().casefold())
        if key not in self.found:
            try:
                if kind == "lead_status":
                    self.found[key] = await rules.lead_status_by_ref(self.session, value)
                elif kind == "category":
                    self.found[key] = await rules.category_by_ref(self.session, value)
                else:
                    self.found[key] = await rules.owner_by_ref(self.session, value)
            except RuleViolation as exc:
                self.found[key] = exc
        found = self.found[key]
        if isinstance(found, RuleViolation):
            raise found
        return found


TRUE_WORDS = {"1", "true", "yes", "y", "x", "ja", "j", "on", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "nej", "nee", "nei", "off"}


def _opt_in(text: str) -> bool:
    word = text.strip().casefold()
    if word in TRUE_WORDS or word == _("yes").casefold():
        return True
    if word in FALSE_WORDS or word == _("no").casefold():
        return False
    raise RuleViolation(_("Email opt-in: '{value}' is not yes or no.").format(value=text), field="email_opt_in")


def parse_time(text: str, field_name: str = "utm_time") -> datetime:
    """An ISO date/time (2026-03-01T10:15:00Z, 2026-03-01 10:15, 2026-03-01) or a date in the language's format,
    as naive UTC."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        try:
            from leadtui.i18n.format import parse_date

            day: date = parse_date(value)
        except ValueError:
            raise RuleViolation(
                _("{field}: '{value}' is not a date and time (e.g. 2026-03-01T10:15:00Z).").format(
                    field=field_label(field_name), value=value
                ),
                field=field_name,
            ) from None
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _split_name(full: str) -> tuple[str, str]:
    parts = full.split()
    if len(parts) <= 1:
        return "", full.strip()
    return " ".join(parts[:-1]), parts[-1]


def _check_row(row: _Row) -> None:
    """The rules of typing a contact that need no database: names, lengths, email, opt-in, UTM time."""
    values = row.values
    for key, value in values.items():  # CR LF inside a quoted note cell is a line break, not a control character
        if "\r" in value and key in MULTILINE_FIELDS:
            values[key] = value.replace("\r\n", "\n")
    check_values(values)  # control characters, escape sequences, invalid UTF-8: the row is refused
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if not first and not last and values.get("full_name"):
        first, last = _split_name(values["full_name"])
    check_names(first, last)
    data: dict[str, Any] = {"first_name": first, "last_name": last}
    for key in ("email", "title", "mobile", "phone", "note"):
        if key in values:
            data[key] = values[key]
    if max(map(len, data.values())) > 60:  # within every limit of ContactIn otherwise
        checked = parse(ContactIn, data)
        first, last = checked.first_name or "", checked.last_name or ""
    row.first, row.last = first, last
    row.email, row.email_key = rules.normalise_email(values.get("email"))
    if "email_opt_in" in values:
        row.opt_in = _opt_in(values["email_opt_in"])
    if "utm_time" in values:
        row.touched_at = parse_time(values["utm_time"])
    if len(values.get("country", "")) > 80:
        raise RuleViolation(_("Country: must have at most {n} characters").format(n=80), field="country")


class _Keys:
    """(domain, name key) a company is matched by, worked out once per distinct website and name."""

    def __init__(self) -> None:
        self.domains: dict[tuple[str, str], str] = {}
        self.names: dict[str, str] = {}

    def of(self, values: dict[str, str]) -> tuple[str, str]:
        site = (values.get("website", ""), values.get("company_email", ""))
        domain = self.domains.get(site)
        if domain is None:
            domain = self.domains[site] = rules.domain_from(*site)
        name = values.get("company", "")
        key = self.names.get(name)
        if key is None:
            key = self.names[name] = rules.search_key(name)
        return domain, key


async def _existing_companies(
    session: AsyncSession, domains: set[str], names: set[str]
) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    category = aliased(t.Category)
    owner = aliased(t.Associate)
    dialect = bind_dialect(session).name
    base = (
        select(
            t.Company.id,
            t.Company.name,
            t.Company.name_key,
            t.Company.domain,
            t.Company.our_contact_id,
            owner.primary_group_id,
            rules.lead_enabled_sql(category),
            category.name,
        )
        .join(category, category.id == t.Company.category_id)
        .outerjoin(owner, owner.id == t.Company.our_contact_id)
        .where(t.Company.deleted_at.is_(None))
        .order_by(t.Company.id)
    )
    by_domain: dict[str, tuple[Any, ...]] = {}
    by_name: dict[str, tuple[Any, ...]] = {}
    if domains:
        for row in (await session.execute(base.where(batch.text_in(t.Company.domain, domains, dialect)))).all():
            by_domain.setdefault(row[3], tuple(row))
    if names:
        for row in (await session.execute(base.where(batch.text_in(t.Company.name_key, names, dialect)))).all():
            by_name.setdefault(row[2], tuple(row))
    return by_domain, by_name


CONTACT_COLUMNS = (
    "first_name",
    "last_name",
    "title",
    "mobile",
    "phone",
    "note",
    "email_opt_in",
    "lead_status_id",
    "email",
)


async def _existing_contacts(session: AsyncSession, emails: set[str], lock: bool) -> dict[str, _Existing]:
    if not emails:
        return {}
    company = aliased(t.Company)
    category = aliased(t.Category)
    dialect = bind_dialect(session).name
    query = (
        select(
            t.Contact.id,
            t.Contact.email_normalized,
            t.Contact.company_id,
            t.Contact.our_contact_id,
            company.our_contact_id,
            rules.lead_enabled_sql(category),
            category.name,
            *[getattr(t.Contact, c) for c in CONTACT_COLUMNS],
            t.Contact.deleted_at,
        )
        .outerjoin(company, company.id == t.Contact.company_id)
        .outerjoin(category, category.id == company.category_id)
        # only the email in WHERE: with `deleted_at IS NULL` beside it a database without statistics (a fresh one,
        # or rows added by this import) walks the deleted_at index over every contact, once per chunk
        .where(batch.text_in(t.Contact.email_normalized, emails, dialect))
        .order_by(t.Contact.id)
    )
    if lock and dialect == "postgresql":
        query = query.with_for_update(of=t.Contact)
    found: dict[str, _Existing] = {}
    for row in (await session.execute(query)).all():
        contact_id, key, company_id, own_owner, company_owner, lead_enabled, category_name = row[:7]
        if key in found or row[-1] is not None:
            continue  # several contacts with one email: the oldest is updated; deleted ones are not matched
        found[key] = _Existing(
            id=contact_id,
            values=dict(zip(CONTACT_COLUMNS, row[7:-1])),
            company_id=company_id,
            owner_id=company_owner if company_id is not None else own_owner,
            lead_enabled=bool(company_id is not None and lead_enabled),
            company_category=category_name or "",
        )
    return found


async def _default_category(session: AsyncSession, ref: str | int | None) -> t.Category | None:
    if ref not in (None, ""):
        return await rules.category_by_ref(session, ref)
    first_lead = await session.scalar(
        select(t.Category).where(rules.lead_enabled_sql(t.Category)).order_by(t.Category.rank, t.Category.id).limit(1)
    )
    if first_lead is not None:
        return first_lead
    return await session.scalar(
        select(t.Category).where(t.Category.deleted.is_(False)).order_by(t.Category.rank, t.Category.id).limit(1)
    )


def _refuse_lead_status(has_company: bool, category: str) -> RuleViolation:
    # the contact card's own messages (services/contacts.py), so translations are shared
    if not has_company:
        return RuleViolation(
            _("Lead status: only contacts linked to a company have a lead status."), field="lead_status"
        )
    return RuleViolation(
        _(
            "Lead status: the company's category '{category}' does not use lead status, so it cannot be set here."
        ).format(category=category),
        field="lead_status",
    )


class _Analysis:
    def __init__(
        self, rows: list[_Row], companies: list[_CompanyPlan], matched: int, default_category: t.Category | None
    ) -> None:
        self.rows = rows
        self.new_companies = [c for c in companies if c.new]
        self.matched = matched
        self.default_category = default_category


class _SeenEmails:
    """The emails a preview has seen, each with its first line: 64-bit hashes and lines in two flat arrays (open
    addressing), 24 bytes a row where a dict of the emails took about 150; a preview of a million rows stays small.
    Two different emails with one hash (about 1 in 30 million for a million rows) would read as a duplicate."""

    def __init__(self) -> None:
        self._keys: array[int] = array("q", bytes(8 * 1024))
        self._lines: array[int] = array("i", bytes(4 * 1024))
        self._mask, self._used = 1023, 0

    @staticmethod
    def _hash(email: str) -> int:
        return hash(email) or 1  # 0 marks a free slot

    def _slot(self, key: int) -> int:
        keys, mask = self._keys, self._mask
        slot = key & mask
        while keys[slot] and keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def get(self, email: str) -> int | None:
        slot = self._slot(self._hash(email))
        return self._lines[slot] if self._keys[slot] else None

    def __setitem__(self, email: str, line: int) -> None:
        key = self._hash(email)
        slot = self._slot(key)
        if not self._keys[slot]:
            self._used += 1
        self._keys[slot], self._lines[slot] = key, line
        if self._used * 2 > len(self._keys):
            old_keys, old_lines = self._keys, self._lines
            size = len(old_keys) * 2
            self._keys, self._lines = array("q", bytes(8 * size)), array("i", bytes(4 * size))
            self._mask = size - 1
            for k, v in zip(old_keys, old_lines):
                if k:
                    slot = self._slot(k)
                    self._keys[slot], self._lines[slot] = k, v


class _Analyser:
    """The rules of the import over records given in one go or chunk by chunk (`add`), with what the chunks share:
    companies planned (matched or to create), lists and users resolved, emails seen, rights checked.

    `written` (a streamed apply): the rows of each chunk are written before the next chunk is analysed, so a later
    row with the email of a contact this import wrote finds it in the database; the import remembers only the ids
    it wrote with their lines (12 bytes a row), not every email."""

    def __init__(
        self,
        session: AsyncSession,
        actor: Actor,
        options: ImportOptions,
        bad_lines: dict[int, str],
        *,
        lock: bool,
        progress: Progress | None = None,
        total: int = 0,
    ) -> None:
        self.session, self.actor, self.options, self.bad_lines = session, actor, options, bad_lines
        self.lock, self.progress, self.total = lock, progress, total
        self.cache = _Cache(session)
        self.keys = _Keys()
        self.default_category: t.Category | None = None
        self.default_owner: Any = None
        self.default_status: t.LeadStatus | RuleViolation | None = None
        self.plans_by_domain: dict[str, _CompanyPlan] = {}
        self.plans_by_name: dict[str, _CompanyPlan] = {}
        self.plans: list[_CompanyPlan] = []
        self.company_rights: dict[int, PermissionDenied | None] = {}
        self.contact_rights: dict[int | None, bool] = {}
        self.seen_emails = _SeenEmails()
        self.written = False
        # written: the contacts created, as runs of consecutive ids (first id, index of its line) and the line of
        # each (4 bytes a row: an import of a million rows remembers 4 MB)
        self.run_starts: array[int] = array("q")
        self.run_offsets: array[int] = array("q")
        self.created_lines: array[int] = array("i")
        self.last_created = 0
        self.matched_lines: dict[int, int] = {}  # written: existing contacts a row matched -> its line
        self.count = 0

    async def start(self) -> None:
        self.default_category = await _default_category(self.session, self.options.category)
        if self.options.owner not in (None, ""):
            self.default_owner = await rules.owner_by_ref(self.session, self.options.owner, field="owner")

    async def lead_default(self) -> t.LeadStatus:
        if self.default_status is None:
            try:
                self.default_status = await rules.default_lead_status(self.session)
            except RuleViolation as exc:
                self.default_status = exc
        if isinstance(self.default_status, RuleViolation):
            raise self.default_status
        return self.default_status

    def company_plan(
        self, row: _Row, by_domain: dict[str, tuple[Any, ...]], by_name: dict[str, tuple[Any, ...]]
    ) -> _CompanyPlan:
        domain, name_key = row.domain, row.name_key
        plan = (self.plans_by_domain.get(domain) if domain else None) or self.plans_by_name.get(name_key)
        if plan is not None:
            return plan
        found = (by_domain.get(domain) if domain else None) or by_name.get(name_key)
        if found is not None:
            plan = _CompanyPlan(
                key=domain or name_key,
                name=found[1],
                id=found[0],
                owner_id=found[4],
                lead_enabled=bool(found[6]),
                values={"group": found[5], "category": found[7]},
            )
        else:
            plan = _CompanyPlan(
                key=domain or name_key, name=row.values["company"], new=True, line=row.line, values={"domain": domain}
            )
        self.plans.append(plan)
        if domain:
            self.plans_by_domain[domain] = plan
        self.plans_by_name.setdefault(name_key, plan)
        if not plan.new and found is not None:
            self.plans_by_name.setdefault(found[2], plan)
            if found[3]:
                self.plans_by_domain.setdefault(found[3], plan)
        return plan

    async def new_company(self, row: _Row, plan: _CompanyPlan) -> None:
        """Category, owner and fields of a company the import creates, checked like the company card."""
        values = row.values
        data = {
            "name": values["company"],
            "website": values.get("website", ""),
            "email": values.get("company_email", ""),
            "phone": values.get("company_phone", ""),
        }
        for key in ("address", "zip_code", "city", "country"):
            data[key] = values.get(key, "")
        checked = parse(CompanyIn, data)
        email, _normal = rules.normalise_email(checked.email, field="company_email")
        category = (
            await self.cache.get("category", values["category"]) if values.get("category") else self.default_category
        )
        if category is None:
            raise RuleViolation(
                _("Category: is required (pick one from the list Company - Category)."), field="category"
            )
        owner = await self.cache.get("owner", values["owner"]) if values.get("owner") else self.default_owner
        plan.category = category
        plan.lead_enabled = rules.category_is_lead_enabled(category)
        plan.owner_id = owner.id if owner else None
        plan.values = {
            "name": checked.name,
            "website": checked.website or "",
            "email": email,
            "phone": checked.phone or "",
            "address": checked.address or "",
            "zip_code": checked.zip_code or "",
            "city": checked.city or "",
            "country": checked.country or "",
            "domain": plan.values.get("domain") or rules.domain_from(checked.website, email),
        }
        if not UTM_KEYS.isdisjoint(values):
            plan.utm = utm.record_values(values, row.touched_at)
        plan.line = row.line

    def may_edit_company(self, plan: _CompanyPlan) -> PermissionDenied | None:
        assert plan.id is not None
        if plan.id not in self.company_rights:
            allowed = rights.may_edit(self.actor, plan.owner_id, plan.values.get("group"))
            self.company_rights[plan.id] = (
                None
                if allowed
                else PermissionDenied(
                    _(
                        "You may not change {what}: it belongs to another user (missing right: update others' records)."
                    ).format(what=_("the company '{name}'").format(name=plan.name)),
                    right="update others' records",
                )
            )
        return self.company_rights[plan.id]

    async def may_edit_contact(self, found: _Existing, name: str) -> PermissionDenied | None:
        if found.owner_id not in self.contact_rights:
            group = await rights.owner_group_id(self.session, found.owner_id)
            self.contact_rights[found.owner_id] = rights.may_edit(self.actor, found.owner_id, group)
        if self.contact_rights[found.owner_id]:
            return None
        return PermissionDenied(
            _("You may not change {what}: it belongs to another user (missing right: update others' records).").format(
                what=_("the contact '{name}'").format(name=name)
            ),
            right="update others' records",
        )

    def earlier_line(self, found: _Existing | None) -> int | None:
        """written: the line of an earlier chunk's row that created or matched this contact."""
        if found is None:
            return None
        if found.id in self.matched_lines:
            return self.matched_lines[found.id]
        index = bisect_right(self.run_starts, found.id) - 1
        if index >= 0:
            offset = self.run_offsets[index] + found.id - self.run_starts[index]
            end = self.run_offsets[index + 1] if index + 1 < len(self.run_offsets) else len(self.created_lines)
            if offset < end:
                return self.created_lines[offset]
        return None

    def created_ids(self) -> Iterator[int]:
        """written: the ids of the contacts created, ascending."""
        ends = [*self.run_offsets[1:], len(self.created_lines)]
        for start, offset, end in zip(self.run_starts, self.run_offsets, ends):
            yield from range(start, start + end - offset)

    def remember_written(self, rows: Sequence[_Row]) -> None:
        """After a chunk is written: the ids of the contacts it created (ascending) and matched, with their lines."""
        for row in rows:
            if row.contact_id is None:
                continue
            if row.status == "new":
                if row.contact_id <= self.last_created:  # pragma: no cover - ids ascend
                    raise AssertionError("contact ids reserved out of order")
                if row.contact_id != self.last_created + 1 or not self.run_starts:
                    self.run_starts.append(row.contact_id)
                    self.run_offsets.append(len(self.created_lines))
                self.created_lines.append(row.line)
                self.last_created = row.contact_id
            else:
                self.matched_lines[row.contact_id] = row.line

    def check(self, line: int, values: dict[str, str]) -> _Row:
        """The rules of one record that need no database (a streamed apply checks the next chunk this way while
        the previous one is written)."""
        self.count += 1
        row = _Row(line, values)
        if line in self.bad_lines:
            row.fail(self.bad_lines[line], "file")
        else:
            try:
                _check_row(row)
            except RuleViolation as exc:
                row.fail(exc)
        return row

    async def add(self, records: Iterable[tuple[int, dict[str, str]]]) -> list[_Row]:
        """Analyse the next records; returns their rows with a status each (plans shared with earlier chunks)."""
        rows: list[_Row] = []
        for line, values in records:
            rows.append(self.check(line, values))
            if self.count % 5000 == 0:
                if self.progress is not None:
                    self.progress(self.count, self.total)
                await asyncio.sleep(0)  # let the screen breathe during a long preview
        return await self.resolve(rows)

    async def resolve(self, rows: list[_Row]) -> list[_Row]:
        """The rules of checked rows that need the database: companies, existing contacts, lists, rights."""
        valid = [row for row in rows if row.status != "error"]
        domains: set[str] = set()
        names: set[str] = set()
        for row in valid:
            if row.values.get("company"):
                row.domain, row.name_key = self.keys.of(row.values)
                if row.domain and row.domain not in self.plans_by_domain:
                    domains.add(row.domain)
                if row.name_key not in self.plans_by_name:
                    names.add(row.name_key)
        by_domain, by_name = await _existing_companies(self.session, domains, names)
        existing = await _existing_contacts(self.session, {r.email_key for r in valid if r.email_key}, self.lock)
        seen_emails: dict[str, int] | _SeenEmails = {} if self.written else self.seen_emails
        options = self.options
        for row in valid:
            try:
                found = existing.get(row.email_key) if row.email_key else None
                if row.email_key:
                    earlier = seen_emails.get(row.email_key) or (self.earlier_line(found) if self.written else None)
                    if earlier is not None:
                        row.status = "duplicate"
                        row.message = _("same email as line {line}; skipped").format(line=earlier)
                        row.field = "email"
                        continue
                    seen_emails[row.email_key] = row.line
                if found is not None:
                    row.existing = found
                    row.contact_id = found.id
                    if not options.update_existing:
                        row.status = "existing"
                        row.message = _("already a contact (id {id}); left as it is").format(id=found.id)
                        continue
                    await _plan_update(row, found, self.cache, self.may_edit_contact)
                    continue
                if row.values.get("company"):
                    plan = self.company_plan(row, by_domain, by_name)
                    row.company = plan
                    if plan.new and plan.category is None:
                        await self.new_company(row, plan)
                    elif not plan.new:
                        denied = self.may_edit_company(plan)
                        if denied is not None:
                            raise denied
                    lead_enabled = plan.lead_enabled
                    category_name = plan.category.name if plan.category else str(plan.values.get("category", ""))
                else:
                    lead_enabled, category_name = False, ""
                    if row.values.get("category"):
                        row.category = await self.cache.get("category", row.values["category"])
                    owner = (
                        await self.cache.get("owner", row.values["owner"])
                        if row.values.get("owner")
                        else self.default_owner
                    )
                    row.owner_id = owner.id if owner else None
                if lead_enabled:
                    row.lead_status = (
                        await self.cache.get("lead_status", row.values["lead_status"])
                        if row.values.get("lead_status")
                        else await self.lead_default()
                    )
                elif row.values.get("lead_status"):
                    raise _refuse_lead_status(row.company is not None, category_name)
                row.status = "new"
                if row.company is not None:
                    row.company.used = True
            except DomainError as exc:
                if row.company is not None and row.company.new and row.company.category is None:
                    self.plans.remove(row.company)  # the next row naming it tries again (and reports its own error)
                    self.plans_by_name.pop(row.name_key, None)
                    if row.domain:
                        self.plans_by_domain.pop(row.domain, None)
                row.company = None
                row.fail(exc)
        return rows

    def used_plans(self) -> list[_CompanyPlan]:
        return [plan for plan in self.plans if plan.used]


async def _analyse(
    session: AsyncSession,
    actor: Actor,
    records: Sequence[tuple[int, dict[str, str]]],
    options: ImportOptions,
    bad_lines: dict[int, str],
    *,
    lock: bool,
    progress: Progress | None = None,
    total: int = 0,
) -> _Analysis:
    """Every record at once (intake, other CRMs' exports): the rows and the companies they use."""
    analyser = _Analyser(session, actor, options, bad_lines, lock=lock, progress=progress, total=total)
    await analyser.start()
    rows = await analyser.add(records)
    plans = analyser.used_plans()
    matched = sum(1 for plan in plans if not plan.new)
    return _Analysis(rows, plans, matched, analyser.default_category)


async def _plan_update(row: _Row, found: _Existing, cache: _Cache, may_edit_contact: Callable[..., Any]) -> None:
    """Upsert: the row's non-empty contact fields replace the stored ones; lead status by the card's rules."""
    denied = await may_edit_contact(found, rules.full_name(found.values["first_name"], found.values["last_name"]))
    if denied is not None:
        raise denied
    wanted: dict[str, Any] = {}
    if row.values.get("first_name") or row.values.get("full_name"):
        wanted["first_name"] = row.first
    if row.values.get("last_name") or row.values.get("full_name"):
        wanted["last_name"] = row.last
    for key in ("title", "mobile", "phone", "note"):
        if row.values.get(key):
            wanted[key] = row.values[key]
    if row.opt_in is not None:
        wanted["email_opt_in"] = row.opt_in
    if row.values.get("lead_status"):
        status = await cache.get("lead_status", row.values["lead_status"])
        if status.id != found.values["lead_status_id"]:
            if not found.lead_enabled:
                raise _refuse_lead_status(found.company_id is not None, found.company_category)
            row.lead_status = status
            wanted["lead_status_id"] = status.id
    for key, value in wanted.items():
        old = found.values[key]
        if key == "email_opt_in":
            old = bool(old)
        if value != old:
            row.changes[key] = (old, value)
    row.status = "updated" if row.changes else "unchanged"


# --------------------------------------------------------------------------- summary


class _Tally:
    """Counts, issues (the first MAX_ISSUES), the first rows and the contact ids of an import, chunk by chunk."""

    def __init__(self) -> None:
        self.counts = {status: 0 for status in ("new", "updated", "unchanged", "existing", "duplicate", "error")}
        self.rows = 0
        self.issues: list[ImportIssue] = []
        self.preview: list[ImportRowOut] = []
        self.contact_ids: list[int] = []

    @property
    def errors(self) -> int:
        return self.counts["error"]

    def add(self, rows: Sequence[_Row]) -> None:
        counts, issues = self.counts, self.issues
        self.rows += len(rows)
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
            if row.status in ("error", "duplicate") and len(issues) < MAX_ISSUES:
                issues.append(ImportIssue(line=row.line, kind=row.status, field=row.field, message=row.message))
        for row in rows[: max(0, PREVIEW_ROWS - len(self.preview))]:
            self.preview.append(
                ImportRowOut(
                    line=row.line,
                    status=row.status,
                    message=row.message,
                    values=row.values,
                    company=row.company.name if row.company else "",
                    company_status=("new" if row.company.new else "existing") if row.company else "",
                    contact_id=row.contact_id,
                )
            )

    def add_contact_ids(self, rows: Sequence[_Row]) -> None:
        for row in rows:
            if len(self.contact_ids) >= MAX_ISSUES:
                return
            if row.status in ("new", "updated") and row.contact_id is not None:
                self.contact_ids.append(row.contact_id)


def _summary(data: CsvData | None, mapping: list[str], analysis: _Analysis, *, name: str = "") -> ImportSummary:
    tally = _Tally()
    tally.add(analysis.rows)
    return _summary_of(
        data,
        mapping,
        tally,
        new_companies=len(analysis.new_companies),
        matched=analysis.matched,
        default_category=analysis.default_category,
        name=name,
    )


def _summary_of(
    data: CsvData | None,
    mapping: list[str],
    tally: _Tally,
    *,
    new_companies: int,
    matched: int,
    default_category: t.Category | None,
    name: str = "",
) -> ImportSummary:
    counts = tally.counts
    return ImportSummary(
        file=data.name if data else name,
        encoding=data.encoding if data else "",
        delimiter=data.delimiter if data else "",
        headers=data.headers if data else [],
        mapping=mapping,
        rows=tally.rows,
        new=counts["new"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        existing=counts["existing"],
        duplicates=counts["duplicate"],
        errors=counts["error"],
        new_companies=new_companies,
        matched_companies=matched,
        default_category=default_category.name if default_category else "",
        issues=list(tally.issues),
        preview=list(tally.preview),
    )


# --------------------------------------------------------------------------- writing


CONTACT_INSERT = (
    "id",
    "company_id",
    "first_name",
    "middle_name",
    "last_name",
    "name_key",
    "last_key",
    "mr_ms",
    "title",
    "email",
    "email_normalized",
    "mobile",
    "phone",
    "country",
    "category_id",
    "our_contact_id",
    "lead_status_id",
    "lead_status_since",
    "email_opt_in",
    "former_employee",
    "note",
    "registered_at",
    "registered_by_id",
    "version",
)
COMPANY_INSERT = (
    "id",
    "name",
    "name_key",
    "category_id",
    "business_id",
    "our_contact_id",
    "number",
    "code",
    "department",
    "address",
    "zip_code",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "domain",
    "vat_no",
    "stop",
    "no_mailings",
    "note",
    "registered_at",
    "registered_by_id",
    "version",
)
HISTORY_INSERT = ("entity", "entity_id", "field", "from_id", "from_text", "to_id", "to_text", "at", "by_id")
UTM_INSERT = (
    "contact_id",
    "company_id",
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "landing_page",
    "touched_at",
)
UPDATE_COLUMNS = (
    "first_name",
    "last_name",
    "name_key",
    "last_key",
    "title",
    "mobile",
    "phone",
    "note",
    "email_opt_in",
    "lead_status_id",
    "lead_status_since",
    "updated_at",
    "updated_by_id",
)


class _Writer:
    def __init__(self, session: AsyncSession, actor: Actor, progress: Progress | None, total: int) -> None:
        self.session, self.actor, self.progress, self.total = session, actor, progress, total
        self.done = total // 2
        self.now = t.utcnow()

    def step(self, rows: int) -> None:
        self.done = min(self.total, self.done + rows)
        if self.progress is not None:
            self.progress(self.done, self.total)

    async def companies(self, plans: list[_CompanyPlan]) -> None:
        ids = await batch.reserve_ids(self.session, t.Company, len(plans))
        rows, history = [], []
        for plan, new_id in zip(plans, ids):
            plan.id = new_id
            v = plan.values
            assert plan.category is not None
            rows.append(
                (
                    new_id,
                    v["name"],
                    rules.search_key(v["name"]),
                    plan.category.id,
                    None,
                    plan.owner_id,
                    "",
                    "",
                    "",
                    v["address"],
                    v["zip_code"],
                    v["city"],
                    v["country"],
                    v["phone"],
                    v["email"],
                    v["website"],
                    v["domain"],
                    "",
                    False,
                    False,
                    "",
                    self.now,
                    self.actor.id,
                    1,
                )
            )
            history.append(
                ("company", new_id, "category", None, "", plan.category.id, plan.category.name, self.now, self.actor.id)
            )
        await batch.insert_rows(self.session, t.Company, COMPANY_INSERT, rows)
        await batch.insert_rows(self.session, t.History, HISTORY_INSERT, history)

    async def contacts(self, rows: list[_Row]) -> list[int]:
        ids = await batch.reserve_ids(self.session, t.Contact, len(rows))
        with_status: list[int] = []

        def tuples() -> Any:  # built chunk by chunk while the driver writes the previous chunk
            for row, new_id in zip(rows, ids):
                row.contact_id = new_id
                v = row.values
                name_key, last_key = rules.contact_keys(row.first, row.last)
                status = row.lead_status
                company_id = row.company.id if row.company else None
                if status is not None:
                    with_status.append(new_id)
                yield (
                    new_id,
                    company_id,
                    row.first,
                    "",
                    row.last,
                    name_key,
                    last_key,
                    "",
                    v.get("title", ""),
                    row.email,
                    row.email_key,
                    v.get("mobile", ""),
                    v.get("phone", ""),
                    "" if company_id else v.get("country", ""),
                    row.category.id if row.category and company_id is None else None,
                    row.owner_id if company_id is None else None,
                    status.id if status else None,
                    self.now if status else None,
                    bool(row.opt_in),
                    False,
                    v.get("note", ""),
                    self.now,
                    self.actor.id,
                    1,
                )

        await batch.insert_rows(self.session, t.Contact, CONTACT_INSERT, tuples(), progress=self._chunk)
        if with_status:
            # history of the first lead status (none -> Open ...), one INSERT ... SELECT from the new rows
            history = (
                select(
                    literal("contact", String),
                    t.Contact.id,
                    literal("lead_status", String),
                    literal(None, Integer),
                    literal("", String),
                    t.Contact.lead_status_id,
                    t.LeadStatus.name,
                    literal(self.now, DateTime),
                    literal(self.actor.id, Integer),
                )
                .join(t.LeadStatus, t.LeadStatus.id == t.Contact.lead_status_id)
                .where(rules.id_in(t.Contact.id, with_status, bind_dialect(self.session).name))
            )
            await self.session.execute(insert(t.History).from_select(list(HISTORY_INSERT), history))
        return ids

    def _chunk(self, _done: int) -> None:
        self.step(batch.CHUNK)

    async def updates(self, rows: list[_Row]) -> None:
        updates, history, audits = [], [], []
        changeset = self.session.info.get("changeset", "")
        statuses = {row.lead_status.id: row.lead_status for row in rows if row.lead_status is not None}
        old_names: dict[int, str] = {}
        old_ids = {
            row.existing.values["lead_status_id"] for row in rows if row.existing and "lead_status_id" in row.changes
        }
        if old_ids - {None}:
            for status_id, name in (
                await self.session.execute(
                    select(t.LeadStatus.id, t.LeadStatus.name).where(t.LeadStatus.id.in_(old_ids - {None}))
                )
            ).all():
                old_names[status_id] = name
        for row in rows:
            assert row.existing is not None
            merged = dict(row.existing.values)
            merged.update({key: new for key, (_old, new) in row.changes.items()})
            name_key, last_key = rules.contact_keys(merged["first_name"], merged["last_name"])
            since = None
            if "lead_status_id" in row.changes:
                since = self.now
                old_id = row.changes["lead_status_id"][0]
                history.append(
                    (
                        "contact",
                        row.existing.id,
                        "lead_status",
                        old_id,
                        old_names.get(old_id, ""),
                        merged["lead_status_id"],
                        statuses[merged["lead_status_id"]].name,
                        self.now,
                        self.actor.id,
                    )
                )
            updates.append(
                (
                    merged["first_name"],
                    merged["last_name"],
                    name_key,
                    last_key,
                    merged["title"],
                    merged["mobile"],
                    merged["phone"],
                    merged["note"],
                    bool(merged["email_opt_in"]),
                    merged["lead_status_id"],
                    since,
                    self.now,
                    self.actor.id,
                    row.existing.id,
                )
            )
            changes = {key: [audit.jsonable(old), audit.jsonable(new)] for key, (old, new) in row.changes.items()}
            audits.append(
                (
                    self.now,
                    self.actor.id,
                    changeset,
                    "update",
                    "contact",
                    row.existing.id,
                    changes,
                    _("import"),
                    False,
                    "",
                )
            )
        if not updates:
            return
        # lead_status_since keeps its value unless the status changed (COALESCE in SQL would cost a second pass)
        unchanged_since = [u for u in updates if u[10] is None]
        changed_since = [u for u in updates if u[10] is not None]
        columns_without_since = [c for c in UPDATE_COLUMNS if c != "lead_status_since"]
        await batch.update_rows(
            self.session, t.Contact, columns_without_since, [u[:10] + u[11:] for u in unchanged_since]
        )
        await batch.update_rows(self.session, t.Contact, UPDATE_COLUMNS, changed_since)
        await batch.insert_rows(self.session, t.History, HISTORY_INSERT, history)
        # the other sessions hear of the updated contacts too (services/changes.py; the audit rows go in by SQL)
        live.note(self.session.sync_session, "contact", [a[5] for a in audits], {key for a in audits for key in a[6]})
        await batch.insert_rows(
            self.session,
            t.AuditLog,
            ("at", "actor_id", "changeset", "action", "entity", "entity_id", "changes", "summary", "undone", "undo_of"),
            audits,
        )
        self.step(len(updates))

    async def first_touch(self, rows: list[_Row], plans: list[_CompanyPlan]) -> int:
        records = []
        for row in rows:
            if not UTM_KEYS.isdisjoint(row.values):
                v = utm.record_values(row.values, row.touched_at or self.now)
                records.append((row.contact_id, None, *[v[c] for c in UTM_INSERT[2:-1]], v["touched_at"]))
        for plan in plans:
            if plan.utm is not None:
                v = plan.utm
                records.append((None, plan.id, *[v[c] for c in UTM_INSERT[2:-1]], v["touched_at"] or self.now))
        await batch.insert_rows(self.session, t.UtmRecord, UTM_INSERT, records)
        return len(records)


async def _write(
    session: AsyncSession,
    actor: Actor,
    analysis: _Analysis,
    *,
    source: str,
    label: str,
    progress: Progress | None,
    total: int,
) -> tuple[list[int], distribution.DistributeOut, int]:
    writer = _Writer(session, actor, progress, total)
    new_rows = [row for row in analysis.rows if row.status == "new"]
    updated = [row for row in analysis.rows if row.status == "updated"]
    async with batch.large_cache(session):
        if analysis.new_companies:
            await writer.companies(analysis.new_companies)
        new_ids = await writer.contacts(new_rows) if new_rows else []
        await writer.updates(updated)
        touched = await writer.first_touch(new_rows, analysis.new_companies)
    assigned = await _record_created(
        session,
        actor,
        writer,
        [cast(int, plan.id) for plan in analysis.new_companies],
        new_ids,
        source=source,
        label=label,
    )
    if progress is not None:
        progress(total, total)
    return new_ids, assigned, touched


async def _record_created(
    session: AsyncSession,
    actor: Actor,
    writer: _Writer,
    company_ids: list[int],
    contact_ids: list[int],
    *,
    source: str,
    label: str,
) -> distribution.DistributeOut:
    """The audit entries of the records an import created and the distribution of its new contacts."""
    # one audit entry per kind of record created: undo moves them to the recycle bin (deleted_at), like a delete
    stamp = audit.jsonable(writer.now)
    if company_ids:
        await audit.record_bulk(
            session,
            "company",
            "deleted_at",
            None,
            [(stamp, company_ids)],
            summary=ngettext(
                "{source}: {n} new company ({label})", "{source}: {n} new companies ({label})", len(company_ids)
            ).format(source=source, n=len(company_ids), label=label)[: t.TEXT_MAX],
        )
    if contact_ids:
        await audit.record_bulk(
            session,
            "contact",
            "deleted_at",
            None,
            [(stamp, contact_ids)],
            summary=ngettext(
                "{source}: {n} new contact ({label})", "{source}: {n} new contacts ({label})", len(contact_ids)
            ).format(source=source, n=len(contact_ids), label=label)[: t.TEXT_MAX],
        )
    return await distribution.assign_new(session, actor, contact_ids, source=source, details=len(contact_ids) <= 100)


# --------------------------------------------------------------------------- the service calls


CHUNK_ROWS = 2000  # rows analysed (and, applying, written) at a time: the memory of an import of any size
# SQLite page cache while a streamed import writes: 24 MB writes 100,000 contacts in the same CPU time as 32 or 128 MB
# (bench/import_csv.py) and keeps the whole process under 150 MB with one chunk checked while another is written
IMPORT_CACHE_MB = 24


def _records(data: CsvData, mapping: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    columns = [(index, key) for index, key in enumerate(mapping) if key]
    for line, cells in data.iter_records():
        yield line, {key: value for index, key in columns if (value := cells[index].strip())}


def _chunks(
    records: Iterable[tuple[int, dict[str, str]]], size: int | None = None
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    source = iter(records)
    while chunk := list(islice(source, size or CHUNK_ROWS)):
        yield chunk


def resolve_mapping(data: CsvData, options: ImportOptions) -> list[str]:
    mapping = list(options.mapping) if options.mapping is not None else auto_mapping(data.headers)
    if options.overrides:
        mapping = apply_overrides(data.headers, mapping, options.overrides)
    check_mapping(data.headers, mapping)
    return mapping


async def preview_import(
    db: Database,
    actor: Actor,
    data: CsvData,
    options: ImportOptions | dict[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check every row and say what an import would do (nothing is written): counts, issues, the first rows.
    The file is read chunk by chunk; what the chunks share is the companies planned and the emails seen."""
    options = _options(options)
    mapping = resolve_mapping(data, options)
    async with db.read() as session:
        analyser = _Analyser(
            session, actor, options, data.bad_lines, lock=False, progress=progress, total=data.row_count
        )
        await analyser.start()
        tally = _Tally()
        for chunk in _chunks(_records(data, mapping)):
            tally.add(await analyser.add(chunk))
    plans = analyser.used_plans()
    return _summary_of(
        data,
        mapping,
        tally,
        new_companies=sum(1 for plan in plans if plan.new),
        matched=sum(1 for plan in plans if not plan.new),
        default_category=analyser.default_category,
    )


def _options(options: ImportOptions | dict[str, Any] | None) -> ImportOptions:
    if isinstance(options, ImportOptions):
        return options
    return parse(ImportOptions, options or {})


async def apply_import(
    db: Database,
    actor: Actor,
    data: CsvData,
    options: ImportOptions | dict[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import in one transaction. Refused (ImportRefused, nothing written) while any row has an error.

    The file is read, checked and written chunk by chunk (CHUNK_ROWS) inside the one transaction, so memory stays
    flat however long the file is; a row with an error stops the writing (the rest is only checked, to report
    every error with its line) and the transaction is rolled back."""
    options = _options(options)
    mapping = resolve_mapping(data, options)
    if not data.row_count:
        raise RuleViolation(
            _("File: '{name}' has a header line but no rows to import.").format(name=data.name or "-"), field="file"
        )
    total = data.row_count * 2
    source = _("import")
    label = Path(data.name).name if data.name else "-"
    tally = _Tally()
    async with db.write(actor) as session:
        analyser = _Analyser(session, actor, options, data.bad_lines, lock=True)
        analyser.written = True
        await analyser.start()
        postgres = bind_dialect(session).name == "postgresql"
        if postgres:  # the table's statistics predate the rows this transaction adds: without this, the lookups of
            # each chunk by email and id turn into scans of the growing table (quadratic on a fresh database)
            await session.execute(text("SET LOCAL enable_seqscan = off"))
        writer = _Writer(session, actor, None, total)
        new_company_ids: array[int] = array("q")
        touched = analysed = 0
        records = _records(data, mapping)
        # PostgreSQL: larger chunks, fewer lookups of the growing table (each costs a round trip and a plan)
        size = CHUNK_ROWS * 5 if postgres else CHUNK_ROWS

        async def checked() -> list[_Row]:
            """The next chunk read and checked; it yields now and then so that the chunk being written goes on."""
            rows: list[_Row] = []
            for line, values in islice(records, size):
                rows.append(analyser.check(line, values))
                if len(rows) % 200 == 0:
                    await asyncio.sleep(0)
            return rows

        async def write(rows: list[_Row]) -> None:
            nonlocal touched, analysed
            companies = _new_plans(rows)
            if companies:
                await writer.companies(companies)
                new_company_ids.extend(cast(int, plan.id) for plan in companies)
            new_rows = [row for row in rows if row.status == "new"]
            if new_rows:
                await writer.contacts(new_rows)
            await writer.updates([row for row in rows if row.status == "updated"])
            touched += await writer.first_touch(new_rows, companies)
            analyser.remember_written(rows)
            tally.add_contact_ids(rows)
            if postgres and analyser.count >= 4 * analysed:
                # the planner's statistics follow the rows written (ANALYZE counts this transaction's own rows):
                # with a table it believes empty it looked emails up through the trigram index, minutes per
                # chunk. Each time the import wrote 4 x as many rows, so a few times in all
                await session.execute(text("ANALYZE contact, company"))
                analysed = analyser.count

        writing: asyncio.Future[None] | None = None
        async with batch.large_cache(session, IMPORT_CACHE_MB):
            try:
                rows = await checked()
                while rows:
                    rows = await analyser.resolve(rows)
                    if analyser.written and not any(row.status == "error" for row in rows) and not tally.errors:
                        writing = asyncio.ensure_future(write(rows))
                    else:
                        analyser.written = False  # refused: the rest is only checked (the emails seen kept)
                    following = await checked()  # while the driver writes this chunk
                    if writing is not None:
                        await writing
                        writing = None
                    tally.add(rows)
                    if progress is not None:
                        progress(min(total, 2 * (analyser.count - len(following))), total)
                    rows = following
            finally:
                if writing is not None and not writing.done():
                    await asyncio.wait([writing])  # never leave the connection busy behind an error
                    if not writing.cancelled():
                        writing.exception()  # the first error is the one raised
        plans = analyser.used_plans()
        summary = _summary_of(
            data,
            mapping,
            tally,
            new_companies=sum(1 for plan in plans if plan.new),
            matched=sum(1 for plan in plans if not plan.new),
            default_category=analyser.default_category,
        )
        if summary.errors:
            raise ImportRefused(
                ngettext(
                    "Nothing imported: {n} row has an error ({lines}); fix the file and import again.",
                    "Nothing imported: {n} rows have errors ({lines}); fix the file and import again.",
                    summary.errors,
                ).format(n=summary.errors, lines=_lines(summary.error_lines)),
                summary,
            )
        if postgres:
            await session.execute(text("SET LOCAL enable_seqscan = on"))
            if analysed < analyser.count:  # the statistics of the tables as imported: an export or a Find right
                # after the import plans with them (with the last ones a page of an export read the whole table)
                await session.execute(text("ANALYZE contact, company"))
        assigned = await _record_created(
            session, actor, writer, list(new_company_ids), list(analyser.created_ids()), source=source, label=label
        )
    if progress is not None:
        progress(total, total)
    summary.applied = True
    summary.assigned, summary.unassigned = assigned.assigned, assigned.unassigned
    summary.first_touch = touched
    summary.contact_ids = tally.contact_ids
    return summary


def _new_plans(rows: Sequence[_Row]) -> list[_CompanyPlan]:
    """The companies to create for these rows (new, not written yet), each once, in file order."""
    plans: dict[int, _CompanyPlan] = {}
    for row in rows:
        plan = row.company
        if row.status == "new" and plan is not None and plan.new and plan.id is None:
            plans.setdefault(id(plan), plan)
    return list(plans.values())


def _lines(lines: Sequence[int]) -> str:
    shown = list(lines[:10])
    text = ngettext("line", "lines", len(shown)) + " " + ", ".join(map(str, shown))
    return text + ("…" if len(lines) > len(shown) else "")


async def import_records(
    session: AsyncSession,
    actor: Actor,
    records: Sequence[tuple[int, dict[str, str]]],
    options: ImportOptions,
    *,
    source: str,
    label: str,
) -> tuple[ImportSummary, distribution.DistributeOut | None]:
    """The import rules for records that are already field -> value (intake): analyse and, when no row has an
    error, write them in the caller's transaction. Returns the summary and what the distribution assigned."""
    analysis = await _analyse(session, actor, records, options, {}, lock=True)
    summary = _summary(None, [], analysis, name=label)
    if summary.errors:
        return summary, None
    _new_ids, assigned, touched = await _write(
        session, actor, analysis, source=source, label=label, progress=None, total=0
    )
    summary = _summary(None, [], analysis, name=label)
    summary.applied = True
    summary.assigned, summary.unassigned = assigned.assigned, assigned.unassigned
    summary.first_touch = touched
    summary.contact_ids = [row.contact_id for row in analysis.rows if row.contact_id is not None]
    return summary, assigned


def mapping_rows(data: CsvData, mapping: Sequence[str]) -> list[tuple[str, str, str]]:
    """(header, field key, first non-empty value) per column, for the mapping table."""
    samples = []
    for index, header in enumerate(data.headers):
        sample = next((cells[index] for _line, cells in data.sample if index < len(cells) and cells[index].strip()), "")
        samples.append((header, mapping[index] if index < len(mapping) else IGNORE, sample.strip()))
    return samples
