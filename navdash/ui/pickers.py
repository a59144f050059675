"""The sidebar's unit and month choice shared by pages, read from and written back to the URL."""

from __future__ import annotations

import streamlit as st

from navdash.access import User
from navdash.periods import parse_period
from navdash.ui import data
from navdash.ui.text import md


def unit_and_month(user: User, *, what: str, month_label: str = "Periode") -> tuple[str, str, str, int]:
    """(unit, month, db, data version) for a page. Only units the user may see are offered; an inaccessible or
    unknown unit or month in the URL is explained and replaced by the user's own unit and the latest month.
    `what` names the thing refused, e.g. "målekortet for enhet"."""
    db, version = data.source()
    options = data.unit_options(db, version, user.cache_key)
    labels = dict(options)
    months = data.months_with_data(db, version)
    if not months or not options:
        st.warning("Det finnes ingen månedstall ennå. Last opp verdier først.")
        st.stop()
    params = st.query_params
    unit_id = params.get("enhet") or user.unit_id
    if unit_id not in labels:
        known = unit_id in data.unit_parents(db, version)
        st.error(f"Du har ikke tilgang til {what} «{md(unit_id)}». Viser din egen enhet." if known
                 else f"Enheten «{md(unit_id)}» finnes ikke. Velg en enhet i menyen.")
        unit_id = user.unit_id if user.unit_id in labels else options[0][0]
    period_key = params.get("periode") or months[0]
    if period_key not in months:
        st.error(f"Det finnes ingen tall for perioden «{md(period_key)}». Viser siste måned med tall.")
        period_key = months[0]
    unit_id = st.sidebar.selectbox("Enhet", list(labels), index=list(labels).index(unit_id),
                                   format_func=lambda u: labels[u].strip())
    period_key = st.sidebar.selectbox(month_label, months, index=months.index(period_key),
                                      format_func=lambda p: parse_period(p).label())
    params["enhet"], params["periode"] = unit_id, period_key
    return unit_id, period_key, db, version
