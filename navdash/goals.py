"""Open goal information: which goals apply to a unit in a year, who set them, and the office's own priorities.

Everything here returns plain data for the page `views/mal.py`. Goals are grouped by who set them (the
direktorat's mål- og disponeringsbrev, the fylke, the office or the partnership), because that is what an employee
asks first: is this ours to change, and is it an absolute requirement or a recommendation?

The only write is `save_priorities`: an office leader replaces the office's 3-5 priorities for a year. It validates
every item with `PriorityRow`, checks `access.can_edit_priorities`, and writes the rows, one history row per change
and an audit entry in one transaction of the application database; the analytic store is never touched by it.
Central goals are never written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
from pydantic import ValidationError

from navdash import access, appdb, links, store
from navdash import priorities as prio
from navdash.priorities import PriorityProblem
from navdash.schemas import PriorityRow, ValidationContext, load_context, row_errors
from navdash.scorecard import PERSPECTIVE_ORDER, Unit, targets_for, unit_info

SAMFUNNSOPPDRAG = "Flere i arbeid og aktivitet og færre på stønad"
MAIN_GOALS = ("Flere i arbeid", "Bedre brukermøter", "Pålitelig forvaltning")
MIN_PRIORITIES, MAX_PRIORITIES = 3, 5

# The groups a page shows, in order: (key, heading, which set_by values belong to it).
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("central", "Fra mål- og disponeringsbrevet", ("direktorat",)),
    ("fylke", "Lagt til av fylket", ("fylke",)),
    ("local", "Enhetens egne mål", ("kontor", "partnerskap")),
)
ACTION_TEXT = {"opprettet": "Opprettet", "endret": "Endret", "slettet": "Slettet"}

DbPath = Path | str | None


def _db(db: DbPath) -> Path | None:
    return Path(db) if db is not None else None


def malekort_link(unit_id: str, year: int, indicator_id: str) -> str:
    """The indicator's row on the målekort, for December of the year (the whole year to date)."""
    return links.url("malekort", enhet=unit_id, periode=f"{year}-12", indikator=indicator_id)


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A target that applies to the unit, as the letter (or the fylke, office, partnership) words it."""

    indicator_id: str
    name: str
    text: str
    set_by: str  # direktorat, fylke, kontor, partnerskap
    set_by_text: str  # "Direktoratet"
    absolute: bool
    obligation: str  # "Absolutt krav" or "Anbefaling"
    scope_unit: str  # the unit the target was set for: 0000 applies to all, a fylke to its offices
    scope_name: str
    link: str


@dataclass(frozen=True)
class LinkedIndicator:
    indicator_id: str
    name: str
    link: str


@dataclass(frozen=True)
class Priority:
    no: int
    title: str
    reason: str | None
    indicators: tuple[LinkedIndicator, ...]
    changed_by: str | None
    changed_at: datetime | None


@dataclass(frozen=True)
class GoalsView:
    unit: Unit
    year: int
    goals: tuple[Goal, ...]  # all targets that apply, most central group first
    priorities: tuple[Priority, ...]

    def group(self, key: str) -> tuple[Goal, ...]:
        """The goals of one of GROUPS ("central", "fylke", "local")."""
        set_by = next(g[2] for g in GROUPS if g[0] == key)
        return tuple(g for g in self.goals if g.set_by in set_by)


def _indicator_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    return {i: (n, p) for i, n, p in con.execute("SELECT indicator_id, name, perspective FROM indicators").fetchall()}


def _goal_order(indicator_id: str, perspective: str) -> tuple[int, str, int, str]:
    """The målekort's order: perspective, then MK ID with B.9 before B.15 and own IDs (B.UNG) after numbered."""
    prefix, _, rest = indicator_id.partition(".")
    rank = PERSPECTIVE_ORDER.index(perspective) if perspective in PERSPECTIVE_ORDER else len(PERSPECTIVE_ORDER)
    return (rank, prefix, int(rest) if rest.isdigit() else 10_000, rest)


def view(db: DbPath, unit_id: str, year: int, *, with_priorities: bool = True) -> GoalsView | None:
    """The goals that apply to a unit in a year, and its priorities. None for an unknown unit.

    The goals come from the analytic store (they change only by import); the priorities from the application
    database. `with_priorities=False` leaves them out, for a cache keyed by the data version (see `with_fresh`)."""
    with store.reading(_db(db)) as con:
        unit = unit_info(con, unit_id)
        if unit is None:
            return None
        names = _indicator_names(con)
        goals: list[Goal] = []
        for ind, targets in targets_for(con, unit, year).items():
            name = names.get(ind, ("", ""))[0]
            for t in targets:
                goals.append(Goal(ind, name, t.text, t.set_by, t.set_by_text, t.absolute, t.obligation,
                                  t.scope_unit, t.scope_name, malekort_link(unit_id, year, ind)))
        group_of = {s: i for i, (_, _, set_by) in enumerate(GROUPS) for s in set_by}
        goals.sort(key=lambda g: (group_of.get(g.set_by, 9), _goal_order(g.indicator_id, names[g.indicator_id][1])))
    result = GoalsView(unit, year, tuple(goals), ())
    return with_fresh(db, result) if with_priorities else result


def with_fresh(db: DbPath, goals_view: GoalsView) -> GoalsView:
    """The view with the unit's priorities as they are now in the application database."""
    unit_id, year = goals_view.unit.unit_id, goals_view.year
    names = {g.indicator_id: g.name for g in goals_view.goals}
    rows = prio.for_unit(unit_id, year, db)
    unknown = {i for p in rows for i in p["indicators"] or ()} - set(names)
    if unknown:
        with store.reading(_db(db)) as con:
            names.update({i: n for i, (n, _) in _indicator_names(con).items() if i in unknown})
    priorities = tuple(
        Priority(p["no"], p["title"], p["reason"],
                 tuple(LinkedIndicator(i, names.get(i, ""), malekort_link(unit_id, year, i))
                       for i in (p["indicators"] or [])),
                 p["changed_by"], p["changed_at"])
        for p in rows
    )
    return replace(goals_view, priorities=priorities)


# The sources' advice on how many, quoted where the page shows the counts.
FEWER_ADVICE = ("Arbeidsgruppen anbefaler at hver enhet på nivå 3 ser kritisk på omfanget av antall "
                "styringsparametere utover de som er fastsatt sentralt i mål- og disponeringsbrevene.")
FEWER_SOURCE = "Mål- og resultatstyring i NAV – del II (2018), kapittel 11.5.3"
FEWER_EXAMPLE = ("I 2012 hadde fylkeslinjen rundt 50 mål- og resultatkrav; i 2013 hadde fylkene 10 hovedmål "
                 "(NAV-direktørens presentasjon om mål- og resultatstyring, 2013).")


@dataclass(frozen=True)
class GoalCounts:
    """How much a unit carries in a year: styringsparametere with a target, those beyond the central letter's, the
    local targets and the priorities. Information for the unit itself; never compared across units."""

    parameters: int  # distinct styringsparametere with at least one target that applies
    central: int  # of those, with a target from the mål- og disponeringsbrev
    beyond_central: int  # with targets only from the fylke, the office or the partnership
    local_targets: int  # targets set by the office or in the partnership
    priorities: int

    @property
    def priorities_within_advice(self) -> bool:
        return MIN_PRIORITIES <= self.priorities <= MAX_PRIORITIES


def counts(goals_view: GoalsView) -> GoalCounts:
    """Count what the unit carries, from the goals that apply and its priorities."""
    by_indicator: dict[str, set[str]] = {}
    for g in goals_view.goals:
        by_indicator.setdefault(g.indicator_id, set()).add(g.set_by)
    central = sum(1 for setters in by_indicator.values() if "direktorat" in setters)
    local = sum(1 for g in goals_view.goals if g.set_by in ("kontor", "partnerskap"))
    return GoalCounts(len(by_indicator), central, len(by_indicator) - central, local, len(goals_view.priorities))


def target_years(db: DbPath) -> list[int]:
    """Years with targets, newest first."""
    with store.reading(_db(db)) as con:
        return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM targets ORDER BY year DESC").fetchall()]


def years(db: DbPath) -> list[int]:
    """Years with targets or priorities, newest first."""
    return sorted(set(target_years(db)) | set(prio.years(db)), reverse=True)


def default_year(db: DbPath) -> int | None:
    """The latest year with targets (the newest mål- og disponeringsbrev)."""
    with store.reading(_db(db)) as con:
        row = con.execute("SELECT max(year) FROM targets").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def indicator_choices(db: DbPath) -> dict[str, str]:
    """Indicator id -> name, in the målekort's order, for choosing which indicators follow a priority."""
    with store.reading(_db(db)) as con:
        names = _indicator_names(con)
    ordered = sorted(names, key=lambda i: _goal_order(i, names[i][1]))
    return {i: names[i][0] for i in ordered}


def history(db: DbPath, unit_id: str, year: int) -> pd.DataFrame:
    """Every change to the unit's priorities for the year, newest first."""
    return prio.history(db, unit_id, year)


# ---------------------------------------------------------------------------------------------------------
# Writing the office's priorities
# ---------------------------------------------------------------------------------------------------------


class NotAllowed(PermissionError):
    """The user may not change these priorities. Norwegian message for a person."""


@dataclass(frozen=True)
class Problem:
    field: str  # the form field / PriorityRow field: tittel, begrunnelse, indikatorer, prioriteringer, ...
    message: str
    item: int | None = None  # 1-based position of the priority, None for the set as a whole

    def __str__(self) -> str:
        label = {"aar": "år", "prioriteringer": "antall prioriteringer"}.get(self.field, self.field)
        where = f"Prioritering {self.item}, {label}" if self.item else label[:1].upper() + label[1:]
        return f"{where}: {self.message}"


class PrioritiesInvalid(PriorityProblem):
    """The priorities were refused; nothing was written. `problems` names every problem with its field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("Prioriteringene ble ikke lagret:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SaveResult:
    created: tuple[int, ...]
    changed: tuple[int, ...]
    deleted: tuple[int, ...]
    data_version: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.changed or self.deleted)

    @property
    def message(self) -> str:
        if not self.changed_anything:
            return "Ingen endringer å lagre."
        parts = [f"{len(nos)} {word}" for nos, word in
                 ((self.created, "nye"), (self.changed, "endret"), (self.deleted, "slettet")) if nos]
        return "Prioriteringene er lagret: " + ", ".join(parts) + "."


_Content = prio.Content


def _validate(ctx: ValidationContext, unit_id: str, year: int, items: Sequence[Mapping[str, object]]
              ) -> tuple[list[PriorityRow], list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        problems.append(Problem("aar", f"året {year} er utenfor 1990-2100"))
    if not MIN_PRIORITIES <= len(items) <= MAX_PRIORITIES:
        problems.append(Problem(
            "prioriteringer",
            f"et kontor skal ha {MIN_PRIORITIES}-{MAX_PRIORITIES} prioriteringer i året; du har fylt ut {len(items)}",
        ))
    rows: list[PriorityRow] = []
    titles: dict[str, int] = {}
    for no, item in enumerate(items, start=1):
        record = {**item, "enhet": unit_id, "aar": year, "nr": no}  # the position is the number
        try:
            row = PriorityRow.model_validate(record, context=ctx)
        except ValidationError as exc:
            found = row_errors(exc)
            found += _hidden_problems(ctx, record, found)
            # nr is the position; a sixth priority is already reported as one too many.
            found = [(f, m) for f, m in found if f != "nr"]
            problems.extend(Problem(field, message, no) for field, message in found)
            continue
        first = titles.setdefault(row.tittel.casefold(), no)
        if first != no:
            problems.append(Problem("tittel", f"samme tittel som prioritering {first}", no))
        rows.append(row)
    return rows, problems


_PLACEHOLDER: dict[str, object] = {"tittel": "–", "begrunnelse": None, "indikatorer": ()}


def _hidden_problems(ctx: ValidationContext, record: dict[str, object], found: list[tuple[str, str]]
                     ) -> list[tuple[str, str]]:
    """Pydantic skips the cross-field checks when a field is invalid; run them again with the bad fields replaced
    by harmless values, so that a missing title does not hide an unknown indicator in the same priority."""
    bad = {field for field, _ in found}
    if not bad <= set(_PLACEHOLDER):
        return []
    try:
        PriorityRow.model_validate({**record, **{f: _PLACEHOLDER[f] for f in bad}}, context=ctx)
    except ValidationError as exc:
        return [p for p in row_errors(exc) if p[0] not in bad]
    return []


def _check_allowed(ctx: ValidationContext, user: access.User, unit_id: str) -> None:
    if not access.can_edit_priorities(user, unit_id):
        name = ctx.units.get(unit_id, "enheten")
        raise NotAllowed(
            f"Du kan ikke endre prioriteringene til {name} ({unit_id}). "
            "Bare lederen for kontoret kan endre kontorets prioriteringer."
        )


def _diff(before: dict[int, _Content], rows: list[PriorityRow]
          ) -> tuple[list[PriorityRow], list[PriorityRow], list[int]]:
    created, changed = [], []
    for r in rows:
        content = (r.tittel, r.begrunnelse or None, tuple(r.indikatorer))
        if r.nr not in before:
            created.append(r)
        elif before[r.nr] != content:
            changed.append(r)
    deleted = sorted(set(before) - {r.nr for r in rows})
    return created, changed, deleted


def save_priorities(db: DbPath, user: access.User, unit_id: str, year: int,
                    items: Sequence[Mapping[str, object]]) -> SaveResult:
    """Replace the unit's priorities for the year with `items`, in order (the position is the number).

    Each item is a mapping with `tittel`, `begrunnelse` and `indikatorer` (a list of MK IDs or "B.15;B.31").
    Raises NotAllowed (a PermissionError) unless the user leads the office, and PrioritiesInvalid naming every
    problem with its field; in both cases nothing is written. Unchanged priorities keep their history. The write
    goes to the application database in one transaction (AppDbBusy if it cannot get the lock in time); the
    analytic store and its data version are untouched.
    """
    path = _db(db)
    with store.reading(path) as con:
        ctx = load_context(con)
        version = store._data_version(con)
    _check_allowed(ctx, user, unit_id)
    rows, problems = _validate(ctx, unit_id, year, items)
    if problems:
        raise PrioritiesInvalid(problems)
    with appdb.writing(path) as conn:
        # Read and write in one locked transaction: two leaders saving at once cannot interleave their diffs.
        before = prio.current(conn, unit_id, year)
        created, changed, deleted = _diff(before, rows)
        if not (created or changed or deleted):
            return SaveResult((), (), (), version)
        now = datetime.now()
        for action, batch in (("opprettet", created), ("endret", changed)):
            for r in batch:
                prio.put(conn, unit_id, year, r.nr, (r.tittel, r.begrunnelse, tuple(r.indikatorer)), action,
                         user.name, now)
        for no in deleted:
            prio.remove(conn, unit_id, year, no, before[no], user.name, now)
        result = SaveResult(tuple(r.nr for r in created), tuple(r.nr for r in changed), tuple(deleted), version)
        appdb.audit(conn, user.name, "prioriteringer lagret", f"{unit_id} {year}",
                    f"{result.message} Rolle: {user.role}.")
    return result
