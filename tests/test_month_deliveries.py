"""The month coverage computed from the shared deliveries table (aggregate.MonthDeliveries) is the coverage the
query over every value gave: checked against that query, kept here as the reference, for every unit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from navdash import aggregate, ingest, store

# The coverage as one query over every value, as it was computed before the deliveries table (the reference).
REFERENCE_SQL = "WITH RECURSIVE" + aggregate._TREE_CTES + """,
months AS (SELECT DISTINCT period, year, period_no FROM "values" WHERE period_kind = 'M'),
reporters AS (
    SELECT u.unit_id, u.valid_from, u.valid_to FROM units u JOIN leaves l USING (unit_id)
    WHERE EXISTS (SELECT 1 FROM "values" v WHERE v.unit_id = u.unit_id)
),
delivered AS (
    SELECT v.period, count(DISTINCT v.unit_id) AS reported
    FROM "values" v JOIN leaves l USING (unit_id)
    WHERE v.period_kind = 'M' AND ($period IS NULL OR v.period = $period) GROUP BY v.period
),
own AS (SELECT DISTINCT v.period FROM "values" v JOIN members USING (unit_id)
        WHERE v.period_kind = 'M' AND ($period IS NULL OR v.period = $period))
SELECT m.period, coalesce(any_value(d.reported), 0) AS reported, count(r.unit_id) AS expected,
       m.period IN (SELECT period FROM own) AS loaded
FROM (SELECT * FROM months WHERE $period IS NULL OR period = $period) m LEFT JOIN delivered d USING (period)
LEFT JOIN reporters r ON (r.valid_from IS NULL OR r.valid_from <= last_day(make_date(CAST(m.year AS INTEGER),
                                                                                     CAST(m.period_no AS INTEGER), 1)))
                     AND (r.valid_to IS NULL OR r.valid_to >= make_date(CAST(m.year AS INTEGER),
                                                                        CAST(m.period_no AS INTEGER), 1))
GROUP BY m.period
ORDER BY m.period DESC
"""

# A fylke of its own added to the demo: an office closed without a successor (on the first day of a month), a chain
# of mergers (9903 into 9904 into 9901, which has figures of its own only from 2022-06), an office opened late, one
# that reports only tertials, one that never reports, the fylke's own figures for one month, and months only some
# offices have delivered.
EXTRA_UNITS = """9900,NAV Prøvefylke,fylke,0000,,100,2006-07-01,,,,,
9901,NAV Prøve A,kontor,9900,,10,2006-07-01,,,,,
9902,NAV Prøve B (nedlagt),kontor,9900,,10,2006-07-01,2022-07-01,,,,
9903,NAV Prøve C,kontor,9900,,10,2006-07-01,2021-12-31,9904,,,
9904,NAV Prøve D,kontor,9900,,10,2006-07-01,2022-08-31,9901,,,
9905,NAV Prøve E,kontor,9900,,10,2022-03-01,,,,,
9906,NAV Prøve F,kontor,9900,,10,2006-07-01,,,,,
9907,NAV Prøve G,kontor,9900,,10,2006-07-01,,,,,
"""
EXTRA_VALUES = {
    "9901": [f"2022-{m:02d}" for m in range(6, 13)] + ["2023-01"],
    "9902": [f"2021-{m:02d}" for m in range(1, 13)] + [f"2022-{m:02d}" for m in range(1, 6)],
    "9903": [f"2021-{m:02d}" for m in range(1, 12)],
    "9904": [f"2021-{m:02d}" for m in range(6, 13)] + [f"2022-{m:02d}" for m in range(1, 9)],
    "9905": [f"2022-{m:02d}" for m in range(3, 13)],
    "9906": ["2022-T1", "2022-T2"],
    "9900": ["2022-12"],
    "0312": ["2023-01", "2023-02"],  # one Oslo office early: partial months for Oslo and Norge
}


def _import(db: Path, kind: str, text: str, name: str) -> None:
    f = db.parent / name
    f.write_text(text, encoding="utf-8")
    report = ingest.import_file(kind, f, db=db, today=date(2026, 11, 24))
    assert report.ok, report.full_report()


@pytest.fixture
def varied_db(demo_db: Path) -> Path:
    units = (Path(__file__).parent.parent / "data" / "demo" / "enheter.csv").read_text(encoding="utf-8")
    _import(demo_db, "enheter", units.rstrip("\n") + "\n" + EXTRA_UNITS, "enheter.csv")
    rows = [f"{unit},B.15,{period},4,10," for unit, periods in EXTRA_VALUES.items() for period in periods]
    _import(demo_db, "verdier", "enhet,indikator,periode,teller,nevner,verdi\n" + "\n".join(rows) + "\n", "v.csv")
    return demo_db


def _reference(con, unit: str, period: str | None = None) -> list[aggregate.MonthCoverage]:
    rows = con.execute(REFERENCE_SQL, {"unit": unit, "period": period}).fetchall()
    return [aggregate.MonthCoverage(p, int(r), int(e), bool(loaded)) for p, r, e, loaded in rows]


def _check_every_unit(db: Path, until: str | None) -> int:
    """Compare for every unit (and one that does not exist), for all months and for single months; return how many
    month entries were compared."""
    compared = 0
    with store.reads_limited(until), store.reading(db) as con:
        deliveries = aggregate.month_deliveries(con)
        units = [u for (u,) in con.execute("SELECT unit_id FROM units ORDER BY unit_id").fetchall()] + ["9999"]
        for unit in units:
            expected = _reference(con, unit)
            assert aggregate.month_coverage(deliveries, unit) == expected, unit
            assert aggregate.latest_complete_month(deliveries, unit) == next(
                (c.period for c in expected if c.complete), None), unit
            for month in ([c.period for c in expected[:3]] + ["2031-01"]):
                assert aggregate.month_coverage(deliveries, unit, month) == _reference(con, unit, month), (unit, month)
            compared += len(expected)
    return compared


@pytest.mark.parametrize("until", [None, "2022-06", store.NOTHING])
def test_coverage_from_the_deliveries_table_is_the_query_over_every_value(demo_db: Path, until: str | None):
    compared = _check_every_unit(demo_db, until)
    assert compared == 0 if until == store.NOTHING else compared > 1000


@pytest.mark.parametrize("until", [None, "2022-12", "2022-07", store.NOTHING])
def test_same_with_merged_and_closed_offices_and_partial_months(varied_db: Path, until: str | None):
    compared = _check_every_unit(varied_db, until)
    assert compared == 0 if until == store.NOTHING else compared > 1000
    with store.reads_limited(until), store.reading(varied_db) as con:
        mine = {c.period: c for c in aggregate.month_coverage(con, "9900")}
    if until is None:
        # The fixture has what it is meant to have: a partial month, a merged office counted, the own figures.
        assert (mine["2023-01"].reported, mine["2023-01"].expected) == (1, 3)
        assert mine["2021-06"].expected == 5 and mine["2022-12"].loaded
        assert not mine["2022-11"].complete


def test_a_connection_and_the_shared_table_give_the_same(varied_db: Path):
    with store.reading(varied_db) as con:
        deliveries = aggregate.month_deliveries(con)
        for unit in ("0000", "0300", "9900", "9901", "0312"):
            assert aggregate.month_coverage(con, unit) == aggregate.month_coverage(deliveries, unit)
