"""The DuckDB store: schema, migrations, and how readers and writers share one file.

DuckDB lets one process hold a file read-write, and a read-only open fails while a writer holds it. A served app
and a command-line import must still work at the same time, so:

* the published database file is never written in place. A writer takes an exclusive lock file, copies the
  published file to a private working file, writes there (migrations, imports) and, when everything succeeded,
  checkpoints, closes and atomically renames the working file over the published one. A failed or dry-run
  write simply deletes its working file, so the published database is untouched;
* readers attach the published file read-only inside an in-memory connection. A reader that opened the old
  version keeps reading that version (the renamed-over file stays alive while it is open); the next read sees
  the new version whole. Nobody ever sees half an import, and readers never block writers.

The data version (`meta.data_version`) increases with every publish; pages key their caches on it. Only imports
(and schema migrations) publish: what users write in the app lives in the application database (`navdash.appdb`).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import errno
import fcntl
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from navdash.paths import db_path

# ---------------------------------------------------------------------------------------------------------
# Schema and migrations. Append new migrations; never edit one that has shipped.
# ---------------------------------------------------------------------------------------------------------

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

        CREATE TABLE units (
            unit_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            parent_id VARCHAR,
            comparison_group VARCHAR,
            employees INTEGER,
            valid_from DATE,
            valid_to DATE,
            replaced_by VARCHAR
        );

        CREATE TABLE indicators (
            indicator_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            description VARCHAR,
            perspective VARCHAR NOT NULL,
            chain_step VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            measure VARCHAR NOT NULL,
            polarity VARCHAR NOT NULL,
            aggregation VARCHAR NOT NULL,
            source VARCHAR,
            link VARCHAR
        );

        -- No primary key: uniqueness of (unit_id, indicator_id, period) is enforced by the import, which
        -- replaces rows by key; an ART index on millions of rows would make bulk loads several times slower.
        CREATE TABLE "values" (
            unit_id VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            period_kind VARCHAR NOT NULL,
            year SMALLINT NOT NULL,
            period_no TINYINT NOT NULL,
            numerator DOUBLE,
            denominator DOUBLE,
            value DOUBLE,
            import_id INTEGER
        );

        CREATE TABLE targets (
            indicator_id VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL,
            year SMALLINT NOT NULL,
            kind VARCHAR NOT NULL,
            threshold DOUBLE,
            reference_year SMALLINT,
            set_by VARCHAR NOT NULL,
            absolute BOOLEAN NOT NULL,
            text VARCHAR,
            PRIMARY KEY (indicator_id, unit_id, year)
        );

        CREATE TABLE priorities (
            unit_id VARCHAR NOT NULL,
            year SMALLINT NOT NULL,
            no TINYINT NOT NULL,
            title VARCHAR NOT NULL,
            reason VARCHAR,
            indicators VARCHAR[],
            changed_by VARCHAR,
            changed_at TIMESTAMP,
            PRIMARY KEY (unit_id, year, no)
        );

        CREATE TABLE priority_history (
            unit_id VARCHAR NOT NULL,
            year SMALLINT NOT NULL,
            no TINYINT NOT NULL,
            title VARCHAR,
            reason VARCHAR,
            indicators VARCHAR[],
            action VARCHAR NOT NULL,
            changed_by VARCHAR,
            changed_at TIMESTAMP NOT NULL
        );

        CREATE TABLE survey_counts (
            survey VARCHAR NOT NULL,
            round VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL,
            grp VARCHAR NOT NULL,
            question VARCHAR NOT NULL,
            theme VARCHAR NOT NULL,
            answer VARCHAR NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (survey, round, unit_id, grp, question, answer)
        );

        CREATE SEQUENCE import_seq START 1;
        CREATE TABLE import_log (
            import_id INTEGER PRIMARY KEY DEFAULT nextval('import_seq'),
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            rows BIGINT NOT NULL,
            new_rows BIGINT,
            changed_rows BIGINT,
            unchanged_rows BIGINT,
            who VARCHAR NOT NULL,
            logged_at TIMESTAMP NOT NULL,
            outcome VARCHAR NOT NULL,
            message VARCHAR
        );
        """,
    ),
    (
        2,
        "audit log of every write, and an index for scorecard lookups",
        """
        CREATE TABLE audit_log (
            logged_at TIMESTAMP NOT NULL,
            who VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            target VARCHAR,
            detail VARCHAR
        );
        """,
    ),
    (
        3,
        "indicators an office reports itself (its leader may upload values for them)",
        """
        ALTER TABLE indicators ADD COLUMN local BOOLEAN DEFAULT false;
        UPDATE indicators SET local = false;
        """,
    ),
    (
        4,
        "the fylke's meetings (frozen snapshots), follow-up points, comments, and the register of what works",
        """
        CREATE SEQUENCE meeting_seq START 1;
        -- A meeting freezes the numbers it shows: `snapshot` holds them as JSON, with the data version they came from.
        CREATE TABLE meetings (
            meeting_id INTEGER PRIMARY KEY DEFAULT nextval('meeting_seq'),
            fylke_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            data_version INTEGER NOT NULL,
            opened_by VARCHAR NOT NULL,
            opened_at TIMESTAMP NOT NULL,
            snapshot JSON NOT NULL
        );

        CREATE SEQUENCE followup_seq START 1;
        CREATE TABLE followups (
            followup_id INTEGER PRIMARY KEY DEFAULT nextval('followup_seq'),
            unit_id VARCHAR NOT NULL,
            meeting_id INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            responsible VARCHAR,
            due DATE,
            status VARCHAR NOT NULL,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE followup_history (
            followup_id INTEGER NOT NULL,
            meeting_id INTEGER,
            status VARCHAR NOT NULL,
            note VARCHAR,
            changed_by VARCHAR NOT NULL,
            changed_at TIMESTAMP NOT NULL
        );

        CREATE TABLE comments (
            unit_id VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            written_by VARCHAR NOT NULL,
            written_at TIMESTAMP NOT NULL,
            PRIMARY KEY (unit_id, indicator_id, period)
        );

        CREATE SEQUENCE practice_seq START 1;
        CREATE TABLE practices (
            practice_id INTEGER PRIMARY KEY DEFAULT nextval('practice_seq'),
            unit_id VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            what VARCHAR NOT NULL,
            for_whom VARCHAR,
            indicators VARCHAR[],
            effect VARCHAR,
            theme VARCHAR,
            first_period VARCHAR,
            last_period VARCHAR,
            contact VARCHAR,
            registered_by VARCHAR NOT NULL,
            registered_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        5,
        "indicators about identifiable people, whose small bases are withheld",
        """
        ALTER TABLE indicators ADD COLUMN personal BOOLEAN DEFAULT false;
        UPDATE indicators SET personal = perspective IN ('medarbeider', 'bruker');
        """,
    ),
    (
        6,
        "recorded change points (limits are recalculated from them) and the catalogue's seasonality setting",
        """
        -- unit_id '' means every unit: the key must be comparable with '=' for the import's merge.
        CREATE TABLE change_points (
            indicator_id VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL DEFAULT '',
            period VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            PRIMARY KEY (indicator_id, unit_id, period)
        );
        ALTER TABLE indicators ADD COLUMN season VARCHAR DEFAULT 'auto';
        UPDATE indicators SET season = 'auto';
        """,
    ),
    (
        7,
        "what users write moved to the application database (navdash.appdb); this file changes only by import",
        # The rows are copied into the application database first (`appdb.take_over_legacy`, run by `migrate`).
        # import_seq stays: values.import_id still numbers the imports, and the import log refers to it.
        """
        DROP TABLE meetings;
        DROP TABLE followups;
        DROP TABLE followup_history;
        DROP TABLE comments;
        DROP TABLE practices;
        DROP TABLE priorities;
        DROP TABLE priority_history;
        DROP TABLE audit_log;
        DROP TABLE import_log;
        DROP SEQUENCE meeting_seq;
        DROP SEQUENCE followup_seq;
        DROP SEQUENCE practice_seq;
        """,
    ),
    (
        8,
        "validation rules between indicators, checked on every import of values",
        """
        -- A side is one indicator or a sum of them, stored as written with ' + ' between the terms (B.32 + B.33).
        CREATE TABLE validation_rules (
            left_side VARCHAR NOT NULL,
            operator VARCHAR NOT NULL,
            right_side VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            description VARCHAR,
            PRIMARY KEY (left_side, operator, right_side)
        );
        """,
    ),
    (
        9,
        "classifications of units besides the comparison group: size, user mix and centrality",
        """
        -- The units file's optional columns storrelse, brukersammensetning and sentralitet (SSB class 1-6, as text
        -- like the other groups); comparisons can be drawn within any one group (navdash.units.CLASSIFICATIONS).
        ALTER TABLE units ADD COLUMN size_class VARCHAR;
        ALTER TABLE units ADD COLUMN user_mix VARCHAR;
        ALTER TABLE units ADD COLUMN centrality VARCHAR;
        """,
    ),
]
APP_RECORDS_MOVED = 7

SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction. Returns the versions applied.

    Before the migration that drops the app tables, their rows go to the application database of `path`."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(con)
    applied = []
    for version, name, sql in MIGRATIONS:
        if version <= current:
            continue
        if version == APP_RECORDS_MOVED:
            from navdash import appdb

            appdb.take_over_legacy(con, path)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime.now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


# ---------------------------------------------------------------------------------------------------------
# Writing: lock, private working copy, atomic publish
# ---------------------------------------------------------------------------------------------------------


class StoreError(Exception):
    """The store cannot be used as asked; the message is one Norwegian line for the user (CLI and app)."""


class StoreBusy(StoreError, RuntimeError):
    """Another write held the lock for longer than the writer was willing to wait."""


class DatabaseUnusable(StoreError):
    """The data folder is missing or read-only, or the database file is damaged."""


def message(exc: StoreError) -> str:
    """The error as a sentence for a person: capital letter, full stop."""
    text = str(exc).strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


LOCK_TIMEOUT_ENV = "NAVDASH_SKRIVELAS_SEKUNDER"
DEFAULT_LOCK_TIMEOUT = 60.0


def lock_timeout() -> float:
    """How long a writer waits for the write lock: NAVDASH_SKRIVELAS_SEKUNDER, else 60 seconds.

    Long enough for a national statistikkpakke to finish, short enough that a stopped or stuck writer turns into a
    message instead of a session that waits for ever.
    """
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip().replace(",", ".")
    try:
        value = float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return value if value >= 0 else DEFAULT_LOCK_TIMEOUT


@dataclass
class WriteResult:
    published: bool
    data_version: int


def _require_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseUnusable(
            f"datamappen {folder} finnes ikke; opprett den, eller la NAVDASH_DB peke på en fil i en mappe som finnes"
        )


def _unwritable(folder: Path) -> DatabaseUnusable:
    return DatabaseUnusable(
        f"kan ikke skrive i datamappen {folder} (skrivebeskyttet eller mangler tilgang); "
        "gi brukeren som kjører navdash skrivetilgang til mappen"
    )


def _os_problem(exc: OSError, path: Path) -> StoreError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _unwritable(path.parent)
    if exc.errno == errno.ENOSPC:
        return DatabaseUnusable(f"disken med datamappen {path.parent} er full; frigjør plass og prøv igjen")
    return DatabaseUnusable(f"databasen {path} kan ikke brukes: {exc.strerror or exc.__class__.__name__}")


def _io_problem(exc: duckdb.IOException, path: Path) -> StoreError:
    if "No space left" in str(exc):
        return DatabaseUnusable(f"disken med datamappen {path.parent} er full; frigjør plass og prøv igjen")
    return _damaged(path)


def _damaged(path: Path) -> DatabaseUnusable:
    return DatabaseUnusable(
        f"databasefilen {path} kan ikke leses (skadet, eller ikke en navdash-database); legg tilbake siste "
        "sikkerhetskopi, eller lag en ny med «python -m navdash init --force»"
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_work_files(path: Path) -> list[Path]:
    """Delete working copies (and their WAL) left by writers that were killed before they could clean up.

    Called with the write lock held, so no live writer of this database is mid-copy; a file whose PID still runs
    is left alone all the same (a reused PID, or a writer on another path sharing the folder).
    """
    removed: list[Path] = []
    for leftover in path.parent.glob(f"{path.name}.work-*"):
        pid_text = leftover.name[len(path.name) + len(".work-"):].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or _pid_alive(pid):
            continue
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed.append(leftover)
    return removed


class NothingChanged(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside `writing` by work that changed no rows: the copy is thrown away, nothing is published and the
    data version (which keys every cached page) stays, so a re-import of the same file empties no cache."""


@contextlib.contextmanager
def writing(
    path: Path | None = None, *, publish: bool = True, who: str = "system", timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the database, published atomically on success.

    Writers are serialised by an exclusive lock on `<db>.lock`; without it two imports could each copy the same
    version and the second publish would silently drop the first one's rows. Raising NothingChanged in the block
    ends it without a publish. A writer waits at most `timeout`
    seconds (default `lock_timeout()`) and then raises StoreBusy. `publish=False` (dry run) runs everything and
    throws the copy away. A missing or read-only folder and a damaged file raise DatabaseUnusable.
    """
    path = Path(path) if path else db_path()
    _require_folder(path)
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock = open(lock_path, "a+")
    except OSError as exc:
        raise _os_problem(exc, path) from None
    with lock:
        _acquire(lock, lock_timeout() if timeout is None else timeout)
        remove_stale_work_files(path)
        work = path.with_name(f"{path.name}.work-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            try:
                if path.exists():
                    shutil.copyfile(path, work)
                con = duckdb.connect(str(work))
            except OSError as exc:
                raise _os_problem(exc, path) from None
            except duckdb.Error:
                raise _damaged(path) from None
            try:
                try:
                    migrate(con, path)
                except duckdb.Error:
                    raise _damaged(path) from None
                try:
                    before = _data_version(con)
                    yield con
                except duckdb.IOException as exc:  # blocks missing from a truncated file surface only when read
                    raise _io_problem(exc, path) from None
                except NothingChanged:
                    publish = False  # the published file and its data version stay as they are
                if publish:
                    _set_meta(con, "data_version", str(before + 1))
                    _set_meta(con, "published_at", datetime.now().isoformat(timespec="seconds"))
                    _set_meta(con, "published_by", who)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if publish:
                os.replace(work, path)
        finally:
            for leftover in (work, work.with_name(work.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            fcntl.flock(lock, fcntl.LOCK_UN)


def _acquire(lock: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"databasen er opptatt: en annen import eller lagring pågår (ventet {_seconds(timeout)}); "
                    "prøv igjen om litt"
                ) from None
            time.sleep(0.05)


def _seconds(timeout: float) -> str:
    whole = round(timeout)
    if abs(timeout - whole) < 1e-9:
        return f"{whole} sekund" + ("" if whole == 1 else "er")
    return f"{timeout:.1f} sekunder".replace(".", ",")


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def _data_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def ensure_database(path: Path | None = None) -> bool:
    """Create an empty database if it does not exist, and bring an existing one up to the current schema. Returns
    True when something was written. (The demo database is made by `navdash.demo.ensure_database`.)"""
    path = Path(path) if path else db_path()
    _require_folder(path)
    if path.exists():
        with reading(path) as con:
            if schema_version(con) >= SCHEMA_VERSION:
                return False
        with writing(path, who="migrering"):
            pass
        return True
    with writing(path, who="init"):
        pass
    return True


# ---------------------------------------------------------------------------------------------------------
# Reading: read-only snapshots of the published file
# ---------------------------------------------------------------------------------------------------------


class _Snapshot:
    """One published version of the database, attached read-only inside an in-memory DuckDB.

    In-memory connections are private to the snapshot, unlike `duckdb.connect(path)`, which reuses an open
    instance of the same path within the process and so would keep serving the replaced file forever.
    """

    def __init__(self, path: Path, stamp: tuple[int, int, int]):
        self.stamp = stamp
        self.con = duckdb.connect(":memory:")
        try:
            self.con.execute("SET threads TO 2")
            self.con.execute(f"ATTACH '{_sql_literal(str(path))}' AS nav (READ_ONLY)")
            self.con.execute("USE nav")
            self.con.execute("SELECT count(*) FROM meta").fetchone()  # a DuckDB file, but is it ours?
        except Exception:
            self.con.close()
            raise


_snapshots: dict[str, _Snapshot] = {}
_snapshots_lock = threading.Lock()


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


def _stamp(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class DatabaseMissing(StoreError, FileNotFoundError):
    pass


@contextlib.contextmanager
def reading(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the newest published version. Consistent for as long as it is held."""
    path = Path(path) if path else db_path()
    _require_folder(path)
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        raise DatabaseMissing(f"databasen {path} finnes ikke; kjør «python -m navdash init --demo»") from None
    key = str(path)
    with _snapshots_lock:
        snap = _snapshots.get(key)
        if snap is None or snap.stamp != stamp:
            try:
                snap = _Snapshot(path, stamp)
            except duckdb.Error:
                raise _damaged(path) from None
            _snapshots[key] = snap  # the previous snapshot closes once its last cursor is gone
        cursor = snap.con.cursor()
    try:
        cursor.execute("USE nav")
        _limit_values(cursor)
        yield cursor
    except duckdb.IOException as exc:
        raise _io_problem(exc, path) from None
    finally:
        cursor.close()


# ---------------------------------------------------------------------------------------------------------
# Reading only the approved months (navdash.approval)
# ---------------------------------------------------------------------------------------------------------

_visible_until: contextvars.ContextVar[str | None] = contextvars.ContextVar("visible_until", default=None)
NOTHING = ""  # a cut-off before every month: no values at all

# A period's last month as year * 100 + month: a tertial ends in month 4, 8 or 12, a year in month 12.
_LAST_MONTH = ("CAST(year AS INTEGER) * 100 + CASE period_kind WHEN 'M' THEN period_no WHEN 'T' THEN period_no * 4 "
               "ELSE 12 END")


def _limit_values(cursor: duckdb.DuckDBPyConnection) -> None:
    """Under a cut-off, shadow the values table for this cursor with a view of the periods that end on or before
    it. Every read of `"values"` through `reading` then sees only those periods, whoever wrote the query."""
    until = _visible_until.get()
    if until is None:
        return
    limit = 0 if until == NOTHING else int(until[:4]) * 100 + int(until[5:7])
    cursor.execute(f'CREATE TEMP VIEW "values" AS SELECT * FROM nav.main."values" '  # noqa: S608 - an integer
                   f"WHERE {_LAST_MONTH} <= {limit}")


def visible_until() -> str | None:
    """The cut-off reads in this context are under: a month (`2022-11`), NOTHING, or None for every period."""
    return _visible_until.get()


def limit_reads(until: str | None) -> None:
    """From now on in this context (a page run), `reading` shows only values for periods that end on or before the
    month `until` (NOTHING: none; None: every period)."""
    if until not in (None, NOTHING):
        _check_month(until)
    _visible_until.set(until)


@contextlib.contextmanager
def reads_limited(until: str | None) -> Iterator[None]:
    """`limit_reads(until)` for the duration of the block, then back to what it was."""
    if until not in (None, NOTHING):
        _check_month(until)
    token = _visible_until.set(until)
    try:
        yield
    finally:
        _visible_until.reset(token)


def _check_month(until: str) -> None:
    if len(until) != 7 or not (until[:4].isdigit() and until[4] == "-" and until[5:].isdigit()):
        raise ValueError(f"not a month: {until!r}")


def data_version(path: Path | None = None) -> int:
    """The published data version; pages use it as part of every cache key."""
    with reading(path) as con:
        return _data_version(con)


def meta(path: Path | None = None) -> dict[str, str]:
    with reading(path) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())


def forget_snapshots() -> None:
    """Close and drop cached snapshots (tests that delete database files call this; so does interpreter exit)."""
    with _snapshots_lock:
        for snap in _snapshots.values():
            with contextlib.suppress(Exception):
                snap.con.close()
        _snapshots.clear()


# Close the snapshots' connections before the interpreter tears down DuckDB's bindings, which otherwise report
# the still-open connections as leaks after the last line of output.
atexit.register(forget_snapshots)
