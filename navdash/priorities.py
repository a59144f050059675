"""An office's local priorities (3-5 a year in the virksomhetsplan), with a history of every change."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import duckdb
from pydantic import ValidationError

from navdash import store
from navdash.ingest import load_context
from navdash.schemas import PriorityRow, row_errors


class PriorityProblem(ValueError):
    """Norwegian message(s) for a person; nothing was written."""


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, *, who: str) -> int:
    """Load `prioriteringer.csv` (enhet, aar, nr, tittel, begrunnelse, indikatorer) into an open writer."""
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
    for r in rows:
        _upsert(con, r, who)
    return len(rows)


def _upsert(con: duckdb.DuckDBPyConnection, r: PriorityRow, who: str) -> None:
    now = datetime.now()
    exists = con.execute(
        "SELECT count(*) FROM priorities WHERE unit_id = ? AND year = ? AND no = ?", [r.enhet, r.aar, r.nr]
    ).fetchone()[0]
    con.execute("DELETE FROM priorities WHERE unit_id = ? AND year = ? AND no = ?", [r.enhet, r.aar, r.nr])
    con.execute(
        "INSERT INTO priorities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [r.enhet, r.aar, r.nr, r.tittel, r.begrunnelse, list(r.indikatorer), who, now],
    )
    con.execute(
        "INSERT INTO priority_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.enhet, r.aar, r.nr, r.tittel, r.begrunnelse, list(r.indikatorer), "endret" if exists else "opprettet",
         who, now],
    )


def for_unit(unit: str, year: int, db: Path | None = None) -> list[dict]:
    with store.reading(db) as con:
        cur = con.execute(
            "SELECT no, title, reason, indicators, changed_by, changed_at FROM priorities "
            "WHERE unit_id = ? AND year = ? ORDER BY no", [unit, year],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
