"""find and board: covering indexes for counting contacts by lead status and by company

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

Counting the contacts of a Find (lead status + category group, say) or the columns of a dynamic selection's board
read one contact row per match only to learn its company, category or lead status. With these two indexes SQLite
and PostgreSQL answer from the index alone, and in company order, so the company lookups are near each other.
On 1,000,000 contacts: the count of lead status Open/Contacting in category group Potential customer 0.75 s ->
0.09 s; the columns of a board of the contacts in categories Lead and MQL 0.57 s -> 0.13 s.
(company_id, deleted_at, lead_status_id, category_id) replaces 0006's (company_id, deleted_at), its prefix.
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_contact_status_deleted_company', 'contact',
                    ['lead_status_id', 'deleted_at', 'company_id', 'category_id'], unique=False)
    op.create_index('ix_contact_company_deleted_status', 'contact',
                    ['company_id', 'deleted_at', 'lead_status_id', 'category_id'], unique=False)
    op.drop_index('ix_contact_company_deleted', table_name='contact')


def downgrade() -> None:
    op.create_index('ix_contact_company_deleted', 'contact', ['company_id', 'deleted_at'], unique=False)
    op.drop_index('ix_contact_company_deleted_status', table_name='contact')
    op.drop_index('ix_contact_status_deleted_company', table_name='contact')
