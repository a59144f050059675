"""Shared fixtures: small databases built through the real import path."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from navdash import ingest, store

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
def small_db(tmp_path: Path, _small_db_template: Path) -> Path:
    """A private copy of a small database built through the real import path."""
    path = tmp_path / "small.duckdb"
    shutil.copyfile(_small_db_template, path)
    return path


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    yield
    store.forget_snapshots()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, loaded through the real import once per test session."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    ingest.load_demo(path)
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo database: a test may write to it without affecting any other."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return path
