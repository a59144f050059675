"""Links between pages (AppTest): one builder, same tab, the demo persona kept; the start page leads each role to its
work and lists the pages it may open; a page the role may not open explains why in Norwegian."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from navdash import access, links, store
from navdash.ui import links as ui_links
from tests.pagetest import APP, app, same_tab_link

ANCHOR = re.compile(r'<a href="([^"]+)" target="_self">')


def page_links(at: AppTest) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(label, page, query) of every st.page_link on the page."""
    return [(p.proto.label, p.proto.page, parse_qs(p.proto.query_string)) for p in at.get("page_link")]


def test_core_addresses_follow_the_page_table():
    assert links.url("malekort", enhet="0312", periode="2021-12", indikator=None) == \
        "/malekort?enhet=0312&periode=2021-12"
    assert links.url("start") == "/oversikt"
    assert links.url("last_opp", type="verdier") == "/last-opp?type=verdier"
    with pytest.raises(ValueError):
        links.url("finnes-ikke")
    assert [p.key for p in ui_links.PAGES] == list(links.URL_PATHS)


def test_anchor_opens_in_the_same_tab_and_escapes():
    html = ui_links.anchor("/malekort?enhet=0312", 'NAV <b>"x"</b>')
    assert 'target="_self"' in html and "_blank" not in html
    assert "<b>" not in html and "&#60;b&#62;" in html


# What each role's first link leads to: the page and the parameters it must carry.
LEADS = {
    "leder": ("malekort", {"enhet": "0312"}),
    "fylkesleder": ("styringsdialog", {}),
    "ansatt": ("mal", {"enhet": "0312"}),
    "analytiker": ("last-opp", {}),
}


@pytest.mark.parametrize("persona", list(LEADS))
def test_start_page_leads_each_role_to_its_work(demo_db, monkeypatch, persona):
    at = app(demo_db, monkeypatch, "views/start.py", persona=persona)
    assert at.subheader[0].value == "Ditt arbeid"
    label, page, query = page_links(at)[0]
    want_page, want_params = LEADS[persona]
    assert label.startswith("**Gå til") and page == want_page, (label, page)
    for key, value in want_params.items():
        assert query[key] == [value]
    assert query["persona"] == [persona]  # a demo link keeps the persona
    if persona == "leder":  # the own målekort opens on the latest complete month
        from navdash import overview

        assert query["periode"] == [overview.latest_complete_month(demo_db, "0312")]
    headers = [h.value for h in at.header]
    if persona == "analytiker":  # the analytiker's work is the data status: it comes right after the lead
        assert headers[:2] == ["Data og ferskhet", "Fullstendighet per måned"]
    else:
        assert headers[0] == "Sidene"


@pytest.mark.parametrize("persona", list(LEADS))
def test_start_page_lists_every_page_the_role_may_open(demo_db, monkeypatch, persona):
    at = app(demo_db, monkeypatch, "views/start.py", persona=persona)
    user = access.DEMO_PERSONAS[persona]
    listing = next(m.value for m in at.markdown if m.value.startswith("- **<a"))
    lines = listing.splitlines()
    expected = [p for p in ui_links.PAGES if p.key != "start" and access.can_open(user, p.key)]
    assert len(lines) == len(expected)
    for line, p in zip(lines, expected, strict=True):
        href = "/" + links.URL_PATHS[p.key] + f"?persona={persona}"
        assert line == f"- **{same_tab_link(href, p.title)}** – {p.purpose}"


def test_unit_tree_links_each_visible_unit_to_its_malekort(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/start.py", persona="fylkesleder")
    text = "\n".join(m.value for m in at.markdown)
    linked = {}
    for href in ANCHOR.findall(text):
        href = href.replace("&#38;", "&")
        if "enhet=" not in href:  # the list of pages links to pages, not to units
            continue
        parts = urlsplit(href)
        assert parts.path == "/malekort"
        q = parse_qs(parts.query)
        assert q["persona"] == ["fylkesleder"]
        linked[q["enhet"][0]] = href
    with store.reading(demo_db) as con:
        all_parents = dict(con.execute("SELECT unit_id, parent_id FROM units").fetchall())
    visible = access.visible_units(access.DEMO_PERSONAS["fylkesleder"], all_parents)
    assert set(linked) == set(visible)  # every unit the reader may open, and no other
    assert "0312" in linked and "1103" not in linked


def test_refusal_page_explains_in_norwegian():
    def page():
        from navdash.access import DEMO_PERSONAS
        from navdash.ui import frame

        frame.refusal(DEMO_PERSONAS["ansatt"], "styringsdialog", "Månedsmøtet")()

    at = AppTest.from_function(page, default_timeout=30)
    at.query_params["persona"] = "ansatt"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Månedsmøtet"
    text = at.warning[0].value
    assert "Du har ikke tilgang til siden «Månedsmøtet»" in text
    allowed = [access.ROLE_TEXT[r] for r in access.ROLES if access.can_open(access.User("", r, ""), "styringsdialog")]
    assert all(role in text for role in allowed) and "med rollen Ansatt" in text
    assert 'href="/oversikt?persona=ansatt" target="_self">oversikten</a>' in at.markdown[0].value


# Where opening the app (its root address, no page given) lands each role: the page's title and what the address
# must carry. The analytiker's work is the data status, which the start page leads with.
LANDS = {
    "leder": ("Målekort for 0312 NAV Frogner", {"enhet": "0312"}),
    "fylkesleder": ("Månedsmøtet – 0300 NAV Oslo", {}),
    "ansatt": ("Mål og prioriteringer", {"enhet": "0312"}),
    "analytiker": ("Mål og resultater i NAV", {}),
}


@pytest.mark.parametrize("persona", list(LANDS))
def test_the_root_address_lands_each_role_on_its_work(demo_db, monkeypatch, persona):
    at = app(demo_db, monkeypatch, persona=persona)  # no page: the app's root address
    title, params = LANDS[persona]
    assert at.title[0].value == title
    assert at.query_params["persona"] == persona  # the demo persona stays in the address
    for key, value in params.items():
        assert at.query_params[key] == value
    if persona == "leder":  # the own målekort on the latest month every office under it has delivered
        with store.reading(demo_db) as con:
            latest = con.execute("""SELECT max(period) FROM "values" WHERE unit_id = '0312'
                                    AND period_kind = 'M'""").fetchone()[0]
        assert at.query_params["periode"] == latest
    if persona == "analytiker":
        assert [h.value for h in at.header][:2] == ["Data og ferskhet", "Fullstendighet per måned"]


@pytest.mark.parametrize("persona", list(LANDS))
def test_oversikt_stays_reachable_after_landing(demo_db, monkeypatch, persona):
    at = app(demo_db, monkeypatch, persona=persona)
    at.switch_page("views/start.py").run()  # "Oversikt" in the menu
    assert at.title[0].value == "Mål og resultater i NAV"
    assert at.subheader[0].value == "Ditt arbeid"
    at.run()  # a rerun (any widget on the page) stays on the start page: no second landing, no loop
    assert at.title[0].value == "Mål og resultater i NAV"
    assert not at.exception


def test_coming_back_to_the_root_address_shows_the_overview(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, persona="leder")
    assert at.title[0].value == LANDS["leder"][0]  # the first visit lands on the own målekort
    assert at.session_state["_navdash_landed"]
    # The root address again in a session that has landed once (the browser's Back button from the work page).
    monkeypatch.setenv("NAVDASH_DB", str(demo_db))
    again = AppTest.from_file(APP, default_timeout=90)
    again.session_state["_navdash_landed"] = True
    again.query_params = {"persona": "leder"}
    again.run()
    assert not again.exception
    assert again.title[0].value == "Mål og resultater i NAV"
