"""Månedsmøtet in a real browser: the fylkesleder opens a meeting, finds the offices with a concern without any
ranking, downloads the meeting pack as Excel (with the page's numbers and Norwegian number formats) and as PDF, and
the page has no serious axe findings."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, wait_rendered


def _open_meeting(page, server: str, month: str, label: str) -> None:
    goto_app(page, f"{server}/styringsdialog?persona=fylkesleder&maned={month}", text="Månedsmøtet – 0300 NAV Oslo")
    page.get_by_role("button", name=f"Åpne møtet for {label}").click()
    # The page may already show an earlier meeting (opened by another test); wait for the one just opened.
    wait_rendered(page, f"Kontorene i NAV Oslo, {label}")


def test_fylkesleder_opens_the_meeting_and_downloads_the_pack(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the meeting browser test needs the demo database (data/demo/*.csv)")
    # Other browser tests import months after 2022; the month in the URL keeps this test on the demo's last month.
    _open_meeting(page, server, "2022-12", "desember 2022")
    assert re.search(r"mote=\d+", page.url), page.url

    overview = page.locator("table.nd-meet", has=page.locator("caption", has_text="Kontorene i NAV Oslo"))
    rows = overview.locator("tbody tr")
    assert rows.count() == 15
    offices = [rows.nth(i).locator("th").inner_text() for i in range(15)]
    assert [o.split(" ", 1)[1] for o in offices] == sorted(o.split(" ", 1)[1] for o in offices)
    concern = [offices[i] for i in range(15) if rows.nth(i).locator("td").first.inner_text().strip() != "–"]
    assert 0 < len(concern) < 15

    # The office table of the chosen office, and the same number in the Excel pack.
    office = page.locator("table.nd-meet", has=page.locator("caption", has_text="Styringsparametere for"))
    heads = [h.strip() for h in office.locator("thead th").all_inner_texts()]
    b15 = office.locator("tbody tr", has=page.locator("th", has_text="B.15")).first.locator("th, td").all_inner_texts()
    shown_ytd = b15[heads.index("Hittil i år")].split()[0]  # "72,9 %", found by its column heading
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned møtepakken (Excel)").click()
    assert download.value.suggested_filename.startswith("motepakke-0300-2022-12")
    wb = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert wb.sheetnames == ["Oversikt", "Tall", "Kommentarer", "Oppfølgingspunkter"]
    sheet = wb["Tall"]
    assert sheet["A2"].value.startswith("Dataversjon ") and sheet["A3"].value.startswith("DEMODATA")
    header = [c.value for c in sheet[4]]
    first = offices[0][:4]
    row = next(r for r in sheet.iter_rows(min_row=5) if r[0].value == first and r[2].value == "B.15")
    ytd = row[header.index("Hittil i år")]
    assert ytd.number_format == "0.0%"  # a share, stored as a fraction: Excel shows it as 72,9 %
    assert f"{ytd.value * 100:.1f}".replace(".", ",") == shown_ytd
    assert [r[0].value for r in wb["Oversikt"].iter_rows(min_row=5)] == [o[:4] for o in offices]

    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned møtepakken (PDF)").click()
    assert download.value.suggested_filename == "motepakke-0300-2022-12.pdf"
    document = open(download.value.path(), "rb").read()
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", document)) > 15  # the overview and every office

    screenshot(page, "styringsdialog-oversikt")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    page.get_by_text("Vis bare kontorer med særskilt variasjon – bekymring").click()
    wait_rendered(page)
    assert rows.count() == len(concern)
    assert [rows.nth(i).locator("th").inner_text() for i in range(rows.count())] == concern
    screenshot(page, "styringsdialog-bekymring")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_meeting_states_the_flags_chance_alone_would_give(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the meeting browser test needs the demo database (data/demo/*.csv)")
    _open_meeting(page, server, "2022-06", "juni 2022")
    note = page.get_by_text("Selv om ingenting hadde endret seg")
    assert note.is_visible()
    assert "sjanse for falsk alarm" in note.inner_text()
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 1000})
        note.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(page, f"styringsdialog-sjanse-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
