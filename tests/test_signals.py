"""How a series is analysed for the målekort's signal: chart choice, season, change points, the import kind
`endringspunkter`, and the demo's known cases (Kvitsøy's rare events, Norge's gradert sykmelding in December)."""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from navdash import ingest, scorecard, signals, spc, store
from navdash.periods import Period, parse_period
from navdash.signals import ChangePoint

TODAY = date(2026, 1, 1)
SEASON = [3.0, 3.0, 2.0, 1.0, 0.0, -1.0, -4.0, -2.0, 1.0, 2.0, 1.0, -6.0]


def months(first: str, n: int) -> list[Period]:
    start = parse_period(first)
    return [start.shift(i) for i in range(n)]


def seasonal_series(n_years: int, noise: float, seed: int = 1, amplitude: float = 1.0) -> list[float | None]:
    rng = np.random.default_rng(seed)
    return [50 + amplitude * SEASON[i % 12] + float(rng.normal(0, noise)) for i in range(12 * n_years)]


def test_chart_rule() -> None:
    assert signals.choose_model("prosent", "forholdstall") == ("binomial", 100.0)
    assert signals.choose_model("antall", "sum") == ("poisson", 1.0)
    assert signals.choose_model("antall", "snitt_per_periode") == ("poisson", 1.0)
    assert signals.choose_model("prosent", "snitt_per_periode") == ("xmr", 1.0)  # a share without a base
    assert signals.choose_model("dager", "sum") == ("xmr", 1.0)


def test_stable_seasonality_test_against_an_independent_two_way_anova() -> None:
    years = [seasonal_series(1, 1.0, seed=s) for s in range(3)]
    p = signals.seasonality_test(years)
    # Independent arithmetic: the month effect's F in a two-way layout without interaction.
    x = np.array(years)
    grand = x.mean()
    ss_month = 3 * ((x.mean(axis=0) - grand) ** 2).sum()
    resid = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    f = (ss_month / 11) / ((resid**2).sum() / 22)
    from scipy import stats

    assert p == pytest.approx(stats.f.sf(f, 11, 22))
    assert p < 0.001
    flat = [[50 + float(v) for v in np.random.default_rng(s).normal(0, 1, 12)] for s in range(3)]
    assert signals.seasonality_test(flat) > 0.01  # type: ignore[operator]
    assert signals.seasonality_test(years[:1]) is None


def test_profile_is_the_median_deviation_and_sums_to_zero() -> None:
    years = [[float(v) for v in SEASON], [v + 10 for v in SEASON], [v * 3 for v in SEASON]]
    profile = signals.seasonal_profile(years)
    assert sum(profile) == pytest.approx(0, abs=1e-12)
    # Deviations from each year's mean: SEASON itself twice (a level shift does not change them) and 3 x SEASON
    # once (its mean is -0.75 * 3): the median per month is SEASON's deviation, so the odd year does not count.
    mean = sum(SEASON) / 12
    assert profile == pytest.approx([v - mean for v in SEASON])


def test_season_is_adjusted_and_december_is_no_longer_a_concern() -> None:
    ms = months("2017-01", 72)
    values = seasonal_series(6, 0.4)
    end = ms[-1]
    plain = signals.analyse_series(ms, values, None, end, measure="skar", aggregation="snitt_per_periode",
                                   improvement="increase", season="nei")
    assert plain.result.variation_type == "special_cause_concern"  # December's dip, by season alone
    adjusted = signals.analyse_series(ms, values, None, end, measure="skar", aggregation="snitt_per_periode",
                                      improvement="increase")
    assert adjusted.season.applied and adjusted.season.years == (2017, 2018, 2019, 2020, 2021)
    assert "fast sesong funnet i 2017–2021" in adjusted.season.text
    assert adjusted.result.variation_type == "common_cause"
    # The charted value is the raw value minus that calendar month's profile.
    assert adjusted.charted[-1] == pytest.approx(adjusted.raw[-1] - adjusted.season.profile[11])  # type: ignore[operator]


def test_season_needs_two_full_years_before_the_year_shown() -> None:
    ms = months("2020-07", 30)  # 2020 is incomplete, 2021 is the only full year before 2022
    values = seasonal_series(3, 0.4)[6:36]
    a = signals.analyse_series(ms, values, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                               improvement="increase", season="ja")
    assert not a.season.applied
    assert "minst 2 hele kalenderår før 2022" in a.season.text


def test_catalogue_overrides_detection() -> None:
    ms = months("2017-01", 72)
    weak = seasonal_series(6, 3.0, amplitude=0.3)
    auto = signals.analyse_series(ms, weak, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                                  improvement="increase")
    forced = signals.analyse_series(ms, weak, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                                    improvement="increase", season="ja")
    assert not auto.season.applied and forced.season.applied
    assert "katalogen sier at serien har sesong" in forced.season.text
    strong = seasonal_series(6, 0.4)
    never = signals.analyse_series(ms, strong, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                                   improvement="increase", season="nei")
    assert not never.season.applied and never.charted == never.raw


def test_change_points_become_rebase_positions_in_the_window() -> None:
    ms = months("2020-01", 36)
    values = [10.0 + (i % 3) for i in range(36)]
    cps = [ChangePoint("X.1", None, "2020-06", "før vinduet"), ChangePoint("X.1", None, "2021-06", "Ny definisjon"),
           ChangePoint("X.1", None, "2022-03", "Omorganisering"), ChangePoint("X.1", None, "2023-01", "senere")]
    a = signals.analyse_series(ms, values, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                               improvement="increase", change_points=cps, window=24)
    assert [p.key for p in a.periods][0] == "2021-01"
    assert [(i, c.reason) for i, c in a.change_points] == [(5, "Ny definisjon"), (14, "Omorganisering")]
    assert [(s.start, s.end) for s in a.result.segments] == [(0, 5), (5, 14), (14, 24)]
    assert a.result.too_few_points  # 10 months since the last change point


def test_lasting_change_is_recognised_by_the_rebased_limits() -> None:
    ms = months("2021-01", 24)
    rng = np.random.default_rng(3)
    values = [60 + float(rng.normal(0, 1)) + (14 if i >= 3 else 0) for i in range(24)]
    plain = signals.analyse_series(ms, values, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                                   improvement="increase")
    rebased = signals.analyse_series(ms, values, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                                     improvement="increase",
                                     change_points=[ChangePoint("X.1", "0312", "2021-04", "Eget ungdomsteam")])
    assert rebased.result.points[-1].mean == pytest.approx(sum(values[3:]) / 21)
    assert rebased.result.points[0].mean == pytest.approx(sum(values[:3]) / 3)
    assert plain.result.points[-1].mean == pytest.approx(sum(values) / 24)


def test_autocorrelation_widens_limits_and_drops_run_rules() -> None:
    rng = np.random.default_rng(5)
    x, out = 0.0, []
    for _ in range(72):
        x = 0.85 * x + float(rng.normal())
        out.append(50 + x)
    ms = months("2017-01", 72)
    a = signals.analyse_series(ms, out, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                               improvement="increase", season="nei")
    assert a.autocorrelated and a.widen > 1.3
    # The ordinary run rules are off; the rules are those read on the residuals.
    assert all(set(p.rules) <= {"outside_limits", "residual_shift"} for p in a.result.points)
    iid = [50 + float(v) for v in rng.normal(size=72)]
    b = signals.analyse_series(ms, iid, None, ms[-1], measure="skar", aggregation="snitt_per_periode",
                               improvement="increase", season="nei")
    assert not b.autocorrelated and b.widen == 1.0
    # The chart caption says what was done, in words that name the residual rule.
    from navdash.ui import scorecard_view

    assert a.autocorrelation_text is not None and b.autocorrelation_text is None
    assert "henger sammen" in a.autocorrelation_text
    assert f"{signals.RESIDUAL_RUN} måneder på rad" in a.autocorrelation_text
    assert a.autocorrelation_text in scorecard_view.chart_notes(SimpleNamespace(analysis=a))
    assert not any("henger sammen" in n for n in scorecard_view.chart_notes(SimpleNamespace(analysis=b)))
    assert signals.sd_to_mr_ratio([1.0, 2.0, 1.0, 2.0]) == 1.0  # alternating: never narrower than XmR


def ar1(rng: np.random.Generator, n: int, phi: float, shift_at: int | None = None, shift: float = 0.0) -> list[float]:
    """50 + an AR(1) process with unit marginal variance, plus a lasting step of `shift` from `shift_at` on."""
    x, out = float(rng.normal()), []
    for i in range(n):
        x = phi * x + float(rng.normal(0, math.sqrt(1 - phi**2)))
        out.append(50 + x + (shift if shift_at is not None and i >= shift_at else 0.0))
    return out


def test_ar1_residuals_by_hand() -> None:
    xs = [1.0, 2.0, None, 4.0, 5.0, 7.0]
    assert signals.ar1_residuals(xs, 0.5) == [None, 2 - 0.5, None, None, 5 - 2.0, 7 - 2.5]
    # No residual across a change point: the first residual of the segment starting at 4 is at 5.
    assert signals.ar1_residuals(xs, 0.5, start=4) == [None, None, None, None, None, 7 - 2.5]


def _residual_types(values: list[float], phi: float) -> list[tuple[str, tuple[str, ...]]]:
    result = spc.analyse(values, "increase", widen=1.5, run_rules=False)
    out = signals.residual_rules(result, values, phi, "increase")
    return [(p.point_type, p.rules) for p in out.points]


def test_residual_run_needs_every_one_of_the_last_ten_months_on_one_side() -> None:
    run = signals.RESIDUAL_RUN
    assert run == 10
    # phi = 0: the residuals are the values themselves from the second month on, so the median is counted by hand:
    # 7 zeros, 8 ones and 10 twos make 25 residuals with median 1.
    base = [0.0, 1.0] * 8
    types = _residual_types(base + [2.0] * run, 0.0)
    assert types[-1] == ("special_cause_improvement", ("residual_shift",))
    assert types[-run - 1][0] == "common_cause"  # the run is 10 long, not 11
    assert _residual_types(base + [0.0] + [2.0] * (run - 1), 0.0)[-1] == ("common_cause", ())  # 9 is not enough
    low = _residual_types([1.0, 2.0] * 8 + [0.0] * run, 0.0)
    assert low[-1] == ("special_cause_concern", ("residual_shift",))


def test_outside_the_limits_needs_a_jump_from_the_month_before() -> None:
    calm = [0.0, 1.0] * 11
    jump = _residual_types(calm + [0.0, 30.0], 0.0)
    assert jump[-1] == ("special_cause_improvement", ("outside_limits",))
    # phi = 1: the residual is the step from the month before.  A value far above the limits reached in small
    # steps is outside the limits of the values but no jump, so it is not flagged by that rule.
    drift = calm + [2.0, 3.0, 4.0, 5.0]
    result = spc.analyse(drift, "increase", widen=1.0, run_rules=False)
    assert "outside_limits" in result.points[-1].rules
    assert signals.residual_rules(result, drift, 1.0, "increase").points[-1].rules == ()


def test_planted_shift_in_an_ar1_series_is_caught() -> None:
    """A lasting step of 2.5 standard deviations in an AR(1) series with phi = 0.7, judged each of the 12 months
    after it.  The residuals move by (1 - phi) * 2.5 / sqrt(1 - phi^2) = 1.05 of their standard deviation, so each
    is above the old median with probability about 0.85 and 10 in a row about 0.20 at any one month; with three
    chances (months 10-12) and the jump itself, at least 40 % of 40 simulations must be caught, some by the run."""
    ms = months("2016-01", 84)
    caught = by_run = 0
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        values = ar1(rng, 84, 0.7, shift_at=72, shift=2.5)
        found = run = False
        for t in range(72, 84):
            a = signals.analyse_series(ms, values, None, ms[t], measure="skar", aggregation="snitt_per_periode",
                                       improvement="increase", season="nei")
            hit = a.result.variation_type == "special_cause_improvement"
            run = run or (hit and not found and "residual_shift" in a.result.points[-1].rules)
            found = found or hit
        caught += found
        by_run += run
    assert caught >= 16
    assert by_run >= 1


def test_ar1_series_without_a_change_rarely_raises_a_flag() -> None:
    """200 unchanged AR(1) series, the last month of each judged once.  Nominal chance of a flag: at most 0.27 %
    outside 3-sigma limits plus 2 x 0.5^10 = 0.2 % for the residual run, about 0.47 %.  Limits estimated from 36 months
    are less exact than known ones, so twice the nominal rate is allowed, and the test fails only if more flags
    arise than a binomial with that rate gives in 1 of 1000 runs."""
    from scipy import stats

    ms = months("2017-01", 72)
    flags = autocorrelated = 0
    for seed in range(200):
        rng = np.random.default_rng(5000 + seed)
        a = signals.analyse_series(ms, ar1(rng, 72, 0.7), None, ms[-1], measure="skar",
                                   aggregation="snitt_per_periode", improvement="increase", season="nei")
        flags += a.result.variation_type != "common_cause"
        autocorrelated += a.autocorrelated
    nominal = 0.0027 + 2 * 0.5**signals.RESIDUAL_RUN
    allowed = stats.binom.isf(0.001, 200, 2 * nominal)
    assert autocorrelated >= 180  # the method must see the autocorrelation to be tested here
    assert flags <= allowed


def test_lag1_autocorrelation_by_hand() -> None:
    xs = [1.0, 2.0, 3.0, None, 5.0]
    mean = 11 / 4
    num = (1 - mean) * (2 - mean) + (2 - mean) * (3 - mean)
    den = sum((v - mean) ** 2 for v in (1.0, 2.0, 3.0, 5.0))
    assert signals.lag1_autocorrelation(xs) == pytest.approx(num / den)


# ---------------------------------------------------------------------------------------------------------------
# The import kind `endringspunkter` and the catalogue's `sesong`
# ---------------------------------------------------------------------------------------------------------------


def test_change_points_import_export_and_round_trip(small_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "endringspunkter.csv"
    f.write_text("indikator,enhet,periode,begrunnelse\nB.15,,2020-03,Koronapandemien\n"
                 "B.15,0312,2021-04,Eget ungdomsteam\n", encoding="utf-8")
    report = ingest.import_file("endringspunkter", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    assert report.new == 2
    with store.reading(small_db) as con:
        rows = con.execute("SELECT indicator_id, unit_id, period, reason FROM change_points ORDER BY 2").fetchall()
        assert rows == [("B.15", "", "2020-03", "Koronapandemien"), ("B.15", "0312", "2021-04", "Eget ungdomsteam")]
        for_office = signals.load_change_points(con, "0312")["B.15"]
        for_other = signals.load_change_points(con, "0000")["B.15"]
    assert [c.reason for c in for_office] == ["Koronapandemien", "Eget ungdomsteam"]
    assert [c.reason for c in for_other] == ["Koronapandemien"] and for_other[0].unit_id is None
    buf = io.StringIO()
    assert ingest.export("endringspunkter", buf, db=small_db) == 2
    assert buf.getvalue() == f.read_text(encoding="utf-8")
    again = ingest.import_file("endringspunkter", f, db=small_db, today=TODAY, dry_run=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)


def test_bad_change_points_are_refused_with_row_and_column(small_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "endringspunkter.csv"
    f.write_text("indikator,enhet,periode,begrunnelse\n"
                 "B.999,,2020-03,Ukjent indikator\n"
                 "B.15,9999,2020-03,Ukjent enhet\n"
                 "B.15,,2021-T1,Tertial\n"
                 "B.15,,2020-05,\n"
                 "B.15,,2027-01,Fram i tid\n", encoding="utf-8")
    report = ingest.import_file("endringspunkter", f, db=small_db, today=TODAY)
    assert not report.ok and not report.published
    found = {(p.row, p.column) for p in report.problems}
    assert {(2, "indikator"), (3, "enhet"), (4, "periode"), (5, "begrunnelse"), (6, "periode")} <= found
    assert any("ukjent indikator «B.999»" in p.message for p in report.problems)
    assert any("en måned som 2021-04" in p.message for p in report.problems)
    with store.reading(small_db) as con:
        assert con.execute("SELECT count(*) FROM change_points").fetchone()[0] == 0


def test_catalogue_season_column(small_db: Path, tmp_path: Path) -> None:
    buf = io.StringIO()
    ingest.export("indikatorer", buf, db=small_db)
    lines = buf.getvalue().splitlines()
    assert lines[0].endswith(",sesong") and lines[1].endswith(",auto")
    first = lines[1].rsplit(",", 1)[0]
    f = tmp_path / "indikatorer.csv"
    f.write_text(lines[0] + "\n" + first + ",Ja\n", encoding="utf-8")
    assert ingest.import_file("indikatorer", f, db=small_db, today=TODAY).ok
    indicator = first.split(",", 1)[0]
    with store.reading(small_db) as con:
        assert signals.season_settings(con)[indicator] == "ja"
    f.write_text(lines[0] + "\n" + first + ",kanskje\n", encoding="utf-8")
    report = ingest.import_file("indikatorer", f, db=small_db, today=TODAY)
    assert not report.ok
    assert any(p.column == "sesong" and "bruk en av: auto, ja, nei" in p.message for p in report.problems)


# ---------------------------------------------------------------------------------------------------------------
# The demo's known cases
# ---------------------------------------------------------------------------------------------------------------


def _row(db: Path, unit: str, indicator: str, period: str) -> scorecard.Row:
    card = scorecard.load(unit, period, db)
    assert card is not None
    return next(r for r in card.steering if r.indicator_id == indicator)


def test_kvitsoy_rare_events_get_exact_limits_and_no_concern(demo_db: Path) -> None:
    from scipy import stats

    row = _row(demo_db, "1144", "B.31", "2022-12")
    assert row.signal is not None and not row.signal.too_little_data
    assert row.signal.chart == "u_exact" and row.signal.variation != "special_cause_concern"
    assert "eksakte Poisson-grenser" in row.signal.reason
    detail = scorecard.indicator_detail("1144", "B.31", parse_period("2022-12"), demo_db)
    assert detail is not None and detail.spc is not None
    last = detail.spc.segments[-1]
    points = detail.spc.points[last.start:]
    counts = [p.value for p in points if p.value is not None]
    rate = sum(counts) / len(counts)
    assert rate * 1 < 5  # few events: the reason for exact limits
    # Independent check: scipy.stats' Poisson at the segment's own rate.
    k = int(stats.poisson.isf(0.00135, rate)) + 1
    assert all(p.upl == pytest.approx(k - 0.5) for p in points)
    # A zero month: P(0) is far above 0,135 %, so there is no lower limit to fall below.
    assert stats.poisson.cdf(0, rate) > 0.00135 and all(p.lpl is None for p in points)


def test_norge_gradert_sykmelding_in_december_is_not_a_concern(demo_db: Path) -> None:
    row = _row(demo_db, "0000", "B.14", "2021-12")
    assert row.signal is not None and row.signal.seasonal
    assert row.signal.variation != "special_cause_concern"
    assert "Sesongjustert" in row.signal.reason


def test_demo_change_points_rebase_norge_outflow(demo_db: Path) -> None:
    detail = scorecard.indicator_detail("0000", "B.15", parse_period("2022-12"), demo_db)
    assert detail is not None
    analysis = detail.analysis
    # The 36-month window of December 2022 begins in January 2020: both recorded change points are inside it.
    assert [(i, c.period) for i, c in analysis.change_points] == [(2, "2020-03"), (15, "2021-04")]
    assert [s.start for s in analysis.result.segments] == [0, 2, 15]
    assert len(detail.points) == len(analysis.result.points) == scorecard.SPC_WINDOW
    assert detail.points["period"].iloc[-1] == "2022-12"
    row = _row(demo_db, "0000", "B.15", "2022-12")
    assert row.signal.change_points == (
        "2020-03: Koronapandemien: nedstengning og permitteringer fra mars 2020",
        "2021-04: Gjenåpning etter koronapandemien: overgangen til arbeid på vanlig nivå igjen fra april 2021")
    assert not math.isnan(analysis.result.points[-1].mean)


def test_analysts_upload_change_points_and_the_start_page_counts_them(demo_db: Path) -> None:
    from navdash import access, overview

    scope = access.upload_scope(access.User("", "analytiker", "0000"))
    assert scope is not None and "endringspunkter" in scope.kinds
    leader = access.upload_scope(access.User("", "leder", "0312"))
    assert leader is not None and "endringspunkter" not in leader.kinds
    status = overview.data_status(demo_db).set_index("kind")
    with open(Path(__file__).resolve().parent.parent / "data" / "demo" / "endringspunkter.csv", encoding="utf-8") as fh:
        assert status.loc["endringspunkter", "rows"] == sum(1 for _ in fh) - 1
