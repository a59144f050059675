"""Uploading a file through the app: preview, the full check, the import, and the history of imports.

The same validation as the command line (`ingest.import_file`); the user's upload scope from `access` decides
which kinds, units and indicators a file may touch. A check is a dry run; only `commit` publishes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from navdash import access, fmt, ingest, store
from navdash.ingest import ImportReport


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
