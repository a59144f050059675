"""Tertial reports: one row per unit and tertial with its current state, and every saved version of it.

Revision ID: 0002_tertial_reports
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_tertial_reports"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    auto = {"sqlite_autoincrement": True}
    op.create_table(
        "tertial_reports",
        sa.Column("report_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("tertial", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("unit_id", "year", "tertial", name="uq_tertial_reports_unit_tertial"),
        **auto,
    )
    op.create_table(
        "tertial_report_versions",
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("tertial_reports.report_id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False),
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("report_id", "version", name="uq_tertial_report_versions_version"),
        **auto,
    )


def downgrade() -> None:
    op.drop_table("tertial_report_versions")
    op.drop_table("tertial_reports")
