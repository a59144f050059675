"""Helpers for AppTest page tests: a demo database, a fresh AppTest, and reading our HTML tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def app(db: Path, monkeypatch, page: str | None = None, **params: str) -> AppTest:
    """app.py on `db` with caches cleared, routed to `page` (e.g. "views/malekort.py") with query parameters."""
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


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
