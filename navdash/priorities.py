"""An office's local priorities (3-5 a year in the virksomhetsplan), with a history of every change.

They are written by people (the office's leader in the app, or the demo file), so they live in the application
database (`navdash.appdb`), not in the analytic store.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from navdash import appdb
from navdash.schemas import PriorityRow, load_context, row_errors

Content = tuple[str, str | None, tuple[str, ...]]  # title, reason, indicators
P, H = appdb.priorities, appdb.priority_history


class PriorityProblem(ValueError):
    """Norwegian message(s) for a person; nothing was written."""


def read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> list[PriorityRow]:
    """Validate `prioriteringer.csv` (enhet, aar, nr, tittel, begrunnelse, indikatorer) against the units and
    indicators of an open analytic connection."""
    ctx = load_context(con)
    rows: list[PriorityRow] = []
    problems: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, record in enumerate(csv.DictReader(fh), start=2):
            try:
                rows.append(PriorityRow.model_validate(record, context=ctx))
            except ValidationError as exc:
                problems.extend(f"{path.name}, rad {i}, kolonne «{c}»: {m}" for c, m in row_errors(exc))
    if problems:
        raise PriorityProblem("\n".join(problems))
    return rows


def store_rows(db: Path | str | None, rows: Sequence[PriorityRow], *, who: str) -> int:
    """Write validated rows in one transaction; unchanged ones are left alone (and keep their history).
    Returns how many were created or changed."""
    written = 0
    now = datetime.now()
    with appdb.writing(db) as conn:
        for unit, year in sorted({(r.enhet, r.aar) for r in rows}):
            before = current(conn, unit, year)
            for r in (r for r in rows if (r.enhet, r.aar) == (unit, year)):
                content = (r.tittel, r.begrunnelse or None, tuple(r.indikatorer))
                if before.get(r.nr) != content:
                    put(conn, unit, year, r.nr, content, "endret" if r.nr in before else "opprettet", who, now)
                    written += 1
    return written


def current(conn: Connection, unit_id: str, year: int) -> dict[int, Content]:
    rows = conn.execute(sa.select(P.c.no, P.c.title, P.c.reason, P.c.indicators)
                        .where(P.c.unit_id == unit_id, P.c.year == year)).all()
    return {int(no): (title, reason or None, tuple(inds or ())) for no, title, reason, inds in rows}


def put(conn: Connection, unit_id: str, year: int, no: int, content: Content, action: str, who: str,
        at: datetime) -> None:
    """Create or replace priority `no`, with its history row."""
    title, reason, inds = content
    conn.execute(P.delete().where(P.c.unit_id == unit_id, P.c.year == year, P.c.no == no))
    conn.execute(P.insert().values(unit_id=unit_id, year=year, no=no, title=title, reason=reason,
                                   indicators=list(inds), changed_by=who, changed_at=at))
    conn.execute(H.insert().values(unit_id=unit_id, year=year, no=no, title=title, reason=reason,
                                   indicators=list(inds), action=action, changed_by=who, changed_at=at))


def remove(conn: Connection, unit_id: str, year: int, no: int, content: Content, who: str, at: datetime) -> None:
    """Delete priority `no`, keeping what it said in the history."""
    title, reason, inds = content
    conn.execute(P.delete().where(P.c.unit_id == unit_id, P.c.year == year, P.c.no == no))
    conn.execute(H.insert().values(unit_id=unit_id, year=year, no=no, title=title, reason=reason,
                                   indicators=list(inds), action="slettet", changed_by=who, changed_at=at))


def for_unit(unit: str, year: int, db: Path | str | None = None) -> list[dict]:
    """The unit's priorities for the year in order: no, title, reason, indicators, changed_by, changed_at."""
    with appdb.reading(db) as conn:
        rows = conn.execute(sa.select(P.c.no, P.c.title, P.c.reason, P.c.indicators, P.c.changed_by,
                                      P.c.changed_at).where(P.c.unit_id == unit, P.c.year == year)
                            .order_by(P.c.no)).mappings().all()
    return [dict(r) for r in rows]


def years(db: Path | str | None = None) -> list[int]:
    """Years with priorities."""
    with appdb.reading(db) as conn:
        return [int(y) for (y,) in conn.execute(sa.select(P.c.year).distinct()).all()]


def history(db: Path | str | None, unit_id: str, year: int) -> pd.DataFrame:
    """Every change to the unit's priorities for the year, newest first."""
    with appdb.reading(db) as conn:
        rows = conn.execute(
            sa.select(H.c.changed_at, H.c.changed_by, H.c.action, H.c.no, H.c.title, H.c.reason, H.c.indicators)
            .where(H.c.unit_id == unit_id, H.c.year == year)
            .order_by(H.c.changed_at.desc(), H.c.no, H.c.history_id.desc())).all()
    return pd.DataFrame([tuple(r) for r in rows],
                        columns=["changed_at", "changed_by", "action", "no", "title", "reason", "indicators"])
