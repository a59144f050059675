"""Sammenligning uten rangering: a funnel plot of units against their group, each unit over time on the same
scale, and a table in the unit tree's order. Indicator, period, units and options live in the URL."""

from __future__ import annotations

import streamlit as st

from navdash import compare, disclosure, fmt, practices
from navdash import units as unit_tree
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
    st.warning("Det finnes ingen indikatorer med tall for flere enheter å sammenligne ennå.")
    st.stop()
names = dict(zip(inds["indicator_id"], inds["name"], strict=True))
ids = list(names)


def refuse_indicator(wanted: str) -> None:
    st.error(f"Indikatoren «{md(wanted)}» finnes ikke eller har ikke tall for flere enheter. Viser en annen.")


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
to_date = parse_period(period).kind in ("M", "T")  # a year is its own year to date
pickers.from_url("sml_hittil", "hittil", lambda wanted: wanted == "ja")
ytd = to_date and st.sidebar.toggle(
    "Hittil i år", key="sml_hittil",
    help="Sammenlign fra starten av året til og med valgt periode, slik målekortet regner «hittil i år»: andeler "
         "som summen av tellerne delt på summen av nevnerne, antall som sum eller snitt per periode etter "
         "indikatorkatalogen. En enhet som mangler tall for noen av periodene, sammenlignes ikke.")
visible = data.visible_units(user)  # only units the user may see are ever compared or listed
units = data.units(db, version)
units = units[units["unit_id"].isin(visible)]
labels = dict(zip(units["unit_id"], units["unit_id"] + " " + units["name"], strict=True))
parents = [u for u in units["unit_id"] if (units["parent_id"] == u).any()]
own_parent = units.set_index("unit_id")["parent_id"].get(user.unit_id)
default_parent = user.unit_id if user.unit_id in parents else own_parent if own_parent in parents else parents[0]
classes = [c for c in unit_tree.CLASSIFICATIONS if units[c.db_column].notna().any()]
within_labels = {"fylke": "Enhetene under en enhet (fylke)", **{c.column: c.label for c in classes}}
pickers.from_url("sml_innenfor", "innenfor",
                 lambda wanted: wanted if wanted in within_labels else
                 "sammenligningsgruppe" if st.query_params.get("gruppe") and "sammenligningsgruppe" in within_labels
                 else "fylke")
within = st.sidebar.radio("Sammenlign innenfor", list(within_labels), key="sml_innenfor",
                          format_func=within_labels.get,
                          help="Trakten tegnes rundt gruppens andel: enhetene under en enhet, eller enhetene i én "
                               "gruppe av en klassifisering fra enhetsfilen.")
group, parent, classification = "", None, "sammenligningsgruppe"
if within == "fylke":
    parent = pickers.url_select("Enheter under", parents, param="under", key="sml_under", default=default_parent,
                                format_func=labels.get, container=st.sidebar)
else:
    classification = within
    column = unit_tree.CLASSIFICATION_BY_COLUMN[within].db_column
    groups = sorted(units[column].dropna().unique())
    own_group = units.set_index("unit_id")[column].get(user.unit_id)  # the reader's own unit's group first
    group = pickers.url_select(within_labels[within], groups, param="gruppe", key=f"sml_gruppe_{within}",
                               default=own_group if own_group in groups else groups[0], container=st.sidebar,
                               format_func=lambda g: unit_tree.CENTRALITY_CLASSES.get(g, g)
                               if within == "sentralitet" else g)
cands = data.compare_candidates(db, version, parent, group or None, period, classification)
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
pickers.to_url("innenfor", None if within == "fylke" else within)
pickers.to_url("under", parent)
pickers.to_url("gruppe", group or None)
pickers.to_url("enheter", ",".join(sorted(chosen)) if chosen and set(chosen) != set(cand_ids) else None)
pickers.to_url("rekkefolge", "navn" if order == "navn" else None)
pickers.to_url("juster", "additiv" if adjust else None)
pickers.to_url("hittil", "ja" if ytd else None)

if not chosen:
    st.info("Velg minst én enhet å sammenligne.")
    st.stop()
chosen_sorted = sorted(chosen, key=lambda u: (units.set_index("unit_id")["name"][u] if order == "navn" else u))
c, hist, withheld = data.comparison(db, version, tuple(chosen_sorted), indicator, period,
                                    "additive" if adjust else None, view.history_length(period), data.scope(user),
                                    ytd)
f = c.funnel
unit_names = units.set_index("unit_id")["name"]
if within == "fylke":
    scope_text = f"Enhetene under {labels[parent]}"
else:
    shown_group = unit_tree.CENTRALITY_CLASSES.get(group, group) if within == "sentralitet" else group
    scope_text = f"{within_labels[within]}: «{shown_group}»"
st.markdown(f"**{md(indicator)} {md(names[indicator])}** · {md(c.label())} · {md(scope_text)}.")
if f is not None:
    st.markdown(f"Gruppens andel: **{fmt.percent(f.p0 * 100 if f.p0 is not None else None)}** (summen av "
                f"tellerne delt på summen av nevnerne for {len(f.points)} enheter). Hver enhets andel er "
                f"{view.rule_text(c)}.")
else:
    st.markdown(f"Hver enhets tall er {view.rule_text(c)}.")
if withheld:
    st.caption(f"{disclosure.WITHHELD_TEXT.capitalize()} personer i grunnlaget, eller skjult for at et slikt tall "
               "ikke skal kunne regnes ut (vises ikke" + (" og er ikke med i gruppens andel): " if f else "): ")
               + ", ".join(md(unit_names[u]) for u in withheld) + ".")
if c.lacking:
    st.warning("Ikke med i sammenligningen fordi tallene ikke dekker de samme periodene som de andres (ulike "
               "perioder sammenlignes ikke): " + "; ".join(
                   f"{md(unit_names[u])} {md(c.lacking_text(u))}" for u in chosen_sorted if u in c.lacking) + ".",
               icon=":material/event_busy:")
missing = [md(unit_names[u]) for u, value in zip(c.values["unit_id"], c.values["value"], strict=True)
           if value != value and u not in withheld and u not in c.lacking]  # NaN: no figures at all
if missing:
    st.caption(("Uten tall hittil i år: " if ytd else "Uten tall for perioden: ") + ", ".join(missing) + ".")
if c.values["value"].isna().all():
    st.warning("Ingen av enhetene har tall å sammenligne for denne perioden.")
    st.stop()


def download_buttons() -> None:
    st.subheader("Last ned")
    downloads.comparison_buttons(c, hist, [(u, unit_names[u]) for u in withheld], chosen_sorted, names[indicator],
                                 scope_text, db, version)


if f is None:  # counts and averages: no binomial funnel, each unit's value in the table's order
    st.info(view.no_funnel_text(c), icon=":material/info:")
    st.plotly_chart(view.value_figure(c, chosen_sorted, user.unit_id), width="stretch",
                    config=norsk.PLOTLY_CONFIG)
    st.subheader("Enhetene")
    st.info(view.VALUE_RANKING_NOTE, icon=":material/info:")
    table = view.value_table(c, [(u, unit_names[u]) for u in withheld], chosen_sorted)
    st.caption("Velg en rad for å åpne enhetens målekort.")
    picked = st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4,
                          on_select="rerun", selection_mode="single-row", key="sml_tabell")
    if (unit := view.chosen_unit(picked, table)) is not None:
        links.go("malekort", **view.malekort_params(unit, period, indicator))
    download_buttons()
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
table = view.table(c, hist, [(u, unit_names[u]) for u in withheld], chosen_sorted)
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

download_buttons()
