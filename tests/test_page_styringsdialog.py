"""AppTest of Månedsmøtet: opening a meeting, the frozen numbers, the concern filter, follow-up points by role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, fmt, ingest, meetings, store
from tests.pagetest import ROOT, html_tables

PAGE = str(ROOT / "views" / "styringsdialog.py")
FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]


def app(db: Path, monkeypatch, page: str, **params: str) -> AppTest:
    """The page itself (buttons inside app.py's navigation do not register clicks in AppTest)."""
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(page, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _overview(at) -> list[list[str]]:
    table = next(t for t in html_tables(at) if t and t[0] and t[0][0] == "Kontor")
    return table[1:]


def _office_rows(at) -> dict[str, list[str]]:
    table = next(t for t in html_tables(at) if t and t[0] and t[0][0] == "MK ID")
    return {row[0]: row for row in table[1:]}


def _button(at, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def test_fylkesleder_opens_the_meeting_for_a_month(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, persona="fylkesleder")
    assert at.title[0].value == "Månedsmøtet – 0300 NAV Oslo"
    assert any("ingen møter ennå" in i.value for i in at.info)
    next(s for s in at.selectbox if s.label == "Måned for nytt møte").set_value("2022-11").run()
    _button(at, "Åpne møtet for november 2022").click().run()
    assert not at.exception, at.exception
    rows = _overview(at)
    with store.reading(demo_db) as con:
        expected = con.execute("SELECT unit_id, name FROM units WHERE parent_id = '0300' AND valid_to IS NULL "
                               "AND type = 'kontor'").fetchall()
    # In the unit tree's one order (by name, then number), never by value; each office named, not only numbered.
    assert [r[0] for r in rows] == [f"{u} {n}" for u, n in sorted(expected, key=lambda x: (x[1], x[0]))]
    html = "".join(e.proto.body for e in at.get("html"))
    for unit_id, _name in expected:  # each row opens the office's målekort for the meeting's month, same tab
        assert f'href="/malekort?enhet={unit_id}&#38;periode=2022-11&#38;persona=fylkesleder" target="_self"' in html
    assert [m.period for m in meetings.meetings_for(demo_db, "0300")] == ["2022-11"]
    assert any("Dataversjon" in c.value for c in at.caption)


def test_concern_filter_shows_only_offices_with_special_cause_concern(demo_db, monkeypatch):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    snap = meetings.load_meeting(demo_db, meeting_id).snapshot
    concern = [o.unit_id for o in snap.offices if o.concern]
    assert 0 < len(concern) < 15
    at = app(demo_db, monkeypatch, PAGE, persona="fylkesleder")
    marked = [r[0][:4] for r in _overview(at) if r[1] != "–"]
    assert marked == concern
    at.checkbox[0].check().run()
    assert [r[0][:4] for r in _overview(at)] == concern


def test_a_reopened_meeting_shows_the_frozen_numbers_not_new_data(demo_db, monkeypatch, tmp_path):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    frozen = next(o for o in meetings.load_meeting(demo_db, meeting_id).snapshot.offices
                  if o.unit_id == "0312").rows
    b15 = next(r for r in frozen if r.indicator_id == "B.15")
    f = tmp_path / "ny.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2022-12,1,200,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=demo_db, who="test", today=date(2026, 11, 24)).ok
    at = app(demo_db, monkeypatch, PAGE, persona="fylkesleder", mote=str(meeting_id), kontor="0312")
    shown = _office_rows(at)["B.15"][6]
    assert shown.startswith(fmt.measure_value(b15.this_period.value, "prosent").replace("\u00a0", " "))
    assert "0,5" not in shown


def test_fylkesleder_adds_a_point_and_the_leder_answers_it(demo_db, monkeypatch):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    at = app(demo_db, monkeypatch, PAGE, persona="fylkesleder", mote=str(meeting_id), kontor="0312")
    form_text = next(t for t in at.text_area if t.label == "Hva skal følges opp")
    form_text.input("Følg opp unge arbeidssøkere")
    next(t for t in at.text_input if t.label == "Ansvarlig").input("Kari Nordmann")
    _button(at, "Legg til punktet").click().run()
    assert not at.exception, at.exception
    points = meetings.followups_created_in(demo_db, "0312", meeting_id)
    assert [(p.text, p.responsible, p.status) for p in points] == [
        ("Følg opp unge arbeidssøkere", "Kari Nordmann", "åpen")]
    table = next(t for t in html_tables(at) if t and t[0] and t[0][0] == "Punkt")
    assert table[1][:4] == ["Følg opp unge arbeidssøkere", "Kari Nordmann", "–", "Åpen"]

    leder = app(demo_db, monkeypatch, PAGE, persona="leder", mote=str(meeting_id), kontor="0312")
    assert not [b for b in leder.button if b.label == "Legg til punktet"]
    next(s for s in leder.selectbox if s.label == "Status").set_value("pågår")
    next(t for t in leder.text_input if t.label == "Notat").input("Startet i januar")
    _button(leder, "Lagre status").click().run()
    assert not leder.exception, leder.exception
    assert meetings.followups_created_in(demo_db, "0312", meeting_id)[0].status == "pågår"
    assert [h.note for h in meetings.history(demo_db, points[0].followup_id)] == ["Opprettet", "Startet i januar"]

    other = app(demo_db, monkeypatch, PAGE, persona="leder", mote=str(meeting_id), kontor="0313")
    assert not [b for b in other.button if b.label in ("Lagre status", "Legg til punktet")]


def test_comment_written_in_the_meeting_is_shown_beside_the_number(demo_db, monkeypatch):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Se på <b>unge</b>")
    at = app(demo_db, monkeypatch, PAGE, persona="leder", mote=str(meeting_id), kontor="0312")
    assert "Kommentar: Se på <b>unge</b>" in _office_rows(at)["B.15"][1]
    assert not [e for e in at.expander if e.label == "Skriv en kommentar til et resultat"]


def test_the_frame_lists_the_page_for_meeting_roles_only(demo_db, monkeypatch):
    from tests import pagetest

    at = pagetest.app(demo_db, monkeypatch, "views/styringsdialog.py", persona="fylkesleder")
    assert at.title[0].value == "Månedsmøtet – 0300 NAV Oslo"
    leder = pagetest.app(demo_db, monkeypatch, "views/styringsdialog.py", persona="leder")
    assert leder.title[0].value == "Månedsmøtet – 0300 NAV Oslo"  # the leder's fylke, read only
    assert not [b for b in leder.button if b.label.startswith("Åpne møtet")]
    assert not access.can_open(access.DEMO_PERSONAS["ansatt"], "styringsdialog")


def test_meeting_says_how_many_flags_chance_alone_would_give(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, persona="fylkesleder")
    assert next(s for s in at.selectbox if s.label == "Måned for nytt møte").value == "2022-12"
    _button(at, "Åpne møtet for desember 2022").click().run()
    text = " ".join(i.value for i in at.info)
    # Counted from the frozen snapshot itself: every office row that carries a variation verdict is one signal.
    [meeting] = meetings.meetings_for(demo_db, "0300")
    rows = [r for o in meetings.load_meeting(demo_db, meeting.meeting_id).snapshot.offices for r in o.rows]
    signals = [r for r in rows if r.variation]
    flagged = [r for r in signals if r.variation != "common_cause"]
    assert 100 < len(signals) <= len(rows)  # 15 offices with most styringsparametere carrying a signal
    assert f"Møtet viser {fmt.number(len(signals))} signaler" in text
    assert f"omtrent {fmt.number(len(signals) * 0.017)} av dem" in text and "1,7\u00a0% sjanse for falsk alarm" in text
    assert f"Nå viser {fmt.number(len(flagged))} signaler særskilt variasjon" in text


def test_the_pack_is_offered_as_pdf_and_excel_and_built_only_when_asked(demo_db, monkeypatch):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    at = app(demo_db, monkeypatch, PAGE, persona="leder", mote=str(meeting_id))
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"Last ned møtepakken (PDF)", "Last ned møtepakken (Excel)"}
    for button in buttons.values():
        assert button.deferred_file_id and not button.url  # a callable: nothing is built until it is pressed
        assert button.ignore_rerun  # pressing it does not rerun the page
