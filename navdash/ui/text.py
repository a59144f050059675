"""Putting text from users and files into Streamlit's markdown and our HTML: one function, `md`, for both.

It is `navdash.text.escape` (core code such as the meeting pack's HTML uses the same function); see there why a
numeric character reference is safe in markdown and in HTML alike.
"""

from __future__ import annotations

from navdash.text import escape as md
from navdash.text import safe_link

__all__ = ["md", "safe_link"]
