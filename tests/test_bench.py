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


def test_signal_bench_reports_false_alarms_and_detections(capsys):
    from navdash import bench_signals
    from navdash.__main__ import main

    assert main(["bench", "--signaler", "--small"]) == 0
    out = capsys.readouterr().out
    assert "Import av" not in out  # only the signal part ran
    assert "Falske alarmer:" in out and "Verste kalendermåned:" in out and "Oppdaget innen 12 måneder" in out
    data = bench_signals.generate(bench_signals.SMALL_OFFICES)
    assert len(data) == bench_signals.SMALL_OFFICES * len(bench_signals.KINDS)
    outcome = bench_signals.evaluate(data)
    # The counts add up: every unchanged evaluation month is either signalled or silent, every planted change
    # is detected, missed in a thin series, or missed.
    changed = [s for s in data if s.change_at is not None]
    assert outcome.changes == len(changed)
    assert outcome.detected + outcome.thin_changes <= outcome.changes
    unchanged_months = sum(
        (s.change_at if s.change_at is not None else bench_signals.MONTHS) - bench_signals.EVAL_START for s in data
    )
    assert outcome.signalled + outcome.silent == unchanged_months
    assert sum(outcome.per_month_total.values()) == outcome.signalled
    assert f"{outcome.false_alarms} av {outcome.signalled}" in out
    assert "et orakel som kjenner hver series sanne nivå" in out


def test_signal_bench_truth_is_planted_where_it_says():
    from navdash import bench_signals

    data = bench_signals.generate(40)
    changed = [s for s in data if s.change_at is not None]
    assert 0.25 < len(changed) / len(data) < 0.55
    lo, hi = bench_signals.CHANGE_RANGE
    assert all(lo <= s.change_at < hi and s.direction in (-1, 1) for s in changed)  # type: ignore[operator]
    # A planted change moves the level in its direction: compare a year before with a year after, for large offices.
    big = [s for s in changed if s.employees > 60 and s.kind in ("andel", "andel_sesong")]
    for s in big:
        before = [v for v in s.shown[s.change_at - 12:s.change_at] if v is not None]  # type: ignore[operator]
        after = [v for v in s.shown[s.change_at:s.change_at + 12] if v is not None]  # type: ignore[operator]
        assert (sum(after) / len(after) - sum(before) / len(before)) * s.direction > 0


def test_p95_is_the_nearest_rank():
    import numpy as np

    from navdash import bench_load

    for n in (1, 3, 19, 20, 21, 72):
        times = [((i * 37) % n) / 10 for i in range(n)]  # a shuffled 0, 0,1, … (n-1)/10
        assert bench_load.p95(times) == float(np.percentile(times, 95, method="inverted_cdf"))


def test_haproxy_config_is_sticky_and_passes_the_websocket():
    from navdash import serve

    config = serve.haproxy_config(("127.0.0.1", 8501), [("127.0.0.1", 9001), ("127.0.0.1", 9002)])
    assert "bind 127.0.0.1:8501" in config
    assert re.findall(r"server (p\d) 127\.0\.0\.1:(\d+) .*cookie (p\d)", config) == [("p1", "9001", "p1"),
                                                                                  ("p2", "9002", "p2")]
    assert f"cookie {serve.COOKIE} insert" in config and "timeout tunnel" in config
    assert "option httpchk GET /_stcore/health" in config


def test_load_bench_runs_at_tiny_scale(tmp_path: Path, capsys, monkeypatch):
    """`bench --last --small`: every step runs against real servers behind the real proxy; figures not asserted."""
    from navdash import bench_load
    from navdash.__main__ import main

    monkeypatch.delenv("NAVDASH_APPDB_URL", raising=False)
    # In two parts, as one re-measures after a change: the pages on fresh data, then the rest on the same database.
    assert main(["bench", "--last", "--small", "--workdir", str(tmp_path), "--kun", "sider"]) == 0
    out = capsys.readouterr().out
    number = r"[\d\u00a0]+,\d"
    assert re.search(rf"Tom Streamlit-side: kald {number} ms .*varm {number} ms", out), out
    assert re.search(rf"Målekort for 0312 \(leder\): kald {number} ms = {number}× tom side .*varm {number} ms = "
                     rf"{number}× tom side", out), out
    assert "Samtidige økter" not in out and "Fylkesmøtet" not in out and "tidligere kjøring" not in out
    assert main(["bench", "--last", "--small", "--workdir", str(tmp_path), "--kun", "okter", "--kun", "mote",
                 "--gjenbruk"]) == 0
    out = capsys.readouterr().out
    assert f"Bruker databasen fra en tidligere kjøring i {tmp_path}" in out and "Tom Streamlit-side" not in out
    for processes in bench_load.PROCESSES:
        assert re.search(rf"Samtidige økter, {processes} prosess(er)?, p95 .*1: {number} ms, 2: {number} ms; "
                         rf"p95\(2\) ÷ p95\(1\) = {number}×", out), out
        meeting = re.search(rf"Fylkesmøtet, 4 ledere i NAV Oslo .*{processes} prosess(er)?: p95 kald {number} s .*"
                            rf"etter en kommentar {number} s, varm {number} s", out)
        assert meeting, out
    assert len(re.findall(rf"CPU per visning \(servere og klient, målt\): {number} ms; når 2 økter venter på hver "
                          rf"sin visning og deler \d kjerner, tar en visning minst ca\. {number} ms, så p95 ÷ "
                          rf"p95\(1\) kan ikke bli lavere enn ca\. {number}×", out)) == len(bench_load.PROCESSES), out
    # The comment is written to the application database: the analytic data version stays, and the comment shows.
    comments = re.findall(r"Kommentaren: skrevet på [\d\u00a0]+,\d ms; dataversjon (\d+) → (\d+) \((\w+)\); vist på "
                          r"målekortet for 0301 ved neste sidevisning: (\w+)", out)
    assert len(comments) == len(bench_load.PROCESSES)
    assert all(a == b and same == "uendret" and shown == "ja" for a, b, same, shown in comments), out
    # Each leader's browser keeps the proxy's cookie: the first visits are dealt in turn, the later ones stay.
    spreads = re.findall(r"lederne fordelt (.*); (\d+) av 4 ble på samme prosess alle tre rundene", out)
    assert [s for s, _stayed in spreads] == ["p1: 4", "p1: 2, p2: 2"], out
    assert [stayed for _s, stayed in spreads] == ["4", "4"], out
    assert "Ingen sidevisninger feilet." in out


def test_signal_bench_oracle_keeps_its_false_alarms_and_catches_a_plain_step():
    from dataclasses import replace

    import numpy as np

    from navdash import bench_signals

    data = bench_signals.generate(40)
    for kind in bench_signals.KINDS:
        result = bench_signals.oracle(data, kind)
        assert result.false_alarm_rate <= bench_signals.GOAL_FALSE
        rows = [s for s in data if s.kind == kind]
        fa, judged, _d, _c = bench_signals._oracle_run(rows, result.threshold * 0.9)
        assert fa / judged > bench_signals.GOAL_FALSE or result.threshold < 0.5  # the lowest such threshold
    # Independent of the data: a series sitting exactly on its true mean never signals; the same series moved up
    # by two standard deviations from month 40 is caught within a few months (the CUSUM gains 2 - k a month).
    template = next(s for s in data if s.kind == "andel" and s.change_at is None)
    mean, sd = bench_signals._truth(template)
    flat = replace(template, shown=[float(v) for v in mean])
    fa, judged, _d, _c = bench_signals._oracle_run([flat], 3.0)
    assert fa == 0 and judged > 0
    stepped = replace(template, shown=[float(m + (2 * s if i >= 40 else 0)) for i, (m, s) in
                                       enumerate(zip(mean, sd, strict=True))], change_at=40, direction=1)
    _fa, _j, detected, changes = bench_signals._oracle_run([stepped], 3.0)
    assert (detected, changes) == (1, 1)
    assert np.ceil(3.0 / (2 - bench_signals.ORACLE_K)) < bench_signals.DETECT_WITHIN


def test_cpu_seconds_reads_what_a_process_has_used():
    import os
    import time

    from navdash import serve

    start = time.process_time()
    while time.process_time() - start < 0.3:  # burn some CPU in this process
        sum(i * i for i in range(10_000))
    used, reported = time.process_time(), serve.cpu_seconds((os.getpid(),))
    tick = 1 / os.sysconf("SC_CLK_TCK")
    assert used - 3 * tick <= reported <= used + 3 * tick
    assert reported >= 0.3 - 3 * tick
    assert serve.cpu_seconds((2**22 + 12345,)) == 0  # no such process
