"""Two app servers in front of one PostgreSQL and one published DuckDB file, as in production: a comment written
through one shows on the next page load of the other, and an import published from the command line is picked up
by both, without a restart."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _fresh_pg_database, copy_db
from tests.e2e.conftest import ROOT, goto_app, press_button, screenshot, serve, wait_rendered

COMMENT = "Felles kommentar fra fylket – sett fra begge serverne"


@pytest.fixture
def shared_postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL database, exported as NAVDASH_APPDB_URL to this process and to the servers it starts."""
    yield from _fresh_pg_database(monkeypatch)


def _version(page) -> int:
    caption = page.get_by_text(re.compile(r"Dataversjon \d+")).first.inner_text()
    return int(re.search(r"Dataversjon (\d+)", caption)[1])


def test_two_servers_share_comments_and_imports(page, e2e_db, shared_postgres, tmp_path: Path):
    if e2e_db.kind != "demo":
        raise AssertionError("the replica browser test needs the demo database (data/demo/*.csv)")
    db = copy_db(e2e_db.path, tmp_path / "navdash.duckdb")  # one published file, app records in PostgreSQL
    first = serve(db, _logs(tmp_path, "a"))
    second = serve(db, _logs(tmp_path, "b"))
    try:
        url_a, url_b = next(first), next(second)
        malekort = "/malekort?persona=fylkesleder&enhet=0312&periode=2022-12"

        # Server B renders the office's målekort first, so its cached analytics are warm before the comment.
        goto_app(page, url_b + malekort, text="Målekort")
        assert COMMENT not in page.inner_text("body")
        version = _version(page)

        # Server A: the fylkesleder opens the meeting and comments on one of the office's parameters.
        goto_app(page, f"{url_a}/styringsdialog?persona=fylkesleder&maned=2022-12", text="Månedsmøtet")
        page.get_by_role("button", name="Åpne møtet for desember 2022").click()
        wait_rendered(page, "Kontorene i NAV Oslo")
        meeting = re.search(r"mote=(\d+)", page.url)[1]
        goto_app(page, f"{url_a}/styringsdialog?persona=fylkesleder&mote={meeting}&kontor=0312",
                 text="Skriv en kommentar til et resultat")
        page.get_by_text("Skriv en kommentar til et resultat").click()
        page.get_by_label("Kommentar (tom tekst fjerner kommentaren)").fill(COMMENT)
        press_button(page, "Lagre kommentaren")
        wait_rendered(page, COMMENT)

        # Server B: the next page load shows it, and the analytic data version is the same as before.
        goto_app(page, url_b + malekort, text=COMMENT)
        assert _version(page) == version
        screenshot(page, "replika-b-kommentar")

        # An import published from the command line reaches both servers on their next page load.
        new = tmp_path / "verdier.csv"
        new.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,B.15,2022-12,1,4,\n", encoding="utf-8")
        env = {**os.environ, "NAVDASH_DB": str(db)}
        done = subprocess.run([sys.executable, "-m", "navdash", "import", "verdier", str(new), "--who", "drift"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        for url in (url_a, url_b):
            goto_app(page, url + malekort, text="Målekort")
            assert _version(page) == version + 1, url
            assert COMMENT in page.inner_text("body")
    finally:
        first.close()
        second.close()


def _logs(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"server-{name}"
    path.mkdir()
    return path
