"""Tertialrapport's layout in a real browser: the leader's page and the fylke's page fit a laptop with the sidebar
open (1024 px) and a wide screen (1440 px) without sideways scrolling, also with measures and goals of realistic
length in the risk table."""

from __future__ import annotations

from navdash import access, tertial
from tests.e2e.conftest import goto_app, screenshot, wait_rendered

YEAR, TERM = 2022, 3  # a tertial no other browser test writes
MEASURES = [
    {"text": "Ukentlige tavlemøter i oppfølgingsteamet med gjennomgang av alle brukere under 30 år med "
             "situasjonsbestemt innsatsbehov", "status": "pågår"},
    {"text": "Samarbeidsavtale med kommunens kvalifiseringsprogram og to lokale arbeidsgivere", "status": "planlagt"},
    {"text": "Arbeidsmarkedskompetanse-kartleggingsverktøyet tas i bruk", "status": "gjennomført"},
]

# Every table region and the main area: how far each scrolls sideways.
OVERFLOW = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return [...document.querySelectorAll('.nd-scroll')].map(box => ({
        caption: box.querySelector('caption') ? box.querySelector('caption').innerText : '',
        over: box.scrollWidth - box.clientWidth}))
      .concat([{caption: 'hele siden', over: main.scrollWidth - main.clientWidth}]);
}"""


def _sidebar_open(page) -> None:
    side = page.get_by_test_id("stSidebar").bounding_box()
    assert side["x"] >= 0 and side["width"] > 200, side


def _fits(page, where: str) -> None:
    regions = page.evaluate(OVERFLOW)
    assert len(regions) > 1, f"{where}: no tables found"
    wide = [r for r in regions if r["over"] > 0]
    assert not wide, f"{where}: scrolls sideways: {wide}"


def test_the_report_fits_at_1024_and_1440_px(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the tertial report layout test needs the demo database (data/demo/*.csv)")
    leader = access.DEMO_PERSONAS["leder"]
    body = tertial.draft(e2e_db.path, "0312", YEAR, TERM)
    tertial.save(e2e_db.path, leader, "0312", YEAR, TERM,
                 done={p["no"]: f"Gjennomført som planlagt for «{p['title']}»." for p in body["priorities"]},
                 risks={r["indicator_id"]: {"likelihood": 1 + i % 5, "consequence": 5 - i % 5,
                                            "measures": MEASURES[: 1 + i % 3]} for i, r in enumerate(body["risks"])})

    for width, height in ((1024, 768), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        goto_app(page, f"{server}/tertialrapport?persona=leder&aar={YEAR}&tertial={TERM}",
                 text="Tertialrapport – 0312 NAV Frogner")
        _sidebar_open(page)
        screenshot(page, f"tertialrapport-layout-leder-{width}")
        _fits(page, f"leader page at {width} px")

    tertial.save(e2e_db.path, leader, "0312", YEAR, TERM, send=True)
    for width, height in ((1024, 768), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        goto_app(page, f"{server}/tertialrapport?persona=fylkesleder&aar={YEAR}&tertial={TERM}",
                 text="Tertialrapporter – 0300 NAV Oslo")
        wait_rendered(page, "Ett kontors rapport")
        _sidebar_open(page)
        screenshot(page, f"tertialrapport-layout-fylke-{width}")
        _fits(page, f"fylke page at {width} px")
