"""Export a list, a find result or a selection to CSV or JSON with the chosen columns.

Rows come from services/find.py (the same criteria, fields and rights as the Find screen, `leadtui find` and
selections), fetched in batches so that an export of 100,000 contacts never holds them all. CSV: a header row of
field keys ("id" first; keys, not labels, so a file reads the same in every language and imports back: the import
maps first_name, email, company ... by these headers), UTF-8, comma-separated. JSON: one array of objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, TextIO

from pydantic import BaseModel

from leadtui.i18n import _
from leadtui.model.engine import Database
from leadtui.services import find
from leadtui.services.actor import Actor
from leadtui.services.errors import RuleViolation
from leadtui.text import CsvWriter, json_inert

FORMATS = ("csv", "json")
EXPORT_BATCH = 5000  # rows read and written at a time


class ExportOut(BaseModel):
    target: str
    format: str
    columns: list[str]
    rows: int


def parse_columns(text: str | None) -> list[str] | None:
    """`--columns a,b,c` (None or "" = the target's default columns)."""
    if not text or not text.strip():
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


async def export(
    db: Database,
    actor: Actor,
    target: str,
    criteria: Sequence[find.Criterion | dict[str, Any]],
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    fmt: str = "csv",
    selection_id: int | None = None,
    labels: bool = False,
    progress: Callable[[int], Any] | None = None,
    formula_guard: bool = True,
) -> ExportOut:
    """Write the records of `target` matching `criteria` (or the members of a selection) to `out`.

    CSV cells go through leadtui.text.csv_cell: control characters made visible and, with `formula_guard`, text
    starting like a formula (= + - @ tab CR) prefixed with ' (OWASP). JSON escapes C1 and bidi controls too."""
    if fmt not in FORMATS:
        raise RuleViolation(_("Format: '{fmt}' is not one of csv, json.").format(fmt=fmt), field="format")
    criteria = list(criteria)
    within_selection = None
    if selection_id is not None:
        from leadtui.services import selections

        target, own, within_selection = await selections.scope(db, actor, selection_id)
        criteria = [*own, *criteria]
    target = find.normalise_target(target)
    header = [c for c in await find.columns_of(target, columns) if c.key != "id"]
    await find.validate(db, actor, target, criteria)  # refused before anything is written
    keys = ["id", *[c.key for c in header]]
    names = [_("Id") if labels else "id", *[(c.label if labels else c.key) for c in header]]
    rows = 0
    writer = CsvWriter(out, formula_guard=formula_guard) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(names)
    else:
        out.write("[")
    if writer is not None:
        # a batch of rows at a time, each cell presented by its column's rule and written straight to the file
        async for chosen, batch in find.iter_batches(
            db, actor, target, criteria, columns=columns, selection_id=within_selection, batch=EXPORT_BATCH
        ):
            order = [0, *[1 + [f.key for f in chosen].index(key) for key in keys[1:]]]
            writer.writerows(batch if order == list(range(len(chosen) + 1)) else map(itemgetter(*order), batch))
            before, rows = rows, rows + len(batch)
            if progress is not None:
                for done in range((before // 1000 + 1) * 1000, rows + 1, 1000):
                    progress(done)
        return ExportOut(target=target, format=fmt, columns=keys, rows=rows)
    async for row in find.iter_rows(db, actor, target, criteria, columns=columns, selection_id=within_selection):
        record = {name: row.get(key) for name, key in zip(names, keys)}
        out.write(("," if rows else "") + "\n  " + json_inert(json.dumps(record, ensure_ascii=False, default=str)))
        rows += 1
        if progress is not None and rows % 1000 == 0:
            progress(rows)
    if writer is None:
        out.write("\n]\n" if rows else "]\n")
    return ExportOut(target=target, format=fmt, columns=keys, rows=rows)
