"""The frame around every page: the demo label and the data version."""

from __future__ import annotations

import streamlit as st

from navdash.ui import data, norsk


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
