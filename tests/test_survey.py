"""Disclosure control of employee surveys (navdash/survey.py), with the attacks it has to withstand.

Every attack test says in a comment what an attacker would compute from the published table (everything any view
of the page can show, over all units and groups) and asserts that it does not give the hidden group's answers.
"""

from __future__ import annotations

import pandas as pd
import pytest

from navdash import survey
from navdash.survey import ALL, COUNT_COLUMNS

K = 5

UNITS = pd.DataFrame([
    # unit_id, name, type, parent_id, employees
    ("0000", "Norge", "land", None, 500),
    ("F1", "Fylke 1", "fylke", "0000", 100),
    ("O1", "Kontor 1", "kontor", "F1", 20),
    ("O2", "Kontor 2", "kontor", "F1", 20),
    ("O3", "Kontor 3", "kontor", "F1", 4),
    ("S1", "Styringsenhet", "styringsenhet", "0000", 30),
], columns=["unit_id", "name", "type", "parent_id", "employees"])

# Each list is the answers of the people in one group: one number per person (1-5).
PEOPLE: dict[tuple[str, str, str, str], list[int]] = {
    # (round, unit, group, question)
    ("2017", "O1", "medarbeider", "Q1"): [4, 4, 5, 3, 2, 4, 5, 5, 1, 4],
    ("2017", "O1", "leder", "Q1"): [1, 1, 2],  # 3 people: hidden
    ("2017", "O2", "medarbeider", "Q1"): [3, 3, 4, 4, 5, 2, 4, 4],
    ("2017", "O2", "leder", "Q1"): [5, 5, 4, 4, 3, 5],
    ("2017", "O3", "medarbeider", "Q1"): [1, 2],  # the small office: hidden as a whole
    ("2017", "S1", "medarbeider", "Q1"): [4, 4, 4, 3, 3, 5, 5, 2, 2, 4, 4, 1],
    ("2017", "S1", "leder", "Q1"): [5, 1],  # 2 + 3 small groups: a pool of 5
    ("2017", "S1", "tillitsvalgt", "Q1"): [2, 2, 3],
    # Q2: one of O2's six leaders skipped the question, so the leaders are hidden for Q2 only.
    ("2017", "O1", "medarbeider", "Q2"): [4, 4, 4, 4, 4, 3, 3, 3, 2, 1],
    ("2017", "O2", "medarbeider", "Q2"): [5, 5, 5, 5, 4, 4, 4, 4],
    ("2017", "O2", "leder", "Q2"): [1, 1, 1, 2],
    ("2019", "O1", "medarbeider", "Q1"): [4, 4, 5, 5, 5, 3, 3, 1, 2],
    ("2019", "O1", "leder", "Q1"): [4, 4, 5, 5, 5, 3],  # shown in 2019, hidden in 2017
    ("2019", "O2", "medarbeider", "Q1"): [3, 3, 3, 4, 4, 5, 5, 5],
    ("2019", "O2", "leder", "Q1"): [1, 1, 1, 1],  # hidden in 2019, shown in 2017
    ("2019", "S1", "medarbeider", "Q1"): [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
}
THEMES = {"Q1": "Tema A", "Q2": "Tema B"}


def counts_of(people: dict[tuple[str, str, str, str], list[int]]) -> pd.DataFrame:
    rows = []
    for (rnd, unit, grp, question), answers in people.items():
        for a in survey.SCALE:
            rows.append((rnd, unit, grp, question, THEMES[question], a, answers.count(int(a))))
    return pd.DataFrame(rows, columns=["round", "unit_id", "grp", "question", "theme", "answer", "count"])


def true_counts(*keys: tuple[str, str, str, str]) -> tuple[int, ...]:
    people = [a for key in keys for a in PEOPLE[key]]
    return tuple(people.count(int(a)) for a in survey.SCALE)


@pytest.fixture
def table() -> pd.DataFrame:
    return survey.publish(counts_of(PEOPLE), UNITS, K)


def cell(table: pd.DataFrame, rnd: str, unit: str, grp: str, question: str = "Q1") -> pd.Series:
    rows = table[(table["round"] == rnd) & (table["unit_id"] == unit) & (table["grp"] == grp)
                 & (table["question"] == question)]
    assert len(rows) == 1, (rnd, unit, grp, question)
    return rows.iloc[0]


def vector(row: pd.Series) -> tuple[int, ...]:
    """What the attacker reads off a cell: the answer counts, zero where the cell is hidden."""
    return tuple(0 if pd.isna(row[c]) else int(row[c]) for c in COUNT_COLUMNS)


def minus(a: tuple[int, ...], *others: tuple[int, ...]) -> tuple[int, ...]:
    out = list(a)
    for o in others:
        out = [x - y for x, y in zip(out, o, strict=True)]
    return tuple(out)


def safe_residual(residual: tuple[int, ...]) -> bool:
    """A difference of published figures may describe nobody, or at least K people; never 1 to K-1."""
    return sum(residual) == 0 or sum(residual) >= K


# --- the threshold --------------------------------------------------------------------------------------------


def test_threshold_can_be_raised_but_never_lowered_below_5(monkeypatch):
    assert survey.check_threshold(5) == 5 and survey.check_threshold(10) == 10
    for bad in (4, 0, -1, 4.9, "5", True):
        with pytest.raises(ValueError):
            survey.check_threshold(bad)
    with pytest.raises(ValueError):
        survey.publish(counts_of(PEOPLE), UNITS, 4)
    monkeypatch.setenv(survey.THRESHOLD_ENV, "4")
    with pytest.raises(ValueError):
        survey.threshold()
    monkeypatch.setenv(survey.THRESHOLD_ENV, "7")
    assert survey.threshold() == 7
    monkeypatch.delenv(survey.THRESHOLD_ENV)
    assert survey.threshold() == 5


def test_a_raised_threshold_hides_more_and_says_so():
    table = survey.publish(counts_of(PEOPLE), UNITS, 7)
    row = cell(table, "2017", "O2", "leder")  # 6 people: shown at 5, hidden at 7
    assert not row["shown"] and pd.isna(row["n"]) and row["reason"] == "færre enn 7 svar"
    assert (table.loc[table["shown"], "n"] >= 7).all()


# --- what is shown and what is hidden -------------------------------------------------------------------------


def test_no_shown_figure_has_fewer_than_5_and_hidden_ones_carry_no_numbers_only_the_reason(table):
    shown, hidden = table[table["shown"]], table[~table["shown"]]
    assert not shown.empty and not hidden.empty
    assert (shown["n"] >= K).all()
    numbers = ["n", *COUNT_COLUMNS, *survey.SHARE_COLUMNS, "agree"]
    assert hidden[numbers].isna().all().all()
    assert (hidden["reason"] == "færre enn 5 svar").all()
    assert shown["reason"].isna().all()


def test_shown_figures_are_right(table):
    row = cell(table, "2017", "O2", "leder")
    assert row["n"] == 6 and vector(row) == true_counts(("2017", "O2", "leder", "Q1"))
    assert row["agree"] == pytest.approx(5 / 6 * 100)  # 4 and 5 count as agreeing
    assert row["p5"] == pytest.approx(3 / 6 * 100)


def test_zero_and_a_few_respondents_look_the_same(table):
    # O1 has no tillitsvalgt at all and three leaders; an attacker must not tell "nobody" from "a few".
    nobody, few = cell(table, "2017", "O1", "tillitsvalgt"), cell(table, "2017", "O1", "leder")
    assert nobody.drop(["grp"]).equals(few.drop(["grp"]))


def test_small_unit_is_hidden_everywhere(table):
    o3 = table[table["unit_id"] == "O3"]
    assert not o3.empty and not o3["shown"].any()


def test_free_text_answers_are_neither_shown_nor_silently_dropped():
    # The import refuses them; counts that got into a database some other way make the gate publish nothing, and
    # its message does not repeat the text.
    people = counts_of(PEOPLE)
    free = pd.DataFrame([("2017", "O1", "medarbeider", "Q1", "Tema A", "Lederen min, Per, hører ikke etter", 1),
                         ("2017", "O1", "medarbeider", "Fritekst: råd", "Råd", "Mer kvalitet – mindre kvantitet", 9)],
                        columns=people.columns)
    with pytest.raises(survey.SurveyShapeError) as refused:
        survey.publish(pd.concat([people, free]), UNITS, K)
    text = str(refused.value)
    assert "skalaen 1–5" in text and "gjelder" not in text
    assert "Per" not in text and "Mer kvalitet" not in text and "Fritekst" not in text


# --- attacks --------------------------------------------------------------------------------------------------


def test_attack_parent_minus_children(table):
    # Attacker: fylke F1 (all groups) minus the shown offices O1 and O2 = the small office O3's answers.
    f1 = vector(cell(table, "2017", "F1", ALL))
    residual = minus(f1, vector(cell(table, "2017", "O1", ALL)), vector(cell(table, "2017", "O2", ALL)))
    assert residual != true_counts(("2017", "O3", "medarbeider", "Q1"))
    assert safe_residual(residual)


def test_attack_unit_minus_group(table):
    # Attacker: office O1 (all groups) minus O1's medarbeidere = O1's three leaders.
    residual = minus(vector(cell(table, "2017", "O1", ALL)), vector(cell(table, "2017", "O1", "medarbeider")))
    assert residual != true_counts(("2017", "O1", "leder", "Q1"))
    assert safe_residual(residual)


def test_attack_group_across_the_unit_tree(table):
    # Attacker: the leaders of fylke F1 minus the leaders of O2 (shown) = O1's three leaders.
    residual = minus(vector(cell(table, "2017", "F1", "leder")), vector(cell(table, "2017", "O2", "leder")))
    assert residual != true_counts(("2017", "O1", "leder", "Q1"))
    assert safe_residual(residual)
    # Attacker: Norge's leaders minus F1's leaders = S1's two leaders.
    residual = minus(vector(cell(table, "2017", "0000", "leder")), vector(cell(table, "2017", "F1", "leder")))
    assert residual != true_counts(("2017", "S1", "leder", "Q1"))
    assert safe_residual(residual)


def test_attack_on_a_pool_of_small_groups(table):
    # S1 has 2 leaders and 3 tillitsvalgte. Attacker: S1 (all) minus S1's medarbeidere = leaders + tillitsvalgte.
    # That is a group of 5 (allowed); neither the 2 leaders nor the 3 tillitsvalgte can be told apart.
    residual = minus(vector(cell(table, "2017", "S1", ALL)), vector(cell(table, "2017", "S1", "medarbeider")))
    assert residual == true_counts(("2017", "S1", "leder", "Q1"), ("2017", "S1", "tillitsvalgt", "Q1"))
    assert sum(residual) >= K
    # Attacker: Norge's tillitsvalgte (or leaders) minus every shown unit's = S1's small group.
    for grp in ("leder", "tillitsvalgt"):
        assert not cell(table, "2017", "S1", grp)["shown"]
        residual = minus(vector(cell(table, "2017", "0000", grp)), vector(cell(table, "2017", "F1", grp)))
        assert residual != true_counts(("2017", "S1", grp, "Q1")) and safe_residual(residual)


def test_attack_filter_combinations_question_by_group(table):
    # O2's leaders are 6 on Q1 but 4 on Q2. Attacker: O2 (all, Q2) minus O2's medarbeidere (Q2) = 4 leaders' Q2;
    # or F1's leaders on Q2 minus O1's = the same 4.
    assert not cell(table, "2017", "O2", "leder", "Q2")["shown"]
    hidden = true_counts(("2017", "O2", "leder", "Q2"))
    r1 = minus(vector(cell(table, "2017", "O2", ALL, "Q2")), vector(cell(table, "2017", "O2", "medarbeider", "Q2")))
    r2 = minus(vector(cell(table, "2017", "F1", "leder", "Q2")), vector(cell(table, "2017", "O1", "leder", "Q2")))
    assert hidden not in (r1, r2) and safe_residual(r1) and safe_residual(r2)


def test_attack_round_minus_round(table):
    # Attacker: 2019's share minus the shown change = 2017's share of O1's three leaders (hidden in 2017),
    # and 2017's share plus the change = 2019's share of O2's four leaders (hidden in 2019).
    sel = survey.select(table, UNITS, "2019", ["O1", "O2", "F1", "0000"], K)
    cells = sel.cells.set_index(["unit_id", "grp", "question"])
    for unit in ("O1", "O2"):
        row = cells.loc[(unit, "leder", "Q1")]
        assert pd.isna(row["change"]) and pd.isna(row["prev_agree"])
        assert row["change_reason"].startswith("færre enn 5 svar i")
    assert cells.loc[("O1", "leder", "Q1"), "change_reason"] == "færre enn 5 svar i 2017"
    assert cells.loc[("O2", "leder", "Q1"), "change_reason"] == "færre enn 5 svar i 2019"
    # Where both rounds are shown, the change is shown, in percentage points.
    o1 = cells.loc[("O1", "medarbeider", "Q1")]
    assert o1["change"] == pytest.approx(o1["agree"] - 70.0)  # 7 of 10 agreed in 2017
    # Each figure is one round: nothing in the table adds rounds up for a round-minus-round subtraction.
    assert set(table["round"]) == {"2017", "2019"}


def test_every_subtraction_in_the_whole_table_leaves_nobody_or_at_least_5(table):
    assert_no_small_residuals(table, UNITS)


def test_hidden_answers_do_not_change_anything_published(table):
    # The strongest form: whatever the hidden groups answered, the published table is the same, so no combination
    # of published numbers can depend on their answers.
    changed = dict(PEOPLE)
    changed[("2017", "O1", "leder", "Q1")] = [5, 5, 5]
    changed[("2017", "O3", "medarbeider", "Q1")] = [5, 4]
    changed[("2019", "O2", "leder", "Q1")] = [5, 5, 5, 5]
    changed[("2017", "O2", "leder", "Q2")] = [4, 4, 4, 5]
    # Within S1's pool, swap answers between the leaders and tillitsvalgte (the pool's total stays the same).
    changed[("2017", "S1", "leder", "Q1")] = [2, 2]
    changed[("2017", "S1", "tillitsvalgt", "Q1")] = [5, 1, 3]
    pd.testing.assert_frame_equal(survey.publish(counts_of(changed), UNITS, K), table)
    # And the check can fail: changing a shown group changes the table.
    changed[("2017", "O2", "leder", "Q1")] = [1, 1, 1, 1, 1, 1]
    assert not survey.publish(counts_of(changed), UNITS, K).equals(table)


# --- the page's selection -------------------------------------------------------------------------------------


def test_chain_is_unit_fylke_norge_in_tree_order():
    assert survey.chain(UNITS, "O2") == ["O2", "F1", "0000"]
    assert survey.chain(UNITS, "F1") == ["F1", "0000"]
    assert survey.chain(UNITS, "S1") == ["S1", "0000"]
    assert survey.chain(UNITS, "0000") == ["0000"]


def test_response_rate_uses_shown_respondents_and_hides_with_them(table):
    sel = survey.select(table, UNITS, "2017", ["O1", "O3", "S1"], K)
    rates = sel.response.set_index("unit_id")
    assert rates.at["O1", "respondents"] == 10 and rates.at["O1", "rate"] == pytest.approx(50.0)
    assert pd.isna(rates.at["O3", "respondents"]) and pd.isna(rates.at["O3", "rate"])
    assert rates.at["O3", "reason"] == "færre enn 5 svar"
    assert rates.at["S1", "respondents"] == 17  # 12 medarbeidere + the pool of 5


def test_selection_has_groups_only_when_the_survey_has_them(table):
    assert survey.select(table, UNITS, "2017", ["O1"], K).groups == [ALL, "leder", "medarbeider", "tillitsvalgt"]
    one = {k: v for k, v in PEOPLE.items() if k[2] == "medarbeider"}
    flat = survey.publish(counts_of(one), UNITS, K)
    assert survey.select(flat, UNITS, "2017", ["O1"], K).groups == [ALL]


def test_first_round_has_no_change(table):
    sel = survey.select(table, UNITS, "2017", ["O1"], K)
    assert sel.previous is None and sel.cells["change"].isna().all()
    assert (sel.cells["change_reason"] == "ingen tidligere runde").all()


# --- the demo data through the store --------------------------------------------------------------------------


def test_demo_survey_disclosure_holds_everywhere(demo_db):
    [name] = survey.surveys(demo_db)
    assert survey.rounds(demo_db, name) == ["2017", "2019"]
    table = survey.published(demo_db, name)
    units = survey.unit_table(demo_db)
    assert (table.loc[table["shown"], "n"] >= K).all()
    assert not table["shown"].all()  # the demo has small groups on purpose
    themes = set(table["theme"])
    assert {"Kjennskap til mål og sammenheng", "Læringsmuligheter", "Medvirkning", "Egenkontroll",
            "Kompetanseutvikling"} <= themes
    assert_no_small_residuals(table, units)


def test_demo_small_office_is_hidden(demo_db):
    table = survey.published(demo_db, survey.surveys(demo_db)[0])
    sokndal = table[(table["unit_id"] == "1111") & (table["round"] == "2017")]  # 1 leder and 1 medarbeider
    assert not sokndal.empty and not sokndal["shown"].any()


def assert_no_small_residuals(table: pd.DataFrame, units: pd.DataFrame) -> None:
    """Parent minus all its children (per group), and every unit minus all its groups: each difference of shown
    figures describes nobody or at least K people. Hidden children count as zero: that is all an attacker has."""
    children = units.groupby("parent_id")["unit_id"].apply(list).to_dict()
    by = table.set_index(["round", "question", "unit_id", "grp"])
    groups = [g for g in table["grp"].unique() if g != ALL]
    checked = 0
    for (rnd, question, unit, grp), row in by.iterrows():
        if not row["shown"]:
            continue
        kids = [c for c in children.get(unit, []) if (rnd, question, c, grp) in by.index]
        if kids:
            residual = minus(vector(row), *(vector(by.loc[(rnd, question, c, grp)]) for c in kids))
            assert safe_residual(residual), (rnd, question, unit, grp, residual)
            checked += 1
        if grp == ALL:
            residual = minus(vector(row), *(vector(by.loc[(rnd, question, unit, g)]) for g in groups))
            assert safe_residual(residual), (rnd, question, unit, "grupper", residual)
            checked += 1
    assert checked > 0
