"""Limits and faults: big or broken files, a stuck writer, killed writers, private uploads, unusable stores.

Every refusal must leave the published database byte for byte as it was (conftest.fingerprint), say in Norwegian
what is wrong and where, and never show a traceback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from navdash import access, ingest, store, upload
from tests.conftest import DATA, TODAY, fingerprint

ROOT = Path(__file__).resolve().parent.parent
ANALYST = access.DEMO_PERSONAS["analytiker"]
VALUES_HEADER = "enhet,indikator,periode,teller,nevner,verdi\n"


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NAVDASH_DB": str(db), **(env or {})}
    return subprocess.run([sys.executable, "-m", "navdash", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=300)


def refused_unchanged(db: Path, kind: str, path: Path, fragment: str, row: int | None = None,
                      column: str | None = None) -> ingest.ImportReport:
    """Import `path`; it must be refused with `fragment` (at row/column if given) and leave `db` unchanged."""
    before = fingerprint(db)
    report = ingest.import_file(kind, path, db=db, today=TODAY)
    assert not report.ok and not report.published
    matches = [p for p in report.problems if fragment in p.message]
    assert matches, report.full_report()
    if row is not None or column is not None:
        assert any(p.row == row and p.column == column for p in matches), report.full_report()
    assert fingerprint(db) == before
    return report


# ---------------------------------------------------------------------------------------------------------
# Excel: size and rows checked before parsing
# ---------------------------------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhet", "indikator", "periode", "teller", "nevner", "verdi"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A real workbook whose first sheet is replaced by a huge, highly compressible sheet XML."""
    source = _workbook(path.with_name("liten.xlsx"), [["0312", "B.15", "2021-06", 41, 61, None]])
    row = (b'<row><c t="inlineStr"><is><t>0312</t></is></c><c t="inlineStr"><is><t>B.15</t></is></c>'
           b'<c t="inlineStr"><is><t>2021-06</t></is></c><c><v>41</v></c><c><v>61</v></c></row>')
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData>')
                block = row * 8192
                for _ in range(unpacked_mb * 1024 * 1024 // len(block) + 1):
                    fh.write(block)
                fh.write(b"</sheetData></worksheet>")
    return path


def test_zip_bomb_xlsx_is_refused_before_parsing(small_db: Path, tmp_path: Path):
    bomb = _zip_bomb(tmp_path / "bombe.xlsx", unpacked_mb=160)
    assert bomb.stat().st_size < 4 * 1024 * 1024  # small on disk ...
    with zipfile.ZipFile(bomb) as zf:
        assert sum(i.file_size for i in zf.infolist()) > ingest.MAX_XLSX_UNPACKED_BYTES  # ... huge unpacked
    report = refused_unchanged(small_db, "verdier", bomb, "Excel-filen pakkes ut til")
    assert "Send store datasett som CSV" in report.full_report()
    assert ingest.rejected_imports(small_db)[-1]["file_name"] == "bombe.xlsx"


def test_xlsx_with_too_many_rows_is_refused_by_counting_the_sheet(small_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_XLSX_ROWS", 10)
    f = _workbook(tmp_path / "mange.xlsx", [["0312", "B.15", f"2019-{m:02d}", 1, 2, None] for m in range(1, 13)])
    refused_unchanged(small_db, "verdier", f, "mer enn 10 rader i ett ark")
    ok = _workbook(tmp_path / "faa.xlsx", [["0312", "B.15", f"2019-{m:02d}", 1, 2, None] for m in range(1, 9)])
    assert ingest.import_file("verdier", ok, db=small_db, today=TODAY).ok


def test_xlsx_whose_dimension_lies_is_counted_row_by_row(small_db: Path, tmp_path: Path):
    """15 million empty rows in 140 kB, under a <dimension> that claims two rows: refused before openpyxl parses."""
    source = _workbook(tmp_path / "liten.xlsx", [["0312", "B.15", "2021-06", 41, 61, None]])
    f = tmp_path / "rader.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         b'<dimension ref="A1:F2"/><sheetData>')
                for _ in range(90):
                    fh.write(b"<row/>" * (1024 * 1024 // 6))
                fh.write(b"</sheetData></worksheet>")
    refused_unchanged(small_db, "verdier", f, "mer enn 500\u00a0000 rader i ett ark")


def test_truncated_xlsx_is_a_message_not_a_crash(small_db: Path, tmp_path: Path):
    good = _workbook(tmp_path / "hel.xlsx", [["0312", "B.15", "2021-06", 41, 61, None]])
    broken = tmp_path / "avkuttet.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused_unchanged(small_db, "verdier", broken, "Excel-filen er skadet")


# ---------------------------------------------------------------------------------------------------------
# CSV: cell size and broken quoting give a row and a column, on the command line and in the rejection log
# ---------------------------------------------------------------------------------------------------------


def test_200000_character_cell_on_the_command_line(small_db: Path, tmp_path: Path):
    f = tmp_path / "lang.csv"
    f.write_text("enhet,navn,type,overordnet\n0391,NAV Kort,kontor,0300\n0392," + "x" * 200_000 + ",kontor,0300\n",
                 encoding="utf-8")
    before = fingerprint(small_db)
    done = cli(small_db, "import", "enheter", str(f))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "field larger" not in done.stderr
    assert "lang.csv, rad 3, kolonne «navn»: cellen er lengre enn 10\u00a0000 tegn" in done.stderr
    assert fingerprint(small_db) == before
    assert ingest.rejected_imports(small_db)[-1]["file_name"] == "lang.csv"


def test_long_cell_under_the_csv_limit_is_refused_with_its_length(small_db: Path, tmp_path: Path):
    f = tmp_path / "lang.csv"
    f.write_text("enhet,navn,type,overordnet\n0391,NAV " + "ø" * 20_000 + ",kontor,0300\n", encoding="utf-8")
    refused_unchanged(small_db, "enheter", f, "cellen har 20\u00a0004 tegn; høyst 10\u00a0000 er tillatt", 2, "navn")


def test_unclosed_quote_before_a_long_tail_is_found_at_its_row(small_db: Path, tmp_path: Path):
    rows = [f"0312,B.15,20{y:02d}-{m:02d},1,2," for y in range(0, 20) for m in range(1, 13)] * 30
    rows[4] = '0312,"B.15,2001-01,1,2,'  # row 6 as a spreadsheet counts
    f = tmp_path / "sitat.csv"
    f.write_text(VALUES_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert f.stat().st_size > 131_072  # long enough to hit the csv module's own field limit
    before = fingerprint(small_db)
    done = cli(small_db, "import", "verdier", str(f))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sitat.csv, rad 6, kolonne «indikator»: cellen begynner med et anførselstegn" in done.stderr
    assert fingerprint(small_db) == before
    assert ingest.rejected_imports(small_db)[-1]["file_name"] == "sitat.csv"


def test_nul_byte_deep_in_a_csv_file(small_db: Path, tmp_path: Path):
    f = tmp_path / "nul.csv"
    f.write_bytes((VALUES_HEADER + "0312,B.15,2021-07,1,2,\n" * 1000).encode() + b"0312,B.15,2021-08,1\x00,2,\n")
    refused_unchanged(small_db, "verdier", f, "er ikke et tall", 1002, "teller")


# ---------------------------------------------------------------------------------------------------------
# The write lock: bounded wait, a Norwegian message, and a stopped writer does not block for ever
# ---------------------------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from navdash import store
    with store.writing(Path(sys.argv[1]), who="holder") as con:
        print("holding", flush=True)
        time.sleep(120)
""")


@contextlib.contextmanager
def lock_holder(db: Path) -> subprocess.Popen:
    """A real writer process that takes the write lock and is then stopped (SIGSTOP), as a hung import would be."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        os.kill(proc.pid, signal.SIGSTOP)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_stopped_writer_makes_the_next_import_fail_with_a_message(small_db: Path, tmp_path: Path):
    f = tmp_path / "ny.csv"
    f.write_text(VALUES_HEADER + "0312,B.15,2021-07,41,60,\n", encoding="utf-8")
    before = fingerprint(small_db)
    with lock_holder(small_db):
        done = cli(small_db, "import", "verdier", str(f), env={"NAVDASH_SKRIVELAS_SEKUNDER": "1"})
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip() == ("Feil: databasen er opptatt: en annen import eller lagring pågår (ventet 1 sekund); "
                                   "prøv igjen om litt")
    assert fingerprint(small_db) == before


def test_lock_timeout_applies_to_library_and_upload_writes(small_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NAVDASH_SKRIVELAS_SEKUNDER", "0,2")
    f = tmp_path / "ny.csv"
    f.write_text(VALUES_HEADER + "0312,B.15,2021-07,41,60,\n", encoding="utf-8")
    monkeypatch.setenv(upload.UPLOAD_DIR_ENV, str(tmp_path / "opplasting"))
    with store.writing(small_db, who="en annen"):
        with pytest.raises(store.StoreBusy, match="en annen import eller lagring pågår"):
            ingest.import_file("verdier", f, db=small_db, today=TODAY)
        with pytest.raises(store.StoreBusy) as caught:
            upload.commit_upload(small_db, ANALYST, "verdier", f.read_bytes(), "ny.csv", today=TODAY)
    assert upload.store_problem(caught.value).startswith("Databasen er opptatt: en annen import")
    assert upload.store_problem(caught.value).endswith("Ingenting er endret.")
    assert list((tmp_path / "opplasting").iterdir()) == []  # the staged copy is gone even so


def test_lock_timeout_setting():
    assert store.lock_timeout() == store.DEFAULT_LOCK_TIMEOUT or os.environ.get(store.LOCK_TIMEOUT_ENV)
    for raw, expected in (("5", 5.0), ("2,5", 2.5), ("tull", store.DEFAULT_LOCK_TIMEOUT),
                          ("-1", store.DEFAULT_LOCK_TIMEOUT)):
        os.environ[store.LOCK_TIMEOUT_ENV] = raw
        try:
            assert store.lock_timeout() == expected
        finally:
            del os.environ[store.LOCK_TIMEOUT_ENV]


# ---------------------------------------------------------------------------------------------------------
# Work files of killed writers are cleaned up at the next write
# ---------------------------------------------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_killed_writer_leaves_a_copy_that_the_next_write_removes(small_db: Path, tmp_path: Path):
    with lock_holder(small_db) as holder:
        left = sorted(small_db.parent.glob(f"{small_db.name}.work-{holder.pid}-*"))
        assert left, "the stopped writer has a working copy"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    assert all(p.exists() for p in left)  # killed: it never cleaned up
    f = tmp_path / "ny.csv"
    f.write_text(VALUES_HEADER + "0312,B.15,2021-07,41,60,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=small_db, today=TODAY).ok
    assert not list(small_db.parent.glob(f"{small_db.name}.work-*"))


def test_only_work_files_of_dead_processes_are_removed(small_db: Path):
    dead = _dead_pid()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [small_db.with_name(f"{small_db.name}.work-{dead}-abcdef12"),
                 small_db.with_name(f"{small_db.name}.work-{dead}-abcdef12.wal")]
        live = small_db.with_name(f"{small_db.name}.work-{alive.pid}-12345678")
        other = small_db.with_name(f"annen.duckdb.work-{dead}-abcdef12")  # another database's file: not ours
        for p in (*stale, live, other):
            p.write_bytes(b"x" * 1024)
        with store.writing(small_db, publish=False):
            pass
        assert not any(p.exists() for p in stale)
        assert live.exists() and other.exists()
    finally:
        alive.kill()
        alive.wait(timeout=30)


# ---------------------------------------------------------------------------------------------------------
# Uploaded files are private to the app and deleted after use
# ---------------------------------------------------------------------------------------------------------


def test_staged_upload_is_private_and_deleted(tmp_path: Path, monkeypatch):
    root = tmp_path / "opplasting"
    monkeypatch.setenv(upload.UPLOAD_DIR_ENV, str(root))
    with upload.staged(b"enhet\n0312\n", "../../etc/verdier.csv") as path:
        assert path.parent.parent == root and path.name == "verdier.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        assert path.read_bytes() == b"enhet\n0312\n"
    assert not path.exists() and list(root.iterdir()) == []


def test_world_readable_upload_folder_is_made_private(tmp_path: Path, monkeypatch):
    root = tmp_path / "opplasting"
    root.mkdir(mode=0o777)
    os.chmod(root, 0o777)
    monkeypatch.setenv(upload.UPLOAD_DIR_ENV, str(root))
    assert upload.upload_root() == root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_upload_folder_owned_by_someone_else_or_a_symlink_is_refused(tmp_path: Path, monkeypatch):
    target = tmp_path / "et-annet-sted"
    target.mkdir()
    link = tmp_path / "opplasting"
    link.symlink_to(target)
    monkeypatch.setenv(upload.UPLOAD_DIR_ENV, str(link))
    with pytest.raises(upload.UploadFolderUnusable, match="tilhører ikke appen"):
        upload.upload_root()
    with pytest.raises(store.StoreError):  # the upload page shows it like any store problem
        upload.check_upload(None, ANALYST, "verdier", b"x", "x.csv")
    assert list(target.iterdir()) == []


def test_check_and_commit_leave_no_uploaded_file_behind(demo_db: Path, tmp_path: Path, monkeypatch):
    root = tmp_path / "opplasting"
    monkeypatch.setenv(upload.UPLOAD_DIR_ENV, str(root))
    content = (VALUES_HEADER + "0312,B.15,2021-07,41,60,\n").encode()
    checked = upload.check_upload(demo_db, ANALYST, "verdier", content, "ny.csv", today=TODAY)
    assert checked.report.ok and list(checked.preview.columns)[:2] == ["enhet", "indikator"]
    assert list(root.iterdir()) == []
    assert upload.commit_upload(demo_db, ANALYST, "verdier", content, "ny.csv", today=TODAY).published
    assert list(root.iterdir()) == []


# ---------------------------------------------------------------------------------------------------------
# A read-only folder, a missing folder and a damaged database: one Norwegian line, non-zero exit
# ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path):
    """A folder no one may create files in. chmod is enough for ordinary users; root needs the immutable flag."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        try:
            yield
        finally:
            os.chmod(folder, 0o755)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root where the immutable flag is not available: no way to make a read-only folder")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_folder_gives_one_line_and_exit_4(small_db: Path, tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "navdash.duckdb"
    shutil.copyfile(small_db, db)
    f = tmp_path / "ny.csv"
    f.write_text(VALUES_HEADER + "0312,B.15,2021-07,41,60,\n", encoding="utf-8")
    before = fingerprint(db)
    with read_only(folder):
        done = cli(db, "import", "verdier", str(f))
    assert done.returncode == 4, done.stderr
    assert done.stderr.strip().startswith(f"Feil: kan ikke skrive i datamappen {folder}")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert fingerprint(db) == before
    assert sorted(p.name for p in folder.iterdir()) == ["navdash.duckdb"]


def test_missing_folder_is_not_created(tmp_path: Path):
    db = tmp_path / "finnes-ikke" / "navdash.duckdb"
    for args in (("init",), ("import", "enheter", str(DATA / "enheter.csv")), ("export", "enheter")):
        done = cli(db, *args)
        assert done.returncode == 4, (args, done.stderr)
        assert done.stderr.strip().startswith(f"Feil: datamappen {db.parent} finnes ikke")
        assert "Traceback" not in done.stderr
    assert not db.parent.exists()


@pytest.mark.parametrize("damage", ["søppel", "avkuttet"])
def test_damaged_database_gives_one_line_and_init_force_repairs(small_db: Path, tmp_path: Path, damage: str):
    data = small_db.read_bytes()
    small_db.write_bytes(os.urandom(64 * 1024) if damage == "søppel" else data[: len(data) // 3])
    commands = [("import", "enheter", str(DATA / "enheter.csv")), ("export", "verdier")]
    if damage == "søppel":  # a truncated file still has its header and schema, so `init` finds nothing to do
        commands.append(("init",))
    for args in commands:
        done = cli(small_db, *args)
        assert done.returncode == 4, (args, done.stdout, done.stderr)
        assert "kan ikke leses (skadet, eller ikke en navdash-database)" in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert done.stdout == "" or args[0] != "export"  # not even a header line from a database that cannot be read
    assert cli(small_db, "init", "--force").returncode == 0
    assert cli(small_db, "import", "enheter", str(DATA / "enheter.csv")).returncode == 0


def test_damaged_database_in_the_library(tmp_path: Path):
    db = tmp_path / "skadet.duckdb"
    db.write_bytes(b"ikke en database" * 1000)
    with pytest.raises(store.DatabaseUnusable, match="skadet"):
        store.data_version(db)
    with pytest.raises(store.DatabaseUnusable, match="skadet"):
        ingest.import_file("enheter", DATA / "enheter.csv", db=db)
    assert db.read_bytes() == b"ikke en database" * 1000


# ---------------------------------------------------------------------------------------------------------
# Months written as dates
# ---------------------------------------------------------------------------------------------------------


def test_dates_that_mean_a_month_are_stored_as_that_month(small_db: Path, tmp_path: Path):
    f = tmp_path / "datoer.csv"
    f.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;01.03.2021;44;61;\n"
                 "0312;B.15;2021-04-01;45;62;\n0313;B.15;1.5.2021;31;50;\n", encoding="utf-8")
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        got = con.execute("""SELECT unit_id, period, period_kind FROM "values" WHERE period IN
                             ('2021-03', '2021-04', '2021-05') ORDER BY unit_id, period""").fetchall()
    assert got == [("0312", "2021-03", "M"), ("0312", "2021-04", "M"), ("0313", "2021-05", "M")]


def test_excel_date_cells_in_periode(small_db: Path, tmp_path: Path):
    f = _workbook(tmp_path / "datoer.xlsx", [["0312", "B.15", datetime(2021, 6, 1), 41, 61, None]])
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        assert con.execute("""SELECT numerator FROM "values" WHERE unit_id = '0312' AND period = '2021-06'"""
                           ).fetchone() == (41.0,)
    bad = _workbook(tmp_path / "feil.xlsx", [["0312", "B.15", datetime(2021, 7, 15), 41, 61, None],
                                             ["0312", "B.15", datetime(2021, 8, 1, 13, 30), 41, 61, None]])
    report = refused_unchanged(small_db, "verdier", bad, "«15.07.2021» er en dato midt i en måned", 2, "periode")
    assert any(p.row == 3 and "er et tidspunkt, ikke en måned" in p.message for p in report.problems)


def test_impossible_date_in_periode(small_db: Path, tmp_path: Path):
    f = tmp_path / "feil.csv"
    f.write_text(VALUES_HEADER + "0312,B.15,31.02.2021,1,2,\n", encoding="utf-8")
    refused_unchanged(small_db, "verdier", f, "«31.02.2021» er ikke en gyldig dato", 2, "periode")


# ---------------------------------------------------------------------------------------------------------
# Numbers: ambiguous thousands separators refused, unambiguous ones read right
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "text", "column"), [
    ("enheter", "enhet;navn;type;overordnet;ansatte\n0391;NAV Test;kontor;0300;1.250\n", "ansatte"),
    ("undersokelse", "undersokelse;runde;enhet;gruppe;sporsmal;tema;svaralternativ;antall\n"
                     "U;2017;0312;medarbeider;Spm;Tema;4;1,005\n", "antall"),
    ("verdier", "enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-08;-1,234;2000;\n", "teller"),
    ("verdier", "enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-08;1;2.500 ;\n", "nevner"),
])
def test_ambiguous_thousands_separator_in_every_kind(small_db: Path, tmp_path: Path, kind: str, text: str,
                                                     column: str):
    f = tmp_path / "tall.csv"
    f.write_text(text, encoding="utf-8")
    refused_unchanged(small_db, kind, f, "er tvetydig", 2, column)


@pytest.mark.parametrize(("cell", "expected"), [
    ("1 234", 1234.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567,5", 1234567.5), ("0,125", 0.125),
    ("12,5", 12.5), ("1,2340", 1.234), ("12345,678", 12345.678),
])
def test_unambiguous_numbers_are_read_right(small_db: Path, tmp_path: Path, cell: str, expected: float):
    f = tmp_path / "tall.csv"
    f.write_text(f"enhet;indikator;periode;teller;nevner;verdi\n0312;B.31;2021-09;;;{cell}\n", encoding="utf-8")
    report = ingest.import_file("verdier", f, db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    with store.reading(small_db) as con:
        assert con.execute("""SELECT value FROM "values" WHERE indicator_id = 'B.31' AND period = '2021-09'"""
                           ).fetchone() == (expected,)


def test_mixed_up_separators_are_refused(small_db: Path, tmp_path: Path):
    f = tmp_path / "tall.csv"
    f.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.31;2021-09;;;1.23,4\n", encoding="utf-8")
    refused_unchanged(small_db, "verdier", f, "uklart hva som er tusenskille og desimaltegn", 2, "verdi")


def test_export_of_a_three_decimal_value_imports_again_unchanged(small_db: Path, tmp_path: Path):
    f = tmp_path / "tall.csv"
    f.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.31;2021-10;;;1,2340\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=small_db, today=TODAY).ok
    out = tmp_path / "ut.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        ingest.export("verdier", fh, db=small_db, indicators=["B.31"])
    assert "0312,B.31,2021-10,,,1.2340" in out.read_text(encoding="utf-8").splitlines()
    again = ingest.import_file("verdier", out, db=small_db, today=TODAY, dry_run=True)
    assert again.ok and again.changed == 0 and again.new == 0, again.full_report()


# ---------------------------------------------------------------------------------------------------------
# Encodings, successor rings and links
# ---------------------------------------------------------------------------------------------------------


def test_mixed_encoding_found_late_in_a_large_file(small_db: Path, tmp_path: Path):
    head = b"enhet,navn,type,overordnet\n" + b"".join(
        f"{3900 + i:04d},NAV Test {i},kontor,0300\n".encode() for i in range(50))
    f = tmp_path / "blandet.csv"
    f.write_bytes(head + "0219,NAV Bærum,kontor,0300\n".encode("cp1252") + "0220,NAV Bærum 2,kontor,0300\n".encode())
    refused_unchanged(small_db, "enheter", f, "linje 53 er UTF-8, men linje 52 er Windows-1252")


def test_successor_ring_through_the_database(small_db: Path, tmp_path: Path):
    # The database says 1141 was merged into 1103; a file that says 1103 was merged into 1141 closes a ring.
    f = tmp_path / "ring.csv"
    f.write_text("enhet,navn,type,overordnet,gyldig_fra,gyldig_til,erstattet_av\n"
                 "1103,NAV Stavanger,kontor,1100,2006-07-01,2021-12-31,1141\n", encoding="utf-8")
    refused_unchanged(small_db, "enheter", f, "etterfølgerne går i ring: 1103 → 1141 → 1103", 2, "erstattet_av")


def test_successor_chain_without_a_ring_is_accepted(small_db: Path, tmp_path: Path):
    f = tmp_path / "kjede.csv"
    f.write_text("enhet,navn,type,overordnet,gyldig_fra,gyldig_til,erstattet_av\n"
                 "0391,NAV A,kontor,0300,2006-07-01,2015-12-31,0392\n"
                 "0392,NAV B,kontor,0300,2006-07-01,2019-12-31,0312\n", encoding="utf-8")
    assert ingest.import_file("enheter", f, db=small_db, today=TODAY).ok


@pytest.mark.parametrize("link", ["http://www.nav.no/x", "HTTP://www.nav.no/x"])
def test_plain_http_links_are_refused(small_db: Path, tmp_path: Path, link: str):
    f = tmp_path / "lenke.csv"
    f.write_text("indikator,navn,perspektiv,resultatkjede,rolle,maaleenhet,polaritet,aggregering,lenke\n"
                 f"K.NY,Ny,bruker,effekt,nøkkelinformasjon,prosent,hoy_er_bra,forholdstall,{link}\n", encoding="utf-8")
    refused_unchanged(small_db, "indikatorer", f, "lenker må begynne med https://", 2, "lenke")
