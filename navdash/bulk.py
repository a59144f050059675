"""Set-based validation of `verdier` in DuckDB SQL: the rules of `schemas.ValueRow`, applied to every row at once.

A large CSV file is read by DuckDB with every line as text, split into cells, and every rule of the row model is
checked in SQL: the cell formats (unit number, indicator ID, period, Norwegian numbers), that the unit and the
indicator exist, that the period has begun, and the cross-column rules (teller ≤ nevner for a share, nothing
negative, a ratio has teller and nevner and no verdi, ...). Rows that pass are staged by SQL directly. Only the
rows that SQL does not pass go through the row model, which words the Norwegian message (row, column, text) and has
the last word: the SQL is allowed to send a row the row model accepts, never to pass a row it refuses. A property
test (tests/test_bulk_rules.py) feeds the same random rows to both and requires the same verdicts and columns.

A plain file (UTF-8, no quotes, no NUL or control separator, no lone carriage return: every line one record) is
read by DuckDB line by line. Any other file (quoted cells, Windows-1252, an Excel workbook) is read by the import's
own reader (the csv module, openpyxl), so the records, the row numbers and the reader's messages are the row-by-row
import's; its cells go into DuckDB as text in chunks and the same SQL checks them. Excel's typed cells become the
text that SQL reads as the same value (`cell_text`); a cell with no such text sends its row to the row model.
"""

from __future__ import annotations

import codecs
import csv
import pickle
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    from navdash.ingest import RowCheck, Staging, Table

# Cell formats, as RE2 patterns (DuckDB). Each accepts only text the row model parses to the same value.
_SPACE = "[ \t]*"
_UNIT = rf"^{_SPACE}([0-9]{{1,4}}){_SPACE}$"
_LETTER = "A-Za-zÆØÅæøå"
_INDICATOR = rf"^{_SPACE}([{_LETTER}][{_LETTER}0-9]{{0,5}}\.[{_LETTER}0-9]{{1,8}}){_SPACE}$"
_BLANK = "[ \t\u00a0\u202f\u2009]*"
_NUMBER_SPACES = "[ \u00a0\u202f\u2009']"  # what schemas._SPACES removes from a number
_CLEANED_AWAY = "[ \t\u00a0\u202f\u2009'%]"  # a number cell without these is already as _cleaned leaves it
_SIGN = "[-+\u2212]?"
_AMBIGUOUS = f"{_SIGN}[1-9][0-9]{{0,2}}[.,][0-9]{{3}}"
_DOT_GROUPS = rf"{_SIGN}[0-9]{{1,3}}(\.[0-9]{{3}})+,[0-9]+"  # 1.234,5
_COMMA_GROUPS = rf"{_SIGN}[0-9]{{1,3}}(,[0-9]{{3}})+\.[0-9]+"  # 1,234.5
_PLAIN = rf"{_SIGN}([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][-+]?[0-9]+)?"

FIELDS = ("enhet", "indikator", "periode", "teller", "nevner", "verdi")


def _lit(text: str) -> str:
    """A constant of this module as an SQL string literal (never data from a file)."""
    return "'" + text.replace("'", "''") + "'"


def _cleaned(cell: str) -> str:
    """SQL for a number cell as schemas.parse_number sees it: ends trimmed, spaces removed, one % taken off.

    A cell with none of the characters the cleaning removes is its own cleaned text, and one search for them costs
    a fifth of trimming and replacing (DuckDB's trim with a character set is slow): most cells take that path."""
    return (f"CASE WHEN regexp_matches({cell}, {_lit(_CLEANED_AWAY)}) THEN "
            f"regexp_replace(regexp_replace(trim({cell}, ' \t'), {_lit(_NUMBER_SPACES)}, '', 'g'), '%$', '') "
            f"ELSE {cell} END")


def _trimmed(cell: str) -> str:
    """SQL for `trim(cell, ' \t')`, with the same guard as _cleaned: only a cell that begins or ends with a space or
    a tab is trimmed."""
    return f"CASE WHEN regexp_matches({cell}, '^[ \t]|[ \t]$') THEN trim({cell}, ' \t') ELSE {cell} END"


def _number(s: str) -> str:
    """SQL for the number in a cleaned cell `s`, NULL when SQL does not accept it (ambiguous, not a number).

    Digits alone (most cells) are read at once: they can be neither ambiguous nor need a separator replaced."""
    return f"""(CASE
        WHEN regexp_full_match({s}, '[0-9]+') THEN TRY_CAST({s} AS DOUBLE)
        WHEN regexp_full_match({s}, {_lit(_AMBIGUOUS)}) THEN NULL
        WHEN regexp_full_match({s}, {_lit(_PLAIN)})
            THEN TRY_CAST(replace(replace({s}, ',', '.'), '\u2212', '-') AS DOUBLE)
        WHEN regexp_full_match({s}, {_lit(_DOT_GROUPS)})
            THEN TRY_CAST(replace(replace(replace({s}, '.', ''), ',', '.'), '\u2212', '-') AS DOUBLE)
        WHEN regexp_full_match({s}, {_lit(_COMMA_GROUPS)})
            THEN TRY_CAST(replace(replace({s}, ',', ''), '\u2212', '-') AS DOUBLE)
        END)"""


def _period(p: str) -> str:
    """SQL for a struct (k, y, n) of the period in trimmed text `p`, NULL when SQL does not accept it."""
    return f"""(CASE
        WHEN regexp_full_match({p}, '[0-9]{{4}}-[0-9]{{1,2}}')
            THEN {{'k': 'M', 'y': {p}[1:4]::INT, 'n': split_part({p}, '-', 2)::INT}}
        WHEN regexp_full_match({p}, '[0-9]{{4}}[- ]?[Tt][1-3]')
            THEN {{'k': 'T', 'y': {p}[1:4]::INT, 'n': right({p}, 1)::INT}}
        WHEN regexp_full_match({p}, '[0-9]{{4}}(\\.0)?')
            THEN {{'k': 'Y', 'y': {p}[1:4]::INT, 'n': 1}}
        WHEN regexp_full_match({p}, '0?1\\.[0-9]{{1,2}}\\.[0-9]{{4}}')
            THEN {{'k': 'M', 'y': split_part({p}, '.', 3)::INT, 'n': split_part({p}, '.', 2)::INT}}
        WHEN regexp_full_match({p}, '[0-9]{{4}}-[0-9]{{1,2}}-0?1([ T]00:00(:00)?)?')
            THEN {{'k': 'M', 'y': {p}[1:4]::INT, 'n': split_part({p}, '-', 2)::INT}}
        END)"""


NUMBERS = ("teller", "nevner", "verdi")


def checked_rows_sql(source: str, cells: dict[str, str], carry: str = "") -> str:
    """A query over `source` (with a column `_row` and the raw cells given by the expressions in `cells`, by file
    column) giving the parsed row in database columns and `_fail`: the columns the row model would report, in its
    order ([] for a valid row). It reads `units` and `indicators` and takes one parameter: today's date. Columns
    named in `carry` (", a, b") pass through."""
    raw = ", ".join(f"{cells.get(f, 'NULL::VARCHAR')} AS r_{f}" for f in FIELDS)
    blank = ", ".join(f"(r_{f} IS NULL OR regexp_full_match(r_{f}, {_lit(_BLANK)})) AS {f}_blank, "
                      f"{_cleaned('r_' + f)} AS {f}_s" for f in NUMBERS)
    values = ", ".join(f"CASE WHEN {f}_blank THEN NULL ELSE {_number(f + '_s')} END AS {f}" for f in NUMBERS)
    ok = ", ".join(f"{f}_blank OR coalesce(isfinite({f}), false) AS {f}_ok" for f in NUMBERS)
    ratio = "i.aggregation = 'forholdstall'"
    single = "i.aggregation <> 'forholdstall'"
    t, n, v = "s.teller", "s.nevner", "s.verdi"
    model = f"""list_filter([
            CASE WHEN u.unit_id IS NULL THEN 'enhet' END,
            CASE WHEN make_date(s.y, CASE s.k WHEN 'M' THEN s.n WHEN 'T' THEN (s.n - 1) * 4 + 1 ELSE 1 END, 1)
                      > ?::DATE THEN 'periode' END,
            CASE WHEN i.indicator_id IS NULL THEN 'indikator' END,
            CASE WHEN {t} < 0 THEN 'teller' END,
            CASE WHEN {n} < 0 THEN 'nevner' END,
            CASE WHEN {ratio} AND {t} IS NULL THEN 'teller' END,
            CASE WHEN {ratio} AND {n} IS NULL THEN 'nevner' END,
            CASE WHEN {ratio} AND i.measure = 'prosent' AND {t} > {n} THEN 'teller' END,
            CASE WHEN {ratio} AND {n} = 0 AND {t} > 0 THEN 'nevner' END,
            CASE WHEN {ratio} AND {v} IS NOT NULL THEN 'verdi' END,
            CASE WHEN {single} AND {v} IS NULL THEN 'verdi' END,
            CASE WHEN {single} AND {t} IS NOT NULL THEN 'teller' WHEN {single} AND {n} IS NOT NULL THEN 'nevner' END,
            CASE WHEN {single} AND i.measure = 'prosent' AND NOT ({v} BETWEEN 0 AND 100) THEN 'verdi' END,
            CASE WHEN {single} AND i.measure IN ('antall', 'dager') AND {v} < 0 THEN 'verdi' END
        ], lambda x: x IS NOT NULL)"""
    fields = """list_filter([
            CASE WHEN NOT s.e_ok THEN 'enhet' END, CASE WHEN NOT s.i_ok THEN 'indikator' END,
            CASE WHEN NOT s.p_ok THEN 'periode' END, CASE WHEN NOT s.teller_ok THEN 'teller' END,
            CASE WHEN NOT s.nevner_ok THEN 'nevner' END, CASE WHEN NOT s.verdi_ok THEN 'verdi' END
        ], lambda x: x IS NOT NULL)"""
    fields_ok = "s.e_ok AND s.i_ok AND s.p_ok AND s.teller_ok AND s.nevner_ok AND s.verdi_ok"
    return f"""
    WITH raw AS (
        SELECT _row{carry}, {raw} FROM {source}
    ), cleaned AS (
        SELECT _row{carry}, regexp_extract(r_enhet, {_lit(_UNIT)}, 1) AS e_text,
               upper(regexp_extract(r_indikator, {_lit(_INDICATOR)}, 1)) AS i_text,
               {_trimmed('r_periode')} AS p_text, {blank}
        FROM raw
    ), parsed AS (
        SELECT _row{carry}, e_text, i_text, {_period('p_text')} AS p, {values}, teller_blank, nevner_blank, verdi_blank
        FROM cleaned
    ), checked AS (
        SELECT _row{carry}, teller, nevner, verdi, p.k AS k, p.y AS y, p.n AS n, {ok},
               coalesce(e_text, '') <> '' AS e_ok, coalesce(i_text, '') <> '' AS i_ok,
               coalesce(p.y BETWEEN 1990 AND 2100 AND p.n BETWEEN 1 AND 12, false) AS p_ok,
               lpad(e_text, 4, '0') AS unit_id, i_text AS indicator_id
        FROM parsed
    )
    SELECT s._row{carry.replace(', ', ', s.')}, s.unit_id, s.indicator_id,
           CASE s.k WHEN 'M' THEN s.y || '-' || lpad(s.n::VARCHAR, 2, '0')
                    WHEN 'T' THEN s.y || '-T' || s.n ELSE s.y::VARCHAR END AS period,
           s.k AS period_kind, s.y::SMALLINT AS year, s.n::TINYINT AS period_no,
           {t} AS numerator, {n} AS denominator, {v} AS value,
           CASE WHEN {fields_ok} THEN {model} ELSE {fields} END AS _fail
    FROM checked s LEFT JOIN units u ON u.unit_id = s.unit_id
         LEFT JOIN indicators i ON i.indicator_id = s.indicator_id
    """


def csv_is_plain(path: Path, encoding: str) -> bool:
    """True when every line of the file is one record as the csv module reads it, so DuckDB can read it line by
    line with the same row numbers: UTF-8, no quote character, no NUL, no \\x01, no carriage return without a
    line feed, no empty line (the reader counts it; DuckDB would too, but one test less is one guess less)."""
    if encoding != "utf-8-sig":
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            data = tail + chunk
            if (b'"' in chunk or b"\x00" in chunk or b"\x01" in chunk
                    or data.count(b"\r") != data.count(b"\r\n") + data.endswith(b"\r")):
                return False
            tail = data[-1:]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    return not tail.endswith(b"\r")


def validate_values(con: duckdb.DuckDBPyConnection, path: Path, table: Table, check: RowCheck, *,
                    max_cell_chars: int, staging: Callable[..., Staging]) -> None:
    """Validate and stage a `verdier` file (CSV or Excel) in SQL. Rows SQL does not pass go through the row model.
    `max_cell_chars` and `staging` (the staging table's writer) are the row-by-row import's own, passed in so both
    paths share them. A reading problem (`table.rows` raising) is raised again once the rows before it are checked,
    so the caller reports it as the row-by-row import does."""
    con.execute("SET enable_progress_bar = false")  # the command line prints one line, not DuckDB's bar
    layout = table.csv
    if layout is not None and csv_is_plain(path, layout.encoding) and _validate_lines(
            con, path, layout, check, max_cell_chars=max_cell_chars, staging=staging):
        return
    _validate_cells(con, table, check, max_cell_chars=max_cell_chars, staging=staging)


def _validate_lines(con: duckdb.DuckDBPyConnection, path: Path, layout: Any, check: RowCheck, *,
                    max_cell_chars: int, staging: Callable[..., Staging]) -> bool:
    """A plain CSV file read by DuckDB, one line a record. False when DuckDB cannot read it exactly as the csv
    module does; nothing of `table.rows` has been read then."""
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _lines AS SELECT line FROM read_csv(?, columns={'line': 'VARCHAR'}, "
            "delim='\x01', quote='', escape='', header=false, skip=?, auto_detect=false, strict_mode=false, "
            "new_line='\\r\\n', max_line_size=?)", [str(path), layout.header_lines, 1 << 24])
        longest = con.execute("SELECT coalesce(max(length(line)), 0) FROM _lines").fetchone()[0]
    except duckdb.Error:
        con.execute("DROP TABLE IF EXISTS _lines")
        return False
    if longest > csv.field_size_limit():  # the csv module stops there, with its own message
        con.execute("DROP TABLE _lines")
        return False
    sep, width = layout.sep, len(check.columns)
    blank_row = f"regexp_full_match(line, {_lit(_blank_row(sep))})"
    # Rows the cell limits or the header width may refuse go to the row model as they are.
    odd = (f"length(line) > {max_cell_chars} "
           f"OR (len(c) > {width} AND trim(array_to_string(c[{width + 1}:], ''), ' \t') <> '')")
    source = f"""(SELECT rowid + 2 AS _row, c, {odd} AS _odd
                  FROM (SELECT rowid, line, string_split(line, {_lit(sep)}) AS c FROM _lines
                        WHERE line IS NOT NULL AND NOT {blank_row}))"""
    _check_in_sql(con, source, check)
    slow = f"SELECT l.rowid + 2, l.line FROM _lines l WHERE l.rowid + 2 IN (SELECT _row FROM {check.spec.staging} "
    _check_slow_rows(con, check, slow + "WHERE _slow) ORDER BY 1", lambda line: line.split(sep), staging)
    con.execute("DROP TABLE _lines")
    return True


def _validate_cells(con: duckdb.DuckDBPyConnection, table: Table, check: RowCheck, *, max_cell_chars: int,
                    staging: Callable[..., Staging]) -> None:
    """Any file, read by the import's own reader: its records go into DuckDB as lists of text in chunks (an Excel
    row also as its typed cells, for the row model), then the same SQL as for a plain file."""
    typed = table.csv is None
    con.execute("CREATE OR REPLACE TEMP TABLE _cells (_row BIGINT, c VARCHAR[], _odd BOOLEAN, _typed BLOB)")
    schema = pa.schema([("_row", pa.int64()), ("c", pa.list_(pa.string())), ("_odd", pa.bool_()),
                        ("_typed", pa.binary())])
    problem: Exception | None = None
    try:
        for chunk in _chunks(table.rows, typed):
            con.register("_chunk", pa.Table.from_arrays(
                [pa.array(col, type=t) for col, t in zip(chunk, schema.types, strict=True)], schema=schema))
            con.execute("INSERT INTO _cells SELECT * FROM _chunk")
            con.unregister("_chunk")
    except Exception as exc:  # noqa: BLE001 - the reader's own problem, raised again below in its place
        problem = exc
    width = len(check.columns)
    present = "list_filter(c, lambda x: trim(x, ' \t') <> '')"  # NULL (an empty Excel cell) is blank too
    odd = (f"_odd OR coalesce(list_max(list_transform(c, lambda x: length(x))), 0) > {max_cell_chars} "
           f"OR (len(c) > {width} AND len(list_filter(c[{width + 1}:], lambda x: trim(x, ' \t') <> '')) > 0)")
    _check_in_sql(con, f"(SELECT _row, c, {odd} AS _odd FROM _cells WHERE len({present}) > 0)", check)
    slow = (f"SELECT _row, {'_typed' if typed else 'c'} FROM _cells WHERE _row IN (SELECT _row FROM "
            f"{check.spec.staging} WHERE _slow) ORDER BY _row")
    _check_slow_rows(con, check, slow, pickle.loads if typed else list, staging)
    con.execute("DROP TABLE _cells")
    if problem is not None:
        raise problem


CELLS_CHUNK = 100_000


def _chunks(rows: Iterator[tuple[int, list[Any]]], typed: bool) -> Iterator[tuple[list, list, list, list]]:
    """The reader's rows as column lists of at most CELLS_CHUNK rows: row number, cells as text, whether a cell
    has no text SQL reads as the same value, and (Excel) the typed cells pickled for the row model. The pickles
    are made here from the reader's values and read back only in this import."""
    numbers: list[int] = []
    texts: list[list[str | None]] = []
    odd: list[bool] = []
    originals: list[bytes | None] = []
    try:
        for row_no, cells in rows:
            numbers.append(row_no)
            if typed:
                converted = [cell_text(c) for c in cells]
                odd.append(any(t is _NO_TEXT for t in converted))
                texts.append([None if t is _NO_TEXT else t for t in converted])
                originals.append(pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL))
            else:
                texts.append(cells)
                odd.append(False)
                originals.append(None)
            if len(numbers) >= CELLS_CHUNK:
                yield numbers, texts, odd, originals
                numbers, texts, odd, originals = [], [], [], []
    except Exception:
        if numbers:  # the rows read before the problem are checked first, as row by row
            yield numbers, texts, odd, originals
        raise
    if numbers:
        yield numbers, texts, odd, originals


_NO_TEXT = object()


def cell_text(value: object) -> str | None | object:
    """An Excel cell as the text SQL reads as the value the row model makes of the cell: None for an empty cell,
    _NO_TEXT when there is no such text (the row then goes to the row model)."""
    if value is None or type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return repr(value)  # the shortest text that reads back as the same double; nan and inf are refused in SQL
    if type(value) is datetime and value.time() == datetime.min.time() and value.tzinfo is None:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if type(value) is date:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return _NO_TEXT  # bool, a time of day, a duration: the row model words the message


def _check_in_sql(con: duckdb.DuckDBPyConnection, source: str, check: RowCheck) -> None:
    """Stage every row of `source` (_row, c: the cells by file column, _odd: for the row model as it is) with
    `_slow`: the rows the row model must see. Counts the rows SQL passed."""
    spec = check.spec
    cells = {col: f"c[{i + 1}]" for i, col in enumerate(check.columns) if col in FIELDS}
    units = None if check.scope.units is None else sorted(check.scope.units)
    indicators = None if check.scope.indicators is None else sorted(check.scope.indicators)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {spec.staging} AS
            SELECT {", ".join(spec.columns)}, _row,
                   _odd OR len(_fail) > 0
                   OR coalesce(NOT list_contains(?::VARCHAR[], unit_id), false)
                   OR coalesce(NOT list_contains(?::VARCHAR[], indicator_id), false) AS _slow
            FROM ({checked_rows_sql(source, cells, ', _odd')})""",
        [units, indicators, check.ctx.today])
    check.report.rows += con.execute(f"SELECT count(*) FROM {spec.staging} WHERE NOT _slow").fetchone()[0]


def _blank_row(sep: str) -> str:
    return "[ \t" + ("\\t" if sep == "\t" else sep) + "]*"


def _check_slow_rows(con: duckdb.DuckDBPyConnection, check: RowCheck, query: str, cells_of: Callable[[Any], list],
                     staging: Callable[..., Staging]) -> None:
    """The rows SQL did not pass (`query`: row number and what `cells_of` makes the row's cells of, in file order)
    through the row model: it reports them, or they are staged."""
    spec = check.spec
    cur = con.execute(query)
    accepted: list[tuple[tuple[Any, ...], int]] = []
    all_text = cells_of is not pickle.loads  # CSV cells are all text
    while batch := cur.fetchmany(10_000):
        for row_no, raw in batch:
            values = check(row_no, cells_of(raw), all_text)
            if values is not None and check.report.ok:
                accepted.append((values, row_no))
    con.execute(f"DELETE FROM {spec.staging} WHERE _slow")
    con.execute(f"ALTER TABLE {spec.staging} DROP COLUMN _slow")
    if accepted and check.report.ok:
        staged = staging(con, spec, create=False)
        for values, row_no in accepted:
            staged.add(values, row_no)
        staged.flush()
