"""Tests for navdash.spc, the Making Data Count / NHSRplotthedots port.

Two kinds of test:

* reference tests reproduce numbers and verdicts from NHSRplotthedots' own test suite
  (github.com/nhs-r-community/NHSRplotthedots, tests/testthat/...); the source of each
  expected value is quoted next to it;
* hand-constructed series for every rule, polarity, assurance outcome and edge case, with
  the mean and mean moving range worked out in the test so a wrong formula fails loudly.
"""

from __future__ import annotations

import math

import pytest

from navdash.spc import (
    CLOSE_FACTOR,
    LIMIT_FACTOR,
    MIN_POINTS,
    SpcResult,
    _assurance,
    _shift_members,
    _trend_directions,
    _two_in_three_members,
    analyse,
    compute_limits,
)

# R: set.seed(123); rnorm(20) -- the fixture of tests/testthat/test-ptd_spc_standard.R and
# test-ptd_spc.R.  The first values are printed in full in
# tests/testthat/_snaps/ptd_spc_standard.md ("$ y <dbl> -0.56047565, -0.23017749,
# 1.55870831, 0.07050839, ..."); all 20 agree with the 3-significant-digit column of the
# older snapshot of the same file.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip

# A quiet series used as a baseline: mean 10, every moving range 2, so
# limits 10 +/- 2.66*2 = 4.68 / 15.32 and two-sigma lines 10 +/- 1.7733*2.
STABLE = [9.0, 11.0] * 6


def types(result: SpcResult) -> list[str]:
    return [p.point_type for p in result.points]


def flagged(result: SpcResult) -> dict[int, tuple[str, ...]]:
    """Index -> rules, for the special-cause points only."""
    return {i: p.rules for i, p in enumerate(result.points) if p.rules}


# --------------------------------------------------------------------------------------
# Reference numbers from NHSRplotthedots' test suite
# --------------------------------------------------------------------------------------


def test_reference_rnorm_limits_and_verdicts() -> None:
    r = analyse(RNORM_123, "increase", target=0.5)
    # tests/testthat/_snaps/ptd_spc_standard.md, glimpse(r1):
    #   mean_col 0.1416238, lpl -3.01138, upl 3.294627
    assert r.mean == pytest.approx(0.1416238, abs=5e-8)
    assert r.lpl == pytest.approx(-3.01138, abs=5e-6)
    assert r.upl == pytest.approx(3.294627, abs=5e-7)
    # tests/testthat/_snaps/ptd_spc.md, summary(s1): n 20, common_cause 20,
    # special_cause_improvement 0.
    assert types(r) == ["common_cause"] * 20
    assert r.variation_type == "common_cause"
    # target 0.5 lies between lpl and upl -> "inconsistent" by ptd_calculate_assurance_type().
    assert r.assurance_type == "inconsistent"
    # Same snapshot: relative_to_mean starts -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1
    sides = [1 if p.value > r.mean else -1 for p in r.points[:15]]  # type: ignore[operator]
    assert sides == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]


def test_reference_screen_outliers_on_and_off() -> None:
    # test-ptd_spc_standard.R: data$y[15] <- 10 (1-based), then screen_outliers TRUE / FALSE.
    y = list(RNORM_123)
    y[14] = 10.0
    screened = analyse(y, "increase")
    # _snaps/ptd_spc_standard.md, glimpse(r2): mean_col 0.6694159, lpl -2.383666, upl 3.722497
    assert screened.mean == pytest.approx(0.6694159, abs=5e-8)
    assert screened.lpl == pytest.approx(-2.383666, abs=5e-7)
    assert screened.upl == pytest.approx(3.722497, abs=5e-7)
    # The two moving ranges touching the 10 are the ones removed.
    assert [i for i, p in enumerate(screened.points) if p.moving_range_screened] == [14, 15]
    # glimpse(r3), screen_outliers = FALSE: lpl -4.596625, upl 5.935457
    raw = compute_limits(y, screen_outliers=False)
    assert raw.lpl == pytest.approx(-4.596625, abs=5e-7)
    assert raw.upl == pytest.approx(5.935457, abs=5e-7)
    assert not any(raw.screened)


@pytest.mark.parametrize(
    ("half", "mean", "lpl", "upl"),
    [
        # _snaps/ptd_spc.md, summary(s3) with facet = rep(c(0, 1), each = 10):
        #   f 0: mean_col 0.0746, lpl -2.60, upl 2.75, n 10, common_cause 10
        #   f 1: mean_col 0.209,  lpl -3.28, upl 3.70, n 10, common_cause 10
        (slice(0, 10), 0.0746, -2.60, 2.75),
        (slice(10, 20), 0.209, -3.28, 3.70),
    ],
)
def test_reference_facets_of_ten_points(half: slice, mean: float, lpl: float, upl: float) -> None:
    r = analyse(RNORM_123[half], "increase", target=0.5)
    assert r.mean == pytest.approx(mean, abs=5e-4)
    assert r.lpl == pytest.approx(lpl, abs=5e-3)
    assert r.upl == pytest.approx(upl, abs=5e-3)
    assert types(r) == ["common_cause"] * 10
    # 10 < 12 points: limits are there, verdicts are withheld.
    assert r.too_few_points
    assert r.variation_type is None
    assert r.assurance_type is None


def test_reference_two_close_points_on_opposite_sides_are_common_cause() -> None:
    # test-ptd_spc_standard.R, "it only reports special cause for 2 of 3 points close to
    # limits when they are on the same side of the mean" (issue #143).
    data = [1.0, -1.0] * 8
    data[14] = 5.5
    data[15] = -5.5
    r = analyse(data, "increase")
    # Our own arithmetic: mean 0; moving ranges 2 x13, 6.5, 11; 11 >= 3.267 * 43.5/15 is
    # screened, so mmr = 32.5/14 and both 5.5s are beyond two sigma (4.12) -> "close".
    assert r.mean == 0.0
    assert r.mean_moving_range == pytest.approx(32.5 / 14)
    assert r.upper_2sigma is not None and r.upper_2sigma < 5.5 < r.upl  # type: ignore[operator]
    # Expected by the R test: tail(s, 2)$point_type == c("common_cause", "common_cause")
    assert types(r)[-2:] == ["common_cause", "common_cause"]


def test_reference_rule_helpers_seven_point_trend() -> None:
    # test-ptd_calculate_point_type.R, "ptd_seven_point_trend works as expected" and
    # "ptd_part_of_seven_trend works as expected" (expanded to membership).
    assert _trend_directions([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert _trend_directions([1, 2, 3, 3, 4, 5, 6]) == [0] * 7  # c(1:3, 3:6): tie breaks it
    assert _trend_directions(list(range(1, 8))) == [1] * 7
    assert _trend_directions([2, *range(1, 8), 3]) == [0] + [1] * 7 + [0]
    assert _trend_directions(list(range(7, 0, -1))) == [-1] * 7
    assert _trend_directions([2, *range(7, 0, -1), 3]) == [0] + [-1] * 7 + [0]


def test_reference_rule_helpers_seven_point_one_side_mean() -> None:
    # test-ptd_calculate_point_type.R, "ptd_seven_point_one_side_mean works as expected":
    # rep(1, 6) -> nothing; c(rep(1, 6), -1) -> nothing; c(rep(1, 8), -1) -> run ends at 7, 8,
    # so (ptd_part_of_seven_trend) points 1..8 are members.
    assert _shift_members([1] * 6) == [False] * 6
    assert _shift_members([1] * 6 + [-1]) == [False] * 7
    assert _shift_members([1] * 8 + [-1]) == [True] * 8 + [False]
    assert _shift_members([-1] * 8 + [1]) == [True] * 8 + [False]


def test_reference_rule_helpers_two_in_three() -> None:
    # test-ptd_calculate_point_type.R, "ptd_part_of_two_in_three works as expected".
    same = [1] * 7
    assert _two_in_three_members([True, False, True], same[:3]) == [True, False, True]
    assert _two_in_three_members([False, True, True], same[:3]) == [False, True, True]
    assert _two_in_three_members([False, False, True, False, True, False, False], same) == [
        False, False, True, False, True, False, False,
    ]  # fmt: skip
    assert _two_in_three_members([True, False, False, True], same[:4]) == [False] * 4
    assert _two_in_three_members([True, False, False, True, True], same[:5]) == [
        False, False, False, True, True,
    ]  # fmt: skip
    # "... when points are on opposite sides of the mean": c(1, 0, 1) with c(1, -1, 1) -> 0
    assert _two_in_three_members([True, False, True], [1, -1, 1]) == [False] * 3
    assert _two_in_three_members([False, True, True], [1, -1, 1]) == [False] * 3


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        # test-ptd_calculate_assurance_type.R: lpl c(1, 5, 1), upl c(3, 7, 5), target 4
        ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
        ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_reference_assurance_table(improvement: str, expected: list[str | None]) -> None:
    got = [_assurance(lo, hi, 4.0, improvement) for lo, hi in [(1, 3), (5, 7), (1, 5)]]  # type: ignore[arg-type]
    assert got == expected


# --------------------------------------------------------------------------------------
# Limits arithmetic
# --------------------------------------------------------------------------------------


def test_limits_of_stable_series_by_hand() -> None:
    r = analyse(STABLE, "increase")
    assert r.mean == 10.0
    assert r.mean_moving_range == 2.0
    assert r.lpl == pytest.approx(10 - 2.66 * 2)
    assert r.upl == pytest.approx(10 + 2.66 * 2)
    assert r.lower_2sigma == pytest.approx(10 - 2 * 2.66 / 3 * 2)
    assert r.upper_2sigma == pytest.approx(10 + 2 * 2.66 / 3 * 2)
    assert r.sigma == pytest.approx(2.66 / 3 * 2)
    assert math.isclose(r.sigma, 2 / 1.128, rel_tol=5e-4)  # type: ignore[arg-type]
    assert [p.moving_range for p in r.points] == [None] + [2.0] * 11
    p = r.points[3]
    assert (p.mean, p.lpl, p.upl) == (r.mean, r.lpl, r.upl)
    assert types(r) == ["common_cause"] * 12
    assert r.variation_type == "common_cause"


def test_screening_drops_large_moving_range() -> None:
    values = [8.0, 12.0] * 6 + [30.0]
    r = analyse(values, "increase")
    # Moving ranges: 4 (x11) and |30 - 12| = 18; mean 62/12 = 5.17, cut-off 3.267 * 5.17 = 16.9,
    # so 18 is screened and the mean moving range is 4, not 62/12.
    assert r.mean == pytest.approx(150 / 13)
    assert r.mean_moving_range == 4.0
    assert [p.moving_range_screened for p in r.points] == [False] * 12 + [True]
    unscreened = compute_limits(values, screen_outliers=False)
    assert unscreened.mean_moving_range == pytest.approx(62 / 12)
    assert unscreened.upl == pytest.approx(150 / 13 + 2.66 * 62 / 12)


def test_moving_range_exactly_at_the_cutoff_is_screened() -> None:
    # R keeps a moving range only if mr < 3.267 * amr (strict).  The jump below was found so
    # that, in floating point, it equals 3.267 times the mean of the 13 moving ranges.
    jump = 4.027946162539813
    values = [0.0, 1.0] * 6 + [0.0, jump]
    raw = [1.0] * 12 + [jump]
    assert jump == 3.267 * (math.fsum(raw) / 13)  # precondition: exactly on the cut-off
    r = analyse(values, "increase")
    assert r.points[-1].moving_range_screened
    assert r.mean_moving_range == 1.0
    just_below = math.nextafter(jump, 0.0)
    kept = analyse([0.0, 1.0] * 6 + [0.0, just_below], "increase")
    assert not kept.points[-1].moving_range_screened
    assert kept.mean_moving_range == pytest.approx((12 + just_below) / 13)


def test_screening_keeps_everything_when_no_range_is_large() -> None:
    values = [9.0, 11.0, 9.0, 12.0, 9.0, 11.0, 9.0, 13.0, 9.0, 11.0, 9.0, 11.0]
    r = analyse(values, "increase")
    mrs = [2, 2, 3, 3, 2, 2, 4, 4, 2, 2, 2]  # largest 4 < 3.267 * 28/11
    assert r.mean_moving_range == pytest.approx(sum(mrs) / len(mrs))
    assert not any(p.moving_range_screened for p in r.points)


def test_constant_series_has_zero_moving_range_and_no_signals() -> None:
    r = analyse([5.0] * 12, "increase", target=6.0)
    assert r.mean == 5.0
    assert r.mean_moving_range == 0.0
    assert r.sigma == 0.0
    assert r.lpl == r.upl == r.lower_2sigma == r.upper_2sigma == 5.0
    # Every point lies exactly on both limits; the reference's comparisons are strict
    # (y > upl, y < lpl, y > nupl, y < nlpl), so none is outside or close.
    assert types(r) == ["common_cause"] * 12
    assert all(p.rules == () for p in r.points)
    assert not any(p.moving_range_screened for p in r.points)
    assert r.variation_type == "common_cause"
    assert r.assurance_type == "consistent_fail"  # 6 > upl = 5 with improvement upwards
    assert analyse([5.0] * 12, "increase", target=5.0).assurance_type == "inconsistent"


def test_nearly_constant_series_flags_everything_like_the_reference() -> None:
    # One step in an otherwise flat series: the single non-zero moving range (3) is
    # screened (3 >= 3.267 * 3/11), the mean moving range becomes 0 and every point that is
    # not exactly on the mean is outside the collapsed limits -- what the R code does too.
    r = analyse([5.0] * 11 + [8.0], "increase")
    assert r.mean == pytest.approx(63 / 12)
    assert r.mean_moving_range == 0.0
    assert all("outside_limits" in p.rules for p in r.points)
    assert types(r) == ["special_cause_concern"] * 11 + ["special_cause_improvement"]


# --------------------------------------------------------------------------------------
# Rules, one at a time, with every polarity
# --------------------------------------------------------------------------------------

POLARITY = {
    # (improvement, signal is on the high side) -> expected point type
    ("increase", True): "special_cause_improvement",
    ("increase", False): "special_cause_concern",
    ("decrease", True): "special_cause_concern",
    ("decrease", False): "special_cause_improvement",
    ("neutral", True): "special_cause_neither",
    ("neutral", False): "special_cause_neither",
}
IMPROVEMENTS = ["increase", "decrease", "neutral"]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_outside_upper_limit(improvement: str) -> None:
    # [8, 12] x6 + 30: mean 150/13 = 11.54, mmr 4 (18 screened), upl = 11.54 + 10.64 = 22.18.
    r = analyse([8.0, 12.0] * 6 + [30.0], improvement)  # type: ignore[arg-type]
    assert r.upl == pytest.approx(150 / 13 + 2.66 * 4)
    assert flagged(r) == {12: ("outside_limits",)}
    assert r.points[12].point_type == POLARITY[(improvement, True)]
    assert r.variation_type == POLARITY[(improvement, True)]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_outside_lower_limit(improvement: str) -> None:
    # [8, 12] x6 - 10: mean 110/13 = 8.46, mmr 4 (22 screened), lpl = 8.46 - 10.64 = -2.18.
    r = analyse([8.0, 12.0] * 6 + [-10.0], improvement)  # type: ignore[arg-type]
    assert r.lpl == pytest.approx(110 / 13 - 2.66 * 4)
    assert flagged(r) == {12: ("outside_limits",)}
    assert r.points[12].point_type == POLARITY[(improvement, False)]


TREND_UP = [9.0, 11.0, 9.0, 11.0, 9.0, 11.0, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_trend_up_of_seven(improvement: str) -> None:
    r = analyse(TREND_UP, improvement)  # type: ignore[arg-type]
    # mean 119.5/13; moving ranges 2 x5, 4, 0.5 x6 -> mmr 17/12 (nothing screened).
    assert r.mean == pytest.approx(119.5 / 13)
    assert r.mean_moving_range == pytest.approx(17 / 12)
    assert flagged(r) == {i: ("trend",) for i in range(6, 13)}
    # The trend's direction, not the side of the mean, decides: 7.0 .. 9.0 are *below* the
    # mean yet part of a rising trend.
    assert r.points[6].value < r.mean  # type: ignore[operator]
    assert {r.points[i].point_type for i in range(6, 13)} == {POLARITY[(improvement, True)]}
    assert r.variation_type == POLARITY[(improvement, True)]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_trend_down_of_seven(improvement: str) -> None:
    r = analyse([-v for v in TREND_UP], improvement)  # type: ignore[arg-type]
    assert r.mean == pytest.approx(-119.5 / 13)
    assert r.mean_moving_range == pytest.approx(17 / 12)
    assert flagged(r) == {i: ("trend",) for i in range(6, 13)}
    assert {r.points[i].point_type for i in range(6, 13)} == {POLARITY[(improvement, False)]}


def test_six_rising_points_are_not_a_trend() -> None:
    r = analyse(TREND_UP[:6] + [7.5, 8.0, 8.5, 9.0, 9.5, 10.0], "increase")
    assert "trend" not in {rule for p in r.points for rule in p.rules}


def test_equal_neighbours_break_a_trend() -> None:
    # 7, 7.5, 8, 8, 8.5, 9, 9.5: eight rising-or-flat points but no 7 strictly rising ones
    # (R: ptd_seven_point_trend(c(1:3, 3:6)) == 0).
    r = analyse(TREND_UP[:6] + [7.0, 7.5, 8.0, 8.0, 8.5, 9.0, 9.5], "increase")
    assert flagged(r) == {}


def test_turning_point_shared_by_two_trends_takes_the_later_direction() -> None:
    # 1..7 rising then 6..0 falling: the 7 belongs to both trends.  The reference
    # ("if a point is part of a trend either side, use right side") labels it decreasing.
    directions = _trend_directions([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 0])
    assert directions == [1] * 6 + [-1] * 8


def test_last_point_of_trend_followed_by_separate_trend_keeps_its_own_direction() -> None:
    # 1..7 rising, drop to 0, 0..6 rising.  The 7 is only in the first (rising) trend.
    # NHSRplotthedots would label it "Decreasing" (it looks at the step to the next point);
    # we deliberately keep the direction of the trend it belongs to.
    directions = _trend_directions([1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6])
    assert directions == [1] * 14


TWO_IN_THREE_HIGH = [9.5, 10.5] * 6 + [13.0, 10.5, 13.0]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_two_in_three_high(improvement: str) -> None:
    r = analyse(TWO_IN_THREE_HIGH, improvement)  # type: ignore[arg-type]
    # mean 156.5/15 = 10.43; moving ranges 1 x11, 2.5 x3 -> mmr 18.5/14 = 1.32;
    # two-sigma line 10.43 + 1.7733 * 1.32 = 12.78 < 13 < upl 13.95.
    assert r.mean == pytest.approx(156.5 / 15)
    assert r.mean_moving_range == pytest.approx(18.5 / 14)
    assert r.upper_2sigma < 13.0 < r.upl  # type: ignore[operator]
    # Only the two close points are marked, not the 10.5 between them (which is on the same
    # side of the mean, as the rule requires).
    assert r.points[13].value > r.mean  # type: ignore[operator]
    assert flagged(r) == {12: ("two_in_three",), 14: ("two_in_three",)}
    assert r.points[12].point_type == POLARITY[(improvement, True)]
    assert r.points[13].point_type == "common_cause"


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_two_in_three_low(improvement: str) -> None:
    r = analyse([-v for v in TWO_IN_THREE_HIGH], improvement)  # type: ignore[arg-type]
    assert flagged(r) == {12: ("two_in_three",), 14: ("two_in_three",)}
    assert r.points[14].point_type == POLARITY[(improvement, False)]


def test_two_in_three_needs_the_middle_point_on_the_same_side() -> None:
    r = analyse([9.5, 10.5] * 6 + [13.0, 9.5, 13.0], "increase")
    # Both 13s are close (12.96 < 13 < 14.26) but the 9.5 between them is below the mean.
    assert r.upper_2sigma < 13.0 < r.upl  # type: ignore[operator]
    assert r.points[13].value < r.mean  # type: ignore[operator]
    assert flagged(r) == {}


def test_points_outside_the_limits_do_not_count_as_close() -> None:
    # NHSRplotthedots issue #153: >3 sigma, >3 sigma, 2-3 sigma -> the last point is common
    # cause; >3 sigma, 2-3 sigma, 2-3 sigma -> the last two are two-in-three.
    a = analyse([9.0, 11.0] * 10 + [17.0, 17.0, 15.0], "increase")
    assert a.upper_2sigma < 15.0 < a.upl < 17.0  # type: ignore[operator]
    assert flagged(a) == {20: ("outside_limits",), 21: ("outside_limits",)}
    b = analyse([9.0, 11.0] * 10 + [17.0, 15.0, 15.0], "increase")
    assert b.upper_2sigma < 15.0 < b.upl < 17.0  # type: ignore[operator]
    assert flagged(b) == {20: ("outside_limits",), 21: ("two_in_three",), 22: ("two_in_three",)}


SHIFT_HIGH = [9.0, 11.0] * 4 + [11.0, 12.0, 11.0, 12.0, 11.0, 12.0, 11.0]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_shift_above_the_mean(improvement: str) -> None:
    r = analyse(SHIFT_HIGH, improvement)  # type: ignore[arg-type]
    # mean 160/15 = 10.67; moving ranges 2 x7, 0, 1 x6 -> mmr 20/14.
    assert r.mean == pytest.approx(160 / 15)
    assert r.mean_moving_range == pytest.approx(20 / 14)
    # The 11 at index 7 already lies above the mean, so the run is 8 long.
    assert flagged(r) == {i: ("shift",) for i in range(7, 15)}
    assert r.points[10].point_type == POLARITY[(improvement, True)]
    assert r.variation_type == POLARITY[(improvement, True)]


@pytest.mark.parametrize("improvement", IMPROVEMENTS)
def test_shift_below_the_mean(improvement: str) -> None:
    r = analyse([-v for v in SHIFT_HIGH], improvement)  # type: ignore[arg-type]
    assert flagged(r) == {i: ("shift",) for i in range(7, 15)}
    assert r.points[10].point_type == POLARITY[(improvement, False)]


def test_point_exactly_on_the_mean_breaks_a_shift() -> None:
    # mean = (48 + 54 + 8.5) / 13 = 8.5 exactly, so the middle 8.5 is on the mean and the
    # nines form two runs of 4 (10, 9, 9, 9) and 3 instead of one run.
    on_mean = analyse([6.0, 10.0] * 3 + [9.0, 9.0, 9.0, 8.5, 9.0, 9.0, 9.0], "increase")
    assert on_mean.mean == 8.5
    assert flagged(on_mean) == {}
    # Same series with 9 instead of 8.5: mean 111/13 = 8.54 and 10, 9 x7 is a shift of 8.
    off_mean = analyse([6.0, 10.0] * 3 + [9.0] * 7, "increase")
    assert flagged(off_mean) == {i: ("shift",) for i in range(5, 13)}


def test_first_rule_decides_when_rules_disagree() -> None:
    # A rising trend that starts far below the mean: -4 is outside the lower limit (low),
    # -2 and 0 are two-in-three low, and all seven are a shift below the mean -- but the
    # trend is checked before two-in-three and shift, so from -2 on the points are "high".
    values = [7.0, 11.0] * 10 + [-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 7.0]
    r = analyse(values, "increase")
    # mean 193/27; moving ranges 4 x19, 15, 2 x5, 1: 15 >= 3.267 * 102/26 is screened,
    # mmr = 87/25 = 3.48; lpl = 7.15 - 9.26 = -2.11; lower two-sigma line 0.98.
    assert r.mean == pytest.approx(193 / 27)
    assert r.mean_moving_range == pytest.approx(87 / 25)
    assert flagged(r) == {
        20: ("outside_limits", "trend", "shift"),
        21: ("trend", "two_in_three", "shift"),
        22: ("trend", "two_in_three", "shift"),
        **{i: ("trend", "shift") for i in range(23, 27)},
    }
    assert types(r)[20:] == ["special_cause_concern"] + ["special_cause_improvement"] * 6


def test_neutral_polarity_never_reports_improvement_or_concern() -> None:
    for values in ([8.0, 12.0] * 6 + [30.0], TREND_UP, TWO_IN_THREE_HIGH, SHIFT_HIGH):
        kinds = set(types(analyse(values, "neutral")))
        assert kinds == {"common_cause", "special_cause_neither"}


def test_invalid_improvement_is_rejected() -> None:
    with pytest.raises(ValueError, match="improvement"):
        analyse(STABLE, "up")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Assurance
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        # STABLE: lpl 4.68, upl 15.32
        ("increase", 16.0, "consistent_fail"),
        ("increase", 4.0, "consistent_pass"),
        ("increase", 10.0, "inconsistent"),
        ("decrease", 16.0, "consistent_pass"),
        ("decrease", 4.0, "consistent_fail"),
        ("decrease", 10.0, "inconsistent"),
        ("neutral", 16.0, None),
        ("neutral", 4.0, None),
        ("increase", None, None),
        ("decrease", None, None),
        ("increase", float("nan"), None),
    ],
)
def test_assurance(improvement: str, target: float | None, expected: str | None) -> None:
    r = analyse(STABLE, improvement, target)  # type: ignore[arg-type]
    assert r.assurance_type == expected


def test_target_exactly_on_a_limit_is_inconsistent() -> None:
    upl = analyse(STABLE, "increase").upl
    lpl = analyse(STABLE, "increase").lpl
    assert analyse(STABLE, "increase", upl).assurance_type == "inconsistent"
    assert analyse(STABLE, "increase", lpl).assurance_type == "inconsistent"
    assert analyse(STABLE, "increase", upl + 1e-9).assurance_type == "consistent_fail"  # type: ignore[operator]


# --------------------------------------------------------------------------------------
# Too few points
# --------------------------------------------------------------------------------------


def test_min_points_is_twelve() -> None:
    assert MIN_POINTS == 12


def test_eleven_points_are_too_few() -> None:
    values = [8.0, 12.0] * 5 + [30.0]
    r = analyse(values, "increase", target=100.0)
    assert r.n_points == 11
    assert r.too_few_points
    assert r.variation_type is None
    assert r.assurance_type is None
    # Limits and point types are still computed: mean 130/11, mmr 4 (18 screened).
    assert r.mean == pytest.approx(130 / 11)
    assert r.mean_moving_range == 4.0
    assert r.points[-1].point_type == "special_cause_improvement"


def test_twelve_points_are_enough() -> None:
    values = [8.0, 12.0] * 5 + [8.0, 30.0]
    r = analyse(values, "increase", target=100.0)
    assert r.n_points == 12
    assert not r.too_few_points
    assert r.variation_type == "special_cause_improvement"
    assert r.assurance_type == "consistent_fail"


def test_empty_and_single_value_series() -> None:
    empty = analyse([], "increase", 1.0)
    assert empty.points == ()
    assert empty.mean is None and empty.lpl is None and empty.mean_moving_range is None
    assert empty.too_few_points and empty.variation_type is None and empty.assurance_type is None
    one = analyse([None, 4.0, None], "increase")
    assert one.mean == 4.0
    assert one.mean_moving_range is None and one.upl is None and one.sigma is None
    assert types(one) == ["common_cause"] * 3


# --------------------------------------------------------------------------------------
# Missing values
# --------------------------------------------------------------------------------------

GAPPED = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0, None, 13.0, 11.0, 13.0, 11.0, 13.0, 11.0]


def test_missing_values_are_skipped_and_not_bridged() -> None:
    r = analyse(GAPPED, "increase")
    assert r.n_points == 12
    assert not r.too_few_points
    assert r.mean == pytest.approx((66 + 72) / 12)
    # All moving ranges that exist are 2; bridging the gap would add |13 - 12| = 1 and give
    # 21/11 instead.
    assert r.mean_moving_range == 2.0
    assert r.points[6].moving_range is None
    assert r.points[7].moving_range is None
    gap = r.points[6]
    assert gap.value is None
    assert gap.point_type == "common_cause" and gap.rules == ()
    assert gap.mean == r.mean and gap.upl == r.upl
    assert len(r.points) == len(GAPPED)


def test_nan_is_treated_like_none() -> None:
    with_nan = [float("nan") if v is None else v for v in GAPPED]
    a, b = analyse(GAPPED, "increase", 20.0), analyse(with_nan, "increase", 20.0)
    assert a == b


def test_missing_value_counts_against_min_points() -> None:
    r = analyse([*STABLE[:-1], None], "increase", target=100.0)
    assert r.n_points == 11
    assert r.too_few_points
    assert r.variation_type is None and r.assurance_type is None


def test_gap_breaks_a_shift() -> None:
    # 10, 9, 9, 9 | gap | 9, 9, 9 would be a run of 7 above the mean (8.5) if bridged.
    r = analyse([6.0, 10.0] * 3 + [9.0, 9.0, 9.0, None, 9.0, 9.0, 9.0], "increase")
    assert r.mean == 8.5
    assert flagged(r) == {}


def test_gap_breaks_a_trend() -> None:
    r = analyse(TREND_UP[:9] + [None] + TREND_UP[9:], "increase")
    assert flagged(r) == {}


def test_variation_type_uses_last_observed_point() -> None:
    r = analyse([8.0, 12.0] * 6 + [30.0, None], "increase")
    assert r.points[-1].point_type == "common_cause"
    assert r.variation_type == "special_cause_improvement"


def test_infinite_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        analyse([*STABLE, math.inf], "increase")


def test_constants_match_the_reference() -> None:
    # ptd_spc_standard.R: limit <- 2.66; limitclose <- 2 * (limit / 3)
    assert LIMIT_FACTOR == 2.66
    assert CLOSE_FACTOR == 2 * (2.66 / 3)


# --------------------------------------------------------------------------------------
# Rebase and fixed baselines (NHSRplotthedots' `rebase` and `fix_after_n_points`)
# --------------------------------------------------------------------------------------


def _independent_limits(xs: list[float]) -> tuple[float, float, float]:
    """mean, lpl, upl written out from ptd_spc_standard()'s dplyr chain, without navdash.spc."""
    mean = sum(xs) / len(xs)
    mr = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    amr = sum(kept) / len(kept)
    return mean, mean - 2.66 * amr, mean + 2.66 * amr


def test_reference_rebase_gives_each_segment_its_own_limits() -> None:
    # test-ptd_spc_standard.R "it sets the rebase_group field": rebase = c(rep(0, 10), 1, rep(0, 9))
    # gives rebase_group c(rep(0, 10), rep(1, 10)); the limits per group are those of the facet
    # snapshot (_snaps/ptd_spc.md, summary(s3)): 0.0746/-2.60/2.75 and 0.209/-3.28/3.70.
    r = analyse(RNORM_123, "increase", target=0.5, rebase_at=[10])
    assert [p.segment for p in r.points] == [0] * 10 + [1] * 10
    first, second = r.points[0], r.points[10]
    assert (first.mean, first.lpl, first.upl) == pytest.approx((0.0746, -2.60, 2.75), abs=5e-3)
    assert (second.mean, second.lpl, second.upl) == pytest.approx((0.209, -3.28, 3.70), abs=5e-3)
    assert all(p.mean == first.mean and p.upl == first.upl for p in r.points[:10])
    assert all(p.mean == second.mean and p.lpl == second.lpl for p in r.points[10:])
    assert len(r.segments) == 2 and r.segments[1].start == 10 and r.segments[1].n_points == 10
    # Series-level limits are the last segment's (ptd_calculate_assurance_type reads the last row).
    assert (r.mean, r.lpl, r.upl) == (second.mean, second.lpl, second.upl)
    # The last group has 10 < 12 points: the reference warns about trial limits; we give no verdict.
    assert r.too_few_points and r.variation_type is None and r.assurance_type is None
    # The limits agree with an independent computation of the reference formula to full precision.
    assert (first.mean, first.lpl, first.upl) == pytest.approx(_independent_limits(RNORM_123[:10]), abs=1e-12)
    assert (second.mean, second.lpl, second.upl) == pytest.approx(_independent_limits(RNORM_123[10:]), abs=1e-12)


def test_reference_rebase_on_the_first_date_changes_nothing() -> None:
    # _snaps/ptd_spc.md summary(s2): rebase = as.Date("2020-01-01"), a date before/at the first row,
    # still gives one group with mean 0.142, lpl -3.01, upl 3.29.
    plain = analyse(RNORM_123, "increase")
    for positions in ([0], [0, 0], [25], []):
        r = analyse(RNORM_123, "increase", rebase_at=positions)
        assert len(r.segments) == 1
        assert (r.mean, r.lpl, r.upl) == (plain.mean, plain.lpl, plain.upl)


def test_reference_fix_after_n_points_changes_the_limits() -> None:
    # test-ptd_spc_standard.R "setting fix_after_n_points changes the calculations": with 12 the
    # limits differ from the full-series ones.  Here also: they equal the first 12 rows' limits.
    full = analyse(RNORM_123, "increase")
    fixed = analyse(RNORM_123, "increase", fix_after_n_points=12)
    assert fixed.lpl != full.lpl and fixed.upl != full.upl
    mean, lpl, upl = _independent_limits(RNORM_123[:12])
    assert (fixed.mean, fixed.lpl, fixed.upl) == pytest.approx((mean, lpl, upl), abs=1e-12)
    assert all(p.lpl == fixed.lpl for p in fixed.points)
    # The moving range between row 12 and row 13 is not formed (fix_y is NA from row 13).
    assert fixed.points[12].moving_range is None
    assert fixed.segments[0].baseline_points == 12


@pytest.mark.parametrize("bad", [11, 0, -3, 12.5, True])
def test_reference_fix_after_n_points_must_be_at_least_twelve(bad: object) -> None:
    # test-ptd_spc_options.R: "fix_after_n_points must be a single numeric that is greater than or equal to 12."
    with pytest.raises(ValueError):
        analyse(RNORM_123, "increase", fix_after_n_points=bad)  # type: ignore[arg-type]


def test_fix_after_n_points_applies_per_segment() -> None:
    xs = STABLE * 2 + [20.0, 22.0] * 7 + [21.0]
    r = analyse(xs, "increase", rebase_at=[24], fix_after_n_points=12)
    seg2 = xs[24:36]
    mean, lpl, upl = _independent_limits(seg2)
    assert (r.points[30].mean, r.points[30].lpl, r.points[30].upl) == pytest.approx((mean, lpl, upl))
    assert r.segments[1].baseline_points == 12 and r.segments[1].n_points == 15


def test_lasting_change_is_flagged_without_rebase_and_common_cause_after_it() -> None:
    before = [10.0, 11.0, 9.0, 10.5, 9.5, 10.0] * 3
    after = [v + 6 for v in before]
    xs = before + after
    plain = analyse(xs, "increase")
    assert plain.variation_type == "special_cause_improvement"
    rebased = analyse(xs, "increase", rebase_at=[18])
    assert rebased.variation_type == "common_cause"
    assert rebased.points[-1].mean == pytest.approx(sum(after) / 18)
    assert {p.point_type for p in rebased.points} == {"common_cause"}


def test_runs_do_not_cross_a_change_point() -> None:
    # Four points above the first segment's mean, then four above the second's: 8 in a row above "a" mean,
    # but no 7 in one segment.
    seg1 = [10.0, 8.0, 12.0, 9.0, 11.0, 10.5, 10.6, 10.7, 10.8]
    seg2 = [10.9, 11.0, 11.1, 9.0, 7.0, 8.0, 9.5, 8.5]
    plain = analyse(seg1 + seg2, "increase", rebase_at=[9])
    assert "shift" not in {r for p in plain.points for r in p.rules}


def test_rebase_positions_are_validated() -> None:
    with pytest.raises(ValueError):
        analyse(STABLE, "increase", rebase_at=[-1])
    with pytest.raises(ValueError):
        analyse(STABLE, "increase", rebase_at=[2.5])  # type: ignore[list-item]


# --------------------------------------------------------------------------------------
# p- and u-charts for small numbers, with Laney's correction
# --------------------------------------------------------------------------------------


def test_p_chart_limits_by_hand() -> None:
    num = [30, 25, 35, 28, 32, 30, 27, 33, 29, 31, 30, 26]
    den = [100, 80, 120, 100, 100, 90, 110, 100, 95, 105, 100, 100]
    shares = [100 * a / b for a, b in zip(num, den, strict=False)]
    r = analyse(shares, "increase", sizes=den, model="binomial", scale=100)
    p = sum(num) / sum(den)
    z = [(a / b - p) / math.sqrt(p * (1 - p) / b) for a, b in zip(num, den, strict=False)]
    sigma_z = sum(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 11 / 1.128
    factor = max(sigma_z, 1.0)
    for i, b in enumerate(den):
        s = math.sqrt(p * (1 - p) / b) * 100
        assert r.points[i].mean == pytest.approx(100 * p)
        assert r.points[i].upl == pytest.approx(100 * p + 3 * s * factor)
        assert r.points[i].lower_2sigma == pytest.approx(100 * p - 2 * s * factor)
    assert r.chart == ("p_laney" if sigma_z > 1 else "p")
    assert r.segments[0].sigma_z == pytest.approx(sigma_z)


def test_laney_widens_limits_for_overdispersed_large_denominators() -> None:
    # 10 000 per month and a share wandering by +/-2 pp: binomial limits would be +/-1.4 pp and flag
    # nearly every month; Laney's p' brings them back to the data's own month-to-month variation.
    shares = [30.0, 32.0, 29.0, 31.5, 28.5, 30.5, 32.5, 29.5, 31.0, 28.0, 30.0, 31.0, 29.0, 30.5]
    den = [10_000] * len(shares)
    r = analyse(shares, "increase", sizes=den, model="binomial", scale=100)
    assert r.chart == "p_laney" and r.segments[0].sigma_z > 3  # type: ignore[operator]
    assert r.variation_type == "common_cause"
    # With equal denominators p' is XmR on the shares without screening.
    mr = sum(abs(b - a) for a, b in zip(shares, shares[1:], strict=False)) / (len(shares) - 1)
    assert r.upl == pytest.approx(sum(shares) / len(shares) + 3 * mr / 1.128)


def test_share_with_zero_of_one_is_not_a_concern() -> None:
    num = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 0]
    den = [50, 52, 48, 50, 49, 50, 53, 47, 50, 51, 49, 1]
    shares = [100 * a / b for a, b in zip(num, den, strict=False)]
    xmr = analyse(shares, "increase")
    assert xmr.variation_type == "special_cause_concern"  # what the XmR chart did
    p = analyse(shares, "increase", sizes=den, model="binomial", scale=100)
    assert p.points[-1].lpl < 0 and p.variation_type == "common_cause"  # type: ignore[operator]


def _poisson_upper_count(mu: float) -> int:
    """Smallest count k with P(X >= k) <= 0.135 % for Poisson(mu), from scipy.stats (isf(q) is the smallest k with
    P(X > k) <= q)."""
    from scipy import stats

    return int(stats.poisson.isf(0.00135, mu)) + 1


def test_rare_events_get_exact_poisson_limits_and_a_zero_month_is_no_concern() -> None:
    # Three events in 24 months (NAV Kvitsøy, B.31): XmR screens out every moving range, the
    # limits collapse onto the mean and a zero month reads "concern".
    counts = [0.0] * 24
    counts[3], counts[11], counts[17] = 1, 1, 1
    xmr = analyse(counts, "increase")
    assert xmr.lpl == xmr.upl == xmr.mean
    assert xmr.variation_type == "special_cause_concern"
    u = analyse(counts, "increase", sizes=[1] * 24, model="poisson")
    assert u.chart == "u_exact" and not u.too_little_data
    assert u.variation_type == "common_cause" and all(p.point_type == "common_cause" for p in u.points)
    assert u.points[0].mean == pytest.approx(3 / 24)
    # Zero events is common at this rate (P = e^-0.125 = 88 %): no lower limit can be reached.
    assert all(p.lpl is None for p in u.points)
    k = _poisson_upper_count(3 / 24)
    assert all(p.upl == pytest.approx(k - 0.5) for p in u.points)
    # The last month with more events: a special cause exactly when the count reaches the exact limit at the
    # window's rate (the month itself counts towards the rate, as every point of the baseline does).
    seen = set()
    for events in range(1, 9):
        series = counts[:-1] + [float(events)]
        r = analyse(series, "increase", sizes=[1] * 24, model="poisson")
        special = events >= _poisson_upper_count((3 + events) / 24)
        expected = "special_cause_improvement" if special else "common_cause"
        assert r.chart == "u_exact" and r.variation_type == expected, (events, r.variation_type)
        assert r.points[-1].rules == (("outside_limits",) if special else ())
        seen.add(special)
    assert seen == {True, False}


def test_exact_shift_rule_has_the_chance_of_seven_in_a_row() -> None:
    # Few events: a run of months below the centre counts when its exact chance at the window's rate is at most
    # that of 7 in a row on a continuous chart (0,5^7), checked with scipy.stats' Poisson distribution.
    from scipy import stats

    early = [2.0, 2, 3, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 3]
    outcomes = set()
    for run in range(3, 11):
        counts = early + [2.0] * (10 - run) + [1.0] * run
        r = analyse(counts, "increase", sizes=[1] * len(counts), model="poisson")
        mu = sum(counts) / len(counts)
        assert r.chart == "u_exact" and mu < 5
        below = stats.poisson.cdf(math.ceil(mu) - 1, mu)  # P(X < mu)
        expected = below**run <= 0.5**7
        assert (r.points[-1].rules == ("exact_shift",)) == expected, (run, mu, r.points[-1].rules)
        assert r.variation_type == ("special_cause_concern" if expected else "common_cause")
        outcomes.add(expected)
    assert outcomes == {True, False}


def test_exact_limits_for_a_rate_follow_each_months_exposure() -> None:
    # A rate per nevner with few events: each month's limit is the exact Poisson one for its own exposure.
    from scipy import stats

    sizes = [10.0, 40, 10, 40] * 6
    counts = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0] * 2  # events in months with exposure 40
    rates = [c / s for c, s in zip(counts, sizes, strict=True)]
    r = analyse(rates, "decrease", sizes=sizes, model="poisson")
    rate = sum(counts) / sum(sizes)
    assert r.chart == "u_exact"
    for p, s in zip(r.points, sizes, strict=True):
        k = _poisson_upper_count(rate * s)
        assert p.upl == pytest.approx((k - 0.5) / s)
        assert stats.poisson.sf(k - 1, rate * s) <= 0.00135 < stats.poisson.sf(k - 2, rate * s)


def test_exact_binomial_limits_for_small_denominators() -> None:
    # A share with a rare outcome and small nevner: the limits are the binomial distribution's own; a month
    # with 1 case of 1 can reach no limit at all.
    from scipy import stats

    den = [20.0] * 23 + [1.0]
    num = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1] * 2
    num[-1] = 1  # 1 of 1
    shares = [100 * a / b for a, b in zip(num, den, strict=True)]
    r = analyse(shares, "decrease", sizes=den, model="binomial", scale=100)
    p = sum(num) / sum(den)
    assert r.chart == "p_exact" and not r.too_little_data
    k = int(stats.binom.isf(0.00135, 20, p)) + 1
    assert r.points[0].upl == pytest.approx(100 * (k - 0.5) / 20) and r.points[0].lpl is None
    assert r.points[-1].upl is None and r.points[-1].lpl is None  # 1 of 1 is possible by chance at this rate
    assert r.variation_type == "common_cause"


def test_a_series_without_any_event_has_too_little_data() -> None:
    none = analyse([0.0] * 24, "increase", sizes=[1] * 24, model="poisson")
    assert none.too_little_data and none.variation_type is None
    always = analyse([100.0] * 24, "decrease", sizes=[20] * 24, model="binomial", scale=100)
    assert always.too_little_data and always.variation_type is None


def _laney_sigma_z(shares: list[float], sizes: list[float]) -> float:
    """Laney's sigma_z, computed here from its definition: the z-scores' mean moving range / 1.128."""
    p = sum(x / 100 * n for x, n in zip(shares, sizes, strict=True)) / sum(sizes)
    z = [(x / 100 - p) / math.sqrt(p * (1 - p) / n) for x, n in zip(shares, sizes, strict=True)]
    return sum(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / (len(z) - 1) / 1.128


def test_few_events_that_vary_more_than_binomial_get_beta_binomial_limits() -> None:
    # Person-days of three colleagues: few expected sick days, and the months vary far more than independent
    # days would (whole months of one person), so the limits come from the beta-binomial distribution with the
    # variance the months show: checked against scipy.stats.betabinom.
    from scipy import stats

    days = [63.0] * 24
    sick = [0, 0, 21, 21, 21, 0, 0, 0, 42, 21, 0, 0, 0, 0, 0, 21, 21, 0, 0, 0, 0, 21, 0, 0]
    shares = [100 * a / d for a, d in zip(sick, days, strict=True)]
    r = analyse(shares, "decrease", sizes=days, model="binomial", scale=100)
    assert r.chart == "p_exact_laney" and not r.too_little_data
    sigma_z = _laney_sigma_z(shares, days)
    assert sigma_z > 1 and r.segments[0].sigma_z == pytest.approx(sigma_z)
    p = sum(sick) / sum(days)
    rho = (sigma_z**2 - 1) / (63 - 1)
    a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
    dist = stats.betabinom(63, a, b)
    assert dist.var() == pytest.approx(63 * p * (1 - p) * sigma_z**2)
    k_up = next(k for k in range(64) if dist.sf(k - 1) <= 0.00135)
    assert r.upl == pytest.approx(100 * (k_up - 0.5) / 63)
    assert r.lpl is None  # a month without sick days is common
    assert r.variation_type == "common_cause"
    assert r.points[8].point_type == "common_cause"  # two colleagues sick a whole month: not beyond the limit


def test_few_events_that_vary_more_than_poisson_get_negative_binomial_limits() -> None:
    from scipy import stats

    counts = [0.0, 4, 0, 1, 5, 0, 0, 3, 0, 0, 6, 1, 0, 0, 4, 0, 2, 0, 0, 5, 0, 1, 0, 3]
    r = analyse(counts, "increase", sizes=[1] * 24, model="poisson")
    mean = sum(counts) / 24
    z = [(c - mean) / math.sqrt(mean) for c in counts]
    sigma_z = sum(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 23 / 1.128
    assert sigma_z > 1 and r.chart == "u_exact_laney"
    dispersion = sigma_z**2
    n_param = mean / (dispersion - 1)
    dist = stats.nbinom(n_param, n_param / (n_param + mean))
    assert dist.var() == pytest.approx(mean * dispersion)
    k_up = next(k for k in range(200) if dist.sf(k - 1) <= 0.00135)
    assert r.upl == pytest.approx(k_up - 0.5)
    # Widening for months that hang together multiplies the variance by widen^2.
    w = analyse(counts, "increase", sizes=[1] * 24, model="poisson", widen=1.5)
    n_w = mean / (dispersion * 1.5**2 - 1)
    dist_w = stats.nbinom(n_w, n_w / (n_w + mean))
    assert w.upl == pytest.approx(next(k for k in range(400) if dist_w.sf(k - 1) <= 0.00135) - 0.5)
    assert w.upl > r.upl


def test_counts_with_enough_events_get_poisson_limits() -> None:
    counts = [20.0, 18, 25, 22, 19, 21, 24, 17, 20, 23, 22, 19, 45]
    r = analyse(counts, "increase", sizes=[1] * 13, model="poisson")
    c = sum(counts) / 13
    assert not r.too_little_data and r.chart in ("u", "u_laney")
    factor = max(r.segments[0].sigma_z or 0, 1.0)
    assert r.upl == pytest.approx(c + 3 * math.sqrt(c) * factor)
    assert r.variation_type == "special_cause_improvement"


def test_attribute_chart_needs_sizes() -> None:
    with pytest.raises(ValueError):
        analyse([1.0, 2.0], "increase", model="binomial")
