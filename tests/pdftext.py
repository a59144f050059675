"""The text drawn on each page of an uncompressed PDF, read from the bytes alone (no PDF library): the content streams'
text operators decoded through each font's ToUnicode map. Enough for the documents fpdf2 writes with
`compress=False` (embedded Unicode fonts, two-byte glyph codes, literal strings); tests use it to find what a reader
would see, independently of the code that drew it."""

from __future__ import annotations

import re

_OBJECT = re.compile(rb"(\d+) 0 obj\b(.*?)\bendobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT_REF = re.compile(rb"/(F\d+) (\d+) 0 R")
_STRING = rb"\((?:\\.|[^\\)])*\)"
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|(" + _STRING + rb")\s*Tj|\[((?:\s*(?:" + _STRING + rb"|-?[\d.]+))*)\s*\]\s*TJ"
                    rb"|(BT)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(literal: bytes) -> bytes:
    """The bytes of a PDF literal string `(…)`, its backslash escapes resolved."""
    out, i, body = bytearray(), 0, literal[1:-1]
    while i < len(body):
        c = body[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        elif nxt in (b"\n", b"\r"):  # a line continuation
            i += 2
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    """A ToUnicode CMap's code -> text (bfchar pairs and bfrange runs)."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(start, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(first + n)
    return out


def pages(document: bytes) -> list[list[str]]:
    """Per page, in page order, the strings drawn, one per text object (a cell's line, a heading's line)."""
    objects = {int(n): body for n, body in _OBJECT.findall(document)}
    fonts: dict[bytes, dict[int, str]] = {}
    for name, ref in _FONT_REF.findall(document):
        font = objects[int(ref)]
        unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", font)
        if unicode_ref:
            fonts[name] = _cmap(_STREAM.search(objects[int(unicode_ref.group(1))]).group(1))
    tree = next(body for body in objects.values() if re.search(rb"/Type /Pages\b", body))
    out = []
    for ref in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", tree, re.S).group(1)):
        page = objects[int(ref)]
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", page).group(1))]
        if b"/Filter" in content.split(b"stream", 1)[0]:
            raise ValueError("the page's content is compressed: make the PDF with compress=False")
        texts: list[str] = []
        cmap: dict[int, str] = {}
        current: list[str] | None = None
        for m in _TOKEN.finditer(_STREAM.search(content).group(1)):
            font, single, array, begin = m.groups()
            if font:
                cmap = fonts.get(font, {})
            elif begin:
                current = None
            else:
                strings = [single] if single else re.findall(_STRING, array)
                raw = b"".join(_unescape(s) for s in strings)
                text = "".join(cmap.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd") for i in range(0, len(raw), 2))
                if current is None:
                    current = []
                    texts.append("")
                texts[-1] += text
        out.append(texts)
    return out


def text(document: bytes) -> str:
    """Every string drawn in the document, one per line, pages in order."""
    return "\n".join(line for page in pages(document) for line in page)
