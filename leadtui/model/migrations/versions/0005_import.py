"""import, UTM and distribution of new leads: distribution settings, assignment log, one first touch per record

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'distribution_setting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('user_ids', sa.JSON(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('fallback_id', sa.Integer(), nullable=True),
        sa.Column('away_ids', sa.JSON(), nullable=False),
        sa.Column('last_user_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['user_group.id'], name=op.f('fk_distribution_setting_group_id_user_group'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['fallback_id'], ['associate.id'],
                                name=op.f('fk_distribution_setting_fallback_id_associate'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['last_user_id'], ['associate.id'],
                                name=op.f('fk_distribution_setting_last_user_id_associate'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['associate.id'],
                                name=op.f('fk_distribution_setting_updated_by_id_associate'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_setting')),
    )
    with op.batch_alter_table('distribution_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_setting_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_setting_fallback_id'), ['fallback_id'], unique=False)

    op.create_table(
        'lead_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=255), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_lead_assignment_contact_id_contact'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_lead_assignment_company_id_company'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['associate.id'], name=op.f('fk_lead_assignment_user_id_associate')),
        sa.ForeignKeyConstraint(['by_id'], ['associate.id'], name=op.f('fk_lead_assignment_by_id_associate'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignment')),
    )
    with op.batch_alter_table('lead_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_lead_assignment_contact_at', ['contact_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_by_id'), ['by_id'], unique=False)

    # one first touch per contact and per company: keep the oldest record where earlier data has several
    op.execute("DELETE FROM utm_record WHERE contact_id IS NOT NULL AND id NOT IN "
               "(SELECT min(id) FROM utm_record WHERE contact_id IS NOT NULL GROUP BY contact_id)")
    op.execute("DELETE FROM utm_record WHERE company_id IS NOT NULL AND id NOT IN "
               "(SELECT min(id) FROM utm_record WHERE company_id IS NOT NULL GROUP BY company_id)")
    with op.batch_alter_table('utm_record', schema=None) as batch_op:
        batch_op.create_index('uq_utm_record_contact_id', ['contact_id'], unique=True)
        batch_op.create_index('uq_utm_record_company_id', ['company_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('utm_record', schema=None) as batch_op:
        batch_op.drop_index('uq_utm_record_company_id')
        batch_op.drop_index('uq_utm_record_contact_id')
    op.drop_table('lead_assignment')
    op.drop_table('distribution_setting')
