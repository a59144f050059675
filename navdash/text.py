"""The one way out for text a user or a file supplied: into markdown, into HTML, into a link, into a spreadsheet.

`escape` turns every character that can start markup into a numeric character reference (`[` -> `&#91;`). CommonMark
treats a character reference as a literal character, never as markup, and HTML decodes it to the same character,
so the same function is safe for Streamlit's markdown (titles, captions, error boxes, expander labels), for HTML
we build for `st.html` (element text and quoted attributes) and for plotly's text labels. No link, image, emphasis,
heading, table cell, math, HTML tag or autolinked address can come out of it.

`safe_link` lets through only `https://` addresses without characters that end a markdown link or an HTML
attribute; `spreadsheet_cell` neutralises formulas in CSV and XLSX exports (OWASP "CSV injection") and
`strip_formula_guard` undoes exactly that on import, so an export imports back unchanged.
"""

from __future__ import annotations

import re

# Characters that open markup anywhere in a line: emphasis, code, links and images, raw HTML, entities, tables, math,
# strikethrough, and the quotes that would end an HTML attribute.
_INLINE = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]<>&|$~\"'"}
# Characters that open a block only at the start of a line: headings, lists, quotes, setext underlines.
_LINE_START = re.compile(r"^(?:[#+\-=>]|\d+[.)])")
# Streamlit's markdown (remark-gfm) turns bare addresses into links after parsing, so character references alone do
# not stop `https://…`, `www.…`, `navn@domene.no` or `:red[…]`. An invisible WORD JOINER after such a colon, after `www`
# and after `@` breaks those patterns; the text reads and prints the same.
_AUTOLINK = re.compile(r"(?<=:)(?=//|[A-Za-z])|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)
_JOINER = "\u2060"


_SPACES = re.compile(r"[ \t\f\v]+")  # ASCII only: a no-break space in "82,4 %" or "2 104" stays


def _line(text: str) -> str:
    text = _AUTOLINK.sub(_JOINER, _SPACES.sub(" ", text).strip(" ")).translate(_INLINE)
    return _LINE_START.sub(lambda m: m.group()[:-1] + f"&#{ord(m.group()[-1])};", text)


def escape(text: object, keep_lines: bool = False) -> str:
    """`text` as literal characters in markdown or HTML. Runs of spaces and tabs become one space; with `keep_lines`
    the line breaks survive as markdown hard breaks (for the body of a markdown element, not inside HTML)."""
    lines = [_line(line) for line in str(text).splitlines()]
    return ("  \n" if keep_lines else " ").join(line for line in lines if line)


# An https address with no whitespace, no control characters and none of the characters that close or open markdown
# link syntax, quoted HTML attributes or tags: `https://x/a)![i](https://evil/...)` is refused.
_SAFE_LINK = re.compile(r"https://[^\s\x00-\x1f\x7f<>()\[\]{}\"'`\\|^!*]+")


def safe_link(url: object) -> str | None:
    """`url` when it may be put behind a link as it is, otherwise None (then show no link at all)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if _SAFE_LINK.fullmatch(url) and len(url) <= 2000 else None


# OWASP: a cell that starts with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def spreadsheet_cell(value: object) -> object:
    """A value for a CSV or XLSX cell: text that a spreadsheet would run as a formula gets a leading `'`.
    Numbers stay numbers (a negative number is not text and is written as a number)."""
    if isinstance(value, str) and value.lstrip(FORMULA_GUARD).startswith(FORMULA_START):
        return FORMULA_GUARD + value  # text that itself starts with '= gets one more, so import gives it back
    return value


def strip_formula_guard(text: str) -> str:
    """The inverse of `spreadsheet_cell` for text read from a file: `'=SUM(A1)` -> `=SUM(A1)`, `''=x` -> `'=x`.
    Text with a leading `'` before anything else is left as it is."""
    if text.startswith(FORMULA_GUARD) and text.lstrip(FORMULA_GUARD).startswith(FORMULA_START):
        return text[1:]
    return text


def shown(escaped: str) -> str:
    """What a reader sees of `escape(text)` (the text with whitespace collapsed); for tests and logs."""
    import html

    return html.unescape(escaped).replace(_JOINER, "")
