"""Erfaringsdeling: a register where every unit records methods and measures that worked, so others can learn (000:991).

Everyone reads and searches the register. A leader registers for their own unit, the fylke's management for the
fylke or any unit under it, an analyst for any unit; employees only read. The register is listed by newest or by
the unit tree and never ranked by any result: it is for finding someone to learn from, not for competition.

`register` validates an item with `PracticeItem` against the units and the indicator catalogue (read from the
analytic store), checks `access.can_register`, and writes the row and an audit entry in one transaction of the
application database (`navdash.appdb`); the analytic store is never written by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, model_validator

from navdash import access, appdb, store, units
from navdash.periods import Period, PeriodError, parse_period
from navdash.schemas import (
    IndicatorId,
    RequiredText,
    RowProblems,
    Text,
    UnitId,
    ValidationContext,
    is_blank,
    load_context,
    row_errors,
)

DbPath = Path | str | None
Order = Literal["newest", "tree"]

# The form's labels: every message names the field as the person saw it.
FIELD_LABELS: dict[str, str] = {
    "enhet": "Enhet",
    "tittel": "Tittel",
    "hva": "Hva ble gjort",
    "for_hvem": "For hvilke brukere",
    "indikatorer": "Indikatorer",
    "effekt": "Hvordan indikatorene ble påvirket",
    "tema": "Tema",
    "fra": "Fra (periode)",
    "til": "Til (periode)",
    "kontakt": "Kontaktperson",
}
MAX_LENGTH = {"tittel": 200, "hva": 4000, "for_hvem": 500, "effekt": 2000, "tema": 80, "kontakt": 200}


P = appdb.practices


def _db(db: DbPath) -> Path | None:
    return Path(db) if db is not None else None


# ---------------------------------------------------------------------------------------------------------
# The record
# ---------------------------------------------------------------------------------------------------------


def _required_period(value: object) -> Period:
    """A period typed into the form, also as the app writes it (`mars 2022`); refused when missing."""
    period = _optional_period(value)
    if period is None:
        raise ValueError("mangler verdi")  # the same words as every other required field
    return period


def _optional_period(value: object) -> Period | None:
    if is_blank(value):
        return None
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value).strip(), month_names=True)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def _indicators(value: object) -> list[object]:
    if is_blank(value):
        return []
    if isinstance(value, list | tuple):
        return [v for v in value if not is_blank(v)]
    return [p for p in str(value).replace(",", ";").split(";") if p.strip()]


class PracticeItem(BaseModel):
    """One registered practice, as the form (or a caller) gives it. Field names are the form's, in Norwegian."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    enhet: UnitId
    tittel: RequiredText
    hva: RequiredText
    for_hvem: Text = None
    indikatorer: Annotated[tuple[IndicatorId, ...], BeforeValidator(_indicators)] = ()
    effekt: Text = None
    tema: Text = None
    fra: Annotated[Period, BeforeValidator(_required_period)]
    til: Annotated[Period | None, BeforeValidator(_optional_period)] = None
    kontakt: Text = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> PracticeItem:
        ctx = info.context if isinstance(info.context, ValidationContext) else None
        problems: list[tuple[str, str]] = []
        for name, limit in MAX_LENGTH.items():
            text = getattr(self, name)
            if text and len(text) > limit:
                problems.append((name, f"er lengre enn {limit} tegn ({len(text)})"))
        if not self.indikatorer:
            problems.append(("indikatorer", "velg minst én indikator erfaringen påvirket"))
        if len(set(self.indikatorer)) != len(self.indikatorer):
            problems.append(("indikatorer", "samme indikator er valgt flere ganger"))
        if self.til is not None and (self.til.year, self.til.last_month) < (self.fra.year, self.fra.first_month):
            problems.append(("til", f"{self.til.label()} er før {self.fra.label()}"))
        if ctx is not None:
            problems += ctx.unknown_references(self.enhet, self.indikatorer)
            if self.fra.is_future(ctx.today):
                problems.append(("fra", f"{self.fra.label()} har ikke begynt ennå; registrer det som har virket"))
        if problems:
            raise RowProblems(problems)
        return self


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{FIELD_LABELS.get(self.field, self.field)}: {self.message}"


class PracticeInvalid(ValueError):
    """The practice was refused; nothing was written. `problems` names every problem with its field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("Erfaringen ble ikke registrert:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


class NotAllowed(PermissionError):
    """The user may not register for this unit. Norwegian message for a person."""


def validate(ctx: ValidationContext, item: Mapping[str, object]) -> PracticeItem:
    try:
        return PracticeItem.model_validate(dict(item), context=ctx)
    except ValidationError as exc:
        raise PracticeInvalid([Problem(f, m) for f, m in row_errors(exc)]) from None


# ---------------------------------------------------------------------------------------------------------
# Who may register
# ---------------------------------------------------------------------------------------------------------


def registrable_units(db: DbPath, user: access.User | None) -> list[str]:
    """The units the user may register for, in unit-id order (empty for employees)."""
    with store.reading(_db(db)) as con:
        parents = units.parents(con)
    return sorted(u for u in parents if access.can_register(user, u, parents))


def _check_allowed(ctx: ValidationContext, parents: Mapping[str, str | None], user: access.User, unit: str) -> None:
    if not access.can_register(user, unit, parents):
        name = ctx.units.get(unit, "enheten")
        raise NotAllowed(
            f"Du kan ikke registrere erfaringer for {name} ({unit}). Ledere registrerer for sin egen enhet, "
            "fylkesledelsen for fylket og kontorene i det; ansatte kan lese og søke."
        )


def register(db: DbPath, user: access.User, item: Mapping[str, object]) -> int:
    """Register a practice for `item["enhet"]`; returns its id.

    Raises NotAllowed (a PermissionError) and PracticeInvalid (naming every problem with its field); in both cases
    nothing is written.
    """
    path = _db(db)
    unit = str(item.get("enhet") or "").strip()
    with store.reading(path) as con:
        ctx = load_context(con)
        parents = units.parents(con)
    if not access.registers_anywhere(user):
        _check_allowed(ctx, parents, user, unit)
    practice = validate(ctx, item)
    _check_allowed(ctx, parents, user, practice.enhet)
    with appdb.writing(path) as conn:
        practice_id = appdb.insert_id(conn, P, {
            "unit_id": practice.enhet, "title": practice.tittel, "what": practice.hva,
            "for_whom": practice.for_hvem, "indicators": list(practice.indikatorer), "effect": practice.effekt,
            "theme": practice.tema, "first_period": practice.fra.key,
            "last_period": practice.til.key if practice.til else None, "contact": practice.kontakt,
            "registered_by": user.name, "registered_at": datetime.now()})
        appdb.audit(conn, user.name, "erfaring registrert", f"{practice.enhet} #{practice_id}",
                    f"{practice.tittel} Rolle: {user.role}.")
    return practice_id


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    practice_id: int
    unit_id: str
    unit_name: str
    fylke_id: str | None  # the fylke the unit belongs to (itself for a fylke), None for Norge and units outside
    fylke_name: str | None
    title: str
    what: str
    for_whom: str | None
    indicators: tuple[str, ...]
    indicator_names: tuple[str, ...]
    effect: str | None
    theme: str | None
    first_period: str | None
    last_period: str | None
    contact: str | None
    registered_by: str
    registered_at: datetime

    @property
    def period_text(self) -> str:
        """`april 2021 – desember 2021`, `fra april 2021` (still going on)."""
        first = _period_label(self.first_period)
        if not self.last_period:
            return f"fra {first}" if first else ""
        last = _period_label(self.last_period)
        return first if first == last else f"{first} – {last}"


def _period_label(key: str | None) -> str:
    if not key:
        return ""
    try:
        return parse_period(key).label()
    except PeriodError:
        return key


def search(
    db: DbPath,
    indicator: str | None = None,
    theme: str | None = None,
    fylke: str | None = None,
    unit: str | None = None,
    text: str | None = None,
    order: Order = "newest",
) -> list[Practice]:
    """Practices matching every given filter: an indicator they affected, a theme, a fylke (the fylke and its
    offices), one unit, and free text (title, what, users, effect, theme, contact, unit name; case-insensitive).
    Newest first, or in the unit tree's order (newest first within a unit). Never by any result."""
    with store.reading(_db(db)) as con:
        nodes = units.nodes(con)
        names = dict(con.execute("SELECT indicator_id, name FROM indicators").fetchall())
    tree = units.positions(nodes) if order == "tree" else {}
    query = sa.select(P.c.practice_id, P.c.unit_id, P.c.title, P.c.what, P.c.for_whom, P.c.indicators, P.c.effect,
                      P.c.theme, P.c.first_period, P.c.last_period, P.c.contact, P.c.registered_by,
                      P.c.registered_at).order_by(P.c.registered_at.desc(), P.c.practice_id.desc())
    if theme:
        query = query.where(sa.func.lower(P.c.theme) == theme.strip().lower())
    if unit:
        query = query.where(P.c.unit_id == unit.strip())
    with appdb.reading(_db(db)) as conn:
        rows = conn.execute(query).all()
    wanted = indicator.strip().upper() if indicator else None
    if wanted:  # a JSON list in both SQLite and PostgreSQL; the register is small enough to filter here
        rows = [r for r in rows if wanted in (r.indicators or ())]
    parents = {n.unit_id: n.parent_id for n in nodes}
    types = {n.unit_id: n.type for n in nodes}
    unit_names = {n.unit_id: n.name for n in nodes}
    out: list[Practice] = []
    needle = " ".join(text.split()).casefold() if text else ""
    for pid, uid, title, what, for_whom, inds, effect, th, first, last, contact, by, at in rows:
        fylke_id = units.nearest_of_type(uid, parents, types, "fylke")
        if fylke and fylke_id != fylke:
            continue
        unit_name = unit_names.get(uid, uid)
        if needle:
            haystack = " ".join(x or "" for x in (title, what, for_whom, effect, th, contact, unit_name, uid))
            if needle not in " ".join(haystack.split()).casefold():
                continue
        inds = tuple(inds or ())
        out.append(Practice(
            pid, uid, unit_name, fylke_id, unit_names[fylke_id] if fylke_id else None, title, what, for_whom, inds,
            tuple(names.get(i, "") for i in inds), effect, th, first, last, contact, by, at,
        ))
    if order == "tree":
        out.sort(key=lambda p: tree.get(p.unit_id, len(tree)))  # stable: newest first within a unit
    return out


def themes(db: DbPath) -> list[str]:
    """The themes in use, alphabetically (as first written, case-insensitively unique)."""
    first = sa.func.min(P.c.theme)
    with appdb.reading(_db(db)) as conn:
        rows = conn.execute(sa.select(first).where(P.c.theme.is_not(None)).group_by(sa.func.lower(P.c.theme))
                            .order_by(sa.func.lower(first))).all()
    return [r[0] for r in rows]


def fylker(db: DbPath) -> dict[str, str]:
    """Fylke id -> name, for the search filter (every fylke, also those without practices yet)."""
    with store.reading(_db(db)) as con:
        return dict(con.execute("SELECT unit_id, name FROM units WHERE type = 'fylke' ORDER BY unit_id").fetchall())


def counts_by_indicator(db: DbPath) -> dict[str, int]:
    """How many practices name each indicator, for links like «Se 2 erfaringer» on the målekort."""
    with appdb.reading(_db(db)) as conn:
        lists = conn.execute(sa.select(P.c.indicators)).scalars().all()
    counts: dict[str, int] = {}
    for inds in lists:
        for ind in set(inds or ()):
            counts[str(ind)] = counts.get(str(ind), 0) + 1
    return dict(sorted(counts.items()))


def link(indicator: str | None = None, unit: str | None = None) -> str:
    """The page's deep link: `/erfaringer?indikator=B.47` or `/erfaringer?enhet=0312`."""
    from navdash import links

    return links.url("erfaringer", indikator=indicator, enhet=unit)
