"""audit log: who changed what, when, old and new values

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('changeset', sa.String(length=32), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('entity', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('summary', sa.String(length=255), nullable=False),
        sa.Column('undone', sa.Boolean(), nullable=False),
        sa.Column('undo_of', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['associate.id'], name=op.f('fk_audit_log_actor_id_associate'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_actor', ['actor_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_changeset'), ['changeset'], unique=False)


def downgrade() -> None:
    op.drop_table('audit_log')
