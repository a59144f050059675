"""One meeting per fylke and month: a month opened twice (two clicks, two users at once) is one meeting.

Meetings already opened twice for the same fylke and month are merged into the first one opened: follow-up points
and their history move to it, and the later copies are removed. Then a unique index makes the database refuse a
second meeting for the month, whichever server the click came through.

Revision ID: 0004_meeting_unique
Revises: 0003_dialogue
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_meeting_unique"
down_revision = "0003_dialogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT meeting_id, fylke_id, period FROM meetings ORDER BY opened_at, meeting_id")).fetchall()
    first: dict[tuple[str, str], int] = {}
    for meeting_id, fylke_id, period in rows:
        keep = first.setdefault((fylke_id, period), meeting_id)
        if keep == meeting_id:
            continue
        for table in ("followups", "followup_history"):
            conn.execute(sa.text(f"UPDATE {table} SET meeting_id = :keep WHERE meeting_id = :gone"),
                         {"keep": keep, "gone": meeting_id})
        conn.execute(sa.text("DELETE FROM meetings WHERE meeting_id = :gone"), {"gone": meeting_id})
    op.create_index("uq_meetings_fylke_period", "meetings", ["fylke_id", "period"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_meetings_fylke_period", table_name="meetings")
