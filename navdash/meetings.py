"""The fylke's monthly meeting (månedsmøtet / styringsdialog): frozen snapshots, follow-up points, comments, export.

A meeting is a snapshot: opening it computes every office's styringsparametere once and stores the numbers as JSON
with the data version they came from. Everything afterwards (the page, the Excel file, the printable page) reads
the stored snapshot, so data published during the meeting changes nothing and a past meeting reopens as it was.

Follow-up points (oppfølgingspunkter) live outside the snapshot: they are agreed in a meeting, carried to the next
meetings of the fylke until closed, and every change is kept in `followup_history`.

Who may do what (checked here, with Norwegian messages, so pages cannot forget it):
* the fylkesleder opens the fylke's meetings, writes follow-up points and comments for units in the fylke;
* the leder of an office updates status and note on their own office's points;
* everyone else reads.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from navdash import aggregate, disclosure, fmt, scorecard, store
from navdash.access import User
from navdash.periods import parse_period

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
    return {
        "fylke_id": fylke_id,
        "fylke_name": fylke.name,
        "period": period,
        "period_label": p.label(),
        "data_version": version,
        "previous_period": previous["period"] if previous else None,
        "previous_meeting_id": previous.get("meeting_id") if previous else None,
        "offices": offices,
    }


def open_meeting(db: Path | str | None, user: User, fylke_id: str, period: str) -> int:
    """Compute and freeze the fylke's numbers for the month; returns the new meeting's id."""
    if not can_run_meeting(user, fylke_id):
        raise PermissionError("Bare fylkesledelsen i fylket kan åpne fylkets møter.")
    parse_period(period)
    with store.writing(_p(db), who=user.name) as con:
        prev = con.execute(
            """SELECT meeting_id, snapshot FROM meetings WHERE fylke_id = ? AND period < ?
               ORDER BY period DESC, opened_at DESC, meeting_id DESC LIMIT 1""", [fylke_id, period]
        ).fetchone()
        previous = None
        if prev is not None:
            previous = {**json.loads(prev[1]), "meeting_id": prev[0]}
        snapshot = build_snapshot(con, fylke_id, period, previous)
        opened_at = datetime.now().replace(microsecond=0)
        snapshot["opened_by"] = user.name
        snapshot["opened_at"] = opened_at.isoformat()
        meeting_id = con.execute(
            """INSERT INTO meetings (fylke_id, period, data_version, opened_by, opened_at, snapshot)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING meeting_id""",
            [fylke_id, period, snapshot["data_version"], user.name, opened_at, json.dumps(snapshot)],
        ).fetchone()[0]
        store.audit(con, user.name, "åpnet møte", f"{fylke_id} {period}",
                    f"møte {meeting_id}, dataversjon {snapshot['data_version']}")
    return int(meeting_id)


def _meeting(row: tuple) -> Meeting:
    snapshot = json.loads(row[6]) if isinstance(row[6], str) else row[6]
    snapshot["meeting_id"] = int(row[0])
    return Meeting(int(row[0]), row[1], row[2], int(row[3]), row[4], row[5], snapshot)


def load_meeting(db: Path | str | None, meeting_id: int) -> Meeting | None:
    with store.reading(_p(db)) as con:
        row = con.execute(
            """SELECT meeting_id, fylke_id, period, data_version, opened_by, opened_at, snapshot
               FROM meetings WHERE meeting_id = ?""", [meeting_id]
        ).fetchone()
    return _meeting(row) if row else None


def meetings_for(db: Path | str | None, fylke_id: str) -> list[Meeting]:
    """The fylke's meetings, newest first."""
    with store.reading(_p(db)) as con:
        rows = con.execute(
            """SELECT meeting_id, fylke_id, period, data_version, opened_by, opened_at, snapshot
               FROM meetings WHERE fylke_id = ? ORDER BY opened_at DESC, meeting_id DESC""", [fylke_id]
        ).fetchall()
    return [_meeting(r) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Follow-up points
# ---------------------------------------------------------------------------------------------------------

_FOLLOWUP_SQL = """SELECT f.followup_id, f.unit_id, f.meeting_id, f.text, f.responsible, f.due, f.status,
                          f.created_by, f.created_at, m.period
                   FROM followups f LEFT JOIN meetings m USING (meeting_id)"""


def _followup(row: tuple) -> Followup:
    return Followup(int(row[0]), row[1], int(row[2]), row[3], row[4], row[5], row[6], row[7], row[8], row[9])


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"ukjent status «{status}»; bruk {', '.join(STATUSES)}")


def add_followup(db: Path | str | None, user: User, unit_id: str, meeting_id: int, text: str,
                 responsible: str | None = None, due: date | None = None) -> int:
    """A new follow-up point for an office, agreed in the meeting; it starts as «åpen»."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Oppfølgingspunktet må ha en tekst.")
    with store.writing(_p(db), who=user.name) as con:
        if not can_write_for(user, unit_id, _parents(con)):
            raise PermissionError("Bare fylkesledelsen kan skrive oppfølgingspunkter for kontorene i fylket.")
        meeting = con.execute("SELECT fylke_id FROM meetings WHERE meeting_id = ?", [meeting_id]).fetchone()
        if meeting is None:
            raise ValueError(f"møtet {meeting_id} finnes ikke")
        now = datetime.now()
        followup_id = con.execute(
            """INSERT INTO followups (unit_id, meeting_id, text, responsible, due, status, created_by, created_at)
               VALUES (?, ?, ?, ?, ?, 'åpen', ?, ?) RETURNING followup_id""",
            [unit_id, meeting_id, text, (responsible or "").strip() or None, due, user.name, now],
        ).fetchone()[0]
        con.execute("INSERT INTO followup_history VALUES (?, ?, 'åpen', ?, ?, ?)",
                    [followup_id, meeting_id, "Opprettet", user.name, now])
        store.audit(con, user.name, "nytt oppfølgingspunkt", unit_id, f"punkt {followup_id} i møte {meeting_id}")
    return int(followup_id)


def update_followup(db: Path | str | None, user: User, followup_id: int, *, status: str | None = None,
                    note: str | None = None, meeting_id: int | None = None, text: str | None = None,
                    responsible: str | None = None, due: date | None = None) -> None:
    """Change a point. The office's leder may change status and note; the fylkesleder may change everything.
    Every change is written to the history, with the meeting it was made in."""
    if status is not None:
        _check_status(status)
    with store.writing(_p(db), who=user.name) as con:
        row = con.execute("SELECT unit_id, status FROM followups WHERE followup_id = ?", [followup_id]).fetchone()
        if row is None:
            raise ValueError(f"oppfølgingspunktet {followup_id} finnes ikke")
        unit_id, current = row
        full = can_write_for(user, unit_id, _parents(con))
        if not full and not can_answer(user, unit_id):
            raise PermissionError("Bare fylkesledelsen og lederen for kontoret kan endre dette oppfølgingspunktet.")
        if not full and (text is not None or responsible is not None or due is not None):
            raise PermissionError("Lederen for kontoret kan bare endre status og notat; "
                                  "tekst, ansvarlig og frist endres av fylkesledelsen.")
        if full and text is not None:
            if not text.strip():
                raise ValueError("Oppfølgingspunktet må ha en tekst.")
            con.execute("UPDATE followups SET text = ? WHERE followup_id = ?", [text.strip(), followup_id])
        if full and responsible is not None:
            con.execute("UPDATE followups SET responsible = ? WHERE followup_id = ?",
                        [responsible.strip() or None, followup_id])
        if full and due is not None:
            con.execute("UPDATE followups SET due = ? WHERE followup_id = ?", [due, followup_id])
        new_status = status or current
        con.execute("UPDATE followups SET status = ? WHERE followup_id = ?", [new_status, followup_id])
        con.execute("INSERT INTO followup_history VALUES (?, ?, ?, ?, ?, ?)",
                    [followup_id, meeting_id, new_status, (note or "").strip() or None, user.name, datetime.now()])
        store.audit(con, user.name, "endret oppfølgingspunkt", unit_id,
                    f"punkt {followup_id}: {current} → {new_status}")


def followups_created_in(db: Path | str | None, unit_id: str, meeting_id: int) -> list[Followup]:
    with store.reading(_p(db)) as con:
        rows = con.execute(_FOLLOWUP_SQL + " WHERE f.unit_id = ? AND f.meeting_id = ? ORDER BY f.followup_id",
                           [unit_id, meeting_id]).fetchall()
    return [_followup(r) for r in rows]


def carried_over(db: Path | str | None, unit_id: str, meeting_id: int) -> list[Followup]:
    """Points for the office from the fylke's earlier meetings that were still open when this meeting was opened.
    A point closed during this meeting is still listed (with its new status); one closed before is not."""
    with store.reading(_p(db)) as con:
        meeting = con.execute("SELECT fylke_id, opened_at FROM meetings WHERE meeting_id = ?",
                              [meeting_id]).fetchone()
        if meeting is None:
            return []
        fylke_id, opened_at = meeting
        rows = con.execute(
            _FOLLOWUP_SQL + """
            WHERE f.unit_id = ? AND m.fylke_id = ? AND f.meeting_id <> ? AND m.opened_at <= ?
              AND NOT EXISTS (SELECT 1 FROM followup_history h WHERE h.followup_id = f.followup_id
                              AND h.status = 'lukket' AND h.changed_at < ?
                              AND NOT EXISTS (SELECT 1 FROM followup_history h2
                                              WHERE h2.followup_id = f.followup_id AND h2.status <> 'lukket'
                                                AND h2.changed_at > h.changed_at AND h2.changed_at < ?))
            ORDER BY m.opened_at, f.followup_id""",
            [unit_id, fylke_id, meeting_id, opened_at, opened_at, opened_at],
        ).fetchall()
    return [_followup(r) for r in rows]


def history(db: Path | str | None, followup_id: int) -> list[HistoryEntry]:
    with store.reading(_p(db)) as con:
        rows = con.execute(
            """SELECT followup_id, meeting_id, status, note, changed_by, changed_at FROM followup_history
               WHERE followup_id = ? ORDER BY changed_at, rowid""", [followup_id]
        ).fetchall()
    return [HistoryEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Comments
# ---------------------------------------------------------------------------------------------------------


def write_comment(db: Path | str | None, user: User, unit_id: str, indicator_id: str, period: str,
                  text: str) -> None:
    """The fylkesleder's comment on a unit's indicator for a period; an empty text removes the comment."""
    parse_period(period)
    with store.writing(_p(db), who=user.name) as con:
        if not can_write_for(user, unit_id, _parents(con)):
            raise PermissionError("Bare fylkesledelsen kan kommentere resultatene for enhetene i fylket.")
        con.execute("DELETE FROM comments WHERE unit_id = ? AND indicator_id = ? AND period = ?",
                    [unit_id, indicator_id, period])
        if text.strip():
            con.execute("INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?)",
                        [unit_id, indicator_id, period, text.strip(), user.name, datetime.now()])
        store.audit(con, user.name, "kommentar" if text.strip() else "slettet kommentar",
                    f"{unit_id} {indicator_id} {period}")


def comments_for(db: Path | str | None, unit_id: str, period: str) -> dict[str, Comment]:
    """The comments on a unit's indicators for a period, by indicator. Whoever may see the målekort may read them."""
    with store.reading(_p(db)) as con:
        rows = con.execute(
            """SELECT indicator_id, text, written_by, written_at FROM comments WHERE unit_id = ? AND period = ?""",
            [unit_id, period],
        ).fetchall()
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

    wb = Workbook()
    overview = wb.active
    overview.title = "Oversikt"
    numbers = wb.create_sheet("Tall")
    for sheet in (overview, numbers):
        sheet.append([title(snapshot)])
        sheet.append([stamp(snapshot)])
        sheet.append([])
        sheet["A1"].font = Font(bold=True, size=13)
    overview.append(["Enhet", "Kontor", "Særskilt variasjon – bekymring", "Særskilt variasjon – forbedring",
                     "Ikke oppfylt hittil i år"])
    for office in snapshot["offices"]:
        rows = office["rows"]
        overview.append([office["unit_id"], office["name"],
                         ", ".join(r["indicator_id"] for r in rows if r["variation"] == CONCERN),
                         ", ".join(r["indicator_id"] for r in rows if r["variation"] == IMPROVEMENT),
                         ", ".join(r["indicator_id"] for r in rows if r["status"] == "ikke_oppfylt")])
    numbers.append(list(EXPORT_COLUMNS))
    for row in export_rows(snapshot):
        numbers.append(row)
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
    e = html.escape
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
