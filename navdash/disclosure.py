"""Small numbers about identifiable people: which figures a viewer may not see, and the one gate every figure passes.

NAV's statistics treat groups under 5 persons as personal data. For indicators marked `personopplysning` in the
catalogue, a figure is *small* when its base is 1-4 persons: the denominator of a share, the count itself for a
number of persons, and for the medarbeider perspective also the unit's employees (sick days of a 2-person office
are about those 2 people, however many days there are). A small figure is shown in clear only to viewers cleared
for the unit (`access.clearance`: the unit's own leder, the fylkesleder above it, the analytiker); everyone else
sees "færre enn 5".

Hiding the small figure alone is not enough: a fylke's total minus its other offices gives it back. So, per
indicator and period, every published total either has no hidden units directly under it, or at least two whose
bases add up to 5 or more; when there are not enough others to hide, the total itself is hidden, and the same rule
then applies one level up (fylker and national units under Norge). Loaded totals are treated as the sum of the
units under them, which is the cautious assumption. Over time, a sum of periods (year to date, a tertial of months,
last year's same months) is shown only when none of its periods is hidden for the unit, so a year to date minus the
shown months cannot give back a hidden month.

`Mask.hides` is the single rule; `gate` (and `withhold_rows` for tables of periods) apply it. Pages never decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from navdash import units as unit_tree
from navdash.access import Clearance
from navdash.aggregate import Combined
from navdash.periods import Period

THRESHOLD = 5
WITHHELD_TEXT = "færre enn 5"
WITHHELD_REASON = ("Tallet gjelder færre enn 5 personer (eller må skjules for at et slikt tall ikke skal kunne "
                   "regnes ut) og vises bare for enhetens leder, fylkesledelsen og analytikere.")

Cell = tuple[str, str, str]  # (unit_id, indicator_id, period key)


@dataclass(frozen=True)
class Withheld(Combined):
    """A figure the viewer may not see: shown as "færre enn 5", with no value, numerator or denominator."""


@dataclass(frozen=True)
class Mask:
    """The figures hidden from one clearance, for one published data version."""

    key: str  # the clearance's key
    personal: frozenset[str]  # indicators about identifiable people
    hidden: frozenset[Cell]
    primary: int = 0  # how many of the hidden figures are small themselves (the rest are hidden to protect them)

    def hides(self, unit_id: str, indicator_id: str, periods: Iterable[Period | str]) -> bool:
        """Is the unit's figure over these periods hidden? True when any one of the periods is."""
        if indicator_id not in self.personal:
            return False
        return any(self.hides_cell(unit_id, indicator_id, p if isinstance(p, str) else p.key) for p in periods)

    def hides_cell(self, unit_id: str, indicator_id: str, period: str) -> bool:
        """Is the unit's figure for one period (its key) hidden?"""
        return indicator_id in self.personal and (unit_id, indicator_id, period) in self.hidden


def gate(mask: Mask | None, unit_id: str, indicator_id: str, periods: Iterable[Period | str],
         figure: Combined) -> Combined:
    """The figure as this viewer may see it: unchanged, or `Withheld`. `mask=None` is for figures computed in
    clear for storage (a meeting's snapshot); anything shown to a person passes a mask."""
    if mask is None or not mask.hides(unit_id, indicator_id, periods):
        return figure
    return Withheld(None, None, None, figure.periods, figure.source, figure.units)


def is_withheld(figure: object) -> bool:
    return isinstance(figure, Withheld)


def withhold_rows(rows: pd.DataFrame, mask: Mask | None, unit_id: str | None = None) -> pd.DataFrame:
    """Rows of per-period figures (columns indicator_id or a single indicator, period, numerator, denominator,
    value; unit from `unit_id` or the column) with hidden figures blanked and a `withheld` column."""
    out = rows.copy()
    if mask is None or out.empty:
        out["withheld"] = False
        return out
    units = [unit_id] * len(out) if unit_id is not None else out["unit_id"].tolist()
    hides = mask.hides_cell  # plain lists: iterating Arrow-backed strings one by one is several times slower
    hidden = np.array([hides(u, i, p) for u, i, p in zip(units, out["indicator_id"].tolist(), out["period"].tolist(),
                                                         strict=True)], dtype=bool)
    out["withheld"] = hidden
    for col in ("numerator", "denominator", "value"):
        if col in out:
            out[col] = out[col].astype("float64").where(~hidden)
    return out


# ---------------------------------------------------------------------------------------------------------
# Which figures are hidden
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """What the rule needs to know about an indicator about identifiable people."""

    aggregation: str
    measure: str
    perspective: str


def base(numerator: float | None, denominator: float | None, value: float | None, ind: Catalogue) -> float | None:
    """How many persons a figure is about, when the file says: the denominator of a share, a count of persons."""
    if ind.aggregation == "forholdstall":
        return None if denominator is None or pd.isna(denominator) else float(denominator)
    if ind.measure == "antall":
        return None if value is None or pd.isna(value) else float(value)
    return None


def is_small(persons: float | None, employees: int | None, ind: Catalogue) -> bool:
    if persons is not None and 0 < persons < THRESHOLD:
        return True
    return ind.perspective == "medarbeider" and employees is not None and 0 < employees < THRESHOLD


class _Tree:
    def __init__(self, parents: Mapping[str, str | None]):
        self.parents = dict(parents)
        self.children: dict[str, list[str]] = {
            parent: sorted(kids) for parent, kids in unit_tree.children(self.parents).items() if parent is not None}
        depth = {unit: len(unit_tree.ancestors(unit, self.parents)) for unit in self.parents}
        # deepest first: children are settled before their parent is looked at
        self.bottom_up = sorted(self.parents, key=lambda u: (-depth[u], u))


def hidden_cells(cells: Mapping[str, float | None], tree: _Tree, employees: Mapping[str, int | None],
                 ind: Catalogue, cleared: frozenset[str]) -> tuple[set[str], int]:
    """For one indicator and period: the units whose figure is hidden, and how many of them are small themselves.

    `cells` holds the base of every unit with a figure loaded for it; totals without their own figure are the sum
    of the units under them.
    """
    bases: dict[str, float | None] = {}
    has_data: set[str] = set()
    for unit in tree.bottom_up:
        kids = [c for c in tree.children.get(unit, []) if c in has_data]
        if unit in cells:
            bases[unit] = cells[unit]
            has_data.add(unit)
        elif kids:
            known = [bases[c] for c in kids if bases.get(c) is not None]
            bases[unit] = float(sum(known)) if known else None
            has_data.add(unit)
    hidden = {u for u in has_data if u not in cleared and is_small(bases.get(u), employees.get(u), ind)}
    primary = len(hidden)
    for unit in tree.bottom_up:
        kids = [c for c in tree.children.get(unit, []) if c in has_data]
        if not kids or unit in hidden:
            continue
        hid = [c for c in kids if c in hidden]
        if not hid:
            continue

        def enough(hid: list[str] = hid) -> bool:
            return len(hid) >= 2 and sum(bases.get(c) or 0 for c in hid) >= THRESHOLD

        # a total with nothing hidden under it is known from the units under it, so hiding it protects nothing
        candidates = sorted(
            (c for c in kids if c not in hidden and c not in cleared
             and (not tree.children.get(c) or any(k in hidden for k in tree.children[c]))),
            key=lambda c: (bases.get(c) if bases.get(c) is not None else float("inf"), c))
        while not enough() and candidates:
            partner = candidates.pop(0)
            hidden.add(partner)
            hid.append(partner)
        if not enough():
            hidden.add(unit)
    return hidden, primary


@dataclass(frozen=True)
class Basis:
    """What every clearance's mask is computed from, read once per published data version and shared by all
    viewers: the tree, the employees, and the bases of the (indicator, period) pairs where anything can be hidden.

    A pair can only hide something when a unit in it is small: a loaded base below 5 (and not 0), or an employee
    count below 5 for a medarbeider indicator. A total computed from the units under it is small only when one of
    them is (a sum of bases of 0 or at least 5 is 0 or at least 5; negative bases are kept, to be safe), so every
    other pair hides nothing for any clearance and is left out here.

    `uncleared` holds each pair's result for a viewer cleared for nothing. A clearance changes a pair's result only
    when it clears a unit hidden there: a cleared unit that is neither small nor picked to protect another changes
    nothing in `hidden_cells` (the picks before it are the same, and it was never reached). So a viewer's mask is
    the uncleared one, recomputed only for the pairs where one of the viewer's units is hidden.
    """

    personal: frozenset[str]
    catalogue: Mapping[str, Catalogue]
    parents: Mapping[str, str | None]
    employees: Mapping[str, int | None]
    tree: _Tree
    pairs: Mapping[tuple[str, str], Mapping[str, float | None]]  # (indicator, period) -> unit -> base
    uncleared: Mapping[tuple[str, str], tuple[frozenset[str], int]]  # pair -> (hidden units, how many small)


def basis(con: duckdb.DuckDBPyConnection) -> Basis:
    catalogue = {
        i: Catalogue(a, m, p) for i, a, m, p in con.execute(
            "SELECT indicator_id, aggregation, measure, perspective FROM indicators WHERE personal").fetchall()
    }
    units = con.execute("SELECT unit_id, parent_id, employees FROM units").fetchall()
    parents = {u: p for u, p, _e in units}
    employees = {u: (int(e) if e is not None else None) for u, _p, e in units}
    small_staff = any(e is not None and 0 < e < THRESHOLD for e in employees.values())
    staff = [i for i, c in catalogue.items() if c.perspective == "medarbeider"] if small_staff else []
    rows = con.execute(
        """WITH personal AS (SELECT indicator_id, aggregation, measure FROM indicators
                             WHERE list_contains(?, indicator_id)),
                pairs AS (
                    SELECT DISTINCT v.indicator_id, v.period FROM "values" v JOIN personal i USING (indicator_id)
                    WHERE (i.aggregation = 'forholdstall' AND v.denominator < ? AND v.denominator <> 0)
                       OR (i.aggregation <> 'forholdstall' AND i.measure = 'antall' AND v.value < ? AND v.value <> 0)
                       OR list_contains(?, v.indicator_id))
           SELECT v.indicator_id, v.period, v.unit_id, v.numerator, v.denominator, v.value
           FROM "values" v JOIN pairs USING (indicator_id, period)
           ORDER BY v.indicator_id, v.period""", [list(catalogue), THRESHOLD, THRESHOLD, staff]).fetchall()
    pairs: dict[tuple[str, str], dict[str, float | None]] = {}
    for ind, period, unit, num, den, val in rows:
        pairs.setdefault((ind, period), {})[unit] = base(num, den, val, catalogue[ind])
    tree = _Tree(parents)
    uncleared = {}
    for (ind, period), cells in pairs.items():
        found, small = hidden_cells(cells, tree, employees, catalogue[ind], frozenset())
        uncleared[(ind, period)] = (frozenset(found), small)
    return Basis(frozenset(catalogue), catalogue, parents, employees, tree, pairs, uncleared)


def mask_from(shared: Basis, clearance: Clearance) -> Mask:
    """The figures hidden from viewers with this clearance: the uncleared result, recomputed only for the pairs where
    the clearance shows a unit that is hidden from everyone else."""
    hidden: set[Cell] = set()
    primary = 0
    if not clearance.everything:
        cleared = clearance.units(shared.parents)
        for (ind, period), (found, small) in shared.uncleared.items():
            if not cleared.isdisjoint(found):
                found, small = hidden_cells(shared.pairs[(ind, period)], shared.tree, shared.employees,
                                            shared.catalogue[ind], cleared)
            hidden.update((u, ind, period) for u in found)
            primary += small
    return Mask(clearance.key, shared.personal, frozenset(hidden), primary)


def build_mask(con: duckdb.DuckDBPyConnection, clearance: Clearance) -> Mask:
    """The figures hidden from viewers with this clearance, in the newest published data."""
    return mask_from(basis(con), clearance)


def mask_for(clearance: Clearance, db: object = None) -> Mask:
    from pathlib import Path

    from navdash import store

    with store.reading(Path(db) if db is not None else None) as con:
        return build_mask(con, clearance)
