"""Links and drill-down in a real browser: the start page leads each role to its work (screenshots at 1024 and 1440
px), a restricted page explains itself in Norwegian, the tree, a meeting row and a funnel point open the unit's
målekort in the same tab with the persona kept, and Sammenligning moves from a monthly to a tertial indicator
without an error."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from navdash import access, meetings
from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered

TITLE = "Mål og resultater i NAV"
LEADS = {"leder": "Gå til målekortet", "fylkesleder": "Gå til månedsmøtet", "ansatt": "Gå til mål og prioriteringer",
         "analytiker": "Gå til opplastingen"}


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize("persona", list(LEADS))
def test_start_page_leads_each_role(page, server, e2e_db, persona):
    if e2e_db.kind != "demo":
        pytest.skip("the personas' units are in the demo database only")
    goto_app(page, f"{server}/oversikt?persona={persona}", text=TITLE)
    main = page.get_by_test_id("stMain")
    lead = main.get_by_role("link", name=LEADS[persona]).first
    assert lead.is_visible()
    box, view = lead.bounding_box(), page.viewport_size
    assert box["y"] < view["height"], "the way to the role's work is on the first screen"
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        # Nothing on the start page is wider than the main column (the Månedstall figure was cut at 1024 px).
        overflow = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert not overflow, overflow
        screenshot(page, f"start-{persona}-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    with page.expect_navigation():
        lead.click()
    wait_rendered(page)
    assert _query(page.url).get("persona") == [persona] or "persona" not in page.url  # page_link keeps the session
    assert "Demo – ikke innlogget" in page.get_by_test_id("stSidebar").inner_text()


# Where the app's root address lands each role: the text that shows it, the path and what the address carries.
LANDS = {"leder": ("Målekort for 0312", "/malekort", {"enhet": ["0312"]}),
         "fylkesleder": ("Månedsmøtet – 0300", "/styringsdialog", {}),
         "ansatt": ("Mål og prioriteringer", "/mal", {"enhet": ["0312"]}),
         "analytiker": ("Data og ferskhet", "/oversikt", {})}


@pytest.mark.parametrize("persona", list(LANDS))
def test_the_root_address_lands_on_the_roles_work_and_oversikt_stays(page, server, e2e_db, persona):
    if e2e_db.kind != "demo":
        pytest.skip("the personas' units are in the demo database only")
    text, path, params = LANDS[persona]
    goto_app(page, f"{server}/?persona={persona}", text=text)
    parts = urlsplit(page.url)
    assert parts.path == path, page.url
    q = _query(page.url)
    assert q["persona"] == [persona] and all(q[k] == v for k, v in params.items()), page.url
    if persona == "leder":
        assert q["periode"][0] >= "2022-12"  # the latest complete month of the demo data, not an old one
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Oversikt").click()  # the start page is reached from the menu and stays
    wait_rendered(page, TITLE)
    page.wait_for_timeout(1500)  # time for a redirect that must not come
    wait_rendered(page)
    assert urlsplit(page.url).path == "/oversikt", page.url
    assert page.get_by_role("heading", name="Ditt arbeid").is_visible()
    page.reload()  # the start page's own address opened anew stays on the start page too
    wait_rendered(page, "Ditt arbeid")
    assert urlsplit(page.url).path == "/oversikt", page.url


def test_restricted_page_explains_in_norwegian(page, server):
    goto_app(page, f"{server}/styringsdialog?persona=ansatt", text="Du har ikke tilgang til siden")
    main = page.get_by_test_id("stMain").inner_text()
    visible = page.locator("body").inner_text()  # goto_app has already failed on any dialog
    assert "Page not found" not in visible and "Fant ikke siden" not in visible
    assert "Du har ikke tilgang til siden «Månedsmøtet»" in main and "med rollen Ansatt" in main
    assert "Månedsmøtet" not in page.get_by_test_id("stSidebarNav").inner_text()  # not offered in the menu
    screenshot(page, "ingen-tilgang-styringsdialog")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_tree_link_opens_the_units_malekort_and_keeps_the_persona(page, server, e2e_db):
    if e2e_db.kind != "demo":
        pytest.skip("the personas' units are in the demo database only")
    goto_app(page, f"{server}/oversikt?persona=fylkesleder", text=TITLE)
    page.get_by_text("NAV Oslo (0300)", exact=False).first.click()  # the fylke's expander
    link = page.get_by_test_id("stMain").get_by_role("link", name="NAV Grünerløkka", exact=True).first
    assert link.get_attribute("target") == "_self"
    link.click()
    wait_rendered(page, "Målekort for 0315")
    assert len(page.context.pages) == 1, "the link opened in the same tab"
    assert _query(page.url)["persona"] == ["fylkesleder"]
    persona = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
    assert "Fylkesledelse" in persona.inner_html()  # still the fylkesleder, not NAV-leder


def test_meeting_row_opens_the_offices_malekort(page, server, e2e_db):
    if e2e_db.kind != "demo":
        pytest.skip("the meeting needs the demo fylke")
    meeting_id = meetings.open_meeting(e2e_db.path, access.DEMO_PERSONAS["fylkesleder"], "0300", "2022-11")
    goto_app(page, f"{server}/styringsdialog?persona=fylkesleder&mote={meeting_id}", text="Månedsmøtet")
    row = page.locator("table.nd-meet a", has_text="0312").first
    row.click()
    wait_rendered(page, "Målekort for 0312")
    q = _query(page.url)
    assert q["enhet"] == ["0312"] and q["periode"] == ["2022-11"] and q["persona"] == ["fylkesleder"]


def test_funnel_point_opens_the_units_malekort(page, server, e2e_db):
    if e2e_db.kind != "demo":
        pytest.skip("the funnel needs the demo units")
    goto_app(page, f"{server}/sammenligning?indikator=B.15&periode=2022-12&under=0300&persona=fylkesleder",
             text="Sammenligning uten rangering")
    chart = page.get_by_test_id("stPlotlyChart").first
    point = chart.locator(".scatterlayer .trace.scatter .points path.point").last
    point.wait_for()
    point.click(force=True)
    wait_rendered(page, "Målekort for", allow_dialog=True)  # the compared indicator opens in the detail dialog
    assert "B.15" in page.get_by_role("dialog").inner_text()
    q = _query(page.url)
    assert q["periode"] == ["2022-12"] and q["indikator"] == ["B.15"] and q["persona"] == ["fylkesleder"]
    assert q["enhet"][0].startswith("03")


def test_comparison_from_a_monthly_to_a_tertial_indicator_shows_no_error(page, server, e2e_db):
    if e2e_db.kind != "demo":
        pytest.skip("tertial indicators are in the demo database")
    goto_app(page, f"{server}/sammenligning?indikator=B.15&periode=2022-12&under=1100&persona=analytiker",
             text="Sammenligning uten rangering")
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Indikator", exact=True).click()
    page.keyboard.type("N.KMKORR")  # the list is long and drawn only where it is scrolled to
    page.get_by_role("option").filter(has_text="N.KMKORR").first.click()
    wait_rendered(page, "N.KMKORR")
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.first.inner_text()
    assert "T" in _query(page.url)["periode"][0]
    screenshot(page, "sammenligning-til-tertial")
