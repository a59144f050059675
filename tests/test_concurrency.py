"""An import succeeds while other processes read, and no reader ever sees half an import.

Two real processes: a reader that queries the published database in a tight loop, and the command line
importing files one after another. Each file adds exactly 12 rows whose numerators are all 1, so any
consistent version satisfies count ≡ 0 (mod 12) beyond the base and sum(numerator) == count beyond the base.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from navdash import store
    db, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    seen, errors = [], []
    deadline = time.monotonic() + 120
    while not stop.exists() and time.monotonic() < deadline:
        try:
            with store.reading(db) as con:
                version = int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])
                count, total = con.execute(
                    'SELECT count(*), coalesce(sum(numerator), 0) FROM "values" WHERE indicator_id = \\'B.15\\' '
                    "AND unit_id = '0313' AND year >= 2000 AND period_kind = 'M' AND year < 2020").fetchone()
            seen.append((version, count, total))
        except Exception as exc:  # any failure to read is a failure of the design
            errors.append(repr(exc))
    out.write_text(json.dumps({"seen": seen, "errors": errors}))
""")


def _batch(path: Path, year: int) -> None:
    rows = [f"0313,B.15,{year}-{m:02d},1,2," for m in range(1, 13)]
    path.write_text("enhet,indikator,periode,teller,nevner,verdi\n" + "\n".join(rows) + "\n", encoding="utf-8")


def test_import_while_another_process_reads(small_db: Path, tmp_path: Path):
    env = {**os.environ, "NAVDASH_DB": str(small_db), "PYTHONPATH": str(ROOT)}
    out, stop = tmp_path / "reader.json", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(small_db), str(out), str(stop)], cwd=ROOT, env=env)
    try:
        time.sleep(1.0)  # let the reader get going on the first version
        years = range(2010, 2016)
        for year in years:
            f = tmp_path / f"batch_{year}.csv"
            _batch(f, year)
            done = subprocess.run([sys.executable, "-m", "navdash", "import", "verdier", str(f)], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            assert "12 nye" in done.stdout
            time.sleep(0.3)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    result = json.loads(out.read_text())
    assert result["errors"] == []
    seen = result["seen"]
    assert len(seen) > 50, "the reader should have read many times during the imports"
    versions = [v for v, _, _ in seen]
    assert versions == sorted(versions), "a reader must never go back to an older version"
    assert len(set(versions)) == len(years) + 1, "the reader should have seen every published version"
    base_version = versions[0]
    for version, count, total in seen:
        assert count == 12 * (version - base_version), f"half an import seen: {count} rows at version {version}"
        assert total == count


def test_failed_import_while_reading_leaves_no_trace(small_db: Path, tmp_path: Path):
    env = {**os.environ, "NAVDASH_DB": str(small_db), "PYTHONPATH": str(ROOT)}
    bad = tmp_path / "bad.csv"
    bad.write_text("enhet,indikator,periode,teller,nevner,verdi\n0313,B.15,2011-01,1,2,\n0313,B.15,2011-02,9,2,\n",
                   encoding="utf-8")
    before = small_db.read_bytes()
    done = subprocess.run([sys.executable, "-m", "navdash", "import", "verdier", str(bad)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "bad.csv, rad 3, kolonne «teller»: teller (9) er større enn nevner (2)" in done.stderr
    assert small_db.read_bytes() == before
    assert not list(small_db.parent.glob("*.work-*")), "no working copy may be left behind"
