"""The frame around every page: the demo label and the data version."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

import streamlit as st

from navdash import access, demo, store
from navdash.appdb import AppDbError
from navdash.ui import data, norsk

LOG = logging.getLogger("navdash")
ERROR_TEXT = ("Noe gikk galt da siden skulle vises. Feilen er logget. Prøv igjen om litt, og ta kontakt med den som "
              "drifter navdash hvis det skjer igjen.")


def harden(production: bool) -> bool:
    """Client settings that keep data and internals where they belong; returns `production`.

    Streamlit's own "download as CSV" on every table writes cells raw, so a unit named `=HYPERLINK(…)` would become
    a live formula; it is switched off (also in .streamlit/config.toml), and every download goes through our exports,
    which neutralise formulas. In production, no exception details reach the browser (they go to the server log).
    These are client options, the only kind a script may set; they hold for the whole process from this run on.
    Errors before the first run (an import error in app.py) are covered by starting the server with
    `--client.showErrorDetails=none` (docs/innlogging.md)."""
    st.set_option("client.disableDataExport", True)
    if production:
        st.set_option("client.showErrorDetails", "none")
    return production


@contextlib.contextmanager
def no_tracebacks(production: bool) -> Iterator[None]:
    """Run a page; in production an unexpected error becomes one Norwegian line, and the details go to the log.
    Outside production the error propagates, so tests and developers see it. Streamlit's stop and rerun are
    BaseExceptions and pass through."""
    try:
        yield
    except Exception:
        if not production:
            raise
        LOG.exception("page failed")
        st.error(ERROR_TEXT, icon=":material/error:")


def open_store() -> None:
    """Create the demo database on the very first start; stop with one Norwegian line when the data folder is
    missing or read-only or the database file is damaged (never a traceback)."""
    try:
        if not store.db_path().exists():
            with st.spinner("Oppretter demodatabasen … (bare første gang)"):
                demo.ensure_database()
        else:
            demo.ensure_database()  # a file from an older version is migrated once (its app records move out)
        store.data_version()
    except store.StoreError as exc:
        text = store.message(exc)

        def store_unusable() -> None:
            st.error(text, icon=":material/error:")

        # Through st.navigation, so that the address the user asked for is answered by this page, not a 404 box.
        st.navigation([st.Page(store_unusable, title="Feil", default=True)], position="hidden").run()
        st.stop()


@contextlib.contextmanager
def store_errors_shown() -> Iterator[None]:
    """Around a page: a write that found the store busy (another import running) or unusable says so in
    Norwegian instead of failing with a traceback."""
    try:
        yield
    except store.StoreError as exc:
        st.error(store.message(exc), icon=":material/error:")
    except AppDbError as exc:  # the application database was busy or out of reach: nothing was written
        st.error(str(exc), icon=":material/error:")


def set_language() -> None:
    """Tell browsers and screen readers that the page is in Norwegian bokmål.

    Streamlit serves `<html lang="en">` and has no setting for it; a screen reader would read the Norwegian text
    with English pronunciation. Streamlit's and Plotly's own interface texts are put into bokmål by
    `norsk.script()`. Both scripts are constants written here, never user input.
    """
    st.html("<script>document.documentElement.lang = 'nb';</script>" + norsk.script(), unsafe_allow_javascript=True)


def demo_notice() -> None:
    db, version = data.source()
    meta = data.meta(db, version)
    if meta.get("demo") == "ja":
        st.sidebar.info(
            "**Demodata.** Navn, MK-ID-er, resultatkrav og landstallene for 2021 er ekte; tallene for "
            "kontorene er laget for demonstrasjon.",
            icon=":material/science:",
        )
    st.sidebar.caption(f"Dataversjon {version} · publisert {published_text(meta.get('published_at', ''))}")


def published_text(iso: str) -> str:
    """`2026-11-24T10:04:15` -> `24.11.2026 kl. 10:04`."""
    from datetime import datetime

    try:
        return f"{datetime.fromisoformat(iso):%d.%m.%Y kl. %H:%M}"
    except ValueError:
        return "ukjent tid"


def landing(user: access.User) -> Callable[[], None]:
    """The page behind the app's root address: it sends the reader on to the page where their work is
    (`access.landing_page`), with the unit and period in the address as every link builds them, and draws nothing
    itself. The start page has its own address, so this never sends anyone in a circle."""

    def land() -> None:
        from navdash.ui import links

        db, version = data.source()
        page = access.landing_page(user)
        unit = user.unit_id
        if unit not in data.unit_parents(db, version):  # an empty database: the start page says what to do
            page = "start"
        # Only the first visit lands on the work page: a reader who comes back to the root address (the browser's
        # Back button from the work page) wants the overview, not to be sent forward again.
        if st.session_state.get("_navdash_landed"):
            page = "start"
        st.session_state["_navdash_landed"] = True
        params: dict[str, object] = {}
        if page == "malekort":
            params = {"enhet": unit, "periode": data.latest_complete_month(db, version, unit)}
        elif page == "mal":
            params = {"enhet": unit}
        wanted = st.query_params.get("persona")
        if user.demo and wanted is not None and wanted not in access.DEMO_PERSONAS:
            params["persona"] = wanted  # the persona picker on the page landed on says the name is unknown
        links.go(page, **params)

    land.__name__ = "landing"
    return land


def refusal(user: access.User, page: str, title: str) -> Callable[[], None]:
    """The page behind the address of a page the user's role may not open: why, in Norwegian, and where to go.

    Registered under the page's own address (hidden from the menu), so a link or a bookmark to it is answered by
    this explanation and not by Streamlit's English "Page not found"."""
    allowed = [access.ROLE_TEXT[r] for r in access.ROLES if access.can_open(access.User("", r, ""), page)]

    def refused() -> None:
        st.title(title)
        from navdash.ui import links

        who = access.ROLE_TEXT.get(user.role, user.role)
        roles = ", ".join(allowed[:-1]) + f" og {allowed[-1]}" if len(allowed) > 1 else "".join(allowed)
        st.warning(f"Du har ikke tilgang til siden «{title}». Den er bare for rollene {roles}, og du bruker navdash "
                   f"med rollen {who}.", icon=":material/lock:")
        st.markdown("Trenger du siden i arbeidet ditt, kan du be lederen din eller den som forvalter navdash om en "
                    "annen rolle. Sidene du kan bruke, står i menyen og på "
                    + links.anchor(links.url("start"), "oversikten") + ".", unsafe_allow_html=True)

    refused.__name__ = f"ingen_tilgang_{page}"
    return refused
