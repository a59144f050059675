"""Year-to-date comparison in a real browser: the toggle in the sidebar, the months named in the heading, a count
compared within a size class without a funnel, and switching the classification, at 1024 and 1440 px, with no
serious axe findings."""

from __future__ import annotations

from urllib.parse import quote

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered


def test_year_to_date_comparison_in_the_browser(page, server):
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        goto_app(page, f"{server}/sammenligning?indikator=B.15&periode=2021-06", text="Gruppens andel",
                 timeout_ms=120_000)
        assert "hittil i år" not in page.get_by_test_id("stMain").inner_text().lower()
        page.get_by_test_id("stSidebar").get_by_text("Hittil i år", exact=True).click()
        wait_rendered(page, "Hittil i år, januar–juni 2021, 6 måneder", timeout_ms=120_000)
        assert "hittil=ja" in page.url
        screenshot(page, f"sammenligning-hittil-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_a_count_year_to_date_within_a_classification(page, server):
    group = quote("Liten (under 20 ansatte)")
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        goto_app(page, f"{server}/sammenligning?indikator=B.31&periode=2022-09&hittil=ja&innenfor=storrelse"
                       f"&gruppe={group}&persona=analytiker", text="Hittil i år, januar–september 2022, 9 måneder",
                 timeout_ms=120_000)
        main = page.get_by_test_id("stMain")
        assert main.get_by_text("Størrelse: «Liten (under 20 ansatte)»", exact=False).first.is_visible()
        assert main.get_by_text("ingen trakt", exact=False).first.is_visible()
        assert page.get_by_test_id("stPlotlyChart").count() == 1  # the values side by side, no funnel
        screenshot(page, f"sammenligning-antall-storrelse-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    page.get_by_test_id("stSidebar").get_by_text("Sentralitet", exact=True).click()
    wait_rendered(page, "Sentralitet: «1 (mest sentral)»", timeout_ms=120_000)
    assert "innenfor=sentralitet" in page.url
    screenshot(page, "sammenligning-antall-sentralitet-1440")
