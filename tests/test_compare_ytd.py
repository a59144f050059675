"""Year-to-date comparison: each unit's share from January to the month is its numerators summed over its
denominators summed, checked against the raw values; a month the viewer may not see hides the unit's year to
date; the page states the months it compares."""

from __future__ import annotations

import pandas as pd
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


def test_year_to_date_of_a_tertial_is_the_tertials_from_t1_and_a_year_is_itself():
    t = compare.parse_period("2021-T2")
    assert [p.key for p in compare.compared_periods(t, ytd=True)] == ["2021-T1", "2021-T2"]
    year = compare.parse_period("2021")
    assert compare.compared_periods(year, ytd=True) == [year]
    assert [p.key for p in compare.compared_periods(compare.parse_period("2021-03"), ytd=True)] == [
        "2021-01", "2021-02", "2021-03"]


def test_page_compares_year_to_date_on_request(demo_db, monkeypatch):
    raw = _raw_sums(demo_db, "B.15", "2021-01", "2021-06")
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-06", hittil="ja")
    assert at.sidebar.toggle(key="sml_hittil").value is True
    head = next(plain(m.value) for m in at.markdown if m.value.startswith("**B.15"))
    assert "Hittil i år, januar–juni 2021, 6 måneder" in head
    oslo = [u for u in raw if u.startswith("03") and u != "0300"]
    share = sum(raw[u][0] for u in oslo) / sum(raw[u][1] for u in oslo) * 100
    group_line = next(plain(m.value) for m in at.markdown if m.value.startswith("Gruppens andel"))
    assert f"Gruppens andel: **{fmt.percent(share)}**" in group_line
    table = at.dataframe[0].value
    frogner = table[table["Enhetsnr"] == "0312"].iloc[0]
    assert frogner["Andel"] == fmt.percent(raw["0312"][0] / raw["0312"][1] * 100)

    at.sidebar.toggle(key="sml_hittil").set_value(False).run()
    assert "hittil" not in at.query_params
    head = next(plain(m.value) for m in at.markdown if m.value.startswith("**B.15"))
    assert "juni 2021 ·" in head and "hittil i år" not in head.lower()


# --- every kind of indicator, against pandas on the raw rows ------------------------------------------------------


def _raw(db, indicator: str) -> pd.DataFrame:
    """The indicator's loaded rows and the unit tree, straight from the tables."""
    with store.reading(db) as con:
        rows = con.execute('SELECT unit_id, period, numerator, denominator, value FROM "values" '
                           "WHERE indicator_id = ?", [indicator]).df()
        parents = con.execute("SELECT unit_id, parent_id FROM units").df()
    return rows.merge(parents, on="unit_id")


def _expected(raw: pd.DataFrame, unit: str, periods: list[str], rule: str) -> float | None:
    """A unit's figure over the periods: its own rows, or its offices' rows summed per period (a fylke has no rows
    of its own in the demo); then ratio of sums, sum, or mean of the per-period totals. None without any rows."""
    own = raw[(raw["unit_id"] == unit) & raw["period"].isin(periods)]
    rows = own if len(own) else raw[(raw["parent_id"] == unit) & raw["period"].isin(periods)]
    if rows.empty:
        return None
    per_period = rows.groupby("period")[["numerator", "denominator", "value"]].sum()
    assert sorted(per_period.index) == sorted(periods)  # the test's own premise: every period is there
    if rule == "forholdstall":
        return per_period["numerator"].sum() / per_period["denominator"].sum() * 100
    if rule == "sum":
        return per_period["value"].sum()
    return per_period["value"].mean()


@pytest.mark.parametrize(("indicator", "rule", "period", "keys"), [
    ("B.15", "forholdstall", "2022-09", [f"2022-{m:02d}" for m in range(1, 10)]),
    ("B.31", "snitt_per_periode", "2022-09", [f"2022-{m:02d}" for m in range(1, 10)]),
    ("N.SKL", "sum", "2022-09", [f"2022-{m:02d}" for m in range(1, 10)]),
    ("N.TILFR", "forholdstall", "2022-T2", ["2022-T1", "2022-T2"]),
    ("M.INK", "forholdstall", "2022", ["2022"]),
])
def test_year_to_date_follows_the_catalogues_rule_for_every_kind(demo_db, indicator, rule, period, keys):
    raw = _raw(demo_db, indicator)
    units = ["0300", "1100", "0312", "1103", "1144"]  # two fylker computed from their offices, three offices
    with store.reading(demo_db) as con:
        c = compare.compare_units(con, units, indicator, period, ytd=True)
        month = compare.compare_units(con, units, indicator, period)
    assert c.aggregation == rule and [p.key for p in c.periods] == keys and not c.lacking
    assert list(c.values["unit_id"]) == units  # the caller's order, never by value
    compared = 0
    for unit, value in zip(c.values["unit_id"], c.values["value"], strict=True):
        expected = _expected(raw, unit, keys, rule)
        if expected is None:  # an office too small to have this figure at all
            assert pd.isna(value), unit
            continue
        compared += 1
        assert value == pytest.approx(expected), unit
        if len(keys) > 1:  # the test can fail: one period alone is another figure
            assert value != pytest.approx(month.values.set_index("unit_id").at[unit, "value"])
    assert compared >= 4
    last_keys = [str(int(k[:4]) - 1) + k[4:] for k in keys]
    for unit, last in zip(c.values["unit_id"], c.values["last_year"], strict=True):
        expected = _expected(raw, unit, last_keys, rule)
        assert pd.isna(last) if expected is None else last == pytest.approx(expected), unit
    assert (c.funnel is not None) == (rule == "forholdstall")


def test_a_period_nobody_has_is_named_and_not_required(demo_db):
    """Quality measurements from 2021 are made in T1 and T3 only: year to date at T3 is T1 and T3 for everyone."""
    raw = _raw(demo_db, "N.KMKORR")
    with store.reading(demo_db) as con:
        c = compare.compare_units(con, "1100", "N.KMKORR", "2021-T3", ytd=True)
    assert [p.key for p in c.periods] == ["2021-T1", "2021-T3"] and [p.key for p in c.empty] == ["2021-T2"]
    assert c.label() == ("Hittil i år, 2021 T1–T3, 2 tertialer med tall (uten tall for noen enhet: 2021 T2)")
    frogner = c.values.set_index("unit_id")
    for unit in frogner.index[frogner["value"].notna()]:
        assert frogner.at[unit, "value"] == pytest.approx(
            _expected(raw, unit, ["2021-T1", "2021-T3"], "forholdstall"))


def test_a_unit_lacking_months_is_named_and_left_out_of_the_funnel(demo_db):
    with store.writing(demo_db, who="test") as con:
        con.execute("""DELETE FROM "values" WHERE unit_id = '0312' AND indicator_id = 'B.15'
                       AND period IN ('2022-03', '2022-04')""")
    raw = _raw(demo_db, "B.15")
    keys = [f"2022-{m:02d}" for m in range(1, 13)]
    with store.reading(demo_db) as con:
        c = compare.compare_units(con, "0300", "B.15", "2022-12", ytd=True)
        december = compare.compare_units(con, "0300", "B.15", "2022-12")
    assert c.label() == "Hittil i år, januar–desember 2022, 12 måneder"
    assert c.lacking_text("0312") == "mangler 2 måneder (mars 2022, april 2022)"
    assert "0312" not in {p.unit_id for p in c.funnel.points} and len(c.funnel.points) == 14
    others = raw[(raw["parent_id"] == "0300") & (raw["unit_id"] != "0312") & raw["period"].isin(keys)]
    assert c.funnel.p0 == pytest.approx(others["numerator"].sum() / others["denominator"].sum())
    assert "0312" in {p.unit_id for p in december.funnel.points}  # December alone is there


def test_units_within_a_classification(demo_db):
    with store.reading(demo_db) as con:
        small = compare.units_under(con, group="Liten (under 20 ansatte)", classification="storrelse")
        central = compare.units_under(con, group="1", classification="sentralitet",
                                      period=compare.parse_period("2022-12"))
        rows = con.execute("SELECT unit_id, employees, centrality, valid_from, valid_to FROM units").df()
    expected = rows[(rows["employees"] < 20) & rows["centrality"].notna()]["unit_id"]  # offices only are classed
    assert list(small["unit_id"]) == sorted(expected) and len(small) > 3
    assert list(central["unit_id"]) == sorted(rows[rows["centrality"] == "1"]["unit_id"])
    assert all(u.startswith("03") for u in central["unit_id"])


# --- the page: year to date for a count, within a classification ----------------------------------------------


def test_page_compares_a_count_year_to_date_within_a_size_class(demo_db, monkeypatch):
    keys = [f"2022-{m:02d}" for m in range(1, 10)]
    raw = _raw(demo_db, "B.31")
    with store.reading(demo_db) as con:
        small = [u for (u,) in con.execute(
            """SELECT unit_id FROM units WHERE size_class = 'Liten (under 20 ansatte)'
               AND (valid_to IS NULL OR valid_to >= DATE '2022-01-01') ORDER BY unit_id""").fetchall()]
    at = app(demo_db, monkeypatch, PAGE, indikator="B.31", periode="2022-09", hittil="ja", innenfor="storrelse",
             gruppe="Liten (under 20 ansatte)", persona="analytiker")
    assert not at.exception
    head = next(plain(m.value) for m in at.markdown if m.value.startswith("**B.31"))
    assert "Hittil i år, januar–september 2022, 9 måneder" in head
    assert "Størrelse: «Liten (under 20 ansatte)»" in head
    assert any("snittet per måned for 9 måneder" in plain(m.value) for m in at.markdown)
    assert any("ingen trakt" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert list(table["Enhetsnr"]) == small and len(small) >= 5  # the group, in tree order, never by value
    assert "Andel" not in table.columns
    for unit, shown in zip(table["Enhetsnr"], table["Verdi"], strict=True):
        assert shown == fmt.measure_value(_expected(raw, unit, keys, "snitt_per_periode"), "antall", 1), unit
    assert at.query_params["innenfor"] == "storrelse" and at.query_params["hittil"] == "ja"
    labels = {b.proto.label: b.proto for b in at.get("download_button")}
    assert "Last ned sammenligningen (Excel)" in labels


def test_page_draws_the_funnel_within_a_centrality_class_year_to_date(demo_db, monkeypatch):
    keys = [f"2022-{m:02d}" for m in range(1, 13)]
    raw = _raw(demo_db, "B.15")
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2022-12", hittil="ja", innenfor="sentralitet",
             gruppe="2", persona="analytiker")
    assert at.sidebar.radio(key="sml_innenfor").value == "sentralitet"
    table = at.dataframe[0].value
    assert list(table["Enhetsnr"]) == ["1102", "1103", "1124", "1127"]
    rows = raw[raw["unit_id"].isin(table["Enhetsnr"]) & raw["period"].isin(keys)]
    group_line = next(plain(m.value) for m in at.markdown if m.value.startswith("Gruppens andel"))
    assert f"**{fmt.percent(rows['numerator'].sum() / rows['denominator'].sum() * 100)}**" in group_line
    assert "Samme periode i fjor" in table.columns and "Eget nivå før" not in table.columns


def test_page_names_a_unit_lacking_months_and_leaves_it_out(demo_db, monkeypatch):
    with store.writing(demo_db, who="test") as con:
        con.execute("""DELETE FROM "values" WHERE unit_id = '0312' AND indicator_id = 'B.15'
                       AND period IN ('2022-03', '2022-04')""")
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2022-12", hittil="ja", under="0300")
    warning = " ".join(plain(w.value) for w in at.warning)
    assert "NAV Frogner mangler 2 måneder (mars 2022, april 2022)" in warning
    table = at.dataframe[0].value
    frogner = table[table["Enhetsnr"] == "0312"].iloc[0]
    assert frogner["Teller"] == "ikke sammenlignet: mangler 2 måneder (mars 2022, april 2022)"
    assert frogner["Andel"] == ""
