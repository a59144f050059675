"""Every link between pages: one builder that keeps the reader's context and opens in the same tab.

A link carries what the next page needs (unit, period, indicator) and, in demo mode, the persona: a link that loads
the app anew starts a new session, and without `persona` in the address a fylkesleder would come back as NAV-leder.
Streamlit opens markdown and table links in a new tab, so links here are drawn as `st.page_link` (same session, no
reload), as an HTML anchor with `target="_self"`, or followed with `st.switch_page` after a click in a chart or a
table. The addresses themselves come from `navdash.links.url`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st

from navdash import links
from navdash.access import DEMO_PERSONAS
from navdash.text import escape


@dataclass(frozen=True)
class PageInfo:
    key: str  # the file stem; what access.can_open asks about
    title: str
    icon: str
    purpose: str  # what the page is for, in one line (the start page lists it)

    @property
    def file(self) -> str:
        return f"views/{self.key}.py"

    @property
    def url_path(self) -> str:
        return links.URL_PATHS[self.key]


PAGES: tuple[PageInfo, ...] = (
    PageInfo("start", "Oversikt", ":material/home:",
             "Hvor du begynner: sidene, enhetstreet, hvilke data som finnes og hvor ferske de er."),
    PageInfo("malekort", "Målekort", ":material/table_chart:",
             "En enhets styringsparametere med mål, signaler og grunnlaget bak hvert tall."),
    PageInfo("mal", "Mål og prioriteringer", ":material/flag:",
             "Hvilke mål som gjelder for enheten, hvem som satte dem og hvorfor, og enhetens egne prioriteringer."),
    PageInfo("kvalitet", "Kvalitet – nøkkelinformasjon", ":material/fact_check:",
             "Nøkkelinformasjon om kvalitet i tjenestene, med utvikling over tid."),
    PageInfo("sammenligning", "Sammenligning", ":material/compare_arrows:",
             "Enheter mot gruppen i et traktdiagram og over tid – uten rangering."),
    PageInfo("undersokelser", "Medarbeiderundersøkelser", ":material/forum:",
             "Svarene fra medarbeiderundersøkelsene for enheten og gruppene i den."),
    PageInfo("styringsdialog", "Månedsmøtet", ":material/groups:",
             "Fylkets månedlige resultatgjennomgang: alle kontorene, kommentarer og oppfølgingspunkter."),
    PageInfo("tertialrapport", "Tertialrapport", ":material/assignment:",
             "Kontorets rapport for tertialet per prioritering og mål, og fylkets mottak av rapportene."),
    PageInfo("erfaringer", "Erfaringer", ":material/lightbulb:",
             "Hva kontorer har prøvd for å bedre resultatene, til å lære av."),
    PageInfo("last_opp", "Last opp data", ":material/upload:",
             "Importer enheter, indikatorer, verdier, resultatkrav og undersøkelser fra CSV eller Excel."),
)
BY_KEY = {p.key: p for p in PAGES}


def persona() -> str | None:
    """The demo persona to carry in links, or None when users log in."""
    from navdash.ui.identity import current_user

    user = current_user()
    if user is None or not user.demo:
        return None
    return next((k for k, p in DEMO_PERSONAS.items() if p == user), None)


def _context(params: dict[str, object]) -> dict[str, str]:
    return _with_persona(params, persona())


def _with_persona(params: dict[str, object], who: str | None) -> dict[str, str]:
    """`params` with a value, and the demo persona `who` unless `params` names one (the landing keeps a persona
    name the app does not know, so the page it lands on can say so)."""
    out = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    if who is not None:
        out.setdefault("persona", who)
    return out


def url(page: str, **params: object) -> str:
    """The page's address with `params` and the demo persona."""
    return links.url(page, **_context(params))


def page_urls(page: str) -> Callable[..., str]:
    """`url` for many addresses of one page in one run (a table's rows): the demo persona is looked up once, not
    once per row."""
    who = persona()

    def one(**params: object) -> str:
        return links.url(page, **_with_persona(params, who))

    return one


def keep_context(address: str) -> str:
    """An address from core code (`goals`, `practices`) with the demo persona added."""
    parts = urlsplit(address)
    params = dict(parse_qsl(parts.query))
    params.update(_context({}))
    return parts.path + (f"?{urlencode(params)}" if params else "")


def anchor(address: str, text: str, *, css_class: str | None = None) -> str:
    """An HTML link to an app address that opens in the same tab (for `st.html` and `st.markdown(...,
    unsafe_allow_html=True)`); `text` is escaped here."""
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return f'<a{cls} href="{escape(keep_context(address))}" target="_self">{escape(text)}</a>'


def page_link(page: str, label: str, *, icon: str | None = None, help: str | None = None,  # noqa: A002
              container=None, **params: object) -> None:
    """A same-session link to a page (no reload, the page keeps the persona and the choices in the sidebar)."""
    (container or st).page_link(BY_KEY[page].file, label=label, icon=icon or BY_KEY[page].icon, help=help,
                                query_params=_context(params))


def go(page: str, **params: object) -> None:
    """Open the page now (after a click in a chart or a table)."""
    st.switch_page(BY_KEY[page].file, query_params=_context(params))
