"""Norwegian number and period formats: `82,4 %`, `2 104`, `+3,1 pp`, `mars 2021`, `2021 T1`."""

from __future__ import annotations

import math

NBSP = "\u00a0"
MINUS = "\u2212"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 0) -> str:
    """`2 104`, `6,1`, `−3`; a dash for a missing value."""
    if _missing(value):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    if round(value, decimals) < 0:
        text = MINUS + text
    return text


def percent(value: float | None, decimals: int = 1) -> str:
    if _missing(value):
        return "–"
    return f"{number(value, decimals)}{NBSP}%"


def pp(change: float | None, decimals: int = 1) -> str:
    """A change in a share, in percentage points, always signed: `+3,1 pp`."""
    if _missing(change):
        return "–"
    sign = "+" if round(change, decimals) > 0 else ""
    return f"{sign}{number(change, decimals)}{NBSP}pp"


def signed(change: float | None, decimals: int = 0) -> str:
    if _missing(change):
        return "–"
    sign = "+" if round(change, decimals) > 0 else ""
    return f"{sign}{number(change, decimals)}"


def measure_value(value: float | None, measure: str, decimals: int | None = None) -> str:
    """A value as its measure is read: percent with one decimal, counts whole, days and scores one decimal."""
    if measure == "prosent":
        return percent(value, 1 if decimals is None else decimals)
    if measure == "kroner":
        return f"{number(value, 0 if decimals is None else decimals)}{NBSP}kr" if not _missing(value) else "–"
    return number(value, measure_decimals(measure) if decimals is None else decimals)


def measure_decimals(measure: str) -> int:
    """The decimals `measure_value` shows for the measure."""
    return 1 if measure in ("prosent", "dager", "skar") else 0


def change_between(now: float | None, then: float | None, measure: str) -> str:
    """The change between two values as the reader can check it: computed from the values as they are shown
    (rounded), so «14 mot 13» reads «+1», never «+2» from the unrounded 14,4 and 12,5."""
    if _missing(now) or _missing(then):
        return "–"
    d = measure_decimals(measure)
    return measure_change(float(f"{now:.{d}f}") - float(f"{then:.{d}f}"), measure)


def measure_change(change: float | None, measure: str) -> str:
    """Change between two values: percentage points for shares, never percent of a percent."""
    if measure == "prosent":
        return pp(change)
    return signed(change, 0 if measure in ("antall", "kroner") else 1)
