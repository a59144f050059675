"""Frozen, typed målekort rows and the meeting snapshot built from them.

A `ParameterRow` is one styringsparameter as the målekort showed it (figures, signal, target verdict and their
reasons), independent of the live scorecard objects. A `Snapshot` is a fylke's meeting: every office's rows for the
month, frozen with the data version they came from. It is stored as JSON in the application database
(`to_json`) and read back once (`from_json`); snapshots stored before these types existed have the same keys and
read the same way (fields they lack get their defaults).

The exports render these types (`navdash.exports`), so the meeting pack, the målekort export and the monthly
statistics package draw the same rows the same way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from navdash import disclosure, fmt

CONCERN = "special_cause_concern"
IMPROVEMENT = "special_cause_improvement"
NO_SIGNAL_REASON = "Indikatoren har ikke månedstall, så den har ikke signal."


@dataclass(frozen=True)
class Figure:
    """A value over one or more periods with its base; `withheld` when the viewer may not see it."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    periods: int = 0
    withheld: bool = False

    def shown(self, key: str = "value") -> float | str | None:
        """The number for a table or a spreadsheet, or «færre enn 5» when withheld."""
        return disclosure.WITHHELD_TEXT if self.withheld else getattr(self, key)

    def text(self, measure: str) -> str:
        return disclosure.WITHHELD_TEXT if self.withheld else fmt.measure_value(self.value, measure)

    @classmethod
    def of(cls, combined: Any) -> Figure:
        """From an `aggregate.Combined` (a `disclosure.Withheld` stays withheld)."""
        return cls(combined.value, combined.numerator, combined.denominator, combined.periods,
                   disclosure.is_withheld(combined))

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Figure:
        d = d or {}
        return cls(d.get("value"), d.get("numerator"), d.get("denominator"), int(d.get("periods") or 0),
                   bool(d.get("withheld", False)))


def change(now: Figure, then: Figure) -> float | None:
    """now − then, or None when either is missing or withheld."""
    if now.withheld or then.withheld or now.value is None or then.value is None:
        return None
    return now.value - then.value


@dataclass(frozen=True)
class ParameterRow:
    """One indicator of a målekort as shown: figures, signal and target verdict, each with its reason."""

    indicator_id: str
    name: str
    perspective: str
    measure: str
    kind: str
    period_label: str
    this_period: Figure
    last_period: Figure
    ytd: Figure
    ytd_last: Figure
    variation: str | None
    variation_text: str
    signal_reason: str
    status: str | None
    status_text: str
    status_reason: str
    target_text: str
    changes: str = ""  # what changed since the previous meeting, in words (meetings only)
    coverage_note: str | None = None  # «beregnet fra 1 av 15 kontorer»

    @property
    def change_period(self) -> float | None:
        return change(self.this_period, self.last_period)

    @property
    def change_ytd(self) -> float | None:
        return change(self.ytd, self.ytd_last)

    @classmethod
    def of(cls, row: Any) -> ParameterRow:
        """From a live `scorecard.Row`."""
        signal, status = row.signal, row.status
        target = row.targets[0] if row.targets else None
        return cls(
            indicator_id=row.indicator_id, name=row.name, perspective=row.perspective, measure=row.measure,
            kind=row.kind, period_label=row.period_label, this_period=Figure.of(row.this_period),
            last_period=Figure.of(row.last_period), ytd=Figure.of(row.ytd), ytd_last=Figure.of(row.ytd_last),
            variation=signal.variation if signal and not signal.too_few_points else None,
            variation_text=signal.variation_text if signal else "Ikke månedstall",
            signal_reason=signal.reason if signal else NO_SIGNAL_REASON,
            status=status.status if status else None,
            status_text=status.text if status else "Ingen resultatkrav",
            status_reason=status.reason if status else "",
            target_text=target.text if target else "",
            coverage_note=row.coverage_note)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ParameterRow:
        figures = {k: Figure.from_dict(d.get(k)) for k in ("this_period", "last_period", "ytd", "ytd_last")}
        return cls(
            indicator_id=d["indicator_id"], name=d["name"], perspective=d.get("perspective", ""),
            measure=d.get("measure", "antall"), kind=d.get("kind", "M"), period_label=d.get("period_label", ""),
            variation=d.get("variation"), variation_text=d.get("variation_text", ""),
            signal_reason=d.get("signal_reason", ""), status=d.get("status"),
            status_text=d.get("status_text", ""), status_reason=d.get("status_reason", ""),
            target_text=d.get("target_text", ""), changes=d.get("changes", ""),
            coverage_note=d.get("coverage_note"), **figures)


@dataclass(frozen=True)
class OfficeSnapshot:
    unit_id: str
    name: str
    rows: tuple[ParameterRow, ...]

    @property
    def concern(self) -> bool:
        return any(r.variation == CONCERN for r in self.rows)


@dataclass(frozen=True)
class Snapshot:
    """A fylke's meeting as it was opened: every office's styringsparametere for the month, in tree order."""

    fylke_id: str
    fylke_name: str
    period: str
    period_label: str
    data_version: int
    offices: tuple[OfficeSnapshot, ...]
    previous_period: str | None = None
    previous_meeting_id: int | None = None
    opened_by: str | None = None
    opened_at: str | None = None  # ISO time, as stored
    published_at: str | None = None  # when the data version was published (ISO); None in older snapshots
    demo: bool = False  # built from the demo data
    chance_rate: float | None = None  # per-signal false-alarm rate the meeting was opened with; None in older ones
    meeting_id: int | None = field(default=None, compare=False)  # set when loaded; not part of the stored JSON

    def with_offices(self, offices: list[OfficeSnapshot] | tuple[OfficeSnapshot, ...]) -> Snapshot:
        return replace(self, offices=tuple(offices))

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("meeting_id")
        for office in data["offices"]:  # kept for readers of the stored JSON that expect it
            office["concern"] = any(r["variation"] == CONCERN for r in office["rows"])
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes | dict[str, Any], meeting_id: int | None = None) -> Snapshot:
        d = json.loads(text) if isinstance(text, str | bytes) else text
        known = {f.name for f in fields(cls)} - {"offices", "meeting_id"}
        offices = tuple(OfficeSnapshot(o["unit_id"], o["name"], tuple(ParameterRow.from_dict(r) for r in o["rows"]))
                        for o in d.get("offices", []))
        values = {k: v for k, v in d.items() if k in known}
        values["data_version"] = int(values.get("data_version") or 0)
        values["demo"] = bool(values.get("demo", False))
        return cls(offices=offices, meeting_id=meeting_id if meeting_id is not None else d.get("meeting_id"),
                   **values)

    @property
    def title(self) -> str:
        return f"Månedsmøtet {self.fylke_id} {self.fylke_name} – {self.period_label}"

    @property
    def opened_text(self) -> str:
        return time_text(self.opened_at)

    @property
    def stamp(self) -> str:
        """Data version, when it was published and when the meeting was opened: on every sheet and page."""
        published = f" (publisert {time_text(self.published_at)})" if self.published_at else ""
        return f"Dataversjon {self.data_version}{published} · møtet åpnet {self.opened_text}"


def time_text(iso: str | None) -> str:
    try:
        return f"{datetime.fromisoformat(iso or ''):%d.%m.%Y kl. %H:%M}"
    except ValueError:
        return "ukjent tid"
