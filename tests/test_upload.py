"""The upload core: the same checks as the command line, the user's scope, and a readable history."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from navdash import access, upload
from tests.conftest import fingerprint

LEADER = access.DEMO_PERSONAS["leder"]
ANALYST = access.DEMO_PERSONAS["analytiker"]


def test_check_writes_nothing_and_commit_publishes(demo_db: Path, tmp_path: Path):
    f = tmp_path / "klubb.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,L.KLUBB,2023-03,,,12\n", encoding="utf-8")
    before = fingerprint(demo_db)
    report = upload.check(demo_db, LEADER, "verdier", f, "klubb.csv", today=date(2026, 11, 24))
    assert report.ok and report.new == 1 and fingerprint(demo_db) == before
    seen = []
    done = upload.commit(demo_db, LEADER, "verdier", f, "klubb.csv", progress=seen.append, today=date(2026, 11, 24))
    assert done.ok and done.published
    history = upload.history(demo_db)
    assert history.iloc[0]["hvem"] == "Demo-leder"
    assert history.iloc[0]["utfall"] == "importert: 1 nye, 0 endret, 0 uendret"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d:\d\d", history.iloc[0]["tid"])


def test_scope_refuses_kinds_and_roles(demo_db: Path, tmp_path: Path):
    f = tmp_path / "enheter.csv"
    f.write_text("enhet,navn,type,overordnet\n0399,NAV Test,kontor,0300\n", encoding="utf-8")
    with pytest.raises(upload.UploadRefused):
        upload.check(demo_db, LEADER, "enheter", f, "enheter.csv")
    with pytest.raises(upload.UploadRefused):
        upload.check(demo_db, access.DEMO_PERSONAS["fylkesleder"], "verdier", f, "enheter.csv")
    assert upload.check(demo_db, ANALYST, "enheter", f, "enheter.csv").ok


def test_refused_upload_is_in_the_history_with_its_problem_count(demo_db: Path, tmp_path: Path):
    f = tmp_path / "feil.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n1103,L.KLUBB,2023-01,,,5\n", encoding="utf-8")
    assert not upload.commit(demo_db, LEADER, "verdier", f, "feil.csv").ok
    row = upload.history(demo_db).iloc[0]
    assert (row["fil"], row["utfall"]) == ("feil.csv", "avvist: 1 feil")


def test_preview_and_problem_table(demo_db: Path, tmp_path: Path):
    f = tmp_path / "v.csv"
    f.write_text("enhet;indikator;periode;teller;nevner;verdi\n0312;B.15;2021-13;1;2;\n", encoding="utf-8")
    preview = upload.preview(f, "v.csv")
    assert list(preview.columns) == ["enhet", "indikator", "periode", "teller", "nevner", "verdi"]
    assert preview.iloc[0]["periode"] == "2021-13"
    report = upload.check(demo_db, ANALYST, "verdier", f, "v.csv")
    table = upload.problems_table(report)
    assert table.to_dict("records") == [{"Rad": "2", "Kolonne": "periode", "Feil": "måned 13 finnes ikke (1-12)"}]


def test_audit_log_records_the_demo_load(demo_db: Path):
    log = upload.audit_log(demo_db)
    assert set(log["hvem"]) == {"demo"} and "import verdier" in set(log["handling"])
