"""The fylke's monthly meeting (månedsmøtet / styringsdialog): frozen snapshots, follow-up points, comments.

A meeting is a snapshot (`navdash.snapshot.Snapshot`): opening it computes every office's styringsparametere once
and stores the numbers as JSON with the data version they came from. Everything afterwards (the page, the meeting
pack in `navdash.exports`) reads the stored snapshot, so data published during the meeting changes nothing and a
past meeting reopens as it was.

Follow-up points (oppfølgingspunkter) live outside the snapshot: they are agreed in a meeting, carried to the next
meetings of the fylke until closed, and every change is kept in `followup_history`.

Meetings, follow-up points and comments are written by people, so they live in the application database
(`navdash.appdb`); the numbers are read from the analytic store, which these writes never touch.

Who may do what (the rules are `navdash.access`'s; every write checks them here, with Norwegian messages, so
pages cannot forget it):
* the fylkesleder opens the fylke's meetings, writes follow-up points and comments for units in the fylke;
* the leder of an office updates status and note on their own office's points and answers the comments on the
  office's numbers (a thread under each comment);
* everyone else reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from navdash import access, aggregate, appdb, disclosure, fmt, scorecard, store, units
from navdash.access import User
from navdash.periods import parse_period
from navdash.snapshot import CONCERN, IMPROVEMENT, Figure, OfficeSnapshot, ParameterRow, Snapshot

STATUSES = ("åpen", "pågår", "lukket")
MAX_REPLY = 2000  # characters in one reply to a comment
STATUS_TEXT = {"åpen": "Åpen", "pågår": "Pågår", "lukket": "Lukket"}
VARIATION_SHORT = {
    "common_cause": "Vanlig variasjon",
    IMPROVEMENT: "Forbedring",
    CONCERN: "Bekymring",
    "special_cause_neither": "Særskilt variasjon",
}


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    fylke_id: str
    period: str
    data_version: int
    opened_by: str
    opened_at: datetime
    snapshot_json: str | None = field(default=None, repr=False, compare=False)

    @property
    def snapshot(self) -> Snapshot:
        """The frozen numbers, parsed from the stored JSON (`load_meeting` reads them; `meetings_for` does not)."""
        if self.snapshot_json is None:
            raise ValueError(f"møtet {self.meeting_id} er lest uten tallene; bruk load_meeting")
        return Snapshot.from_json(self.snapshot_json, self.meeting_id)

    @property
    def label(self) -> str:
        return f"{parse_period(self.period).label()} · åpnet {self.opened_at:%d.%m.%Y kl. %H:%M}"


@dataclass(frozen=True)
class Followup:
    followup_id: int
    unit_id: str
    meeting_id: int
    text: str
    responsible: str | None
    due: date | None
    status: str
    created_by: str
    created_at: datetime
    meeting_period: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    followup_id: int
    meeting_id: int | None
    status: str
    note: str | None
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class Reply:
    text: str
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class Comment:
    text: str
    written_by: str
    written_at: datetime
    replies: tuple[Reply, ...] = ()  # the office's answers, oldest first

    def thread(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        """(comment, who and when, the replies as (text, who and when)), for drawing beside the number."""
        return (self.text, f"{self.written_by}, {self.written_at:%d.%m.%Y}",
                tuple((r.text, f"{r.written_by}, {r.written_at:%d.%m.%Y}") for r in self.replies))


# ---------------------------------------------------------------------------------------------------------
# The unit tree
# ---------------------------------------------------------------------------------------------------------


def offices_in_tree_order(con: duckdb.DuckDBPyConnection, fylke_id: str) -> list[tuple[str, str]]:
    """The active offices under the fylke as (id, name), in the unit tree's order, never by results."""
    return [(n.unit_id, n.name) for n in units.leaves_under(fylke_id, units.nodes(con, active_only=True))]


# ---------------------------------------------------------------------------------------------------------
# Permissions (the rules are navdash.access's)
# ---------------------------------------------------------------------------------------------------------


def may_edit_followups(db: Path | str | None, user: User | None, unit_id: str) -> tuple[bool, bool]:
    """(may create and change everything, may change status and note) for the unit's follow-up points."""
    with store.reading(_p(db)) as con:
        parents = units.parents(con)
    full = access.can_write_for(user, unit_id, parents)
    return full, full or access.can_answer(user, unit_id)


def _p(db: Path | str | None) -> Path | None:
    return Path(db) if db is not None else None


# ---------------------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------------------


def _changes(row: ParameterRow, before: ParameterRow | None, previous_label: str | None) -> str:
    """What changed for an office's parameter since the previous meeting, in words."""
    if previous_label is None:
        return "Første møte"
    if before is None:
        return f"Nytt siden {previous_label}"
    parts = []
    if row.variation != before.variation:
        parts.append(f"Signal: {VARIATION_SHORT.get(before.variation or '', 'ingen')} → "
                     f"{VARIATION_SHORT.get(row.variation or '', 'ingen')}")
    if row.status != before.status:
        parts.append(f"Mål: {before.status_text or 'ingen'} → {row.status_text}")
    now, then = row.ytd.value, before.ytd.value
    if now is not None and then is not None:
        parts.append(f"Hittil i år {fmt.change_between(now, then, row.measure)}")
    return "; ".join(parts) if parts else "Uendret"


def build_snapshot(con: duckdb.DuckDBPyConnection, fylke_id: str, period: str,
                   previous: Snapshot | None = None) -> Snapshot:
    """Every office's styringsparametere for the month, with what changed since `previous` (a snapshot)."""
    p = parse_period(period)
    fylke = scorecard.unit_info(con, fylke_id)
    if fylke is None:
        raise ValueError(f"enheten «{fylke_id}» finnes ikke")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    prev_rows: dict[tuple[str, str], ParameterRow] = {}
    previous_label = None
    if previous is not None:
        previous_label = previous.period_label
        prev_rows = {(o.unit_id, r.indicator_id): r for o in previous.offices for r in o.rows}
    offices = []
    deliveries = aggregate.month_deliveries(con)  # read once for every office's month coverage
    for unit_id, name in offices_in_tree_order(con, fylke_id):
        card = scorecard.build(con, unit_id, p, deliveries=deliveries)
        rows = [ParameterRow.of(r) for r in card.steering] if card else []
        rows = [replace(r, changes=_changes(r, prev_rows.get((unit_id, r.indicator_id)), previous_label))
                for r in rows]
        offices.append(OfficeSnapshot(unit_id, name, tuple(rows)))
    return Snapshot(
        fylke_id=fylke_id, fylke_name=fylke.name, period=period, period_label=p.label(),
        data_version=int(meta.get("data_version", 0)), offices=tuple(offices),
        previous_period=previous.period if previous else None,
        previous_meeting_id=previous.meeting_id if previous else None,
        published_at=meta.get("published_at"), demo=meta.get("demo") == "ja", chance_rate=CHANCE_FLAG_RATE)


M, F, FH, C, CR = appdb.meetings, appdb.followups, appdb.followup_history, appdb.comments, appdb.comment_replies


def meeting_for_month(db: Path | str | None, fylke_id: str, period: str) -> int | None:
    """The id of the fylke's meeting for the month, if it has been opened (there is at most one)."""
    with appdb.reading(_p(db)) as conn:
        found = conn.execute(sa.select(M.c.meeting_id).where(M.c.fylke_id == fylke_id, M.c.period == period)).scalar()
    return int(found) if found is not None else None


def open_meeting(db: Path | str | None, user: User, fylke_id: str, period: str) -> int:
    """Compute and freeze the fylke's numbers for the month; returns the meeting's id. A month has one meeting: when
    it is already open (or another user opens it at the same moment), that meeting's id is returned, frozen as it
    was; the database's unique index decides a race."""
    if not access.can_run_meeting(user, fylke_id):
        raise PermissionError("Bare fylkesledelsen i fylket kan åpne fylkets møter.")
    parse_period(period)
    existing = meeting_for_month(db, fylke_id, period)
    if existing is not None:
        return existing
    with appdb.reading(_p(db)) as conn:
        prev = conn.execute(
            sa.select(M.c.meeting_id, M.c.snapshot).where(M.c.fylke_id == fylke_id, M.c.period < period)
            .order_by(M.c.period.desc(), M.c.opened_at.desc(), M.c.meeting_id.desc()).limit(1)).first()
    previous = Snapshot.from_json(prev[1], int(prev[0])) if prev is not None else None
    with store.reading(_p(db)) as con:
        snapshot = build_snapshot(con, fylke_id, period, previous)
    opened_at = datetime.now().replace(microsecond=0)
    snapshot = replace(snapshot, opened_by=user.name, opened_at=opened_at.isoformat())
    try:
        with appdb.writing(_p(db)) as conn:
            meeting_id = appdb.insert_id(conn, M, {
                "fylke_id": fylke_id, "period": period, "data_version": snapshot.data_version,
                "opened_by": user.name, "opened_at": opened_at, "snapshot": snapshot.to_json()})
            appdb.audit(conn, user.name, "åpnet møte", f"{fylke_id} {period}",
                        f"møte {meeting_id}, dataversjon {snapshot.data_version}")
    except sa.exc.IntegrityError:  # opened by someone else between our look and our write: theirs is the meeting
        existing = meeting_for_month(db, fylke_id, period)
        if existing is None:
            raise
        return existing
    return meeting_id


_MEETING_COLUMNS = (M.c.meeting_id, M.c.fylke_id, M.c.period, M.c.data_version, M.c.opened_by, M.c.opened_at)


def _meeting(row: Any) -> Meeting:
    return Meeting(int(row[0]), row[1], row[2], int(row[3]), row[4], row[5], row[6] if len(row) > 6 else None)


def load_meeting(db: Path | str | None, meeting_id: int) -> Meeting | None:
    """The meeting with its stored snapshot (parse it once: `meeting.snapshot` parses on every access)."""
    with appdb.reading(_p(db)) as conn:
        row = conn.execute(sa.select(*_MEETING_COLUMNS, M.c.snapshot).where(M.c.meeting_id == meeting_id)).first()
    return _meeting(row) if row else None


def meetings_for(db: Path | str | None, fylke_id: str) -> list[Meeting]:
    """The fylke's meetings, newest first, without their snapshots (`load_meeting` reads one)."""
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(sa.select(*_MEETING_COLUMNS).where(M.c.fylke_id == fylke_id)
                            .order_by(M.c.opened_at.desc(), M.c.meeting_id.desc())).all()
    return [_meeting(r) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Follow-up points
# ---------------------------------------------------------------------------------------------------------

_FOLLOWUP_SELECT = sa.select(F.c.followup_id, F.c.unit_id, F.c.meeting_id, F.c.text, F.c.responsible, F.c.due,
                             F.c.status, F.c.created_by, F.c.created_at, M.c.period).select_from(
    F.outerjoin(M, F.c.meeting_id == M.c.meeting_id))


def _followup(row: Any) -> Followup:
    return Followup(int(row[0]), row[1], int(row[2]), row[3], row[4], row[5], row[6], row[7], row[8], row[9])


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"ukjent status «{status}»; bruk {', '.join(STATUSES)}")


def _unit_parents(db: Path | str | None) -> dict[str, str | None]:
    with store.reading(_p(db)) as con:
        return units.parents(con)


def add_followup(db: Path | str | None, user: User, unit_id: str, meeting_id: int, text: str,
                 responsible: str | None = None, due: date | None = None) -> int:
    """A new follow-up point for an office, agreed in the meeting; it starts as «åpen»."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Oppfølgingspunktet må ha en tekst.")
    if not access.can_write_for(user, unit_id, _unit_parents(db)):
        raise PermissionError("Bare fylkesledelsen kan skrive oppfølgingspunkter for kontorene i fylket.")
    with appdb.writing(_p(db)) as conn:
        if conn.execute(sa.select(M.c.fylke_id).where(M.c.meeting_id == meeting_id)).first() is None:
            raise ValueError(f"møtet {meeting_id} finnes ikke")
        now = datetime.now()
        followup_id = appdb.insert_id(conn, F, {
            "unit_id": unit_id, "meeting_id": meeting_id, "text": text,
            "responsible": (responsible or "").strip() or None, "due": due, "status": "åpen",
            "created_by": user.name, "created_at": now})
        _history(conn, followup_id, meeting_id, "åpen", "Opprettet", user.name, now)
        appdb.audit(conn, user.name, "nytt oppfølgingspunkt", unit_id, f"punkt {followup_id} i møte {meeting_id}")
    return followup_id


def _history(conn: Connection, followup_id: int, meeting_id: int | None, status: str, note: str | None, who: str,
             at: datetime) -> None:
    conn.execute(FH.insert().values(followup_id=followup_id, meeting_id=meeting_id, status=status, note=note,
                                    changed_by=who, changed_at=at))


def update_followup(db: Path | str | None, user: User, followup_id: int, *, status: str | None = None,
                    note: str | None = None, meeting_id: int | None = None, text: str | None = None,
                    responsible: str | None = None, due: date | None = None) -> None:
    """Change a point. The office's leder may change status and note; the fylkesleder may change everything.
    Every change is written to the history, with the meeting it was made in."""
    if status is not None:
        _check_status(status)
    parents = _unit_parents(db)
    with appdb.writing(_p(db)) as conn:
        row = conn.execute(sa.select(F.c.unit_id, F.c.status).where(F.c.followup_id == followup_id)).first()
        if row is None:
            raise ValueError(f"oppfølgingspunktet {followup_id} finnes ikke")
        unit_id, current = row
        full = access.can_write_for(user, unit_id, parents)
        if not full and not access.can_answer(user, unit_id):
            raise PermissionError("Bare fylkesledelsen og lederen for kontoret kan endre dette oppfølgingspunktet.")
        if not full and (text is not None or responsible is not None or due is not None):
            raise PermissionError("Lederen for kontoret kan bare endre status og notat; "
                                  "tekst, ansvarlig og frist endres av fylkesledelsen.")
        changes: dict[str, Any] = {"status": status or current}
        if full and text is not None:
            if not text.strip():
                raise ValueError("Oppfølgingspunktet må ha en tekst.")
            changes["text"] = text.strip()
        if full and responsible is not None:
            changes["responsible"] = responsible.strip() or None
        if full and due is not None:
            changes["due"] = due
        conn.execute(F.update().where(F.c.followup_id == followup_id).values(**changes))
        _history(conn, followup_id, meeting_id, changes["status"], (note or "").strip() or None, user.name,
                 datetime.now())
        appdb.audit(conn, user.name, "endret oppfølgingspunkt", unit_id,
                    f"punkt {followup_id}: {current} → {changes['status']}")


def followups_created_in(db: Path | str | None, unit_id: str, meeting_id: int) -> list[Followup]:
    return meeting_points(db, meeting_id, unit_id).created


def carried_over(db: Path | str | None, unit_id: str, meeting_id: int) -> list[Followup]:
    """Points for the office from the fylke's earlier meetings that were still open when this meeting was opened.
    A point closed during this meeting is still listed (with its new status); one closed before is not."""
    return meeting_points(db, meeting_id, unit_id).carried


@dataclass(frozen=True)
class MeetingPoints:
    """The follow-up points a meeting deals with: carried over from earlier meetings, then those agreed in it."""

    carried: list[Followup]
    created: list[Followup]

    @property
    def all(self) -> list[Followup]:
        return self.carried + self.created

    def of(self, unit_id: str) -> MeetingPoints:
        return MeetingPoints([p for p in self.carried if p.unit_id == unit_id],
                             [p for p in self.created if p.unit_id == unit_id])

    def open_count(self, unit_id: str) -> int:
        return sum(1 for p in self.all if p.unit_id == unit_id and p.status != "lukket")


def meeting_points(db: Path | str | None, meeting_id: int, unit_id: str | None = None) -> MeetingPoints:
    """Every follow-up point of the meeting, for one office or (unit_id None) for all of them, in one query."""
    with appdb.reading(_p(db)) as conn:
        meeting = conn.execute(sa.select(M.c.fylke_id, M.c.opened_at).where(M.c.meeting_id == meeting_id)).first()
        if meeting is None:
            return MeetingPoints([], [])
        fylke_id, opened_at = meeting
        h, h2 = FH.alias("h"), FH.alias("h2")
        reopened = sa.select(h2.c.history_id).where(
            h2.c.followup_id == h.c.followup_id, h2.c.status != "lukket", h2.c.changed_at > h.c.changed_at,
            h2.c.changed_at < opened_at).exists()
        closed_before = sa.select(h.c.history_id).where(
            h.c.followup_id == F.c.followup_id, h.c.status == "lukket", h.c.changed_at < opened_at,
            ~reopened).exists()
        carried = sa.and_(M.c.fylke_id == fylke_id, F.c.meeting_id != meeting_id, M.c.opened_at <= opened_at,
                          ~closed_before)
        query = _FOLLOWUP_SELECT.where(sa.or_(F.c.meeting_id == meeting_id, carried))
        if unit_id is not None:
            query = query.where(F.c.unit_id == unit_id)
        rows = conn.execute(query.order_by(M.c.opened_at, F.c.followup_id)).all()
    points = [_followup(r) for r in rows]
    return MeetingPoints([p for p in points if p.meeting_id != meeting_id],
                         [p for p in points if p.meeting_id == meeting_id])


def open_followups(db: Path | str | None, unit_ids: list[str]) -> dict[str, list[Followup]]:
    """The points not yet closed for each of the units, oldest meeting first, in one query."""
    out: dict[str, list[Followup]] = {u: [] for u in unit_ids}
    if not unit_ids:
        return out
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(_FOLLOWUP_SELECT.where(F.c.unit_id.in_(unit_ids), F.c.status != "lukket")
                            .order_by(M.c.opened_at, F.c.followup_id)).all()
    for row in rows:
        point = _followup(row)
        out[point.unit_id].append(point)
    return out


def history(db: Path | str | None, followup_id: int) -> list[HistoryEntry]:
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(sa.select(FH.c.followup_id, FH.c.meeting_id, FH.c.status, FH.c.note, FH.c.changed_by,
                                      FH.c.changed_at).where(FH.c.followup_id == followup_id)
                            .order_by(FH.c.changed_at, FH.c.history_id)).all()
    return [HistoryEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Comments
# ---------------------------------------------------------------------------------------------------------


def write_comment(db: Path | str | None, user: User, unit_id: str, indicator_id: str, period: str,
                  text: str) -> None:
    """The fylkesleder's comment on a unit's indicator for a period; an empty text removes the comment.
    One small transaction in the application database: the analytic store and everyone's cached numbers are
    untouched, and the comment shows at once on every page and every app server."""
    parse_period(period)
    if not access.can_write_for(user, unit_id, _unit_parents(db)):
        raise PermissionError("Bare fylkesledelsen kan kommentere resultatene for enhetene i fylket.")
    with appdb.writing(_p(db)) as conn:
        conn.execute(C.delete().where(C.c.unit_id == unit_id, C.c.indicator_id == indicator_id,
                                      C.c.period == period))
        if text.strip():
            conn.execute(C.insert().values(unit_id=unit_id, indicator_id=indicator_id, period=period,
                                           text=text.strip(), written_by=user.name, written_at=datetime.now()))
        appdb.audit(conn, user.name, "kommentar" if text.strip() else "slettet kommentar",
                    f"{unit_id} {indicator_id} {period}")


def answer_comment(db: Path | str | None, user: User, unit_id: str, indicator_id: str, period: str,
                   text: str) -> None:
    """The office's leader answers the fylke's comment on one of the office's numbers; the answers form a thread
    under the comment, oldest first, and are never overwritten."""
    parse_period(period)
    if not access.can_answer_comment(user, unit_id):
        raise PermissionError("Bare lederen for kontoret kan svare på kommentarene til kontorets resultater.")
    if not text.strip():
        raise ValueError("Skriv et svar.")
    if len(text.strip()) > MAX_REPLY:
        raise ValueError(f"Svaret er {len(text.strip())} tegn; høyst {MAX_REPLY} er tillatt.")
    with appdb.writing(_p(db)) as conn:
        exists = conn.execute(sa.select(C.c.text).where(C.c.unit_id == unit_id, C.c.indicator_id == indicator_id,
                                                        C.c.period == period)).first()
        if exists is None:
            raise ValueError("Det finnes ingen kommentar å svare på for denne indikatoren og perioden.")
        conn.execute(CR.insert().values(unit_id=unit_id, indicator_id=indicator_id, period=period, text=text.strip(),
                                        written_by=user.name, written_at=datetime.now()))
        appdb.audit(conn, user.name, "svar på kommentar", f"{unit_id} {indicator_id} {period}")


def comments_for(db: Path | str | None, unit_id: str, period: str) -> dict[str, Comment]:
    """The comments on a unit's indicators for a period, by indicator, each with the office's replies. Whoever may
    see the målekort may read them."""
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(sa.select(C.c.indicator_id, C.c.text, C.c.written_by, C.c.written_at)
                            .where(C.c.unit_id == unit_id, C.c.period == period)).all()
        replies = conn.execute(sa.select(CR.c.indicator_id, CR.c.text, CR.c.written_by, CR.c.written_at)
                               .where(CR.c.unit_id == unit_id, CR.c.period == period)
                               .order_by(CR.c.written_at, CR.c.reply_id)).all()
    thread: dict[str, list[Reply]] = {}
    for r in replies:
        thread.setdefault(r[0], []).append(Reply(r[1], r[2], r[3]))
    return {r[0]: Comment(r[1], r[2], r[3], tuple(thread.get(r[0], ()))) for r in rows}


def comments_by_unit(db: Path | str | None, unit_ids: list[str], period: str) -> dict[str, dict[str, Comment]]:
    """`comments_for` for many units in one query: {unit: {indicator: comment}}."""
    out: dict[str, dict[str, Comment]] = {u: {} for u in unit_ids}
    if not unit_ids:
        return out
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(sa.select(C.c.unit_id, C.c.indicator_id, C.c.text, C.c.written_by, C.c.written_at)
                            .where(C.c.unit_id.in_(unit_ids), C.c.period == period)).all()
    for unit_id, indicator_id, text, who, at in rows:
        out[unit_id][indicator_id] = Comment(text, who, at)
    return out


# ---------------------------------------------------------------------------------------------------------
# What a viewer may see of a snapshot
# ---------------------------------------------------------------------------------------------------------

_WITHHELD = Figure(withheld=True)


def protected(snapshot: Snapshot, mask: disclosure.Mask) -> Snapshot:
    """The snapshot as the mask's viewer may see it: figures about fewer than 5 people (and those hidden to protect
    them) become "færre enn 5", and so do the status, signal and change text derived from them. The page and the
    meeting pack show only this; the stored snapshot stays whole for those cleared to see it."""
    period = parse_period(snapshot.period)
    offices = []
    for office in snapshot.offices:
        unit_id, rows = office.unit_id, []
        for r in office.rows:
            this = scorecard._period_of_kind(period, r.kind)
            ytd = aggregate.year_to_date_periods(period if r.kind != "Y" else this, r.kind) or [this]
            window = [period.shift(-i) for i in range(scorecard.SPC_WINDOW)] if r.kind == "M" else [this]
            sets = {"this_period": [this], "last_period": [this.same_period_last_year()], "ytd": ytd,
                    "ytd_last": aggregate.same_periods_last_year(ytd)}
            hidden = {key: replace(_WITHHELD, periods=getattr(r, key).periods) for key, periods in sets.items()
                      if mask.hides(unit_id, r.indicator_id, periods)}
            row = replace(r, **hidden)
            if row.ytd.withheld or row.ytd_last.withheld:
                row = replace(row, status="ukjent", status_text="Kan ikke vises",
                              status_reason=disclosure.WITHHELD_REASON, changes="Kan ikke vises")
            if mask.hides(unit_id, r.indicator_id, window):  # the signal's limits use every month in the window
                row = replace(row, variation=None, variation_text="Kan ikke vises",
                              signal_reason=disclosure.WITHHELD_REASON, changes="Kan ikke vises")
            rows.append(row)
        offices.append(replace(office, rows=tuple(rows)))
    return snapshot.with_offices(offices)


# ---------------------------------------------------------------------------------------------------------
# Multiplicity: how many special-cause flags chance alone gives among the signals shown
# ---------------------------------------------------------------------------------------------------------

CHANCE_FLAG_RATE = 0.017
"""Per-signal false-alarm rate: the share of stable processes (36 independent, normally distributed monthly points,
the målekort's window, no change at all) whose last point the målekort's XmR rules flag as special cause, in either
direction. Measured by simulating 20 000 such series through `spc.analyse` (seed 20221201: 1,74 %, standard error
0,09 pp; with the earlier 24-month window it was 1,71 %); tests/test_meetings.py re-simulates it, so a change to the
rules that moves the rate fails the test."""
CHANCE_FLAG_SOURCE = ("simulert: 20 000 stabile serier på 36 måneder uten noen endring, analysert med de samme "
                      "reglene som målekortet")


@dataclass(frozen=True)
class ChanceFlags:
    """The special-cause flags in a meeting, beside the number chance alone would give."""

    signals: int  # rows with a variation verdict (not "for få datapunkter" or incomplete)
    flagged: int  # of them special cause in either direction
    concern: int
    expected: float  # flags expected by chance alone if nothing had changed anywhere
    low: int  # 95 % of months without any change give between low and high flags
    high: int
    rate: float = CHANCE_FLAG_RATE

    @property
    def text(self) -> str:
        rate = fmt.percent(100 * self.rate, 1)
        return (f"Møtet viser {fmt.number(self.signals)} signaler. Selv om ingenting hadde endret seg, ville "
                f"omtrent {fmt.number(self.expected)} av dem (mellom {self.low} og {self.high}) vise særskilt "
                f"variasjon bare ved tilfeldighet: hvert signal har omtrent {rate} sjanse for falsk alarm "
                f"({CHANCE_FLAG_SOURCE}). Nå viser {fmt.number(self.flagged)} signaler særskilt variasjon, "
                f"{fmt.number(self.concern)} av dem bekymring. Se etter mønstre og store avvik før enkeltflagg.")


def _binomial_quantile(n: int, p: float, q: float) -> int:
    """The smallest k with P(X <= k) >= q for X ~ Binomial(n, p)."""
    if n <= 0:
        return 0
    total = 0.0
    for k in range(n + 1):
        log_pmf = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                   + k * math.log(p) + (n - k) * math.log1p(-p))
        total += math.exp(log_pmf)
        if total >= q:
            return k
    return n


def chance_flags(snapshot: Snapshot, rate: float | None = None) -> ChanceFlags:
    """Count the signals and special-cause flags in a meeting's snapshot, and what chance alone would give.

    The counts come from the frozen rows; the rate is the one frozen with the meeting (``Snapshot.chance_rate``),
    so a later change of the rules does not rewrite a past meeting's statement.  Older snapshots without it, and
    an explicit ``rate``, use that rate instead."""
    if rate is None:
        rate = getattr(snapshot, "chance_rate", None) or CHANCE_FLAG_RATE
    variations = [r.variation for o in snapshot.offices for r in o.rows if r.variation]
    flagged = sum(1 for v in variations if v != "common_cause")
    concern = sum(1 for v in variations if v == CONCERN)
    n = len(variations)
    return ChanceFlags(n, flagged, concern, n * rate, _binomial_quantile(n, rate, 0.025),
                       _binomial_quantile(n, rate, 0.975), rate)
