"""dashboard tiles a user adds (issue 15, SPEC 4.7)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

One row per tile a user added: a selection (source 'selection', selection_id) or Find criteria on a target, a layout (number, bar,
funnel, list), the field its bars group by, and its place among the user's tiles. A deleted selection leaves the
tile (selection_id NULL: the tile says so); a deleted user takes their tiles along.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dashboard_tile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('layout', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('target', sa.String(length=20), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('selection_id', sa.Integer(), nullable=True),
        sa.Column('group_by', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('registered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['associate.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['selection_id'], ['selection.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_dashboard_tile_owner_position', 'dashboard_tile', ['owner_id', 'position'], unique=False)
    op.create_index('ix_dashboard_tile_selection_id', 'dashboard_tile', ['selection_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_dashboard_tile_selection_id', table_name='dashboard_tile')
    op.drop_index('ix_dashboard_tile_owner_position', table_name='dashboard_tile')
    op.drop_table('dashboard_tile')
