"""Uploading a file through the app: preview, the full check, the import, and the history of imports.

The same validation as the command line (`ingest.import_file`); the user's upload scope from `access` decides
which kinds, units and indicators a file may touch. A check is a dry run; only `commit` publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from navdash import access, fmt, ingest, store
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
    """Imports that went in (from the database) and files that were refused (from the log beside it)."""
    with store.reading(db) as con:
        done = con.execute(
            f"""SELECT logged_at AS tid, who AS hvem, file_name AS fil, kind AS type, rows AS rader,
                       new_rows, changed_rows, unchanged_rows
                FROM import_log ORDER BY logged_at DESC LIMIT {int(limit)}"""
        ).df()
    done["utfall"] = [f"importert: {fmt.number(n)} nye, {fmt.number(c)} endret, {fmt.number(u)} uendret"
                      for n, c, u in zip(done["new_rows"], done["changed_rows"], done["unchanged_rows"], strict=True)]
    done = done.drop(columns=["new_rows", "changed_rows", "unchanged_rows"])
    refused = pd.DataFrame([
        {"tid": pd.Timestamp(r["at"]), "hvem": r["who"], "fil": r["file_name"], "type": r["kind"], "rader": r["rows"],
         "utfall": f"avvist: {fmt.number(r['problems'])} feil"} for r in ingest.rejected_imports(db)
    ])
    out = pd.concat([done, refused], ignore_index=True) if not refused.empty else done
    out = out.sort_values("tid", ascending=False).head(limit).reset_index(drop=True)
    out["tid"] = out["tid"].map(lambda t: f"{t:%d.%m.%Y kl. %H:%M}")
    out["rader"] = out["rader"].map(fmt.number)
    return out


def audit_log(db: Path | None = None, limit: int = 500) -> pd.DataFrame:
    """Every recorded write: who, what, to what, when. For the analytiker."""
    with store.reading(db) as con:
        return con.execute(
            f"""SELECT strftime(logged_at, '%d.%m.%Y kl. %H:%M') AS tid, who AS hvem, action AS handling,
                       target AS gjelder, detail AS detaljer
                FROM audit_log ORDER BY logged_at DESC LIMIT {int(limit)}"""
        ).df()
