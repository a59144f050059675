"""Månedsmøtet's core: frozen snapshots, carry-over of follow-up points, permissions and comments."""

from __future__ import annotations

import json
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from navdash import access, fmt, ingest, meetings, scorecard, store
from navdash.periods import parse_period
from navdash.snapshot import ParameterRow, Snapshot
from tests.conftest import app_rows

FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # 0300 NAV Oslo
LEDER = access.DEMO_PERSONAS["leder"]  # 0312 NAV Frogner
ANSATT = access.DEMO_PERSONAS["ansatt"]
OTHER_FYLKE = access.User("Annen fylkesleder", "fylkesleder", "1100")


def _office_row(snapshot: Snapshot, unit_id: str, indicator_id: str) -> ParameterRow:
    office = next(o for o in snapshot.offices if o.unit_id == unit_id)
    return next(r for r in office.rows if r.indicator_id == indicator_id)


def test_snapshot_lists_every_office_in_tree_order_with_the_scorecard_numbers(demo_db):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    snap = meetings.load_meeting(demo_db, meeting_id).snapshot
    ids = [o.unit_id for o in snap.offices]
    with store.reading(demo_db) as con:
        expected = [u for u, _ in meetings.offices_in_tree_order(con, "0300")]
        card = scorecard.build(con, "0312", parse_period("2022-12"))
    assert len(ids) == 15 and ids == expected
    names = [o.name for o in snap.offices]
    assert names == sorted(names), "tree order is by name, never by results"
    row = _office_row(snap, "0312", "B.15")
    b15 = next(r for r in card.steering if r.indicator_id == "B.15")
    assert row.ytd.value == pytest.approx(b15.ytd.value)
    assert row.this_period.denominator == b15.this_period.denominator
    assert row.status == b15.status.status and row.variation == b15.signal.variation
    assert any(o.concern for o in snap.offices) and not all(o.concern for o in snap.offices)
    concern_offices = {o.unit_id for o in snap.offices if o.concern}
    assert concern_offices == {o.unit_id for o in snap.offices
                               if any(r.variation == "special_cause_concern" for r in o.rows)}


def test_new_data_after_opening_does_not_change_the_meeting(demo_db, tmp_path):
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    before = meetings.load_meeting(demo_db, meeting_id)
    old = _office_row(before.snapshot, "0312", "B.15")
    new_file = tmp_path / "verdier.csv"
    new_file.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2022-12,1,200,\n", encoding="utf-8")
    report = ingest.import_file("verdier", new_file, db=demo_db, who="test", today=date(2026, 11, 24))
    assert report.ok, report.full_report()
    live = scorecard.load("0312", "2022-12", demo_db)
    live_b15 = next(r for r in live.steering if r.indicator_id == "B.15")
    assert live_b15.this_period.value == pytest.approx(0.5)  # the new number is in the store ...
    after = meetings.load_meeting(demo_db, meeting_id)
    assert after.snapshot == before.snapshot  # ... but the meeting reopens exactly as it was
    assert _office_row(after.snapshot, "0312", "B.15").this_period.value == old.this_period.value != 0.5
    assert after.data_version == before.data_version < store.data_version(demo_db)
    again = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")  # the month has one meeting
    assert again == meeting_id
    assert meetings.load_meeting(demo_db, again).snapshot == before.snapshot
    assert [m.meeting_id for m in meetings.meetings_for(demo_db, "0300")] == [meeting_id]


def test_changes_since_the_previous_meeting(demo_db):
    first = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-11")
    second = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    a, b = meetings.load_meeting(demo_db, first).snapshot, meetings.load_meeting(demo_db, second).snapshot
    assert all(r.changes == "Første møte" for o in a.offices for r in o.rows)
    assert b.previous_period == "2022-11"
    r_then, r_now = _office_row(a, "0312", "B.15"), _office_row(b, "0312", "B.15")
    # The change the reader can check: between the values as they are shown (one decimal), not the raw ones.
    def shown(v: float) -> float:
        return float(fmt.measure_value(v, "prosent").split("\u00a0")[0].replace(",", ".").replace("\u2212", "-"))

    diff = fmt.pp(shown(r_now.ytd.value) - shown(r_then.ytd.value))
    assert f"Hittil i år {diff}" in r_now.changes
    moved = [r for o in b.offices for r in o.rows if "Signal:" in r.changes]
    for r in moved:
        then = _office_row(a, next(o.unit_id for o in b.offices if r in o.rows), r.indicator_id)
        assert then.variation != r.variation


def test_only_the_fylkes_own_leader_opens_meetings(demo_db):
    for user in (LEDER, ANSATT, OTHER_FYLKE, access.DEMO_PERSONAS["analytiker"]):
        with pytest.raises(PermissionError, match="fylkesledelsen"):
            meetings.open_meeting(demo_db, user, "0300", "2022-12")
    assert meetings.meetings_for(demo_db, "0300") == []


def test_open_points_are_carried_until_closed_with_history(demo_db):
    m1 = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-10")
    kept = meetings.add_followup(demo_db, FYLKESLEDER, "0312", m1, "Gå gjennom oppfølgingen av unge",
                                 "Kontorleder", date(2023, 1, 31))
    closed = meetings.add_followup(demo_db, FYLKESLEDER, "0312", m1, "Rydd i sakskøen")
    elsewhere = meetings.add_followup(demo_db, FYLKESLEDER, "0313", m1, "Annet kontor")
    meetings.update_followup(demo_db, LEDER, closed, status="lukket", note="Ferdig", meeting_id=m1)
    m2 = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-11")
    carried = meetings.carried_over(demo_db, "0312", m2)
    assert [f.followup_id for f in carried] == [kept]
    assert carried[0].meeting_id == m1 and carried[0].meeting_period == "2022-10"
    assert [f.followup_id for f in meetings.carried_over(demo_db, "0313", m2)] == [elsewhere]
    assert meetings.carried_over(demo_db, "0312", m1) == []
    meetings.update_followup(demo_db, LEDER, kept, status="pågår", note="Startet", meeting_id=m2)
    meetings.update_followup(demo_db, FYLKESLEDER, kept, status="lukket", note="Avsluttet", meeting_id=m2)
    assert [f.followup_id for f in meetings.carried_over(demo_db, "0312", m2)] == [kept]  # closed in this meeting
    m3 = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    assert meetings.carried_over(demo_db, "0312", m3) == []
    steps = meetings.history(demo_db, kept)
    assert [(h.status, h.meeting_id, h.changed_by) for h in steps] == [
        ("åpen", m1, FYLKESLEDER.name), ("pågår", m2, LEDER.name), ("lukket", m2, FYLKESLEDER.name)]
    assert [h.note for h in steps] == ["Opprettet", "Startet", "Avsluttet"]


def test_followup_permissions(demo_db):
    m1 = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    for user in (LEDER, ANSATT, OTHER_FYLKE):
        with pytest.raises(PermissionError, match="Bare fylkesledelsen"):
            meetings.add_followup(demo_db, user, "0312", m1, "Noe")
    point = meetings.add_followup(demo_db, FYLKESLEDER, "0313", m1, "Noe for St. Hanshaugen")
    with pytest.raises(PermissionError, match="lederen for kontoret"):
        meetings.update_followup(demo_db, LEDER, point, status="lukket")  # leder of 0312, not 0313
    own = meetings.add_followup(demo_db, FYLKESLEDER, "0312", m1, "Noe for Frogner")
    with pytest.raises(PermissionError, match="bare endre status og notat"):
        meetings.update_followup(demo_db, LEDER, own, text="Noe annet")
    with pytest.raises(ValueError, match="ukjent status"):
        meetings.update_followup(demo_db, FYLKESLEDER, own, status="ferdig")
    meetings.update_followup(demo_db, FYLKESLEDER, own, text="Noe nytt", responsible="Kari", due=date(2023, 2, 1))
    got = meetings.followups_created_in(demo_db, "0312", m1)[0]
    assert (got.text, got.responsible, got.due, got.status) == ("Noe nytt", "Kari", date(2023, 2, 1), "åpen")
    assert meetings.may_edit_followups(demo_db, LEDER, "0312") == (False, True)
    assert meetings.may_edit_followups(demo_db, LEDER, "0313") == (False, False)
    assert meetings.may_edit_followups(demo_db, FYLKESLEDER, "0313") == (True, True)
    actions = [r[0] for r in app_rows(demo_db, "SELECT action FROM audit_log ORDER BY logged_at")]
    assert "nytt oppfølgingspunkt" in actions and "endret oppfølgingspunkt" in actions and "åpnet møte" in actions


def test_comments_by_the_fylkesleder(demo_db):
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Lavere enn ventet; se på unge.")
    got = meetings.comments_for(demo_db, "0312", "2022-12")
    assert list(got) == ["B.15"] and got["B.15"].text == "Lavere enn ventet; se på unge."
    assert got["B.15"].written_by == FYLKESLEDER.name
    assert meetings.comments_for(demo_db, "0312", "2022-11") == {}
    assert meetings.comments_for(demo_db, "0313", "2022-12") == {}
    for user in (LEDER, ANSATT, OTHER_FYLKE):
        with pytest.raises(PermissionError, match="Bare fylkesledelsen"):
            meetings.write_comment(demo_db, user, "0312", "B.15", "2022-12", "Nei")
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "Endret")
    assert meetings.comments_for(demo_db, "0312", "2022-12")["B.15"].text == "Endret"
    meetings.write_comment(demo_db, FYLKESLEDER, "0312", "B.15", "2022-12", "  ")
    assert meetings.comments_for(demo_db, "0312", "2022-12") == {}


def test_the_stated_false_alarm_rate_is_what_the_rules_give_on_stable_series():
    import numpy as np

    from navdash import scorecard, spc

    rng = np.random.default_rng(7)
    n = 4000
    flagged = sum(spc.analyse(list(rng.normal(size=scorecard.SPC_WINDOW)), "increase").points[-1].point_type
                  != "common_cause"
                  for _ in range(n))
    se = (meetings.CHANCE_FLAG_RATE * (1 - meetings.CHANCE_FLAG_RATE) / n) ** 0.5
    assert abs(flagged / n - meetings.CHANCE_FLAG_RATE) < 3.5 * se


def test_chance_flags_count_the_signals_shown_and_what_chance_gives():
    from math import comb

    rows = ([SimpleNamespace(variation="common_cause")] * 380 + [SimpleNamespace(variation=meetings.CONCERN)] * 12
            + [SimpleNamespace(variation=meetings.IMPROVEMENT)] * 8
            + [SimpleNamespace(variation=None)] * 50)  # None: no signal shown
    snap = SimpleNamespace(offices=[SimpleNamespace(rows=rows)])
    c = meetings.chance_flags(snap)
    assert (c.signals, c.flagged, c.concern) == (400, 20, 12)
    assert c.expected == pytest.approx(400 * meetings.CHANCE_FLAG_RATE)
    # the 95 % range against the binomial distribution summed independently
    p = meetings.CHANCE_FLAG_RATE
    cdf = [sum(comb(400, j) * p**j * (1 - p) ** (400 - j) for j in range(k + 1)) for k in range(40)]
    assert c.low == next(k for k, v in enumerate(cdf) if v >= 0.025)
    assert c.high == next(k for k, v in enumerate(cdf) if v >= 0.975)
    assert "Møtet viser 400 signaler" in c.text and "1,7\u00a0%" in c.text and "simulert" in c.text


def test_chance_statement_is_frozen_with_the_meeting(demo_db, monkeypatch):
    opened_with = meetings.CHANCE_FLAG_RATE
    meeting_id = meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-12")
    snap = meetings.load_meeting(demo_db, meeting_id).snapshot
    assert snap.chance_rate == opened_with
    before = meetings.chance_flags(snap)
    variations = [r.variation for o in snap.offices for r in o.rows if r.variation]
    assert (before.signals, before.flagged) == (len(variations), sum(v != "common_cause" for v in variations))
    monkeypatch.setattr(meetings, "CHANCE_FLAG_RATE", opened_with * 3)  # the rules change after the meeting
    again = meetings.chance_flags(meetings.load_meeting(demo_db, meeting_id).snapshot)
    assert again == before and again.text == before.text
    older = Snapshot.from_json({**json.loads(snap.to_json()), "chance_rate": None})
    assert meetings.chance_flags(older).rate == opened_with * 3  # a snapshot from before is counted anew


def test_the_same_month_is_one_meeting_even_when_two_open_it_at_once(demo_db):
    import threading

    import sqlalchemy as sa

    from navdash import appdb

    start = threading.Barrier(4)
    ids: list[int] = []

    def open_it() -> None:
        start.wait()
        ids.append(meetings.open_meeting(demo_db, FYLKESLEDER, "0300", "2022-10"))

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 4 and len(set(ids)) == 1
    assert [m.period for m in meetings.meetings_for(demo_db, "0300")] == ["2022-10"]
    # The database itself refuses a second meeting for the month, whatever code path writes it.
    with pytest.raises(sa.exc.IntegrityError), appdb.writing(demo_db) as conn:
        conn.execute(appdb.meetings.insert().values(fylke_id="0300", period="2022-10", data_version=1,
                                                    opened_by="x", opened_at=datetime.now(), snapshot="{}"))
