"""Validation rules between indicators (`valideringsregler`): imported like any kind, checked on every import of
values per unit and period; `feil` refuses the file, `advarsel` is listed and logged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from navdash import ingest, store
from tests.conftest import TODAY, app_rows, fingerprint

HEADER = "venstre,operator,hoyre,alvorlighet,beskrivelse\n"
VALUES = "enhet,indikator,periode,teller,nevner,verdi\n"


def share(numerator: float, denominator: float) -> str:
    """A share in percent as the messages write it (whole, or one decimal with a comma), computed here on its own."""
    value = 100 * numerator / denominator
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_file_is_validated(small_db: Path, tmp_path: Path):
    bad = write(tmp_path / "regler.csv", HEADER + "B.31 + B.99,<=,B.15,feil,\nB.31,=>>,B.15,feil,\n"
                "B.31,<=,B.31 + B.15,advarsel,\nB.31,<=,B.15,kanskje,\nB.31 +,<=,B.15,feil,\n")
    report = ingest.import_file("valideringsregler", bad, db=small_db, today=TODAY)
    assert not report.ok
    found = {(p.row, p.column) for p in report.problems}
    assert {(2, "venstre"), (3, "operator"), (4, "hoyre"), (5, "alvorlighet"), (6, "venstre")} <= found
    assert any("ukjent indikator «B.99»" in p.message for p in report.problems)


def test_an_error_rule_refuses_values_that_break_it(small_db: Path, tmp_path: Path):
    rules = write(tmp_path / "regler.csv", HEADER + "B.31,<=,B.15,feil,Fått jobben er høyst andelen\n")
    assert ingest.import_file("valideringsregler", rules, db=small_db, today=TODAY).ok
    before, version = fingerprint(small_db), store.data_version(small_db)
    # 0312 in 2021-01: B.15 is 40 of 60 (stored); a B.31 of 70 is above the share
    broken = write(tmp_path / "verdier.csv", VALUES + "0312,B.31,2021-01,,,70\n0313,B.15,2021-02,10,20,\n")
    report = ingest.import_file("verdier", broken, db=small_db, today=TODAY)
    assert not report.ok and report.problem_count == 1
    problem = report.problems[0]
    assert problem.row == 2
    assert problem.message == (f"enhet 0312, periode 2021-01: B.31 er 70 og B.15 er {share(40, 60)}, men B.31 skal "
                               "være mindre enn eller lik B.15 (Fått jobben er høyst andelen)")
    assert fingerprint(small_db) == before and store.data_version(small_db) == version
    # a value that keeps the rule, and a period where one side has no value, are let through
    kept = write(tmp_path / "ok.csv", VALUES + "0312,B.31,2021-01,,,60\n0312,B.31,2021-05,,,900\n")
    report = ingest.import_file("verdier", kept, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    # the file's own rows count over the stored ones: a new share that the stored B.31 (60) breaks is refused
    lower = write(tmp_path / "lavere.csv", VALUES + "0312,B.15,2021-01,30,60,\n")
    report = ingest.import_file("verdier", lower, db=small_db, today=TODAY)
    assert not report.ok and f"B.15 er {share(30, 60)}" in report.problems[0].message


def test_a_warning_rule_is_listed_and_logged(small_db: Path, tmp_path: Path):
    rules = write(tmp_path / "regler.csv", HEADER + "B.31,>=,B.15,advarsel,\n")
    assert ingest.import_file("valideringsregler", rules, db=small_db, today=TODAY).ok
    values = write(tmp_path / "verdier.csv", VALUES + "0312,B.31,2021-02,,,50\n")
    report = ingest.import_file("verdier", values, db=small_db, today=TODAY, who="test")
    assert report.ok and report.published and report.new == 1
    assert [w.row for w in report.warnings] == [2]
    warning = report.warnings[0].message
    assert warning == (f"enhet 0312, periode 2021-02: B.31 er 50 og B.15 er {share(45, 62)}, men B.31 skal være "
                       "større enn eller lik B.15")
    assert "1 advarsel." in report.summary() and warning in report.full_report()
    logged = app_rows(small_db, "SELECT message FROM import_log WHERE file_name = 'verdier.csv' AND who = 'test' "
                                "AND outcome = 'importert' ORDER BY log_id DESC")
    assert warning in logged[0][0]


def test_rules_round_trip_through_export(small_db: Path, tmp_path: Path):
    rules = write(tmp_path / "regler.csv", HEADER + "B.31 + K.TI,≤,B.15,Feil,\n")
    assert ingest.import_file("valideringsregler", rules, db=small_db, today=TODAY).ok
    out = tmp_path / "ut.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        assert ingest.export("valideringsregler", fh, db=small_db) == 1
    assert out.read_text(encoding="utf-8") == HEADER + "B.31 + K.TI,<=,B.15,feil,\n"
    again = ingest.import_file("valideringsregler", out, db=small_db, today=TODAY)
    assert again.ok and again.nothing_changed


def test_the_data_status_counts_the_rules_loaded(small_db: Path, tmp_path: Path):
    from navdash import overview

    text = HEADER + "B.31,<=,B.15,feil,\nB.31 + K.TI,>=,B.15,advarsel,En beskrivelse\n"
    rules = write(tmp_path / "regler.csv", text)
    before = overview.data_status(small_db).set_index("kind")
    assert before.loc["valideringsregler", "rows"] == 0 and pd.isna(before.loc["valideringsregler", "last_file"])
    assert ingest.import_file("valideringsregler", rules, db=small_db, today=TODAY, who="analytiker").ok
    status = overview.data_status(small_db).set_index("kind")
    assert list(status.index) == list(ingest.KINDS)  # every kind of file, none left out
    rule_lines = [line for line in text.splitlines()[1:] if line]
    assert status.loc["valideringsregler", "rows"] == len(rule_lines)
    assert (status.loc["valideringsregler", "last_file"], status.loc["valideringsregler", "last_who"]) == (
        "regler.csv", "analytiker")
    assert status.loc["valideringsregler", "label"] == "valideringsregler"
