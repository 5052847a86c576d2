"""Web-form submissions (`leadtui intake`): JSON lines, each a lead from a form (SPEC.md 5.1, 5.2).

Each line is one JSON object such as
    {"first_name": "Ann", "last_name": "Berg", "email": "ann@acme.com", "company": "Acme", "website": "acme.com",
     "phone": "+45 1234", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "spring",
     "utm_term": "crm", "utm_content": "ad1", "landing_page": "https://example.com/demo",
     "submitted_at": "2026-03-01T10:15:00Z"}
and goes through the same rules as a row of a CSV import (services/imports.py), with these differences:
- A contact found by its email is left as it is ("existing"): a submission never overwrites what sales typed, and
  no new first touch is recorded for it (SPEC.md 5.1: first touch only for new contacts and companies).
- New companies get the intake's category (default: the first lead-enabled category), so web leads are leads and
  their contacts get the default lead status Open (SPEC.md 5.1 via L5).
- Each line is its own transaction: a bad line is reported with its line number and the good ones are still
  taken in (a web form's queue must not stall on one bad submission); the CLI exits 2 when any line failed.
Unknown keys are ignored (forms carry consent flags, captchas ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from leadtui.i18n import _
from leadtui.model.engine import Database
from leadtui.services import imports
from leadtui.services.actor import Actor
from leadtui.services.errors import DomainError, RuleViolation
from leadtui.text import ENCODING, problem

# JSON key -> import field
KEYS: dict[str, str] = {
    "first_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "name": "full_name",
    "full_name": "full_name",
    "email": "email",
    "company": "company",
    "company_name": "company",
    "website": "website",
    "phone": "phone",
    "mobile": "mobile",
    "title": "title",
    "message": "note",
    "note": "note",
    "country": "country",
    "city": "city",
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
    "utm_campaign": "utm_campaign",
    "utm_term": "utm_term",
    "utm_content": "utm_content",
    "landing_page": "landing_page",
    "submitted_at": "utm_time",
}


class IntakeLineOut(BaseModel):
    line: int
    status: str  # new | existing | error
    message: str
    contact_id: int | None = None
    owner: str | None = None  # who the distribution gave the new lead to


class IntakeOut(BaseModel):
    lines: int
    new: int
    existing: int
    errors: int
    results: list[IntakeLineOut]


def _values(line: int, text: str) -> dict[str, str]:
    if problem(text, multiline=True) == ENCODING:  # bytes that are not UTF-8 (read with surrogateescape)
        raise RuleViolation(_("not valid UTF-8 text"), field="line")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleViolation(_("not a JSON object ({reason})").format(reason=exc.msg), field="line") from None
    except RecursionError:  # [[[[... 100,000 deep
        raise RuleViolation(_("not a JSON object (nested too deeply)"), field="line") from None
    if not isinstance(data, dict):
        raise RuleViolation(
            _("not a JSON object (one submission per line, like {example})").format(
                example='{"first_name": "Ann", "email": "ann@example.com"}'
            ),
            field="line",
        )
    values: dict[str, str] = {}
    for key, value in data.items():
        target = KEYS.get(str(key).strip().lower())
        if target is None or value is None:
            continue
        if isinstance(value, dict | list):
            raise RuleViolation(_("{key}: must be text, not a list or object").format(key=key), field=target)
        text_value = str(value).strip()
        if text_value:
            values[target] = text_value
    return values


async def intake(
    db: Database,
    actor: Actor,
    lines: Iterable[str],
    *,
    category: str | None = None,
    source: str = "-",
    progress: Callable[[int], Any] | None = None,
) -> IntakeOut:
    """Take in web-form submissions, one JSON object per line (blank lines are skipped)."""
    options = imports.ImportOptions(update_existing=False, category=category)
    results: list[IntakeLineOut] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            values = _values(number, text)
            async with db.write(actor) as session:
                summary, assigned = await imports.import_records(
                    session, actor, [(number, values)], options, source=_("intake"), label=source
                )
        except DomainError as exc:
            results.append(IntakeLineOut(line=number, status="error", message=str(exc)))
            continue
        row = summary.preview[0]
        if row.status == "error":
            results.append(IntakeLineOut(line=number, status="error", message=row.message))
        elif row.status == "new":
            owner = assigned.assignments[0].user if assigned and assigned.assignments else None
            results.append(
                IntakeLineOut(line=number, status="new", message="", contact_id=summary.contact_ids[0], owner=owner)
            )
        else:
            results.append(
                IntakeLineOut(line=number, status="existing", message=row.message, contact_id=row.contact_id)
            )
        if progress is not None:
            progress(number)
    return IntakeOut(
        lines=len(results),
        new=sum(r.status == "new" for r in results),
        existing=sum(r.status == "existing" for r in results),
        errors=sum(r.status == "error" for r in results),
        results=results,
    )
