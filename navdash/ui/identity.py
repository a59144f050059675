"""The current user. Demo mode: a persona chosen in the sidebar or in the URL (`?persona=leder`)."""

from __future__ import annotations

import streamlit as st

from navdash.access import DEFAULT_PERSONA, DEMO_PERSONAS, ROLE_TEXT, User


def current_user() -> User:
    """The persona for this session; the URL's `persona` wins so that a demo link can be shared."""
    wanted = st.query_params.get("persona")
    if wanted in DEMO_PERSONAS:
        st.session_state["persona"] = wanted
    key = st.session_state.get("persona", DEFAULT_PERSONA)
    if key not in DEMO_PERSONAS:
        key = DEFAULT_PERSONA
    return DEMO_PERSONAS[key]


def persona_picker() -> User:
    """The sidebar's persona choice, with the visible demo mark."""
    user = current_user()
    keys = list(DEMO_PERSONAS)
    st.sidebar.markdown("**Demo – ikke innlogget**")
    chosen = st.sidebar.selectbox(
        "Vis som", keys, index=keys.index(user.role if user.role in keys else DEFAULT_PERSONA),
        format_func=lambda k: f"{ROLE_TEXT[k]} · enhet {DEMO_PERSONAS[k].unit_id}", key="persona_select",
    )
    if chosen != st.session_state.get("persona", DEFAULT_PERSONA):
        st.session_state["persona"] = chosen
        st.query_params["persona"] = chosen
    return DEMO_PERSONAS[chosen]
