"""Small things a reader would trip over: changes that disagree with the shown values, a sum called an average,
the meeting's office table in another order than the målekort."""

from __future__ import annotations

import re

import pytest

from navdash import fmt
from navdash.aggregate import Combined
from navdash.ui import meeting_view, scorecard_view


def _as_number(text: str) -> float:
    """A shown figure back to a number: `14`, `−3,5 pp`, `+2`."""
    m = re.search(r"[+\u2212-]?\d[\d\u00a0]*(,\d+)?", text)
    return float(m.group().replace("\u00a0", "").replace(",", ".").replace("\u2212", "-"))


@pytest.mark.parametrize(("now", "then", "measure"), [
    (14.4, 12.5, "antall"), (14.49, 13.5, "antall"), (42.96, 40.04, "prosent"), (42.94, 42.86, "prosent"),
    (10.05, 9.95, "dager"), (1049.6, 1050.4, "kroner"),
])
def test_change_agrees_with_the_values_shown(now, then, measure):
    shown_now, shown_then = fmt.measure_value(now, measure), fmt.measure_value(then, measure)
    change = fmt.change_between(now, then, measure)
    assert _as_number(change) == pytest.approx(_as_number(shown_now) - _as_number(shown_then))
    assert fmt.change_between(None, then, measure) == "–"


def test_a_sum_over_the_year_is_called_a_sum():
    c = Combined(130.0, periods=12)
    assert "sum av 12 perioder" in scorecard_view.value_html(c, "antall", "sum")
    assert "snitt av 12 perioder" in scorecard_view.value_html(c, "antall", "snitt_per_periode")


def test_meeting_office_table_has_the_malekort_column_order(demo_db):
    from navdash import access, meetings

    meeting_id = meetings.open_meeting(demo_db, access.DEMO_PERSONAS["fylkesleder"], "0300", "2022-12")
    office = meetings.load_meeting(demo_db, meeting_id).snapshot.offices[0]
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', meeting_view.office_html(office, {}))
    card = scorecard_view.table_html([], "0312", "2022-12", "x", True)
    card_heads = re.findall(r'<th scope="col(?:group)?"[^>]*>([^<]+)</th>', card)
    # The concepts both tables show, in the målekort's order: target, signal, year to date, the period.
    concepts = {"Mål": "Mål", "Signal": "Signal", "Hittil i år": "Hittil i året", "Denne perioden": "Denne perioden"}
    assert [heads.index(k) for k in concepts] == sorted(heads.index(k) for k in concepts)
    assert [card_heads.index(v) for v in concepts.values()] == sorted(card_heads.index(v) for v in concepts.values())
