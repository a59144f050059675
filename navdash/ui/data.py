"""Cached access to the core for pages.

`st.cache_data` is shared by every session in the process, so every cached function takes the data version
(which changes with each publish) and the database path as arguments: a new import is never hidden behind an
old cache entry, and tests with different databases never share entries.

What users write (priorities, comments, experiences, meetings) lives in the application database and is read fresh
on every run: those reads are small indexed queries, and a comment must show at once for everyone, on every app
server, without touching the cached analytics. The loaders below keep the `version` argument so pages call every
loader the same way; for app records it is not a cache key.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from navdash import access, disclosure, overview, store

if TYPE_CHECKING:
    from navdash.scorecard import IndicatorDetail


def source() -> tuple[str, int]:
    """The database path and its published data version, the key of every cached read."""
    path = store.db_path()
    return str(path), store.data_version(path)


@st.cache_data(show_spinner=False, max_entries=64)
def units(db: str, version: int) -> pd.DataFrame:
    return overview.units(Path(db))


@st.cache_data(show_spinner=False, max_entries=64)
def data_status(db: str, version: int) -> pd.DataFrame:
    return overview.data_status(Path(db))


@st.cache_data(show_spinner=False, max_entries=64)
def value_coverage(db: str, version: int) -> dict[str, object]:
    return overview.value_coverage(Path(db))


@st.cache_data(show_spinner=False, max_entries=64)
def meta(db: str, version: int) -> dict[str, str]:
    return store.meta(Path(db))


@st.cache_data(show_spinner=False, max_entries=64)
def unit_parents(db: str, version: int) -> dict[str, str | None]:
    return overview.unit_parents(Path(db))


@st.cache_data(show_spinner=False, max_entries=256)
def unit_options(db: str, version: int, scope: str) -> list[tuple[str, str]]:
    """The units the user may pick, in tree order. `scope` is the user's cache key (role and unit), so a cached
    list is only ever served to users who may see exactly those units."""
    role, _, unit = scope.partition(":")
    visible = access.visible_units(access.User("", role, unit), overview.unit_parents(Path(db)))
    return [(u, label) for u, label in overview.unit_options(Path(db)) if u in visible]


def visible_units(user: access.User | None) -> frozenset[str]:
    if user is None:
        return frozenset()
    db, version = source()
    return access.visible_units(user, unit_parents(db, version))


@st.cache_data(show_spinner=False, max_entries=64)
def months_with_data(db: str, version: int) -> list[str]:
    return overview.months_with_data(Path(db))


def scope(user: access.User | None) -> str:
    """The key of what the user may see of small numbers; every cached result with figures about people is keyed
    on it, so a figure shown in clear to a leader is never served to anyone else from the cache."""
    return access.clearance(user).key


@st.cache_data(show_spinner=False, max_entries=32)
def mask(db: str, version: int, scope: str) -> disclosure.Mask:
    return disclosure.mask_for(access.clearance_from_key(scope), Path(db))


@st.cache_data(show_spinner=False, max_entries=256)
def latest_complete_month(db: str, version: int, unit_id: str) -> str | None:
    """The default month for a unit: the latest month every office under it has delivered."""
    return overview.latest_complete_month(Path(db), unit_id)


@st.cache_data(show_spinner=False, max_entries=64)
def month_coverage(db: str, version: int, months: int) -> pd.DataFrame:
    return overview.month_coverage(Path(db), months)


@st.cache_data(show_spinner="Henter målekortet …", max_entries=256)
def scorecard(db: str, version: int, unit_id: str, period: str, scope: str):  # noqa: ANN201 - a scorecard.Scorecard
    from navdash import scorecard as core

    return core.load(unit_id, period, Path(db), mask(db, version, scope))


@st.cache_data(show_spinner=False, max_entries=256)
def indicator_detail(db: str, version: int, unit_id: str, indicator_id: str, period: str,
                     scope: str) -> IndicatorDetail | None:
    from navdash import scorecard as core
    from navdash.periods import parse_period

    return core.indicator_detail(unit_id, indicator_id, parse_period(period), Path(db),
                                 mask=mask(db, version, scope))


@st.cache_data(show_spinner=False, max_entries=64)
def _goals(db: str, version: int, unit: str, year: int):  # noqa: ANN202 - a navdash.goals.GoalsView or None
    from navdash import goals

    return goals.view(db, unit, year, with_priorities=False)


def goals_view(db: str, version: int, unit: str, year: int):  # noqa: ANN201 - a navdash.goals.GoalsView or None
    """The goals (cached with the data version) with the unit's priorities as they are now."""
    from navdash import goals

    view = _goals(db, version, unit, year)
    return goals.with_fresh(db, view) if view is not None else None


@st.cache_data(show_spinner=False, max_entries=64)
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
