"""The text drawn on each page of a PDF, read back with pypdf (independently of the code that drew it): one string per
text-showing operation, which for the documents fpdf2 writes is one cell line or one heading line."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pages(document: bytes) -> list[list[str]]:
    """Per page, in page order, the strings drawn, one per text operation (a cell's line, a heading's line)."""
    out: list[list[str]] = []
    for page in PdfReader(io.BytesIO(document)).pages:
        texts: list[str] = []

        def visit(text: str, *_args: object, texts: list[str] = texts) -> None:
            if text.strip():  # pypdf puts the space or line break between two operations into their text
                texts.append(text.strip())

        page.extract_text(visitor_text=visit)
        out.append(texts)
    return out


def text(document: bytes) -> str:
    """Every string drawn in the document, one per line, pages in order."""
    return "\n".join(line for page in pages(document) for line in page)
