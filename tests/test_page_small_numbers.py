"""AppTest: a 2-employee office's sickness absence is "færre enn 5" for an employee elsewhere in the fylke, a number
for the office's own leader and for the fylke's management, on the målekort and on the comparison page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.pagetest import APP, body_rows, html_tables, open_page
from tests.test_access import AUTH, ISSUER

ROLES = f"""
utsteder = "{ISSUER}"

[[tilgang]]
epost = "ansatt@nav.no"
rolle = "ansatt"
enhet = "1103"

[[tilgang]]
epost = "leder@nav.no"
rolle = "leder"
enhet = "1144"

[[tilgang]]
epost = "annen.leder@nav.no"
rolle = "leder"
enhet = "1103"

[[tilgang]]
epost = "fylke@nav.no"
rolle = "fylkesleder"
enhet = "1100"
"""
WHO = {"ansatt": "ansatt@nav.no", "leder": "leder@nav.no", "fylkesleder": "fylke@nav.no",
       "annen_leder": "annen.leder@nav.no"}


@pytest.fixture
def roles(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "roller.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("NAVDASH_ROLLER", str(path))


def run(db: Path, monkeypatch, role: str, page: str, **params: str) -> AppTest:
    """Each role in a fresh app, with the caches left as the previous role left them: a leader's cached figures
    must never be served to an employee."""
    monkeypatch.setenv("NAVDASH_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, "email": WHO[role], "email_verified": True, "name": role}
    open_page(at, page, params)
    assert not at.exception, at.exception
    return at


def _sickness_row(at: AppTest) -> list[str]:
    rows = [r for table in html_tables(at) for r in body_rows(table) if r and r[0] == "M.SF"]
    assert len(rows) == 1
    return rows[0]


def test_malekort_small_office_by_role(demo_db, monkeypatch, roles):
    st.cache_data.clear()
    st.cache_resource.clear()
    seen = {}
    for role in ("leder", "ansatt", "fylkesleder"):  # the leader first, so a shared cache entry would leak
        at = run(demo_db, monkeypatch, role, "views/malekort.py", enhet="1144", periode="2022-03", indikator="M.SF")
        assert at.title[0].value.startswith("Målekort for 1144")
        seen[role] = _sickness_row(at)
        points = at.dataframe[-1].value
        seen[role + "_points"] = list(points["Verdi"])
    # MK ID, name, target, signal | hittil i år: i år, i fjor, endring | denne perioden: i år, i fjor, endring
    values = [seen["ansatt"][i] for i in (4, 5, 7, 8)]
    assert values == ["færre enn 5"] * 4 and seen["ansatt"][6] == seen["ansatt"][9] == "–"
    assert "Kan ikke vises" in seen["ansatt"][2]  # no verdict from a hidden year to date
    assert "færre enn 5" in " ".join(seen["ansatt_points"])
    for role in ("leder", "fylkesleder"):
        text = " ".join(seen[role])
        assert "færre enn 5" not in text and " av " in text and "%" in text  # the number and its base
        assert "færre enn 5" not in " ".join(seen[role + "_points"])


def test_sammenligning_small_office_by_role(demo_db, monkeypatch, roles):
    st.cache_data.clear()
    st.cache_resource.clear()
    tables = {}
    for role in ("fylkesleder", "leder", "ansatt"):
        at = run(demo_db, monkeypatch, role, "views/sammenligning.py", indikator="M.SF", periode="2022-01",
                 under="1100")
        tables[role] = at.dataframe[0].value.set_index("Enhetsnr")
        if role == "ansatt":
            assert any("færre enn 5" in c.value.lower() and "Kvitsøy" in c.value for c in at.caption)
    ansatt, leder, fylke = tables["ansatt"], tables["leder"], tables["fylkesleder"]
    assert ansatt.loc["1144", "Andel"] == "færre enn 5" and ansatt.loc["1144", "Nevner"] == "færre enn 5"
    hidden = [u for u in ansatt.index if ansatt.loc[u, "Andel"] == "færre enn 5"]
    assert len(hidden) >= 2  # a partner, so NAV Rogaland minus the others cannot give Kvitsøy back
    assert "%" in leder.loc["1144", "Andel"] and "%" in fylke.loc["1144", "Andel"]
    assert not any(v == "færre enn 5" for v in fylke["Andel"])
    assert list(ansatt.index) == sorted(ansatt.index)  # hidden rows keep the tree order, no ranking


def test_kvalitet_small_office_by_role(demo_db, monkeypatch, roles):
    st.cache_data.clear()
    st.cache_resource.clear()
    texts = {}
    for role in ("leder", "ansatt"):
        at = run(demo_db, monkeypatch, role, "views/kvalitet.py", enhet="1144", periode="2022-12")
        texts[role] = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
        if role == "ansatt":
            together = html_tables(at)[-1]  # the tertials side by side
            assert any(cell == "færre enn 5" for row in together[1:] for cell in row[1:])  # a hidden month in it
    assert "NAV Kvitsøy: **færre enn 5** (2022 T3)" in texts["ansatt"]  # user satisfaction, a handful of answers
    assert "færre enn 5" not in texts["leder"]


def test_meeting_hides_another_office_from_a_leader_and_in_the_pack(demo_db, monkeypatch, roles):
    import io

    from openpyxl import load_workbook

    from navdash import access, disclosure, meetings
    from navdash.exports import meeting as meeting_export

    fylke = access.User("Fylke", "fylkesleder", "1100", demo=False)
    meeting_id = meetings.open_meeting(demo_db, fylke, "1100", "2022-03")
    st.cache_data.clear()
    st.cache_resource.clear()
    cells = {}
    for role in ("leder", "annen_leder"):
        at = run(demo_db, monkeypatch, role, "views/styringsdialog.py", mote=str(meeting_id), kontor="1144")
        cells[role] = [r for table in html_tables(at) for r in body_rows(table) if r and r[0] == "M.SF"][0]
    # MK ID, name, target, signal, then the figures (hittil i år, i fjor, denne perioden), as on the målekort
    assert cells["annen_leder"][4:7] == ["færre enn 5"] * 3
    assert "færre enn 5" not in " ".join(cells["leder"]) and "%" in cells["leder"][4]

    snapshot = meetings.load_meeting(demo_db, meeting_id).snapshot
    other = disclosure.mask_for(access.clearance(access.User("x", "leder", "1103")), demo_db)

    def numbers(snap) -> list[list]:
        book = load_workbook(io.BytesIO(meeting_export.workbook(meeting_export.load(demo_db, snap))))["Tall"]
        header = [c.value for c in book[4]]
        return [dict(zip(header, r, strict=False)) for r in book.iter_rows(min_row=5, values_only=True)]

    kvitsoy = next(r for r in numbers(meetings.protected(snapshot, other)) if r["Enhet"] == "1144"
                   and r["MK ID"] == "M.SF")
    figures = ("Denne perioden", "Teller", "Nevner", "Samme periode i fjor", "Hittil i år", "Hittil i fjor")
    assert [kvitsoy[k] for k in figures] == ["færre enn 5"] * 6
    assert kvitsoy["Endring"] is None and kvitsoy["Endring hittil i år"] is None
    clear = next(r for r in numbers(snapshot) if r["Enhet"] == "1144" and r["MK ID"] == "M.SF")
    assert isinstance(clear["Denne perioden"], float)
