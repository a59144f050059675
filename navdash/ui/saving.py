"""Writing from a page: a busy or unreachable application database becomes a Norwegian message, not a traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from navdash.appdb import AppDbError


@contextlib.contextmanager
def saving() -> Iterator[None]:
    """Wrap an app write (and the rerun after it). If the write waited too long or could not reach the database,
    nothing was written: say so, and let the rest of the page draw as before."""
    try:
        yield
    except AppDbError as exc:
        st.error(str(exc), icon=":material/hourglass_top:")
