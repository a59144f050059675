"""The upload page and the demo personas in a real browser: upload, check, confirm, history; axe on each state."""

from __future__ import annotations

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered


def test_leader_uploads_a_local_file_and_confirms(page, server, tmp_path):
    goto_app(page, f"{server}/last-opp?persona=leder", text="Last opp data")
    assert page.get_by_text("Som NAV-leder kan du laste opp verdier for din egen enhet (0312)").is_visible()
    good = tmp_path / "jobbklubb.csv"
    good.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;L.KLUBB;2023-02;;;21\n", encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(good))
    wait_rendered(page, "Bekreft import")
    assert page.get_by_text("1 nye", exact=False).first.is_visible()
    screenshot(page, "last-opp-kontroll")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    page.get_by_role("button", name="Bekreft import").click()
    wait_rendered(page, "importert: 1 nye")
    assert page.get_by_text("importert: 1 nye", exact=False).first.is_visible()


def test_refused_file_shows_every_problem(page, server, tmp_path):
    goto_app(page, f"{server}/last-opp?persona=leder", text="Last opp data")
    bad = tmp_path / "feil.csv"
    bad.write_text("enhet,indikator,periode,teller,nevner,verdi\n1103,L.KLUBB,2023-01,,,5\n0312,B.15,2023-01,5,10,\n",
                   encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(bad))
    wait_rendered(page, "Rett feilene under")
    assert page.get_by_text("avvist, 2 feil", exact=False).first.is_visible()
    assert page.get_by_role("button", name="Bekreft import").count() == 0
    screenshot(page, "last-opp-avvist")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_employee_persona_has_no_upload_in_the_menu(page, server):
    goto_app(page, f"{server}/oversikt?persona=ansatt", text="Mål og resultater i NAV")
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "Last opp data" not in nav and "Målekort" in nav
    assert "Demo – ikke innlogget" in page.get_by_test_id("stSidebar").inner_text()
