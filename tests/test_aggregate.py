"""Aggregation over units (ratio of sums) and over periods (by the catalogue's rule)."""

from __future__ import annotations

import pandas as pd
import pytest

from navdash import aggregate, store
from navdash.periods import Period, parse_period


def series(db, unit):
    with store.reading(db) as con:
        return aggregate.unit_series(con, unit)


def test_fylke_share_is_ratio_of_summed_numerators_not_mean_of_shares(small_db):
    s = series(small_db, "0300")
    row = s[(s.indicator_id == "B.15") & (s.period == "2021-01")].iloc[0]
    # 0312: 40/60, 0313: 30/50 -> 70/110 = 63,64 %, while the mean of the shares would be 63,33 %
    assert (row.numerator, row.denominator, row.n_units, row.source) == (70, 110, 2, "beregnet")
    c = aggregate.combine(s[(s.indicator_id == "B.15") & (s.period == "2021-01")], "forholdstall", "prosent")
    assert c.value == pytest.approx(100 * 70 / 110)
    assert c.value != pytest.approx((100 * 40 / 60 + 100 * 30 / 50) / 2)


def test_own_loaded_value_wins_over_computed(small_db):
    s = series(small_db, "0312")
    assert set(s.source) == {"lastet"}
    row = s[(s.indicator_id == "B.15") & (s.period == "2021-01")].iloc[0]
    assert (row.numerator, row.denominator) == (40, 60)


def test_loaded_value_for_a_level_is_used_instead_of_its_offices(small_db, tmp_path):
    from datetime import date

    from navdash import ingest

    f = tmp_path / "oslo.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0300,B.15,2021-01,500,800,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=small_db, today=date(2026, 11, 24)).ok
    s = series(small_db, "0300")
    row = s[(s.indicator_id == "B.15") & (s.period == "2021-01")].iloc[0]
    assert (row.numerator, row.denominator, row.source) == (500, 800, "lastet")
    assert len(s[(s.indicator_id == "B.15") & (s.period == "2021-01")]) == 1


def test_merged_office_counts_for_its_fylke_in_its_own_time(small_db):
    s = series(small_db, "1100")
    row = s[(s.indicator_id == "B.15") & (s.period == "2019-12")].iloc[0]
    assert (row.numerator, row.denominator, row.source) == (3, 5, "beregnet")


def test_norge_is_computed_from_all_offices_below_it(small_db):
    s = series(small_db, "0000")
    jan = s[(s.indicator_id == "B.15") & (s.period == "2021-01")].iloc[0]
    assert (jan.numerator, jan.denominator, jan.n_units) == (70, 110, 2)


def _rows(values, source="lastet"):
    return pd.DataFrame({
        "period": [f"2021-{i + 1:02d}" for i in range(len(values))],
        "numerator": [v[0] for v in values], "denominator": [v[1] for v in values],
        "value": [v[2] for v in values], "source": source, "n_units": 1,
    })


def test_year_to_date_by_aggregation_rule():
    ratio = _rows([(10, 20, None), (30, 40, None)])
    assert aggregate.combine(ratio, "forholdstall", "prosent").value == pytest.approx(100 * 40 / 60)
    counts = _rows([(None, None, 2000), (None, None, 2400)])
    assert aggregate.combine(counts, "snitt_per_periode", "antall").value == 2200  # a mean per month
    assert aggregate.combine(counts, "sum", "antall").value == 4400
    assert aggregate.combine(counts.iloc[0:0], "sum", "antall").value is None


def test_ratio_with_zero_denominator_is_missing_not_zero():
    assert aggregate.ratio_value(0, 0, "prosent") is None
    assert aggregate.ratio_value(1, 4, "dager") == 0.25


def test_mixed_sources_are_called_mixed():
    computed = _rows([(1, 2, None)], source="beregnet").assign(period="2021-02")
    rows = pd.concat([_rows([(1, 2, None)]), computed])
    assert aggregate.combine(rows, "forholdstall", "prosent").source == "blandet"


@pytest.mark.parametrize(("period", "kind", "expected"), [
    ("2021-12", "M", [f"2021-{m:02d}" for m in range(1, 13)]),
    ("2021-03", "M", ["2021-01", "2021-02", "2021-03"]),
    ("2021-06", "T", ["2021-T1"]),  # T2 is not complete in June
    ("2021-08", "T", ["2021-T1", "2021-T2"]),
    ("2021-12", "Y", ["2021"]),
    ("2021-11", "Y", []),
])
def test_year_to_date_periods(period, kind, expected):
    assert [p.key for p in aggregate.year_to_date_periods(parse_period(period), kind)] == expected


def test_same_periods_last_year():
    assert [p.key for p in aggregate.same_periods_last_year([Period(2021, "M", 12), Period(2021, "T", 1)])] == [
        "2020-12", "2020-T1"]


def _import(db, kind, text, name):
    from datetime import date

    from navdash import ingest

    f = db.parent / name
    f.write_text(text, encoding="utf-8")
    report = ingest.import_file(kind, f, db=db, today=date(2026, 11, 24))
    assert report.ok, report.full_report()


def test_a_percentage_without_base_is_never_summed_over_offices(small_db):
    # S.AL is a percentage loaded as a plain value (snitt_per_periode): 80, 70 and 90 % must not become 240 %.
    _import(small_db, "enheter", "enhet,navn,type,overordnet\n1102,NAV Sandnes,kontor,1100\n", "enheter2.csv")
    _import(small_db, "verdier", "enhet,indikator,periode,teller,nevner,verdi\n"
            "1103,S.AL,2021-01,,,80\n1102,S.AL,2021-01,,,70\n1141,S.AL,2019-01,,,50\n"
            "1103,S.AL,2021-02,,,90\n1102,S.AL,2021-02,,,70\n", "sal.csv")
    s = series(small_db, "1100")
    jan = s[(s.indicator_id == "S.AL") & (s.period == "2021-01")].iloc[0]
    assert jan.value == pytest.approx(75.0)  # (80 + 70) / 2: every office weighs the same
    assert jan.source == "beregnet" and jan.n_units == 2
    from navdash import scorecard
    from navdash.ui.scorecard_view import table_html

    card = scorecard.load("1100", "2021-02", small_db)
    row = next(r for r in card.steering if r.indicator_id == "S.AL")
    assert row.level_mean and row.this_period.value == pytest.approx(80.0)  # (90 + 70) / 2, never 160
    assert "Snitt av kontorene, hvert kontor teller likt" in table_html([row], "1100", "2021-02", "x", True)
    # counts loaded the same way are still summed over offices
    _import(small_db, "verdier", "enhet,indikator,periode,teller,nevner,verdi\n"
            "1103,B.31,2021-05,,,30\n1102,B.31,2021-05,,,12\n", "b31.csv")
    s = series(small_db, "1100")
    assert s[(s.indicator_id == "B.31") & (s.period == "2021-05")].iloc[0].value == 42


def test_a_percentage_summed_is_refused_in_the_catalogue(small_db):
    from datetime import date

    from navdash import ingest

    f = small_db.parent / "ind.csv"
    f.write_text("indikator,navn,perspektiv,resultatkjede,rolle,maaleenhet,polaritet,aggregering\n"
                 "X.P,Andel,bruker,effekt,styringsparameter,prosent,hoy_er_bra,sum\n", encoding="utf-8")
    report = ingest.import_file("indikatorer", f, db=small_db, today=date(2026, 11, 24))
    assert not report.ok
    assert "kan ikke summeres" in report.full_report()


def test_merged_office_counts_in_its_successors_history(small_db):
    # Finnøy (1141) was merged into Stavanger (1103): Stavanger's 2019 includes Finnøy's rows
    with store.reading(small_db) as con:
        own = con.execute("""SELECT period, sum(numerator), sum(denominator) FROM "values"
                             WHERE unit_id IN ('1103', '1141') AND indicator_id = 'B.15' GROUP BY period""").fetchall()
    s = series(small_db, "1103")
    b15 = s[s.indicator_id == "B.15"].set_index("period")
    assert own, "the small data set has B.15 rows for Stavanger or Finnøy"
    for period, num, den in own:
        assert (b15.loc[period, "numerator"], b15.loc[period, "denominator"]) == (num, den)
    merged = b15[b15["merged_units"] > 0]
    assert set(merged.index) == {p for p, *_ in own if p.startswith("2019")}


def test_year_and_period_come_back_as_wide_integers(small_db):
    s = series(small_db, "0300")
    assert (s["year"] * 100 + s["period_no"]).min() > 200000  # SMALLINT arithmetic would wrap to negative


def test_one_early_office_file_does_not_complete_the_month(demo_db):
    _import(demo_db, "verdier", "enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2023-01,40,60,\n",
            "jan.csv")
    with store.reading(demo_db) as con:
        oslo = aggregate.month_coverage(con, "0300")
        assert (oslo[0].period, oslo[0].reported, oslo[0].expected, oslo[0].complete) == ("2023-01", 1, 15, False)
        assert oslo[0].text == "1 av 15 kontorer"
        assert aggregate.latest_complete_month(con, "0300") == "2022-12"
        assert aggregate.latest_complete_month(con, "0000") == "2022-12"
        assert aggregate.latest_complete_month(con, "0312") == "2023-01"
        # Rogaland in 2019 expects the three offices merged away at the end of that year (23), in 2022 not (20)
        rogaland = {c.period: c for c in aggregate.month_coverage(con, "1100")}
        assert (rogaland["2019-06"].expected, rogaland["2022-06"].expected) == (23, 20)
        assert rogaland["2019-06"].complete and rogaland["2022-06"].complete
        # Asking for one month gives exactly that month's entry of the full list (the målekort asks for one).
        for unit, month in (("0300", "2023-01"), ("1100", "2019-06"), ("0312", "2022-12"), ("0300", "2031-01")):
            full = [c for c in aggregate.month_coverage(con, unit) if c.period == month]
            assert aggregate.month_coverage(con, unit, month) == full


def test_sums_over_units_do_not_depend_on_the_order_rows_are_added_in():
    """A DOUBLE sum depends on the order it adds in (DuckDB's threads choose it): the rounded sums do not."""
    import duckdb

    con = duckdb.connect()
    # 23 694,5 in exact arithmetic: added in one order a DOUBLE sum lands just below it (and would show as 23 694),
    # in the other exactly on it (23 695).
    orders = ([23000.1, 693.2, 0.2] + [0.1] * 10, [0.1] * 10 + [0.2, 693.2, 23000.1])
    plain, rounded = set(), set()
    for xs in orders:
        rows = ", ".join(f"({x}::DOUBLE, {x}::DOUBLE, {x}::DOUBLE)" for x in xs)
        table = f"(VALUES {rows}) v(numerator, denominator, value), (SELECT false AS level_mean) w"
        plain.add(con.execute(f"SELECT sum(v.value) FROM {table}").fetchone())
        rounded.add(con.execute(f"SELECT {aggregate._ORDER_FREE_SUMS} FROM {table}").fetchone())
    assert len(plain) == 2  # the order shows in the plain sum...
    assert rounded == {(23694.5, 23694.5, 23694.5)}  # ...and not in the sums the series use


def test_an_office_series_is_what_the_full_query_gives(small_db):
    """Offices take a shorter query (no computed rows, no coverage); it must give exactly the full query's rows."""
    with store.reading(small_db) as con:
        offices = [u for (u,) in con.execute("""SELECT unit_id FROM units u WHERE NOT EXISTS
                                                (SELECT 1 FROM units c WHERE c.parent_id = u.unit_id)""").fetchall()]
        assert {"0312", "1103", "1141"} <= set(offices)  # Stavanger, with Finnøy merged into it, among them
        for unit in offices:
            for first_year, last_year in ((1900, 2100), (2019, 2020)):
                full = con.execute(aggregate.SERIES_SQL, {
                    "unit": unit, "indicators": None, "first_year": first_year, "last_year": last_year,
                    "level_measures": list(aggregate.LEVEL_MEASURES)}).df()
                fast = aggregate.unit_series(con, unit, first_year=first_year, last_year=last_year)
                pd.testing.assert_frame_equal(fast, full)
