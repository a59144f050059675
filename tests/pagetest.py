"""Helpers for AppTest page tests: a demo database, a fresh AppTest, and reading our HTML tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import links

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def app(db: Path, monkeypatch, page: str | None = None, **params: str) -> AppTest:
    """app.py on `db` with caches cleared, routed to `page` (e.g. "views/malekort.py") with query parameters."""
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(AppTest.from_file(APP, default_timeout=90), page, params)
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str | None, params: dict[str, str]) -> AppTest:
    """Run app.py as opening `page` (e.g. "views/malekort.py") with `params` in the address would.

    Without a page this is the app's root address, which lands the user on their work page. Before the first run
    AppTest knows a page by its file name only, so a page whose address is its file name is opened directly; any
    other is reached after a run of the root address, with the parameters set anew (the landing sets its own)."""
    at.query_params = dict(params)
    if page is None:
        return at.run()
    stem = Path(page).stem
    if links.URL_PATHS.get(stem) == stem:
        return at.switch_page(page).run()
    at.run()
    at.query_params = dict(params)
    return at.switch_page(page).run()


def same_tab_link(href: str, text: str) -> str:
    """The HTML a page draws for a link to `href` in the app (navdash.ui.links.anchor): same tab, `&` escaped."""
    return f'<a href="{href.replace("&", "&#38;")}" target="_self">{text}</a>'


def plain(markdown: str) -> str:
    """Markdown source as a reader sees it: the backslashes that make file and URL text literal are not shown."""
    return re.sub(r"\\(.)", r"\1", markdown)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[list[list[str]]]:
    """Every <table> drawn with st.html, as rows of cell texts (header rows included)."""
    parser = _Tables()
    for element in at.get("html"):
        parser.feed(element.proto.body)
    return parser.tables


def body_rows(table: list[list[str]]) -> list[list[str]]:
    return [row for row in table if row and row[0] not in ("MK ID", "I år")]


class _Disclosures(HTMLParser):
    """(summary, reason) of every <details> badge: what a reader sees, and what a tap or Enter opens."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._part: str | None = None
        self._text = {"summary": [], "reason": []}

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self._text = {"summary": [], "reason": []}
        elif tag == "summary":
            self._part = "summary"
        elif tag == "span" and ("class", "nd-reason") in attrs:
            self._part = "reason"

    def handle_endtag(self, tag):
        if tag == "summary":
            self._part = None
        elif tag == "details":
            self.found.append(tuple(" ".join("".join(self._text[k]).split()) for k in ("summary", "reason")))
            self._part = None

    def handle_data(self, data):
        if self._part:
            self._text[self._part].append(data)


def disclosures(html: str) -> list[tuple[str, str]]:
    """Every badge in `html` as (the badge's text, the reason it opens)."""
    parser = _Disclosures()
    parser.feed(html)
    return parser.found
