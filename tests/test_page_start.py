"""AppTest of the frame and the start page, including the very first start on a machine with no database."""

from __future__ import annotations

import csv
from pathlib import Path

from navdash import demo, ingest, store
from tests.pagetest import app

START = "views/start.py"  # "Oversikt", at /oversikt; the root address lands each role on its work page


def test_first_start_creates_the_demo_database(tmp_path: Path, monkeypatch):
    db = tmp_path / "navdash.duckdb"
    assert not db.exists()
    at = app(db, monkeypatch, START)
    assert db.exists()
    assert store.meta(db)["demo"] == "ja"
    assert at.title[0].value == "Mål og resultater i NAV"
    assert any("Demodata" in i.value for i in at.sidebar.info)


def test_start_page_shows_tree_freshness_and_navigation(tmp_path: Path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    demo.load_demo(db)
    at = app(db, monkeypatch, START)
    assert [h.value for h in at.header] == ["Sidene", "Data og ferskhet", "Fullstendighet per måned", "Enhetene"]
    freshness = at.dataframe[0].value
    assert list(freshness["Data"]) == ["Enheter", "Indikatorkatalog", "Verdier", "Resultatkrav",
                                       "Medarbeiderundersøkelse", "Endringspunkter", "Valideringsregler"]
    rows = sum(1 for _ in open(demo.DEMO_DIR / "verdier.csv", encoding="utf-8")) - 1
    assert freshness.loc[freshness["Data"] == "Verdier", "Rader"].item() == f"{rows:,}".replace(",", "\u00a0")
    assert set(freshness["Fil"]) >= {"verdier.csv", "enheter.csv"}
    labels = [e.label for e in at.expander]
    assert "NAV Oslo (0300) · Fylke · 15 kontorer" in labels
    assert "NAV Rogaland (1100) · Fylke · 20 kontorer" in labels
    assert labels.index("NAV Oslo (0300) · Fylke · 15 kontorer") < labels.index(
        "NAV Rogaland (1100) · Fylke · 20 kontorer")  # fylker by name
    rogaland = next(m.value for m in at.markdown if "| 1103 |" in m.value).splitlines()[2:]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rogaland]
    assert "Slått sammen med NAV Stavanger fra 01.01.2020" in {c[4] for c in cells}
    # The unit tree's one order: offices by name (then number), as in every picker; never by results.
    with open(demo.DEMO_DIR / "enheter.csv", encoding="utf-8") as fh:
        offices = [r for r in csv.DictReader(fh) if r["overordnet"] == "1100"]
    by_name = [r["enhet"] for r in sorted(offices, key=lambda r: (r["navn"], r["enhet"]))]
    assert by_name != sorted(by_name)  # the demo's names and numbers disagree, so the order is really tested
    assert [c[0] for c in cells] == by_name
    assert "Dataversjon 1" in " ".join(c.value for c in at.sidebar.caption)


def test_start_page_on_a_database_without_values(tmp_path: Path, monkeypatch):
    db = tmp_path / "tom.duckdb"
    store.ensure_database(db)
    at = app(db, monkeypatch)  # no units: the root address lands on the start page
    assert at.title[0].value == "Mål og resultater i NAV"
    assert at.metric[0].value == "0"


def test_new_data_version_is_seen_without_restart(tmp_path: Path, monkeypatch):
    from tests.conftest import build_small_db

    db = build_small_db(tmp_path / "small.duckdb")
    at = app(db, monkeypatch, START)
    before = at.dataframe[0].value
    f = tmp_path / "ny.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2020-05,1,2,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=db).ok
    at.run()
    after = at.dataframe[0].value
    rows = dict(zip(after["Data"], after["Rader"], strict=True))
    assert rows["Verdier"] == "7" and dict(zip(before["Data"], before["Rader"], strict=True))["Verdier"] == "6"


def test_start_page_shows_how_many_offices_delivered_each_month(demo_db: Path, monkeypatch):
    f = demo_db.parent / "jan.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2023-01,40,60,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=demo_db).ok
    at = app(demo_db, monkeypatch, START)
    coverage = at.table[0].value
    assert list(coverage.columns) == ["0000 Norge", "0300 NAV Oslo", "1100 NAV Rogaland"]
    assert list(coverage.index[:2]) == ["januar 2023", "desember 2022"]
    jan, dec = coverage.iloc[0], coverage.iloc[1]
    assert (jan["0300 NAV Oslo"], jan["1100 NAV Rogaland"]) == ("Ufullstendig: 1 av 15 kontorer",
                                                                 "Ufullstendig: 0 av 20 kontorer")
    assert jan["0000 Norge"] == "Ufullstendig: 1 av 41 kontorer"
    assert (dec["0300 NAV Oslo"], dec["1100 NAV Rogaland"]) == ("✓ 15 av 15 kontorer", "✓ 20 av 20 kontorer")
