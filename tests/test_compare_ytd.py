"""Year-to-date comparison: each unit's share from January to the month is its numerators summed over its
denominators summed, checked against the raw values; a month the viewer may not see hides the unit's year to
date; the page states the months it compares."""

from __future__ import annotations

import pytest

from navdash import compare, disclosure, fmt, store
from tests.pagetest import app, plain

PAGE = "views/sammenligning.py"


def _raw_sums(db, indicator: str, first: str, last: str) -> dict[str, tuple[float, float]]:
    """Each office's own loaded numerator and denominator summed over the months, straight from the table."""
    with store.reading(db) as con:
        rows = con.execute(
            """SELECT unit_id, sum(numerator), sum(denominator) FROM "values"
               WHERE indicator_id = ? AND period_kind = 'M' AND period BETWEEN ? AND ? GROUP BY unit_id""",
            [indicator, first, last]).fetchall()
    return {u: (float(n), float(d)) for u, n, d in rows}


def test_year_to_date_funnel_sums_each_units_months(demo_db):
    raw = _raw_sums(demo_db, "B.15", "2021-01", "2021-06")
    with store.reading(demo_db) as con:
        ytd = compare.funnel_for(con, "0300", "B.15", "2021-06", ytd=True)
        month = compare.funnel_for(con, "0300", "B.15", "2021-06")
    assert len(ytd.points) == 15
    for p in ytd.points:
        assert (p.numerator, p.denominator) == pytest.approx(raw[p.unit_id])
    num = sum(raw[p.unit_id][0] for p in ytd.points)
    den = sum(raw[p.unit_id][1] for p in ytd.points)
    assert ytd.p0 == pytest.approx(num / den)
    assert ytd.p0 != pytest.approx(month.p0)  # the test can fail: June alone is another share
    assert [p.unit_id for p in ytd.points] == [p.unit_id for p in month.points]  # same order, never by value


def test_a_hidden_month_hides_the_units_year_to_date_but_not_other_months(demo_db):
    mask = disclosure.Mask("test", frozenset({"B.15"}), frozenset({("0312", "B.15", "2021-03")}))
    with store.reading(demo_db) as con:
        ytd = compare.funnel_for(con, "0300", "B.15", "2021-06", mask=mask, ytd=True)
        june = compare.funnel_for(con, "0300", "B.15", "2021-06", mask=mask)
        february = compare.funnel_for(con, "0300", "B.15", "2021-02", mask=mask, ytd=True)
    assert "0312" not in {p.unit_id for p in ytd.points} and ("0312", "NAV Frogner") in ytd.missing
    assert "0312" in {p.unit_id for p in june.points}
    assert "0312" in {p.unit_id for p in february.points}  # January and February are not hidden


def test_year_to_date_of_a_tertial_is_the_tertial_itself():
    t = compare.parse_period("2021-T2")
    assert compare.compared_periods(t, ytd=True) == [t]
    assert [p.key for p in compare.compared_periods(compare.parse_period("2021-03"), ytd=True)] == [
        "2021-01", "2021-02", "2021-03"]


def test_page_compares_year_to_date_on_request(demo_db, monkeypatch):
    raw = _raw_sums(demo_db, "B.15", "2021-01", "2021-06")
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-06", hittil="ja")
    assert at.sidebar.toggle(key="sml_hittil").value is True
    head = next(plain(m.value) for m in at.markdown if m.value.startswith("**B.15"))
    assert "januar–juni 2021 (hittil i år)" in head
    oslo = [u for u in raw if u.startswith("03") and u != "0300"]
    share = sum(raw[u][0] for u in oslo) / sum(raw[u][1] for u in oslo) * 100
    assert f"Gruppens andel: **{fmt.percent(share)}**" in head
    table = at.dataframe[0].value
    frogner = table[table["Enhetsnr"] == "0312"].iloc[0]
    assert frogner["Andel"] == fmt.percent(raw["0312"][0] / raw["0312"][1] * 100)

    at.sidebar.toggle(key="sml_hittil").set_value(False).run()
    assert "hittil" not in at.query_params
    head = next(plain(m.value) for m in at.markdown if m.value.startswith("**B.15"))
    assert "juni 2021 ·" in head and "hittil i år" not in head
