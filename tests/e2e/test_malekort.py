"""The målekort in a real browser: a shared link, the reference numbers, signals with text, the detail chart,
an import from the command line while the server serves, and axe."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.e2e.conftest import ROOT, axe_violations, format_violations, goto_app, screenshot, wait_rendered

LINK = "/malekort?enhet=0000&periode=2021-12&indikator=B.15"


def _import_values(e2e_db, tmp_path, rows: str) -> None:
    """Import value rows from the command line into the database the server is serving."""
    f = tmp_path / "ny.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n" + rows, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "navdash", "import", "verdier", str(f)], cwd=ROOT,
                          env={**os.environ, "NAVDASH_DB": str(e2e_db.path)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def test_norge_link_shows_the_reference_malekort(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the målekort browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + LINK, text="Målekort for 0000 Norge", allow_dialog=True)
    row = page.locator("table.nd-table tr", has=page.locator("th a", has_text="B.15")).first
    cells = row.locator("td").all_inner_texts()
    assert cells[3].startswith("82,0") and cells[4].startswith("65,0"), cells  # hittil i år, i år / i fjor
    assert cells[6].startswith("77,0") and cells[7].startswith("60,0"), cells  # denne perioden
    reason = row.locator("td.signal .nd-reason").first.text_content()
    # 2021 is within a year of the recorded reopening after the pandemic (demo change point 2021-04), so the
    # signal says how few months there are since then instead of judging the new process.
    assert re.search(r"(Særskilt|Vanlig) variasjon.*(Regelen som slo til|Ingen av reglene)"
                     r"|siden endringspunktet april 2021 \(Gjenåpning", reason or "")
    page.get_by_role("dialog").get_by_test_id("stPlotlyChart").wait_for()  # the detail opens over the table
    assert page.get_by_role("dialog").get_by_test_id("stPlotlyChart").count() == 1
    screenshot(page, "malekort-norge")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_office_link_and_key_information(page, server):
    goto_app(page, server + "/malekort?enhet=0312&periode=2021-12&indikator=B.47", text="Målekort for 0312",
             allow_dialog=True)
    assert page.get_by_role("heading", name="Nøkkelinformasjon").is_visible()
    assert page.locator(".nd-badge", has_text="Forbedring").first.is_visible()
    screenshot(page, "malekort-0312")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_import_while_serving_is_seen_on_the_next_visit(page, server, e2e_db, tmp_path):
    goto_app(page, server + "/malekort?enhet=0312&periode=2021-12", text="Målekort for 0312")
    before = int(re.search(r"Dataversjon (\d+)", page.get_by_test_id("stSidebar").inner_text()).group(1))
    _import_values(e2e_db, tmp_path, "0312,B.15,2016-01,10,20,\n")
    goto_app(page, server + "/malekort?enhet=0312&periode=2021-12", text="Målekort for 0312")
    after = int(re.search(r"Dataversjon (\d+)", page.get_by_test_id("stSidebar").inner_text()).group(1))
    assert after == before + 1


def _widths(page, name: str) -> None:
    """Screenshots at a laptop's 1024 px and a wide 1440 px; the table must not overflow the page at either."""
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        screenshot(page, f"{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"


def test_verdicts_assurance_and_merged_history(page, server):
    link = "/malekort?enhet=1103&periode=2022-12&indikator=M.SF&persona=analytiker"
    goto_app(page, server + link, text="Målekort for 1103", allow_dialog=True)
    page.keyboard.press("Escape")  # the table, not the detail, is what this test reads
    page.wait_for_function("() => !location.search.includes('indikator=')")
    wait_rendered(page)
    assert page.get_by_text("omfatter NAV Finnøy (til 31.12.2019), NAV Rennesøy (til 31.12.2019)").is_visible()
    row = page.locator("table.nd-table tr", has=page.locator("th a", has_text="M.SF")).first
    assurance = row.locator("td.signal details").nth(1)
    assurance.locator("summary").click()
    reason = assurance.locator(".nd-reason").inner_text()
    assert "(Høyst 5,8 %)" in reason and "Målsikkerhet mot «Høyst 5,8 % (NAV Stavangers eget mål)»" in reason
    verdict = row.locator("td.goal details").first
    verdict.locator("summary").click()
    assert "Tilfeldig variasjon er anslått fra" in verdict.locator(".nd-reason").inner_text()
    _widths(page, "malekort-1103-verdicts")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_partial_month_is_not_the_default_and_says_how_many_offices(page, server, e2e_db, tmp_path):
    _import_values(e2e_db, tmp_path, "0312,M.SF,2023-01,50,1000,\n")
    goto_app(page, server + "/malekort?enhet=0300&persona=analytiker", text="Målekort for 0300")
    assert "periode=2022-12" in page.url, page.url
    goto_app(page, server + "/malekort?enhet=0300&periode=2023-01&persona=analytiker", text="Målekort for 0300")
    assert page.get_by_text("bare 1 av 15 kontorer har levert tall").is_visible()
    row = page.locator("table.nd-table tr", has=page.locator("th a", has_text="M.SF")).first
    assert "Beregnet fra 1 av 15 kontorer" in row.inner_text()
    assert "Ufullstendige tall" in row.locator("td.signal").inner_text()
    _widths(page, "malekort-0300-partial")


def test_detail_chart_shows_season_and_change_points_at_two_widths(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the signal chart browser test needs the demo database (data/demo/*.csv)")
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        # B.14 for Norge: a calendar pattern (December low), charted seasonally adjusted beside the raw values.
        goto_app(page, server + "/malekort?enhet=0000&periode=2022-12&indikator=B.14", text="Målekort for 0000",
                 allow_dialog=True)
        chart = page.get_by_role("dialog").get_by_test_id("stPlotlyChart")
        chart.wait_for()
        chart.scroll_into_view_if_needed()
        assert chart.locator("text", has_text="Sesongjustert").count() >= 1  # the legend entry
        assert page.get_by_role("dialog").get_by_text("Sesongjustert: fast sesong funnet").first.is_visible()
        screenshot(page, f"malekort-sesong-{width}")
        # B.15 for Norge, December 2021: the reopening after the pandemic is a recorded change point.
        goto_app(page, server + "/malekort?enhet=0000&periode=2021-12&indikator=B.15", text="Målekort for 0000",
                 allow_dialog=True)
        chart = page.get_by_role("dialog").get_by_test_id("stPlotlyChart")
        chart.wait_for()
        chart.scroll_into_view_if_needed()
        assert chart.locator("text", has_text="Endring: Gjenåpning").count() == 1
        assert page.get_by_role("dialog").get_by_text("Endringspunkt april 2021").first.is_visible()
        screenshot(page, f"malekort-endringspunkt-{width}")
        # Sickness absence for NAV Frogner: the months hang together, so the caption names the residual rules.
        goto_app(page, server + "/malekort?enhet=0312&periode=2022-12&indikator=M.SF", text="Målekort for 0312",
                 allow_dialog=True)
        note = page.get_by_role("dialog").get_by_text("Månedene henger sammen").first
        note.scroll_into_view_if_needed()
        assert note.is_visible()
        screenshot(page, f"malekort-autokorrelasjon-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
