"""Approval of months: with NAVDASH_GODKJENNING on, a month is shown to others than analysts once it is approved.

One row per approved month, with who approved it and when; withdrawing the approval removes the row (the audit log
keeps both).

Revision ID: 0005_month_approvals
Revises: 0004_meeting_unique
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_month_approvals"
down_revision = "0004_meeting_unique"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_approvals",
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column("approved_by", sa.Text, nullable=False),
        sa.Column("approved_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("month_approvals")
