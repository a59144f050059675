"""The målekort's layout in a real browser: it fits a laptop with the sidebar open and wider screens without
sideways scrolling, its rows are compact, every badge's reason opens by keyboard and by touch, the detail opens in a
dialog over the table without moving the page, and it prints on A4 landscape without the sidebar."""

from __future__ import annotations

import pytest

from navdash import scorecard
from navdash.periods import parse_period
from tests.e2e.conftest import SCREENSHOTS, axe_violations, format_violations, goto_app, screenshot, wait_rendered

# Oslo and Norge have the largest numbers, so the widest "Endring" and base cells.
CARD = "/malekort?enhet={unit}&periode=2022-12&persona=analytiker"
A4_LANDSCAPE_CSS_PX = round((297 - 2 * 10) / 25.4 * 96)  # 277 mm between the 10 mm margins of @page, at 96 px/in

FIT = """() => [...document.querySelectorAll('.nd-scroll')].map(box => {
    const right = box.getBoundingClientRect().right;
    const last = [...box.querySelectorAll('tbody tr')].map(r => r.lastElementChild.getBoundingClientRect().right);
    return {caption: box.querySelector('caption').innerText, scroll: box.scrollWidth, client: box.clientWidth,
            lastCellOut: Math.max(0, ...last.map(x => x - right))};
})"""

ROWS = """() => {
    const rows = [...document.querySelectorAll('.nd-scroll table')]
        .filter(t => t.querySelector('caption').innerText.startsWith('Styringsparametere'))
        .flatMap(t => [...t.querySelectorAll('tbody tr')]);
    const cell = rows[0].querySelector('td.name');
    const style = getComputedStyle(cell);
    return {heights: rows.map(r => r.getBoundingClientRect().height),
            line: parseFloat(style.lineHeight),
            padding: parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + 1,
            badges: [...document.querySelectorAll('.nd-table summary.nd-badge')].map(s => [
                s.getBoundingClientRect().height, parseFloat(getComputedStyle(s).lineHeight)])};
}"""


def _sidebar_open(page) -> None:
    side = page.get_by_test_id("stSidebar").bounding_box()
    table = page.locator("table.nd-table").first.bounding_box()
    assert side["x"] >= 0 and side["width"] > 200, side  # open, on the screen
    assert table["x"] >= side["x"] + side["width"], (side, table)  # and the table beside it, not under it


# An employee of NAV Frogner sees "færre enn 5" and a month without a signal, which made the cells wider.
@pytest.mark.parametrize(("unit", "persona"), [("0000", "analytiker"), ("0300", "analytiker"), ("0312", "ansatt")])
def test_fits_without_sideways_scrolling_at_1024_1280_1440(page, server, unit, persona):
    for width, height in ((1024, 768), (1280, 800), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        goto_app(page, server + CARD.format(unit=unit).replace("analytiker", persona), text=f"Målekort for {unit}")
        _sidebar_open(page)
        for table in page.evaluate(FIT):
            assert table["scroll"] <= table["client"], f"{unit} at {width} px: {table}"
            assert table["lastCellOut"] <= 0.5, f"{unit} at {width} px: «Endring» cut: {table}"
        overflow = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                            return m.scrollWidth - m.clientWidth; }""")
        assert overflow <= 0, f"{unit} at {width} px: the page scrolls {overflow} px sideways"
        # The first screen at 1024×768 shows figures, not only headings.
        first = page.locator("table.nd-table tbody tr").first.locator("td.num").first
        assert first.bounding_box()["y"] + first.bounding_box()["height"] <= height, f"{unit} at {width} px"
        if width in (1024, 1440):
            screenshot(page, f"malekort-layout-{unit}-{persona}-{width}")


BASES = """() => [...document.querySelectorAll('.nd-table .n.base')].map(n => ({
    text: n.innerText, height: n.getBoundingClientRect().height, line: parseFloat(getComputedStyle(n).lineHeight),
    full: n.title}))"""


@pytest.mark.parametrize("unit", ["0000", "0300"])
def test_bases_are_one_line_and_rows_short_at_1024(page, server, unit):
    # Oslo's and Norge's 5- and 6-digit bases wrapped to three lines at 1024 px and made every row tall.
    page.set_viewport_size({"width": 1024, "height": 768})
    goto_app(page, server + CARD.format(unit=unit), text=f"Målekort for {unit}")
    _sidebar_open(page)
    bases = page.evaluate(BASES)
    assert len(bases) >= 20, bases
    for b in bases:
        assert b["height"] < 1.6 * b["line"], b  # one line
        assert b["text"].startswith("av ") and b["full"].endswith(b["text"]), b  # the nevner, the teller on hover
    m = page.evaluate(ROWS)
    heights = sorted(m["heights"])
    median = heights[len(heights) // 2]
    # Half the rows at most four lines of name (the value and its base are two) with the row's padding and border.
    assert median <= 4 * m["line"] + m["padding"] + 2, (median, m["line"], heights)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_timeout(400)
    wide = page.evaluate(BASES)
    assert all(b["height"] < 1.6 * b["line"] for b in wide), wide
    assert all(b["text"] == b["full"].split(": ", 1)[1] for b in wide), wide[:3]  # wide: "12 345 av 67 890"


def test_rows_are_compact_and_badges_one_line(page, server):
    for width, height, lines in ((1024, 768, 5), (1440, 900, 4)):
        page.set_viewport_size({"width": width, "height": height})
        goto_app(page, server + CARD.format(unit="0000"), text="Målekort for 0000")
        m = page.evaluate(ROWS)
        # A badge is one line of text plus its border.
        for badge_height, line in m["badges"]:
            assert badge_height < 1.6 * line, m["badges"]
        # A row holds at most a value over a base wrapped in two (three lines) beside a name of a few lines; at
        # 1024 px, where the name column is narrowest, five lines; the row's padding and border on top.
        bound = len(m["heights"]) * (lines * m["line"] + m["padding"] + 2)
        assert sum(m["heights"]) <= bound, (width, sum(m["heights"]), bound, m["heights"])
        assert len(m["heights"]) >= 15  # the styringsparametere of Norge: the bound is about the whole card
        if width == 1024:
            assert sum(m["heights"]) <= 3 * height  # the steering rows in three screens of a 768 px laptop


def test_keyboard_and_touch_open_a_reason(page, server, browser):
    page.set_viewport_size({"width": 1024, "height": 768})
    goto_app(page, server + CARD.format(unit="0312"), text="Målekort for 0312")
    row = page.locator("table.nd-table tbody tr").first
    row.locator("th a").focus()
    page.keyboard.press("Tab")  # from the MK ID to the verdict: the next thing a keyboard reaches
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.closest('td').className]")
    assert focused == ["SUMMARY", "goal"], focused
    reason = row.locator("td.goal .nd-reason").first
    assert not reason.is_visible()
    page.keyboard.press("Enter")
    assert reason.is_visible()
    assert " – " in reason.inner_text() and len(reason.inner_text()) > 40  # the target's words and the rule
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the signal's reason, with the other key that opens a disclosure
    signal = row.locator("td.signal .nd-reason").first
    assert signal.is_visible() and "variasjon" in signal.inner_text().lower()
    assert not reason.is_visible()  # one reason open at a time: the verdict's closed when the signal's opened
    screenshot(page, "malekort-layout-reason-1024")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    touch = browser.new_context(viewport={"width": 1024, "height": 768}, locale="nb-NO", has_touch=True)
    try:
        phone = touch.new_page()
        goto_app(phone, server + CARD.format(unit="0312"), text="Målekort for 0312")
        badge = phone.locator("table.nd-table tbody tr td.signal summary").first
        badge.tap()
        assert phone.locator("table.nd-table tbody tr td.signal .nd-reason").first.is_visible()
    finally:
        touch.close()


def test_detail_opens_in_a_dialog_and_the_page_stays(page, server):
    page.set_viewport_size({"width": 1024, "height": 768})
    goto_app(page, server + CARD.format(unit="0312"), text="Målekort for 0312")
    main = page.get_by_test_id("stMain")
    # A row below the first screen (the rows are short now: B.31 is on it at 1024×768).
    link = page.locator("table.nd-table a[data-indikator='B.77']")
    link.scroll_into_view_if_needed()
    before = main.evaluate("m => m.scrollTop")
    assert before > 0
    link.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("stPlotlyChart").wait_for(timeout=90_000)  # the detail is computed on the first open
    wait_rendered(page, allow_dialog=True)
    assert "indikator=B.77" in page.url
    assert dialog.get_by_text("B.77 ").first.is_visible()
    assert dialog.get_by_test_id("stPlotlyChart").count() == 1
    assert abs(main.evaluate("m => m.scrollTop") - before) <= 2  # still where the reader was
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "malekort-layout-dialog-1024.png"))  # the viewport: what the reader sees
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('indikator=')")
    wait_rendered(page)
    assert abs(main.evaluate("m => m.scrollTop") - before) <= 2
    # A link with the indicator (a new tab, a meeting invitation) opens the same dialog.
    goto_app(page, server + CARD.format(unit="0312") + "&indikator=B.77", text="Målekort for 0312",
             allow_dialog=True)
    page.get_by_role("dialog").get_by_test_id("stPlotlyChart").wait_for()


def test_prints_on_a4_landscape_without_the_sidebar(page, server, e2e_db):
    page.set_viewport_size({"width": 1280, "height": 900})
    goto_app(page, server + CARD.format(unit="0300"), text="Målekort for 0300")
    sidebar_words = ["Vis som", "Dataversjon"]
    screen_text = page.evaluate("() => document.body.innerText")
    assert all(w in screen_text for w in sidebar_words)  # the words the print must leave out are there on screen
    # The target's wording sits in a reason that opens on demand: on screen it is not shown in the row ...
    targets = page.locator("table.nd-table td.goal .nd-print")
    assert targets.count() >= 10 and not targets.first.is_visible()
    page.emulate_media(media="print")
    printed = page.evaluate("() => document.body.innerText")  # innerText leaves out what is not rendered
    assert not [w for w in sidebar_words if w in printed]
    assert "Målekort for 0300" in printed and "Endring" in printed
    # ... on paper, where nothing opens, it is printed under the verdict: every target of the card.
    card = scorecard.load("0300", "2022-12", e2e_db.path)
    wording = {t.text_short for r in card.steering for t in r.targets}
    assert wording
    for text in wording:
        line = f"Mål: {text[:1].lower()}{text[1:]}"
        shown = page.locator("table.nd-table td.goal .nd-print", has_text=line)
        assert shown.count() and shown.first.is_visible(), line
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", landscape=True, print_background=True,
                   path=str(SCREENSHOTS / "malekort-layout-0300.pdf"))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2  # the page tree and at least one page
    # The printable width of A4 landscape: every table fits, the last column included.
    page.set_viewport_size({"width": A4_LANDSCAPE_CSS_PX, "height": 900})
    page.wait_for_timeout(300)
    for table in page.evaluate(FIT):
        assert table["scroll"] <= table["client"] and table["lastCellOut"] <= 0.5, table
    screenshot(page, "malekort-layout-print")


def test_rare_events_detail_shows_exact_limits_without_a_lower_one(page, server, e2e_db):
    # NAV Kvitsøy's "Fått jobben" (B.31): a few events a year. The chart draws the exact Poisson upper limit and
    # no lower one (a zero month is common), and the dialog names the chart.
    traces = """() => [...document.querySelectorAll('[role=dialog] .js-plotly-plot')].flatMap(p => p.data)
        .map(t => ({name: t.name, y: (t.y || []).filter(v => v !== null && v !== undefined)}))"""
    for width in (1024, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        goto_app(page, server + "/malekort?enhet=1144&periode=2022-12&persona=analytiker&indikator=B.31",
                 text="Målekort for 1144", allow_dialog=True)
        dialog = page.get_by_role("dialog")
        dialog.get_by_test_id("stPlotlyChart").wait_for(timeout=90_000)
        wait_rendered(page, allow_dialog=True)
        assert dialog.get_by_text("eksakte Poisson-grenser", exact=False).first.is_visible()
        upper = next(p.upl for p in reversed(scorecard.indicator_detail(
            "1144", "B.31", parse_period("2022-12"), e2e_db.path).spc.points) if p.value is not None)
        assert dialog.get_by_text(f"Her gir {round(upper + 0.5)} eller flere på én måned signal",
                                  exact=False).first.is_visible()
        assert dialog.get_by_text("Det er ingen nedre grense", exact=False).first.is_visible()
        by_name = {t["name"]: t["y"] for t in page.evaluate(traces)}
        assert by_name.get("Øvre kontrollgrense"), by_name.keys()
        assert not by_name.get("Nedre kontrollgrense")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"malekort-sjeldne-hendelser-{width}.png"))
