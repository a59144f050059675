"""Two Streamlit processes behind the real HAProxy (`navdash.serve`, as `python -m navdash serve --prosesser 2`
runs it): pages load through the proxy, each browser stays on one process, the two browsers are spread over both,
and a comment written in one browser's session shows in the other's, whichever process serves it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from navdash import serve
from tests.conftest import copy_db
from tests.e2e.conftest import goto_app, press_button, screenshot, wait_rendered

COMMENT = "Kommentar skrevet gjennom proxyen"
SLOW_MS = 120_000  # two cold processes on a busy machine: each first page run imports and caches from scratch


def _process(context) -> str:
    """The process the proxy pinned this browser to (its sticky-session cookie)."""
    return next(c["value"] for c in context.cookies() if c["name"] == serve.COOKIE)


def test_two_processes_behind_haproxy(browser, e2e_db, tmp_path: Path, monkeypatch):
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        pytest.fail("haproxy mangler: apt-get install haproxy (scripts/test.sh installerer den)")
    if e2e_db.kind != "demo":
        raise AssertionError("proxytesten trenger demodatabasen (data/demo/*.csv)")
    monkeypatch.delenv("NAVDASH_APPDB_URL", raising=False)  # the SQLite file beside the DuckDB file, shared
    db = copy_db(e2e_db.path, tmp_path / "navdash.duckdb")
    with serve.cluster(2, env={"NAVDASH_DB": str(db)}, logs=tmp_path / "logger") as cluster:
        config = cluster.config.read_text(encoding="utf-8")
        assert config.count("\n    server p") == 2 and f"cookie {serve.COOKIE} insert" in config

        # Two browsers (separate cookie jars) through the same proxy address: round-robin puts them on different
        # processes, and each stays on its own for every later request, the websocket included.
        writer = browser.new_context(viewport={"width": 1024, "height": 900}, locale="nb-NO")
        reader = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
        try:
            for context in (writer, reader):
                context.set_default_timeout(SLOW_MS)
            a, b = writer.new_page(), reader.new_page()
            malekort = f"{cluster.url}/malekort?persona=fylkesleder&enhet=0312&periode=2022-12"
            goto_app(b, malekort, text="Målekort for 0312", timeout_ms=SLOW_MS)
            goto_app(a, f"{cluster.url}/styringsdialog?persona=fylkesleder&maned=2022-12", text="Månedsmøtet",
                     timeout_ms=SLOW_MS)
            assert {_process(writer), _process(reader)} == {"p1", "p2"}
            pinned = _process(writer)

            a.get_by_role("button", name="Åpne møtet for desember 2022").click()
            wait_rendered(a, "Kontorene i NAV Oslo", timeout_ms=SLOW_MS)
            meeting = re.search(r"mote=(\d+)", a.url)[1]
            goto_app(a, f"{cluster.url}/styringsdialog?persona=fylkesleder&mote={meeting}&kontor=0312",
                     text="Skriv en kommentar til et resultat", timeout_ms=SLOW_MS)
            a.get_by_text("Skriv en kommentar til et resultat").click()
            a.get_by_label("Kommentar (tom tekst fjerner kommentaren)").fill(COMMENT)
            press_button(a, "Lagre kommentaren")
            wait_rendered(a, COMMENT, timeout_ms=SLOW_MS)
            assert _process(writer) == pinned  # the whole session stayed on one process
            screenshot(a, "proxy-skriver-1024")

            # The other browser, on the other process: its next page load shows the comment.
            goto_app(b, malekort, text=COMMENT, timeout_ms=SLOW_MS)
            assert _process(reader) != pinned
            screenshot(b, "proxy-leser-bred")
        finally:
            writer.close()
            reader.close()
