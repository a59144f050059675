"""Access control: a matrix of role × page × action, login through OIDC claims, default deny, crafted input,
and caches that never serve one role's data to another."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from navdash import access, store
from navdash.schemas import KINDS
from navdash.text import shown
from tests.conftest import app_rows, copy_db, fingerprint
from tests.pagetest import APP, open_page

ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
ROLES_TOML = f"""
utsteder = "{ISSUER}"
gruppeclaim = "groups"

[[tilgang]]
epost = "kari.leder@nav.no"
rolle = "leder"
enhet = "0312"

[[tilgang]]
gruppe = "grp-fylkesledelse-oslo"
rolle = "fylkesleder"
enhet = "0300"

[[tilgang]]
gruppe = "grp-ansatte-stavanger"
rolle = "ansatt"
enhet = "1103"

[[tilgang]]
epost = "ola.analytiker@nav.no"
rolle = "analytiker"
enhet = "0000"
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-hemmelighet",
        "client_id": "navdash", "client_secret": "x",
        "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"}
ALL_PAGES = ("start", "malekort", "mal", "last_opp")


@pytest.fixture
def keep_error_details():
    """A production run sets `client.showErrorDetails` for the whole process; put it back for the next test."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.fixture
def roles_file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "roller.toml"
    path.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("NAVDASH_ROLLER", str(path))
    return path


def run(db: Path, monkeypatch, *, persona: str | None = None, user: dict | None = None, auth: bool = False,
        page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("NAVDASH_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    if persona:
        params["persona"] = persona
    open_page(at, page, params)
    assert not at.exception, at.exception
    return at


def registered(at: AppTest) -> set[str]:
    """The pages the navigation offers this user (AppTest refuses to switch to any other)."""
    offered = set()
    for name in ALL_PAGES:
        try:
            at.switch_page(f"views/{name}.py")
            offered.add(name)
        except ValueError:
            pass
    return offered


# --- role × page: see ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "pages"), [
    ("ansatt", {"start", "malekort", "mal"}),
    ("leder", {"start", "malekort", "mal", "last_opp"}),
    ("fylkesleder", {"start", "malekort", "mal"}),
    ("analytiker", {"start", "malekort", "mal", "last_opp"}),
])
def test_pages_offered_by_role(demo_db, monkeypatch, persona, pages):
    at = run(demo_db, monkeypatch, persona=persona)
    assert registered(at) == pages


@pytest.mark.parametrize(("persona", "own", "other", "hidden"), [
    ("ansatt", "0312", "0313", "1103"),  # own office, a neighbour in the fylke, an office elsewhere
    ("leder", "0312", "0300", "1100"),
    ("fylkesleder", "0300", "0312", "1103"),
])
def test_malekort_units_by_role(demo_db, monkeypatch, persona, own, other, hidden):
    for unit, allowed in ((own, True), (other, True), (hidden, False)):
        at = run(demo_db, monkeypatch, persona=persona, page="views/malekort.py", enhet=unit, periode="2021-12")
        title = at.title[0].value
        if allowed:
            assert title.startswith(f"Målekort for {unit}"), (persona, unit, title)
        else:
            assert any(f"Du har ikke tilgang til målekortet for enhet «{unit}»" in e.value for e in at.error)
            assert not title.startswith(f"Målekort for {unit}")


def test_analytiker_sees_every_unit(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, persona="analytiker", page="views/malekort.py", enhet="0000", periode="2021-12")
    box = next(s for s in at.sidebar.selectbox if s.label == "Enhet")
    with store.reading(demo_db) as con:
        assert len(box.options) == con.execute("SELECT count(*) FROM units").fetchone()[0]


# --- role × page: edit (priorities) -----------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "unit", "form"), [
    ("leder", "0312", True), ("leder", "0313", False), ("ansatt", "0312", False), ("fylkesleder", "0312", False),
    ("analytiker", "0312", False),
])
def test_priority_form_by_role(demo_db, monkeypatch, persona, unit, form):
    at = run(demo_db, monkeypatch, persona=persona, page="views/mal.py", enhet=unit, aar="2021")
    has_form = any(b.label == "Lagre prioriteringene" for b in at.button)
    assert has_form is form


# --- role × page: upload -----------------------------------------------------------------------------------------

def kind_box(at: AppTest):
    return next(s for s in at.main.selectbox if s.label == "Hva inneholder filen?")


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_leader_uploads_own_local_values(demo_db, monkeypatch, tmp_path):
    db = copy_db(demo_db, tmp_path / "d.duckdb")
    at = run(db, monkeypatch, persona="leder", page="views/last_opp.py")
    assert kind_box(at).options == ["Verdier"]
    _upload(at, "klubb.csv", b"enhet;indikator;periode;teller;nevner;verdi\n0312;L.KLUBB;2023-01;;;17\n")
    assert any("1 nye" in s.value for s in at.success)
    confirm = next(b for b in at.button if b.label == "Bekreft import")
    confirm.click().run()
    assert any("importert: 1 nye" in s.value for s in at.success)
    assert not [b for b in at.button if b.label == "Bekreft import"]  # the file is in: nothing left to confirm
    with store.reading(db) as con:
        assert con.execute("""SELECT value FROM "values" WHERE indicator_id='L.KLUBB' AND period='2023-01'"""
                           ).fetchone() == (17.0,)
    assert app_rows(db, "SELECT who FROM import_log ORDER BY log_id DESC LIMIT 1") == [("Demo-leder",)]


def test_leader_cannot_upload_other_units_or_central_indicators(demo_db, monkeypatch, tmp_path):
    db = copy_db(demo_db, tmp_path / "d.duckdb")
    before = fingerprint(db)
    at = run(db, monkeypatch, persona="leder", page="views/last_opp.py")
    _upload(at, "feil.csv", b"enhet,indikator,periode,teller,nevner,verdi\n1103,L.KLUBB,2023-01,,,5\n"
                            b"0312,B.15,2023-01,5,10,\n")
    errors = " ".join(e.value for e in at.error)
    assert "avvist, 2 feil" in errors
    problems = at.dataframe[-2].value  # the problem table, above the history
    assert "du kan bare laste opp tall for din egen enhet, ikke 1103" in " ".join(problems["Feil"])
    assert "B.15 er ikke en lokal indikator du kan laste opp" in " ".join(problems["Feil"])
    assert not [b for b in at.button if b.label == "Bekreft import"]
    assert fingerprint(db) == before


def test_analytiker_may_upload_every_kind_and_reads_the_audit_log(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, persona="analytiker", page="views/last_opp.py")
    options = kind_box(at).options
    assert len(options) == len(KINDS)  # every kind of file
    assert {"Endringspunkter", "Valideringsregler"} <= set(options)
    assert kind_box(at).value == "verdier"  # the most common upload is the default
    guide = next(e for e in at.expander if e.label.startswith("Filformatet for verdier"))
    shown = " ".join(m.value for m in guide.markdown)
    doc = (Path(APP).parent / "docs" / "filformater.md").read_text(encoding="utf-8")
    section = doc.split("## `verdier`")[1].split("\n## ")[0]
    assert "| periode |" in shown and shown.strip() in section  # the format itself, in the app
    assert "docs/filformater.md" not in " ".join(c.value for c in at.caption)  # no repository path for users
    example = (Path(APP).parent / "docs" / "eksempler" / "verdier.csv")
    buttons = [b for b in guide.get("download_button")]
    assert any(b.proto.label == "Last ned eksempelfilen verdier.csv" for b in buttons), [b.proto for b in buttons]
    assert example.exists()
    assert any(e.label.startswith("Endringslogg") for e in at.expander)


def test_upload_page_refuses_roles_without_upload_even_if_run_directly(demo_db, monkeypatch):
    monkeypatch.setenv("NAVDASH_DB", str(demo_db))
    at = AppTest.from_file(str(Path(APP).parent / "views" / "last_opp.py"), default_timeout=60)
    at.query_params["persona"] = "ansatt"
    at.run()
    assert any("Du har ikke tilgang til å laste opp data" in e.value for e in at.error)
    assert not at.file_uploader


# --- login -------------------------------------------------------------------------------------------------------

def test_logged_out_user_sees_only_the_login(demo_db, monkeypatch, roles_file):
    at = run(demo_db, monkeypatch, auth=True, user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Logg inn"]
    assert not at.dataframe and not at.sidebar.selectbox


def test_logged_in_leader_by_email(demo_db, monkeypatch, roles_file):
    at = run(demo_db, monkeypatch, auth=True, page="views/malekort.py",
             user={"is_logged_in": True, "iss": ISSUER, "email": "Kari.Leder@nav.no", "email_verified": True,
                   "name": "Kari Leder"})
    assert at.title[0].value == "Målekort for 0312 NAV Frogner"
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert "Innlogget som **Kari Leder**" in sidebar and "Demo – ikke innlogget" not in sidebar
    assert registered(at) == {"start", "malekort", "mal", "last_opp"}


def test_logged_in_leader_lands_on_the_own_malekort(demo_db, monkeypatch, roles_file):
    at = run(demo_db, monkeypatch, auth=True,  # the root address, no page: where the leader's work is
             user={"is_logged_in": True, "iss": ISSUER, "email": "kari.leder@nav.no", "email_verified": True,
                   "name": "Kari Leder"})
    assert at.title[0].value == "Målekort for 0312 NAV Frogner"
    assert at.query_params["enhet"] == "0312" and "persona" not in at.query_params  # no demo persona when logged in


def test_logged_in_by_group_claim(demo_db, monkeypatch, roles_file):
    at = run(demo_db, monkeypatch, auth=True, page="views/malekort.py",
             user={"is_logged_in": True, "iss": ISSUER, "email": "per@nav.no", "name": "Per",
                   "groups": ["x", "grp-ansatte-stavanger"]})
    assert at.title[0].value == "Målekort for 1103 NAV Stavanger"
    assert registered(at) == {"start", "malekort", "mal"}


def test_unknown_identity_gets_a_polite_refusal(demo_db, monkeypatch, roles_file):
    at = run(demo_db, monkeypatch, auth=True, user={"is_logged_in": True, "email": "fremmed@example.com"})
    assert at.title[0].value == "Ingen tilgang ennå"
    assert "fremmed@example.com" in shown(at.markdown[0].value)
    assert [b.label for b in at.button] == ["Logg ut"]
    assert not at.dataframe


def test_crafted_session_state_cannot_change_a_logged_in_identity(demo_db, monkeypatch, roles_file):
    monkeypatch.setenv("NAVDASH_DB", str(demo_db))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, "email": "per@nav.no", "groups": ["grp-ansatte-stavanger"]}
    at.session_state["persona"] = "analytiker"
    open_page(at, "views/malekort.py", {"persona": "analytiker", "enhet": "0312"})
    assert any("Du har ikke tilgang til målekortet for enhet «0312»" in e.value for e in at.error)
    assert registered(at) == {"start", "malekort", "mal"}


def test_broken_role_file_stops_with_a_message(demo_db, monkeypatch, roles_file):
    roles_file.write_text('[[tilgang]]\nepost = "a@nav.no"\nrolle = "sjef"\nenhet = "0312"\n', encoding="utf-8")
    at = run(demo_db, monkeypatch, auth=True, user={"is_logged_in": True, "email": "a@nav.no"})
    assert any("Tilgangsoppsettet kan ikke brukes" in e.value and "rolle" in e.value for e in at.error)


def test_production_refuses_demo_mode(demo_db, monkeypatch, keep_error_details):
    monkeypatch.setenv("NAVDASH_PRODUKSJON", "1")
    at = run(demo_db, monkeypatch, persona="analytiker")
    assert any("Appen starter ikke i demomodus" in e.value for e in at.error)
    assert not at.sidebar.selectbox and not at.dataframe


def test_every_page_carries_the_demo_mark(demo_db, monkeypatch):
    for page in ("views/start.py", "views/malekort.py", "views/mal.py", "views/last_opp.py"):
        at = run(demo_db, monkeypatch, persona="analytiker", page=page)
        assert "Demo – ikke innlogget" in " ".join(m.value for m in at.sidebar.markdown), page


# --- caches ------------------------------------------------------------------------------------------------------

def test_a_cached_unit_list_is_never_served_to_another_role(demo_db, monkeypatch):
    monkeypatch.setenv("NAVDASH_DB", str(demo_db))
    st.cache_data.clear()
    seen = {}
    for persona in ("fylkesleder", "ansatt", "analytiker", "ansatt"):  # one process, one shared cache
        at = AppTest.from_file(APP, default_timeout=90)
        open_page(at, "views/malekort.py", {"persona": persona, "enhet": access.DEMO_PERSONAS[persona].unit_id})
        options = next(s for s in at.sidebar.selectbox if s.label == "Enhet").options
        seen.setdefault(persona, []).append({label.split()[0] for label in options})  # "1103 NAV Stavanger"
    assert seen["ansatt"][0] == seen["ansatt"][1]
    assert "1103" not in seen["ansatt"][0] and "1103" in seen["analytiker"][0]
    assert "0319" in seen["fylkesleder"][0]  # an office in Oslo the ansatt at 0312 may also see (same fylke)
    assert seen["fylkesleder"][0] != seen["analytiker"][0]


# --- the rules themselves ------------------------------------------------------------------------------------------

def test_role_map_validation_and_default_deny():
    rm = access.RoleMap.model_validate({"utsteder": ISSUER,
                                        "tilgang": [{"epost": "a@nav.no", "rolle": "leder", "enhet": "0312"}]})
    verified = {"iss": ISSUER, "email_verified": True}
    assert access.user_from_claims({**verified, "email": "A@NAV.no"}, rm).role == "leder"
    assert access.user_from_claims({**verified, "email": "b@nav.no"}, rm) is None
    assert access.user_from_claims({}, rm) is None
    with pytest.raises(ValueError):
        access.RoleMap.model_validate({"utsteder": ISSUER, "tilgang": [{"rolle": "leder", "enhet": "0312"}]})
    with pytest.raises(ValueError):
        access.RoleMap.model_validate({"utsteder": ISSUER,
                                       "tilgang": [{"epost": "a@nav.no", "rolle": "leder", "enhet": "312"}]})


def test_visibility_rules():
    parents = {"0000": None, "0300": "0000", "0312": "0300", "0313": "0300", "1100": "0000", "1103": "1100"}
    see = access.visible_units
    assert see(access.User("", "ansatt", "0312"), parents) == {"0312", "0313", "0300", "0000"}
    assert see(access.User("", "fylkesleder", "0300"), parents) == {"0300", "0312", "0313", "0000"}
    assert see(access.User("", "analytiker", "0000"), parents) == set(parents)
    assert see(access.User("", "leder", "9999"), parents) == set()
    assert not access.can_open(None, "start")
    assert access.upload_scope(access.User("", "fylkesleder", "0300")) is None


PARENTS = {"0000": None, "0300": "0000", "0312": "0300", "0313": "0300", "1100": "0000", "1103": "1100"}


@pytest.mark.parametrize(("role", "unit", "fylke", "runs", "writes", "answers", "registers", "audit"), [
    # role, own unit, whose meetings, runs 0300's, writes for 0312, answers for 0312, registers for, audit log
    ("ansatt", "0312", "0300", False, False, False, set(), False),
    ("leder", "0312", "0300", False, False, True, {"0312"}, False),
    ("leder", "0313", "0300", False, False, False, {"0313"}, False),
    ("fylkesleder", "0300", "0300", True, True, False, {"0300", "0312", "0313"}, False),
    ("fylkesleder", "1100", "1100", False, False, False, {"1100", "1103"}, False),
    ("analytiker", "0000", None, False, False, False, set(PARENTS), True),
])
def test_meeting_register_and_audit_rules(role, unit, fylke, runs, writes, answers, registers, audit):
    user = access.User("", role, unit)
    assert access.meeting_fylke(user, PARENTS) == fylke
    assert access.can_run_meeting(user, "0300") is runs
    assert access.can_write_for(user, "0312", PARENTS) is writes
    assert access.can_answer(user, "0312") is answers
    assert {u for u in PARENTS if access.can_register(user, u, PARENTS)} == registers
    assert access.registers_anywhere(user) is bool(registers)
    assert access.can_see_audit_log(user) is audit
    assert access.sees_every_unit(user) is (role == "analytiker")


@pytest.mark.parametrize(("role", "page"), [("ansatt", "mal"), ("leder", "malekort"),
                                           ("fylkesleder", "styringsdialog"), ("analytiker", "last_opp")])
def test_the_start_page_leads_each_role_to_its_work(role, page):
    assert access.work_page(access.User("", role, "0312")) == page


def test_nobody_is_granted_anything():
    assert not access.can_run_meeting(None, "0300") and not access.can_write_for(None, "0300", PARENTS)
    assert not access.can_answer(None, "0312") and not access.can_register(None, "0312", PARENTS)
    assert not access.registers_anywhere(None) and not access.can_see_audit_log(None)
    assert not access.sees_every_unit(None)
    assert not access.can_register(access.User("", "analytiker", "0000"), "9999", PARENTS)  # an unknown unit


def test_documented_example_role_file_is_valid():
    example = Path(APP).parent / "docs" / "roller.eksempel.toml"
    role_map = access.load_role_map(example)
    iss = role_map.utsteder[0]
    leader = access.user_from_claims({"iss": iss, "tid": role_map.tenant,
                                      "oid": "11111111-2222-3333-4444-555555555555"}, role_map)
    assert (leader.role, leader.unit_id) == ("leder", "0312")
    group = access.user_from_claims({"iss": iss, "tid": role_map.tenant, "email": "x@nav.no",
                                     "groups": ["00000000-0000-0000-0000-000000000001"]}, role_map)
    assert (group.role, group.unit_id) == ("fylkesleder", "0300")
