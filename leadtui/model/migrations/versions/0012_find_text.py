"""Find's text indexes: SQLite FTS5 trigram, PostgreSQL pg_trgm (issue 15, SPEC 4.4)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"Contains" on contact names and emails, company names and sale headings reads an index instead of every row.
SQLite: FTS5 tables (trigram tokenizer, external content, kept in step by triggers), filled from the existing
rows here. PostgreSQL: CREATE EXTENSION pg_trgm and GIN indexes; when the extension cannot be created (not
installed, no right) the upgrade goes on without them and Find scans as before. See leadtui/model/text_index.py.
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from leadtui.model import text_index

    text_index.create(op.get_bind(), backfill=True)


def downgrade() -> None:
    from leadtui.model import text_index

    text_index.drop(op.get_bind())
