"""Start page: the unit tree, what data there is and how fresh, and the way to the other pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from navdash import fmt
from navdash import units as tree
from navdash.periods import parse_period
from navdash.schemas import LABELS
from navdash.ui import data
from navdash.ui.text import md

db, version = data.source()
units = data.units(db, version)
status = data.data_status(db, version)
coverage = data.value_coverage(db, version)

st.title("Mål og resultater i NAV")
st.markdown(
    "Samfunnsoppdraget er **flere i arbeid og aktivitet og færre på stønad**. Her ser du målene som gjelder, "
    "resultatene med grunnlaget bak hvert tall, og utviklingen over tid – til læring, ikke rangering."
)

first = parse_period(coverage["first_month"]).short_label() if coverage["first_month"] else "–"
last = parse_period(coverage["last_month"]).short_label() if coverage["last_month"] else "–"
c1, c2, c3 = st.columns(3)
c1.metric("Enheter", fmt.number(len(units)))
c2.metric("Indikatorer med resultater", fmt.number(coverage["indicators"]))
c3.metric("Månedstall", f"{first} – {last}")

st.header("Data og ferskhet")
table = status.assign(
    Data=status["label"].str.capitalize(),
    Rader=status["rows"].map(fmt.number),
    **{
        "Sist importert": status["last_at"].map(lambda t: f"{t:%d.%m.%Y kl. %H:%M}" if pd.notna(t) else "–"),
        "Fil": status["last_file"].fillna("–"),
        "Av": status["last_who"].fillna("–"),
    },
)[["Data", "Rader", "Sist importert", "Fil", "Av"]]
st.dataframe(table, hide_index=True, width="stretch")

st.header("Fullstendighet per måned")
st.caption("En måned er komplett for en enhet når alle kontorene under den som var aktive den måneden, har levert "
           "tall. Målekortet åpner på siste komplette måned; tall fra færre kontorer er merket og får verken signal "
           "eller vurdering mot mål.")
coverage_rows = data.month_coverage(db, version, 12)
if coverage_rows.empty:
    st.info("Det finnes ingen månedstall ennå.")
else:
    def _cell(r) -> str:
        if r["complete"]:
            return f"✓ {r['text']}" if r["expected"] else "✓ lastet for enheten"
        return f"Ufullstendig: {r['text']}"

    shown = coverage_rows.assign(
        Måned=coverage_rows["period"].map(lambda p: parse_period(p).label()),
        cell=coverage_rows.apply(_cell, axis=1),
        unit=coverage_rows["unit_id"] + " " + coverage_rows["name"])
    order = list(dict.fromkeys(shown["unit"]))
    table = shown.pivot(index=["period", "Måned"], columns="unit", values="cell")[order]
    table = table.sort_index(level="period", ascending=False).reset_index(level="period", drop=True)
    st.table(table)  # a plain table: a dozen rows of text, readable by screen readers and when printed

st.header("Enhetene")
st.caption("Ordnet etter enhetstreet: hvert fylke med kontorene sine etter navn, ikke etter resultater.")
place = tree.positions(tree.from_table(units))
units = units.assign(_place=units["unit_id"].map(place).fillna(len(place))).sort_values(["_place", "unit_id"])
top = units[units["parent_id"].isna()]
for _, root in top.iterrows():
    st.markdown(f"**{md(root['name'])}** ({md(root['unit_id'])})")
children = units[units["parent_id"].isin(top["unit_id"])]
leaves = children[~children["unit_id"].isin(units["parent_id"])]
for _, parent in children[~children.index.isin(leaves.index)].iterrows():
    below = units[units["parent_id"] == parent["unit_id"]]
    kind = LABELS["type"].get(parent["type"], parent["type"])
    title = f"{md(parent['name'])} ({md(parent['unit_id'])}) · {md(kind)}"
    active = below[below["valid_to"].isna()]
    with st.expander(f"{title} · {len(active)} kontorer"):
        shown = below.assign(
            Enhet=below["unit_id"],
            Navn=below["name"],
            Sammenligningsgruppe=below["comparison_group"].fillna("–"),
            Ansatte=below["employees"].map(fmt.number),
            Status=below["status"],
        )[["Enhet", "Navn", "Sammenligningsgruppe", "Ansatte", "Status"]]
        st.dataframe(shown, hide_index=True, width="stretch")

if not leaves.empty:
    with st.expander(f"Spesialenheter og styringsenheter · {len(leaves)}"):
        st.dataframe(
            leaves.assign(Enhet=leaves["unit_id"], Navn=leaves["name"],
                          Type=leaves["type"].map(LABELS["type"]), Ansatte=leaves["employees"].map(fmt.number))
            [["Enhet", "Navn", "Type", "Ansatte"]],
            hide_index=True, width="stretch",
        )

st.header("Sidene")
st.page_link("views/malekort.py", label="Målekort: styringsparametere, mål og signaler for en enhet",
             icon=":material/table_chart:")
st.page_link("views/mal.py", label="Mål og prioriteringer: hvilke mål som gjelder, hvem som satte dem og hvorfor",
             icon=":material/flag:")
