"""repair the databases that the edited 0002 and 0007 left behind; ids are never reused

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

0002 and 0007 were edited after their release (migrations are append-only from now on):
- 0002 first did nothing; a database created between cc90094 and ef2cb01 is stamped 0002-0004 but has no
  company.name_key, contact.name_key, contact.last_key nor their indexes. They are added here when missing.
- 0002 filled the keys with SQL lower(), which folds ASCII only (Å, Ø stayed upper case); keys that differ from
  the casefolded name the program writes are recomputed, so search and sorting find every row.
- 0007 as first released (a246ceb) dropped ix_contact_company_id, ix_contact_lead_status_id and
  ix_contact_last_name; the edited 0007 keeps them. They are created when missing.
Every step checks what exists first, so it is a no-op on a database that is already right.

Ids never reused: the audit log, history and undo refer to rows by id, so a deleted row's id must not come back
(SQLite reuses the highest rowid after its row is deleted, unless the table is AUTOINCREMENT). On SQLite the
tables whose rows are audited (every versioned table) are rebuilt with AUTOINCREMENT, and sqlite_sequence
starts above the highest id the table, its audit log entries or its history ever used. The caller
(leadtui.model.migrate) runs migrations with foreign keys off, as table rebuilds require. PostgreSQL sequences
never hand out an id twice; nothing to do there.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# every table of a versioned (audited) row: leadtui.model.tables marks them sqlite_autoincrement=True
NEVER_REUSE = (
    'business', 'category', 'competitor', 'credited', 'follow_up_type', 'lead_status', 'reason_lost', 'reason_sold',
    'reason_stalled', 'sale_source', 'sale_stage', 'sale_type_category', 'sale_type', 'user_group', 'associate',
    'guide_item', 'company', 'contact', 'sale', 'activity', 'selection', 'distribution_setting',
)
# indexes 0002 and the first 0007 may have left out: name, table, columns
INDEXES = (
    ('ix_company_name_key', 'company', ['name_key']),
    ('ix_contact_name_key', 'contact', ['name_key']),
    ('ix_contact_last_key_name_key', 'contact', ['last_key', 'name_key']),
    ('ix_contact_company_id', 'contact', ['company_id']),
    ('ix_contact_lead_status_id', 'contact', ['lead_status_id']),
    ('ix_contact_last_name', 'contact', ['last_name']),
)
BATCH = 2000


def _search_key(text: str | None) -> str:
    """leadtui.services.contact_rules.search_key as of this revision: spaces collapsed, casefolded."""
    return " ".join((text or "").split()).casefold()


def _add_missing_columns(inspector: sa.Inspector) -> None:
    company = {c['name'] for c in inspector.get_columns('company')}
    contact = {c['name'] for c in inspector.get_columns('contact')}
    if 'name_key' not in company:
        op.add_column('company', sa.Column('name_key', sa.String(length=255), nullable=False, server_default=''))
    if 'name_key' not in contact:
        op.add_column('contact', sa.Column('name_key', sa.String(length=321), nullable=False, server_default=''))
    if 'last_key' not in contact:
        op.add_column('contact', sa.Column('last_key', sa.String(length=160), nullable=False, server_default=''))


def _fill_keys(bind: sa.Connection) -> None:
    """Recompute the search keys that differ from what the program writes (missing, or folded by SQL lower())."""
    rows = bind.execute(sa.text("SELECT id, name, name_key FROM company")).all()
    changed = [{'id': r.id, 'key': _search_key(r.name)} for r in rows if r.name_key != _search_key(r.name)]
    for start in range(0, len(changed), BATCH):
        bind.execute(sa.text("UPDATE company SET name_key = :key WHERE id = :id"), changed[start:start + BATCH])
    last_id = 0
    while True:  # contacts in pages: there may be millions
        rows = bind.execute(sa.text("SELECT id, first_name, last_name, name_key, last_key FROM contact "
                                    "WHERE id > :last ORDER BY id LIMIT :n"), {'last': last_id, 'n': 10 * BATCH}).all()
        if not rows:
            break
        last_id = rows[-1].id
        changed = []
        for r in rows:
            name_key = _search_key(f"{r.first_name} {r.last_name}")
            last_key = _search_key(r.last_name)
            if (r.name_key, r.last_key) != (name_key, last_key):
                changed.append({'id': r.id, 'name_key': name_key, 'last_key': last_key})
        if changed:
            bind.execute(sa.text("UPDATE contact SET name_key = :name_key, last_key = :last_key WHERE id = :id"),
                         changed)


def _create_missing_indexes(inspector: sa.Inspector) -> None:
    existing = {i['name'] for table in ('company', 'contact') for i in inspector.get_indexes(table)}
    for name, table, columns in INDEXES:
        if name not in existing:
            op.create_index(name, table, columns, unique=False)


def _highest_id_ever(bind: sa.Connection, table: str) -> int:
    highest = bind.execute(sa.text(f'SELECT max(id) FROM "{table}"')).scalar() or 0
    for log in ('audit_log', 'history'):
        used = bind.execute(sa.text(f"SELECT max(entity_id) FROM {log} WHERE entity = :e"), {'e': table}).scalar()
        highest = max(highest, used or 0)
    return highest


def _never_reuse_ids(bind: sa.Connection) -> None:
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # a rebuild drops the old table: with foreign keys on that deletes (or cascades to) the rows that refer to it
        raise RuntimeError("migration 0009 rebuilds tables: run it with PRAGMA foreign_keys = OFF "
                           "(leadtui.model.migrate does)")
    for table in NEVER_REUSE:
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                           {'t': table}).scalar() or ''
        if 'AUTOINCREMENT' not in sql.upper():
            with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
                pass
        highest = _highest_id_ever(bind, table)
        seq = bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {'t': table}).scalar()
        if seq is None:
            bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"), {'t': table, 's': highest})
        elif seq < highest:
            bind.execute(sa.text("UPDATE sqlite_sequence SET seq = :s WHERE name = :t"), {'t': table, 's': highest})


def upgrade() -> None:
    bind = op.get_bind()
    _add_missing_columns(sa.inspect(bind))
    _fill_keys(bind)
    _create_missing_indexes(sa.inspect(bind))
    if bind.dialect.name == 'sqlite':
        _never_reuse_ids(bind)


def downgrade() -> None:
    # the repairs bring the schema to what 0002-0008 should have made; AUTOINCREMENT stays (ids must not be reused)
    pass
