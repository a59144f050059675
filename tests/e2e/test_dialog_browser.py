"""Dialogue in a real browser: the NAV-leder answers the fylke's comment on the målekort and the thread shows beside
the number; an employee proposes a priority on the goals page and the leader decides. Screenshots at 1024 and 1440
px; no serious axe findings."""

from __future__ import annotations

from navdash import access, meetings, proposals
from tests.e2e.conftest import axe_violations, format_violations, goto_app, press_button, screenshot, wait_rendered

PERIOD = "2022-10"  # a month no other browser test comments on


def _axe_clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_leader_answers_the_fylkes_comment_beside_the_number(page, server, e2e_db):
    meetings.write_comment(e2e_db.path, access.DEMO_PERSONAS["fylkesleder"], "0312", "B.15", PERIOD,
                           "Hvorfor faller andelen i oktober?")
    page.set_viewport_size({"width": 1024, "height": 900})
    # The first målekort of a fresh server computes every signal; on a busy machine that can take a while.
    goto_app(page, f"{server}/malekort?persona=leder&enhet=0312&periode={PERIOD}", text="Kommentar:",
             timeout_ms=120_000)
    page.get_by_text("Svar på en kommentar fra fylket").click()
    page.get_by_role("textbox", name="Svar", exact=True).fill("Færre tiltaksplasser <b>i høst</b>")
    press_button(page, "Send svaret")
    wait_rendered(page, "Svar: Færre tiltaksplasser <b>i høst</b>", timeout_ms=120_000)
    row = page.locator("tr", has=page.locator("th", has_text="B.15")).first
    text = row.inner_text()
    assert text.index("Kommentar: Hvorfor faller andelen i oktober?") < text.index("Svar: Færre tiltaksplasser")
    row.scroll_into_view_if_needed()
    screenshot(page, "dialog-malekort-1024")
    _axe_clean(page)
    page.set_viewport_size({"width": 1440, "height": 1000})
    wait_rendered(page)
    screenshot(page, "dialog-malekort-1440")


def test_employee_proposes_and_leader_decides_on_the_goals_page(page, server, e2e_db):
    page.set_viewport_size({"width": 1440, "height": 1000})
    goto_app(page, f"{server}/mal?persona=ansatt&enhet=0312&aar=2021", text="Forslag fra kontoret")
    page.get_by_text("Foreslå en prioritering").click()
    page.get_by_role("textbox", name="Tittel på forslaget").fill("Faste veiledere for unge")
    page.get_by_role("textbox", name="Hvorfor bør kontoret prioritere dette?").fill("Unge møter nye hver gang.")
    press_button(page, "Send forslaget")
    wait_rendered(page, "Faste veiledere for unge")
    screenshot(page, "dialog-forslag-1440")
    _axe_clean(page)

    page.set_viewport_size({"width": 1024, "height": 900})
    goto_app(page, f"{server}/mal?persona=leder&enhet=0312&aar=2021", text="Forslag fra kontoret")
    page.get_by_text("Avgjør et forslag").click()
    page.get_by_text("Tas inn i prioriteringene").click()
    page.get_by_role("textbox", name="Begrunnelse").fill("Blir prioritering 2")
    press_button(page, "Lagre avgjørelsen")
    wait_rendered(page, "Tatt inn av Demo-leder")
    decided = [p for p in proposals.for_unit(e2e_db.path, "0312", 2021) if p.title == "Faste veiledere for unge"]
    assert [(p.status, p.decision_note) for p in decided] == [("tatt inn", "Blir prioritering 2")]
    screenshot(page, "dialog-avgjort-1024")
    _axe_clean(page)
