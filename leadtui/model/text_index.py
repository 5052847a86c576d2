"""Find's text indexes (SPEC.md 4.4): "contains" on the main text fields without reading every row.

SQLite: one FTS5 table per entity with the trigram tokenizer, external content (the index holds no copy of the
text), detail=none (smallest; a LIKE through it is checked against the row, so no positions are needed), kept in
step by triggers. PostgreSQL: pg_trgm GIN indexes on the same columns (the planner uses them for LIKE '%x%' by
itself); when the extension cannot be created the indexes are left out and Find scans as before.

Indexed: contact name key ("first last", casefolded) and normalised email, company name key, sale heading
(lower-cased on PostgreSQL, as Find compares it). Trigrams need 3+ characters: shorter searches use plain LIKE.

Used by migration 0012 (existing databases, with a backfill) and by a new database's create_all (tables.py), so
both end with the same schema.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# FTS table -> (content table, indexed columns)
SQLITE_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "contact_fts": ("contact", ("name_key", "email_normalized")),
    "company_fts": ("company", ("name_key",)),
    "sale_fts": ("sale", ("heading",)),
}
# index name -> (table, expression)
PG_INDEXES: dict[str, tuple[str, str]] = {
    "ix_contact_name_key_trgm": ("contact", "name_key"),
    "ix_contact_email_normalized_trgm": ("contact", "email_normalized"),
    "ix_company_name_key_trgm": ("company", "name_key"),
    "ix_sale_heading_trgm": ("sale", "lower(heading)"),
}
MIN_CHARS = 3  # a trigram index cannot answer a search for fewer characters


def _sqlite_statements(fts: str, table: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='trigram', detail='none', columnsize=0)",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        # only when an indexed column is written: a bulk update of lead statuses does not touch the index
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def create(connection: Any, *, backfill: bool = True) -> None:
    """Create the indexes (and fill them from the existing rows when `backfill`). `connection`: a sync SQLAlchemy
    connection (inside the migration's or create_all's transaction)."""
    if connection.dialect.name == "sqlite":
        for fts, (table, columns) in SQLITE_INDEXES.items():
            for statement in _sqlite_statements(fts, table, columns):
                connection.exec_driver_sql(statement)
            if backfill:
                connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        return
    if connection.dialect.name != "postgresql":
        return
    if not _pg_trgm(connection):
        log.warning("pg_trgm is not available: Find's text search works without its indexes (slower)")
        return
    for name, (table, expression) in PG_INDEXES.items():
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
        )


def drop(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        for fts in SQLITE_INDEXES:
            for suffix in ("_ai", "_ad", "_au"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
        return
    if connection.dialect.name == "postgresql":
        for name in PG_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _pg_trgm(connection: Any) -> bool:
    """CREATE EXTENSION pg_trgm in a savepoint: refused (not installed, no right) leaves the transaction usable."""
    if connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").scalar():
        return True
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return True
    except Exception as exc:  # noqa: BLE001 - any refusal means: no trigram indexes
        log.warning("CREATE EXTENSION pg_trgm failed: %s", exc)
        return False
