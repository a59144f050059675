"""A browser-less client for the load bench: it opens a page the way a browser's first visit does, over Streamlit's
own wire protocol, and times it, so the measurement is the server's work and not a browser's.

One page load = an HTTP GET of the page (which, behind the proxy, hands out the sticky-session cookie) and a new
websocket at `/_stcore/stream` carrying that cookie, a `rerun_script` back message with the page's address and query,
and every forward message until the script run has finished. The messages are Streamlit's protobufs
(`streamlit.proto`), the same the web client sends and reads; nothing here touches the server's internals.
"""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass(frozen=True)
class Load:
    seconds: float  # from the GET to the end of the script run
    ok: bool  # the run finished without an exception shown on the page
    process: str  # the sticky-session cookie's value (which process served it), "" without a proxy
    error: str = ""
    texts: tuple[str, ...] = ()  # the markdown and headings the page drew, for a check that it is the right page


def load_page(base_url: str, page: str = "", query: str = "", *, timeout: float = 600.0,
              collect_text: bool = False) -> Load:
    """Open `base_url`/`page`?`query` in a new session and wait until its first script run has finished."""
    start = time.perf_counter()
    url = f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")
    cookie = ""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            cookie = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])
        parts = urlsplit(base_url)
        ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if cookie:
            headers["Cookie"] = cookie
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_name = page
        back.rerun_script.page_script_hash = ""
        with connect(ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
                     open_timeout=timeout, close_timeout=2) as ws:
            ws.send(back.SerializeToString())
            return _until_finished(ws, start, timeout, cookie.partition("=")[2], collect_text)
    except Exception as exc:  # a refused or dropped connection is a failed load, counted, not a crash of the bench
        return Load(time.perf_counter() - start, False, cookie.partition("=")[2], f"{type(exc).__name__}: {exc}")


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
