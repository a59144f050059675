"""The documented example files import cleanly into the demo database, in the documented order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from navdash import ingest

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "eksempler"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir()))
def test_example_file_imports(demo_db: Path, name: str):
    kind = name.removesuffix(".csv").removesuffix("_fra_excel")
    report = ingest.import_file(kind, EXAMPLES / name, db=demo_db, today=date(2026, 11, 24), dry_run=True)
    assert report.ok, report.full_report()
    assert report.rows >= 2


def test_every_kind_has_an_example():
    assert {p.name.removesuffix(".csv").removesuffix("_fra_excel") for p in EXAMPLES.iterdir()} == set(
        ingest.KINDS)
