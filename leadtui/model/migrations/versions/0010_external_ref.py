"""records imported from other CRMs: their ids there (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

external_ref maps (system, entity, external id) to the local id, so a second import of the same export updates
instead of duplicating, and sales and follow-ups are linked to companies and contacts by the other CRM's ids.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'external_ref',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('system', sa.String(length=40), nullable=False),
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.Column('local_id', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('system', 'entity', 'external_id', name='uq_external_ref_system_entity_external_id'),
    )
    op.create_index('ix_external_ref_entity_local_id', 'external_ref', ['entity', 'local_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_external_ref_entity_local_id', table_name='external_ref')
    op.drop_table('external_ref')
