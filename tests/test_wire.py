"""The load bench's browser-less client keeps a browser's cookies: behind the real HAProxy a user's later page
loads go to the process that served the first one, and a new browser's first load goes to the next process in
turn. Which process served a load is read from the page itself (its process id), not from the cookie."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

from navdash import serve
from navdash.ui import wire

PID_PAGE = 'import os\n\nimport streamlit as st\n\nst.markdown(f"pid {os.getpid()}")\n'


def test_a_browser_keeps_the_cookies_it_was_given():
    browser = wire.Browser()
    assert browser.header() == "" and browser.process == ""
    browser.remember([f"{serve.COOKIE}=p2; path=/; HttpOnly; SameSite=Lax", "annen=1; Path=/"])
    assert browser.cookies == {serve.COOKIE: "p2", "annen": "1"}
    assert sorted(browser.header().split("; ")) == ["annen=1", f"{serve.COOKIE}=p2"]
    assert browser.process == "p2" and wire.PROCESS_COOKIE == serve.COOKIE
    browser.remember([f"{serve.COOKIE}=p1; path=/"])  # the proxy moved it (its process had stopped)
    assert browser.cookies == {serve.COOKIE: "p1", "annen": "1"}


def _pid(load: wire.Load) -> str:
    assert load.ok, load.error
    return next(t for t in load.texts if t.startswith("pid "))


def test_behind_the_proxy_a_browser_returns_to_its_process(tmp_path: Path):
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    page = tmp_path / "pid.py"
    page.write_text(PID_PAGE, encoding="utf-8")
    with serve.cluster(2, app=str(page), warm_up=False, logs=tmp_path / "logger") as cluster:
        def load(browser: wire.Browser | None = None) -> wire.Load:
            return wire.load_page(cluster.url, collect_text=True, timeout=120, browser=browser)

        # The production proxy's cookie is a session cookie (no Expires or Max-Age: kept until the browser closes),
        # set by the proxy itself and out of reach of the page's scripts.
        with urllib.request.urlopen(cluster.url, timeout=60) as r:
            set_cookie = r.headers.get_all("Set-Cookie") or []
        ours = [c for c in set_cookie if c.startswith(f"{serve.COOKIE}=")]
        assert len(ours) == 1, set_cookie
        attributes = {a.strip().split("=")[0].lower() for a in ours[0].split(";")[1:]}
        assert "httponly" in attributes and not attributes & {"expires", "max-age"}, ours

        # Without a browser every load is a first visit: the proxy deals them to the two processes in turn.
        first, second = load(), load()
        assert _pid(first) != _pid(second) and {first.process, second.process} == {"p1", "p2"}

        a, b = wire.Browser(), wire.Browser()
        a_loads = [load(a) for _ in range(4)]
        assert len({_pid(x) for x in a_loads}) == 1 and {x.process for x in a_loads} == {a.process}
        b_loads = [load(b) for _ in range(3)]
        assert len({_pid(x) for x in b_loads}) == 1 and b.process != a.process
        assert _pid(b_loads[0]) != _pid(a_loads[0])  # a new browser's first load went to the other process
