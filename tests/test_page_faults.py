"""The app on a store that is new, damaged, missing or busy: a Norwegian line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, ingest, store
from tests.conftest import DATA, copy_db
from tests.pagetest import APP, open_page

PAGES = ("start", "malekort", "mal", "kvalitet", "sammenligning", "undersokelser", "styringsdialog", "tertialrapport",
         "erfaringer", "last_opp")


def _run(db: Path, monkeypatch, persona: str, page: str | None = None) -> AppTest:
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return open_page(AppTest.from_file(APP, default_timeout=90), page and f"views/{page}.py", {"persona": persona})


@pytest.fixture(scope="module")
def units_only_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`init`, then a units import and nothing else: the first thing a new installation does."""
    db = tmp_path_factory.mktemp("units-only") / "navdash.duckdb"
    store.ensure_database(db)
    assert ingest.import_file("enheter", DATA / "enheter.csv", db=db).ok
    return db


@pytest.mark.parametrize("persona", ["analytiker", "leder", "fylkesleder", "ansatt"])
def test_every_page_opens_on_units_without_values(units_only_template: Path, tmp_path: Path, monkeypatch,
                                                  persona: str):
    db = tmp_path / "navdash.duckdb"
    copy_db(units_only_template, db)  # with its application database (the import log)
    opened = 0
    for page in PAGES:
        if not access.can_open(access.DEMO_PERSONAS[persona], page):
            continue
        at = _run(db, monkeypatch, persona, page)
        assert not at.exception, (page, at.exception)
        assert at.title or at.warning, page  # a page without values says so instead of drawing nothing
        opened += 1
    assert opened >= 3


def test_start_page_on_units_without_values_shows_dashes(units_only_template: Path, tmp_path: Path, monkeypatch):
    db = tmp_path / "navdash.duckdb"
    copy_db(units_only_template, db)  # with its application database (the import log)
    at = _run(db, monkeypatch, "analytiker")
    assert not at.exception
    freshness = at.dataframe[0].value
    never = freshness[freshness["Data"] != "Enheter"]
    assert set(never["Sist importert"]) == {"–"} and set(never["Fil"]) == {"–"}
    assert freshness.loc[freshness["Data"] == "Enheter", "Fil"].item() == "enheter.csv"
    assert (at.metric[2].label, at.metric[2].value) == ("Siste måned med tall", "–")


def test_damaged_database_shows_one_norwegian_line(tmp_path: Path, monkeypatch):
    db = tmp_path / "navdash.duckdb"
    db.write_bytes(b"ikke en database" * 4096)
    at = _run(db, monkeypatch, "analytiker")
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Databasefilen {db} kan ikke leses (skadet, eller ikke en navdash-database); legg tilbake siste "
        "sikkerhetskopi, eller lag en ny med «python -m navdash init --force»."
    ]
    assert db.read_bytes() == b"ikke en database" * 4096


def test_missing_data_folder_is_not_created_by_the_app(tmp_path: Path, monkeypatch):
    db = tmp_path / "finnes-ikke" / "navdash.duckdb"
    at = _run(db, monkeypatch, "analytiker")
    assert not at.exception
    assert at.error[0].value.startswith(f"Datamappen {db.parent} finnes ikke")
    assert not db.parent.exists()


def test_a_busy_store_during_an_app_write_is_a_message(demo_db: Path, monkeypatch):
    """The frame turns a StoreBusy raised by any page's write into the same sentence the command line prints."""
    monkeypatch.setenv("NAVDASH_DB", str(demo_db))

    def page() -> None:
        import streamlit as st

        from navdash import store as core
        from navdash.ui import frame

        with frame.store_errors_shown():
            st.write("før")
            with core.writing(), core.writing(timeout=0.1):
                st.write("aldri")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["før"]
    assert at.error[0].value == ("Databasen er opptatt: en annen import eller lagring pågår (ventet 0,1 sekunder); "
                                 "prøv igjen om litt.")
