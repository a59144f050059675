"""The goals page in a real browser: a deep link renders the unit's goals, links reach the målekort, and neither the
page nor the leader's form has serious axe findings."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered

TITLE = "Mål og prioriteringer"
HEADINGS = ("Samfunnsoppdraget og NAVs hovedmål", "Fra mål- og disponeringsbrevet", "Lagt til av fylket",
            "Enhetens egne mål", "Prioriteringer for 2021")


def test_mal_deep_link_renders_and_is_accessible(page, server, e2e_db):
    goto_app(page, f"{server}/mal?enhet=0312&aar=2021", text="Fra mål- og disponeringsbrevet")

    assert not page.get_by_test_id("stException").count(), page.get_by_test_id("stException").first.inner_text()
    # The navigation entry shows that the page runs inside app.py's frame.
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_text(TITLE, exact=True).count(), f"/mal kjører ikke gjennom app.py: {nav.inner_text()!r}"
    assert page.get_by_role("heading", name=TITLE).is_visible()
    for heading in HEADINGS:
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("NAV Frogner (0312)", exact=False).first.is_visible()
    assert main.get_by_text("flere i arbeid og aktivitet og færre på stønad", exact=False).first.is_visible()
    link = main.get_by_role("link", name="B.15", exact=True).first
    assert link.get_attribute("href").endswith("/malekort?enhet=0312&periode=2021-12&indikator=B.15&persona=leder")
    assert link.get_attribute("target") == "_self"
    if e2e_db.kind == "demo":
        assert page.get_by_role("heading", name="1. Tett oppfølging av unge under 30 år").is_visible()
        assert main.get_by_text("Høyst 5,5 % (NAV Frogners eget mål)").is_visible()
    assert "enhet=0312" in page.url and "aar=2021" in page.url
    # On a page's own URL Streamlit's frontend first probes /mal/_stcore/host-config and /mal/_stcore/health (404)
    # before it finds the server root; those are its own, anything else is ours.
    errors = [e for e in page.console_errors if "status of 404" not in e]
    assert not errors, errors

    shot = screenshot(page, f"mal-{e2e_db.kind}")
    assert shot.stat().st_size > 0
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    # The default persona leads 0312, so the form is there; it must be as accessible as the rest.
    page.get_by_text("Endre prioriteringene", exact=True).click()
    wait_rendered(page, "Lagre prioriteringene")
    assert page.get_by_label("Tittel, prioritering 1").is_visible()
    screenshot(page, f"mal-skjema-{e2e_db.kind}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_mal_shows_how_many_goals_the_unit_carries_at_1024_and_1440(page, server, e2e_db):
    from navdash import goals

    n = goals.counts(goals.view(e2e_db.path, "0312", 2021))
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        goto_app(page, f"{server}/mal?enhet=0312&aar=2021", text="Hvor mange mål enheten har")
        row = page.locator("tr", has=page.get_by_text("Styringsparametere med resultatkrav", exact=True))
        assert row.locator("td").all_inner_texts()[1] == str(n.parameters)
        screenshot(page, f"mal-antall-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
