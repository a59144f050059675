"""The målekort as data: target judgement, signals, year to date, and what carries a target."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from navdash import scorecard, store
from navdash.aggregate import Combined
from navdash.periods import parse_period
from navdash.scorecard import Row, TargetView, judge_target


def _row(ytd: Combined, ytd_last: Combined, measure="prosent", aggregation="forholdstall") -> Row:
    return Row("B.15", "Test", None, "bruker", "effekt", "styringsparameter", measure, "hoy_er_bra", aggregation,
               None, None, "M", "desember 2021", Combined(None), Combined(None), ytd, ytd_last)


def _target(kind, threshold=None, ref=None) -> TargetView:
    return TargetView(kind, threshold, ref, "direktorat", True, "tekst", "0000", "Norge")


def share(p: float, n: int) -> Combined:
    return Combined(100 * p, p * n, n, 12, "lastet", 1)


def test_increase_with_large_base_is_met():
    status = judge_target(_row(share(0.62, 20_000), share(0.60, 20_000)), _target("oke_fra_fjoraret", ref=2021),
                          None, None)
    assert status.status == "oppfylt"
    assert "+2,0\u00a0pp" in status.reason


def test_same_change_with_small_base_is_within_normal_variation():
    # 62 % of 50 vs 60 % of 50: the standard error of the difference is about 9,7 pp, so +2 pp says nothing
    status = judge_target(_row(share(0.62, 50), share(0.60, 50)), _target("oke_fra_fjoraret", ref=2021), None, None)
    assert status.status == "normal_variasjon"
    assert status.text == "Innenfor normal variasjon"
    assert "kan ikke kalles oppfylt eller ikke oppfylt" in status.reason


def test_decrease_beyond_noise_is_not_met():
    status = judge_target(_row(share(0.55, 20_000), share(0.60, 20_000)), _target("oke_fra_fjoraret", ref=2021),
                          None, None)
    assert status.status == "ikke_oppfylt"


def test_towards_reference_level_depends_on_which_side_the_reference_is():
    row = _row(share(0.66, 20_000), share(0.60, 20_000))
    above = judge_target(row, _target("retning_mot_niva", ref=2019), share(0.70, 20_000), None)
    below = judge_target(row, _target("retning_mot_niva", ref=2019), share(0.50, 20_000), None)
    assert above.status == "oppfylt"  # moved from 60 towards 70
    assert below.status == "ikke_oppfylt"  # moved away from 50
    assert "2019-nivået (70,0\u00a0%)" in above.reason


def test_numeric_limits_are_judged_on_the_year_to_date_value():
    row = _row(share(0.058, 1000), share(0.05, 1000))
    assert judge_target(row, _target("hoyst", 6.1), None, None).status == "oppfylt"
    assert judge_target(row, _target("minst", 6.1), None, None).status == "ikke_oppfylt"
    assert judge_target(row, _target("minst", 5.0), None, None).text == "Oppfylt hittil i år"


def test_missing_last_year_cannot_be_judged():
    status = judge_target(_row(share(0.6, 100), Combined(None)), _target("oke_fra_fjoraret"), None, None)
    assert status.status == "ukjent"


def test_counts_without_bases_use_the_monthly_variation():
    counts = Combined(110, periods=12, source="lastet", units=1)
    last = Combined(100, periods=12, source="lastet", units=1)
    noisy = pd.Series([60, 140] * 12, dtype="float64")  # huge month-to-month swings
    steady = pd.Series([100, 101] * 12, dtype="float64")
    row = _row(counts, last, measure="antall", aggregation="snitt_per_periode")
    assert judge_target(row, _target("oke_fra_fjoraret"), None, noisy).status == "normal_variasjon"
    assert judge_target(row, _target("oke_fra_fjoraret"), None, steady).status == "oppfylt"


def test_norge_card_matches_reference_and_is_loaded(demo_db: Path):
    card = scorecard.load("0000", "2021-12", demo_db)
    b15 = next(r for r in card.steering if r.indicator_id == "B.15")
    assert (round(b15.ytd.value), round(b15.ytd_last.value), round(b15.this_period.value),
            round(b15.last_period.value)) == (82, 65, 77, 60)
    b31 = next(r for r in card.steering if r.indicator_id == "B.31")
    assert round(b31.ytd.value) == 2104 and round(b31.this_period.value) == 2319
    assert card.loaded_for_unit and not card.computed_from_offices
    assert b15.targets[0].text == "Skal bevege seg i retning 2019-nivået"
    assert b15.targets[0].set_by_text == "Direktoratet"


def test_fylke_card_is_computed_from_offices(demo_db: Path):
    card = scorecard.load("1100", "2021-12", demo_db)
    assert card.computed_from_offices
    b15 = next(r for r in card.steering if r.indicator_id == "B.15")
    with store.reading(demo_db) as con:
        num, den = con.execute(
            """SELECT sum(numerator), sum(denominator) FROM "values" v JOIN units u USING (unit_id)
               WHERE u.parent_id = '1100' AND indicator_id = 'B.15' AND period = '2021-12'""").fetchone()
    assert b15.this_period.value == pytest.approx(100 * num / den)
    assert b15.data_source == "beregnet"


def test_key_information_never_carries_targets_or_signals(demo_db: Path):
    card = scorecard.load("0312", "2021-12", demo_db)
    assert card.key_information, "the demo has quality key information"
    assert all(not r.targets and r.signal is None and r.status is None for r in card.key_information)
    assert all(r.role == "styringsparameter" for r in card.steering)


def test_office_target_comes_before_direktorat_and_both_are_judged(demo_db: Path):
    card = scorecard.load("0312", "2021-12", demo_db)
    sf = next(r for r in card.steering if r.indicator_id == "M.SF")
    assert [t.set_by for t in sf.targets][0] == "kontor"
    assert "direktorat" in [t.set_by for t in sf.targets]
    assert len(sf.statuses) == len(sf.targets)


def test_another_fylkes_target_does_not_apply(demo_db: Path):
    with store.reading(demo_db) as con:
        fylke_targets = con.execute(
            "SELECT indicator_id, unit_id, year FROM targets WHERE set_by = 'fylke' ORDER BY ALL").fetchall()
    assert fylke_targets
    indicator, fylke, year = fylke_targets[0]
    other_office = "1103" if fylke == "0300" else "0312"
    own_office = "0312" if fylke == "0300" else "1103"
    for office, expected in ((own_office, True), (other_office, False)):
        card = scorecard.load(office, f"{year}-12", demo_db)
        row = next(r for r in card.steering if r.indicator_id == indicator)
        assert any(t.scope_unit == fylke for t in row.targets) is expected


def test_planted_shift_is_a_special_cause_improvement(demo_db: Path):
    card = scorecard.load("0312", "2021-12", demo_db)
    b47 = next(r for r in card.steering if r.indicator_id == "B.47")
    assert b47.signal.variation == "special_cause_improvement"
    assert "Regelen som slo til" in b47.signal.reason


def test_too_few_points_says_so_instead_of_guessing(demo_db: Path):
    card = scorecard.load("0312", "2019-06", demo_db)  # the series starts in January 2019
    b15 = next(r for r in card.steering if r.indicator_id == "B.15")
    assert b15.signal.too_few_points and b15.signal.variation is None
    assert b15.signal.variation_text == "For få datapunkter"
    assert "Bare 6 månedspunkter" in b15.signal.reason


def test_tertial_key_information_is_shown_as_a_tertial(demo_db: Path):
    card = scorecard.load("0312", "2021-06", demo_db)
    tertial = [r for r in card.key_information if r.kind == "T"]
    assert tertial and all(r.period_label == "2021 T1" for r in tertial)


def test_detail_has_bases_chart_data_and_parents(demo_db: Path):
    detail = scorecard.indicator_detail("0312", "B.47", parse_period("2021-12"), demo_db)
    points = detail["points"]
    assert len(points) == 24 and points["period"].iloc[-1] == "2021-12"
    assert (points["numerator"] <= points["denominator"]).all()
    assert [c["unit_id"] for c in detail["context"]] == ["0300", "0000"]
    assert detail["spc"].variation_type == "special_cause_improvement"


def test_unknown_unit_gives_none(demo_db: Path):
    assert scorecard.load("9999", "2021-12", demo_db) is None
