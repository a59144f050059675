"""Cached access to the core for pages: every `st.cache_data` loader of the app lives here, and nowhere else.

`st.cache_data` is shared by every session in the process, so every cached function takes the data version
(which changes with each publish) and the database path as arguments: a new import is never hidden behind an
old cache entry, and tests with different databases never share entries.

What users write (priorities, comments, experiences, meetings) lives in the application database and is read fresh
on every run: those reads are small indexed queries, and a comment must show at once for everyone, on every app
server, without touching the cached analytics. The loaders below keep the `version` argument so pages call every
loader the same way; for app records it is not a cache key.

With approval of months on (navdash.approval), a viewer who is not an analytiker reads only the months up to the
public cut-off. Every `@_cached` loader is keyed on the viewer's cut-off as well, computed afresh on every call from
the current user (also inside a dialog, which reruns without the page), and computes its result under it
(`store.reads_limited`), so an analytiker's result is never served to a leader. `limit_reads` puts the rest of a page
run (the few uncached core reads) under the same cut-off.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from navdash import access, aggregate, approval, disclosure, overview, paths, store

if TYPE_CHECKING:
    from navdash.scorecard import IndicatorDetail


@st.cache_data(show_spinner=False, max_entries=16)
def _months_with_values(db: str, version: int) -> list[str]:
    """Every month with values, whoever asks: what the public cut-off is computed from."""
    return approval.months_with_values(Path(db))


_AS_CUTOFF: contextvars.ContextVar[tuple[str | None] | None] = contextvars.ContextVar("navdash_cutoff", default=None)


def cutoffs(db: str, version: int) -> list[str | None]:
    """Every cut-off a viewer can have now: None (every month) and, with approval on, the public one."""
    return [None, public_until(db, version)] if paths.approval_required() else [None]


@contextlib.contextmanager
def as_cutoff(until: str | None) -> Iterator[None]:
    """Loaders called in this block (in this thread) read as a viewer with cut-off `until`: for warming the shared
    caches outside a page run, where there is no user (navdash.ui.warm)."""
    token = _AS_CUTOFF.set((until,))
    try:
        yield
    finally:
        _AS_CUTOFF.reset(token)


def viewer_until(db: str, version: int, user: access.User | None = None) -> str | None:
    """The cut-off of the viewer (`user`, else this run's user): None when approval is off or the viewer sees every
    month, otherwise the last public month (store.NOTHING when none is approved). Approvals are read fresh: one
    small query, so an approval or a withdrawal shows at once on every server."""
    if not paths.approval_required():
        return None
    fixed = _AS_CUTOFF.get()
    if user is None and fixed is not None:
        return fixed[0]
    if user is None:
        from navdash.ui.identity import current_user

        user = current_user()
    if access.sees_unapproved_months(user):
        return None
    return public_until(db, version)


def public_until(db: str, version: int) -> str:
    """The last month everyone sees (store.NOTHING: none), whoever asks."""
    return approval.public_until(_months_with_values(db, version), approval.approvals(Path(db)))


def limit_reads(user: access.User | None) -> None:
    """Put the rest of this page run under the user's cut-off (uncached core reads such as a meeting being opened
    or a tertial report's draft)."""
    store.limit_reads(viewer_until(*source(), user=user))


def month_approvals(db: str) -> dict[str, approval.Approval]:
    """Approved months, read fresh (for the analytiker's note on an unapproved month)."""
    return approval.approvals(Path(db))


def _cached(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`st.cache_data(**options)` for a loader `f(db, version, ...)`, keyed also on the viewer's cut-off and computed
    under it. Every cached read of the analytic data goes through this."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        def keyed(until: str | None, *args: Any, **kwargs: Any) -> Any:
            with store.reads_limited(until):
                return func(*args, **kwargs)

        # Streamlit names a cache by module and qualified name: one cache per loader, as with the plain decorator.
        keyed.__module__, keyed.__name__, keyed.__qualname__ = func.__module__, func.__name__, func.__qualname__
        cached = st.cache_data(**options)(keyed)

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            db = args[0] if args else kwargs["db"]
            version = args[1] if len(args) > 1 else kwargs["version"]
            return cached(viewer_until(db, version), *args, **kwargs)

        return call

    return decorate


def source() -> tuple[str, int]:
    """The database path and its published data version, the key of every cached read."""
    path = store.db_path()
    return str(path), store.data_version(path)


@_cached(show_spinner=False, max_entries=64)
def units(db: str, version: int) -> pd.DataFrame:
    return overview.units(Path(db))


@_cached(show_spinner=False, max_entries=64)
def data_status(db: str, version: int) -> pd.DataFrame:
    return overview.data_status(Path(db))


@_cached(show_spinner=False, max_entries=64)
def value_coverage(db: str, version: int) -> dict[str, object]:
    return overview.value_coverage(Path(db))


@_cached(show_spinner=False, max_entries=64)
def meta(db: str, version: int) -> dict[str, str]:
    return store.meta(Path(db))


@_cached(show_spinner=False, max_entries=64)
def unit_parents(db: str, version: int) -> dict[str, str | None]:
    return overview.unit_parents(Path(db))


@_cached(show_spinner=False, max_entries=64)
def all_unit_options(db: str, version: int) -> list[tuple[str, str]]:
    """Every unit for a picker, in tree order: computed once per data version and shared by every user."""
    return overview.unit_options(Path(db))


def unit_options(db: str, version: int, scope: str) -> list[tuple[str, str]]:
    """The units the user may pick, in tree order: the shared list filtered to what `scope` (the user's role and
    unit, `User.cache_key`) may see. Filtering is a set lookup per unit, so nothing here is cached per user."""
    role, _, unit = scope.partition(":")
    visible = access.visible_units(access.User("", role, unit), unit_parents(db, version))
    return [(u, label) for u, label in all_unit_options(db, version) if u in visible]


def visible_units(user: access.User | None) -> frozenset[str]:
    if user is None:
        return frozenset()
    db, version = source()
    return access.visible_units(user, unit_parents(db, version))


@_cached(show_spinner=False, max_entries=64)
def months_with_data(db: str, version: int) -> list[str]:
    return overview.months_with_data(Path(db))


def scope(user: access.User | None) -> str:
    """The key of what the user may see of small numbers; every cached result with figures about people is keyed
    on it, so a figure shown in clear to a leader is never served to anyone else from the cache."""
    return access.clearance(user).key


@st.cache_resource(show_spinner=False, max_entries=4)
def mask_basis(db: str, version: int) -> disclosure.Basis:
    """What every viewer's mask is computed from: read once per data version and shared, never copied (a
    resource: it is only read)."""
    with store.reads_limited(None), store.reading(Path(db)) as con:  # every month: the basis is shared by all
        return disclosure.basis(con)


@_cached(show_spinner=False, max_entries=256)
def mask(db: str, version: int, scope: str) -> disclosure.Mask:
    """The figures hidden from one clearance: the shared basis with only the viewer's own units recomputed."""
    return disclosure.mask_from(mask_basis(db, version), access.clearance_from_key(scope))


@_cached(show_spinner=False, max_entries=16)
def month_deliveries(db: str, version: int) -> aggregate.MonthDeliveries:
    """Which unit delivered which month (about 55 000 pairs nationally): read once per data version and cut-off,
    and every unit's month coverage is computed from it."""
    return overview.month_deliveries(Path(db))


@_cached(show_spinner=False, max_entries=256)
def latest_complete_month(db: str, version: int, unit_id: str) -> str | None:
    """The default month for a unit: the latest month every office under it has delivered."""
    return aggregate.latest_complete_month(month_deliveries(db, version), unit_id)


@_cached(show_spinner=False, max_entries=64)
def month_coverage(db: str, version: int, months: int) -> pd.DataFrame:
    return overview.month_coverage(Path(db), months, month_deliveries(db, version))


@_cached(show_spinner="Henter målekortet …", max_entries=256)
def scorecard(db: str, version: int, unit_id: str, period: str, scope: str):  # noqa: ANN201 - a scorecard.Scorecard
    from navdash import scorecard as core

    return core.load(unit_id, period, Path(db), mask(db, version, scope), month_deliveries(db, version))


@_cached(show_spinner=False, max_entries=256)
def indicator_detail(db: str, version: int, unit_id: str, indicator_id: str, period: str,
                     scope: str) -> IndicatorDetail | None:
    from navdash import scorecard as core
    from navdash.periods import parse_period

    return core.indicator_detail(unit_id, indicator_id, parse_period(period), Path(db),
                                 mask=mask(db, version, scope))


@_cached(show_spinner=False, max_entries=64)
def _goals(db: str, version: int, unit: str, year: int):  # noqa: ANN202 - a navdash.goals.GoalsView or None
    from navdash import goals

    return goals.view(db, unit, year, with_priorities=False)


def goals_view(db: str, version: int, unit: str, year: int):  # noqa: ANN201 - a navdash.goals.GoalsView or None
    """The goals (cached with the data version) with the unit's priorities as they are now."""
    from navdash import goals

    view = _goals(db, version, unit, year)
    return goals.with_fresh(db, view) if view is not None else None


@_cached(show_spinner=False, max_entries=64)
def _goal_lists(db: str, version: int) -> tuple[list[int], int | None, dict[str, str]]:
    from navdash import goals

    return goals.target_years(db), goals.default_year(db), goals.indicator_choices(db)


def goal_lists(db: str, version: int) -> tuple[list[int], int | None, dict[str, str]]:
    """Years with targets or priorities (newest first), the latest target year, and the indicator choices."""
    from navdash import priorities

    target_years, latest, choices = _goal_lists(db, version)
    return sorted(set(target_years) | set(priorities.years(db)), reverse=True), latest, choices


def priority_history(db: str, version: int, unit: str, year: int) -> pd.DataFrame:
    from navdash import goals

    return goals.history(db, unit, year)


def practice_counts(db: str, version: int) -> dict[str, int]:
    """How many shared experiences name each indicator."""
    from navdash import practices

    return practices.counts_by_indicator(Path(db))


def comments(db: str, version: int, unit_id: str, period: str
             ) -> dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The fylke's comments on a unit's indicators for a period, as (text, who and when, the office's replies as
    (text, who and when)). The page shows them only for units the user may see, which is also every key this
    function is called with."""
    from navdash import meetings

    return {ind: c.thread() for ind, c in meetings.comments_for(Path(db), unit_id, period).items()}


@st.cache_resource(show_spinner=False, max_entries=16)
def meeting_snapshot(db: str, version: int, scope: str, meeting_id: int, opened_at: str):  # noqa: ANN201
    """A stored meeting's snapshot (a `snapshot.Snapshot`) as the scope may see it, parsed once: a stored snapshot
    never changes, so (meeting, opened_at) and the data version of the mask are the whole key. Frozen, so one
    object can be shared by every session."""
    from navdash import meetings

    meeting = meetings.load_meeting(Path(db), meeting_id)
    if meeting is None:
        raise ValueError(f"møtet {meeting_id} finnes ikke")
    snapshot = meeting.snapshot
    if not snapshot.demo and meta(db, version).get("demo") == "ja":  # stored before snapshots carried the mark
        snapshot = dataclasses.replace(snapshot, demo=True)
    return meetings.protected(snapshot, mask(db, version, scope))


# --- the comparison page ---------------------------------------------------------------------------------------


@_cached(show_spinner=False, max_entries=64)
def comparable_indicators(db: str, version: int) -> pd.DataFrame:
    from navdash import compare

    with store.reading(Path(db)) as con:
        return compare.comparable_indicators(con)


@_cached(show_spinner=False, max_entries=64)
def comparable_periods(db: str, version: int, indicator: str) -> list[str]:
    from navdash import compare

    with store.reading(Path(db)) as con:
        return compare.periods_with_data(con, indicator)


@_cached(show_spinner=False, max_entries=256)
def compare_candidates(db: str, version: int, parent: str | None, group: str | None, period: str,
                       classification: str = "sammenligningsgruppe") -> pd.DataFrame:
    from navdash import compare
    from navdash.periods import parse_period

    with store.reading(Path(db)) as con:
        return compare.units_under(con, parent, group, parse_period(period), classification)


@_cached(show_spinner="Beregner sammenligningen …", max_entries=256)
def comparison(db: str, version: int, units: tuple[str, ...], indicator: str, period: str,
               adjust: str | None, history: int, scope: str, ytd: bool = False):  # noqa: ANN201
    """The comparison (for the period, or year to date with `ytd`), each unit's last `history` periods of a share
    as the viewer (`scope`) may see them, and the units whose compared figure is withheld ("færre enn 5").
    Returns (Comparison, DataFrame, list)."""
    from navdash import compare
    from navdash.periods import parse_period

    end = parse_period(period)
    hidden = mask(db, version, scope)
    with store.reading(Path(db)) as con:
        c = compare.compare_units(con, list(units), indicator, end, adjust=adjust, mask=hidden, ytd=ytd)
        hist = (compare.history(con, list(units), indicator, end, history, mask=hidden) if c.funnel is not None
                else pd.DataFrame())
    summed = compare.compared_periods(end, ytd)
    return c, hist, [u for u in units if hidden.hides(u, indicator, summed)]


# --- the survey page -------------------------------------------------------------------------------------------


@_cached(show_spinner=False, max_entries=32)
def surveys(db: str, version: int) -> list[str]:
    from navdash import survey

    return survey.surveys(db)


@_cached(show_spinner=False, max_entries=32)
def survey_rounds(db: str, version: int, name: str) -> list[str]:
    from navdash import survey

    return survey.rounds(db, name)


@_cached(show_spinner=False, max_entries=32)
def survey_units(db: str, version: int) -> pd.DataFrame:
    from navdash import survey

    return survey.unit_table(db)


@_cached(show_spinner=False, max_entries=32)
def survey_threshold(db: str, version: int, name: str) -> int:
    from navdash import survey

    return survey.threshold_of(Path(db), name)


@_cached(show_spinner="Henter undersøkelsen …", max_entries=32)
def survey_published(db: str, version: int, name: str) -> pd.DataFrame:
    """The published table is the same for every user (it is what anyone may see), so one cache entry serves all.
    Raises survey.SurveyShapeError (not cached) when the stored counts are not a shape it can protect."""
    from navdash import survey

    return survey.published(Path(db), name)


# --- the quality page ------------------------------------------------------------------------------------------


@_cached(show_spinner="Henter nøkkelinformasjonen …", max_entries=256)
def quality_view(db: str, version: int, unit_id: str, period: str, scope: str):  # noqa: ANN201 - (view, frame)
    """A unit's quality key information and the side-by-side table, keyed by `scope`: what the viewer may see of
    figures about fewer than 5 people."""
    from navdash import quality
    from navdash.periods import parse_period

    with store.reading(Path(db)) as con:
        view = quality.build(con, unit_id, parse_period(period), mask(db, version, scope))
    return view, quality.side_by_side(view) if view else pd.DataFrame()
