"""AppTest of the quality page: deep link, grouped by source, tertials as tertials, no targets or arrows."""

from __future__ import annotations

import json

from tests.pagetest import app, html_tables

PAGE = "views/kvalitet.py"


def test_deep_link_groups_items_with_base_and_context(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    assert at.title[0].value == "Kvalitet – nøkkelinformasjon for 0312 NAV Frogner"
    assert [h.value for h in at.header] == ["Brukerundersøkelser", "Serviceklager", "Kvalitetsmålinger",
                                            "NAV Klageinstans", "Se i sammenheng"]
    text = [m.value.replace("\u00a0", " ") for m in at.markdown]
    assert "NAV Frogner: **95,0 %** (2021 T3) · grunnlag: 19 av 20" in text
    assert any(t.startswith("NAV Oslo: ") for t in text) and any(t.startswith("Norge: ") for t in text)
    assert "NAV Frogner: **100,0 %** (desember 2021) · grunnlag: 1 av 1" in text
    header = html_tables(at)[-1][0]  # the tertials side by side
    assert header[0] == "Nøkkelinformasjon" and header[-1] == "2021 T3" and "desember 2021" not in header


def test_information_not_targets(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    words = " ".join(m.value for m in at.markdown) + " ".join(c for t in html_tables(at) for r in t for c in r)
    for forbidden in ("▲", "▼", "↑", "↓", "Mål:", "resultatkrav:", "oppfylt", "Bekymring", "Forbedring"):
        assert forbidden not in words
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        assert fig["layout"]["separators"] == ", "
        assert all(t["type"] == "scatter" for t in fig["data"])
        assert len({t["marker"]["symbol"] for t in fig["data"]}) == len(fig["data"])  # told apart without colour


def test_tertial_charts_use_tertial_labels(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    figs = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    xs = [x for fig in figs.values() for x in fig["data"][0]["x"]]
    assert "2021 T3" in xs and "des 2021" in xs
    assert all(x.split()[-1].startswith("T") or x.split()[0] in ("jan", "feb", "mar", "apr", "mai", "jun", "jul",
               "aug", "sep", "okt", "nov", "des") or x.isdigit() for x in xs)


def test_bad_unit_and_no_access(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="9999", periode="2021-12")
    assert "«9999» finnes ikke" in at.error[0].value
    at = app(demo_db, monkeypatch, PAGE, enhet="1103", periode="2021-12")  # Rogaland, for the leder of 0312
    assert "ikke tilgang" in at.error[0].value and "0312" in at.title[0].value
