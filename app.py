"""navdash: the frame. Page config, the database, and the navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from navdash import access
from navdash.ui import data, frame, identity, links, warm

# First, before anything can fail: in production no user ever sees a Python traceback.
PRODUCTION = frame.harden(identity.production())

# A local favicon: Material icons as favicons are fetched from an external font CDN, which closed networks block.
FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")
st.set_page_config(page_title="navdash – mål og resultater i NAV", page_icon=FAVICON, layout="wide")

frame.open_store()  # creates the demo database at first start; a damaged or missing store stops here
if warm.in_server():  # imports and shared caches in the background, once per process and data version
    warming = warm.start(*data.source())
    if st.query_params.get(warm.WARMUP_PARAM):  # `navdash serve` before it lets users in: wait, draw nothing
        warming.wait(warm.WAIT_SECONDS)
        st.stop()

frame.set_language()
identity.URL_PATHS[:] = [None, *(p.url_path for p in links.PAGES)]
user = identity.require_user()  # a login screen, a refusal or a configuration error stops the run here
data.limit_reads(user)  # with approval of months on, only the months this user may see are read in this run
identity.require_known_unit(user, data.unit_parents(*data.source()))
# Every page's address is registered; a page the role may not open answers with a Norwegian refusal and is not in
# the menu (never Streamlit's English "Page not found"). The root address is a hidden page that sends the reader on
# to their work page; "Oversikt" (the start page) has its own address, so choosing it in the menu stays there.
pages = [st.Page(frame.landing(user), title="navdash", default=True, visibility="hidden")] + [
    st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path)
    if access.can_open(user, p.key) else
    st.Page(frame.refusal(user, p.key, p.title), title=p.title, icon=p.icon, url_path=p.url_path,
            visibility="hidden")
    for p in links.PAGES
]
navigation = st.navigation(pages)
frame.demo_notice()
with frame.no_tracebacks(PRODUCTION), frame.store_errors_shown():
    navigation.run()
