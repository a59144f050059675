"""Sammenligning uten rangering: a funnel plot of units against their group, each unit over time on the same
scale, and a table in the unit tree's order. Indicator, period, units and options live in the URL."""

from __future__ import annotations

import streamlit as st

from navdash import compare, disclosure, fmt, practices
from navdash.periods import parse_period
from navdash.ui import compare_view as view
from navdash.ui import data, downloads, links, norsk, pickers, scorecard_view
from navdash.ui.identity import current_user
from navdash.ui.text import md

db, version = data.source()
user = current_user()
st.title("Sammenligning uten rangering")

inds = data.comparable_indicators(db, version)
if inds.empty:
    st.warning("Det finnes ingen andelsindikatorer med teller og nevner å sammenligne ennå.")
    st.stop()
names = dict(zip(inds["indicator_id"], inds["name"], strict=True))
ids = list(names)


def refuse_indicator(wanted: str) -> None:
    st.error(f"Indikatoren «{md(wanted)}» finnes ikke eller kan ikke vises i et traktdiagram. Viser en annen.")


def refuse_period(wanted: str) -> None:
    st.error(f"Det finnes ingen tall for perioden «{md(wanted)}». Viser siste periode med tall.")


indicator = pickers.url_select("Indikator", ids, param="indikator", key="sml_indikator",
                               default="B.15" if "B.15" in names else ids[0],
                               format_func=lambda i: f"{i} {names[i]}", container=st.sidebar,
                               unknown=refuse_indicator)
info = inds.set_index("indicator_id").loc[indicator]
periods = data.comparable_periods(db, version, indicator)
period = pickers.url_select("Periode", periods, param="periode", key="sml_periode", default=periods[0],
                            format_func=view.period_label, container=st.sidebar, unknown=refuse_period)
pickers.approval_note(user, db, version, period, container=st.sidebar)
monthly = parse_period(period).kind == "M"
pickers.from_url("sml_hittil", "hittil", lambda wanted: wanted == "ja")
ytd = monthly and st.sidebar.toggle("Hittil i år", key="sml_hittil",
                                    help="Sammenlign januar til og med valgt måned: summen av tellerne delt på "
                                         "summen av nevnerne, som «hittil i år» i målekortet.")

visible = data.visible_units(user)  # only units the user may see are ever compared or listed
units = data.units(db, version)
units = units[units["unit_id"].isin(visible)]
labels = dict(zip(units["unit_id"], units["unit_id"] + " " + units["name"], strict=True))
parents = [u for u in units["unit_id"] if (units["parent_id"] == u).any()]
own_parent = units.set_index("unit_id")["parent_id"].get(user.unit_id)
default_parent = user.unit_id if user.unit_id in parents else own_parent if own_parent in parents else parents[0]
parent = pickers.url_select("Enheter under", parents, param="under", key="sml_under", default=default_parent,
                            format_func=labels.get, container=st.sidebar)
groups = sorted(units["comparison_group"].dropna().unique())
group = pickers.url_select("Eller en sammenligningsgruppe", [""] + groups, param="gruppe", key="sml_gruppe",
                           default="", format_func=lambda g: g or "Ingen (alle under enheten over)",
                           container=st.sidebar)
cands = data.compare_candidates(db, version, None if group else parent, group or None, period)
cand_ids = [u for u in cands["unit_id"] if u in visible]
pickers.from_url("sml_enheter", "enheter",
                 lambda wanted: [u for u in (wanted or "").split(",") if u in cand_ids] or cand_ids)
st.session_state["sml_enheter"] = [u for u in st.session_state["sml_enheter"] if u in cand_ids] or cand_ids
chosen = st.sidebar.multiselect("Enheter som sammenlignes", cand_ids, key="sml_enheter", format_func=labels.get)
pickers.from_url("sml_rekkefolge", "rekkefolge", lambda wanted: "navn" if wanted == "navn" else "tre")
order = st.sidebar.radio("Rekkefølge", ["tre", "navn"], key="sml_rekkefolge",
                         format_func={"tre": "Enhetsnummer (enhetstreet)", "navn": "Navn"}.get)
pickers.from_url("sml_juster", "juster", lambda wanted: wanted == "additiv")
adjust = st.sidebar.toggle("Juster for overspredning", key="sml_juster",
                           help="Når enhetene varierer mer enn tilfeldigheter forklarer, kan grensene gjøres "
                                "videre med en tilfeldig effekt (τ²) mellom enhetene.")
# The URL holds only what differs from the defaults, so a shared link stays short.
pickers.to_url("under", parent if not group else None)
pickers.to_url("gruppe", group or None)
pickers.to_url("enheter", ",".join(sorted(chosen)) if chosen and set(chosen) != set(cand_ids) else None)
pickers.to_url("rekkefolge", "navn" if order == "navn" else None)
pickers.to_url("juster", "additiv" if adjust else None)
pickers.to_url("hittil", "ja" if ytd else None)

if not chosen:
    st.info("Velg minst én enhet å sammenligne.")
    st.stop()
chosen_sorted = sorted(chosen, key=lambda u: (units.set_index("unit_id")["name"][u] if order == "navn" else u))
f, hist, withheld = data.funnel_and_history(db, version, tuple(chosen_sorted), indicator, period,
                                            "additive" if adjust else None, view.history_length(period),
                                            data.scope(user), ytd)
unit_names = units.set_index("unit_id")["name"]
scope = f"sammenligningsgruppen «{md(group)}»" if group else f"enhetene under {md(labels[parent])}"
st.markdown(f"**{md(indicator)} {md(names[indicator])}** · {view.compared_label(period, ytd)} · {scope}. "
            f"Gruppens andel: **{fmt.percent(f.p0 * 100 if f.p0 is not None else None)}** "
            f"(summen av tellerne delt på summen av nevnerne for {len(f.points)} enheter).")
if withheld:
    st.caption(f"{disclosure.WITHHELD_TEXT.capitalize()} personer i grunnlaget, eller skjult for at et slikt tall "
               "ikke skal kunne regnes ut (vises ikke og er ikke med i gruppens andel): "
               + ", ".join(md(unit_names[u]) for u in withheld) + ".")
missing = [name for u, name in f.missing if u not in withheld]
if missing:
    st.caption(("Uten tall hittil i år: " if ytd else "Uten tall for perioden: ")
               + ", ".join(md(n) for n in missing) + ".")
if not f.points:
    st.warning("Ingen av enhetene har tall for denne perioden.")
    st.stop()

with st.expander("Slik leser du traktdiagrammet", expanded=True):
    st.markdown(view.HOW_TO_READ)
st.caption("Klikk på et punkt for å åpne enhetens målekort for perioden.")
clicked = st.plotly_chart(view.funnel_figure(f, user.unit_id), width="stretch", config=norsk.PLOTLY_CONFIG,
                          on_select="rerun", selection_mode="points", key="sml_trakt")
if (unit := view.chosen_unit(clicked)) is not None:
    links.go("malekort", **view.malekort_params(unit, period, indicator))
st.caption("Punktene i diagrammet, i samme rekkefølge som tabellen: trykk på en enhet for å se hvor den ligger "
           "og hvorfor.")
st.html(scorecard_view.CSS + view.points_html(f))
d = f.dispersion
method = view.METHOD_TEXT["additive" if f.adjusted else "exact"]
spread = (f"Enhetene varierer mer enn tilfeldigheter alene forklarer (φ = {fmt.number(d.phi, 2)}, over "
          f"grensen {fmt.number(d.critical / max(d.k, 1), 2)} for {d.k} enheter)." if d.present else
          f"Enhetene varierer ikke mer enn tilfeldigheter kan forklare (φ = {fmt.number(d.phi, 2)}).")
hint = "" if adjust or not d.present else " Slå på «Juster for overspredning» for å ta hensyn til det."
if adjust and not f.adjusted:
    hint = " Justeringen endrer ikke grensene her, fordi det ikke er overspredning å justere for."
st.caption(f"{method} {spread}{hint} En enhet er over eller under forventet variasjon når den ligger utenfor "
           "99,8 %-grensene; mellom 95 % og 99,8 % står det «nær en grense».")

st.subheader("Enhetene")
st.info(view.RANKING_NOTE, icon=":material/info:")
table = view.table(f, hist, info["polarity"], indicator, [(u, unit_names[u]) for u in withheld], chosen_sorted)
st.caption("Velg en rad for å åpne enhetens målekort.")
picked = st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4,
                      on_select="rerun", selection_mode="single-row", key="sml_tabell")
if (unit := view.chosen_unit(picked, table)) is not None:
    links.go("malekort", **view.malekort_params(unit, period, indicator))
good = [p for p in f.points if compare.better(p.status, info["polarity"])]
if good:
    st.markdown("Skiller seg ut i god retning – se hva de gjør: " + " · ".join(
        links.anchor(view.malekort_link(p.unit_id, period, indicator), p.name) + " ("
        + links.anchor(practices.link(unit=p.unit_id), "erfaringer de har delt") + ")" for p in good),
        unsafe_allow_html=True)

st.subheader("Hver enhet over tid")
first = hist["period"].iloc[0] if len(hist) else period
st.caption(f"{view.period_label(first)} – {view.period_label(period)}, samme skala for alle enhetene. Svart: "
           "enheten. Grå: gruppens andel. Prikket: enhetens eget nivå i periodene før " + view.period_label(period)
           + " (forholdet mellom summene).")
order_pairs = [(p.unit_id, p.name) for p in f.points]
st.plotly_chart(view.small_multiples(hist, order_pairs, period), width="stretch", config=norsk.PLOTLY_CONFIG)

st.subheader("Last ned")
downloads.comparison_buttons(f, hist, [(u, unit_names[u]) for u in withheld], chosen_sorted, names[indicator],
                             view.period_label(period), f"Sammenligningsgruppen «{group}»" if group
                             else f"Enhetene under {labels[parent]}", db, version)
