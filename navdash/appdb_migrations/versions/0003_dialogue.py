"""Dialogue: the office's leader answers the fylke's comments beside the number (a thread), and the office's
employees propose and comment on local priorities before the leader decides.

Revision ID: 0003_dialogue
Revises: 0002_tertial_reports
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_dialogue"
down_revision = "0002_tertial_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment_replies",
        sa.Column("reply_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("indicator_id", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_comment_replies_unit_period", "comment_replies", ["unit_id", "period"])
    op.create_table(
        "priority_proposals",
        sa.Column("proposal_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("proposed_by", sa.Text, nullable=False),
        sa.Column("proposed_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_note", sa.Text),
        sa.Column("decided_on", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_priority_proposals_unit_year", "priority_proposals", ["unit_id", "year"])
    op.create_table(
        "proposal_comments",
        sa.Column("comment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("priority_proposals.proposal_id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("proposal_comments")
    op.drop_index("ix_priority_proposals_unit_year", "priority_proposals")
    op.drop_table("priority_proposals")
    op.drop_index("ix_comment_replies_unit_period", "comment_replies")
    op.drop_table("comment_replies")
