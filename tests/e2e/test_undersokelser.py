"""The survey page in a real browser: the shared link, the charts, hidden cells that say why, and axe."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from navdash import store
from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, serve

SURVEY = "Opplevelseskartlegging mål- og resultatstyring"
LINK = f"/undersokelser?undersokelse={quote(SURVEY)}&runde=2019&enhet=0312"


def test_survey_link_shows_charts_and_hidden_cells(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the survey browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + LINK, text="Svarfordeling for NAV Frogner")
    assert page.get_by_test_id("stPlotlyChart").count() == 9
    assert page.locator("table.nd-table td.hidden", has_text="færre enn 5 svar").count() > 0
    # The legend names the answers, so the bars do not rely on colour alone.
    assert page.get_by_text("1 = Helt uenig").first.is_visible()
    assert page.get_by_text("5 = Helt enig").first.is_visible()
    screenshot(page, "undersokelser-0312")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_small_unit_in_the_browser(page, server):
    goto_app(page, server + f"/undersokelser?undersokelse={quote(SURVEY)}&runde=2017&enhet=1111&persona=analytiker",
             text="Svarfordeling for NAV Sokndal")
    assert page.get_by_text("Ikke vist: færre enn 5 svar").first.is_visible()
    screenshot(page, "undersokelser-1111")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("width", [1024, 1440])
def test_survey_page_at_laptop_and_wide_widths(page, server, e2e_db, width):
    if e2e_db.kind != "demo":
        raise AssertionError("the survey browser test needs the demo database (data/demo/*.csv)")
    page.set_viewport_size({"width": width, "height": 1000})
    goto_app(page, server + LINK + "&gruppe=leder", text="Svarfordeling for NAV Frogner – ledere")
    page.get_by_text("Slik beskytter vi anonymiteten").click()
    page.get_by_text("Grensen ble satt da undersøkelsen ble lastet inn første gang").wait_for(state="visible")
    # The widest table scrolls inside its own region instead of pushing the page sideways. Streamlit scrolls the
    # main area, not the document, so the main area is what must not get wider than it is.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    main = page.get_by_test_id("stMain")
    assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), main.evaluate(
        "m => `hovedområdet er ${m.scrollWidth} px bredt, men viser ${m.clientWidth} px`")
    for region in page.locator("div.nd-scroll").all():
        assert region.evaluate("r => r.getBoundingClientRect().right <= window.innerWidth + 1")
    screenshot(page, f"undersokelser-0312-leder-{width}")


def test_counts_the_gate_cannot_protect_show_a_message(page, e2e_db, tmp_path_factory):
    # A database whose survey has a Totalt row (loaded before the import refused it): no figure, no traceback.
    db = tmp_path_factory.mktemp("e2e-totalt") / "navdash.duckdb"
    shutil.copyfile(e2e_db.path, db)
    with store.writing(db, who="test") as con:
        con.execute("""INSERT INTO survey_counts SELECT survey, round, unit_id, 'Totalt', question, theme, answer,
                       sum(count) FROM survey_counts WHERE unit_id = '0312'
                       GROUP BY survey, round, unit_id, question, theme, answer""")
    serving = serve(db, tmp_path_factory.mktemp("e2e-totalt-server"))
    url = next(serving)
    try:
        goto_app(page, url + LINK, text="Undersøkelsen kan ikke vises")
        assert page.locator("table.nd-table").count() == 0
        assert page.get_by_test_id("stPlotlyChart").count() == 0
        screenshot(page, "undersokelser-avvist-form")
    finally:
        serving.close()
