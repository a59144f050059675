"""Warming a server process (navdash.ui.warm): the shared caches are filled once per data version, a newly published
version is warmed without a page view, and `navdash serve` lets no user in before its warm-up session has run."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
import streamlit as st

from navdash import aggregate, ingest, overview, paths, serve, store
from navdash.ui import data, warm, wire
from tests.conftest import TODAY


@pytest.fixture
def fresh(monkeypatch):
    """No warming state or cached entries from other tests; every shared loader's core call counted."""
    monkeypatch.setattr(warm, "_warmed", {})
    monkeypatch.setattr(warm, "_watching", set())
    monkeypatch.setattr(warm, "_stop", threading.Event())
    monkeypatch.setattr(warm, "_threads", [])
    st.cache_data.clear()
    st.cache_resource.clear()
    calls: dict[str, int] = {}
    shared = [(overview, name) for name in ("unit_options", "unit_parents", "months_with_data", "month_coverage")]
    for module, name in [*shared, (aggregate, "month_deliveries")]:  # every read of the deliveries table
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    yield calls
    warm.stop()  # no thread of this test may go on reading the database after it (or at interpreter exit)
    assert not any(t.is_alive() for t in warm._threads)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_warming_fills_the_shared_caches_once(small_db: Path, fresh):
    db, version = str(small_db), store.data_version(small_db)
    done = warm.start(db, version)
    assert done.wait(120)
    assert warm.start(db, version) is done  # a second page view starts nothing
    warmed = dict(fresh)
    assert warmed == {"unit_options": 1, "unit_parents": 1, "months_with_data": 1, "month_coverage": 1,
                      "month_deliveries": 1}
    # The pages' own calls are now cache hits, with the values they would have computed themselves.
    assert data.all_unit_options(db, version) == overview.unit_options(small_db)
    assert data.unit_parents(db, version) == overview.unit_parents(small_db)
    assert data.months_with_data(db, version) == overview.months_with_data(small_db)
    data.month_coverage(db, version, warm.START_PAGE_MONTHS)
    # A målekort's default month and coverage come from the warmed deliveries table, whichever unit it is for.
    month = data.latest_complete_month(db, version, "0300")
    assert month is not None
    assert data.scorecard(db, version, "0300", month, "ingen").coverage.complete
    assert {k: fresh[k] - warmed[k] for k in warmed} == {"unit_options": 1, "unit_parents": 1,
                                                         "months_with_data": 1, "month_coverage": 0,
                                                         "month_deliveries": 0}
    assert month == overview.latest_complete_month(small_db, "0300")


def test_with_approval_of_months_both_cutoffs_are_warmed_without_a_user(small_db: Path, fresh, monkeypatch, caplog):
    """No user in the warming thread: it warms what an analytiker reads (every month) and what everyone else reads
    (the approved months), each once, and the page's own calls under the public cut-off are hits."""
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    db, version = str(small_db), store.data_version(small_db)
    with caplog.at_level(logging.ERROR, logger=warm.__name__):
        assert warm.start(db, version).wait(120)
    assert not caplog.records
    assert fresh["unit_options"] == 2 and len(data.cutoffs(db, version)) == 2
    with data.as_cutoff(data.public_until(db, version)):
        data.all_unit_options(db, version)
    with data.as_cutoff(None):
        data.all_unit_options(db, version)
    assert fresh["unit_options"] == 2


def test_a_new_data_version_is_warmed_without_a_page_view(small_db: Path, fresh, monkeypatch):
    monkeypatch.setattr(warm, "WATCH_SECONDS", 0.05)
    db, first = str(small_db), store.data_version(small_db)
    assert warm.start(db, first).wait(120)
    report = ingest.import_file("verdier", _one_new_value(small_db), db=small_db, today=TODAY, who="test")
    assert report.ok and report.published, report.full_report()
    second = store.data_version(small_db)
    assert second != first
    for _ in range(600):
        if (db, second) in warm._warmed and warm._warmed[(db, second)].is_set():
            break
        threading.Event().wait(0.1)
    assert warm._warmed[(db, second)].is_set()
    assert fresh["unit_options"] == 2  # once per version


def _one_new_value(db: Path) -> Path:
    """A verdier file with one value that is not in the database yet (a publish that changes something)."""
    with store.reading(db) as con:
        unit, indicator, period = con.execute(
            """SELECT unit_id, indicator_id, max(period) FROM "values" v JOIN indicators USING (indicator_id)
               WHERE period_kind = 'M' AND aggregation <> 'forholdstall' GROUP BY ALL LIMIT 1""").fetchone()
    path = db.parent / "ny_verdi.csv"
    path.write_text(f"enhet;indikator;periode;teller;nevner;verdi\n{unit};{indicator};{period};;;123456\n",
                    encoding="utf-8")
    return path


def test_stopping_ends_the_watcher_at_once_and_starts_nothing_more(small_db: Path, fresh):
    db, version = str(small_db), store.data_version(small_db)
    assert warm.WATCH_SECONDS >= 5  # the watcher would otherwise sleep that long before it looked again
    assert warm.start(db, version).wait(120)
    watchers = [t for t in warm._threads if t.name == "navdash-dataversjon"]
    assert len(watchers) == 1 and watchers[0].is_alive()
    started = threading.Event()
    threading.Thread(target=lambda: (started.set(), warm.stop())).start()
    assert started.wait(5)
    watchers[0].join(2)  # well under WATCH_SECONDS: stopping wakes it
    assert not watchers[0].is_alive()
    assert not warm._watching
    # After a stop, a new data version starts no thread: the event is set at once and pages fill the caches.
    assert warm.start(db, version + 1).is_set()
    assert not any(t.is_alive() for t in warm._threads)


def test_page_tests_start_no_warming_threads():
    assert not warm.in_server()


def test_serve_starts_with_a_warm_up_session(small_db: Path, tmp_path: Path):
    """`serve` runs its warm-up session (which draws nothing and logs no failure) before it hands out the proxy's
    address; page views after it are normal ones."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    logs = tmp_path / "logger"
    with serve.cluster(1, env={"NAVDASH_DB": str(small_db)}, logs=logs) as cluster:
        again = wire.load_page(cluster.backends[0], "", f"{warm.WARMUP_PARAM}=1", collect_text=True, timeout=300)
        assert again.ok and again.texts == ()  # the warm-up run draws nothing, and the warming is already done
        page = wire.load_page(cluster.url, "", "persona=leder", collect_text=True, timeout=300)
        assert page.ok and page.texts, page.error
    log = (logs / "prosess-1.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "Oppvarmingen" not in log
