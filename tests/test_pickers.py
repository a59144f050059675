"""Every choice in a URL-backed picker takes effect, also the second, third and fourth in a row.

A picker whose widget identity changed with the URL it writes used to drop every second choice; these tests step
through several choices in a row on each page that has such pickers, and check both what the page shows and the URL.
"""

from __future__ import annotations

import pytest

from navdash import meetings
from navdash.periods import parse_period
from tests import test_page_styringsdialog as dialog
from tests.pagetest import app

MONTHS = ["2022-10", "2022-09", "2022-03", "2022-04", "2021-12"]
OFFICES = ["0313", "0314", "0312", "0315", "0316"]


def _box(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


@pytest.mark.parametrize(("page", "month_label"), [("views/malekort.py", "Periode"),
                                                  ("views/kvalitet.py", "Til og med måned")])
def test_unit_and_month_take_every_choice(demo_db, monkeypatch, page, month_label):
    at = app(demo_db, monkeypatch, page, enhet="0312", periode="2022-12", persona="fylkesleder")
    for month in MONTHS:
        _box(at.sidebar, month_label).set_value(month).run()
        assert not at.exception, at.exception
        assert at.query_params["periode"] == month
        assert _box(at.sidebar, month_label).value == month
    for unit in OFFICES:
        _box(at.sidebar, "Enhet").set_value(unit).run()
        assert at.query_params["enhet"] == unit
        assert _box(at.sidebar, month_label).value == MONTHS[-1]  # the month stays while the unit changes
    if page == "views/malekort.py":
        assert at.title[0].value.startswith(f"Målekort for {OFFICES[-1]} ")
        assert parse_period(MONTHS[-1]).label().capitalize() in at.markdown[0].value


def test_a_link_to_another_unit_wins_over_the_pickers_own_state(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/malekort.py", enhet="0312", periode="2022-12")
    _box(at.sidebar, "Periode").set_value("2022-06").run()
    at.query_params["enhet"] = "0313"  # what a link or a pasted address does to a running session
    at.run()
    assert _box(at.sidebar, "Enhet").value == "0313"
    assert _box(at.sidebar, "Periode").value == "2022-06"


def test_comparison_indicator_and_period_take_every_choice(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/sammenligning.py", persona="fylkesleder")
    indicators = _box(at.sidebar, "Indikator").options
    assert len(indicators) >= 4
    for index in (1, 2, 3, 0):
        _box(at.sidebar, "Indikator").select_index(index).run()
        assert not at.exception, at.exception
        assert at.query_params["indikator"] == indicators[index].split()[0]
    for index in (1, 2, 3, 4, 0):
        box = _box(at.sidebar, "Periode")
        wanted = box.options[index]
        box.select_index(index).run()
        assert _box(at.sidebar, "Periode").options[_box(at.sidebar, "Periode").index] == wanted
    chosen = _multiselect(at).value[:3]
    for units in (chosen, chosen[:2], chosen[:1]):
        _multiselect(at).set_value(units).run()
        assert _multiselect(at).value == units and at.query_params["enheter"] == ",".join(sorted(units))


def _multiselect(at):
    return next(m for m in at.sidebar.multiselect if m.label == "Enheter som sammenlignes")


def test_meeting_office_picker_takes_every_choice(demo_db, monkeypatch):
    meetings.open_meeting(str(demo_db), dialog.FYLKESLEDER, "0300", "2022-12")
    at = dialog.app(demo_db, monkeypatch, dialog.PAGE, persona="fylkesleder")
    for unit in OFFICES:
        _box(at, "Kontor").set_value(unit).run()
        assert not at.exception, at.exception
        assert at.query_params["kontor"] == unit
        assert _box(at, "Kontor").value == unit
