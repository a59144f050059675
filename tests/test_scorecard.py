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


def share(p: float, n: int, periods: int = 1) -> Combined:
    """A share over `periods` periods with base n; without a monthly series the noise is binomial on ONE period's
    base (n / periods), since the same people may be counted in every period."""
    return Combined(100 * p, p * n, n, periods, "lastet", 1)


def test_increase_with_large_base_is_met():  # one period: binomial noise on its base
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
    # already past 50 % in the good direction: rising further is right, not "moving away from the level"
    assert below.status == "oppfylt" and "allerede forbi" in below.reason
    assert "2019-nivået (70,0\u00a0%)" in above.reason


def test_numeric_limits_are_judged_on_the_year_to_date_value():
    row = _row(share(0.058, 100_000), share(0.05, 100_000))
    assert judge_target(row, _target("hoyst", 6.1), None, None).status == "oppfylt"
    assert judge_target(row, _target("minst", 6.1), None, None).status == "ikke_oppfylt"
    assert judge_target(row, _target("minst", 5.0), None, None).text == "Oppfylt hittil i år"


def test_numeric_limits_get_a_band_too():
    # 5,8 % of 1 000: standard error sqrt(.058 * .942 / 1000) = 0,74 pp, so 0,3 pp under 6,1 % is not told apart
    row = _row(share(0.058, 1000), share(0.05, 1000))
    status = judge_target(row, _target("hoyst", 6.1), None, None)
    assert status.status == "normal_variasjon"
    assert "±1,4\u00a0pp" in status.reason  # 1,96 * 0,739 = 1,449


def test_strict_and_non_strict_wording_decide_at_the_threshold():
    # a plain value without base or monthly series has no noise estimate, so only the wording decides
    exactly = _row(Combined(6.1, periods=1), Combined(5.0, periods=1), aggregation="snitt_per_periode")
    assert judge_target(exactly, _target("hoyst", 6.1), None, None).status == "oppfylt"  # høyst 6,1: 6,1 passes
    assert judge_target(exactly, _target("under", 6.1), None, None).status == "ikke_oppfylt"  # under 6,1: fails
    assert judge_target(exactly, _target("minst", 6.1), None, None).status == "oppfylt"
    assert judge_target(exactly, _target("over", 6.1), None, None).status == "ikke_oppfylt"
    assert scorecard.default_wording("under", 6.1, None, 2022) == "Under 6,1 %"


def test_a_unit_already_past_the_reference_level_must_stay_past_it():
    target = _target("retning_mot_niva", ref=2019)
    reference = share(0.70, 20_000)
    # last year 75 %, already better than 2019's 70 %: rising further is not "moving away from the target"
    further = judge_target(_row(share(0.78, 20_000), share(0.75, 20_000)), target, reference, None)
    assert further.status == "oppfylt"
    assert "Regel: enheten var allerede forbi 2019-nivået" in further.reason
    slipping = judge_target(_row(share(0.72, 20_000), share(0.75, 20_000)), target, reference, None)
    assert slipping.status == "oppfylt"  # still at least at the 2019 level
    fallen = judge_target(_row(share(0.65, 20_000), share(0.75, 20_000)), target, reference, None)
    assert fallen.status == "ikke_oppfylt"  # clearly below the 2019 level again
    near = judge_target(_row(share(0.695, 2_000), share(0.75, 2_000)), target, reference, None)
    assert near.status == "normal_variasjon"  # 0,5 pp under 70 % with a 1,0 pp standard error
    # not yet at the level: the change from last year must point towards it
    towards = judge_target(_row(share(0.66, 20_000), share(0.60, 20_000)), target, reference, None)
    assert towards.status == "oppfylt" and "Regel: forskjellen fra i fjor må gå i retning 2019-nivået" in towards.reason


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
    points = detail.points
    assert len(points) == scorecard.SPC_WINDOW and points["period"].iloc[-1] == "2021-12"
    assert (points["numerator"] <= points["denominator"]).all()
    assert [c.unit_id for c in detail.context] == ["0300", "0000"]
    assert detail.spc.variation_type == "special_cause_improvement"


def test_unknown_unit_gives_none(demo_db: Path):
    assert scorecard.load("9999", "2021-12", demo_db) is None


def _demo_row(db: Path, unit: str, period: str, indicator: str) -> Row:
    card = scorecard.load(unit, period, db)
    return next(r for r in card.steering if r.indicator_id == indicator)


def test_frogner_sickness_absence_2022_is_within_its_own_month_to_month_variation(demo_db: Path):
    import numpy as np

    with store.reading(demo_db) as con:
        num, den = np.array(con.execute(
            """SELECT numerator, denominator FROM "values" WHERE unit_id = '0312' AND indicator_id = 'M.SF'
               AND period_kind = 'M' AND period BETWEEN ? AND '2022-12' ORDER BY period""",
            [parse_period("2022-12").shift(1 - scorecard.SPC_WINDOW).key]).fetchall()).T
    assert len(num) == scorecard.SPC_WINDOW
    # Independent computation: the XmR sigma of the window's monthly shares (moving ranges at or above 3,267 times
    # their mean screened out), and the standard error of a difference of two 12-month means.
    shares = 100 * num / den
    num, den = num[-24:], den[-24:]  # 2021 and 2022
    mr = np.abs(np.diff(shares))
    mr = mr[mr < 3.267 * mr.mean()]
    sigma = mr.mean() / 1.128
    half_width = 1.96 * sigma * np.sqrt(2 / 12)
    change = 100 * (num[12:].sum() / den[12:].sum() - num[:12].sum() / den[:12].sum())
    assert 0.5 < change < half_width  # the issue's +0,68 pp against ±0,94 pp
    row = _demo_row(demo_db, "0312", "2022-12", "M.SF")
    oslo = next(s for t, s in zip(row.targets, row.statuses, strict=True) if t.kind == "skal_reduseres")
    assert oslo.status == "normal_variasjon"
    from navdash import fmt

    assert f"±{fmt.pp(half_width).lstrip('+')}" in oslo.reason
    assert "månedsvariasjonen" in oslo.reason


def test_assurance_names_its_target_and_uses_the_yearly_average(demo_db: Path):
    row = _demo_row(demo_db, "0312", "2022-12", "M.SF")
    assert row.signal is not None and row.signal.assurance is not None
    assert "Høyst 5,5 %" in (row.signal.assurance_text or "")  # the office's own target, the most local one
    assert "«Høyst 5,5 % (NAV Frogners eget mål)»" in (row.signal.assurance_reason or "")
    # like with like: a target inside the monthly limits but outside a 12-month average's limits is not hit and miss
    target = TargetView("under", 6.1, None, "direktorat", False, "Under 6,1 %", "0000", "Norge")
    kind, reason = scorecard.assurance_for(target, 5.0, 0.6, "lav_er_bra", "prosent")
    assert kind == "consistent_pass"  # monthly limits 3,2-6,8 % contain 6,1; a year's average 4,3-5,7 % does not
    assert "«Under 6,1 %»" in reason
    assert scorecard.assurance_for(target, 6.0, 0.6, "lav_er_bra", "prosent")[0] == "inconsistent"
    assert scorecard.assurance_for(target, 7.0, 0.6, "lav_er_bra", "prosent")[0] == "consistent_fail"
    assert scorecard.assurance_for(target, 5.0, 0.6, "noytral", "prosent") is None


def test_detail_chart_ends_at_the_chosen_month_not_the_last_loaded(demo_db: Path):
    detail = scorecard.indicator_detail("0312", "B.15", parse_period("2022-03"), demo_db)
    points = list(detail.points["period"])
    assert points[-1] == "2022-03" and len(points) == scorecard.SPC_WINDOW
    assert points[0] == parse_period("2022-03").shift(1 - scorecard.SPC_WINDOW).key  # 2019-04 with 36 months
    # the badge and the chart agree: the chart's last point type is the card's signal for the same month
    row = _demo_row(demo_db, "0312", "2022-03", "B.15")
    assert detail.spc.variation_type == row.signal.variation


def test_a_fylke_figure_from_fewer_offices_says_so_and_is_not_judged(demo_db: Path):
    from datetime import date

    from navdash import ingest

    f = demo_db.parent / "jan.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,M.SF,2023-01,50,1000,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=demo_db, today=date(2026, 11, 24)).ok
    t = demo_db.parent / "krav.csv"
    t.write_text("indikator,enhet,aar,kravtype,terskel,referanseaar,fastsatt_av,absolutt,tekst\n"
                 "M.SF,0000,2023,under,6.1,,direktorat,nei,\n", encoding="utf-8")
    assert ingest.import_file("resultatkrav", t, db=demo_db, today=date(2026, 11, 24)).ok
    card = scorecard.load("0300", "2023-01", demo_db)
    row = next(r for r in card.steering if r.indicator_id == "M.SF")
    assert row.coverage_note == "beregnet fra 1 av 15 kontorer"
    assert row.signal is not None and row.signal.variation is None and row.signal.incomplete
    assert "januar 2023 beregnet fra 1 av 15 kontorer" in row.signal.reason
    assert row.statuses and all(s.status == "ukjent" for s in row.statuses)
    assert card.coverage is not None and not card.coverage.complete
    with store.reading(demo_db) as con:
        assert scorecard.latest_complete_month(con, "0300") == parse_period("2022-12")
    # the office itself has delivered, so its own card is judged as usual
    own = _demo_row(demo_db, "0312", "2023-01", "M.SF")
    assert own.coverage_note is None and own.signal is not None and not own.signal.incomplete


def test_merged_offices_count_in_the_reference_level(demo_db: Path):
    with store.reading(demo_db) as con:
        num, den = con.execute(
            """SELECT sum(numerator), sum(denominator) FROM "values" WHERE indicator_id = 'B.15'
               AND unit_id IN ('1103', '1141', '1142') AND period BETWEEN '2019-01' AND '2019-12'""").fetchone()
        alone = con.execute(
            """SELECT sum(numerator) / sum(denominator) FROM "values" WHERE indicator_id = 'B.15'
               AND unit_id = '1103' AND period BETWEEN '2019-01' AND '2019-12'""").fetchone()[0]
    row = _demo_row(demo_db, "1103", "2021-12", "B.15")
    status = next(s for t, s in zip(row.targets, row.statuses, strict=True) if t.kind == "retning_mot_niva")
    from navdash import fmt

    assert f"2019-nivået ({fmt.percent(100 * num / den)})" in status.reason
    assert fmt.percent(100 * num / den) != fmt.percent(100 * alone)
    card = scorecard.load("1103", "2021-12", demo_db)
    assert [p[1] for p in card.unit.predecessors] == ["NAV Finnøy", "NAV Rennesøy"]
