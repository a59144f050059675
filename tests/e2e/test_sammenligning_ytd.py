"""Year-to-date comparison in a real browser: the toggle in the sidebar, the months named in the heading, at 1024 and
1440 px, with no serious axe findings."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered


def test_year_to_date_comparison_in_the_browser(page, server):
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        goto_app(page, f"{server}/sammenligning?indikator=B.15&periode=2021-06", text="Gruppens andel",
                 timeout_ms=120_000)
        assert "hittil i år" not in page.get_by_test_id("stMain").inner_text()
        page.get_by_test_id("stSidebar").get_by_text("Hittil i år", exact=True).click()
        wait_rendered(page, "januar–juni 2021 (hittil i år)", timeout_ms=120_000)
        assert "hittil=ja" in page.url
        screenshot(page, f"sammenligning-hittil-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
