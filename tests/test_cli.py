"""The command line: init, import (exit 0 with one line, exit 2 with the full report), export, and the round trip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from navdash import store

ROOT = Path(__file__).resolve().parent.parent


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NAVDASH_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "navdash", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_init_demo_export_and_reimport_changes_nothing(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    done = run(db, "init", "--demo")
    assert done.returncode == 0, done.stderr
    assert "demodata" in done.stdout and db.exists()
    again = run(db, "init", "--demo")
    assert again.returncode == 0 and "finnes allerede" in again.stdout
    out = tmp_path / "frogner.csv"
    exported = run(db, "export", "verdier", "--enhet", "0312", "--indikator", "B.15", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "enhet,indikator,periode,teller,nevner,verdi" and len(lines) == 49  # 48 months
    before, version = db.read_bytes(), store.data_version(db)
    imported = run(db, "import", "verdier", str(out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == ("frogner.csv: 48 rader verdier kontrollert: ingen endringer (48 uendret), så "
                                       "ingenting er publisert og dataversjonen er den samme.")
    assert len(imported.stdout.strip().splitlines()) == 1
    # the same rows again change nothing: no publish, so no cache is emptied
    assert db.read_bytes() == before and store.data_version(db) == version
    stdout = run(db, "export", "enheter").stdout
    assert stdout.splitlines()[1].startswith("0000,Norge,land")


def test_refused_import_exits_2_with_every_problem_and_leaves_the_file(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    assert run(db, "init", "--demo").returncode == 0
    bad = tmp_path / "feil.csv"
    bad.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-13;1;2;\n9999;B.15;2021-01;1;2;\n"
                   "0312;B.15;2021-02;5;2;\n", encoding="utf-8")
    before = db.read_bytes()
    done = run(db, "import", "verdier", str(bad))
    assert done.returncode == 2
    assert "feil.csv: avvist, 3 feil i 3 rader. Ingenting er endret i databasen." in done.stderr
    assert "feil.csv, rad 2, kolonne «periode»: måned 13 finnes ikke" in done.stderr
    assert "feil.csv, rad 3, kolonne «enhet»: ukjent enhet «9999»" in done.stderr
    assert "feil.csv, rad 4, kolonne «teller»: teller (5) er større enn nevner (2)" in done.stderr
    assert db.read_bytes() == before


def test_dry_run_and_missing_file(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    assert run(db, "init").returncode == 0
    f = tmp_path / "enheter.csv"
    f.write_text("enhet,navn,type,overordnet\n0000,Norge,land,\n", encoding="utf-8")
    before = db.read_bytes()
    done = run(db, "import", "enheter", str(f), "--dry-run")
    assert done.returncode == 0 and "tørrkjøring" in done.stdout
    assert db.read_bytes() == before
    missing = run(db, "import", "enheter", str(tmp_path / "finnes-ikke.csv"))
    assert missing.returncode == 2 and "Finner ikke filen" in missing.stderr
    wrong_kind = run(db, "import", "tull", str(f))
    assert wrong_kind.returncode == 2
