"""Survey files through the real import: what is accepted and how it is stored, closed rounds, the fixed threshold,
and the gate failing closed on counts that reached the store some other way. The refused shapes themselves are in
the bad-file corpus (tests/test_ingest.py, undersokelse_*.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from navdash import ingest, store, survey
from tests.conftest import TODAY, fingerprint

HEADER = "undersokelse,runde,enhet,gruppe,sporsmal,tema,svaralternativ,antall"


def write(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def office_rows(survey_name: str, rnd: str, unit: str = "0312", answer: str = "4") -> list[str]:
    return [f"{survey_name},{rnd},{unit},leder,Spm,Tema,{answer},6",
            f"{survey_name},{rnd},{unit},medarbeider,Spm,Tema,{answer},20",
            f"{survey_name},{rnd},{unit},tillitsvalgt,Spm,Tema,{answer},2"]


def test_likert_words_are_stored_as_their_numbers(small_db: Path, tmp_path: Path):
    words = ["Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig", "4", "5.0", "3 - Verken enig "
             "eller uenig"]
    rows = [f"Puls,2021,0312,medarbeider,Spm {i},Tema,{w},{i + 1}" for i, w in enumerate(words)]
    report = ingest.import_file("undersokelse", write(tmp_path, "ord.csv", *rows), db=small_db, today=TODAY)
    assert report.ok, report.full_report()
    counts = survey.raw_counts(small_db, "Puls")
    assert counts.sort_values("question")["answer"].tolist() == ["1", "2", "3", "4", "5", "4", "5", "3"]
    assert len(counts) == len(words)  # nothing dropped


def test_group_words_are_normalised(small_db: Path, tmp_path: Path):
    rows = ["Puls,2021,0312,Ledere,Spm,Tema,4,6", "Puls,2021,0312,Medarbeidere,Spm,Tema,4,20",
            "Puls,2021,0312,Tillitsvalgte,Spm,Tema,4,2"]
    assert ingest.import_file("undersokelse", write(tmp_path, "g.csv", *rows), db=small_db, today=TODAY).ok
    assert set(survey.raw_counts(small_db, "Puls")["grp"]) == {"leder", "medarbeider", "tillitsvalgt"}


def test_a_round_without_groups_publishes_only_the_whole_unit(small_db: Path, tmp_path: Path):
    rows = ["Puls,2021,0312,alle,Spm,Tema,4,7", "Puls,2021,0313,alle,Spm,Tema,5,3"]
    assert ingest.import_file("undersokelse", write(tmp_path, "alle.csv", *rows), db=small_db, today=TODAY).ok
    table = survey.published(small_db, "Puls")
    assert set(table["grp"]) == {survey.ALL}
    shown = table[table["shown"]].set_index("unit_id")["n"].to_dict()
    assert shown == {"0312": 7, "0300": 7, "0000": 7}  # 0313's three are left out everywhere


def test_a_closed_round_may_be_repeated_unchanged_and_a_new_round_added(small_db: Path, tmp_path: Path):
    first = write(tmp_path, "runde1.csv", *office_rows("Puls", "2021"))
    assert ingest.import_file("undersokelse", first, db=small_db, today=TODAY).ok
    again = write(tmp_path, "runde1og2.csv", *office_rows("Puls", "2021"), *office_rows("Puls", "2022", answer="5"))
    report = ingest.import_file("undersokelse", again, db=small_db, today=TODAY)
    assert report.ok and (report.new, report.unchanged) == (3, 3)
    assert survey.rounds(small_db, "Puls") == ["2021", "2022"]


def test_a_unit_new_to_a_closed_round_may_be_added_but_not_a_group_of_a_unit_in_it(small_db: Path, tmp_path: Path):
    assert ingest.import_file("undersokelse", write(tmp_path, "oslo.csv", *office_rows("Puls", "2021")),
                              db=small_db, today=TODAY).ok
    rogaland = write(tmp_path, "rogaland.csv", *office_rows("Puls", "2021", unit="1103"))
    assert ingest.import_file("undersokelse", rogaland, db=small_db, today=TODAY).ok
    late = write(tmp_path, "sen.csv", "Puls,2021,0312,leder,Spm,Tema,5,1")
    report = ingest.import_file("undersokelse", late, db=small_db, today=TODAY)
    assert [(p.row, p.column) for p in report.problems] == [(2, "antall")]
    assert "lastet inn for enhet 0312 og er lukket; raden er ny" in report.problems[0].message


def test_a_corrected_round_under_a_new_name_is_accepted(small_db: Path, tmp_path: Path):
    assert ingest.import_file("undersokelse", write(tmp_path, "a.csv", *office_rows("Puls", "2021")), db=small_db,
                              today=TODAY).ok
    late = office_rows("Puls", "2021", answer="4")
    late[1] = late[1].rsplit(",", 1)[0] + ",21"  # one late answer among the medarbeidere
    refused = ingest.import_file("undersokelse", write(tmp_path, "b.csv", *late), db=small_db, today=TODAY)
    assert not refused.ok and "antallet er endret fra 20 til 21" in refused.full_report()
    renamed = [r.replace(",2021,", ",2021 rettet,") for r in late]
    assert ingest.import_file("undersokelse", write(tmp_path, "c.csv", *renamed), db=small_db, today=TODAY).ok


def test_the_threshold_is_fixed_at_the_first_import(small_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv(survey.THRESHOLD_ENV, "7")
    assert ingest.import_file("undersokelse", write(tmp_path, "a.csv", *office_rows("Puls", "2021")), db=small_db,
                              today=TODAY).ok
    assert survey.threshold_of(small_db, "Puls") == 7
    monkeypatch.setenv(survey.THRESHOLD_ENV, "5")  # a later setting does not reach a published survey ...
    assert ingest.import_file("undersokelse", write(tmp_path, "b.csv", *office_rows("Puls", "2022")), db=small_db,
                              today=TODAY).ok
    assert survey.threshold_of(small_db, "Puls") == 7
    table = survey.published(small_db, "Puls")
    assert not table[(table["unit_id"] == "0312") & (table["grp"] == "leder")]["shown"].any()  # 6 < 7
    assert (table.loc[table["shown"], "n"] >= 7).all()
    # ... but a new survey gets it.
    assert ingest.import_file("undersokelse", write(tmp_path, "c.csv", *office_rows("Puls 2", "2022")), db=small_db,
                              today=TODAY).ok
    assert survey.threshold_of(small_db, "Puls 2") == 5


def test_a_threshold_below_5_refuses_the_import_with_a_message(small_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv(survey.THRESHOLD_ENV, "4")
    before = fingerprint(small_db)
    report = ingest.import_file("undersokelse", write(tmp_path, "a.csv", *office_rows("Puls", "2021")), db=small_db,
                                today=TODAY)
    assert not report.ok and "lavere enn 5" in report.full_report()
    assert fingerprint(small_db) == before


@pytest.mark.parametrize(("group", "answer", "message"), [
    ("Totalt", "4", "gruppen er ikke en av leder, medarbeider, tillitsvalgt eller alle"),
    ("*", "4", "gruppen er ikke en av leder, medarbeider, tillitsvalgt eller alle"),
    ("under 30", "4", "gruppen er ikke en av leder, medarbeider, tillitsvalgt eller alle"),
    ("leder", "Helt enig", "svaralternativet er ikke et svar på skalaen 1–5"),
])
def test_the_gate_fails_closed_on_counts_that_bypassed_the_import(small_db: Path, group: str, answer: str,
                                                                  message: str):
    # A database filled before these checks, or by hand. Nothing of that survey is published, and the message does
    # not repeat the stored text.
    with store.writing(small_db, who="test") as con:
        con.execute("INSERT INTO survey_counts VALUES ('Gammel', '2019', '0312', ?, 'Spm', 'Tema', ?, 3),"
                    "('Gammel', '2019', '0312', 'medarbeider', 'Spm', 'Tema', '4', 20)", [group, answer])
    with pytest.raises(survey.SurveyShapeError) as refused:
        survey.published(small_db, "Gammel")
    assert message in str(refused.value)
    assert group not in str(refused.value).replace("leder, medarbeider", "") and answer not in str(refused.value)
    assert not survey.published(small_db, "Opplevelseskartlegging").empty  # other surveys are unaffected


def test_fylke_rows_are_refused_by_the_gate_too():
    import pandas as pd

    units = pd.DataFrame([("0000", "Norge", "land", None), ("0300", "NAV Oslo", "fylke", "0000"),
                          ("0312", "NAV Frogner", "kontor", "0300")], columns=["unit_id", "name", "type", "parent_id"])
    counts = pd.DataFrame([("2019", u, "leder", "Spm", "Tema", "4", 6) for u in ("0312", "0300")],
                          columns=["round", "unit_id", "grp", "question", "theme", "answer", "count"])
    problems = survey.shape_problems(counts, units)
    assert [(p.column, p.message[:30]) for p in problems] == [("enhet", "0300 NAV Oslo er et fylke: sva")]
    with_child = pd.concat([units, pd.DataFrame([("0399", "Avdeling", "kontor", "0312")], columns=units.columns)])
    problems = survey.shape_problems(counts[counts["unit_id"] == "0312"], with_child)
    assert [p.message[:35] for p in problems] == ["0312 NAV Frogner har underenheter: "]
