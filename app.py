"""navdash: the frame. Page config, the database, and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from navdash import store
from navdash.ui import frame
from navdash.ui.identity import persona_picker

# A local favicon: Material icons as favicons are fetched from an external font CDN, which closed networks block.
FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")
st.set_page_config(page_title="navdash – mål og resultater i NAV", page_icon=FAVICON, layout="wide")

if not store.db_path().exists():
    with st.spinner("Oppretter demodatabasen … (bare første gang)"):
        store.ensure_database()

pages = [
    st.Page("pages/start.py", title="Oversikt", icon=":material/home:", default=True),
    st.Page("pages/malekort.py", title="Målekort", icon=":material/table_chart:", url_path="malekort"),
    st.Page("pages/mal.py", title="Mål og prioriteringer", icon=":material/flag:", url_path="mal"),
]
navigation = st.navigation(pages)
frame.set_language()
persona_picker()
frame.demo_notice()
navigation.run()
