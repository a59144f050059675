"""The office leader's answer to the fylke's comments, the same form on the målekort and in the meeting."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from navdash import access, meetings
from navdash.ui.saving import saving
from navdash.ui.text import md


def reply_form(db: str | Path, user: access.User | None, unit_id: str, period: str,
               comments: Mapping[str, object], names: Mapping[str, str], key: str) -> None:
    """An expander with a form to answer one of the comments on the unit's numbers for the period; shown only to
    the office's own leader and only when there is a comment to answer."""
    if not comments or not access.can_answer_comment(user, unit_id):
        return
    with st.expander("Svar på en kommentar fra fylket", icon=":material/reply:"), st.form(key, clear_on_submit=True):
        ids = [i for i in names if i in comments]
        indicator = st.selectbox("Kommentar til", ids, format_func=lambda i: f"{i} {names[i]}", key=f"{key}_ind")
        text = st.text_area("Svar", max_chars=meetings.MAX_REPLY, key=f"{key}_text")
        if st.form_submit_button("Send svaret"):
            try:
                with saving():
                    meetings.answer_comment(db, user, unit_id, indicator, period, text)
                    st.rerun()
            except (ValueError, PermissionError) as exc:
                st.error(md(exc))
