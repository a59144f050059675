"""The frame around every page: the demo label and the data version."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from navdash import store
from navdash.ui import data, norsk


def open_store() -> None:
    """Create the demo database on the very first start; stop with one Norwegian line when the data folder is
    missing or read-only or the database file is damaged (never a traceback)."""
    try:
        if not store.db_path().exists():
            with st.spinner("Oppretter demodatabasen … (bare første gang)"):
                store.ensure_database()
        store.data_version()
    except store.StoreError as exc:
        text = store.message(exc)

        def store_unusable() -> None:
            st.error(text, icon=":material/error:")

        # Through st.navigation, so that Streamlit does not fall back to listing every file in pages/.
        st.navigation([st.Page(store_unusable, title="Feil", default=True)], position="hidden").run()
        st.stop()


@contextlib.contextmanager
def store_errors_shown() -> Iterator[None]:
    """Around a page: a write that found the store busy (another import running) or unusable says so in
    Norwegian instead of failing with a traceback."""
    try:
        yield
    except store.StoreError as exc:
        st.error(store.message(exc), icon=":material/error:")


def set_language() -> None:
    """Tell browsers and screen readers that the page is in Norwegian bokmål.

    Streamlit serves `<html lang="en">` and has no setting for it; a screen reader would read the Norwegian text
    with English pronunciation. Streamlit's and Plotly's own interface texts are put into bokmål by
    `norsk.script()`. Both scripts are constants written here, never user input.
    """
    st.html("<script>document.documentElement.lang = 'nb';</script>" + norsk.script(), unsafe_allow_javascript=True)


def demo_notice() -> None:
    db, version = data.source()
    meta = data.meta(db, version)
    if meta.get("demo") == "ja":
        st.sidebar.info(
            "**Demodata.** Navn, MK-ID-er, resultatkrav og landstallene for 2021 er ekte; tallene for "
            "kontorene er laget for demonstrasjon.",
            icon=":material/science:",
        )
    st.sidebar.caption(f"Dataversjon {version} · publisert {published_text(meta.get('published_at', ''))}")


def published_text(iso: str) -> str:
    """`2026-11-24T10:04:15` -> `24.11.2026 kl. 10:04`."""
    from datetime import datetime

    try:
        return f"{datetime.fromisoformat(iso):%d.%m.%Y kl. %H:%M}"
    except ValueError:
        return "ukjent tid"


def ensure_routed() -> None:
    """Make sure the page runs inside app.py's frame.

    Until some session has called `st.navigation`, Streamlit serves the legacy `pages/` directory and runs a page
    script without the entrypoint, so a shared deep link opened right after a server start would skip the frame
    (persona, demo mark, wide layout). A page that finds itself routed that way switches the legacy mode off and
    reruns; the rerun goes through app.py, which routes the same URL to the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
