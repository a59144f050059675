"""Aggregation over units and over periods, following the catalogue's `aggregering`.

Over units: a unit's value for a period is the value loaded for that unit itself if there is one ("lastet"),
otherwise it is computed from the offices (leaf units) below it ("beregnet"): numerators and denominators are
summed, so a fylke's share is the ratio of sums, never the mean of its offices' shares.

Over periods (year to date):
* `forholdstall`: sum of numerators / sum of denominators over the periods;
* `sum`: the sum over the periods;
* `snitt_per_periode`: the mean over the periods of the per-period totals (NAV's "Antall Fått jobben" year to
  date is a mean per month, which is why it is smaller than a strong December).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from navdash.periods import Period

# Measures that describe a level (a share, a duration, a score). Without a numerator and denominator such a value
# cannot be summed over units: three offices at 80, 70 and 90 % are not a fylke at 240 %. Their computed value over
# units is the mean of the units' values with every unit weighted equally (see `LEVEL_MEAN_TEXT`).
LEVEL_MEASURES = ("prosent", "dager", "skar")
LEVEL_MEAN_TEXT = ("snitt av kontorenes verdier der hvert kontor teller likt (filen har ikke teller og nevner, så "
                   "tallet er ikke en andel av alle sakene)")


def level_mean(aggregation: str, measure: str) -> bool:
    """Whether a unit's computed value is the mean of its offices' values rather than their sum (the rule
    `SERIES_SQL` applies in SQL): a level (`LEVEL_MEASURES`) without numerator and denominator."""
    return aggregation in ("sum", "snitt_per_periode") and measure in LEVEL_MEASURES

# The unit, every unit merged into it (however many steps back, via enheter.erstattet_av), and the offices below
# them. A merged office's rows count in its successor's history; a unit under a fylke counts once for the fylke.
_TREE_CTES = """
members(unit_id) AS (
    SELECT CAST($unit AS VARCHAR)
    UNION
    SELECT u.unit_id FROM units u JOIN members m ON u.replaced_by = m.unit_id
),
tree(unit_id) AS (
    SELECT u.unit_id FROM units u JOIN members m ON u.parent_id = m.unit_id
    UNION
    SELECT u.unit_id FROM units u JOIN tree t ON u.parent_id = t.unit_id
),
leaves AS (
    SELECT t.unit_id FROM tree t
    WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = t.unit_id)
      AND t.unit_id NOT IN (SELECT unit_id FROM members)
)"""

# Sums and means over units, rounded to 6 decimals: a DOUBLE sum depends on the order DuckDB's threads add in, so a
# figure at a rounding edge (a sum of .5) could read 23 693 in one process and 23 694 in the next. The order's error
# is around 1e-10 even for national sums; the files' figures have far fewer decimals, so the rounding removes the
# order's trace and nothing else.
_ORDER_FREE_SUMS = """round(sum(v.numerator), 6) AS numerator, round(sum(v.denominator), 6) AS denominator,
           round(CASE WHEN any_value(w.level_mean) THEN avg(v.value) ELSE sum(v.value) END, 6) AS value"""

SERIES_SQL = "WITH RECURSIVE" + _TREE_CTES + """,
wanted AS (
    SELECT indicator_id, aggregation IN ('sum', 'snitt_per_periode') AND list_contains($level_measures, measure)
           AS level_mean
    FROM indicators WHERE ($indicators IS NULL OR list_contains($indicators, indicator_id))
),
own AS (
    SELECT v.indicator_id, v.period, any_value(v.period_kind) AS period_kind, any_value(v.year) AS year,
           any_value(v.period_no) AS period_no, """ + _ORDER_FREE_SUMS + """,
           count(DISTINCT v.unit_id) AS n_units,
           count(DISTINCT v.unit_id) FILTER (WHERE v.unit_id <> $unit) AS merged_units
    FROM "values" v JOIN members m USING (unit_id) JOIN wanted w USING (indicator_id)
    WHERE v.year BETWEEN $first_year AND $last_year
    GROUP BY v.indicator_id, v.period
),
below AS (
    SELECT v.indicator_id, v.period, any_value(v.period_kind) AS period_kind, any_value(v.year) AS year,
           any_value(v.period_no) AS period_no, """ + _ORDER_FREE_SUMS + """,
           count(DISTINCT v.unit_id) AS n_units
    FROM "values" v JOIN leaves l USING (unit_id) JOIN wanted w USING (indicator_id)
    WHERE v.year BETWEEN $first_year AND $last_year
    GROUP BY v.indicator_id, v.period
),
-- Coverage of a computed value: of the offices below that were active in the period (and report at all), how
-- many delivered anything for that period. An office that delivered its month but has no row for one indicator
-- had no cases for it; an office that delivered nothing for the month is missing.
bounds AS (
    SELECT DISTINCT period, year, first_month, last_month,
           make_date(CAST(year AS INTEGER), first_month, 1) AS first_day,
           last_day(make_date(CAST(year AS INTEGER), last_month, 1)) AS last_day
    FROM (SELECT period, year,
                 CAST(CASE period_kind WHEN 'M' THEN period_no WHEN 'T' THEN (period_no - 1) * 4 + 1 ELSE 1 END
                      AS INTEGER) AS first_month,
                 CAST(CASE period_kind WHEN 'M' THEN period_no WHEN 'T' THEN period_no * 4 ELSE 12 END
                      AS INTEGER) AS last_month
          FROM below)
),
-- Delivered for a tertial or a year: the period's own row, or any month inside it.
delivered AS (
    SELECT b.period, count(DISTINCT v.unit_id) AS reported
    FROM bounds b JOIN "values" v ON v.year = b.year
         AND (v.period = b.period OR (v.period_kind = 'M' AND v.period_no BETWEEN b.first_month AND b.last_month))
    JOIN leaves l ON l.unit_id = v.unit_id
    GROUP BY b.period
),
reporters AS (
    SELECT u.unit_id, u.valid_from, u.valid_to FROM units u JOIN leaves l USING (unit_id)
    WHERE EXISTS (SELECT 1 FROM "values" v WHERE v.unit_id = u.unit_id)
),
expected AS (
    SELECT b.period, any_value(d.reported) AS reported, count(r.unit_id) AS expected
    FROM bounds b LEFT JOIN delivered d USING (period) LEFT JOIN reporters r
         ON (r.valid_from IS NULL OR r.valid_from <= b.last_day) AND (r.valid_to IS NULL OR r.valid_to >= b.first_day)
    GROUP BY b.period
)
SELECT indicator_id, period, period_kind, CAST(year AS INTEGER) AS year, CAST(period_no AS INTEGER) AS period_no,
       numerator, denominator, value, n_units, merged_units, 'lastet' AS source,
       CAST(NULL AS BIGINT) AS offices_reported, CAST(NULL AS BIGINT) AS offices_expected
FROM own
UNION ALL
SELECT b.indicator_id, b.period, b.period_kind, CAST(b.year AS INTEGER), CAST(b.period_no AS INTEGER), b.numerator,
       b.denominator, b.value, b.n_units, 0, 'beregnet', e.reported, greatest(e.expected, e.reported)
FROM below b JOIN expected e USING (period)
WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.indicator_id = b.indicator_id AND o.period = b.period)
ORDER BY indicator_id, year, period_kind, period_no
"""


def unit_series(
    con: duckdb.DuckDBPyConnection,
    unit: str,
    indicators: Sequence[str] | None = None,
    first_year: int = 1900,
    last_year: int = 2100,
) -> pd.DataFrame:
    """Per indicator and period: the unit's numerator, denominator and value, and whether they were loaded for
    the unit itself or computed from its offices."""
    params = {
        "unit": unit,
        "indicators": list(indicators) if indicators is not None else None,
        "first_year": first_year,
        "last_year": last_year,
        "level_measures": list(LEVEL_MEASURES),
    }
    has_leaves = con.execute("WITH RECURSIVE" + _TREE_CTES + " SELECT EXISTS (SELECT 1 FROM leaves)",
                             {"unit": unit}).fetchone()[0]
    return con.execute(SERIES_SQL if has_leaves else _OWN_SERIES_SQL, params).df()


# An office (a unit with no units below it) has no computed rows: its series is the first half of SERIES_SQL's union
# alone, without the coverage of computed values, whose joins DuckDB plans and runs even when there is nothing to
# compute (3x faster for an office than with the computed half left empty).
_OWN_WITH, _, _ = SERIES_SQL.partition(",\nbelow AS (")
_OWN_SELECT = SERIES_SQL[SERIES_SQL.index("SELECT indicator_id, period, period_kind"):].partition("UNION ALL")[0]
_OWN_SERIES_SQL = _OWN_WITH + "\n" + _OWN_SELECT + "ORDER BY indicator_id, year, period_kind, period_no\n"
assert SERIES_SQL.endswith("ORDER BY indicator_id, year, period_kind, period_no\n") and "FROM own\n" in _OWN_SELECT


# Which unit delivered which month: every unit with values, with the months it has monthly values for. About
# 55 000 (unit, month) pairs nationally against 3,3 M values, so it is read once per data version and shared
# (navdash.ui.data.month_deliveries), and the coverage of any unit is computed from it (`month_coverage`).
_DELIVERIES_SQL = """SELECT unit_id, list(DISTINCT period ORDER BY period) FILTER (WHERE period_kind = 'M')
FROM "values" GROUP BY unit_id"""
_MONTHS_SQL = """SELECT DISTINCT period, CAST(year AS INTEGER), CAST(period_no AS INTEGER) FROM "values"
WHERE period_kind = 'M'"""


@dataclass(frozen=True)
class MonthDeliveries:
    """Which unit delivered which month, with the unit tree to count a unit's offices by."""

    months: tuple[tuple[str, date, date], ...]  # every month with monthly values anywhere: key, first and last day
    delivered: dict[str, frozenset[str]]  # every unit with any values -> the months it has monthly values for
    children: dict[str, tuple[str, ...]]  # unit -> the units directly under it
    merged_into: dict[str, tuple[str, ...]]  # unit -> the units merged into it (enheter.erstattet_av)
    active: dict[str, tuple[date | None, date | None]]  # unit -> (valid_from, valid_to)


def month_deliveries(con: duckdb.DuckDBPyConnection) -> MonthDeliveries:
    """Read the deliveries table from an open analytic connection (under its approval cut-off)."""
    canonical: dict[str, str] = {}  # one string object per month: the pickled table stores each month once
    months = []
    for key, year, number in con.execute(_MONTHS_SQL).fetchall():
        canonical[key] = key
        months.append((key, date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])))
    months.sort(reverse=True)
    delivered = {unit: frozenset(canonical[m] for m in periods or ())
                 for unit, periods in con.execute(_DELIVERIES_SQL).fetchall()}
    children: dict[str, list[str]] = {}
    merged_into: dict[str, list[str]] = {}
    active: dict[str, tuple[date | None, date | None]] = {}
    for unit, parent, replaced_by, valid_from, valid_to in con.execute(
            "SELECT unit_id, parent_id, replaced_by, valid_from, valid_to FROM units").fetchall():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
        if replaced_by is not None:
            merged_into.setdefault(replaced_by, []).append(unit)
        active[unit] = (valid_from, valid_to)
    return MonthDeliveries(tuple(months), delivered, {k: tuple(v) for k, v in children.items()},
                           {k: tuple(v) for k, v in merged_into.items()}, active)


def _reach(start: Iterable[str], step: dict[str, tuple[str, ...]]) -> set[str]:
    """Every unit reached from `start` by following `step` any number of times (stops at rings)."""
    out: set[str] = set()
    todo = list(start)
    while todo:
        for unit in step.get(todo.pop(), ()):
            if unit not in out:
                out.add(unit)
                todo.append(unit)
    return out


@dataclass(frozen=True)
class MonthCoverage:
    """How complete a unit's month is. A month is complete for a unit when its own figures were loaded for it, or
    when every office below it that was active that month (and reports at all) has delivered figures for it."""

    period: str
    reported: int  # offices below the unit that delivered anything for the month
    expected: int  # offices below the unit that were active that month
    loaded: bool  # figures were loaded for the unit itself (or a unit merged into it)

    @property
    def complete(self) -> bool:
        if self.expected == 0:
            return self.loaded
        return self.loaded or self.reported >= self.expected

    @property
    def text(self) -> str:
        if self.expected == 0:
            return "lastet for enheten" if self.loaded else "ingen tall"
        return f"{self.reported} av {self.expected} kontorer"


def month_coverage(source: duckdb.DuckDBPyConnection | MonthDeliveries, unit: str,
                   period: str | None = None) -> list[MonthCoverage]:
    """Every month with results anywhere (or only `period`, a month key), newest first, with how many of the unit's
    offices have delivered it. `source`: the shared deliveries table, or a connection to read it from."""
    d = source if isinstance(source, MonthDeliveries) else month_deliveries(source)
    # The unit and every unit merged into it; the units below them; the offices among those (no units below).
    members = {unit} | _reach([unit], d.merged_into)
    leaves = [u for u in _reach(members, d.children) if u not in d.children and u not in members]
    reporters = [d.active.get(u, (None, None)) for u in leaves if u in d.delivered]
    delivered = [d.delivered[u] for u in leaves if u in d.delivered]
    own = [d.delivered[u] for u in members if u in d.delivered]
    out = []
    for key, first_day, last_day in d.months:
        if period is not None and key != period:
            continue
        expected = sum(1 for start, end in reporters
                       if (start is None or start <= last_day) and (end is None or end >= first_day))
        out.append(MonthCoverage(key, sum(1 for months in delivered if key in months), expected,
                                 any(key in months for months in own)))
    return out


def latest_complete_month(source: duckdb.DuckDBPyConnection | MonthDeliveries, unit: str) -> str | None:
    """The newest month that is complete for the unit (see `MonthCoverage.complete`)."""
    return next((c.period for c in month_coverage(source, unit) if c.complete), None)


@dataclass(frozen=True)
class Combined:
    """An indicator's value over one or more periods, with its base."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    periods: int = 0
    source: str | None = None  # "lastet", "beregnet" or "blandet"
    units: int | None = None


def ratio_value(numerator: float | None, denominator: float | None, measure: str) -> float | None:
    if numerator is None or denominator is None or denominator == 0 or pd.isna(numerator) or pd.isna(denominator):
        return None
    value = numerator / denominator
    return value * 100 if measure == "prosent" else value


@dataclass(frozen=True)
class PeriodValue:
    """One indicator's numbers for one period (a row of `unit_series`)."""

    numerator: float | None
    denominator: float | None
    value: float | None
    source: str
    n_units: int


def _number(x: object) -> float | None:
    if type(x) is float:  # the common case, without pandas' general test
        return None if math.isnan(x) else x
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


PERIOD_VALUE_COLUMNS = ("numerator", "denominator", "value", "source", "n_units")


def period_value(num: object, den: object, val: object, src: str, n: object) -> PeriodValue:
    """A row's numbers (the values of PERIOD_VALUE_COLUMNS) as a PeriodValue."""
    return PeriodValue(_number(num), _number(den), _number(val), src, int(n))  # type: ignore[call-overload]


def by_period(rows: pd.DataFrame) -> dict[str, PeriodValue]:
    """One indicator's rows keyed by period, for combining many period sets without filtering a DataFrame."""
    return {period: period_value(*numbers)
            for period, *numbers in zip(rows["period"], *(rows[c] for c in PERIOD_VALUE_COLUMNS), strict=True)}


def combine_values(values: Sequence[PeriodValue], aggregation: str, measure: str) -> Combined:
    """Combine one indicator's per-period numbers into one value, by the catalogue's aggregation rule."""
    if not values:
        return Combined(None)
    sources = {v.source for v in values}
    source = sources.pop() if len(sources) == 1 else "blandet"
    units = max(v.n_units for v in values)
    if aggregation == "forholdstall":
        nums = [v.numerator for v in values if v.numerator is not None]
        dens = [v.denominator for v in values if v.denominator is not None]
        num = math.fsum(nums) if nums else None  # correctly rounded: the same whatever order the rows came in
        den = math.fsum(dens) if dens else None
        return Combined(ratio_value(num, den, measure), num, den, len(values), source, units)
    present = [v.value for v in values if v.value is not None]
    if not present:
        return Combined(None, periods=0, source=source, units=units)
    total = math.fsum(present)
    if aggregation == "sum":
        return Combined(total, periods=len(present), source=source, units=units)
    return Combined(total / len(present), periods=len(present), source=source, units=units)


def combine(rows: pd.DataFrame, aggregation: str, measure: str) -> Combined:
    """Combine one indicator's per-period rows (from `unit_series`) into one value."""
    return combine_values(list(by_period(rows).values()), aggregation, measure)


def select_periods(rows: pd.DataFrame, periods: Iterable[Period]) -> pd.DataFrame:
    keys = {p.key for p in periods}
    return rows[rows["period"].isin(keys)]


def year_to_date_periods(period: Period, kind: str) -> list[Period]:
    """The periods of `kind` from the start of `period`'s year up to the end of `period`.

    A tertial indicator on a December målekort counts T1-T3; on a June målekort only T1 (T2 is not complete).
    """
    last = period.last_month
    if kind == "M":
        return [Period(period.year, "M", m) for m in range(1, last + 1)]
    if kind == "T":
        return [Period(period.year, "T", t) for t in range(1, last // 4 + 1)]
    return [Period(period.year, "Y", 1)] if last == 12 else []


def same_periods_last_year(periods: Iterable[Period]) -> list[Period]:
    return [p.same_period_last_year() for p in periods]
