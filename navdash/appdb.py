"""The application database: everything users write in the app, kept apart from the analytic store.

Meetings and their frozen snapshots, follow-up points and their history, comments and the office's replies, local
priorities with their history and the employees' proposals, shared experiences (practices), tertial reports with
every version, the approved months, the audit log and the import log (with refused files) live here. The analytic
DuckDB file changes only by import, so a comment never copies it, never bumps its data version and never
invalidates anyone's cached målekort.

Where it lives:
* by default a SQLite file beside the DuckDB file (`navdash.duckdb` -> `navdash.app.sqlite`), in WAL mode with a
  busy timeout, created at first use with no set-up;
* in production PostgreSQL, chosen by `NAVDASH_APPDB_URL` (for example `postgresql+psycopg://user@host/navdash`),
  shared by every app replica.
The same SQLAlchemy Core code serves both. The schema is versioned with Alembic (`navdash/appdb_migrations`),
upgraded programmatically the first time a process uses a database; nobody runs `alembic` by hand.

Writers never wait for ever: SQLite's busy timeout and PostgreSQL's lock and statement timeouts bound every wait,
and a timeout surfaces as `AppDbBusy` with a Norwegian message the pages show.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from navdash import paths

URL_ENV = "NAVDASH_APPDB_URL"
TIMEOUT_ENV = "NAVDASH_APPDB_TIMEOUT"  # seconds a writer may wait for a lock (default 5)
DEFAULT_TIMEOUT = 5.0
MIGRATIONS = Path(__file__).resolve().parent / "appdb_migrations"
_PG_MIGRATION_LOCK = 7_412_026  # pg_advisory_xact_lock key: one process migrates at a time


class AppDbError(RuntimeError):
    """The application database could not take or give the records. Norwegian message for a person."""


class AppDbBusy(AppDbError):
    """A bounded wait ran out: another writer held the lock for too long. Nothing was written."""


class AppDbUnavailable(AppDbError):
    """The application database could not be reached. Nothing was written."""


BUSY_MESSAGE = ("Databasen for møter, kommentarer og prioriteringer er opptatt akkurat nå, og ingenting ble lagret. "
                "Prøv igjen om litt.")
UNAVAILABLE_MESSAGE = ("Får ikke kontakt med databasen for møter, kommentarer og prioriteringer, og ingenting ble "
                       "lagret. Prøv igjen om litt; hvis feilen varer, kontakt driften.")


# ---------------------------------------------------------------------------------------------------------
# Tables (the current shape; `appdb_migrations/versions` holds how each version was reached)
# ---------------------------------------------------------------------------------------------------------

metadata = sa.MetaData()


def _id(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, primary_key=True, autoincrement=True)


meetings = sa.Table(
    "meetings", metadata, _id("meeting_id"),
    sa.Column("fylke_id", sa.String(16), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("data_version", sa.Integer, nullable=False),
    sa.Column("opened_by", sa.Text, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),  # JSON, with the data version the numbers came from
    sa.Index("uq_meetings_fylke_period", "fylke_id", "period", unique=True),  # one meeting per fylke and month
    sqlite_autoincrement=True,
)
followups = sa.Table(
    "followups", metadata, _id("followup_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.meeting_id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("responsible", sa.Text),
    sa.Column("due", sa.Date),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)
followup_history = sa.Table(
    "followup_history", metadata, _id("history_id"),
    sa.Column("followup_id", sa.Integer, sa.ForeignKey("followups.followup_id"), nullable=False),
    sa.Column("meeting_id", sa.Integer),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)
comments = sa.Table(
    "comments", metadata,
    sa.Column("unit_id", sa.String(16), primary_key=True),
    sa.Column("indicator_id", sa.String(32), primary_key=True),
    sa.Column("period", sa.String(16), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_by", sa.Text, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
)
comment_replies = sa.Table(
    "comment_replies", metadata, _id("reply_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("indicator_id", sa.String(32), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_by", sa.Text, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
    sa.Index("ix_comment_replies_unit_period", "unit_id", "period"),
    sqlite_autoincrement=True,
)
priorities = sa.Table(
    "priorities", metadata,
    sa.Column("unit_id", sa.String(16), primary_key=True),
    sa.Column("year", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("no", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("indicators", sa.JSON, nullable=False),
    sa.Column("changed_by", sa.Text),
    sa.Column("changed_at", sa.DateTime),
)
priority_history = sa.Table(
    "priority_history", metadata, _id("history_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("no", sa.SmallInteger, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("indicators", sa.JSON),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("changed_by", sa.Text),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)
priority_proposals = sa.Table(
    "priority_proposals", metadata, _id("proposal_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("proposed_by", sa.Text, nullable=False),
    sa.Column("proposed_at", sa.DateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # foreslått, tatt inn, ikke tatt inn
    sa.Column("decided_by", sa.Text),
    sa.Column("decided_at", sa.DateTime),
    sa.Column("decision_note", sa.Text),
    sa.Column("decided_on", sa.Text),  # JSON: the proposal and its comments as the leader saw them when deciding
    sa.Index("ix_priority_proposals_unit_year", "unit_id", "year"),
    sqlite_autoincrement=True,
)
proposal_comments = sa.Table(
    "proposal_comments", metadata, _id("comment_id"),
    sa.Column("proposal_id", sa.Integer, sa.ForeignKey("priority_proposals.proposal_id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_by", sa.Text, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)
practices = sa.Table(
    "practices", metadata, _id("practice_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("for_whom", sa.Text),
    sa.Column("indicators", sa.JSON, nullable=False),
    sa.Column("effect", sa.Text),
    sa.Column("theme", sa.Text),
    sa.Column("first_period", sa.String(16)),
    sa.Column("last_period", sa.String(16)),
    sa.Column("contact", sa.Text),
    sa.Column("registered_by", sa.Text, nullable=False),
    sa.Column("registered_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)
audit_log = sa.Table(
    "audit_log", metadata, _id("audit_id"),
    sa.Column("logged_at", sa.DateTime, nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("target", sa.Text),
    sa.Column("detail", sa.Text),
    sqlite_autoincrement=True,
)
import_log = sa.Table(
    "import_log", metadata, _id("log_id"),
    sa.Column("import_id", sa.Integer),  # the DuckDB import's id (values.import_id); none for a refused file
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("new_rows", sa.BigInteger),
    sa.Column("changed_rows", sa.BigInteger),
    sa.Column("unchanged_rows", sa.BigInteger),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("logged_at", sa.DateTime, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # importert, avvist
    sa.Column("message", sa.Text),
    sa.Column("problems", sa.Integer),
    sa.Column("first_problem", sa.Text),
    sqlite_autoincrement=True,
)
tertial_reports = sa.Table(
    "tertial_reports", metadata, _id("report_id"),
    sa.Column("unit_id", sa.String(16), nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("tertial", sa.SmallInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # utkast, sendt, mottatt
    sa.Column("version", sa.Integer, nullable=False),  # the newest version's number
    sa.Column("updated_by", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("unit_id", "year", "tertial", name="uq_tertial_reports_unit_tertial"),
    sqlite_autoincrement=True,
)
tertial_report_versions = sa.Table(
    "tertial_report_versions", metadata, _id("version_id"),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("tertial_reports.report_id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # JSON: the frozen målekort part, the leader's texts, the risks
    sa.Column("data_version", sa.Integer, nullable=False),
    sa.Column("written_by", sa.Text, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("report_id", "version", name="uq_tertial_report_versions_version"),
    sqlite_autoincrement=True,
)
month_approvals = sa.Table(
    "month_approvals", metadata,
    sa.Column("period", sa.String(16), primary_key=True),  # an approved month, `2022-12`
    sa.Column("approved_by", sa.Text, nullable=False),
    sa.Column("approved_at", sa.DateTime, nullable=False),
)
legacy_imports = sa.Table(
    "legacy_imports", metadata,
    sa.Column("source", sa.Text, primary_key=True),  # which analytic file's records were taken over
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("summary", sa.Text),
)


# ---------------------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------------------


def sqlite_path(db: Path | str | None = None) -> Path:
    """The embedded application database beside the analytic file: `navdash.duckdb` -> `navdash.app.sqlite`."""
    path = Path(db) if db is not None else paths.db_path()
    return path.with_name(path.stem + ".app.sqlite")


def url_for(db: Path | str | None = None) -> str:
    """`NAVDASH_APPDB_URL` if set (every replica shares it), else the SQLite file beside the analytic file."""
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{sqlite_path(db)}"


def timeout() -> float:
    try:
        return max(0.1, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_engines_lock = threading.Lock()


def _make_engine(url: str) -> Engine:
    wait = timeout()
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": wait, "check_same_thread": False},
                                  pool_size=5, max_overflow=10, pool_timeout=wait)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_con: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (below), so writers can take the write lock at the start with BEGIN
            # IMMEDIATE and wait for it within the busy timeout, instead of failing on a lock upgrade.
            dbapi_con.isolation_level = None
            cur = dbapi_con.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable across application crashes in WAL mode
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    if parsed.get_backend_name() == "postgresql":
        ms = int(wait * 1000)
        options = f"-c lock_timeout={ms} -c statement_timeout={ms * 6} -c idle_in_transaction_session_timeout=60000"
        return sa.create_engine(url, connect_args={"options": options, "connect_timeout": max(1, int(wait))},
                                pool_size=5, max_overflow=10, pool_timeout=wait, pool_pre_ping=True)
    raise AppDbError(f"{URL_ENV} må være en sqlite:// eller postgresql+psycopg:// adresse, ikke «{parsed.drivername}»")


def engine(db: Path | str | None = None) -> Engine:
    """The engine for the analytic file's application database, created and migrated at first use."""
    url = url_for(db)
    with _engines_lock:
        eng = _engines.get(url)
        if eng is None:
            eng = _engines[url] = _make_engine(url)
        if url not in _migrated:
            with _translate():
                upgrade(eng)
            _migrated.add(url)
    return eng


def dispose_all() -> None:
    """Close every pooled connection (tests that remove databases call this)."""
    with _engines_lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()
        _migrated.clear()


# ---------------------------------------------------------------------------------------------------------
# Migrations (Alembic, run from code)
# ---------------------------------------------------------------------------------------------------------


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(eng: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`. Concurrent first starts are serialised (a lock file beside the SQLite file;
    an advisory lock in PostgreSQL), so the second process finds the schema done."""
    from alembic import command

    with contextlib.ExitStack() as stack:
        if eng.dialect.name == "sqlite":
            lock = stack.enter_context(open(str(eng.url.database) + ".migrate-lock", "a+"))
            fcntl.flock(lock, fcntl.LOCK_EX)
        conn = stack.enter_context(eng.connect())
        with conn.begin():
            if eng.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(_alembic_config(conn), revision)


def revision(db: Path | str | None = None) -> str | None:
    """The schema revision the application database is at."""
    from alembic.runtime.migration import MigrationContext

    with engine(db).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# ---------------------------------------------------------------------------------------------------------
# Connections with bounded waits
# ---------------------------------------------------------------------------------------------------------


def _is_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return (code in ("55P03", "57014", "40P01", "40001") or "database is locked" in text
            or "database table is locked" in text or "lock timeout" in text or "statement timeout" in text)


@contextlib.contextmanager
def _translate() -> Iterator[None]:
    try:
        yield
    except sa.exc.TimeoutError as exc:  # no pooled connection became free in time
        raise AppDbBusy(BUSY_MESSAGE) from exc
    except sa.exc.OperationalError as exc:
        if _is_busy(exc):
            raise AppDbBusy(BUSY_MESSAGE) from exc
        raise AppDbUnavailable(UNAVAILABLE_MESSAGE) from exc
    except sa.exc.DBAPIError as exc:
        if _is_busy(exc):
            raise AppDbBusy(BUSY_MESSAGE) from exc
        raise


@contextlib.contextmanager
def writing(db: Path | str | None = None) -> Iterator[Connection]:
    """One transaction that takes the write lock at once (BEGIN IMMEDIATE in SQLite), committed on success.
    A wait longer than the timeout raises AppDbBusy; nothing is written then."""
    with _translate():
        eng = engine(db)
        with eng.connect().execution_options(write=True) as conn, conn.begin():
            yield conn


@contextlib.contextmanager
def reading(db: Path | str | None = None) -> Iterator[Connection]:
    """A read transaction: a consistent view of the committed records, without blocking writers."""
    with _translate():
        eng = engine(db)
        with eng.connect() as conn, conn.begin():
            yield conn


def insert_id(conn: Connection, table: sa.Table, values: dict[str, Any]) -> int:
    """Insert one row and return its generated id (RETURNING works in SQLite >= 3.35 and PostgreSQL)."""
    pk = next(iter(table.primary_key.columns))
    return int(conn.execute(table.insert().values(**values).returning(pk)).scalar_one())


def audit(conn: Connection, who: str, action: str, target: str = "", detail: str = "") -> None:
    """Record a write (who did what, to what, when) in the same transaction as the write."""
    conn.execute(audit_log.insert().values(logged_at=datetime.now(), who=who, action=action, target=target,
                                           detail=detail))


def log_import(db: Path | str | None, *, file_name: str, sha256: str, kind: str, rows: int, who: str, outcome: str,
               message: str = "", import_id: int | None = None, new: int | None = None, changed: int | None = None,
               unchanged: int | None = None, problems: int | None = None, first_problem: str | None = None) -> None:
    """One row of the import log (a published import or a refused file), with its audit entry."""
    with writing(db) as conn:
        conn.execute(import_log.insert().values(
            import_id=import_id, file_name=file_name, sha256=sha256, kind=kind, rows=rows, new_rows=new,
            changed_rows=changed, unchanged_rows=unchanged, who=who, logged_at=datetime.now(), outcome=outcome,
            message=message, problems=problems, first_problem=first_problem))
        action = f"import {kind}" if outcome == "importert" else f"avvist import {kind}"
        audit(conn, who, action, file_name, message)


# ---------------------------------------------------------------------------------------------------------
# Taking over the app records of an analytic file made before this database existed
# ---------------------------------------------------------------------------------------------------------

LEGACY_TABLES = ("meetings", "followups", "followup_history", "comments", "priorities", "priority_history",
                 "practices", "audit_log", "import_log")


def _duck_rows(con: duckdb.DuckDBPyConnection, table: str, order: str) -> list[dict[str, Any]]:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()
    if not exists or not exists[0]:
        return []
    cur = con.execute(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608 - fixed table names above
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def take_over_legacy(con: duckdb.DuckDBPyConnection, db: Path | str | None) -> dict[str, int]:
    """Copy the app records an old analytic file kept (meetings, follow-up points, comments, priorities,
    experiences, audit and import logs, and the refused-file log beside it) into the application database.

    Runs inside the analytic store's migration that drops those tables, before it publishes. Ids are given anew
    (and references remapped), so records already in a shared database are never overwritten. A marker keyed by
    the file's data version and publish time makes a retried migration copy nothing twice. Returns rows per table.
    """
    path = Path(db) if db is not None else None
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall()) if _duck_rows(con, "meta", "key") else {}
    source = f"{path.name if path else 'navdash.duckdb'}|{meta.get('data_version', '0')}|{meta.get('published_at', '')}"
    data = {t: _duck_rows(con, t, o) for t, o in (
        ("meetings", "meeting_id"), ("followups", "followup_id"), ("followup_history", "changed_at"),
        ("comments", "unit_id, indicator_id, period"), ("priorities", "unit_id, year, no"),
        ("priority_history", "changed_at"), ("practices", "practice_id"), ("audit_log", "logged_at"),
        ("import_log", "import_id"))}
    refused = _refused_file_log(path)
    counts = {t: len(rows) for t, rows in data.items()}
    counts["avvist"] = len(refused)
    if not any(counts.values()):
        return counts
    with writing(path) as conn:
        if conn.execute(sa.select(legacy_imports.c.source).where(legacy_imports.c.source == source)).first():
            return {t: 0 for t in counts}
        meeting_ids: dict[int, int] = {}
        for r in data["meetings"]:
            same_month = conn.execute(sa.select(meetings.c.meeting_id).where(
                meetings.c.fylke_id == r["fylke_id"], meetings.c.period == r["period"])).scalar()
            if same_month is not None:  # one meeting per fylke and month: its points join the one already there
                meeting_ids[r["meeting_id"]] = int(same_month)
                continue
            snapshot = json.loads(r["snapshot"]) if isinstance(r["snapshot"], str) else r["snapshot"]
            if snapshot.get("previous_meeting_id") in meeting_ids:
                snapshot["previous_meeting_id"] = meeting_ids[snapshot["previous_meeting_id"]]
            meeting_ids[r["meeting_id"]] = insert_id(conn, meetings, {
                **{k: r[k] for k in ("fylke_id", "period", "data_version", "opened_by", "opened_at")},
                "snapshot": json.dumps(snapshot)})
        followup_ids: dict[int, int] = {}
        for r in data["followups"]:
            followup_ids[r["followup_id"]] = insert_id(conn, followups, {
                **{k: r[k] for k in ("unit_id", "text", "responsible", "due", "status", "created_by", "created_at")},
                "meeting_id": meeting_ids[r["meeting_id"]]})
        for r in data["followup_history"]:
            conn.execute(followup_history.insert().values(
                **{k: r[k] for k in ("status", "note", "changed_by", "changed_at")},
                followup_id=followup_ids[r["followup_id"]], meeting_id=meeting_ids.get(r["meeting_id"])))
        if data["comments"]:
            conn.execute(comments.delete().where(sa.tuple_(comments.c.unit_id, comments.c.indicator_id,
                                                           comments.c.period).in_(
                [(r["unit_id"], r["indicator_id"], r["period"]) for r in data["comments"]])))
            conn.execute(comments.insert(), data["comments"])
        for r in data["priorities"]:
            conn.execute(priorities.delete().where(priorities.c.unit_id == r["unit_id"],
                                                   priorities.c.year == r["year"], priorities.c.no == r["no"]))
            conn.execute(priorities.insert().values(**{**r, "indicators": list(r["indicators"] or [])}))
        for r in data["priority_history"]:
            conn.execute(priority_history.insert().values(**{**r, "indicators": list(r["indicators"] or [])}))
        for r in data["practices"]:
            insert_id(conn, practices, {**{k: v for k, v in r.items() if k != "practice_id"},
                                        "indicators": list(r["indicators"] or [])})
        if data["audit_log"]:
            conn.execute(audit_log.insert(), data["audit_log"])
        for r in data["import_log"]:
            conn.execute(import_log.insert().values(**r))
        for r in refused:
            conn.execute(import_log.insert().values(
                file_name=r.get("file_name", ""), sha256=r.get("sha256", ""), kind=r.get("kind", ""),
                rows=r.get("rows", 0), who=r.get("who", ""), logged_at=datetime.fromisoformat(r["at"]),
                outcome="avvist", problems=r.get("problems"), first_problem=r.get("first_problem")))
        conn.execute(legacy_imports.insert().values(
            source=source, imported_at=datetime.now(),
            summary=", ".join(f"{t}: {n}" for t, n in counts.items() if n)))
    return counts


def _refused_file_log(path: Path | None) -> list[dict[str, Any]]:
    """The refused-file log older versions kept beside the analytic file (`<db>.avvist.jsonl`)."""
    if path is None:
        return []
    log = path.with_name(path.name + ".avvist.jsonl")
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, KeyError):
            entry = json.loads(line)
            datetime.fromisoformat(entry["at"])
            out.append(entry)
    return out
