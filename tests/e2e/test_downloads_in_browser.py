"""The målekort and the comparison table downloaded in a real browser: the PDF is a PDF, the Excel file has the
page's rows with Norwegian number formats, and the buttons fit at 1024 px and wide."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.conftest import SCREENSHOTS, axe_violations, format_violations, goto_app, screenshot


def _download(page, label: str):
    with page.expect_download() as download:
        page.get_by_role("button", name=label).click()
    return download.value, open(download.value.path(), "rb").read()


def test_malekort_downloads_as_pdf_and_excel(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the download browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + "/malekort?persona=leder&enhet=0312&periode=2022-12", text="Målekort for 0312")
    shown = page.locator("table.nd-table tbody tr th").all_inner_texts()
    got, document = _download(page, "Last ned målekortet (PDF)")
    assert got.suggested_filename == "malekort-0312-2022-12.pdf"
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    got, book = _download(page, "Last ned målekortet (Excel)")
    sheet = load_workbook(io.BytesIO(book))["Styringsparametere"]
    assert sheet["A3"].value.startswith("DEMODATA")
    ids = [r[2].value for r in sheet.iter_rows(min_row=5)]
    assert ids and set(ids) <= {s.split()[0] for s in shown}
    shares = [r[4] for r in sheet.iter_rows(min_row=5) if r[4].number_format == "0.0%"]
    assert shares and all(0 <= c.value <= 1 for c in shares if isinstance(c.value, float))
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.get_by_role("button", name="Last ned målekortet (PDF)").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"malekort-nedlasting-{width}-utsnitt.png"))  # the buttons
        screenshot(page, f"malekort-nedlasting-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_comparison_table_downloads_in_the_page_order(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the download browser test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + "/sammenligning?indikator=B.15&periode=2022-12&under=0300",
             text="Sammenligning uten rangering")
    got, book = _download(page, "Last ned sammenligningen (Excel)")
    assert got.suggested_filename == "sammenligning-B.15-2022-12.xlsx"
    sheet = load_workbook(io.BytesIO(book))["Sammenligning"]
    rows = [r for r in sheet.iter_rows(min_row=5) if r[0].value and str(r[0].value).isdigit()]
    assert [r[0].value for r in rows] == sorted(r[0].value for r in rows)  # unit tree order, not by value
    assert all(r[4].number_format == "0.0%" and r[2].number_format == "#,##0" for r in rows
               if isinstance(r[4].value, float))
    got, document = _download(page, "Last ned sammenligningen (PDF)")
    assert document.startswith(b"%PDF-")
    page.set_viewport_size({"width": 1024, "height": 900})
    page.get_by_role("button", name="Last ned sammenligningen (PDF)").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "sammenligning-nedlasting-1024-utsnitt.png"))
    screenshot(page, "sammenligning-nedlasting-1024")
