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
    if measure in ("dager", "skar"):
        return number(value, 1 if decimals is None else decimals)
    return number(value, 0 if decimals is None else decimals)


def measure_change(change: float | None, measure: str) -> str:
    """Change between two values: percentage points for shares, never percent of a percent."""
    if measure == "prosent":
        return pp(change)
    return signed(change, 0 if measure in ("antall", "kroner") else 1)
