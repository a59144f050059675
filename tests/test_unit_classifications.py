"""The units file's classifications (storrelse, brukersammensetning, sentralitet): stored with the units, optional,
checked with Norwegian messages naming file, row and column; a refused file changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

from navdash import ingest, store
from tests.conftest import TODAY, fingerprint

HEADER = ("enhet,navn,type,overordnet,sammenligningsgruppe,ansatte,gyldig_fra,gyldig_til,erstattet_av,storrelse,"
          "brukersammensetning,sentralitet\n")


def _write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    f = tmp_path / name
    f.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return f


def test_classifications_are_stored_and_optional(small_db: Path, tmp_path: Path):
    f = _write(tmp_path, "enheter.csv", [
        "0312,NAV Frogner,kontor,0300,Bydel Oslo,60,2006-07-01,,,Mellomstor,Mange unge,1",
        "0313,NAV St. Hanshaugen,kontor,0300,Bydel Oslo,80,2006-07-01,,,,,",
        "0314,NAV Sagene,kontor,0300,,85,2006-07-01,,,Stor,,6.0",  # Excel writes 6 as 6.0
    ])
    report = ingest.import_file("enheter", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        rows = con.execute("""SELECT unit_id, comparison_group, size_class, user_mix, centrality FROM units
                              WHERE unit_id IN ('0312', '0313', '0314') ORDER BY unit_id""").fetchall()
    assert rows == [("0312", "Bydel Oslo", "Mellomstor", "Mange unge", "1"),
                    ("0313", "Bydel Oslo", None, None, None),
                    ("0314", None, "Stor", None, "6")]


def test_bad_classifications_are_refused_with_row_and_column(small_db: Path, tmp_path: Path):
    f = _write(tmp_path, "enheter_klasser.csv", [
        "0312,NAV Frogner,kontor,0300,Bydel Oslo,60,2006-07-01,,,Mellomstor,Mange unge,sentral",
        "0313,NAV St. Hanshaugen,kontor,0300,Bydel Oslo,80,2006-07-01,,," + "x" * 61 + ",,7",
    ])
    before, version = fingerprint(small_db), store.data_version(small_db)
    report = ingest.import_file("enheter", f, db=small_db, today=TODAY)
    assert not report.ok and not report.published
    found = {(p.row, p.column): p.message for p in report.problems}
    assert "«sentral» er ikke en sentralitetsklasse" in found[(2, "sentralitet")]
    assert "fra 1 (mest sentral) til 6" in found[(2, "sentralitet")]
    assert "«7» er ikke en sentralitetsklasse" in found[(3, "sentralitet")]
    assert "lengre enn 60 tegn" in found[(3, "storrelse")]
    assert all(str(p).startswith("enheter_klasser.csv") for p in report.problems)
    assert "Ingenting er endret i databasen" in report.full_report()
    assert fingerprint(small_db) == before and store.data_version(small_db) == version


def test_export_then_import_keeps_the_classifications(small_db: Path, tmp_path: Path):
    f = _write(tmp_path, "enheter.csv", ["0312,NAV Frogner,kontor,0300,Bydel Oslo,60,2006-07-01,,,Liten,Blandet,2"])
    assert ingest.import_file("enheter", f, db=small_db, today=TODAY).ok
    out = io.StringIO()
    ingest.export("enheter", out, db=small_db)
    text = out.getvalue()
    assert text.splitlines()[0].endswith("storrelse,brukersammensetning,sentralitet")
    assert any(line.startswith("0312,") and line.endswith(",Liten,Blandet,2") for line in text.splitlines())
