"""The demo database, loaded through the real import, reproduces NAV's 2021 målekort for 0000 Norge."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from navdash import aggregate, store
from navdash.periods import Period
from tests.conftest import app_rows

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "malekort_norge_2021.csv"
LOCAL_REFERENCE = Path(__file__).resolve().parent / "data" / "malekort_norge_2021.csv"


def reference_rows() -> list[dict[str, str]]:
    path = REFERENCE if REFERENCE.exists() else LOCAL_REFERENCE
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_reference_copy_matches_shared():
    """The test keeps a copy of the reference so it runs without ../shared; the two must agree."""
    if REFERENCE.exists():
        assert REFERENCE.read_text(encoding="utf-8") == LOCAL_REFERENCE.read_text(encoding="utf-8")
    assert len(reference_rows()) == 14


@pytest.mark.parametrize("row", reference_rows(), ids=lambda r: r["mk_id"])
def test_norge_2021_reproduces_reference(demo_db: Path, row: dict[str, str]):
    ind = row["mk_id"]
    with store.reading(demo_db) as con:
        name, aggregation, measure = con.execute(
            "SELECT name, aggregation, measure FROM indicators WHERE indicator_id = ?", [ind]).fetchone()
        series = aggregate.unit_series(con, "0000", [ind], first_year=2020, last_year=2021)
    assert name == row["navn"]
    assert set(series["source"]) == {"lastet"}  # Norge's numbers are loaded national statistics

    def value(periods: list[Period]) -> float:
        combined = aggregate.combine(aggregate.select_periods(series, periods), aggregation, measure)
        assert combined.periods == len(periods)
        return combined.value

    dec21, dec20 = Period(2021, "M", 12), Period(2020, "M", 12)
    ytd21 = aggregate.year_to_date_periods(dec21, "M")
    got = {
        "denne_perioden_i_aar": value([dec21]),
        "denne_perioden_i_fjor": value([dec20]),
        "hittil_i_aar_i_aar": value(ytd21),
        "hittil_i_aar_i_fjor": value(aggregate.same_periods_last_year(ytd21)),
    }
    for column, figure in got.items():
        assert round(figure) == int(row[column]), f"{ind} {column}: {figure:.2f} vs {row[column]}"


def test_demo_is_labelled_and_complete(demo_db: Path):
    meta = store.meta(demo_db)
    assert meta["demo"] == "ja"
    with store.reading(demo_db) as con:
        offices = dict(con.execute(
            """SELECT parent_id, count(*) FROM units WHERE type = 'kontor' AND valid_to IS NULL
               GROUP BY parent_id""").fetchall())
        assert offices == {"0300": 15, "1100": 20}
        assert con.execute("SELECT count(DISTINCT round) FROM survey_counts").fetchone()[0] == 2
        first, last = con.execute("""SELECT min(period), max(period) FROM "values" WHERE period_kind = 'M'
                                     AND unit_id = '0312'""").fetchone()
        assert first <= "2019-01" and last >= "2022-12"
    assert app_rows(demo_db, "SELECT count(*) FROM priorities")[0][0] >= 15  # in the application database
