"""`python -m navdash bench`: the import at national scale, measured against DuckDB's own CSV reader.

The bench builds a national data set (19 fylker, 456 offices, 60 indicators, 120 months: 3 283 200 value rows)
as CSV files in the import format, imports the unit tree and the indicator catalogue, and then measures, each in
its own child process so that time and peak memory are the step's own and not the generator's:

* the import of `verdier.csv` through `ingest.import_file` into the database (validation of every row, staging,
  merge, atomic publish);
* DuckDB's own `read_csv` of the same file into a table in a fresh database file: the raw load, the baseline;
* a re-import of the same file into the now full database (every row unchanged): the daily case, which publishes
  nothing and keeps the data version.

Then, in this process: the målekort and the funnel against the raw query, and an app write (a fylkesleder's
comment) into the application database, against the copy of the analytic file such a write cost before the
application database existed; the analytic file's bytes and data version are checked to be unchanged by it.

Only ratios to the baseline measured in the same run are meaningful across machines; nothing asserts timings.
`profile()` runs cProfile over the import of a ~300 000-row slice and sums the time by phase.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from navdash import store

TODAY = date(2026, 1, 1)  # fixed, so that a run does not depend on the calendar (data end in 2022)
SEED = 20_130_101
RESULT_MARK = "NAVDASH_BENCH_RESULT "

# The 19 fylker before the 2020 reform, with their old numbers (13 was never used).
FYLKER = (
    ("01", "Østfold"), ("02", "Akershus"), ("03", "Oslo"), ("04", "Hedmark"), ("05", "Oppland"),
    ("06", "Buskerud"), ("07", "Vestfold"), ("08", "Telemark"), ("09", "Aust-Agder"), ("10", "Vest-Agder"),
    ("11", "Rogaland"), ("12", "Hordaland"), ("14", "Sogn og Fjordane"), ("15", "Møre og Romsdal"),
    ("16", "Sør-Trøndelag"), ("17", "Nord-Trøndelag"), ("18", "Nordland"), ("19", "Troms"), ("20", "Finnmark"),
)
PERSPECTIVES = (("B", "bruker"), ("P", "produksjon"), ("M", "medarbeider"), ("O", "okonomi"))
CHAIN = ("innsatsfaktor", "aktivitet", "resultat", "effekt")


@dataclass(frozen=True)
class Scale:
    fylker: int
    offices: int
    indicators: int
    months: int
    first_year: int

    @property
    def rows(self) -> int:
        return self.offices * self.indicators * self.months

    @property
    def last_period(self) -> str:
        last = self.first_year * 12 + self.months - 1
        return f"{last // 12}-{last % 12 + 1:02d}"


FULL = Scale(fylker=19, offices=456, indicators=60, months=120, first_year=2013)
SMALL = Scale(fylker=2, offices=6, indicators=5, months=24, first_year=2021)


# ---------------------------------------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------------------------------------


def office_ids(scale: Scale) -> list[tuple[str, str, int]]:
    """(office id, fylke id, number in fylke): the offices spread evenly, the remainder on the first fylker."""
    per, extra = divmod(scale.offices, scale.fylker)
    out = []
    for f, (code, _name) in enumerate(FYLKER[: scale.fylker]):
        for n in range(1, per + (1 if f < extra else 0) + 1):
            out.append((f"{code}{n:02d}", f"{code}00", n))
    return out


def indicator_specs(scale: Scale) -> list[dict[str, str]]:
    """Most indicators are percentages (forholdstall); every fifth is a count (snitt per periode or sum)."""
    specs = []
    for j in range(scale.indicators):
        letter, perspective = PERSPECTIVES[j % len(PERSPECTIVES)]
        count = j % 5 == 4
        specs.append({
            "indikator": f"{letter}.{j + 1:02d}",
            "navn": f"{'Antall' if count else 'Andel'} benkmerke {j + 1}",
            "beskrivelse": "Generert av python -m navdash bench",
            "perspektiv": perspective,
            "resultatkjede": CHAIN[j % len(CHAIN)],
            "rolle": ("styringsparameter", "nokkelinformasjon", "kontekst")[j % 3],
            "maaleenhet": "antall" if count else "prosent",
            "polaritet": "lav_er_bra" if j % 7 == 3 else "hoy_er_bra",
            "aggregering": ("snitt_per_periode" if j % 10 == 4 else "sum") if count else "forholdstall",
            "kilde": "benk",
            "lenke": "",
        })
    return specs


def write_units(path: Path, scale: Scale) -> int:
    rows = [("0000", "Norge", "land", "", "", "", "2006-07-01", "", "")]
    for code, name in FYLKER[: scale.fylker]:
        rows.append((f"{code}00", f"NAV {name}", "fylke", "0000", "", "", "2006-07-01", "", ""))
    names = dict(FYLKER)
    for office, fylke, n in office_ids(scale):
        rows.append((office, f"NAV {names[fylke[:2]]} {n}", "kontor", fylke, f"Gruppe {n % 6 + 1}",
                     str(20 + (n * 37) % 180), "2006-07-01", "", ""))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("enhet", "navn", "type", "overordnet", "sammenligningsgruppe", "ansatte", "gyldig_fra",
                    "gyldig_til", "erstattet_av"))
        w.writerows(rows)
    return len(rows)


def write_indicators(path: Path, scale: Scale) -> int:
    specs = indicator_specs(scale)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(specs[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(specs)
    return len(specs)


def write_values(path: Path, scale: Scale) -> int:
    """verdier.csv sorted by enhet, indikator, periode; the same bytes on every run (seeded numpy, DuckDB COPY)."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(SEED)
    specs = indicator_specs(scale)
    units = [o for o, _f, _n in office_ids(scale)]
    n_u, n_i, n_m = len(units), len(specs), scale.months
    ratio = np.array([s["aggregering"] == "forholdstall" for s in specs])
    snitt = np.array([s["aggregering"] == "snitt_per_periode" for s in specs])

    size = rng.integers(20, 400, size=(n_u, n_i, 1))  # an office's caseload for the indicator
    share = rng.uniform(0.25, 0.95, size=(n_u, n_i, 1))
    nevner = np.maximum(rng.poisson(size, size=(n_u, n_i, n_m)), 1)
    teller = rng.binomial(nevner, share)
    counts = rng.poisson(size / 4, size=(n_u, n_i, n_m)).astype(np.float64)
    counts = np.where(snitt[None, :, None], np.round(counts * rng.uniform(0.9, 1.1, counts.shape), 1), counts)

    is_ratio = np.broadcast_to(ratio[None, :, None], (n_u, n_i, n_m)).ravel()
    months = [f"{(scale.first_year * 12 + m) // 12}-{(scale.first_year * 12 + m) % 12 + 1:02d}" for m in range(n_m)]
    table = pa.table({
        "enhet": pa.DictionaryArray.from_arrays(np.repeat(np.arange(n_u, dtype=np.int32), n_i * n_m), units),
        "indikator": pa.DictionaryArray.from_arrays(
            np.tile(np.repeat(np.arange(n_i, dtype=np.int32), n_m), n_u), [s["indikator"] for s in specs]),
        "periode": pa.DictionaryArray.from_arrays(np.tile(np.arange(n_m, dtype=np.int32), n_u * n_i), months),
        "teller": pa.array(teller.ravel(), mask=~is_ratio),
        "nevner": pa.array(nevner.ravel(), mask=~is_ratio),
        "verdi": pa.array(counts.ravel(), mask=is_ratio),
    })
    con = duckdb.connect()
    try:
        con.register("generated", table)
        con.execute(
            "COPY (SELECT enhet::VARCHAR AS enhet, indikator::VARCHAR AS indikator, periode::VARCHAR AS periode, "
            "teller, nevner, verdi FROM generated) "
            f"TO '{_sql_literal(str(path))}' (FORMAT csv, HEADER, DELIMITER ',')"
        )
    finally:
        con.close()
    return table.num_rows


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


# ---------------------------------------------------------------------------------------------------------
# Measured steps, each run in a fresh `python -c` child
# ---------------------------------------------------------------------------------------------------------


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step_import(db: str, csv_path: str) -> dict[str, Any]:
    from navdash import ingest

    start = time.perf_counter()
    report = ingest.import_file("verdier", Path(csv_path), db=Path(db), who="bench", today=TODAY)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": report.rows, "new": report.new, "changed": report.changed,
            "unchanged": report.unchanged, "ok": report.ok, "problems": report.full_report() if not report.ok else "",
            "published": report.published, "data_version": report.data_version}


def _step_read_csv(db: str, csv_path: str) -> dict[str, Any]:
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{_sql_literal(csv_path)}')")
    con.execute("CHECKPOINT")
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows}


STEPS = {"import": _step_import, "read_csv": _step_read_csv}


def _child_main() -> None:
    """Entry point of a child: run one step and print its result, with this process's peak memory, as JSON."""
    step, db, csv_path = sys.argv[1:4]
    result = STEPS[step](db, csv_path)
    result["peak_mb"] = _peak_mb()
    print(RESULT_MARK + json.dumps(result), flush=True)


def run_child(step: str, db: Path, csv_path: Path) -> dict[str, Any]:
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run(
        [sys.executable, "-c", "from navdash.bench import _child_main; _child_main()", step, str(db), str(csv_path)],
        capture_output=True, text=True, env=env, cwd=root,
    )
    for line in reversed(proc.stdout.splitlines()):
        if RESULT_MARK in line:  # DuckDB's progress bar may share the line
            return json.loads(line[line.index(RESULT_MARK) + len(RESULT_MARK):])
    raise RuntimeError(f"målingen «{step}» feilet (kode {proc.returncode}):\n{proc.stderr[-4000:]}")


# ---------------------------------------------------------------------------------------------------------
# Norwegian formatting
# ---------------------------------------------------------------------------------------------------------


def n0(number: float) -> str:
    """3 283 200 (non-breaking spaces between thousands)."""
    return f"{round(number):,}".replace(",", "\u00a0")


def n1(number: float) -> str:
    """41,2 (and 1 234,5)."""
    return f"{number:,.1f}".replace(",", "\u00a0").replace(".", ",")


def mb(size_bytes: float) -> str:
    if size_bytes < 1e6:
        return f"{n0(size_bytes / 1e3)} kB"
    return f"{n1(size_bytes / 1e6)} MB"


def rate(rows: int, seconds: float) -> str:
    """Rows per second, rounded to three significant figures."""
    per_s = rows / seconds if seconds > 0 else 0.0
    digits = max(len(str(int(per_s))) - 3, 0)
    return n0(round(per_s, -digits))


# ---------------------------------------------------------------------------------------------------------
# The bench
# ---------------------------------------------------------------------------------------------------------


def _remove(*paths: Path) -> None:
    from navdash import appdb

    appdb.dispose_all()
    for p in paths:
        app = appdb.sqlite_path(p)
        for q in (p, p.with_name(p.name + ".wal"), p.with_name(p.name + ".lock"),
                  p.with_name(p.name + ".avvist.jsonl"), app, app.with_name(app.name + "-wal"),
                  app.with_name(app.name + "-shm"), app.with_name(app.name + ".migrate-lock")):
            q.unlink(missing_ok=True)


def prepare(work: Path, scale: Scale) -> dict[str, Any]:
    """Write the three files and a database holding the unit tree and the indicator catalogue."""
    from navdash import ingest

    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    n_units = write_units(work / "enheter.csv", scale)
    n_inds = write_indicators(work / "indikatorer.csv", scale)
    n_rows = write_values(work / "verdier.csv", scale)
    generated = time.perf_counter() - start
    db = work / "navdash.duckdb"
    _remove(db)
    for kind in ("enheter", "indikatorer"):
        report = ingest.import_file(kind, work / f"{kind}.csv", db=db, who="bench", today=TODAY)
        if not report.ok:
            raise RuntimeError(report.full_report())
    return {"db": db, "csv": work / "verdier.csv", "units": n_units, "indicators": n_inds, "rows": n_rows,
            "generated_s": generated}


def run(small: bool = False, workdir: Path | None = None) -> int:
    scale = SMALL if small else FULL
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="navdash-bench-") as tmp:
            return _run(scale, Path(tmp))
    return _run(scale, Path(workdir).resolve())  # the children run with the project root as cwd


def _run(scale: Scale, work: Path) -> int:
    what = "liten kjøring" if scale == SMALL else "nasjonal skala"
    print(f"navdash bench ({what}): {scale.fylker} fylker, {scale.offices} kontorer, {scale.indicators} indikatorer, "
          f"{scale.months} måneder ({scale.first_year}-01 til {scale.last_period})", flush=True)
    prep = prepare(work, scale)
    csv_path, db = prep["csv"], prep["db"]
    rows = prep["rows"]
    print(f"Fil: {csv_path.name}, {n0(rows)} rader, {mb(csv_path.stat().st_size)} "
          f"(generert på {n1(prep['generated_s'])} s)", flush=True)

    first = run_child("import", db, csv_path)
    if not first["ok"]:
        print(first["problems"], file=sys.stderr)
        return 1
    db_size = db.stat().st_size
    baseline_db = work / "read_csv.duckdb"
    _remove(baseline_db)
    base = run_child("read_csv", baseline_db, csv_path)
    again = run_child("import", db, csv_path)
    if not again["ok"]:
        print(again["problems"], file=sys.stderr)
        return 1

    ratio = first["seconds"] / base["seconds"]
    print(f"Import av {n0(first['rows'])} rader: {n1(first['seconds'])} s ({rate(first['rows'], first['seconds'])} "
          f"rader/s), toppminne {n0(first['peak_mb'])} MB; DuckDB read_csv av samme fil: {n1(base['seconds'])} s, "
          f"toppminne {n0(base['peak_mb'])} MB; forhold {n1(ratio)}× (mål: høyst 3× read_csv og under 1\u00a0000 MB)")
    print(f"Ny import av samme fil ({n0(again['unchanged'])} uendret, {n0(again['new'])} nye, "
          f"{n0(again['changed'])} endret): {n1(again['seconds'])} s, toppminne {n0(again['peak_mb'])} MB; "
          f"forhold {n1(again['seconds'] / base['seconds'])}× mot read_csv, "
          f"{n1(again['seconds'] / first['seconds'])}× mot første import; "
          + ("ny dataversjon" if again["data_version"] != first["data_version"]
             else f"ingenting publisert, dataversjonen er fortsatt {again['data_version']}"))
    print(f"Databasefil etter import: {mb(db_size)} (read_csv-tabellen alene: {mb(baseline_db.stat().st_size)})")
    for line in scorecard_timing(db, scale):
        print(line)
    for line in app_write_timing(db, scale):
        print(line)
    if base["rows"] != rows or first["rows"] != rows or again["unchanged"] != rows:
        print(f"Avvik i radtall: generert {n0(rows)}, importert {n0(first['rows'])}, read_csv {n0(base['rows'])}, "
              f"uendret ved ny import {n0(again['unchanged'])}", file=sys.stderr)
        return 1
    return 0


def _median_seconds(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def scorecard_timing(db: Path, scale: Scale, repeat: int = 5) -> list[str]:
    """Building a målekort against the raw DuckDB query that fetches the same value rows.

    The målekort reads the unit's rows for this year and the `scorecard.HISTORY_YEARS` before it (year to date,
    last year, the 36-month signal window and the months before it), so the baseline is `SELECT * FROM values` for
    the same unit(s) and years, fetched to pandas.
    For Norge the målekort sums all offices, so its baseline fetches every office's rows for those years.
    The målekort gets the table of which unit delivered which month as a page does: read once per data version and
    shared (navdash.ui.data.month_deliveries), so its reading is not part of the timing.
    """
    from navdash import aggregate, scorecard
    from navdash.periods import parse_period

    period = parse_period(scale.last_period)
    first_year = period.year - scorecard.HISTORY_YEARS
    office = office_ids(scale)[0][0]
    lines = []
    with store.reading(db) as con:
        deliveries = aggregate.month_deliveries(con)
        for unit, label, where in ((office, f"kontor {office}", "unit_id = ?"),
                                   ("0000", "Norge (summert fra alle kontorene)", "? IS NOT NULL")):
            raw_sql = f'SELECT * FROM "values" WHERE {where} AND year BETWEEN ? AND ?'
            n = len(con.execute(raw_sql, [unit, first_year, period.year]).df())
            raw = _median_seconds(lambda sql=raw_sql, u=unit: con.execute(sql, [u, first_year, period.year]).df(),
                                  repeat)
            built = _median_seconds(lambda u=unit: scorecard.build(con, u, period, None, deliveries), repeat)
            lines.append(f"Målekort for {label}, {period.label()}: {n1(built * 1000)} ms; rå DuckDB-spørring etter "
                         f"de samme {n0(n)} radene: {n1(raw * 1000)} ms; forhold {n1(built / raw)}×")
        lines.append(_funnel_timing(con, scale, period, repeat))
    return lines


def _funnel_timing(con: Any, scale: Scale, period: Any, repeat: int) -> str:
    """The comparison page's funnel for every office in the country against fetching the same rows raw."""
    from navdash import compare

    offices = [o for o, _f, _n in office_ids(scale)]
    indicator = indicator_specs(scale)[0]["indikator"]
    raw_sql = 'SELECT * FROM "values" WHERE indicator_id = ? AND period = ? AND list_contains(?, unit_id)'
    n = len(con.execute(raw_sql, [indicator, period.key, offices]).df())
    raw = _median_seconds(lambda: con.execute(raw_sql, [indicator, period.key, offices]).df(), repeat)
    built = _median_seconds(lambda: compare.funnel_for(con, offices, indicator, period), repeat)
    return (f"Traktdiagram for {n0(len(offices))} kontorer ({indicator}, {period.label()}): {n1(built * 1000)} ms; "
            f"rå DuckDB-spørring etter de samme {n0(n)} radene: {n1(raw * 1000)} ms; forhold {n1(built / raw)}×")


def app_write_timing(db: Path, scale: Scale, repeat: int = 51) -> list[str]:
    """A fylkesleder's comment, written `repeat` times into the application database: the median, against the
    copy of the analytic file every app write made before (`store.writing` without publishing, so the data
    version stays), and a check that the analytic file's bytes and data version did not change."""
    from navdash import access, appdb, meetings
    from navdash.ingest import sha256_of as _sha256

    office, fylke, _ = office_ids(scale)[0]
    user = access.User("Fylkesleder", "fylkesleder", fylke)
    period = scale.last_period
    indicator = indicator_specs(scale)[0]["indikator"]
    meetings.write_comment(db, user, office, indicator, period, "Første kommentar")  # creates the app database
    before = (_sha256(db), store.data_version(db))
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        meetings.write_comment(db, user, office, indicator, period, f"Kommentar nr. {i + 1}")
        times.append(time.perf_counter() - start)
    after = (_sha256(db), store.data_version(db))
    written = meetings.comments_for(db, office, period)[indicator].text
    copy = _median_seconds(lambda: _copy_only(db), 5)
    median = sorted(times)[len(times) // 2]
    backend = appdb.engine(db).dialect.name
    backend_text = "PostgreSQL" if backend == "postgresql" else "SQLite (WAL)"
    return [
        f"Appskriving (kommentar, {backend_text}), median av {repeat}: {n1(median * 1000)} ms "
        f"(mål: under 20 ms); kopi av den analytiske filen ({mb(db.stat().st_size)}), som hver appskriving "
        f"kostet før: {n1(copy * 1000)} ms; forhold {n1(copy / median)}× raskere nå",
        f"Den analytiske filen etter {repeat + 1} kommentarer: dataversjon {before[1]} → {after[1]}, "
        f"innhold (sha256) {'uendret' if before[0] == after[0] else 'ENDRET'}; siste kommentar lagret: "
        f"{'ja' if written == f'Kommentar nr. {repeat}' else 'nei'}",
    ]


def _copy_only(db: Path) -> None:
    with store.writing(db, publish=False, who="bench"):
        pass


# ---------------------------------------------------------------------------------------------------------
# Profile: where the import's time goes
# ---------------------------------------------------------------------------------------------------------

PROFILE = Scale(fylker=19, offices=456, indicators=60, months=11, first_year=2013)  # 300 960 rows

# Phases of the import, as (label, [(file suffix, function)], measure). DuckDB and pyarrow calls are not visible to
# cProfile (extension functions), so their time is counted in the Python function that makes them.
_PHASES: tuple[tuple[str, list[tuple[str, str]], str], ...] = (
    ("Fil: sha256, tegnsett, sjekk av CSV-formen", [("ingest.py", "sha256_of"), ("ingest.py", "_detect_encoding"),
                                                   ("bulk.py", "csv_is_plain")], "cum"),
    ("DuckDB: lesing og alle regler i SQL", [("bulk.py", "validate_values")], "tot"),
    ("Radmodellen for rader SQL ikke godtar", [("bulk.py", "_check_slow_rows")], "cum"),
    ("Radvis kontroll (Excel og uvanlige CSV-filer)", [("ingest.py", "_validate_row_by_row")], "cum"),
    ("DuckDB: duplikat-, referansekontroll, merge",
     [("ingest.py", "check_keys_and_references"), ("ingest.py", "merge")], "cum"),
    ("Arbeidskopi, migrering, checkpoint, publisering", [("store.py", "writing")], "tot"),
)


def _profile_phases(stats: Any) -> tuple[list[tuple[str, float]], float]:
    by_name: dict[tuple[str, str], tuple[float, float]] = {}
    total = 0.0
    for (file, _line, fn), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():
        key = (Path(file).name, fn)
        tot, cum = by_name.get(key, (0.0, 0.0))
        by_name[key] = (tot + tottime, cum + cumtime)
        if fn == "import_file" and file.endswith("ingest.py"):
            total = cumtime
    out = []
    for label, keys, how in _PHASES:
        out.append((label, sum(by_name.get(k, (0.0, 0.0))[0 if how == "tot" else 1] for k in keys)))
    return out, total


def profile(workdir: Path | None = None, top: int = 25) -> None:
    """cProfile over the import of a ~300 000-row slice: time by phase and the heaviest functions.

    `python -c "from navdash import bench; bench.profile()"`. cProfile slows Python code several times more than
    it slows DuckDB, pyarrow and pydantic-core, so the shares overstate the pure-Python phases somewhat.
    """
    import cProfile
    import pstats

    from navdash import ingest

    with tempfile.TemporaryDirectory(prefix="navdash-profile-") as tmp:
        work = Path(workdir) if workdir else Path(tmp)
        prep = prepare(work, PROFILE)
        start = time.perf_counter()
        report = ingest.import_file("verdier", prep["csv"], db=prep["db"], who="bench", today=TODAY)
        plain = time.perf_counter() - start
        if not report.ok:
            raise RuntimeError(report.full_report())
        prep = prepare(work, PROFILE)
        prof = cProfile.Profile()
        prof.enable()
        ingest.import_file("verdier", prep["csv"], db=prep["db"], who="bench", today=TODAY)
        prof.disable()
    stats = pstats.Stats(prof)
    phases, total = _profile_phases(stats)
    print(f"Import av {n0(report.rows)} rader: {n1(plain)} s uten profilering, {n1(total)} s med cProfile")
    for label, seconds in [*phases, ("annet", total - sum(s for _l, s in phases))]:
        print(f"  {label:<56} {n1(seconds):>6} s  {n1(100 * seconds / total):>5} %")
    stats.sort_stats("tottime").print_stats(top)
