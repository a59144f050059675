"""navdash: the frame. Page config, the database, and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from navdash import access
from navdash.ui import frame
from navdash.ui.identity import require_user

# A local favicon: Material icons as favicons are fetched from an external font CDN, which closed networks block.
FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")
st.set_page_config(page_title="navdash – mål og resultater i NAV", page_icon=FAVICON, layout="wide")

frame.open_store()  # creates the demo database at first start; a damaged or missing store stops here

ROOT = Path(__file__).resolve().parent
# (file, title, icon, url path); a page is listed once its file exists, so navigation shows only real pages.
PAGES = (
    ("pages/start.py", "Oversikt", ":material/home:", None),
    ("pages/malekort.py", "Målekort", ":material/table_chart:", "malekort"),
    ("pages/mal.py", "Mål og prioriteringer", ":material/flag:", "mal"),
    ("pages/kvalitet.py", "Kvalitet – nøkkelinformasjon", ":material/fact_check:", "kvalitet"),
    ("pages/sammenligning.py", "Sammenligning", ":material/compare_arrows:", "sammenligning"),
    ("pages/undersokelser.py", "Medarbeiderundersøkelser", ":material/forum:", "undersokelser"),
    ("pages/styringsdialog.py", "Månedsmøtet", ":material/groups:", "styringsdialog"),
    ("pages/erfaringer.py", "Erfaringer", ":material/lightbulb:", "erfaringer"),
    ("pages/last_opp.py", "Last opp data", ":material/upload:", "last-opp"),
)
frame.set_language()
user = require_user()  # a login screen, a refusal or a configuration error stops the run here
pages = [
    st.Page(path, title=title, icon=icon, default=url is None, **({"url_path": url} if url else {}))
    for path, title, icon, url in PAGES
    if (ROOT / path).exists() and access.can_open(user, Path(path).stem)
]
navigation = st.navigation(pages)
frame.demo_notice()
with frame.store_errors_shown():
    navigation.run()
