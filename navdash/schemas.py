"""Pydantic models: the one definition of every record navdash reads from a file.

Field names are the column names of the import files (Norwegian, as analysts write them). Coded values are
stored in a plain ASCII form (`hoy_er_bra`), but the parsers accept what a person types in Excel
(`Høy er bra`, `nøkkelinformasjon`, `82,4`, `ja`). Every message meant for a user is Norwegian bokmål.

Checks that need the database (does the unit exist? is the indicator a percentage?) read a
`ValidationContext` passed as Pydantic's validation context, so one model holds all the rules for a row.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, model_validator

from navdash.periods import Period, PeriodError, parse_period
from navdash.text import safe_link, strip_formula_guard

# ---------------------------------------------------------------------------------------------------------
# Vocabularies: stored code -> Norwegian label
# ---------------------------------------------------------------------------------------------------------

UnitType = Literal["land", "fylke", "kontor", "spesialenhet", "styringsenhet"]
Perspective = Literal["bruker", "produksjon", "medarbeider", "okonomi"]
ChainStep = Literal["innsatsfaktor", "aktivitet", "resultat", "effekt"]
Role = Literal["styringsparameter", "nokkelinformasjon", "kontekst"]
Measure = Literal["prosent", "antall", "dager", "kroner", "skar"]
Polarity = Literal["hoy_er_bra", "lav_er_bra", "noytral"]
Aggregation = Literal["forholdstall", "sum", "snitt_per_periode"]
# "minst"/"hoyst" include the threshold (≥, ≤); "over"/"under" do not (>, <), as the letters word them.
TargetKind = Literal["minst", "hoyst", "over", "under", "oke_fra_fjoraret", "retning_mot_niva", "skal_reduseres"]
SetBy = Literal["direktorat", "fylke", "kontor", "partnerskap"]
SeasonSetting = Literal["auto", "ja", "nei"]

LABELS: dict[str, dict[str, str]] = {
    "type": {
        "land": "Land", "fylke": "Fylke", "kontor": "NAV-kontor",
        "spesialenhet": "Spesialenhet", "styringsenhet": "Styringsenhet",
    },
    "perspektiv": {
        "bruker": "Brukerperspektivet", "produksjon": "Produksjonsperspektivet",
        "medarbeider": "Medarbeiderperspektivet", "okonomi": "Økonomiperspektivet",
    },
    "resultatkjede": {
        "innsatsfaktor": "Innsatsfaktor", "aktivitet": "Aktivitet", "resultat": "Resultat", "effekt": "Effekt",
    },
    "rolle": {
        "styringsparameter": "Styringsparameter", "nokkelinformasjon": "Nøkkelinformasjon",
        "kontekst": "Kontekst",
    },
    "maaleenhet": {"prosent": "prosent", "antall": "antall", "dager": "dager", "kroner": "kroner", "skar": "skår"},
    "polaritet": {"hoy_er_bra": "Høy er bra", "lav_er_bra": "Lav er bra", "noytral": "Nøytral"},
    "aggregering": {
        "forholdstall": "Forholdstall (sum teller / sum nevner)", "sum": "Sum",
        "snitt_per_periode": "Snitt per periode",
    },
    "kravtype": {
        "minst": "Minst", "hoyst": "Høyst", "over": "Over", "under": "Under",
        "oke_fra_fjoraret": "Skal øke fra fjoråret",
        "retning_mot_niva": "I retning av nivået i et referanseår", "skal_reduseres": "Skal reduseres",
    },
    "fastsatt_av": {
        "direktorat": "Direktoratet", "fylke": "Fylket", "kontor": "Kontoret", "partnerskap": "Partnerskapet",
    },
}

_CODE_TRANS = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "é": "e", " ": "_", "-": "_"})


def to_code(text: str) -> str:
    """`Høy er bra` -> `hoy_er_bra`; `Nøkkelinformasjon` -> `nokkelinformasjon`."""
    return re.sub(r"_+", "_", text.strip().lower().translate(_CODE_TRANS)).strip("_")


# ---------------------------------------------------------------------------------------------------------
# Cell parsers (Excel-tolerant), each raising ValueError with a Norwegian message
# ---------------------------------------------------------------------------------------------------------

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


# One separator followed by exactly three digits, after 1-3 digits that do not start with 0: `1,234` and `1.234`
# are a thousand or one-and-a-bit depending on who wrote them, so they are refused rather than guessed.
_AMBIGUOUS = re.compile(r"[-+\u2212]?[1-9]\d{0,2}[.,]\d{3}")
_GROUPED = re.compile(r"[-+\u2212]?\d{1,3}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d+)?")


def is_ambiguous_number(text: str) -> bool:
    """True for `1,234` and `1.234`: text the import refuses because the separator could mean either thing."""
    return _AMBIGUOUS.fullmatch(text.strip()) is not None


def _ambiguous(text: str) -> ValueError:
    return ValueError(
        f"«{text}» er tvetydig: skilletegnet kan være tusenskille eller desimaltegn. Skriv tall uten tusenskille "
        "(1234) eller med mellomrom (1 234), og desimaler med komma og et annet antall sifre (1,2 eller 1,2340)"
    )


def parse_number(value: object) -> float | None:
    """A number as Norwegian Excel writes it: `82,4`, `2 104`, `1.234,5`, `82,4 %`. Blank -> None.

    `1,234` and `1.234` (one separator, three digits after it) are refused as ambiguous; with both separators the
    last one is the decimal separator and the other must group thousands (`1.234,5`, `1,234.5`).
    """
    if type(value) is str and "_" not in value:  # fast path for CSV cells (float() would also accept 1_000)
        if not value or value.isspace():
            return None
        if "." in value and len(value) >= 5 and _AMBIGUOUS.fullmatch(value.strip()):  # float() would take 1.234
            raise _ambiguous(value.strip())
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if not math.isfinite(number):
                raise ValueError(f"«{value}» er ikke et endelig tall")
            return number
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"«{value}» er ikke et tall")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().translate(_SPACES).removesuffix("%")
        if _AMBIGUOUS.fullmatch(text):
            raise _ambiguous(str(value).strip())
        if "," in text and "." in text:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
            group = "." if decimal == "," else ","
            if not _GROUPED.fullmatch(text) or text.count(decimal) != 1 or text.rfind(group) > text.rfind(decimal):
                raise ValueError(f"«{value}» er ikke et tall (uklart hva som er tusenskille og desimaltegn)")
            text = text.replace(group, "").replace(decimal, ".")  # 1.234,5 and 1,234.5 are both 1234.5
        else:
            text = text.replace(",", ".")
        text = text.replace("\u2212", "-")  # typographic minus from copy-paste
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"«{value}» er ikke et tall") from None
    if not math.isfinite(number):
        raise ValueError(f"«{value}» er ikke et endelig tall")
    return number


def parse_int(value: object) -> int | None:
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ValueError(f"«{value}» må være et heltall")
    return int(number)


def parse_date(value: object) -> date | None:
    """`2021-03-01`, `01.03.2021` or an Excel date cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{value}» er ikke en dato; bruk ÅÅÅÅ-MM-DD (2021-03-01) eller DD.MM.ÅÅÅÅ")


_TRUE = {"ja", "j", "true", "sann", "1", "x", "yes"}
_FALSE = {"nei", "n", "false", "usann", "0", "no"}


def parse_bool(value: object) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"«{value}» må være «ja» eller «nei»")


def _text(value: object) -> str | None:
    if is_blank(value):
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # Excel turns 1103 into 1103.0
    return strip_formula_guard(text)  # our exports write '=x for =x, so export -> import changes nothing


def _required_text(value: object) -> str:
    text = _text(value)
    if text is None:
        raise ValueError("mangler verdi")
    return text


def _unit_id(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if text.isdigit() and len(text) < 4:
        text = text.zfill(4)  # Excel strips the leading zero of 0312
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"«{value}» er ikke et enhetsnummer med fire siffer (for eksempel 0312)")
    return text


@functools.lru_cache(maxsize=100_000, typed=True)
def _required_unit_id(value: object) -> str:
    unit = _unit_id(value)
    if unit is None:
        raise ValueError("mangler enhetsnummer")
    return unit


def _link_without_markup(url: str | None) -> str | None:
    """A link is shown behind «Følg med på statistikken»: https only and no characters that end a markdown link or
    an HTML attribute (`https://x/a)![i](https://evil/…)` is refused)."""
    if url is not None and safe_link(url) is None:
        raise ValueError(f"«{url}» kan ikke brukes som lenke: bare https://-adresser uten mellomrom eller tegnene "
                         "( ) [ ] < > { } \" ' ` \\ | ^ ! *")
    return url


_INDICATOR_RE = re.compile(r"^[A-ZÆØÅ][A-ZÆØÅ0-9]{0,5}\.[A-ZÆØÅ0-9]{1,8}$")


@functools.lru_cache(maxsize=100_000, typed=True)
def _indicator_id(value: object) -> str:
    text = _required_text(value).upper()
    if not _INDICATOR_RE.match(text):
        raise ValueError(f"«{value}» er ikke en gyldig indikator-ID (som B.15)")
    return text


def _coded(literal: Any, column: str) -> Any:
    allowed = get_args(literal)
    labels = LABELS.get(column, {})

    def parse(value: object) -> str:
        text = _required_text(value)
        code = to_code(text)
        if code in allowed:
            return code
        for stored, label in labels.items():
            if to_code(label) == code:
                return stored
        shown = ", ".join(allowed)
        raise ValueError(f"«{text}» er ikke gyldig; bruk en av: {shown}")

    return BeforeValidator(parse)


MAX_CLASS_CHARS = 60


def _class_text(value: object) -> str | None:
    """A group a unit belongs to in a classification (storrelse, brukersammensetning): a short name."""
    text = _text(value)
    if text is not None and len(text) > MAX_CLASS_CHARS:
        raise ValueError(f"gruppenavnet er lengre enn {MAX_CLASS_CHARS} tegn")
    return text


def _centrality(value: object) -> str | None:
    """SSB's sentralitetsklasse, 1 (most central) to 6."""
    text = _text(value)
    if text is None:
        return None
    if text.endswith(".0"):
        text = text[:-2]
    if text not in ("1", "2", "3", "4", "5", "6"):
        raise ValueError(f"«{value}» er ikke en sentralitetsklasse; bruk et helt tall fra 1 (mest sentral) til 6 "
                         "(minst sentral), som i SSBs sentralitetsindeks")
    return text


ClassText = Annotated[str | None, BeforeValidator(_class_text)]
Centrality = Annotated[str | None, BeforeValidator(_centrality)]
Number = Annotated[float | None, BeforeValidator(parse_number)]
Int = Annotated[int | None, BeforeValidator(parse_int)]
Text = Annotated[str | None, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_required_text)]
UnitId = Annotated[str, BeforeValidator(_required_unit_id)]
OptUnitId = Annotated[str | None, BeforeValidator(_unit_id)]
IndicatorId = Annotated[str, BeforeValidator(_indicator_id)]
Date = Annotated[date | None, BeforeValidator(parse_date)]
Bool = Annotated[bool | None, BeforeValidator(parse_bool)]


_DATE_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")


@functools.lru_cache(maxsize=100_000, typed=True)
def _period(value: object) -> Period:
    """A month, tertial or year; a date that is the first of a month (an Excel date cell, `01.03.2021`) is that
    month. Any other date is refused: 15.03.2021 is not a reporting period."""
    if isinstance(value, Period):
        return value
    if isinstance(value, date):
        if isinstance(value, datetime) and value.time() != datetime.min.time():
            raise ValueError(f"«{value:%d.%m.%Y %H:%M}» er et tidspunkt, ikke en måned; bruk måned (2021-03)")
        return _month_of_date(value.day, value.month, value.year, f"{value:%d.%m.%Y}")
    text = _required_text(value)
    m = _DATE_RE.fullmatch(text)
    if m:
        day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        return _month_of_date(int(day), int(month), int(year), text)
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def _month_of_date(day: int, month: int, year: int, text: str) -> Period:
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(f"«{text}» er ikke en gyldig dato") from None
    if day != 1:
        raise ValueError(
            f"«{text}» er en dato midt i en måned, ikke en periode; bruk måned (2021-03), eller den første dagen "
            "i måneden hvis datoen står for hele måneden"
        )
    try:
        return parse_period(f"{year}-{month:02d}")
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


PeriodField = Annotated[Period, BeforeValidator(_period)]


def _season(value: object) -> str:
    """`sesong`: blank means `auto`, so a catalogue without the column (or with empty cells) keeps detection on."""
    if is_blank(value):
        return "auto"
    text = to_code(_required_text(value))
    if text not in get_args(SeasonSetting):
        raise ValueError(f"«{value}» er ikke gyldig; bruk en av: {', '.join(get_args(SeasonSetting))}")
    return text


Season = Annotated[SeasonSetting, BeforeValidator(_season)]


def _url(value: object) -> str | None:
    text = _text(value)
    if text is not None and text.lower().startswith("http://"):
        raise ValueError(f"«{text}» er ikke en sikker nettadresse; lenker må begynne med https://")
    if text is not None and not re.match(r"^https://\S+$", text):
        raise ValueError(f"«{text}» er ikke en nettadresse (må begynne med https://)")
    return text


# Before-validators run last-listed first: `_url` reads the cell, then the link rule checks what it returns.
Url = Annotated[str | None, BeforeValidator(_link_without_markup), BeforeValidator(_url)]


# ---------------------------------------------------------------------------------------------------------
# Validation context: what the database already knows
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInfo:
    measure: str
    aggregation: str
    role: str
    name: str = ""


@dataclass
class ValidationContext:
    """Facts a row is checked against. `units` maps enhet -> name; `indicators` maps id -> info."""

    units: Mapping[str, str] = field(default_factory=dict)
    indicators: Mapping[str, IndicatorInfo] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    def unknown_unit(self, unit: str) -> str:
        message = f"ukjent enhet «{unit}»"
        close = difflib.get_close_matches(unit, list(self.units), n=1, cutoff=0.5)
        if close:
            message += f"; mente du {close[0]} ({self.units[close[0]]})?"
        return message

    def unknown_indicator(self, indicator: str) -> str:
        message = f"ukjent indikator «{indicator}»"
        close = difflib.get_close_matches(indicator, list(self.indicators), n=1, cutoff=0.5)
        if close:
            message += f"; mente du {close[0]} ({self.indicators[close[0]].name})?"
        return message

    def unknown_references(self, unit: str, indicators: Iterable[str]) -> list[tuple[str, str]]:
        """(column, problem) for the unit (`enhet`) and each indicator (`indikatorer`) a row names that is not known."""
        problems = [("enhet", self.unknown_unit(unit))] if unit not in self.units else []
        return problems + [("indikatorer", self.unknown_indicator(i)) for i in indicators if i not in self.indicators]


def load_context(con: Any, today: date | None = None) -> ValidationContext:
    """The units and the indicator catalogue of an open analytic connection (a DuckDB connection), for validation."""
    units = dict(con.execute("SELECT unit_id, name FROM units").fetchall())
    indicators = {
        i: IndicatorInfo(measure=m, aggregation=a, role=r, name=n)
        for i, m, a, r, n in con.execute(
            "SELECT indicator_id, measure, aggregation, role, name FROM indicators"
        ).fetchall()
    }
    return ValidationContext(units=units, indicators=indicators, today=today or date.today())


class RowProblems(ValueError):
    """Several problems found in one row by a cross-column check, each tied to a column."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in problems))
        self.problems = problems


def _context(info: ValidationInfo) -> ValidationContext | None:
    ctx = info.context
    if isinstance(ctx, ValidationContext):
        return ctx
    return None


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------------------
# The five import kinds
# ---------------------------------------------------------------------------------------------------------


class UnitRow(_Row):
    """enheter: a unit in the tree. Offices merge; a merged office keeps its rows and points to its successor."""

    enhet: UnitId
    navn: RequiredText
    type: Annotated[UnitType, _coded(UnitType, "type")]
    overordnet: OptUnitId = None
    sammenligningsgruppe: ClassText = None
    ansatte: Int = None
    gyldig_fra: Date = None
    gyldig_til: Date = None
    erstattet_av: OptUnitId = None
    # Further classifications for comparison (navdash.units.CLASSIFICATIONS), each optional.
    storrelse: ClassText = None
    brukersammensetning: ClassText = None
    sentralitet: Centrality = None

    @model_validator(mode="after")
    def _consistent(self) -> UnitRow:
        problems: list[tuple[str, str]] = []
        if self.type == "land" and self.overordnet:
            problems.append(("overordnet", "enheten for hele landet kan ikke ha en overordnet enhet"))
        if self.type != "land" and not self.overordnet:
            problems.append(("overordnet", "mangler overordnet enhet"))
        if self.overordnet == self.enhet:
            problems.append(("overordnet", "en enhet kan ikke være sin egen overordnede"))
        if self.ansatte is not None and self.ansatte < 0:
            problems.append(("ansatte", f"antall ansatte kan ikke være negativt ({self.ansatte})"))
        if self.gyldig_fra and self.gyldig_til and self.gyldig_til < self.gyldig_fra:
            problems.append(("gyldig_til", "gyldig til er før gyldig fra"))
        if self.erstattet_av == self.enhet:
            problems.append(("erstattet_av", "en enhet kan ikke erstatte seg selv"))
        if self.erstattet_av and not self.gyldig_til:
            problems.append(("gyldig_til", "en enhet som er erstattet må ha en gyldig til-dato"))
        if problems:
            raise RowProblems(problems)
        return self


PERSONAL_PERSPECTIVES = ("medarbeider", "bruker")


def personal_by_default(perspective: str) -> bool:
    """Employees' and users' figures are about identifiable people ("0 av 1" tells one user's outcome); production
    and economy figures are about cases and money. A catalogue may say otherwise for any indicator."""
    return perspective in PERSONAL_PERSPECTIVES


class IndicatorRow(_Row):
    """indikatorer: the catalogue. The role decides whether an indicator may carry a target."""

    indikator: IndicatorId
    navn: RequiredText
    beskrivelse: Text = None
    perspektiv: Annotated[Perspective, _coded(Perspective, "perspektiv")]
    resultatkjede: Annotated[ChainStep, _coded(ChainStep, "resultatkjede")]
    rolle: Annotated[Role, _coded(Role, "rolle")]
    maaleenhet: Annotated[Measure, _coded(Measure, "maaleenhet")]
    polaritet: Annotated[Polarity, _coded(Polarity, "polaritet")]
    aggregering: Annotated[Aggregation, _coded(Aggregation, "aggregering")]
    kilde: Text = None
    lenke: Url = None
    lokal: Bool = False  # an office's own statistics: its leader may upload values for it
    # About identifiable people: small bases are withheld (navdash.disclosure). Empty: the perspective decides.
    personopplysning: Bool = None
    sesong: Season = "auto"  # whether the signal adjusts for a calendar pattern: auto (detect), ja, nei

    @property
    def personal(self) -> bool:
        return personal_by_default(self.perspektiv) if self.personopplysning is None else self.personopplysning

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorRow:
        problems: list[tuple[str, str]] = []
        if self.maaleenhet == "prosent" and self.aggregering == "sum":
            problems.append(("aggregering", "en andel i prosent kan ikke summeres; bruk forholdstall"))
        if problems:
            raise RowProblems(problems)
        return self


class ValueRow(_Row):
    """verdier: one result for a unit, indicator and period.

    Ratios are stored as numerator and denominator (never as a share) so that a fylke's value can be the sum of
    its offices' numerators over the sum of their denominators.
    """

    enhet: UnitId
    indikator: IndicatorId
    periode: PeriodField
    teller: Number = None
    nevner: Number = None
    verdi: Number = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ValueRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if ctx is not None:
            if self.enhet not in ctx.units:
                problems.append(("enhet", ctx.unknown_unit(self.enhet)))
            if self.periode.is_future(ctx.today):
                problems.append(("periode", f"perioden {self.periode.key} ligger fram i tid"))
        ind = ctx.indicators.get(self.indikator) if ctx is not None else None
        if ctx is not None and ind is None:
            problems.append(("indikator", ctx.unknown_indicator(self.indikator)))
        for col in ("teller", "nevner"):
            v = getattr(self, col)
            if v is not None and v < 0:
                problems.append((col, f"{col} kan ikke være negativ ({_fmt(v)})"))
        if ind is not None and ind.aggregation == "forholdstall":
            if self.teller is None:
                problems.append(("teller", "mangler teller (indikatoren er et forholdstall)"))
            if self.nevner is None:
                problems.append(("nevner", "mangler nevner (indikatoren er et forholdstall)"))
            if self.teller is not None and self.nevner is not None:
                if ind.measure == "prosent" and self.teller > self.nevner:
                    problems.append(
                        ("teller", f"teller ({_fmt(self.teller)}) er større enn nevner ({_fmt(self.nevner)})")
                    )
                if self.nevner == 0 and self.teller > 0:
                    problems.append(("nevner", "nevner er 0 mens teller er større enn 0"))
            if self.verdi is not None:
                problems.append(("verdi", "la verdi stå tom; et forholdstall regnes ut fra teller og nevner"))
        elif ind is not None:
            if self.verdi is None:
                problems.append(("verdi", "mangler verdi"))
            if self.teller is not None or self.nevner is not None:
                col = "teller" if self.teller is not None else "nevner"
                problems.append((col, "la teller og nevner stå tomme; indikatoren har bare én verdi"))
            if self.verdi is not None:
                if ind.measure == "prosent" and not 0 <= self.verdi <= 100:
                    problems.append(("verdi", f"andelen {_fmt(self.verdi)} er utenfor 0-100"))
                if ind.measure in ("antall", "dager") and self.verdi < 0:
                    problems.append(("verdi", f"antallet kan ikke være negativt ({_fmt(self.verdi)})"))
        if problems:
            raise RowProblems(problems)
        return self


class TargetRow(_Row):
    """resultatkrav: a target for a styringsparameter, as the letter words it.

    `enhet` is the scope: `0000` applies to every unit, a fylke's number to the fylke and its offices.
    """

    indikator: IndicatorId
    enhet: UnitId
    aar: Int
    kravtype: Annotated[TargetKind, _coded(TargetKind, "kravtype")]
    terskel: Number = None
    referanseaar: Int = None
    fastsatt_av: Annotated[SetBy, _coded(SetBy, "fastsatt_av")]
    absolutt: Bool = True
    tekst: Text = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> TargetRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if self.aar is None:
            problems.append(("aar", "mangler år"))
        elif not 1990 <= self.aar <= 2100:
            problems.append(("aar", f"året {self.aar} er utenfor 1990-2100"))
        if self.kravtype in ("minst", "hoyst", "over", "under") and self.terskel is None:
            problems.append(("terskel", f"kravtypen «{self.kravtype}» trenger en terskel"))
        if self.kravtype == "retning_mot_niva" and self.referanseaar is None:
            problems.append(("referanseaar", "kravtypen «retning_mot_niva» trenger et referanseår"))
        if self.referanseaar is not None and self.aar is not None and self.referanseaar >= self.aar:
            problems.append(("referanseaar", f"referanseåret {self.referanseaar} må være før {self.aar}"))
        if ctx is not None:
            if self.enhet not in ctx.units:
                problems.append(("enhet", ctx.unknown_unit(self.enhet)))
            ind = ctx.indicators.get(self.indikator)
            if ind is None:
                problems.append(("indikator", ctx.unknown_indicator(self.indikator)))
            else:
                if ind.role != "styringsparameter":
                    role = LABELS["rolle"][ind.role].lower()
                    problems.append(
                        ("indikator", f"{self.indikator} er {role}; resultatkrav gis bare på styringsparametere")
                    )
                if ind.measure == "prosent" and self.terskel is not None and not 0 <= self.terskel <= 100:
                    problems.append(("terskel", f"terskelen {_fmt(self.terskel)} er utenfor 0-100"))
        if problems:
            raise RowProblems(problems)
        return self


# The employee survey's vocabularies. Groups are one breakdown in which every person is in exactly one group (a
# tillitsvalgt is not also counted as medarbeider), or `alle` for a round that is not broken down: only then can
# navdash.survey prove that no group under the threshold can be recovered. Totals are computed here, never loaded.
SURVEY_GROUPS = {"leder": "leder", "ledere": "leder", "medarbeider": "medarbeider", "medarbeidere": "medarbeider",
                 "tillitsvalgt": "tillitsvalgt", "tillitsvalgte": "tillitsvalgt", "alle": "alle"}
SURVEY_NO_GROUP = "alle"
_SURVEY_TOTALS = {"totalt", "total", "totalsum", "sum", "i_alt", "ialt", "samlet", "hele_enheten", "alle_grupper",
                  "alle_ansatte", "alle_svar", "enheten"}
LIKERT = {"1": "Helt uenig", "2": "Uenig", "3": "Verken enig eller uenig", "4": "Enig", "5": "Helt enig"}
_LIKERT_CODES = {**{to_code(label): number for number, label in LIKERT.items()},
                 "verken_eller": "3", "hverken_enig_eller_uenig": "3", "noytral": "3"}
_LIKERT_RE = re.compile(r"([1-5])(?:[.,]0+)?(?:\s*[-–=:.)]\s*(.+))?")


def _survey_group(value: object) -> str:
    text = _required_text(value)
    code = to_code(text)
    if code in SURVEY_GROUPS:
        return SURVEY_GROUPS[code]
    if text == "*":
        raise ValueError("«*» er ikke et gruppenavn. Send bare gruppene leder, medarbeider og tillitsvalgt; "
                         "summen for hele enheten regnes ut her")
    if code in _SURVEY_TOTALS or code.startswith(("total", "sum_")):
        raise ValueError(f"«{text}» er en sumrad for enheten. Send bare gruppene (leder, medarbeider, "
                         "tillitsvalgt), med hver person i nøyaktig én gruppe; summen for enheten regnes ut her, "
                         "uten grupper som er for små til å vises")
    raise ValueError(f"«{text}» er ikke en gruppe som kan vises. Bruk én inndeling: leder, medarbeider eller "
                     "tillitsvalgt, med hver person i nøyaktig én gruppe (en tillitsvalgt telles ikke også som "
                     "medarbeider), eller «alle» når runden ikke er delt inn i grupper. Alder, kjønn og andre "
                     "inndelinger kan ikke lastes inn sammen med rolle")


def _likert(value: object) -> str:
    """The answer option as its number 1-5: `4`, `4.0` (Excel), `Enig`, `4 - Enig`. Anything else is refused,
    never dropped: a `vet ikke` or free-text row does not belong in the file."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (1, 2, 3, 4, 5):
        return str(int(value))
    text = _required_text(value)
    match = _LIKERT_RE.fullmatch(text)
    if match:
        number, label = match.groups()
        if label is None or _LIKERT_CODES.get(to_code(label)) == number:
            return number
        raise ValueError(f"«{text}»: svar {number} betyr «{LIKERT[number]}», ikke «{label}»")
    number = _LIKERT_CODES.get(to_code(text))
    if number:
        return number
    raise ValueError(f"«{text}» er ikke et svar på skalaen 1–5. Bruk 1–5 eller Helt uenig, Uenig, Verken enig "
                     "eller uenig, Enig, Helt enig. Rader med «vet ikke», «ikke relevant» eller fritekst skal ikke "
                     "være med i filen")


class SurveyRow(_Row):
    """undersokelse: the number who gave one answer to one question, for a unit and group. Never individuals."""

    undersokelse: RequiredText
    runde: RequiredText
    enhet: UnitId
    gruppe: Annotated[str, BeforeValidator(_survey_group)]
    sporsmal: RequiredText
    tema: RequiredText
    svaralternativ: Annotated[str, BeforeValidator(_likert)]
    antall: Int

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SurveyRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if self.antall is None:
            problems.append(("antall", "mangler antall"))
        elif self.antall < 0:
            problems.append(("antall", f"antallet kan ikke være negativt ({self.antall})"))
        if ctx is not None and self.enhet not in ctx.units:
            problems.append(("enhet", ctx.unknown_unit(self.enhet)))
        if problems:
            raise RowProblems(problems)
        return self


class PriorityRow(_Row):
    """An office's local priority for a year (virksomhetsplanen has 3-5 of them)."""

    enhet: UnitId
    aar: Int
    nr: Int
    tittel: RequiredText
    begrunnelse: Text = None
    indikatorer: Annotated[tuple[str, ...], BeforeValidator(lambda v: _indicator_list(v))] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> PriorityRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if self.nr is None or not 1 <= self.nr <= 5:
            problems.append(("nr", "et kontor har 3-5 prioriteringer; nr må være 1-5"))
        if len(self.tittel) > 200:
            problems.append(("tittel", "tittelen er lengre enn 200 tegn"))
        if ctx is not None:
            problems += ctx.unknown_references(self.enhet, self.indikatorer)
        if problems:
            raise RowProblems(problems)
        return self


class ChangePointRow(_Row):
    """endringspunkter: from this month on the process is a new one, and the signal's limits are recalculated.

    `enhet` blank: the change applies to the indicator for every unit (a new definition, a pandemic).
    """

    indikator: IndicatorId
    enhet: OptUnitId = None
    periode: PeriodField
    begrunnelse: RequiredText

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ChangePointRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if self.periode.kind != "M":
            problems.append(("periode", f"et endringspunkt er en måned som 2021-04, ikke {self.periode.key}"))
        if len(self.begrunnelse) > 200:
            problems.append(("begrunnelse", "begrunnelsen er lengre enn 200 tegn"))
        if ctx is not None:
            if self.enhet is not None and self.enhet not in ctx.units:
                problems.append(("enhet", ctx.unknown_unit(self.enhet)))
            if self.indikator not in ctx.indicators:
                problems.append(("indikator", ctx.unknown_indicator(self.indikator)))
            if self.periode.is_future(ctx.today):
                problems.append(("periode", f"perioden {self.periode.key} ligger fram i tid"))
        if problems:
            raise RowProblems(problems)
        return self


RULE_OPERATORS = {"<=": "<=", "≤": "<=", "=<": "<=", "<": "<", "=": "=", "==": "=", ">=": ">=", "≥": ">=",
                  "=>": ">=", ">": ">"}
Severity = Literal["feil", "advarsel"]


def _indicator_sum(value: object) -> tuple[str, ...]:
    """`B.32 + B.33`: one indicator or a sum of indicators, each at most once."""
    text = _required_text(value)
    terms = [t.strip() for t in text.split("+")]
    if any(not t for t in terms):
        raise ValueError(f"«{text}» er ikke en sum av indikatorer; skriv for eksempel B.32 + B.33")
    ids = tuple(_indicator_id(t) for t in terms)
    if len(set(ids)) != len(ids):
        raise ValueError(f"«{text}» har samme indikator to ganger")
    return ids


def _operator(value: object) -> str:
    text = _required_text(value).replace(" ", "")
    if text not in RULE_OPERATORS:
        raise ValueError(f"«{text}» er ikke en sammenligning; bruk en av: <=, <, =, >=, >")
    return RULE_OPERATORS[text]


IndicatorSum = Annotated[tuple[str, ...], BeforeValidator(_indicator_sum)]


class ValidationRuleRow(_Row):
    """valideringsregler: a relation between indicators that every unit's values must keep in every period, such as
    B.32 + B.33 <= B.31. `feil` refuses a file of values that breaks it; `advarsel` is listed and logged."""

    venstre: IndicatorSum
    operator: Annotated[str, BeforeValidator(_operator)]
    hoyre: IndicatorSum
    alvorlighet: Annotated[Severity, _coded(Severity, "alvorlighet")]
    beskrivelse: Text = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ValidationRuleRow:
        ctx = _context(info)
        problems: list[tuple[str, str]] = []
        if set(self.venstre) & set(self.hoyre):
            problems.append(("hoyre", "samme indikator står på begge sider"))
        if ctx is not None:
            for column in ("venstre", "hoyre"):
                problems.extend((column, ctx.unknown_indicator(i)) for i in getattr(self, column)
                                if i not in ctx.indicators)
        if self.beskrivelse is not None and len(self.beskrivelse) > 300:
            problems.append(("beskrivelse", "beskrivelsen er lengre enn 300 tegn"))
        if problems:
            raise RowProblems(problems)
        return self


def _indicator_list(value: object) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        parts = re.split(r"[;,]", str(value))
    return tuple(_indicator_id(p) for p in parts if p.strip())


def _fmt(number: float) -> str:
    """Norwegian number for messages: 2 104 and 82,4."""
    if float(number).is_integer():
        return f"{int(number):,}".replace(",", "\u00a0")
    return f"{number:,.2f}".rstrip("0").rstrip(".").replace(",", "\u00a0").replace(".", ",")


# ---------------------------------------------------------------------------------------------------------
# Kinds and their keys
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[_Row]
    columns: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    label: str


KINDS: dict[str, Kind] = {
    "enheter": Kind(
        "enheter", UnitRow,
        ("enhet", "navn", "type", "overordnet", "sammenligningsgruppe", "ansatte", "gyldig_fra", "gyldig_til",
         "erstattet_av", "storrelse", "brukersammensetning", "sentralitet"),
        ("enhet",), ("enhet", "navn", "type", "overordnet"), "enheter",
    ),
    "indikatorer": Kind(
        "indikatorer", IndicatorRow,
        ("indikator", "navn", "beskrivelse", "perspektiv", "resultatkjede", "rolle", "maaleenhet", "polaritet",
         "aggregering", "kilde", "lenke", "lokal", "personopplysning", "sesong"),
        ("indikator",),
        ("indikator", "navn", "perspektiv", "resultatkjede", "rolle", "maaleenhet", "polaritet", "aggregering"),
        "indikatorkatalog",
    ),
    "verdier": Kind(
        "verdier", ValueRow, ("enhet", "indikator", "periode", "teller", "nevner", "verdi"),
        ("enhet", "indikator", "periode"), ("enhet", "indikator", "periode"), "verdier",
    ),
    "resultatkrav": Kind(
        "resultatkrav", TargetRow,
        ("indikator", "enhet", "aar", "kravtype", "terskel", "referanseaar", "fastsatt_av", "absolutt", "tekst"),
        ("indikator", "enhet", "aar"), ("indikator", "enhet", "aar", "kravtype", "fastsatt_av"), "resultatkrav",
    ),
    "undersokelse": Kind(
        "undersokelse", SurveyRow,
        ("undersokelse", "runde", "enhet", "gruppe", "sporsmal", "tema", "svaralternativ", "antall"),
        ("undersokelse", "runde", "enhet", "gruppe", "sporsmal", "svaralternativ"),
        ("undersokelse", "runde", "enhet", "gruppe", "sporsmal", "tema", "svaralternativ", "antall"),
        "medarbeiderundersøkelse",
    ),
    "endringspunkter": Kind(
        "endringspunkter", ChangePointRow, ("indikator", "enhet", "periode", "begrunnelse"),
        ("indikator", "enhet", "periode"), ("indikator", "periode", "begrunnelse"), "endringspunkter",
    ),
    "valideringsregler": Kind(
        "valideringsregler", ValidationRuleRow, ("venstre", "operator", "hoyre", "alvorlighet", "beskrivelse"),
        ("venstre", "operator", "hoyre"), ("venstre", "operator", "hoyre", "alvorlighet"), "valideringsregler",
    ),
}


def row_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Pydantic's errors as (column, Norwegian message) pairs."""
    out: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, RowProblems):
            out.extend(original.problems)
            continue
        column = str(err["loc"][0]) if err["loc"] else ""
        kind = err["type"]
        if kind == "missing":
            message = "mangler verdi"
        elif isinstance(original, ValueError):
            message = str(original)
        elif kind == "literal_error":
            message = f"ugyldig verdi «{err.get('input')}»"
        else:
            message = f"ugyldig verdi «{err.get('input')}»"
        out.append((column, message))
    return out
