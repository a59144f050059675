"""Import: tolerant reading, strict validation, all-or-nothing writes, honest reports."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from navdash import ingest, store
from tests.conftest import BAD, DATA, TODAY, app_rows, fingerprint

# file -> (kind, [(row, column, message fragment), ...]); every listed problem must be reported.
CORPUS: dict[str, tuple[str, list[tuple[int | None, str | None, str]]]] = {
    "verdier_tom.csv": ("verdier", [(None, None, "filen er tom")]),
    "verdier_bare_overskrift.csv": ("verdier", [(None, None, "ingen rader med data")]),
    "verdier_mangler_kolonne.csv": ("verdier", [(1, "periode", "kolonnen «periode» mangler; forventet kolonner: "
                                                               "enhet, indikator, periode, teller, nevner, verdi")]),
    "verdier_ukjent_kolonne.csv": ("verdier", [(1, "nevnr", "ukjent kolonne «nevnr»; mente du «nevner»?")]),
    "verdier_ukjent_enhet.csv": ("verdier", [(3, "enhet", "ukjent enhet «0314»; mente du 031")]),
    "verdier_ukjent_indikator.csv": ("verdier", [(2, "indikator", "ukjent indikator «B.51»; mente du B.")]),
    "verdier_ugyldig_periode.csv": ("verdier", [(2, "periode", "måned 13 finnes ikke"),
                                                (3, "periode", "«mars 2021» er ikke en gyldig periode")]),
    "verdier_teller_over_nevner.csv": ("verdier", [(3, "teller", "teller (70) er større enn nevner (60)")]),
    "verdier_andel_utenfor.csv": ("verdier", [(3, "verdi", "andelen 104 er utenfor 0-100")]),
    "verdier_negativ.csv": ("verdier", [(2, "teller", "teller kan ikke være negativ (-4)"),
                                        (3, "verdi", "antallet kan ikke være negativt (-2)")]),
    "verdier_duplikat.csv": ("verdier", [(4, "enhet", "samme nøkkel (enhet, indikator, periode) som rad 2")]),
    "verdier_fremtid.csv": ("verdier", [(3, "periode", "perioden 2027-01 ligger fram i tid")]),
    "verdier_er_enheter.csv": ("verdier", [(1, None, "filen ser ut til å inneholde enheter («enheter»), "
                                                     "ikke verdier («verdier»)")]),
    "verdier_ikke_tall.csv": ("verdier", [(2, "teller", "«mange» er ikke et tall")]),
    "verdier_nedlagt_enhet.csv": ("verdier", [(3, "periode", "enhet 1141 var nedlagt fra 31.12.2019, før 2021-03; "
                                                             "tallene hører til 1103")]),
    "verdier_forholdstall_uten_nevner.csv": ("verdier", [(3, "nevner", "mangler nevner"),
                                                         (4, "teller", "la teller og nevner stå tomme")]),
    "verdier_for_mange_celler.csv": ("verdier", [(3, None, "raden har 8 celler, men overskriften har 6 kolonner")]),
    "enheter_ukjent_overordnet.csv": ("enheter", [(2, "overordnet", "ukjent enhet «0900»")]),
    "enheter_ring.csv": ("enheter", [(2, "overordnet", "enhetstreet går i ring")]),
    "enheter_ugyldige_felt.csv": ("enheter", [(2, "gyldig_til", "gyldig til er før gyldig fra"),
                                              (3, "type", "«kontorr» er ikke gyldig; bruk en av: land, fylke, kontor"),
                                              (3, "ansatte", "«x» er ikke et tall")]),
    "indikatorer_ugyldig_kode.csv": ("indikatorer", [(2, "polaritet", "«bra» er ikke gyldig; bruk en av: hoy_er_bra"),
                                                     (2, "lenke", "«www.nav.no» er ikke en nettadresse")]),
    "resultatkrav_paa_nokkelinformasjon.csv": ("resultatkrav", [
        (2, "indikator", "K.TI er nøkkelinformasjon; resultatkrav gis bare på styringsparametere"),
        (3, "absolutt", "«kanskje» må være «ja» eller «nei»"),
    ]),
    "verdier_tusenskille_komma.csv": ("verdier", [(2, "verdi", "«1,234» er tvetydig")]),
    "verdier_tusenskille_punktum.csv": ("verdier", [(2, "nevner", "«1.234» er tvetydig")]),
    "verdier_periode_dato_midt_i_maaned.csv": ("verdier", [(2, "periode", "«15.03.2021» er en dato midt i en måned")]),
    "verdier_uavsluttet_anforselstegn.csv": ("verdier", [(3, "periode", "anførselstegn (\") som aldri lukkes")]),
    "verdier_tekst_etter_anforselstegn.csv": ("verdier", [(2, "periode", "tekst etter et avsluttende anførselstegn")]),
    "enheter_etterfolger_ring.csv": ("enheter", [(2, "erstattet_av", "etterfølgerne går i ring: 0391 → 0392 → 0391")]),
    "enheter_blandet_tegnkoding.csv": ("enheter", [(None, None, "filen blander tegnkodinger: linje 2 er UTF-8, men "
                                                                "linje 3 er Windows-1252")]),
    "indikatorer_http_lenke.csv": ("indikatorer", [(2, "lenke", "er ikke en sikker nettadresse; lenker må begynne "
                                                                "med https://")]),
    "resultatkrav_tusenskille.csv": ("resultatkrav", [(2, "terskel", "«1,500» er tvetydig")]),
    "undersokelse_ugyldige_antall.csv": ("undersokelse", [
        (2, "antall", "antallet kan ikke være negativt (-3)"),
        (3, "antall", "«2,5» må være et heltall"),
        (4, "enhet", "ukjent enhet «0399»"),
    ]),
    # Survey shapes whose disclosure control cannot be proved (navdash.survey): each would let a small group be
    # computed from the page, so each is refused with what to send instead.
    "undersokelse_totalt_rad.csv": ("undersokelse", [(4, "gruppe", "«Totalt» er en sumrad for enheten. Send bare "
                                                                   "gruppene (leder, medarbeider, tillitsvalgt)")]),
    "undersokelse_fylke_og_norge.csv": ("undersokelse", [
        (4, "enhet", "0300 NAV Oslo er et fylke: svar lastes inn bare for enhetene der folk jobber"),
        (5, "enhet", "0000 Norge er hele landet: svar lastes inn bare for enhetene der folk jobber"),
    ]),
    "undersokelse_to_inndelinger.csv": ("undersokelse", [
        (4, "gruppe", "«Under 30 år» er ikke en gruppe som kan vises. Bruk én inndeling"),
        (5, "gruppe", "«30 år og eldre» er ikke en gruppe som kan vises"),
    ]),
    "undersokelse_gruppe_stjerne.csv": ("undersokelse", [(3, "gruppe", "«*» er ikke et gruppenavn")]),
    "undersokelse_tekstsvar.csv": ("undersokelse", [
        (3, "svaralternativ", "«Vet ikke» er ikke et svar på skalaen 1–5"),
        (4, "svaralternativ", "«4 - Helt uenig»: svar 4 betyr «Enig», ikke «Helt uenig»"),
    ]),
    "undersokelse_sent_svar.csv": ("undersokelse", [
        (2, "antall", "runden «2017» av «Opplevelseskartlegging» er allerede lastet inn for enhet 0312 og er "
                      "lukket; antallet er endret fra 7 til 8. En rettet runde må lastes inn under et nytt navn"),
    ]),
    "undersokelse_ny_rad_i_lukket_runde.csv": ("undersokelse", [(3, "antall", "er lukket; raden er ny")]),
    "undersokelse_alle_og_grupper.csv": ("undersokelse", [(2, "gruppe", "«alle» betyr at runden 2021 ikke er delt "
                                                                        "inn i grupper, men runden har også grupper")]),
}


def test_corpus_is_complete():
    """Every file in the corpus has expectations, and there are at least 15 distinct faults."""
    assert {p.name for p in BAD.iterdir()} == set(CORPUS)
    assert len(CORPUS) >= 15


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_with_message_and_database_untouched(small_db: Path, name: str):
    kind, expected = CORPUS[name]
    before, version = fingerprint(small_db), store.data_version(small_db)
    report = ingest.import_file(kind, BAD / name, db=small_db, today=TODAY)
    assert not report.ok
    assert not report.published
    text = report.full_report()
    assert "Ingenting er endret i databasen" in text
    for row, column, fragment in expected:
        matches = [p for p in report.problems if fragment in p.message]
        assert matches, f"{fragment!r} not in:\n{text}"
        assert any(p.row == row and p.column == column for p in matches), f"{fragment!r} at row {row}, {column}"
        assert all(str(p).startswith(f"{name}") for p in matches)  # the file is named in every message
    assert fingerprint(small_db) == before
    assert store.data_version(small_db) == version


def test_all_problems_are_reported_not_just_the_first(small_db: Path, tmp_path: Path):
    lines = ["enhet,indikator,periode,teller,nevner,verdi"]
    lines += [f"0312,B.15,2020-{m:02d},{70 + m},60," for m in range(1, 13)]  # 12 rows, each teller > nevner
    bad = tmp_path / "mange.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest.import_file("verdier", bad, db=small_db, today=TODAY)
    assert report.problem_count == 12
    assert [p.row for p in report.problems] == list(range(2, 14))


def test_problem_list_is_capped_but_counted(small_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_LISTED_PROBLEMS", 5)
    bad = tmp_path / "mange.csv"
    bad.write_text("enhet,indikator,periode,teller,nevner,verdi\n" + "0312,B.15,2020-01,x,60,\n" * 8, encoding="utf-8")
    report = ingest.import_file("verdier", bad, db=small_db, today=TODAY)
    assert report.problem_count == 8 and len(report.problems) == 5
    assert "og 3 feil til" in report.full_report()


def test_excel_style_csv_cp1252_semicolon_decimal_comma(small_db: Path, tmp_path: Path):
    text = "Enhet;Indikator;Periode;Teller;Nevner;Verdi\r\n0312;B.15;2021-05;1 040;1 200;\r\n"
    text += "0000;S.AL;2012-03;;;82,4\r\n"
    text += "1103;B.15;2021-05;7;9;\r\n"
    f = tmp_path / "fra_excel.csv"
    f.write_bytes(text.encode("cp1252"))
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        assert con.execute("""SELECT numerator, denominator FROM "values" WHERE unit_id='0312' AND period='2021-05'"""
                           ).fetchone() == (1040.0, 1200.0)
        assert con.execute("""SELECT value FROM "values" WHERE indicator_id='S.AL'""").fetchone() == (82.4,)


def test_norwegian_letters_survive_in_every_encoding(small_db: Path, tmp_path: Path):
    row = "0316,NAV Gamle Oslo – Grønland,kontor,0300,Bydel Oslo,70,2006-07-01,,\n"
    header = "enhet,navn,type,overordnet,sammenligningsgruppe,ansatte,gyldig_fra,gyldig_til,erstattet_av\n"
    for encoding, name in (("utf-8-sig", "bom.csv"), ("utf-8", "utf8.csv"), ("cp1252", "ansi.csv")):
        f = tmp_path / name
        f.write_bytes((header + row.replace("0316", {"bom.csv": "0316", "utf8.csv": "0317", "ansi.csv": "0318"}[name])
                       ).encode(encoding))
        report = ingest.import_file("enheter", f, db=small_db, today=TODAY)
        assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        names = {n for (n,) in con.execute("SELECT name FROM units WHERE unit_id IN ('0316','0317','0318')").fetchall()}
    assert names == {"NAV Gamle Oslo – Grønland"}


def test_xlsx_import_with_excel_types(small_db: Path, tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhet", "indikator", "periode", "teller", "nevner", "verdi"])
    ws.append([312, "B.15", "2021-06", 41, 61, None])  # Excel dropped the leading zero
    ws.append(["0313", "B.15", "2021-06", 30.0, 50.0, None])
    ws.append([None, None, None, None, None, None])  # trailing blank row
    f = tmp_path / "verdier.xlsx"
    wb.save(f)
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    assert (report.rows, report.new) == (2, 2)


def test_xlsx_bytes_named_csv_and_csv_named_xlsx_are_refused(small_db: Path, tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.append(["enhet", "indikator", "periode", "teller", "nevner", "verdi"])
    disguised = tmp_path / "verdier.csv"
    wb.save(disguised)
    report = ingest.import_file("verdier", disguised, db=small_db, today=TODAY)
    assert "innholdet er en Excel-fil (xlsx), ikke CSV" in report.full_report()
    fake = tmp_path / "verdier.xlsx"
    shutil.copy(DATA / "verdier.csv", fake)
    report = ingest.import_file("verdier", fake, db=small_db, today=TODAY)
    assert "er ikke en Excel-fil (xlsx)" in report.full_report()


def test_reimport_is_harmless_and_counts_new_changed_unchanged(small_db: Path, tmp_path: Path):
    report = ingest.import_file("verdier", DATA / "verdier.csv", db=small_db, today=TODAY)
    assert (report.new, report.changed, report.unchanged) == (0, 0, 6)
    f = tmp_path / "endret.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2021-01,41,60,\n"
                 "0312,B.15,2021-02,45,62,\n0312,B.15,2021-03,44,61,\n", encoding="utf-8")
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert (report.new, report.changed, report.unchanged) == (1, 1, 1)
    with store.reading(small_db) as con:
        assert con.execute("""SELECT count(*) FROM "values" WHERE unit_id='0312' AND indicator_id='B.15'"""
                           ).fetchone() == (3,)
        assert con.execute("""SELECT numerator FROM "values"
                              WHERE unit_id='0312' AND indicator_id='B.15' AND period='2021-01'"""
                           ).fetchone() == (41.0,)


def test_reimport_of_the_same_file_publishes_nothing(small_db: Path, tmp_path: Path):
    before, version = fingerprint(small_db), store.data_version(small_db)
    with store.reading(small_db) as con:
        stored = con.execute("""SELECT count(*) FROM "values" """).fetchone()[0]
    report = ingest.import_file("verdier", DATA / "verdier.csv", db=small_db, today=TODAY)
    assert report.ok and report.nothing_changed and not report.published
    assert (report.new, report.changed) == (0, 0) and report.unchanged == stored
    assert "ingen endringer" in report.summary()
    assert report.data_version == version == store.data_version(small_db)
    assert fingerprint(small_db) == before
    # one changed value is a publish, and a new data version
    f = tmp_path / "endret.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2021-01,39,60,\n", encoding="utf-8")
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.published and not report.nothing_changed and report.changed == 1
    assert store.data_version(small_db) == report.data_version == version + 1


def test_dry_run_validates_but_writes_nothing(small_db: Path, tmp_path: Path):
    before = fingerprint(small_db)
    f = tmp_path / "ny.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2021-07,41,60,\n", encoding="utf-8")
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY, dry_run=True)
    assert report.ok and report.new == 1 and not report.published
    assert "tørrkjøring" in report.summary()
    assert fingerprint(small_db) == before


@pytest.mark.parametrize("kind", ["enheter", "indikatorer", "verdier", "resultatkrav", "undersokelse"])
def test_export_then_import_changes_nothing(small_db: Path, tmp_path: Path, kind: str):
    out = tmp_path / f"{kind}.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        n = ingest.export(kind, fh, db=small_db)
    assert n > 0
    before = fingerprint(small_db)
    dry = ingest.import_file(kind, out, db=small_db, today=TODAY, dry_run=True)
    assert dry.ok, dry.full_report()
    assert (dry.new, dry.changed, dry.unchanged) == (0, 0, n)
    assert fingerprint(small_db) == before
    # and into an empty database, the export of the units and catalogue rebuilds them exactly
    if kind in ("enheter", "indikatorer"):
        fresh = tmp_path / "fresh.duckdb"
        if kind == "indikatorer":
            assert ingest.import_file("enheter", DATA / "enheter.csv", db=fresh, today=TODAY).ok
        assert ingest.import_file(kind, out, db=fresh, today=TODAY).ok
        again = io.StringIO()
        ingest.export(kind, again, db=fresh)
        assert again.getvalue() == out.read_text(encoding="utf-8")


def test_export_filters_by_unit_and_indicator(small_db: Path):
    buf = io.StringIO()
    n = ingest.export("verdier", buf, db=small_db, units=["0312"], indicators=["B.15"])
    lines = buf.getvalue().splitlines()
    assert n == 2 and lines[0] == "enhet,indikator,periode,teller,nevner,verdi"
    assert all(line.startswith("0312,B.15,") for line in lines[1:])


def test_merged_office_keeps_its_history(small_db: Path):
    with store.reading(small_db) as con:
        row = con.execute("SELECT valid_to, replaced_by FROM units WHERE unit_id = '1141'").fetchone()
        assert str(row[0]) == "2019-12-31" and row[1] == "1103"
        assert con.execute("""SELECT numerator FROM "values" WHERE unit_id = '1141'""").fetchone() == (3.0,)


def test_each_value_knows_the_import_it_came_from(small_db: Path):
    with store.reading(small_db) as con:
        ids = [r[0] for r in con.execute("""SELECT DISTINCT import_id FROM "values" """).fetchall()]
    assert len(ids) == 1
    assert app_rows(small_db, "SELECT file_name, who, outcome FROM import_log WHERE import_id = :i", i=ids[0]) == [
        ("verdier.csv", "test", "importert")]


def test_rejections_are_logged_in_the_application_database(appdb_backend: str, small_db: Path):
    before = fingerprint(small_db)
    ingest.import_file("verdier", BAD / "verdier_duplikat.csv", db=small_db, today=TODAY, who="kari")
    log = ingest.rejected_imports(small_db)
    assert log[-1]["outcome"] == "avvist" and log[-1]["who"] == "kari" and log[-1]["problems"] == 1
    assert fingerprint(small_db) == before


def test_leader_upload_is_limited_to_own_unit_and_local_indicators(small_db: Path):
    report = ingest.import_file("verdier", DATA / "verdier.csv", db=small_db, today=TODAY,
                                allowed_units={"0312"}, allowed_indicators={"B.15"})
    messages = [p.message for p in report.problems]
    assert any("bare laste opp tall for din egen enhet, ikke 0313" in m for m in messages)
    assert any("B.31 er ikke en lokal indikator" in m for m in messages)
