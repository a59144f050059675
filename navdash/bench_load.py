"""`python -m navdash bench --last`: page loads under load, with one and with two server processes.

Every load is a new session opened by a browser-less client speaking Streamlit's own websocket protocol
(navdash/ui/wire.py): an HTTP GET of the page and a websocket that runs it, timed until the script run has finished.
Each simulated user has a browser of its own that keeps the proxy's session cookie, as a real browser does until it
is closed: a user's first load has no cookie and goes to the next process in turn, every later load goes to the
same process.
So the figures are the server's work; no browser's CPU competes with it, but the client runs on the same machine.
The servers run against the national data set the import bench builds (bench.py), through `navdash.serve` (HAProxy
with sticky sessions in front of N `streamlit run app.py` processes), as in production.

Measured, all in one run so the ratios hold on any machine:

* an empty Streamlit page (one title) and the målekort of an office, each on a fresh process started as
  `navdash serve` starts it (with its warm-up session: the pages' modules imported and the caches every user
  shares filled, navdash.ui.warm): the first user's load (cold: what is computed for this user's unit and
  clearance) and the median of the next loads (warm); the målekort as a ratio to the empty page. Goals: warm
  within 1,5×, cold within 2,5×;
* 1, 5, 10 and 20 users at once, each loading an office's målekort (warm caches) a few times in its own browser,
  with 1 and with 2 processes: p95 and p95(20) ÷ p95(1). Goal: within 6× with 2 processes;
* the fylke meeting: the 24 office leaders of NAV Oslo (0300) each open their own office's målekort at the same
  moment on freshly started processes (cold), again after a comment has been saved, and once more (warm), each
  leader in the same browser all three times; and the comment's write time and the data version before and after
  it, and how the leaders were spread over the processes. Goals: p95 under 10 s cold, under 2 s warm,
  unchanged by the comment.

The demo mode has one leader identity (leder at 0312, who may see every office in the fylke): the 24 leaders are
24 sessions of it, each opening a different office. Per-user work that is keyed by the user's unit is therefore
done once, not 24 times; the per-user part left in a page (filtering the shared unit list) is a set lookup.
"""

from __future__ import annotations

import collections
import math
import os
import statistics
import threading
import time
from pathlib import Path

from navdash import bench, serve, store
from navdash.bench import Scale, n0, n1

FULL = bench.FULL
SMALL = Scale(fylker=3, offices=36, indicators=5, months=24, first_year=2021)  # Oslo (03) has 12 offices, 0312 too
SESSIONS = (1, 5, 10, 20)
SMALL_SESSIONS = (1, 2)
PROCESSES = (1, 2)
FYLKE = "0300"
LEADER_UNIT = "0312"  # the demo leader's own office
COMMENT = "Kommentar fra fylkesmøtet (last)"
EMPTY_PAGE = 'import streamlit as st\n\nst.title("Tom side")\n'


def p95(times: list[float]) -> float:
    """The 95th percentile by nearest rank (the largest of fewer than 20 samples)."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


PARTS = ("sider", "okter", "mote")


def run(small: bool = False, workdir: Path | None = None, parts: list[str] | None = None,
        reuse: bool = False) -> int:
    """The whole load bench, or only `parts` (of PARTS). `reuse`: the database an earlier run left in `workdir`
    (its national data already imported) instead of generating and importing them again."""
    import logging
    import tempfile

    # The client reads Streamlit's protobufs; Streamlit's own warnings about running without a server are noise here.
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    parts = list(parts or PARTS)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="navdash-last-") as tmp:
            return _run(SMALL if small else FULL, Path(tmp), small, parts, False)
    return _run(SMALL if small else FULL, Path(workdir).resolve(), small, parts, reuse)


class _Run:
    def __init__(self, scale: Scale, work: Path, small: bool) -> None:
        self.scale, self.work, self.small = scale, work, small
        self.db = work / "navdash.duckdb"
        self.period = scale.last_period
        self.env = {"NAVDASH_DB": str(self.db)}
        self.failures: list[str] = []
        oslo = [o for o, f, _n in bench.office_ids(scale) if f == FYLKE]
        oslo = oslo[:4] if small else oslo  # the smoke run: a few leaders are enough to run every step
        self.leaders = [f"persona=leder&enhet={o}&periode={self.period}" for o in oslo]
        self.spread = self.leaders[: 2 if small else 5]  # the offices the concurrent sessions take turns on

    def load(self, url: str, query: str, page: str = "malekort", collect_text: bool = False,
             browser=None):  # noqa: ANN001, ANN201 - a wire.Browser or None (a new browser's first visit)
        from navdash.ui import wire

        result = wire.load_page(url, page, query, collect_text=collect_text, browser=browser)
        if not result.ok:
            self.failures.append(f"{page}?{query}: {result.error or 'ukjent feil'}")
        return result

    def at_once(self, url: str, queries: list[str], rounds: int = 1, browsers: list | None = None,
                served: list[set[str]] | None = None) -> list[float]:
        """len(queries) users start together; user i loads queries[i], then the next ones, `rounds` times, each in
        its own browser (browsers[i], or a new one), which keeps the proxy's cookie between its loads. `served[i]`
        collects the processes user i's loads went to."""
        from navdash.ui import wire

        browsers = browsers if browsers is not None else [wire.Browser() for _ in queries]
        barrier = threading.Barrier(len(queries))
        times: list[float] = []
        lock = threading.Lock()

        def worker(i: int) -> None:
            barrier.wait()
            for r in range(rounds):
                result = self.load(url, queries[(i + r) % len(queries)], browser=browsers[i])
                with lock:
                    times.append(result.seconds)
                    if served is not None:
                        served[i].add(result.process)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(queries))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return times

    def logs(self, name: str) -> Path:
        path = self.work / "logger" / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def _run(scale: Scale, work: Path, small: bool, parts: list[str], reuse: bool) -> int:
    what = "liten kjøring" if small else "nasjonal skala"
    print(f"navdash bench --last ({what}): {scale.offices} kontorer, {scale.indicators} indikatorer, {scale.months} "
          f"måneder; klient: egen websocket-klient med Streamlits protokoll (ingen nettleser), på samme maskin",
          flush=True)
    if reuse and _imported(work / "navdash.duckdb", scale):
        print(f"Bruker databasen fra en tidligere kjøring i {work}", flush=True)
    else:
        prep = bench.prepare(work, scale)
        imported = bench.run_child("import", prep["db"], prep["csv"])
        if not imported["ok"]:
            print(imported["problems"])
            return 1
    r = _Run(scale, work, small)
    steps = {"sider": _cold_and_warm, "okter": _sessions, "mote": _meeting}
    for part in PARTS:
        if part in parts:
            for line in steps[part](r):
                print(line, flush=True)
    if r.failures:
        print(f"{len(r.failures)} sidevisninger feilet, den første: {r.failures[0]}")
        return 1
    print("Ingen sidevisninger feilet.")
    return 0


def _imported(db: Path, scale: Scale) -> bool:
    """Does `db` hold every value of the bench's data set at `scale`?"""
    if not db.exists():
        return False
    with store.reading(db) as con:
        return con.execute('SELECT count(*) FROM "values"').fetchone()[0] == scale.rows


def _cold_and_warm(r: _Run) -> list[str]:
    """The empty page and the målekort, each on fresh processes: first load and the median of the next ones."""
    empty = r.work / "tom_side.py"
    empty.write_text(EMPTY_PAGE, encoding="utf-8")
    own = f"persona=leder&enhet={LEADER_UNIT}&periode={r.period}"
    repeat, warm_n = (1, 2) if r.small else (3, 5)
    cold: dict[str, list[float]] = {"tom": [], "malekort": []}
    warm: dict[str, list[float]] = {"tom": [], "malekort": []}
    for i in range(repeat):  # alternating, so a busy moment on the machine hits both
        for name, app, page, query in (("tom", str(empty), "", ""), ("malekort", "app.py", "malekort", own)):
            with serve.cluster(1, env=r.env, app=app, logs=r.logs(f"{name}-{i}")) as c:
                cold[name].append(r.load(c.backends[0], query, page).seconds)
                warm[name] += [r.load(c.backends[0], query, page).seconds for _ in range(warm_n)]
    c_empty, c_card = statistics.median(cold["tom"]), statistics.median(cold["malekort"])
    w_empty, w_card = statistics.median(warm["tom"]), statistics.median(warm["malekort"])
    runs = (f"median av {repeat} ferske, oppvarmede prosesser" if repeat > 1 else "én fersk, oppvarmet prosess")
    return [
        f"Tom Streamlit-side: kald {n1(c_empty * 1000)} ms ({runs}), varm {n1(w_empty * 1000)} ms (median av "
        f"{len(warm['tom'])})",
        f"Målekort for {LEADER_UNIT} (leder): kald {n1(c_card * 1000)} ms = {n1(c_card / c_empty)}× tom side "
        f"(mål: høyst 2,5×); varm {n1(w_card * 1000)} ms = {n1(w_card / w_empty)}× tom side (mål: høyst 1,5×)",
    ]


def _sessions(r: _Run) -> list[str]:
    sessions = SMALL_SESSIONS if r.small else SESSIONS
    rounds = 1 if r.small else 3
    lines = []
    for processes in PROCESSES:
        with serve.cluster(processes, env=r.env, logs=r.logs(f"okter-{processes}")) as c:
            for backend in c.backends:  # warm caches in every process, so the figures are about serving
                for q in r.spread:
                    r.load(backend, q)
            figures = {}
            cpu = {}
            for n in sessions:
                server, client = serve.cpu_seconds(c.pids), time.process_time()
                times = r.at_once(c.url, [r.spread[i % len(r.spread)] for i in range(n)], rounds)
                cpu[n] = (serve.cpu_seconds(c.pids) - server + time.process_time() - client) / len(times)
                figures[n] = p95(times)
        first, last = figures[sessions[0]], figures[sessions[-1]]
        text = ", ".join(f"{n}: {n1(figures[n] * 1000)} ms" for n in sessions)
        goal = " (mål: høyst 6× med 2 prosesser)" if processes == 2 else ""
        lines.append(f"Samtidige økter, {processes} prosess{'er' if processes > 1 else ''}, p95 av målekort "
                     f"({rounds} visning{'er' if rounds > 1 else ''} per økt, varme mellomlagre): {text}; "
                     f"p95({sessions[-1]}) ÷ p95({sessions[0]}) = {n1(last / first)}×{goal}")
        lines.append("  " + _cpu_bound(sessions[-1], cpu[sessions[-1]], first, processes))
    return lines


def _cpu_bound(sessions: int, cpu_per_load: float, single: float, processes: int) -> str:
    """What the CPU alone allows: while `sessions` sessions each wait for a page load, the loads share this
    machine's cores, so a load takes at least `sessions` times its CPU time (server and client, measured) divided by
    the cores they can use."""
    cores = min(os.cpu_count() or 1, processes + 1)  # the processes, and the client beside them
    floor = sessions * cpu_per_load / cores
    return (f"CPU per visning (servere og klient, målt): {n1(cpu_per_load * 1000)} ms; når {sessions} økter venter "
            f"på hver sin visning og deler {cores} kjerner, tar en visning minst ca. {n1(floor * 1000)} ms, så "
            f"p95 ÷ p95(1) kan ikke bli lavere enn ca. {n1(floor / single)}× på denne maskinen")


def _meeting(r: _Run) -> list[str]:
    from navdash import access, meetings
    from navdash.ui import wire

    lines = []
    office = r.leaders[0].split("enhet=")[1].split("&")[0]
    indicator = bench.indicator_specs(r.scale)[0]["indikator"]  # a styringsparameter, shown on the målekort
    for processes in PROCESSES:
        with serve.cluster(processes, env=r.env, logs=r.logs(f"mote-{processes}")) as c:
            browsers = [wire.Browser() for _ in r.leaders]  # each leader's own, kept through the meeting
            served: list[set[str]] = [set() for _ in r.leaders]
            cold = r.at_once(c.url, r.leaders, browsers=browsers, served=served)
            before = store.data_version(r.db)
            start = time.perf_counter()
            meetings.write_comment(r.db, access.User("Fylkesleder", "fylkesleder", FYLKE), office, indicator,
                                   r.period, f"{COMMENT} {processes}")
            write_ms = (time.perf_counter() - start) * 1000
            after_version = store.data_version(r.db)
            after = r.at_once(c.url, r.leaders, browsers=browsers, served=served)
            warm = r.at_once(c.url, r.leaders, browsers=browsers, served=served)
            shown = r.load(c.url, r.leaders[0], collect_text=True, browser=browsers[0])
        seen = any(f"{COMMENT} {processes}" in t for t in shown.texts)
        lines.append(
            f"Fylkesmøtet, {len(r.leaders)} ledere i NAV Oslo åpner hvert sitt målekort samtidig, {processes} "
            f"prosess{'er' if processes > 1 else ''}: p95 kald {n1(p95(cold))} s (mål: under 10 s), etter en "
            f"kommentar {n1(p95(after))} s, varm {n1(p95(warm))} s (mål: under 2 s)")
        lines.append(
            f"  Kommentaren: skrevet på {n1(write_ms)} ms; dataversjon {before} → {after_version} "
            f"({'uendret' if before == after_version else 'ENDRET'}); vist på målekortet for {office} ved neste "
            f"sidevisning: {'ja' if seen else 'nei'}")
        spread = collections.Counter(b.process for b in browsers)
        stayed = sum(len(s) == 1 for s in served)
        lines.append(
            f"  Hver leder har sin egen nettleser, som beholder proxyens informasjonskapsel: lederne fordelt "
            f"{', '.join(f'{p}: {n}' for p, n in sorted(spread.items()))}; {stayed} av {len(served)} ble på "
            f"samme prosess alle tre rundene")
        if not seen:
            r.failures.append(f"kommentaren ble ikke vist på målekortet for {office}")
    lines.append(f"({n0(len(r.leaders) * 3 * len(PROCESSES))} sidevisninger i møtemålingen)")
    return lines
