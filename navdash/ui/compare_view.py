"""Drawing the comparison page: the funnel plot, small multiples and the table, never ranked.

Units appear in the order they are given (enhetsnummer, which follows the unit tree, or name); no chart or table
here sorts by value. Every marker carries a symbol and, outside the limits, the unit's name, so colour is never
the only carrier of meaning.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from navdash import compare, disclosure, fmt
from navdash.compare import Funnel
from navdash.periods import Period, parse_period
from navdash.text import escape
from navdash.ui import links

HISTORY = {"M": 24, "T": 9, "Y": 5}  # periods in the small multiples: two years of months, three of tertials
SYMBOL = {"over": "triangle-up", "innenfor": "circle", "under": "triangle-down"}
COLOUR = {"over": "#00347d", "innenfor": "#5a5a5a", "under": "#7a3b00"}
METHOD_TEXT = {
    "exact": "Grensene er eksakte binomiske (Spiegelhalter 2005, med interpolasjon mellom hele tall); merkingen "
             "bygger på den eksakte sannsynligheten for enhetens eget antall.",
    "additive": "Grensene er justert for overspredning med en additiv tilfeldig effekt (τ², DerSimonian–Laird "
                "fra winsoriserte z-verdier, Spiegelhalter 2005) og beregnet med normaltilnærming.",
    "multiplicative": "Grensene er justert for overspredning med en multiplikativ faktor φ (fra winsoriserte "
                      "z-verdier, Spiegelhalter 2005) og beregnet med normaltilnærming.",
}
HOW_TO_READ = """
**Slik leser du traktdiagrammet.** Hvert punkt er en enhet: andelen (loddrett) mot antallet det er regnet av,
nevneren (vannrett). Den heltrukne linjen er gruppens andel, regnet som summen av tellerne delt på summen av
nevnerne. De stiplede linjene er 95 %-grensene, de prikkede 99,8 %-grensene. Grensene er vide for små enheter
og smale for store, fordi tilfeldigheter betyr mer når nevneren er liten.

**Enheter inne i trakten er ikke forskjellige.** Forskjellene mellom dem er så små at tilfeldig variasjon kan
forklare dem, og rekkefølgen mellom dem sier ingenting. Bare en enhet utenfor 99,8 %-grensene er *over* eller
*under forventet variasjon*, og også da er det et spørsmål å undersøke (oppgaver, brukergruppe, registrering),
ikke en dom. En enhet som skiller seg ut i god retning kan være en å lære av.
"""
VALUE_RANKING_NOTE = ("Tabellen står i rekkefølge etter enhetstreet eller navn, ikke etter resultat. Du kan sortere "
                      "en kolonne ved å klikke på den, men en rangering villeder: enhetene er ulike i størrelse og "
                      "oppgaver, og plassene skifter av tilfeldige grunner.")
RANKING_NOTE = ("Tabellen står i rekkefølge etter enhetstreet eller navn, ikke etter resultat. Du kan sortere en "
                "kolonne ved å klikke på den, men en rangering villeder: plassene skifter av tilfeldige grunner, "
                "og enheter inne i trakten er ikke forskjellige fra hverandre.")


def history_length(period: str) -> int:
    """How many periods the small multiples show for a period of this kind."""
    return HISTORY[parse_period(period).kind]


def period_label(key: str) -> str:
    return parse_period(key).label()


def malekort_params(unit_id: str, period: str, indicator: str) -> dict[str, str]:
    """The målekort's parameters for a unit in the comparison: the målekort is per month, so a tertial or a year
    opens on its last month."""
    p = parse_period(period)
    month = p if p.kind == "M" else Period(p.year, "M", p.last_month)
    return {"enhet": unit_id, "periode": month.key, "indikator": indicator}


def malekort_link(unit_id: str, period: str, indicator: str) -> str:
    return links.url("malekort", **malekort_params(unit_id, period, indicator))


def _pct(share: float | None, decimals: int = 1) -> str:
    return fmt.percent(None if share is None or math.isnan(share) else share * 100, decimals)


def funnel_figure(f: Funnel, own_unit: str | None = None) -> go.Figure:
    fig = go.Figure()
    curve = f.curve()
    if not curve.empty:
        for col, name, dash in (("lo998", "99,8 %-grense", "dot"), ("hi998", None, "dot"),
                                ("lo95", "95 %-grense", "dash"), ("hi95", None, "dash")):
            fig.add_trace(go.Scatter(x=curve["n"], y=curve[col] * 100, mode="lines", name=name or "",
                                     showlegend=name is not None, legendgroup=dash, hoverinfo="skip",
                                     line={"color": "#6f6f6f", "dash": dash, "width": 1.5}))
        fig.add_trace(go.Scatter(x=curve["n"], y=[f.p0 * 100] * len(curve), mode="lines",
                                 name=f"Gruppens andel ({_pct(f.p0)})", hoverinfo="skip",
                                 line={"color": "#23262A", "width": 2}))
    for status in ("innenfor", "over", "under"):
        pts = [p for p in f.points if p.status == status]
        if not pts:
            continue
        labels = [escape(p.name.removeprefix("NAV ")) if p.status != "innenfor" or p.unit_id == own_unit else ""
                  for p in pts]
        fig.add_trace(go.Scatter(
            x=[p.denominator for p in pts], y=[p.share * 100 for p in pts], mode="markers+text",
            name=compare.STATUS_TEXT[status], text=labels, textposition="top center",
            marker={"symbol": SYMBOL[status], "size": 11 if status != "innenfor" else 9, "color": COLOUR[status],
                    "line": {"width": 1, "color": "white"}},
            customdata=[[escape(p.name), fmt.number(p.numerator), fmt.number(p.denominator), _pct(p.share),
                         p.unit_id] for p in pts],
            hovertemplate="%{customdata[0]}<br>%{customdata[3]} (%{customdata[1]} av %{customdata[2]})"
                          f"<br>{compare.STATUS_TEXT[status]}<br>Klikk for å åpne målekortet<extra></extra>"))
    fig.update_layout(separators=", ", height=460, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      plot_bgcolor="white", legend={"orientation": "h", "y": -0.18},
                      xaxis={"title": "Nevner (antall det er regnet av)", "gridcolor": "#eeeeee"},
                      yaxis={"title": "Andel", "ticksuffix": " %", "gridcolor": "#e5e5e5"})
    return fig


POINT_SYMBOL = {"over": "▲", "innenfor": "●", "under": "▼"}
POINTS_CSS = """
<style>
.nd-points {display: flex; flex-wrap: wrap; gap: 0.2rem 0.4rem; font-size: 0.8rem; margin-bottom: 0.8rem;}
.nd-points details.nd-why {display: inline-block; position: relative;}
.nd-points .nd-reason {left: 0;}
</style>
"""


def point_reason(p: compare.FunnelPoint) -> str:
    """Why a point sits where it does, in words: its share and base, its verdict, and the limits at its size."""
    lo, hi = p.limits[0.998]
    lo95, hi95 = p.limits[0.95]
    near = (f" Den ligger utenfor 95 %-grensene ({_pct(lo95)} – {_pct(hi95)}), nær en grense." if p.near_limit
            else "")
    return (f"{p.name}: {_pct(p.share)} ({fmt.number(p.numerator)} av {fmt.number(p.denominator)}). "
            f"{compare.STATUS_TEXT[p.status]}: 99,8 %-grensene for en enhet med denne nevneren er "
            f"{_pct(lo)} – {_pct(hi)}.{near}")


def points_html(f: Funnel) -> str:
    """Every point of the funnel as a badge in the given order (never by value) that opens its reason on a tap or
    with Enter, so the chart's hover text is there for a keyboard and a touch screen too."""
    from navdash.ui.scorecard_view import badge

    items = [badge(POINT_SYMBOL[p.status], p.name.removeprefix("NAV "), COLOUR[p.status], "#ffffff", point_reason(p))
             for p in f.points]
    return (f'{POINTS_CSS}<div class="nd-points" role="group" aria-label="Punktene i traktdiagrammet">'
            f'{"".join(items)}</div>')


def small_multiples(hist: pd.DataFrame, order: list[tuple[str, str]], current: str, columns: int = 5) -> go.Figure:
    """One panel per unit in the table's order, all on the same scale: the unit's share over time, the group's
    share (grey) and the unit's own level before the current period (dotted)."""
    rows = max(1, math.ceil(len(order) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True, shared_xaxes=True, vertical_spacing=0.09,
                        horizontal_spacing=0.02,
                        subplot_titles=[escape(name.removeprefix("NAV ")) for _, name in order])
    own = compare.own_history(hist, current)
    keys = sorted(hist["period"].unique(), key=lambda k: parse_period(k))
    labels = {k: parse_period(k).short_label() for k in keys}
    for i, (unit_id, _name) in enumerate(order):
        r, c = i // columns + 1, i % columns + 1
        h = hist[hist["unit_id"] == unit_id]
        first = i == 0
        group = hist.drop_duplicates("period").sort_values("order")
        fig.add_trace(go.Scatter(x=[labels[k] for k in group["period"]], y=group["group_share"] * 100,
                                 mode="lines", line={"color": "#b0b0b0", "width": 1.5}, name="Gruppens andel",
                                 showlegend=first, legendgroup="g", hoverinfo="skip"), row=r, col=c)
        if unit_id in own and len(h):
            fig.add_trace(go.Scatter(x=[labels[k] for k in h["period"]], y=[own[unit_id] * 100] * len(h),
                                     mode="lines", line={"color": "#00347d", "width": 1, "dash": "dot"},
                                     name="Enhetens eget nivå før perioden", showlegend=first, legendgroup="o",
                                     hoverinfo="skip"), row=r, col=c)
        fig.add_trace(go.Scatter(x=[labels[k] for k in h["period"]], y=h["share"] * 100, mode="lines+markers",
                                 marker={"size": 3}, line={"color": "#23262A", "width": 1.5}, name="Enheten",
                                 showlegend=first, legendgroup="u",
                                 hovertemplate="%{x}: %{y:,.1f} %<extra></extra>"), row=r, col=c)
    valid = hist["share"].dropna()
    if len(valid):
        lo, hi = valid.min() * 100, valid.max() * 100
        pad = max(1.0, (hi - lo) * 0.08)
        fig.update_yaxes(range=[lo - pad, hi + pad], ticksuffix=" %", gridcolor="#eeeeee")
    fig.update_xaxes(showticklabels=False)
    fig.update_annotations(font_size=12)
    fig.update_layout(separators=", ", height=max(260, 170 * rows + 60), plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.05})
    return fig


def rule_text(c: compare.Comparison) -> str:
    """How each unit's figure is made from its periods, by the catalogue's rule, as the målekort does it."""
    if len(c.periods) <= 1:
        return "enhetens tall for perioden"
    count = compare.count_periods(len(c.periods), c.kind)
    if c.aggregation == "forholdstall":
        rule = f"summen av tellerne delt på summen av nevnerne for {count}"
    elif c.aggregation == "sum":
        rule = f"summen av {count}"
    else:
        rule = f"snittet per {compare.PERIOD_WORDS[c.kind][0]} for {count}"
    return f"{rule}, som «hittil i år» i målekortet"


def _lacking_rows(c: compare.Comparison, columns: list[str]) -> list[dict[str, str]]:
    return [{**dict.fromkeys(columns, ""), "Enhetsnr": u, "Enhet": name,
             columns[2]: "ikke sammenlignet: " + c.lacking_text(u)}
            for u, name in zip(c.values["unit_id"], c.values["name"], strict=True) if u in c.lacking]


def _in_order(rows: list[dict[str, str]], order: list[str] | None) -> pd.DataFrame:
    if order is not None:  # the caller's order (tree or name), never by value
        rows.sort(key=lambda r: order.index(r["Enhetsnr"]) if r["Enhetsnr"] in order else len(order))
    return pd.DataFrame(rows)


def table(c: compare.Comparison, hist: pd.DataFrame, withheld: list[tuple[str, str]] = (),
          order: list[str] | None = None) -> pd.DataFrame:
    """One row per unit of a share comparison in the caller's order, no rank, no value-sorted order. A month is
    set against the unit's own level before it; year to date against the same months last year. Units whose
    figure is withheld (`withheld`, as (id, name)) follow with "færre enn 5", units lacking periods say which."""
    f = c.funnel
    before, against = ("Samme periode i fjor", "Mot i fjor") if c.ytd else ("Eget nivå før", "Mot eget nivå")
    if c.ytd:
        last = dict(zip(c.values["unit_id"], c.values["last_year"] / 100, strict=True))
        own = {u: v for u, v in last.items() if not math.isnan(v)}
    else:
        own = compare.own_history(hist, f.period) if len(hist) else {}
    # The verdict beside the share: at 1024 px with the sidebar open the table shows about six columns before it
    # scrolls, and "Forventet variasjon" is what the reader looks for.
    columns = ["Enhetsnr", "Enhet", "Teller", "Nevner", "Andel", "Forventet variasjon", "99,8 %-grenser", before,
               against]
    rows = []
    for p in f.points:
        lo, hi = p.limits[0.998]
        rows.append(dict(zip(columns, [
            p.unit_id, p.name, fmt.number(p.numerator), fmt.number(p.denominator), _pct(p.share),
            p.status + (" (nær en grense)" if p.near_limit else ""), f"{_pct(lo)} – {_pct(hi)}",
            _pct(own.get(p.unit_id)), fmt.pp(None if p.unit_id not in own else (p.share - own[p.unit_id]) * 100),
        ], strict=True)))
    for unit_id, name in withheld:
        rows.append({**dict.fromkeys(columns, ""), "Enhetsnr": unit_id, "Enhet": name,
                     "Teller": disclosure.WITHHELD_TEXT, "Nevner": disclosure.WITHHELD_TEXT,
                     "Andel": disclosure.WITHHELD_TEXT})
    return _in_order(rows + _lacking_rows(c, columns), order)


def no_funnel_text(c: compare.Comparison) -> str:
    """Why this comparison has no funnel, and how to read plain values side by side."""
    if c.aggregation == "forholdstall":
        why = ("Indikatoren er et forholdstall, ikke en andel av personer eller saker, så det finnes ingen "
               "binomisk trakt for den.")
    elif c.measure == "antall":
        why = "Et antall har ingen nevner å regne forventet variasjon ut fra, så det tegnes ingen trakt."
    else:
        why = "Tallene er lastet uten teller og nevner, så det tegnes ingen trakt."
    size = (" Et antall avhenger av hvor stor enheten er og hvor mange brukere den har: les tallene mot enhetens "
            "eget tall i fjor, ikke som en plassering." if c.measure == "antall" else "")
    return why + size + " Enhetene står i samme rekkefølge som tabellen, ikke etter verdi."


def value_table(c: compare.Comparison, withheld: list[tuple[str, str]] = (),
                order: list[str] | None = None) -> pd.DataFrame:
    """One row per unit of a comparison without a funnel (counts, averages): the unit's value by the catalogue's
    rule and the same periods last year, in the caller's order, never by value."""
    columns = ["Enhetsnr", "Enhet", "Verdi", "Samme periode i fjor", "Endring"]
    hidden = {u for u, _ in withheld}
    rows = []
    for u, name, value, last in zip(c.values["unit_id"], c.values["name"], c.values["value"],
                                    c.values["last_year"], strict=True):
        if u in c.lacking or (u not in hidden and math.isnan(value)):  # lacking periods, or no figures at all
            continue
        now = None if u in hidden or math.isnan(value) else value
        then = None if u in hidden or math.isnan(last) else last
        rows.append(dict(zip(columns, [
            u, name, disclosure.WITHHELD_TEXT if u in hidden else c.value_text(now),
            "" if u in hidden else c.value_text(then), "" if u in hidden else c.change_text(now, then)],
            strict=True)))
    return _in_order(rows + _lacking_rows(c, columns), order)


def _number(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def value_figure(c: compare.Comparison, order: list[str], own_unit: str | None = None) -> go.Figure:
    """Each unit's value as a dot on one line per unit, in the table's order from the top (never by value), with
    the same periods last year as a hollow dot."""
    vals = c.values.set_index("unit_id")
    shown = [u for u in order if u in vals.index and not math.isnan(vals.at[u, "value"])]
    names = [escape(str(vals.at[u, "name"]).removeprefix("NAV ")) + (" (din enhet)" if u == own_unit else "")
             for u in shown]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[vals.at[u, "last_year"] for u in shown], y=names, mode="markers", name="Samme periode i fjor",
        marker={"symbol": "circle-open", "size": 9, "color": "#6f6f6f"},
        hovertemplate="%{y}: %{customdata} samme periode i fjor<extra></extra>",
        customdata=[c.value_text(_number(vals.at[u, "last_year"])) for u in shown]))
    fig.add_trace(go.Scatter(
        x=[vals.at[u, "value"] for u in shown], y=names, mode="markers",
        name="Hittil i år" if c.ytd else parse_period(c.period).label(),
        marker={"symbol": "circle", "size": 10, "color": "#00347d"},
        hovertemplate="%{y}: %{customdata}<extra></extra>",
        customdata=[c.value_text(_number(vals.at[u, "value"])) for u in shown]))
    fig.update_layout(separators=", ", height=max(240, 26 * len(shown) + 110), plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 20, "b": 10}, legend={"orientation": "h", "y": -0.12},
                      yaxis={"autorange": "reversed", "type": "category"},
                      xaxis={"gridcolor": "#eeeeee", "rangemode": "tozero",
                             "ticksuffix": " %" if c.measure == "prosent" else ""})
    return fig


def chosen_unit(event: object, rows: pd.DataFrame | None = None) -> str | None:
    """The unit of the funnel point (its customdata carries the unit) or the table row (`rows`, the table drawn)
    the reader just chose through `on_select`, or None."""
    selection = getattr(event, "selection", None) or {}
    for point in selection.get("points") or []:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and len(custom) >= 5:
            return str(custom[4])
    picked = selection.get("rows") or []
    if rows is not None and picked and picked[0] < len(rows):
        return str(rows.iloc[picked[0]]["Enhetsnr"])
    return None
