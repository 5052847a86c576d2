"""served mode: the SSH public keys that identify each user

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

A key belongs to one user (fingerprint unique). Ids are never reused (AUTOINCREMENT on SQLite), so the audit
trail's references to a key stay unambiguous.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('associate_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=80), nullable=False),
        sa.Column('public_key', sa.Text(), nullable=False),
        sa.Column('comment', sa.String(length=255), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['associate.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint', name='uq_user_key_fingerprint'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_user_key_associate_id', 'user_key', ['associate_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_user_key_associate_id', table_name='user_key')
    op.drop_table('user_key')
