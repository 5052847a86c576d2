"""A large CSV file is imported in chunks, in constant memory: the file is read row by row (never whole), each
chunk is checked and written inside the one transaction, and a bad row anywhere still leaves the database as it
was and is named by its line. Chunks are made small here so that a few hundred rows span many of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from leadtui.model import tables as t
from leadtui.services import imports

HEADER = "First name,Last name,Email,Company,Website,Lead status,utm_source\n"
ROWS = 230


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(imports, "CHUNK_ROWS", 40)
    monkeypatch.setattr(imports, "STREAM_FROM", 1)  # every file is streamed, not read whole


def write(tmp_path: Path, bad_line: int | None = None, duplicate_of: tuple[int, int] | None = None) -> Path:
    """ROWS contacts over 20 companies; file line n holds row n - 1. `bad_line`: a row without any name there;
    `duplicate_of` (later, earlier): the later line repeats the earlier line's email."""
    lines = [HEADER]
    for i in range(ROWS):
        line = i + 2
        source = line if duplicate_of is None or line != duplicate_of[0] else duplicate_of[1]
        first, last = ("", "") if line == bad_line else ("Ann", f"Row{i}")
        lines.append(f"{first},{last},p{source}@mail.example,Firma {i % 20},c{i % 20}.example,,web\n")
    path = tmp_path / "people.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


async def counts(db) -> dict[str, int]:  # noqa: ANN001
    out = {}
    async with db.read() as session:
        for model in (t.Contact, t.Company, t.History, t.UtmRecord, t.AuditLog):
            out[model.__tablename__] = await session.scalar(select(func.count()).select_from(model)) or 0
    return out


async def test_a_streamed_file_is_read_again_row_by_row_not_kept(tmp_path):
    data = imports.load_csv(write(tmp_path))
    assert data.path is not None and data.row_count == ROWS
    assert len(data.sample) == imports.SAMPLE_ROWS  # only the first rows stay in memory
    assert [line for line, _cells in data.iter_records()] == list(range(2, ROWS + 2))


async def test_a_bad_row_in_a_late_chunk_leaves_the_database_unchanged_and_names_its_line(db, admin, tmp_path):
    before = await counts(db)
    bad = ROWS - 3  # in the last chunk: the chunks before it were written in the transaction
    with pytest.raises(imports.ImportRefused) as refused:
        await imports.apply_import(db, admin, imports.load_csv(write(tmp_path, bad_line=bad)))
    assert refused.value.summary.error_lines == [bad]
    assert f"line {bad}" in str(refused.value)
    assert refused.value.summary.new == ROWS - 1  # every other row was still checked and counted
    assert await counts(db) == before


async def test_a_streamed_import_writes_every_chunk_once(db, admin, tmp_path):
    before = await counts(db)
    summary = await imports.apply_import(db, admin, imports.load_csv(write(tmp_path, duplicate_of=(200, 5))))
    assert (summary.new, summary.duplicates, summary.errors) == (ROWS - 1, 1, 0)
    assert summary.issues[0].line == 200 and "line 5" in summary.issues[0].message  # across chunks
    assert (summary.new_companies, summary.matched_companies) == (20, 0)  # created once, reused by later chunks
    after = await counts(db)
    assert after["contact"] - before["contact"] == ROWS - 1
    assert after["company"] - before["company"] == 20
    assert after["utm_record"] - before["utm_record"] == ROWS - 1 + 20
    preview = await imports.preview_import(db, admin, imports.load_csv(write(tmp_path)))
    assert (preview.new, preview.existing + preview.updated + preview.unchanged) == (1, ROWS - 1)


async def test_the_preview_of_a_streamed_file_matches_its_import(db, admin, tmp_path):
    data = imports.load_csv(write(tmp_path, duplicate_of=(150, 3)))
    preview = await imports.preview_import(db, admin, data)
    assert (preview.new, preview.duplicates, preview.new_companies) == (ROWS - 1, 1, 20)
    assert preview.issues[0].line == 150
    assert [row.line for row in preview.preview] == list(range(2, 2 + imports.PREVIEW_ROWS))
    applied = await imports.apply_import(db, admin, data)
    assert (applied.new, applied.duplicates, applied.new_companies) == (preview.new, 1, 20)
