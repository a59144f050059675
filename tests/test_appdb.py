"""The application database: what users write goes there, under SQLite and PostgreSQL, and the analytic file is
left byte for byte as it was; old files hand their app records over once; writers wait only so long."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from navdash import access, appdb, goals, ingest, meetings, practices, store
from tests.conftest import DATA, SMALL_KINDS, TODAY, app_rows, fingerprint

FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # fylkesleder for 0300 Oslo
LEDER = access.DEMO_PERSONAS["leder"]  # leder for 0312
PRIORITIES = [{"tittel": "Unge i arbeid", "begrunnelse": "Flere unge", "indikatorer": ["B.15"]},
              {"tittel": "Flere i jobb", "begrunnelse": None, "indikatorer": "B.15;B.47"},
              {"tittel": "Raskere saksbehandling", "begrunnelse": "Kø", "indikatorer": []}]


def analytic_state(db: Path) -> tuple[str, int]:
    return fingerprint(db), store.data_version(db)


def test_app_writes_never_touch_the_analytic_file(appdb_backend: str, demo_db: Path):
    before = analytic_state(demo_db)

    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Lavere enn ventet")
    assert analytic_state(demo_db) == before
    assert meetings.comments_for(demo_db, "0312", "2022-12")["B.15"].text == "Lavere enn ventet"

    meeting = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    point = meetings.add_followup(demo_db, FYLKESLEDER, "0312", meeting, "Se på unge")
    meetings.update_followup(demo_db, LEDER, point, status="pågår", note="I gang", meeting_id=meeting)
    assert analytic_state(demo_db) == before
    assert [(f.text, f.status) for f in meetings.followups_created_in(demo_db, "0312", meeting)] == [
        ("Se på unge", "pågår")]
    assert meetings.load_meeting(demo_db, meeting).snapshot.data_version == before[1]

    result = goals.save_priorities(demo_db, LEDER, "0312", 2023, PRIORITIES)
    assert result.created == (1, 2, 3) and result.data_version == before[1]
    assert analytic_state(demo_db) == before
    assert [p.title for p in goals.view(demo_db, "0312", 2023).priorities] == [
        "Unge i arbeid", "Flere i jobb", "Raskere saksbehandling"]

    practice = practices.register(demo_db, LEDER, {"enhet": "0312", "tittel": "Ungdomsteam", "hva": "Egne veiledere",
                                                   "indikatorer": ["B.47"], "fra": "2021-04"})
    assert analytic_state(demo_db) == before
    assert [p.practice_id for p in practices.search(demo_db, indicator="B.47")] == [practice]
    assert practices.counts_by_indicator(demo_db)["B.47"] == 1

    actions = [a for (a,) in app_rows(demo_db, "SELECT action FROM audit_log WHERE who <> 'demo'")]
    assert sorted(actions) == sorted(["kommentar", "åpnet møte", "nytt oppfølgingspunkt", "endret oppfølgingspunkt",
                                      "prioriteringer lagret", "erfaring registrert"])
    if appdb_backend == "sqlite":
        assert appdb.sqlite_path(demo_db).exists() and appdb.url_for(demo_db).startswith("sqlite:///")
    else:
        assert appdb.url_for(demo_db).startswith("postgresql+psycopg://")
        assert not appdb.sqlite_path(demo_db).exists()  # nothing was written beside the analytic file


def test_schema_is_at_the_newest_alembic_revision(appdb_backend: str, tmp_path: Path):
    from alembic.script import ScriptDirectory

    db = tmp_path / "ny.duckdb"
    head = ScriptDirectory(str(appdb.MIGRATIONS)).get_current_head()
    assert appdb.revision(db) == head
    with appdb.engine(db).connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert {t.name for t in appdb.metadata.sorted_tables} <= tables
    appdb.dispose_all()
    appdb.upgrade(appdb.engine(db))  # a second start finds nothing to do
    assert appdb.revision(db) == head


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(appdb.URL_ENV, raising=False)
    monkeypatch.setenv(appdb.TIMEOUT_ENV, "2.5")
    db = tmp_path / "x.duckdb"
    with appdb.reading(db) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500


def test_an_unknown_database_address_is_refused_in_norwegian(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(appdb.URL_ENV, "mysql://x@y/z")
    with pytest.raises(appdb.AppDbError, match="må være en sqlite:// eller postgresql"):
        appdb.engine(tmp_path / "x.duckdb")


# --- bounded waits ------------------------------------------------------------------------------------------------


def _hold_write_lock(db: Path, backend: str):  # noqa: ANN202 - a DB-API connection holding the lock
    appdb.engine(db)  # the schema exists before another connection locks it
    if backend == "sqlite":
        con = sqlite3.connect(appdb.sqlite_path(db), isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        return con
    import psycopg

    url = sa.make_url(appdb.url_for(db))
    con = psycopg.connect(dbname=url.database, user=url.username, host=url.query.get("host"),
                          port=url.query.get("port") or url.port)
    con.execute("LOCK TABLE comments, audit_log IN ACCESS EXCLUSIVE MODE")
    return con


def test_a_writer_stops_waiting_and_says_so_in_norwegian(appdb_backend: str, small_db: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(appdb.TIMEOUT_ENV, "0.3")
    appdb.dispose_all()
    fylkesleder = access.User("Fylkesleder", "fylkesleder", "0300")
    holder = _hold_write_lock(small_db, appdb_backend)
    try:
        with pytest.raises(appdb.AppDbBusy, match="opptatt akkurat nå, og ingenting ble lagret"):
            meetings.write_comment(small_db, fylkesleder, "0312", "B.15", "2021-12", "Venter ikke for evig")
    finally:
        holder.rollback() if appdb_backend == "postgresql" else holder.execute("ROLLBACK")
        holder.close()
    assert meetings.comments_for(small_db, "0312", "2021-12") == {}
    meetings.write_comment(small_db, fylkesleder, "0312", "B.15", "2021-12", "Nå gikk det")
    assert meetings.comments_for(small_db, "0312", "2021-12")["B.15"].text == "Nå gikk det"


def test_a_comment_during_a_running_import_does_not_wait_for_it(small_db: Path):
    fylkesleder = access.User("Fylkesleder", "fylkesleder", "0300")
    with open(small_db.with_name(small_db.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the analytic store's writer lock, as a running import holds it
        meetings.write_comment(small_db, fylkesleder, "0312", "B.15", "2021-12", "Skrevet under importen")
        assert meetings.comments_for(small_db, "0312", "2021-12")["B.15"].text == "Skrevet under importen"


# --- an analytic file made before the application database existed ----------------------------------------------


def build_pre_appdb_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file as the code before the application database leaves it (every migration before the one that moves the
    app records): the app records inside the DuckDB file, written with the same statements that code used, and
    refused files in `<db>.avvist.jsonl`."""
    before = store.APP_RECORDS_MOVED - 1
    with monkeypatch.context() as m:
        m.setattr(store, "MIGRATIONS", store.MIGRATIONS[:before])
        m.setattr(store, "SCHEMA_VERSION", before)
        with store.writing(path, who="test") as con:
            # Today's import checks the rules between indicators, a table the old file does not have: an empty
            # temporary one stands in for it and is not stored in the file.
            con.execute("CREATE TEMP TABLE validation_rules AS SELECT 1 AS rule_id WHERE false")
            # Today's units import also writes the classifications (a later migration): the columns are there for
            # the import and dropped again before the old file is left behind.
            classes = ("size_class", "user_mix", "centrality")
            for column in classes:
                con.execute(f"ALTER TABLE units ADD COLUMN {column} VARCHAR")
            for kind in SMALL_KINDS:
                report = ingest.import_into(con, kind, DATA / f"{kind}.csv", who="test", today=TODAY)
                assert report.ok, report.full_report()
                con.execute(
                    "INSERT INTO import_log (import_id, file_name, sha256, kind, rows, new_rows, changed_rows, "
                    "unchanged_rows, who, logged_at, outcome, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [report.import_id, f"{kind}.csv", report.sha256, kind, report.rows, report.new, report.changed,
                     report.unchanged, "test", datetime(2026, 1, 1), "importert", report.summary()])
            for column in classes:
                con.execute(f"ALTER TABLE units DROP COLUMN {column}")
            snapshot = {"fylke_id": "0300", "fylke_name": "Oslo", "period": "2021-11", "period_label": "november 2021",
                        "data_version": 0, "previous_period": None, "previous_meeting_id": None, "offices": []}
            for period, opened in (("2021-11", datetime(2021, 12, 1, 9)), ("2021-12", datetime(2022, 1, 5, 9))):
                con.execute(
                    """INSERT INTO meetings (fylke_id, period, data_version, opened_by, opened_at, snapshot)
                       VALUES (?, ?, ?, ?, ?, ?) RETURNING meeting_id""",
                    ["0300", period, 0, "Fylkesleder", opened, json.dumps({**snapshot, "period": period})])
            con.execute(
                """INSERT INTO followups (unit_id, meeting_id, text, responsible, due, status, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, 'åpen', ?, ?) RETURNING followup_id""",
                ["0312", 1, "Gå gjennom oppfølgingen av unge", "Kontorleder", date(2022, 1, 31), "Fylkesleder",
                 datetime(2021, 12, 1, 10)])
            con.execute("INSERT INTO followup_history VALUES (?, ?, 'åpen', ?, ?, ?)",
                        [1, 1, "Opprettet", "Fylkesleder", datetime(2021, 12, 1, 10)])
            con.execute("UPDATE followups SET status = ? WHERE followup_id = ?", ["pågår", 1])
            con.execute("INSERT INTO followup_history VALUES (?, ?, ?, ?, ?, ?)",
                        [1, 2, "pågår", "Startet", "Leder", datetime(2022, 1, 5, 10)])
            con.execute("INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?)",
                        ["0312", "B.15", "2021-12", "Lavere enn ventet", "Fylkesleder", datetime(2022, 1, 5, 11)])
            for no, title in ((1, "Unge i arbeid"), (2, "Flere i jobb"), (3, "Raskere saksbehandling")):
                con.execute("INSERT INTO priorities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            ["0312", 2021, no, title, None, ["B.15"], "Leder", datetime(2021, 2, 1)])
                con.execute("INSERT INTO priority_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            ["0312", 2021, no, title, None, ["B.15"], "opprettet", "Leder", datetime(2021, 2, 1)])
            con.execute(
                """INSERT INTO practices (unit_id, title, what, for_whom, indicators, effect, theme, first_period,
                       last_period, contact, registered_by, registered_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING practice_id""",
                ["0312", "Ungdomsteam", "Egne veiledere", None, ["B.15", "B.31"], None, "Ungdom", "2021-04", None, None,
                 "Leder", datetime(2021, 5, 1)])
            con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)",
                        [datetime(2022, 1, 5, 11), "Fylkesleder", "kommentar", "0312 B.15 2021-12", ""])
    entry = {"file_name": "feil.csv", "sha256": "ab", "kind": "verdier", "rows": 3, "who": "kari",
             "at": "2022-02-01T08:00:00", "outcome": "avvist", "problems": 1, "first_problem": "rad 3: feil"}
    path.with_name(path.name + ".avvist.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")


def test_an_old_database_hands_its_app_records_over_once(appdb_backend: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "gammel.duckdb"
    build_pre_appdb_database(db, monkeypatch)
    with store.reading(db) as con:
        assert store.schema_version(con) == store.APP_RECORDS_MOVED - 1
        assert con.execute("SELECT count(*) FROM comments").fetchone() == (1,)

    assert store.ensure_database(db) is True  # first start
    with store.reading(db) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables.isdisjoint(appdb.LEGACY_TABLES)

    assert [(m.meeting_id, m.period) for m in meetings.meetings_for(db, "0300")] == [(2, "2021-12"), (1, "2021-11")]
    carried = meetings.carried_over(db, "0312", 2)
    assert [(f.followup_id, f.status, f.due) for f in carried] == [(1, "pågår", date(2022, 1, 31))]
    assert [(h.status, h.note, h.meeting_id) for h in meetings.history(db, 1)] == [
        ("åpen", "Opprettet", 1), ("pågår", "Startet", 2)]
    assert meetings.comments_for(db, "0312", "2021-12")["B.15"].text == "Lavere enn ventet"
    assert [p.title for p in goals.view(db, "0312", 2021).priorities] == [
        "Unge i arbeid", "Flere i jobb", "Raskere saksbehandling"]
    assert len(goals.history(db, "0312", 2021)) == 3
    [practice] = practices.search(db, indicator="B.31")
    assert (practice.title, practice.indicators) == ("Ungdomsteam", ("B.15", "B.31"))
    assert app_rows(db, "SELECT who FROM audit_log WHERE action = 'kommentar'") == [("Fylkesleder",)]
    log = app_rows(db, "SELECT kind, outcome, import_id FROM import_log ORDER BY log_id")
    assert [(k, o) for k, o, _ in log] == [*((k, "importert") for k in SMALL_KINDS), ("verdier", "avvist")]
    with store.reading(db) as con:  # the values still point at their import's log row
        ids = {i for (i,) in con.execute('SELECT DISTINCT import_id FROM "values"').fetchall()}
    assert ids == {i for k, _, i in log if k == "verdier" and i is not None}

    # Once only: a second start does nothing, and a repeated hand-over of the same file copies nothing twice.
    assert store.ensure_database(db) is False
    old = tmp_path / "igjen.duckdb"
    build_pre_appdb_database(old, monkeypatch)
    with store.reading(old) as con:
        first = appdb.take_over_legacy(con, old)
        second = appdb.take_over_legacy(con, old)
    assert first["comments"] == 1 and not any(second.values())


# --- pages read app records fresh ---------------------------------------------------------------------------------


def test_a_comment_shows_at_once_without_a_new_data_version(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    from navdash import scorecard
    from tests.pagetest import app, body_rows, html_tables

    builds = []
    real = scorecard.load
    monkeypatch.setattr(scorecard, "load", lambda *a, **k: builds.append(a) or real(*a, **k))
    version = store.data_version(demo_db)
    first = app(demo_db, monkeypatch, "views/malekort.py", enhet="0312", periode="2021-12")
    assert "Kommentar" not in " ".join(" ".join(r) for r in body_rows(html_tables(first)[0]))
    built = len(builds)
    assert built >= 1
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.47", "2021-12", "Ungdomsteamet virker")
    first.run()  # the same session, caches kept: the målekort is not recomputed, the comment is read fresh
    text = " ".join(" ".join(r) for r in body_rows(html_tables(first)[0]))
    assert "Kommentar: Ungdomsteamet virker" in text
    assert store.data_version(demo_db) == version
    assert len(builds) == built  # the cached målekort served the rerun: the comment invalidated nothing


def test_meetings_opened_twice_for_a_month_are_merged_by_the_migration(tmp_path: Path):
    """A database from before the one-meeting-per-month rule: the later copy's follow-up points move to the first
    meeting, the copy goes, and the unique index is in place."""
    from datetime import datetime

    eng = sa.create_engine(f"sqlite:///{tmp_path / 'gammel.app.sqlite'}")
    appdb.upgrade(eng, "0001")
    t0 = datetime(2026, 1, 5, 9, 0)
    with eng.begin() as conn:
        ids = [int(conn.execute(sa.text(
            "INSERT INTO meetings (fylke_id, period, data_version, opened_by, opened_at, snapshot) "
            "VALUES (:f, :p, 1, 'x', :t, '{}') RETURNING meeting_id"),
            {"f": f, "p": p, "t": t0.replace(minute=i)}).scalar_one())
            for i, (f, p) in enumerate([("0300", "2022-11"), ("0300", "2022-11"), ("1100", "2022-11")])]
        conn.execute(sa.text(
            "INSERT INTO followups (unit_id, meeting_id, text, status, created_by, created_at) "
            "VALUES ('0312', :m, 'punkt', 'åpen', 'x', :t)"), {"m": ids[1], "t": t0})
        conn.execute(sa.text(
            "INSERT INTO followup_history (followup_id, meeting_id, status, changed_by, changed_at) "
            "VALUES (1, :m, 'åpen', 'x', :t)"), {"m": ids[1], "t": t0})
    appdb.upgrade(eng)
    with eng.begin() as conn:
        assert [tuple(r) for r in conn.execute(sa.text(
            "SELECT meeting_id, fylke_id FROM meetings ORDER BY meeting_id"))] == [(ids[0], "0300"), (ids[2], "1100")]
        assert conn.execute(sa.text("SELECT meeting_id FROM followups")).scalar_one() == ids[0]
        assert conn.execute(sa.text("SELECT meeting_id FROM followup_history")).scalar_one() == ids[0]
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("INSERT INTO meetings (fylke_id, period, data_version, opened_by, opened_at, "
                                 "snapshot) VALUES ('0300', '2022-11', 1, 'y', :t, '{}')"), {"t": t0})
    eng.dispose()
