"""Erfaringer: what units did that worked, registered so that others can learn. Open to everyone; searchable by
indicator, theme, fylke, unit and free text; listed by newest or by the unit tree, never ranked by any result.

Deep links: `?indikator=B.47` (practices that affected B.47), `?enhet=0312` (a unit's practices), also `tema`,
`fylke` and `sok`. Leaders, the fylke's management and analysts get a form; the core checks permission again.
"""

from __future__ import annotations

import streamlit as st

from navdash import practices
from navdash.access import User
from navdash.appdb import AppDbError
from navdash.ui import data, links
from navdash.ui.identity import current_user
from navdash.ui.text import md

FILTERS = ("indikator", "tema", "fylke", "enhet")
FORM_FIELDS = ("enhet", "tittel", "hva", "for_hvem", "indikatorer", "effekt", "tema", "fra", "til", "kontakt")
ORDER = {"newest": "Nyeste først", "tree": "Etter enhet (enhetstreet)"}


def url_filter(param: str, label: str, options: dict[str, str], column) -> str | None:  # noqa: ANN001
    """A selectbox that starts from the URL and writes itself back to it; None means «Alle»."""
    key = f"erf_{param}"
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        if wanted is not None and wanted not in options:
            st.warning(f"Fant ikke {label.lower()} «{md(wanted)}». Viser alle.")
        st.session_state[key] = wanted if wanted in options else None
    keys = list(options)
    chosen = column.selectbox(label, keys, key=key, index=None, placeholder="Alle", format_func=options.get)
    if chosen:
        st.query_params[param] = chosen
    else:
        st.query_params.pop(param, None)
    return chosen


def save(db: str, user: User) -> None:
    item = {f: st.session_state.get(f"erf_ny_{f}") for f in FORM_FIELDS}
    try:
        practice_id = practices.register(db, user, item)
    except practices.PracticeInvalid as exc:
        labels = practices.FIELD_LABELS
        lines = "\n".join(f"- **{labels.get(p.field, p.field)}:** {md(p.message)}" for p in exc.problems)
        st.session_state["erf_message"] = ("error", f"Erfaringen ble ikke registrert:\n{lines}")
    except (practices.NotAllowed, AppDbError) as exc:
        st.session_state["erf_message"] = ("error", md(exc))
    else:
        st.session_state["erf_message"] = ("success", f"Erfaringen er registrert (nr. {practice_id}).")
        for f in FORM_FIELDS[1:]:
            st.session_state.pop(f"erf_ny_{f}", None)


def practice_form(db: str, user: User, allowed: list[str], unit_names: dict[str, str],
                  indicators: dict[str, str]) -> None:
    labels = practices.FIELD_LABELS
    with st.form("erf_ny"):
        default = allowed.index(user.unit_id) if user.unit_id in allowed else 0
        st.selectbox(labels["enhet"], allowed, index=default, key="erf_ny_enhet",
                     format_func=lambda u: f"{u} {unit_names.get(u, '')}")
        st.text_input(labels["tittel"], key="erf_ny_tittel", max_chars=200)
        st.text_area(labels["hva"], key="erf_ny_hva", height=120, help="Beskriv tiltaket så andre kan gjøre det samme.")
        st.text_input(labels["for_hvem"], key="erf_ny_for_hvem", placeholder="For eksempel unge under 30 år")
        st.multiselect(labels["indikatorer"], list(indicators), key="erf_ny_indikatorer",
                       format_func=lambda i: f"{i} {indicators[i]}", placeholder="Velg indikatorer")
        st.text_area(labels["effekt"], key="erf_ny_effekt", height=80)
        st.text_input(labels["tema"], key="erf_ny_tema", placeholder="For eksempel Ungdom")
        left, right = st.columns(2)
        left.text_input(labels["fra"], key="erf_ny_fra", placeholder="april 2021 eller 2021-04")
        right.text_input(labels["til"], key="erf_ny_til", placeholder="Tom hvis tiltaket pågår")
        st.text_input(labels["kontakt"], key="erf_ny_kontakt", placeholder="Navn og e-post")
        st.form_submit_button("Registrer erfaringen", type="primary", on_click=save, args=(db, user))
        kind, message = st.session_state.pop("erf_message", (None, ""))
        if kind:
            getattr(st, kind)(message)


def show(p: practices.Practice) -> None:
    with st.container(border=True):
        st.subheader(md(p.title))
        where = f"{md(p.unit_name)} ({p.unit_id})" + (f" · {md(p.fylke_name)}" if p.fylke_name and
                                                        p.fylke_id != p.unit_id else "")
        st.caption(" · ".join(x for x in (where, md(p.period_text), f"Tema: {md(p.theme)}" if p.theme else "") if x))
        st.markdown(f"**Hva ble gjort:** {md(p.what, keep_lines=True)}")
        if p.for_whom:
            st.markdown(f"**For hvem:** {md(p.for_whom)}")
        st.markdown("**Indikatorer:**\n" + "\n".join(
            f"- {links.anchor(practices.link(indicator=i), i)} {md(n)}" for i, n in zip(p.indicators,
                                                                                         p.indicator_names,
                                                                                         strict=True)),
            unsafe_allow_html=True)
        if p.effect:
            st.markdown(f"**Hvordan indikatorene ble påvirket:** {md(p.effect, keep_lines=True)}")
        st.caption(f"Kontakt: {md(p.contact) if p.contact else 'ikke oppgitt'} · registrert av {md(p.registered_by)} "
                   f"{p.registered_at:%d.%m.%Y}")


user = current_user()
db, version = data.source()
units = data.units(db, version).set_index("unit_id")
unit_names = units["name"].to_dict()
_, _, indicators = data.goal_lists(db, version)
st.title("Erfaringer")
st.markdown("Her deler enhetene metoder og tiltak som har virket, så andre kan lære av dem. Alle kan lese og søke. "
            "Erfaringene vises etter dato eller enhet – aldri rangert etter resultater.")

col_ind, col_tema, col_fylke, col_enhet = st.columns(4)
indicator = url_filter("indikator", "Indikator", {i: f"{i} {n}" for i, n in indicators.items()}, col_ind)
theme = url_filter("tema", "Tema", {t: t for t in practices.themes(db)}, col_tema)
fylke = url_filter("fylke", "Fylke", practices.fylker(db), col_fylke)
unit = url_filter("enhet", "Enhet", {u: f"{u} {n}" for u, n in unit_names.items()}, col_enhet)
col_text, col_order = st.columns([3, 1])
if "erf_sok" not in st.session_state:
    st.session_state["erf_sok"] = st.query_params.get("sok", "")
text = col_text.text_input("Søk i tittel, beskrivelse, brukere, virkning og kontakt", key="erf_sok").strip()
if text:
    st.query_params["sok"] = text
else:
    st.query_params.pop("sok", None)
order = col_order.radio("Rekkefølge", list(ORDER), format_func=ORDER.get, key="erf_rekkefolge")

found = practices.search(db, indicator=indicator, theme=theme, fylke=fylke, unit=unit, text=text or None,
                         order=order)
st.header(f"{len(found)} {'erfaring' if len(found) == 1 else 'erfaringer'}")
if not found:
    if any((indicator, theme, fylke, unit, text)):
        st.info("Ingen erfaringer passer søket. Prøv færre filtre – eller del en erfaring selv.")
    else:
        st.info("Ingen har delt en erfaring ennå. Del gjerne en selv, så andre kan lære av den.")
for p in found:
    show(p)

allowed = practices.registrable_units(db, user)
st.header("Del en erfaring")
if allowed:
    with st.expander("Registrer en erfaring", icon=":material/add:", expanded="erf_message" in st.session_state):
        practice_form(db, user, allowed, unit_names, indicators)
else:
    st.caption("Ansatte kan lese og søke i erfaringene. Ledere registrerer for sin enhet, fylkesledelsen for "
               "fylket og kontorene i det.")
