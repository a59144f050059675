"""Import: file -> rows -> validation -> one atomic write, with a report a person can act on.

A file holds one kind (`enheter`, `indikatorer`, `verdier`, `resultatkrav`, `undersokelse`, `endringspunkter`).
It is read as a stream (CSV or XLSX), every row is validated by the Pydantic model of its kind, valid rows are
staged in chunks inside the writer's private copy of the database, and only when the whole file is clean is it
merged and published. Any problem anywhere means nothing is written. All problems are reported at once, in Norwegian,
with file, row (as a spreadsheet shows it: the header is row 1) and column.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import ValidationError

from navdash import bulk, disclosure, fmt, store, survey
from navdash.schemas import (
    KINDS,
    ChangePointRow,
    IndicatorRow,
    Kind,
    SurveyRow,
    TargetRow,
    UnitRow,
    ValidationContext,
    ValidationRuleRow,
    ValueRow,
    is_ambiguous_number,
    load_context,
    row_errors,
    to_code,
)
from navdash.text import spreadsheet_cell

CHUNK_ROWS = 50_000
MAX_LISTED_PROBLEMS = 1_000
# Limits that keep one file from holding the write lock for minutes or filling memory. A cell longer than this is
# an error (the longest real text, an indicator description, is a few hundred characters).
MAX_CELL_CHARS = 10_000
# Excel files are unpacked zip archives: their declared unpacked size and row count are checked before parsing, so
# a small file that unpacks to gigabytes (a zip bomb) is refused in a second. Larger data sets go as CSV.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_XLSX_ROWS = 500_000

# What people type in headers, after to_code(), mapped to the canonical column name.
_HEADER_ALIASES = {
    "ar": "aar", "referansear": "referanseaar", "maleenhet": "maaleenhet", "sporsmal": "sporsmal",
    "undersokelse": "undersokelse", "enhetsnummer": "enhet", "enhetsnr": "enhet", "indikator_id": "indikator",
    "mk_id": "indikator",
}


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class RuleWarning:
    """A validation rule of severity `advarsel` that the file's values break for one unit and period."""

    row: int | None  # the file's first row for the unit and period
    unit_id: str
    period: str
    left: str  # «B.32 + B.33»
    operator: str  # <=, <, =, >=, >
    right: str
    left_value: float
    right_value: float
    description: str | None

    @property
    def rule(self) -> str:
        """«B.32 + B.33 ≤ B.31»."""
        return f"{self.left} {RULE_SYMBOLS[self.operator]} {self.right}"


RULE_SYMBOLS = {"<=": "≤", "<": "<", "=": "=", ">=": "≥", ">": ">"}
MAX_RULE_WARNINGS = 50_000  # kept with their figures for the upload page's table and download


@dataclass
class ImportReport:
    file_name: str
    kind: str
    sha256: str = ""
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    dry_run: bool = False
    published: bool = False
    data_version: int | None = None
    import_id: int | None = None  # numbers the merged values (values.import_id) and the import log row
    nothing_changed: bool = False  # every row was already stored as it is: nothing published
    warnings: list[Problem] = field(default_factory=list)  # listed and logged; they do not refuse the file
    warning_count: int = 0  # all of them, also past those listed
    rule_warnings: list[RuleWarning] = field(default_factory=list)  # the rules' warnings with their figures

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(self.file_name, row, column, message))

    def warn(self, row: int | None, column: str | None, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_PROBLEMS:
            self.warnings.append(Problem(self.file_name, row, column, message))

    def summary(self) -> str:
        """One line, for the command line and the upload page."""
        if not self.ok:
            return (
                f"{self.file_name}: avvist, {_n(self.problem_count)} feil i {_n(self.rows)} rader. "
                "Ingenting er endret i databasen."
            )
        if self.nothing_changed:
            return (f"{self.file_name}: {_n(self.rows)} rader {KINDS[self.kind].label} kontrollert: ingen endringer "
                    f"({_n(self.unchanged)} uendret), så ingenting er publisert og dataversjonen er den samme.")
        verb = "kontrollert (tørrkjøring, ingenting lagret)" if self.dry_run else "importert"
        warned = (f" {_n(self.warning_count)} {'advarsel' if self.warning_count == 1 else 'advarsler'}."
                  if self.warning_count else "")
        return (
            f"{self.file_name}: {_n(self.rows)} rader {KINDS[self.kind].label} {verb}: "
            f"{_n(self.new)} nye, {_n(self.changed)} endret, {_n(self.unchanged)} uendret.{warned}"
        )

    def full_report(self) -> str:
        lines = [self.summary()]
        lines.extend(f"  {p}" for p in self.problems)
        hidden = self.problem_count - len(self.problems)
        if hidden > 0:
            lines.append(f"  … og {_n(hidden)} feil til (de første {_n(len(self.problems))} er vist).")
        lines.extend(f"  Advarsel: {p}" for p in self.warnings)
        if self.warning_count > len(self.warnings):
            lines.append(f"  … og {_n(self.warning_count - len(self.warnings))} advarsler til.")
        return "\n".join(lines)


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


class _Rejected(Exception):
    """Raised inside the writer so that its working copy is discarded."""


# ---------------------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------------------


class FileProblem(Exception):
    """The file as a whole cannot be read (empty, wrong format, not text)."""


class ReadProblem(Exception):
    """Reading stopped part-way through the file, at a known row (and, when known, a column by position)."""

    def __init__(self, row: int, column: int | None, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file was read: its encoding, separator and the lines up to and including the header."""

    encoding: str
    sep: str
    header_lines: int


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (spreadsheet row number, cells)
    fmt: str
    csv: CsvLayout | None = None  # None: not a CSV file


def _detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as UTF-8, else Windows-1252 (Excel's Norwegian CSV).

    A file whose lines mix the two (one pasted from a UTF-8 source into an ANSI file) is refused: read either way,
    some names would be stored garbled («NAV BÃ¦rum»).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            _refuse_mixed_encoding(path)
            return "cp1252"
    return "utf-8-sig"


def _refuse_mixed_encoding(path: Path) -> None:
    utf8_line = ansi_line = 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                ansi_line = ansi_line or number
            else:
                utf8_line = utf8_line or number
            if utf8_line and ansi_line:
                raise FileProblem(
                    f"filen blander tegnkodinger: linje {utf8_line} er UTF-8, men linje {ansi_line} er Windows-1252 "
                    "(ANSI), så æ, ø og å ville blitt lagret feil; lagre hele filen på nytt som UTF-8"
                )


def _sniff_separator(first_line: str) -> str:
    counts = {sep: _count_outside_quotes(first_line, sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, sep: str) -> int:
    inside = False
    n = 0
    for ch in line:
        if ch == '"':
            inside = not inside
        elif ch == sep and not inside:
            n += 1
    return n


def open_table(path: Path, file_name: str) -> Table:
    """Open a CSV or XLSX file as a header and a stream of rows. Raises FileProblem for a file that is not one."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("filen er tom")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    is_zip = head.startswith(b"PK\x03\x04")
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if not is_zip:
            raise FileProblem(
                f"filen heter «{file_name}», men er ikke en Excel-fil (xlsx); lagre den som xlsx eller gi den "
                "endelsen .csv hvis den er en CSV-fil"
            )
        _check_xlsx_size(path)
        return _open_xlsx(path)
    if suffix == ".xls":
        raise FileProblem("gamle Excel-filer (.xls) støttes ikke; lagre filen som .xlsx eller CSV")
    if is_zip:
        raise FileProblem(
            f"filen heter «{file_name}», men innholdet er en Excel-fil (xlsx), ikke CSV; gi den endelsen .xlsx"
        )
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise FileProblem("filen er ikke en tekstfil (CSV); eksporter den som CSV eller xlsx")
    return _open_csv(path)


def _open_csv(path: Path) -> Table:
    encoding = _detect_encoding(path)
    text = io.TextIOWrapper(open(path, "rb"), encoding=encoding, newline="")
    header_lines = 1
    first = text.readline()
    while first and not first.strip():
        first = text.readline()
        header_lines += 1
    if not first.strip():
        text.close()
        raise FileProblem("filen er tom")
    sep = _sniff_separator(first)
    try:
        header = next(csv.reader([first], delimiter=sep))
    except csv.Error:
        text.close()
        raise FileProblem("overskriftsraden kan ikke leses som CSV") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        row_no, lines_done = 1, 0
        try:
            reader = csv.reader(text, delimiter=sep, strict=True)  # no silent repair of broken quoting
            for cells in reader:
                row_no += 1
                yield row_no, cells
                lines_done = reader.line_num
        except csv.Error as exc:
            column, message = _explain_csv_error(path, encoding, sep, header_lines + lines_done + 1, exc)
            raise ReadProblem(row_no + 1, column, message) from None
        finally:
            text.close()

    return Table(header, rows(), f"CSV ({'semikolon' if sep == ';' else 'komma' if sep == ',' else 'tab'})",
                 CsvLayout(encoding, sep, header_lines))


def _explain_csv_error(path: Path, encoding: str, sep: str, line: int, exc: csv.Error) -> tuple[int | None, str]:
    """Which cell of the record starting at physical `line` broke the CSV reader, and why, in Norwegian."""
    if "NUL" in str(exc):
        return None, "raden inneholder NUL-tegn; filen er ikke ren tekst (eksporter den som CSV på nytt)"
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        for _ in range(line - 1):
            if not fh.readline():
                break
        record = fh.read(csv.field_size_limit() + 2 * MAX_CELL_CHARS)
    column, problem = _scan_record(record, sep)
    if problem == "unclosed":
        return column, ("cellen begynner med et anførselstegn (\") som aldri lukkes, så resten av filen ble lest som "
                        "én celle; lukk anførselstegnet eller fjern det")
    if problem == "long":
        return column, f"cellen er lengre enn {_n(MAX_CELL_CHARS)} tegn, som er det meste en celle kan ha"
    if problem == "after_quote":
        return column, ("tekst etter et avsluttende anførselstegn; en celle i anførselstegn må slutte rett etter "
                        "det siste anførselstegnet (skriv \"\" for et anførselstegn inne i teksten)")
    return None, "raden kan ikke leses som CSV (feil bruk av anførselstegn?)"


def _scan_record(record: str, sep: str) -> tuple[int, str | None]:
    """Walk one CSV record as the csv module does (quotes open a cell only at its start, `""` is a quote) and say
    where it goes wrong: a quote never closed, a cell over MAX_CELL_CHARS, or text after a closing quote."""
    column, inside, closed, length, quote_at = 0, False, False, 0, 0
    n = len(record)
    i = 0
    while i < n:
        ch = record[i]
        if inside:
            if ch == '"':
                if i + 1 < n and record[i + 1] == '"':
                    i += 1
                else:
                    inside, closed = False, True
            length += 1
        elif ch == sep:
            column, length, closed = column + 1, 0, False
        elif ch in "\r\n":
            return column, None
        elif closed:
            return column, "after_quote"
        elif ch == '"' and length == 0:
            inside, quote_at = True, i
        else:
            length += 1
        if length > MAX_CELL_CHARS:
            break
        i += 1
    if inside and (i >= n or "\n" in record[quote_at:i] or "\r" in record[quote_at:i]):
        return column, "unclosed"
    return column, "long" if length > MAX_CELL_CHARS else None


def _check_xlsx_size(path: Path) -> None:
    """Refuse an Excel file that would unpack to too much, before any XML is parsed."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_XLSX_UNPACKED_BYTES:
                raise FileProblem(
                    f"Excel-filen pakkes ut til {_mb(unpacked)}; høyst {_mb(MAX_XLSX_UNPACKED_BYTES)} er tillatt. "
                    "Send store datasett som CSV"
                )
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    rows = _count_xml_rows(zf, info, MAX_XLSX_ROWS)
                    if rows > MAX_XLSX_ROWS:
                        raise FileProblem(
                            f"Excel-filen har mer enn {_n(MAX_XLSX_ROWS)} rader i ett ark, som er det meste som kan "
                            "lastes opp som Excel. Send store datasett som CSV"
                        )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        raise FileProblem("Excel-filen er skadet og kan ikke leses; lagre den på nytt i Excel") from None


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _count_xml_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, stop_after: int) -> int:
    """Count `<row` elements in a sheet by streaming its XML (never more than its declared size is unpacked)."""
    count, carry = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = carry + chunk
            count += len(_ROW_TAG.findall(data))
            carry = data[-32:]
            count -= len(_ROW_TAG.findall(carry))  # counted again with the next chunk
            if count > stop_after:
                break
    return count + len(_ROW_TAG.findall(carry))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB".replace(",", "\u00a0")


def _open_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, zlib.error, SyntaxError) as exc:
        raise FileProblem(f"Excel-filen kan ikke leses ({exc.__class__.__name__})") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header_row: tuple[Any, ...] | None = None
        header_at = 0
        for number, values in enumerate(it, start=1):
            if any(v not in (None, "") for v in values):
                header_row, header_at = values, number
                break
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, zlib.error, SyntaxError, IndexError) as exc:
        wb.close()
        raise FileProblem(f"Excel-filen kan ikke leses ({exc.__class__.__name__})") from None
    if header_row is None:
        wb.close()
        raise FileProblem("filen er tom (første ark har ingen rader)")
    width = max(i for i, v in enumerate(header_row) if v not in (None, "")) + 1
    header = ["" if v is None else str(v) for v in header_row[:width]]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        i = header_at
        try:
            for i, values in enumerate(it, start=header_at + 1):
                yield i, list(values[:width])
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, zlib.error, SyntaxError) as exc:
            raise ReadProblem(i + 1, None, f"Excel-filen er skadet og kan ikke leses videre ({exc.__class__.__name__})"
                              ) from None
        finally:
            wb.close()

    return Table(header, rows(), "Excel (xlsx)")


def normalise_header(name: str) -> str:
    code = to_code(str(name).replace("\ufeff", ""))
    return _HEADER_ALIASES.get(code, code)


def _guess_kind(columns: set[str]) -> str | None:
    best, score = None, 0.0
    for kind in KINDS.values():
        overlap = len(columns & set(kind.columns)) / len(set(kind.columns) | columns)
        if overlap > score:
            best, score = kind.name, overlap
    return best if score >= 0.5 else None


def check_header(kind: Kind, header: list[str], report: ImportReport) -> list[str] | None:
    """Canonical column names in file order, or None (with problems reported) when the header is wrong."""
    columns = [normalise_header(h) for h in header]
    expected = ", ".join(kind.columns)
    ok = True
    seen: set[str] = set()
    for i, col in enumerate(columns):
        if not col:
            if any(columns[i + 1:]):
                report.add(1, None, f"kolonne nummer {i + 1} mangler navn; forventet kolonner: {expected}")
                ok = False
            continue
        if col in seen:
            report.add(1, col, f"kolonnen «{col}» står to ganger")
            ok = False
        seen.add(col)
    present = {c for c in columns if c}
    guessed = _guess_kind(present)
    if guessed and guessed != kind.name and not set(kind.required) <= present:
        report.add(
            1, None,
            f"filen ser ut til å inneholde {KINDS[guessed].label} («{guessed}»), ikke {kind.label} "
            f"(«{kind.name}»); velg riktig type eller riktig fil",
        )
        return None
    for col in kind.required:
        if col not in present:
            report.add(1, col, f"kolonnen «{col}» mangler; forventet kolonner: {expected}")
            ok = False
    for col in columns:
        if col and col not in kind.columns:
            close = difflib.get_close_matches(col, kind.columns, n=1, cutoff=0.6)
            hint = f"; mente du «{close[0]}»?" if close else ""
            report.add(1, col, f"ukjent kolonne «{col}»{hint} Forventet kolonner: {expected}")
            ok = False
    return columns if ok else None


# ---------------------------------------------------------------------------------------------------------
# The kinds: everything the import needs to know about one kind, in one entry
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindImport:
    """One kind of file and where it goes. A new kind is its row model (navdash.schemas) plus one entry here.

    `kind` describes the file (model, columns, key, required columns, label); the rest the table it is merged
    into: database columns in insert order with their Arrow types, the key, the columns compared to tell a changed
    row from an unchanged one, how a validated row becomes a database tuple, and the checks that need the whole
    file and the database (references, rings, closed survey rounds).
    """

    kind: Kind
    table: str
    columns: tuple[str, ...]  # database columns, in insert order
    key: tuple[str, ...]
    compare: tuple[str, ...]  # the merge rule: a row with the same key and the same values here is unchanged
    to_db: Callable[[Any], tuple[Any, ...]]
    types: tuple[pa.DataType, ...]
    check_references: Callable[[duckdb.DuckDBPyConnection, str, ImportReport], None] | None = None
    stamps_import: bool = False  # each stored row remembers the import it came from (import_id)
    export_columns: tuple[str, ...] | None = None  # SQL expressions in file column order; None: `columns`
    export_order: tuple[str, ...] | None = None  # None: `key`
    # A set-based validator: checks every row of a file in SQL and sends only the rows that need it through the
    # row model (navdash.bulk); raises ReadProblem as the reader did. None: every row goes through the row model.
    bulk: Callable[..., Any] | None = None

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def staging(self) -> str:
        return f"staging_{self.kind.name}"


_PERIOD_DB: dict[Any, tuple[Any, ...]] = {}


def _value_db(r: ValueRow) -> tuple[Any, ...]:
    p = r.periode
    parts = _PERIOD_DB.get(p)
    if parts is None:
        parts = _PERIOD_DB[p] = (p.key, p.kind, p.year, p.number)
    return (r.enhet, r.indikator, *parts, r.teller, r.nevner, r.verdi)


def _unit_db(r: UnitRow) -> tuple[Any, ...]:
    return (r.enhet, r.navn, r.type, r.overordnet, r.sammenligningsgruppe, r.ansatte, r.gyldig_fra, r.gyldig_til,
            r.erstattet_av, r.storrelse, r.brukersammensetning, r.sentralitet)


def _indicator_db(r: IndicatorRow) -> tuple[Any, ...]:
    return (r.indikator, r.navn, r.beskrivelse, r.perspektiv, r.resultatkjede, r.rolle, r.maaleenhet, r.polaritet,
            r.aggregering, r.kilde, r.lenke, bool(r.lokal), r.personal, r.sesong)


def _target_db(r: TargetRow) -> tuple[Any, ...]:
    absolute = True if r.absolutt is None else r.absolutt
    return (r.indikator, r.enhet, r.aar, r.kravtype, r.terskel, r.referanseaar, r.fastsatt_av, absolute, r.tekst)


def _change_point_db(r: ChangePointRow) -> tuple[Any, ...]:
    return (r.indikator, r.enhet or "", r.periode.key, r.begrunnelse)


def _survey_db(r: SurveyRow) -> tuple[Any, ...]:
    return (r.undersokelse, r.runde, r.enhet, r.gruppe, r.sporsmal, r.tema, r.svaralternativ, r.antall)


def _check_unit_references(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    known = f"(SELECT unit_id FROM {staging} UNION SELECT unit_id FROM units)"
    for col, what in (("parent_id", "overordnet"), ("replaced_by", "erstattet_av")):
        for row, ref in con.execute(
            f"SELECT _row, {col} FROM {staging} WHERE {col} IS NOT NULL AND {col} NOT IN {known} ORDER BY _row"
        ).fetchall():
            report.add(row, what, f"ukjent enhet «{ref}»; den må finnes i databasen eller i samme fil")
    _check_cycles(con, staging, report)


def _check_value_references(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    """A value may not belong to a period after its unit was closed."""
    rows = con.execute(
        f"""SELECT s._row, s.unit_id, s.period, u.valid_to, u.replaced_by FROM {staging} s
            JOIN units u USING (unit_id)
            WHERE u.valid_to IS NOT NULL AND make_date(s.year, CASE s.period_kind WHEN 'M' THEN s.period_no
                  WHEN 'T' THEN (s.period_no - 1) * 4 + 1 ELSE 1 END, 1) > u.valid_to
            ORDER BY s._row LIMIT {MAX_LISTED_PROBLEMS}"""
    ).fetchall()
    for row, unit, period, valid_to, replaced_by in rows:
        successor = f"; tallene hører til {replaced_by}" if replaced_by else ""
        report.add(row, "periode", f"enhet {unit} var nedlagt fra {valid_to:%d.%m.%Y}, før {period}{successor}")


_RULE_WORDS = {"<=": "mindre enn eller lik", "<": "mindre enn", "=": "lik", ">=": "større enn eller lik",
               ">": "større enn"}


def _check_values(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    _check_value_references(con, staging, report)
    _check_rules(con, staging, report)


def _check_rules(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    """The validation rules between indicators, per unit and period the file touches, on the values as they will be
    after the merge (the file's rows over the stored ones). A ratio counts as its share (teller / nevner, in percent
    for a percentage); a rule is checked where every indicator on both sides has a value. `feil` refuses the file,
    `advarsel` is listed in the report and the import log."""
    if not con.execute("SELECT count(*) FROM validation_rules").fetchone()[0]:
        return
    broken = con.execute(
        f"""WITH touched AS (SELECT DISTINCT unit_id, period FROM {staging}),
            vals AS (
                SELECT unit_id, indicator_id, period, numerator, denominator, value, _row FROM {staging}
                UNION ALL
                SELECT v.unit_id, v.indicator_id, v.period, v.numerator, v.denominator, v.value, NULL
                FROM "values" v JOIN touched t ON t.unit_id = v.unit_id AND t.period = v.period
                WHERE NOT EXISTS (SELECT 1 FROM {staging} s WHERE s.unit_id = v.unit_id
                                  AND s.indicator_id = v.indicator_id AND s.period = v.period)
            ), num AS (
                SELECT vals.unit_id, vals.indicator_id, vals.period, vals._row,
                       CASE WHEN i.aggregation <> 'forholdstall' THEN vals.value
                            WHEN vals.denominator > 0 THEN vals.numerator / vals.denominator
                                 * CASE WHEN i.measure = 'prosent' THEN 100 ELSE 1 END END AS x
                FROM vals JOIN indicators i USING (indicator_id)
            ), rules AS (
                SELECT left_side, operator, right_side, severity, description,
                       string_split(left_side, ' + ') AS l, string_split(right_side, ' + ') AS r
                FROM validation_rules
            ), sides AS (
                SELECT r.left_side, r.operator, r.right_side, r.severity, r.description, n.unit_id, n.period,
                       len(r.l) AS l_terms, len(r.r) AS r_terms,
                       sum(n.x) FILTER (WHERE list_contains(r.l, n.indicator_id)) AS lv,
                       count(n.x) FILTER (WHERE list_contains(r.l, n.indicator_id)) AS l_found,
                       sum(n.x) FILTER (WHERE list_contains(r.r, n.indicator_id)) AS rv,
                       count(n.x) FILTER (WHERE list_contains(r.r, n.indicator_id)) AS r_found,
                       min(n._row) AS first_row
                FROM rules r JOIN num n ON list_contains(r.l, n.indicator_id) OR list_contains(r.r, n.indicator_id)
                GROUP BY ALL
            )
            SELECT first_row, unit_id, period, left_side, operator, right_side, severity, description, lv, rv
            FROM sides
            WHERE first_row IS NOT NULL AND l_found = l_terms AND r_found = r_terms
              AND NOT CASE operator WHEN '<=' THEN lv <= rv + 1e-9 WHEN '<' THEN lv < rv
                                    WHEN '=' THEN abs(lv - rv) <= 1e-9 * greatest(1, abs(lv), abs(rv))
                                    WHEN '>=' THEN lv + 1e-9 >= rv ELSE lv > rv END
            ORDER BY first_row, left_side, operator, right_side"""
    ).fetchall()
    for row, unit, period, left, op, right, severity, description, lv, rv in broken:
        message = (f"enhet {unit}, periode {period}: {left} er {rule_number(lv)} og {right} er "
                   f"{rule_number(rv)}, men {left} skal være {_RULE_WORDS[op]} {right}"
                   + (f" ({description})" if description else ""))
        if severity == "feil":
            report.add(row, None, message)
        else:
            report.warn(row, None, message)
            if len(report.rule_warnings) < MAX_RULE_WARNINGS:
                report.rule_warnings.append(RuleWarning(row, unit, period, left, op, right, lv, rv, description))


def rule_number(x: float) -> str:
    """A side of a rule as the messages write it: whole, or with one decimal (Norwegian format)."""
    return fmt.number(x, 0 if float(x).is_integer() else 1)


def _rule_db(r: ValidationRuleRow) -> tuple[Any, ...]:
    return (" + ".join(r.venstre), r.operator, " + ".join(r.hoyre), r.alvorlighet, r.beskrivelse)


def _check_indicator_references(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    """Targets only on styringsparametere; a ratio stays a ratio once values are stored for it."""
    rows = con.execute(
        f"""SELECT s._row, s.indicator_id, s.role FROM {staging} s
            WHERE s.role <> 'styringsparameter'
              AND s.indicator_id IN (SELECT indicator_id FROM targets) ORDER BY s._row"""
    ).fetchall()
    for row, ind, _role in rows:
        report.add(row, "rolle", f"{ind} har resultatkrav; bare styringsparametere kan ha det. Fjern kravene først")
    rows = con.execute(
        f"""SELECT s._row, s.indicator_id, i.aggregation, s.aggregation FROM {staging} s
            JOIN indicators i USING (indicator_id)
            WHERE (i.aggregation = 'forholdstall') <> (s.aggregation = 'forholdstall')
              AND s.indicator_id IN (SELECT DISTINCT indicator_id FROM "values") ORDER BY s._row"""
    ).fetchall()
    for row, ind, old, new in rows:
        report.add(row, "aggregering", f"{ind} har lagrede verdier som {old}; kan ikke endres til {new}")


def _check_survey(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    """Only survey shapes whose disclosure control holds are accepted, a closed round stays as it was, and a new
    survey's threshold is fixed in the same write (navdash.survey explains why)."""
    rows = con.execute(f"SELECT survey, round, unit_id, grp, question, theme, answer, count, _row FROM {staging}").df()
    names = sorted(rows["survey"].unique().tolist())
    stored = con.execute(
        """SELECT survey, round, unit_id, grp, question, theme, answer, count FROM survey_counts
           WHERE survey IN (SELECT unnest(?))""", [names]).df()
    units = con.execute("SELECT unit_id, name, type, parent_id FROM units").df()
    for problem in survey.import_problems(rows, stored, units):
        report.add(problem.row, problem.column, problem.message)
    if report.ok:
        try:
            survey.fix_thresholds(con, names)
        except ValueError as exc:
            report.add(None, None, str(exc))


def _check_cycles(con: duckdb.DuckDBPyConnection, staging: str, report: ImportReport) -> None:
    """The tree (overordnet) and the chain of successors (erstattet_av) must both end somewhere."""
    rows = {u: r for u, r in con.execute(f"SELECT unit_id, _row FROM {staging}").fetchall()}
    for column, db_column, message in (
        ("overordnet", "parent_id", "enhetstreet går i ring gjennom {unit}"),
        ("erstattet_av", "replaced_by", "etterfølgerne går i ring: {path}; en sammenslått enhet kan ikke "
                                        "erstatte en enhet som erstatter den"),
    ):
        links = dict(con.execute(f"SELECT unit_id, {db_column} FROM units").fetchall())
        links.update(dict(con.execute(f"SELECT unit_id, {db_column} FROM {staging}").fetchall()))
        for unit, row in rows.items():
            path = [unit]
            current = links.get(unit)
            while current is not None:
                if current in path:
                    ring = " → ".join([*path[path.index(current):], current])
                    report.add(row, column, message.format(unit=unit, path=ring))
                    break
                path.append(current)
                current = links.get(current)


S, I16, I8, F, D, B, I32 = pa.string(), pa.int16(), pa.int8(), pa.float64(), pa.date32(), pa.bool_(), pa.int32()

_INDICATOR_COLUMNS = ("indicator_id", "name", "description", "perspective", "chain_step", "role", "measure",
                      "polarity", "aggregation", "source", "link", "local", "personal", "season")

IMPORTS: dict[str, KindImport] = {
    "verdier": KindImport(
        KINDS["verdier"], '"values"',
        ("unit_id", "indicator_id", "period", "period_kind", "year", "period_no", "numerator", "denominator", "value"),
        ("unit_id", "indicator_id", "period"), ("numerator", "denominator", "value"), _value_db,
        (S, S, S, S, I16, I8, F, F, F),
        check_references=_check_values, stamps_import=True,
        export_columns=("unit_id", "indicator_id", "period", "numerator", "denominator", "value"),
        export_order=("unit_id", "indicator_id", "year", "period_kind", "period_no"),
        bulk=lambda con, path, table, check: bulk.validate_values(
            con, path, table, check, max_cell_chars=MAX_CELL_CHARS, staging=Staging),
    ),
    "enheter": KindImport(
        KINDS["enheter"], "units",
        ("unit_id", "name", "type", "parent_id", "comparison_group", "employees", "valid_from", "valid_to",
         "replaced_by", "size_class", "user_mix", "centrality"),
        ("unit_id",),
        ("name", "type", "parent_id", "comparison_group", "employees", "valid_from", "valid_to", "replaced_by",
         "size_class", "user_mix", "centrality"),
        _unit_db, (S, S, S, S, S, I32, D, D, S, S, S, S),
        check_references=_check_unit_references,
        # parents before children, so the export imports into an empty database
        export_order=("CASE type WHEN 'land' THEN 0 WHEN 'fylke' THEN 1 ELSE 2 END", "unit_id"),
    ),
    "indikatorer": KindImport(
        KINDS["indikatorer"], "indicators", _INDICATOR_COLUMNS, ("indicator_id",), _INDICATOR_COLUMNS[1:],
        _indicator_db, (S,) * 11 + (B, B, S),
        check_references=_check_indicator_references,
        export_columns=(*_INDICATOR_COLUMNS[:-3], "CASE WHEN local THEN 'ja' ELSE 'nei' END",
                        "CASE WHEN personal THEN 'ja' ELSE 'nei' END", "coalesce(season, 'auto')"),
    ),
    "resultatkrav": KindImport(
        KINDS["resultatkrav"], "targets",
        ("indicator_id", "unit_id", "year", "kind", "threshold", "reference_year", "set_by", "absolute", "text"),
        ("indicator_id", "unit_id", "year"),
        ("kind", "threshold", "reference_year", "set_by", "absolute", "text"),
        _target_db, (S, S, I16, S, F, I16, S, B, S),
        export_columns=("indicator_id", "unit_id", "year", "kind", "threshold", "reference_year", "set_by",
                        "CASE WHEN absolute THEN 'ja' ELSE 'nei' END", "text"),
    ),
    "undersokelse": KindImport(
        KINDS["undersokelse"], "survey_counts",
        ("survey", "round", "unit_id", "grp", "question", "theme", "answer", "count"),
        ("survey", "round", "unit_id", "grp", "question", "answer"), ("theme", "count"), _survey_db,
        (S, S, S, S, S, S, S, I32),
        check_references=_check_survey,
    ),
    "endringspunkter": KindImport(
        KINDS["endringspunkter"], "change_points", ("indicator_id", "unit_id", "period", "reason"),
        ("indicator_id", "unit_id", "period"), ("reason",), _change_point_db, (S, S, S, S),
    ),
    "valideringsregler": KindImport(
        KINDS["valideringsregler"], "validation_rules",
        ("left_side", "operator", "right_side", "severity", "description"), ("left_side", "operator", "right_side"),
        ("severity", "description"), _rule_db, (S, S, S, S, S),
    ),
}
assert IMPORTS.keys() == KINDS.keys(), "every kind of file needs its entry in IMPORTS"


def kind_import(kind_name: str) -> KindImport:
    if kind_name not in IMPORTS:
        raise ValueError(f"ukjent type «{kind_name}»; bruk en av: {', '.join(IMPORTS)}")
    return IMPORTS[kind_name]


# ---------------------------------------------------------------------------------------------------------
# The import, step by step: read -> check header -> validate rows -> check keys and references -> merge;
# `import_file` publishes.
# ---------------------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Scope:
    """What one upload may touch (a leader's own unit, the office's local indicators); None: anything."""

    units: set[str] | None = None
    indicators: set[str] | None = None

    def problem(self, item: Any) -> tuple[str, str] | None:
        if self.units is not None and getattr(item, "enhet", None) not in self.units:
            return "enhet", f"du kan bare laste opp tall for din egen enhet, ikke {item.enhet}"
        if self.indicators is not None and getattr(item, "indikator", None) not in self.indicators:
            return "indikator", f"{item.indikator} er ikke en lokal indikator du kan laste opp"
        return None


def import_into(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    path: Path,
    *,
    file_name: str | None = None,
    who: str = "ukjent",
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    allowed_units: set[str] | None = None,
    allowed_indicators: set[str] | None = None,
) -> ImportReport:
    """Validate `path` and, if it is clean, merge it into the open (working-copy) connection.

    The caller owns the transaction boundary: this function leaves the connection unchanged when the report has
    problems. `allowed_units` / `allowed_indicators` restrict what the file may touch (a leader's upload).
    """
    path = Path(path)
    spec = kind_import(kind_name)
    report = ImportReport(file_name=file_name or path.name, kind=kind_name, sha256=sha256_of(path))
    table = read(path, report)
    if table is None:
        return report
    columns = check_header(spec.kind, table.header, report)
    if columns is None:
        return report
    rows = RowCheck(spec, columns, load_context(con, today), report, Scope(allowed_units, allowed_indicators))
    validate_rows(con, spec, path, table, rows, progress)
    if report.ok:
        check_keys_and_references(con, spec, report)
    if report.ok:
        merge(con, spec, report)
    return report


def read(path: Path, report: ImportReport) -> Table | None:
    """Step 1: open the file as a header and a stream of rows; a file that is not a table is reported."""
    try:
        return open_table(path, report.file_name)
    except FileProblem as exc:
        report.add(None, None, str(exc))
        return None


class RowCheck:
    """Step 3 for one row: blank rows skipped, cell limits, the row model, the upload's scope.

    Called with (spreadsheet row number, cells); returns the row's database tuple, or None for a blank row and for
    a row with problems (reported).
    """

    def __init__(self, spec: KindImport, columns: list[str], ctx: ValidationContext, report: ImportReport,
                 scope: Scope):
        self.spec, self.columns, self.ctx, self.report, self.scope = spec, columns, ctx, report, scope
        self.width = len(columns)
        self.names = [c for c in columns if c]
        self.full_row = len(self.names) == self.width  # every column named: a row is dict(zip(names, cells))

    def __call__(self, row_no: int, cells: list[Any], all_text: bool = False) -> tuple[Any, ...] | None:
        report = self.report
        first = cells[0] if cells else None
        if not (type(first) is str and first.strip()) and not any(
                c not in (None, "") and (not isinstance(c, str) or c.strip()) for c in cells):
            return None  # blank line, as Excel leaves at the end
        report.rows += 1
        if (max(map(len, cells)) if all_text else _longest(cells)) > MAX_CELL_CHARS:
            _report_long_cells(report, row_no, cells, self.columns)
            return None
        n, width = len(cells), self.width
        if n > width and any(str(c).strip() for c in cells[width:] if c is not None):
            report.add(row_no, None, f"raden har {len(cells)} celler, men overskriften har {width} kolonner")
            return None
        if self.full_row and n >= width:
            record = dict(zip(self.names, cells, strict=False))  # trailing empty cells beyond the header are ignored
        else:
            record = {col: (cells[i] if i < n else None) for i, col in enumerate(self.columns) if col}
        try:
            item = self.spec.kind.model.model_validate(record, context=self.ctx)
        except ValidationError as exc:
            for column, message in row_errors(exc):
                report.add(row_no, column or None, message)
            return None
        outside = self.scope.problem(item)
        if outside is not None:
            report.add(row_no, *outside)
            return None
        return self.spec.to_db(item)


class Staging:
    """The validated rows of one file, in a temporary table of the working copy, appended in Arrow chunks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spec: KindImport, create: bool = True):
        self.con, self.spec = con, spec
        if create:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {spec.staging} AS SELECT {', '.join(spec.columns)}, "
                        f"0::BIGINT AS _row FROM {spec.table} LIMIT 0")
        self.schema = pa.schema([(c, t) for c, t in zip(spec.columns, spec.types, strict=True)]
                                + [("_row", pa.int64())])
        self.buffer: list[list[Any]] = [[] for _ in self.schema.types]
        self.appends = [b.append for b in self.buffer]

    def add(self, values: tuple[Any, ...], row_no: int) -> bool:
        """Buffer one row; True when a chunk was written."""
        for append, v in zip(self.appends, (*values, row_no), strict=True):
            append(v)
        if len(self.buffer[0]) >= CHUNK_ROWS:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        if not self.buffer[0]:
            return
        batch = pa.Table.from_arrays(
            [pa.array(a, type=t) for a, t in zip(self.buffer, self.schema.types, strict=True)], schema=self.schema)
        self.con.register("_chunk", batch)
        self.con.execute(f"INSERT INTO {self.spec.staging} ({', '.join(self.schema.names)}) SELECT * FROM _chunk")
        self.con.unregister("_chunk")
        for b in self.buffer:
            b.clear()


def validate_rows(con: duckdb.DuckDBPyConnection, spec: KindImport, path: Path, table: Table, check: RowCheck,
                  progress: Callable[[int], None] | None = None) -> None:
    """Step 3: every row checked by its kind's rules; while the file is clean, valid rows are staged.

    A file of a kind with a set-based validator is checked in SQL, and only the rows that SQL cannot pass go through
    the row model (which words the messages); every other kind is checked row by row."""
    report = check.report
    if spec.bulk is not None:
        try:
            spec.bulk(con, path, table, check)
        except ReadProblem as exc:
            _report_read_problem(check, exc)
        if progress:
            progress(report.rows)
    else:
        _validate_row_by_row(con, spec, table, check, progress)
    if report.rows == 0 and report.ok:
        report.add(None, None, "filen har overskrift, men ingen rader med data")


def _validate_row_by_row(con: duckdb.DuckDBPyConnection, spec: KindImport, table: Table, check: RowCheck,
                         progress: Callable[[int], None] | None) -> None:
    report = check.report
    staging = Staging(con, spec)
    all_text = table.csv is not None  # every cell a str, so the longest cell is max(map(len, cells))
    try:
        for row_no, cells in table.rows:
            values = check(row_no, cells, all_text)
            if values is not None and report.problem_count == 0:  # once refused, keep validating but stop staging
                if staging.add(values, row_no) and progress:
                    progress(report.rows)
    except ReadProblem as exc:
        _report_read_problem(check, exc)
    staging.flush()


def _report_read_problem(check: RowCheck, exc: ReadProblem) -> None:
    """Reading stopped at a row: that row is counted and reported, with its column when the reader knows it."""
    check.report.rows += 1
    column = check.columns[exc.column] if exc.column is not None and exc.column < check.width else None
    check.report.add(exc.row, column or None, exc.message)


def _longest(cells: list[Any]) -> int:
    return max((len(c) for c in cells if type(c) is str), default=0)


def _report_long_cells(report: ImportReport, row_no: int, cells: list[Any], columns: list[str]) -> None:
    for i, cell in enumerate(cells):
        if type(cell) is str and len(cell) > MAX_CELL_CHARS:
            column = columns[i] if i < len(columns) and columns[i] else None
            report.add(row_no, column, f"cellen har {_n(len(cell))} tegn; høyst {_n(MAX_CELL_CHARS)} er tillatt")


def check_keys_and_references(con: duckdb.DuckDBPyConnection, spec: KindImport, report: ImportReport) -> None:
    """Step 4: each key once in the file, then the kind's checks against the database and the whole file."""
    _check_duplicates(con, spec, report)
    if spec.check_references is not None:
        spec.check_references(con, spec.staging, report)


def _check_duplicates(con: duckdb.DuckDBPyConnection, spec: KindImport, report: ImportReport) -> None:
    keys, staging = ", ".join(spec.key), spec.staging
    dups = con.execute(
        f"""WITH d AS (SELECT hash({keys}) AS h FROM {staging} GROUP BY h HAVING count(*) > 1)
            SELECT list(_row ORDER BY _row) FROM {staging} WHERE hash({keys}) IN (SELECT h FROM d)
            GROUP BY {keys} HAVING count(*) > 1 ORDER BY min(_row) LIMIT {MAX_LISTED_PROBLEMS}"""
    ).fetchall()
    label = ", ".join(spec.kind.key)
    for (rows,) in dups:
        for later in rows[1:]:
            report.add(later, spec.kind.key[0],
                       f"samme nøkkel ({label}) som rad {rows[0]}; hver nøkkel kan stå bare én gang")


def merge(con: duckdb.DuckDBPyConnection, spec: KindImport, report: ImportReport) -> None:
    """Step 5: new rows inserted, changed rows replaced, unchanged rows left alone; the counts go in the report."""
    staging, table = spec.staging, spec.table
    import_id = int(con.execute("SELECT nextval('import_seq')").fetchone()[0])
    on = " AND ".join(f"t.{k} = s.{k}" for k in spec.key)
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM s.{c}" for c in spec.compare)
    new, changed, unchanged = con.execute(
        f"""SELECT count(*) FILTER (WHERE t.{spec.key[0]} IS NULL),
                   count(*) FILTER (WHERE t.{spec.key[0]} IS NOT NULL AND NOT ({same})),
                   count(*) FILTER (WHERE t.{spec.key[0]} IS NOT NULL AND ({same}))
            FROM {staging} s LEFT JOIN {table} t ON {on}"""
    ).fetchone()
    report.new, report.changed, report.unchanged = int(new), int(changed), int(unchanged)
    report.import_id = import_id  # the import log row is written after the publish (`log_import`)
    if report.new + report.changed > 0:
        cols = ", ".join(spec.columns)
        scols = ", ".join(f"s.{c}" for c in spec.columns)
        if spec.stamps_import:  # each value remembers the import it came from
            cols += ", import_id"
            scols += f", {import_id}"
        if report.changed:
            con.execute(
                f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM {staging} s WHERE {on} AND NOT ({same}))")
        if report.changed or report.unchanged:
            con.execute(f"""INSERT INTO {table} ({cols}) SELECT {scols} FROM {staging} s
                            WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})""")
        else:
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {scols} FROM {staging} s")
    con.execute(f"DROP TABLE {staging}")


def import_file(
    kind: str,
    path: Path | str,
    *,
    db: Path | None = None,
    dry_run: bool = False,
    file_name: str | None = None,
    who: str = "ukjent",
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    allowed_units: set[str] | None = None,
    allowed_indicators: set[str] | None = None,
) -> ImportReport:
    """Import one file as one atomic publish. On any problem the published database is left as it was."""
    path = Path(path)
    report: ImportReport | None = None
    db = Path(db) if db else store.db_path()
    try:
        with store.writing(db, publish=not dry_run, who=who) as con:
            report = import_into(con, kind, path, file_name=file_name, who=who, today=today, progress=progress,
                                 allowed_units=allowed_units, allowed_indicators=allowed_indicators)
            report.dry_run = dry_run
            if not report.ok:
                raise _Rejected
            if not dry_run and report.new + report.changed == 0:
                report.nothing_changed = True
                raise store.NothingChanged
    except _Rejected:
        assert report is not None
        _log_rejection(db, report, who)
        return report
    assert report is not None
    report.published = not (dry_run or report.nothing_changed)
    if not dry_run:
        report.data_version = store.data_version(db)
        if report.nothing_changed:
            report.import_id = None  # its number was drawn in the copy that was thrown away
        log_import(db, report, who)
    return report


def log_import(db: Path | None, report: ImportReport, who: str) -> None:
    """The import log row (and audit entry) of a published import, in the application database."""
    from navdash import appdb

    appdb.log_import(db, file_name=report.file_name, sha256=report.sha256, kind=report.kind, rows=report.rows,
                     who=who, outcome="importert", message=report.full_report(), import_id=report.import_id,
                     new=report.new, changed=report.changed, unchanged=report.unchanged)


def _log_rejection(db: Path, report: ImportReport, who: str) -> None:
    """Refused files leave the analytic file untouched; their trace goes to the application database's import log."""
    from navdash import appdb

    appdb.log_import(db, file_name=report.file_name, sha256=report.sha256, kind=report.kind, rows=report.rows,
                     who=who, outcome="avvist", message=report.summary(), problems=report.problem_count,
                     first_problem=str(report.problems[0]) if report.problems else "")


def rejected_imports(db: Path | None = None) -> list[dict[str, Any]]:
    """Refused files, oldest first: file_name, sha256, kind, rows, who, at, outcome, problems, first_problem."""
    from navdash import appdb

    t = appdb.import_log
    with appdb.reading(db) as conn:
        rows = conn.execute(
            t.select().where(t.c.outcome == "avvist").order_by(t.c.logged_at, t.c.log_id)).mappings().all()
    return [{"file_name": r["file_name"], "sha256": r["sha256"], "kind": r["kind"], "rows": r["rows"], "who": r["who"],
             "at": r["logged_at"].isoformat(), "outcome": r["outcome"], "problems": r["problems"],
             "first_problem": r["first_problem"]} for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Export: CSV in the import format, so that export followed by import changes nothing
# ---------------------------------------------------------------------------------------------------------


def export(kind_name: str, out: io.TextIOBase | Any, *, db: Path | None = None,
           units: list[str] | None = None, indicators: list[str] | None = None,
           mask: disclosure.Mask | None = None) -> int:
    """Write the rows in the import format. With a `mask`, values its viewer may not see are left out (the
    format has no way to say "færre enn 5"), so the file can go to whoever the mask was made for."""
    spec = kind_import(kind_name)
    file_cols = list(spec.kind.columns)
    where, params = [], []
    unit_col = "unit_id" if "unit_id" in spec.columns else None
    ind_col = "indicator_id" if "indicator_id" in spec.columns else None
    if units and unit_col:
        where.append(f"{unit_col} IN (SELECT unnest(?))")
        params.append(units)
    if indicators and ind_col:
        where.append(f"{ind_col} IN (SELECT unnest(?))")
        params.append(indicators)
    sql = f"SELECT {', '.join(spec.export_columns or spec.columns)} FROM {spec.table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + ", ".join(spec.export_order or spec.key)
    writer = csv.writer(out, lineterminator="\n")
    n = 0
    with store.reading(db) as con:
        cur = con.execute(sql, params)
        writer.writerow(file_cols)  # only once the database has answered: a damaged one writes nothing
        while batch := cur.fetchmany(10_000):
            for row in batch:
                if mask is not None and kind_name == "verdier" and mask.hides(row[0], row[1], [row[2]]):
                    continue
                writer.writerow([_cell(v) for v in row])
                n += 1
    return n


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        return text + "0" if is_ambiguous_number(text) else text  # 1.2340, never the refused 1.234
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_cell(str(value))  # text only: a negative number above stays a number


def default_db_exists() -> bool:
    return os.path.exists(store.db_path())
