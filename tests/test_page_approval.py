"""AppTest of approval of months: with NAVDASH_GODKJENNING on, a NAV-leder sees only approved months, the analytiker
every month with a note, and the upload page approves and withdraws; with it off nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, approval, paths, store
from tests.conftest import app_rows
from tests.pagetest import APP, app, html_tables, plain

ANALYTIKER = access.DEMO_PERSONAS["analytiker"]
MALEKORT = "views/malekort.py"
START = "views/start.py"  # "Oversikt"; the root address lands each role on its work page
LAST_OPP = "views/last_opp.py"


def all_months(db: Path) -> list[str]:
    """Every month with values, newest first, read straight from the file (no cut-off)."""
    with store.reads_limited(None), store.reading(db) as con:
        rows = con.execute("""SELECT DISTINCT period FROM "values" WHERE period ~ '^[0-9]{4}-[0-9]{2}$'
                              ORDER BY period DESC""").fetchall()
    return [r[0] for r in rows]


def period_options(at: AppTest) -> list[str]:
    box = at.sidebar.selectbox(key="valg_periode")
    return list(box.options)


def label(month: str) -> str:
    from navdash.periods import parse_period

    return parse_period(month).label()


def short(month: str) -> str:
    from navdash.periods import parse_period

    return parse_period(month).short_label()


def sidebar_captions(at: AppTest) -> str:
    return " ".join(plain(c.value) for c in at.sidebar.caption)


@pytest.fixture
def approval_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")


def test_an_unapproved_month_is_invisible_to_a_leader_and_visible_to_an_analyst(demo_db, monkeypatch, approval_on):
    months = all_months(demo_db)
    newest, approved_to = months[0], months[2]
    approval.approve(demo_db, ANALYTIKER, approved_to)

    leader = app(demo_db, monkeypatch, MALEKORT, persona="leder", enhet="0312")
    assert period_options(leader) == [label(m) for m in months if m <= approved_to]
    assert leader.sidebar.selectbox(key="valg_periode").value <= approved_to
    assert not any(label(newest) in str(t) for t in html_tables(leader))
    assert "ikke godkjent" not in sidebar_captions(leader)  # nothing unapproved shows, and nothing needs saying

    deep = app(demo_db, monkeypatch, MALEKORT, persona="leder", enhet="0312", periode=newest)
    assert any("Det finnes ingen tall for perioden" in e.value for e in deep.error)
    assert deep.sidebar.selectbox(key="valg_periode").value <= approved_to

    analyst = app(demo_db, monkeypatch, MALEKORT, persona="analytiker", enhet="0312", periode=newest)
    assert period_options(analyst) == [label(m) for m in months]
    assert analyst.sidebar.selectbox(key="valg_periode").value == newest
    assert "Måneden er ikke godkjent ennå – bare analytikere ser den." in sidebar_captions(analyst)
    approved = app(demo_db, monkeypatch, MALEKORT, persona="analytiker", enhet="0312", periode=approved_to)
    assert f"Synlig for alle – godkjent av {ANALYTIKER.name}" in sidebar_captions(approved)


def test_the_analysts_cached_month_is_never_served_to_a_leader(demo_db, monkeypatch, approval_on):
    months = all_months(demo_db)
    approval.approve(demo_db, ANALYTIKER, months[1])
    app(demo_db, monkeypatch, MALEKORT, persona="analytiker", enhet="0312")  # fills the caches first
    leader = AppTest.from_file(APP, default_timeout=90)  # the same process and caches, not cleared
    leader.query_params["persona"] = "leder"
    leader.query_params["enhet"] = "0312"
    leader.run()
    leader.switch_page(MALEKORT).run()
    assert not leader.exception
    assert period_options(leader) == [label(m) for m in months[1:]]


def test_a_leader_sees_nothing_until_a_month_is_approved(demo_db, monkeypatch, approval_on):
    at = app(demo_db, monkeypatch, MALEKORT, persona="leder", enhet="0312")
    assert any("Ingen måneder er godkjent for visning ennå" in i.value for i in at.info)
    assert not html_tables(at)


def test_with_approval_off_the_leader_sees_every_month_as_before(demo_db, monkeypatch):
    monkeypatch.delenv(paths.APPROVAL_ENV, raising=False)
    months = all_months(demo_db)
    off = app(demo_db, monkeypatch, MALEKORT, persona="leder", enhet="0312", periode=months[0])
    assert period_options(off) == [label(m) for m in months]
    assert "godkjent" not in sidebar_captions(off)
    # The same målekort with approval on and every month approved: the same numbers, cell for cell.
    approval.approve(demo_db, ANALYTIKER, months[0])
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    on = app(demo_db, monkeypatch, MALEKORT, persona="leder", enhet="0312", periode=months[0])
    assert html_tables(on) == html_tables(off) and html_tables(off)


def test_the_analyst_approves_and_withdraws_on_the_upload_page_with_a_confirmation(demo_db, monkeypatch,
                                                                                  approval_on):
    months = all_months(demo_db)
    at = app(demo_db, monkeypatch, LAST_OPP, persona="analytiker")
    assert "Godkjenning av måneder" in [h.value for h in at.header]
    assert at.selectbox(key="godkjenn_maaned").value == months[-1]  # the oldest month not approved
    at.selectbox(key="godkjenn_maaned").set_value(months[3]).run()
    at.button(key="godkjenn").click().run()
    assert not approval.approvals(demo_db)  # nothing before the confirmation
    assert any(f"Godkjenne {label(months[3])} og {len(months) - 4} tidligere måneder" in w.value
               for w in at.warning)
    at.button(key="bekreft_godkjenning").click().run()
    assert sorted(approval.approvals(demo_db)) == sorted(months[3:])
    assert any(f"Godkjent: {len(months) - 3} måneder" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Synlig for alle"]) == ["Nei"] * 3 + ["Ja"] * (len(months) - 3)
    assert f"Godkjent av {ANALYTIKER.name} " in table["Status"].iloc[3]  # the name as it is written
    # The picker moves on to the oldest month still waiting; an approved month cannot be approved once more.
    assert at.selectbox(key="godkjenn_maaned").value == months[2]
    assert not at.button(key="godkjenn").disabled
    at.selectbox(key="godkjenn_maaned").set_value(months[4]).run()
    assert at.button(key="godkjenn").disabled
    assert not at.button(key="trekk_tilbake").disabled

    at.selectbox(key="godkjenn_maaned").set_value(months[5]).run()
    at.button(key="trekk_tilbake").click().run()
    at.button(key="avbryt_godkjenning").click().run()  # cancelled: still approved
    assert months[5] in approval.approvals(demo_db)
    at.button(key="trekk_tilbake").click().run()
    at.button(key="bekreft_godkjenning").click().run()
    assert months[5] not in approval.approvals(demo_db)
    actions = app_rows(demo_db, "SELECT action, target FROM audit_log WHERE action LIKE '%godkj%' ORDER BY audit_id")
    assert actions == [("godkjente måned", m) for m in sorted(months[3:])] + [
        ("trakk tilbake godkjenning", months[5])]
    st.cache_data.clear()


def test_the_leader_has_no_approval_section_and_off_shows_only_a_note(demo_db, monkeypatch):
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    leader = app(demo_db, monkeypatch, LAST_OPP, persona="leder")
    assert "Godkjenning av måneder" not in [h.value for h in leader.header]
    monkeypatch.delenv(paths.APPROVAL_ENV)
    analyst = app(demo_db, monkeypatch, LAST_OPP, persona="analytiker")
    assert "Godkjenning av måneder" not in [h.value for h in analyst.header]
    [note] = [c.value for c in analyst.caption if "Godkjenning av måneder er slått av" in c.value]
    assert "NAVDASH_GODKJENNING" in note and "docs/" not in note  # the setting's name, not a path in the repository


def page_text(at: AppTest) -> str:
    """What a reader can see on a page as text: markdown, captions, messages, tables, pickers and metrics."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "metric"):
        parts += [str(getattr(e, "value", "")) + str(getattr(e, "label", "")) for e in at.get(kind)]
    parts += [e.proto.body for e in at.get("html")]
    for box in at.selectbox:
        parts += [str(o) for o in box.options]
    parts += [e.value.to_csv() for e in [*at.dataframe, *at.table]]
    return plain(" ".join(parts))


@pytest.mark.parametrize("page", ["views/start.py", "views/malekort.py", "views/kvalitet.py",
                                  "views/sammenligning.py", "views/mal.py", "views/styringsdialog.py",
                                  "views/tertialrapport.py"])
def test_no_page_shows_a_leader_anything_of_an_unapproved_month(demo_db, monkeypatch, approval_on, page):
    months = all_months(demo_db)
    approval.approve(demo_db, ANALYTIKER, months[1])
    if page == "views/styringsdialog.py":  # both opened while the newest month was approved, before a withdrawal
        from navdash import meetings

        for month in months[1::-1]:
            meetings.open_meeting(demo_db, access.DEMO_PERSONAS["fylkesleder"], "0300", month)
    # Tertials and years that end in the newest month are cut with it (test_approval); their labels may still head
    # a column of the months before (kvalitet sums September to November under "2022 T3").
    hidden = [label(months[0]), short(months[0])]
    if page == "views/tertialrapport.py":  # a tertial report is on the tertial's last month by name (T3: "desember
        hidden = [short(months[0])]        # 2022"), built from the months there are, as before December is imported
    leader = app(demo_db, monkeypatch, page, persona="leder", enhet="0312")
    text = page_text(leader)
    assert label(months[1]) in text or short(months[1]) in text or page in ("views/mal.py",
                                                                            "views/tertialrapport.py")
    assert not [h for h in hidden if h in text], page
    analyst = app(demo_db, monkeypatch, page, persona="analytiker", enhet="0312")
    if page in ("views/malekort.py", "views/kvalitet.py", "views/sammenligning.py"):
        assert label(months[0]) in page_text(analyst) or hidden[1] in page_text(analyst)


def test_the_start_page_says_up_to_which_month_the_numbers_are_approved(demo_db, monkeypatch, approval_on):
    months = all_months(demo_db)
    approval.approve(demo_db, ANALYTIKER, months[2])
    leader = app(demo_db, monkeypatch, START, persona="leder")
    assert f"Månedstallene er godkjent til og med {label(months[2])}." in [c.value for c in leader.caption]
    analyst = app(demo_db, monkeypatch, START, persona="analytiker")
    assert any(c.value.startswith(f"Ledere og ansatte ser månedstall til og med {label(months[2])}:")
               for c in analyst.caption)


def test_the_start_page_tells_a_leader_that_no_month_is_approved_yet(demo_db, monkeypatch, approval_on):
    # The months are there but hidden: the page says they wait for approval, not that there are none or "– til –".
    assert all_months(demo_db)
    leader = app(demo_db, monkeypatch, START, persona="leder")
    assert not leader.exception
    text = page_text(leader)
    assert "Ingen måneder er godkjent for visning ennå" in text
    assert "Det finnes ingen månedstall ennå" not in text
    assert "fra – til –" not in text
    analyst = app(demo_db, monkeypatch, START, persona="analytiker")
    assert "Ingen måneder er godkjent for visning ennå" not in page_text(analyst)
    assert any(c.value.startswith("Ledere og ansatte ser ingen månedstall ennå") for c in analyst.caption)


@pytest.mark.parametrize(("page", "persona"), [("views/tertialrapport.py", "leder"),
                                               ("views/styringsdialog.py", "fylkesleder")])
def test_a_page_without_approved_months_says_they_wait_for_approval(demo_db, monkeypatch, approval_on, page,
                                                                    persona):
    # The months are imported; a leader must not be told there are none and to upload values.
    assert all_months(demo_db)
    at = app(demo_db, monkeypatch, page, persona=persona)
    assert not at.exception
    text = page_text(at)
    assert "Ingen måneder er godkjent for visning ennå" in text
    assert "Last opp verdier først" not in text and "Det finnes ingen månedstall" not in text
    monkeypatch.delenv(paths.APPROVAL_ENV)
    assert "Ingen måneder er godkjent" not in page_text(app(demo_db, monkeypatch, page, persona=persona))
