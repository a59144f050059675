"""Validation rules in a real browser: an analyst loads the rules file, then a file of values that breaks a rule is
refused on the upload page with a message naming unit, period and both sides."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    axe_violations,
    choose_kind,
    format_violations,
    goto_app,
    screenshot,
    serve,
    wait_rendered,
)

RULES = Path(__file__).resolve().parent.parent.parent / "docs" / "eksempler" / "valideringsregler.csv"


@pytest.fixture
def own_server(e2e_db, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a copy of the database: the rules imported here must not reach other tests."""
    db = tmp_path_factory.mktemp("e2e-rules") / "navdash.duckdb"
    shutil.copyfile(e2e_db.path, db)
    yield from serve(db, tmp_path_factory.mktemp("e2e-rules-server"))


def test_rules_are_loaded_and_refuse_values_that_break_them(page, own_server, tmp_path):
    goto_app(page, f"{own_server}/oversikt?persona=analytiker", text="Mål og resultater i NAV")  # see test_last_opp
    goto_app(page, f"{own_server}/last-opp?persona=analytiker", text="Last opp data")
    choose_kind(page, "Valideringsregler", "venstre")
    page.locator('input[type="file"]').set_input_files(str(RULES))
    wait_rendered(page, "Bekreft import")
    assert page.get_by_text("2 nye", exact=False).first.is_visible()
    screenshot(page, "last-opp-valideringsregler")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    page.get_by_role("button", name="Bekreft import").click()
    wait_rendered(page, "importert: 2 nye")

    goto_app(page, f"{own_server}/last-opp?persona=analytiker", text="Last opp data")
    choose_kind(page, "Verdier", "enhet, indikator, periode")
    values = tmp_path / "brudd.csv"
    values.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.32;2022-12;;;400\n", encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(values))
    wait_rendered(page, "Rett feilene under")
    # the message (unit, period, both sides) is in the problem table, drawn on a canvas: see the screenshots
    assert page.get_by_text("brudd.csv: avvist, 1 feil i 1 rader", exact=False).first.is_visible()
    table = page.get_by_test_id("stDataFrame").first
    assert table.is_visible()
    screenshot(page, "last-opp-regelbrudd")
    page.set_viewport_size({"width": 1024, "height": 900})
    wait_rendered(page)
    screenshot(page, "last-opp-regelbrudd-1024")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    # A file that keeps the error rule but breaks the warning rule (B.33 ≤ K.NEDS) for three offices: it can be
    # imported, and the warnings are listed in a table with both sides, and offered for download.
    page.set_viewport_size({"width": 1400, "height": 1000})
    goto_app(page, f"{own_server}/last-opp?persona=analytiker", text="Last opp data")
    choose_kind(page, "Verdier", "enhet, indikator, periode")
    warned = tmp_path / "advarsler.csv"
    warned.write_text("enhet;indikator;periode;teller;nevner;verdi\n" + "".join(
        f"{unit};B.31;2022-12;;;20000\n{unit};B.33;2022-12;;;9000\n" for unit in ("0312", "0313", "0314")),
        encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(warned))
    wait_rendered(page, "Valideringsreglene gir 3 advarsler")
    assert page.get_by_role("button", name="Bekreft import").is_visible()
    assert page.get_by_role("button", name="Last ned advarslene (Excel)").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned advarslene (CSV)").click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert [line.split(";")[:3] for line in lines[1:]] == [
        [unit, "2022-12", "B.33 ≤ K.NEDS"] for unit in ("0312", "0313", "0314")]
    assert all(line.split(";")[3] == "9000" for line in lines[1:])
    screenshot(page, "last-opp-advarsler")
    page.set_viewport_size({"width": 1024, "height": 900})
    wait_rendered(page)
    screenshot(page, "last-opp-advarsler-1024")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
