"""The exports: the typed meeting snapshot and its stored JSON (also as stored before it was typed), the meeting
pack, the målekort and the comparison table as Excel (number formats, formula guard, stamp, demo mark) and PDF."""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from navdash import access, compare, disclosure, meetings, scorecard, store
from navdash.exports import comparison, pdf, xlsx
from navdash.exports import meeting as meeting_export
from navdash.exports import scorecard as card_export
from navdash.snapshot import Snapshot
from tests import pdftext
from tests.conftest import DATA

FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # 0300 NAV Oslo
LEDER = access.DEMO_PERSONAS["leder"]  # 0312 NAV Frogner
FORMULA = '=HYPERLINK("https://evil.example","klikk")'
OLD_SNAPSHOT = DATA / "meeting_snapshot_old_format.json"  # written by the meeting code before snapshots were typed


def _pages(document: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", document))


def _title(document: bytes) -> str:
    hex_title = re.search(rb"/Title <feff([0-9a-f]+)>", document).group(1)
    return bytes.fromhex(hex_title.decode()).decode("utf-16-be")


def _valid_pdf(document: bytes) -> None:
    assert document.startswith(b"%PDF-1.") and document.rstrip().endswith(b"%%EOF")


def _table(ws) -> list[dict]:
    header = [c.value for c in ws[xlsx.HEADER_ROW]]
    return [dict(zip(header, row, strict=False)) for row in ws.iter_rows(min_row=xlsx.HEADER_ROW + 1)]


# --- the snapshot ----------------------------------------------------------------------------------------------

def test_a_snapshot_stored_before_the_types_reads_with_every_figure():
    raw = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    snap = Snapshot.from_json(OLD_SNAPSHOT.read_text(encoding="utf-8"), meeting_id=7)
    assert (snap.fylke_id, snap.period, snap.data_version, snap.meeting_id) == (
        raw["fylke_id"], raw["period"], raw["data_version"], 7)
    assert snap.published_at is None and snap.demo is False  # not in the old format: the defaults
    assert [o.unit_id for o in snap.offices] == [o["unit_id"] for o in raw["offices"]]
    for office, raw_office in zip(snap.offices, raw["offices"], strict=True):
        assert office.concern == raw_office["concern"]
        for row, r in zip(office.rows, raw_office["rows"], strict=True):
            for key in ("indicator_id", "variation", "status", "status_text", "signal_reason", "changes"):
                assert getattr(row, key) == r[key]
            for key in ("this_period", "last_period", "ytd", "ytd_last"):
                assert getattr(row, key).value == r[key]["value"]
                assert getattr(row, key).denominator == r[key]["denominator"]
    again = Snapshot.from_json(snap.to_json(), meeting_id=7)
    assert again == snap
    stored = json.loads(snap.to_json())
    assert set(raw) - {"meeting_id"} <= set(stored)  # what readers of the old JSON look for is still there
    assert set(raw["offices"][0]["rows"][0]) <= set(stored["offices"][0]["rows"][0])


def test_an_old_stored_snapshot_renders_as_a_pack():
    snap = Snapshot.from_json(OLD_SNAPSHOT.read_text(encoding="utf-8"), meeting_id=1)
    pack = meeting_export.pack(snap, {}, meetings.MeetingPoints([], []))
    _valid_pdf(meeting_export.pdf(pack))
    wb = load_workbook(io.BytesIO(meeting_export.workbook(pack)))
    rows = _table(wb["Tall"])
    assert len(rows) == sum(len(o.rows) for o in snap.offices)
    assert "ukjent tid" not in wb["Tall"]["A2"].value


def test_the_page_and_pack_read_open_points_of_every_office_in_one_query(small_db):
    meeting = meetings.open_meeting(small_db, FYLKESLEDER, "0300", "2021-11")
    first = meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Første")
    second = meetings.add_followup(small_db, FYLKESLEDER, "0313", meeting, "Andre")
    later = meetings.open_meeting(small_db, FYLKESLEDER, "0300", "2021-12")
    new = meetings.add_followup(small_db, FYLKESLEDER, "0312", later, "Ny")
    meetings.update_followup(small_db, FYLKESLEDER, second, status="lukket", meeting_id=later)
    points = meetings.meeting_points(small_db, later)
    assert [p.followup_id for p in points.carried] == [first, second]  # closed during the meeting: still listed
    assert [p.followup_id for p in points.created] == [new]
    assert [p.followup_id for p in points.of("0312").all] == [first, new]
    assert (points.open_count("0312"), points.open_count("0313")) == (2, 0)
    assert [p.followup_id for p in meetings.meeting_points(small_db, meeting).created] == [first, second]


# --- the meeting pack ------------------------------------------------------------------------------------------

@pytest.fixture
def pack_db(small_db):
    meeting = meetings.open_meeting(small_db, FYLKESLEDER, "0300", "2021-12")
    meetings.write_comment(small_db, FYLKESLEDER, "0312", "B.15", "2021-12", FORMULA)
    kept = meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Se på unge – æøå", "Kari", date(2022, 2, 1))
    done = meetings.add_followup(small_db, FYLKESLEDER, "0313", meeting, "Ferdig punkt")
    meetings.update_followup(small_db, FYLKESLEDER, done, status="lukket", meeting_id=meeting)
    return small_db, meeting, kept, done


def test_meeting_pack_workbook_has_formats_comments_points_and_the_stamp(pack_db):
    db, meeting, _kept, _done = pack_db
    snap = meetings.load_meeting(db, meeting).snapshot
    wb = load_workbook(io.BytesIO(meeting_export.workbook(meeting_export.load(db, snap))))
    assert wb.sheetnames == ["Oversikt", "Tall", "Kommentarer", "Oppfølgingspunkter"]
    for ws in wb.worksheets:
        assert ws["A2"].value == snap.stamp and f"Dataversjon {store.data_version(db)}" in ws["A2"].value
        assert ws["A3"].value is None  # not demo data
    numbers = _table(wb["Tall"])
    by_key = {(r["Enhet"].value, r["MK ID"].value): r for r in numbers}
    checked = set()
    for office in snap.offices:
        for row in office.rows:
            got = by_key[(office.unit_id, row.indicator_id)]
            cell = got["Hittil i år"]
            if row.measure == "prosent":
                assert cell.number_format == "0.0%" and cell.value == pytest.approx(row.ytd.value / 100)
                if row.ytd_last.value is not None:
                    assert got["Endring hittil i år"].value == pytest.approx(row.ytd.value - row.ytd_last.value)
                assert "pp" in got["Endring hittil i år"].number_format
            elif row.measure == "antall":
                assert cell.number_format == "#,##0" and cell.value == row.ytd.value
            for base in ("Teller", "Nevner"):
                if got[base].value is not None:
                    assert got[base].number_format == "#,##0"
            checked.add(row.measure)
    assert {"prosent", "antall"} <= checked
    b15 = by_key[("0312", "B.15")]
    assert b15["Kommentar"].value == "'" + FORMULA and b15["Kommentar"].data_type == "s"
    comments = _table(wb["Kommentarer"])
    assert [(r["Enhet"].value, r["MK ID"].value, r["Kommentar"].value) for r in comments] == [
        ("0312", "B.15", "'" + FORMULA)]
    points = {r["Punkt"].value: r for r in _table(wb["Oppfølgingspunkter"])}
    assert points["Se på unge – æøå"]["Status"].value == "Åpen" and points["Ferdig punkt"]["Status"].value == "Lukket"
    assert points["Se på unge – æøå"]["Frist"].value == "01.02.2022"
    overview = _table(wb["Oversikt"])
    assert [r["Enhet"].value for r in overview] == [o.unit_id for o in snap.offices]  # tree order, not ranked
    for r, office in zip(overview, snap.offices, strict=True):
        assert r["Bekymring"].value == sum(1 for x in office.rows if x.variation == "special_cause_concern")
        assert r["Ikke oppfylt"].value == sum(1 for x in office.rows if x.status == "ikke_oppfylt")
    assert {r["Enhet"].value: (r["Åpne punkter"].value, r["Lukkede punkter"].value) for r in overview} == {
        "0312": (1, 0), "0313": (0, 1)}
    for ws in wb.worksheets:
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_the_demo_mark_is_on_every_sheet_and_page(pack_db, caplog):
    db, meeting, _kept, _done = pack_db
    snap = replace(meetings.load_meeting(db, meeting).snapshot, demo=True)
    pack = meeting_export.load(db, snap)
    wb = load_workbook(io.BytesIO(meeting_export.workbook(pack)))
    assert all(ws["A3"].value == pdf.DEMO_MARK and "DEMODATA" in ws.oddFooter.center.text for ws in wb.worksheets)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        document = meeting_export.pdf(pack, compress=False)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # the font has æøå, –, ▼, ≈ …
    _valid_pdf(document)
    assert _title(document) == snap.title
    assert _pages(document) >= 1 + len(snap.offices)  # the overview, then every office from a new page
    # The running header draws the demo mark once per page (fpdf2 writes each page's text in its own stream).
    assert document.count(b"DEMODATA") == 0  # text is written as glyph ids, never as plain bytes ...
    assert _pages(meeting_export.pdf(replace(pack, snapshot=replace(snap, demo=False)), compress=False)) == \
        _pages(document)  # ... and the mark takes no page of its own


def test_a_withheld_figure_is_text_in_the_pack(demo_db):
    fylke = access.User("Fylke", "fylkesleder", "1100", demo=False)
    meeting = meetings.open_meeting(demo_db, fylke, "1100", "2022-03")
    other = disclosure.mask_for(access.clearance(access.User("x", "leder", "1103")), demo_db)
    snap = meetings.protected(meetings.load_meeting(demo_db, meeting).snapshot, other)
    hidden = [(o.unit_id, r.indicator_id) for o in snap.offices for r in o.rows if r.ytd.withheld]
    assert hidden
    rows = {(r["Enhet"].value, r["MK ID"].value): r for r in _table(load_workbook(io.BytesIO(
        meeting_export.workbook(meeting_export.load(demo_db, snap))))["Tall"])}
    for key in hidden:
        assert rows[key]["Hittil i år"].value == disclosure.WITHHELD_TEXT
        assert rows[key]["Endring hittil i år"].value is None


# --- the målekort ----------------------------------------------------------------------------------------------

def test_scorecard_export_has_every_parameter_with_formats(small_db):
    card = scorecard.load("0312", "2021-12", small_db)
    meetings.write_comment(small_db, FYLKESLEDER, "0312", card.steering[0].indicator_id, "2021-12", "Bra – æøå")
    comments = meetings.comments_for(small_db, "0312", "2021-12")
    e = card_export.export(card, comments, 3, "2026-11-24T10:04:15", demo=True)
    assert e.stamp == "Dataversjon 3 · publisert 24.11.2026 kl. 10:04"
    wb = load_workbook(io.BytesIO(card_export.workbook(e)))
    rows = _table(wb["Styringsparametere"])
    assert [r["MK ID"].value for r in rows] == [r.indicator_id for r in card.steering]
    for got, row in zip(rows, card.steering, strict=True):
        if row.measure == "prosent" and row.this_period.value is not None:
            assert got["Denne perioden"].number_format == "0.0%"
            assert got["Denne perioden"].value == pytest.approx(row.this_period.value / 100)
        assert got["Signal"].value == (row.signal.variation_text if row.signal else "Ikke månedstall")
    assert rows[0]["Kommentar"].value == "Bra – æøå"
    assert wb["Styringsparametere"]["A3"].value == pdf.DEMO_MARK
    document = card_export.pdf(e, compress=False)
    _valid_pdf(document)
    assert _title(document) == "Målekort for 0312 NAV Frogner – desember 2021"
    # Every target's wording is printed (on screen it sits in a reason that opens on demand).
    wording = {" ".join(t.text.split()) for r in card.steering for t in r.targets}
    printed = " ".join(pdftext.text(document).split())  # a cell's lines joined, as a reader reads them
    assert wording and "Målekort for 0312 NAV Frogner" in printed  # the reading works
    missing = [w for w in wording if w not in printed]
    assert not missing, missing


# --- the comparison table --------------------------------------------------------------------------------------

def _point(unit: str, name: str, numerator: float, denominator: float) -> compare.FunnelPoint:
    share = numerator / denominator
    return compare.FunnelPoint(unit, name, numerator, denominator, share, {0.998: (share - 0.1, share + 0.1)},
                               "innenfor", False)


def _comparison(funnel: compare.Funnel | None, values: list[tuple], ytd: bool = False,
                lacking: dict | None = None, aggregation: str = "forholdstall",
                measure: str = "prosent") -> compare.Comparison:
    frame = pd.DataFrame(values, columns=["unit_id", "name", "numerator", "denominator", "value", "periods",
                                          "last_year"])
    period = compare.parse_period("2021-12")
    periods = tuple(compare.compared_periods(period, ytd))
    return compare.Comparison("B.15", "2021-12", ytd, aggregation, measure, periods, (), frame, lacking or {},
                              funnel)


def test_comparison_export_keeps_the_page_order_and_stores_shares_as_fractions():
    points = [_point("0313", "NAV St. Hanshaugen", 30, 40), _point("0312", "NAV Frogner", 10, 50)]
    f = compare.Funnel("B.15", "2021-12", 40 / 90, "exact", None, compare.Overdispersion(1.0, 0.0, 2, 3.84, False),
                       points)
    nan = float("nan")
    c = _comparison(f, [("0312", "NAV Frogner", 10, 50, 20.0, 1, nan), ("0313", "NAV St. Hanshaugen", 30, 40, 75.0,
                                                                          1, nan),
                        ("0314", "NAV Sagene", nan, nan, nan, 0, nan)])
    order = ["0312", "0313", "0314"]  # the page's order: not by value (0313 has the higher share)
    e = comparison.ComparisonExport(c, {"0312": 0.25}, (("0314", "NAV Sagene"),), tuple(order), "Overgang",
                                    "Enhetene under 0300 NAV Oslo", "Dataversjon 1", False)
    rows = _table(load_workbook(io.BytesIO(comparison.workbook(e)))["Sammenligning"])
    assert [r["Enhetsnr"].value for r in rows[:3]] == order
    frogner = rows[0]
    assert frogner["Andel"].value == pytest.approx(10 / 50) and frogner["Andel"].number_format == "0.0%"
    assert frogner["Teller"].value == 10 and frogner["Teller"].number_format == "#,##0"
    assert frogner["Mot eget nivå"].value == pytest.approx((10 / 50 - 0.25) * 100)
    assert rows[1]["Eget nivå før"].value is None
    assert rows[2]["Teller"].value == disclosure.WITHHELD_TEXT
    assert e.file_name("xlsx") == "sammenligning-B.15-2021-12.xlsx"
    _valid_pdf(comparison.pdf(e))


def test_comparison_export_follows_year_to_date():
    """Year to date: the title names the months, the file name says so, the earlier level is last year's same
    months, and a unit lacking months is listed as not compared."""
    points = [_point("0312", "NAV Frogner", 120, 600)]
    f = compare.Funnel("B.15", "2021-12", 0.2, "exact", None, compare.Overdispersion(1.0, 0.0, 1, 3.84, False),
                       points)
    nan = float("nan")
    lacking = {"0313": (compare.parse_period("2021-03"),)}
    c = _comparison(f, [("0312", "NAV Frogner", 120, 600, 20.0, 12, 25.0),
                        ("0313", "NAV St. Hanshaugen", nan, nan, nan, 0, nan)], ytd=True, lacking=lacking)
    e = comparison.export(c, pd.DataFrame(), (), ["0312", "0313"], "Overgang", "Enhetene under 0300 NAV Oslo", 1,
                          None, False)
    assert e.title == "Sammenligning B.15 Overgang – Hittil i år, januar–desember 2021, 12 måneder"
    assert e.file_name("pdf") == "sammenligning-B.15-2021-12-hittil-i-aar.pdf"
    book = load_workbook(io.BytesIO(comparison.workbook(e)))["Sammenligning"]
    rows = _table(book)
    assert rows[0]["Samme periode i fjor"].value == pytest.approx(0.25)
    assert rows[0]["Mot i fjor"].value == pytest.approx((0.2 - 0.25) * 100)
    assert rows[1]["Teller"].value == "ikke sammenlignet: mangler 1 måned (mars 2021)"
    assert "Hittil i år, januar–desember 2021" in _title(comparison.pdf(e, compress=False))


def test_comparison_export_of_counts_has_values_and_last_year():
    nan = float("nan")
    c = _comparison(None, [("0312", "NAV Frogner", nan, nan, 41.5, 12, 38.25),
                           ("0313", "NAV St. Hanshaugen", nan, nan, 12.0, 12, nan)], ytd=True,
                    aggregation="snitt_per_periode", measure="antall")
    e = comparison.export(c, pd.DataFrame(), (), ["0313", "0312"], "Fått jobben", "x", 1, None, False)
    rows = _table(load_workbook(io.BytesIO(comparison.workbook(e)))["Sammenligning"])
    assert [r["Enhetsnr"].value for r in rows[:2]] == ["0313", "0312"]
    assert rows[1]["Verdi"].value == 41.5 and rows[1]["Verdi"].number_format == "#,##0.0"  # a mean of counts
    assert rows[1]["Endring"].value == pytest.approx(41.5 - 38.25)
    assert rows[0]["Samme periode i fjor"].value is None
    _valid_pdf(comparison.pdf(e))


def test_the_pdf_change_is_the_difference_of_the_printed_values(demo_db):
    # B.31 at 0312 in December 2022 is a mean over 12 months whose unrounded change rounds to +2 while the printed
    # means read 14 and 13: the file must say +1, as the målekort page does (issue 13, "14 mot 13 (+2)").
    card = scorecard.load("0312", "2022-12", demo_db)
    e = card_export.export(card, {}, 1, None, demo=True)
    printed = pdftext.text(card_export.pdf(e, compress=False)).splitlines()
    checked = 0
    for row in card.steering:
        if row.measure != "antall" or row.ytd.value is None or row.ytd_last.value is None:
            continue
        now, then = round(row.ytd.value), round(row.ytd_last.value)
        if now - then == round(row.ytd.value - row.ytd_last.value):
            continue  # rounding agrees either way: nothing to tell apart
        at = printed.index(row.indicator_id)
        cells = printed[at:at + 12]
        expected = f"{'+' if now > then else ''}{now - then}".replace("-", "−")
        assert str(now) in cells and str(then) in cells, (row.indicator_id, cells)
        assert expected in cells, (row.indicator_id, expected, cells)
        checked += 1
    assert checked, "no count in the demo målekort where rounding first and last differ"


def test_a_long_running_title_stops_before_the_demo_mark():
    # A comparison's title ("Sammenligning B.15 … – Hittil i år, januar–desember 2022, 12 måneder") ran into the
    # demo mark at the top of every page. Widths are measured here with fontTools from the bundled font.
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    title = ("Sammenligning B.15 Andel arbeidssøkere med overgang til arbeid – Hittil i år, januar–desember 2022, "
             "12 måneder, enhetene under 0300 NAV Oslo")
    doc = pdf.Document(title, "Dataversjon 1", demo=True)
    doc.paragraph("Innhold.")
    drawn: list[tuple[str, float, float]] = []  # (text, x in pt, font size in pt)
    page = PdfReader(io.BytesIO(doc.bytes())).pages[0]
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and drawn.append(
        (text.strip(), tm[4] * cm[0] + cm[4], size * tm[0] * cm[0])))
    head = next(d for d in drawn if d[0].startswith("Sammenligning B.15"))
    mark = next(d for d in drawn if d[0] == pdf.DEMO_MARK)
    regular = TTFont(str(pdf.FONT_DIR / "DejaVuSans.ttf"))
    widths, cmap, em = regular["hmtx"].metrics, regular.getBestCmap(), regular["head"].unitsPerEm
    head_width = sum(widths[cmap[ord(ch)]][0] for ch in head[0]) / em * head[2]
    assert head[1] + head_width < mark[1], (head, mark)
    assert head[0].endswith("…") and title.startswith(head[0].removesuffix("…").rstrip())
