"""Uploading a file through the app: preview, the full check, the import, and the history of imports.

The same validation as the command line (`ingest.import_file`); the user's upload scope from `access` decides
which kinds, units and indicators a file may touch. A check is a dry run; only `commit` publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from navdash import access, appdb, fmt, ingest, store
from navdash.ingest import ImportReport


class UploadRefused(PermissionError):
    """The user may not upload this kind of file."""


def local_indicators(db: Path | None = None) -> frozenset[str]:
    with store.reading(db) as con:
        return frozenset(i for (i,) in con.execute("SELECT indicator_id FROM indicators WHERE local").fetchall())


def _limits(user: access.User, kind: str, db: Path | None) -> tuple[set[str] | None, set[str] | None]:
    scope = access.upload_scope(user)
    if scope is None or kind not in scope.kinds:
        raise UploadRefused(f"{user.label} kan ikke laste opp «{kind}»")
    units = set(scope.units) if scope.units is not None else None
    indicators = set(local_indicators(db)) if scope.local_indicators_only else None
    return units, indicators


def check(db: Path | None, user: access.User, kind: str, path: Path, file_name: str,
          today: date | None = None) -> ImportReport:
    """Validate the whole file as an import would, and write nothing."""
    units, indicators = _limits(user, kind, db)
    return ingest.import_file(kind, path, db=db, dry_run=True, file_name=file_name, who=user.name, today=today,
                              allowed_units=units, allowed_indicators=indicators)


def commit(db: Path | None, user: access.User, kind: str, path: Path, file_name: str,
           progress: Callable[[int], None] | None = None, today: date | None = None) -> ImportReport:
    """Import the file as one atomic publish (re-validated: the database may have changed since the check)."""
    units, indicators = _limits(user, kind, db)
    return ingest.import_file(kind, path, db=db, file_name=file_name, who=user.name, today=today,
                              progress=progress, allowed_units=units, allowed_indicators=indicators)


def preview(path: Path, file_name: str, rows: int = 20) -> pd.DataFrame:
    """The first rows as the file has them (text as read), for a person to recognise the file."""
    table = ingest.open_table(path, file_name)
    out = []
    for _, cells in table.rows:
        out.append(["" if c is None else str(c) for c in cells[: len(table.header)]])
        if len(out) >= rows:
            break
    width = len(table.header)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in out], columns=[str(h) for h in table.header])


def problems_table(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame(
        {"Rad": [p.row if p.row is not None else "–" for p in report.problems],
         "Kolonne": [p.column or "–" for p in report.problems],
         "Feil": [p.message for p in report.problems]}
    ).astype({"Rad": str})


def history(db: Path | None = None, limit: int = 200) -> pd.DataFrame:
    """Imports that went in and files that were refused, newest first (the application database's import log)."""
    t = appdb.import_log
    with appdb.reading(db) as conn:
        rows = conn.execute(t.select().order_by(t.c.logged_at.desc(), t.c.log_id.desc()).limit(int(limit))).all()
    out = pd.DataFrame({
        "tid": [f"{r.logged_at:%d.%m.%Y kl. %H:%M}" for r in rows],
        "hvem": [r.who for r in rows],
        "fil": [r.file_name for r in rows],
        "type": [r.kind for r in rows],
        "rader": [fmt.number(r.rows) for r in rows],
        "utfall": [f"importert: {fmt.number(r.new_rows or 0)} nye, {fmt.number(r.changed_rows or 0)} endret, "
                   f"{fmt.number(r.unchanged_rows or 0)} uendret" if r.outcome == "importert"
                   else f"avvist: {fmt.number(r.problems or 0)} feil" for r in rows],
    })
    return out


def audit_log(db: Path | None = None, limit: int = 500) -> pd.DataFrame:
    """Every recorded write: who, what, to what, when. For the analytiker."""
    t = appdb.audit_log
    with appdb.reading(db) as conn:
        rows = conn.execute(t.select().order_by(t.c.logged_at.desc(), t.c.audit_id.desc()).limit(int(limit))).all()
    return pd.DataFrame({"tid": [f"{r.logged_at:%d.%m.%Y kl. %H:%M}" for r in rows], "hvem": [r.who for r in rows],
                         "handling": [r.action for r in rows], "gjelder": [r.target for r in rows],
                         "detaljer": [r.detail for r in rows]})
