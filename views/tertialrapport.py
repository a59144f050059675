"""Tertialrapport: the office's leader writes what was done per priority and a risk assessment per goal, from the
målekort at the tertial's end, saves drafts and sends the report; the fylkesledelse reads its offices' reports side
by side in the unit tree's order and marks them as received with follow-up points. Year and tertial live in the URL.
"""

from __future__ import annotations

import streamlit as st

from navdash import access, tertial
from navdash.appdb import AppDbError
from navdash.ui import data, downloads, layout, pickers, tertial_view
from navdash.ui.identity import current_user
from navdash.ui.saving import saving
from navdash.ui.scorecard_view import CSS as SCORECARD_CSS
from navdash.ui.text import md

MESSAGE = "tr_message"
NO_SCALE = "ikke vurdert"


def show_message() -> None:
    kind, text = st.session_state.pop(MESSAGE, (None, ""))
    if kind:
        getattr(st, kind)(text)


def attempt(action, success: str) -> None:  # noqa: ANN001 - a callable that writes
    """Run a write; a refusal becomes a Norwegian message (one line per problem), success a message after rerun."""
    try:
        with saving():
            action()
            st.session_state[MESSAGE] = ("success", success)
            st.rerun()
    except tertial.ReportProblem as exc:
        st.error("  \n".join(md(line) for line in str(exc).splitlines()))
    except PermissionError as exc:
        st.error(md(exc))


def scale_label(texts: dict[int, str]):  # noqa: ANN201 - a format function for a selectbox
    return lambda v: "Ikke vurdert" if v == NO_SCALE else f"{v} – {texts[v]}"


def history(unit_id: str) -> None:
    with st.expander("Historikk: alle versjoner"):
        rows = tertial.versions(db, unit_id, year, term)
        st.dataframe([{"Versjon": v.version, "Status": tertial.STATUS_TEXT[v.status], "Av": v.written_by,
                       "Tidspunkt": v.written_at.strftime("%d.%m.%Y %H:%M"), "Dataversjon": v.data_version}
                      for v in rows], hide_index=True, width="stretch")


def show_report(body: dict) -> None:
    st.subheader("Målekortet ved utgangen av tertialet")
    st.html(tertial_view.parameters_html(body))
    st.subheader("Prioriteringer – hva ble gjort")
    st.html(f'<div class="nd-tr-card">{tertial_view.priorities_html(body)}</div>')
    st.subheader("Risikovurdering")
    st.html(tertial_view.risks_html(body))
    if body.get("received_by"):
        st.html(f'<div class="nd-tr-card">{tertial_view.followups_html(body)}</div>')


def leader_page(unit_id: str) -> None:
    report = tertial.load(db, unit_id, year, term)
    body = report.body if report else tertial.draft(db, unit_id, year, term)
    st.title(f"Tertialrapport – {md(unit_id)} {md(body['unit_name'])}")
    st.caption(f"{md(label)} · status: **{tertial.STATUS_TEXT[report.status if report else None]}**"
               + (f" · versjon {report.version}, sist lagret av {md(report.updated_by)} "
                  f"{report.updated_at:%d.%m.%Y kl. %H:%M}" if report else "")
               + f" · {md(tertial.stamp(body))}")
    show_message()
    if report is not None and report.status != "utkast":
        st.info("Rapporten er sendt til fylket og kan ikke endres lenger." if report.status == "sendt" else
                "Fylket har mottatt rapporten.")
        show_report(body)
        downloads.tertial_buttons(report, db, version)
        history(unit_id)
        return
    st.markdown("Rapporten lages fra målekortet ved tertialets siste måned og kontorets prioriteringer. Skriv hva "
                "som ble gjort for hver prioritering og vurder risikoen for hvert mål. Lagre så ofte du vil; "
                "send rapporten til fylket når den er ferdig.")
    st.subheader("Målekortet ved utgangen av tertialet")
    st.html(tertial_view.parameters_html(body))

    st.subheader("Prioriteringer – hva ble gjort")
    if not body["priorities"]:
        st.info(f"Kontoret har ikke registrert prioriteringer for {year}. Legg dem inn på siden Mål og "
                "prioriteringer.")
    else:
        with st.form("tr_prioriteringer"):
            done = {p["no"]: st.text_area(f"{p['no']}. {md(p['title'])}", value=p.get("done", ""),
                                          key=f"tr_done_{unit_id}_{year}_{term}_{p['no']}",
                                          max_chars=tertial.MAX_TEXT, placeholder="Hva ble gjort i tertialet?")
                    for p in body["priorities"]}
            if st.form_submit_button("Lagre utkast"):
                attempt(lambda: tertial.save(db, user, unit_id, year, term, done=done), "Utkastet er lagret.")

    st.subheader("Risikovurdering per mål")
    st.caption("Vurder sannsynligheten for at målet ikke nås og konsekvensen om det skjer, hver på en skala fra 1 "
               "til 5. Risikoen er sannsynlighet × konsekvens.")
    st.html(tertial_view.risks_html(body))
    with st.expander("Risikomatrisen"):
        st.html(tertial_view.matrix_html())
    risks = {r["indicator_id"]: r for r in body["risks"]}
    if risks:
        goal = pickers.url_select("Mål som skal vurderes", list(risks), param="maal", key="tr_maal",
                                  default=next(iter(risks)),
                                  format_func=lambda i: f"{i} {risks[i]['name']} – {risks[i]['goal']}")
        risk = risks[goal]
        with st.form("tr_risiko"):
            left, right = st.columns(2)
            scale = [NO_SCALE, 1, 2, 3, 4, 5]
            likelihood = left.selectbox("Sannsynlighet", scale, index=scale.index(risk["likelihood"] or NO_SCALE),
                                        format_func=scale_label(tertial.LIKELIHOOD_TEXT),
                                        key=f"tr_s_{unit_id}_{year}_{term}_{goal}")
            consequence = right.selectbox("Konsekvens", scale, index=scale.index(risk["consequence"] or NO_SCALE),
                                          format_func=scale_label(tertial.CONSEQUENCE_TEXT),
                                          key=f"tr_k_{unit_id}_{year}_{term}_{goal}")
            measures = []
            for i in range(3):
                old = risk["measures"][i] if i < len(risk["measures"]) else {"text": "", "status": "planlagt"}
                text_col, status_col = st.columns([3, 1])
                text = text_col.text_input(f"Tiltak {i + 1}", value=old["text"], max_chars=tertial.MAX_TEXT,
                                           key=f"tr_t_{unit_id}_{year}_{term}_{goal}_{i}")
                status = status_col.selectbox(f"Status for tiltak {i + 1}", tertial.MEASURE_STATUSES,
                                              index=tertial.MEASURE_STATUSES.index(old["status"]),
                                              format_func=tertial.MEASURE_STATUS_TEXT.get,
                                              key=f"tr_ts_{unit_id}_{year}_{term}_{goal}_{i}")
                measures.append({"text": text, "status": status})
            if st.form_submit_button("Lagre risikovurderingen"):
                given = {"likelihood": None if likelihood == NO_SCALE else likelihood,
                         "consequence": None if consequence == NO_SCALE else consequence, "measures": measures}
                attempt(lambda: tertial.save(db, user, unit_id, year, term, risks={goal: given}),
                        f"Risikovurderingen for {goal} er lagret i utkastet.")

    st.subheader("Send til fylket")
    missing = tertial.missing_for_sending(body)
    if missing:
        st.caption(f"Før rapporten kan sendes mangler {len(missing)} ting: "
                   + " ".join(md(m) for m in missing[:3]) + (" …" if len(missing) > 3 else ""))
    if st.button("Send rapporten til fylket", type="primary"):
        attempt(lambda: tertial.save(db, user, unit_id, year, term, send=True), "Rapporten er sendt til fylket.")
    if report:
        downloads.tertial_buttons(report, db, version)
        history(unit_id)


def fylke_page(fylke_id: str) -> None:
    st.title(f"Tertialrapporter – {md(fylke_id)} {md(names.get(fylke_id, ''))}")
    st.caption(f"{md(label)}. Kontorene vises i enhetsrekkefølge, aldri rangert.")
    show_message()
    rows = tertial.for_offices(db, tertial.fylke_offices(db, fylke_id), year, term)
    if not rows:
        st.info("Fylket har ingen aktive kontorer.")
        return
    st.html(tertial_view.overview_html(rows, label))
    if any(r is not None for _, _, r in rows):
        downloads.fylke_tertial_buttons((fylke_id, names.get(fylke_id, "")), year, term, rows, db, version)

    st.header("Rapportene side om side")
    offices = [u for u, _, _ in rows]
    office_names = {u: n for u, n, _ in rows}
    with_report = [u for u, _, r in rows if r is not None]
    chosen = st.multiselect("Kontorer (høyst 4)", offices, default=(with_report or offices)[:3], max_selections=4,
                            format_func=lambda u: f"{u} {office_names[u]}", key="tr_side")
    by_unit = {u: r for u, _, r in rows}
    if chosen:
        chosen = [u for u in offices if u in chosen]  # always the tree's order, whatever order they were picked in
        for column, unit_id in zip(st.columns(len(chosen)), chosen, strict=True):
            with column:
                st.html(tertial_view.report_card_html(by_unit[unit_id], f"{unit_id} {office_names[unit_id]}"))

    st.header("Ett kontors rapport")
    if not with_report:
        st.info("Ingen kontorer har begynt på rapporten for tertialet ennå.")
        return
    unit_id = pickers.url_select("Kontor", with_report, param="kontor", key="tr_kontor", default=with_report[0],
                                 format_func=lambda u: f"{u} {office_names[u]}")
    report = by_unit[unit_id]
    st.caption(f"Status: **{report.status_text}** · versjon {report.version} · {md(tertial.stamp(report.body))}")
    show_report(report.body)
    downloads.tertial_buttons(report, db, version)
    if report.status == "sendt" and access.can_receive_tertial_report(user, unit_id, parents):
        with st.form("tr_mottatt"):
            st.markdown("**Marker rapporten som mottatt**")
            points = st.text_area("Oppfølgingspunkter (ett per linje)", max_chars=tertial.MAX_TEXT * 2)
            if st.form_submit_button("Marker som mottatt", type="primary"):
                attempt(lambda: tertial.receive(db, user, unit_id, year, term, points.splitlines()),
                        f"Rapporten fra {unit_id} er markert som mottatt.")
    elif report.status == "utkast":
        st.caption("Rapporten er et utkast; fylket kan markere den som mottatt når kontoret har sendt den.")
    history(unit_id)


user = current_user()
db, version = data.source()
units = data.units(db, version)
names = dict(zip(units["unit_id"], units["name"], strict=True))
parents = data.unit_parents(db, version)
months = data.months_with_data(db, version)
if not months:
    st.title("Tertialrapport")
    pickers.no_months(user, db, version, "Det finnes ingen månedstall ennå, så det kan ikke lages noen "
                      "tertialrapport. Last opp verdier først.")
    st.stop()
latest_year, latest_term = tertial.tertial_of(months[0])
years = sorted({int(m[:4]) for m in months}, reverse=True)
year = pickers.url_select("År", years, param="aar", key="tr_aar", default=latest_year, container=st.sidebar)
term = pickers.url_select("Tertial", list(tertial.TERTIALS), param="tertial", key="tr_tertial",
                          default=latest_term if year == latest_year else 3, container=st.sidebar,
                          format_func=lambda t: tertial.tertial_label(year, t))
label = tertial.tertial_label(year, term)
st.html(layout.PAGE_CSS + SCORECARD_CSS + tertial_view.CSS)

desk = access.tertial_report_desk(user)
try:
    if desk is None:
        st.error("Du har ikke tilgang til tertialrapportene.")
    elif desk[0] == "kontor":
        leader_page(desk[1])
    elif desk[0] == "fylke":
        fylke_page(desk[1])
    else:
        fylker = list(units[units["type"] == "fylke"].sort_values("unit_id")["unit_id"])
        fylke_page(pickers.url_select("Fylke", fylker, param="fylke", key="tr_fylke", default=fylker[0],
                                      format_func=lambda u: f"{u} {names[u]}", container=st.sidebar))
except AppDbError as exc:
    st.error(md(exc))
