"""Shared fixtures: small databases built through the real import path."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from navdash import appdb, demo, ingest, store

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
BAD = TESTS / "bad_files"
TODAY = date(2026, 11, 24)
SMALL_KINDS = ("enheter", "indikatorer", "verdier", "resultatkrav", "undersokelse")


def build_small_db(path: Path) -> Path:
    for kind in SMALL_KINDS:
        report = ingest.import_file(kind, DATA / f"{kind}.csv", db=path, today=TODAY, who="test")
        assert report.ok, report.full_report()
    return path


def fingerprint(path: Path) -> str:
    """The published file's bytes: a refused import must leave them exactly as they were."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def _small_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_db(tmp_path_factory.mktemp("template") / "small.duckdb")


@pytest.fixture
def small_db(request: pytest.FixtureRequest, tmp_path: Path, _small_db_template: Path) -> Path:
    """A private copy of a small database built through the real import path (with its application database)."""
    if "appdb_backend" in request.fixturenames:
        request.getfixturevalue("appdb_backend")
    return copy_db(_small_db_template, tmp_path / "small.duckdb")


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    yield
    store.forget_snapshots()
    appdb.dispose_all()


# --- the application database: SQLite beside the file, or PostgreSQL -------------------------------------------

PG_URL = os.environ.get("NAVDASH_TEST_PG_URL", "").strip()


def copy_db(src: Path, dst: Path) -> Path:
    """Copy an analytic file and the SQLite application database beside it (through SQLite's backup, so what is
    still in the write-ahead log comes along). Under PostgreSQL the app records are copied into its database."""
    shutil.copyfile(src, dst)
    source = appdb.sqlite_path(src)
    if not source.exists():
        return dst
    if os.environ.get(appdb.URL_ENV):
        _copy_records(f"sqlite:///{source}", os.environ[appdb.URL_ENV], dst)
    else:
        with sqlite3.connect(source) as a, sqlite3.connect(appdb.sqlite_path(dst)) as b:
            a.backup(b)
    return dst


def _copy_records(src_url: str, dst_url: str, dst_db: Path) -> None:
    src = sa.create_engine(src_url)
    with src.connect() as a, appdb.writing(dst_db) as b:
        for table in appdb.metadata.sorted_tables:
            rows = [dict(r) for r in a.execute(table.select()).mappings()]
            if rows:
                b.execute(table.insert(), rows)
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement is True and b.dialect.name == "postgresql":
                b.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                                  f"coalesce((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"))
    src.dispose()


def _fresh_pg_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PostgreSQL is required in CI: scripts/test.sh starts a cluster and sets NAVDASH_TEST_PG_URL")
        pytest.skip("no PostgreSQL for the tests: set NAVDASH_TEST_PG_URL (scripts/test.sh starts a throwaway one)")
    name = f"navdash_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv(appdb.URL_ENV, url)
    try:
        yield url
    finally:
        appdb.dispose_all()
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def appdb_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test against the SQLite file beside the analytic file and against a fresh PostgreSQL database."""
    if request.param == "postgresql":
        yield from (request.param for _ in _fresh_pg_database(monkeypatch))
    else:
        monkeypatch.delenv(appdb.URL_ENV, raising=False)
        yield request.param


def app_rows(db: Path, sql: str, **params: Any) -> list[tuple]:
    """Rows from the application database of `db` (test inspection only)."""
    with appdb.reading(db) as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params).all()]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, loaded through the real import once per test session."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    demo.load_demo(path)
    return path


@pytest.fixture
def demo_db(request: pytest.FixtureRequest, tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo database and its application database: a test may write to it freely."""
    if "appdb_backend" in request.fixturenames:
        request.getfixturevalue("appdb_backend")
    return copy_db(demo_template, tmp_path / "demo.duckdb")


def app_fingerprint(db: Path) -> str:
    """Every row of every table in the application database: a refused write must leave it as it was."""
    h = hashlib.sha256()
    with appdb.reading(db) as conn:
        for table in appdb.metadata.sorted_tables:
            for row in conn.execute(table.select().order_by(*table.primary_key.columns)).all():
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
