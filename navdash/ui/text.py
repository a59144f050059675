"""Putting text from the database into Markdown safely."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:])")


def md(text: object, keep_lines: bool = False) -> str:
    """Text from the database as literal markdown: no links, emphasis, math or directives can sneak in."""
    lines = [_MD_SPECIAL.sub(r"\\\1", " ".join(line.split())) for line in str(text).splitlines()]
    return ("  \n" if keep_lines else " ").join(line for line in lines if line)
