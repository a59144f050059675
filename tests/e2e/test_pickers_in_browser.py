"""The sidebar pickers in a real browser: five months and five units chosen in a row, each one taking effect.

Streamlit used to drop every second choice in pickers that rewrote the URL they were built from; a fylke meeting that
steps through its offices one by one needs every click to count.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from navdash.periods import parse_period
from tests.e2e.conftest import goto_app, screenshot, wait_rendered

MONTHS = ["2022-11", "2022-10", "2022-09", "2022-08", "2022-07"]
OFFICES = ["0313", "0314", "0315", "0316", "0312"]


def _choose(page, label: str, option: str) -> None:
    """Open the sidebar picker `label` with the mouse and click the option whose text starts with `option`."""
    page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option").filter(has_text=option).first.click()
    wait_rendered(page)


def _param(page, name: str) -> str:
    return parse_qs(urlparse(page.url).query)[name][0]


def test_malekort_takes_five_months_and_five_units_in_a_row(page, server, e2e_db):
    if e2e_db.kind != "demo":
        raise AssertionError("the picker test needs the demo database (data/demo/*.csv)")
    goto_app(page, server + "/malekort?enhet=0312&periode=2022-12&persona=fylkesleder", text="Målekort for 0312")
    for month in MONTHS:
        label = parse_period(month).label()
        _choose(page, "Periode", label)
        assert _param(page, "periode") == month
        assert page.get_by_text(label.capitalize(), exact=False).first.is_visible(), month
    for unit in OFFICES:
        _choose(page, "Enhet", unit)
        assert _param(page, "enhet") == unit
        assert page.get_by_role("heading", name=f"Målekort for {unit}").first.is_visible(), unit
        assert _param(page, "periode") == MONTHS[-1]
    screenshot(page, "pickers-malekort-etter-ti-valg")
