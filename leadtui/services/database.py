"""Open, create and initialise a leadtui database; resolve the current user."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import _
from leadtui.model import defaults, migrate
from leadtui.model import tables as t
from leadtui.model.engine import Database, is_sqlite, sqlite_path
from leadtui.model.enums import Role
from leadtui.services import audit as _audit  # noqa: F401  (registers the audit hook on every write session)
from leadtui.services import current_rights as _current_rights  # noqa: F401  (writes use the rights of now)
from leadtui.services.actor import Actor
from leadtui.services.errors import DatabaseUnavailable, PermissionDenied, RuleViolation

LANGUAGES = ("en", "da", "nl", "nb")


def _describe(url: str) -> str:
    if is_sqlite(url):
        return str(sqlite_path(url) or url)
    return re.sub(r"://([^:@/]+):[^@/]*@", r"://\1:***@", url)


def _unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    reason = getattr(exc, "orig", None) or exc
    if isinstance(reason, OSError) and reason.strerror:
        text_ = reason.strerror  # "Permission denied", without the errno and the path repeated
    else:
        text_ = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return DatabaseUnavailable(
        _("Cannot open the database {where}: {reason}").format(where=_describe(url), reason=text_), field="database"
    )


def _is_empty_file(path: Path) -> bool:
    """0 bytes and no write-ahead log with content (a new WAL database may keep everything in -wal at first)."""
    wal = Path(f"{path}-wal")
    return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)


def _check_sqlite_file(path: Path, *, create: bool, allow_empty: bool) -> DatabaseUnavailable | None:
    """Refuse what SQLite would turn into a traceback or silently into a new database; returns the refusal for
    writes when the file can be read but not written."""
    if path.is_dir():
        raise DatabaseUnavailable(
            _("Cannot open the database {where}: it is a directory").format(where=path), field="database"
        )
    if not path.exists():
        if not create:
            raise DatabaseUnavailable(
                _("Cannot open the database {where}: no such file").format(where=path), field="database"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        return None
    if _is_empty_file(path) and not allow_empty:
        raise DatabaseUnavailable(
            _(
                "Cannot open the database {where}: the file is empty (0 bytes), not a leadtui database; "
                "'leadtui init' makes a new database in it."
            ).format(where=path),
            field="database",
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return DatabaseUnavailable(
            _("Cannot change the database {where}: the file or its folder is read-only for you.").format(where=path),
            field="database",
        )
    return None


async def connect(url: str, *, create: bool = True, allow_empty: bool = False) -> Database:
    """Open a database, creating the SQLite file if needed, and bring its schema up to date (migrations).

    A 0-byte file is refused (SQLite would silently make it a new database) unless `allow_empty` (`leadtui
    init`). A file that can be read but not written opens for reading; every write is refused in one line."""
    write_refusal = None
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            try:
                write_refusal = _check_sqlite_file(path, create=create, allow_empty=allow_empty)
            except OSError as exc:  # a folder that cannot be entered, a name too long
                raise _unavailable(url, exc) from None
    try:
        db = Database(url)
    except Exception as exc:  # bad URL, unknown driver
        raise _unavailable(url, exc) from None
    db.write_refusal = write_refusal
    try:
        await migrate.upgrade(db)
    except migrate.SchemaTooNew as exc:
        await db.dispose()
        raise DatabaseUnavailable(
            _("The database {where} was written by a newer leadtui (schema {rev}); upgrade leadtui to open it.").format(
                where=_describe(url), rev=exc.args[0]
            ),
            field="database",
        ) from None
    except (OperationalError, DBAPIError, OSError, ConnectionError) as exc:
        await db.dispose()
        raise _unavailable(url, exc) from None
    return db


async def is_initialised(db: Database) -> bool:
    async with db.read() as session:
        return (await session.scalar(select(func.count()).select_from(t.DatabaseInfo)) or 0) > 0


async def database_language(db: Database) -> str:
    async with db.read() as session:
        return (await session.scalar(select(t.DatabaseInfo.language))) or "en"


async def _seed_lists(session: AsyncSession, lang: str) -> None:
    def add_all(model: type[t.ListItem], names: Iterable[str]) -> None:
        for rank, name in enumerate(names, start=1):
            session.add(model(name=name, description="", rank=rank))

    for rank, (name, description) in enumerate(defaults.LEAD_STATUSES[lang], start=1):
        session.add(t.LeadStatus(name=name, description=description, rank=rank, is_default=rank == 1))
    for rank, (name, description, group, lead) in enumerate(defaults.CATEGORIES[lang], start=1):
        session.add(
            t.Category(
                name=name, description=description, rank=rank, category_group=int(group), enable_lead_status=lead
            )
        )
    stages = [
        t.SaleStage(name=name, probability=probability, rank=rank, description="")
        for rank, (name, probability) in enumerate(defaults.SALE_STAGES[lang], start=1)
    ]
    session.add_all(stages)
    types = [
        t.SaleType(
            name=name, rank=rank, description="", duration=4 * (rank == 1) + 8 * (rank != 1), duration_unit="week"
        )
        for rank, name in enumerate(defaults.SALE_TYPES[lang], start=1)
    ]
    session.add_all(types)
    add_all(t.ReasonSold, defaults.REASONS_SOLD[lang])
    add_all(t.ReasonLost, defaults.REASONS_LOST[lang])
    add_all(t.ReasonStalled, defaults.REASONS_STALLED[lang])
    add_all(t.SaleSource, defaults.SALE_SOURCES[lang])
    add_all(t.Competitor, defaults.COMPETITORS[lang])
    add_all(t.Business, defaults.BUSINESSES[lang])
    for rank, (name, kind) in enumerate(defaults.FOLLOW_UP_TYPES[lang], start=1):
        session.add(t.FollowUpType(name=name, kind=kind, rank=rank, description=""))
    await session.flush()
    # every sale type uses all default stages, in order
    for sale_type in types:
        for rank, stage in enumerate(stages, start=1):
            session.add(t.SaleTypeStage(sale_type_id=sale_type.id, stage_id=stage.id, rank=rank))


async def initialise(db: Database, *, lang: str, admin_login: str, admin_name: str = "") -> None:
    """Fill an empty database: default lists in `lang`, and `admin_login` as the first administrator."""
    if lang not in LANGUAGES:
        raise RuleViolation(
            _("Language: '{lang}' is not one of {langs}.").format(lang=lang, langs=", ".join(LANGUAGES)), field="lang"
        )
    async with db.write() as session:
        if await session.scalar(select(func.count()).select_from(t.DatabaseInfo)):
            raise RuleViolation(
                _("The database is already initialised; use --force to start a new one."), field="database"
            )
        session.add(t.DatabaseInfo(id=1, language=lang))
        await _seed_lists(session, lang)
        session.add(
            t.Associate(
                login=admin_login,
                full_name=admin_name or admin_login,
                role=Role.ADMINISTRATOR.value,
                delete_others_sales=True,
            )
        )


async def wipe(db: Database) -> None:
    """Remove every table (init --force): the schema is then rebuilt by the migrations."""
    async with db.engine.begin() as connection:
        await connection.run_sync(t.Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


async def open_or_create(url: str, *, lang: str, login: str) -> tuple[Database, bool]:
    """What `leadtui` does on start: open the database, creating it with default lists on first run."""
    db = await connect(url)
    created = False
    if not await is_initialised(db):
        try:
            await initialise(db, lang=lang, admin_login=login)
            created = True
        except RuleViolation:  # another process initialised it at the same moment
            pass
    return db, created


async def init_database(url: str, *, lang: str, login: str, force: bool) -> Database:
    """`leadtui init`: a new database with default lists; refuses to touch an initialised one without force."""
    if lang not in LANGUAGES:
        raise RuleViolation(
            _("Language: '{lang}' is not one of {langs}.").format(lang=lang, langs=", ".join(LANGUAGES)), field="lang"
        )
    db = await connect(url, allow_empty=True)
    if db.write_refusal is not None:
        await db.dispose()
        raise db.write_refusal
    if await is_initialised(db):
        if not force:
            await db.dispose()
            raise RuleViolation(
                _("The database {where} already exists; use --force to replace it (all its data is lost).").format(
                    where=_describe(url)
                ),
                field="database",
            )
        await wipe(db)
        await migrate.upgrade(db)
    await initialise(db, lang=lang, admin_login=login)
    return db


def actor_from_row(row: t.Associate) -> Actor:
    return Actor(
        id=row.id,
        login=row.login,
        full_name=row.full_name,
        role=Role(row.role),
        primary_group_id=row.primary_group_id,
        delete_others_sales=row.delete_others_sales,
        allow_bulk_update=row.allow_bulk_update,
        can_manage_entities=row.can_manage_entities,
    )


async def resolve_actor(db: Database, login: str) -> Actor:
    async with db.read() as session:
        row = await session.scalar(select(t.Associate).where(func.lower(t.Associate.login) == func.lower(login)))
    if row is None:
        raise PermissionDenied(
            _("Unknown user '{login}': ask an administrator to add you (leadtui users add {login} ...).").format(
                login=login
            ),
            right="user",
        )
    if not row.active:
        raise PermissionDenied(
            _("User '{login}' is inactive: ask an administrator to activate you.").format(login=login), right="user"
        )
    return actor_from_row(row)
