"""The survey page in a real browser: the shared link, the charts, hidden cells that say why, and axe."""

from __future__ import annotations

from urllib.parse import quote

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot

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
