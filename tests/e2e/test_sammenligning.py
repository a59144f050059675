"""The comparison page in a real browser: a shared link, the funnel and the small multiples drawn, the table in
tree order, the reading guide, the link to a målekort, and axe."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot


def test_shared_link_shows_the_funnel_without_ranking(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the comparison browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + "/sammenligning?indikator=B.15&periode=2022-12&under=0300",
             text="Sammenligning uten rangering")
    assert page.get_by_test_id("stPlotlyChart").count() == 2
    page.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first.wait_for()
    assert page.get_by_text("Enheter inne i trakten er ikke forskjellige.", exact=True).is_visible()
    assert page.get_by_text("rangering villeder").is_visible()
    link = page.locator('a[href*="/malekort?enhet=0312&periode=2022-12&indikator=B.15"]').first
    assert link.is_visible()
    screenshot(page, "sammenligning-oslo")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    href = link.get_attribute("href")  # markdown links open in a new tab; follow it in this one
    goto_app(page, href if href.startswith("http") else server + href, text="Målekort for 0312", allow_dialog=True)


def test_tertial_group_link(page, server):
    goto_app(page, server + "/sammenligning?indikator=N.KMKORR&periode=2021-T3&gruppe=Mellomstor+kommune"
             "&juster=additiv&rekkefolge=navn&persona=analytiker", text="Sammenligning uten rangering")
    assert page.get_by_text("2021 T3").first.is_visible()
    assert page.get_by_text("Sammenligningsgruppe: «Mellomstor kommune»", exact=False).first.is_visible()
    screenshot(page, "sammenligning-gruppe-tertial")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
