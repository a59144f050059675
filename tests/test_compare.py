"""The funnel engine against limits computed by hand, overdispersion on a constructed set, and the demo data."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest

from navdash import aggregate, compare, store


def test_normal_limits_p_half_n_100():
    lo, hi = compare.normal_limits(0.5, 100, 0.95)
    assert (lo, hi) == pytest.approx((0.5 - 1.96 * 0.05, 0.5 + 1.96 * 0.05), abs=1e-4)
    lo, hi = compare.normal_limits(0.5, 100, 0.998)
    assert (lo, hi) == pytest.approx((0.5 - 3.09 * 0.05, 0.5 + 3.09 * 0.05), abs=1e-4)
    assert compare.limits_at(0.5, 100, "normal")[0.95] == pytest.approx((0.402, 0.598), abs=1e-3)


def test_exact_binomial_limit_by_hand_n_10():
    # Binomial(10, 1/2): P(R <= 8) = 1013/1024 >= 0,975 > P(R <= 7) = 968/1024, so r = 8;
    # alpha = (1013/1024 - 0,975) / (45/1024) = 14,6/45; the limit is (8 - alpha)/10 = 0,767556
    assert compare.binomial_limit(0.975, 10, 0.5) == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-9)
    # lower: P(R <= 2) = 56/1024 >= 0,025 > P(R <= 1) = 11/1024; alpha = (56 - 25,6)/45; not mirror-symmetric
    assert compare.binomial_limit(0.025, 10, 0.5) == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-9)


def _exact_limit(p: float, n: int, p0: Fraction) -> float:
    """The same definition, with exact fractions and a plain sum: independent of the numpy window."""
    cdf = Fraction(0)
    for r in range(n + 1):
        pmf = math.comb(n, r) * p0**r * (1 - p0) ** (n - r)
        cdf += pmf
        if cdf >= Fraction(p):
            return float((r - (cdf - Fraction(p)) / pmf) / n)
    raise AssertionError


@pytest.mark.parametrize(("n", "p0"), [(20, Fraction(3, 10)), (57, Fraction(9, 10)), (400, Fraction(77, 100))])
def test_exact_binomial_limits_match_an_independent_sum(n, p0):
    for p in (0.001, 0.025, 0.975, 0.999):
        assert compare.binomial_limit(p, n, float(p0)) == pytest.approx(_exact_limit(p, n, p0), abs=1e-9)


def test_exact_limits_approach_normal_for_large_n():
    exact = compare.limits_at(0.5, 20_000)[0.998]
    normal = compare.normal_limits(0.5, 20_000, 0.998)
    assert exact == pytest.approx(normal, abs=2e-4)


def _constructed() -> pd.DataFrame:
    # ten units of n = 100 around 0,5: z = d/0,05 = ±0,4, ±0,8, ±1,2, ±1,6, ±2,0
    d = [-10, -8, -6, -4, -2, 2, 4, 6, 8, 10]
    return pd.DataFrame({"unit_id": [f"{i:04d}" for i in range(10)], "name": [f"E{i}" for i in range(10)],
                         "numerator": [50 + x for x in d], "denominator": [100] * 10})


def test_overdispersion_phi_and_tau2_on_a_constructed_set():
    units = _constructed()
    od = compare.overdispersion(units["numerator"], units["denominator"], 0.5)
    # 10 % winsorising (linear quantiles of 10 values): -2,0 -> -1,64 and 2,0 -> 1,64
    phi = (2 * 1.64**2 + 2 * (1.6**2 + 1.2**2 + 0.8**2 + 0.4**2)) / 10
    assert od.phi == pytest.approx(phi)  # 1,49792
    # tau² = (k·phi - (k-1)) / (sum w - sum w² / sum w), w = 1/s² = 400
    assert od.tau2 == pytest.approx((10 * phi - 9) / (4000 - 10 * 400**2 / 4000))
    assert od.critical == pytest.approx(16.919, abs=0.05)  # chi-square 95 %, 9 df
    assert not od.present  # 14,98 < 16,92


def test_chi_square_approximation():
    assert compare.chi2_quantile_95(14) == pytest.approx(23.685, rel=0.01)
    assert compare.chi2_quantile_95(30) == pytest.approx(43.773, rel=0.01)


def test_funnel_labels_keep_the_given_order_and_use_the_998_limits():
    units = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
                          "numerator": [500, 590, 400, 545], "denominator": [1000, 1000, 1000, 1000]})
    f = compare.funnel(units)
    assert f.p0 == pytest.approx(2035 / 4000)
    assert [p.unit_id for p in f.points] == ["a", "b", "c", "d"]  # never sorted by value
    assert [p.status for p in f.points] == ["innenfor", "over", "under", "innenfor"]
    # d: 0,545 lies between the 95 % and the 99,8 % limits (0,509 + 1,96·0,0158 and + 3,09·0,0158)
    lo95, hi95 = f.points[3].limits[0.95]
    assert hi95 < 0.545 < f.points[3].limits[0.998][1] and f.points[3].near_limit and not f.points[0].near_limit


def test_additive_adjustment_widens_limits_and_multiplicative_scales_by_sqrt_phi():
    units = pd.DataFrame({"unit_id": list("abcdefgh"), "name": list("ABCDEFGH"),
                          "numerator": [300, 420, 350, 480, 260, 400, 330, 450],
                          "denominator": [800, 800, 800, 800, 800, 800, 800, 800]})
    plain = compare.funnel(units, method="normal")
    add = compare.funnel(units, adjust="additive")
    mult = compare.funnel(units, adjust="multiplicative")
    assert add.dispersion.present and add.adjusted
    p0, d = add.p0, add.dispersion
    n = 800
    assert add.limits_at(n)[0.998][1] == pytest.approx(p0 + 3.0902 * math.sqrt(p0 * (1 - p0) / n + d.tau2),
                                                       abs=1e-4)
    assert mult.limits_at(n)[0.95][1] - p0 == pytest.approx(
        math.sqrt(d.phi) * (plain.limits_at(n)[0.95][1] - p0))
    assert sum(p.status != "innenfor" for p in add.points) < sum(p.status != "innenfor" for p in plain.points)


def test_units_without_a_denominator_are_listed_not_plotted():
    units = pd.DataFrame({"unit_id": ["a", "b"], "name": ["A", "B"], "numerator": [5, None],
                          "denominator": [10, None]})
    f = compare.funnel(units)
    assert [p.unit_id for p in f.points] == ["a"] and f.missing == [("b", "B")]


def test_better_respects_polarity():
    assert compare.better("over", "hoy_er_bra") and compare.better("under", "lav_er_bra")
    assert not compare.better("under", "hoy_er_bra") and not compare.better("over", "lav_er_bra")
    assert not compare.better("innenfor", "hoy_er_bra") and not compare.better("over", "noytral")


def test_funnel_for_a_parent_uses_the_ratio_of_sums_and_units_of_the_period(demo_db):
    with store.reading(demo_db) as con:
        f = compare.funnel_for(con, "0300", "B.15", "2021-12")
        series = aggregate.unit_series(con, "0300", ["B.15"], 2021, 2021)
        rogaland = compare.funnel_for(con, "1100", "B.15", "2021-12")
        rogaland_2019 = compare.units_under(con, "1100", period=compare.parse_period("2019-06"))
    row = series[series["period"] == "2021-12"].iloc[0]
    assert f.p0 == pytest.approx(row.numerator / row.denominator)
    assert [p.unit_id for p in f.points] == sorted(p.unit_id for p in f.points) and len(f.points) == 15
    assert len(rogaland.points) == 20 and not rogaland.missing  # Finnøy, Rennesøy, Forsand merged 1.1.2020
    assert len(rogaland_2019) == 23


def test_funnel_for_a_list_computes_fylker_from_their_offices(demo_db):
    with store.reading(demo_db) as con:
        f = compare.funnel_for(con, ["1100", "0300"], "B.15", compare.parse_period("2021-12"))
        oslo = aggregate.unit_series(con, "0300", ["B.15"], 2021, 2021)
    assert [p.unit_id for p in f.points] == ["1100", "0300"]
    assert f.points[1].denominator == oslo[oslo["period"] == "2021-12"].iloc[0].denominator


def test_history_and_own_level(demo_db):
    with store.reading(demo_db) as con:
        hist = compare.history(con, ["0312", "0313"], "B.15", compare.parse_period("2021-12"), 12)
    assert len(hist) == 24 and hist["period"].iloc[-1] == "2021-12"
    own = compare.own_history(hist, "2021-12")
    before = hist[(hist["unit_id"] == "0312") & (hist["period"] != "2021-12")]
    assert own["0312"] == pytest.approx(before["numerator"].sum() / before["denominator"].sum())


def test_small_unit_at_100_percent_is_not_flagged_and_limits_stay_within_0_and_1():
    units = pd.DataFrame({"unit_id": ["a", "b", "c"], "name": ["A", "B", "C"], "numerator": [7, 250, 2],
                          "denominator": [7, 300, 2]})
    f = compare.funnel(units)
    # P(R >= 7) for Binomial(7, p0) is p0^7, far above 0,001: not unusual, though 100 % is on the drawn limit
    assert f.points[0].status == "innenfor"
    assert compare.binomial_tails(7, 7, f.p0)[1] == pytest.approx(f.p0**7)
    for lo, hi in f.points[2].limits.values():
        assert 0 <= lo <= hi <= 1
    # and an extreme count is flagged: 0 of 300 against about 83 %
    g = compare.funnel(pd.DataFrame({"unit_id": ["a", "b"], "name": ["A", "B"], "numerator": [0, 900],
                                     "denominator": [300, 1000]}))
    assert g.points[0].status == "under"
