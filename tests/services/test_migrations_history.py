"""Migrations are append-only: a database made by any released leadtui upgrades to the newest schema intact.

tests/services/migration_history/<commit>/NNNN_*.py.released are the migration files as they were released, byte
for byte (`git show <commit>:leadtui/model/migrations/versions/NNNN_*.py`, the commits from `git log --diff-filter=AM
-- leadtui/model/migrations/versions/`; the suffix keeps linters off them). 0002 and 0007 were edited after their
release (0002 at ef2cb01: databases made at cc90094..da3eadb are stamped 0002-0004 without the name search keys;
0007 at 6f61f41: databases migrated at a246ceb lack three contact indexes); migration 0009 repairs both.

Each case builds a database with the scripts of one release (the released files, the current env.py), fills
every table with rows, opens it with today's code (which upgrades it) and checks that every row is intact and
that the schema equals that of a database created today: tables, columns, indexes, unique and foreign keys.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from leadtui.model import migrate
from leadtui.model import tables as t
from leadtui.model.engine import Database
from leadtui.services import audit, companies, database
from tests.conftest import reset_postgres

HISTORY = Path(__file__).parent / "migration_history"
# releases in the order they were committed; at each, the newest variant of every migration file up to it
RELEASES = ["d512124", "cc90094", "2ad9195", "ef2cb01", "0c95272", "a246ceb", "6f61f41", "6e88dc8"]
# (release whose scripts made the database, revision it was upgraded to), applied one after the other
CASES: dict[str, list[tuple[str, str]]] = {
    "0001@d512124": [("d512124", "0001")],
    "0002@cc90094-before-edit": [("cc90094", "0002")],
    "0003@cc90094-before-0002-edit": [("cc90094", "0003")],
    "0004@2ad9195-before-0002-edit": [("2ad9195", "0004")],
    "0004@ef2cb01-edited-0002": [("ef2cb01", "0004")],
    "0005@0c95272": [("0c95272", "0005")],
    "0006@0c95272": [("0c95272", "0006")],
    "0007@a246ceb-before-edit": [("a246ceb", "0007")],
    "0007@6f61f41-edited": [("6f61f41", "0007")],
    "0008@6e88dc8": [("6e88dc8", "0008")],
    # a database that missed 0002's keys and then ran 0007 as first released: both repairs at once
    "0004@2ad9195-then-0007@a246ceb": [("2ad9195", "0004"), ("a246ceb", "0007")],
    "0003@cc90094-then-0006@0c95272": [("cc90094", "0003"), ("0c95272", "0006")],
}
DELETED_SALE_ID = 9  # a sale deleted before the upgrade: only the audit log remembers its id


def _scripts_at(release: str, into: Path) -> Path:
    """An Alembic script directory with the migration files as they were at `release`."""
    versions = into / "versions"
    versions.mkdir(parents=True)
    shutil.copy(migrate.MIGRATIONS / "env.py", into / "env.py")
    shutil.copy(migrate.MIGRATIONS / "script.py.mako", into / "script.py.mako")
    chosen: dict[str, Path] = {}
    for commit in RELEASES[: RELEASES.index(release) + 1]:
        for file in (HISTORY / commit).glob("*.py.released"):
            chosen[file.name[:4]] = file
    for file in chosen.values():
        shutil.copy(file, versions / file.name.removesuffix(".released"))
    return into


def _upgrade_with(connection: sa.Connection, scripts: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _value(column: sa.Column, table: str, row_id: int) -> Any:
    kind = column.type
    if column.foreign_keys:
        return None if column.nullable else row_id
    if column.name == "deleted_at":
        return None
    if isinstance(kind, sa.Boolean):
        return row_id % 2 == 0
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 11, 20, 9, row_id)
    if isinstance(kind, sa.Date):
        return date(2026, 11, row_id)
    if isinstance(kind, sa.Numeric):
        return Decimal(f"{row_id}00.50")
    if isinstance(kind, sa.Integer):
        return row_id
    if isinstance(kind, sa.JSON):
        return [row_id] if column.name.endswith("_ids") or column.name == "criteria" else {}
    if isinstance(kind, sa.String | sa.Text):
        if column.name == "changeset":
            return f"c{row_id}"
        if column.name == "name_key" and table == "company":  # as the app writes them, when the column exists
            return "acme ærø ltd"
        if column.name in ("name_key", "last_key") and table == "contact":
            return "åse ødegård" if column.name == "name_key" else "ødegård"
        length = getattr(kind, "length", None) or 40
        return f"{table} {row_id} Ærø"[:length]
    raise AssertionError(f"no sample value for {table}.{column.name} ({kind})")


NAMES = {"company": {"name": "Acme Ærø Ltd"}, "contact": {"first_name": "Åse", "last_name": "Ødegård"}}


def _fill(connection: sa.Connection) -> dict[str, list[dict[str, Any]]]:
    """Two rows in every table (parents first); returns what was written, per table."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    written: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = []
        for row_id in (1, 2):
            if table.name == "database_info" and row_id == 2:
                continue
            row = {c.name: _value(c, table.name, row_id) for c in table.columns}
            if "id" in row:
                row["id"] = row_id
            row.update(NAMES.get(table.name, {}))
            if table.name == "audit_log":  # the deleted sale: its id must never come back
                row.update(entity="sale", entity_id=DELETED_SALE_ID, action="delete")
            if table.name == "selection_member":
                row.update(entity_id=row_id)
            if table.name == "associate":
                row.update(login=f"user{row_id}", role="administrator", active=True)
            rows.append(row)
        connection.execute(table.insert(), rows)
        written[table.name] = rows
        if connection.dialect.name == "postgresql" and "id" in table.c:  # as if the rows had taken their ids
            highest = DELETED_SALE_ID if table.name == "sale" else 2  # from the sequence (the deleted sale did)
            connection.execute(
                sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"), {"t": table.name, "n": highest}
            )
    return written


def _rows(connection: sa.Connection, written: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    found = {}
    for name, rows in written.items():
        table = metadata.tables[name]
        columns = [table.c[c] for c in rows[0]]
        found[name] = [dict(r._mapping) for r in connection.execute(sa.select(*columns).order_by(*columns[:1]))]
    return found


def _schema(connection: sa.Connection) -> dict[str, Any]:
    inspector = sa.inspect(connection)
    shape: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        columns = {
            c["name"]: (str(c["type"]), c["nullable"], str(c.get("default"))) for c in inspector.get_columns(table)
        }
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table))
        uniques = sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table))
        keys = sorted(
            (
                tuple(f["constrained_columns"]),
                f["referred_table"],
                tuple(f["referred_columns"]),
                str(f.get("options", {}).get("ondelete")),
            )
            for f in inspector.get_foreign_keys(table)
        )
        primary = tuple(inspector.get_pk_constraint(table)["constrained_columns"])
        shape[table] = {
            "columns": columns,
            "indexes": indexes,
            "unique": uniques,
            "foreign keys": keys,
            "primary key": primary,
        }
        if connection.dialect.name == "sqlite":
            sql = (
                connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
                ).scalar()
                or ""
            )
            shape[table]["autoincrement"] = "AUTOINCREMENT" in sql.upper()
    return shape


_FRESH: dict[str, dict[str, Any]] = {}


async def _fresh_schema(url: str, backend_name: str) -> dict[str, Any]:
    """The schema of a database created today (once per backend)."""
    if backend_name in _FRESH:
        return _FRESH[backend_name]
    db = await database.connect(url)
    try:
        async with db.engine.connect() as connection:
            _FRESH[backend_name] = await connection.run_sync(_schema)
            return _FRESH[backend_name]
    finally:
        await db.dispose()
        if backend_name == "postgresql":
            await reset_postgres(url)


@pytest.mark.parametrize("case", list(CASES))
async def test_a_database_from_every_released_schema_upgrades_with_its_data_intact(
    db_url, backend_name, tmp_path, case
):
    fresh_url = db_url if backend_name == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    expected_schema = await _fresh_schema(fresh_url, backend_name)

    old = Database(db_url)
    try:
        for step, (release, revision) in enumerate(CASES[case]):
            scripts = _scripts_at(release, tmp_path / f"scripts-{step}")
            async with old.engine.begin() as connection:
                await connection.run_sync(_upgrade_with, scripts, revision)
        async with old.engine.begin() as connection:
            written = await connection.run_sync(_fill)
    finally:
        await old.dispose()

    db = await database.connect(db_url)  # what every leadtui command does first: upgrade to the newest schema
    try:
        assert await migrate.current_revision(db) == migrate.HEAD
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_rows, written) == written
            assert await connection.run_sync(_schema) == expected_schema
            keys = (await connection.execute(sa.text("SELECT name_key FROM company ORDER BY id"))).scalars().all()
            assert keys == ["acme ærø ltd"] * 2
            keys = (await connection.execute(sa.text("SELECT name_key, last_key FROM contact ORDER BY id"))).all()
            assert [tuple(k) for k in keys] == [("åse ødegård", "ødegård")] * 2
            if backend_name == "sqlite":
                assert (await connection.exec_driver_sql("PRAGMA integrity_check")).scalar() == "ok"
                assert (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all() == []
        # the app works on the upgraded database: find by name, and a new sale never takes a used id
        admin = await database.resolve_actor(db, "user1")
        found = await companies.list_companies(db, admin, search="acme ærø")
        assert found.total == 2
        if "sale" in written and "audit_log" in written:
            async with db.write(admin) as session:
                sale = t.Sale(heading="new", sale_type_id=1, owner_id=1, sale_date=date(2026, 12, 1))
                session.add(sale)
                await session.flush()
                new_id = sale.id
            assert new_id > DELETED_SALE_ID
            history = await audit.for_record(db, "sale", DELETED_SALE_ID)
            assert [entry.action for entry in history] == ["delete", "delete"]
    finally:
        await db.dispose()


async def test_the_migrations_make_the_same_schema_as_a_new_database(db_url, backend_name, tmp_path):
    """A new database is created from the model in one go (migrate._create_newest); every migration from an empty
    database must end in exactly that schema."""
    fresh_url = db_url if backend_name == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    expected_schema = await _fresh_schema(fresh_url, backend_name)
    db = Database(db_url)
    try:
        async with db.engine.connect() as connection:
            if backend_name == "sqlite":  # as migrate.upgrade does: table rebuilds need foreign keys off
                await connection.run_sync(
                    lambda sync: sync.connection.dbapi_connection.cursor().execute("PRAGMA foreign_keys = OFF")
                )
            await connection.run_sync(_upgrade_with, migrate.MIGRATIONS, "head")
            await connection.commit()
            assert await connection.run_sync(_schema) == expected_schema
    finally:
        await db.dispose()


async def test_the_repair_migration_changes_nothing_on_a_database_that_is_right(db_url, backend_name, tmp_path):
    """0009 checks what exists first: run again on a current database, it keeps the schema, the rows and the id
    counters as they were."""
    fresh_url = db_url if backend_name == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    expected_schema = await _fresh_schema(fresh_url, backend_name)
    db = await database.init_database(db_url, lang="en", login="admin", force=False)
    try:
        admin = await database.resolve_actor(db, "admin")
        async with db.write(admin) as session:
            category = await session.scalar(sa.select(sa.func.min(t.Category.id)))
            for n in range(3):
                session.add(t.Company(name=f"Ærø {n}", name_key=f"ærø {n}", category_id=category))
        async with db.write(admin) as session:
            last = await session.scalar(sa.select(sa.func.max(t.Company.id)))
            await session.execute(sa.delete(t.Company).where(t.Company.id == last))
        async with db.engine.connect() as connection:  # 0009 once more, as migrate.upgrade runs it
            if backend_name == "sqlite":
                await connection.run_sync(
                    lambda sync: sync.connection.dbapi_connection.cursor().execute("PRAGMA foreign_keys = OFF")
                )
            await connection.execute(sa.text("UPDATE alembic_version SET version_num = '0008'"))
            await connection.commit()
            await connection.run_sync(_upgrade_with, migrate.MIGRATIONS, "0009")
            await connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": migrate.HEAD})
            await connection.commit()
    finally:
        await db.dispose()
    db = await database.connect(db_url)
    try:
        assert await migrate.current_revision(db) == migrate.HEAD
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_schema) == expected_schema
            keys = (await connection.execute(sa.text("SELECT name_key FROM company ORDER BY id"))).scalars().all()
        assert keys == ["ærø 0", "ærø 1"]
        async with db.write(admin) as session:
            company = t.Company(name="Next", name_key="next", category_id=category)
            session.add(company)
            await session.flush()
        assert company.id == last + 1  # the deleted company's id was not handed out again
    finally:
        await db.dispose()
