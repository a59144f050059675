"""Dialogue on the numbers: the office's leader answers the fylke's comment, the thread is kept and shown beside the
number on the målekort and in the meeting; only the office's leader answers, and only a comment that exists."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, meetings
from tests.conftest import app_fingerprint, app_rows
from tests.pagetest import ROOT, body_rows, html_tables

FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # 0300
LEDER = access.DEMO_PERSONAS["leder"]  # 0312
OTHER_LEDER = access.User("Annen leder", "leder", "0313")


def test_leader_answers_a_comment_and_the_thread_is_kept_in_order(appdb_backend, demo_db):
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Hvorfor faller andelen?")
    meetings.answer_comment(demo_db, LEDER, "0312", "B.15", "2022-12", "Færre tiltaksplasser i høst.")
    meetings.answer_comment(demo_db, LEDER, "0312", "B.15", "2022-12", "  Nye plasser fra januar.  ")
    comment = meetings.comments_for(demo_db, "0312", "2022-12")["B.15"]
    assert comment.text == "Hvorfor faller andelen?"
    assert [(r.text, r.written_by) for r in comment.replies] == [
        ("Færre tiltaksplasser i høst.", LEDER.name), ("Nye plasser fra januar.", LEDER.name)]
    assert meetings.comments_for(demo_db, "0312", "2022-11") == {}
    assert [a for (a,) in app_rows(demo_db, "SELECT action FROM audit_log WHERE who = :w", w=LEDER.name)] == [
        "svar på kommentar", "svar på kommentar"]


@pytest.mark.parametrize(("user", "indicator", "text", "error", "message"), [
    (OTHER_LEDER, "B.15", "Svar", PermissionError, "Bare lederen for kontoret"),
    (FYLKESLEDER, "B.15", "Svar", PermissionError, "Bare lederen for kontoret"),
    (access.DEMO_PERSONAS["ansatt"], "B.15", "Svar", PermissionError, "Bare lederen for kontoret"),
    (LEDER, "B.47", "Svar", ValueError, "ingen kommentar å svare på"),
    (LEDER, "B.15", "   ", ValueError, "Skriv et svar"),
    (LEDER, "B.15", "x" * (meetings.MAX_REPLY + 1), ValueError, "høyst 2000"),
])
def test_answers_are_refused_in_norwegian_and_nothing_is_written(demo_db, user, indicator, text, error, message):
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Kommentar")
    before = app_fingerprint(demo_db)
    with pytest.raises(error, match=message):
        meetings.answer_comment(demo_db, user, "0312", indicator, "2022-12", text)
    assert app_fingerprint(demo_db) == before


def _page(db: Path, monkeypatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _row(at, indicator: str) -> str:
    return next(row[1] for t in html_tables(at) for row in body_rows(t) if row and row[0] == indicator)


def test_leader_answers_on_the_malekort_and_the_thread_shows_there_and_in_the_meeting(demo_db, monkeypatch):
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Hvorfor faller andelen?")
    at = _page(demo_db, monkeypatch, "views/malekort.py", persona="leder", enhet="0312", periode="2022-12")
    assert at.selectbox(key="malekort_svar_ind").options == ["B.15 " + next(
        r.name for r in meetings.scorecard.load("0312", "2022-12", demo_db).steering if r.indicator_id == "B.15")]
    at.text_area(key="malekort_svar_text").input("Færre <b>tiltaksplasser</b>")
    next(b for b in at.button if b.label == "Send svaret").click().run()
    assert not at.exception, at.exception
    cell = _row(at, "B.15")
    assert "Kommentar: Hvorfor faller andelen?" in cell
    assert "Svar: Færre <b>tiltaksplasser</b>" in cell  # escaped, shown as text
    assert cell.index("Kommentar:") < cell.index("Svar:")

    meeting = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    fylke = _page(demo_db, monkeypatch, "views/styringsdialog.py", persona="fylkesleder", mote=str(meeting),
                  kontor="0312")
    assert "Svar: Færre <b>tiltaksplasser</b>" in _row(fylke, "B.15")
    assert not [e for e in fylke.expander if e.label == "Svar på en kommentar fra fylket"]  # the fylke does not answer
    other = _page(demo_db, monkeypatch, "views/malekort.py", persona="ansatt", enhet="0312", periode="2022-12")
    assert "Svar: Færre <b>tiltaksplasser</b>" in _row(other, "B.15")  # everyone who sees the number sees the thread
    assert not [b for b in other.button if b.label == "Send svaret"]


# --- proposals for the office's priorities -------------------------------------------------------------------------

ANSATT = access.DEMO_PERSONAS["ansatt"]  # works at 0312


def test_employees_propose_and_comment_and_the_leaders_decision_keeps_what_was_proposed(appdb_backend, demo_db):
    from navdash import proposals

    first = proposals.propose(demo_db, ANSATT, "0312", 2023, "Flere unge i jobb", "Mange unge venter.")
    second = proposals.propose(demo_db, LEDER, "0312", 2023, "Kortere ventetid")
    proposals.comment(demo_db, ANSATT, first, "Enig, særlig under 25")
    proposals.comment(demo_db, LEDER, first, "Hva med tiltaksplasser?")
    proposals.decide(demo_db, LEDER, first, True, "Tas inn som prioritering 1")
    proposals.decide(demo_db, LEDER, second, False)
    items = proposals.for_unit(demo_db, "0312", 2023)
    assert [(p.title, p.status, p.decided_by) for p in items] == [
        ("Flere unge i jobb", "tatt inn", LEDER.name), ("Kortere ventetid", "ikke tatt inn", LEDER.name)]
    assert items[0].decided_on["title"] == "Flere unge i jobb"
    assert [c["text"] for c in items[0].decided_on["comments"]] == ["Enig, særlig under 25", "Hva med tiltaksplasser?"]
    assert items[0].decision_note == "Tas inn som prioritering 1" and items[1].decision_note is None
    with pytest.raises(proposals.ProposalProblem, match="allerede avgjort"):
        proposals.comment(demo_db, ANSATT, first, "For sent")
    with pytest.raises(proposals.ProposalProblem, match="allerede avgjort"):
        proposals.decide(demo_db, LEDER, first, False)
    assert proposals.for_unit(demo_db, "0313", 2023) == []


@pytest.mark.parametrize(("action", "error", "message"), [
    (lambda p, db, pid: p.propose(db, OTHER_LEDER, "0312", 2023, "x"), PermissionError, "Bare de som jobber"),
    (lambda p, db, pid: p.propose(db, FYLKESLEDER, "0312", 2023, "x"), PermissionError, "Bare de som jobber"),
    (lambda p, db, pid: p.propose(db, ANSATT, "0312", 2023, "  "), "problem", "Skriv en tittel"),
    (lambda p, db, pid: p.propose(db, ANSATT, "0312", 2023, "x" * 201), "problem", "høyst 200"),
    (lambda p, db, pid: p.comment(db, access.User("Ansatt", "ansatt", "0313"), pid, "x"), PermissionError,
     "Bare de som jobber"),
    (lambda p, db, pid: p.decide(db, ANSATT, pid, True), PermissionError, "Bare lederen for kontoret"),
    (lambda p, db, pid: p.decide(db, LEDER, pid + 1000, True), "problem", "Fant ikke forslaget"),
])
def test_proposals_refuse_in_norwegian_and_write_nothing(demo_db, action, error, message):
    from navdash import proposals

    pid = proposals.propose(demo_db, ANSATT, "0312", 2023, "Forslag")
    before = app_fingerprint(demo_db)
    with pytest.raises(proposals.ProposalProblem if error == "problem" else error, match=message):
        action(proposals, demo_db, pid)
    assert app_fingerprint(demo_db) == before


def test_goals_page_lets_employees_propose_and_the_leader_decide(demo_db, monkeypatch):
    from navdash import proposals

    at = _page(demo_db, monkeypatch, "views/mal.py", persona="ansatt", enhet="0312", aar="2022")
    next(t for t in at.text_input if t.label == "Tittel på forslaget").input("**Unge** <i>først</i>")
    next(b for b in at.button if b.label == "Send forslaget").click().run()
    assert not at.exception, at.exception
    assert [p.title for p in proposals.for_unit(demo_db, "0312", 2022)] == ["**Unge** <i>først</i>"]
    shown = [m.value for m in at.markdown if "først" in m.value]
    assert shown and "**Unge**" not in shown[0] and "<i>" not in shown[0]  # escaped, read as text
    assert not [b for b in at.button if b.label == "Lagre avgjørelsen"]  # employees do not decide

    leader = _page(demo_db, monkeypatch, "views/mal.py", persona="leder", enhet="0312", aar="2022")
    leader.radio[0].set_value(False)
    next(t for t in leader.text_input if t.label == "Begrunnelse").input("Dekkes av prioritering 1")
    next(b for b in leader.button if b.label == "Lagre avgjørelsen").click().run()
    assert not leader.exception, leader.exception
    decided = proposals.for_unit(demo_db, "0312", 2022)[0]
    assert (decided.status, decided.decision_note) == ("ikke tatt inn", "Dekkes av prioritering 1")
    neighbour = _page(demo_db, monkeypatch, "views/mal.py", persona="ansatt", enhet="0313", aar="2022")
    assert not [b for b in neighbour.button if b.label == "Send forslaget"]  # another office's priorities
