"""Small numbers in indicator values: an attack by linear algebra on everything the pages publish.

The auditor is independent of navdash.disclosure's rule: it decides by itself which figures are about fewer than 5
people, writes every figure a viewer is shown (every unit's month, tertial and year-to-date sums, where the gate lets
it through) as a row over the true cells (office x period), and checks that no small cell lies in the row space,
i.e. that no combination of shown figures (a fylke minus its other offices, a year to date minus its months) gives
it back. It must find the leaks planted in publications without complementary suppression.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pytest

from navdash import access, disclosure
from navdash.access import Clearance, User

Shown = Callable[[str, str, list[str]], bool]


def _load(db: Path) -> tuple[dict, dict, dict, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        inds = {i: (a, m, p) for i, a, m, p in con.execute(
            "SELECT indicator_id, aggregation, measure, perspective FROM indicators WHERE personal").fetchall()}
        units = con.execute("SELECT unit_id, parent_id, employees FROM units").fetchall()
        rows = con.execute('SELECT unit_id, indicator_id, period, period_kind, year, period_no, numerator, '
                           'denominator, value FROM "values"').fetchall()
    finally:
        con.close()
    parents = {u: p for u, p, _ in units}
    employees = {u: e for u, _, e in units}
    return inds, parents, employees, rows


def _leaves_under(parents: dict[str, str | None]) -> dict[str, set[str]]:
    children: dict[str, list[str]] = {}
    for u, p in parents.items():
        if p:
            children.setdefault(p, []).append(u)
    out: dict[str, set[str]] = {}

    def walk(u: str) -> set[str]:
        if u not in out:
            kids = children.get(u, [])
            out[u] = {u} if not kids else set().union(*(walk(k) for k in kids))
        return out[u]

    for u in parents:
        walk(u)
    return out


def _persons(row: tuple, aggregation: str, measure: str) -> float | None:
    """How many people a value row is about: the denominator of a share, or a count of persons."""
    if aggregation == "forholdstall":
        return row[7]
    return row[8] if measure == "antall" else None


def audit(db: Path, clearance: Clearance, shown: Shown, years: tuple[int, ...] = (2021, 2022)) -> list[tuple]:
    """Every small cell (office, indicator, period) the viewer may not see that the shown figures give back."""
    inds, parents, employees, rows = _load(db)
    leaves_of = _leaves_under(parents)
    cleared = clearance.units(parents)
    leaks = []
    for ind, (aggregation, measure, perspective) in inds.items():
        for year in years:
            cells = [r for r in rows if r[1] == ind and r[4] == year]
            leaf_cells = [r for r in cells if leaves_of[r[0]] == {r[0]}]
            if not leaf_cells:
                continue
            kind = leaf_cells[0][3]
            periods = sorted({r[2] for r in leaf_cells}, key=lambda p: p)
            col = {(r[0], r[2]): i for i, r in enumerate(sorted(leaf_cells, key=lambda r: (r[0], r[2])))}

            small = [(r[0], r[2]) for r in cells if r[0] not in cleared and (
                (_persons(r, aggregation, measure) is not None and 0 < _persons(r, aggregation, measure) < 5)
                or (perspective == "medarbeider" and employees.get(r[0]) is not None and 0 < employees[r[0]] < 5))]
            if not small:
                continue
            # every set of periods a page sums: each period, year to date, and the tertials of months
            sets = [[p] for p in periods]
            sets += [periods[:k] for k in range(2, len(periods) + 1)]
            if kind == "M":
                sets += [[p for p in periods if (int(p[5:]) - 1) // 4 == t] for t in range(3)]
            published = []
            for unit, leaves in leaves_of.items():
                for s in sets:
                    vec = np.zeros(len(col))
                    for leaf in leaves:
                        for p in s:
                            if (leaf, p) in col:
                                vec[col[(leaf, p)]] = 1
                    if vec.any() and (unit in cleared or shown(unit, ind, s)):
                        published.append(vec)
            matrix = np.array(published) if published else np.zeros((1, len(col)))
            # a cell shown on its own is known: take it out of every row, which leaves a small system over the rest
            single = matrix.sum(axis=1) == 1
            unknown = ~matrix[single].any(axis=0)
            hidden_part = {(u, p): [leaf for leaf in leaves_of[u] if (leaf, p) in col and unknown[col[(leaf, p)]]]
                           for u, p in small}
            leaks += [(u, ind, p) for (u, p), rest in hidden_part.items() if not rest]  # shown outright
            small = [cell for cell, rest in hidden_part.items() if rest]
            matrix = matrix[:, unknown]
            matrix = matrix[matrix.any(axis=1)] if matrix.size else np.zeros((1, 0))
            col = {k: i for k, i in ((k, int(unknown[:i].sum())) for k, i in col.items() if unknown[i])}
            if not matrix.size:
                matrix = np.zeros((1, len(col)))
            # a vector lies in the row space iff it is orthogonal to the null space (eigenvalue 0 of the Gram matrix)
            eigenvalues, vectors = np.linalg.eigh(matrix.T @ matrix)
            null = vectors[:, eigenvalues < 1e-8 * max(1.0, eigenvalues.max())].T
            for unit, period in small:
                target = np.zeros(len(col))
                for leaf in leaves_of[unit]:
                    if (leaf, period) in col:
                        target[col[(leaf, period)]] = 1
                if target.any() and np.abs(null @ target).max(initial=0) < 1e-7:
                    leaks.append((unit, ind, period))
    return leaks


VIEWERS = [access.DEMO_PERSONAS["ansatt"], access.DEMO_PERSONAS["leder"], User("l", "leder", "1144"),
           User("f", "fylkesleder", "1100"), access.DEMO_PERSONAS["fylkesleder"]]


@pytest.fixture(scope="module")
def masks(demo_template: Path) -> dict[str, disclosure.Mask]:
    return {v.cache_key: disclosure.mask_for(access.clearance(v), demo_template) for v in VIEWERS}


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.cache_key)
def test_no_small_figure_is_derivable_from_what_a_viewer_is_shown(demo_template: Path, masks, viewer: User):
    mask = masks[viewer.cache_key]
    leaks = audit(demo_template, access.clearance(viewer), lambda u, i, s: not mask.hides(u, i, s))
    assert leaks == []


def test_the_auditor_finds_a_fylke_total_minus_its_other_offices(demo_template: Path, masks):
    """A publication that hides only the small figures themselves leaks them by subtraction."""
    viewer = access.DEMO_PERSONAS["ansatt"]
    full = masks[viewer.cache_key]
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        primary_only = set()
        for unit, ind, period, den, val, emp, persp, agg, measure in con.execute(
                'SELECT v.unit_id, v.indicator_id, v.period, v.denominator, v.value, u.employees, i.perspective, '
                'i.aggregation, i.measure FROM "values" v JOIN units u USING (unit_id) '
                'JOIN indicators i USING (indicator_id) WHERE i.personal').fetchall():
            persons = den if agg == "forholdstall" else val if measure == "antall" else None
            if (persons is not None and 0 < persons < 5) or (persp == "medarbeider" and emp and emp < 5):
                primary_only.add((unit, ind, period))
    finally:
        con.close()
    naive = disclosure.Mask("naiv", full.personal, frozenset(primary_only))
    leaks = audit(demo_template, Clearance("ingen"), lambda u, i, s: not naive.hides(u, i, s), years=(2022,))
    assert leaks, "the auditor missed a leak it should find"
    assert len(primary_only) < len(full.hidden)  # the real mask hides more than the small figures alone


def test_the_auditor_finds_a_month_from_year_to_date(demo_template: Path, masks):
    """A gate that shows a year to date with a hidden month in it gives the month back by subtraction."""
    mask = masks["ansatt:0312"]
    leaky = lambda u, i, s: len(s) > 1 or not mask.hides(u, i, s)  # noqa: E731
    leaks = audit(demo_template, Clearance("ingen"), leaky, years=(2022,))
    assert leaks


def test_small_figures_are_shown_to_the_units_own_leader_and_the_fylke(masks):
    ansatt, leader, fylke = masks["ansatt:0312"], masks["leder:1144"], masks["fylkesleder:1100"]
    # NAV Kvitsøy (2 employees): its sickness absence is hidden from everyone else, shown to its leader and fylke
    assert ansatt.hides("1144", "M.SF", ["2022-01"])
    assert not leader.hides("1144", "M.SF", ["2022-01"])
    assert not fylke.hides("1144", "M.SF", ["2022-01"])
    # for others, one more office is hidden with it, so NAV Rogaland minus the rest cannot give it back ...
    hidden = {u for u, i, p in ansatt.hidden if (i, p) == ("M.SF", "2022-01")}
    assert "1144" in hidden and len(hidden) >= 2 and not ansatt.hides("1100", "M.SF", ["2022-01"])
    # ... while the Kvitsøy leader, who knows it anyway, loses no other office's figure for it
    assert not {u for u, i, p in leader.hidden if (i, p) == ("M.SF", "2022-01")}
    # year to date with a hidden month in it is hidden; the fylke's year to date is shown
    months = [f"2022-{m:02d}" for m in range(1, 13)]
    assert ansatt.hides("1144", "M.SF", months) and not ansatt.hides("1100", "M.SF", months)
    # production figures are about cases, not people: never hidden
    assert not ansatt.hides("1144", "N.SKLTID", ["2022-01"])


def test_the_analytiker_sees_everything(demo_template: Path):
    mask = disclosure.mask_for(access.clearance(access.DEMO_PERSONAS["analytiker"]), demo_template)
    assert mask.hidden == frozenset() and "M.SF" in mask.personal


def test_gate_withholds_and_keeps_periods(masks):
    from navdash.aggregate import Combined

    mask = masks["ansatt:0312"]
    figure = Combined(50.0, 1.0, 2.0, 1, "lastet", 1)
    shown = disclosure.gate(mask, "1144", "M.SF", ["2022-01"], figure)
    assert disclosure.is_withheld(shown) and shown.value is None and shown.numerator is None
    assert disclosure.gate(mask, "1144", "N.SKLTID", ["2022-01"], figure) is figure
    assert disclosure.gate(None, "1144", "M.SF", ["2022-01"], figure) is figure


def test_cli_export_without_small_numbers(demo_db: Path, masks, monkeypatch, capsys):
    import csv

    from navdash.__main__ import main

    monkeypatch.setenv("NAVDASH_DB", str(demo_db))
    out = demo_db.parent / "open.csv"
    assert main(["export", "verdier", "--uten-smaa-tall", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    mask = masks["ansatt:0312"]  # no clearance, as an employee
    assert not any(mask.hides(r["enhet"], r["indikator"], [r["periode"]]) for r in rows)
    assert not any(r["enhet"] == "1144" and r["indikator"] == "M.SF" for r in rows)
    assert main(["export", "verdier", "-o", str(out)]) == 0  # the analyst's full export is unchanged
    full = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(full) - len(rows) == sum(mask.hides(r["enhet"], r["indikator"], [r["periode"]]) for r in full) > 0


def _every_pair(con: duckdb.DuckDBPyConnection, clearance: Clearance) -> set[tuple[str, str, str]]:
    """The rule applied to every (indicator, period) of every personal indicator, with no shortcut."""
    cat = {i: disclosure.Catalogue(a, m, p) for i, a, m, p in con.execute(
        "SELECT indicator_id, aggregation, measure, perspective FROM indicators WHERE personal").fetchall()}
    units = con.execute("SELECT unit_id, parent_id, employees FROM units").fetchall()
    parents = {u: p for u, p, _e in units}
    employees = {u: (int(e) if e is not None else None) for u, _p, e in units}
    tree = disclosure._Tree(parents)
    cells: dict[tuple[str, str], dict[str, float | None]] = {}
    for ind, period, unit, num, den, val in con.execute(
            'SELECT indicator_id, period, unit_id, numerator, denominator, value FROM "values"').fetchall():
        if ind in cat:
            cells.setdefault((ind, period), {})[unit] = disclosure.base(num, den, val, cat[ind])
    if clearance.everything:
        return set()
    cleared = clearance.units(parents)
    return {(u, ind, period) for (ind, period), c in cells.items()
            for u in disclosure.hidden_cells(c, tree, employees, cat[ind], cleared)[0]}


def test_the_shared_basis_gives_every_viewer_the_mask_of_the_full_rule(demo_template: Path):
    """The basis is read once per data version and shared by every viewer; each viewer's mask from it is the one
    the rule gives when every pair is computed for that viewer alone."""
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        shared = disclosure.basis(con)
        parents = dict(con.execute("SELECT unit_id, parent_id FROM units").fetchall())
        viewers = [*VIEWERS, access.DEMO_PERSONAS["analytiker"], None,
                   *(User("l", "leder", u) for u in sorted(parents)[::7])]
        checked_with_hidden = 0
        for viewer in viewers:
            clearance = access.clearance(viewer)
            expected = _every_pair(con, clearance)
            assert disclosure.mask_from(shared, clearance).hidden == expected, clearance.key
            checked_with_hidden += bool(expected)
    finally:
        con.close()
    assert checked_with_hidden >= 5  # the demo data has small figures, so the comparison is not between empty sets
