"""Choices that live in the URL, so a link can be shared, and that take every click.

A widget without a key is identified by its arguments, `index` included. A picker whose `index` is computed from the
URL that the picker itself rewrites therefore becomes a new widget after every choice, and Streamlit throws away the
next click (choose oktober, get oktober; choose september, get oktober again). Every URL-backed widget here has a key,
takes its value from the URL only on the first run or when the URL was changed from outside (a link, a pasted
address), and otherwise keeps its own state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from navdash import access, approval
from navdash.access import User
from navdash.periods import parse_period
from navdash.ui import data
from navdash.ui.text import md

T = TypeVar("T")
_SEEN = "_url_seen"  # session state: param -> the text this session last wrote to (or found in) the URL


def from_url(key: str, param: str, resolve: Callable[[str | None], Any]) -> None:
    """Before a keyed widget is drawn: set its value to `resolve(url value)` when the widget is new or the URL no
    longer holds what this session last wrote there. `resolve` may show a message for a value it cannot use."""
    state = st.session_state
    seen: dict[str, str | None] = state.setdefault(_SEEN, {})
    wanted = st.query_params.get(param)
    if key not in state or param not in seen or seen[param] != wanted:
        state[key] = resolve(wanted)
        seen[param] = wanted


def to_url(param: str, text: str | None) -> None:
    """Write a choice back to the URL (None removes it) and remember it as this session's own."""
    if text is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = text
    st.session_state.setdefault(_SEEN, {})[param] = text


def url_select(label: str, options: Sequence[T], *, param: str, key: str, default: T,
               format_func: Callable[[T], str] = str, container: Any = None,
               unknown: Callable[[str], None] | None = None, help: str | None = None) -> T:  # noqa: A002
    """A selectbox backed by the URL parameter `param`. `default` is used when the URL has no usable value;
    `unknown(value)` is called for a value in the URL that is not among the options."""
    lookup = {str(o): o for o in options}

    def resolve(wanted: str | None) -> T:
        if wanted is not None and wanted not in lookup and unknown is not None:
            unknown(wanted)
        return lookup.get(wanted, default) if wanted is not None else default

    from_url(key, param, resolve)
    if st.session_state[key] not in options:  # the options changed under the choice (another indicator, a new month)
        st.session_state[key] = default
    chosen = (container or st).selectbox(label, options, key=key, format_func=format_func, help=help)
    to_url(param, str(chosen))
    return chosen


NOT_APPROVED = "Ingen måneder er godkjent for visning ennå. Tallene vises her når en analytiker har godkjent dem."


def no_months(user: User, db: str, version: int, missing: str) -> None:
    """Say why a page has no months: none approved for this viewer yet (approval on), or `missing` (none imported;
    a leader cannot be told to upload what only waits for approval)."""
    if data.viewer_until(db, version, user) is not None:
        st.info(NOT_APPROVED, icon=":material/hourglass_empty:")
    else:
        st.info(missing)


def unit_and_month(user: User, *, what: str, month_label: str = "Periode") -> tuple[str, str, str, int]:
    """(unit, month, db, data version) for a page. Only units the user may see are offered; an inaccessible or
    unknown unit or month in the URL is explained and replaced by the user's own unit and the latest month.
    `what` names the thing refused, e.g. "målekortet for enhet"."""
    db, version = data.source()
    options = data.unit_options(db, version, user.cache_key)
    labels = dict(options)
    months = data.months_with_data(db, version)
    if not months and options and data.viewer_until(db, version, user) is not None:
        st.info(NOT_APPROVED, icon=":material/hourglass_empty:")
        st.stop()
    if not months or not options:
        st.warning("Det finnes ingen månedstall ennå. Last opp verdier først.")
        st.stop()
    parents = data.unit_parents(db, version)

    def refuse_unit(unit_id: str) -> None:
        st.error(f"Du har ikke tilgang til {what} «{md(unit_id)}». Viser din egen enhet." if unit_id in parents
                 else f"Enheten «{md(unit_id)}» finnes ikke. Velg en enhet i menyen.")

    def refuse_month(period_key: str) -> None:
        st.error(f"Det finnes ingen tall for perioden «{md(period_key)}». Viser siste komplette måned.")

    own = user.unit_id if user.unit_id in labels else options[0][0]
    unit_id = url_select("Enhet", list(labels), param="enhet", key="valg_enhet", default=own,
                         format_func=lambda u: labels[u].strip(), container=st.sidebar, unknown=refuse_unit)
    # The default is the latest month the unit's offices have all delivered: one office's early file must not
    # move everyone's målekort to a month that compares one office with last year's fifteen.
    default = data.latest_complete_month(db, version, unit_id) or months[0]
    period_key = url_select(month_label, months, param="periode", key="valg_periode", default=default,
                            format_func=lambda p: parse_period(p).label(), container=st.sidebar,
                            unknown=refuse_month)
    approval_note(user, db, version, period_key, container=st.sidebar)
    return unit_id, period_key, db, version


def approval_note(user: User, db: str, version: int, period_key: str, container: Any = None) -> None:
    """With approval of months on, tell the analytiker (the only one who sees unapproved months) whether everyone
    else sees the chosen period; they see public periods only, so nothing needs saying to them."""
    if not (approval.required() and access.sees_unapproved_months(user)):
        return
    place = container or st
    done = data.month_approvals(db).get(period_key)
    if approval.within(data.public_until(db, version), period_key):
        place.caption(f":material/verified: Synlig for alle{f' – {md(done.text)}' if done else ''}.")
    elif done is not None:
        place.caption(f":material/visibility_off: Måneden er {md(done.text)}, men bare analytikere ser den til alle "
                      "månedene før den er godkjent.")
    elif parse_period(period_key).kind == "M":
        place.caption(":material/visibility_off: Måneden er ikke godkjent ennå – bare analytikere ser den.")
    else:
        place.caption(":material/visibility_off: Perioden er ikke godkjent ennå – bare analytikere ser den.")
