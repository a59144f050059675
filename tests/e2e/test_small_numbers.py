"""Small numbers in a real browser: an employee sees «færre enn 5» where the office's leader and the fylke's
management see the number, on the målekort and the comparison page, at 1024 and 1440 px, and axe finds nothing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot

MALEKORT = "/malekort?enhet=0312&periode=2022-12&indikator=B.33&persona={persona}"
SAMMENLIGNING = "/sammenligning?indikator=M.INK&periode=2022&under=0300&persona={persona}"


@pytest.mark.parametrize("width", [1024, 1440])
def test_malekort_employee_and_leader(page, server, e2e_db, width):
    if e2e_db.kind != "demo":
        raise AssertionError("the small-numbers browser test needs the demo database (data/demo/*.csv)")
    page.set_viewport_size({"width": width, "height": 1000})
    goto_app(page, server + MALEKORT.format(persona="ansatt"), text="Målekort for 0312", allow_dialog=True)
    row = page.locator("table.nd-table tr", has=page.locator("th a", has_text="B.33")).first
    assert row.locator(".nd-withheld").count() >= 2  # this December and the year to date
    assert row.locator(".nd-withheld").first.get_attribute("title").startswith("Tallet gjelder færre enn 5")
    screenshot(page, f"smaa-tall-malekort-ansatt-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    goto_app(page, server + MALEKORT.format(persona="leder"), text="Målekort for 0312", allow_dialog=True)
    row = page.locator("table.nd-table tr", has=page.locator("th a", has_text="B.33")).first
    assert row.locator(".nd-withheld").count() == 0
    screenshot(page, f"smaa-tall-malekort-leder-{width}")


@pytest.mark.parametrize("width", [1024, 1440])
def test_sammenligning_employee_and_fylke(page, server, width):
    page.set_viewport_size({"width": width, "height": 1000})
    goto_app(page, server + SAMMENLIGNING.format(persona="ansatt"), text="Sammenligning uten rangering")
    page.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first.wait_for()
    assert page.get_by_text("Færre enn 5 personer i grunnlaget").is_visible()
    screenshot(page, f"smaa-tall-sammenligning-ansatt-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    goto_app(page, server + SAMMENLIGNING.format(persona="fylkesleder"), text="Sammenligning uten rangering")
    page.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first.wait_for()
    assert page.get_by_text("Færre enn 5 personer i grunnlaget").count() == 0
    screenshot(page, f"smaa-tall-sammenligning-fylke-{width}")
