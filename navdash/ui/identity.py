"""Who the current user is, and the login set-up that must hold before anyone is.

With an `[auth]` section in `.streamlit/secrets.toml` the app uses Streamlit's OIDC login (`st.login`; Microsoft
Entra ID is the documented example in docs/innlogging.md) and maps the identity to a role and a unit through the role
file (`NAVDASH_ROLLER`, default `.streamlit/roller.toml`). Identities the file does not name get a polite refusal.

Without `[auth]` the app runs in demo mode: a persona per role, chosen in the sidebar or in the URL
(`?persona=leder`), with "Demo – ikke innlogget" on every page.

The set-up fails closed: a secrets file that exists but cannot be read, an `[auth]` section that lacks what a login
needs, or a production flag (`NAVDASH_PRODUKSJON`, or `produksjon` under `[navdash]`) with any value but an explicit
no while `[auth]` is missing, each stop the app with a Norwegian message. None of them falls back to demo mode.

The user is resolved from `st.user` (or the demo persona) on every run and never read back from session state, so a
crafted session state cannot change who a logged-in user is.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from navdash.access import (
    DEFAULT_PERSONA,
    DEMO_PERSONAS,
    ROLE_TEXT,
    RoleMap,
    RoleMapError,
    User,
    load_role_map,
    sees_every_unit,
)
from navdash.access import user_from_claims as _user_from_claims
from navdash.ui.text import md

ROOT = Path(__file__).resolve().parents[2]
LOG = logging.getLogger("navdash")
# Values that switch production off. Anything else, "on" and typos included, means production.
EXPLICIT_NO = frozenset({"0", "nei", "no", "false", "off", "av", "n"})
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


class LoginSetupError(RuntimeError):
    """The login set-up cannot be trusted; the message is Norwegian and safe to show (no secret values)."""


@dataclass(frozen=True)
class LoginSetup:
    oidc: bool  # False: demo mode
    production: bool
    provider: str | None  # a named provider under [auth.<name>], or None for the default one


def _secrets_files_present() -> list[str]:
    from streamlit import config

    return [p for p in config.get_option("secrets.files") or [] if Path(p).exists()]


def _secrets() -> dict[str, Any]:
    """All secrets, {} when there is no secrets file at all; LoginSetupError when one exists and cannot be read."""
    try:
        return st.secrets.to_dict()
    except Exception as exc:  # Streamlit reports a parse error and a missing file with the same exception
        present = _secrets_files_present()
        if not present:
            return {}
        LOG.error("secrets file cannot be read: %s", exc)
        raise LoginSetupError(
            "Hemmelighetsfilen (.streamlit/secrets.toml) finnes, men kan ikke leses – den har trolig en skrivefeil. "
            "Appen starter ikke før filen er rettet, og den går aldri over i demomodus av seg selv."
        ) from None


def _is_no(value: object) -> bool:
    return value is False or (isinstance(value, str | int) and str(value).strip().lower() in EXPLICIT_NO)


def production_flag(navdash_section: Mapping[str, Any]) -> bool:
    """True unless every production flag that is set says an explicit no. A flag that is not set at all means
    not production; a flag set to an empty value is not a clear no, so it means production (fail closed)."""
    env = os.environ.get("NAVDASH_PRODUKSJON")
    if env is not None and not _is_no(env):
        return True
    value = navdash_section.get("produksjon")
    return value is not None and not _is_no(value)


def auth_problems(auth: Mapping[str, Any], provider: str | None) -> list[str]:
    """What an `[auth]` section lacks for a login to work (key names only, never values)."""
    missing = [f"[auth] {k}" for k in AUTH_KEYS if not str(auth.get(k) or "").strip()]
    if provider:
        section = auth.get(provider)
        where = f"[auth.{provider}]"
        if not isinstance(section, Mapping):
            return [*missing, where]
    else:
        section, where = auth, "[auth]"
    missing += [f"{where} {k}" for k in PROVIDER_KEYS if not str(section.get(k) or "").strip()]
    return missing


def login_setup() -> LoginSetup:
    """The login mode, or LoginSetupError when the set-up is broken or would fall back to demo mode in production."""
    secrets = _secrets()
    navdash = secrets.get("navdash") or {}
    navdash = navdash if isinstance(navdash, Mapping) else {}
    production = production_flag(navdash)
    provider = str(navdash.get("innlogging") or "").strip() or None
    if "auth" in secrets:
        auth = secrets["auth"] if isinstance(secrets["auth"], Mapping) else {}
        missing = auth_problems(auth, provider)
        if missing:
            raise LoginSetupError(
                "Innloggingen er ikke ferdig satt opp: " + ", ".join(missing) + " mangler i .streamlit/secrets.toml. "
                "Appen starter ikke før oppsettet er komplett (se docs/innlogging.md)."
            )
        return LoginSetup(oidc=True, production=production, provider=provider)
    if production:
        raise LoginSetupError(
            "navdash er satt opp for produksjon (NAVDASH_PRODUKSJON eller produksjon under [navdash]), men "
            "innlogging er ikke konfigurert ([auth] i .streamlit/secrets.toml). Appen starter ikke i demomodus."
        )
    return LoginSetup(oidc=False, production=False, provider=None)


def production() -> bool:
    """Is this a production set-up? A broken set-up counts as production (fail closed)."""
    try:
        return login_setup().production
    except LoginSetupError:
        return True


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
    """The user of this run, or None when nobody (or an unknown identity) is logged in or the set-up is broken."""
    try:
        setup = login_setup()
    except LoginSetupError:
        return None
    if setup.oidc:
        if not st.user.is_logged_in:
            return None
        try:
            return _logged_in_user()
        except RoleMapError:
            return None
    return _demo_user()


URL_PATHS: list[str | None] = [None]  # app.py lists every page's address here, for the stop screens


def _closed() -> None:
    """The page behind every address while the frame refuses to open the app: nothing."""


def close_navigation(url_paths: Iterable[str | None]) -> None:
    """Register every page address with an empty page and no menu, for a run that stops before the real navigation.

    Without this, a stop before `st.navigation` leaves Streamlit with only app.py as a page, and a deep link such
    as /malekort would be answered with Streamlit's English "Page not found" dialog."""
    st.navigation([st.Page(_closed, title="navdash", url_path=url or None, default=url is None)
                   for url in url_paths], position="hidden")


def _no_pages() -> None:
    close_navigation(URL_PATHS)


def _stop_with(message: str) -> None:
    _no_pages()
    st.title("Mål og resultater i NAV")
    st.error(message, icon=":material/lock:")
    st.stop()


def require_user() -> User:
    """The frame's gate: the user, or a login screen, a refusal or a configuration error and a stop."""
    try:
        setup = login_setup()
    except LoginSetupError as exc:
        _stop_with(str(exc))
        raise  # st.stop() ends the run; this line is never reached
    if setup.oidc:
        if not st.user.is_logged_in:
            _no_pages()
            st.title("Mål og resultater i NAV")
            st.markdown("Logg inn med NAV-kontoen din for å se målene og resultatene for enheten din.")
            st.button("Logg inn", type="primary", on_click=st.login,
                      args=(setup.provider,) if setup.provider else ())
            st.stop()
        try:
            user = _logged_in_user()
        except RoleMapError as exc:
            LOG.error("role file cannot be used: %s", exc)
            _stop_with(f"Tilgangsoppsettet kan ikke brukes: {md(exc)}. Ta kontakt med den som drifter navdash.")
            raise
        if user is None:
            who = st.user.get("email") or st.user.get("name") or "denne brukeren"
            _no_pages()
            st.title("Ingen tilgang ennå")
            st.markdown(
                f"Du er logget inn som **{md(who)}**, men er ikke gitt en rolle i navdash. Be lederen din eller "
                "den som forvalter navdash om tilgang, og oppgi hvilken enhet du hører til."
            )
            st.button("Logg ut", on_click=st.logout)
            st.stop()
        st.sidebar.markdown(f"Innlogget som **{md(user.name)}**  \n{ROLE_TEXT[user.role]} · enhet {md(user.unit_id)}")
        st.sidebar.button("Logg ut", on_click=st.logout)
        return user
    return persona_picker()


def require_known_unit(user: User, known_units: Mapping[str, object]) -> None:
    """Stop with a clear message when the user's unit is not in the database (a role grant to a unit that does not
    exist, or was never imported). Analysts see every unit and are let through, so they can import the units."""
    if sees_every_unit(user) or user.unit_id in known_units:
        return
    if user.demo and not known_units:  # a new, empty database in demo mode: the start page says there is nothing
        return
    _stop_with(
        f"Rollen din gjelder enhet «{md(user.unit_id)}», men den enheten finnes ikke i navdash. "
        "Be den som forvalter navdash om å rette tilgangen din, eller om å laste inn enheten."
    )


def persona_picker() -> User:
    """The sidebar's persona choice, with the visible demo mark."""
    user = _demo_user()
    keys = list(DEMO_PERSONAS)
    current = next(k for k, p in DEMO_PERSONAS.items() if p == user)
    st.sidebar.markdown("**Demo – ikke innlogget**")
    wanted = st.query_params.get("persona")
    if wanted is not None and wanted not in DEMO_PERSONAS:  # say so, instead of silently showing another persona
        st.sidebar.warning(f"Personaen «{md(wanted)}» finnes ikke. Bruk {', '.join(DEMO_PERSONAS)}. Viser "
                           f"{ROLE_TEXT[user.role]}.", icon=":material/warning:")
    chosen = st.sidebar.selectbox(
        "Vis som", keys, index=keys.index(current),
        format_func=lambda k: f"{ROLE_TEXT[k]} · enhet {DEMO_PERSONAS[k].unit_id}", key="persona_select",
    )
    if chosen != st.session_state.get("persona", DEFAULT_PERSONA):
        st.session_state["persona"] = chosen
        st.query_params["persona"] = chosen
    return DEMO_PERSONAS[chosen]
