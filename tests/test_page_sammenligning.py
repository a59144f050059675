"""AppTest of the comparison page: deep links, the default order is never by value, the reading guide, links."""

from __future__ import annotations

import json
import re

from tests.pagetest import app, plain

PAGE = "views/sammenligning.py"
RANK_WORDS = re.compile(r"\b(rang|rangering|plass|nr\.|topp|bunn|beste|dårligste)\b", re.IGNORECASE)


def _share(text: str) -> float:
    return float(text.replace("\u00a0%", "").replace(",", "."))


def _figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _panel_titles(fig: dict) -> list[str]:
    return [a["text"] for a in fig["layout"].get("annotations", [])]


def test_default_is_the_users_fylke_in_tree_order_never_by_value(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-12")
    table = at.dataframe[0].value
    ids = list(table["Enhetsnr"])
    assert len(ids) == 15 and ids == sorted(ids) and ids[0] == "0312"  # NAV Oslo's offices, the leder's fylke
    shares = [_share(s) for s in table["Andel"]]
    # the test can fail: the values are not already in id order, so sorting by value would show
    assert shares != sorted(shares) and shares != sorted(shares, reverse=True)
    assert not any(RANK_WORDS.search(c) for c in table.columns)
    funnel, multiples = _figures(at)
    # the small multiples follow the table's order, never the values
    assert _panel_titles(multiples) == [n.removeprefix("NAV ") for n in table["Enhet"]]
    # within each marker trace of the funnel the units keep the table's order
    for trace in funnel["data"]:
        if trace.get("mode") == "markers+text":
            names = [c[0] for c in trace["customdata"]]
            assert names == [n for n in table["Enhet"] if n in names]
    assert funnel["layout"]["separators"] == ", " and multiples["layout"]["separators"] == ", "
    symbols = {t["marker"]["symbol"] for t in funnel["data"] if t.get("mode") == "markers+text"}
    assert "circle" in symbols  # the status is carried by the marker's shape, not only its colour
    assert any("rangering villeder" in i.value for i in at.info)
    assert any("Enheter inne i trakten er ikke forskjellige" in m.value for m in at.markdown)
    assert any("eksakte binomiske" in c.value for c in at.caption)


def test_order_by_name_on_request(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-12", under="1100", rekkefolge="navn",
             persona="analytiker")
    table = at.dataframe[0].value
    names, ids = list(table["Enhet"]), list(table["Enhetsnr"])
    assert len(names) == 20 and names == sorted(names) and ids != sorted(ids)  # name order differs from tree order
    assert at.query_params["rekkefolge"] == "navn" and at.query_params["under"] == "1100"


def test_deep_link_to_a_comparison_group_and_a_subset(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.47", periode="2021-06", gruppe="Liten kommune",
             persona="analytiker")
    ids = list(at.dataframe[0].value["Enhetsnr"])
    assert ids == ["1111", "1112", "1133", "1134", "1135", "1144"]  # Forsand, Finnøy, Rennesøy merged 1.1.2020
    assert any("Sammenligningsgruppe: «Liten kommune»" in plain(m.value) for m in at.markdown)
    assert at.query_params["innenfor"] == "sammenligningsgruppe" and "under" not in at.query_params
    at = app(demo_db, monkeypatch, PAGE, indikator="B.47", periode="2021-06", under="0300", enheter="0319,0312")
    assert list(at.dataframe[0].value["Enhetsnr"]) == ["0312", "0319"]
    assert at.query_params["enheter"] == "0312,0319"


def test_a_unit_that_stands_out_for_the_better_links_to_its_malekort(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2022-12", under="0300", persona="fylkesleder")
    table = at.dataframe[0].value
    over = table[table["Forventet variasjon"].str.startswith("over")]
    assert not over.empty and "Målekort" not in table.columns  # a link column would open a new tab
    line = next(m.value for m in at.markdown if m.value.startswith("Skiller seg ut i god retning"))
    for unit_id in over["Enhetsnr"]:  # same tab, and the persona survives the new page load
        assert (f'href="/malekort?enhet={unit_id}&#38;periode=2022-12&#38;indikator=B.15&#38;persona=fylkesleder" '
                'target="_self"') in line
    inside = table[table["Forventet variasjon"].str.startswith("innenfor")]
    assert not any(f"enhet={u}&" in line for u in inside["Enhetsnr"])


def test_overdispersion_adjustment_is_stated(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-12", under="0300", juster="additiv")
    text = " ".join(c.value for c in at.caption)
    assert "additiv tilfeldig effekt" in text and "φ = 2,17" in text
    assert at.toggle(key="sml_juster").value is True and at.toggle(key="sml_hittil").value is False


def test_tertial_indicator_shows_tertials(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="N.KMKORR", periode="2021-T3", under="1100",
             persona="analytiker")
    assert at.sidebar.selectbox[2].value == "2021-T3"
    assert any("2021 T3" in m.value for m in at.markdown)
    assert any("periodene før 2021 T3" in c.value for c in at.caption)


def test_bad_parameters_are_explained(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="S.ALLE", periode="1999-01")  # S.ALLE: only Norge has figures
    errors = plain(" ".join(e.value for e in at.error))
    assert "«S.ALLE»" in errors and "«1999-01»" in errors
    assert len(at.dataframe[0].value) > 0


def test_only_units_the_user_may_see_are_compared(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-12", gruppe="Liten kommune")
    assert not at.dataframe or "1111" not in list(at.dataframe[0].value["Enhetsnr"])  # a Rogaland office
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2021-12", under="1100")
    ids = list(at.dataframe[0].value["Enhetsnr"])
    assert ids and all(u.startswith("03") for u in ids)  # the leder of 0312 sees Oslo's offices, not Rogaland's


def test_a_classification_opens_on_the_readers_own_group(demo_db, monkeypatch):
    # A NAV-leder choosing "Størrelse" sees the offices of the own office's size, with the own office among them.
    from navdash import overview

    units = overview.units(demo_db).set_index("unit_id")
    own = units.loc["0312"]
    could_fail = 0
    for within, column in (("storrelse", "size_class"), ("brukersammensetning", "user_mix"),
                           ("sentralitet", "centrality")):
        groups = sorted(units[column].dropna().unique())
        assert own[column] in groups
        could_fail += own[column] != groups[0]  # the first group in the list is not the own one
        at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2022-12", innenfor=within)
        assert not at.exception
        assert at.sidebar.selectbox(key=f"sml_gruppe_{within}").value == own[column]
        assert "0312" in list(at.dataframe[0].value["Enhetsnr"])
    assert could_fail, "0312 is in the first group of every classification: the test could not fail"


def test_the_verdict_stands_beside_the_share(demo_db, monkeypatch):
    # At 1024 px the table shows about six columns before it scrolls; the verdict must be among them.
    at = app(demo_db, monkeypatch, PAGE, indikator="B.15", periode="2022-12")
    columns = list(at.dataframe[0].value.columns)
    assert columns.index("Forventet variasjon") == columns.index("Andel") + 1 <= 5, columns
    table = at.dataframe[0].value
    assert table["Forventet variasjon"].str.match(r"(innenfor|over|under|nær)").all()
