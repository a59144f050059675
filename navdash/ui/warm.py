"""Warming a server process: the modules pages import and the caches every user shares, filled once per process
and data version in a background thread, so the first user after a start or a publish does not wait for them.

What is warmed is what every page view needs whoever the user is: the imports of the page modules (pandas, plotly,
the core), and the shared, per-data-version caches of navdash.ui.data (the unit tree, the units a picker offers,
the months with data, the basis of every viewer's small-number mask). Nothing per user is warmed.

`start` is called by app.py on every run; only the first call for a (database, data version) in a process starts
the work, and it also starts a watcher that warms each newly published data version in the background, so the
first page view after an import does not pay for it either. `python -m navdash serve` opens one session per
process with `?oppvarming=1` before the proxy sends users to it; such a run waits until the warming is done and
draws nothing else (`WARMUP_PARAM`).
"""

from __future__ import annotations

import atexit
import importlib
import logging
import threading
import time

WARMUP_PARAM = "oppvarming"
WATCH_SECONDS = 10.0
WAIT_SECONDS = 600.0
START_PAGE_MONTHS = 12  # views/start.py's coverage table

# The modules the pages import, in the order a cold målekort needs them. scipy.special is imported by the season
# test (navdash.signals) only when a målekort is first built: 0,3 s of a cold målekort at national scale.
MODULES = (
    "pandas", "plotly.graph_objects", "plotly.subplots", "scipy.special", "navdash.scorecard", "navdash.meetings",
    "navdash.goals", "navdash.practices", "navdash.priorities", "navdash.compare", "navdash.quality", "navdash.survey",
    "navdash.tertial", "navdash.exports", "navdash.ui.pickers", "navdash.ui.scorecard_view",
    "navdash.ui.comment_form", "navdash.ui.downloads", "navdash.ui.layout", "navdash.ui.norsk",
    "navdash.ui.meeting_view", "navdash.ui.compare_view", "navdash.ui.survey_view", "navdash.ui.tertial_view",
)

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_warmed: dict[tuple[str, int], threading.Event] = {}
_watching: set[str] = set()
_stop = threading.Event()  # set by `stop`: no new work, and the watcher leaves at once
_threads: list[threading.Thread] = []
STOP_SECONDS = 10.0


def in_server() -> bool:
    """True in a real Streamlit server (not in a page test, whose runtime is a stand-in): only there is warming
    worth a thread."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime


def start(db: str, version: int) -> threading.Event:
    """Warm this process for `db` at `version` in the background (once), and keep warming new versions; the event
    is set when the warming is done (or failed: a failure is logged, and pages then fill the caches themselves)."""
    with _lock:
        done = _warmed.get((db, version))
        if done is None:
            done = _warmed[(db, version)] = threading.Event()
            if _stop.is_set():  # the process is stopping: pages fill the caches themselves
                done.set()
                return done
            _spawn(_warm, (db, version, done), "navdash-oppvarming")
        if db not in _watching and not _stop.is_set():
            _watching.add(db)
            _spawn(_watch, (db,), "navdash-dataversjon")
    return done


def _spawn(target: object, args: tuple, name: str) -> None:
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)  # type: ignore[arg-type]
    _threads.append(thread)
    thread.start()


def stop() -> None:
    """Stop the watcher and wait (a while) for warming in progress, so no background thread is inside DuckDB
    while the interpreter shuts down: a daemon thread that is stopped there, in native code, can abort the whole
    process. Registered with atexit (atexit runs before daemon threads are stopped); tests call it too."""
    _stop.set()
    _watching.clear()
    deadline = time.monotonic() + STOP_SECONDS
    for thread in list(_threads):
        thread.join(max(0.0, deadline - time.monotonic()))
    _threads[:] = [t for t in _threads if t.is_alive()]


atexit.register(stop)


def _warm(db: str, version: int, done: threading.Event) -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
        from navdash.ui import data

        data.mask_basis(db, version)
        for until in data.cutoffs(db, version):  # with approval of months on: every month, and the public ones
            with data.as_cutoff(until):
                data.meta(db, version)
                data.unit_parents(db, version)
                data.all_unit_options(db, version)
                data.units(db, version)
                data.months_with_data(db, version)
                data.data_status(db, version)  # the start page's
                data.value_coverage(db, version)
                data.month_deliveries(db, version)  # every unit's month coverage (the målekort's default month)
                data.month_coverage(db, version, START_PAGE_MONTHS)
    except Exception:  # a damaged or replaced file: the page that needs the cache reports it in Norwegian
        _log.exception("Oppvarmingen for dataversjon %s feilet", version)
    finally:
        done.set()


def _watch(db: str) -> None:
    """Warm each data version published after the first page view, as soon as it is seen."""
    from pathlib import Path

    from navdash import store

    while db in _watching and not _stop.wait(WATCH_SECONDS):
        if db not in _watching:  # stopped while waiting
            break
        try:
            version = store.data_version(Path(db))
        except Exception:  # the file is being replaced or is gone; the next round looks again  # noqa: BLE001
            continue
        start(db, version)
