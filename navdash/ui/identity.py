"""Who the current user is.

With an `[auth]` section in `.streamlit/secrets.toml` the app uses Streamlit's OIDC login (`st.login`; Microsoft
Entra ID is the documented example in docs/innlogging.md) and maps the identity's e-mail or groups to a role and a
unit through the role file (`NAVDASH_ROLLER`, default `.streamlit/roller.toml`). Identities the file does not name
get a polite refusal.

Without `[auth]` the app runs in demo mode: a persona per role, chosen in the sidebar or in the URL
(`?persona=leder`), with "Demo – ikke innlogget" on every page. `NAVDASH_PRODUKSJON=1` (or `produksjon = true`
under `[navdash]` in the secrets) refuses to start in demo mode.

The user is resolved from `st.user` (or the demo persona) on every run and never read back from session state, so a
crafted session state cannot change who a logged-in user is.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from navdash.access import DEFAULT_PERSONA, DEMO_PERSONAS, ROLE_TEXT, RoleMap, RoleMapError, User, load_role_map
from navdash.access import user_from_claims as _user_from_claims

ROOT = Path(__file__).resolve().parents[2]


def _secrets_section(name: str) -> dict:
    try:
        return dict(st.secrets.get(name, {}) or {})
    except (FileNotFoundError, KeyError, AttributeError, Exception):  # no secrets file at all
        return {}


def auth_configured() -> bool:
    return bool(_secrets_section("auth"))


def production() -> bool:
    env = os.environ.get("NAVDASH_PRODUKSJON", "").strip().lower() in ("1", "ja", "true", "yes")
    return env or bool(_secrets_section("navdash").get("produksjon", False))


def role_file() -> Path:
    return Path(os.environ.get("NAVDASH_ROLLER") or ROOT / ".streamlit" / "roller.toml")


@st.cache_resource(show_spinner=False)
def _role_map(path: str, mtime_ns: int) -> RoleMap:
    return load_role_map(Path(path))


def _logged_in_user() -> User | None:
    path = role_file()
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _user_from_claims(st.user.to_dict(), _role_map(str(path), mtime))


def _demo_user() -> User:
    wanted = st.query_params.get("persona")
    if wanted in DEMO_PERSONAS:
        st.session_state["persona"] = wanted
    key = st.session_state.get("persona", DEFAULT_PERSONA)
    return DEMO_PERSONAS.get(key, DEMO_PERSONAS[DEFAULT_PERSONA])


def current_user() -> User | None:
    """The user of this run, or None when nobody (or an unknown identity) is logged in."""
    if auth_configured():
        if not st.user.is_logged_in:
            return None
        try:
            return _logged_in_user()
        except RoleMapError:
            return None
    if production():
        return None
    return _demo_user()


def require_user() -> User:
    """The frame's gate: the user, or a login screen, a refusal or a configuration error and a stop."""
    if auth_configured():
        if not st.user.is_logged_in:
            st.title("Mål og resultater i NAV")
            st.markdown("Logg inn med NAV-kontoen din for å se målene og resultatene for enheten din.")
            provider = _secrets_section("navdash").get("innlogging")  # named provider, e.g. "microsoft"
            st.button("Logg inn", type="primary", on_click=st.login, args=(provider,) if provider else ())
            st.stop()
        try:
            user = _logged_in_user()
        except RoleMapError as exc:
            st.error(f"Tilgangsoppsettet kan ikke brukes: {exc}. Ta kontakt med den som drifter navdash.")
            st.stop()
        if user is None:
            who = st.user.get("email") or st.user.get("name") or "denne brukeren"
            st.title("Ingen tilgang ennå")
            st.markdown(
                f"Du er logget inn som **{who}**, men er ikke gitt en rolle i navdash. Be lederen din eller "
                "den som forvalter navdash om tilgang, og oppgi hvilken enhet du hører til."
            )
            st.button("Logg ut", on_click=st.logout)
            st.stop()
        st.sidebar.markdown(f"Innlogget som **{user.name}**  \n{ROLE_TEXT[user.role]} · enhet {user.unit_id}")
        st.sidebar.button("Logg ut", on_click=st.logout)
        return user
    if production():
        st.error(
            "navdash er satt opp for produksjon (NAVDASH_PRODUKSJON), men innlogging er ikke konfigurert "
            "([auth] i .streamlit/secrets.toml). Appen starter ikke i demomodus."
        )
        st.stop()
    return persona_picker()


def persona_picker() -> User:
    """The sidebar's persona choice, with the visible demo mark."""
    user = _demo_user()
    keys = list(DEMO_PERSONAS)
    current = next(k for k, p in DEMO_PERSONAS.items() if p == user)
    st.sidebar.markdown("**Demo – ikke innlogget**")
    chosen = st.sidebar.selectbox(
        "Vis som", keys, index=keys.index(current),
        format_func=lambda k: f"{ROLE_TEXT[k]} · enhet {DEMO_PERSONAS[k].unit_id}", key="persona_select",
    )
    if chosen != st.session_state.get("persona", DEFAULT_PERSONA):
        st.session_state["persona"] = chosen
        st.query_params["persona"] = chosen
    return DEMO_PERSONAS[chosen]
