"""Tertial reports' core: generated from the målekort at the tertial's end, drafts and sending by the office's
leader, receipt by the fylke, every version kept, permissions, validation and the Excel export; under SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import itertools

import pytest
from openpyxl import load_workbook

from navdash import access, meetings, priorities, scorecard, store, tertial
from tests.conftest import app_fingerprint, app_rows

LEDER = access.DEMO_PERSONAS["leder"]  # 0312 NAV Frogner
FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # 0300 NAV Oslo
ANSATT = access.DEMO_PERSONAS["ansatt"]
ANALYTIKER = access.DEMO_PERSONAS["analytiker"]
OTHER_LEDER = access.User("Annen leder", "leder", "0313")
OTHER_FYLKE = access.User("Annen fylkesleder", "fylkesleder", "1100")


def _complete(db, unit="0312", year=2022, term=2) -> tuple[dict[int, str], dict[str, dict]]:
    body = tertial.draft(db, unit, year, term)
    done = {p["no"]: f"Gjort for {p['title']}" for p in body["priorities"]}
    risks = {r["indicator_id"]: {"likelihood": 1 + i % 5, "consequence": 1 + (i * 2) % 5,
                                 "measures": [{"text": f"Tiltak {i}", "status": "pågår"}]}
             for i, r in enumerate(body["risks"])}
    return done, risks


def test_risk_bands_on_the_five_by_five_matrix():
    cells = {(s, k): s * k for s, k in itertools.product(range(1, 6), range(1, 6))}
    assert all(tertial.risk_score(s, k) == v for (s, k), v in cells.items())
    low = {v for v in cells.values() if v <= 4}
    high = {v for v in cells.values() if v >= 15}
    assert {tertial.risk_band(v) for v in low} == {"lav"} and {tertial.risk_band(v) for v in high} == {"hoy"}
    assert {tertial.risk_band(v) for v in set(cells.values()) - low - high} == {"middels"}
    assert sum(tertial.risk_band(v) == "hoy" for v in cells.values()) == 6  # 3×5, 4×4, 4×5, 5×3, 5×4, 5×5


@pytest.mark.parametrize(("term", "month"), [(1, "2022-04"), (2, "2022-08"), (3, "2022-12")])
def test_report_is_generated_from_the_scorecard_at_the_tertials_last_month(demo_db, term, month):
    body = tertial.draft(demo_db, "0312", 2022, term)
    card = scorecard.load("0312", month, demo_db)
    assert body["period"] == month
    assert [(r["indicator_id"], r["status"], r["variation"]) for r in body["parameters"]] == [
        (r.indicator_id, r.status.status if r.status else None,
         r.signal.variation if r.signal and not r.signal.too_few_points else None) for r in card.steering]
    assert [r["indicator_id"] for r in body["risks"]] == [r.indicator_id for r in card.steering if r.targets]
    assert [(p["no"], p["title"]) for p in body["priorities"]] == [
        (p["no"], p["title"]) for p in priorities.for_unit("0312", 2022, demo_db)]


def test_leader_saves_drafts_sends_and_the_fylke_receives_with_every_version_kept(appdb_backend, demo_db):
    done, risks = _complete(demo_db)
    first_no = next(iter(done))
    first_goal = next(iter(risks))
    assert tertial.save(demo_db, LEDER, "0312", 2022, 2, done={first_no: "Halvveis"}) == 1
    assert tertial.save(demo_db, LEDER, "0312", 2022, 2, risks={first_goal: {"likelihood": "4", "consequence": 4}}) == 2
    report = tertial.load(demo_db, "0312", 2022, 2)
    assert report.status == "utkast" and report.version == 2
    assert next(p["done"] for p in report.body["priorities"] if p["no"] == first_no) == "Halvveis"  # kept
    risk = next(r for r in report.body["risks"] if r["indicator_id"] == first_goal)
    assert (risk["score"], risk["band"]) == (16, "hoy")

    before = app_fingerprint(demo_db)
    with pytest.raises(tertial.ReportProblem, match="ble ikke sendt") as refused:
        tertial.save(demo_db, LEDER, "0312", 2022, 2, send=True)
    assert "Vurder sannsynlighet og konsekvens" in str(refused.value)
    assert app_fingerprint(demo_db) == before  # nothing half-written

    tertial.save(demo_db, LEDER, "0312", 2022, 2, done=done, risks=risks)
    assert tertial.save(demo_db, LEDER, "0312", 2022, 2, send=True) == 4
    with pytest.raises(tertial.ReportProblem, match="sendt og kan ikke endres"):
        tertial.save(demo_db, LEDER, "0312", 2022, 2, done={first_no: "Etterpå"})

    assert tertial.receive(demo_db, FYLKESLEDER, "0312", 2022, 2, ["Følg opp B.15", " ", "Ny plan i mai"]) == 5
    report = tertial.load(demo_db, "0312", 2022, 2)
    assert report.status == "mottatt" and report.body["followups"] == ["Følg opp B.15", "Ny plan i mai"]
    assert report.body["received_by"] == FYLKESLEDER.name
    history = tertial.versions(demo_db, "0312", 2022, 2)
    assert [(v.version, v.status) for v in history] == [
        (5, "mottatt"), (4, "sendt"), (3, "utkast"), (2, "utkast"), (1, "utkast")]
    assert [p["done"] for p in history[-1].body["priorities"] if p["no"] == first_no] == ["Halvveis"]
    actions = [a for (a,) in app_rows(demo_db, "SELECT action FROM audit_log WHERE target = '0312 2022 T2'")]
    assert sorted(actions) == sorted(["lagret tertialrapport"] * 3 + ["sendte tertialrapport",
                                                                       "mottok tertialrapport"])
    with pytest.raises(tertial.ReportProblem, match="Bare en sendt rapport"):
        tertial.receive(demo_db, FYLKESLEDER, "0312", 2022, 2, [])


def test_only_the_offices_leader_writes_and_only_the_fylke_above_receives(demo_db):
    for user in (ANSATT, OTHER_LEDER, FYLKESLEDER, ANALYTIKER):
        with pytest.raises(PermissionError, match="Bare lederen for kontoret"):
            tertial.save(demo_db, user, "0312", 2022, 1, done={1: "x"})
    done, risks = _complete(demo_db, term=1)
    tertial.save(demo_db, LEDER, "0312", 2022, 1, done=done, risks=risks, send=True)
    for user in (LEDER, OTHER_FYLKE, ANALYTIKER, ANSATT):
        with pytest.raises(PermissionError, match="Bare fylkesledelsen over kontoret"):
            tertial.receive(demo_db, user, "0312", 2022, 1, ["x"])
    with store.reading(demo_db) as con:
        parents = dict(con.execute("SELECT unit_id, parent_id FROM units").fetchall())
    assert access.can_read_tertial_report(LEDER, "0312", parents)
    assert not access.can_read_tertial_report(OTHER_LEDER, "0312", parents)
    assert not access.can_read_tertial_report(ANSATT, "0312", parents)
    assert access.can_read_tertial_report(FYLKESLEDER, "0312", parents)
    assert not access.can_read_tertial_report(OTHER_FYLKE, "0312", parents)
    assert access.can_read_tertial_report(ANALYTIKER, "0312", parents)
    assert [access.can_open(u, "tertialrapport") for u in (ANSATT, LEDER, FYLKESLEDER, ANALYTIKER)] == [
        False, True, True, True]


@pytest.mark.parametrize(("risk", "message"), [
    ({"likelihood": 6, "consequence": 2}, "sannsynlighet: «6» er ikke et helt tall fra 1 til 5"),
    ({"likelihood": 2, "consequence": "to"}, "konsekvens: «to» er ikke et helt tall fra 1 til 5"),
    ({"measures": [{"text": "x", "status": "ferdig"}]}, "status «ferdig» finnes ikke"),
    ({"measures": [{"text": "x" * (tertial.MAX_TEXT + 1)}]}, "høyst 4000 er tillatt"),
])
def test_bad_assessments_are_refused_in_norwegian_and_nothing_is_written(demo_db, risk, message):
    before = app_fingerprint(demo_db)
    with pytest.raises(tertial.ReportProblem, match=message):
        tertial.save(demo_db, LEDER, "0312", 2022, 3, risks={"B.15": risk})
    assert app_fingerprint(demo_db) == before
    with pytest.raises(tertial.ReportProblem, match="er ikke et tertial"):
        tertial.save(demo_db, LEDER, "0312", 2022, 4, done={1: "x"})


def test_fylke_reads_its_offices_in_tree_order_whatever_their_risk(demo_db):
    offices = tertial.fylke_offices(demo_db, "0300")
    with store.reading(demo_db) as con:
        assert offices == meetings.offices_in_tree_order(con, "0300")
    done, risks = _complete(demo_db)
    high = {k: {**v, "likelihood": 5, "consequence": 5} for k, v in risks.items()}
    tertial.save(demo_db, LEDER, "0312", 2022, 2, done=done, risks=high, send=True)
    rows = tertial.for_offices(demo_db, offices, 2022, 2)
    assert [u for u, _, _ in rows] == [u for u, _ in offices]
    assert [u for u, _, r in rows if r is not None] == ["0312"]


def test_excel_export_guards_formulas_and_keeps_the_order_given(demo_db):
    done, risks = _complete(demo_db)
    done[next(iter(done))] = "=HYPERLINK(\"https://x\",\"klikk\")"
    tertial.save(demo_db, LEDER, "0312", 2022, 2, done=done, risks=risks, send=True)
    tertial.receive(demo_db, FYLKESLEDER, "0312", 2022, 2, ["@SUM(A1)"])
    report = tertial.load(demo_db, "0312", 2022, 2)
    wb = load_workbook(io.BytesIO(tertial.export_xlsx([report])))
    assert wb.sheetnames == ["Målekort", "Prioriteringer", "Risiko", "Oppfølging"]
    texts = [r[5] for r in wb["Prioriteringer"].iter_rows(min_row=4, values_only=True)]
    assert texts[0] == "'=HYPERLINK(\"https://x\",\"klikk\")"
    assert [r[4] for r in wb["Oppfølging"].iter_rows(min_row=4, values_only=True)] == ["'@SUM(A1)"]
    risk_rows = list(wb["Risiko"].iter_rows(min_row=4, values_only=True))
    assert [r[3] for r in risk_rows] == [r["indicator_id"] for r in report.body["risks"]]
    assert [r[7] for r in risk_rows] == [risks[r["indicator_id"]]["likelihood"] * risks[r["indicator_id"]][
        "consequence"] for r in report.body["risks"]]
    assert len(list(wb["Målekort"].iter_rows(min_row=4))) == len(report.body["parameters"])
