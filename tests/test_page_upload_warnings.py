"""AppTest: after a `verdier` file that breaks a validation rule of severity `advarsel`, the upload page lists the
warnings in a table (unit, period, rule, both sides in Norwegian number format, the file's row, the rule's text as
written), shows the first ones and offers all of them as Excel and CSV; the table is still there after the import.
The downloads: every warning, numbers as numbers, the rules' text through the formula guard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from navdash import ingest, upload
from tests.conftest import TODAY
from tests.pagetest import app, plain

PAGE = "views/last_opp.py"
DESCRIPTION = "=1+1 <b>Sjekk</b> [lenke](https://evil.example) æøå"
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
          "desember")
PERIODS = [f"{year}-{month:02d}" for year in range(2007, 2025) for month in range(1, 13)]  # 216 months


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _values() -> tuple[bytes, list[list[str]]]:
    """A file with B.31 (1 000 and up) and S.AL (10,5 %) for 0312 in every month, breaking B.31 ≤ S.AL each month;
    and the table rows the page should show for it, written out here on their own."""
    lines = ["enhet;indikator;periode;teller;nevner;verdi"]
    expected = []
    for i, period in enumerate(PERIODS):
        lines += [f"0312;B.31;{period};;;{1000 + i}", f"0312;S.AL;{period};;;10,5"]
        year, month = period.split("-")
        expected.append(["0312", f"{MONTHS[int(month) - 1]} {year}", "B.31 ≤ S.AL", _thousands(1000 + i), "10,5",
                         str(2 + 2 * i), DESCRIPTION])
    return ("\n".join(lines) + "\n").encode("utf-8"), expected


def _rules(db: Path, tmp_path: Path) -> None:
    rules = tmp_path / "regler.csv"
    rules.write_text(f'venstre,operator,hoyre,alvorlighet,beskrivelse\nB.31,<=,S.AL,advarsel,"{DESCRIPTION}"\n',
                     encoding="utf-8")
    report = ingest.import_file("valideringsregler", rules, db=db, today=TODAY)
    assert report.ok, report.full_report()


def _warnings_table(at) -> list[list[str]]:
    frame = next(d.value for d in at.dataframe if "Regel" in d.value.columns)
    assert list(frame.columns) == ["Enhet", "Periode", "Regel", "Venstre side", "Høyre side", "Rad i filen",
                                   "Beskrivelse"]
    return frame.astype(str).values.tolist()


def test_the_upload_page_lists_the_rule_warnings_and_offers_all_of_them(small_db, tmp_path, monkeypatch):
    _rules(small_db, tmp_path)
    content, expected = _values()
    at = app(small_db, monkeypatch, PAGE, persona="analytiker")
    at.file_uploader[0].set_value(("verdier.csv", content, "text/csv")).run()
    assert not at.exception, at.exception

    assert "216 advarsler." in plain(at.success[0].value)
    assert plain(at.warning[0].value).startswith("Valideringsreglene gir 216 advarsler.")
    shown = _warnings_table(at)
    assert shown == expected[:200]  # the first 200, in the file's order; the text from the rules file as written
    captions = [plain(c.value) for c in at.caption]
    assert "Tabellen viser de første 200 av 216 advarslene; last ned alle under." in captions
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    for label in ("Last ned advarslene (Excel)", "Last ned advarslene (CSV)"):
        assert buttons[label].deferred_file_id and not buttons[label].url and buttons[label].ignore_rerun

    next(b for b in at.button if b.label == "Bekreft import").click().run()
    assert not at.exception, at.exception
    assert "importert" in plain(at.success[0].value) and "216 advarsler." in plain(at.success[0].value)
    assert _warnings_table(at) == expected[:200]  # still there once the file is in
    assert not [b for b in at.button if b.label == "Bekreft import"]


def test_a_file_without_warnings_shows_no_warning_table(small_db, tmp_path, monkeypatch):
    _rules(small_db, tmp_path)
    at = app(small_db, monkeypatch, PAGE, persona="analytiker")
    at.file_uploader[0].set_value(("ok.csv", b"enhet;indikator;periode;teller;nevner;verdi\n0312;B.31;2007-01;;;5\n"
                                             b"0312;S.AL;2007-01;;;10,5\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert "advarsel" not in plain(at.success[0].value) and not at.warning
    assert not [d for d in at.dataframe if "Regel" in d.value.columns]


def test_the_downloads_hold_every_warning_with_numbers_and_guarded_text(small_db, tmp_path):
    _rules(small_db, tmp_path)
    content, expected = _values()
    path = tmp_path / "verdier.csv"
    path.write_bytes(content)
    report = ingest.import_file("verdier", path, db=small_db, dry_run=True, today=TODAY)
    assert report.ok and report.warning_count == len(PERIODS) == len(report.rule_warnings)

    rows = list(csv.reader(io.StringIO(upload.warnings_csv(report).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Enhet", "Periode", "Regel", "Venstre side", "Høyre side", "Rad i filen", "Beskrivelse"]
    assert len(rows) == 1 + len(PERIODS)
    for row, period, want in zip(rows[1:], PERIODS, expected, strict=True):
        assert row == ["0312", period, "B.31 ≤ S.AL", want[3].replace("\u00a0", ""), "10,5", want[5],
                       "'" + DESCRIPTION]  # the rule's text cannot run as a formula

    ws = load_workbook(io.BytesIO(upload.warnings_xlsx(report))).active
    table = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(table) == len(PERIODS)
    assert table[0] == ("0312", PERIODS[0], "B.31 ≤ S.AL", 1000, 10.5, 2, "'" + DESCRIPTION)
    assert table[-1][3] == 1000 + len(PERIODS) - 1 and not [c for row in ws.iter_rows() for c in row
                                                            if c.data_type == "f"]
