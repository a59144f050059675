"""The register of what worked (navdash.practices): validation, who may register, one audited publish, search."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from navdash import practices, store
from navdash.access import DEMO_PERSONAS, User
from tests.conftest import app_fingerprint, app_rows, fingerprint

LEDER, ANSATT = DEMO_PERSONAS["leder"], DEMO_PERSONAS["ansatt"]
FYLKE, ANALYTIKER = DEMO_PERSONAS["fylkesleder"], DEMO_PERSONAS["analytiker"]


def item(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "enhet": "0312", "tittel": "Ungdomsteam", "hva": "Egne veiledere for unge under 30 år.",
        "for_hvem": "Unge under 30 år", "indikatorer": ["B.47", "B.49"], "effekt": "Flere fikk samtale i tide.",
        "tema": "Ungdom", "fra": "2021-04", "til": "2021-12", "kontakt": "Kari Nordmann",
    }
    return {**base, **changes}


@pytest.fixture
def db(demo_db: Path) -> Path:
    return demo_db


@pytest.fixture
def three(db: Path) -> Path:
    """Three practices: two in NAV Oslo, one in NAV Rogaland."""
    practices.register(db, LEDER, item())
    practices.register(db, FYLKE, item(enhet="0313", tittel="Jobbklubb", hva="Ukentlig jobbklubb.",
                                       indikatorer="B.49", tema="arbeid", fra="2022-T1", til=None, effekt=None))
    practices.register(db, ANALYTIKER, item(enhet="1103", tittel="Tidlig dialog med arbeidsgivere",
                                            hva="Ringer arbeidsgiverne i uke 4.", indikatorer=["B.15"],
                                            tema="Arbeid", fra="2021", til="2021", for_hvem=None))
    return db


def test_register_writes_one_audited_row_and_leaves_the_analytic_file_alone(appdb_backend: str, db: Path):
    before, analytic = store.data_version(db), fingerprint(db)
    practice_id = practices.register(db, LEDER, item(indikatorer="b.47; B.49"))
    assert practice_id == 1
    assert store.data_version(db) == before and fingerprint(db) == analytic
    row = [(p.unit_id, p.title, list(p.indicators), p.first_period, p.last_period, p.theme, p.registered_by)
           for p in practices.search(db)]
    audit = app_rows(db, "SELECT who, action, target FROM audit_log WHERE action = 'erfaring registrert'")
    assert row == [("0312", "Ungdomsteam", ["B.47", "B.49"], "2021-04", "2021-12", "Ungdom", "Demo-leder")]
    assert audit == [("Demo-leder", "erfaring registrert", "0312 #1")]


@pytest.mark.parametrize(("user", "unit", "allowed"), [
    (LEDER, "0312", True), (LEDER, "0313", False), (LEDER, "0300", False),
    (ANSATT, "0312", False),
    (FYLKE, "0300", True), (FYLKE, "0313", True), (FYLKE, "1103", False), (FYLKE, "0000", False),
    (ANALYTIKER, "1103", True), (ANALYTIKER, "0000", True),
    (User("Leder i Stavanger", "leder", "1103"), "1103", True),
])
def test_who_may_register(db: Path, user: User, unit: str, allowed: bool):
    before = fingerprint(db), app_fingerprint(db)
    if allowed:
        assert practices.register(db, user, item(enhet=unit)) == 1
        assert unit in practices.registrable_units(db, user)
    else:
        with pytest.raises(practices.NotAllowed, match=f"Du kan ikke registrere erfaringer for .* \\({unit}\\)"):
            practices.register(db, user, item(enhet=unit))
        assert (fingerprint(db), app_fingerprint(db)) == before
        assert unit not in practices.registrable_units(db, user)


def test_employee_is_refused_before_validation_and_may_register_nowhere(db: Path):
    with pytest.raises(PermissionError):
        practices.register(db, ANSATT, {"enhet": "0312"})
    assert practices.registrable_units(db, ANSATT) == []
    assert practices.registrable_units(db, LEDER) == ["0312"]


def test_every_problem_is_named_with_its_field_and_nothing_is_written(db: Path):
    before = fingerprint(db), app_fingerprint(db)
    with pytest.raises(practices.PracticeInvalid) as caught:
        practices.register(db, LEDER, item(tittel="  ", hva="", indikatorer=["B15"], fra="2021-13"))
    messages = [str(p) for p in caught.value.problems]
    assert "Tittel: mangler verdi" in messages
    assert "Hva ble gjort: mangler verdi" in messages
    assert "Indikatorer: «B15» er ikke en gyldig indikator-ID (som B.15)" in messages
    assert "Fra (periode): måned 13 finnes ikke (1-12)" in messages
    assert (fingerprint(db), app_fingerprint(db)) == before


@pytest.mark.parametrize(("changes", "expected"), [
    ({"indikatorer": ["B.47", "B.999"]}, "Indikatorer: ukjent indikator «B.999»"),
    ({"indikatorer": []}, "Indikatorer: velg minst én indikator erfaringen påvirket"),
    ({"indikatorer": ["B.47", "b.47"]}, "Indikatorer: samme indikator er valgt flere ganger"),
    ({"fra": "2021-06", "til": "2021-03"}, "Til (periode): mars 2021 er før juni 2021"),
    ({"fra": f"{date.today().year + 1}-01", "til": None}, "Fra (periode): januar"),
    ({"fra": ""}, "Fra (periode): mangler verdi"),
    ({"tittel": "x" * 201}, "Tittel: er lengre enn 200 tegn (201)"),
    ({"enhet": "312x"}, "Enhet: «312x» er ikke et enhetsnummer med fire siffer"),
])
def test_one_problem_at_a_time(db: Path, changes: dict, expected: str):
    with pytest.raises(practices.PracticeInvalid) as caught:
        practices.register(db, ANALYTIKER, item(**changes))
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value.problems


def test_an_unknown_unit_is_named_for_an_analyst(db: Path):
    with pytest.raises(practices.PracticeInvalid, match="Enhet: ukjent enhet «0399»"):
        practices.register(db, ANALYTIKER, item(enhet="0399"))


def test_search_filters(three: Path):
    def titles(**filters: object) -> list[str]:
        return [p.title for p in practices.search(three, **filters)]

    everything = titles()
    assert everything == ["Tidlig dialog med arbeidsgivere", "Jobbklubb", "Ungdomsteam"]  # newest first
    assert titles(indicator="B.49") == ["Jobbklubb", "Ungdomsteam"]
    assert titles(indicator="b.47") == ["Ungdomsteam"]
    assert titles(indicator="B.31") == []
    assert titles(theme="ARBEID") == ["Tidlig dialog med arbeidsgivere", "Jobbklubb"]
    assert titles(fylke="0300") == ["Jobbklubb", "Ungdomsteam"]
    assert titles(fylke="1100") == ["Tidlig dialog med arbeidsgivere"]
    assert titles(unit="0313") == ["Jobbklubb"]
    assert titles(text="ukentlig") == ["Jobbklubb"]
    assert titles(text="frogner") == ["Ungdomsteam"]  # the unit's name
    assert titles(text="%") == []  # not a LIKE pattern
    assert titles(indicator="B.49", fylke="0300", text="veiledere") == ["Ungdomsteam"]


def test_tree_order_follows_units_not_results(three: Path):
    tree = practices.search(three, order="tree")
    assert [p.unit_id for p in tree] == ["0312", "0313", "1103"]  # NAV Oslo's offices by name, then Rogaland
    first = tree[0]
    assert (first.unit_name, first.fylke_id, first.fylke_name) == ("NAV Frogner", "0300", "NAV Oslo")
    assert first.indicators == ("B.47", "B.49") and first.indicator_names[1].startswith("Andel personer under 30")
    assert first.period_text == "april 2021 – desember 2021"
    assert tree[1].period_text == "fra 2022 T1"
    assert tree[2].period_text == "2021"


def test_themes_counts_and_links(three: Path):
    assert practices.themes(three) == ["Arbeid", "Ungdom"]  # "arbeid" and "Arbeid" are one theme
    assert practices.counts_by_indicator(three) == {"B.15": 1, "B.47": 1, "B.49": 2}
    assert practices.fylker(three)["0300"] == "NAV Oslo"
    assert practices.link(indicator="B.47") == "/erfaringer?indikator=B.47"
    assert practices.link(unit="0312") == "/erfaringer?enhet=0312"


def test_empty_register(db: Path):
    assert practices.search(db) == []
    assert practices.themes(db) == []
    assert practices.counts_by_indicator(db) == {}
