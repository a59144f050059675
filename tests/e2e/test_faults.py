"""Faults in a real browser: a new database with only units, a damaged database, a zip bomb and a busy store on the
upload page. Each shows Norwegian text and never a traceback."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from navdash import ingest, store
from tests.conftest import DATA
from tests.e2e.conftest import (
    axe_violations,
    choose_kind,
    format_violations,
    goto_app,
    screenshot,
    screenshots_at_widths,
    serve,
    wait_rendered,
)


@pytest.fixture
def units_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("e2e-units-only") / "navdash.duckdb"
    store.ensure_database(db)
    assert ingest.import_file("enheter", DATA / "enheter.csv", db=db).ok
    yield from serve(db, tmp_path_factory.mktemp("e2e-units-only-server"))


def test_start_page_on_a_database_with_units_and_no_values(page, units_only_server):
    goto_app(page, f"{units_only_server}/oversikt?persona=analytiker", text="Data og ferskhet")
    assert page.get_by_text("NAV Oslo (0300)", exact=False).first.is_visible()
    screenshots_at_widths(page, "start-bare-enheter")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    goto_app(page, f"{units_only_server}/malekort?persona=analytiker", text="Det finnes ingen månedstall ennå")
    goto_app(page, f"{units_only_server}/styringsdialog?persona=analytiker", text="Fylket har ingen møter ennå")


def test_damaged_database_is_one_line(page, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("e2e-damaged") / "navdash.duckdb"
    db.write_bytes(b"ikke en database" * 4096)
    for url in serve(db, tmp_path_factory.mktemp("e2e-damaged-server")):
        goto_app(page, f"{url}/?persona=analytiker", text="kan ikke leses (skadet")
        assert page.get_by_test_id("stException").count() == 0
        assert "Traceback" not in page.content()
        page.set_viewport_size({"width": 1024, "height": 700})
        wait_rendered(page)
        screenshot(page, "skadet-database-1024")


def _bomb(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["enhet", "indikator", "periode", "teller", "nevner", "verdi"])
    small = path.with_name("liten.xlsx")
    wb.save(small)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                for _ in range(160):
                    fh.write(b"<row><c><v>1</v></c></row>" * (1024 * 1024 // 26))
                fh.write(b"</sheetData></worksheet>")
    return path


def test_zip_bomb_upload_is_refused_on_the_page(page, server, tmp_path):
    goto_app(page, f"{server}/oversikt?persona=analytiker", text="Mål og resultater i NAV")  # see test_last_opp
    goto_app(page, f"{server}/last-opp?persona=analytiker", text="Last opp data")
    page.locator('input[type="file"]').set_input_files(str(_bomb(tmp_path / "bombe.xlsx")))
    wait_rendered(page, "Excel-filen pakkes ut til")
    assert page.get_by_text("høyst 100 MB er tillatt", exact=False).first.is_visible()
    assert page.get_by_role("button", name="Bekreft import").count() == 0
    screenshot(page, "last-opp-zip-bombe")


def test_long_cell_upload_names_row_and_column(page, server, tmp_path):
    goto_app(page, f"{server}/oversikt?persona=analytiker", text="Mål og resultater i NAV")  # see test_last_opp
    goto_app(page, f"{server}/last-opp?persona=analytiker", text="Last opp data")
    choose_kind(page, "Enheter", "enhet, navn, type")  # the analytiker starts on Verdier
    f = tmp_path / "lang.csv"
    f.write_text("enhet,navn,type,overordnet\n0391," + "x" * 200_000 + ",kontor,0300\n", encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(f))
    wait_rendered(page, "Rett feilene under")
    assert page.get_by_text("avvist, 1 feil", exact=False).first.is_visible()
    screenshot(page, "last-opp-lang-celle")


@pytest.fixture
def busy_server(e2e_db, tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("e2e-busy") / "navdash.duckdb"
    shutil.copyfile(e2e_db.path, db)
    monkeypatch.setenv("NAVDASH_SKRIVELAS_SEKUNDER", "1")
    for url in serve(db, tmp_path_factory.mktemp("e2e-busy-server")):
        yield url, db


def test_upload_while_another_import_runs_says_so(page, busy_server, tmp_path):
    url, db = busy_server
    goto_app(page, f"{url}/oversikt?persona=analytiker", text="Mål og resultater i NAV")  # fresh: see test_last_opp
    goto_app(page, f"{url}/last-opp?persona=analytiker", text="Last opp data")
    f = tmp_path / "ny.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2020-05,1,2,\n", encoding="utf-8")
    with store.writing(db, publish=False, who="en annen import"):
        page.locator('input[type="file"]').set_input_files(str(f))
        wait_rendered(page, "en annen import eller lagring pågår")
    assert page.get_by_text("Ingenting er endret.", exact=False).first.is_visible()
    screenshot(page, "last-opp-opptatt")
