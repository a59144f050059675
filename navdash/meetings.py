"""The fylke's monthly meeting (månedsmøtet / styringsdialog): frozen snapshots, follow-up points, comments, export.

A meeting is a snapshot: opening it computes every office's styringsparametere once and stores the numbers as JSON
with the data version they came from. Everything afterwards (the page, the Excel file, the printable page) reads
the stored snapshot, so data published during the meeting changes nothing and a past meeting reopens as it was.

Follow-up points (oppfølgingspunkter) live outside the snapshot: they are agreed in a meeting, carried to the next
meetings of the fylke until closed, and every change is kept in `followup_history`.

Meetings, follow-up points and comments are written by people, so they live in the application database
(`navdash.appdb`); the numbers are read from the analytic store, which these writes never touch.

Who may do what (checked here, with Norwegian messages, so pages cannot forget it):
* the fylkesleder opens the fylke's meetings, writes follow-up points and comments for units in the fylke;
* the leder of an office updates status and note on their own office's points;
* everyone else reads.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from navdash import aggregate, appdb, disclosure, fmt, scorecard, store
from navdash.access import User
from navdash.periods import parse_period
from navdash.text import escape, spreadsheet_cell

STATUSES = ("åpen", "pågår", "lukket")
STATUS_TEXT = {"åpen": "Åpen", "pågår": "Pågår", "lukket": "Lukket"}
CONCERN = "special_cause_concern"
IMPROVEMENT = "special_cause_improvement"
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
    snapshot: dict[str, Any]

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
class Comment:
    text: str
    written_by: str
    written_at: datetime


# ---------------------------------------------------------------------------------------------------------
# The unit tree
# ---------------------------------------------------------------------------------------------------------


def _parents(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(con.execute("SELECT unit_id, parent_id FROM units").fetchall())


def _is_under(unit_id: str, ancestor: str, parents: dict[str, str | None]) -> bool:
    """Is `unit_id` the unit `ancestor` or somewhere below it?"""
    current: str | None = unit_id
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def offices_in_tree_order(con: duckdb.DuckDBPyConnection, fylke_id: str) -> list[tuple[str, str]]:
    """The active offices under the fylke as (id, name), in the unit tree's order (by name), never by results."""
    rows = con.execute(
        """SELECT unit_id, name, type, parent_id FROM units WHERE valid_to IS NULL ORDER BY name, unit_id"""
    ).fetchall()
    names = {unit_id: name for unit_id, name, _type, _parent in rows}
    children: dict[str | None, list[str]] = {}
    for unit_id, _name, _type, parent in rows:
        children.setdefault(parent, []).append(unit_id)
    out: list[tuple[str, str]] = []

    def walk(unit: str, depth: int) -> None:
        kids = children.get(unit, [])
        if not kids and depth > 0:
            out.append((unit, names[unit]))
        for child in kids:
            walk(child, depth + 1)

    walk(fylke_id, 0)
    return out


# ---------------------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------------------


def can_run_meeting(user: User | None, fylke_id: str) -> bool:
    return user is not None and user.role == "fylkesleder" and user.unit_id == fylke_id


def can_write_for(user: User | None, unit_id: str, parents: dict[str, str | None]) -> bool:
    """The fylkesleder writes follow-up points and comments for the fylke and every unit under it."""
    return user is not None and user.role == "fylkesleder" and _is_under(unit_id, user.unit_id, parents)


def can_answer(user: User | None, unit_id: str) -> bool:
    """The office's own leder answers its follow-up points (status and note)."""
    return user is not None and user.role == "leder" and user.unit_id == unit_id


def may_edit_followups(db: Path | str | None, user: User | None, unit_id: str) -> tuple[bool, bool]:
    """(may create and change everything, may change status and note) for the unit's follow-up points."""
    with store.reading(_p(db)) as con:
        parents = _parents(con)
    full = can_write_for(user, unit_id, parents)
    return full, full or can_answer(user, unit_id)


def _p(db: Path | str | None) -> Path | None:
    return Path(db) if db is not None else None


# ---------------------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------------------


def _combined(c: Any) -> dict[str, Any]:
    return {"value": c.value, "numerator": c.numerator, "denominator": c.denominator, "periods": c.periods}


def _row_snapshot(row: scorecard.Row) -> dict[str, Any]:
    signal, status = row.signal, row.status
    target = row.targets[0] if row.targets else None
    return {
        "indicator_id": row.indicator_id,
        "name": row.name,
        "perspective": row.perspective,
        "measure": row.measure,
        "kind": row.kind,
        "period_label": row.period_label,
        "this_period": _combined(row.this_period),
        "last_period": _combined(row.last_period),
        "ytd": _combined(row.ytd),
        "ytd_last": _combined(row.ytd_last),
        "variation": signal.variation if signal and not signal.too_few_points else None,
        "variation_text": signal.variation_text if signal else "Ikke månedstall",
        "signal_reason": signal.reason if signal else "Indikatoren har ikke månedstall, så den har ikke signal.",
        "status": status.status if status else None,
        "status_text": status.text if status else "Ingen resultatkrav",
        "status_reason": status.reason if status else "",
        "target_text": target.text if target else "",
    }


def _changes(row: dict[str, Any], before: dict[str, Any] | None, previous_label: str | None) -> str:
    """What changed for an office's parameter since the previous meeting, in words."""
    if previous_label is None:
        return "Første møte"
    if before is None:
        return f"Nytt siden {previous_label}"
    parts = []
    if row["variation"] != before.get("variation"):
        parts.append(f"Signal: {VARIATION_SHORT.get(before.get('variation') or '', 'ingen')} → "
                     f"{VARIATION_SHORT.get(row['variation'] or '', 'ingen')}")
    if row["status"] != before.get("status"):
        parts.append(f"Mål: {before.get('status_text') or 'ingen'} → {row['status_text']}")
    now, then = row["ytd"]["value"], (before.get("ytd") or {}).get("value")
    if now is not None and then is not None:
        parts.append(f"Hittil i år {fmt.measure_change(now - then, row['measure'])}")
    return "; ".join(parts) if parts else "Uendret"


def build_snapshot(con: duckdb.DuckDBPyConnection, fylke_id: str, period: str,
                   previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every office's styringsparametere for the month, with what changed since `previous` (a snapshot)."""
    p = parse_period(period)
    fylke = scorecard.unit_info(con, fylke_id)
    if fylke is None:
        raise ValueError(f"enheten «{fylke_id}» finnes ikke")
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    version = int(row[0]) if row else 0
    prev_rows: dict[tuple[str, str], dict[str, Any]] = {}
    previous_label = None
    if previous is not None:
        previous_label = previous["period_label"]
        for office in previous["offices"]:
            for r in office["rows"]:
                prev_rows[(office["unit_id"], r["indicator_id"])] = r
    offices = []
    for unit_id, name in offices_in_tree_order(con, fylke_id):
        card = scorecard.build(con, unit_id, p)
        rows = [_row_snapshot(r) for r in card.steering] if card else []
        for r in rows:
            r["changes"] = _changes(r, prev_rows.get((unit_id, r["indicator_id"])), previous_label)
        offices.append({"unit_id": unit_id, "name": name, "rows": rows,
                        "concern": any(r["variation"] == CONCERN for r in rows)})
    snapshot = {
        "fylke_id": fylke_id,
        "fylke_name": fylke.name,
        "period": period,
        "period_label": p.label(),
        "data_version": version,
        "previous_period": previous["period"] if previous else None,
        "previous_meeting_id": previous.get("meeting_id") if previous else None,
        "offices": offices,
    }
    # Frozen with the rest: a later change of the rules or of the chance rate does not rewrite a past meeting.
    snapshot["chance_flags"] = asdict(chance_flags(snapshot))
    return snapshot


M, F, FH, C = appdb.meetings, appdb.followups, appdb.followup_history, appdb.comments


def open_meeting(db: Path | str | None, user: User, fylke_id: str, period: str) -> int:
    """Compute and freeze the fylke's numbers for the month; returns the new meeting's id."""
    if not can_run_meeting(user, fylke_id):
        raise PermissionError("Bare fylkesledelsen i fylket kan åpne fylkets møter.")
    parse_period(period)
    with appdb.reading(_p(db)) as conn:
        prev = conn.execute(
            sa.select(M.c.meeting_id, M.c.snapshot).where(M.c.fylke_id == fylke_id, M.c.period < period)
            .order_by(M.c.period.desc(), M.c.opened_at.desc(), M.c.meeting_id.desc()).limit(1)).first()
    previous = {**json.loads(prev[1]), "meeting_id": prev[0]} if prev is not None else None
    with store.reading(_p(db)) as con:
        snapshot = build_snapshot(con, fylke_id, period, previous)
    opened_at = datetime.now().replace(microsecond=0)
    snapshot["opened_by"] = user.name
    snapshot["opened_at"] = opened_at.isoformat()
    with appdb.writing(_p(db)) as conn:
        meeting_id = appdb.insert_id(conn, M, {
            "fylke_id": fylke_id, "period": period, "data_version": snapshot["data_version"], "opened_by": user.name,
            "opened_at": opened_at, "snapshot": json.dumps(snapshot)})
        appdb.audit(conn, user.name, "åpnet møte", f"{fylke_id} {period}",
                    f"møte {meeting_id}, dataversjon {snapshot['data_version']}")
    return meeting_id


_MEETING_COLUMNS = (M.c.meeting_id, M.c.fylke_id, M.c.period, M.c.data_version, M.c.opened_by, M.c.opened_at,
                    M.c.snapshot)


def _meeting(row: Any) -> Meeting:
    snapshot = json.loads(row[6]) if isinstance(row[6], str) else row[6]
    snapshot["meeting_id"] = int(row[0])
    return Meeting(int(row[0]), row[1], row[2], int(row[3]), row[4], row[5], snapshot)


def load_meeting(db: Path | str | None, meeting_id: int) -> Meeting | None:
    with appdb.reading(_p(db)) as conn:
        row = conn.execute(sa.select(*_MEETING_COLUMNS).where(M.c.meeting_id == meeting_id)).first()
    return _meeting(row) if row else None


def meetings_for(db: Path | str | None, fylke_id: str) -> list[Meeting]:
    """The fylke's meetings, newest first."""
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
        return _parents(con)


def add_followup(db: Path | str | None, user: User, unit_id: str, meeting_id: int, text: str,
                 responsible: str | None = None, due: date | None = None) -> int:
    """A new follow-up point for an office, agreed in the meeting; it starts as «åpen»."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Oppfølgingspunktet må ha en tekst.")
    if not can_write_for(user, unit_id, _unit_parents(db)):
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
        full = can_write_for(user, unit_id, parents)
        if not full and not can_answer(user, unit_id):
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
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(_FOLLOWUP_SELECT.where(F.c.unit_id == unit_id, F.c.meeting_id == meeting_id)
                            .order_by(F.c.followup_id)).all()
    return [_followup(r) for r in rows]


def carried_over(db: Path | str | None, unit_id: str, meeting_id: int) -> list[Followup]:
    """Points for the office from the fylke's earlier meetings that were still open when this meeting was opened.
    A point closed during this meeting is still listed (with its new status); one closed before is not."""
    with appdb.reading(_p(db)) as conn:
        meeting = conn.execute(sa.select(M.c.fylke_id, M.c.opened_at).where(M.c.meeting_id == meeting_id)).first()
        if meeting is None:
            return []
        fylke_id, opened_at = meeting
        h, h2 = FH.alias("h"), FH.alias("h2")
        reopened = sa.select(h2.c.history_id).where(
            h2.c.followup_id == h.c.followup_id, h2.c.status != "lukket", h2.c.changed_at > h.c.changed_at,
            h2.c.changed_at < opened_at).exists()
        closed_before = sa.select(h.c.history_id).where(
            h.c.followup_id == F.c.followup_id, h.c.status == "lukket", h.c.changed_at < opened_at,
            ~reopened).exists()
        rows = conn.execute(_FOLLOWUP_SELECT.where(
            F.c.unit_id == unit_id, M.c.fylke_id == fylke_id, F.c.meeting_id != meeting_id,
            M.c.opened_at <= opened_at, ~closed_before).order_by(M.c.opened_at, F.c.followup_id)).all()
    return [_followup(r) for r in rows]


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
    if not can_write_for(user, unit_id, _unit_parents(db)):
        raise PermissionError("Bare fylkesledelsen kan kommentere resultatene for enhetene i fylket.")
    with appdb.writing(_p(db)) as conn:
        conn.execute(C.delete().where(C.c.unit_id == unit_id, C.c.indicator_id == indicator_id,
                                      C.c.period == period))
        if text.strip():
            conn.execute(C.insert().values(unit_id=unit_id, indicator_id=indicator_id, period=period,
                                           text=text.strip(), written_by=user.name, written_at=datetime.now()))
        appdb.audit(conn, user.name, "kommentar" if text.strip() else "slettet kommentar",
                    f"{unit_id} {indicator_id} {period}")


def comments_for(db: Path | str | None, unit_id: str, period: str) -> dict[str, Comment]:
    """The comments on a unit's indicators for a period, by indicator. Whoever may see the målekort may read them."""
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(sa.select(C.c.indicator_id, C.c.text, C.c.written_by, C.c.written_at)
                            .where(C.c.unit_id == unit_id, C.c.period == period)).all()
    return {r[0]: Comment(r[1], r[2], r[3]) for r in rows}


# ---------------------------------------------------------------------------------------------------------
# Export: the meeting pack
# ---------------------------------------------------------------------------------------------------------


def protected(snapshot: dict[str, Any], mask: disclosure.Mask) -> dict[str, Any]:
    """The snapshot as the mask's viewer may see it: figures about fewer than 5 people (and those hidden to protect
    them) become "færre enn 5", and so do the status, signal and change text derived from them. The page and the
    meeting pack show only this; the stored snapshot stays whole for those cleared to see it."""
    period = parse_period(snapshot["period"])
    out = {**snapshot, "offices": []}
    for office in snapshot["offices"]:
        unit_id, rows = office["unit_id"], []
        for r in office["rows"]:
            this = scorecard._period_of_kind(period, r["kind"])
            ytd = aggregate.year_to_date_periods(period if r["kind"] != "Y" else this, r["kind"]) or [this]
            window = [period.shift(-i) for i in range(scorecard.SPC_WINDOW)] if r["kind"] == "M" else [this]
            sets = {"this_period": [this], "last_period": [this.same_period_last_year()], "ytd": ytd,
                    "ytd_last": aggregate.same_periods_last_year(ytd)}
            row = dict(r)
            for key, periods in sets.items():
                shown = disclosure.gate(mask, unit_id, r["indicator_id"], periods, aggregate.Combined(
                    r[key]["value"], r[key]["numerator"], r[key]["denominator"], r[key].get("periods", 0)))
                if disclosure.is_withheld(shown):
                    row[key] = {"value": None, "numerator": None, "denominator": None, "periods": shown.periods,
                                "withheld": True}
            if row["ytd"].get("withheld") or row["ytd_last"].get("withheld"):
                row.update(status="ukjent", status_text="Kan ikke vises", status_reason=disclosure.WITHHELD_REASON,
                           changes="Kan ikke vises")
            if mask.hides(unit_id, r["indicator_id"], window):  # the signal's limits use every month in the window
                row.update(variation=None, variation_text="Kan ikke vises", signal_reason=disclosure.WITHHELD_REASON,
                           changes="Kan ikke vises")
            rows.append(row)
        out["offices"].append({**office, "rows": rows, "concern": any(x["variation"] == CONCERN for x in rows)})
    return out


def figure(c: dict[str, Any], key: str = "value") -> Any:
    """A snapshot figure for a table or the pack: the number, or "færre enn 5" when withheld."""
    return disclosure.WITHHELD_TEXT if c.get("withheld") else c[key]


def figure_text(c: dict[str, Any], measure: str) -> str:
    return disclosure.WITHHELD_TEXT if c.get("withheld") else fmt.measure_value(c["value"], measure)


# ---------------------------------------------------------------------------------------------------------
# Multiplicity: how many special-cause flags chance alone gives among the signals shown
# ---------------------------------------------------------------------------------------------------------

CHANCE_FLAG_RATE = 0.017
"""Per-signal false-alarm rate: the share of stable processes (24 independent, normally distributed monthly points,
no change at all) whose last point the målekort's XmR rules flag as special cause, in either direction. Measured
by simulating 20 000 such series through `spc.analyse` (seed 20221201: 1,71 %, standard error 0,09 pp);
tests/test_meetings.py re-simulates it, so a change to the rules that moves the rate fails the test."""
CHANCE_FLAG_SOURCE = ("simulert: 20 000 stabile serier på 24 måneder uten noen endring, analysert med de samme "
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


def chance_flags(snapshot: dict[str, Any], rate: float | None = None) -> ChanceFlags:
    """Count the signals and special-cause flags in a meeting's snapshot, and what chance alone would give.

    A snapshot frozen with its own statement (``chance_flags``, stored when the meeting was opened) shows that
    one, so a frozen meeting keeps the rate it was opened with; without it, or with an explicit ``rate``, it is
    counted here."""
    stored = snapshot.get("chance_flags")
    if rate is None and isinstance(stored, dict):
        return ChanceFlags(**stored)
    rate = CHANCE_FLAG_RATE if rate is None else rate
    variations = [r["variation"] for o in snapshot["offices"] for r in o["rows"] if r.get("variation")]
    flagged = sum(1 for v in variations if v != "common_cause")
    concern = sum(1 for v in variations if v == CONCERN)
    n = len(variations)
    return ChanceFlags(n, flagged, concern, n * rate, _binomial_quantile(n, rate, 0.025),
                       _binomial_quantile(n, rate, 0.975), rate)


def stamp(snapshot: dict[str, Any]) -> str:
    """Data version and time, printed on every sheet and page of the pack."""
    try:
        opened = f"{datetime.fromisoformat(snapshot.get('opened_at', '')):%d.%m.%Y kl. %H:%M}"
    except ValueError:
        opened = "ukjent tid"
    return f"Dataversjon {snapshot['data_version']} · møtet åpnet {opened}"


def title(snapshot: dict[str, Any]) -> str:
    return f"Månedsmøtet {snapshot['fylke_id']} {snapshot['fylke_name']} – {snapshot['period_label']}"


EXPORT_COLUMNS = ("Enhet", "Kontor", "MK ID", "Styringsparameter", "Denne perioden", "Teller", "Nevner",
                  "Samme periode i fjor", "Hittil i år", "Hittil i fjor", "Signal", "Resultatkrav", "Status",
                  "Endret siden forrige møte")


def export_rows(snapshot: dict[str, Any]) -> list[list[Any]]:
    """One row per office and styringsparameter, in the snapshot's (tree) order; values unrounded."""
    out = []
    for office in snapshot["offices"]:
        for r in office["rows"]:
            out.append([office["unit_id"], office["name"], r["indicator_id"], r["name"], figure(r["this_period"]),
                        figure(r["this_period"], "numerator"), figure(r["this_period"], "denominator"),
                        figure(r["last_period"]), figure(r["ytd"]), figure(r["ytd_last"]), r["variation_text"],
                        r["target_text"],
                        r["status_text"], r.get("changes", "")])
    return out


def export_xlsx(snapshot: dict[str, Any]) -> bytes:
    """The meeting pack as an Excel workbook: an overview per office and every number, each sheet stamped."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def put(sheet: Any, row: list[Any]) -> None:  # every cell through the formula guard; numbers stay numbers
        sheet.append([spreadsheet_cell(v) for v in row])

    wb = Workbook()
    overview = wb.active
    overview.title = "Oversikt"
    numbers = wb.create_sheet("Tall")
    for sheet in (overview, numbers):
        put(sheet, [title(snapshot)])
        put(sheet, [stamp(snapshot)])
        put(sheet, [])
        sheet["A1"].font = Font(bold=True, size=13)
    put(overview, ["Enhet", "Kontor", "Særskilt variasjon – bekymring", "Særskilt variasjon – forbedring",
                   "Ikke oppfylt hittil i år"])
    for office in snapshot["offices"]:
        rows = office["rows"]
        put(overview, [office["unit_id"], office["name"],
                       ", ".join(r["indicator_id"] for r in rows if r["variation"] == CONCERN),
                       ", ".join(r["indicator_id"] for r in rows if r["variation"] == IMPROVEMENT),
                       ", ".join(r["indicator_id"] for r in rows if r["status"] == "ikke_oppfylt")])
    put(numbers, list(EXPORT_COLUMNS))
    for row in export_rows(snapshot):
        put(numbers, row)
    for sheet in (overview, numbers):
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A5"
        sheet.oddFooter.center.text = stamp(snapshot)
        for col in ("A", "B", "C", "D"):
            sheet.column_dimensions[col].width = 14 if col in ("A", "C") else 30
    for row in numbers.iter_rows(min_row=5, min_col=5, max_col=10):
        for cell in row:
            cell.number_format = "0.0"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


PRINT_CSS = """
body {font-family: "Source Sans Pro", Arial, sans-serif; color: #23262A; margin: 1.5rem; font-size: 11pt;}
h1 {font-size: 16pt; margin: 0 0 0.2rem;} h2 {font-size: 13pt; margin: 1.2rem 0 0.3rem;}
.stamp {color: #4f4f4f; font-size: 9pt;}
table {border-collapse: collapse; width: 100%; font-size: 9pt;}
th, td {border-bottom: 1px solid #c8c8c8; padding: 2pt 4pt; text-align: left; vertical-align: top;}
th {background: #f1f1f1;} td.num {text-align: right; white-space: nowrap;}
section {page-break-inside: avoid; break-inside: avoid;}
.concern {font-weight: 600;}
@media print {
  body {margin: 0;}
  .stamp.running {position: fixed; bottom: 0; left: 0; right: 0; text-align: right;}
  thead {display: table-header-group;}
}
@page {size: A4 landscape; margin: 12mm 10mm 16mm;}
"""


def export_html(snapshot: dict[str, Any]) -> str:
    """A print-ready page of the pack (print to PDF from the browser); the stamp repeats at the foot of every page."""
    e = escape
    parts = [f"<!DOCTYPE html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>{e(title(snapshot))}</title>"
             f"<style>{PRINT_CSS}</style></head><body>",
             f"<h1>{e(title(snapshot))}</h1><p class=\"stamp\">{e(stamp(snapshot))}</p>",
             f"<p class=\"stamp running\" aria-hidden=\"true\">{e(stamp(snapshot))}</p>"]
    for office in snapshot["offices"]:
        parts.append(f"<section><h2>{e(office['unit_id'])} {e(office['name'])}</h2><table><thead><tr>"
                     "<th>MK ID</th><th>Styringsparameter</th><th>Denne perioden</th><th>Hittil i år</th>"
                     "<th>Hittil i fjor</th><th>Signal</th><th>Mål</th><th>Endret siden forrige møte</th>"
                     "</tr></thead><tbody>")
        for r in office["rows"]:
            concern = ' class="concern"' if r["variation"] == CONCERN else ""
            parts.append(
                f"<tr><td>{e(r['indicator_id'])}</td><td>{e(r['name'])}</td>"
                f"<td class=\"num\">{e(figure_text(r['this_period'], r['measure']))}</td>"
                f"<td class=\"num\">{e(figure_text(r['ytd'], r['measure']))}</td>"
                f"<td class=\"num\">{e(figure_text(r['ytd_last'], r['measure']))}</td>"
                f"<td{concern}>{e(r['variation_text'])}</td>"
                f"<td>{e(r['target_text'])}<br>{e(r['status_text'])}</td><td>{e(r.get('changes', ''))}</td></tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "".join(parts)
