"""AppTest of the målekort page: deep links, the reference numbers, too few points, bad parameters."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tests.conftest import copy_db
from tests.pagetest import app, body_rows, disclosures, html_tables, plain
from tests.test_demo_reference import reference_rows

PAGE = "views/malekort.py"


def _rows_by_id(at) -> dict[str, list[str]]:
    return {row[0]: row for table in html_tables(at) for row in body_rows(table)}


def test_deep_link_to_norge_shows_the_2021_malekort_numbers(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0000", periode="2021-12")
    assert at.title[0].value == "Målekort for 0000 Norge"
    rows = _rows_by_id(at)
    for ref in reference_rows():
        row = rows[ref["mk_id"]]
        # columns: MK ID, Navn, Mål, Signal, YTD i år, YTD i fjor, endring, period i år, period i fjor, endring
        ytd_now, ytd_last, p_now, p_last = row[4], row[5], row[7], row[8]
        for shown, expected in ((ytd_now, "hittil_i_aar_i_aar"), (ytd_last, "hittil_i_aar_i_fjor"),
                                (p_now, "denne_perioden_i_aar"), (p_last, "denne_perioden_i_fjor")):
            number = re.match(r"[\d\s,]+", shown).group(0).replace(" ", "").replace(",", ".")
            assert round(float(number)) == int(ref[expected]), f"{ref['mk_id']} {expected}: {shown}"
    assert any("lastet inn for nivået selv" in i.value for i in at.info)


def test_shares_change_in_percentage_points_and_counts_in_numbers(demo_db, monkeypatch):
    rows = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0000", periode="2021-12"))
    assert rows["B.15"][6].endswith("pp") and rows["B.15"][6].startswith("+17")
    assert rows["B.31"][6] == "+811"  # 2 104 - 1 293, a count: no pp, no percent


def test_every_share_shows_its_base(demo_db, monkeypatch):
    rows = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12"))
    assert " av " in rows["B.15"][4]  # "87,6 % 2 369 av 2 703"


def test_targets_in_the_letters_words_with_who_set_them(demo_db, monkeypatch):
    rows = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12"))
    goal = rows["B.15"][2]
    assert "Skal bevege seg i retning 2019-nivået" in goal and "Direktoratet · absolutt krav" in goal
    assert "Kontoret" in rows["M.SF"][2]  # the office's own sykefravær target


def test_signal_has_text_and_names_its_rule(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    assert "▲ Forbedring" in _rows_by_id(at)["B.47"][3]
    body = "".join(e.proto.body for e in at.get("html"))
    # The badge is one short line; its reason (the rule that fired) opens on a tap or with Enter, not on hover only.
    improvements = [reason for summary, reason in disclosures(body) if summary == "▲ Forbedring"]
    assert any(r.startswith("Særskilt variasjon – forbedring. Regelen som slo til: et punkt utenfor kontrollgrensene")
               for r in improvements)
    assert not re.search(r'class="nd-badge"[^>]*title=', body)  # no hover-only tooltip on a badge


def test_every_badge_is_one_short_line_with_a_reason(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0000", periode="2022-12")
    rows = _rows_by_id(at)
    badges = disclosures("".join(e.proto.body for e in at.get("html")))
    # Every steering row has a verdict or says it has no target, and a signal: at least one badge per row.
    steering = [r for r in rows.values() if len(r) == 10]
    assert len(badges) >= len(steering) > 0
    for summary, reason in badges:
        assert summary and len(summary) <= 20, summary  # fits one line in a 1024 px column
        assert len(reason) > len(summary), (summary, reason)
    verdicts = [reason for summary, reason in badges if summary.endswith(("Oppfylt", "Ikke oppfylt",
                                                                           "Normal variasjon"))]
    assert verdicts and all(" – " in v for v in verdicts)  # the target's wording travels with its verdict


def test_key_information_is_apart_and_without_targets(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    tables = html_tables(at)
    key_table = next(t for t in tables if "Mål" not in t[0])
    assert body_rows(key_table) and all(r[0].startswith("N.") for r in body_rows(key_table))
    assert "Nøkkelinformasjon" in [h.value for h in at.header]


def test_office_with_too_few_points(demo_db, monkeypatch):
    rows = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2019-06"))
    assert "For få datapunkter" in rows["B.15"][3]


def test_fylke_is_computed_and_says_so(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="1100", periode="2021-12", persona="analytiker")
    assert at.title[0].value == "Målekort for 1100 NAV Rogaland"
    assert any("beregnet fra kontorene" in i.value for i in at.info)


def test_choice_lives_in_the_url(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12", persona="analytiker")
    unit_box = next(s for s in at.sidebar.selectbox if s.label == "Enhet")
    unit_box.set_value("1103").run()
    period_box = next(s for s in at.sidebar.selectbox if s.label == "Periode")
    period_box.set_value("2022-06").run()
    assert at.query_params["enhet"] == "1103" and at.query_params["periode"] == "2022-06"
    assert at.title[0].value == "Målekort for 1103 NAV Stavanger"


def test_indicator_detail_from_the_url(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12", indikator="B.47")
    assert len(at.get("plotly_chart")) == 1
    # the detail (in its dialog, drawn after the page) is the only indicator heading
    headings = [s.value for s in at.subheader if s.value.startswith("B.")]
    assert len(headings) == 1 and headings[0].startswith("B.47 ")
    assert "Last ned" in [s.value for s in at.subheader]
    table = at.dataframe[-1].value
    assert list(table.columns[:4]) == ["Periode", "Teller", "Nevner", "Verdi"]
    assert table.iloc[0]["Periode"] == "desember 2021"


def test_detail_of_an_autocorrelated_series_names_the_residual_rules(demo_db, monkeypatch):
    from navdash import scorecard, signals
    from navdash.periods import parse_period

    detail = scorecard.indicator_detail("0312", "M.SF", parse_period("2022-12"), db=demo_db)
    assert detail.analysis.autocorrelated  # the months of 0312's sickness absence hang together in the demo
    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-12", indikator="M.SF")
    shown = plain(" ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown))
    assert "Månedene henger sammen" in shown
    assert f"{signals.RESIDUAL_RUN} måneder på rad over (eller under) det måneden før tilsier" in shown


def test_unknown_unit_and_period_in_the_url_are_explained(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="9999", periode="2031-01")
    errors = plain(" ".join(e.value for e in at.error))
    assert "Enheten «9999» finnes ikke" in errors
    assert "ingen tall for perioden «2031-01»" in errors
    assert at.title[0].value.startswith("Målekort for 0312")


def test_rows_follow_the_catalogue_not_the_results(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="0300", periode="2021-12")
    first = body_rows(html_tables(at)[0])
    ids = [r[0] for r in first]
    numbered = [i for i in ids if i.split(".")[1].isdigit()]
    assert numbered == sorted(numbered, key=lambda i: int(i.split(".")[1]))


def test_reference_file_has_the_columns_the_page_test_reads():
    with open(Path(__file__).parent / "data" / "malekort_norge_2021.csv", encoding="utf-8") as fh:
        header = next(csv.reader(line for line in fh if not line.startswith("#")))
    assert {"hittil_i_aar_i_aar", "denne_perioden_i_fjor"} <= set(header)


def test_fylke_comment_is_shown_beside_the_number(demo_db, monkeypatch, tmp_path):
    from navdash import access, meetings

    db = copy_db(demo_db, tmp_path / "d.duckdb")
    meetings.write_comment(db, access.DEMO_PERSONAS["fylkesleder"], "0312", "B.47", "2021-12",
                           "Ungdomsteamet virker – <del> del erfaringen")
    rows = _rows_by_id(app(db, monkeypatch, PAGE, enhet="0312", periode="2021-12"))
    assert "Kommentar: Ungdomsteamet virker – <del> del erfaringen" in rows["B.47"][1]  # escaped, shown as text
    assert "Demo-fylkesleder" in rows["B.47"][1]
    assert "Kommentar" not in rows["B.15"][1]
    other_period = _rows_by_id(app(db, monkeypatch, PAGE, enhet="0312", periode="2021-11"))
    assert "Kommentar" not in other_period["B.47"][1]


def _one_early_office_file(db: Path) -> None:
    from navdash import ingest

    f = db.parent / "jan.csv"
    f.write_text("enhet,indikator,periode,teller,nevner,verdi\n0312,M.SF,2023-01,50,1000,\n", encoding="utf-8")
    assert ingest.import_file("verdier", f, db=db).ok


def test_default_month_is_the_latest_complete_month(demo_db, monkeypatch):
    _one_early_office_file(demo_db)
    at = app(demo_db, monkeypatch, PAGE, enhet="0300", persona="analytiker")
    assert at.query_params["periode"] == "2022-12"  # not the one office's January 2023
    assert not at.warning
    own = app(demo_db, monkeypatch, PAGE, enhet="0312", persona="analytiker")
    assert own.query_params["periode"] == "2023-01"  # the office itself has delivered January


def test_a_partial_month_says_how_many_offices_it_covers(demo_db, monkeypatch):
    _one_early_office_file(demo_db)
    at = app(demo_db, monkeypatch, PAGE, enhet="0300", periode="2023-01", persona="analytiker")
    assert any("bare 1 av 15 kontorer har levert tall" in w.value for w in at.warning)
    row = _rows_by_id(at)["M.SF"]
    assert "Beregnet fra 1 av 15 kontorer" in row[1]
    assert row[3].startswith("… Ufullstendige tall")  # no signal
    assert "Vanlig variasjon" not in row[3] and "Bekymring" not in row[3]
    b15 = _rows_by_id(at)["B.15"]  # no office has delivered B.15 for January: no signal carried over from December
    assert b15[4] == "–" and b15[3].startswith("… Ingen tall denne måneden")


def test_merged_offices_are_named_on_the_successors_card(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, PAGE, enhet="1103", periode="2021-12", persona="analytiker")
    text = " ".join(i.value for i in at.info)
    assert "omfatter NAV Finnøy (til 31.12.2019), NAV Rennesøy (til 31.12.2019)" in text
    assert "«2019-nivået»" in text


def test_assurance_names_its_target(demo_db, monkeypatch):
    rows = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-12"))
    assert "(Høyst 5,5 %)" in rows["M.SF"][3]


def test_detail_chart_for_an_earlier_month_ends_in_that_month(demo_db, monkeypatch):
    import json

    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-03", indikator="B.15")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["data"][0]["x"][-1] == "mar 2022"
    assert at.dataframe[-1].value.iloc[0]["Periode"] == "mars 2022"


def test_detail_opens_only_for_an_indicator_on_the_card(demo_db, monkeypatch):
    plain_page = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12")
    assert not plain_page.get("plotly_chart") and "indikator" not in plain_page.query_params
    unknown = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12", indikator="X.99")
    assert not unknown.get("plotly_chart") and "indikator" not in unknown.query_params
    assert not unknown.exception
    linked = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2021-12", indikator="B.15")
    assert linked.query_params["indikator"] == "B.15"  # the link keeps naming what is open
    assert any(s.value.startswith("B.15 ") for s in linked.subheader)


def test_a_withheld_month_has_no_signal_and_does_not_say_there_are_no_figures(demo_db, monkeypatch):
    # NAV Frogner's B.33 for December 2022 is a figure about fewer than 5 people: the leader sees it, an employee
    # sees "færre enn 5", and the signal says it cannot be shown, not "Ingen tall denne måneden".
    leader = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-12", persona="leder"))["B.33"]
    assert re.match(r"\d", leader[7]), leader  # the leader's figure for the month is there
    employee = _rows_by_id(app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-12", persona="ansatt"))
    b33 = employee["B.33"]
    assert b33[7].startswith("færre enn 5"), b33
    assert "Ingen tall denne måneden" not in b33[3] and b33[3].startswith("… Kan ikke vises"), b33
    assert "Det er ikke noe signal fordi tallet for desember 2022 ikke kan vises" in b33[3]


def test_how_to_read_the_signals_states_the_window_and_the_rules_for_months_that_hang_together(demo_db, monkeypatch):
    # The text must follow the constants the signals use: a window or run length changed in one place only would
    # leave leaders reading rules the målekort does not apply.
    from navdash import signals

    at = app(demo_db, monkeypatch, PAGE, enhet="0312", periode="2022-12")
    text = " ".join(m.value for e in at.expander if e.label == "Slik leser du signalene" for m in e.markdown)
    assert f"for de siste {signals.WINDOW} månedene" in text
    assert (f"eller {signals.RESIDUAL_RUN} måneder på rad over (eller under) det måneden før tilsier" in text), text
    assert "bare punkter utenfor grensene gir signal" not in text
