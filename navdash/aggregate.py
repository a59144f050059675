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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from navdash.periods import Period

SERIES_SQL = """
WITH RECURSIVE tree(unit_id) AS (
    SELECT unit_id FROM units WHERE parent_id = $unit
    UNION ALL
    SELECT u.unit_id FROM units u JOIN tree t ON u.parent_id = t.unit_id
),
leaves AS (
    SELECT t.unit_id FROM tree t WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = t.unit_id)
),
own AS (
    SELECT indicator_id, period, period_kind, year, period_no, numerator, denominator, value, 1 AS n_units
    FROM "values"
    WHERE unit_id = $unit AND ($indicators IS NULL OR list_contains($indicators, indicator_id))
      AND year BETWEEN $first_year AND $last_year
),
below AS (
    SELECT v.indicator_id, v.period, any_value(v.period_kind) AS period_kind, any_value(v.year) AS year,
           any_value(v.period_no) AS period_no, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           sum(v.value) AS value, count(*) AS n_units
    FROM "values" v JOIN leaves l USING (unit_id)
    WHERE ($indicators IS NULL OR list_contains($indicators, v.indicator_id))
      AND v.year BETWEEN $first_year AND $last_year
    GROUP BY v.indicator_id, v.period
)
SELECT indicator_id, period, period_kind, year, period_no, numerator, denominator, value, n_units,
       'lastet' AS source
FROM own
UNION ALL
SELECT b.indicator_id, b.period, b.period_kind, b.year, b.period_no, b.numerator, b.denominator, b.value, b.n_units,
       'beregnet' AS source
FROM below b
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
    }
    return con.execute(SERIES_SQL, params).df()


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
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def by_period(rows: pd.DataFrame) -> dict[str, PeriodValue]:
    """One indicator's rows keyed by period, for combining many period sets without filtering a DataFrame."""
    return {
        period: PeriodValue(_number(num), _number(den), _number(val), src, int(n))
        for period, num, den, val, src, n in zip(
            rows["period"], rows["numerator"], rows["denominator"], rows["value"], rows["source"], rows["n_units"],
            strict=True,
        )
    }


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
        num = float(sum(nums)) if nums else None
        den = float(sum(dens)) if dens else None
        return Combined(ratio_value(num, den, measure), num, den, len(values), source, units)
    present = [v.value for v in values if v.value is not None]
    if not present:
        return Combined(None, periods=0, source=source, units=units)
    total = float(sum(present))
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
