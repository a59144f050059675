"""Checks of the committed demo data in data/demo, read with pandas only, and of the generator's determinism.

The målekort reference below is copied from NAV's 2021 målekort for 0000 Norge (seed 002:286-303), so the
calibration is checked against the source, not against the generator's own constants.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from navdash.demo import write_demo_csvs

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
FILES = ("enheter", "indikatorer", "verdier", "resultatkrav", "undersokelse", "prioriteringer", "endringspunkter")

# mk_id: (navn, hittil i år i år, hittil i år i fjor, denne perioden i år, denne perioden i fjor)
MALEKORT_2021 = {
    "B.14": ("Andel med gradert sykemelding ved passering 12 uker", 47, 43, 34, 33),
    "B.15": ("Andel arbeidssøkere med overgang til arbeid", 82, 65, 77, 60),
    "B.16": ("Andel personer med nedsatt arbeidsevne med overgang til arbeid", 45, 42, 45, 43),
    "B.25": ("Andel arbeidssøkere med overgang til arbeid fra tiltak", 63, 62, 69, 54),
    "B.26": ("Andel personer med nedsatt arbeidsevne med overgang til arbeid fra tiltak", 57, 56, 54, 53),
    "B.31": ("Antall Fått jobben", 2104, 1293, 2319, 1626),
    "B.32": ("Antall Fått jobben for personer med situasjonsbestemt innsatsbehov", 912, 513, 933, 627),
    "B.33": ("Antall Fått jobben for personer med spesielt tilpasset innsatsbehov", 705, 447, 855, 533),
    "B.45": ("Andel brukere under 30 år med situasjonsbestemt innsatsbehov som har arbeidsrettet aktivitet",
             76, 64, 77, 69),
    "B.46": ("Andel brukere under 30 år med spesielt tilpasset innsatsbehov som har arbeidsrettet aktivitet",
             55, 50, 58, 52),
    "B.47": ("Andel brukere under 30 år med situasjonsbestemt innsatsbehov som har hatt dialog møte eller samtale "
             "siste 30 dager", 62, 59, 69, 68),
    "B.48": ("Andel brukere under 30 år med spesielt tilpasset innsatsbehov som har hatt dialog møte eller samtale "
             "siste 30 dager", 56, 53, 62, 61),
    "B.49": ("Andel personer under 30 år som har arbeidsrettet aktivitet", 63, 55, 64, 58),
    "B.77": ("Andel AAP-mottakere som er i arbeid eller tiltak ved 26 ukers tidspunkt", 58, 56, 58, 55),
}

PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-T([1-3]))?$")


def _read(name: str) -> pd.DataFrame:
    # Everything as text: keeps 0312's leading zero and shows an empty cell as "" rather than NaN.
    return pd.read_csv(DEMO / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def enheter() -> pd.DataFrame:
    return _read("enheter")


@pytest.fixture(scope="module")
def indikatorer() -> pd.DataFrame:
    return _read("indikatorer")


@pytest.fixture(scope="module")
def verdier() -> pd.DataFrame:
    return _read("verdier")


@pytest.fixture(scope="module")
def resultatkrav() -> pd.DataFrame:
    return _read("resultatkrav")


@pytest.fixture(scope="module")
def undersokelse() -> pd.DataFrame:
    return _read("undersokelse")


@pytest.fixture(scope="module")
def prioriteringer() -> pd.DataFrame:
    return _read("prioriteringer")


def test_malekort_ids_have_reference_names(indikatorer: pd.DataFrame) -> None:
    catalogue = indikatorer.set_index("indikator")
    for mk_id, (navn, *_figures) in MALEKORT_2021.items():
        assert mk_id in catalogue.index, f"{mk_id} mangler i indikatorer.csv"
        row = catalogue.loc[mk_id]
        assert row["navn"] == navn
        assert row["rolle"] == "styringsparameter"
        assert row["perspektiv"] == "bruker"
        counting = mk_id in ("B.31", "B.32", "B.33")
        assert row["maaleenhet"] == ("antall" if counting else "prosent")
        assert row["aggregering"] == ("snitt_per_periode" if counting else "forholdstall")


def test_own_indicator_ids_cannot_be_mistaken_for_malekort_ids(indikatorer: pd.DataFrame) -> None:
    own = indikatorer[~indikatorer["indikator"].isin(list(MALEKORT_2021))]
    assert len(own) > 0
    for _, row in own.iterrows():
        # Real MK IDs are a letter, a dot and digits; ours have letters after the dot.
        assert re.fullmatch(r"[A-Z]\.[A-Z]{2,8}", row["indikator"]), row["indikator"]
        assert "ID i demodata" in row["beskrivelse"], row["indikator"]


def _norge_figure(values: pd.DataFrame, mk_id: str, months: list[str]) -> float:
    rows = values[(values["enhet"] == "0000") & (values["indikator"] == mk_id) & values["periode"].isin(months)]
    assert len(rows) == len(months), f"{mk_id}: mangler måneder for 0000 blant {months[0]}..{months[-1]}"
    if (rows["teller"] != "").all():
        # forholdstall: sum of numerators over sum of denominators, never a mean of monthly shares
        return 100 * rows["teller"].astype(int).sum() / rows["nevner"].astype(int).sum()
    # snitt_per_periode: the year-to-date count is the mean per month
    return float(rows["verdi"].astype(float).mean())


@pytest.mark.parametrize("mk_id", list(MALEKORT_2021))
def test_norge_matches_malekort_2021(verdier: pd.DataFrame, mk_id: str) -> None:
    _navn, ytd_now, ytd_last, dec_now, dec_last = MALEKORT_2021[mk_id]
    cases = {
        "hittil i år 2021": (_norge_figure(verdier, mk_id, [f"2021-{m:02d}" for m in range(1, 13)]), ytd_now),
        "hittil i år 2020": (_norge_figure(verdier, mk_id, [f"2020-{m:02d}" for m in range(1, 13)]), ytd_last),
        "desember 2021": (_norge_figure(verdier, mk_id, ["2021-12"]), dec_now),
        "desember 2020": (_norge_figure(verdier, mk_id, ["2020-12"]), dec_last),
    }
    for label, (got, want) in cases.items():
        assert round(got) == want, f"{mk_id} {label}: {got:.3f} avrundes ikke til {want}"
        assert abs(got - want) <= 0.2, f"{mk_id} {label}: {got:.3f} er for nær en avrundingsgrense"


def test_generation_is_deterministic_and_matches_committed_files(tmp_path: Path) -> None:
    first = write_demo_csvs(tmp_path / "a")
    second = write_demo_csvs(tmp_path / "b")
    assert set(first) == set(second)
    for name in (*FILES, "README"):
        assert name in first, f"{name} ble ikke skrevet"
        a, b = first[name].read_bytes(), second[name].read_bytes()
        assert a == b, f"{name}: to kjøringer ga ulike filer"
        committed = DEMO / first[name].name
        assert committed.exists(), f"{committed} mangler; kjør python -m navdash.demo"
        assert committed.read_bytes() == a, f"{committed.name} er ikke lik det generatoren lager nå"


def test_files_are_utf8_comma_separated_with_expected_headers() -> None:
    headers = {
        "enheter": "enhet,navn,type,overordnet,sammenligningsgruppe,ansatte,gyldig_fra,gyldig_til,erstattet_av,"
                   "storrelse,brukersammensetning,sentralitet",
        "indikatorer": "indikator,navn,beskrivelse,perspektiv,resultatkjede,rolle,maaleenhet,polaritet,aggregering,"
                       "kilde,lenke,lokal,personopplysning",
        "verdier": "enhet,indikator,periode,teller,nevner,verdi",
        "resultatkrav": "indikator,enhet,aar,kravtype,terskel,referanseaar,fastsatt_av,absolutt,tekst",
        "undersokelse": "undersokelse,runde,enhet,gruppe,sporsmal,tema,svaralternativ,antall",
        "prioriteringer": "enhet,aar,nr,tittel,begrunnelse,indikatorer",
        "endringspunkter": "indikator,enhet,periode,begrunnelse",
    }
    for name, header in headers.items():
        text = (DEMO / f"{name}.csv").read_bytes().decode("utf-8")
        assert text.split("\n", 1)[0] == header, name
        assert not text.startswith("\ufeff")
    assert (DEMO / "verdier.csv").stat().st_size < 6_000_000
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "DEMODATA" in readme and "python -m navdash.demo" in readme


def test_coded_values(enheter: pd.DataFrame, indikatorer: pd.DataFrame, resultatkrav: pd.DataFrame) -> None:
    assert set(enheter["type"]) <= {"land", "fylke", "kontor", "spesialenhet", "styringsenhet"}
    assert enheter["enhet"].str.fullmatch(r"\d{4}").all()
    assert enheter["ansatte"].str.fullmatch(r"\d+").all()
    allowed = {
        "perspektiv": {"bruker", "produksjon", "medarbeider", "okonomi"},
        "resultatkjede": {"innsatsfaktor", "aktivitet", "resultat", "effekt"},
        "rolle": {"styringsparameter", "nokkelinformasjon", "kontekst"},
        "maaleenhet": {"prosent", "antall", "dager", "kroner", "skar"},
        "polaritet": {"hoy_er_bra", "lav_er_bra", "noytral"},
        "aggregering": {"forholdstall", "sum", "snitt_per_periode"},
    }
    for column, codes in allowed.items():
        assert set(indikatorer[column]) <= codes, column
    assert indikatorer["lenke"].str.startswith("https://").all()
    assert set(indikatorer["rolle"]) == allowed["rolle"], "alle tre rollene skal finnes i demodataene"
    assert set(resultatkrav["kravtype"]) <= {"minst", "hoyst", "over", "under", "oke_fra_fjoraret",
                                              "retning_mot_niva", "skal_reduseres"}
    assert set(resultatkrav["fastsatt_av"]) == {"direktorat", "fylke", "kontor", "partnerskap"}
    assert set(resultatkrav["absolutt"]) <= {"ja", "nei"}


def test_unit_tree(enheter: pd.DataFrame) -> None:
    seen: set[str] = set()
    for _, row in enheter.iterrows():
        if row["enhet"] == "0000":
            assert row["overordnet"] == "" and row["type"] == "land"
        else:
            assert row["overordnet"] in seen, f"{row['enhet']}: overordnet {row['overordnet']} står ikke før"
        seen.add(row["enhet"])
        if row["erstattet_av"]:
            assert row["erstattet_av"] in set(enheter["enhet"]), row["enhet"]
            assert row["gyldig_til"], f"{row['enhet']} er erstattet, men mangler gyldig_til"
        assert (row["sammenligningsgruppe"] != "") == (row["type"] == "kontor"), row["enhet"]
    assert not enheter["enhet"].duplicated().any()
    assert enheter.set_index("enhet").loc["0312", "navn"] == "NAV Frogner"


def _offices_valid(enheter: pd.DataFrame, fylke: str, year: int) -> pd.DataFrame:
    offices = enheter[(enheter["type"] == "kontor") & (enheter["overordnet"] == fylke)]
    starts = offices["gyldig_fra"] <= f"{year}-12-31"
    ends = (offices["gyldig_til"] == "") | (offices["gyldig_til"] >= f"{year}-01-01")
    return offices[starts & ends]


def test_office_counts(enheter: pd.DataFrame) -> None:
    assert len(_offices_valid(enheter, "1100", 2021)) == 20
    assert len(_offices_valid(enheter, "1100", 2020)) == 20
    assert len(_offices_valid(enheter, "1100", 2019)) == 23
    assert len(_offices_valid(enheter, "0300", 2021)) == 15
    merged = enheter[enheter["erstattet_av"] != ""].set_index("navn")
    assert merged.loc["NAV Finnøy", "erstattet_av"] == merged.loc["NAV Rennesøy", "erstattet_av"] == "1103"
    assert merged.loc["NAV Forsand", "erstattet_av"] == "1102"
    staff = enheter.set_index("navn")["ansatte"].astype(int)
    assert staff["NAV Haugesund-Utsira"] == 95
    rogaland = _offices_valid(enheter, "1100", 2021)["ansatte"].astype(int).sum()
    assert 900 <= rogaland <= 1100


def test_referential_integrity(enheter: pd.DataFrame, indikatorer: pd.DataFrame, verdier: pd.DataFrame,
                               resultatkrav: pd.DataFrame, undersokelse: pd.DataFrame,
                               prioriteringer: pd.DataFrame) -> None:
    units = set(enheter["enhet"])
    inds = set(indikatorer["indikator"])
    assert set(enheter["overordnet"]) - {""} <= units
    assert set(enheter["erstattet_av"]) - {""} <= units
    for frame, name in ((verdier, "verdier"), (resultatkrav, "resultatkrav"), (undersokelse, "undersokelse"),
                        (prioriteringer, "prioriteringer")):
        unknown = set(frame["enhet"]) - units
        assert not unknown, f"{name}: ukjente enheter {sorted(unknown)}"
    for frame, name in ((verdier, "verdier"), (resultatkrav, "resultatkrav")):
        unknown = set(frame["indikator"]) - inds
        assert not unknown, f"{name}: ukjente indikatorer {sorted(unknown)}"
    listed = {i for cell in prioriteringer["indikatorer"] for i in cell.split(";") if i}
    assert listed <= inds, sorted(listed - inds)
    assert not indikatorer["indikator"].duplicated().any()


def test_periods_are_valid_and_not_after_2022(verdier: pd.DataFrame) -> None:
    parsed = verdier["periode"].str.extract(PERIOD_RE)
    assert parsed[0].notna().all(), verdier.loc[parsed[0].isna(), "periode"].unique()[:5]
    assert (parsed[0].astype(int) <= 2022).all()
    assert verdier["periode"].max() <= "2022-T3"  # "2022-12" < "2022-T3" as text; a 2023 period sorts after
    assert not verdier.duplicated(["enhet", "indikator", "periode"]).any()


def test_values_follow_the_aggregation(verdier: pd.DataFrame, indikatorer: pd.DataFrame) -> None:
    info = indikatorer.set_index("indikator")
    merged = verdier.join(info[["aggregering", "maaleenhet"]], on="indikator")
    ratio = merged[merged["aggregering"] == "forholdstall"]
    assert (ratio["verdi"] == "").all()
    assert ratio["teller"].str.fullmatch(r"\d+").all() and ratio["nevner"].str.fullmatch(r"\d+").all()
    percent = ratio[ratio["maaleenhet"] == "prosent"]
    assert (percent["teller"].astype(int) <= percent["nevner"].astype(int)).all()
    assert (ratio["nevner"].astype(int) > 0).all()
    single = merged[merged["aggregering"] != "forholdstall"]
    assert (single["teller"] == "").all() and (single["nevner"] == "").all()
    assert (single["verdi"] != "").all()
    counts = single[single["maaleenhet"] == "antall"]
    assert counts["verdi"].str.fullmatch(r"\d+").all(), "antall skal være ikke-negative heltall"


def test_who_has_values(verdier: pd.DataFrame, enheter: pd.DataFrame) -> None:
    kind = enheter.set_index("enhet")["type"]
    assert not verdier["enhet"].map(kind).eq("fylke").any(), "fylker skal regnes ut fra kontorene"
    merged = set(enheter.loc[enheter["erstattet_av"] != "", "enhet"])
    assert verdier.loc[verdier["enhet"].isin(merged), "periode"].str.startswith("2019").all()
    offices = set(_offices_valid(enheter, "1100", 2021)["enhet"]) | set(_offices_valid(enheter, "0300", 2021)["enhet"])
    monthly = verdier[(verdier["indikator"] == "B.31") & verdier["periode"].str.fullmatch(r"\d{4}-\d{2}")]
    per_office = monthly.groupby("enhet").size()
    assert set(per_office.index) >= offices
    assert (per_office[list(offices)] == 48).all(), "hvert kontor skal ha B.31 for alle 48 måneder 2019-2022"
    sbt = verdier[verdier["indikator"].str.startswith("S.")]
    assert set(sbt["enhet"]) == {"0000"}
    assert "2012-12" not in set(sbt["periode"])
    dagpenger = sbt[sbt["indikator"] == "S.DP"].set_index("periode")["verdi"]
    assert dagpenger["2011-12"] == "85" and dagpenger["2012-11"] == "87"


def test_targets(resultatkrav: pd.DataFrame, indikatorer: pd.DataFrame) -> None:
    roles = indikatorer.set_index("indikator")["rolle"]
    wrong = resultatkrav[resultatkrav["indikator"].map(roles) != "styringsparameter"]
    assert wrong.empty, f"resultatkrav på indikatorer som ikke er styringsparametere: {list(wrong['indikator'])}"
    national = resultatkrav[(resultatkrav["enhet"] == "0000") & (resultatkrav["fastsatt_av"] == "direktorat")]
    keyed = national.set_index(["indikator", "aar"])
    for mk_id in MALEKORT_2021:
        row = keyed.loc[(mk_id, "2021")]
        assert (row["kravtype"], row["referanseaar"]) == ("retning_mot_niva", "2019"), mk_id
        assert row["tekst"] == "Skal bevege seg i retning 2019-nivået"
        row = keyed.loc[(mk_id, "2022")]
        assert (row["kravtype"], row["referanseaar"]) == ("oke_fra_fjoraret", "2021"), mk_id
    numeric = resultatkrav[resultatkrav["kravtype"].isin(["minst", "hoyst", "over", "under"])]
    assert (numeric["terskel"] != "").all() and (numeric["referanseaar"] == "").all()
    directional = resultatkrav[~resultatkrav["kravtype"].isin(["minst", "hoyst", "over", "under"])]
    assert (directional["terskel"] == "").all() and (directional["referanseaar"] != "").all()
    assert not resultatkrav.duplicated(["indikator", "enhet", "aar"]).any()


def test_survey(undersokelse: pd.DataFrame, enheter: pd.DataFrame) -> None:
    assert set(undersokelse["runde"]) == {"2017", "2019"}
    assert set(undersokelse["gruppe"]) == {"leder", "medarbeider", "tillitsvalgt"}
    assert set(undersokelse["svaralternativ"]) == {"1", "2", "3", "4", "5"}
    assert undersokelse["antall"].str.fullmatch(r"\d+").all()
    assert not undersokelse.duplicated(["undersokelse", "runde", "enhet", "gruppe", "sporsmal",
                                        "svaralternativ"]).any()
    answered = (undersokelse.assign(antall=undersokelse["antall"].astype(int))
                .groupby(["runde", "enhet", "gruppe", "sporsmal"])["antall"].sum()
                .groupby(["runde", "enhet", "gruppe"]).max())
    assert (answered.xs("tillitsvalgt", level="gruppe") < 10).all(), "tillitsvalgtgruppen skal være liten"
    assert (answered < 5).any(), "noen grupper skal ha under 5 svar (anonymitet)"
    staff = enheter.set_index("enhet")["ansatte"].astype(int)
    round_2019 = answered.xs("2019", level="runde").groupby("enhet").sum()
    rate = round_2019.sum() / staff[round_2019.index].sum()
    assert 0.25 <= rate <= 0.35, f"svarprosent {rate:.2f}"


def test_priorities(prioriteringer: pd.DataFrame) -> None:
    per_plan = prioriteringer.groupby(["enhet", "aar"]).size()
    assert per_plan.between(3, 5).all()
    assert {("0312", "2021"), ("0312", "2022"), ("1103", "2021"), ("1103", "2022")} <= set(per_plan.index)
    for _, plan in prioriteringer.groupby(["enhet", "aar"]):
        assert sorted(plan["nr"].astype(int)) == list(range(1, len(plan) + 1))
    assert (prioriteringer["indikatorer"] != "").all()


def test_local_indicators_are_context_with_office_values_only(indikatorer: pd.DataFrame) -> None:
    local = indikatorer[indikatorer["lokal"] == "ja"]
    assert list(local["indikator"]) == ["L.KLUBB"]
    assert set(indikatorer["lokal"]) == {"ja", "nei"}
    assert (local["rolle"] != "styringsparameter").all()  # an office's own statistics carry no central target
