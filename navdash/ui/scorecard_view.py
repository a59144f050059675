"""Drawing the målekort: the table in NAV's familiar layout, signal badges with text, and the SPC chart.

The table is built as HTML because every icon needs visible text and a tooltip naming the rule that fired, and
every value its base; all text from the database goes through `navdash.text.escape`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from navdash import disclosure, fmt, spc
from navdash.aggregate import Combined
from navdash.scorecard import IndicatorDetail, Row, Signal, TargetStatus, TargetView
from navdash.signals import SeriesAnalysis
from navdash.text import escape
from navdash.ui import links

# Colours carry meaning only together with a symbol and a word; text stays dark for contrast.
VARIATION_STYLE = {
    "common_cause": ("●", "#5a5a5a", "#f1f1f1"),
    "special_cause_improvement": ("▲", "#00347d", "#e6f0ff"),
    "special_cause_concern": ("▼", "#7a3b00", "#fff0e0"),
    "special_cause_neither": ("◆", "#4b1f66", "#f3e9fa"),
}
ASSURANCE_STYLE = {
    "consistent_pass": ("✓", "#00347d", "#e6f0ff"),
    "consistent_fail": ("✗", "#7a3b00", "#fff0e0"),
    "inconsistent": ("~", "#5a5a5a", "#f1f1f1"),
}
STATUS_STYLE = {
    "oppfylt": ("✓", "#00347d", "#e6f0ff"),
    "ikke_oppfylt": ("✗", "#7a3b00", "#fff0e0"),
    "normal_variasjon": ("≈", "#5a5a5a", "#f1f1f1"),
    "ukjent": ("?", "#5a5a5a", "#f1f1f1"),
}
# Short labels keep each badge on one line at 1024 px; the full wording and the rule are one tap or key away.
VARIATION_SHORT = {
    "common_cause": "Vanlig variasjon",
    "special_cause_improvement": "Forbedring",
    "special_cause_concern": "Bekymring",
    "special_cause_neither": "Særskilt variasjon",
}
STATUS_SHORT = {"oppfylt": "Oppfylt", "ikke_oppfylt": "Ikke oppfylt", "normal_variasjon": "Normal variasjon"}
ASSURANCE_SHORT = {"consistent_pass": "Når målet", "consistent_fail": "Når ikke målet", "inconsistent": "Usikkert"}
NO_SIGNAL_SHORT = {"For lite grunnlag for et signal": "For lite grunnlag"}
POINT_COLOUR = {"special_cause_improvement": "#0067C5", "special_cause_concern": "#C77300",
                "special_cause_neither": "#7B3FA0"}
POINT_SYMBOL = {"special_cause_improvement": "triangle-up", "special_cause_concern": "triangle-down",
                "special_cause_neither": "diamond"}

# The målekort's widest screen is a laptop at 1024 px with the sidebar open (about 690 px for the table once the
# page's side margins are narrowed). Each row is one line of badges and figures plus the name; a badge's reason
# opens below it on focus and Enter, or on a tap (<details>), so nothing depends on a mouse hovering.
CSS = """
<style>
.nd-scroll {margin-bottom: 1.2rem; container-type: inline-size;}
.nd-table {border-collapse: collapse; width: 100%; font-size: 0.8rem; line-height: 1.3;}
.nd-table td.name {min-width: 6rem; overflow-wrap: anywhere;}
.nd-table tbody th.name {text-align: left; font-weight: 400;}
.nd-table caption {text-align: left; font-weight: 600; padding: 0.3rem 0; color: #23262A;}
.nd-table th, .nd-table td {border-bottom: 1px solid #d0d0d0; padding: 0.25rem 0.25rem; vertical-align: top;}
.nd-table thead th {background: #f1f1f1; text-align: left; font-weight: 600;}
.nd-table td.num, .nd-table th.num {text-align: right; white-space: nowrap;}
.nd-table td.goal, .nd-table td.signal {white-space: nowrap; position: relative;}
.nd-table .n {display: block; font-size: 0.7rem; color: #4f4f4f; white-space: normal;}
.nd-table .n.base {font-size: 0.68rem; white-space: nowrap;}
.nd-print {display: none;}
.nd-badge {display: inline-block; border-radius: 0.8rem; padding: 0 0.35rem; margin: 0.05rem 0;
           font-size: 0.75rem; border: 1px solid currentColor; white-space: nowrap;}
details.nd-why {display: block;}
details.nd-why > summary {cursor: pointer; list-style: none;}
details.nd-why > summary::-webkit-details-marker {display: none;}
details.nd-why > summary::after {content: " ▾"; font-size: 0.65rem;}
details.nd-why[open] > summary::after {content: " ▴";}
details.nd-why > summary:focus-visible {outline: 2px solid #0067C5; outline-offset: 1px;}
.nd-reason {display: block; white-space: normal; font-size: 0.75rem; color: #23262A; background: #ffffff;
            border: 1px solid #8a8a8a; border-radius: 0.3rem; padding: 0.3rem 0.45rem; margin-top: 0.15rem;
            position: absolute; z-index: 20; width: 20rem; max-width: 70vw; box-shadow: 0 2px 6px rgba(0,0,0,.2);}
.nd-target {display: block;}
.nd-who {display: block; font-size: 0.75rem; color: #4f4f4f;}
.nd-table a {color: #00347d;}
.nd-comment {display: block; margin-top: 0.25rem; padding: 0.2rem 0.4rem; background: #f4f6f8;
             border-left: 3px solid #00347d; font-size: 0.75rem;}
.nd-reply {display: block; margin: 0.2rem 0 0 0.8rem; padding-left: 0.4rem; border-left: 2px solid #5a5a5a;}
.nd-partial {color: #7a3b00; font-weight: 600;}
.nd-practice {display: block; margin-top: 0.2rem; font-size: 0.75rem;}
.nd-withheld {font-style: italic; color: #4f4f4f; white-space: nowrap;}
/* Wide enough: the name gets a fair share, so the figures and their bases need fewer lines. */
@container (min-width: 56rem) {.nd-table td.name, .nd-table th.name {width: 28%;}}
/* A laptop with the sidebar open: a base is its nevner on one line ("av 30 372"), so a row is the value over its
   base beside the name; the teller is one hover away (the title), and in the detail's table of points. */
@container (max-width: 50rem) {
  .nd-table .n .tel {display: none;}
  .nd-table th, .nd-table td {padding-left: 0.15rem; padding-right: 0.15rem;}
  .nd-badge {padding: 0 0.25rem;}
  .nd-table .nd-withheld {white-space: normal;}  /* "færre enn 5" on two lines instead of widening three columns */
}
@media (max-width: 1000px) {
  .nd-scroll {overflow-x: auto;}
  .nd-reason {position: static; width: auto; min-width: 12rem;}
}
</style>
"""


def comment_html(text: str, by: str, replies: tuple[tuple[str, str], ...] = ()) -> str:
    """The fylke's comment beside a number with the office's answers under it, oldest first."""
    answers = "".join(f'<span class="nd-reply"><strong>Svar:</strong> {escape(t)}<span class="nd-who">{escape(b)}'
                      "</span></span>" for t, b in replies)
    return (f'<span class="nd-comment"><strong>Kommentar:</strong> {escape(text)}'
            f'<span class="nd-who">{escape(by)}</span>{answers}</span>')


def badge(symbol: str, text: str, colour: str, background: str, reason: str) -> str:
    """A one-line badge (symbol and word) that opens its reason on a tap, a click, or Enter/Space after Tab.
    All badges share one `name`, so opening one closes the last: two reasons never lie on top of each other."""
    return (f'<details class="nd-why" name="nd-why">'
            f'<summary class="nd-badge" style="color:{colour};background:{background}">'
            f'<span aria-hidden="true">{symbol}</span> {escape(text)}</summary>'
            f'<span class="nd-reason">{escape(reason)}</span></details>')


def signal_html(signal: Signal | None) -> str:
    if signal is None:
        return '<span class="nd-who">Ikke månedstall</span>'
    if signal.too_few_points or signal.variation is None:
        short = NO_SIGNAL_SHORT.get(signal.variation_text, signal.variation_text)
        return badge("…", short, "#5a5a5a", "#f1f1f1", f"{signal.variation_text}. {signal.reason}")
    variation = signal.variation or "common_cause"
    symbol, colour, bg = VARIATION_STYLE[variation]
    out = badge(symbol, VARIATION_SHORT[variation], colour, bg, f"{signal.variation_text}. {signal.reason}")
    if signal.assurance:
        a_symbol, a_colour, a_bg = ASSURANCE_STYLE[signal.assurance]
        out += badge(a_symbol, ASSURANCE_SHORT[signal.assurance], a_colour, a_bg,
                     f"{signal.assurance_text}. {signal.assurance_reason or signal.reason}")
    return out


def status_html(status: TargetStatus, target: str = "") -> str:
    """The verdict as a one-line badge; the target's wording, who set it and the rule open below it."""
    symbol, colour, bg = STATUS_STYLE[status.status]
    reason = f"{target} – {status.text}. {status.reason}" if target else f"{status.text}. {status.reason}"
    return badge(symbol, STATUS_SHORT.get(status.status, status.text), colour, bg, reason)


def target_html(targets: list[TargetView], statuses: list[TargetStatus]) -> str:
    if not targets:
        return '<span class="nd-who">Ingen krav</span>'
    parts = []
    for t, s in zip(targets, statuses, strict=False):
        # On paper a reason cannot be opened, so the print shows the target's wording under its verdict.
        parts.append(f'<span class="nd-target">{status_html(s, f"{t.text} ({t.set_by_text} · {t.obligation.lower()})")}'
                     f'<span class="nd-print">Mål: {escape(t.text_short[:1].lower() + t.text_short[1:])}</span></span>')
    return "".join(parts)


def value_html(c: Combined, measure: str, aggregation: str = "") -> str:
    if disclosure.is_withheld(c):
        return (f'<span class="nd-withheld" title="{escape(disclosure.WITHHELD_REASON)}">'
                f"{disclosure.WITHHELD_TEXT}</span>")
    text = fmt.measure_value(c.value, measure)
    if c.denominator is not None and c.numerator is not None:
        numerator, denominator = fmt.number(c.numerator), fmt.number(c.denominator)
        return (f'{text}<span class="n base" title="Teller av nevner: {numerator} av {denominator}">'
                f'<span class="tel">{numerator} </span><span class="av">av {denominator}</span></span>')
    if c.periods and c.periods > 1:
        how = "sum" if aggregation == "sum" else "snitt"  # a count over the year is a sum, not an average
        return f'{text}<span class="n">{how} av {c.periods} perioder</span>' if c.value is not None else text
    return text


def figure_text(c: Combined, measure: str) -> str:
    """A value as plain text: the number, or "færre enn 5" when the viewer may not see it."""
    return disclosure.WITHHELD_TEXT if disclosure.is_withheld(c) else fmt.measure_value(c.value, measure)


# Clicking an MK ID opens the indicator's detail in a dialog over the page instead of loading the page again at
# the top. The link stays a real link (the URL with `indikator=`), so a new tab, a copied address or a page without
# JavaScript still opens the same detail. Static code: no data reaches it.
CLICKS_JS = """
export default function(component) {
    const { setTriggerValue } = component;
    const onClick = (event) => {
        const link = event.target.closest && event.target.closest("a[data-indikator]");
        if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        setTriggerValue("opened", link.dataset.indikator);
    };
    document.addEventListener("click", onClick, true);
    return () => document.removeEventListener("click", onClick, true);
}
"""
_clicks = None


def detail_clicks(key: str = "nd_detail_clicks") -> str | None:
    """The MK ID the user just clicked in a målekort table on this page, or None (see CLICKS_JS)."""

    global _clicks
    if _clicks is None:
        from streamlit.components.v2 import component

        _clicks = component("navdash_detail_clicks", js=CLICKS_JS)
    result = _clicks(key=key, on_opened_change=lambda: None)
    return getattr(result, "opened", None) if result is not None else None


def table_html(rows: list[Row], unit_id: str, period_key: str, caption: str, with_targets: bool,
               comments: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] | None = None,
               practices: dict[str, int] | None = None) -> str:
    """One perspective's rows: MK ID | Navn | Mål | Signal | Hittil i år (I år, I fjor, endring) | Denne perioden.

    `comments` maps an indicator to (comment, who wrote it and when, the office's replies as (text, who and when))
    for this unit and period; `practices` maps an
    indicator to how many registered experiences affected it, linked to the register."""
    comments = comments or {}
    practices = practices or {}
    head_targets = '<th scope="col" rowspan="2">Mål</th><th scope="col" rowspan="2">Signal</th>' if with_targets else ""
    out = [f'<div class="nd-scroll" role="region" aria-label="{escape(caption)}" tabindex="0">'
           f'<table class="nd-table"><caption>{escape(caption)}</caption><thead><tr>'
           f'<th scope="col" rowspan="2">MK ID</th><th scope="col" rowspan="2">Navn</th>{head_targets}'
           '<th scope="colgroup" colspan="3" class="num">Hittil i året</th>'
           '<th scope="colgroup" colspan="3" class="num">Denne perioden</th></tr><tr>'
           + '<th scope="col" class="num">I år</th><th scope="col" class="num">I fjor</th>'
             '<th scope="col" class="num">Endring</th>' * 2 + "</tr></thead><tbody>"]
    card_url, practices_url = links.page_urls("malekort"), links.page_urls("erfaringer")
    for r in rows:
        link = card_url(enhet=unit_id, periode=period_key, indikator=r.indicator_id)
        period_note = "" if r.kind == "M" else f'<span class="nd-who">{escape(r.period_label)}</span>'
        if r.coverage_note:
            period_note += f'<span class="nd-who nd-partial">{escape(r.coverage_note.capitalize())}</span>'
        if r.level_mean:
            period_note += ('<span class="nd-who" title="Verdiene har ikke teller og nevner, så de kan ikke summeres">'
                            "Snitt av kontorene, hvert kontor teller likt</span>")
        if r.indicator_id in comments:
            period_note += comment_html(*comments[r.indicator_id])
        if practices.get(r.indicator_id):
            n = practices[r.indicator_id]
            href = practices_url(indikator=r.indicator_id)
            period_note += (f'<a class="nd-practice" href="{escape(href)}" target="_self">'
                            f'Se {n} {"erfaring" if n == 1 else "erfaringer"}</a>')
        cells = [f'<th scope="row"><a href="{escape(link)}" target="_self" data-indikator="{escape(r.indicator_id)}" '
                 f'aria-haspopup="dialog">{escape(r.indicator_id)}</a></th>',
                 f'<td class="name">{escape(r.name)}{period_note}</td>']
        if with_targets:
            cells += [f'<td class="goal">{target_html(r.targets, r.statuses)}</td>',
                      f'<td class="signal">{signal_html(r.signal)}</td>']
        cells += [f'<td class="num">{value_html(r.ytd, r.measure, r.aggregation)}</td>',
                  f'<td class="num">{value_html(r.ytd_last, r.measure, r.aggregation)}</td>',
                  f'<td class="num">{fmt.change_between(r.ytd.value, r.ytd_last.value, r.measure)}</td>',
                  f'<td class="num">{value_html(r.this_period, r.measure, r.aggregation)}</td>',
                  f'<td class="num">{value_html(r.last_period, r.measure, r.aggregation)}</td>',
                  f'<td class="num">{fmt.change_between(r.this_period.value, r.last_period.value, r.measure)}</td>']
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def spc_figure(detail: IndicatorDetail) -> go.Figure:
    """The control chart: results, the seasonally adjusted line the limits belong to (when the season is adjusted),
    mean and process limits per segment, special-cause points marked by shape, each recorded change point as a
    vertical line with its reason, and the target line."""
    points = detail.points
    result = detail.spc
    analysis = detail.analysis
    measure = detail.indicator["measure"]
    from navdash.periods import parse_period

    x = [parse_period(p).short_label() for p in points["period"]]
    y = list(points["shown"])
    seasonal = analysis is not None and analysis.season.applied
    charted = list(points["adjusted"]) if seasonal else y
    suffix = " %" if measure == "prosent" else ""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name="Resultat" if not seasonal else "Resultat (rå)",
                             line={"color": "#23262A" if not seasonal else "#9a9a9a"},
                             marker={"color": "#5a5a5a" if not seasonal else "#9a9a9a", "size": 7},
                             hovertemplate="%{x}: %{y:,.1f}" + suffix + "<extra></extra>"))
    if seasonal:
        fig.add_trace(go.Scatter(x=x, y=charted, mode="lines+markers", name="Sesongjustert",
                                 line={"color": "#23262A"}, marker={"color": "#23262A", "size": 7},
                                 hovertemplate="%{x}: %{y:,.1f}" + suffix + " sesongjustert<extra></extra>"))
    if result is not None and result.mean is not None:
        segments = result.segments or ()
        for seg_no, seg in enumerate(segments):
            idx = range(seg.start, seg.end)
            for name, attr, dash, colour in (
                ("Gjennomsnitt", "mean", "solid", "#5a5a5a"),
                ("Øvre kontrollgrense", "upl", "dash", "#8a8a8a"),
                ("Nedre kontrollgrense", "lpl", "dash", "#8a8a8a"),
            ):
                values = [getattr(result.points[i], attr) for i in idx]
                if all(v is None for v in values):
                    continue
                fig.add_trace(go.Scatter(
                    x=[x[i] for i in idx], y=values, mode="lines", name=name, legendgroup=name,
                    showlegend=seg_no == 0, line={"dash": dash, "color": colour, "width": 1.5},
                    hovertemplate=name + ": %{y:,.1f}" + suffix + "<extra></extra>"))
        for kind, label in (("special_cause_improvement", "Særskilt – forbedring"),
                            ("special_cause_concern", "Særskilt – bekymring"),
                            ("special_cause_neither", "Særskilt variasjon")):
            idx = [i for i, p in enumerate(result.points) if p.point_type == kind]
            if idx:
                fig.add_trace(go.Scatter(
                    x=[x[i] for i in idx], y=[charted[i] for i in idx], mode="markers", name=label,
                    marker={"color": POINT_COLOUR[kind], "size": 12, "symbol": POINT_SYMBOL[kind]},
                    hovertemplate="%{x}: %{y:,.1f}" + suffix + " – " + label + "<extra></extra>"))
    if analysis is not None:
        # One row per change point above the plot, so neighbouring reasons never overlap on a narrow screen.
        count = len(analysis.change_points)
        for n, (position, cp) in enumerate(analysis.change_points):
            reason = cp.reason if len(cp.reason) <= 45 else cp.reason[:42] + "…"
            fig.add_vline(x=position - 0.5, line={"color": "#00347d", "width": 1.5, "dash": "dashdot"})
            fig.add_annotation(x=position - 0.5, y=1, yref="paper", yanchor="bottom", xanchor="left",
                               yshift=18 * (count - 1 - n), text=escape(f"Endring: {reason}"),
                               hovertext=escape(cp.reason), showarrow=False,
                               font={"size": 11, "color": "#00347d"}, bgcolor="rgba(255,255,255,0.8)")
    if detail.target_line is not None:
        fig.add_trace(go.Scatter(x=x, y=[detail.target_line] * len(x), mode="lines", name="Resultatkrav",
                                 line={"color": "#00347d", "dash": "dot", "width": 2},
                                 hovertemplate="Resultatkrav: %{y:,.1f}" + suffix + "<extra></extra>"))
    top = 30 + 18 * len(analysis.change_points) if analysis is not None and analysis.change_points else 30
    fig.update_layout(separators=", ", height=400, margin={"l": 10, "r": 10, "t": top, "b": 10},
                      legend={"orientation": "h", "y": -0.2}, plot_bgcolor="white",
                      yaxis={"gridcolor": "#e5e5e5", "ticksuffix": suffix}, xaxis={"gridcolor": "#f0f0f0"})
    return fig


def chart_notes(detail: IndicatorDetail) -> list[str]:
    """What the chart does, in words for the caption under it: the chart kind, the season, the change points."""
    analysis = detail.analysis
    if analysis is None:
        return []
    notes = [f"Diagram: {analysis.chart_text}."]
    if analysis.result.too_little_data:
        notes.append("For lite grunnlag for et signal: for få hendelser per måned til at kontrollgrensene sier noe.")
    elif analysis.result.chart in spc.EXACT_CHARTS:
        notes.append(exact_limits_note(analysis))
    notes.append(analysis.season.text)
    if analysis.autocorrelation_text:
        notes.append(analysis.autocorrelation_text)
    for _, cp in analysis.change_points:
        from navdash.periods import parse_period

        notes.append(f"Endringspunkt {parse_period(cp.period).label()}: {cp.reason}. Grensene er regnet på nytt "
                     "fra denne måneden.")
    return notes


def exact_limits_note(analysis: SeriesAnalysis) -> str:
    """What exact limits mean on the chart, with the count that signals when the series is a plain count."""
    last = next((p for p in reversed(analysis.result.points) if p.value is not None), None)
    text = ("Få hendelser: grensene er regnet direkte fra sannsynlighetsfordelingen, og den stiplede linjen ligger en "
            "halv hendelse innenfor det første antallet som gir signal.")
    if analysis.model == "poisson" and last is not None and last.upl is not None \
            and abs(last.upl + 0.5 - round(last.upl + 0.5)) < 1e-9:
        text += f" Her gir {fmt.number(round(last.upl + 0.5))} eller flere på én måned signal."
    if last is not None and last.lpl is None:
        text += " Det er ingen nedre grense: en måned med så få hendelser er vanlig og kan ikke gi bekymring alene."
    return text


def points_table(detail: IndicatorDetail) -> pd.DataFrame:
    """The numbers behind each point, for the table under the chart."""
    points = detail.points
    measure = detail.indicator["measure"]
    from navdash.periods import parse_period

    out = pd.DataFrame({"Periode": [parse_period(p).label() for p in points["period"]]})
    withheld = points["withheld"].to_numpy() if "withheld" in points else [False] * len(points)

    def cells(values: pd.Series, show: object) -> list[str]:
        return [disclosure.WITHHELD_TEXT if w else show(v) for v, w in zip(values, withheld, strict=True)]

    if detail.indicator["aggregation"] == "forholdstall":
        out["Teller"] = cells(points["numerator"], fmt.number)
        out["Nevner"] = cells(points["denominator"], fmt.number)
    out["Verdi"] = cells(points["shown"], lambda v: fmt.measure_value(v, measure))
    analysis = detail.analysis
    if analysis is not None and analysis.season.applied:
        out["Sesongjustert"] = cells(points["adjusted"], lambda v: fmt.measure_value(v, measure))
    out["Kilde"] = points["source"].map({"lastet": "Lastet inn", "beregnet": "Beregnet fra kontorene"}).to_numpy()
    if detail.spc is not None:
        from navdash.scorecard import RULE_TEXT, VARIATION_TEXT

        out["Signal"] = [VARIATION_TEXT[p.point_type] + (" (" + ", ".join(RULE_TEXT[r] for r in p.rules) + ")"
                                                          if p.rules else "") for p in detail.spc.points]
    return out.iloc[::-1].reset_index(drop=True)
