"""Uploading a file through the app: preview, the full check, the import, and the history of imports.

The same validation as the command line (`ingest.import_file`); the user's upload scope from `access` decides
which kinds, units and indicators a file may touch. A check is a dry run; only `commit` publishes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from navdash import access, appdb, fmt, ingest, store
from navdash.ingest import ImportReport
from navdash.periods import parse_period
from navdash.text import spreadsheet_cell


class UploadRefused(PermissionError):
    """The user may not upload this kind of file."""


UPLOAD_DIR_ENV = "NAVDASH_OPPLASTING"


class UploadFolderUnusable(store.StoreError):
    """The folder uploads wait in cannot be made private to the app; the page shows the message like a store error."""


def upload_root() -> Path:
    """Where uploaded files wait while they are checked and imported: NAVDASH_OPPLASTING, else a folder of the app's
    own in the system's temporary directory. Created private (0700); a folder others can read is made private."""
    root = Path(os.environ.get(UPLOAD_DIR_ENV) or Path(tempfile.gettempdir()) / f"navdash-opplasting-{os.getuid()}")
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = root.lstat()
        if root.is_symlink() or st.st_uid != os.getuid():
            raise UploadFolderUnusable(f"opplastingsmappen {root} tilhører ikke appen; slett den eller sett "
                                       f"{UPLOAD_DIR_ENV} til en mappe bare appen har tilgang til")
        if st.st_mode & 0o077:
            os.chmod(root, 0o700)
    except OSError as exc:
        raise UploadFolderUnusable(f"opplastingsmappen {root} kan ikke brukes ({exc.strerror})") from None
    return root


@contextlib.contextmanager
def staged(content: bytes, file_name: str) -> Iterator[Path]:
    """The uploaded bytes as a private file (0600, in a private folder of its own) for as long as the block runs;
    deleted afterwards, whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix="fil-", dir=upload_root()))
    try:
        name = Path(file_name).name
        path = folder / (name if name not in ("", ".", "..") else "opplastet")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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


@dataclass
class Checked:
    """What the upload page shows before the user confirms: the full check, and the first rows when readable."""

    report: ImportReport
    preview: pd.DataFrame | None


def check_upload(db: Path | None, user: access.User, kind: str, content: bytes, file_name: str,
                 today: date | None = None) -> Checked:
    """`check` on uploaded bytes: the file exists (privately) only while it is checked."""
    with staged(content, file_name) as path:
        report = check(db, user, kind, path, file_name, today=today)
        shown = None
        if report.rows:
            with contextlib.suppress(ingest.FileProblem, ingest.ReadProblem, ValueError, OSError):
                shown = preview(path, file_name)
    return Checked(report, shown)


def commit_upload(db: Path | None, user: access.User, kind: str, content: bytes, file_name: str,
                  progress: Callable[[int], None] | None = None, today: date | None = None) -> ImportReport:
    """`commit` on uploaded bytes; the private copy is deleted when the import is done."""
    with staged(content, file_name) as path:
        return commit(db, user, kind, path, file_name, progress=progress, today=today)


def store_problem(exc: store.StoreError) -> str:
    """A store error as the sentence the upload page shows (another import running, a damaged database)."""
    return store.message(exc) + " Ingenting er endret."


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


WARNING_COLUMNS = ("Enhet", "Periode", "Regel", "Venstre side", "Høyre side", "Rad i filen", "Beskrivelse")


def _warning_rows(report: ImportReport) -> list[tuple]:
    return [(w.unit_id, w.period, w.rule, w.left_value, w.right_value, w.row, w.description or "")
            for w in report.rule_warnings]


def warnings_table(report: ImportReport, limit: int | None = None) -> pd.DataFrame:
    """The validation rules' warnings for the page: unit, period (as a month is read), the rule, both sides' values
    in Norwegian number format (whole, or one decimal), the file's row and the rule's description."""
    rows = _warning_rows(report)[:limit]
    return pd.DataFrame(
        [(u, _period_label(p), rule, ingest.rule_number(lv), ingest.rule_number(rv), "–" if r is None else str(r), d)
         for u, p, rule, lv, rv, r, d in rows], columns=list(WARNING_COLUMNS))


def _period_label(period: str) -> str:
    try:
        return parse_period(period).label()
    except ValueError:
        return period


def warnings_csv(report: ImportReport) -> bytes:
    """All the warnings as CSV for a spreadsheet with Norwegian settings: semicolons, decimal comma, UTF-8 with BOM;
    text from the files through the formula guard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(WARNING_COLUMNS)
    for u, p, rule, lv, rv, r, d in _warning_rows(report):
        writer.writerow([spreadsheet_cell(u), p, spreadsheet_cell(rule), _csv_number(lv), _csv_number(rv),
                         "" if r is None else r, spreadsheet_cell(d)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_number(x: float) -> str:
    return f"{x:.10g}".replace(".", ",")


def warnings_xlsx(report: ImportReport) -> bytes:
    """All the warnings as an Excel workbook: the values as numbers, text through the formula guard."""
    from navdash.exports import xlsx

    book = xlsx.Book(f"Advarsler fra valideringsreglene – {report.file_name}",
                     f"{fmt.number(report.warning_count)} advarsler ved kontroll av filen", False)
    book.sheet("Advarsler", WARNING_COLUMNS,
               [[u, p, rule, xlsx.Cell(lv, xlsx.DECIMAL), xlsx.Cell(rv, xlsx.DECIMAL), r, d]
                for u, p, rule, lv, rv, r, d in _warning_rows(report)], (9, 10, 28, 14, 14, 10, 50))
    return book.bytes()


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
