"""The quality page in a real browser: a shared link, items grouped by source with charts, and axe."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot


def test_shared_link_shows_key_information_grouped(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the quality browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + "/kvalitet?enhet=0312&periode=2021-12", text="Kvalitet – nøkkelinformasjon for 0312")
    for heading in ("Brukerundersøkelser", "Serviceklager", "Kvalitetsmålinger", "NAV Klageinstans",
                    "Se i sammenheng"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_test_id("stPlotlyChart").count() >= 10
    assert page.get_by_text("(2021 T3)").first.is_visible()
    screenshot(page, "kvalitet-0312")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
