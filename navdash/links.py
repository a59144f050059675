"""The address of a page in the app: `url("malekort", enhet="0312", periode="2021-12")` -> `/malekort?enhet=…`.

Every page link is built here (core modules such as `goals` and `practices` too), so the parameter names and the
pages' addresses live in one place. `navdash.ui.links` adds what a link must carry in a running app (the demo
persona) and draws the link so it opens in the same tab.
"""

from __future__ import annotations

from urllib.parse import urlencode

# The pages' addresses: file stem -> url path. The root address ("/") has no page of its own: it lands the reader
# on the page where their work is (navdash.ui.frame.landing).
URL_PATHS: dict[str, str] = {
    "start": "oversikt",
    "malekort": "malekort",
    "mal": "mal",
    "kvalitet": "kvalitet",
    "sammenligning": "sammenligning",
    "undersokelser": "undersokelser",
    "styringsdialog": "styringsdialog",
    "tertialrapport": "tertialrapport",
    "erfaringer": "erfaringer",
    "last_opp": "last-opp",
}


def url(page: str, **params: object) -> str:
    """The page's address with the parameters that have a value, in the order given."""
    if page not in URL_PATHS:
        raise ValueError(f"unknown page {page!r}")
    query = urlencode({k: str(v) for k, v in params.items() if v is not None and v != ""})
    return "/" + URL_PATHS[page] + (f"?{query}" if query else "")
