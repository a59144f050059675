"""navdash: the frame. Page config, the database, and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from navdash import access
from navdash.ui import data, frame, identity

# First, before anything can fail: in production no user ever sees a Python traceback.
PRODUCTION = frame.harden(identity.production())

# A local favicon: Material icons as favicons are fetched from an external font CDN, which closed networks block.
FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")
st.set_page_config(page_title="navdash – mål og resultater i NAV", page_icon=FAVICON, layout="wide")

frame.open_store()  # creates the demo database at first start; a damaged or missing store stops here

ROOT = Path(__file__).resolve().parent
# (file, title, icon, url path); a page is listed once its file exists, so navigation shows only real pages.
PAGES = (
    ("views/start.py", "Oversikt", ":material/home:", None),
    ("views/malekort.py", "Målekort", ":material/table_chart:", "malekort"),
    ("views/mal.py", "Mål og prioriteringer", ":material/flag:", "mal"),
    ("views/kvalitet.py", "Kvalitet – nøkkelinformasjon", ":material/fact_check:", "kvalitet"),
    ("views/sammenligning.py", "Sammenligning", ":material/compare_arrows:", "sammenligning"),
    ("views/undersokelser.py", "Medarbeiderundersøkelser", ":material/forum:", "undersokelser"),
    ("views/styringsdialog.py", "Månedsmøtet", ":material/groups:", "styringsdialog"),
    ("views/tertialrapport.py", "Tertialrapport", ":material/assignment:", "tertialrapport"),
    ("views/erfaringer.py", "Erfaringer", ":material/lightbulb:", "erfaringer"),
    ("views/last_opp.py", "Last opp data", ":material/upload:", "last-opp"),
)
frame.set_language()
identity.URL_PATHS[:] = [url for *_, url in PAGES]
user = identity.require_user()  # a login screen, a refusal or a configuration error stops the run here
identity.require_known_unit(user, data.unit_parents(*data.source()))
pages = [
    st.Page(path, title=title, icon=icon, default=url is None, **({"url_path": url} if url else {}))
    for path, title, icon, url in PAGES
    if (ROOT / path).exists() and access.can_open(user, Path(path).stem)
]
navigation = st.navigation(pages)
frame.demo_notice()
with frame.no_tracebacks(PRODUCTION), frame.store_errors_shown():
    navigation.run()
