"""Browser tests: one Streamlit server and one headless Chromium per session.

Fixtures
- `e2e_db`   (session): the database the server reads; `.kind` is "demo" or "small", `.unit_name` a unit shown on
             the start page.
- `server`   (session): base URL of `streamlit run app.py` on a free loopback port, with NAVDASH_DB = e2e_db.
- `browser`  (session): Playwright Chromium (Debian's /usr/bin/chromium).
- `page`     (function): a fresh context and page, 1400x1000, locale nb-NO; `page.console_errors` collects errors.

Helpers (import from tests.e2e.conftest): `goto_app`, `screenshot`, `axe_violations`, `format_violations`.
Every test under tests/e2e is marked `e2e`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from navdash.serve import free_port, healthy, stop

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
SCREENSHOTS = E2E / "screenshots"
DEMO_DIR = ROOT / "data" / "demo"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0
RENDER_TIMEOUT_MS = 30_000
SERIOUS = ("serious", "critical")

# Axe findings in Streamlit's own markup that our pages cannot change: (rule id, substring of the node's CSS target).
# Each entry needs a comment saying what it is and why it is not ours. Never list selectors of our own content.
AXE_IGNORED: tuple[tuple[str, str], ...] = ()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the database -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class E2EDatabase:
    path: Path
    kind: str  # "demo" (data/demo/*.csv) or "small" (tests/data)
    unit_name: str  # a unit listed on the start page without opening anything


def _demo_files_present() -> bool:
    from navdash import demo

    needed = [DEMO_DIR / f"{kind}.csv" for kind in demo.DEMO_ORDER] + [DEMO_DIR / "prioriteringer.csv"]
    return all(p.exists() for p in needed)


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> E2EDatabase:
    """The demo database when data/demo is there, otherwise the small test database."""
    from navdash import overview

    path = tmp_path_factory.mktemp("e2e-db") / "navdash.duckdb"
    if (DEMO_DIR / "enheter.csv").exists() and _demo_files_present():
        from navdash import demo

        demo.load_demo(path)
        kind = "demo"
    else:
        from tests.conftest import build_small_db

        build_small_db(path)
        kind = "small"
    units = overview.units(path)
    roots = units[units["parent_id"].isna()]
    below_root = units[units["parent_id"].isin(roots["unit_id"])].sort_values(["type", "unit_id"])
    assert not below_root.empty, "e2e-databasen har ingen enheter under rotenheten"
    return E2EDatabase(path=path, kind=kind, unit_name=str(below_root.iloc[0]["name"]))


# --- the server ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(e2e_db: E2EDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:<port>) of the app served against `e2e_db`, shared by the session."""
    yield from serve(e2e_db.path, tmp_path_factory.mktemp("e2e-server"))


@pytest.fixture
def fresh_server(e2e_db: E2EDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own that no session has visited yet (Streamlit keeps some routing state per process)."""
    yield from serve(e2e_db.path, tmp_path_factory.mktemp("e2e-fresh-server"))


def serve(db: Path, logs: Path, args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `streamlit run app.py` on a free loopback port against `db`; yield its URL; stop it by its PID.
    `args` are extra command-line options, `env` extra environment variables."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NAVDASH_DB": str(db), "PYTHONUNBUFFERED": "1", **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *args,
    ]  # fmt: skip
    with open(logs / "stdout.txt", "wb") as out, open(logs / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def output() -> str:
        return (
            f"--- stdout ---\n{(logs / 'stdout.txt').read_text(errors='replace')[-4000:]}\n"
            f"--- stderr ---\n{(logs / 'stderr.txt').read_text(errors='replace')[-4000:]}"
        )

    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit-serveren stoppet med kode {proc.returncode} før den svarte:\n{output()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit-serveren svarte ikke på {url}/_stcore/health etter "
                    f"{SERVER_START_TIMEOUT:.0f} s:\n{output()}"
                )
            time.sleep(0.2)
        yield url
    finally:
        stop(proc)


# --- the browser --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} finnes ikke. Browser-testene trenger Debians chromium: `apt-get install -y chromium` "
            "(`playwright install` kan ikke laste ned nettlesere her)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    p = context.new_page()
    p.console_errors = []
    p.on("console", lambda msg: msg.type == "error" and p.console_errors.append(msg.text))
    p.on("pageerror", lambda exc: p.console_errors.append(str(exc)))
    try:
        yield p
    finally:
        context.close()


# --- helpers ------------------------------------------------------------------------------------------------------


def wait_rendered(
    page, text: str | None = None, timeout_ms: int = RENDER_TIMEOUT_MS, allow_dialog: bool = False, where: str = ""
) -> None:
    """Wait until the script run has finished and its output (and `text`, if given) is on the screen.

    Fails at once with the traceback if Streamlit shows an exception, and on any open dialog unless `allow_dialog`.

    Streamlit sends the page over a websocket after the HTML has loaded: the root element carries
    data-test-script-state (initial -> running -> notRunning); the status widget shows while a run is going on.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    exception = page.get_by_test_id("stException")
    if text is not None:
        # Either the text or an exception: a failing script should fail the test at once, with its traceback.
        try:
            page.get_by_text(text, exact=False).or_(exception).first.wait_for(state="visible", timeout=timeout_ms)
        except PlaywrightTimeout:
            pytest.fail(f"«{text}» kom ikke fram på {where or page.url} innen {timeout_ms / 1000:.0f} s.\n"
                        + page_state(page))
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    where = where or page.url
    if exception.count():
        pytest.fail(f"Streamlit viste en feil på {where}:\n{exception.first.inner_text()}")
    dialogs = page.locator('[role="dialog"]:visible')
    if not allow_dialog and dialogs.count():
        # e.g. Streamlit's own "Page not found" modal, which also dims the page and hides it from axe.
        pytest.fail(f"uventet dialog på {where} (nå {page.url}):\n{dialogs.first.inner_text()}")
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stSkeleton"]', state="detached", timeout=timeout_ms)
    # Let fonts and the last layout pass (dataframes are canvases) settle before screenshots and axe.
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)


def page_state(page) -> str:
    """What the page showed when a wait ran out: script state, open forms' text, every message box, and a
    screenshot (tests/e2e/screenshots/feil-*.png), so a timeout in CI says what happened instead of only that it
    took too long."""
    lines = []
    try:
        app = page.locator('[data-testid="stApp"]')
        lines.append(f"skripttilstand: {app.first.get_attribute('data-test-script-state') if app.count() else '-'}")
        lines.append(f"statusmerke synlig: {page.get_by_test_id('stStatusWidget').count() > 0}")
        for alert in page.get_by_test_id("stAlert").all():
            lines.append(f"melding: {alert.inner_text()[:300]}")
        for area in page.locator("textarea, input[type=text]").all():
            value = area.input_value()
            if value:
                lines.append(f"utfylt felt: {value[:120]}")
        name = "feil-" + re.sub(r"[^a-z0-9]+", "-", page.url.lower())[-60:].strip("-")
        lines.append(f"skjermbilde: {screenshot(page, name)}")
    except Exception as exc:  # noqa: BLE001 - diagnosis must never hide the original failure
        lines.append(f"(kunne ikke lese siden: {exc})")
    if getattr(page, "console_errors", None):
        lines.append("konsollfeil: " + " | ".join(page.console_errors[-5:]))
    return "\n".join(lines)


def goto_app(
    page, url: str, text: str | None = None, timeout_ms: int = RENDER_TIMEOUT_MS, allow_dialog: bool = False
) -> None:
    """Open `url` and wait until Streamlit has rendered it (and `text` is visible, if given); see wait_rendered."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    wait_rendered(page, text, timeout_ms, allow_dialog, where=url)


def press_button(scope, name: str) -> None:
    """Press the button `name` with the keyboard (focus it, then Enter), as a keyboard user does.

    For a form's submit button right after typing in a field. With the mouse, Playwright scrolls the button into
    view and sends mouse down and up a few milliseconds apart; focus then moves from the field to the button, and
    on a busy machine Chromium's main pane sometimes jumps back to an earlier scroll position in between. The mouse
    up lands on another element and the click is lost: the form is never sent and the test times out waiting for
    the answer. Enter on the focused button does not depend on where the button is on the screen.
    """
    scope.get_by_role("button", name=name).press("Enter")


def screenshot(page, name: str) -> Path:
    """A full-page PNG in tests/e2e/screenshots/<name>.png (git-ignored); returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (name if name.endswith(".png") else f"{name}.png")
    # Streamlit scrolls inside [data-testid="stMain"] (and the sidebar), not the document, so `full_page` alone
    # would stop at the viewport: grow the viewport to the tallest scroll area for the shot, then restore it.
    viewport = page.viewport_size
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
            ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
                .map(e => e.scrollHeight))"""
    )
    try:
        if viewport and height > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 16, 16_000)})
            page.wait_for_timeout(400)  # relayout; dataframes redraw their canvases
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    return path


def screenshots_at_widths(page, name: str, widths: tuple[int, ...] = (1024, 1440), height: int = 900) -> None:
    """The page as it stands, at a laptop's width and a wide screen's: `<name>-<width>.png` for each, for a reader
    to open and look at."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        wait_rendered(page)
        screenshot(page, f"{name}-{width}")


def _ignored(rule: str, target: Iterable, ignore: Iterable[tuple[str, str]]) -> bool:
    flat = " ".join(str(t) for t in target)
    return any(rule == r and selector in flat for r, selector in ignore)


def axe_violations(page, ignore: Iterable[tuple[str, str]] = ()) -> list[dict]:
    """Serious and critical axe-core violations on the page, minus AXE_IGNORED and `ignore` (rule, selector)."""
    from axe_playwright_python.sync_playwright import Axe

    skip = AXE_IGNORED + tuple(ignore)
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        nodes = [n for n in violation["nodes"] if not _ignored(violation["id"], n.get("target", []), skip)]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def format_violations(violations: list[dict], max_nodes: int = 5) -> str:
    """Readable text for an assertion message."""
    if not violations:
        return "ingen alvorlige axe-brudd"
    lines = [f"{len(violations)} alvorlige axe-brudd:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(er)] {v['helpUrl']}")
        for node in v["nodes"][:max_nodes]:
            lines.append(f"    {' '.join(map(str, node.get('target', [])))}")
            lines.append(f"      {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    … og {len(v['nodes']) - max_nodes} til")
    return "\n".join(lines)


def choose_kind(page, label: str, columns: str) -> None:
    """Pick the kind of file on the upload page and wait until its columns are shown."""
    page.get_by_role("combobox", name="Hva inneholder filen?").click()
    page.get_by_role("option").filter(has_text=label).first.click()
    wait_rendered(page, f"Kolonner: {columns}")
