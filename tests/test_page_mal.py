"""views/mal.py run by Streamlit's AppTest against the demo database: deep links, reading, and the leader's form."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import goals, store
from navdash.access import DEMO_PERSONAS
from tests.conftest import app_fingerprint, copy_db, fingerprint
from tests.pagetest import same_tab_link

PAGE = Path(__file__).resolve().parents[1] / "views" / "mal.py"


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_db(demo_template, tmp_path / "navdash.duckdb")
    monkeypatch.setenv("NAVDASH_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "header", "subheader", "info", "warning", "success", "error")
             for e in getattr(at, kind)]
    return "\n".join(parts)


def priority_heads(at: AppTest) -> list:
    """The subheaders of the priorities (the employees' proposals have a subheader of their own)."""
    return [s for s in at.subheader if s.value != "Forslag fra kontoret"]


def form_keys(unit: str, year: int, no: int) -> dict[str, str]:
    return {f: f"mal_{f}_{unit}_{year}_{no}" for f in ("tittel", "begrunnelse", "indikatorer")}


def submit(at: AppTest) -> AppTest:
    button = next(b for b in at.button if b.label == "Lagre prioriteringene")
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_deep_link_shows_the_units_goals_for_the_year(demo_db: Path):
    at = run_page(enhet="0312", aar="2021")
    assert at.sidebar.selectbox(key="mal_enhet").value == "0312"
    assert at.sidebar.selectbox(key="mal_aar").value == 2021
    body = texts(at)
    assert "NAV Frogner (0312) · NAV-kontor · 2021" in body
    assert "flere i arbeid og aktivitet og færre på stønad" in body
    for main_goal in goals.MAIN_GOALS:
        assert f"**{main_goal}**" in body
    assert [h.value for h in at.header][1:5] == ["Hvor mange mål enheten har", "Fra mål- og disponeringsbrevet",
                                                 "Lagt til av fylket", "Enhetens egne mål"]
    central, county, local = (m.value for m in at.markdown if m.value.startswith("| MK"))
    assert same_tab_link("/malekort?enhet=0312&periode=2021-12&indikator=B.15&persona=leder", "B.15") in central
    assert "Anbefaling" in central and "Direktoratet (Norge)" in central  # M.SF 6,1 % is a recommendation
    assert same_tab_link("/malekort?enhet=0312&periode=2021-12&indikator=B.48&persona=leder", "B.48") in county
    assert "Fylket (NAV Oslo)" in county
    assert "Høyst 5,5 %" in local and "Kontoret (NAV Frogner)" in local
    assert "NAV Rogaland" not in county  # another fylke's additions do not apply
    assert len(priority_heads(at)) == 4 and "Tett oppfølging av unge under 30 år" in priority_heads(at)[0].value
    assert same_tab_link("/malekort?enhet=0312&periode=2021-12&indikator=B.47&persona=leder", "B.47") in body
    assert at.query_params["enhet"] == "0312" and at.query_params["aar"] == "2021"


def test_without_parameters_the_users_office_and_the_newest_year_are_shown(demo_db: Path):
    at = run_page(persona="ansatt")
    assert at.sidebar.selectbox(key="mal_enhet").value == DEMO_PERSONAS["ansatt"].unit_id
    assert at.sidebar.selectbox(key="mal_aar").value == 2022
    assert at.query_params["enhet"] == "0312" and at.query_params["aar"] == "2022"  # the link can be shared
    assert at.query_params["persona"] == "ansatt"


def test_choosing_in_the_sidebar_updates_the_url(demo_db: Path):
    at = run_page(enhet="0312", aar="2021", persona="analytiker")  # sees every unit
    at.sidebar.selectbox(key="mal_enhet").set_value("1103").run()
    at.sidebar.selectbox(key="mal_aar").set_value(2022).run()
    assert at.query_params["enhet"] == "1103" and at.query_params["aar"] == "2022"
    assert "NAV Stavanger (1103)" in texts(at)
    assert "Minst 78 %" in texts(at)  # NAV Rogaland's addition for 2022


def test_unknown_unit_in_the_url_says_so_and_falls_back(demo_db: Path):
    at = run_page(enhet="9999", aar="2021")
    assert any("Fant ikke enhet «9999»" in w.value for w in at.sidebar.warning)
    assert at.sidebar.selectbox(key="mal_enhet").value == "0312"


def test_an_office_without_priorities(demo_db: Path):
    at = run_page(enhet="0313", aar="2021")
    assert [i.value for i in at.info] == ["NAV St. Hanshaugen har ikke registrert prioriteringer for 2021."]
    assert len(priority_heads(at)) == 0
    assert "Ingen endringer registrert for 2021." in texts(at)
    assert "Enheten har ikke satt egne resultatkrav for 2021." in texts(at)


def test_leader_edits_priorities_in_the_form(demo_db: Path):
    at = run_page(enhet="0312", aar="2021")  # the default persona leads 0312
    first, fourth = form_keys("0312", 2021, 1), form_keys("0312", 2021, 4)
    assert at.text_input(key=first["tittel"]).value == "Tett oppfølging av unge under 30 år"
    at.text_input(key=first["tittel"]).set_value("Ungdomsteam for unge under 30 år")
    at.multiselect(key=first["indikatorer"]).set_value(["B.47", "B.49"])
    at.text_input(key=fourth["tittel"]).set_value("")  # empty priority 4 entirely: it is deleted
    at.text_area(key=fourth["begrunnelse"]).set_value("")
    at.multiselect(key=fourth["indikatorer"]).set_value([])
    submit(at)

    assert [s.value for s in at.success] == ["Prioriteringene er lagret: 1 endret, 1 slettet."]
    assert [s.value for s in priority_heads(at)][0] == "1\\. Ungdomsteam for unge under 30 år"  # "1." would be a list
    assert len(priority_heads(at)) == 3
    view = goals.view(demo_db, "0312", 2021)
    assert [i.indicator_id for i in view.priorities[0].indicators] == ["B.47", "B.49"]
    assert view.priorities[0].changed_by == DEMO_PERSONAS["leder"].name
    hist = goals.history(demo_db, "0312", 2021)
    latest = hist[hist["changed_at"] == hist["changed_at"].max()]
    assert sorted(zip(latest["no"], latest["action"], strict=True)) == [(1, "endret"), (4, "slettet")]
    shown = at.dataframe[0].value  # the history table
    assert {"Endret", "Slettet", "Opprettet"} <= set(shown["Endring"])


def test_leader_is_told_every_problem_and_nothing_is_saved(demo_db: Path):
    at = run_page(enhet="0312", aar="2021")
    before = fingerprint(demo_db), app_fingerprint(demo_db)
    for no in (3, 4):
        keys = form_keys("0312", 2021, no)
        at.text_input(key=keys["tittel"]).set_value("")
        at.text_area(key=keys["begrunnelse"]).set_value("")
        at.multiselect(key=keys["indikatorer"]).set_value([])
    at.text_area(key=form_keys("0312", 2021, 2)["begrunnelse"]).set_value("Begrunnelse uten tittel")
    at.text_input(key=form_keys("0312", 2021, 2)["tittel"]).set_value("")
    submit(at)

    assert len(at.error) == 1
    message = at.error[0].value
    assert "Antall prioriteringer" in message and "du har fylt ut 2" in message
    assert "Prioritering 2, tittel" in message
    assert (fingerprint(demo_db), app_fingerprint(demo_db)) == before
    assert len(priority_heads(at)) == 4
    assert at.text_area(key=form_keys("0312", 2021, 2)["begrunnelse"]).value == "Begrunnelse uten tittel"  # kept


def test_employee_reads_everything_but_gets_no_form(demo_db: Path):
    at = run_page(enhet="0312", aar="2021", persona="ansatt")
    assert len(priority_heads(at)) == 4  # the priorities are open to everyone
    # The only form is the one every employee has: proposing a priority for the leader to decide on.
    assert [t.label for t in at.text_input] == ["Tittel på forslaget"]
    assert [t.label for t in at.text_area] == ["Hvorfor bør kontoret prioritere dette?"] and not at.multiselect
    assert not [b for b in at.button if b.label == "Lagre prioriteringene"]
    assert "Bare lederen for kontoret kan endre kontorets prioriteringer." in texts(at)


def test_leader_cannot_edit_another_office_through_a_crafted_link(demo_db: Path):
    # An office in another fylke is not even readable for the leader of 0312: the page falls back to 0312.
    at = run_page(enhet="1103", aar="2021", persona="leder")
    assert any("Du har ikke tilgang til enhet «1103»" in e.value for e in at.error)
    assert "NAV Stavanger (1103)" not in texts(at) and "NAV Frogner (0312)" in texts(at)
    # A neighbouring office in the same fylke is readable, but there is no form.
    at = run_page(enhet="0313", aar="2021", persona="leder")
    assert "NAV St. Hanshaugen (0313)" in texts(at)
    assert not at.text_input and not [b for b in at.button if b.label == "Lagre prioriteringene"]
    before = fingerprint(demo_db), app_fingerprint(demo_db)
    with pytest.raises(PermissionError, match="Du kan ikke endre prioriteringene til NAV Stavanger"):
        goals.save_priorities(demo_db, DEMO_PERSONAS["leder"], "1103", 2021, [{"tittel": f"T{i}"} for i in range(3)])
    assert (fingerprint(demo_db), app_fingerprint(demo_db)) == before
    assert store.data_version(demo_db) == 1


def test_the_page_shows_how_much_the_unit_carries_against_the_sources_advice(demo_db: Path):
    at = run_page(enhet="0312", aar="2022")
    n = goals.counts(goals.view(demo_db, "0312", 2022))
    table = next(m.value for m in at.markdown if m.value.startswith("| Hva enheten styrer etter i 2022"))
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in table.splitlines()[2:]}
    assert rows == {
        "Styringsparametere med resultatkrav": str(n.parameters),
        "– med krav fra mål- og disponeringsbrevet": str(n.central),
        "– med krav bare fra fylket, kontoret eller partnerskapet": str(n.beyond_central),
        "Egne resultatkrav (kontoret og partnerskapet)": str(n.local_targets),
        "Prioriteringer i virksomhetsplanen": str(n.priorities),
    }
    assert any(goals.FEWER_SOURCE in c.value and "ikke til sammenligning mellom enheter" in c.value
               for c in at.caption)
