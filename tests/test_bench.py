"""The bench runs end to end at small scale; its figures are reported, never asserted."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from navdash import bench


def test_small_bench_imports_every_generated_row(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("NAVDASH_APPDB_URL", raising=False)  # the embedded application database
    assert bench.run(small=True, workdir=tmp_path) == 0
    out = capsys.readouterr().out

    with open(tmp_path / "verdier.csv", encoding="utf-8") as fh:
        generated = sum(1 for _ in fh) - 1  # minus the header
    assert generated == bench.SMALL.rows == 720

    con = duckdb.connect(str(tmp_path / "navdash.duckdb"), read_only=True)
    try:
        imported = con.execute('SELECT count(*) FROM "values"').fetchone()[0]
        distinct = con.execute('SELECT count(DISTINCT (unit_id, indicator_id, period)) FROM "values"').fetchone()[0]
    finally:
        con.close()
    assert imported == distinct == generated

    assert "DuckDB read_csv av samme fil" in out
    assert "forhold" in out and "×" in out
    assert f"Import av {bench.n0(generated)} rader" in out
    assert f"Ny import av samme fil ({bench.n0(generated)} uendret, 0 nye, 0 endret)" in out
    assert f"Målekort for kontor {bench.office_ids(bench.SMALL)[0][0]}" in out
    assert "Målekort for Norge (summert fra alle kontorene)" in out
    assert out.count("rå DuckDB-spørring etter de samme") == 3
    assert f"Traktdiagram for {bench.SMALL.offices} kontorer" in out

    # The app write: measured, and the analytic file untouched by it (bytes and data version), without timings.
    write = re.search(r"Appskriving \(kommentar, SQLite \(WAL\)\), median av 51: [\d,]+ ms .*kopi av den "
                      r"analytiske filen .*: [\d,]+ ms; forhold [\d,]+× raskere nå", out)
    assert write, out
    check = re.search(r"Den analytiske filen etter 52 kommentarer: dataversjon (\d+) → (\d+), innhold \(sha256\) "
                      r"(\w+); siste kommentar lagret: (\w+)", out)
    assert check and check[1] == check[2] and check[3] == "uendret" and check[4] == "ja", out


def test_generated_values_are_deterministic(tmp_path: Path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    bench.write_values(a, bench.SMALL)
    bench.write_values(b, bench.SMALL)
    assert a.read_bytes() == b.read_bytes()


def test_norwegian_number_formats():
    assert bench.n0(3_283_200) == "3\u00a0283\u00a0200"
    assert bench.n1(41.24) == "41,2"
    assert bench.rate(3_283_200, 41.2) == "79\u00a0700"
