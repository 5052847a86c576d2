"""companies and contacts (cards issue): casefolded search keys for names

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=255), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_company_name_key'), ['name_key'], unique=False)

    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=321), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_key', sa.String(length=160), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_contact_name_key'), ['name_key'], unique=False)
        batch_op.create_index('ix_contact_last_key_name_key', ['last_key', 'name_key'], unique=False)

    # rows written before this revision: SQL lower() is close enough (new writes store Python's casefold())
    op.execute("UPDATE company SET name_key = lower(trim(name))")
    op.execute("UPDATE contact SET last_key = lower(trim(last_name)), "
               "name_key = lower(trim(trim(first_name) || ' ' || trim(last_name)))")


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_last_key_name_key')
        batch_op.drop_index(batch_op.f('ix_contact_name_key'))
        batch_op.drop_column('last_key')
        batch_op.drop_column('name_key')

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_name_key'))
        batch_op.drop_column('name_key')
