"""One definition of the `verdier` rules: the SQL checks (navdash.bulk) and the row model (schemas.ValueRow) give
the same verdict, the same columns and the same stored values for the same rows, and an import through either path
reports the same problems: for plain CSV (read by DuckDB), quoted CSV (read by the csv module) and Excel files with
typed cells (read by openpyxl)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from navdash import bulk, ingest, store
from navdash.schemas import IndicatorInfo, ValidationContext, ValueRow, row_errors
from tests.conftest import BAD, TODAY

RULES_TODAY = date(2026, 1, 1)
UNITS = {"0000": "Norge", "0312": "NAV Frogner", "0301": "NAV Oslo", "1103": "NAV Stavanger"}
INDICATORS = {  # id -> (measure, aggregation)
    "B.15": ("prosent", "forholdstall"), "B.20": ("antall", "forholdstall"), "B.16": ("antall", "sum"),
    "P.01": ("dager", "snitt_per_periode"), "O.01": ("kroner", "sum"), "M.02": ("prosent", "snitt_per_periode"),
}
CTX = ValidationContext(
    units=UNITS, indicators={i: IndicatorInfo(measure=m, aggregation=a, role="styringsparameter", name=i)
                             for i, (m, a) in INDICATORS.items()}, today=RULES_TODAY)

enhet = st.one_of(
    st.sampled_from(["0312", "312", " 0312 ", "0301", "1103", "0000", "0", "0314", "9999", "", "  ", "03x2", "12345",
                     "03 12", "abc", "0312.0", "'0312", "\t0301"]),
    st.text(alphabet="0123 x-", max_size=6))
indikator = st.one_of(
    st.sampled_from(["B.15", "b.15", " B.15 ", "B.16", "B.20", "P.01", "p.01", "O.01", "M.02", "B.51", "", "B15",
                     "Æ.1", "B.", "BB.123456789", "B.15.1", "1.15"]),
    st.text(alphabet="BbP.156æ ", max_size=7))
periode = st.one_of(
    st.sampled_from(["2021-03", "2021-3", "2021-13", "2021-00", "2021-T1", "2021T2", "2021 t3", "2021-T4", "2021",
                     "2021.0", "01.03.2021", "1.3.2021", "15.03.2021", "2021-03-01", "2021-03-01 00:00",
                     "2021-03-01T00:00:00", "2021-03-15", "2027-01", "1989-01", "1990-01", "2100", "2101",
                     "mars 2021", "", " 2021-03 ", "2021-02-30", "01.13.2021", "2025-12", "2026-01", "2026-02",
                     "2026-T1", "2026-T2", "2026", "2027", "32.01.2021", "2021-03-01 12:00", "\t2021-03",
                     "2021-03\t", " \t2021-T1 "]),
    st.text(alphabet="0126-.T ", max_size=10))
number = st.one_of(
    st.sampled_from(["", " ", "0", "12", "12,5", "12.5", "-3", "-0", "1 234", "1\u00a0234", "1.234", "1,234",
                     "1.234,5", "1,234.5", "82,4 %", "82,4%", "abc", "1e3", "1,5e2", "\u22124", "+4", "0,0", "100",
                     "100,5", "1.234.567", "1.234.567,8", ".5", ",5", "5.", "nan", "inf", "1e400", "0.123", "01,234",
                     "12%%", "'12", "1'234", "60", "70", "1,2,3", "1.2.3", "-1.234", "12 345 678", "1.2345",
                     "\t12", "12\t", " 12", "0012", "9" * 400, "12 %", "\u202f12", "%"]),
    st.integers(-50, 5000).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: repr(x)),
    st.floats(0, 200, allow_nan=False).map(lambda x: f"{x:.2f}".replace(".", ",")),
    st.text(alphabet="0123456789,.- %", max_size=8))
ANY_CELL = {"enhet": enhet, "indikator": indikator, "periode": periode, "teller": number, "nevner": number,
            "verdi": number}
small = st.integers(0, 4).map(str)  # small counts, so that teller = nevner, nevner = 0 and the like come up often


@st.composite
def value_row(draw) -> dict[str, str]:
    """A row shaped like a real one (the right cells for its indicator, boundary values near each other), with up
    to three cells replaced by anything the broad strategies above can make."""
    ind = draw(st.sampled_from(sorted(INDICATORS)))
    ratio = INDICATORS[ind][1] == "forholdstall"
    record = {"enhet": draw(st.sampled_from(["0312", "0301", "1103", "0000"])), "indikator": ind,
              "periode": draw(st.sampled_from(["2021-03", "2021-T2", "2021", "2025-12", "2026-01", "2026-02"])),
              "teller": draw(small) if ratio else "", "nevner": draw(small) if ratio else "",
              "verdi": "" if ratio else draw(st.one_of(small, st.sampled_from(["-1", "-0,5", "100", "100,5"])))}
    for column in draw(st.sets(st.sampled_from(bulk.FIELDS), max_size=3)):
        record[column] = draw(ANY_CELL[column])
    return record


rows = st.lists(value_row(), min_size=1, max_size=25)


@pytest.fixture(scope="module")
def rules_db():
    con = duckdb.connect()
    con.execute("CREATE TABLE units (unit_id VARCHAR)")
    con.executemany("INSERT INTO units VALUES (?)", [[u] for u in UNITS])
    con.execute("CREATE TABLE indicators (indicator_id VARCHAR, measure VARCHAR, aggregation VARCHAR)")
    con.executemany("INSERT INTO indicators VALUES (?, ?, ?)", [[i, m, a] for i, (m, a) in INDICATORS.items()])
    yield con
    con.close()


def model_verdict(record: dict[str, str]) -> tuple[list[str], tuple | None]:
    """The row model's columns with problems, and the stored tuple of a valid row."""
    try:
        item = ValueRow.model_validate(record, context=CTX)
    except ValidationError as exc:
        return [column for column, _message in row_errors(exc)], None
    return [], ingest.IMPORTS["verdier"].to_db(item)


def sql_verdicts(con: duckdb.DuckDBPyConnection, records: list[dict[str, str]]) -> list[tuple[list[str], tuple | None]]:
    con.execute("CREATE OR REPLACE TEMP TABLE src (_row BIGINT, c VARCHAR[])")
    con.executemany("INSERT INTO src VALUES (?, ?)",
                    [[i, [r[f] for f in bulk.FIELDS]] for i, r in enumerate(records)])
    cells = {f: f"c[{i + 1}]" for i, f in enumerate(bulk.FIELDS)}
    out = con.execute(
        f"""SELECT _fail, unit_id, indicator_id, period, period_kind, year, period_no, numerator, denominator, value
            FROM ({bulk.checked_rows_sql('src', cells)}) ORDER BY _row""", [RULES_TODAY]).fetchall()
    return [(list(fail), None if fail else tuple(values)) for fail, *values in out]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_sql_rules_and_row_model_agree(rules_db, records):
    expected = [model_verdict(r) for r in records]
    got = sql_verdicts(rules_db, records)
    for record, want, have in zip(records, expected, got, strict=True):
        assert have == want, record


def test_every_rule_is_exercised(rules_db):
    """The generated domain reaches every column and both verdicts (a guard against a generator gone narrow)."""
    records = [
        {"enhet": "0312", "indikator": "B.15", "periode": "2021-03", "teller": "70", "nevner": "60", "verdi": ""},
        {"enhet": "0312", "indikator": "B.16", "periode": "2021-03", "teller": "", "nevner": "", "verdi": "-1"},
        {"enhet": "0314", "indikator": "B.51", "periode": "2027-01", "teller": "", "nevner": "", "verdi": "1"},
        {"enhet": "x", "indikator": "B", "periode": "2021-13", "teller": "1,234", "nevner": "a", "verdi": "1e400"},
        {"enhet": "312", "indikator": "b.15", "periode": "01.03.2021", "teller": "1 234", "nevner": "1.234,5",
         "verdi": ""},
    ]
    got = sql_verdicts(rules_db, records)
    assert got == [model_verdict(r) for r in records]
    assert got[0][0] == ["teller"] and got[4][0] == [] and got[4][1][:3] == ("0312", "B.15", "2021-03")
    assert set(got[3][0]) == set(bulk.FIELDS)


REGISTERED = ingest.IMPORTS["verdier"]
assert REGISTERED.bulk is not None


def _import(db: Path, path: Path, use_sql: bool, monkeypatch) -> tuple[ingest.ImportReport, list[tuple]]:
    # the SQL path as the import registers it, or the row model alone
    spec = REGISTERED if use_sql else replace(REGISTERED, bulk=None)
    monkeypatch.setitem(ingest.IMPORTS, "verdier", spec)
    with store.writing(db, publish=False) as con:
        report = ingest.import_into(con, "verdier", path, today=TODAY)
        stored = con.execute("""SELECT * EXCLUDE (import_id) FROM "values" ORDER BY ALL""").fetchall()
    return report, stored


@pytest.mark.parametrize("name", [*sorted(p.name for p in BAD.glob("verdier_*.csv")), "planted"])
def test_sql_path_and_row_path_report_the_same(small_db: Path, tmp_path: Path, monkeypatch, name: str):
    if name == "planted":
        path = tmp_path / "planted.csv"
        path.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-07;41;60;\n\n"
                        "0313;B.15;2021-07;70;60;\n;;;;;\n0312;B.31;2021-07;;;1 234,5\n0312;B.31;2021-08;;;1,234\n"
                        "0312;B.15;2021-07;41;60;\n0312;B.15;2021-09;4;6;;\n0312;B.15;2021-10;4;6;;x\n"
                        f"0312;B.15;2021-11;{'4' * 10_001};6;\n0312;B.15;2021-12;4;6\n", encoding="utf-8")
    else:
        path = BAD / name
    row_path, _ = _import(small_db, path, False, monkeypatch)
    sql_path, _ = _import(small_db, path, True, monkeypatch)
    assert [str(p) for p in sql_path.problems] == [str(p) for p in row_path.problems]
    assert (sql_path.rows, sql_path.problem_count) == (row_path.rows, row_path.problem_count)


def test_sql_path_stages_the_same_values(small_db: Path, tmp_path: Path, monkeypatch):
    path = tmp_path / "ny.csv"
    path.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-07;41;60;\n"
                    "313;b.15;01.07.2021;30;50;\n0312;B.31;2021-T2;;;1 234,5\n0312;B.31;2021;;;82,4 %\n"
                    "0312;B.31;2021-08;;;1.234.567,5\n", encoding="utf-8")
    row_path, row_rows = _import(small_db, path, False, monkeypatch)
    sql_path, sql_rows = _import(small_db, path, True, monkeypatch)
    assert (row_path.ok, row_path.new) == (sql_path.ok, sql_path.new)
    assert row_path.ok and row_path.new == 5
    assert sql_rows == row_rows


def test_sql_path_is_taken_for_plain_files_only(tmp_path: Path):
    plain, quoted = tmp_path / "a.csv", tmp_path / "b.csv"
    plain.write_text("enhet,indikator\r\n0312,B.15\r\n", encoding="utf-8")
    quoted.write_text('enhet,indikator\n"0312",B.15\n', encoding="utf-8")
    assert bulk.csv_is_plain(plain, "utf-8-sig")
    assert not bulk.csv_is_plain(quoted, "utf-8-sig")
    assert not bulk.csv_is_plain(plain, "cp1252")
    (tmp_path / "c.csv").write_bytes(b"enhet,indikator\r0312,B.15\n")
    assert not bulk.csv_is_plain(tmp_path / "c.csv", "utf-8-sig")


# --- whole files through the import: quoted CSV and Excel, each through both paths -------------------------------

FILE_INDICATORS = {"B.15": True, "B.31": False, "S.AL": False}  # the small database's: id -> is a ratio
excel_unit = st.sampled_from([312, 313, 1103, 312.0, 312.5, 0, 99999, True])
excel_period = st.sampled_from([datetime(2021, 3, 1), datetime(2021, 3, 15), datetime(2021, 3, 1, 12, 0),
                                datetime(2027, 1, 1), datetime(1989, 1, 1), 2021, 2021.0, 202103, False])
excel_number = st.one_of(st.integers(-5, 500), st.floats(-1e3, 1e3, allow_nan=False),
                         st.sampled_from([0.1 + 0.2, 1e-7, 1.234, 1234.0, 1e16, 2 ** 60, True, False]))
EXCEL_CELL = {"enhet": excel_unit, "indikator": st.sampled_from([1.15, 15]), "periode": excel_period,
              "teller": excel_number, "nevner": excel_number, "verdi": excel_number}


@st.composite
def file_row(draw, typed: bool) -> list:
    """A row of the small database's units and indicators with up to three cells replaced: by any text (a line
    break inside a quoted cell now and then, so records and lines differ), or in Excel by a typed cell."""
    ind = draw(st.sampled_from(sorted(FILE_INDICATORS)))
    ratio = FILE_INDICATORS[ind]
    record: dict[str, object] = {
        "enhet": draw(st.sampled_from(["0312", "0313", "1103"])), "indikator": ind,
        "periode": draw(st.sampled_from(["2021-03", "2021-T2", "2021", "2026-11", "2026-12"])),
        "teller": draw(small) if ratio else "", "nevner": draw(small) if ratio else "",
        "verdi": "" if ratio else draw(st.one_of(small, st.sampled_from(["-1", "100", "100,5"])))}
    if typed and draw(st.booleans()):  # as Excel keeps a valid row: numbers as numbers, the unit without its zero
        record["enhet"] = int(str(record["enhet"]))
        for column in ("teller", "nevner"):
            record[column] = draw(st.sampled_from([int, float]))(record[column]) if record[column] else None
        record["verdi"] = None if ratio else draw(st.floats(0, 100))
    for column in draw(st.sets(st.sampled_from(bulk.FIELDS), max_size=3)):
        options = [ANY_CELL[column], st.just("03\n12")] + ([EXCEL_CELL[column], st.none()] if typed else [])
        record[column] = draw(st.one_of(*options))
    blank_row = draw(st.integers(0, 15)) == 0  # skipped and not counted, by both paths
    return [""] * len(bulk.FIELDS) if blank_row else [record[f] for f in bulk.FIELDS]


def _write_quoted(path: Path, records: list[list], quoting: int, sep: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep, quoting=quoting, lineterminator="\r\n")
        writer.writerow(bulk.FIELDS)
        writer.writerows(records)


def _write_xlsx(path: Path, records: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(bulk.FIELDS))
    for record in records:
        ws.append(record)
    wb.save(path)


def _same_import(db: Path, path: Path, monkeypatch) -> None:
    row_path, row_rows = _import(db, path, False, monkeypatch)
    sql_path, sql_rows = _import(db, path, True, monkeypatch)
    assert [str(p) for p in sql_path.problems] == [str(p) for p in row_path.problems]
    assert (sql_path.rows, sql_path.problem_count, sql_path.ok) == (row_path.rows, row_path.problem_count,
                                                                    row_path.ok)
    assert sql_rows == row_rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(file_row(False), min_size=1, max_size=12),
       st.sampled_from([csv.QUOTE_ALL, csv.QUOTE_MINIMAL, csv.QUOTE_NONNUMERIC]), st.sampled_from([";", ","]))
def test_quoted_csv_through_both_paths(small_db, tmp_path, monkeypatch, records, quoting, sep):
    path = tmp_path / "sitert.csv"
    _write_quoted(path, records, quoting, sep)
    assert not bulk.csv_is_plain(path, "utf-8-sig") or quoting == csv.QUOTE_MINIMAL
    _same_import(small_db, path, monkeypatch)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(file_row(True), min_size=1, max_size=12))
def test_excel_through_both_paths(small_db, tmp_path, monkeypatch, records):
    path = tmp_path / "verdier.xlsx"
    _write_xlsx(path, records)
    _same_import(small_db, path, monkeypatch)


def test_excel_cells_as_sql_reads_them():
    """Each typed cell becomes text SQL parses to the value the row model makes of it, or none (row model)."""
    assert bulk.cell_text(312) == "312" and bulk.cell_text(None) is None and bulk.cell_text("B.15") == "B.15"
    assert float(bulk.cell_text(0.1 + 0.2)) == 0.1 + 0.2
    assert bulk.cell_text(datetime(2021, 3, 1)) == "2021-03-01" == bulk.cell_text(date(2021, 3, 1))
    assert bulk.cell_text(True) is bulk.cell_text(datetime(2021, 3, 1, 12)) is bulk.cell_text(datetime.min.time())


def test_quoted_files_and_multiline_records_keep_the_file_row_numbers(small_db, tmp_path, monkeypatch):
    """A quoted cell with a line break makes one record of two lines: the row numbers are the reader's records,
    counted with the header as row 1, whichever path reads the file."""
    path = tmp_path / "flerlinje.csv"
    path.write_text('enhet;indikator;periode;teller;nevner;verdi\n"0312";"B.15";"2021-07";"41";"60";""\n'
                    '"03\n12";"B.15";"2021-07";"41";"60";""\n"0313";"B.15";"2021-07";"70";"60";""\n',
                    encoding="utf-8")
    report, _ = _import(small_db, path, True, monkeypatch)
    assert [(p.row, p.column) for p in report.problems] == [(3, "enhet"), (4, "teller")]
    _same_import(small_db, path, monkeypatch)
