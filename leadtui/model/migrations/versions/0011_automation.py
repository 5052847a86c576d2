"""category automation rules (issue 15, SPEC 2.5)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

category_automation holds the Lead categorization rules: one row per trigger (sold, lost, registered, or
"lead_status:<id>"), unique by trigger_key (A6), with the target category, the confirmation flag and the switch.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'category_automation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('trigger_key', sa.String(length=40), nullable=False),
        sa.Column('lead_status_id', sa.Integer(), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('confirm', sa.Boolean(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['lead_status_id'], ['lead_status.id'], name='fk_category_automation_lead_status_id_lead_status'
        ),
        sa.ForeignKeyConstraint(['category_id'], ['category.id'], name='fk_category_automation_category_id_category'),
        sa.ForeignKeyConstraint(
            ['updated_by_id'],
            ['associate.id'],
            name='fk_category_automation_updated_by_id_associate',
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name='pk_category_automation'),
        sa.UniqueConstraint('trigger_key', name='uq_category_automation_trigger_key'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_category_automation_lead_status_id', 'category_automation', ['lead_status_id'])
    op.create_index('ix_category_automation_category_id', 'category_automation', ['category_id'])
    op.create_index('ix_category_automation_updated_by_id', 'category_automation', ['updated_by_id'])


def downgrade() -> None:
    op.drop_index('ix_category_automation_updated_by_id', table_name='category_automation')
    op.drop_index('ix_category_automation_category_id', table_name='category_automation')
    op.drop_index('ix_category_automation_lead_status_id', table_name='category_automation')
    op.drop_table('category_automation')
