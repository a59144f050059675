"""AppTest of the survey page: the deep link, hidden cells that say why, a small unit, groups, access and the
threshold setting. The page may only show what navdash.survey publishes."""

from __future__ import annotations

import base64
import json
import math
from datetime import date

import numpy as np

from navdash import fmt, ingest, store, survey
from tests.pagetest import app, html_tables

PAGE = "views/undersokelser.py"
SURVEY = "Opplevelseskartlegging mål- og resultatstyring"
HIDDEN = "færre enn 5 svar"


def tables(at) -> dict[str, list[list[str]]]:
    """Our tables by their first header row's second cell ("Svar" for the response table)."""
    return {t[0][1]: t for t in html_tables(at)}


def question_rows(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[2:] if len(row) > 1}


def bar_lengths(trace: dict) -> list[float]:
    x = trace["x"]
    if isinstance(x, dict):  # plotly's typed-array JSON
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return [float("nan") if v is None else v for v in x]


def test_deep_link_shows_unit_fylke_norge_and_charts(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    boxes = {s.label: s.value for s in at.sidebar.selectbox}
    assert boxes["Undersøkelse"] == SURVEY and boxes["Runde"] == "2019" and boxes["Enhet"] == "0312"
    assert at.query_params["enhet"] == ["0312"] or at.query_params["enhet"] == "0312"
    assert [h.value for h in at.header][0] == "Svarfordeling for NAV Frogner"
    by_name = tables(at)
    assert by_name["NAV Frogner"][0][1:] == ["NAV Frogner", "NAV Oslo", "Norge"]  # tree order, not by value
    response = {row[0]: row[1:] for row in by_name["Svar"][1:]}
    assert response["NAV Frogner"] == ["25", "85", "29 %"]  # 25 of 85 employees answered in 2019
    charts = at.get("plotly_chart")
    themes = set(survey.published(demo_db, SURVEY)["theme"])
    assert len(charts) == len(themes) == 9
    spec = json.loads(charts[0].proto.spec)
    assert spec["layout"]["separators"] == ", "
    legend = {t["name"] for t in spec["data"] if t.get("showlegend", True)}
    assert legend == {f"{a} = {survey.ANSWER_TEXT[a]}" for a in survey.SCALE}  # readable without colour


def test_numbers_are_the_cores_and_changes_are_in_pp(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    rows = question_rows(tables(at)["NAV Frogner"])
    table = survey.published(demo_db, SURVEY)
    q = "Jeg kjenner målene for min enhet"
    now = table[(table["round"] == "2019") & (table["unit_id"] == "0312") & (table["grp"] == survey.ALL)
                & (table["question"] == q)].iloc[0]
    before = table[(table["round"] == "2017") & (table["unit_id"] == "0312") & (table["grp"] == survey.ALL)
                   & (table["question"] == q)].iloc[0]
    expected = [fmt.percent(now["agree"], 0), fmt.number(now["n"]), fmt.pp(now["agree"] - before["agree"], 0)]
    assert rows[q][:3] == [" ".join(e.split()) for e in expected]  # the table reader folds no-break spaces
    assert rows[q][2].endswith("pp")


def test_hidden_cells_say_why_and_hold_no_number(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    groups = tables(at)["Alle"]
    assert groups[0][1:] == ["Alle", "Ledere", "Medarbeidere", "Tillitsvalgte"]
    for question, cells in question_rows(groups).items():
        # Frogner had no tillitsvalgt answers in 2019: the cell says so, as it would for 1-4 answers.
        # Columns: Alle (3), Ledere (3), Medarbeidere (3), Tillitsvalgte (the hidden pair, then the change).
        assert cells[-2:] == [HIDDEN, "færre enn 5 svar i 2019"], question
        # Frogner's 3 leaders of 2017 are hidden, so the leaders' change is too (2019 minus change = 2017).
        assert cells[5] == "færre enn 5 svar i 2017", question
        assert all(c.strip() for c in cells), question  # never a blank cell


def test_small_unit_shows_nothing_but_the_reason(demo_db, monkeypatch):
    # NAV Sokndal had 1 leader and 1 medarbeider in 2017.
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2017", enhet="1111", persona="analytiker")
    by_name = tables(at)
    response = {row[0]: row[1:] for row in by_name["Svar"][1:]}
    assert response["NAV Sokndal"] == [HIDDEN, "7", HIDDEN]
    for question, cells in question_rows(by_name["NAV Sokndal"]).items():
        assert cells[:2] == [HIDDEN, "ingen tidligere runde"], question
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert all(a["text"] == f"Ikke vist: {HIDDEN}" for a in spec["layout"]["annotations"])
    assert all(math.isnan(x) for t in spec["data"] for x in bar_lengths(t))  # no bar has a length
    assert not any(text for trace in spec["data"] for text in trace["text"])


def test_group_choice_lives_in_the_url(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312", gruppe="leder")
    assert at.header[0].value == "Svarfordeling for NAV Frogner – ledere"
    box = next(s for s in at.sidebar.selectbox if s.label == "Gruppe")
    box.set_value("medarbeider").run()
    assert at.query_params["gruppe"] in ("medarbeider", ["medarbeider"])
    assert at.header[0].value == "Svarfordeling for NAV Frogner – medarbeidere"


def test_unit_outside_the_users_view_is_refused(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="1103", persona="ansatt")
    assert any("ikke tilgang" in e.value for e in at.error)
    assert next(s for s in at.sidebar.selectbox if s.label == "Enhet").value == "0312"


def test_the_threshold_is_the_one_fixed_when_the_survey_was_imported(demo_db, monkeypatch, tmp_path):
    # The demo survey was imported under 5; a later setting of 7 does not change what it shows (two thresholds
    # over one survey would leak the difference of their pools) ...
    monkeypatch.setenv(survey.THRESHOLD_ENV, "7")
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    groups = question_rows(tables(at)["Alle"])
    assert all(cells[3] != HIDDEN for cells in groups.values())  # Frogner's 6 leaders are shown
    assert any("**5 svar**" in e.proto.body for e in at.expander[0].markdown)
    # ... while a survey first imported under 7 keeps 7.
    path = tmp_path / "ny.csv"
    path.write_text("undersokelse,runde,enhet,gruppe,sporsmal,tema,svaralternativ,antall\n"
                    "Puls,2021,0312,leder,Spm,Tema,4,6\nPuls,2021,0312,medarbeider,Spm,Tema,4,20\n", encoding="utf-8")
    assert ingest.import_file("undersokelse", path, db=demo_db, today=date(2026, 1, 1)).ok
    at = app(demo_db, monkeypatch, PAGE, undersokelse="Puls", runde="2021", enhet="0312")
    groups = question_rows(tables(at)["Alle"])
    assert groups["Spm"][3] == "færre enn 7 svar"  # the 6 leaders


def test_a_threshold_setting_below_5_never_reaches_the_page(demo_db, monkeypatch):
    monkeypatch.setenv(survey.THRESHOLD_ENV, "4")
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    assert question_rows(tables(at)["Alle"])  # the demo survey keeps its own 5
    # A database from before thresholds were recorded falls back to the setting, and says it is wrong.
    with store.writing(demo_db, who="test") as con:
        con.execute("DELETE FROM meta WHERE key LIKE 'undersokelse_terskel:%'")
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    assert [e.value.replace("\\", "") for e in at.error] == ["terskelen kan ikke være lavere enn 5 svar (fikk 4)"]
    assert not html_tables(at) and not at.get("plotly_chart")


def test_counts_the_gate_cannot_protect_show_a_message_and_nothing_else(demo_db, monkeypatch):
    # Counts that reached the store without the import's checks (an old database): a Totalt row beside the groups.
    with store.writing(demo_db, who="test") as con:
        con.execute("""INSERT INTO survey_counts SELECT survey, round, unit_id, 'Totalt', question, theme, answer,
                       sum(count) FROM survey_counts WHERE unit_id = '0312'
                       GROUP BY survey, round, unit_id, question, theme, answer""")
    at = app(demo_db, monkeypatch, PAGE, undersokelse=SURVEY, runde="2019", enhet="0312")
    [error] = at.error
    shown = error.value.replace("\\", "")  # the message is markdown-escaped
    assert shown.startswith("Undersøkelsen kan ikke vises: gruppen er ikke en av leder, medarbeider")
    assert not html_tables(at) and not at.get("plotly_chart")
