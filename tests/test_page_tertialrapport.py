"""AppTest of Tertialrapport: the leader writes, saves and sends; the fylke reads its offices in tree order and marks
a report received; user text is shown literally; roles without the page are refused."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, goals, meetings, store, tertial
from navdash.text import shown
from tests.pagetest import ROOT, html_tables, plain

PAGE = str(ROOT / "views" / "tertialrapport.py")
LEDER = access.DEMO_PERSONAS["leder"]
FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]


def app(db: Path, monkeypatch, **params: str) -> AppTest:
    """The page itself (buttons inside app.py's navigation do not register clicks in AppTest)."""
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at, first: str, column: str | None = None) -> list[list[str]]:
    return next(t for t in html_tables(at) if t and t[0] and t[0][0] == first and (column is None or column in t[0]))


def test_leader_writes_saves_and_sends_the_report(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, persona="leder", aar="2022", tertial="2")
    assert plain(at.title[0].value) == "Tertialrapport – 0312 NAV Frogner"
    body = tertial.draft(demo_db, "0312", 2022, 2)
    assert [r[0] for r in _table(at, "MK ID")[1:]] == [r["indicator_id"] for r in body["parameters"]]
    assert len(at.text_area) == len(body["priorities"]) > 0
    for i, area in enumerate(at.text_area):
        area.input(f"Gjort {i}")
    at.button[0].click().run()  # Lagre utkast
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Utkastet er lagret."]
    report = tertial.load(demo_db, "0312", 2022, 2)
    assert (report.status, report.version) == ("utkast", 1)
    assert [p["done"] for p in report.body["priorities"]] == [f"Gjort {i}" for i in range(len(body["priorities"]))]

    at.button[-1].click().run()  # Send: refused while goals are not assessed
    assert "Rapporten ble ikke sendt" in plain(at.error[0].value)
    assert tertial.load(demo_db, "0312", 2022, 2).status == "utkast"

    goal = body["risks"][0]["indicator_id"]
    at.selectbox(key="tr_maal").set_value(goal).run()
    at.selectbox(key=f"tr_s_0312_2022_2_{goal}").set_value(4)
    at.selectbox(key=f"tr_k_0312_2022_2_{goal}").set_value(3)
    at.text_input(key=f"tr_t_0312_2022_2_{goal}_0").input("Ekstra oppfølging av <b>unge</b>")
    at.selectbox(key=f"tr_ts_0312_2022_2_{goal}_0").set_value("pågår")
    next(b for b in at.button if b.label == "Lagre risikovurderingen").click().run()
    assert not at.exception, at.exception
    risk = next(r for r in tertial.load(demo_db, "0312", 2022, 2).body["risks"] if r["indicator_id"] == goal)
    assert (risk["likelihood"], risk["consequence"], risk["score"], risk["band"]) == (4, 3, 12, "middels")
    assert risk["measures"] == [{"text": "Ekstra oppfølging av <b>unge</b>", "status": "pågår"}]
    row = next(r for r in _table(at, "MK ID", "Sannsynlighet") if r[0] == goal)
    assert row[2:5] == ["4", "3", "12 · Middels risiko"]
    assert "Ekstra oppfølging av <b>unge</b> (Pågår)" in row[-1]  # the tag is text, not markup

    # The rest assessed in the core, then sent from the page.
    rest = {r["indicator_id"]: {"likelihood": 1, "consequence": 2} for r in body["risks"][1:]}
    tertial.save(demo_db, LEDER, "0312", 2022, 2, risks=rest)
    at = app(demo_db, monkeypatch, persona="leder", aar="2022", tertial="2")
    next(b for b in at.button if b.label == "Send rapporten til fylket").click().run()
    assert not at.exception, at.exception
    assert tertial.load(demo_db, "0312", 2022, 2).status == "sendt"
    assert [s.value for s in at.success] == ["Rapporten er sendt til fylket."]
    assert "kan ikke endres lenger" in at.info[0].value and not at.text_area


def test_fylke_sees_offices_in_tree_order_and_marks_a_report_received(demo_db, monkeypatch):
    body = tertial.draft(demo_db, "0312", 2022, 1)
    tertial.save(demo_db, LEDER, "0312", 2022, 1, done={p["no"]: "Gjort" for p in body["priorities"]},
                 risks={r["indicator_id"]: {"likelihood": 5, "consequence": 5} for r in body["risks"]}, send=True)
    at = app(demo_db, monkeypatch, persona="fylkesleder", aar="2022", tertial="1")
    with store.reading(demo_db) as con:
        offices = meetings.offices_in_tree_order(con, "0300")
    overview = _table(at, "Kontor")[1:]
    assert [r[0] for r in overview] == [f"{u} {n}" for u, n in offices]
    frogner = next(r for r in overview if r[0].startswith("0312"))
    assert frogner[1] == "Sendt" and frogner[3] == str(len(body["risks"]))  # every goal at 25: high
    assert all(r[1] == "Ikke påbegynt" for r in overview if not r[0].startswith("0312"))
    assert at.multiselect(key="tr_side").value[0] == "0312"

    at.text_area[0].input("Følg opp B.15\nNy plan")
    next(b for b in at.button if b.label == "Marker som mottatt").click().run()
    assert not at.exception, at.exception
    report = tertial.load(demo_db, "0312", 2022, 1)
    assert report.status == "mottatt" and report.body["followups"] == ["Følg opp B.15", "Ny plan"]
    assert "Rapporten fra 0312 er markert som mottatt." in [s.value for s in at.success]


def test_priority_titles_from_users_are_shown_literally(demo_db, monkeypatch):
    goals.save_priorities(demo_db, LEDER, "0312", 2022, [
        {"tittel": "**Fet** <script>x</script> [lenke](https://evil)", "begrunnelse": None, "indikatorer": []},
        {"tittel": "To", "begrunnelse": None, "indikatorer": []},
        {"tittel": "Tre", "begrunnelse": None, "indikatorer": []}])
    at = app(demo_db, monkeypatch, persona="leder", aar="2022", tertial="3")
    label = at.text_area[0].label
    assert shown(label) == "1. **Fet** <script>x</script> [lenke](https://evil)"  # as the reader sees it
    assert "<script>" not in label and "](" not in label and "**" not in label


def test_roles_without_the_page_are_refused_even_if_run_directly(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, persona="ansatt")
    assert at.error[0].value == "Du har ikke tilgang til tertialrapportene."
    assert not at.text_area and not at.button
