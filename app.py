"""navdash: the frame. Page config, the database, and the navigation."""

from __future__ import annotations

import streamlit as st

from navdash import store
from navdash.ui import frame
from navdash.ui.identity import persona_picker

st.set_page_config(page_title="navdash – mål og resultater i NAV", page_icon=":material/explore:", layout="wide")

if not store.db_path().exists():
    with st.spinner("Oppretter demodatabasen … (bare første gang)"):
        store.ensure_database()

pages = [
    st.Page("pages/start.py", title="Oversikt", icon=":material/home:", default=True),
    st.Page("pages/malekort.py", title="Målekort", icon=":material/table_chart:", url_path="malekort"),
]
navigation = st.navigation(pages)
persona_picker()
frame.demo_notice()
navigation.run()
