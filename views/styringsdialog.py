"""Månedsmøtet: the fylke's monthly results review from a frozen snapshot, with follow-up points per office,
comments, and the meeting pack to download. The chosen meeting and office live in the URL."""

from __future__ import annotations

from datetime import date

import streamlit as st

from navdash import access, approval, meetings
from navdash.exports import meeting as meeting_pack
from navdash.periods import parse_period
from navdash.ui import comment_form, data, downloads, layout, meeting_view, pickers, scorecard_view
from navdash.ui.identity import current_user
from navdash.ui.saving import saving
from navdash.ui.text import md

db, version = data.source()
user = current_user()
units = data.units(db, version)
names = dict(zip(units["unit_id"], units["name"], strict=True))
params = st.query_params

fylke_id = access.meeting_fylke(user, data.unit_parents(db, version))
if fylke_id is None:  # the analytiker picks a fylke
    fylker = list(units[units["type"] == "fylke"].sort_values("unit_id")["unit_id"])
    fylke_id = pickers.url_select("Fylke", fylker, param="fylke", key="mote_fylke", default=fylker[0],
                                  format_func=lambda u: f"{u} {names[u]}", container=st.sidebar)

st.title(f"Månedsmøtet – {md(fylke_id)} {md(names.get(fylke_id, ''))}")
st.markdown("Alle kontorene i fylket i én oversikt, i enhetsrekkefølge. Tallene er **frosset** da møtet ble åpnet: "
            "nye data som kommer under møtet endrer ingenting, og et tidligere møte kan åpnes igjen slik det var.")

months = data.months_with_data(db, version) if access.can_run_meeting(user, fylke_id) else []
if access.can_run_meeting(user, fylke_id) and not months:
    pickers.no_months(user, db, version, "Det finnes ingen månedstall ennå, så et møte kan ikke åpnes. Last opp "
                      "verdier først.")
elif months:
    with st.container(border=True):
        complete = data.latest_complete_month(db, version, fylke_id)
        month = pickers.url_select("Måned for nytt møte", months, param="maned", key="mote_maned",
                                   default=complete if complete in months else months[0],
                                   format_func=lambda p: parse_period(p).label())
        already = meetings.meeting_for_month(db, fylke_id, month)  # a month has one meeting
        if already is not None:
            st.caption(f"Møtet for {parse_period(month).label()} er allerede åpnet, med tallene slik de var da.")
        verb = "Vis" if already is not None else "Åpne"
        if st.button(f"{verb} møtet for {parse_period(month).label()}", type="primary") and month:
            with saving():
                params["mote"] = str(meetings.open_meeting(db, user, fylke_id, month))
                st.rerun()

until = data.viewer_until(db, version, user)  # a meeting on a month whose approval was withdrawn is not shown
past = [m for m in meetings.meetings_for(db, fylke_id) if approval.within(until, m.period)]
if not past:
    st.info("Fylket har ingen møter ennå." + (" Velg en måned og åpne møtet." if access.can_run_meeting(
        user, fylke_id) else " Fylkesledelsen åpner møtene."))
    st.stop()
ids = [m.meeting_id for m in past]
meeting_id = pickers.url_select("Møte", ids, param="mote", key="mote_valg", default=ids[0],
                                format_func=lambda i: next(m.label for m in past if m.meeting_id == i))
meeting = next(m for m in past if m.meeting_id == meeting_id)
# Parsed once per meeting and data version, and only as this viewer may see it: only this is shown or exported.
snap = data.meeting_snapshot(db, version, data.scope(user), meeting_id, meeting.opened_at.isoformat())
st.caption(f"{md(snap.stamp)} av {md(snap.opened_by or meeting.opened_by)}. "
           + (f"Endringer er målt mot møtet for {parse_period(snap.previous_period).label()}."
              if snap.previous_period else "Første møte: ingen endringer å vise."))

st.html(layout.PAGE_CSS + scorecard_view.CSS + meeting_view.CSS)
all_points = meetings.meeting_points(db, meeting_id)  # every office's points in one query
open_points = {o.unit_id: all_points.open_count(o.unit_id) for o in snap.offices}
st.info(meetings.chance_flags(snap).text, icon=":material/casino:")
only_concern = st.checkbox("Vis bare kontorer med særskilt variasjon – bekymring")
st.html(meeting_view.overview_html(snap, open_points, only_concern))

st.markdown("**Møtepakken**: oversikten, hvert kontors styringsparametere med signaler og begrunnelser, "
            "kommentarene og oppfølgingspunktene, merket med dataversjonen. Den lages når du laster den ned.")
downloads.buttons("Last ned møtepakken", lambda: meeting_pack.pdf(meeting_pack.load(db, snap)),
                  lambda: meeting_pack.workbook(meeting_pack.load(db, snap)),
                  lambda ext: f"motepakke-{fylke_id}-{meeting.period}.{ext}")

st.header("Kontor")
offices = [o.unit_id for o in snap.offices]
if not offices:
    st.warning("Fylket har ingen kontorer i dette møtet.")
    st.stop()
office_names = {o.unit_id: o.name for o in snap.offices}
unit_id = pickers.url_select("Kontor", offices, param="kontor", key="mote_kontor", default=offices[0],
                             format_func=lambda u: f"{u} {office_names[u]}")
office = next(o for o in snap.offices if o.unit_id == unit_id)
office_comments = meetings.comments_for(db, unit_id, meeting.period)
st.html(meeting_view.office_html(office, office_comments))
comment_form.reply_form(db, user, unit_id, meeting.period, office_comments,
                        {r.indicator_id: r.name for r in office.rows}, key="mote_svar")
full, answer = meetings.may_edit_followups(db, user, unit_id)

if full and office.rows:
    with st.expander("Skriv en kommentar til et resultat"), st.form("kommentar", clear_on_submit=True):
        row_ids = [r.indicator_id for r in office.rows]
        row_names = {r.indicator_id: f"{r.indicator_id} {r.name}" for r in office.rows}
        indicator = st.selectbox("Styringsparameter", row_ids, format_func=lambda i: row_names[i])
        text = st.text_area("Kommentar (tom tekst fjerner kommentaren)")
        if st.form_submit_button("Lagre kommentaren"):
            with saving():
                meetings.write_comment(db, user, unit_id, indicator, meeting.period, text)
                st.rerun()

st.subheader("Oppfølgingspunkter")
office_points = all_points.of(unit_id)
points = office_points.all
if points:
    st.html(meeting_view.followups_html(points, {p.followup_id for p in office_points.carried},
                                        f"Oppfølgingspunkter for {unit_id} {office_names[unit_id]}"))
else:
    st.caption("Ingen oppfølgingspunkter for kontoret i dette møtet.")

if full:
    with st.form("nytt_punkt", clear_on_submit=True):
        st.markdown("**Nytt oppfølgingspunkt**")
        text = st.text_area("Hva skal følges opp")
        responsible = st.text_input("Ansvarlig")
        due = st.date_input("Frist", value=None, format="DD.MM.YYYY", min_value=date(2000, 1, 1))
        if st.form_submit_button("Legg til punktet"):
            if text.strip():
                with saving():
                    meetings.add_followup(db, user, unit_id, meeting_id, text, responsible, due)
                    st.rerun()
            else:
                st.error("Skriv hva som skal følges opp.")
if answer and points:
    with st.form("status"):
        st.markdown("**Oppdater status**")
        texts = {p.followup_id: p.text for p in points}
        point = st.selectbox("Punkt", list(texts), format_func=lambda i: texts[i][:80])
        status = st.selectbox("Status", meetings.STATUSES, format_func=lambda s: meetings.STATUS_TEXT[s])
        note = st.text_input("Notat")
        if st.form_submit_button("Lagre status"):
            with saving():
                meetings.update_followup(db, user, point, status=status, note=note, meeting_id=meeting_id)
                st.rerun()
for p in points:
    with st.expander(f"Historikk: {md(p.text[:60])}"):
        st.dataframe([{"Tid": h.changed_at.strftime("%d.%m.%Y %H:%M"), "Status": meetings.STATUS_TEXT[h.status],
                       "Notat": h.note or "", "Av": h.changed_by} for h in meetings.history(db, p.followup_id)],
                     hide_index=True, width="stretch")
