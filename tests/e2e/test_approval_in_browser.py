"""Approval of months in a real browser: with NAVDASH_GODKJENNING=på a NAV-leder sees nothing of a month until the
analytiker approves it on the upload page; then the leader's målekort offers it. Screenshots at 1024 and 1440 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from navdash import store
from tests.conftest import copy_db
from tests.e2e.conftest import (
    E2EDatabase,
    axe_violations,
    format_violations,
    goto_app,
    screenshot,
    screenshots_at_widths,
    serve,
    wait_rendered,
)


def months_newest_first(db) -> list[str]:
    with store.reading(db) as con:
        return [r[0] for r in con.execute("""SELECT DISTINCT period FROM "values" WHERE period_kind = 'M'
                                             ORDER BY period DESC""").fetchall()]


@pytest.fixture
def approval_server(e2e_db: E2EDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list]]:
    db = copy_db(e2e_db.path, tmp_path_factory.mktemp("e2e-approval") / "navdash.duckdb")
    for url in serve(db, tmp_path_factory.mktemp("e2e-approval-server"), env={"NAVDASH_GODKJENNING": "på"}):
        yield url, months_newest_first(db)


def label(month: str) -> str:
    from navdash.periods import parse_period

    return parse_period(month).label()


def period_choices(page) -> list[str]:
    """The options of the sidebar's period picker that the open list draws (it draws only the first ones)."""
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Periode").click()
    page.get_by_role("option").first.wait_for()
    options = [o.inner_text().strip() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return options


def test_the_analyst_approves_a_month_and_the_leader_then_sees_it(page, approval_server):
    url, months = approval_server
    newest, approved = months[0], months[1]
    goto_app(page, f"{url}/oversikt?persona=analytiker", text="Mål og resultater i NAV")  # fresh: see test_last_opp

    goto_app(page, f"{url}/malekort?persona=leder&enhet=0312", text="Ingen måneder er godkjent for visning ennå")
    assert page.get_by_text(label(newest)).count() == 0

    goto_app(page, f"{url}/last-opp?persona=analytiker", text="Godkjenning av måneder")
    page.get_by_role("combobox", name="Måned", exact=True).click()
    page.keyboard.type(label(approved))  # the list is long: narrow it down as a keyboard user would
    page.get_by_role("option").filter(has_text=label(approved)).first.click()
    wait_rendered(page, f"Godkjenn til og med {label(approved)}")
    page.get_by_role("button", name=f"Godkjenn til og med {label(approved)}").click()
    wait_rendered(page, "Ledere og ansatte ser tallene med en gang")
    screenshot(page, "godkjenning-bekreft")
    page.get_by_role("button", name="Ja, godkjenn").click()
    wait_rendered(page, "Godkjent:")
    page.get_by_text("Godkjenning av måneder").first.scroll_into_view_if_needed()
    screenshots_at_widths(page, "godkjenning-last-opp")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    goto_app(page, f"{url}/malekort?persona=analytiker&enhet=0312&periode={newest}", text="Målekort for")
    assert page.get_by_text("Måneden er ikke godkjent ennå – bare analytikere ser den.").is_visible()
    page.set_viewport_size({"width": 1024, "height": 900})
    wait_rendered(page)
    screenshot(page, "godkjenning-analytiker-malekort-1024")
    page.set_viewport_size({"width": 1400, "height": 1000})

    goto_app(page, f"{url}/malekort?persona=leder&enhet=0312", text="Målekort for")
    choices = period_choices(page)
    assert label(approved) in choices and label(newest) not in choices
    assert choices and choices == [label(m) for m in months[1:1 + len(choices)]]  # newest first, from `approved`
    screenshots_at_widths(page, "godkjenning-leder-malekort")
    errors = [e for e in page.console_errors if "status of 404" not in e]  # Streamlit's own probes, as elsewhere
    assert not errors, errors
