"""follow-ups on contacts and companies (issue 15, SPEC 1.11): indexes for Next activity and My follow-ups

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Next activity of a page of contacts: the earliest open follow-up per contact
    op.create_index("ix_activity_contact_open", "activity", ["contact_id", "completed", "start_at"], unique=False)
    # a user's open follow-ups by date (My follow-ups, `leadtui followup list --mine`)
    op.create_index("ix_activity_owner_open", "activity", ["owner_id", "completed", "start_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_owner_open", table_name="activity")
    op.drop_index("ix_activity_contact_open", table_name="activity")
