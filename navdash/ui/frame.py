"""The frame around every page: the demo label and the data version."""

from __future__ import annotations

import streamlit as st

from navdash.ui import data


def demo_notice() -> None:
    db, version = data.source()
    meta = data.meta(db, version)
    if meta.get("demo") == "ja":
        st.sidebar.info(
            "**Demodata.** Navn, MK-ID-er, resultatkrav og landstallene for 2021 er ekte; tallene for "
            "kontorene er laget for demonstrasjon.",
            icon=":material/science:",
        )
    published = meta.get("published_at", "").replace("T", " kl. ")
    st.sidebar.caption(f"Dataversjon {version} · publisert {published}")
