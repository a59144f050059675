"""views/erfaringer.py through app.py: deep links, search, registering as a leader, refusal for employees."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from navdash import practices
from navdash.access import DEMO_PERSONAS
from navdash.demo import load_demo
from navdash.text import shown
from tests.conftest import app_fingerprint, copy_db, fingerprint
from tests.pagetest import app, same_tab_link

PAGE = "views/erfaringer.py"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("erfaringer") / "demo.duckdb"
    load_demo(path)
    practices.register(path, DEMO_PERSONAS["leder"], {
        "enhet": "0312", "tittel": "Ungdomsteam", "hva": "Egne veiledere for unge under 30 år.",
        "indikatorer": ["B.47", "B.49"], "tema": "Ungdom", "fra": "2021-04", "til": "2021-12",
        "kontakt": "Kari Nordmann"})
    practices.register(path, DEMO_PERSONAS["analytiker"], {
        "enhet": "1103", "tittel": "Tidlig dialog med arbeidsgivere", "hva": "Ringer arbeidsgiverne i uke 4.",
        "indikatorer": "B.49", "tema": "Arbeid", "fra": "2022"})
    return path


@pytest.fixture
def db(tmp_path: Path, _template: Path) -> Path:
    return copy_db(_template, tmp_path / "navdash.duckdb")


def titles(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Registrer erfaringen").click().run()
    assert not at.exception, at.exception
    return at


def test_everything_newest_first_for_an_employee(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="ansatt")
    assert at.title[0].value == "Erfaringer"
    assert titles(at) == ["Tidlig dialog med arbeidsgivere", "Ungdomsteam"]  # another fylke too: open to everyone
    assert at.header[0].value == "2 erfaringer"
    assert "NAV Frogner (0312) · NAV Oslo · april 2021 – desember 2021 · Tema: Ungdom" in [c.value for c in at.caption]


def test_deep_link_by_indicator(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, indikator="B.47")
    assert at.selectbox(key="erf_indikator").value == "B.47"
    assert titles(at) == ["Ungdomsteam"]
    assert at.header[0].value == "1 erfaring"
    shown = "\n".join(m.value for m in at.markdown)
    assert same_tab_link("/erfaringer?indikator=B.49&persona=leder", "B.49") in shown
    assert at.query_params["indikator"] == "B.47"


def test_deep_link_by_unit_and_clearing_it(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, enhet="1103")
    assert titles(at) == ["Tidlig dialog med arbeidsgivere"]
    at.selectbox(key="erf_enhet").set_value(None).run()
    assert len(titles(at)) == 2 and "enhet" not in at.query_params


def test_filters_and_search_write_the_url(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="ansatt")
    at.selectbox(key="erf_fylke").set_value("1100").run()
    assert titles(at) == ["Tidlig dialog med arbeidsgivere"] and at.query_params["fylke"] == "1100"
    at.selectbox(key="erf_fylke").set_value(None).run()
    at.text_input(key="erf_sok").set_value("veiledere").run()
    assert titles(at) == ["Ungdomsteam"] and at.query_params["sok"] == "veiledere"
    at.text_input(key="erf_sok").set_value("finnes ikke").run()
    assert titles(at) == [] and "Ingen erfaringer passer søket" in at.info[0].value
    at.text_input(key="erf_sok").set_value("").run()
    at.radio(key="erf_rekkefolge").set_value("tree").run()
    assert titles(at) == ["Ungdomsteam", "Tidlig dialog med arbeidsgivere"]  # Oslo before Rogaland


def test_unknown_indicator_in_the_url_says_so(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, indikator="B.999")
    assert any("Fant ikke indikator «B.999»" in shown(w.value) for w in at.warning)
    assert len(titles(at)) == 2


def test_leader_registers_a_practice(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="leder")
    assert at.selectbox(key="erf_ny_enhet").options == ["0312 NAV Frogner"]
    at.text_input(key="erf_ny_tittel").set_value("Jobbklubb for unge")
    at.text_area(key="erf_ny_hva").set_value("Ukentlig jobbklubb med arbeidsgivere.")
    at.multiselect(key="erf_ny_indikatorer").set_value(["B.49"])
    at.text_input(key="erf_ny_tema").set_value("Ungdom")
    at.text_input(key="erf_ny_fra").set_value("2022-01")
    submit(at)
    assert [s.value for s in at.success] == ["Erfaringen er registrert (nr. 3)."]
    assert titles(at)[0] == "Jobbklubb for unge"
    saved = practices.search(db, unit="0312")[0]
    assert (saved.title, saved.indicators, saved.registered_by) == ("Jobbklubb for unge", ("B.49",), "Demo-leder")
    assert at.text_input(key="erf_ny_tittel").value == ""  # the form is emptied for the next one


def test_validation_errors_are_shown_in_norwegian_with_the_field(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="leder")
    before = fingerprint(db), app_fingerprint(db)
    at.text_area(key="erf_ny_hva").set_value("Noe som virket.")
    at.text_input(key="erf_ny_fra").set_value("2021-13")
    submit(at)
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Erfaringen ble ikke registrert:")
    assert "- **Tittel:** mangler verdi" in message
    assert "- **Fra (periode):** måned 13 finnes ikke (1-12)" in message
    assert (fingerprint(db), app_fingerprint(db)) == before
    assert at.text_area(key="erf_ny_hva").value == "Noe som virket."  # kept for correcting


def test_employee_reads_but_gets_no_form(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="ansatt")
    assert not [b for b in at.button if b.label == "Registrer erfaringen"]
    assert not at.text_area
    assert any("Ansatte kan lese og søke i erfaringene" in c.value for c in at.caption)
    before = fingerprint(db), app_fingerprint(db)
    with pytest.raises(practices.NotAllowed):
        practices.register(db, DEMO_PERSONAS["ansatt"], {"enhet": "0312", "tittel": "x"})
    assert (fingerprint(db), app_fingerprint(db)) == before


def test_fylkesleder_may_choose_the_fylke_and_its_offices(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="fylkesleder")
    options = at.selectbox(key="erf_ny_enhet").options
    assert options[0] == "0300 NAV Oslo" and "0312 NAV Frogner" in options
    assert not [o for o in options if o.startswith("11")]


def test_a_period_may_be_written_as_the_app_writes_it(db: Path, monkeypatch):
    at = app(db, monkeypatch, PAGE, persona="leder")
    at.text_input(key="erf_ny_tittel").set_value("Jobbmesse")
    at.text_area(key="erf_ny_hva").set_value("Messe to ganger i året.")
    at.multiselect(key="erf_ny_indikatorer").set_value(["B.15"])
    at.text_input(key="erf_ny_fra").set_value("mars 2022")
    at.text_input(key="erf_ny_til").set_value("des. 2022")
    submit(at)
    assert not at.error, [e.value for e in at.error]
    saved = next(p for p in practices.search(db, unit="0312") if p.title == "Jobbmesse")
    assert saved.period_text.startswith("mars 2022") and "desember 2022" in saved.period_text


def test_an_empty_register_does_not_ask_for_fewer_filters(tmp_path: Path, monkeypatch):
    empty = tmp_path / "tom.duckdb"
    load_demo(empty)
    at = app(empty, monkeypatch, PAGE, persona="ansatt")
    assert titles(at) == []
    assert "Prøv færre filtre" not in at.info[0].value and "Ingen har delt en erfaring ennå" in at.info[0].value
