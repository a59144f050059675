"""The PDF document every export draws on: A4 landscape, DejaVu Sans (bundled under assets/fonts, so æøå, en dash,
minus and the signal symbols print on any machine), a title line and the demo mark at the top of every page, the
stamp (data version and time) and the page number at the foot.

Every text goes through `Document.safe` on its way in: the PDF draws text, never markup, but control characters,
direction overrides and characters the font lacks would print as gaps or reorder a line, and fpdf2 replaces its
page-count alias wherever it appears (so an invisible joiner breaks the alias in any text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT = "DejaVu"
DEMO_MARK = "DEMODATA – tallene for kontorene er laget for demonstrasjon"
INK = (35, 38, 42)
GREY = (79, 79, 79)
DEMO_RED = (168, 0, 0)
HEADING_FILL = (232, 232, 232)
ZEBRA = (247, 247, 247)
PAGE_COUNT = "{nb}"  # fpdf2's alias for the number of pages, replaced wherever it is drawn
JOINER = "\u2060"  # WORD JOINER: drawn with no width; `safe` puts one inside the alias in any text
MISSING = "?"  # a character the font cannot draw
HEADER_GAP = 5  # mm between the running title and the demo mark
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")


class Document(FPDF):
    """An A4 landscape PDF with the running title, demo mark, stamp and page numbers."""

    def __init__(self, title: str, stamp: str, demo: bool, *, compress: bool = True) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.doc_title, self.stamp, self.demo = title, stamp, demo
        self._widths: dict[tuple[str, str, float, str], float] = {}
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(12, 16, 12)
        self.c_margin = 0  # cells are padded by the table itself
        self.set_auto_page_break(True, margin=16)
        self.set_title(title)
        self.set_lang("nb")
        self.set_creator("navdash")
        self.compress = compress
        self.set_text_color(*INK)
        self.alias_nb_pages(PAGE_COUNT)
        self._glyphs = frozenset(self.fonts[FONT.lower()].cmap)
        self.add_page()

    def safe(self, text: object) -> str:
        """`text` as it can be drawn: line breaks kept (\\r\\n, \\r and the Unicode line and paragraph separators
        become \\n), tabs as spaces, other control and format characters (direction overrides, zero-width marks)
        dropped, private-use characters and characters the font has no glyph for as `MISSING`, and the page-count
        alias broken so that it prints as written."""
        out = []
        for ch in _LINE_BREAKS.sub("\n", str(text)).replace("\t", " "):
            if ch == "\n" or ch == " ":
                out.append(ch)
                continue
            category = unicodedata.category(ch)
            if category in ("Cc", "Cf"):
                continue
            out.append(ch if category not in ("Co", "Cs", "Cn") and ord(ch) in self._glyphs else MISSING)
        return "".join(out).replace(PAGE_COUNT, PAGE_COUNT[0] + JOINER + PAGE_COUNT[1:])

    def header(self) -> None:
        self.set_y(7)
        room = self.w - self.l_margin - self.r_margin
        if self.demo:  # the title stops short of the demo mark on the same line
            self.set_font(FONT, "B", 9)
            room -= self.get_string_width(DEMO_MARK) + HEADER_GAP
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.fitted(self.safe(self.doc_title), room), new_x="LMARGIN")
        if self.demo:
            self.set_font(FONT, "B", 9)
            self.set_text_color(*DEMO_RED)
            self.set_x(self.l_margin)
            self.cell(0, 4, DEMO_MARK, align="R", new_x="LMARGIN")
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def fitted(self, text: str, width: float) -> str:
        """`text` cut at a word with "…" so that it is at most `width` wide in the current font."""
        if self.get_string_width(text) <= width:
            return text
        words = text.split(" ")
        while len(words) > 1 and self.get_string_width(" ".join(words) + " …") > width:
            words.pop()
        cut = " ".join(words)
        while cut and self.get_string_width(cut + " …") > width:  # one very long word
            cut = cut[:-1]
        return cut.rstrip() + " …"

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.safe(self.stamp), new_x="LMARGIN")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Side {self.page_no()} av {PAGE_COUNT}", align="R")
        self.set_text_color(*INK)

    # --- building blocks ---------------------------------------------------------------------------------------

    def heading(self, text: str, size: float = 14, new_page: bool = False) -> None:
        if new_page:
            self.add_page()
        elif self.get_y() > self.h - 45:  # never a heading alone at the foot of a page
            self.add_page()
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 9, colour: tuple[int, int, int] = INK, bold: bool = False,
                  width: float = 0) -> None:
        """Text across the page, or in a narrower column of `width` mm (prose reads better in shorter lines)."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(width, size * 0.45, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1)

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
              align: Sequence[str] | None = None, size: float = 8, bold_rows: Sequence[bool] = ()) -> None:
        """A table across the page with its headings repeated on every page it runs over; a row never splits unless
        it is taller than a page.
        `widths` are relative; `align` is "L" or "R" per column; None or "" prints as –.

        Drawn here line by line rather than with fpdf2's `table()`, whose cell wrapping re-measures the whole line
        for every character: with the reasons behind the signals that took about 2 s per office."""
        scale = self.epw / sum(widths)
        cols = [w * scale for w in widths]
        align = [a[0].upper() for a in (align or ["L"] * len(headings))]
        line_h, pad = size * 0.42, 0.9

        def lines_of(row: Sequence[object]) -> list[list[str]]:
            return [self._wrap("–" if v is None or v == "" else self.safe(v), w - 2 * pad)
                    for v, w in zip(row, cols, strict=True)]

        def draw(cells: list[list[str]], bold: bool, fill: tuple[int, int, int] | None) -> None:
            height = max(len(c) for c in cells) * line_h + 2 * pad
            y = self.get_y()
            if fill:
                self.set_fill_color(*fill)
                self.rect(self.l_margin, y, self.epw, height, "F")
            self.set_font(FONT, "B" if bold else "", size)
            x = self.l_margin
            for col_lines, width, a in zip(cells, cols, align, strict=True):
                for i, text in enumerate(col_lines):
                    self.set_xy(x + pad, y + pad + i * line_h)
                    self.cell(width - 2 * pad, line_h, text, align=a)
                x += width
            self.set_draw_color(200, 200, 200)
            self.line(self.l_margin, y + height, self.l_margin + self.epw, y + height)
            self.set_xy(self.l_margin, y + height)

        def new_page() -> None:
            self.add_page()
            draw(head, True, HEADING_FILL)

        def room() -> int:  # lines of a row that fit below the current position
            return int((self.page_break_trigger - self.get_y() - 2 * pad) // line_h)

        self.set_font(FONT, "B", size)
        head = lines_of(headings)
        head_h = max(len(c) for c in head) * line_h + 2 * pad
        if self.get_y() + head_h + 2 * line_h > self.page_break_trigger:
            self.add_page()
        draw(head, True, HEADING_FILL)
        page_room = int((self.page_break_trigger - self.t_margin - head_h - 2 * pad) // line_h)
        for i, row in enumerate(rows):
            bold = i < len(bold_rows) and bold_rows[i]
            self.set_font(FONT, "B" if bold else "", size)
            cells = lines_of(row)
            fill = ZEBRA if i % 2 else None
            fresh = False  # just began a page: never another empty one, split the row instead
            while max(len(c) for c in cells) > room():
                if not fresh and (max(len(c) for c in cells) <= page_room or room() < 3):
                    new_page()  # a row that fits on a page is never split
                    fresh = True
                    continue
                # A row taller than a whole page (long texts): what fits here, the rest on the next page.
                here = max(room(), 1)
                draw([c[:here] for c in cells], bold, fill)
                cells = [c[here:] for c in cells]
                new_page()
                fresh = True
            draw(cells, bold, fill)
        self.ln(3)

    def _width(self, text: str) -> float:
        """`get_string_width`, remembered per font, style and size: the same words recur on every page."""
        key = (self.font_family, self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.get_string_width(text)
        return width

    def _wrap(self, text: str, width: float) -> list[str]:
        """Lines of `text` no wider than `width` in the current font, broken at spaces (and inside a word only
        when the word alone is too wide); line breaks in the text are kept."""
        out: list[str] = []
        space = self._width(" ")
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split(" "):
                word_w = self._width(word)
                while word_w > width and len(word) > 1:  # a word wider than the column: break it
                    room = width - line_w - space if line else width
                    cut = len(word) - 1
                    while cut > 0 and self._width(word[:cut]) > room:
                        cut -= 1
                    if line:  # fill the line it starts on (a bullet is not left alone), else begin a new one
                        out.append(f"{line} {word[:cut]}" if cut >= 3 else line)
                        line, line_w = "", 0.0
                        if cut < 3:
                            continue
                    else:
                        cut = max(cut, 1)
                        out.append(word[:cut])
                    word = word[cut:]
                    word_w = self._width(word)
                if line and line_w + space + word_w > width:
                    out.append(line)
                    line, line_w = word, word_w
                else:
                    line, line_w = (f"{line} {word}", line_w + space + word_w) if line else (word, word_w)
            out.append(line)
        return out

    def bytes(self) -> bytes:
        return bytes(self.output())
