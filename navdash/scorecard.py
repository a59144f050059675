"""The målekort as data: values this period and year to date against last year, targets in the letter's own words,
whether a target is met so far this year, and a Making Data Count signal with the rule behind it.

Honesty rules built in here, not in the page:
* targets only on styringsparametere (the role in the catalogue decides; key information never carries one);
* a directional target is judged year to date against the same months last year, and a difference that chance
  could explain is called "innenfor normal variasjon", not met or missed;
* a signal needs at least 12 monthly points; with fewer the card says so instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from navdash import aggregate, disclosure, signals, spc, store
from navdash.aggregate import Combined
from navdash.periods import Period, parse_period

SPC_WINDOW = 24  # months shown and used for limits: two years is long enough for 12+ points, short enough to matter
SEASON_HISTORY_YEARS = 4  # years loaded before the month shown, so a seasonal profile has two or more full years
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
}
IMPROVEMENT = {"hoy_er_bra": "increase", "lav_er_bra": "decrease", "noytral": "neutral"}
SET_BY_TEXT = {"direktorat": "Direktoratet", "fylke": "Fylket", "kontor": "Kontoret", "partnerskap": "Partnerskapet"}
PERSPECTIVE_ORDER = ("bruker", "produksjon", "medarbeider", "okonomi")


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    type: str
    parent_id: str | None
    ancestors: tuple[tuple[str, str], ...]  # (id, name) from the parent up to Norge


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
    return Unit(row[0], row[1], row[2], row[3], tuple(ancestors))


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


def default_wording(kind: str, threshold: float | None, reference_year: int | None, year: int) -> str:
    from navdash import fmt

    if kind == "minst":
        return f"Minst {fmt.number(threshold, 1)} %"
    if kind == "hoyst":
        return f"Høyst {fmt.number(threshold, 1)} %"
    if kind == "oke_fra_fjoraret":
        return f"Skal øke sammenlignet med {reference_year or year - 1}"
    if kind == "retning_mot_niva":
        return f"Skal bevege seg i retning {reference_year}-nivået"
    return "Skal reduseres"


def latest_complete_month(con: duckdb.DuckDBPyConnection, unit_id: str | None = None) -> Period | None:
    """The latest month with results (for the unit's tree when given)."""
    row = con.execute(
        """SELECT max(CAST(year AS INTEGER) * 100 + period_no) FROM "values" WHERE period_kind = 'M'"""
    ).fetchone()
    if not row or row[0] is None:
        return None
    ym = int(row[0])
    return Period(ym // 100, "M", ym % 100)


# ---------------------------------------------------------------------------------------------------------
# Judgement
# ---------------------------------------------------------------------------------------------------------


def _standard_error(ind: Row | pd.Series, a: Combined, b: Combined, monthly: pd.Series | None) -> float | None:
    """Standard error of the difference a - b between two year-to-date values.

    Shares with bases: two independent binomial proportions. Otherwise: the XmR sigma of the monthly series,
    scaled to a difference of two means of k months each.
    """
    if ind.aggregation == "forholdstall" and a.denominator and b.denominator and a.value is not None \
            and b.value is not None:
        scale = 100.0 if ind.measure == "prosent" else 1.0
        p1, p2 = a.value / scale, b.value / scale
        if 0 <= p1 <= 1 and 0 <= p2 <= 1:
            var = p1 * (1 - p1) / a.denominator + p2 * (1 - p2) / b.denominator
            return math.sqrt(var) * scale
    if monthly is not None and len(monthly.dropna()) >= 2 and a.periods:
        limits = spc.compute_limits(list(monthly))
        if limits.sigma is not None:
            return limits.sigma * math.sqrt(2 / max(a.periods, 1))
    return None


def judge_target(row: Row, target: TargetView, reference: Combined | None, monthly: pd.Series | None) -> TargetStatus:
    """Is the target met so far this year?"""
    now, before = row.ytd, row.ytd_last
    if any(disclosure.is_withheld(c) for c in (now, before, reference)):
        return TargetStatus("ukjent", "Kan ikke vises", disclosure.WITHHELD_REASON)
    if now.value is None:
        return TargetStatus("ukjent", "Ingen tall ennå", "Det finnes ingen resultater hittil i år.")
    if target.kind in ("minst", "hoyst") and target.threshold is not None:
        ok = now.value >= target.threshold if target.kind == "minst" else now.value <= target.threshold
        word = "minst" if target.kind == "minst" else "høyst"
        from navdash import fmt

        reason = (f"Hittil i år {fmt.measure_value(now.value, row.measure)}; kravet er {word} "
                  f"{fmt.measure_value(target.threshold, row.measure)}.")
        return TargetStatus("oppfylt" if ok else "ikke_oppfylt",
                            "Oppfylt hittil i år" if ok else "Ikke oppfylt hittil i år", reason)
    if before.value is None:
        return TargetStatus("ukjent", "Kan ikke vurderes", "Det mangler tall for samme periode i fjor.")
    change = now.value - before.value
    se = _standard_error(row, now, before, monthly)
    from navdash import fmt

    change_text = fmt.measure_change(change, row.measure)
    if target.kind == "retning_mot_niva":
        if reference is None or reference.value is None:
            return TargetStatus("ukjent", "Kan ikke vurderes", f"Det mangler tall for {target.reference_year}.")
        wanted = 1 if reference.value > before.value else -1
        goal = f"{target.reference_year}-nivået ({fmt.measure_value(reference.value, row.measure)})"
    elif target.kind == "skal_reduseres":
        wanted = -1
        goal = "lavere enn i fjor"
    else:  # oke_fra_fjoraret
        wanted = 1
        goal = "høyere enn i fjor"
    basis = (f"Hittil i år {fmt.measure_value(now.value, row.measure)} mot "
             f"{fmt.measure_value(before.value, row.measure)} samme periode i fjor ({change_text}); målet er {goal}.")
    if se is not None and abs(change) < Z_NORMAL * se:
        noise = fmt.measure_change(Z_NORMAL * se, row.measure).lstrip("+")
        return TargetStatus(
            "normal_variasjon", "Innenfor normal variasjon",
            basis + f" Forskjellen er mindre enn det tilfeldig variasjon kan gi (±{noise}), så den kan ikke kalles"
            " oppfylt eller ikke oppfylt.",
        )
    ok = change * wanted > 0
    return TargetStatus("oppfylt" if ok else "ikke_oppfylt",
                        "Oppfylt hittil i år" if ok else "Ikke oppfylt hittil i år", basis)


def signal_for(row: Row, analysis: signals.SeriesAnalysis) -> Signal:
    """The card's signal for a series analysed by :func:`signals.analyse_series`, with the reason in words."""
    from navdash import fmt

    result = analysis.result
    since = _since_change_text(analysis)
    if result.too_little_data:
        return Signal(None, "For lite grunnlag for et signal", None, None, (),
                      f"For få hendelser per måned til at kontrollgrensene sier noe (under "
                      f"{fmt.number(spc.MIN_EXPECTED_COUNT)} forventet per måned{since}, regnet med variasjonen "
                      f"mellom månedene); tilfeldigheter ville gitt signaler. {analysis.chart_text}.", False,
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
    assurance = result.assurance_type
    if assurance:
        reason += " Målsikkerhet: " + {
            "consistent_pass": "målet ligger utenfor kontrollgrensene på riktig side, så det nås hver måned "
                               "uten endring.",
            "consistent_fail": "målet ligger utenfor kontrollgrensene på feil side, så det nås ikke uten en "
                               "endring.",
            "inconsistent": "målet ligger innenfor kontrollgrensene, så noen måneder nås det og andre ikke.",
        }[assurance]
    return Signal(variation, VARIATION_TEXT[variation], assurance, ASSURANCE_TEXT.get(assurance or ""),
                  tuple(last.rules), reason, False, chart=result.chart, seasonal=analysis.season.applied,
                  change_points=tuple(f"{c.period}: {c.reason}" for _, c in analysis.change_points))


def _since_change_text(analysis: signals.SeriesAnalysis) -> str:
    if not analysis.change_points:
        return ""
    _, cp = analysis.change_points[-1]
    return f" siden endringspunktet {parse_period(cp.period).label()} ({cp.reason})"


def series_analysis(rows: pd.DataFrame, end: Period, ind: pd.Series | tuple, target: float | None,
                    change_points: list[signals.ChangePoint] | None = None,
                    season: str = "auto") -> signals.SeriesAnalysis:
    """Analyse an indicator's monthly rows (with history before the window) up to `end` for the card's signal."""
    monthly = rows[rows["period_kind"] == "M"]
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


def _kind_for(rows: pd.DataFrame) -> str:
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


def monthly_series(rows: pd.DataFrame, end: Period, aggregation: str, measure: str,
                   window: int = SPC_WINDOW) -> pd.Series:
    """The indicator's monthly values for the `window` months up to `end`, index = period key."""
    keys = [end.shift(-i).key for i in range(window - 1, -1, -1)]
    monthly = rows[rows["period_kind"] == "M"]
    if aggregation == "forholdstall":
        den = monthly["denominator"].astype("float64")
        shown = monthly["numerator"].astype("float64") / den.where(den != 0)
        if measure == "prosent":
            shown = shown * 100
    else:
        shown = monthly["value"].astype("float64")
    series = pd.Series(shown.to_numpy(), index=monthly["period"].to_numpy()).reindex(keys)
    first_data = series.first_valid_index()  # leading months before the series began are not gaps
    return series.loc[first_data:] if first_data is not None else series.iloc[0:0]


def build(con: duckdb.DuckDBPyConnection, unit_id: str, period: Period,
          mask: disclosure.Mask | None = None) -> Scorecard | None:
    """The målekort as the viewer whose `mask` it is may see it (None: in clear, for a stored snapshot)."""
    unit = unit_info(con, unit_id)
    if unit is None:
        return None
    cat = catalogue(con)
    ref_years = con.execute("SELECT min(reference_year) FROM targets WHERE year = ?", [period.year]).fetchone()[0]
    first_year = min(period.year - SEASON_HISTORY_YEARS, int(ref_years) if ref_years else period.year - 2)
    series = aggregate.unit_series(con, unit_id, first_year=first_year, last_year=period.year)
    series = disclosure.withhold_rows(series, mask, unit_id)  # hidden months stay out of the signal, too
    targets = targets_for(con, unit, period.year)
    change_points = signals.load_change_points(con, unit_id)
    seasons = signals.season_settings(con)
    steering, key_info, context = [], [], []
    per_indicator = dict(tuple(series.groupby("indicator_id", sort=False)))
    for ind in cat.itertuples(index=False):
        rows = per_indicator.get(ind.indicator_id)
        if rows is None or rows.empty:
            continue
        kind = _kind_for(rows)
        rows = rows[rows["period_kind"] == kind]
        numbers = aggregate.by_period(rows)
        this = _period_of_kind(period, kind)
        if this is None:
            continue
        ytd_periods = aggregate.year_to_date_periods(period if kind != "Y" else this, kind)
        if kind == "T" and not ytd_periods:
            ytd_periods = [this]

        def combine(ps: list[Period], numbers: dict = numbers, ind: tuple = ind) -> Combined:
            found = [numbers[p.key] for p in ps if p.key in numbers]
            return disclosure.gate(mask, unit_id, ind.indicator_id, ps,
                                   aggregate.combine_values(found, ind.aggregation, ind.measure))

        row = Row(
            ind.indicator_id, ind.name, ind.description, ind.perspective, ind.chain_step, ind.role, ind.measure,
            ind.polarity, ind.aggregation, ind.source, ind.link, kind, this.label(),
            combine([this]), combine([this.same_period_last_year()]),
            combine(ytd_periods), combine(aggregate.same_periods_last_year(ytd_periods)),
        )
        sources = set(rows["source"])
        row.data_source = sources.pop() if len(sources) == 1 else "blandet"
        monthly = monthly_series(rows, period, ind.aggregation, ind.measure) if kind == "M" else None
        if ind.role == "styringsparameter":
            row.targets = targets.get(ind.indicator_id, [])
            numeric = next((t.threshold for t in row.targets if t.kind in ("minst", "hoyst")), None)
            for t in row.targets:
                reference = None
                if t.kind == "retning_mot_niva" and t.reference_year:
                    reference = combine([Period(t.reference_year, p.kind, p.number) for p in ytd_periods])
                row.statuses.append(judge_target(row, t, reference, monthly))
            if monthly is not None:
                analysis = series_analysis(rows, period, ind, numeric, change_points.get(ind.indicator_id),
                                           seasons.get(ind.indicator_id, "auto"))
                row.signal = signal_for(row, analysis)
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
    return Scorecard(unit, period, steering, key_info, context,
                     computed_from_offices=has_children and not loaded, loaded_for_unit=loaded)


def _id_sort(indicator_id: str) -> tuple[str, int, str]:
    prefix, _, rest = indicator_id.partition(".")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix, int(digits) if digits and rest.isdigit() else 10_000, rest)


def load(unit_id: str, period: Period | str, db: Path | None = None,
         mask: disclosure.Mask | None = None) -> Scorecard | None:
    """The målekort for a unit and period, from the newest published data, as the mask's viewer may see it."""
    if isinstance(period, str):
        period = parse_period(period)
    with store.reading(db) as con:
        return build(con, unit_id, period, mask)


def indicator_detail(unit_id: str, indicator_id: str, period: Period, db: Path | None = None,
                     window: int = SPC_WINDOW, mask: disclosure.Mask | None = None) -> dict | None:
    """Everything the detail view needs: the monthly points with their bases, the SPC result, the catalogue
    entry, and the same indicator for the units above for context."""
    with store.reading(db) as con:
        unit = unit_info(con, unit_id)
        cat = catalogue(con)
        info = cat[cat["indicator_id"] == indicator_id]
        if unit is None or info.empty:
            return None
        ind = info.iloc[0]
        rows = aggregate.unit_series(con, unit_id, [indicator_id], first_year=period.year - SEASON_HISTORY_YEARS,
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
            context.append({"unit_id": anc_id, "name": anc_name, "period": value, "ytd": ytd,
                            "period_label": this.label() if this else ""})
        targets = targets_for(con, unit, period.year).get(indicator_id, [])
    kind = _kind_for(rows) if not rows.empty else "M"
    rows = rows[rows["period_kind"] == kind]
    end = _period_of_kind(period, kind)
    points = rows[rows["year"] * 100 + rows["period_no"] <= end.year * 100 + end.number].tail(window).copy()
    if ind["aggregation"] == "forholdstall":
        points["shown"] = [aggregate.ratio_value(n, d, ind["measure"])
                           for n, d in zip(points["numerator"], points["denominator"], strict=True)]
    else:
        points["shown"] = points["value"]
    numeric = next((t.threshold for t in targets if t.kind in ("minst", "hoyst")), None)
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
    return {"indicator": ind.to_dict(), "unit": unit, "kind": kind, "points": points.reset_index(drop=True),
            "spc": result, "analysis": analysis, "context": context, "targets": targets, "target_line": numeric}
