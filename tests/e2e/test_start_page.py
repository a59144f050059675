"""The start page in a real browser: it renders inside the app's frame, says what it should, and has no serious or
critical axe findings."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot

TITLE = "Mål og resultater i NAV"


def test_deep_link_on_a_fresh_server_runs_inside_the_frame(page, fresh_server):
    # A shared link opened first on a fresh server must run inside app.py's frame: the pages live in views/, so
    # Streamlit has no legacy pages/ folder to serve them from without app.py.
    server = fresh_server
    # goto_app fails on Streamlit's "Page not found" modal, which it shows when the URL is not a page's url_path.
    for visit in ("første", "andre"):  # fresh server, then after app.py's st.navigation has run
        goto_app(page, f"{server}/malekort?enhet=0312&periode=2021-12", text="Målekort for 0312")
        sidebar = page.get_by_test_id("stSidebar").inner_text()
        assert "Dataversjon" in sidebar, f"{visit} besøk: lenken ble vist uten rammen fra app.py: {sidebar!r}"
        assert "Demo – ikke innlogget" in sidebar


def test_start_page_content_and_accessibility(page, server, e2e_db):
    goto_app(page, f"{server}/oversikt", text=TITLE)  # "Oversikt"; the root address lands on the work page

    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_role("heading", name="Data og ferskhet").is_visible()
    assert page.get_by_role("heading", name="Enhetene").is_visible()
    assert page.get_by_text(e2e_db.unit_name, exact=False).first.is_visible(), e2e_db.unit_name
    assert "Dataversjon" in page.get_by_test_id("stSidebar").inner_text()
    assert page.evaluate("document.documentElement.lang") == "nb"  # screen readers read it as Norwegian

    shot = screenshot(page, f"start-{e2e_db.kind}")
    assert shot.stat().st_size > 0

    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_start_page_shows_coverage_per_month(page, server):
    goto_app(page, f"{server}/oversikt", text=TITLE)
    heading = page.get_by_role("heading", name="Fullstendighet per måned")
    assert heading.is_visible()
    assert page.get_by_text("En måned er komplett for en enhet").is_visible()
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        heading.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(page, f"start-coverage-{width}")


def test_units_are_listed_in_the_tree_order(page, server, e2e_db):
    goto_app(page, f"{server}/oversikt", text=TITLE)
    heading = page.get_by_role("heading", name="Enhetene")
    heading.scroll_into_view_if_needed()
    assert page.get_by_text("Ordnet etter enhetstreet: hvert fylke med kontorene sine etter navn").is_visible()
    expanders = page.get_by_test_id("stExpander")
    labels = [e.inner_text().split("\n")[0] for e in expanders.all()]
    fylker = [label for label in labels if "· Fylke ·" in label]
    assert fylker == sorted(fylker), labels  # fylker by name, as in every picker
    expanders.filter(has_text="· Fylke ·").last.locator("summary").click()
    page.wait_for_timeout(800)
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        screenshot(page, f"start-enhetene-{width}")
