"""The tertial report as a PDF, read back from the bytes (tests/pdftext.py): status, data version and demo mark, every
styringsparameter's signal and verdict with its reason, the priorities in the leader's words, the risk assessment per
goal with its measures, the fylke's follow-up points; text from users drawn as written; the fylke's document with its
offices in the unit tree's order. And the page's download buttons, built only when pressed."""

from __future__ import annotations

import logging
import re

from navdash import access, meetings, store, tertial
from navdash.exports import pdf as pdf_doc
from navdash.exports import tertial_report
from tests import pdftext
from tests.pagetest import app

LEDER = access.DEMO_PERSONAS["leder"]  # 0312 NAV Frogner
FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]  # 0300 NAV Oslo
OTHER_LEDER = access.User("Leder St. Hanshaugen", "leder", "0313")
YEAR, TERM = 2022, 2
# A formula, markup, Norwegian letters, fpdf2's page-count alias, a bell, a right-to-left override and a character
# the font has no glyph for: drawn as written, less the control characters, with ? for the missing glyph.
HOSTILE = "=1+1 <script>alert(1)</script> **fet** æøå ÆØÅ {nb} \x07\u202eslutt\u202c 漢"
HOSTILE_SHOWN = "=1+1 <script>alert(1)</script> **fet** æøå ÆØÅ {nb} slutt ?"


def _flat(document: bytes) -> str:
    """The document's text with its lines joined by spaces (wrapped text reads whole again), without the invisible
    joiner that keeps the page-count alias from being replaced."""
    return " ".join(pdftext.text(document).split("\n")).replace(pdf_doc.JOINER, "")


def _write_report(db, unit: str = "0312", leader: access.User = LEDER, send: bool = True) -> dict:
    body = tertial.draft(db, unit, YEAR, TERM)
    done = {p["no"]: (HOSTILE if i == 0 else f"Gjort for prioritering {p['no']}: tavlemøter hver uke.")
            for i, p in enumerate(body["priorities"])}
    risks = {r["indicator_id"]: {"likelihood": 1, "consequence": 2} for r in body["risks"]}
    first, second = body["risks"][0]["indicator_id"], body["risks"][1]["indicator_id"]
    measures = [{"text": HOSTILE, "status": "pågår"}, {"text": "Ukentlig tavlemøte", "status": "planlagt"}]
    risks[first] = {"likelihood": 4, "consequence": 3, "measures": measures}
    risks[second] = {"likelihood": 5, "consequence": 5, "measures": [{"text": "Ny rutine", "status": "gjennomført"}]}
    tertial.save(db, leader, unit, YEAR, TERM, done=done, risks=risks, send=send)
    return {"body": body, "done": done, "first": first, "second": second}


def test_the_report_pdf_holds_status_figures_priorities_risks_and_followups(demo_db, caplog):
    written = _write_report(demo_db)
    tertial.receive(demo_db, FYLKESLEDER, "0312", YEAR, TERM, [HOSTILE, "Ny plan for unge i mai"])
    report = tertial.load(demo_db, "0312", YEAR, TERM)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        document = tertial_report.pdf(report, demo=True, compress=False)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # the missing glyph was replaced first
    assert document.startswith(b"%PDF-1.") and document.rstrip().endswith(b"%%EOF")
    text = _flat(document)
    pages = pdftext.pages(document)

    assert "Tertialrapport 2. tertial 2022 (mai–august) – 0312 NAV Frogner" in text
    assert f"Status: Mottatt · versjon {report.version}" in text
    version = store.data_version(demo_db)
    assert f"dataversjon {version}" in text
    assert all(pdf_doc.DEMO_MARK in page for page in pages)  # the demo mark on every page
    assert pdf_doc.DEMO_MARK not in pdftext.text(tertial_report.pdf(report, demo=False, compress=False))

    # Every styringsparameter with its signal and verdict, and the reasons behind them.
    for row in written["body"]["parameters"]:
        assert f"{row['indicator_id']} " in text
        for reason in (row["signal_reason"], row["status_reason"]):
            if reason:
                assert re.sub(r"[ \n]+", " ", reason).strip() in text, reason

    # The priorities in the leader's words, the hostile one as written; the risk per goal with the band in words.
    for p in written["body"]["priorities"]:
        assert f"{p['no']}. {p['title']}" in text
    assert "Gjort for prioritering 2: tavlemøter hver uke." in text
    assert f"{written['first']} " in text
    assert "4 – Sannsynlig 3 – Moderat 12 · Middels risiko" in text  # 4 × 3 = 12: middels (5–12)
    assert "5 – Svært sannsynlig 5 – Svært alvorlig 25 · Høy risiko • Ny rutine (Gjennomført)" in text
    assert f"• {HOSTILE_SHOWN} (Pågår)" in text and "• Ukentlig tavlemøte (Planlagt)" in text
    assert "Mottatt av Demo-fylkesleder" in text and "• Ny plan for unge i mai" in text
    # The hostile text is in the priorities, the measures and the follow-up points, and nothing became markup, a
    # page count or a reordered line.
    assert text.count(HOSTILE_SHOWN) == 3
    assert "\u202e" not in text and "\x07" not in text


def test_a_measure_longer_than_a_page_runs_over_pages_and_loses_nothing(demo_db):
    body = tertial.draft(demo_db, "0312", YEAR, TERM)
    words = [[f"t{m}o{i}" for i in range(560)] for m in range(5)]  # five measures of about 3 900 characters
    goal = body["risks"][0]["indicator_id"]
    tertial.save(demo_db, LEDER, "0312", YEAR, TERM, risks={goal: {
        "likelihood": 2, "consequence": 2, "measures": [{"text": " ".join(w), "status": "pågår"} for w in words]}})
    document = tertial_report.pdf(tertial.load(demo_db, "0312", YEAR, TERM), demo=False, compress=False)
    drawn = _flat(document).split()
    assert all(drawn.count(word) == 1 for measure in words for word in measure)
    assert [w for w in drawn if re.fullmatch(r"t\do\d+", w)] == [w for m in words for w in m]  # in order
    # Every page the row runs over carries the table's headings, and each page holds many of its lines.
    pages = [page for page in pdftext.pages(document)
             if any(re.fullmatch(r"t\do\d+", w) for w in " ".join(page).split())]
    assert len(pages) > 1 and all("Tiltak og status" in page for page in pages)
    assert all(len(page) > 20 for page in pages[:-1])


def test_the_fylke_pdf_has_every_office_in_tree_order_and_each_report_from_a_new_page(demo_db):
    _write_report(demo_db)
    _write_report(demo_db, "0313", OTHER_LEDER, send=False)
    with store.reading(demo_db) as con:
        offices = meetings.offices_in_tree_order(con, "0300")
    rows = tertial.for_offices(demo_db, offices, YEAR, TERM)
    document = tertial_report.fylke_pdf(("0300", "NAV Oslo"), YEAR, TERM, rows, demo=True, compress=False)
    pages = pdftext.pages(document)
    labels = [f"{u} {n}" for u, n in offices]
    first = pages[0]
    assert [line for line in first if line in labels] == labels  # the overview: every office, in tree order
    status = {line: first[first.index(line) + 1] for line in labels}
    assert status["0312 NAV Frogner"] == "Sendt"
    assert status["0313 NAV St. Hanshaugen"] == "Utkast"
    assert all(status[label] == "Ikke påbegynt" for label in labels if label[:4] not in ("0312", "0313"))
    # Each report starts a page under the office's name (after the running title and the demo mark).
    starts = [page[2] for page in pages[1:] if len(page) > 2 and page[2] in labels]
    assert starts == [label for label in labels if label[:4] in ("0312", "0313")]


def test_the_page_offers_the_report_as_pdf_and_excel_built_only_when_pressed(demo_db, monkeypatch):
    _write_report(demo_db)
    at = app(demo_db, monkeypatch, "views/tertialrapport.py", persona="leder", aar=str(YEAR), tertial=str(TERM))
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"Last ned tertialrapporten (PDF)", "Last ned tertialrapporten (Excel)"}
    assert all(b.deferred_file_id and not b.url and b.ignore_rerun for b in buttons.values())

    at = app(demo_db, monkeypatch, "views/tertialrapport.py", persona="fylkesleder", aar=str(YEAR),
             tertial=str(TERM))
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {f"Last ned {what} ({kind})" for kind in ("PDF", "Excel")
                            for what in ("kontorenes tertialrapporter", "tertialrapporten")}
    assert all(b.deferred_file_id and not b.url and b.ignore_rerun for b in buttons.values())


def test_every_pdf_text_keeps_its_lines_and_loses_what_cannot_be_drawn():
    doc = pdf_doc.Document("Tittel", "Stempel", False)
    given = "a\r\nb\rc\u2028d\u2029e\tf\x07g\u202eh\u200b {nb} 漢 \ue000 æøå – ≈ ▼"
    assert doc.safe(given) == f"a\nb\nc\nd\ne fgh {{{pdf_doc.JOINER}nb}} ? ? æøå – ≈ ▼"
