"""A disclosure auditor for employee-survey publications, by linear algebra.

The true data are cells of people: (round, unit, group, question), each a vector of answer counts 1-5, the groups
of one unit disjoint. A file's rows are sums of true cells (a `Totalt` row is the sum of a unit's groups, a fylke
row the sum of its offices). A publication is every figure the page or its downloads can show: answer counts (n and
shares follow from them) for every round, unit level, group and question, hidden figures read as 0.

1. The publication matrix M (figures x file cells) is read off the publishing function as a black box: with every
   cell's number of people fixed, its answers are redrawn at random many times and the published counts solved for
   M (published = M @ answers). The solve must be exact and M whole numbers, or the publication is not a linear
   function of the counts and this auditor says so instead of guessing. What is shown must not depend on answers.
2. Over the true cells: P = M @ E, where E maps file cells to the true cells they sum.
3. A set S of true cells is derivable iff its indicator vector lies in the row space of P, i.e. is orthogonal to
   P's null space. Every true cell of 1 to k-1 people is checked, and so is each unit's set of small cells taken
   together when it is under k (what a "pool" of small groups would be).

Because answer counts enter every figure the same way, a cell's answers are derivable iff its indicator is in the
row space of M (M applies per answer: the publication of answer a is M times the cells' counts of answer a).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg

from navdash import survey

Key = tuple[str, str, str, str]  # (round, unit, group, question)
KEY_COLUMNS = ["round", "unit_id", "grp", "question"]
PublishFn = Callable[[pd.DataFrame, pd.DataFrame, int], pd.DataFrame]


@dataclass
class Structure:
    """True cells and the file an exporter made of them."""

    units: pd.DataFrame
    true: dict[Key, np.ndarray]  # true cell -> answer counts (5)
    file: dict[Key, list[Key]] = field(default_factory=dict)  # file cell -> the true cells it sums

    def file_counts(self, true: dict[Key, np.ndarray] | None = None) -> dict[Key, np.ndarray]:
        true = self.true if true is None else true
        return {f: sum((true[t] for t in parts), np.zeros(5, dtype=int)) for f, parts in self.file.items()}


def frame(cells: dict[Key, np.ndarray]) -> pd.DataFrame:
    """Counts in the stored layout (one row per answer), as `survey.publish` takes them."""
    rows = [(r, u, g, q, f"Tema {q}", a, int(c[i])) for (r, u, g, q), c in cells.items()
            for i, a in enumerate(survey.SCALE)]
    return pd.DataFrame(rows, columns=["round", "unit_id", "grp", "question", "theme", "answer", "count"])


def _figures(table: pd.DataFrame) -> tuple[list[tuple], np.ndarray, np.ndarray]:
    table = table.sort_values(KEY_COLUMNS, ignore_index=True)
    index = list(table[KEY_COLUMNS].itertuples(index=False, name=None))
    counts = table[list(survey.COUNT_COLUMNS)].astype("Float64").fillna(0).to_numpy(dtype=float)
    return index, counts, table["shown"].to_numpy(dtype=bool)


def publication_matrix(publish: PublishFn, cells: dict[Key, np.ndarray], units: pd.DataFrame, k: int,
                       seed: int = 0) -> tuple[list[tuple], list[Key], np.ndarray]:
    """(figures, file cells, M) with published answer counts = M @ file cells' answer counts."""
    rng = np.random.default_rng(seed)
    keys = [c for c in cells if cells[c].sum() > 0]
    n = np.array([cells[c].sum() for c in keys])
    index, _, shown = _figures(publish(frame(cells), units, k))
    xs, fs = [], []
    draws = math.ceil(len(keys) / 4) + 3
    for _ in range(draws):
        drawn = np.array([rng.multinomial(m, [0.2] * 5) for m in n])
        index_t, counts_t, shown_t = _figures(publish(frame(dict(zip(keys, drawn, strict=True))), units, k))
        assert index_t == index, "the set of published figures depends on the answers"
        assert (shown_t == shown).all(), "what is shown depends on the answers, not only on the number of people"
        xs.append(drawn)
        fs.append(counts_t)
    x, f = np.hstack(xs), np.hstack(fs)  # cells x (5 draws), figures x (5 draws)
    assert np.linalg.matrix_rank(x) == len(keys), "too few draws to identify the publication"
    m_t, *_ = np.linalg.lstsq(x.T, f.T, rcond=None)
    m = m_t.T
    assert np.allclose(m @ x, f, atol=1e-6), "the publication is not a linear function of the counts"
    assert np.allclose(m, np.round(m), atol=1e-6), "the publication weighs cells by fractions"
    return index, keys, np.round(m)


@dataclass(frozen=True)
class Leak:
    what: str
    people: int


def audit(structure: Structure, publish: PublishFn, k: int, *,
          extra: list[tuple[Structure, PublishFn, int]] = ()) -> list[Leak]:
    """Every set of 1 to k-1 true people whose answers the publication (and any `extra` publications of the same
    true cells, e.g. the same round before and after a re-import) lets anyone compute exactly."""
    true_keys = [t for t in structure.true if structure.true[t].sum() > 0]
    position = {t: i for i, t in enumerate(true_keys)}
    blocks = []
    for s, fn, kk in [(structure, publish, k), *extra]:
        _, file_keys, m = publication_matrix(fn, s.file_counts(), s.units, kk)
        e = np.zeros((len(file_keys), len(true_keys)))
        for i, f in enumerate(file_keys):
            for t in s.file[f]:
                if t in position:
                    e[i, position[t]] = 1
        blocks.append(m @ e)
    p = np.vstack(blocks)
    null = scipy.linalg.null_space(p)  # columns: every direction the publication cannot see

    def derivable(members: list[Key]) -> bool:
        v = np.zeros(len(true_keys))
        v[[position[t] for t in members]] = 1
        return bool(np.allclose(null.T @ v, 0, atol=1e-8))

    people = {t: int(structure.true[t].sum()) for t in true_keys}
    leaks = [Leak(f"cell {t}", people[t]) for t in true_keys if people[t] < k and derivable([t])]
    by_unit: dict[tuple[str, str, str], list[Key]] = {}
    for t in true_keys:
        if people[t] < k:
            by_unit.setdefault((t[0], t[1], t[3]), []).append(t)
    for (rnd, unit, question), small in by_unit.items():
        total = sum(people[t] for t in small)
        if len(small) > 1 and total < k and derivable(small):
            leaks.append(Leak(f"small groups of {unit} in {rnd}, {question}", total))
    return leaks


# ---------------------------------------------------------------------------------------------------------
# Random structures, and the exporters that make real-shaped (and refused) files of them
# ---------------------------------------------------------------------------------------------------------

SIZES = (0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20)
SIZE_P = np.array([3, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1], dtype=float) / 23


def random_units(rng: np.random.Generator) -> pd.DataFrame:
    rows = [("0000", "Norge", "land", None)]
    for f in range(int(rng.integers(1, 3)) + 1):
        fylke = f"F{f}"
        rows.append((fylke, f"Fylke {f}", "fylke", "0000"))
        rows += [(f"{fylke}O{o}", f"Kontor {f}.{o}", "kontor", fylke) for o in range(int(rng.integers(1, 4)) + 1)]
    if rng.random() < 0.5:
        rows.append(("S1", "Styringsenhet", "styringsenhet", "0000"))
    return pd.DataFrame(rows, columns=["unit_id", "name", "type", "parent_id"])


def random_structure(rng: np.random.Generator) -> Structure:
    """True cells for 1-2 rounds and 1-2 questions; a round is broken down by role, or (sometimes) not at all.
    The file is the true cells themselves: the accepted shape."""
    units = random_units(rng)
    workplaces = units.loc[units["type"].isin(survey.WORKPLACES), "unit_id"].tolist()
    rounds = ["2017", "2019"][: int(rng.integers(1, 3))]
    questions = ["Q1", "Q2"][: int(rng.integers(1, 3))]
    true: dict[Key, np.ndarray] = {}
    for rnd in rounds:
        groups = [survey.NO_GROUP] if rng.random() < 0.2 else list(survey.GROUP_ORDER)
        for unit in workplaces:
            for grp in groups:
                people = int(rng.choice(SIZES, p=SIZE_P))
                answers = rng.integers(1, 6, size=people)
                for q in questions:
                    took = answers[rng.random(people) > 0.1]  # a few skip each question
                    if len(took):
                        true[(rnd, unit, grp, q)] = np.bincount(took - 1, minlength=5)
    return Structure(units, true, {t: [t] for t in true})


def with_totals(s: Structure, name: str = "Totalt") -> Structure:
    """A survey tool's export: a total row per unit beside its groups."""
    file = dict(s.file)
    for (rnd, unit, _grp, q) in s.true:
        parts = [t for t in s.true if t[0] == rnd and t[1] == unit and t[3] == q]
        file[(rnd, unit, name, q)] = parts
    return Structure(s.units, s.true, file)


def with_sum_rows(s: Structure) -> Structure:
    """An export with fylke and Norge rows per group: the sums of the offices below."""
    parent = dict(zip(s.units["unit_id"], s.units["parent_id"], strict=True))
    file = dict(s.file)
    for t in s.true:
        up = parent.get(t[1])
        while isinstance(up, str):
            file.setdefault((t[0], up, t[2], t[3]), []).append(t)
            up = parent.get(up)
    return Structure(s.units, s.true, file)
