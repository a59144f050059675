"""navdash.goals: which goals apply to a unit, grouped by who set them, and saving an office's priorities."""

from __future__ import annotations

from pathlib import Path

import pytest

from navdash import goals, ingest, store
from navdash.access import DEMO_PERSONAS, User
from tests.conftest import TODAY, app_fingerprint, app_rows, fingerprint

LEADER = DEMO_PERSONAS["leder"]  # leads 0312 NAV Frogner
EMPLOYEE = DEMO_PERSONAS["ansatt"]  # works at 0312
COUNTY = DEMO_PERSONAS["fylkesleder"]  # 0300 NAV Oslo

# On top of tests/data: a target from each kind of setter, in both fylker.
EXTRA_TARGETS = """indikator,enhet,aar,kravtype,terskel,referanseaar,fastsatt_av,absolutt,tekst
B.31,0300,2021,minst,10,,fylke,nei,Minst 10 i snitt per måned (NAV Oslo)
S.AL,1100,2021,minst,80,,fylke,ja,Minst 80 % (NAV Rogaland)
S.AL,0312,2021,minst,85,,kontor,ja,
B.15,0312,2021,minst,50,,partnerskap,nei,Minst 50 % (avtalt med bydelen)
S.AL,1103,2021,minst,90,,kontor,ja,Minst 90 % (NAV Stavangers eget mål)
"""

THREE = [
    {"tittel": "Unge i arbeid", "begrunnelse": "Mange unge står utenfor.", "indikatorer": ["B.15"]},
    {"tittel": "Flere i jobb", "begrunnelse": "Mange ledige stillinger.", "indikatorer": "B.15;B.31"},
    {"tittel": "Raskere saksbehandling", "begrunnelse": None, "indikatorer": []},
]


@pytest.fixture
def db(small_db: Path, tmp_path: Path) -> Path:
    extra = tmp_path / "resultatkrav_ekstra.csv"
    extra.write_text(EXTRA_TARGETS, encoding="utf-8")
    report = ingest.import_file("resultatkrav", extra, db=small_db, today=TODAY, who="test")
    assert report.ok, report.full_report()
    return small_db


def ids(items: tuple[goals.Goal, ...]) -> list[tuple[str, str]]:
    return [(g.indicator_id, g.scope_unit) for g in items]


def audit_rows(db: Path) -> list[tuple]:
    return app_rows(db, "SELECT who, action, target, detail FROM audit_log ORDER BY logged_at, audit_id")


# --- reading ----------------------------------------------------------------------------------------------------


def test_goals_are_grouped_by_who_set_them(db: Path):
    view = goals.view(db, "0312", 2021)
    assert ids(view.group("central")) == [("B.15", "0000")]
    assert ids(view.group("fylke")) == [("B.31", "0300")]
    assert sorted(ids(view.group("local"))) == [("B.15", "0312"), ("S.AL", "0312")]
    assert {g.set_by for g in view.group("local")} == {"kontor", "partnerskap"}


def test_each_goal_says_who_set_it_and_whether_it_is_absolute(db: Path):
    view = goals.view(db, "0312", 2021)
    by_key = {(g.indicator_id, g.scope_unit): g for g in view.goals}
    central, county, partner = by_key[("B.15", "0000")], by_key[("B.31", "0300")], by_key[("B.15", "0312")]
    assert (central.set_by_text, central.scope_name, central.obligation) == ("Direktoratet", "Norge", "Absolutt krav")
    assert (county.set_by_text, county.scope_name, county.obligation) == ("Fylket", "NAV Oslo", "Anbefaling")
    assert (partner.set_by_text, partner.obligation) == ("Partnerskapet", "Anbefaling")
    assert central.text == "Skal bevege seg i retning 2019-nivået"  # the letter's own words
    assert by_key[("S.AL", "0312")].text == "Minst 85,0 %"  # no text given: worded from the kind


def test_a_fylke_target_applies_to_its_offices_but_not_to_another_fylkes(db: Path):
    oslo_office, rogaland_office = goals.view(db, "0313", 2021), goals.view(db, "1103", 2021)
    assert ids(oslo_office.group("fylke")) == [("B.31", "0300")]
    assert ids(rogaland_office.group("fylke")) == [("S.AL", "1100")]
    # Another office's own targets never leak to a neighbour in the same fylke.
    assert oslo_office.group("local") == ()
    assert ids(rogaland_office.group("local")) == [("S.AL", "1103")]
    # The fylke itself sees its own additions, not its offices'.
    assert ids(goals.view(db, "0300", 2021).group("fylke")) == [("B.31", "0300")]
    assert goals.view(db, "0300", 2021).group("local") == ()


def test_targets_of_another_year_do_not_apply(db: Path):
    view = goals.view(db, "0312", 2022)
    assert ids(view.goals) == [("B.15", "0000")]
    assert view.group("central")[0].text == "Skal øke sammenlignet med 2021"


def test_every_goal_links_to_its_row_on_the_malekort(db: Path):
    view = goals.view(db, "0313", 2021)
    assert {g.indicator_id: g.link for g in view.goals} == {
        "B.15": "/malekort?enhet=0313&periode=2021-12&indikator=B.15",
        "B.31": "/malekort?enhet=0313&periode=2021-12&indikator=B.31",
    }


def test_unknown_unit_gives_none(db: Path):
    assert goals.view(db, "9999", 2021) is None


def test_years_and_default_year(db: Path):
    goals.save_priorities(db, LEADER, "0312", 2023, THREE)
    assert goals.years(db) == [2023, 2022, 2021]  # priorities count as a year too
    assert goals.default_year(db) == 2022  # but the default is the newest letter


def test_indicator_choices_follow_the_malekort_order(db: Path):
    assert list(goals.indicator_choices(db)) == ["B.15", "B.31", "K.TI", "S.AL"]
    assert goals.indicator_choices(db)["B.31"] == "Antall Fått jobben"


# --- saving -----------------------------------------------------------------------------------------------------


def test_leader_saves_priorities_with_history_and_audit(appdb_backend: str, db: Path):
    version, analytic = store.data_version(db), fingerprint(db)
    result = goals.save_priorities(db, LEADER, "0312", 2021, THREE)
    assert (result.created, result.changed, result.deleted) == ((1, 2, 3), (), ())
    # Written to the application database only: the analytic file's bytes and data version are as they were.
    assert result.data_version == version == store.data_version(db) and fingerprint(db) == analytic
    view = goals.view(db, "0312", 2021)
    assert [(p.no, p.title) for p in view.priorities] == [(1, "Unge i arbeid"), (2, "Flere i jobb"),
                                                           (3, "Raskere saksbehandling")]
    second = view.priorities[1]
    assert [i.indicator_id for i in second.indicators] == ["B.15", "B.31"]
    assert second.indicators[1].link == "/malekort?enhet=0312&periode=2021-12&indikator=B.31"
    assert second.changed_by == LEADER.name
    hist = goals.history(db, "0312", 2021)
    assert sorted(zip(hist["no"], hist["action"], strict=True)) == [(1, "opprettet"), (2, "opprettet"),
                                                                     (3, "opprettet")]
    assert set(hist["changed_by"]) == {LEADER.name}
    assert audit_rows(db)[-1][:3] == (LEADER.name, "prioriteringer lagret", "0312 2021")


def test_changes_and_deletions_are_recorded_and_unchanged_rows_keep_their_time(db: Path):
    goals.save_priorities(db, LEADER, "0312", 2021, [*THREE, {"tittel": "Arbeidsmiljø"}])
    first_saved = goals.view(db, "0312", 2021).priorities[0].changed_at
    edited = [THREE[0], {**THREE[1], "tittel": "Flere i jobb gjennom markedsarbeid"}, THREE[2]]
    result = goals.save_priorities(db, LEADER, "0312", 2021, edited)
    assert (result.created, result.changed, result.deleted) == ((), (2,), (4,))
    assert result.message == "Prioriteringene er lagret: 1 endret, 1 slettet."
    view = goals.view(db, "0312", 2021)
    assert [p.title for p in view.priorities] == ["Unge i arbeid", "Flere i jobb gjennom markedsarbeid",
                                                  "Raskere saksbehandling"]
    assert view.priorities[0].changed_at == first_saved
    hist = goals.history(db, "0312", 2021)
    latest = hist[hist["changed_at"] == hist["changed_at"].max()]
    assert sorted(zip(latest["no"], latest["action"], latest["title"], strict=True)) == [
        (2, "endret", "Flere i jobb gjennom markedsarbeid"), (4, "slettet", "Arbeidsmiljø")]
    assert len(hist) == 6


def test_saving_the_same_priorities_again_publishes_nothing(db: Path):
    goals.save_priorities(db, LEADER, "0312", 2021, THREE)
    before, version = (fingerprint(db), app_fingerprint(db)), store.data_version(db)
    result = goals.save_priorities(db, LEADER, "0312", 2021, [dict(i) for i in THREE])
    assert not result.changed_anything
    assert result.message == "Ingen endringer å lagre."
    assert (fingerprint(db), app_fingerprint(db)) == before and store.data_version(db) == version


@pytest.mark.parametrize(
    ("user", "unit"),
    [
        (EMPLOYEE, "0312"),  # an employee of the office
        (LEADER, "1103"),  # a leader, but of another office
        (COUNTY, "0312"),  # the fylke's management does not write the office's plan
        (User("Leder Stavanger", "leder", "1103"), "0312"),
    ],
)
def test_nobody_but_the_offices_leader_may_save(db: Path, user: User, unit: str):
    before = fingerprint(db), app_fingerprint(db)
    with pytest.raises(PermissionError) as caught:
        goals.save_priorities(db, user, unit, 2021, THREE)
    assert isinstance(caught.value, goals.NotAllowed)
    assert "Du kan ikke endre prioriteringene til" in str(caught.value)
    assert f"({unit})" in str(caught.value)
    assert (fingerprint(db), app_fingerprint(db)) == before


def test_permission_is_checked_before_validation(db: Path):
    with pytest.raises(goals.NotAllowed):
        goals.save_priorities(db, LEADER, "1103", 2021, [])


@pytest.mark.parametrize("count", [0, 2, 6])
def test_fewer_than_three_or_more_than_five_is_refused(db: Path, count: int):
    items = [{"tittel": f"Prioritering nummer {i}"} for i in range(1, count + 1)]
    before = fingerprint(db), app_fingerprint(db)
    with pytest.raises(goals.PrioritiesInvalid) as caught:
        goals.save_priorities(db, LEADER, "0312", 2021, items)
    problems = caught.value.problems
    assert [(p.field, p.item) for p in problems] == [("prioriteringer", None)]
    assert f"3-5 prioriteringer i året; du har fylt ut {count}" in problems[0].message
    assert str(problems[0]).startswith("Antall prioriteringer:")
    assert (fingerprint(db), app_fingerprint(db)) == before


@pytest.mark.parametrize("count", [3, 5])
def test_three_and_five_are_both_accepted(db: Path, count: int):
    items = [{"tittel": f"Prioritering nummer {i}"} for i in range(1, count + 1)]
    assert len(goals.save_priorities(db, LEADER, "0312", 2021, items).created) == count


def test_every_problem_is_named_with_its_field_and_nothing_is_written(db: Path):
    goals.save_priorities(db, LEADER, "0312", 2021, THREE)
    before, version = (fingerprint(db), app_fingerprint(db)), store.data_version(db)
    items = [
        {"tittel": "Unge i arbeid"},
        {"tittel": "  ", "indikatorer": "B.15;X.99"},  # no title, and an unknown indicator
        {"tittel": "Gyldig", "indikatorer": "ikke en id"},
        {"tittel": "x" * 201},
        {"tittel": "unge i arbeid"},  # same title as number 1
    ]
    with pytest.raises(goals.PrioritiesInvalid) as caught:
        goals.save_priorities(db, LEADER, "0312", 2021, items)
    found = {(p.item, p.field) for p in caught.value.problems}
    assert found == {(2, "tittel"), (2, "indikatorer"), (3, "indikatorer"), (4, "tittel"), (5, "tittel")}
    text = str(caught.value)
    assert "Prioritering 2, tittel: mangler verdi" in text
    assert "Prioritering 2, indikatorer: ukjent indikator «X.99»" in text
    assert "Prioritering 5, tittel: samme tittel som prioritering 1" in text
    assert (fingerprint(db), app_fingerprint(db)) == before and store.data_version(db) == version
    assert [p.title for p in goals.view(db, "0312", 2021).priorities] == [i["tittel"] for i in THREE]


def test_an_impossible_year_is_refused(db: Path):
    with pytest.raises(goals.PrioritiesInvalid) as caught:
        goals.save_priorities(db, LEADER, "0312", 20211, THREE)
    assert [(p.field, p.item) for p in caught.value.problems] == [("aar", None)]


def test_save_is_one_app_transaction_and_never_writes_the_analytic_store(db: Path, monkeypatch: pytest.MonkeyPatch):
    from navdash import appdb

    calls = []
    real = appdb.writing

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("an app write must not copy or publish the analytic file")

    monkeypatch.setattr(appdb, "writing", counting)
    monkeypatch.setattr(store, "writing", refuse)
    goals.save_priorities(db, LEADER, "0312", 2021, THREE)
    assert len(calls) == 1


# --- how many ------------------------------------------------------------------------------------------------------


def test_counts_what_the_unit_carries_from_the_targets_table(db: Path):
    goals.save_priorities(db, LEADER, "0312", 2021, THREE)
    with store.reading(db) as con:
        setters = con.execute(
            """SELECT indicator_id, list(DISTINCT set_by) FROM targets t
               WHERE year = 2021 AND unit_id IN ('0000', '0300', '0312') GROUP BY indicator_id""").fetchall()
        local = con.execute("""SELECT count(*) FROM targets WHERE year = 2021 AND unit_id = '0312'
                               AND set_by IN ('kontor', 'partnerskap')""").fetchone()[0]
    central = sum(1 for _, s in setters if "direktorat" in s)
    n = goals.counts(goals.view(db, "0312", 2021))
    assert (n.parameters, n.central, n.beyond_central, n.local_targets, n.priorities) == (
        len(setters), central, len(setters) - central, local, 3)
    assert n.beyond_central >= 1 and n.local_targets == 2 and n.priorities_within_advice
    assert not goals.counts(goals.view(db, "1103", 2021)).priorities_within_advice  # no priorities
