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

import functools
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
    "ChartKind",
    "Improvement",
    "EXACT_CHARTS",
    "MIN_EXPECTED_COUNT",
    "Segment",
    "PointType",
    "ProcessLimits",
    "Rule",
    "SpcPoint",
    "SpcResult",
    "analyse",
    "compute_limits",
    "point_type_for",
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
Rule = Literal["outside_limits", "trend", "two_in_three", "shift", "residual_shift", "exact_shift"]
"""``exact_shift`` is the shift rule of a chart with exact limits (:func:`_exact_shift`); ``residual_shift`` is
navdash.signals' run rule on AR(1) residuals for autocorrelated series; neither is a rule of the
reference."""
ChartKind = Literal["xmr", "p", "p_laney", "u", "u_laney", "p_exact", "u_exact", "p_exact_laney", "u_exact_laney"]
EXACT_CHARTS: frozenset[str] = frozenset({"p_exact", "u_exact", "p_exact_laney", "u_exact_laney"})
"""Charts with exact limits (few events): whole counts, one-sided where a side cannot be reached."""
Model = Literal["xmr", "binomial", "poisson"]

MIN_FIX_AFTER = 12
"""NHSRplotthedots refuses ``fix_after_n_points`` below 12 (``ptd_spc_options``)."""

MIN_EXPECTED_COUNT = 5.0
"""p/u charts: below this many expected events per point (the rarer outcome for a share) the 3-sigma limits are not
used.

The p- and u-chart limits lean on the normal approximation to the binomial/Poisson, which the textbooks accept
from about five expected events (Montgomery, *Introduction to Statistical Quality Control*, ch. 7); below that
the lower limit sits at zero, most points fall on one side of the centre line and the run rules fire on noise
(three events in 24 months makes every zero month "below the mean").  Below it the limits are the exact ones of
the distribution, or of its overdispersed form when the months vary more than the model allows, and the rules are
"outside the limits" and the exact run rule (:func:`_exact_limits`, :func:`_exact_shift`).  With overdispersion
(Laney's sigma_z > 1) the threshold applies to the effective count, expected / sigma_z^2, since person-days of
the same sick colleague are not independent trials.  "Too little data" is left for a segment where the event
never happened (or always did) and for one where no month can reach either exact limit.
"""

LANEY_D2 = 1.128
"""Moving-range constant: sigma of the z-scores = mean moving range of z / 1.128 (Laney 2002)."""

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
class Segment:
    """A stretch of the series with its own limits: between two change points (``rebase_at``)."""

    start: int
    """0-based position of the segment's first point."""
    end: int
    """Position one past the segment's last point."""
    n_points: int
    """Non-missing values in the segment."""
    baseline_points: int
    """Rows the limits were computed from (``fix_after_n_points`` or the whole segment)."""
    chart: ChartKind
    sigma_z: float | None
    """Laney's dispersion factor for p/u charts (the z-scores' moving-range sigma); None for XmR."""
    too_little_data: bool
    mean: float | None
    lpl: float | None
    upl: float | None


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
    segment: int = 0
    """Which segment (0 = before the first rebase) the point and its limits belong to."""


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
    segments: tuple[Segment, ...] = ()
    """One entry per segment, in time order; the series-level fields above are the last segment's."""
    chart: ChartKind = "xmr"
    """The last segment's chart: ``xmr``, ``p``/``u`` (binomial/Poisson) or ``p_laney``/``u_laney``."""
    too_little_data: bool = False
    """The last segment's counts are too small for any signal (see :data:`MIN_EXPECTED_COUNT`)."""


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


def point_type_for(high: bool, improvement: Improvement) -> PointType:
    """The type of a special-cause point on the high (or low) side, given the polarity."""
    return _point_type(high, _IMPROVEMENT_SIGN[improvement])


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


@dataclass(frozen=True)
class _SegmentLimits:
    """Per-point centre and limits for one segment, plus what the segment says about itself."""

    centre: list[float | None]
    lpl: list[float | None]
    upl: list[float | None]
    lower_2sigma: list[float | None]
    upper_2sigma: list[float | None]
    moving_ranges: tuple[float | None, ...]
    screened: tuple[bool, ...]
    chart: ChartKind
    sigma_z: float | None
    mean_moving_range: float | None
    sigma: float | None
    too_little_data: bool
    exact: bool = False
    side_chance: tuple[tuple[float, float] | None, ...] = ()
    """Exact limits: per point, the chance of a count strictly below and strictly above the centre line."""
    """Limits from the exact binomial/Poisson tail (few events): only "outside the limits" applies, and a side
    that no count can reach has no limit (None)."""


def _segments(n: int, rebase_at: Sequence[int]) -> list[tuple[int, int]]:
    """Split positions 0..n-1 at every rebase position, as ``cumsum(rebase)`` does in ``ptd_spc_standard()``.

    A rebase at 0 (or a repeated one) starts no extra segment, exactly as a rebase date on the first row leaves
    the reference with a single group.  Positions at or beyond the end are ignored, as a rebase date that is not
    among the data's dates is (``ptd_add_rebase_column`` matches dates).
    """
    cuts: set[int] = set()
    for p in rebase_at:
        if isinstance(p, bool) or int(p) != p or p < 0:
            raise ValueError(f"rebase_at must hold 0-based positions, got {p!r}")
        if 0 < p < n:
            cuts.add(int(p))
    bounds = [0, *sorted(cuts), n]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a] or [(0, n)]


def _xmr_limits(xs: list[float | None], base_rows: int) -> _SegmentLimits:
    """XmR limits from the segment's first ``base_rows`` rows (all of them unless a baseline is fixed).

    ``ptd_spc_standard()`` sets ``fix_y`` to NA after the n-th row of the group, so the mean and the moving
    ranges (with screening) come from the first n rows only and the limits are then applied to every row.
    """
    lim = compute_limits(xs[:base_rows])
    n = len(xs)
    mrs = tuple(lim.moving_ranges) + (None,) * (n - base_rows)
    screened = tuple(lim.screened) + (False,) * (n - base_rows)
    return _SegmentLimits(
        centre=[lim.mean] * n, lpl=[lim.lpl] * n, upl=[lim.upl] * n,
        lower_2sigma=[lim.lower_2sigma] * n, upper_2sigma=[lim.upper_2sigma] * n,
        moving_ranges=mrs, screened=screened, chart="xmr", sigma_z=None,
        mean_moving_range=lim.mean_moving_range, sigma=lim.sigma, too_little_data=False,
    )


def _attribute_limits(xs: list[float | None], sizes: list[float | None], base_rows: int, model: Model,
                      scale: float, widen: float = 1.0) -> _SegmentLimits:
    """p-chart (binomial) or u-chart (Poisson) limits, widened by Laney's sigma_z when the data are overdispersed.

    Centre = sum(n*x)/sum(n) over the baseline (for a share that is sum(teller)/sum(nevner)); per point
    sigma_i = sqrt(p(1-p)/n_i) (binomial) or sqrt(u/n_i) (Poisson), in the shown scale.  Laney's p'/u' chart
    (Laney 2002, "Improved control charts for attributes"; Mohammed & Laney 2006): z_i = (x_i - centre)/sigma_i,
    sigma_z = mean moving range of z / 1.128, limits centre +/- 3 * sigma_i * sigma_z.  Rule used here: p'/u'
    when sigma_z > 1 (the extra between-month variation that large denominators reveal), the plain p/u chart
    otherwise, so the limits are never narrower than the binomial/Poisson model allows.

    Fewer than :data:`MIN_EXPECTED_COUNT` expected events per month (divided by sigma_z^2 when sigma_z > 1): exact
    limits (:func:`_exact_limits`) from the binomial/Poisson, or from the beta-binomial/negative binomial with the
    variance the months show (sigma_z^2, times ``widen``^2 for months that hang together) when sigma_z > 1 or
    ``widen`` > 1; none (``too_little_data``) when the baseline never saw the event (or saw nothing else).
    """
    n = len(xs)
    base = [i for i in range(min(base_rows, n)) if xs[i] is not None and sizes[i] is not None and sizes[i] > 0]
    kind: ChartKind = "p" if model == "binomial" else "u"
    empty = _SegmentLimits([None] * n, [None] * n, [None] * n, [None] * n, [None] * n, (None,) * n,
                           (False,) * n, kind, None, None, None, True)
    if not base:
        return empty
    weight = math.fsum(sizes[i] for i in base)  # type: ignore[misc]
    centre = math.fsum(sizes[i] * xs[i] for i in base) / weight  # type: ignore[operator]
    rate = centre / scale
    if model == "binomial":
        rate = min(max(rate, 0.0), 1.0)
        expected = _mean([min(rate, 1 - rate) * sizes[i] for i in base])  # type: ignore[operator]
    else:
        rate = max(rate, 0.0)
        expected = _mean([rate * sizes[i] for i in base])  # type: ignore[operator]

    def sd(i: int) -> float | None:
        size = sizes[i]
        if size is None or size <= 0:
            return None
        var = rate * (1 - rate) / size if model == "binomial" else rate / size
        return math.sqrt(var) * scale

    sds = [sd(i) for i in range(n)]
    z: list[float | None] = [None] * n
    for i in base:
        s_i = sds[i]
        z[i] = (xs[i] - centre) / s_i if s_i else None  # type: ignore[operator]
    mrs: list[float | None] = [None] * n
    for i in range(1, min(base_rows, n)):
        if z[i] is not None and z[i - 1] is not None:
            mrs[i] = abs(z[i] - z[i - 1])  # type: ignore[operator]
    ranges = [m for m in mrs if m is not None]
    sigma_z = _mean(ranges) / LANEY_D2 if ranges else None
    factor = 1.0
    if sigma_z is not None and sigma_z > 1:
        factor = sigma_z
        kind = "p_laney" if model == "binomial" else "u_laney"
    # Few events (overdispersion means the trials are not independent, person-days of the same sick colleague: the
    # data carry the information of n / sigma_z^2 independent trials, and that is the base the threshold applies
    # to): exact limits, from the overdispersed distribution when the months vary more than the model allows.
    if expected / factor**2 < MIN_EXPECTED_COUNT and 0 < rate < (1 if model == "binomial" else math.inf):
        return _exact_limits(xs, sizes, base, model, scale, centre, kind, sigma_z, tuple(mrs), (factor * widen) ** 2)
    if expected / factor**2 < MIN_EXPECTED_COUNT:  # the event never happened (or always did): nothing to judge by
        return _SegmentLimits([centre] * n, [None] * n, [None] * n, [None] * n, [None] * n, tuple(mrs),
                              (False,) * n, kind, sigma_z, None, None, True)
    lpl: list[float | None] = [None] * n
    upl: list[float | None] = [None] * n
    lo2: list[float | None] = [None] * n
    up2: list[float | None] = [None] * n
    for i, s_i in enumerate(sds):
        if s_i is None:
            continue
        lpl[i], upl[i] = centre - 3 * s_i * factor, centre + 3 * s_i * factor
        lo2[i], up2[i] = centre - 2 * s_i * factor, centre + 2 * s_i * factor
    return _SegmentLimits([centre] * n, lpl, upl, lo2, up2, tuple(mrs), (False,) * n, kind, sigma_z, None, None,
                          False)


EXACT_TAIL = 0.00135
"""Exact limits: the chance, at the series' own rate, of a count at or beyond a limit on one side (at most).  It is
the normal curve's tail beyond 3 sigma, so an exact limit means what a 3-sigma limit means on a chart with many
events."""


@functools.lru_cache(maxsize=4096)
def count_limits(model: Model, size: float, rate: float, dispersion: float = 1.0) -> tuple[int | None, int | None,
                                                                                             float, float]:
    """The exact limits for one month's count: ``(k_low, k_up, p_below, p_above)``.

    ``k_low`` is the largest count with P(X <= k_low) <= :data:`EXACT_TAIL` and ``k_up`` the smallest with
    P(X >= k_up) <= it (None when no count is that unlikely); ``p_below``/``p_above`` are the chances of a count
    strictly below/above the mean (for the run rule).  X is binomial(size, rate) or Poisson(rate * size); with
    ``dispersion`` > 1 (the months vary that many times more than the model allows: Laney's sigma_z squared, times
    the widening for months that hang together) it is the model's usual overdispersed form with that variance:
    beta-binomial (intra-class correlation (dispersion - 1) / (size - 1)) or negative binomial (variance
    mean * dispersion).
    """
    import numpy as np
    from scipy.special import betaln, gammaln, pdtr

    if model == "binomial":
        trials = int(round(size))
        k = np.arange(trials + 1)
        if dispersion > 1 and trials > 1:
            rho = min((dispersion - 1) / (trials - 1), 1 - 1e-9)
            a = rate * (1 - rho) / rho
            b = (1 - rate) * (1 - rho) / rho
            log_pmf = (gammaln(trials + 1) - gammaln(k + 1) - gammaln(trials - k + 1) + betaln(k + a, trials - k + b)
                       - betaln(a, b))
        else:
            log_pmf = (gammaln(trials + 1) - gammaln(k + 1) - gammaln(trials - k + 1)
                       + k * math.log(max(rate, 1e-300)) + (trials - k) * math.log1p(-min(rate, 1 - 1e-16)))
        pmf = np.exp(log_pmf)
        mean = rate * trials
    else:
        mean = rate * size
        spread = math.sqrt(mean * max(dispersion, 1.0))
        top = int(mean + 12 * spread + 20)
        while True:
            k = np.arange(top + 1)
            if dispersion > 1:  # negative binomial with r = mean / (dispersion - 1)
                r = mean / (dispersion - 1)
                log_pmf = (gammaln(k + r) - gammaln(r) - gammaln(k + 1) + r * math.log(r / (r + mean))
                           + k * math.log(mean / (r + mean)))
                pmf = np.exp(log_pmf)
            else:
                pmf = np.diff(pdtr(k, mean), prepend=0.0)
            if pmf.sum() >= 1 - EXACT_TAIL / 100:
                break
            top *= 2
    below = np.cumsum(pmf)  # P(X <= k)
    above = np.maximum(1.0 - np.concatenate(([0.0], below[:-1])), 0.0)  # P(X >= k)
    low = np.nonzero(below <= EXACT_TAIL)[0]
    up = np.nonzero(above <= EXACT_TAIL)[0]
    k_low = int(low[-1]) if low.size else None
    k_up = int(up[0]) if up.size else None
    p_below = float(pmf[k < mean].sum())
    p_above = float(pmf[k > mean].sum()) + (max(0.0, 1.0 - float(pmf.sum())) if model == "poisson" else 0.0)
    return k_low, k_up, p_below, p_above


def _exact_limits(xs: list[float | None], sizes: list[float | None], base: list[int], model: Model, scale: float,
                  centre: float, kind: ChartKind, sigma_z: float | None, mrs: tuple[float | None, ...],
                  dispersion: float = 1.0) -> _SegmentLimits:
    """Probability limits for a p/u segment with few events (Montgomery, *Introduction to Statistical Quality
    Control*, §7.2.1 and §7.3.1: limits from the binomial/Poisson distribution itself, not its normal approximation),
    from the overdispersed form of the distribution when the months vary more than the model allows
    (:func:`count_limits`).

    The rate is the baseline's (events / exposure, as the centre line).  For each month with n_i (a share's nevner,
    or a count's exposure, 1 without a nevner) the upper limit is the smallest count k with P(X >= k) at most
    :data:`EXACT_TAIL`, the lower limit the largest k with P(X <= k) at most that.  A limit is drawn half a count
    inside the first count beyond it, so "strictly outside" means "that count or a more extreme one".  A side no
    count can reach (a zero month when zero is common; a share of 0 or 1 of 1 case) has no limit (None); a segment
    where no month can reach either side is too thin for any signal.
    """
    n = len(xs)
    rate = centre / scale
    lpl: list[float | None] = [None] * n
    upl: list[float | None] = [None] * n
    chances: list[tuple[float, float] | None] = [None] * n
    sds: list[float] = []
    for i in range(n):
        size = sizes[i]
        if size is None or size <= 0:
            continue
        k_low, k_up, p_below, p_above = count_limits(model, float(size), rate, round(dispersion, 6))
        var = rate * (1 - rate) if model == "binomial" else rate
        sds.append(math.sqrt(var * max(dispersion, 1.0) / size) * scale)
        chances[i] = (p_below, p_above)
        if k_low is not None:
            lpl[i] = (k_low + 0.5) / size * scale
        if k_up is not None:
            upl[i] = (k_up - 0.5) / size * scale
    thin = all(lo is None and hi is None for lo, hi in zip(lpl, upl, strict=True))
    sigma = _mean(sds) if sds else None  # a typical month's standard deviation, for what needs one number
    over = dispersion > 1
    exact_kind: ChartKind = (("p_exact_laney" if over else "p_exact") if model == "binomial"
                             else ("u_exact_laney" if over else "u_exact"))
    return _SegmentLimits([centre] * n, lpl, upl, [None] * n, [None] * n, mrs, (False,) * n, exact_kind, sigma_z,
                          None, sigma, thin, exact=True, side_chance=tuple(chances))


def _widened(lim: _SegmentLimits, factor: float) -> _SegmentLimits:
    """The same limits ``factor`` times as far from the centre line (for autocorrelated series)."""
    if factor == 1.0 or lim.exact:
        return lim

    def out(bound: list[float | None]) -> list[float | None]:
        return [None if b is None or c is None else c + factor * (b - c) for b, c in zip(bound, lim.centre,
                                                                                          strict=True)]

    return _SegmentLimits(lim.centre, out(lim.lpl), out(lim.upl), out(lim.lower_2sigma), out(lim.upper_2sigma),
                          lim.moving_ranges, lim.screened, lim.chart, lim.sigma_z,
                          lim.mean_moving_range, None if lim.sigma is None else lim.sigma * factor,
                          lim.too_little_data)


SHIFT_CHANCE = 0.5**RUN_LENGTH
"""The chance of the shift rule's run on a chart of continuous values: 7 in a row on one given side, 0.5^7."""


def _exact_shift(xs: list[float | None], lim: _SegmentLimits) -> list[int]:
    """The shift rule for a chart with exact limits: +1/-1 where the run of months on one side of the centre line
    that ends here has at most the chance of 7 in a row on a chart of continuous values (:data:`SHIFT_CHANCE`).

    With whole counts and few events a month is not below the centre half the time: at 0.2 events a month, 82 %
    of months are zero and below it, so 7 zeros in a row are common, while at 2 a month a run of 7 months under 2
    is rarer than on a continuous chart.  The chance of the run is the product of each month's exact chance of
    being on that side (strictly; a month on the line breaks the run, as in the reference), so the run that
    counts is as long as it must be at the series' rate: 25 zero months in a row at 0.2 events a month (two years
    and a month), 10 at 0.5.
    """
    out = [0] * len(xs)
    run_side, prob = 0, 1.0
    for i, x in enumerate(xs):
        c = lim.centre[i]
        ch = lim.side_chance[i] if i < len(lim.side_chance) else None
        if x is None or c is None or ch is None or x == c:
            run_side, prob = 0, 1.0
            continue
        side = 1 if x > c else -1
        if side != run_side:
            run_side, prob = side, 1.0
        prob *= ch[1] if side > 0 else ch[0]
        if prob <= SHIFT_CHANCE:
            out[i] = side
    return out


def _classify(xs: list[float | None], lim: _SegmentLimits, imp_sign: int,
              run_rules: bool = True) -> list[tuple[PointType, tuple[Rule, ...]]]:
    """Apply the four rules within one segment, as ``ptd_calculate_point_type()`` does per rebase group.

    ``run_rules=False`` keeps only "outside the limits" (for autocorrelated series, where runs are long by nature).
    """
    n = len(xs)
    outside: list[bool] = [False] * n
    close: list[bool | None] = [None] * n
    side: list[int | None] = [None] * n
    for i, x in enumerate(xs):
        c = lim.centre[i]
        if x is None or c is None:
            continue
        side[i] = _sign(x - c)
        lo, hi, lo2, hi2 = lim.lpl[i], lim.upl[i], lim.lower_2sigma[i], lim.upper_2sigma[i]
        if lim.exact:
            outside[i] = (hi is not None and x > hi) or (lo is not None and x < lo)
            continue
        if lo is not None and hi is not None and lo2 is not None and hi2 is not None:
            outside[i] = x > hi or x < lo
            close[i] = not outside[i] and (x < lo2 or x > hi2)
    exact_shift = _exact_shift(xs, lim) if lim.exact and run_rules else [0] * n
    run_rules = run_rules and not lim.exact
    trend = _trend_directions(xs) if run_rules else [0] * n
    two_in_three = _two_in_three_members(close, side) if run_rules else [False] * n
    shift = _shift_members(side) if run_rules else [False] * n
    out: list[tuple[PointType, tuple[Rule, ...]]] = []
    for i in range(n):
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
        if exact_shift[i]:
            rules.append("exact_shift")
            if high is None:
                high = exact_shift[i] > 0
        out.append(("common_cause" if high is None else _point_type(high, imp_sign), tuple(rules)))
    return out


def analyse(
    values: Sequence[float | None],
    improvement: Literal["increase", "decrease", "neutral"],
    target: float | None = None,
    *,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    sizes: Sequence[float | None] | None = None,
    model: Model = "xmr",
    scale: float = 1.0,
    widen: float = 1.0,
    run_rules: bool = True,
) -> SpcResult:
    """Classify every point of a series and the series as a whole, Making Data Count style.

    ``values`` are in time order; None/NaN mark missing periods and keep their position in
    ``points``.  ``improvement`` is the polarity: which direction of change is good.
    ``target`` (None or NaN for "no target") drives the assurance verdict.

    ``rebase_at``: 0-based positions where a new segment starts (a recorded change point).  As
    NHSRplotthedots' ``rebase``: every segment gets its own mean, moving ranges and limits, and the rules are
    checked within a segment only, so a run or trend never spans a change point.  Every point carries its own
    segment's mean and limits.  ``fix_after_n_points`` (at least 12, as the reference demands): each segment's
    limits are computed from its first n rows (missing rows count, as ``dplyr::row_number()`` does) and then
    applied to the rest of the segment.

    ``model``: ``xmr`` (the default, the reference's chart), ``binomial`` (p-chart: ``values`` are shares in
    ``scale`` units, e.g. 100 for per cent, ``sizes`` the denominators) or ``poisson`` (u-chart: ``values``
    are rates per unit of ``sizes``; counts without a denominator use sizes of 1), see
    :func:`_attribute_limits`.  A p/u segment whose expected count is below :data:`MIN_EXPECTED_COUNT` gets no
    limits and no special cause at all (``too_little_data``).

    ``widen`` and ``run_rules`` are for autocorrelated series (see navdash.signals): limits ``widen`` times as
    far from the centre, and only the "outside the limits" rule.  The defaults are the reference's behaviour.

    Point types are computed even when a segment has fewer than ``MIN_POINTS`` values (as the
    reference does), but the series-level ``variation_type`` and ``assurance_type`` are then
    None, because a verdict on so few points would be a guess.  Series-level verdicts and limits are those of
    the last segment (the reference's assurance reads the last row's limits).
    """
    if improvement not in _IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}")
    if model not in ("xmr", "binomial", "poisson"):
        raise ValueError(f"model must be 'xmr', 'binomial' or 'poisson', got {model!r}")
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool) or int(fix_after_n_points) != fix_after_n_points
        or fix_after_n_points < MIN_FIX_AFTER
    ):
        raise ValueError(f"fix_after_n_points must be a whole number of at least {MIN_FIX_AFTER}")
    if target is not None:
        target = float(target)
        if math.isnan(target):
            target = None
    xs = _clean(values)
    n = len(xs)
    size_list: list[float | None] = [None] * n
    if model != "xmr":
        if sizes is None or len(sizes) != n:
            raise ValueError("sizes must give one denominator per value for a p- or u-chart")
        size_list = _clean(sizes)
    imp_sign = _IMPROVEMENT_SIGN[improvement]

    points: list[SpcPoint] = []
    segments: list[Segment] = []
    last_lim: _SegmentLimits | None = None
    for seg_no, (a, b) in enumerate(_segments(n, rebase_at)):
        seg = xs[a:b]
        base_rows = min(int(fix_after_n_points), b - a) if fix_after_n_points else b - a
        if model == "xmr":
            lim = _xmr_limits(seg, base_rows)
        else:
            lim = _attribute_limits(seg, size_list[a:b], base_rows, model, scale, widen)
        lim = _widened(lim, widen)
        types_rules = (_classify(seg, lim, imp_sign, run_rules) if not lim.too_little_data
                       else [("common_cause", ())] * len(seg))
        for i, x in enumerate(seg):
            point_type, rules = types_rules[i]
            points.append(SpcPoint(
                value=x, mean=lim.centre[i], lpl=lim.lpl[i], upl=lim.upl[i],
                lower_2sigma=lim.lower_2sigma[i], upper_2sigma=lim.upper_2sigma[i],
                point_type=point_type if x is not None else "common_cause", rules=rules if x is not None else (),
                moving_range=lim.moving_ranges[i], moving_range_screened=lim.screened[i], segment=seg_no,
            ))
        last_obs = next((i for i in range(len(seg) - 1, -1, -1) if seg[i] is not None), len(seg) - 1)
        segments.append(Segment(
            start=a, end=b, n_points=sum(x is not None for x in seg), baseline_points=base_rows, chart=lim.chart,
            sigma_z=lim.sigma_z, too_little_data=lim.too_little_data,
            mean=lim.centre[last_obs] if seg else None,
            lpl=lim.lpl[last_obs] if seg else None, upl=lim.upl[last_obs] if seg else None,
        ))
        last_lim = lim

    last_seg = segments[-1] if segments else None
    n_present = last_seg.n_points if last_seg else 0
    too_few = n_present < MIN_POINTS
    thin = bool(last_seg and last_seg.too_little_data)

    # The reference reports the type of the row with the latest date, even when that
    # row's value is NA (which then reads "common_cause").  A missing latest period says
    # nothing about the process, so the last *observed* point is used instead.
    variation_type: PointType | None = None
    if not too_few and not thin:
        variation_type = next(p.point_type for p in reversed(points) if p.value is not None)
    last_point = next((p for p in reversed(points) if p.value is not None), points[-1] if points else None)
    lpl = last_point.lpl if last_point else None
    upl = last_point.upl if last_point else None
    return SpcResult(
        points=tuple(points),
        variation_type=variation_type,
        assurance_type=None if too_few or thin else _assurance(lpl, upl, target, improvement),
        too_few_points=too_few,
        n_points=n_present,
        mean=last_point.mean if last_point else None,
        mean_moving_range=last_lim.mean_moving_range if last_lim else None,
        lpl=lpl,
        upl=upl,
        sigma=last_lim.sigma if last_lim else None,
        lower_2sigma=last_point.lower_2sigma if last_point else None,
        upper_2sigma=last_point.upper_2sigma if last_point else None,
        improvement=improvement,
        target=target,
        segments=tuple(segments),
        chart=last_seg.chart if last_seg else "xmr",
        too_little_data=thin,
    )
