"""Comparison between units without ranking: funnel plots (Spiegelhalter 2005) and comparison groups.

A funnel plot shows each unit's share against its denominator, with control limits around the group's value
(the ratio of the summed numerators to the summed denominators of the compared units). Limits narrow as the
denominator grows: a small office varies more by chance than a large one. A unit inside the limits is not
different from the group in any way the numbers can show; the order of the units never carries meaning here.

Statistical choices, stated once:
* limits without adjustment are exact binomial: the p-quantile of Binomial(n, p0), interpolated between integers
  as in Spiegelhalter (2005, appendix A.1.1), divided by n. `method="normal"` gives p0 ± z·sqrt(p0(1-p0)/n);
* overdispersion is estimated from 10 % winsorised z-scores (phi = mean of the squared winsorised z-scores) and
  is tested by comparing k·phi with the 95 % quantile of chi-square on k-1 degrees of freedom (Wilson-Hilferty);
* the adjustment, when asked for, is additive by default (random effects, tau² by DerSimonian-Laird from the
  winsorised z-scores; limits p0 ± z·sqrt(p0(1-p0)/n + tau²)) because NAV offices differ tenfold in size and a
  multiplicative phi would still flag nearly every large office. `adjust="multiplicative"` gives
  p0 ± z·sqrt(phi·p0(1-p0)/n). Adjusted limits are on the normal scale;
* a unit is "over" or "under forventet variasjon" outside the 99,8 % limits (about three standard errors, as in
  the XmR charts); between the 95 % and 99,8 % limits it is "innenfor" and marked as near a limit. With exact
  limits the label comes from the exact tail probability of the unit's own count (P(R >= y) or P(R <= y) below
  0,001; 0,025 for "near"), so that a small unit at 0 % or 100 % is not flagged by the interpolation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from navdash import aggregate, disclosure, fmt
from navdash import units as unit_tree
from navdash.periods import Period, parse_period

COVERAGES = (0.95, 0.998)
Z = {0.95: 1.959963984540054, 0.998: 3.090232306167813}
WINSOR = 0.10
STATUS_TEXT = {"over": "Over forventet variasjon", "innenfor": "Innenfor forventet variasjon",
               "under": "Under forventet variasjon"}


# ---------------------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------------------


def _binom_window(n: int, p0: float) -> tuple[np.ndarray, np.ndarray]:
    """k and the binomial pmf over every k with more than negligible mass (the full range for small n)."""
    mu = n * p0
    sd = math.sqrt(n * p0 * (1 - p0))
    lo = max(0, int(mu - 15 * sd) - 20)
    hi = min(n, int(mu + 15 * sd) + 20)
    k = np.arange(lo, hi + 1, dtype=np.float64)
    log_pmf = (math.lgamma(n + 1) - math.lgamma(lo + 1) - math.lgamma(n - lo + 1)
               + lo * math.log(p0) + (n - lo) * math.log1p(-p0))
    # log pmf(k+1) - log pmf(k) = log((n-k)/(k+1)) + log(p0/(1-p0)): one cumulative sum instead of lgamma per k
    steps = np.log((n - k[:-1]) / (k[:-1] + 1)) + math.log(p0 / (1 - p0))
    logs = np.concatenate([[log_pmf], log_pmf + np.cumsum(steps)])
    return k, np.exp(logs)


def binomial_limit(p: float, n: int, p0: float) -> float:
    """The interpolated p-quantile of Binomial(n, p0) divided by n (Spiegelhalter 2005, A.1.1).

    r is the smallest count with P(R <= r) >= p; alpha = (P(R <= r) - p) / P(R = r); the limit is (r - alpha)/n.
    """
    return binomial_limits((p,), n, p0)[0]


def binomial_limits(ps: Sequence[float], n: int, p0: float) -> list[float]:
    if n <= 0:
        return [math.nan for _ in ps]
    if p0 <= 0 or p0 >= 1:
        return [p0 for _ in ps]
    k, pmf = _binom_window(n, p0)
    cdf = np.cumsum(pmf)
    out = []
    for p in ps:
        i = min(int(np.searchsorted(cdf, p, side="left")), len(k) - 1)
        alpha = (cdf[i] - p) / pmf[i] if pmf[i] > 0 else 0.0
        out.append(min(1.0, max(0.0, float((k[i] - alpha) / n))))  # a share is never below 0 or above 1
    return out


def binomial_tails(count: float, n: int, p0: float) -> tuple[float, float]:
    """P(R <= count) and P(R >= count) for R ~ Binomial(n, p0): how extreme an observed count is."""
    if p0 <= 0 or p0 >= 1 or n <= 0:
        return 1.0, 1.0
    k, pmf = _binom_window(n, p0)
    lower = float(pmf[k <= count].sum())
    upper = float(pmf[k >= count].sum())
    return min(1.0, lower), min(1.0, upper)


def normal_limits(p0: float, n: float, coverage: float, extra_variance: float = 0.0,
                  scale: float = 1.0) -> tuple[float, float]:
    """p0 ± z·sqrt(scale·p0(1-p0)/n + extra_variance)."""
    se = math.sqrt(scale * p0 * (1 - p0) / n + extra_variance)
    return p0 - Z[coverage] * se, p0 + Z[coverage] * se


# ---------------------------------------------------------------------------------------------------------
# Overdispersion
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdispersion:
    phi: float  # mean squared winsorised z-score; 1 when units vary as chance alone would make them
    tau2: float  # between-unit variance on the share scale (additive model), 0 when phi·k <= k-1
    k: int
    critical: float  # 95 % quantile of chi-square on k-1 degrees of freedom
    present: bool  # k·phi above the critical value: units vary more than chance explains


def chi2_quantile_95(df: int) -> float:
    """Wilson-Hilferty approximation to the 95 % quantile of chi-square (within 1 % for df >= 3)."""
    if df <= 0:
        return math.inf
    c = 2 / (9 * df)
    return df * (1 - c + 1.6448536269514722 * math.sqrt(c)) ** 3


def winsorise(z: np.ndarray, fraction: float = WINSOR) -> np.ndarray:
    """Values below the `fraction` quantile set to that quantile, above 1-`fraction` to that one (linear)."""
    lo, hi = np.quantile(z, [fraction, 1 - fraction])
    return np.clip(z, lo, hi)


def overdispersion(numerators: Sequence[float], denominators: Sequence[float], p0: float) -> Overdispersion:
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    k = len(num)
    if k < 2 or p0 <= 0 or p0 >= 1:
        return Overdispersion(1.0, 0.0, k, math.inf, False)
    s2 = p0 * (1 - p0) / den
    z = winsorise((num / den - p0) / np.sqrt(s2))
    phi = float(np.mean(z**2))
    w = 1 / s2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    critical = chi2_quantile_95(k - 1)
    return Overdispersion(phi, float(tau2), k, critical, k * phi > critical)


# ---------------------------------------------------------------------------------------------------------
# The funnel
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelPoint:
    unit_id: str
    name: str
    numerator: float
    denominator: float
    share: float  # 0..1
    limits: dict[float, tuple[float, float]]  # coverage -> (lower, upper) at this unit's denominator
    status: str  # "over", "innenfor", "under" (99,8 % limits)
    near_limit: bool  # inside 99,8 % but outside 95 %

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


@dataclass(frozen=True)
class Funnel:
    indicator_id: str
    period: str
    p0: float | None  # the group's share: sum of numerators / sum of denominators
    method: str  # "exact" or "normal"
    adjust: str | None  # None, "additive" or "multiplicative"
    dispersion: Overdispersion
    points: list[FunnelPoint]  # in the order the units were given, never by value
    missing: list[tuple[str, str]] = field(default_factory=list)  # (unit_id, name) without numbers

    @property
    def adjusted(self) -> bool:
        return self.adjust is not None and (self.dispersion.tau2 > 0 if self.adjust == "additive"
                                            else self.dispersion.phi > 1)

    def limits_at(self, n: float) -> dict[float, tuple[float, float]]:
        return limits_at(self.p0, n, self.method, self.adjust, self.dispersion)

    def curve(self, steps: int = 80) -> pd.DataFrame:
        """The funnel's limits over denominators from a little below the smallest to a little above the largest."""
        if self.p0 is None or not self.points:
            return pd.DataFrame(columns=["n", "lo95", "hi95", "lo998", "hi998"])
        dens = [p.denominator for p in self.points]
        lo, hi = max(1.0, min(dens) * 0.8), max(dens) * 1.1
        ns = np.unique(np.round(np.geomspace(lo, hi, steps)))
        rows = []
        for n in ns:
            lim = self.limits_at(float(n))
            rows.append({"n": n, "lo95": lim[0.95][0], "hi95": lim[0.95][1],
                         "lo998": lim[0.998][0], "hi998": lim[0.998][1]})
        return pd.DataFrame(rows)


def limits_at(p0: float | None, n: float, method: str = "exact", adjust: str | None = None,
              dispersion: Overdispersion | None = None) -> dict[float, tuple[float, float]]:
    """Control limits (share scale) at denominator n, for 95 % and 99,8 %."""
    if p0 is None or n <= 0:
        return {c: (math.nan, math.nan) for c in COVERAGES}
    if adjust == "additive" and dispersion is not None and dispersion.tau2 > 0:
        return {c: normal_limits(p0, n, c, extra_variance=dispersion.tau2) for c in COVERAGES}
    if adjust == "multiplicative" and dispersion is not None and dispersion.phi > 1:
        return {c: normal_limits(p0, n, c, scale=dispersion.phi) for c in COVERAGES}
    if method == "normal":
        return {c: normal_limits(p0, n, c) for c in COVERAGES}
    lo95, hi95, lo998, hi998 = binomial_limits((0.025, 0.975, 0.001, 0.999), int(round(n)), p0)
    return {0.95: (lo95, hi95), 0.998: (lo998, hi998)}


def funnel(units: pd.DataFrame, indicator_id: str = "", period: str = "", *, method: str = "exact",
           adjust: str | None = None) -> Funnel:
    """The funnel for units with columns unit_id, name, numerator, denominator (rows in the caller's order)."""
    usable = units["denominator"].notna() & (units["denominator"] > 0) & units["numerator"].notna()
    good, bad = units[usable], units[~usable]
    missing = list(zip(bad["unit_id"], bad["name"], strict=True))
    if good.empty:
        return Funnel(indicator_id, period, None, method, adjust, Overdispersion(1.0, 0.0, 0, math.inf, False),
                      [], missing)
    p0 = float(good["numerator"].sum() / good["denominator"].sum())
    disp = overdispersion(good["numerator"], good["denominator"], p0)
    points = []
    for unit_id, name, num, den in zip(good["unit_id"], good["name"], good["numerator"], good["denominator"],
                                       strict=True):
        share = float(num) / float(den)
        lim = limits_at(p0, float(den), method, adjust, disp)
        lo998, hi998 = lim[0.998]
        lo95, hi95 = lim[0.95]
        if method == "exact" and not (adjust and (disp.tau2 > 0 if adjust == "additive" else disp.phi > 1)):
            # with counts, judge by the exact tail probability: the interpolated limits are for drawing, and a
            # small unit at 100 % (7 of 7) sits on its limit without being unusual
            below, above = binomial_tails(float(num), int(round(den)), p0)
            status = "over" if above < 0.001 else "under" if below < 0.001 else "innenfor"
            near = status == "innenfor" and min(below, above) < 0.025
        else:
            status = "over" if share > hi998 else "under" if share < lo998 else "innenfor"
            near = status == "innenfor" and (share > hi95 or share < lo95)
        points.append(FunnelPoint(str(unit_id), str(name), float(num), float(den), share, lim, status, near))
    return Funnel(indicator_id, period, p0, method, adjust, disp, points, missing)


def better(status: str, polarity: str) -> bool:
    """Whether a unit stands out for the better: outside the limits on the good side (never for neutral ones)."""
    if status == "innenfor" or polarity not in ("hoy_er_bra", "lav_er_bra"):
        return False
    return (status == "over") == (polarity == "hoy_er_bra")


# ---------------------------------------------------------------------------------------------------------
# Data access
# ---------------------------------------------------------------------------------------------------------

UNITS_SQL = """
SELECT unit_id, name, type, parent_id, comparison_group, size_class, user_mix, centrality FROM units
WHERE ($parent IS NULL OR parent_id = $parent) AND ($group IS NULL OR {column} = $group)
  AND (valid_from IS NULL OR $end IS NULL OR valid_from <= $end)
  AND (valid_to IS NULL OR $start IS NULL OR valid_to >= $start)
ORDER BY unit_id
"""

VALUES_SQL = """
WITH RECURSIVE req(root) AS (SELECT unnest($units::VARCHAR[])),
tree(root, unit_id) AS (
    SELECT root, root FROM req
    UNION ALL
    SELECT t.root, u.unit_id FROM units u JOIN tree t ON u.parent_id = t.unit_id
),
leaves AS (
    SELECT root, unit_id FROM tree t
    WHERE t.unit_id <> t.root AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = t.unit_id)
),
own AS (
    SELECT unit_id AS root, period, numerator, denominator, value, 'lastet' AS source FROM "values"
    WHERE indicator_id = $indicator AND list_contains($periods, period) AND list_contains($units, unit_id)
),
below AS (
    SELECT l.root, v.period, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           CASE WHEN $level_mean THEN avg(v.value) ELSE sum(v.value) END AS value, 'beregnet' AS source
    FROM "values" v JOIN leaves l USING (unit_id)
    WHERE v.indicator_id = $indicator AND list_contains($periods, v.period)
    GROUP BY l.root, v.period
)
SELECT root AS unit_id, period, numerator, denominator, value, source FROM own
UNION ALL
SELECT b.root, b.period, b.numerator, b.denominator, b.value, b.source FROM below b
WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.root = b.root AND o.period = b.period)
"""


def comparable_indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Indicators with values for more than one unit, with `funnel` true for shares with a numerator and a
    denominator (binomial counts, drawn in a funnel); the others are compared as plain values."""
    return con.execute(
        """SELECT indicator_id, name, role, polarity, measure, aggregation,
                  (SELECT any_value(period_kind) FROM "values" v WHERE v.indicator_id = i.indicator_id) AS kind,
                  aggregation = 'forholdstall' AND measure = 'prosent'
                  AND EXISTS (SELECT 1 FROM "values" v WHERE v.indicator_id = i.indicator_id
                              AND v.denominator IS NOT NULL) AS funnel
           FROM indicators i
           WHERE (SELECT count(DISTINCT unit_id) FROM "values" v WHERE v.indicator_id = i.indicator_id) > 1
           ORDER BY indicator_id"""
    ).df()


def units_under(con: duckdb.DuckDBPyConnection, parent: str | None = None, group: str | None = None,
                period: Period | None = None, classification: str = "sammenligningsgruppe") -> pd.DataFrame:
    """Units under a parent and/or in one group of a classification (a column of the units file, see
    `units.CLASSIFICATIONS`; the comparison group unless told) that existed during the period, by enhetsnummer."""
    column = unit_tree.CLASSIFICATION_BY_COLUMN[classification].db_column  # a known name, never the caller's text
    start = period.start if period else None
    end = period.end if period else None
    return con.execute(UNITS_SQL.format(column=column),
                       {"parent": parent, "group": group, "start": start, "end": end}).df()


def unit_values(con: duckdb.DuckDBPyConnection, units: Sequence[str], indicator: str,
                periods: Sequence[str], mask: disclosure.Mask | None = None) -> pd.DataFrame:
    """Numerator, denominator and value per unit and period: loaded for the unit, or computed from its offices
    (numerators, denominators and counts summed; a level without them averaged, as `aggregate.level_mean`). Figures
    the mask's viewer may not see are left out, so no group value or limit is computed from them either."""
    row = con.execute("SELECT aggregation, measure FROM indicators WHERE indicator_id = ?", [indicator]).fetchone()
    mean = aggregate.level_mean(*row) if row else False
    df = con.execute(VALUES_SQL, {"units": list(units), "indicator": indicator, "periods": list(periods),
                                  "level_mean": mean}).df()
    if mask is None:
        return df
    shown = disclosure.withhold_rows(df.assign(indicator_id=indicator), mask)
    return df[~shown["withheld"].to_numpy()].reset_index(drop=True)


def _names(con: duckdb.DuckDBPyConnection, units: Sequence[str]) -> dict[str, str]:
    rows = con.execute("SELECT unit_id, name FROM units WHERE list_contains(?, unit_id)", [list(units)]).fetchall()
    return dict(rows)


def compared_periods(period: Period, ytd: bool = False) -> list[Period]:
    """The periods a comparison combines: the period itself, or with `ytd` the periods of its kind from the start
    of the year up to it, as the målekort's «hittil i år» (`aggregate.year_to_date_periods`): months from January,
    tertials from T1; a year is its own year to date."""
    if not ytd:
        return [period]
    return aggregate.year_to_date_periods(period, period.kind) or [period]


PERIOD_WORDS = {"M": ("måned", "måneder"), "T": ("tertial", "tertialer"), "Y": ("år", "år")}


def count_periods(n: int, kind: str) -> str:
    """«1 måned», «2 måneder», «3 tertialer»."""
    one, many = PERIOD_WORDS[kind]
    return f"{n} {one if n == 1 else many}"


def span_label(periods: Sequence[Period]) -> str:
    """«januar–desember 2022», «2022 T1–T3», «juni 2021» for one period."""
    first, last = periods[0], periods[-1]
    if first == last:
        return first.label()
    if first.kind == "M":
        return f"{first.label().split(' ')[0]}–{last.label()}"
    return f"{first.label()}–T{last.number}" if first.kind == "T" else f"{first.label()}–{last.label()}"


@dataclass(frozen=True)
class Comparison:
    """One indicator compared between units over a period or year to date, by the catalogue's aggregation rule.

    `values` has one row per unit in the order given (never by value): numerator, denominator and the combined
    value (`aggregate.combine_values`: ratio of sums, sum, or mean per period; a share in percent), the number of
    periods in it, and `last_year`, the value over the same periods a year before. With `ytd`, a unit that lacks any
    of the periods the others have (`lacking`) gets no value: unequal periods are not compared. `funnel` is the
    funnel for shares with numerators and denominators; None for other kinds, which are compared as plain values.
    """

    indicator_id: str
    period: str  # the chosen period's key
    ytd: bool
    aggregation: str
    measure: str
    periods: tuple[Period, ...]  # the periods combined: those in range with figures for at least one unit
    empty: tuple[Period, ...]  # periods in range that no compared unit has figures for
    values: pd.DataFrame
    lacking: dict[str, tuple[Period, ...]]  # unit -> the compared periods it has no figures for
    funnel: Funnel | None

    @property
    def kind(self) -> str:
        return self.periods[0].kind if self.periods else parse_period(self.period).kind

    @property
    def decimals(self) -> int | None:
        """Decimals to show beyond the measure's own: a count averaged over periods (1,4 a month) keeps one, since
        small offices' means would otherwise round to the same whole number. None: the measure's default."""
        return 1 if self.aggregation == "snitt_per_periode" and self.measure == "antall" and len(self.periods) > 1 \
            else None

    def value_text(self, value: float | None) -> str:
        return fmt.measure_value(value, self.measure, self.decimals)

    def change_text(self, now: float | None, then: float | None) -> str:
        """The change as the reader can check it from the values shown (rounded as they are)."""
        if self.decimals is None or now is None or then is None:
            return fmt.change_between(now, then, self.measure)
        return fmt.signed(round(now, self.decimals) - round(then, self.decimals), self.decimals)

    def label(self) -> str:
        """What is compared: «juni 2021», or «Hittil i år, januar–desember 2022, 12 måneder»."""
        if not self.ytd:
            return parse_period(self.period).label()
        if not self.periods:
            return f"Hittil i år til og med {parse_period(self.period).label()}, ingen perioder med tall"
        text = f"Hittil i år, {span_label(self.periods)}, {count_periods(len(self.periods), self.kind)}"
        if self.empty:
            text += " med tall (uten tall for noen enhet: " + ", ".join(p.label() for p in self.empty) + ")"
        return text

    def lacking_text(self, unit_id: str) -> str:
        """«mangler 2 måneder (mars 2022, april 2022)»."""
        gone = self.lacking.get(unit_id, ())
        return (f"mangler {count_periods(len(gone), self.kind)} (" + ", ".join(p.label() for p in gone) + ")"
                if gone else "")


def compare_units(con: duckdb.DuckDBPyConnection, parent_or_units: str | Sequence[str], indicator: str,
                  period: str | Period, *, method: str = "exact", adjust: str | None = None,
                  mask: disclosure.Mask | None = None, ytd: bool = False) -> Comparison:
    """Compare one indicator between units: a parent's id compares the units directly under it that existed in
    the period; a sequence of ids compares exactly those units, in that order.

    With `ytd` each unit's figure combines the periods from the start of the year (`compared_periods`) by the
    catalogue's rule, the same rule as the målekort's «hittil i år». A unit whose figure for any of those periods
    the viewer may not see has no figure either (`disclosure.Mask.hides` over the periods)."""
    p = parse_period(period) if isinstance(period, str) else period
    if isinstance(parent_or_units, str):
        ids = list(units_under(con, parent_or_units, period=p)["unit_id"])
    else:
        ids = list(parent_or_units)
    names = _names(con, ids)
    row = con.execute("SELECT aggregation, measure FROM indicators WHERE indicator_id = ?", [indicator]).fetchone()
    aggregation, measure = row if row else ("forholdstall", "prosent")
    in_range = compared_periods(p, ytd)

    def figures(periods: Sequence[Period]) -> pd.DataFrame:
        vals = unit_values(con, ids, indicator, [q.key for q in periods])
        if mask is not None:
            vals = vals[np.array([not mask.hides(u, indicator, periods) for u in vals["unit_id"]], dtype=bool)]
        return vals.dropna(subset=["numerator", "denominator", "value"], how="all")

    has = figures(in_range)
    present = set(has["period"])
    periods = tuple(q for q in in_range if q.key in present)
    empty = tuple(q for q in in_range if q.key not in present)
    now, lacking = _combine_units(has, ids, periods, aggregation, measure)
    before, _ = _combine_units(figures([q.same_period_last_year() for q in periods]), ids,
                               [q.same_period_last_year() for q in periods], aggregation, measure)
    frame = pd.DataFrame({
        "unit_id": ids, "name": [names.get(u, u) for u in ids],
        "numerator": [_nan(now[u].numerator) for u in ids], "denominator": [_nan(now[u].denominator) for u in ids],
        "value": [_nan(now[u].value) for u in ids], "periods": [now[u].periods for u in ids],
        "last_year": [_nan(before[u].value) for u in ids],
    })
    shares = aggregation == "forholdstall" and measure == "prosent" and frame["denominator"].notna().any()
    f = funnel(frame, indicator, p.key, method=method, adjust=adjust) if shares else None
    return Comparison(indicator, p.key, ytd, aggregation, measure, periods, empty, frame, lacking, f)


def _combine_units(has: pd.DataFrame, ids: Sequence[str], periods: Sequence[Period], aggregation: str,
                   measure: str) -> tuple[dict[str, aggregate.Combined], dict[str, tuple[Period, ...]]]:
    """Each unit's figure over the periods by the catalogue's rule (`aggregate.combine_values`), and the units
    that have some of the periods but not all: they get no figure, since unequal periods are not compared."""
    found = set(zip(has["unit_id"], has["period"], strict=True))
    per_unit = {u: aggregate.by_period(rows.assign(n_units=1)) for u, rows in has.groupby("unit_id")}
    out, lacking = {}, {}
    for u in ids:
        numbers = per_unit.get(u, {})
        gone = tuple(q for q in periods if (u, q.key) not in found)
        if gone and numbers:
            lacking[u] = gone
        out[u] = (aggregate.combine_values([numbers[q.key] for q in periods], aggregation, measure)
                  if numbers and not gone else aggregate.Combined(None))
    return out, lacking


def _nan(x: float | None) -> float:
    return np.nan if x is None else float(x)


def funnel_for(con: duckdb.DuckDBPyConnection, parent_or_units: str | Sequence[str], indicator: str,
               period: str | Period, *, method: str = "exact", adjust: str | None = None,
               mask: disclosure.Mask | None = None, ytd: bool = False) -> Funnel:
    """The funnel of `compare_units` for a share indicator."""
    c = compare_units(con, parent_or_units, indicator, period, method=method, adjust=adjust, mask=mask, ytd=ytd)
    if c.funnel is None:
        raise ValueError(f"{indicator} er ikke en andel med teller og nevner")
    return c.funnel


def periods_back(end: Period, count: int) -> list[Period]:
    return [end.shift(-i) for i in range(count - 1, -1, -1)]


def history(con: duckdb.DuckDBPyConnection, units: Sequence[str], indicator: str, end: Period,
            count: int = 24, mask: disclosure.Mask | None = None) -> pd.DataFrame:
    """Each unit's share per period for the `count` periods up to `end` (same kind as `end`), with the group's
    share per period (ratio of sums over the units) for reference."""
    keys = [p.key for p in periods_back(end, count)]
    vals = unit_values(con, units, indicator, keys, mask)
    vals = vals[vals["denominator"] > 0].copy()
    vals["share"] = vals["numerator"] / vals["denominator"]
    group = vals.groupby("period")[["numerator", "denominator"]].sum()
    vals["group_share"] = vals["period"].map(group["numerator"] / group["denominator"])
    order = {k: i for i, k in enumerate(keys)}
    vals["order"] = vals["period"].map(order)
    return vals.sort_values(["unit_id", "order"]).reset_index(drop=True)


def own_history(hist: pd.DataFrame, current: str) -> dict[str, float]:
    """Each unit's share over the periods before `current` in `hist` (ratio of sums): its own baseline."""
    at = hist.loc[hist["period"] == current, "order"]
    before = hist[hist["order"] < at.iloc[0]] if len(at) else hist
    sums = before.groupby("unit_id")[["numerator", "denominator"]].sum()
    return (sums["numerator"] / sums["denominator"]).to_dict()


def latest_period(con: duckdb.DuckDBPyConnection, indicator: str, units: Sequence[str]) -> str | None:
    """The newest period with a value for the indicator among the units or the offices under them."""
    row = con.execute(
        """WITH RECURSIVE tree(unit_id) AS (SELECT unnest(?::VARCHAR[]) UNION ALL
               SELECT u.unit_id FROM units u JOIN tree t ON u.parent_id = t.unit_id)
           SELECT period FROM "values" WHERE indicator_id = ? AND unit_id IN (SELECT unit_id FROM tree)
           ORDER BY year DESC, period_no DESC LIMIT 1""", [list(units), indicator]).fetchone()
    return row[0] if row else None


def periods_with_data(con: duckdb.DuckDBPyConnection, indicator: str) -> list[str]:
    """Periods with values for the indicator, newest first."""
    rows = con.execute(
        """SELECT DISTINCT period, year, period_no FROM "values" WHERE indicator_id = ?
           ORDER BY year DESC, period_no DESC""", [indicator]).fetchall()
    return [r[0] for r in rows]
