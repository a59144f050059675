"""The register of what worked in a real browser: a deep link by indicator, the leader's form, and no serious axe
findings. The test serves its own copy of the database, so the practices it registers touch no other test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from navdash import practices
from navdash.access import DEMO_PERSONAS
from tests.e2e.conftest import (
    axe_violations,
    format_violations,
    goto_app,
    press_button,
    screenshot,
    serve,
    wait_rendered,
)


@pytest.fixture(scope="module")
def erf_server(e2e_db, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("erfaringer-db") / "navdash.duckdb"
    shutil.copyfile(e2e_db.path, path)
    practices.register(path, DEMO_PERSONAS["analytiker"], {
        "enhet": "0312", "tittel": "Ungdomsteam med egne veiledere",
        "hva": "Fire veiledere følger bare unge under 30 år.\nFast samtale hver fjerde uke.",
        "for_hvem": "Unge under 30 år med situasjonsbestemt innsatsbehov", "indikatorer": ["B.47", "B.49"],
        "effekt": "Flere fikk samtale innen 30 dager.", "tema": "Ungdom", "fra": "2021-04", "til": "2021-12",
        "kontakt": "Kari Nordmann", })
    practices.register(path, DEMO_PERSONAS["analytiker"], {
        "enhet": "0312", "tittel": "Jobbklubb", "hva": "Ukentlig jobbklubb.", "indikatorer": "B.49",
        "tema": "Arbeid", "fra": "2022"})
    yield from serve(path, tmp_path_factory.mktemp("erfaringer-server"))


def test_erfaringer_deep_link_form_and_accessibility(page, erf_server):
    goto_app(page, f"{erf_server}/erfaringer?indikator=B.47&persona=leder", text="Ungdomsteam med egne veiledere")
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_text("Erfaringer", exact=True).count(), f"kjører ikke gjennom app.py: {nav.inner_text()!r}"
    main = page.get_by_test_id("stMain")
    assert page.get_by_role("heading", name="Erfaringer", exact=True).is_visible()
    assert page.get_by_role("heading", name="1 erfaring", exact=True).is_visible()
    assert not main.get_by_text("Jobbklubb", exact=True).count()  # filtered away: it did not name B.47
    assert main.get_by_text("Fire veiledere følger bare unge under 30 år.", exact=False).is_visible()
    link = main.get_by_role("link", name="B.49", exact=True).first
    assert link.get_attribute("href").endswith("/erfaringer?indikator=B.49&persona=leder")
    assert link.get_attribute("target") == "_self"
    errors = [e for e in page.console_errors if "status of 404" not in e]
    assert not errors, errors
    screenshot(page, "erfaringer")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    page.get_by_text("Registrer en erfaring", exact=True).click()
    wait_rendered(page, "Registrer erfaringen")
    page.get_by_role("textbox", name="Hva ble gjort", exact=True).fill("Noe som virket.")
    page.get_by_role("textbox", name="Fra (periode)", exact=True).fill("2021-13")
    press_button(page, "Registrer erfaringen")
    wait_rendered(page, "Erfaringen ble ikke registrert")
    alert = main.get_by_text("måned 13 finnes ikke", exact=False)
    assert alert.is_visible()
    screenshot(page, "erfaringer-skjema")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
