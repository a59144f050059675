"""Safe output and a login that fails closed, in a real browser against a real server: a markdown link in the URL and
markup in unit and indicator names are shown as text (no link, no image, nothing fetched from outside); a malformed
secrets file and `NAVDASH_PRODUKSJON=on` give a Norwegian stop, never the demo personas."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import duckdb
import pytest

from tests.e2e.conftest import axe_violations, format_violations, goto_app, screenshot, serve

ATTACK = "[KLIKK](https://evil.example/x) ![u](https://evil.example/u.png)"
NAME = "NAV Frogner [KLIKK](https://evil.example/x) ![u](https://evil.example/u.png) <img src=https://evil.example/i.png>"


@pytest.fixture(scope="module")
def evil_server(e2e_db, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on a copy of the e2e database where an office and every indicator carry markup in their texts."""
    folder = tmp_path_factory.mktemp("e2e-evil")
    db = folder / "evil.duckdb"
    shutil.copyfile(e2e_db.path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE units SET name = ? WHERE unit_id = '0312'", [NAME])
        con.execute("UPDATE indicators SET description = ?, source = ?, link = ?",
                    [ATTACK, ATTACK, "https://x.example/a)![i](https://evil.example/u.png)"])
    yield from serve(db, folder)


def _read(text: str) -> str:
    """Text as a reader sees it: the invisible word joiners that stop autolinks removed."""
    return text.replace("\u2060", "")


def _outside_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: "evil" in (urlparse(r.url).hostname or "") and seen.append(r.url))
    return seen


def _assert_text_only(page) -> None:
    main = '[data-testid="stMain"], [data-testid="stSidebar"]'
    hrefs = page.eval_on_selector_all(f":is({main}) a", "els => els.map(e => e.href)")
    images = page.eval_on_selector_all(f":is({main}) img", "els => els.map(e => e.src)")
    assert not [h for h in hrefs if "evil" in (urlparse(h).hostname or "")], hrefs  # heading anchors are ours
    assert not [i for i in images if "evil" in (urlparse(i).hostname or "")], images


@pytest.mark.parametrize("width", [1024, 1440])
def test_markdown_in_the_url_is_shown_as_text(page, evil_server, width):
    page.set_viewport_size({"width": width, "height": 1000})
    fetched = _outside_requests(page)
    goto_app(page, f"{evil_server}/malekort?persona=leder&enhet={quote(ATTACK)}", text="finnes ikke")
    error = page.get_by_test_id("stAlertContentError").first
    assert ATTACK in _read(error.inner_text())
    _assert_text_only(page)
    assert not fetched, fetched
    screenshot(page, f"sikkerhet-url-parameter-{width}")


@pytest.mark.parametrize("width", [1024, 1440])
def test_markup_in_names_is_shown_as_text(page, evil_server, width):
    page.set_viewport_size({"width": width, "height": 1000})
    fetched = _outside_requests(page)
    goto_app(page, f"{evil_server}/malekort?persona=leder&enhet=0312&periode=2021-12&indikator=B.47",
             text="Målekort for 0312", allow_dialog=True)  # the indicator's detail opens in a dialog
    title = _read(page.get_by_role("heading", level=1).first.inner_text())
    assert "[KLIKK](https://evil.example/x)" in title and "<img src=" in title
    body = _read(page.get_by_test_id("stMain").inner_text() + page.get_by_role("dialog").inner_text())
    assert f"Kilde: {ATTACK}" in body and "Følg med på statistikken" not in body
    _assert_text_only(page)
    assert not fetched, fetched
    screenshot(page, f"sikkerhet-navn-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def _stopped(page, db: Path, logs: Path, text: str, **options) -> None:
    """Serve `db` with `options` (see serve) and check that the upload page's deep link shows only the stop."""
    server = serve(db, logs, **options)
    try:
        url = next(server)
        # Even the very first request to a new server process shows only the stop (no legacy pages/ routing).
        goto_app(page, f"{url}/last-opp?persona=analytiker", text=text)
        body = page.get_by_test_id("stApp").inner_text()
        assert "Demo – ikke innlogget" not in body and "Last opp data" not in body
        assert page.locator('input[type="file"]').count() == 0
        assert page.get_by_test_id("stException").count() == 0
        screenshot(page, f"sikkerhet-stopp-{logs.name}")
    finally:
        server.close()  # stops the server by its PID


def test_malformed_secrets_file_stops_the_server_app(page, e2e_db, tmp_path: Path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "https://x/oauth2callback\n', encoding="utf-8")  # unclosed quote
    _stopped(page, e2e_db.path, tmp_path, "kan ikke leses", args=("--secrets.files", str(secrets)))


def test_production_flag_on_stops_the_server_app(page, e2e_db, tmp_path: Path):
    _stopped(page, e2e_db.path, tmp_path, "Appen starter ikke i demomodus", env={"NAVDASH_PRODUKSJON": "on"})
