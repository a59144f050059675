"""How one monthly series is analysed for a signal: which chart, whether the season is adjusted, and where the
limits are recalculated.  navdash.spc does the chart arithmetic; this module makes the choices and says why.

**Which chart** (the rule shown to users in "Slik leser du signalene"):

* a share with teller and nevner (aggregering ``forholdstall``, måleenhet ``prosent``): p-chart, binomial limits
  from each month's nevner;
* a count (måleenhet ``antall``; with a nevner it is a rate per nevner): u-chart, Poisson limits;
* both with Laney's correction (p'/u') when the months vary more than the binomial/Poisson model allows
  (sigma_z > 1, which is what large denominators show), so limits are never narrower than the data's own
  month-to-month variation nor than the counting model allows;
* a p/u chart with fewer than 5 expected events per month (the rarer outcome, for a share; divided by sigma_z^2
  when the months vary more than the model allows, since person-days of the same colleague are not independent
  trials; ``spc.MIN_EXPECTED_COUNT``) cannot use 3-sigma limits, which lean on the normal curve.  Its limits are the
  exact ones of the distribution at the series' own rate: a month is outside when the chance of its count, or a
  more extreme one, is at most 0.135 % on that side (the normal curve's tail beyond 3 sigma).  When the months vary
  more than the binomial/Poisson allows (sigma_z > 1) or hang together, the distribution is its overdispersed form
  with the variance the months show (beta-binomial / negative binomial).  The rules are "outside the limits" and
  the exact run rule (as many months in a row on one side of the centre as have the chance of 7 in a row on an
  ordinary chart); a side no count can reach has no limit, so a zero month where zero is common can never be a
  concern.  "For lite grunnlag for et signal" is left for a series where the event never happened in the window
  and for one where no month could reach a limit (0 or 1 of 1 case);
* when the months hang together (lag-1 autocorrelation above 0.2 in the months before the window, or in the
  window once its best single step is taken out), the limits are widened by the ratio of the standard deviation
  to the moving-range sigma (moving ranges see only the month-to-month part of such variation) and the rules are
  read on the AR(1) residuals x(i) - phi * x(i-1) instead of the ordinary run rules, which fire on the long runs
  such series have by nature: a point outside the widened limits whose residual is also outside the residuals'
  limits, or RESIDUAL_RUN (10) residuals in a row on one side of their median (:func:`residual_rules`; Alwan &
  Roberts 1988, Montgomery §10.4);
* everything else (days, kroner, scores, shares loaded without a base): the XmR chart of Making Data Count.

**Seasonality.** Method: the chart is drawn for seasonally adjusted values, x - s(month), where s is an additive
seasonal profile estimated from the series' own complete calendar years before the year of the month shown
(classical decomposition with seasonal relatives, as recommended for SPC on seasonal data by Wheeler,
*Understanding Variation*, and Montgomery, *Introduction to Statistical Quality Control*, §10).  Why this and
not like-for-like (this month against the same month last year): a year-on-year difference has twice the
variance of a single month, its moving ranges are autocorrelated 12 months apart, and it needs a year more data
before the first signal, so it both misses real changes and, at office level, still fires on noise; adjusting
by a profile estimated from several years keeps the chart's arithmetic and rules unchanged.

* the profile for a calendar month is the median over the years of (value - that year's mean), centred to sum
  to zero; the median keeps one unusual year (a pandemic) from shaping the profile, and years that contain a
  recorded change point are left out when two other years remain;
* ``sesong = auto`` (the default): the season is adjusted when at least two complete years precede the year
  shown and the stable-seasonality F-test of X-11 (two-way analysis of variance, year and calendar month) finds
  a calendar pattern at the 1 % level; ``ja`` adjusts whenever two complete years exist; ``nei`` never.

**Change points.** Recorded change points (import kind ``endringspunkter``) inside the window become
``rebase_at`` positions: limits are recalculated from each change point, as NHSRplotthedots' ``rebase`` does.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from navdash import spc
from navdash.periods import Period

SEASON_ALPHA = 0.01
"""Significance level of the stable-seasonality F-test for ``sesong = auto``."""
SEASON_MIN_YEARS = 2
"""Complete calendar years needed before the year shown to estimate a seasonal profile."""
WINDOW = 36
"""Months charted and used for limits.

Three years, not two: the limits and the centre line come from the window, and a lasting change that is k months
old has moved the centre by k/36 of its size instead of k/24 (and widened the limits of a series whose months hang
together less), so it stays visible for longer.  Measured on the synthetic bench (`python -m navdash bench
--signaler`, three seeds): 74,5-77,5 % of planted changes caught with 24 months, 80,2-86,4 % with 36, at nearly
the same overall false-alarm rate (1,2-1,5 % with 24 months, 1,3-1,9 % with 36) once the autocorrelation threshold
and the residual run follow the longer window (:data:`AUTOCORR_LIMIT`, :data:`RESIDUAL_RUN`).  Three years of a
monthly figure is still one chart a leader reads at a glance, and a recorded change point starts a new segment at
once.  The price: the scorecard reads more history (scorecard.HISTORY_YEARS), and a shock nobody recorded as a
change point (a pandemic) stays in the limits for three years instead of two."""

SEASON_SETTINGS = ("auto", "ja", "nei")
AUTOCORR_HISTORY = 36
"""Months before the window used to estimate the lag-1 autocorrelation."""
AUTOCORR_LIMIT = 0.2
"""Lag-1 autocorrelation above this counts.

A low bar on purpose: about the one-sided 10 % level for the window's 36 independent months (1.28/sqrt(36) = 0.21).
Missing real autocorrelation lets the ordinary run rules fire on the long runs such a series has by nature, while
flagging an independent series only swaps its run rules for the residual rules and widens its limits a little.
Measured on the synthetic bench with the 36-month window: 0.25 gave 2,1 % false alarms overall (5,2 % for sickness
absence), 0.2 gives 1,9 % (4,7 %)."""
AUTOCORR_MAX_WIDEN = 2.5
"""Cap on how much wider autocorrelation may make the limits."""
AUTOCORR_MAX_PHI = 0.95
"""Cap on the AR(1) coefficient used for the residuals (a coefficient of 1 would chart month-to-month changes)."""
RESIDUAL_RUN = 10
"""Months in a row on one side of the residuals' median for the residual shift rule (autocorrelated series).

Ten, not the eight of Western Electric's rule 2 nor the seven of Making Data Count: the residuals of a persistent
count (sick colleagues) are not quite independent, and with shorter runs the synthetic bench's false alarms for
sickness absence rose above the 2 % goal overall (9 was enough with a 24-month window; with 36 months the median
residual is better estimated and more runs fit in a segment).  10 has the nominal chance 2 x 0.5^10 = 0.2 % either
way."""

RESIDUAL_RULES_TEXT = (f"et punkt utenfor grensene som også er et uvanlig hopp fra måneden før, eller {RESIDUAL_RUN} "
                       "måneder på rad over (eller under) det måneden før tilsier")
"""Norwegian: the two rules read on an autocorrelated series, for the målekort's help text and a signal's own
explanation (one wording, so the two cannot drift apart)."""

CHART_TEXT = {
    "xmr": "XmR-diagram",
    "p": "p-diagram (binomisk, grenser fra hver måneds nevner)",
    "p_laney": "p′-diagram (Laney: binomisk, justert for variasjonen mellom månedene)",
    "u": "u-diagram (Poisson)",
    "u_laney": "u′-diagram (Laney: Poisson, justert for variasjonen mellom månedene)",
    "p_exact": "p-diagram med eksakte binomiske grenser for få hendelser",
    "u_exact": "u-diagram med eksakte Poisson-grenser for få hendelser",
    "p_exact_laney": ("p-diagram med eksakte grenser for få hendelser, fra den betabinomiske fordelingen fordi "
                      "månedene varierer mer enn binomisk"),
    "u_exact_laney": ("u-diagram med eksakte grenser for få hendelser, fra den negative binomiske fordelingen fordi "
                      "månedene varierer mer enn Poisson"),
}


@dataclass(frozen=True)
class ChangePoint:
    """A recorded change: from ``period`` on, the process is a new one (limits are recalculated)."""

    indicator_id: str
    unit_id: str | None  # None: every unit
    period: str  # month key, e.g. "2021-04"
    reason: str


@dataclass(frozen=True)
class Season:
    setting: str  # auto / ja / nei, from the catalogue
    applied: bool
    years: tuple[int, ...]  # the complete years the profile comes from
    profile: tuple[float, ...]  # 12 additive effects, January first, in the shown unit
    p_value: float | None
    text: str  # Norwegian: what was done and why


@dataclass(frozen=True)
class SeriesAnalysis:
    periods: tuple[Period, ...]  # the window, oldest first
    raw: tuple[float | None, ...]
    charted: tuple[float | None, ...]  # seasonally adjusted when season.applied, else raw
    result: spc.SpcResult
    model: str  # xmr / binomial / poisson
    season: Season
    change_points: tuple[tuple[int, ChangePoint], ...]  # (position in window, change point)
    autocorrelation: float | None = None  # lag-1, of the months before the window (or of the window)
    autocorrelated: bool = False
    widen: float = 1.0

    @property
    def autocorrelation_text(self) -> str | None:
        """Norwegian: what was done because the months hang together (None when they do not)."""
        if not self.autocorrelated or self.autocorrelation is None:
            return None
        from navdash import fmt

        r, w = fmt.number(self.autocorrelation, 2), fmt.number(self.widen, 1)
        return (f"Månedene henger sammen (autokorrelasjon {r}): kontrollgrensene er {w} ganger så brede. Reglene "
                f"brukes på hver måned sammenlignet med det måneden før tilsier: {RESIDUAL_RULES_TEXT}.")

    @property
    def chart_text(self) -> str:
        return CHART_TEXT[self.result.chart]


def choose_model(measure: str, aggregation: str) -> tuple[spc.Model, float]:
    """The chart for an indicator (see the module docstring), and the scale of the shown values."""
    if aggregation == "forholdstall" and measure == "prosent":
        return "binomial", 100.0
    if measure == "antall":
        return "poisson", 1.0
    return "xmr", 1.0


def _complete_years(months: Sequence[Period], values: Sequence[float | None],
                    before_year: int) -> dict[int, list[float]]:
    by_year: dict[int, dict[int, float]] = {}
    for p, v in zip(months, values, strict=True):
        if v is not None and p.year < before_year:
            by_year.setdefault(p.year, {})[p.number] = v
    return {y: [m[i] for i in range(1, 13)] for y, m in sorted(by_year.items()) if len(m) == 12}


def seasonality_test(years: Sequence[Sequence[float]]) -> float | None:
    """p-value of X-11's stable-seasonality F-test: two-way ANOVA (year + calendar month), month effect."""
    k = len(years)
    if k < 2:
        return None
    grand = statistics.fmean([v for y in years for v in y])
    year_means = [statistics.fmean(y) for y in years]
    month_means = [statistics.fmean([y[m] for y in years]) for m in range(12)]
    ss_month = k * sum((mm - grand) ** 2 for mm in month_means)
    ss_resid = sum((years[i][m] - year_means[i] - month_means[m] + grand) ** 2 for i in range(k) for m in range(12))
    df_month, df_resid = 11, 11 * (k - 1)
    if ss_resid <= 0:
        return 0.0 if ss_month > 0 else 1.0
    f = (ss_month / df_month) / (ss_resid / df_resid)
    from scipy.special import fdtrc  # the F distribution's survival function; scipy.stats costs 2 s more to import

    return float(fdtrc(df_month, df_resid, f))


def seasonal_profile(years: Sequence[Sequence[float]]) -> tuple[float, ...]:
    deviations = [[v - statistics.fmean(y) for v in y] for y in years]
    med = [statistics.median(d[m] for d in deviations) for m in range(12)]
    centre = statistics.fmean(med)
    return tuple(m - centre for m in med)


def estimate_season(months: Sequence[Period], values: Sequence[float | None], end: Period, setting: str,
                    change_years: set[int] | frozenset[int] = frozenset()) -> Season:
    """Decide whether to adjust, and the profile, from complete years before ``end.year``."""
    setting = setting if setting in SEASON_SETTINGS else "auto"
    none = (0.0,) * 12
    if setting == "nei":
        return Season(setting, False, (), none, None, "Ikke sesongjustert (katalogen sier at serien ikke har sesong).")
    full = _complete_years(months, values, end.year)
    if len(full) - len(change_years & set(full)) >= SEASON_MIN_YEARS:
        full = {y: v for y, v in full.items() if y not in change_years}
    if len(full) < SEASON_MIN_YEARS:
        return Season(setting, False, tuple(full), none, None,
                      f"Ikke sesongjustert: det trengs minst {SEASON_MIN_YEARS} hele kalenderår før {end.year} for å "
                      "anslå et sesongmønster.")
    years = list(full.values())
    p_value = seasonality_test(years)
    span = f"{min(full)}–{max(full)}" if len(full) > 1 else str(min(full))
    if setting == "auto" and (p_value is None or p_value >= SEASON_ALPHA):
        return Season(setting, False, tuple(full), none, p_value,
                      f"Ikke sesongjustert: ingen fast sesong i {span} (F-test for stabil sesong, "
                      f"{_p_text(p_value)}).")
    why = ("katalogen sier at serien har sesong" if setting == "ja"
           else f"fast sesong funnet i {span} (F-test for stabil sesong, {_p_text(p_value)})")
    return Season(setting, True, tuple(full), seasonal_profile(years), p_value,
                  f"Sesongjustert: {why}. Hver måneds typiske avvik fra årssnittet i {span} er trukket fra før "
                  "kontrollgrensene er regnet ut.")


def _p_text(p: float | None) -> str:
    """`p = 0,356` or `p < 0,001`."""
    if p is None:
        return "p = –"
    if p < 0.001:
        return "p < 0,001"
    return "p = " + f"{p:.3f}".replace(".", ",")


def analyse_series(
    months: Sequence[Period],
    shown: Sequence[float | None],
    sizes: Sequence[float | None] | None,
    end: Period,
    *,
    measure: str,
    aggregation: str,
    improvement: spc.Improvement,
    target: float | None = None,
    season: str = "auto",
    change_points: Sequence[ChangePoint] = (),
    window: int = WINDOW,
) -> SeriesAnalysis:
    """Analyse the ``window`` months up to ``end`` of a monthly series; earlier months are history for the season.

    ``months`` need not be contiguous; missing months are gaps.  ``sizes`` are the denominators (None when the
    indicator has none).  ``target`` goes to the assurance verdict unchanged.
    """
    values = {p.key: v for p, v in zip(months, shown, strict=True)}
    bases = {p.key: s for p, s in zip(months, sizes, strict=True)} if sizes is not None else {}
    keys = [end.shift(-i) for i in range(window - 1, -1, -1)]
    while keys and keys[0].key not in values:  # leading months before the series began are not gaps
        keys.pop(0)
    raw = [values.get(p.key) for p in keys]
    raw = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in raw]

    model, scale = choose_model(measure, aggregation)
    size_list: list[float | None] | None = None
    if model == "binomial":
        size_list = [bases.get(p.key) for p in keys]
        if all(s is None for s in size_list):
            model, scale, size_list = "xmr", 1.0, None
    elif model == "poisson":
        size_list = [bases.get(p.key) if aggregation == "forholdstall" else 1.0 for p in keys]

    change_years = {int(c.period[:4]) for c in change_points}
    hist = [(p, v) for p, v in zip(months, shown, strict=True) if p.key <= end.key]
    clean_hist = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for _, v in hist]
    seas = estimate_season([p for p, _ in hist], clean_hist, end, season, change_years)
    charted = [None if v is None else v - seas.profile[p.number - 1] for p, v in zip(keys, raw, strict=True)] \
        if seas.applied else list(raw)

    positions: list[tuple[int, ChangePoint]] = []
    index = {p.key: i for i, p in enumerate(keys)}
    for cp in sorted(change_points, key=lambda c: c.period):
        i = index.get(cp.period)
        if i is not None and i > 0:
            positions.append((i, cp))
    # Autocorrelation from the months before the window (adjusted like the window), so that a change inside
    # the window does not pass for autocorrelation; the window itself only when there is too little before it.
    start = keys[0] if keys else end
    before = [v if not seas.applied or v is None else v - seas.profile[p.number - 1]
              for p, v in zip([p for p, _ in hist], clean_hist, strict=True)
              if start.shift(-AUTOCORR_HISTORY) <= p < start] if keys else []
    # The window counts too, once the best single step is taken out of it: a lasting change makes neighbouring
    # months alike without the process being autocorrelated, and must stay detectable.
    candidates = [without_best_step(charted)]
    if sum(v is not None for v in before) >= 12:
        candidates.append(before)
    r1 = None
    widen = 1.0
    for basis in candidates:
        r = lag1_autocorrelation(basis)
        if r is not None and (r1 is None or r > r1):
            r1 = r
        if r is not None and r > AUTOCORR_LIMIT:
            widen = max(widen, sd_to_mr_ratio(basis))
    autocorrelated = r1 is not None and r1 > AUTOCORR_LIMIT
    result = spc.analyse(charted, improvement, target, rebase_at=[i for i, _ in positions],
                         sizes=size_list, model=model, scale=scale, widen=widen, run_rules=not autocorrelated)

    if autocorrelated and not result.too_little_data:
        result = residual_rules(result, charted, min(max(r1 or 0.0, 0.0), AUTOCORR_MAX_PHI), improvement)
    return SeriesAnalysis(tuple(keys), tuple(raw), tuple(charted), result, model, seas, tuple(positions), r1,
                          autocorrelated, widen)


def ar1_residuals(values: Sequence[float | None], phi: float, start: int = 0) -> list[float | None]:
    """One-step forecast errors of an AR(1) model, x(i) - phi * x(i-1), from position ``start`` on.

    The intercept is left in (every residual carries (1 - phi) * mean), which a chart's centre line absorbs.  A
    residual needs both months; none is formed across ``start`` (a change point) or a gap.
    """
    out: list[float | None] = [None] * len(values)
    for i in range(start + 1, len(values)):
        a, b = values[i - 1], values[i]
        if a is not None and b is not None:
            out[i] = b - phi * a
    return out


def residual_rules(result: spc.SpcResult, values: Sequence[float | None], phi: float,
                   improvement: spc.Improvement) -> spc.SpcResult:
    """The special-cause rules for an autocorrelated series, on its AR(1) residuals, segment by segment.

    The residual chart (Alwan & Roberts 1988; Montgomery, *Introduction to Statistical Quality Control*, §10.4):
    once each month is compared with what the month before predicts, x(i) - phi * x(i-1), the residuals are close
    to independent and a rule means again what it means on an ordinary chart.

    * ``outside_limits``: the month is outside the (widened) limits of the values *and* its residual is outside
      the residuals' own XmR limits.  Alwan & Roberts read the values for where the process is and the residuals
      for what is new; a month that is both beyond the process's range and a jump from the month before is a
      special cause, while the later months of a slow drift that stays outside (several colleagues ill at once,
      recovering one by one) are not new each month.
    * ``residual_shift``: the residual of this month and the 8 before all above (or all below) the median residual
      of the segment.  A lasting change of size d moves every later residual by (1 - phi) * d; a run picks that up
      where single months stay inside the limits.  The median, not the mean, is the centre: residuals of a count of
      sick colleagues are skewed (many small, a few large when someone falls ill), and half of them are still on
      either side of the median, so a run of 9 has the nominal chance 2 x 0.5^9 = 0.4 % either way.
    """
    points = list(result.points)
    for seg in result.segments:
        if seg.too_little_data:
            continue
        res = ar1_residuals(values[: seg.end], phi, seg.start)[seg.start :]
        present = [v for v in res if v is not None]
        if len(present) < 2:
            continue
        lim = spc.compute_limits(res)
        centre = statistics.median(present)
        runs_possible = len(present) >= 2 * RESIDUAL_RUN
        for j, r in enumerate(res):
            i = seg.start + j
            p = points[i]
            if p.value is None:
                continue
            rules: list[spc.Rule] = []
            high: bool | None = None
            if ("outside_limits" in p.rules and r is not None and lim.lpl is not None and lim.upl is not None
                    and (r > lim.upl or r < lim.lpl) and (r > lim.upl) == (p.mean is not None and p.value > p.mean)):
                rules.append("outside_limits")
                high = r > lim.upl
            tail = res[j - RESIDUAL_RUN + 1 : j + 1] if j + 1 >= RESIDUAL_RUN else []
            if runs_possible and len(tail) == RESIDUAL_RUN and all(v is not None for v in tail):
                sides = {(v > centre) - (v < centre) for v in tail}  # type: ignore[operator]
                if len(sides) == 1 and 0 not in sides:
                    rules.append("residual_shift")
                    if high is None:
                        high = sides.pop() > 0
            point_type: spc.PointType = "common_cause" if high is None else spc.point_type_for(high, improvement)
            points[i] = dataclasses.replace(p, point_type=point_type, rules=tuple(rules))
    variation = result.variation_type
    if variation is not None:
        variation = next(p.point_type for p in reversed(points) if p.value is not None)
    return dataclasses.replace(result, points=tuple(points), variation_type=variation)


def without_best_step(values: Sequence[float | None]) -> list[float | None]:
    """Residuals from the best fitting single step (two means, split where the squared error is least)."""
    idx = [i for i, v in enumerate(values) if v is not None]
    xs = [values[i] for i in idx]
    n = len(xs)
    if n < 8:
        return list(values)
    best, split = math.inf, n
    for k in range(3, n - 2):
        left, right = xs[:k], xs[k:]
        ml, mr = statistics.fmean(left), statistics.fmean(right)  # type: ignore[arg-type]
        sse = sum((v - ml) ** 2 for v in left) + sum((v - mr) ** 2 for v in right)  # type: ignore[operator]
        if sse < best:
            best, split = sse, k
    ml, mr = statistics.fmean(xs[:split]), statistics.fmean(xs[split:])  # type: ignore[arg-type]
    out: list[float | None] = [None] * len(values)
    for j, i in enumerate(idx):
        out[i] = xs[j] - (ml if j < split else mr)  # type: ignore[operator]
    return out


def sd_to_mr_ratio(values: Sequence[float | None]) -> float:
    """Standard deviation over moving-range sigma (mean moving range / 1.128), at least 1.

    For independent months the two agree; when months hang together the moving ranges see only the
    month-to-month part of the variation and the ratio says how much wider the limits must be.
    """
    present = [v for v in values if v is not None]
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False) if a is not None and b is not None]
    if len(present) < 3 or not ranges or statistics.fmean(ranges) == 0:
        return 1.0
    return max(1.0, min(statistics.stdev(present) / (statistics.fmean(ranges) / spc.LANEY_D2), AUTOCORR_MAX_WIDEN))


def lag1_autocorrelation(values: Sequence[float | None]) -> float | None:
    """Lag-1 autocorrelation over adjacent non-missing pairs (the usual estimator, mean of all values)."""
    present = [v for v in values if v is not None]
    if len(present) < 3:
        return None
    mean = statistics.fmean(present)
    den = sum((v - mean) ** 2 for v in present)
    if den <= 0:
        return None
    num = sum((a - mean) * (b - mean) for a, b in zip(values, values[1:], strict=False)
              if a is not None and b is not None)
    return num / den


def load_change_points(con: duckdb.DuckDBPyConnection, unit_id: str,
                       indicators: Sequence[str] | None = None) -> dict[str, list[ChangePoint]]:
    """Change points that apply to a unit: those recorded for the unit and those recorded for every unit."""
    rows = con.execute(
        """SELECT indicator_id, unit_id, period, reason FROM change_points
           WHERE (unit_id = ? OR unit_id = '') AND (? IS NULL OR list_contains(?, indicator_id))
           ORDER BY indicator_id, period""",
        [unit_id, None if indicators is None else list(indicators), None if indicators is None else list(indicators)],
    ).fetchall()
    out: dict[str, list[ChangePoint]] = {}
    for ind, unit, period, reason in rows:
        out.setdefault(ind, []).append(ChangePoint(ind, unit or None, period, reason))
    return out


def season_settings(con: duckdb.DuckDBPyConnection) -> Mapping[str, str]:
    return dict(con.execute("SELECT indicator_id, coalesce(season, 'auto') FROM indicators").fetchall())
