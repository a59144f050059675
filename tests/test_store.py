"""The store: versioned migrations, serialised writers, read-only snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from navdash import store

ROOT = Path(__file__).resolve().parent.parent


def test_new_database_has_current_schema(tmp_path: Path):
    db = tmp_path / "n.duckdb"
    store.ensure_database(db)
    with store.reading(db) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        versions = [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    assert versions == [m[0] for m in store.MIGRATIONS]


def test_old_database_is_migrated_and_keeps_its_data(tmp_path: Path, monkeypatch):
    db = tmp_path / "old.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    monkeypatch.setattr(store, "SCHEMA_VERSION", 1)
    with store.writing(db) as con:
        con.execute("INSERT INTO units VALUES ('0000', 'Norge', 'land', NULL, NULL, NULL, NULL, NULL, NULL)")
    monkeypatch.undo()
    store.forget_snapshots()
    with store.reading(db) as con:
        assert store.schema_version(con) == 1
    assert store.ensure_database(db) is True
    with store.reading(db) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        assert con.execute("SELECT name FROM units").fetchone() == ("Norge",)
    assert store.ensure_database(db) is False  # nothing to do the second time


def test_failed_write_leaves_published_file_untouched(small_db: Path):
    before = small_db.read_bytes()
    with pytest.raises(RuntimeError), store.writing(small_db) as con:
        con.execute("DELETE FROM units")
        raise RuntimeError("boom")
    assert small_db.read_bytes() == before
    assert not list(small_db.parent.glob("*.work-*"))


def test_data_version_increases_with_each_publish(small_db: Path):
    v = store.data_version(small_db)
    with store.writing(small_db, who="test") as con:
        con.execute("DELETE FROM survey_counts")
    assert store.data_version(small_db) == v + 1
    assert store.meta(small_db)["published_by"] == "test"


def test_a_reader_keeps_its_version_while_a_new_one_is_published(small_db: Path):
    with store.reading(small_db) as old:
        with store.writing(small_db) as con:
            con.execute("DELETE FROM survey_counts")
        assert old.execute("SELECT count(*) FROM survey_counts").fetchone() == (2,)
        with store.reading(small_db) as new:
            assert new.execute("SELECT count(*) FROM survey_counts").fetchone() == (0,)


def test_readers_cannot_write(small_db: Path):
    with store.reading(small_db) as con, pytest.raises(duckdb.Error):
        con.execute("DELETE FROM units")


WRITER = """
import sys
from pathlib import Path
from navdash import store
db, unit = Path(sys.argv[1]), sys.argv[2]
with store.writing(db) as con:
    n = con.execute("SELECT count(*) FROM units").fetchone()[0]
    import time; time.sleep(0.5)  # widen the window in which a lost update would happen
    con.execute("INSERT INTO units (unit_id, name, type, parent_id) VALUES (?, 'Test', 'kontor', '0300')", [unit])
"""


def test_concurrent_writers_are_serialised_so_no_update_is_lost(small_db: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(small_db), unit], cwd=ROOT, env=env)
             for unit in ("0391", "0392", "0393")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    store.forget_snapshots()
    with store.reading(small_db) as con:
        got = {u for (u,) in con.execute("SELECT unit_id FROM units WHERE unit_id LIKE '039%'").fetchall()}
    assert got == {"0391", "0392", "0393"}


def test_busy_writer_times_out_with_a_norwegian_message(small_db: Path):
    with store.writing(small_db), pytest.raises(store.StoreBusy, match="opptatt"), \
            store.writing(small_db, timeout=0.2):
        pass


def test_missing_database_says_how_to_create_it(tmp_path: Path):
    with pytest.raises(store.DatabaseMissing, match="python -m navdash init --demo"), \
            store.reading(tmp_path / "nope.duckdb"):
        pass


def test_db_path_follows_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NAVDASH_DB", str(tmp_path / "x.duckdb"))
    assert store.db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("NAVDASH_DB")
    assert store.db_path().name == "navdash.duckdb" and store.db_path().parent.name == "data"
