"""The disclosure auditor (tests/survey_audit.py) on random survey structures: nothing the import accepts leaks a
group of 1-4 people, every shape it refuses would leak, and the auditor finds the leaks we plant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from navdash import survey
from tests.survey_audit import Key, Structure, audit, frame, random_structure, with_sum_rows, with_totals

K = 5
SEEDS = range(24)  # each audit publishes a structure some 10-30 times; more seeds only make the suite slower

UNITS = pd.DataFrame([("0000", "Norge", "land", None), ("F1", "Fylke 1", "fylke", "0000"),
                      ("A", "Kontor A", "kontor", "F1"), ("B", "Kontor B", "kontor", "F1")],
                     columns=["unit_id", "name", "type", "parent_id"])


def people(*answers: int) -> np.ndarray:
    return np.bincount(np.array(answers) - 1, minlength=5)


def office(leaders: np.ndarray, workers: np.ndarray, unit: str = "A", rnd: str = "2019") -> dict[Key, np.ndarray]:
    return {(rnd, unit, "leder", "Q1"): leaders, (rnd, unit, "medarbeider", "Q1"): workers}


def plain(true: dict[Key, np.ndarray], units: pd.DataFrame = UNITS) -> Structure:
    return Structure(units, true, {t: [t] for t in true})


# --- the auditor can fail: known leaky publications ----------------------------------------------------------------


def test_auditor_finds_the_totalt_row_leak():
    # 3 leaders and 20 medarbeidere, exported with a Totalt row: Totalt minus medarbeidere = the 3 leaders.
    s = with_totals(plain(office(people(1, 1, 2), people(*[4] * 12, *[5] * 8))))
    leaks = audit(s, survey._publish_blocks, K)  # the block rule without the shape check: the old behaviour
    assert [leak.people for leak in leaks] == [3]
    with pytest.raises(survey.SurveyShapeError):  # the gate refuses the shape
        survey.publish(frame(s.file_counts()), s.units, K)


def test_auditor_finds_the_fylke_row_leak():
    # Office A has 2 leaders, office B 6; the file also has F1 and Norge rows (the sums). F1's leaders are a block
    # of 8 "other people" to the block rule, so F1 leder (published: A's 2 are in it) minus B's 6 = A's 2 leaders.
    true = {**office(people(1, 2), people(*[4] * 10)), **office(people(*[5] * 6), people(*[3] * 12), unit="B")}
    s = with_sum_rows(plain(true))
    leaks = audit(s, survey._publish_blocks, K)
    assert any(leak.what == "cell ('2019', 'A', 'leder', 'Q1')" and leak.people == 2 for leak in leaks), leaks
    assert survey.shape_problems(frame(s.file_counts()), s.units)


def test_auditor_finds_the_late_answer_leak():
    # A round published, then re-imported with one late answer in the medarbeider group: before minus after.
    cell = ("2019", "A", "medarbeider", "Q1")
    late = ("2019", "A", "medarbeider (sent svar)", "Q1")
    true = {**office(people(*[5] * 6), people(*[4] * 9)), late: people(1)}
    before = Structure(UNITS, true, {t: [t] for t in true if t != late})
    after = Structure(UNITS, true, {**{t: [t] for t in true if t not in (late, cell)}, cell: [cell, late]})
    assert audit(before, survey.publish, K) == []  # each publication alone is safe ...
    assert audit(after, survey.publish, K) == []
    leaks = audit(before, survey.publish, K, extra=[(after, survey.publish, K)])  # ... both together are not
    assert [(leak.what, leak.people) for leak in leaks] == [(f"cell {late}", 1)]


def test_a_unit_added_to_a_closed_round_leaks_nothing():
    # The import lets a unit new to a closed round be added (one file per fylke). Before and after together:
    # B's 2 leaders and 4 tillitsvalgte are pooled (6); its 3 medarbeidere join the pool.
    true = {**office(people(*[5] * 6), people(*[4] * 9)), ("2019", "A", "tillitsvalgt", "Q1"): people(2, 3),
            **office(people(1, 1), people(3, 3, 3), unit="B"), ("2019", "B", "tillitsvalgt", "Q1"): people(5, 5, 5, 5)}
    after = plain(true)
    before = Structure(UNITS, true, {t: [t] for t in true if t[1] == "A"})
    assert audit(before, survey.publish, K, extra=[(after, survey.publish, K)]) == []
    # ... while adding a group to a unit already in the round (which the import refuses) would leak it: B's pool
    # grows from 6 to 9, and the difference is the 3 medarbeidere.
    late = Structure(UNITS, true, {t: [t] for t in true if t != ("2019", "B", "medarbeider", "Q1")})
    leaks = audit(late, survey.publish, K, extra=[(after, survey.publish, K)])
    assert [(leak.what, leak.people) for leak in leaks] == [("cell ('2019', 'B', 'medarbeider', 'Q1')", 3)]


def test_auditor_finds_the_leak_of_a_changed_threshold():
    # 6 leaders, 2 tillitsvalgte, 10 medarbeidere. At k=5 the 2 are left out; at k=7 they are pooled with the
    # leaders into the total. Total at 7 minus total at 5 = the 2 tillitsvalgte. Hence one threshold per survey.
    true = {**office(people(*[4] * 6), people(*[3] * 10)), ("2019", "A", "tillitsvalgt", "Q1"): people(1, 2)}
    s = plain(true)
    assert audit(s, survey.publish, 5) == [] and audit(s, survey.publish, 7) == []
    leaks = audit(s, survey.publish, 5, extra=[(s, survey.publish, 7)])
    assert [(leak.what, leak.people) for leak in leaks] == [("cell ('2019', 'A', 'tillitsvalgt', 'Q1')", 2)]


def test_auditor_finds_a_leak_in_a_publication_that_shows_a_small_cell():
    # The plainest leak: a figure under the threshold is shown (k = 1 lets through everything).
    s = plain(office(people(1, 2, 3), people(*[4] * 10)))

    def shows_everything(counts: pd.DataFrame, units: pd.DataFrame, k: int) -> pd.DataFrame:
        return survey._publish_blocks(counts, units, 1)

    assert [leak.people for leak in audit(s, shows_everything, K)] == [3]


# --- random structures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_accepted_shapes_never_leak(seed: int):
    s = random_structure(np.random.default_rng(seed))
    counts = frame(s.file_counts())
    assert survey.shape_problems(counts, s.units) == []  # the shape the import accepts
    assert audit(s, survey.publish, K) == []
    if seed % 3 == 0:
        assert audit(s, survey.publish, 7) == []  # a raised threshold is as safe


def test_random_structures_have_small_cells_to_protect():
    # The check above means something only if the structures hold small groups that would be worth stealing.
    small = sum(1 for seed in SEEDS for t, c in random_structure(np.random.default_rng(seed)).true.items()
                if 0 < c.sum() < K)
    assert small > 100


@pytest.mark.parametrize("exporter", [with_totals, with_sum_rows])
def test_refused_shapes_are_refused_and_would_leak(exporter):
    found = 0
    for seed in range(8):
        s = random_structure(np.random.default_rng(seed))
        if survey.NO_GROUP in {t[2] for t in s.true}:
            continue  # a round without groups has no total row to add
        leaky = exporter(s)
        counts = frame(leaky.file_counts())
        assert survey.shape_problems(counts, leaky.units), seed  # the import and the gate refuse the shape
        with pytest.raises(survey.SurveyShapeError):
            survey.publish(counts, leaky.units, K)
        found += bool(audit(leaky, survey._publish_blocks, K))  # what publishing it anyway would give away
    assert found >= 2


def test_the_pages_selection_shows_only_published_figures():
    # Everything the page draws (Selection.cells) is a row of the published table, with the same numbers.
    s = random_structure(np.random.default_rng(3))
    units = s.units.assign(employees=50)
    table = survey.publish(frame(s.file_counts()), units, K)
    rnd = sorted(table["round"].unique())[-1]
    unit = next(u for u in units["unit_id"] if u in set(table["unit_id"]) and units.set_index("unit_id").at[
        u, "type"] == "kontor")
    sel = survey.select(table, units, rnd, survey.chain(units, unit), K)
    keys = ["round", "unit_id", "grp", "question"]
    numbers = ["n", *survey.COUNT_COLUMNS, "agree"]
    merged = sel.cells.merge(table, on=keys, suffixes=("", "_published"))
    assert len(merged) == len(sel.cells) > 0
    for c in numbers:
        assert merged[c].equals(merged[f"{c}_published"].rename(c)), c
