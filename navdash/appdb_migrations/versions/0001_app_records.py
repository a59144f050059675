"""What users write in the app: meetings, follow-up points, comments, priorities, experiences, audit and import logs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, primary_key=True, autoincrement=True)


def upgrade() -> None:
    auto = {"sqlite_autoincrement": True}  # SQLite never reuses an id, as PostgreSQL's sequences do not
    op.create_table(
        "meetings", _id("meeting_id"),
        sa.Column("fylke_id", sa.String(16), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False),
        sa.Column("opened_by", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        **auto,
    )
    op.create_index("ix_meetings_fylke", "meetings", ["fylke_id", "period"])
    op.create_table(
        "followups", _id("followup_id"),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.meeting_id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("responsible", sa.Text),
        sa.Column("due", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        **auto,
    )
    op.create_index("ix_followups_unit", "followups", ["unit_id", "meeting_id"])
    op.create_table(
        "followup_history", _id("history_id"),
        sa.Column("followup_id", sa.Integer, sa.ForeignKey("followups.followup_id"), nullable=False),
        sa.Column("meeting_id", sa.Integer),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        **auto,
    )
    op.create_index("ix_followup_history_point", "followup_history", ["followup_id"])
    op.create_table(
        "comments",
        sa.Column("unit_id", sa.String(16), primary_key=True),
        sa.Column("indicator_id", sa.String(32), primary_key=True),
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_comments_unit_period", "comments", ["unit_id", "period"])
    op.create_table(
        "priorities",
        sa.Column("unit_id", sa.String(16), primary_key=True),
        sa.Column("year", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("no", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("indicators", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.Text),
        sa.Column("changed_at", sa.DateTime),
    )
    op.create_table(
        "priority_history", _id("history_id"),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("no", sa.SmallInteger, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("indicators", sa.JSON),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.Text),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        **auto,
    )
    op.create_index("ix_priority_history_unit", "priority_history", ["unit_id", "year"])
    op.create_table(
        "practices", _id("practice_id"),
        sa.Column("unit_id", sa.String(16), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("for_whom", sa.Text),
        sa.Column("indicators", sa.JSON, nullable=False),
        sa.Column("effect", sa.Text),
        sa.Column("theme", sa.Text),
        sa.Column("first_period", sa.String(16)),
        sa.Column("last_period", sa.String(16)),
        sa.Column("contact", sa.Text),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.Column("registered_at", sa.DateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "audit_log", _id("audit_id"),
        sa.Column("logged_at", sa.DateTime, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("detail", sa.Text),
        **auto,
    )
    op.create_index("ix_audit_log_time", "audit_log", ["logged_at"])
    op.create_table(
        "import_log", _id("log_id"),
        sa.Column("import_id", sa.Integer),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("new_rows", sa.BigInteger),
        sa.Column("changed_rows", sa.BigInteger),
        sa.Column("unchanged_rows", sa.BigInteger),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("logged_at", sa.DateTime, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("problems", sa.Integer),
        sa.Column("first_problem", sa.Text),
        **auto,
    )
    op.create_index("ix_import_log_kind_time", "import_log", ["kind", "logged_at"])
    op.create_table(
        "legacy_imports",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("summary", sa.Text),
    )


def downgrade() -> None:
    for table in ("legacy_imports", "import_log", "audit_log", "practices", "priority_history", "priorities",
                  "comments", "followup_history", "followups", "meetings"):
        op.drop_table(table)
