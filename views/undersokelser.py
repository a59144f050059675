"""Medarbeiderundersøkelser: answers by theme and question for a unit, its fylke and Norge, by group, with the
change from the previous round. Anonymity is the core's (navdash.survey): this page shows only what the published
table holds, and hidden figures say why. Survey, round, unit and group live in the URL
(`?undersokelse=...&runde=2019&enhet=0312&gruppe=leder`)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from navdash import survey
from navdash.survey import ALL
from navdash.ui import data, norsk, pickers, survey_view
from navdash.ui.identity import current_user
from navdash.ui.scorecard_view import CSS
from navdash.ui.text import md


def choose(label: str, options: list, param: str, default: object, show: Callable[[object], str]) -> object:
    """A sidebar choice that starts from the URL and writes itself back to it."""
    def unknown(wanted: str) -> None:
        st.sidebar.warning(f"Fant ikke {label.lower()} «{md(wanted)}». Viser {md(show(default))}.")

    return pickers.url_select(label, options, param=param, key=f"us_{param}", default=default, format_func=show,
                              container=st.sidebar, unknown=unknown)


user = current_user()
if user is None:  # app.py's gate stops before this; a page must not trust that it ran
    st.stop()
db, version = data.source()
st.title("Medarbeiderundersøkelser")
names_list = data.surveys(db, version)
if not names_list:
    st.info("Det er ikke lastet inn resultater fra medarbeiderundersøkelser ennå.")
    st.stop()

name = choose("Undersøkelse", names_list, "undersokelse", names_list[-1], str)
all_rounds = data.survey_rounds(db, version, name)
round_ = choose("Runde", all_rounds, "runde", all_rounds[-1], str)
try:
    k = data.survey_threshold(db, version, name)
    table = data.survey_published(db, version, name)  # the one gate: everything below is drawn from this table
except ValueError as exc:  # survey.SurveyShapeError, or an invalid threshold setting: nothing is shown
    st.error(md(str(exc)))
    st.stop()
hidden = survey.hidden_text(k)
units = data.survey_units(db, version)
names = dict(zip(units["unit_id"], units["name"], strict=True))
with_answers = set(table["unit_id"])
# The units this user may see that have answers, in tree order, never by results.
options = [u for u, _ in data.unit_options(db, version, user.cache_key) if u in with_answers]
if not options:
    st.info("Det finnes ingen svar for enhetene du har tilgang til i denne undersøkelsen.")
    st.stop()
wanted = st.query_params.get("enhet")
if wanted in names and wanted not in options and wanted in data.visible_units(user):
    st.info(f"Det finnes ingen svar for enhet «{md(wanted)}» i denne undersøkelsen. Viser din egen enhet.")
    st.query_params["enhet"] = user.unit_id
elif wanted in names and wanted not in options:
    st.error(f"Du har ikke tilgang til enhet «{md(wanted)}». Viser din egen enhet.")
    st.query_params["enhet"] = user.unit_id
home = user.unit_id if user.unit_id in options else options[0]
unit = choose("Enhet", options, "enhet", home, lambda u: f"{u} {names[u]}")
sel = survey.select(table, units, round_, survey.chain(units, unit), k)
grp = choose("Gruppe", sel.groups, "gruppe", ALL, survey.group_text) if len(sel.groups) > 1 else ALL

compared = " og ".join(md(names[u]) for u in sel.units[1:])
st.caption(f"{md(name)} · runde {md(round_)} · {md(names[unit])}"
           + (f" sammenlignet med {compared}" if compared else ""))
with st.expander("Slik beskytter vi anonymiteten", icon=":material/shield_person:"):
    st.markdown(
        f"Ingen tall vises for færre enn **{k} svar**: ikke for et spørsmål, en gruppe, en enhet, en runde eller "
        "en endring mellom runder. Der det står *" + hidden + "*, er tallet holdt tilbake. Grensen ble satt da "
        "undersøkelsen ble lastet inn første gang, og endres ikke senere.\n\n"
        f"For at ingen skal kunne regne seg fram til en skjult gruppe ved å trekke tall fra hverandre, er grupper "
        f"med færre enn {k} svar holdt utenfor **alle** tall, også summene for enheten, fylket og Norge. Små grupper "
        f"i samme enhet telles bare med i enhetens sum når de til sammen har minst {k} svar. Derfor kan antall svar "
        "i summene være litt lavere enn antallet som svarte, og svarprosenten regnes av svarene som vises.\n\n"
        "Endring fra forrige runde vises bare når begge rundene har nok svar. Endringer er i prosentpoeng (pp). "
        "En runde kan ikke endres etter at den er lastet inn. Summene for fylket og Norge regnes ut her av "
        "enhetenes svar. Bare antall svar per svaralternativ er lagret, ingen enkeltsvar, og fritekstsvar vises "
        "aldri."
    )
st.html(CSS + survey_view.CSS)
st.html(survey_view.response_html(sel))

group_name = survey.group_text(grp).lower()
st.header(f"Svarfordeling for {md(names[unit])}" + ("" if grp == ALL else f" – {md(group_name)}"))
mine = sel.cells[(sel.cells["unit_id"] == unit) & (sel.cells["grp"] == grp)]
for theme, cells in mine.groupby("theme", sort=False):
    st.plotly_chart(survey_view.figure(cells, theme), width="stretch", config=norsk.PLOTLY_CONFIG,
                    key=f"us_fig_{theme}")

st.header("Andel enig, antall svar og endring")
st.caption("Enig er svar 4 (enig) og 5 (helt enig). Enhetene står i enhetstreet sin rekkefølge, ikke etter resultat.")
st.html(survey_view.table_html(sel, survey_view.unit_columns(sel, names, grp),
                               f"{names[unit]}, fylket og Norge – {survey.group_text(grp).lower()}"))
if len(sel.groups) > 1:
    st.header(f"Etter gruppe i {md(names[unit])}")
    st.html(survey_view.table_html(sel, survey_view.group_columns(sel, unit), f"Etter gruppe i {names[unit]}"))
