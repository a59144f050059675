"""Statistical process control (SPC) following NHS England's *Making Data Count*.

The dashboard must show the same "plot the dots" verdicts as the NHS's reference
implementation, the R package NHSRplotthedots, so this module is a port of its
``ptd_spc_standard()``, ``ptd_special_cause_type()``/``ptd_point_type()`` and
``ptd_calculate_assurance_type()`` (development version, 2024), not an independent
reading of the method.  Where the port deliberately differs, the docstring of the
function concerned says so.

Arithmetic (XmR chart, as in the reference):

* mean = mean of the non-missing values;
* moving range ``mr(i) = |x(i) - x(i-1)|``.  A moving range is only formed between two
  *adjacent* non-missing values; a missing value removes both moving ranges that touch it
  (the reference computes ``c(NA, abs(diff(y)))``, so NA propagates) rather than
  bridging the gap;
* outlier screening (reference default ``screen_outliers = TRUE``): moving ranges that are
  not strictly below ``3.267 * mean(mr)`` are dropped, then the mean moving range is
  recomputed;
* process limits = mean +/- 2.66 * mean moving range;
* "close to a limit" = strictly beyond mean +/- (2/3 * 2.66) * mean moving range but not
  outside the process limits.  The reference uses ``2 * (2.66 / 3)`` rather than
  ``2 / 1.128``, so ``sigma`` here is ``2.66 / 3 * mean_moving_range`` (which is
  ``mean_moving_range / 1.1278``) to keep ``upl = mean + 3 * sigma`` exact and the
  two-sigma lines identical to the reference.

Special-cause rules, checked in the reference's order (the first rule that applies decides
whether the point is high or low, hence improvement or concern):

1. ``outside_limits``: strictly above the upper or below the lower process limit;
2. ``trend``: part of 7 consecutive points that strictly increase or strictly decrease
   (a repeated value breaks a trend); the direction of the trend, not the side of the
   mean, decides high/low;
3. ``two_in_three``: 2 or more of 3 consecutive points are close to a limit while all 3
   are on the same side of the mean; only the close points are marked;
4. ``shift``: part of 7 consecutive points on the same side of the mean; a point exactly
   on the mean belongs to neither side and breaks the run.

Missing values (``None`` or NaN) are kept in place so results line up with the input, but
they never take part in a rule: every window (7 for trend/shift, 3 for two-in-three) must
consist of consecutive non-missing points, so a gap breaks runs and trends.  That is what
the reference does whenever it does not fail on NA input (its trend check can raise an
R error on NA).  A missing point is reported as ``common_cause`` with ``value=None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CLOSE_FACTOR",
    "LIMIT_FACTOR",
    "MIN_POINTS",
    "RUN_LENGTH",
    "SCREEN_FACTOR",
    "AssuranceType",
    "Improvement",
    "PointType",
    "ProcessLimits",
    "Rule",
    "SpcPoint",
    "SpcResult",
    "analyse",
    "compute_limits",
]

MIN_POINTS = 12
"""Fewer non-missing points than this and no variation/assurance verdict is given.

NHSRplotthedots warns for groups shorter than 12 (``ptd_add_short_group_warnings``).
"""

LIMIT_FACTOR = 2.66
"""Process limits are mean +/- LIMIT_FACTOR * mean moving range (3 sigma)."""

CLOSE_FACTOR = 2 * (LIMIT_FACTOR / 3)
"""Two-sigma lines, computed exactly as the reference does (``2 * (limit / 3)``)."""

SCREEN_FACTOR = 3.267
"""Moving ranges not strictly below SCREEN_FACTOR * their mean are screened out."""

RUN_LENGTH = 7
"""Points needed for a trend or a shift."""

Improvement = Literal["increase", "decrease", "neutral"]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neither",
]
AssuranceType = Literal["consistent_pass", "consistent_fail", "inconsistent"]
Rule = Literal["outside_limits", "trend", "two_in_three", "shift"]

_IMPROVEMENT_SIGN: dict[str, int] = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass(frozen=True)
class ProcessLimits:
    """Series-level limits; every field is None when it cannot be computed.

    ``mean`` needs one non-missing value; the moving-range based fields need at least one
    pair of adjacent non-missing values.
    """

    mean: float | None
    mean_moving_range: float | None
    sigma: float | None
    lpl: float | None
    upl: float | None
    lower_2sigma: float | None
    upper_2sigma: float | None
    moving_ranges: tuple[float | None, ...]
    """Per input position: |x(i) - x(i-1)|, None for the first point and next to gaps."""
    screened: tuple[bool, ...]
    """Per input position: True where the moving range was excluded by screening."""


@dataclass(frozen=True)
class SpcPoint:
    """The verdict for one input position."""

    value: float | None
    mean: float | None
    lpl: float | None
    upl: float | None
    lower_2sigma: float | None
    upper_2sigma: float | None
    point_type: PointType
    rules: tuple[Rule, ...]
    """Every rule this point is part of, in the reference's checking order.

    The first rule decided ``point_type``; the tuple is empty for common cause.
    """
    moving_range: float | None
    moving_range_screened: bool


@dataclass(frozen=True)
class SpcResult:
    """Outcome of :func:`analyse` for one series."""

    points: tuple[SpcPoint, ...]
    variation_type: PointType | None
    """Type of the last non-missing point; None when ``too_few_points``."""
    assurance_type: AssuranceType | None
    """None without a target, for neutral polarity, or when ``too_few_points``."""
    too_few_points: bool
    n_points: int
    """Number of non-missing values."""
    mean: float | None
    mean_moving_range: float | None
    lpl: float | None
    upl: float | None
    sigma: float | None
    lower_2sigma: float | None
    upper_2sigma: float | None
    improvement: Improvement
    target: float | None


def _clean(values: Sequence[float | None]) -> list[float | None]:
    """Map None/NaN to None and everything else to float; reject infinities.

    An infinite value would make the mean and every limit infinite and silently turn the
    whole chart into nonsense, so it is an input error rather than a missing value.
    """
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        f = float(v)
        if math.isnan(f):
            out.append(None)
        elif math.isinf(f):
            raise ValueError(f"SPC values must be finite, got {v!r}")
        else:
            out.append(f)
    return out


def _mean(xs: Sequence[float]) -> float:
    """Correctly rounded mean, so results do not depend on summation order."""
    return math.fsum(xs) / len(xs)


def compute_limits(values: Sequence[float | None], *, screen_outliers: bool = True) -> ProcessLimits:
    """Compute mean, mean moving range and limits as ``ptd_spc_standard()`` does.

    ``screen_outliers=False`` reproduces the reference option of the same name; the
    dashboard always uses the default.

    Deliberate difference from the reference: when every moving range is 0 (a constant
    series) the reference screens all of them out (``0 < 3.267 * 0`` is false) and ends up
    with NaN limits.  Here nothing is screened, the mean moving range is 0 and the limits
    collapse onto the mean.  The point classification is the same either way (nothing is
    special cause in a constant series); only the limits are finite instead of NaN.
    """
    xs = _clean(values)
    present = [x for x in xs if x is not None]
    mean = _mean(present) if present else None

    mrs: list[float | None] = [None] * len(xs)
    for i in range(1, len(xs)):
        a, b = xs[i - 1], xs[i]
        if a is not None and b is not None:
            mrs[i] = abs(b - a)
    available = [m for m in mrs if m is not None]
    screened = [False] * len(xs)

    if mean is None or not available:
        return ProcessLimits(
            mean=mean,
            mean_moving_range=None,
            sigma=None,
            lpl=None,
            upl=None,
            lower_2sigma=None,
            upper_2sigma=None,
            moving_ranges=tuple(mrs),
            screened=tuple(screened),
        )

    amr = _mean(available)
    if screen_outliers and amr > 0:
        threshold = SCREEN_FACTOR * amr
        for i, m in enumerate(mrs):
            if m is not None and not m < threshold:
                screened[i] = True
        # amr > 0 guarantees at least one moving range (one at or below the mean) survives.
        amr = _mean([m for i, m in enumerate(mrs) if m is not None and not screened[i]])

    return ProcessLimits(
        mean=mean,
        mean_moving_range=amr,
        sigma=LIMIT_FACTOR / 3 * amr,
        lpl=mean - LIMIT_FACTOR * amr,
        upl=mean + LIMIT_FACTOR * amr,
        lower_2sigma=mean - CLOSE_FACTOR * amr,
        upper_2sigma=mean + CLOSE_FACTOR * amr,
        moving_ranges=tuple(mrs),
        screened=tuple(screened),
    )


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _shift_members(side: Sequence[int | None]) -> list[bool]:
    """Points that belong to 7 consecutive points on the same side of the mean.

    Port of ``ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(relative_to_mean))``.
    ``side`` is the sign of (value - mean): 0 (on the mean) and None (missing) break a run.
    """
    n = len(side)
    member = [False] * n
    for end in range(RUN_LENGTH - 1, n):
        window = side[end - RUN_LENGTH + 1 : end + 1]
        first = window[0]
        if first is not None and first != 0 and all(s == first for s in window):
            for j in range(end - RUN_LENGTH + 1, end + 1):
                member[j] = True
    return member


def _trend_directions(xs: Sequence[float | None]) -> list[int]:
    """Per point: +1/-1 if part of a 7-point strictly increasing/decreasing run, else 0.

    Port of ``ptd_part_of_seven_trend(ptd_seven_point_trend(y))`` plus the direction
    logic of ``ptd_special_cause_type()``.  Equal neighbours break a trend
    (``sign(diff(y))`` is 0 there).

    A point at the turning point between a rising and a falling trend belongs to both; like
    the reference ("if a point is part of a trend either side, use right side") the later
    trend wins.  Deliberate difference: the reference takes the sign of the step to the
    next point whenever that next point is also in *some* trend, which mislabels the last
    point of a trend that is directly followed by a separate trend after a jump the other
    way (e.g. 1..7 then 0..6 labels the 7 as "decreasing").  Here each point gets the
    direction of a trend it actually belongs to.
    """
    n = len(xs)
    direction = [0] * n
    for end in range(RUN_LENGTH - 1, n):
        window = [v for v in xs[end - RUN_LENGTH + 1 : end + 1] if v is not None]
        if len(window) < RUN_LENGTH:
            continue
        steps = {_sign(b - a) for a, b in zip(window, window[1:], strict=False)}
        if steps == {1} or steps == {-1}:
            d = steps.pop()
            for j in range(end - RUN_LENGTH + 1, end + 1):
                direction[j] = d
    return direction


def _two_in_three_members(close: Sequence[bool | None], side: Sequence[int | None]) -> list[bool]:
    """Close-to-limit points in a window of 3 with >= 2 close points all on one side.

    Port of ``ptd_part_of_two_in_three(ptd_two_in_three(close_to_limits, relative_to_mean),
    close_to_limits)``: the window must be 3 consecutive non-missing points, all strictly on
    the same side of the mean (the third point need not be close), and only the points that
    are themselves close are marked.  Points outside the process limits are not "close", so
    they do not count towards the two (NHSRplotthedots issue #153).
    """
    n = len(close)
    member = [False] * n
    for start in range(n - 2):
        idx = range(start, start + 3)
        if any(close[i] is None or side[i] is None for i in idx):
            continue
        sides = {side[i] for i in idx}
        if len(sides) != 1 or 0 in sides:
            continue
        if sum(1 for i in idx if close[i]) >= 2:
            for i in idx:
                if close[i]:
                    member[i] = True
    return member


def _point_type(high: bool, improvement_sign: int) -> PointType:
    """Map the side a special-cause point is on to a type, given the polarity."""
    if improvement_sign == 0:
        return "special_cause_neither"
    if (1 if high else -1) == improvement_sign:
        return "special_cause_improvement"
    return "special_cause_concern"


def _assurance(
    lpl: float | None, upl: float | None, target: float | None, improvement: Improvement
) -> AssuranceType | None:
    """Port of ``ptd_calculate_assurance_type()``; comparisons are strict, as there."""
    if target is None or improvement == "neutral" or lpl is None or upl is None:
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def analyse(
    values: Sequence[float | None],
    improvement: Literal["increase", "decrease", "neutral"],
    target: float | None = None,
) -> SpcResult:
    """Classify every point of a series and the series as a whole, Making Data Count style.

    ``values`` are in time order; None/NaN mark missing periods and keep their position in
    ``points``.  ``improvement`` is the polarity: which direction of change is good.
    ``target`` (None or NaN for "no target") drives the assurance verdict.

    Point types are computed even when there are fewer than ``MIN_POINTS`` values (as the
    reference does), but the series-level ``variation_type`` and ``assurance_type`` are then
    None, because a verdict on so few points would be a guess.
    """
    if improvement not in _IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}")
    if target is not None:
        target = float(target)
        if math.isnan(target):
            target = None
    xs = _clean(values)
    lim = compute_limits(xs)
    n_present = sum(x is not None for x in xs)
    too_few = n_present < MIN_POINTS
    imp_sign = _IMPROVEMENT_SIGN[improvement]

    n = len(xs)
    outside: list[bool] = [False] * n
    close: list[bool | None] = [None] * n
    side: list[int | None] = [None] * n
    if lim.mean is not None:
        for i, x in enumerate(xs):
            if x is not None:
                side[i] = _sign(x - lim.mean)
    if lim.lpl is not None and lim.upl is not None and lim.lower_2sigma is not None and lim.upper_2sigma is not None:
        for i, x in enumerate(xs):
            if x is None:
                continue
            outside[i] = x > lim.upl or x < lim.lpl
            close[i] = not outside[i] and (x < lim.lower_2sigma or x > lim.upper_2sigma)

    trend = _trend_directions(xs)
    two_in_three = _two_in_three_members(close, side)
    shift = _shift_members(side)

    points: list[SpcPoint] = []
    for i, x in enumerate(xs):
        rules: list[Rule] = []
        high: bool | None = None
        if outside[i]:
            rules.append("outside_limits")
            high = side[i] == 1
        if trend[i]:
            rules.append("trend")
            if high is None:
                high = trend[i] > 0
        if two_in_three[i]:
            rules.append("two_in_three")
            if high is None:
                high = (side[i] or 0) > 0
        if shift[i]:
            rules.append("shift")
            if high is None:
                high = (side[i] or 0) > 0
        point_type: PointType = "common_cause" if high is None else _point_type(high, imp_sign)
        points.append(
            SpcPoint(
                value=x,
                mean=lim.mean,
                lpl=lim.lpl,
                upl=lim.upl,
                lower_2sigma=lim.lower_2sigma,
                upper_2sigma=lim.upper_2sigma,
                point_type=point_type,
                rules=tuple(rules),
                moving_range=lim.moving_ranges[i],
                moving_range_screened=lim.screened[i],
            )
        )

    # The reference reports the type of the row with the latest date, even when that
    # row's value is NA (which then reads "common_cause").  A missing latest period says
    # nothing about the process, so the last *observed* point is used instead.
    variation_type: PointType | None = None
    if not too_few:
        variation_type = next(p.point_type for p in reversed(points) if p.value is not None)

    return SpcResult(
        points=tuple(points),
        variation_type=variation_type,
        assurance_type=None if too_few else _assurance(lim.lpl, lim.upl, target, improvement),
        too_few_points=too_few,
        n_points=n_present,
        mean=lim.mean,
        mean_moving_range=lim.mean_moving_range,
        lpl=lim.lpl,
        upl=lim.upl,
        sigma=lim.sigma,
        lower_2sigma=lim.lower_2sigma,
        upper_2sigma=lim.upper_2sigma,
        improvement=improvement,
        target=target,
    )
