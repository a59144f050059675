"""Kvalitet – nøkkelinformasjon: a unit's quality key information grouped by source, each item with its level, its
development, its base and the fylke and Norge for context. Information, not targets: no status, no colours, no
arrows. Unit and month live in the URL."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from navdash import disclosure, fmt, quality
from navdash.periods import parse_period
from navdash.ui import data, norsk, pickers
from navdash.ui.identity import current_user
from navdash.ui.text import md

DASH = ("solid", "dash", "dot")
SYMBOL = ("circle", "square", "diamond")


def history_figure(item: quality.Item, names: dict[str, str]) -> go.Figure:
    """The item over time for the unit and its context, each line with its own dash, marker and name."""
    fig = go.Figure()
    suffix = " %" if item.measure == "prosent" else ""
    history = item.history
    if item.measure != "prosent":  # counts grow with size: a fylke's or Norge's total on the same axis hides the unit
        history = history[history["unit_id"] == history["unit_id"].iloc[0]]
    for i, (uid, h) in enumerate(history.groupby("unit_id", sort=False)):
        fig.add_trace(go.Scatter(
            x=[parse_period(p).short_label() for p in h["period"]], y=h["value"], mode="lines+markers",
            name=md(names.get(uid, uid).removeprefix("NAV ")),
            line={"dash": DASH[i % 3], "color": ("#23262A", "#00347d", "#6f6f6f")[i % 3]},
            marker={"symbol": SYMBOL[i % 3], "size": 6}, hovertemplate="%{x}: %{y:,.1f}" + suffix + "<extra></extra>"))
    fig.update_layout(separators=", ", height=210, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
                      showlegend=True, legend={"orientation": "h", "y": -0.3},
                      xaxis={"type": "category", "nticks": 9, "tickangle": 0, "categoryorder": "array",
                             "categoryarray": [parse_period(p).short_label()  # one time order for every line
                                               for p in sorted(set(history["period"]), key=parse_period)]},
                      yaxis={"ticksuffix": suffix, "gridcolor": "#e5e5e5"})
    return fig


def base_text(c) -> str:  # noqa: ANN001 - an aggregate.Combined
    if disclosure.is_withheld(c):
        return disclosure.WITHHELD_TEXT
    if c.denominator:
        return f"{fmt.number(c.numerator)} av {fmt.number(c.denominator)}"
    return "ingen grunnlagstall" if c.value is None else "antall"


user = current_user()
unit_id, period_key, db, version = pickers.unit_and_month(user, what="enhet",
                                                             month_label="Til og med måned")

view, together = data.quality_view(db, version, unit_id, period_key, data.scope(user))
st.title(f"Kvalitet – nøkkelinformasjon for {view.unit.unit_id} {md(view.unit.name)}")
st.markdown(f"Siste måling til og med **{parse_period(period_key).label()}**. Hver opplysning vises i sin egen "
            "periode: tertialmålinger som tertial (for eksempel 2022 T1), månedstall som måned.")
st.info("Dette er informasjon å følge med på og se i sammenheng, ikke mål. Det er ingen resultatkrav, "
        "ingen farger for godt eller dårlig og ingen piler.", icon=":material/info:")
names = {view.unit.unit_id: view.unit.name, **dict(view.context_units)}
if not view.groups:
    st.warning("Enheten har ingen nøkkelinformasjon med tall til og med denne måneden.")

for _key, title, items in view.groups:
    st.header(title)
    for item in items:
        with st.container(border=True):
            left, right = st.columns([2, 3])
            with left:
                st.markdown(f"**{md(item.name)}** · {md(item.indicator_id)}")
                if disclosure.is_withheld(item.value):
                    st.markdown(f"{md(view.unit.name)}: **{disclosure.WITHHELD_TEXT}** ({item.period_label})")
                else:
                    st.markdown(f"{md(view.unit.name)}: måles ikke ({item.period_label})" if item.value.value is None
                                else f"{md(view.unit.name)}: **{fmt.measure_value(item.value.value, item.measure)}** "
                                f"({item.period_label}) · grunnlag: {base_text(item.value)}")
                for _uid, name, c in item.context:
                    if disclosure.is_withheld(c):
                        st.markdown(f"{md(name)}: {disclosure.WITHHELD_TEXT}")
                        continue
                    st.markdown(f"{md(name)}: måles ikke" if c.value is None else
                                f"{md(name)}: {fmt.measure_value(c.value, item.measure)} · grunnlag: {base_text(c)}")
                if item.history["withheld"].any():
                    st.caption(f"Perioder med {disclosure.WITHHELD_TEXT} personer i grunnlaget er ikke med i "
                               "diagrammet.")
                if item.value.value is None and not disclosure.is_withheld(item.value):
                    st.caption("Måles ikke for enheten; tallet for nivået over gir bildet.")
                if item.measure != "prosent":
                    st.caption("Diagrammet viser bare enheten: antall avhenger av størrelsen.")
                st.caption(f"Kilde: {md(item.source or 'ukjent')}")
            with right:
                st.plotly_chart(history_figure(item, names), width="stretch", config=norsk.PLOTLY_CONFIG,
                                key=f"chart-{item.indicator_id}")

st.header("Se i sammenheng")
st.caption(f"{md(view.unit.name)}, de siste tertialene side om side. Månedstall er summert til tertial (teller "
           "og nevner hver for seg) og merket slik; årstall er ikke med. Tomt felt: ingen måling det tertialet.")
if together.empty:
    st.write("Ingen nøkkelinformasjon for enheten de siste tertialene.")
else:
    shown = pd.DataFrame({"Nøkkelinformasjon": together["name"]})
    for col in together.columns[3:]:
        shown[col] = [v if isinstance(v, str) else fmt.measure_value(v, m) if pd.notna(v) else ""
                      for v, m in zip(together[col], together["measure"], strict=True)]
    st.dataframe(shown, hide_index=True, width="stretch")
