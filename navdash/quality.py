"""Quality key information (nøkkelinformasjon): the `nokkelinformasjon` indicators of a unit, grouped by source,
each with its level, its development, its base and the same item for the fylke and Norge.

Information, never targets: nothing here judges a level as good or bad, and no status or arrow is computed.
Each item keeps its own period kind: tertial measurements stay tertials (`2022 T1`), monthly ones months. The
side-by-side view puts items on common tertials; monthly items are summed to tertials there and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from navdash import aggregate, disclosure
from navdash.aggregate import Combined
from navdash.periods import Period, parse_period
from navdash.scorecard import Unit, catalogue, unit_info

# (key, title, id prefixes, words in the source text): the id family decides, the source text is the fallback.
GROUPS = (
    ("brukerundersokelser", "Brukerundersøkelser", ("N.TIL",), ("brukerundersøkelse",)),
    ("serviceklager", "Serviceklager", ("N.SKL",), ("serviceklage",)),
    ("kvalitetsmalinger", "Kvalitetsmålinger", ("N.KM",), ("kvalitetsmåling",)),
    ("klageinstans", "NAV Klageinstans", ("N.OMG",), ("klageinstans",)),
)
OTHER = ("annet", "Annen nøkkelinformasjon")
HISTORY = {"M": 24, "T": 9, "Y": 5}
SIDE_BY_SIDE_TERTIALS = 6


def group_of(indicator_id: str, source: str | None) -> str:
    for key, _title, prefixes, _words in GROUPS:
        if indicator_id.startswith(prefixes):
            return key
    text = (source or "").lower()
    for key, _title, _prefixes, words in GROUPS:
        if any(w in text for w in words):
            return key
    return OTHER[0]


@dataclass
class Item:
    indicator_id: str
    name: str
    description: str | None
    measure: str
    aggregation: str
    source: str | None
    kind: str  # M, T or Y: the indicator's own period kind
    period: Period | None  # the latest period of that kind with a value, ending no later than the chosen month
    value: Combined
    history: pd.DataFrame  # period, label, numerator, denominator, value, per unit: unit_id
    context: list[tuple[str, str, Combined]] = field(default_factory=list)  # (unit_id, name, value) fylke, Norge

    @property
    def period_label(self) -> str:
        return self.period.label() if self.period else "ingen måling"


@dataclass
class QualityView:
    unit: Unit
    period: Period
    groups: list[tuple[str, str, list[Item]]]
    context_units: list[tuple[str, str]]

    @property
    def items(self) -> list[Item]:
        return [item for _key, _title, items in self.groups for item in items]


def _kind(rows: pd.DataFrame) -> str:
    kinds = set(rows["period_kind"])
    return next((k for k in ("M", "T", "Y") if k in kinds), "M")


def _ends_by(p: Period, month: Period) -> bool:
    return (p.year, p.last_month) <= (month.year, month.last_month)


def _shown(rows: pd.DataFrame, aggregation: str, measure: str) -> list[float | None]:
    if aggregation == "forholdstall":
        return [aggregate.ratio_value(n, d, measure) for n, d in zip(rows["numerator"], rows["denominator"],
                                                                      strict=True)]
    return [None if pd.isna(v) else float(v) for v in rows["value"]]


def context_units(con: duckdb.DuckDBPyConnection, unit: Unit) -> list[tuple[str, str]]:
    """The fylke above the unit (if any) and Norge (the land level), for context; not the unit itself."""
    ids = [a for a, _ in unit.ancestors]
    types = dict(con.execute("SELECT unit_id, type FROM units WHERE list_contains(?, unit_id)", [ids]).fetchall())
    return [(a, name) for a, name in unit.ancestors if types.get(a) in ("fylke", "land")]


def build(con: duckdb.DuckDBPyConnection, unit_id: str, period: Period,
          mask: disclosure.Mask | None = None) -> QualityView | None:
    """The unit's quality key information as the mask's viewer may see it: withheld figures are blank in the
    history (`withheld` column) and `disclosure.Withheld` as values."""
    unit = unit_info(con, unit_id)
    if unit is None:
        return None
    cat = catalogue(con)
    cat = cat[cat["role"] == "nokkelinformasjon"]
    ids = list(cat["indicator_id"])
    first = period.year - 3
    ctx = context_units(con, unit)
    series = {u: disclosure.withhold_rows(aggregate.unit_series(con, u, ids, first, period.year), mask, u)
              for u in [unit_id] + [c for c, _ in ctx]}
    groups: dict[str, list[Item]] = {}
    for ind in cat.itertuples(index=False):
        # national-only items (NAV Klageinstans) are shown too: the unit has no value, Norge gives the level
        found = [series[u][series[u]["indicator_id"] == ind.indicator_id] for u in series]
        rows = next((r for r in found if not r.empty), None)
        if rows is None:
            continue
        kind = _kind(rows)
        rows = rows[rows["period_kind"] == kind]
        keep = [_ends_by(parse_period(p), period) for p in rows["period"]]
        rows = rows[keep]
        if kind == "Y":
            rows = rows[rows["year"] < period.year] if period.last_month < 12 else rows
        if rows.empty:
            continue
        last = parse_period(rows["period"].iloc[-1])
        keys = [last.shift(-i).key for i in range(HISTORY[kind] - 1, -1, -1)]
        hist = []
        for uid in [unit_id] + [c for c, _ in ctx]:
            r = series[uid]
            r = r[(r["indicator_id"] == ind.indicator_id) & r["period"].isin(keys)]
            hist.append(pd.DataFrame({"unit_id": uid, "period": r["period"].to_numpy(),
                                      "label": [parse_period(p).label() for p in r["period"]],
                                      "numerator": r["numerator"].to_numpy(),
                                      "denominator": r["denominator"].to_numpy(),
                                      "value": _shown(r, ind.aggregation, ind.measure),
                                      "withheld": r["withheld"].to_numpy()}))
        history = pd.concat(hist, ignore_index=True)

        def value_of(uid: str, key: str, ind: tuple = ind) -> Combined:
            r = series[uid]
            r = r[(r["indicator_id"] == ind.indicator_id) & (r["period"] == key)]
            return disclosure.gate(mask, uid, ind.indicator_id, [key], aggregate.combine(r, ind.aggregation,
                                                                                          ind.measure))

        item = Item(ind.indicator_id, ind.name, ind.description, ind.measure, ind.aggregation, ind.source, kind,
                    last, value_of(unit_id, last.key), history,
                    [(c, n, value_of(c, last.key)) for c, n in ctx])
        groups.setdefault(group_of(ind.indicator_id, ind.source), []).append(item)
    titles = [(k, t) for k, t, _p, _w in GROUPS] + [OTHER]
    ordered = [(k, t, groups[k]) for k, t in titles if k in groups]
    return QualityView(unit, period, ordered, ctx)


def _tertial_of(key: str) -> str:
    p = parse_period(key)
    return Period(p.year, "T", (p.number - 1) // 4 + 1).key


def side_by_side(view: QualityView, count: int = SIDE_BY_SIDE_TERTIALS) -> pd.DataFrame:
    """One row per item of the unit, one column per tertial (the `count` up to the chosen month's tertial).

    Tertial items as measured; monthly items summed to tertials (ratio of sums for shares, sum for counts) only
    where all four months are there, and marked as such; yearly items are left out (they have no tertials). A
    tertial with a withheld month holds `disclosure.WITHHELD_TEXT` instead of a number.
    """
    end = Period(view.period.year, "T", (view.period.number - 1) // 4 + 1)
    tertials = [end.shift(-i) for i in range(count - 1, -1, -1)]
    rows = []
    for item in view.items:
        h = item.history[item.history["unit_id"] == view.unit.unit_id]
        if item.kind == "Y":
            continue
        if item.kind == "T":
            values = {p: disclosure.WITHHELD_TEXT if w else v
                      for p, v, w in zip(h["period"], h["value"], h["withheld"], strict=True)}
            label = item.name
        else:
            h = h.assign(tertial=[_tertial_of(p) for p in h["period"]])
            values = {}
            for key, g in h.groupby("tertial"):
                # a month without cases has no share, so shares use the months there are; counts need all four
                if g["withheld"].any():  # a tertial minus its shown months would give the hidden one back
                    values[key] = disclosure.WITHHELD_TEXT
                elif item.aggregation == "forholdstall":
                    values[key] = aggregate.ratio_value(g["numerator"].sum(), g["denominator"].sum(), item.measure)
                elif len(g) == 4:
                    values[key] = float(g["value"].sum()) if item.aggregation == "sum" else float(g["value"].mean())
            label = f"{item.name} (månedstall summert per tertial)"
        if not values:
            continue
        rows.append({"indicator_id": item.indicator_id, "name": label, "measure": item.measure,
                     **{t.label(): values.get(t.key) for t in tertials}})
    return pd.DataFrame(rows)
