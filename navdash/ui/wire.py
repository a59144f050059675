"""A browser-less client for the load bench: it opens a page the way a browser's first visit does, over Streamlit's
own wire protocol, and times it, so the measurement is the server's work and not a browser's.

One page load = an HTTP GET of the page (which, behind the proxy, hands out the sticky-session cookie) and a new
websocket at `/_stcore/stream` carrying that cookie, a `rerun_script` back message with the page's address and query,
and every forward message until the script run has finished. A `Browser` is one simulated user: it keeps the cookies
it was given, as a browser keeps HAProxy's session cookie until it is closed, and sends them with its next loads, so
a returning user goes to the process that served them before. A load without a `Browser` is a first visit from a
new browser (no cookie: the proxy picks the next process in turn). The messages are Streamlit's protobufs
(`streamlit.proto`), the same the web client sends and reads; nothing here touches the server's internals.
"""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
PROCESS_COOKIE = "navdash_prosess"  # navdash.serve.COOKIE: the process HAProxy sends this browser to


@dataclass
class Browser:
    """One user's browser: the cookies it was given (name → value), sent with every later request. HAProxy's
    cookie is a session cookie, so a browser keeps it for as long as it is open; a new Browser is a fresh one."""

    cookies: dict[str, str] = field(default_factory=dict)

    def remember(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def header(self) -> str:
        """The `Cookie` request header, "" without cookies."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    @property
    def process(self) -> str:
        return self.cookies.get(PROCESS_COOKIE, "")


@dataclass(frozen=True)
class Load:
    seconds: float  # from the GET to the end of the script run
    ok: bool  # the run finished without an exception shown on the page
    process: str  # the sticky-session cookie's value (which process served it), "" without a proxy
    error: str = ""
    texts: tuple[str, ...] = ()  # the markdown and headings the page drew, for a check that it is the right page


def load_page(base_url: str, page: str = "", query: str = "", *, timeout: float = 600.0,
              collect_text: bool = False, browser: Browser | None = None) -> Load:
    """Open `base_url`/`page`?`query` in a new session and wait until its first script run has finished. With
    `browser`, the load sends the cookies that browser got before and keeps the ones it gets now; without, it is a
    new browser's first visit."""
    start = time.perf_counter()
    url = f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")
    browser = browser if browser is not None else Browser()
    try:
        request = urllib.request.Request(url, headers={"Cookie": browser.header()} if browser.cookies else {})
        with urllib.request.urlopen(request, timeout=timeout) as r:
            r.read()
            browser.remember(r.headers.get_all("Set-Cookie") or [])
        parts = urlsplit(base_url)
        ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if browser.cookies:
            headers["Cookie"] = browser.header()
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_name = page
        back.rerun_script.page_script_hash = ""
        with connect(ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
                     open_timeout=timeout, close_timeout=2) as ws:
            ws.send(back.SerializeToString())
            return _until_finished(ws, start, timeout, browser.process, collect_text)
    except Exception as exc:  # a refused or dropped connection is a failed load, counted, not a crash of the bench
        return Load(time.perf_counter() - start, False, browser.process, f"{type(exc).__name__}: {exc}")


def _until_finished(ws, start: float, timeout: float, process: str, collect_text: bool) -> Load:  # noqa: ANN001
    error, texts = "", []
    deadline = start + timeout
    while True:
        raw = ws.recv(timeout=max(0.1, deadline - time.perf_counter()))
        if isinstance(raw, str):
            continue
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception" and not error:
                error = f"{element.exception.type}: {element.exception.message}"
            elif collect_text and which == "markdown":
                texts.append(element.markdown.body)
            elif collect_text and which == "heading":
                texts.append(element.heading.body)
            elif collect_text and which == "html":
                texts.append(element.html.body)
        elif kind == "page_not_found":
            error = error or "siden finnes ikke"
        elif kind == "script_finished" and msg.script_finished in _DONE:
            ok = not error and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            return Load(time.perf_counter() - start, ok, process, error, tuple(texts))
