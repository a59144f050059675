"""Reporting periods: months (`2021-03`), tertials (`2021-T1`) and years (`2021`).

A period is stored as its canonical text key plus kind, year and number, so that SQL can filter on year and
order by number without parsing text. Tertials follow NAV's usage: T1 is January-April, T2 May-August,
T3 September-December.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

PeriodKind = Literal["M", "T", "Y"]

MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)
MONTH_SHORT = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_TERTIAL_RE = re.compile(r"^(\d{4})[- ]?[Tt]([1-3])$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_MONTH_NAME_RE = re.compile(r"^([a-zæøå]+)\.?\s+(\d{4})$", re.IGNORECASE)  # `mars 2022`, `mar. 2022`
_MONTH_BY_NAME = {name: i + 1 for i, name in enumerate(MONTH_NAMES)} | {
    short: i + 1 for i, short in enumerate(MONTH_SHORT)}

MIN_YEAR = 1990
MAX_YEAR = 2100


@functools.lru_cache(maxsize=4096)
def _key(year: int, kind: str, number: int) -> str:
    """A period's text key; remembered, since the målekort asks for the same keys many thousand times."""
    if kind == "M":
        return f"{year}-{number:02d}"
    if kind == "T":
        return f"{year}-T{number}"
    return f"{year}"


class PeriodError(ValueError):
    """A period text that is not a month, tertial or year; the message is Norwegian, for the user."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. `number` is the month (1-12), the tertial (1-3) or 1 for a year."""

    year: int
    kind: PeriodKind
    number: int

    @property
    def key(self) -> str:
        return _key(self.year, self.kind, self.number)

    @property
    def first_month(self) -> int:
        if self.kind == "M":
            return self.number
        if self.kind == "T":
            return (self.number - 1) * 4 + 1
        return 1

    @property
    def last_month(self) -> int:
        if self.kind == "M":
            return self.number
        if self.kind == "T":
            return self.number * 4
        return 12

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.last_month == 12:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, self.last_month + 1, 1).toordinal() - 1)

    def label(self) -> str:
        """Norwegian label as shown to users: `mars 2021`, `2021 T1`, `2021`."""
        if self.kind == "M":
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        if self.kind == "T":
            return f"{self.year} T{self.number}"
        return str(self.year)

    def short_label(self) -> str:
        if self.kind == "M":
            return f"{MONTH_SHORT[self.number - 1]} {self.year}"
        return self.label()

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.number)

    def year_to_date_months(self) -> list[Period]:
        """The months from January up to and including this period's last month."""
        return [Period(self.year, "M", m) for m in range(1, self.last_month + 1)]

    def months(self) -> list[Period]:
        return [Period(self.year, "M", m) for m in range(self.first_month, self.last_month + 1)]

    def shift(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (negative: earlier)."""
        per_year = {"M": 12, "T": 3, "Y": 1}[self.kind]
        index = self.year * per_year + (self.number - 1) + steps
        return Period(index // per_year, self.kind, index % per_year + 1)

    def is_future(self, today: date) -> bool:
        """A period that has not begun yet cannot have results."""
        return self.start > today

    def __str__(self) -> str:
        return self.key


def parse_period(text: object, *, month_names: bool = False) -> Period:
    """Parse `2021-03`, `2021-3`, `2021-T1`, `2021T1`, `2021 T1` or `2021`; raise PeriodError otherwise.

    With `month_names`, also a month as the app writes it (`mars 2021`, `mar. 2021`): for what a person types into
    a form. Files keep the documented forms only, the same rule the import's SQL checks apply."""
    if text is None:
        raise PeriodError("perioden mangler")
    raw = str(text).strip()
    if raw.endswith(".0") and _YEAR_RE.match(raw[:-2]):
        raw = raw[:-2]  # a year typed in Excel arrives as 2021.0
    named = _MONTH_NAME_RE.match(raw) if month_names else None
    if named and named.group(1).lower() in _MONTH_BY_NAME:  # the way the app itself writes a month
        raw = f"{named.group(2)}-{_MONTH_BY_NAME[named.group(1).lower()]:02d}"
    for pattern, kind in ((_MONTH_RE, "M"), (_TERTIAL_RE, "T"), (_YEAR_RE, "Y")):
        m = pattern.match(raw)
        if not m:
            continue
        year = int(m.group(1))
        number = int(m.group(2)) if kind != "Y" else 1
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"året {year} er utenfor {MIN_YEAR}-{MAX_YEAR}")
        if kind == "M" and not 1 <= number <= 12:
            raise PeriodError(f"måned {number} finnes ikke (1-12)")
        return Period(year, kind, number)  # type: ignore[arg-type]
    raise PeriodError(
        f"«{raw}» er ikke en gyldig periode; bruk måned (2021-03), tertial (2021-T1) eller år (2021)"
    )


def month_range(first: Period, last: Period) -> list[Period]:
    """All months from `first` to `last`, both included."""
    if first.kind != "M" or last.kind != "M":
        raise ValueError("month_range takes months")
    out: list[Period] = []
    p = first
    while p <= last:
        out.append(p)
        p = p.shift(1)
    return out


def kind_label(kind: str) -> str:
    return {"M": "måned", "T": "tertial", "Y": "år"}[kind]
