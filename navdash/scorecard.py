"""The målekort as data: values this period and year to date against last year, targets in the letter's own words,
whether a target is met so far this year, and a Making Data Count signal with the rule behind it.

Honesty rules built in here, not in the page:
* targets only on styringsparametere (the role in the catalogue decides; key information never carries one);
* a directional target is judged year to date against the same months last year, and a difference that chance
  could explain is called "innenfor normal variasjon", not met or missed. Chance is measured by the series' own
  month-to-month variation (`ytd_noise`), not by a binomial on the months' denominators summed;
* a numeric target ("under 6,1 %", "minst 20 %") follows the letter's wording (under/over exclude the threshold,
  høyst/minst include it) and gets the same band around the threshold;
* "i retning av 2019-nivået": a unit not yet at the level must move towards it; a unit already past it in the good
  direction meets the target as long as it is not clearly worse than the level (`judge_target`);
* assurance names the numeric target it is about and compares it with a year's average of the last 12 months,
  not with single months' limits (`assurance_for`);
* a figure computed from fewer offices than were active carries a note and neither signal nor verdict;
* a signal needs at least 12 monthly points; with fewer the card says so instead of guessing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from navdash import aggregate, disclosure, signals, spc, store
from navdash.aggregate import Combined, MonthCoverage
from navdash.periods import Period, parse_period

SPC_WINDOW = signals.WINDOW  # months shown and used for limits (three years; see signals.WINDOW)
# Years loaded before the month shown: the window reaches into the third year back, the autocorrelation is estimated
# from the months before the window (signals.AUTOCORR_HISTORY), and a seasonal profile needs two full years.
HISTORY_YEARS = math.ceil((signals.WINDOW + signals.AUTOCORR_HISTORY) / 12)
Z_NORMAL = 1.96  # a difference within 1,96 standard errors is not told apart from chance (95 %)

VARIATION_TEXT = {
    "common_cause": "Vanlig variasjon",
    "special_cause_improvement": "Særskilt variasjon – forbedring",
    "special_cause_concern": "Særskilt variasjon – bekymring",
    "special_cause_neither": "Særskilt variasjon",
}
ASSURANCE_TEXT = {
    "consistent_pass": "Når målet stabilt",
    "consistent_fail": "Når ikke målet uten endring",
    "inconsistent": "Kan både nå og bomme på målet",
}
RULE_TEXT = {
    "outside_limits": "et punkt utenfor kontrollgrensene",
    "trend": "7 punkter på rad som stiger eller synker",
    "two_in_three": "2 av 3 punkter nær en kontrollgrense på samme side",
    "shift": "7 punkter på rad på samme side av gjennomsnittet",
    "residual_shift": f"{signals.RESIDUAL_RUN} måneder på rad over (eller under) det måneden før tilsier",
    "exact_shift": ("så mange måneder på rad over (eller under) gjennomsnittet at sjansen for det er like liten som "
                    "for 7 på rad i et vanlig diagram"),
}
IMPROVEMENT = {"hoy_er_bra": "increase", "lav_er_bra": "decrease", "noytral": "neutral"}
SET_BY_TEXT = {"direktorat": "Direktoratet", "fylke": "Fylket", "kontor": "Kontoret", "partnerskap": "Partnerskapet"}
PERSPECTIVE_ORDER = ("bruker", "produksjon", "medarbeider", "okonomi")

# One indicator's rows as column name -> values (plain lists, or a DataFrame's columns), and the columns of
# aggregate.unit_series the card reads per indicator, and per month.
Columns = Mapping[str, Sequence[Any]]
CARD_COLUMNS = ("period", "period_kind", "year", "period_no", "numerator", "denominator", "value", "source", "n_units")
MONTHLY_COLUMNS = ("period", "year", "period_no", "numerator", "denominator", "value")


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    type: str
    parent_id: str | None
    ancestors: tuple[tuple[str, str], ...]  # (id, name) from the parent up to Norge
    # Units merged into this one, at any remove: (id, name, last day). Their rows count in this unit's history.
    predecessors: tuple[tuple[str, str, date | None], ...] = ()


@dataclass(frozen=True)
class TargetView:
    kind: str
    threshold: float | None
    reference_year: int | None
    set_by: str
    absolute: bool
    text: str
    scope_unit: str
    scope_name: str

    @property
    def set_by_text(self) -> str:
        return SET_BY_TEXT.get(self.set_by, self.set_by)

    @property
    def text_short(self) -> str:
        """The requirement without its explanation in brackets, for a badge: «Høyst 6,1 %»."""
        return self.text.split(" (")[0]

    @property
    def obligation(self) -> str:
        return "Absolutt krav" if self.absolute else "Anbefaling"


@dataclass(frozen=True)
class TargetStatus:
    status: str  # "oppfylt", "ikke_oppfylt", "normal_variasjon", "ukjent"
    text: str
    reason: str


@dataclass(frozen=True)
class Signal:
    variation: str | None
    variation_text: str
    assurance: str | None
    assurance_text: str | None
    rules: tuple[str, ...]
    reason: str  # the tooltip: which rule fired, or why there is no signal
    too_few_points: bool
    assurance_reason: str | None = None  # which target the assurance is about, and the limits it was compared with
    incomplete: bool = False  # computed from fewer offices than were active: no signal
    chart: str = "xmr"  # spc.ChartKind of the last segment
    seasonal: bool = False  # the chart is of seasonally adjusted values
    change_points: tuple[str, ...] = ()  # "2021-04: reason" for recorded change points inside the window
    too_little_data: bool = False  # counts too small for any signal ("For lite grunnlag for et signal")


@dataclass
class Row:
    indicator_id: str
    name: str
    description: str | None
    perspective: str
    chain_step: str
    role: str
    measure: str
    polarity: str
    aggregation: str
    source_text: str | None
    link: str | None
    kind: str  # period kind the indicator is reported in: M, T or Y
    period_label: str
    this_period: Combined
    last_period: Combined
    ytd: Combined
    ytd_last: Combined
    targets: list[TargetView] = field(default_factory=list)
    statuses: list[TargetStatus] = field(default_factory=list)  # one per target, same order
    signal: Signal | None = None
    data_source: str | None = None  # "lastet" / "beregnet" / "blandet"
    coverage_note: str | None = None  # «beregnet fra 1 av 15 kontorer» when this period's figure is incomplete
    level_mean: bool = False  # a level without numerator/denominator, computed as the offices' unweighted mean

    @property
    def status(self) -> TargetStatus | None:
        """The status against the most local target (an office's own before the fylke's and the direktorat's)."""
        return self.statuses[0] if self.statuses else None

    @property
    def change_period(self) -> float | None:
        return _diff(self.this_period.value, self.last_period.value)

    @property
    def change_ytd(self) -> float | None:
        return _diff(self.ytd.value, self.ytd_last.value)


@dataclass
class Scorecard:
    unit: Unit
    period: Period
    steering: list[Row]
    key_information: list[Row]
    context: list[Row]
    computed_from_offices: bool
    loaded_for_unit: bool
    coverage: MonthCoverage | None = None  # how many of the unit's offices have delivered the month


def _diff(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return a - b


# ---------------------------------------------------------------------------------------------------------
# Data access
# ---------------------------------------------------------------------------------------------------------


def unit_info(con: duckdb.DuckDBPyConnection, unit_id: str) -> Unit | None:
    row = con.execute("SELECT unit_id, name, type, parent_id FROM units WHERE unit_id = ?", [unit_id]).fetchone()
    if row is None:
        return None
    ancestors = []
    parent = row[3]
    while parent is not None and len(ancestors) < 10:
        p = con.execute("SELECT unit_id, name, parent_id FROM units WHERE unit_id = ?", [parent]).fetchone()
        if p is None:
            break
        ancestors.append((p[0], p[1]))
        parent = p[2]
    predecessors: list[tuple[str, str, date | None]] = []
    successors = [row[0]]
    while successors and len(predecessors) < 1000:
        found = con.execute("SELECT unit_id, name, valid_to FROM units WHERE list_contains(?, replaced_by) "
                            "ORDER BY unit_id", [successors]).fetchall()
        found = [f for f in found if f[0] not in {p[0] for p in predecessors} and f[0] != row[0]]
        predecessors += [(f[0], f[1], f[2]) for f in found]
        successors = [f[0] for f in found]
    return Unit(row[0], row[1], row[2], row[3], tuple(ancestors), tuple(predecessors))


def catalogue(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """SELECT indicator_id, name, description, perspective, chain_step, role, measure, polarity, aggregation,
                  source, link FROM indicators ORDER BY indicator_id"""
    ).df()


def targets_for(con: duckdb.DuckDBPyConnection, unit: Unit, year: int) -> dict[str, list[TargetView]]:
    """Targets that apply to the unit in a year: those set for the unit itself or for any unit above it,
    most local first (an office's own target, then the fylke's, then the direktorat's)."""
    scope = [unit.unit_id] + [a for a, _ in unit.ancestors]
    rows = con.execute(
        """SELECT t.indicator_id, t.kind, t.threshold, t.reference_year, t.set_by, t.absolute, t.text, t.unit_id,
                  u.name, list_position(?, t.unit_id) AS depth
           FROM targets t JOIN units u USING (unit_id) JOIN indicators i USING (indicator_id)
           WHERE t.year = ? AND list_contains(?, t.unit_id) AND i.role = 'styringsparameter'
           ORDER BY t.indicator_id, depth""",
        [scope, year, scope],
    ).fetchall()
    out: dict[str, list[TargetView]] = {}
    for ind, kind, thr, ref, set_by, absolute, text, scope_unit, scope_name, _depth in rows:
        view = TargetView(kind, thr, ref, set_by, bool(absolute), text or default_wording(kind, thr, ref, year),
                          scope_unit, scope_name)
        out.setdefault(ind, []).append(view)
    return out


BOUND_WORDS = {"minst": "Minst", "hoyst": "Høyst", "over": "Over", "under": "Under"}


def default_wording(kind: str, threshold: float | None, reference_year: int | None, year: int) -> str:
    from navdash import fmt

    if kind in BOUND_WORDS:
        return f"{BOUND_WORDS[kind]} {fmt.number(threshold, 1)} %"
    if kind == "oke_fra_fjoraret":
        return f"Skal øke sammenlignet med {reference_year or year - 1}"
    if kind == "retning_mot_niva":
        return f"Skal bevege seg i retning {reference_year}-nivået"
    return "Skal reduseres"


def latest_complete_month(con: duckdb.DuckDBPyConnection, unit_id: str) -> Period | None:
    """The latest month that is complete for the unit: every office under it that was active then has reported
    (or figures were loaded for the unit itself). A single office's early file does not move anyone's default."""
    key = aggregate.latest_complete_month(con, unit_id)
    return parse_period(key) if key else None


# ---------------------------------------------------------------------------------------------------------
# Judgement
# ---------------------------------------------------------------------------------------------------------


NUMERIC_KINDS = ("minst", "hoyst", "over", "under")
# The letter's wording decides whether the threshold itself passes: "minst"/"høyst" include it, "over"/"under" do not.
NUMERIC_RULE = {"minst": (1, False, "minst"), "hoyst": (-1, False, "høyst"),
                "over": (1, True, "over"), "under": (-1, True, "under")}
MIN_SIGMA_POINTS = 12  # months of history needed before the month-to-month variation is trusted as a noise estimate


@dataclass(frozen=True)
class Noise:
    """The standard error of a year-to-date value, and how it was estimated (said in the tooltip)."""

    level: float  # standard error of one year-to-date value (k periods)
    difference: float  # standard error of this year's value minus last year's (k periods each)
    basis: str


def ytd_noise(row: Row, monthly: pd.Series | None, periods: int) -> Noise | None:
    """How much a year-to-date value of `periods` periods varies by chance, from the series' own variation.

    Monthly series: the XmR sigma of the months in the window (mean moving range / 1,128), which is the series'
    own month-to-month variation and so includes everything that makes months differ, not only sampling noise.
    The mean of k months then has standard error sigma / sqrt(k), and the difference of two such means
    sigma * sqrt(2 / k). A binomial standard error with the months' denominators summed would treat the same young
    users counted every month (stock measures) and person-days of one colleague's absence as independent trials,
    and claim up to sqrt(12) times too much precision.
    Tertial and yearly shares (too few points for a moving range): a binomial standard error on the base of ONE
    period (the mean denominator), since the same people may be counted in every period.
    """
    k = max(periods, 1)
    if monthly is not None:
        points = [float(v) for v in monthly.dropna()]
        if len(points) >= MIN_SIGMA_POINTS:
            sigma = spc.compute_limits(points).sigma
            if sigma is not None:
                return Noise(sigma / math.sqrt(k), sigma * math.sqrt(2 / k),
                             f"månedsvariasjonen de siste {len(points)} månedene (XmR)")
    now = row.ytd
    if row.aggregation == "forholdstall" and now.denominator and now.value is not None:
        scale = 100.0 if row.measure == "prosent" else 1.0
        p = now.value / scale
        n = now.denominator / max(now.periods, 1)
        if 0 <= p <= 1 and n > 0:
            se = math.sqrt(p * (1 - p) / n) * scale
            return Noise(se, se * math.sqrt(2), "binomisk variasjon med grunnlaget i én periode")
    return None


def _noise_text(width: float, measure: str, change: bool) -> str:
    from navdash import fmt

    text = fmt.measure_change(width, measure) if change else fmt.measure_value(width, measure)
    return text.lstrip("+")


def judge_target(row: Row, target: TargetView, reference: Combined | None, monthly: pd.Series | None) -> TargetStatus:
    """Is the target met so far this year? A difference that chance could explain is "innenfor normal variasjon"."""
    from navdash import fmt

    now, before = row.ytd, row.ytd_last
    if any(disclosure.is_withheld(c) for c in (now, before, reference)):
        return TargetStatus("ukjent", "Kan ikke vises", disclosure.WITHHELD_REASON)
    if now.value is None:
        return TargetStatus("ukjent", "Ingen tall ennå", "Det finnes ingen resultater hittil i år.")
    noise = ytd_noise(row, monthly, now.periods)
    noise_note = (f" Tilfeldig variasjon er anslått fra {noise.basis}." if noise is not None
                  else " Det er for få tall til å anslå tilfeldig variasjon, så vurderingen er uten feilmargin.")
    if target.kind in NUMERIC_KINDS and target.threshold is not None:
        return _judge_threshold(row, now.value, target.threshold, target.kind, noise, noise_note,
                                f"kravet er {NUMERIC_RULE[target.kind][2]} "
                                f"{fmt.measure_value(target.threshold, row.measure)}")
    if before.value is None:
        return TargetStatus("ukjent", "Kan ikke vurderes", "Det mangler tall for samme periode i fjor.")
    change = now.value - before.value
    change_text = fmt.change_between(now.value, before.value, row.measure)
    basis = (f"Hittil i år {fmt.measure_value(now.value, row.measure)} mot "
             f"{fmt.measure_value(before.value, row.measure)} samme periode i fjor ({change_text})")
    if target.kind == "retning_mot_niva":
        if reference is None or reference.value is None:
            return TargetStatus("ukjent", "Kan ikke vurderes", f"Det mangler tall for {target.reference_year}.")
        level = f"{target.reference_year}-nivået ({fmt.measure_value(reference.value, row.measure)})"
        good = {"hoy_er_bra": 1, "lav_er_bra": -1}.get(row.polarity, 0)
        if good and (before.value - reference.value) * good >= 0:
            # Already at or past the reference level in the good direction: moving "towards" it would mean getting
            # worse, so the target is read as "stay at least at the level".
            rule = (f" Regel: enheten var allerede forbi {level} i god retning i fjor, så kravet er oppfylt når "
                    f"resultatet hittil i år ikke er tydelig dårligere enn {target.reference_year}-nivået.")
            status = _judge_threshold(row, now.value, reference.value, "minst" if good > 0 else "hoyst", noise,
                                      noise_note, f"nivået i {target.reference_year} er "
                                      f"{fmt.measure_value(reference.value, row.measure)}")
            return TargetStatus(status.status, status.text, basis + "." + rule + " " + status.reason)
        wanted = 1 if reference.value > before.value else -1
        goal = (f"målet er å bevege seg mot {level}. Regel: forskjellen fra i fjor må gå i retning "
                f"{target.reference_year}-nivået og være større enn tilfeldig variasjon; en enhet som alt er forbi "
                "nivået i god retning, skal holde seg der")
    elif target.kind == "skal_reduseres":
        wanted, goal = -1, "målet er lavere enn i fjor"
    else:  # oke_fra_fjoraret
        wanted, goal = 1, "målet er høyere enn i fjor"
    basis += f"; {goal}."
    if noise is not None and abs(change) < Z_NORMAL * noise.difference:
        return TargetStatus(
            "normal_variasjon", "Innenfor normal variasjon",
            basis + f" Forskjellen er mindre enn det tilfeldig variasjon kan gi "
            f"(±{_noise_text(Z_NORMAL * noise.difference, row.measure, True)}), så den kan ikke kalles oppfylt "
            "eller ikke oppfylt." + noise_note,
        )
    ok = change * wanted > 0
    return TargetStatus("oppfylt" if ok else "ikke_oppfylt",
                        "Oppfylt hittil i år" if ok else "Ikke oppfylt hittil i år", basis + noise_note)


def _judge_threshold(row: Row, value: float, threshold: float, kind: str, noise: Noise | None, noise_note: str,
                     requirement: str) -> TargetStatus:
    """A numeric requirement: strict ("under", "over") or not ("høyst", "minst") as worded, with a band of
    1,96 standard errors of the year-to-date value around the threshold inside which neither verdict is given."""
    from navdash import fmt

    sign, strict, _word = NUMERIC_RULE[kind]
    margin = (value - threshold) * sign
    reason = f"Hittil i år {fmt.measure_value(value, row.measure)}; {requirement}."
    if noise is not None and abs(value - threshold) < Z_NORMAL * noise.level:
        return TargetStatus(
            "normal_variasjon", "Innenfor normal variasjon",
            reason + f" Avstanden til kravet er mindre enn det tilfeldig variasjon kan gi "
            f"(±{_noise_text(Z_NORMAL * noise.level, row.measure, True)}), så det kan ikke kalles oppfylt eller "
            "ikke oppfylt." + noise_note,
        )
    ok = margin > 0 or (margin == 0 and not strict)
    return TargetStatus("oppfylt" if ok else "ikke_oppfylt",
                        "Oppfylt hittil i år" if ok else "Ikke oppfylt hittil i år", reason + noise_note)


def assurance_for(target: TargetView, mean: float | None, sigma: float | None, polarity: str,
                  measure: str, months: int = 12) -> tuple[str, str] | None:
    """Will the process meet an annual numeric target? (assurance type, the reason in words)

    Like with like: the letters' numeric targets are for the year's average ("i gjennomsnitt for året"), so the
    target is compared with what a year's average of the current process can be, not with the limits of single
    months, which swing with the season and make almost every target "hit and miss". `mean` is the average of the
    last 12 months (every calendar month once, so no season tilts it, unlike a spring year-to-date); the next
    year's average then lies within mean +/- 3 sigma * sqrt(2 / 12): the spread of a 12-month average plus the
    uncertainty of the mean itself. Pass the mean and sigma of a seasonally adjusted series when there is one.
    """
    from navdash import fmt

    if target.kind not in NUMERIC_KINDS or target.threshold is None or mean is None or sigma is None:
        return None
    good = {"hoy_er_bra": 1, "lav_er_bra": -1}.get(polarity, 0)
    if not good:
        return None
    half = 3 * sigma * math.sqrt(2 / months)
    low, high = mean - half, mean + half
    limits = (f"et årssnitt av prosessen slik den er nå, ligger mellom {fmt.measure_value(low, measure)} og "
              f"{fmt.measure_value(high, measure)} (snittet de siste {months} månedene, "
              f"{fmt.measure_value(mean, measure)}, ± 3 sigma · √(2/{months}))")
    named = f"Målsikkerhet mot «{target.text}» ({target.set_by_text.lower()}): {limits}"
    beyond_good = target.threshold < low if good > 0 else target.threshold > high
    beyond_bad = target.threshold > high if good > 0 else target.threshold < low
    side = "under" if target.threshold < low else "over"
    if beyond_good:
        return "consistent_pass", f"{named}; kravet ligger {side}, så det nås uten endring."
    if beyond_bad:
        return "consistent_fail", f"{named}; kravet ligger {side}, så det nås ikke uten en endring."
    return "inconsistent", f"{named}; kravet ligger innenfor, så året kan både nå og bomme på det."


def signal_for(row: Row, analysis: signals.SeriesAnalysis, target: TargetView | None = None) -> Signal:
    """The card's signal for a series analysed by :func:`signals.analyse_series`, with the reason in words. The
    assurance compares an annual numeric target with what a year's average of the process can be
    (:func:`assurance_for`), on the charted values: seasonally adjusted where the season was adjusted."""
    from navdash import fmt

    result = analysis.result
    since = _since_change_text(analysis)
    if result.too_little_data:
        return Signal(None, "For lite grunnlag for et signal", None, None, (),
                      f"For få hendelser til at kontrollgrensene sier noe (under "
                      f"{fmt.number(spc.MIN_EXPECTED_COUNT)} forventet per måned{since}): enten har hendelsen ikke "
                      f"skjedd i perioden, eller ingen måned kan bli så høy eller lav at det ikke kan være "
                      f"tilfeldig. {analysis.chart_text}.", False,
                      chart=result.chart, too_little_data=True)
    if result.too_few_points:
        return Signal(None, "For få datapunkter", None, None, (),
                      f"Bare {result.n_points} månedspunkter{since}; minst {spc.MIN_POINTS} trengs for å skille "
                      "særskilt fra vanlig variasjon.", True, chart=result.chart)
    last = next(p for p in reversed(result.points) if p.value is not None)
    variation = result.variation_type or "common_cause"
    if last.rules:
        reason = "Regelen som slo til: " + "; ".join(RULE_TEXT[r] for r in last.rules) + "."
    else:
        reason = "Ingen av reglene slo til for siste punkt: variasjonen er innenfor det vanlige."
    reason += f" Basert på {result.n_points} måneder{since} ({analysis.chart_text})."
    if analysis.season.applied:
        reason += " " + analysis.season.text
    assurance = assurance_reason = assurance_text = None
    recent = [v for v in analysis.charted if v is not None][-12:]
    # A month's standard deviation: a third of the 3-sigma limit's distance, or for exact limits (few events,
    # whole counts) the distribution's own.
    month_sd = (result.sigma if result.chart in spc.EXACT_CHARTS
                else (last.upl - last.mean) / 3 if last.upl is not None and last.mean is not None else None)
    if target is not None and len(recent) == 12 and month_sd is not None:
        judged = assurance_for(target, math.fsum(recent) / 12, month_sd, row.polarity, row.measure)
        if judged is not None:
            assurance, assurance_reason = judged
            assurance_text = f"{ASSURANCE_TEXT[assurance]} ({target.text_short})"
            reason += " " + assurance_reason
    return Signal(variation, VARIATION_TEXT[variation], assurance, assurance_text, tuple(last.rules), reason, False,
                  assurance_reason, chart=result.chart, seasonal=analysis.season.applied,
                  change_points=tuple(f"{c.period}: {c.reason}" for _, c in analysis.change_points))


def incomplete_signal(reason: str) -> Signal:
    """No signal for a figure computed from fewer offices than were active: the chart would show a drop that is
    only missing offices."""
    return Signal(None, "Ufullstendige tall", None, None, (), reason, False, incomplete=True)


def _since_change_text(analysis: signals.SeriesAnalysis) -> str:
    if not analysis.change_points:
        return ""
    _, cp = analysis.change_points[-1]
    return f" siden endringspunktet {parse_period(cp.period).label()} ({cp.reason})"


def series_analysis(rows: pd.DataFrame | Columns, end: Period, ind: pd.Series | tuple, target: float | None,
                    change_points: list[signals.ChangePoint] | None = None,
                    season: str = "auto") -> signals.SeriesAnalysis:
    """Analyse an indicator's monthly rows (with history before the window) up to `end` for the card's signal."""
    monthly = _monthly_rows(rows)
    months = [Period(int(y), "M", int(n)) for y, n in zip(monthly["year"], monthly["period_no"], strict=True)]
    if ind.aggregation == "forholdstall":
        shown = [aggregate.ratio_value(n, d, ind.measure)
                 for n, d in zip(monthly["numerator"], monthly["denominator"], strict=True)]
        sizes = [None if pd.isna(d) else float(d) for d in monthly["denominator"]]
    else:
        shown = [None if pd.isna(v) else float(v) for v in monthly["value"]]
        sizes = None
    return signals.analyse_series(
        months, shown, sizes, end, measure=ind.measure, aggregation=ind.aggregation,
        improvement=IMPROVEMENT.get(ind.polarity, "neutral"), target=target,  # type: ignore[arg-type]
        season=season or "auto", change_points=change_points or (),
    )


# ---------------------------------------------------------------------------------------------------------
# Building the card
# ---------------------------------------------------------------------------------------------------------


def _per_indicator(series: pd.DataFrame) -> dict[str, dict[str, list[Any]]]:
    """Each indicator's rows (in the order of `series`) as columns of plain Python values. The card looks at every
    indicator's rows several times; a filtered DataFrame per look cost more than the card's statistics."""
    columns = {c: series[c].tolist() for c in CARD_COLUMNS}
    positions: dict[str, list[int]] = {}
    for i, indicator in enumerate(series["indicator_id"].tolist()):
        positions.setdefault(indicator, []).append(i)
    out = {}
    for indicator, at in positions.items():
        if at[-1] - at[0] + 1 == len(at):  # one run of rows (unit_series orders by indicator): a slice each
            out[indicator] = {c: values[at[0]:at[-1] + 1] for c, values in columns.items()}
        else:
            out[indicator] = {c: [values[i] for i in at] for c, values in columns.items()}
    return out


def _of_kind(rows: dict[str, list[Any]], kind: str) -> dict[str, list[Any]]:
    keep = [k == kind for k in rows["period_kind"]]
    return {c: list(itertools.compress(values, keep)) for c, values in rows.items()}


def _kind_for(rows: pd.DataFrame | Columns) -> str:
    kinds = set(rows["period_kind"])
    for k in ("M", "T", "Y"):
        if k in kinds:
            return k
    return "M"


def _period_of_kind(period: Period, kind: str) -> Period | None:
    """The latest complete period of `kind` that ends no later than `period`."""
    if kind == "M":
        return period
    if kind == "T":
        t = period.last_month // 4
        if t >= 1:
            return Period(period.year, "T", t)
        return Period(period.year - 1, "T", 3)
    return Period(period.year, "Y", 1) if period.last_month == 12 else Period(period.year - 1, "Y", 1)


def _monthly_rows(rows: pd.DataFrame | Columns) -> Columns:
    """The monthly rows of `rows` (a DataFrame or columns of plain lists), as columns of plain lists."""
    keep = [k == "M" for k in rows["period_kind"]]
    return {c: list(itertools.compress(rows[c], keep)) for c in MONTHLY_COLUMNS}


def _float(x: object) -> float:
    """A float64 value as pandas holds it: missing (None, NaN, NA) is NaN."""
    return math.nan if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def monthly_series(rows: pd.DataFrame | Columns, end: Period, aggregation: str, measure: str,
                   window: int = SPC_WINDOW) -> pd.Series:
    """The indicator's monthly values for the `window` months up to `end`, index = period key."""
    keys = [end.shift(-i).key for i in range(window - 1, -1, -1)]
    monthly = _monthly_rows(rows)
    if aggregation == "forholdstall":
        shown = []
        for n, d in zip(monthly["numerator"], monthly["denominator"], strict=True):
            n, d = _float(n), _float(d)
            value = n / d if d != 0 and not math.isnan(d) else math.nan
            shown.append(value * 100 if measure == "prosent" else value)
    else:
        shown = [_float(v) for v in monthly["value"]]
    by_key = dict(zip(monthly["period"], shown, strict=True))
    values = [by_key.get(k, math.nan) for k in keys]
    # Leading months before the series began are not gaps.
    first = next((i for i, v in enumerate(values) if not math.isnan(v)), len(keys))
    return pd.Series(values[first:], index=pd.Index(keys[first:], dtype=object), dtype="float64")


def build(con: duckdb.DuckDBPyConnection, unit_id: str, period: Period,
          mask: disclosure.Mask | None = None,
          deliveries: aggregate.MonthDeliveries | None = None) -> Scorecard | None:
    """The målekort as the viewer whose `mask` it is may see it (None: in clear, for a stored snapshot).
    `deliveries`: the shared deliveries table read under the same cut-off, if at hand (else read here)."""
    unit = unit_info(con, unit_id)
    if unit is None:
        return None
    cat = catalogue(con)
    ref_years = con.execute("SELECT min(reference_year) FROM targets WHERE year = ?", [period.year]).fetchone()[0]
    first_year = min(period.year - HISTORY_YEARS, int(ref_years) if ref_years else period.year - 2)
    series = aggregate.unit_series(con, unit_id, first_year=first_year, last_year=period.year)
    series = disclosure.withhold_rows(series, mask, unit_id)  # hidden months stay out of the signal, too
    targets = targets_for(con, unit, period.year)
    change_points = signals.load_change_points(con, unit_id)
    seasons = signals.season_settings(con)
    steering, key_info, context = [], [], []
    per_indicator = _per_indicator(series)
    gaps = incomplete_periods(series)  # coverage is per period: the same for every indicator
    for ind in cat.itertuples(index=False):
        all_rows = per_indicator.get(ind.indicator_id)
        if all_rows is None:
            continue
        kind = _kind_for(all_rows)
        rows = _of_kind(all_rows, kind)
        # The few periods the card combines, looked up by key; a PeriodValue only for those.
        at = {key: i for i, key in enumerate(rows["period"])}
        numbers = [rows[c] for c in aggregate.PERIOD_VALUE_COLUMNS]
        this = _period_of_kind(period, kind)
        if this is None:
            continue
        ytd_periods = aggregate.year_to_date_periods(period if kind != "Y" else this, kind)
        if kind == "T" and not ytd_periods:
            ytd_periods = [this]

        def combine(ps: list[Period], at: dict = at, numbers: list = numbers, ind: tuple = ind) -> Combined:
            found = [aggregate.period_value(*[column[i] for column in numbers])
                     for i in (at.get(p.key) for p in ps) if i is not None]
            return disclosure.gate(mask, unit_id, ind.indicator_id, ps,
                                   aggregate.combine_values(found, ind.aggregation, ind.measure))

        row = Row(
            ind.indicator_id, ind.name, ind.description, ind.perspective, ind.chain_step, ind.role, ind.measure,
            ind.polarity, ind.aggregation, ind.source, ind.link, kind, this.label(),
            combine([this]), combine([this.same_period_last_year()]),
            combine(ytd_periods), combine(aggregate.same_periods_last_year(ytd_periods)),
        )
        sources = set(rows["source"])
        row.level_mean = bool(ind.aggregation != "forholdstall" and ind.measure in aggregate.LEVEL_MEASURES
                              and "beregnet" in sources)
        row.data_source = sources.pop() if len(sources) == 1 else "blandet"
        row.coverage_note = gaps.get(this.key)
        if ind.role == "styringsparameter":
            monthly = monthly_series(rows, period, ind.aggregation, ind.measure) if kind == "M" else None
            row.targets = targets.get(ind.indicator_id, [])
            ytd_gaps = [p for p in ytd_periods + aggregate.same_periods_last_year(ytd_periods) if p.key in gaps]
            for t in row.targets:
                reference = None
                ref_periods: list[Period] = []
                if t.kind == "retning_mot_niva" and t.reference_year:
                    ref_periods = [Period(t.reference_year, p.kind, p.number) for p in ytd_periods]
                    reference = combine(ref_periods)
                missing = ytd_gaps + [p for p in ref_periods if p.key in gaps]
                if missing:
                    row.statuses.append(TargetStatus(
                        "ukjent", "Ikke vurdert: ufullstendige tall",
                        "Ingen vurdering mot målet fordi tallene er beregnet fra færre kontorer enn det var: "
                        + "; ".join(f"{p.label()} {gaps[p.key]}" for p in missing) + "."))
                else:
                    row.statuses.append(judge_target(row, t, reference, monthly))
            if monthly is not None:
                window_gaps = [k for k in monthly.index if k in gaps]
                if disclosure.is_withheld(row.this_period):
                    # The month has figures this viewer may not see: no signal, and not "no figures" either.
                    row.signal = Signal(None, "Kan ikke vises", None, None, (),
                                        f"Det er ikke noe signal fordi tallet for {period.label()} ikke kan vises. "
                                        + disclosure.WITHHELD_REASON, False)
                elif row.this_period.value is None:
                    # The chart would end in an earlier month; its signal is not this month's.
                    row.signal = Signal(None, "Ingen tall denne måneden", None, None, (),
                                        f"Det finnes ingen tall for {period.label()}, så det er ikke noe signal.",
                                        False)
                elif window_gaps:
                    row.signal = incomplete_signal(
                        "Ingen signal fordi tallene er beregnet fra færre kontorer enn det var: "
                        + "; ".join(f"{parse_period(k).label()} {gaps[k]}" for k in window_gaps) + ".")
                else:
                    numeric = next((t for t in row.targets if t.kind in NUMERIC_KINDS and t.threshold is not None),
                                   None)
                    analysis = series_analysis(rows, period, ind, None, change_points.get(ind.indicator_id),
                                               seasons.get(ind.indicator_id, "auto"))
                    row.signal = signal_for(row, analysis, numeric)
            steering.append(row)
        elif ind.role == "nokkelinformasjon":
            key_info.append(row)
        else:
            context.append(row)
    order = {p: i for i, p in enumerate(PERSPECTIVE_ORDER)}
    for rows_ in (steering, key_info, context):
        rows_.sort(key=lambda r: (order.get(r.perspective, 9), _id_sort(r.indicator_id)))
    own = con.execute('SELECT count(*) FROM "values" WHERE unit_id = ? AND year = ?', [unit_id, period.year]).fetchone()
    has_children = con.execute("SELECT count(*) FROM units WHERE parent_id = ?", [unit_id]).fetchone()[0] > 0
    loaded = bool(own and own[0])
    coverage = next(iter(aggregate.month_coverage(deliveries or con, unit_id, period.key)), None)
    return Scorecard(unit, period, steering, key_info, context,
                     computed_from_offices=has_children and not loaded, loaded_for_unit=loaded, coverage=coverage)


def incomplete_periods(rows: pd.DataFrame) -> dict[str, str]:
    """Periods whose computed value is missing offices that were active then, as period -> «beregnet fra 1 av 15
    kontorer». Such a figure is shown with that note and carries no signal and no target verdict."""
    part = rows[(rows["source"] == "beregnet") & (rows["offices_reported"] < rows["offices_expected"])]
    return {p: f"beregnet fra {int(r)} av {int(e)} kontorer"
            for p, r, e in zip(part["period"], part["offices_reported"], part["offices_expected"], strict=True)}


def _id_sort(indicator_id: str) -> tuple[str, int, str]:
    prefix, _, rest = indicator_id.partition(".")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix, int(digits) if digits and rest.isdigit() else 10_000, rest)


def load(unit_id: str, period: Period | str, db: Path | None = None,
         mask: disclosure.Mask | None = None,
         deliveries: aggregate.MonthDeliveries | None = None) -> Scorecard | None:
    """The målekort for a unit and period, from the newest published data, as the mask's viewer may see it."""
    if isinstance(period, str):
        period = parse_period(period)
    with store.reading(db) as con:
        return build(con, unit_id, period, mask, deliveries)


@dataclass(frozen=True)
class ContextFigure:
    """The same indicator for a unit above, for comparison in the detail view."""

    unit_id: str
    name: str
    period: Combined  # the period shown (of the unit's own kind: month, tertial, year)
    ytd: Combined
    period_label: str
    coverage: str | None  # how many offices delivered, when the period is incomplete


@dataclass(frozen=True, eq=False)
class IndicatorDetail:
    """Everything the detail view of one indicator needs (`indicator_detail`)."""

    indicator: dict[str, Any]  # the catalogue entry: name, description, measure, aggregation, link, ...
    unit: Unit
    kind: str  # the period kind of the series shown: "M" (months), "T" (tertials) or "Y" (years)
    points: pd.DataFrame  # one row per period of the window: period, shown, adjusted, numerator, withheld, ...
    spc: spc.SpcResult | None
    analysis: signals.SeriesAnalysis | None
    context: tuple[ContextFigure, ...]
    targets: list[TargetView]
    target_line: float | None


def indicator_detail(unit_id: str, indicator_id: str, period: Period, db: Path | None = None,
                     window: int = SPC_WINDOW, mask: disclosure.Mask | None = None) -> IndicatorDetail | None:
    """Everything the detail view needs: the monthly points with their bases, the SPC result, the catalogue
    entry, and the same indicator for the units above for context."""
    with store.reading(db) as con:
        unit = unit_info(con, unit_id)
        cat = catalogue(con)
        info = cat[cat["indicator_id"] == indicator_id]
        if unit is None or info.empty:
            return None
        ind = info.iloc[0]
        rows = aggregate.unit_series(con, unit_id, [indicator_id], first_year=period.year - HISTORY_YEARS,
                                     last_year=period.year)
        rows = disclosure.withhold_rows(rows, mask, unit_id)
        change_points = signals.load_change_points(con, unit_id, [indicator_id]).get(indicator_id, [])
        season = signals.season_settings(con).get(indicator_id, "auto")
        context = []
        for anc_id, anc_name in unit.ancestors:
            anc_rows = aggregate.unit_series(con, anc_id, [indicator_id], first_year=period.year,
                                             last_year=period.year)
            kind = _kind_for(anc_rows) if not anc_rows.empty else "M"
            this = _period_of_kind(period, kind)
            anc_rows = anc_rows[anc_rows["period_kind"] == kind]
            ytd_periods = aggregate.year_to_date_periods(period, kind)
            value = disclosure.gate(mask, anc_id, indicator_id, [this], aggregate.combine(
                aggregate.select_periods(anc_rows, [this]), ind.aggregation, ind.measure))
            ytd = disclosure.gate(mask, anc_id, indicator_id, ytd_periods, aggregate.combine(
                aggregate.select_periods(anc_rows, ytd_periods), ind.aggregation, ind.measure))
            context.append(ContextFigure(anc_id, anc_name, value, ytd, this.label() if this else "",
                                         incomplete_periods(anc_rows).get(this.key) if this else None))
        targets = targets_for(con, unit, period.year).get(indicator_id, [])
    kind = _kind_for(rows) if not rows.empty else "M"
    rows = rows[rows["period_kind"] == kind]
    end = _period_of_kind(period, kind)
    # Compare (year, number) as a pair: year is stored as SMALLINT, and year * 100 in 16 bits wraps around.
    year, number = rows["year"].astype("int64"), rows["period_no"].astype("int64")
    points = rows[(year < end.year) | ((year == end.year) & (number <= end.number))].tail(window).copy()
    if ind["aggregation"] == "forholdstall":
        points["shown"] = [aggregate.ratio_value(n, d, ind["measure"])
                           for n, d in zip(points["numerator"], points["denominator"], strict=True)]
    else:
        points["shown"] = points["value"]
    numeric = next((t.threshold for t in targets if t.kind in NUMERIC_KINDS and t.threshold is not None), None)
    result = analysis = None
    if kind == "M":
        analysis = series_analysis(rows, end, ind, numeric if ind["role"] == "styringsparameter" else None,
                                   change_points, season)
        result = analysis.result
        # One row per month of the analysed window (gaps included), so points and SPC results line up.
        points = rows.set_index("period").reindex([p.key for p in analysis.periods]).rename_axis("period")
        points = points.reset_index()
        points["shown"] = list(analysis.raw)
        points["adjusted"] = list(analysis.charted)
        if "withheld" in points:  # a month missing from the data is a gap, not a hidden figure
            points["withheld"] = points["withheld"].astype("boolean").fillna(False).astype(bool)
    return IndicatorDetail(indicator=ind.to_dict(), unit=unit, kind=kind, points=points.reset_index(drop=True),
                           spc=result, analysis=analysis, context=tuple(context), targets=targets,
                           target_line=numeric)
