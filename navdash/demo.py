"""Deterministic demo data for navdash: `python -m navdash.demo [OUT_DIR]` (default `data/demo`), and the demo
database built from those files (`load_demo`, `ensure_database`).

What is real: unit names, the 14 MK IDs and names of NAV's 2021 målekort, the national målekort figures for
2020/2021 (the Norge series is calibrated to them), the national saksbehandlingstid table 2011-12..2012-11 and the
targets of the mål- og disponeringsbrev 2021/2022. Everything at office level, all surveys and all other years
are made up, with noise that fits each office's size so that funnel plots and SPC charts behave realistically.

Every random draw comes from a generator seeded by a fixed number plus a stable key (unit, indicator), so the
output is byte-identical between runs and one series can change without reshuffling all the others.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from navdash import ingest, priorities, store
from navdash.paths import DEMO_DIR

SEED = 20211231
YEARS = (2019, 2020, 2021, 2022)
NATIONAL_SCALE = 15_000  # office employees behind the national NAV-kontor statistics (Norge = this many "ansatte")

FILES = ("enheter", "indikatorer", "verdier", "resultatkrav", "undersokelse", "prioriteringer", "endringspunkter")

# ---------------------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    enhet: str
    navn: str
    type: str
    overordnet: str = ""
    gruppe: str = ""
    ansatte: int = 0
    fra: str = "2006-07-01"
    til: str = ""
    erstattet_av: str = ""
    storrelse: str = ""
    brukersammensetning: str = ""
    sentralitet: str = ""


# Oslo's 15 bydel offices. 0312 (Frogner) is fixed because the documentation links to it; the other numbers
# follow NAV's 03xx pattern but are not checked against NAV's register.
_OSLO = (
    ("0326", "NAV Alna", 130), ("0330", "NAV Bjerke", 90), ("0312", "NAV Frogner", 85),
    ("0316", "NAV Gamle Oslo", 140), ("0328", "NAV Grorud", 95), ("0315", "NAV Grünerløkka", 120),
    ("0331", "NAV Nordre Aker", 70), ("0318", "NAV Nordstrand", 75), ("0314", "NAV Sagene", 85),
    ("0313", "NAV St. Hanshaugen", 80), ("0327", "NAV Stovner", 105), ("0319", "NAV Søndre Nordstrand", 120),
    ("0333", "NAV Ullern", 50), ("0334", "NAV Vestre Aker", 55), ("0321", "NAV Østensjø", 95),
)

# Rogaland's 20 offices (2020-2022), numbered after the (main) kommune. About 1000 employees in all (seed 003:269).
_ROGALAND = (
    ("1101", "NAV Dalane", "Mellomstor kommune", 40),
    ("1102", "NAV Sandnes", "Storby", 165),
    ("1103", "NAV Stavanger", "Storby", 300),
    ("1106", "NAV Haugesund-Utsira", "Mellomstor kommune", 95),
    ("1111", "NAV Sokndal", "Liten kommune", 7),
    ("1112", "NAV Lund", "Liten kommune", 6),
    ("1119", "NAV Hå", "Mellomstor kommune", 32),
    ("1120", "NAV Klepp", "Mellomstor kommune", 33),
    ("1121", "NAV Time", "Mellomstor kommune", 34),
    ("1122", "NAV Gjesdal", "Mellomstor kommune", 24),
    ("1124", "NAV Sola", "Mellomstor kommune", 50),
    ("1127", "NAV Randaberg", "Mellomstor kommune", 21),
    ("1130", "NAV Strand", "Mellomstor kommune", 24),
    ("1133", "NAV Hjelmeland", "Liten kommune", 7),
    ("1134", "NAV Suldal", "Liten kommune", 9),
    ("1135", "NAV Sauda", "Liten kommune", 12),
    ("1144", "NAV Kvitsøy", "Liten kommune", 2),
    ("1146", "NAV Tysvær", "Mellomstor kommune", 20),
    ("1149", "NAV Karmøy-Bokn", "Mellomstor kommune", 75),
    ("1160", "NAV Vindafjord", "Mellomstor kommune", 18),
)

# Kommunesammenslåing 1.1.2020: Finnøy and Rennesøy into Stavanger, Forsand into Sandnes.
_MERGED = (
    ("1141", "NAV Finnøy", 6, "1103"),
    ("1142", "NAV Rennesøy", 7, "1103"),
    ("1129", "NAV Forsand", 4, "1102"),
)

_SPECIAL = (
    ("4100", "NAV Kontaktsenter", "styringsenhet", 1050),
    ("4200", "NAV Klageinstans", "styringsenhet", 520),
    ("4400", "NAV Arbeid og ytelser", "styringsenhet", 1450),
    ("4703", "NAV Hjelpemiddelsentral Oslo", "spesialenhet", 120),
    ("4711", "NAV Hjelpemiddelsentral Rogaland", "spesialenhet", 85),
    ("4800", "NAV Familie- og pensjonsytelser", "styringsenhet", 1300),
)


# Classifications for the comparison page, plausible but not checked against SSB or NAV: centrality as SSB's
# sentralitetsklasse (1 most central, 6 least) of the office's (main) kommune, user mix as the dominant trait of the
# office's users. Merged offices keep the centrality of their old kommune.
_CENTRALITY = {
    "1101": "4", "1102": "2", "1103": "2", "1106": "3", "1111": "5", "1112": "5", "1119": "3", "1120": "3",
    "1121": "3", "1122": "3", "1124": "2", "1127": "2", "1130": "3", "1133": "5", "1134": "5", "1135": "5",
    "1144": "6", "1146": "4", "1149": "3", "1160": "5", "1141": "4", "1142": "4", "1129": "4",
}
_MANY_IMMIGRANTS = {"0326", "0330", "0316", "0328", "0327", "0319", "1103", "1106"}
_MANY_YOUNG = {"0315", "0314", "0313", "1102"}
_MANY_REDUCED_CAPACITY = {"1135", "1149", "1160", "1101"}


def size_class(employees: int) -> str:
    """The demo's size classes of an office, from its employees."""
    if employees < 20:
        return "Liten (under 20 ansatte)"
    if employees < 80:
        return "Mellomstor (20–79 ansatte)"
    return "Stor (80 ansatte eller flere)"


def user_mix(unit_id: str) -> str:
    if unit_id in _MANY_IMMIGRANTS:
        return "Mange innvandrere"
    if unit_id in _MANY_YOUNG:
        return "Mange unge"
    if unit_id in _MANY_REDUCED_CAPACITY:
        return "Mange med nedsatt arbeidsevne"
    return "Blandet"


def _classified(u: Unit) -> Unit:
    return dataclasses.replace(u, storrelse=size_class(u.ansatte), brukersammensetning=user_mix(u.enhet),
                               sentralitet=_CENTRALITY.get(u.enhet, "1" if u.overordnet == "0300" else ""))


def units() -> list[Unit]:
    """All units, parents before children. Fylke/land `ansatte` include the units below them."""
    oslo = [_classified(Unit(e, n, "kontor", "0300", "Bydel Oslo", a)) for e, n, a in sorted(_OSLO)]
    rog = [_classified(Unit(e, n, "kontor", "1100", g, a)) for e, n, g, a in _ROGALAND]
    rog += [_classified(Unit(e, n, "kontor", "1100", "Liten kommune", a, "2019-01-01", "2019-12-31", r))
            for e, n, a, r in _MERGED]
    rog.sort(key=lambda u: u.enhet)
    special = [Unit(e, n, t, "0000", "", a) for e, n, t, a in _SPECIAL]
    oslo_total = sum(u.ansatte for u in oslo) + 110  # + fylkeskontoret
    rog_total = sum(u.ansatte for u in rog if not u.til) + 85
    return [
        Unit("0000", "Norge", "land", "", "", 22_000),
        Unit("0300", "NAV Oslo", "fylke", "0000", "", oslo_total),
        *oslo,
        Unit("1100", "NAV Rogaland", "fylke", "0000", "", rog_total),
        *rog,
        *special,
    ]


def _active_years(u: Unit) -> tuple[int, ...]:
    first = int(u.fra[:4])
    last = int(u.til[:4]) if u.til else YEARS[-1]
    return tuple(y for y in YEARS if first <= y <= last)


def _size(u: Unit, year: int, all_units: Sequence[Unit]) -> float:
    """Employees in a given year: a successor office was smaller before it took over the merged offices."""
    size = float(u.ansatte)
    for m in all_units:
        if m.erstattet_av == u.enhet and m.til and year <= int(m.til[:4]):
            size -= m.ansatte
    return max(size, 1.0)


# ---------------------------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    indikator: str
    navn: str
    beskrivelse: str
    perspektiv: str
    resultatkjede: str
    rolle: str
    maaleenhet: str
    polaritet: str
    aggregering: str
    kilde: str
    lenke: str
    lokal: str = "nei"  # "ja": an office's own statistics, which its leader may upload
    personopplysning: str = ""  # empty: the perspective decides (navdash.schemas.personal_by_default)


_STAT = "https://www.nav.no/no/nav-og-samfunn/statistikk"
_OWN = "ID i demodata (ikke en ekte målekort-ID)."

# The 14 rows of NAV's målekort for 0000 Norge 2021 (seed 002:286-303), with names exactly as in the source.
MK_NAMES: dict[str, str] = {
    "B.14": "Andel med gradert sykemelding ved passering 12 uker",
    "B.15": "Andel arbeidssøkere med overgang til arbeid",
    "B.16": "Andel personer med nedsatt arbeidsevne med overgang til arbeid",
    "B.25": "Andel arbeidssøkere med overgang til arbeid fra tiltak",
    "B.26": "Andel personer med nedsatt arbeidsevne med overgang til arbeid fra tiltak",
    "B.31": "Antall Fått jobben",
    "B.32": "Antall Fått jobben for personer med situasjonsbestemt innsatsbehov",
    "B.33": "Antall Fått jobben for personer med spesielt tilpasset innsatsbehov",
    "B.45": "Andel brukere under 30 år med situasjonsbestemt innsatsbehov som har arbeidsrettet aktivitet",
    "B.46": "Andel brukere under 30 år med spesielt tilpasset innsatsbehov som har arbeidsrettet aktivitet",
    "B.47": "Andel brukere under 30 år med situasjonsbestemt innsatsbehov som har hatt dialog møte eller samtale "
            "siste 30 dager",
    "B.48": "Andel brukere under 30 år med spesielt tilpasset innsatsbehov som har hatt dialog møte eller samtale "
            "siste 30 dager",
    "B.49": "Andel personer under 30 år som har arbeidsrettet aktivitet",
    "B.77": "Andel AAP-mottakere som er i arbeid eller tiltak ved 26 ukers tidspunkt",
}
MK_COUNTS = ("B.31", "B.32", "B.33")

_MK_DESC: dict[str, tuple[str, str, str]] = {
    # id: (resultatkjede, beskrivelse, lenke-suffiks)
    "B.14": ("resultat", "Andel av sykmeldingstilfellene som passerer 12 uker der sykmeldingen er gradert. "
             "Gradert sykmelding holder kontakten med arbeidsplassen.", "sykefravar-statistikk"),
    "B.15": ("effekt", "Andel av arbeidssøkerne som har gått over til arbeid. Nivået i 2020-2021 er påvirket av "
             "permitterte som gikk tilbake til jobb.", "arbeidssokere-og-stillinger-statistikk"),
    "B.16": ("effekt", "Andel av personene med nedsatt arbeidsevne som har gått over til arbeid.",
             "aap-nedsatt-arbeidsevne-og-uforetrygd-statistikk"),
    "B.25": ("effekt", "Andel av arbeidssøkerne som har avsluttet et arbeidsmarkedstiltak og er i arbeid etter "
             "tiltaket.", "tiltak-statistikk"),
    "B.26": ("effekt", "Andel av personene med nedsatt arbeidsevne som har avsluttet et arbeidsmarkedstiltak og er i "
             "arbeid etter tiltaket.", "tiltak-statistikk"),
    "B.31": ("resultat", "Antall brukere registrert med «Fått jobben» i perioden (formidlinger). Hittil i år er snitt "
             "per måned.", "arbeidssokere-og-stillinger-statistikk"),
    "B.32": ("resultat", "Antall «Fått jobben» blant brukere med situasjonsbestemt innsatsbehov. Hittil i år er snitt "
             "per måned.", "arbeidssokere-og-stillinger-statistikk"),
    "B.33": ("resultat", "Antall «Fått jobben» blant brukere med spesielt tilpasset innsatsbehov. Hittil i år er snitt "
             "per måned.", "arbeidssokere-og-stillinger-statistikk"),
    "B.45": ("aktivitet", "Andel av brukerne under 30 år med situasjonsbestemt innsatsbehov som er i arbeidsrettet "
             "aktivitet (tiltak, utdanning, arbeid).", "tiltak-statistikk"),
    "B.46": ("aktivitet", "Andel av brukerne under 30 år med spesielt tilpasset innsatsbehov som er i arbeidsrettet "
             "aktivitet.", "tiltak-statistikk"),
    "B.47": ("aktivitet", "Andel av brukerne under 30 år med situasjonsbestemt innsatsbehov som har hatt dialog, "
             "møte eller samtale med NAV de siste 30 dagene.", "arbeidssokere-og-stillinger-statistikk"),
    "B.48": ("aktivitet", "Andel av brukerne under 30 år med spesielt tilpasset innsatsbehov som har hatt dialog, "
             "møte eller samtale med NAV de siste 30 dagene.", "arbeidssokere-og-stillinger-statistikk"),
    "B.49": ("aktivitet", "Andel av alle brukere under 30 år som er i arbeidsrettet aktivitet.", "tiltak-statistikk"),
    "B.77": ("resultat", "Andel av mottakerne av arbeidsavklaringspenger som er i arbeid eller tiltak 26 uker etter "
             "at ytelsen startet.", "aap-nedsatt-arbeidsevne-og-uforetrygd-statistikk"),
}

# Saksbehandlingstid per stønadsområde, national, seed 001:344-395: (id, område, stønadsområde, krav, 12 values
# 2011-12..2012-11). 2012-12 is left out: it repeats 2012-11 in every row of the source.
SBT_MONTHS = ("2011-12", *(f"2012-{m:02d}" for m in range(1, 12)))
SBT: tuple[tuple[str, str, str, int, tuple[int | None, ...]], ...] = (
    ("S.ALLE", "Alle", "Alle stønadsområder", 75, (78, 82, 83, 81, 79, 80, 80, 79, 71, 76, 80, 81)),
    ("S.INNT", "Inntektssikring", "Totalt inntektssikring", 75, (91, 88, 92, 84, 81, 82, 83, 84, 76, 82, 85, 84)),
    ("S.AAP", "Inntektssikring", "Arbeidsavklaringspenger", 75, (93, 86, 90, 89, 88, 89, 89, 91, 83, 89, 91, 90)),
    ("S.DP", "Inntektssikring", "Dagpenger", 80, (85, 83, 80, 76, 74, 83, 85, 87, 82, 86, 88, 87)),
    ("S.UP", "Inntektssikring", "Uførepensjon", 75, (73, None, None, 46, 39, 42, 42, 45, 42, 48, 55, 56)),
    ("S.YS", "Inntektssikring", "Yrkesskade", 75, (94, 90, 93, 93, 92, 90, 91, 88, 85, 91, 92, 91)),
    ("S.FAM", "Familie", "Totalt familie", 75, (67, 69, 68, 69, 68, 69, 70, 71, 69, 70, 71, 71)),
    ("S.BB", "Familie", "Barnebidragsområdet", 75, (53, 50, 59, 64, 59, 59, 55, 58, 57, 61, 59, 61)),
    ("S.BT", "Familie", "Barnetrygd", 75, (74, 73, 72, 75, 76, 77, 75, 74, 77, 78, 78, 80)),
    ("S.EF", "Familie", "Eneforsørger", 75, (55, 60, 62, 64, 61, 64, 72, 75, 75, 70, 64, 63)),
    ("S.FP", "Familie", "Foreldrepengeområdet", 75, (77, 74, 74, 73, 70, 70, 71, 70, 63, 70, 79, 81)),
    ("S.KS", "Familie", "Kontantstøtte", 75, (67, 70, 64, 64, 67, 69, 69, 71, 68, 63, 67, 61)),
    ("S.PEN", "Pensjon", "Totalt pensjon", 75, (73, 77, 57, 48, 49, 47, 57, 66, 56, 54, 50, 53)),
    ("S.AP", "Pensjon", "Alderspensjon", 75, (22, 41, 21, 15, 17, 12, 17, 23, 18, 10, 13, 23)),
    ("S.GJ", "Pensjon", "Gjenlevendeytelse", 75, (80, 83, 86, 88, 74, 77, 78, 76, 76, 77, 74, 75)),
    ("S.SUPP", "Pensjon", "Supplerende stønad", 75, (96, 89, 87, 86, 90, 85, 87, 88, 81, 86, 82, 92)),
    ("S.GHS", "Andre", "Grunn- og hjelpestønad", 75, (87, 89, 88, 91, 90, 91, 89, 84, 91, 87, 88, 91)),
    ("S.HJM", "Andre", "Hjelpemidler", 75, (88, 89, 91, 90, 88, 90, 88, 83, 71, 83, 87, 90)),
    ("S.MEDL", "Andre", "Medlemskap", 75, (7, 20, 19, 26, 29, 28, 47, 68, 15, 16, 20, 69)),
)

# Quality key information per tertial: (id, navn, beskrivelse, national share, office share)
KVALITET = (
    ("N.KMKORR", "Kvalitetsmåling: saken er behandlet riktig og lovverket er fulgt",
     "Andel av de kontrollerte sakene der saken er behandlet riktig og lovverket er fulgt.", 0.90),
    ("N.KMLOV", "Kvalitetsmåling: riktig lovanvendelse",
     "Andel av de kontrollerte sakene der riktig lovanvendelse er benyttet.", 0.92),
    ("N.KMINFO", "Kvalitetsmåling: riktig informasjon er gitt bruker",
     "Andel av de kontrollerte sakene der bruker har fått riktig informasjon.", 0.85),
    ("N.KMDOK", "Kvalitetsmåling: vurderingene er dokumentert og etterprøvbare",
     "Andel av de kontrollerte sakene der vurderingene er dokumentert og kan etterprøves.", 0.77),
)

# Omgjøring i klagesaker per stønadsområde: (id, område, national share, klagesaker per tertial)
OMGJORING = (
    ("N.OMGDP", "dagpenger", 0.52, 3000),
    ("N.OMGAAP", "arbeidsavklaringspenger", 0.14, 1900),
    ("N.OMGUFT", "uføretrygd", 0.11, 1500),
    ("N.OMGFP", "foreldrepenger", 0.09, 900),
    ("N.OMGBB", "barnebidrag", 0.16, 700),
)


def indicators() -> list[Indicator]:
    out: list[Indicator] = []
    for ind, navn in MK_NAMES.items():
        chain, desc, link = _MK_DESC[ind]
        count = ind in MK_COUNTS
        out.append(Indicator(
            ind, navn, desc, "bruker", chain, "styringsparameter", "antall" if count else "prosent",
            "hoy_er_bra", "snitt_per_periode" if count else "forholdstall", "NAV, målekort (statistikkpakken)",
            f"{_STAT}/{link}",
        ))
    out += [
        Indicator("B.UNG", "Andel unge under 30 år med overgang til arbeid",
                  f"Andel av brukerne under 30 år som har gått over til arbeid. Styringsparameter fra 2022. {_OWN}",
                  "bruker", "effekt", "styringsparameter", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, arbeidssøkerstatistikk", f"{_STAT}/arbeidssokere-og-stillinger-statistikk"),
        Indicator("B.INNV", "Andel innvandrere fra land utenfor EØS-området med overgang til arbeid",
                  "Andel av brukerne med bakgrunn fra land utenfor EØS-området (landgruppe 3) som har gått over til "
                  f"arbeid. Styringsparameter fra 2022. {_OWN}",
                  "bruker", "effekt", "styringsparameter", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, arbeidssøkerstatistikk", f"{_STAT}/arbeidssokere-og-stillinger-statistikk"),
        Indicator("B.LTA", "Andel langtids arbeidssøkere i arbeidsrettet aktivitet",
                  "Andel av arbeidssøkerne med mer enn 12 måneders varighet som er i arbeidsrettet aktivitet. "
                  f"Styringsparameter fra 2022 (brevet nevner både andel og antall). {_OWN}",
                  "bruker", "aktivitet", "styringsparameter", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, arbeidssøkerstatistikk", f"{_STAT}/arbeidssokere-og-stillinger-statistikk"),
        Indicator("M.SF", "Sum egenmeldt og legemeldt sykefravær",
                  "Sykefraværsdagsverk (egenmeldt og legemeldt) i prosent av avtalte dagsverk blant enhetens "
                  "ansatte. Felles føring: under 6,1 % for etaten; hver enhet setter sitt eget mål. "
                  f"{_OWN}",
                  "medarbeider", "innsatsfaktor", "styringsparameter", "prosent", "lav_er_bra", "forholdstall",
                  "NAV, personalstatistikk", "https://www.nav.no/no/nav-og-samfunn/om-nav/fakta-om-nav"),
        Indicator("M.INK", "Andel nyrekrutterte til fast stilling med nedsatt funksjonsevne eller hull i CV-en",
                  "Andel av de nyansatte i fast stilling i året som har nedsatt funksjonsevne eller hull i CV-en "
                  f"(inkluderingsdugnadens mål: over 5,0 %). Teller og nevner er personer. {_OWN}",
                  "medarbeider", "innsatsfaktor", "styringsparameter", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, personalstatistikk", "https://www.nav.no/no/nav-og-samfunn/om-nav/fakta-om-nav"),
    ]
    for ind, omr, stonad, _krav, _vals in SBT:
        out.append(Indicator(
            ind, f"Saksbehandlingstid innenfor kravet – {stonad}",
            f"Andel saker innen {stonad.lower()} (område {omr.lower()}) som er avgjort innenfor kravet til "
            "saksbehandlingstid. Bare nasjonale tall for desember 2011 - november 2012 (desember 2012 i kilden er "
            f"en kopi av november og er utelatt). Bare verdi, uten teller og nevner. {_OWN}",
            "produksjon", "aktivitet", "styringsparameter", "prosent", "hoy_er_bra", "snitt_per_periode",
            "NAV, virksomhetsstyring (månedlig informasjon)", f"{_STAT}/flere-statistikkomrader",
        ))
    out += [
        Indicator("N.TILFR", "Andel fornøyde brukere",
                  "Andel av de spurte brukerne som svarer 5 eller 6 på en skala fra 1 til 6 om hvor fornøyde de er "
                  f"med NAV-kontoret. Måles per tertial. Nøkkelinformasjon, ikke mål. {_OWN}",
                  "bruker", "effekt", "nokkelinformasjon", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, brukerundersøkelsen", f"{_STAT}/flere-statistikkomrader/brukerundersokelser"),
        Indicator("N.TILLIT", "Andel brukere med tillit til NAV",
                  "Andel av de spurte i Personbrukerundersøkelsen som har tillit til NAV (71 % i 2021). "
                  f"Måles én gang i året, bare for landet. Nøkkelinformasjon, ikke mål. {_OWN}",
                  "bruker", "effekt", "nokkelinformasjon", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, Personbrukerundersøkelsen", f"{_STAT}/flere-statistikkomrader/brukerundersokelser"),
        Indicator("N.SKL", "Antall serviceklager",
                  "Antall mottatte serviceklager i måneden. Polariteten er nøytral med vilje: flere klager kan "
                  "bety at det er blitt lettere å si fra, og færre kan bety at brukerne har gitt opp. Tallet må "
                  f"leses sammen med innholdet i klagene og antall brukere. {_OWN}",
                  "bruker", "resultat", "nokkelinformasjon", "antall", "noytral", "sum",
                  "NAV, serviceklagesystemet", f"{_STAT}/flere-statistikkomrader",
                  # how many complaints the office received says how it serves, nothing about those who complained
                  personopplysning="nei"),
        Indicator("N.SKLTID", "Andel serviceklager besvart innen tre uker",
                  "Andel av serviceklagene mottatt i måneden som er besvart innen tre uker, som brevet krever. "
                  f"{_OWN}",
                  "produksjon", "resultat", "nokkelinformasjon", "prosent", "hoy_er_bra", "forholdstall",
                  "NAV, serviceklagesystemet", f"{_STAT}/flere-statistikkomrader"),
    ]
    for ind, navn, desc, _share in KVALITET:
        out.append(Indicator(
            ind, navn, f"{desc} Kvalitetsmålingene gjøres per tertial; fra 2021 bare i 1. og 3. tertial. {_OWN}",
            "produksjon", "resultat", "nokkelinformasjon", "prosent", "hoy_er_bra", "forholdstall",
            "NAV, kvalitetsmålinger", f"{_STAT}/flere-statistikkomrader",
        ))
    for ind, omr, _share, _n in OMGJORING:
        out.append(Indicator(
            ind, f"Omgjøring i klagesaker – {omr}",
            f"Andel av de behandlede klagesakene om {omr} der vedtaket ble omgjort helt eller delvis, av "
            "vedtaksinstansen eller NAV Klageinstans. Per tertial, bare for landet. Høy omgjøring kan skyldes nye "
            f"opplysninger i klagen og er ikke bare et tegn på feil. {_OWN}",
            "produksjon", "resultat", "nokkelinformasjon", "prosent", "lav_er_bra", "forholdstall",
            "NAV Klageinstans, statistikk", f"{_STAT}/flere-statistikkomrader",
        ))
    out += [
        Indicator("N.OMGNYDP", "Andel av omgjøringene som skyldes nye opplysninger i klagen – dagpenger",
                  "Andel av de omgjorte dagpengesakene der omgjøringen skyldes opplysninger som kom først med "
                  f"klagen (53,8 % i NAVs undersøkelse fra 2017). Per tertial, bare for landet. {_OWN}",
                  "produksjon", "resultat", "nokkelinformasjon", "prosent", "noytral", "forholdstall",
                  "NAV Arbeid og ytelser, årsaksundersøkelse", f"{_STAT}/flere-statistikkomrader"),
        Indicator("K.ARBS", "Antall registrerte arbeidssøkere",
                  "Antall registrerte arbeidssøkere (helt ledige, delvis ledige og på tiltak) ved utgangen av "
                  f"måneden. Sier noe om oppgavemengden, ikke om resultatet. {_OWN}",
                  "bruker", "effekt", "kontekst", "antall", "noytral", "snitt_per_periode",
                  "NAV, arbeidssøkerstatistikk", f"{_STAT}/arbeidssokere-og-stillinger-statistikk"),
        Indicator("K.NEDS", "Antall personer med nedsatt arbeidsevne",
                  "Antall personer med nedsatt arbeidsevne ved utgangen av måneden. Kontekst for B.16 og B.26. "
                  f"{_OWN}",
                  "bruker", "effekt", "kontekst", "antall", "noytral", "snitt_per_periode",
                  "NAV, statistikk om nedsatt arbeidsevne",
                  f"{_STAT}/aap-nedsatt-arbeidsevne-og-uforetrygd-statistikk"),
        Indicator("L.KLUBB", "Deltakere på jobbklubb",
                  "Antall brukere som deltok på kontorets jobbklubb i måneden. Lokal statistikk som kontoret selv "
                  f"registrerer og laster opp («følge med på»-statistikk). {_OWN}",
                  "bruker", "aktivitet", "kontekst", "antall", "noytral", "sum",
                  "Kontorets egen registrering", "https://www.nav.no/arbeid", lokal="ja"),
    ]
    return out


def _local_rows() -> list[Row]:
    """The local indicator, reported by two offices themselves from 2021."""
    rows: list[Row] = []
    for unit, level in (("0312", 14.0), ("1103", 31.0)):
        rng = _rng(unit, "L.KLUBB")
        months = [m for y in (2021, 2022) for m in _months(y)]
        counts = rng.poisson(level, len(months))
        rows += [(unit, "L.KLUBB", m, None, None, int(c)) for m, c in zip(months, counts, strict=True)]
    return rows


# ---------------------------------------------------------------------------------------------------------
# National målekort calibration
# ---------------------------------------------------------------------------------------------------------

# (hittil i år, denne perioden = desember) per year. 2020 and 2021 are the real målekort figures
# (seed 002:286-303); 2019 is a plausible pre-pandemic level, 2022 a plausible continuation.
MK_LEVELS: dict[str, dict[int, tuple[float, float]]] = {
    "B.14": {2019: (48, 36), 2020: (43, 33), 2021: (47, 34), 2022: (48, 36)},
    "B.15": {2019: (72, 67), 2020: (65, 60), 2021: (82, 77), 2022: (78, 73)},
    "B.16": {2019: (46, 46), 2020: (42, 43), 2021: (45, 45), 2022: (46, 46)},
    "B.25": {2019: (66, 68), 2020: (62, 54), 2021: (63, 69), 2022: (65, 67)},
    "B.26": {2019: (58, 56), 2020: (56, 53), 2021: (57, 54), 2022: (58, 56)},
    "B.31": {2019: (2250, 2300), 2020: (1293, 1626), 2021: (2104, 2319), 2022: (2190, 2260)},
    "B.32": {2019: (980, 1000), 2020: (513, 627), 2021: (912, 933), 2022: (950, 960)},
    "B.33": {2019: (760, 800), 2020: (447, 533), 2021: (705, 855), 2022: (740, 810)},
    "B.45": {2019: (74, 75), 2020: (64, 69), 2021: (76, 77), 2022: (77, 78)},
    "B.46": {2019: (56, 58), 2020: (50, 52), 2021: (55, 58), 2022: (56, 58)},
    "B.47": {2019: (64, 68), 2020: (59, 68), 2021: (62, 69), 2022: (63, 69)},
    "B.48": {2019: (58, 62), 2020: (53, 61), 2021: (56, 62), 2022: (57, 62)},
    "B.49": {2019: (62, 63), 2020: (55, 58), 2021: (63, 64), 2022: (64, 65)},
    "B.77": {2019: (60, 60), 2020: (56, 55), 2021: (58, 58), 2022: (59, 59)},
    # The 2022 styringsparametere have no published målekort figures; levels are made up.
    "B.UNG": {2019: (62, 58), 2020: (55, 52), 2021: (66, 62), 2022: (64, 61)},
    "B.INNV": {2019: (44, 41), 2020: (38, 36), 2021: (47, 44), 2022: (48, 45)},
    "B.LTA": {2019: (52, 50), 2020: (44, 47), 2021: (49, 51), 2022: (53, 54)},
}

# Monthly denominator per employee (percent indicators); the national denominator is this times NATIONAL_SCALE.
PER_EMPLOYEE = {
    "B.14": 1.2, "B.15": 2.0, "B.16": 0.6, "B.25": 0.5, "B.26": 0.35, "B.45": 1.0, "B.46": 0.7, "B.47": 1.0,
    "B.48": 0.7, "B.49": 2.2, "B.77": 0.25, "B.UNG": 0.8, "B.INNV": 0.6, "B.LTA": 1.2,
}
# Arbeidssøker-based denominators grew with the permitteringer in 2020.
_JOBSEEKER = {"B.15", "B.25", "B.UNG", "B.INNV", "B.LTA"}
_YEAR_VOLUME = {2019: 1.0, 2020: 1.6, 2021: 1.3, 2022: 0.9}
_OUTFLOW = {"B.15", "B.16", "B.25", "B.26", "B.31", "B.32", "B.33", "B.77", "B.UNG", "B.INNV"}
_ACTIVITY = {"B.45", "B.46", "B.49", "B.LTA"}

# Seasonal pattern in percentage points (Jan..Nov; December is set by the calibration).
_SEASON_PP = {
    "B.14": (3, 3, 2, 1, 0, -1, -4, -2, 1, 2, 1),
    "default": (-2, -1, 0, 1, 2, 1, -2, -1, 1, 1, 0),
}
# Pandemic: 2020 drop from March, 2021 recovery through the spring (percentage points; relative for counts).
_COVID_PP = {
    2020: (0, 0, -4, -12, -10, -6, -3, -2, -1, 0, 0),
    2021: (-3, -3, -2, 0, 1, 1, 1, 1, 1, 1, 1),
}
_COVID_REL = {
    2020: (0, 0, -0.15, -0.55, -0.45, -0.25, -0.1, -0.05, 0, 0, 0),
    2021: (-0.15, -0.12, -0.08, -0.03, 0, 0.02, 0.03, 0.05, 0.06, 0.06, 0.05),
}


def _rng(*keys: object) -> np.random.Generator:
    """A generator for one named series: stable across runs and independent of every other series."""
    key = zlib.crc32("|".join(str(k) for k in keys).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([SEED, key]))


def _shape_pp(ind: str, year: int) -> np.ndarray:
    base = np.array(_SEASON_PP.get(ind, _SEASON_PP["default"]), dtype=float)
    if year in _COVID_PP:
        weight = 1.0 if ind in _OUTFLOW else 0.5 if ind in _ACTIVITY else 0.2
        base = base + weight * np.array(_COVID_PP[year], dtype=float)
    return base


def _national_percent(ind: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Monthly (teller, nevner) for Norge whose December share and Jan-Dec ratio hit MK_LEVELS."""
    target_ytd, target_dec = MK_LEVELS[ind][year]
    rng = _rng("norge", ind, year)
    volume = _YEAR_VOLUME[year] if ind in _JOBSEEKER else 1.0
    season_n = 1 + 0.08 * np.sin(np.arange(12) / 12 * 2 * np.pi)
    nevner = np.rint(PER_EMPLOYEE[ind] * NATIONAL_SCALE * volume * season_n * rng.normal(1, 0.03, 12))
    rate = np.empty(12)
    rate[:11] = target_ytd + _shape_pp(ind, year) + rng.normal(0, 0.4, 11)
    rate[11] = target_dec + rng.uniform(-0.08, 0.08)
    # Shift January-November so the year's ratio lands on the target; December stays where the målekort says.
    shift = (target_ytd * nevner.sum() - rate @ nevner) / nevner[:11].sum()
    rate[:11] += shift
    teller = np.rint(rate * nevner / 100)
    _check(ind, year, 100 * teller[11] / nevner[11], target_dec)
    _check(ind, year, 100 * teller.sum() / nevner.sum(), target_ytd)
    if not ((teller >= 0) & (teller <= nevner)).all():
        raise ValueError(f"{ind} {year}: share outside 0-100")
    return teller.astype(np.int64), nevner.astype(np.int64)


def _national_count(ind: str, year: int) -> np.ndarray:
    """Monthly counts for Norge: December equals the målekort, the mean of the 12 months equals hittil i år."""
    target_mean, target_dec = MK_LEVELS[ind][year]
    rng = _rng("norge", ind, year)
    rel = np.array(_SEASON_PP["default"], dtype=float) / 40 + rng.normal(0, 0.02, 11)
    if year in _COVID_REL:
        rel = rel + np.array(_COVID_REL[year])
    rest = target_mean * 12 - target_dec
    months = (1 + rel) / (1 + rel).sum() * rest
    values = np.floor(months)
    values[: int(round(rest - values.sum()))] += 1  # hand out the rounding remainder so the sum is exact
    out = np.append(values, target_dec).astype(np.int64)
    _check(ind, year, float(out.mean()), target_mean)
    return out


def _check(ind: str, year: int, got: float, want: float) -> None:
    # ±0.2 keeps rounding to the whole number shown in the målekort safe.
    if abs(got - want) > 0.2:
        raise ValueError(f"calibration failed for {ind} {year}: {got:.3f} vs {want}")


# ---------------------------------------------------------------------------------------------------------
# Planted changes (documented in the README so the SPC page can be checked against them)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    enhet: str
    indikator: str
    fra: str  # first month (YYYY-MM) with the new level
    endring: float  # percentage points
    tekst: str


SHIFTS = (
    Shift("0312", "B.47", "2021-04", 14.0,
          "NAV Frogner: unge med situasjonsbestemt innsatsbehov som har hatt dialog siste 30 dager øker med "
          "om lag 14 prosentpoeng fra april 2021 (eget ungdomsteam, se prioriteringer.csv)."),
    Shift("1149", "B.14", "2021-06", 11.0,
          "NAV Karmøy-Bokn: gradert sykmelding ved 12 uker øker med om lag 11 prosentpoeng fra juni 2021."),
    Shift("4100", "N.SKLTID", "2021-09", 22.0,
          "NAV Kontaktsenter: serviceklager besvart innen tre uker går fra om lag 72 % til om lag 94 % fra "
          "september 2021."),
    Shift("1103", "B.77", "2022-03", -12.0,
          "NAV Stavanger: AAP-mottakere i arbeid eller tiltak ved 26 uker faller med om lag 12 prosentpoeng fra "
          "mars 2022 (forverring)."),
    Shift("1106", "M.SF", "2022-01", 4.0,
          "NAV Haugesund-Utsira: sykefraværet øker med om lag 4 prosentpoeng fra januar 2022 (forverring)."),
    Shift("0319", "B.45", "2022-06", -12.0,
          "NAV Søndre Nordstrand: unge med situasjonsbestemt innsatsbehov i arbeidsrettet aktivitet faller med "
          "om lag 12 prosentpoeng fra juni 2022 (forverring)."),
)


# Recorded change points: the pandemic's dip and the return to normal, for every unit, on the indicators whose
# level it moved (the outflow indicators carry the full _COVID_PP/_COVID_REL shape, the activity indicators half of
# it). Without them the 36-month window of December 2022 still holds the 2020 dip, and 2022 reads as improvement.
CHANGE_POINTS = tuple(
    (ind, "", period, reason)
    for ind in sorted(_OUTFLOW | _ACTIVITY)
    for period, reason in (
        ("2020-03", "Koronapandemien: nedstengning og permitteringer fra mars 2020"),
        ("2021-04", "Gjenåpning etter koronapandemien: overgangen til arbeid på vanlig nivå igjen fra april 2021"),
    )
)


def _shift_pp(enhet: str, ind: str, months: Sequence[str]) -> np.ndarray:
    out = np.zeros(len(months))
    for s in SHIFTS:
        if s.enhet == enhet and s.indikator == ind:
            out += np.array([s.endring if m >= s.fra else 0.0 for m in months])
    return out


# ---------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------

Row = tuple[str, str, str, int | None, int | None, int | None]


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _ratio_rows(enhet: str, ind: str, periods: Iterable[str], teller: Iterable[int],
                nevner: Iterable[int]) -> list[Row]:
    # A period with no cases has no share; leaving the row out is what "missing" means in this file.
    return [(enhet, ind, p, int(t), int(n), None) for p, t, n in zip(periods, teller, nevner, strict=True) if n > 0]


def _binomial(rng: np.random.Generator, nevner: np.ndarray, pct: np.ndarray) -> np.ndarray:
    return rng.binomial(nevner.astype(np.int64), np.clip(pct, 0.5, 99.5) / 100)


def _office_rows(u: Unit, all_units: Sequence[Unit], national: dict) -> list[Row]:
    rows: list[Row] = []
    years = _active_years(u)
    months = [m for y in years for m in _months(y)]
    size = np.repeat([_size(u, y, all_units) for y in years], 12)
    # Percent indicators: the office follows the national month-by-month pattern plus its own level, a slow
    # local drift and binomial noise from its own denominator (so small offices jump around much more).
    for ind in PER_EMPLOYEE:
        rng = _rng(u.enhet, ind)
        effect = rng.normal(0, 3.5)
        drift = np.zeros(len(months))
        for i in range(1, len(months)):
            drift[i] = 0.6 * drift[i - 1] + rng.normal(0, 0.9)
        nat_t = np.concatenate([national[ind][y][0] for y in years])
        nat_n = np.concatenate([national[ind][y][1] for y in years])
        pct = 100 * nat_t / nat_n + effect + drift + _shift_pp(u.enhet, ind, months)
        volume = nat_n / NATIONAL_SCALE
        nevner = rng.poisson(volume * size)
        rows += _ratio_rows(u.enhet, ind, months, _binomial(rng, nevner, pct), nevner)
    # Fått jobben: B.31 is the sum of the two innsatsbehov groups and everyone else, as in the real statistics.
    per_emp = {ind: np.concatenate([national[ind][y] for y in years]) / NATIONAL_SCALE for ind in MK_COUNTS}
    rng = _rng(u.enhet, "fått jobben")
    level = np.exp(rng.normal(0, 0.15, 3))
    c32 = rng.poisson(per_emp["B.32"] * size * level[0])
    c33 = rng.poisson(per_emp["B.33"] * size * level[1])
    other = rng.poisson(np.maximum(per_emp["B.31"] - per_emp["B.32"] - per_emp["B.33"], 0) * size * level[2])
    for ind, counts in (("B.31", c32 + c33 + other), ("B.32", c32), ("B.33", c33)):
        rows += [(u.enhet, ind, m, None, None, int(v)) for m, v in zip(months, counts, strict=True)]
    rows += _context_rows(u.enhet, months, size, national)
    rows += _staff_rows(u, years, months, size)
    rows += _complaint_rows(u.enhet, months, size, 0.018, national_scale=False)
    rows += _satisfaction_rows(u.enhet, years, size)
    rows += _quality_rows(u.enhet, years, np.maximum(3, size * 0.25))
    return rows


def _context_rows(enhet: str, months: Sequence[str], size: np.ndarray, national: dict) -> list[Row]:
    rng = _rng(enhet, "kontekst")
    rows: list[Row] = []
    for ind in ("K.ARBS", "K.NEDS"):
        nat = np.concatenate([national[ind][int(m[:4])] for m in months[::12]])
        level = np.exp(rng.normal(0, 0.2))
        values = rng.poisson(nat / NATIONAL_SCALE * size * level)
        rows += [(enhet, ind, m, None, None, int(v)) for m, v in zip(months, values, strict=True)]
    return rows


def _national_context(year: int) -> dict[str, np.ndarray]:
    """Stocks at month end for Norge: the arbeidssøker count jumps with the permitteringer in March 2020."""
    rng = _rng("norge", "kontekst", year)
    season = 1 + 0.06 * np.cos((np.arange(12) - 0.5) / 12 * 2 * np.pi)
    covid = {
        2019: np.ones(12),
        2020: np.array([1, 1, 3.6, 4.1, 3.3, 2.6, 2.3, 2.0, 1.8, 1.7, 1.7, 1.8]),
        2021: np.array([1.9, 1.9, 1.8, 1.6, 1.4, 1.25, 1.15, 1.05, 0.98, 0.92, 0.9, 0.92]),
        2022: np.array([0.92, 0.9, 0.86, 0.82, 0.78, 0.75, 0.76, 0.74, 0.72, 0.72, 0.74, 0.78]),
    }[year]
    arbs = np.rint(105_000 * season * covid * rng.normal(1, 0.01, 12))
    neds = np.rint(np.linspace(1, 1.02, 12) * {2019: 205_000, 2020: 198_000, 2021: 196_000, 2022: 201_000}[year])
    return {"K.ARBS": arbs.astype(np.int64), "K.NEDS": neds.astype(np.int64)}


_SF_SEASON = np.array([1.3, 1.25, 1.1, 1.0, 0.9, 0.85, 0.6, 0.8, 1.0, 1.05, 1.1, 1.2])
_SF_YEAR = {2019: 1.0, 2020: 0.95, 2021: 0.98, 2022: 1.15}  # 2022: the omikron winter


def _staff_rows(u: Unit, years: Sequence[int], months: Sequence[str], size: np.ndarray) -> list[Row]:
    """Sykefravær (monthly) and nyrekrutterte med nedsatt funksjonsevne/hull i CV (yearly)."""
    rng = _rng(u.enhet, "personal")
    rows: list[Row] = []
    workdays = np.tile([21, 20, 21, 20, 20, 21, 22, 22, 21, 21, 21, 19], len(years))
    people = np.rint(size).astype(np.int64)
    nevner = np.rint(people * workdays * 0.93).astype(np.int64)
    yearly = np.repeat([_SF_YEAR[y] for y in years], 12)
    base = rng.normal(1.0, 0.15)
    # Long-term absence comes in whole persons who stay sick for months, so a small office's share moves in
    # whole-person steps and stays up for a while instead of flickering from month to month.
    recovery = 0.3
    stationary = np.clip(0.032 * base * yearly, 0, 0.5)
    onset = stationary * recovery / (1 - stationary)
    sick = np.zeros(len(months), dtype=np.int64)
    current = int(rng.binomial(people[0], stationary[0]))
    for i in range(len(months)):
        current = min(current - int(rng.binomial(current, recovery))
                      + int(rng.binomial(max(people[i] - current, 0), onset[i])), int(people[i]))
        sick[i] = current
    long_term = sick * workdays * 0.93
    short_pct = 2.6 * base * _SF_SEASON[np.arange(len(months)) % 12] * yearly + _shift_pp(u.enhet, "M.SF", months)
    short = rng.binomial(nevner, np.clip(short_pct, 0, 100) / 100)
    teller = np.minimum(np.rint(long_term).astype(np.int64) + short, nevner)
    rows += _ratio_rows(u.enhet, "M.SF", months, teller, nevner)
    hires = rng.binomial(np.rint(size[::12]).astype(np.int64), 0.10)
    share = np.array([{2019: 4.2, 2020: 4.8, 2021: 5.6, 2022: 5.4}[y] for y in years])
    rows += _ratio_rows(u.enhet, "M.INK", [str(y) for y in years], _binomial(rng, hires, share), hires)
    return rows


def _complaint_rows(enhet: str, months: Sequence[str], size: np.ndarray, per_employee: float,
                    *, national_scale: bool) -> list[Row]:
    rng = _rng(enhet, "serviceklager")
    season = 1 + 0.15 * np.cos(np.arange(len(months)) / 12 * 2 * np.pi)
    received = rng.poisson(size * per_employee * season)
    level = 84.0 if national_scale else 84 + rng.normal(0, 5)
    if enhet == "4100":
        level = 72.0  # the Kontaktsenter starts low so the planted improvement lands near 94 %
    pct = level + _shift_pp(enhet, "N.SKLTID", months)
    rows: list[Row] = [(enhet, "N.SKL", m, None, None, int(v)) for m, v in zip(months, received, strict=True)]
    rows += _ratio_rows(enhet, "N.SKLTID", months, _binomial(rng, received, pct), received)
    return rows


def _tertials(years: Iterable[int], quality: bool = False) -> list[str]:
    # Kvalitetsmålinger: from 2021 only T1 and T3, as the 2018 report recommends (seed 000:904).
    return [f"{y}-T{t}" for y in years for t in (1, 2, 3) if not (quality and y >= 2021 and t == 2)]


def _satisfaction_rows(enhet: str, years: Sequence[int], size: np.ndarray | float,
                       level: float = 77.0) -> list[Row]:
    rng = _rng(enhet, "tilfredshet")
    periods = _tertials(years)
    n = np.size(periods)
    year_effect = np.array([{2019: 1.5, 2020: -1.5, 2021: 0.0, 2022: 0.8}[int(p[:4])] for p in periods])
    sizes = np.repeat(np.atleast_1d(size)[::12], 3) if np.ndim(size) else np.full(n, size)
    nevner = rng.poisson(sizes * 0.4)
    pct = level + rng.normal(0, 4) + year_effect + rng.normal(0, 1, n)
    return _ratio_rows(enhet, "N.TILFR", periods, _binomial(rng, nevner, pct), nevner)


def _quality_rows(enhet: str, years: Sequence[int], sample: np.ndarray | float) -> list[Row]:
    rng = _rng(enhet, "kvalitetsmaaling")
    periods = _tertials(years, quality=True)
    per_year = {y: sum(p.startswith(str(y)) for p in periods) for y in years}
    if np.ndim(sample):
        sizes = np.concatenate([np.full(per_year[y], np.atleast_1d(sample)[12 * i]) for i, y in enumerate(years)])
    else:
        sizes = np.full(len(periods), sample)
    nevner = rng.poisson(sizes)
    unit_effect = rng.normal(0, 3)
    rows: list[Row] = []
    for ind, _navn, _desc, share in KVALITET:
        pct = 100 * share + unit_effect + rng.normal(0, 1.5, len(periods))
        rows += _ratio_rows(enhet, ind, periods, _binomial(rng, nevner, pct), nevner)
    return rows


def _special_rows(u: Unit) -> list[Row]:
    years = _active_years(u)
    months = [m for y in years for m in _months(y)]
    size = np.full(len(months), float(u.ansatte))
    rows = _staff_rows(u, years, months, size)
    # The Kontaktsenter and the ytelseslinje meet far more users per employee than a hjelpemiddelsentral.
    per_employee = {"4100": 0.04, "4400": 0.02, "4800": 0.02, "4200": 0.01}.get(u.enhet, 0.008)
    rows += _complaint_rows(u.enhet, months, size, per_employee, national_scale=False)
    if u.enhet in ("4400", "4800"):
        rows += _quality_rows(u.enhet, years, 150.0)
    return rows


def _national_rows(national: dict) -> list[Row]:
    rows: list[Row] = []
    for ind in PER_EMPLOYEE:
        for y in YEARS:
            teller, nevner = national[ind][y]
            rows += _ratio_rows("0000", ind, _months(y), teller, nevner)
    for ind in MK_COUNTS:
        for y in YEARS:
            rows += [("0000", ind, m, None, None, int(v)) for m, v in zip(_months(y), national[ind][y], strict=True)]
    for ind in ("K.ARBS", "K.NEDS"):
        for y in YEARS:
            rows += [("0000", ind, m, None, None, int(v)) for m, v in zip(_months(y), national[ind][y], strict=True)]
    for ind, _omr, _st, _krav, values in SBT:
        rows += [("0000", ind, m, None, None, v) for m, v in zip(SBT_MONTHS, values, strict=True) if v is not None]
    months = [m for y in YEARS for m in _months(y)]
    national_unit = Unit("0000", "Norge", "land", ansatte=22_000)
    rows += _staff_rows(national_unit, YEARS, months, np.full(len(months), 22_000.0))
    rows += _complaint_rows("0000", months, np.full(len(months), 22_000.0), 0.06, national_scale=True)
    rows += _satisfaction_rows("0000", YEARS, 30_000.0)
    rows += _quality_rows("0000", YEARS, 3_500.0)
    rng = _rng("norge", "tillit")
    respondents = rng.poisson(5_800, len(YEARS))
    trust = np.rint(respondents * np.array([73.4, 69.2, 71.0, 72.1]) / 100).astype(np.int64)
    rows += _ratio_rows("0000", "N.TILLIT", [str(y) for y in YEARS], trust, respondents)
    # Klagesaker: the dagpenger volume doubled with the permitteringer; dagpenger omgjøring stays above 50 %.
    periods = _tertials(YEARS)
    surge = np.array([1.0, 1.0, 1.0, 1.2, 2.3, 2.0, 1.6, 1.3, 1.1, 1.0, 0.95, 0.95])
    for ind, _omr, share, per_tertial in OMGJORING:
        rng = _rng("norge", ind)
        volume = surge if ind == "N.OMGDP" else np.ones(len(periods))
        nevner = rng.poisson(per_tertial * volume)
        pct = 100 * share + rng.normal(0, 1.0 if ind != "N.OMGDP" else 0.7, len(periods))
        if ind == "N.OMGDP":
            pct = np.maximum(pct, 50.6)
        teller = _binomial(rng, nevner, pct)
        rows += _ratio_rows("0000", ind, periods, teller, nevner)
        if ind == "N.OMGDP":
            new_info = _binomial(rng, teller, 53.8 + rng.normal(0, 1.2, len(periods)))
            rows += _ratio_rows("0000", "N.OMGNYDP", periods, new_info, teller)
    return rows


def _national_series() -> dict:
    national: dict = {}
    for ind in PER_EMPLOYEE:
        national[ind] = {y: _national_percent(ind, y) for y in YEARS}
    for ind in MK_COUNTS:
        national[ind] = {y: _national_count(ind, y) for y in YEARS}
    for y in YEARS:
        if (national["B.31"][y] < national["B.32"][y] + national["B.33"][y]).any():
            raise ValueError(f"B.31 < B.32 + B.33 in {y}")
        for ind, series in _national_context(y).items():
            national.setdefault(ind, {})[y] = series
    return national


def values(all_units: Sequence[Unit]) -> list[Row]:
    national = _national_series()
    rows = _national_rows(national)
    for u in all_units:
        if u.type == "kontor":
            rows += _office_rows(u, all_units, national)
        elif u.type in ("spesialenhet", "styringsenhet"):
            rows += _special_rows(u)
    rows += _local_rows()
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


# ---------------------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------------------

TargetRowT = tuple[str, str, int, str, str, str, str, str, str]

# Mål- og disponeringsbrev 2021/2022 (seed 003:1804-1816, 2395-2415) mapped to målekort IDs. "Fordelt på
# innsatsbehov" becomes one row per split the målekort has; "Antall formidlinger" is "Fått jobben".
_LETTER_2021 = ("B.15", "B.16", "B.25", "B.26", "B.31", "B.32", "B.33", "B.14", "B.77", "B.49", "B.45", "B.46",
                "B.47", "B.48")
_LETTER_2022 = (*_LETTER_2021, "B.UNG", "B.INNV", "B.LTA")


def targets() -> list[TargetRowT]:
    rows: list[TargetRowT] = []
    for ind in _LETTER_2021:
        rows.append((ind, "0000", 2021, "retning_mot_niva", "", "2019", "direktorat", "ja",
                     "Skal bevege seg i retning 2019-nivået"))
    for ind in _LETTER_2022:
        rows.append((ind, "0000", 2022, "oke_fra_fjoraret", "", "2021", "direktorat", "ja",
                     "Skal øke sammenlignet med 2021"))
    for year in (2021, 2022):
        # The letter's sykefravær limit is a shared guideline: each unit sets its own goal.
        # The letter words both strictly: "< 6,1 %" and "> 5,0 %" (003:1815-1816, 2410-2411).
        rows.append(("M.SF", "0000", year, "under", "6.1", "", "direktorat", "nei",
                     "Under 6,1 % (felles føring; den enkelte enhet setter sitt sykefraværsmål)"))
        rows.append(("M.INK", "0000", year, "over", "5.0", "", "direktorat", "ja",
                     "Over 5,0 % (inkluderingsdugnadens mål)"))
    for ind, _omr, stonad, krav, _vals in SBT:
        rows.append((ind, "0000", 2012, "minst", f"{krav:.1f}", "", "direktorat", "ja",
                     f"Minst {krav} % av sakene innenfor saksbehandlingstiden ({stonad.lower()})"))
    rows += [
        ("M.SF", "0312", 2021, "hoyst", "5.5", "", "kontor", "ja", "Høyst 5,5 % (NAV Frogners eget mål)"),
        ("M.SF", "0312", 2022, "hoyst", "5.5", "", "kontor", "ja", "Høyst 5,5 % (NAV Frogners eget mål)"),
        ("M.SF", "1103", 2021, "hoyst", "6.0", "", "kontor", "ja", "Høyst 6,0 % (NAV Stavangers eget mål)"),
        ("M.SF", "1103", 2022, "hoyst", "5.8", "", "kontor", "ja", "Høyst 5,8 % (NAV Stavangers eget mål)"),
        ("M.SF", "1106", 2022, "hoyst", "6.5", "", "kontor", "ja", "Høyst 6,5 % (NAV Haugesund-Utsiras eget mål)"),
        ("M.SF", "1149", 2022, "hoyst", "5.0", "", "kontor", "ja", "Høyst 5,0 % (NAV Karmøy-Bokns eget mål)"),
        ("M.SF", "4100", 2022, "hoyst", "7.0", "", "kontor", "ja", "Høyst 7,0 % (NAV Kontaktsenters eget mål)"),
        ("B.45", "1100", 2022, "minst", "78.0", "", "fylke", "ja",
         "Minst 78 % (NAV Rogaland: unge med situasjonsbestemt innsatsbehov i arbeidsrettet aktivitet)"),
        ("B.LTA", "1100", 2022, "minst", "50.0", "", "fylke", "ja",
         "Minst 50 % av langtids arbeidssøkere i arbeidsrettet aktivitet (NAV Rogaland)"),
        ("B.48", "0300", 2021, "minst", "60.0", "", "fylke", "ja",
         "Minst 60 % av unge med spesielt tilpasset innsatsbehov skal ha hatt dialog siste 30 dager (NAV Oslo)"),
        ("M.SF", "0300", 2022, "skal_reduseres", "", "2021", "fylke", "nei",
         "Skal reduseres sammenlignet med 2021 (NAV Oslo)"),
        ("B.UNG", "1106", 2022, "minst", "60.0", "", "partnerskap", "nei",
         "Minst 60 % av unge under 30 år skal gå over til arbeid (avtalt i partnerskapet med Haugesund kommune)"),
    ]
    return rows


# ---------------------------------------------------------------------------------------------------------
# Employee survey
# ---------------------------------------------------------------------------------------------------------

SURVEY = "Opplevelseskartlegging mål- og resultatstyring"

# (tema, spørsmål, base on the latent agreement scale, sensitivity to involvement-type adjustments)
QUESTIONS = (
    ("Kjennskap til mål og sammenheng", "Jeg kjenner NAVs overordnede mål (samfunnsoppdraget)", 2.3, "kjennskap"),
    ("Kjennskap til mål og sammenheng", "Jeg kjenner målene for min enhet", 2.0, "kjennskap"),
    ("Kjennskap til mål og sammenheng", "Jeg ser sammenhengen mellom målene for min enhet og NAVs overordnede mål",
     1.5, "kjennskap"),
    ("Måloppnåelse og relevans", "Min enhet når sine mål", 1.3, "kjennskap"),
    ("Måloppnåelse og relevans", "Min enhet blir målt på det som er relevant", 0.8, "kjennskap"),
    ("Involvering", "Jeg blir involvert når målene for min enhet utarbeides", -0.6, "involvering"),
    ("Involvering", "Jeg blir involvert når resultatene for min enhet evalueres", 0.0, "involvering"),
    ("Læring", "Resultatene brukes til læring og forbedring i min enhet", 0.7, "laering"),
    ("Måling og arbeidsmiljø", "Målinger og rapportering påvirker arbeidsmiljøet i min enhet negativt", 0.35,
     "belastning"),
    ("Måling og arbeidsmiljø", "For mye tid går med til telling og rapportering", 0.6, "belastning"),
    ("Læringsmuligheter", "Jobben min gir meg muligheter til å lære nye ting", 1.2, "arbeidsmiljo"),
    ("Medvirkning", "Jeg har innflytelse på beslutninger som angår arbeidet mitt", 0.6, "involvering"),
    ("Egenkontroll", "Jeg kan selv bestemme hvordan jeg legger opp arbeidet mitt", 0.9, "arbeidsmiljo"),
    ("Kompetanseutvikling", "Jeg får den kompetanseutviklingen jeg trenger i jobben", 0.5, "arbeidsmiljo"),
)
_CUTS = np.array([-2.0, -0.8, 0.4, 1.6])  # ordered-logit thresholds between the five answers
_GROUP_ADJ = {
    "leder": {"kjennskap": 0.8, "involvering": 1.0, "laering": 0.6, "belastning": -0.5, "arbeidsmiljo": 0.4},
    # Tillitsvalgte report fairly good co-determination in local goals (seed 000:721).
    "tillitsvalgt": {"kjennskap": 0.3, "involvering": 0.8, "laering": 0.1, "belastning": 0.1, "arbeidsmiljo": 0.0},
    "medarbeider": {},
}
_ROUND_ADJ = {"2017": {}, "2019": {"involvering": 0.2, "laering": 0.15, "belastning": -0.1}}
# Employees in NAV Arbeid og ytelser and NAV Kontaktsenter felt the strongest negative effect of measurement.
_UNIT_BURDEN = {"4100": 0.6, "4400": 0.5, "4800": 0.3, "4703": -0.4, "4711": -0.4}


def _answer_probs(mu: float) -> np.ndarray:
    cumulative = 1 / (1 + np.exp(-(_CUTS - mu)))
    return np.diff(np.concatenate([[0.0], cumulative, [1.0]]))


SurveyRowT = tuple[str, str, str, str, str, str, str, int]


def survey(all_units: Sequence[Unit]) -> list[SurveyRowT]:
    rows: list[SurveyRowT] = []
    for runde in ("2017", "2019"):
        year = int(runde)
        for u in all_units:
            if u.type not in ("kontor", "spesialenhet", "styringsenhet"):
                continue
            if not (u.fra[:4] <= runde and (not u.til or u.til[:4] >= runde)):
                continue
            # The unit's climate is the same in both rounds; only the answers are drawn anew.
            climate = _rng(u.enhet, "klima").normal(0, 0.3)
            rng = _rng(u.enhet, "undersokelse", runde)
            staff = int(round(_size(u, min(year, 2019), all_units)))
            leaders = max(1, round(staff / 12))
            reps = min(max(1, staff // 35), 8)
            workers = max(staff - leaders - reps, 0)
            for gruppe, headcount, rate in (("leder", leaders, 0.5), ("medarbeider", workers, 0.29),
                                            ("tillitsvalgt", reps, 0.45)):
                answered = int(rng.binomial(headcount, rate))
                if answered == 0:
                    continue
                for tema, sporsmal, base, kind in QUESTIONS:
                    mu = base + climate + _GROUP_ADJ[gruppe].get(kind, 0.0) + _ROUND_ADJ[runde].get(kind, 0.0)
                    if kind == "belastning":
                        mu += _UNIT_BURDEN.get(u.enhet, 0.0) - climate  # a good climate does not hide the burden
                    counts = rng.multinomial(answered, _answer_probs(mu))
                    rows += [(SURVEY, runde, u.enhet, gruppe, sporsmal, tema, str(k + 1), int(c))
                             for k, c in enumerate(counts)]
    return rows


# ---------------------------------------------------------------------------------------------------------
# Local priorities (virksomhetsplan)
# ---------------------------------------------------------------------------------------------------------

PRIORITIES: tuple[tuple[str, int, int, str, str, str], ...] = (
    ("0312", 2021, 1, "Tett oppfølging av unge under 30 år",
     "For få unge med situasjonsbestemt innsatsbehov har hatt kontakt med oss siste 30 dager. Fra april samler vi "
     "ungdomsveilederne i et eget ungdomsteam med faste kontaktdager og oppfølging via aktivitetsplanen.",
     "B.47;B.48;B.45"),
    ("0312", 2021, 2, "Flere arbeidssøkere over i jobb gjennom markedsarbeid",
     "Bydelen har mange ledige stillinger i service og handel. Markedskontaktene skal bruke mer tid ute hos "
     "arbeidsgiverne og matche kandidater fra egen portefølje.", "B.15;B.31"),
    ("0312", 2021, 3, "Raskere avklaring av AAP-mottakere",
     "Vi vil ha færre som går lenge uten aktivitet. Alle nye AAP-mottakere skal ha en aktivitetsplan med "
     "arbeidsrettet aktivitet innen åtte uker.", "B.77;B.16"),
    ("0312", 2021, 4, "Et godt og inkluderende arbeidsmiljø",
     "Sykefraværet økte under pandemien. Vi prioriterer medvirkning, kollegaveiledning og tilrettelegging, og "
     "rekrutterer bredt i tråd med inkluderingsdugnaden.", "M.SF;M.INK"),
    ("0312", 2022, 1, "Videreføre ungdomssatsingen",
     "Ungdomsteamet ga tydelig bedre kontakt med de unge i 2021. Nå skal flere av dem over i arbeidsrettet "
     "aktivitet og jobb.", "B.47;B.49;B.UNG"),
    ("0312", 2022, 2, "Innvandrere utenfor EØS nærmere arbeidslivet",
     "Vi samarbeider med bydelens introduksjonsprogram og voksenopplæringen om språkpraksis kombinert med "
     "arbeidstrening hos lokale arbeidsgivere.", "B.INNV;B.25"),
    ("0312", 2022, 3, "Langtids arbeidssøkere i aktivitet",
     "Gjennomgang av alle som har vært arbeidssøkere i mer enn ett år, med ny vurdering av innsatsbehov og tiltak.",
     "B.LTA;B.15"),
    ("1103", 2021, 1, "Gradert sykmelding som hovedregel",
     "Sammen med fastleger og arbeidsgivere i regionen skal vi gjøre gradert sykmelding til førstevalget, særlig i "
     "bygg og anlegg og helse.", "B.14"),
    ("1103", 2021, 2, "Flere i jobb etter tiltak",
     "Vi bruker mer arbeidstrening og lønnstilskudd i ordinære virksomheter og følger opp deltakerne tettere mot "
     "slutten av tiltaket.", "B.25;B.26"),
    ("1103", 2021, 3, "Øytilbudet etter sammenslåingen",
     "Brukerne på Finnøy og Rennesøy skal ha samme tilbud som i resten av kommunen. Vi har faste dager i Judaberg "
     "og Vikevåg og et eget øyteam.", "B.45;B.47"),
    ("1103", 2022, 1, "Bedre overgang til arbeid for unge",
     "Vi samarbeider med videregående skoler og oppfølgingstjenesten for å fange opp unge som står utenfor.",
     "B.UNG;B.45;B.46"),
    ("1103", 2022, 2, "Tettere oppfølging av AAP-mottakere",
     "Andelen AAP-mottakere i arbeid eller tiltak ved 26 uker har falt. Vi går gjennom porteføljen og prioriterer "
     "tidlig avklaring og arbeidsrettede tiltak.", "B.77;B.16"),
    ("1103", 2022, 3, "Flere formidlinger gjennom arbeidsgiversamarbeid",
     "Vi inngår flere samarbeidsavtaler med store arbeidsgivere i Stavanger-regionen.", "B.31;B.32;B.33"),
    ("1103", 2022, 4, "Nærvær og arbeidsmiljø", "Vi følger opp sykefraværet tett og bruker medarbeiderundersøkelsen "
     "aktivt i arbeidsmiljøarbeidet.", "M.SF"),
    ("1106", 2021, 1, "Ungdomsgaranti i Haugesund og på Utsira",
     "Alle unge under 30 år skal få en veileder og en plan innen to uker etter at de har kommet i kontakt med oss.",
     "B.45;B.46;B.47;B.48"),
    ("1106", 2021, 2, "Flere med nedsatt arbeidsevne i jobb",
     "Vi styrker samarbeidet med tiltaksarrangørene og kommunens helsetjenester.", "B.16;B.26"),
    ("1106", 2021, 3, "Gradert sykmelding i samarbeid med arbeidslivssenteret",
     "Vi kontakter virksomheter med høyt sykefravær tidlig i sykmeldingsperioden.", "B.14"),
    ("1106", 2022, 1, "Unge i arbeid – partnerskapets satsing",
     "Partnerskapet med Haugesund kommune har avtalt at minst 60 % av de unge skal gå over til arbeid.",
     "B.UNG;B.49"),
    ("1106", 2022, 2, "Arbeidsmiljø og sykefravær",
     "Sykefraværet har økt. Vi kartlegger årsakene sammen med verneombud og tillitsvalgte og setter inn tiltak.",
     "M.SF"),
    ("1106", 2022, 3, "Langtidsledige i aktivitet", "Alle som har vært ledige i over ett år skal ha fått et tilbud "
     "om arbeidsrettet aktivitet innen utgangen av året.", "B.LTA"),
    ("1149", 2021, 1, "Gradert sykmelding i samarbeid med fastlegene",
     "Fra juni har vi faste møter med fastlegene på Karmøy og Bokn om bruk av gradert sykmelding.", "B.14"),
    ("1149", 2021, 2, "Flere i jobb fra tiltak", "Tettere kontakt med arbeidsgivere i industri og havbruk.",
     "B.25;B.31"),
    ("1149", 2021, 3, "Unge i aktivitet", "Unge under 30 år skal ha en aktivitetsplan og en fast veileder.",
     "B.49;B.45"),
    ("1149", 2022, 1, "Holde nivået på gradert sykmelding",
     "Arbeidet med fastlegene ga resultater i 2021. Vi viderefører det og deler erfaringene med andre kontor.",
     "B.14"),
    ("1149", 2022, 2, "Flere innvandrere i arbeid", "Vi kombinerer norskopplæring med arbeidspraksis.", "B.INNV"),
    ("1149", 2022, 3, "Lavere sykefravær", "Kontoret har satt seg et eget mål om høyst 5,0 % sykefravær.", "M.SF"),
    ("0319", 2021, 1, "Unge i arbeid og utdanning",
     "Bydelen har mange unge utenfor arbeid og utdanning. Vi samarbeider med skolene og bydelens ungdomstjenester.",
     "B.45;B.46;B.49"),
    ("0319", 2021, 2, "Innvandrere i arbeid", "Vi bruker mer språkpraksis og mentorordninger.", "B.25;B.15"),
    ("0319", 2021, 3, "Økonomisk rådgivning og arbeid",
     "Brukere med sosialhjelp skal få tilbud om arbeidsrettet aktivitet og økonomisk rådgivning.", "B.16"),
    ("0319", 2022, 1, "Tilbake i aktivitet etter pandemien",
     "Andelen unge i aktivitet har falt i sommer. Vi ser på hvorfor og prioriterer dem med lengst tid uten "
     "aktivitet.", "B.45;B.49"),
    ("0319", 2022, 2, "Flere innvandrere utenfor EØS i jobb", "Samarbeid med introduksjonsprogrammet.", "B.INNV"),
    ("0319", 2022, 3, "Dialog med unge", "Alle unge skal ha hatt en samtale med veileder minst hver måned.",
     "B.47;B.48"),
)


# ---------------------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------------------


def readme() -> str:
    shifts = "\n".join(f"- `{s.enhet}` `{s.indikator}` fra {s.fra}: {s.tekst}" for s in SHIFTS)
    return f"""# Demodata for navdash

**Dette er DEMODATA.** Filene er laget av `python -m navdash.demo` (fast frø, ingen klokke) og blir like
byte for byte hver gang. Ikke rediger dem for hånd; endre `navdash/demo.py` og kjør kommandoen på nytt.

## Hva er ekte

- Navnene på NAV Oslo og de 15 bydelskontorene, NAV Rogaland og de nasjonale enhetene. Kommunesammenslåingen
  1.1.2020 (Finnøy og Rennesøy inn i Stavanger, Forsand inn i Sandnes) er ekte.
- De 14 ID-ene og navnene i NAVs målekort for 0000 Norge 2021 (B.14-B.77).
- De nasjonale målekorttallene: verdiene for `0000` er kalibrert slik at desember 2021 og 2020 og hittil i år
  (januar-desember) 2021 og 2020 avrundes til tallene i målekortet. B.31-B.33 hittil i år er snitt per måned.
- Saksbehandlingstid per stønadsområde (`S.*`), nasjonalt, desember 2011 - november 2012. Desember 2012 er
  utelatt fordi kolonnen i kilden er en kopi av november 2012.
- Resultatkravene for 2021 og 2022 slik mål- og disponeringsbrevene formulerer dem, og kravene til
  saksbehandlingstid i 2012 (minst 75 %, dagpenger minst 80 %).

## Hva er oppdiktet

- Alle tall for kontor, fylke og spesialenheter, alle tall for 2019 og 2022, og alle tall for indikatorer
  utenfor målekortet (sykefravær, brukertilfredshet, serviceklager, kvalitetsmålinger, omgjøring, tillit
  utenom 71 % i 2021, kontekst).
- Medarbeiderundersøkelsen (`undersokelse.csv`, rundene 2017 og 2019): bare antall per svaralternativ.
- Lokale resultatkrav (fylke, kontor, partnerskap) og prioriteringene i `prioriteringer.csv`.
- Kontorlisten for Rogaland er så nær virkeligheten vi kom, men forenklet: NAV Stavanger er ett kontor (i
  perioden hadde Stavanger flere NAV-kontor), og NAV Dalane (Eigersund og Bjerkreim), NAV Sokndal og NAV Lund
  står som egne kontor hele perioden. Enhetsnumrene følger mønsteret (03xx Oslo, 11xx Rogaland, 4xxx
  spesialenheter), men er ikke kontrollert mot NAVs register. Antall ansatte er plausibelt (Rogaland om lag
  1000, NAV Haugesund-Utsira 95); `ansatte` for fylke og land omfatter enhetene under dem.
- Kontorenes klassifiseringer er plausible, ikke hentet fra SSB eller NAV: `storrelse` er regnet ut fra `ansatte`
  (liten under 20, mellomstor 20–79, stor fra 80), `sentralitet` er SSB-klassen (1–6) vi antar for kontorets
  (hoved)kommune (alle bydelene i Oslo er 1), og `brukersammensetning` er et grovt trekk ved brukerne.
- Små grupper i undersøkelsen (under 5 svar, og tillitsvalgtgruppen) er med vilje, for å teste anonymiteten.

Fylkene har ingen egne verdier; de regnes ut fra kontorene. `0000` Norge har egne, nasjonale tall.
Indikatorer med ID-er som `B.UNG`, `M.SF`, `S.DP`, `N.SKL` og `K.ARBS` (bokstaver etter punktumet) er våre
egne; ekte målekort-ID-er har tall etter punktumet. Kvalitetsmålingene er per tertial, fra 2021 bare i
1. og 3. tertial.

`endringspunkter.csv` registrerer koronapandemien (mars 2020) og gjenåpningen (april 2021) for alle enheter på
indikatorene for overgang til arbeid og for arbeidsrettet aktivitet (B.45, B.46, B.49, B.LTA), slik at
kontrollgrensene regnes på nytt fra disse månedene.

## Innlagte endringer (til kontroll av SPC-siden)

{shifts}
"""


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])


def _personal_text(i: Indicator) -> str:
    """Written out for every indicator, so the demo catalogue shows the choice instead of leaving it to a default."""
    from navdash.schemas import personal_by_default

    if i.personopplysning:
        return i.personopplysning
    return "ja" if personal_by_default(i.perspektiv) else "nei"


def write_demo_csvs(out_dir: Path) -> dict[str, Path]:
    """Write the demo CSV files and README.md into `out_dir`; return {name: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    all_units = units()
    paths = {name: out_dir / f"{name}.csv" for name in FILES}
    _write(paths["enheter"],
           ("enhet", "navn", "type", "overordnet", "sammenligningsgruppe", "ansatte", "gyldig_fra", "gyldig_til",
            "erstattet_av", "storrelse", "brukersammensetning", "sentralitet"),
           ((u.enhet, u.navn, u.type, u.overordnet, u.gruppe, u.ansatte, u.fra, u.til, u.erstattet_av, u.storrelse,
             u.brukersammensetning, u.sentralitet) for u in all_units))
    _write(paths["indikatorer"],
           ("indikator", "navn", "beskrivelse", "perspektiv", "resultatkjede", "rolle", "maaleenhet", "polaritet",
            "aggregering", "kilde", "lenke", "lokal", "personopplysning"),
           ((i.indikator, i.navn, i.beskrivelse, i.perspektiv, i.resultatkjede, i.rolle, i.maaleenhet, i.polaritet,
             i.aggregering, i.kilde, i.lenke, i.lokal, _personal_text(i)) for i in indicators()))
    _write(paths["verdier"], ("enhet", "indikator", "periode", "teller", "nevner", "verdi"), values(all_units))
    _write(paths["resultatkrav"],
           ("indikator", "enhet", "aar", "kravtype", "terskel", "referanseaar", "fastsatt_av", "absolutt", "tekst"),
           targets())
    _write(paths["undersokelse"],
           ("undersokelse", "runde", "enhet", "gruppe", "sporsmal", "tema", "svaralternativ", "antall"),
           survey(all_units))
    _write(paths["prioriteringer"], ("enhet", "aar", "nr", "tittel", "begrunnelse", "indikatorer"), PRIORITIES)
    _write(paths["endringspunkter"], ("indikator", "enhet", "periode", "begrunnelse"), CHANGE_POINTS)
    paths["README"] = out_dir / "README.md"
    paths["README"].write_text(readme(), encoding="utf-8", newline="\n")
    return paths


# ---------------------------------------------------------------------------------------------------------
# The demo database
# ---------------------------------------------------------------------------------------------------------

DEMO_ORDER = ("enheter", "indikatorer", "verdier", "resultatkrav", "undersokelse", "endringspunkter")


def load_demo(db: Path | None = None, demo_dir: Path | None = None) -> list[ingest.ImportReport]:
    """Build the demo database from the CSV files in data/demo, as one publish."""
    demo_dir = demo_dir or DEMO_DIR
    reports = []
    with store.writing(db, who="demo") as con:
        for kind in DEMO_ORDER:
            report = ingest.import_into(con, kind, demo_dir / f"{kind}.csv", who="demo", today=date(2026, 1, 1))
            if not report.ok:
                raise RuntimeError("demodataene er ugyldige:\n" + report.full_report())
            reports.append(report)
        demo_priorities = priorities.read_csv(con, demo_dir / "prioriteringer.csv")
        store._set_meta(con, "demo", "ja")
    for report in reports:
        report.published = True
        ingest.log_import(db, report, "demo")
    priorities.store_rows(db, demo_priorities, who="demo")
    return reports


def ensure_database(path: Path | None = None) -> bool:
    """The app's first start: the demo database if there is no database yet, else `store.ensure_database` (an
    existing file is brought up to the current schema). Returns True when something was written."""
    path = Path(path) if path else store.db_path()
    if path.exists():
        return store.ensure_database(path)
    load_demo(path)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0]) if args else Path("data/demo")
    paths = write_demo_csvs(out_dir)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
