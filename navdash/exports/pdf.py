"""The PDF document every export draws on: A4 landscape, DejaVu Sans (bundled under assets/fonts, so æøå, en dash,
minus and the signal symbols print on any machine), a title line and the demo mark at the top of every page, the
stamp (data version and time) and the page number at the foot."""

from __future__ import annotations

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
        self.add_page()

    def header(self) -> None:
        self.set_y(7)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.doc_title, new_x="LMARGIN")
        if self.demo:
            self.set_font(FONT, "B", 9)
            self.set_text_color(*DEMO_RED)
            self.set_x(self.l_margin)
            self.cell(0, 4, DEMO_MARK, align="R", new_x="LMARGIN")
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.stamp, new_x="LMARGIN")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Side {self.page_no()} av {{nb}}", align="R")
        self.set_text_color(*INK)

    # --- building blocks ---------------------------------------------------------------------------------------

    def heading(self, text: str, size: float = 14, new_page: bool = False) -> None:
        if new_page:
            self.add_page()
        elif self.get_y() > self.h - 45:  # never a heading alone at the foot of a page
            self.add_page()
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 9, colour: tuple[int, int, int] = INK, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1)

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
              align: Sequence[str] | None = None, size: float = 8, bold_rows: Sequence[bool] = ()) -> None:
        """A table across the page with its headings repeated on every page it runs over; a row never splits.
        `widths` are relative; `align` is "L" or "R" per column; None or "" prints as –.

        Drawn here line by line rather than with fpdf2's `table()`, whose cell wrapping re-measures the whole line
        for every character: with the reasons behind the signals that took about 2 s per office."""
        scale = self.epw / sum(widths)
        cols = [w * scale for w in widths]
        align = [a[0].upper() for a in (align or ["L"] * len(headings))]
        line_h, pad = size * 0.42, 0.9

        def lines_of(row: Sequence[object]) -> list[list[str]]:
            return [self._wrap("–" if v is None or v == "" else str(v), w - 2 * pad) for v, w in zip(row, cols,
                                                                                                     strict=True)]

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

        self.set_font(FONT, "B", size)
        head = lines_of(headings)
        head_h = max(len(c) for c in head) * line_h + 2 * pad
        if self.get_y() + head_h + 2 * line_h > self.page_break_trigger:
            self.add_page()
        draw(head, True, HEADING_FILL)
        for i, row in enumerate(rows):
            bold = i < len(bold_rows) and bold_rows[i]
            self.set_font(FONT, "B" if bold else "", size)
            cells = lines_of(row)
            if self.get_y() + max(len(c) for c in cells) * line_h + 2 * pad > self.page_break_trigger:
                self.add_page()
                self.set_font(FONT, "B", size)
                draw(head, True, HEADING_FILL)
            draw(cells, bold, ZEBRA if i % 2 else None)
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
                    if line:
                        out.append(line)
                        line, line_w = "", 0.0
                    cut = len(word) - 1
                    while cut > 1 and self._width(word[:cut]) > width:
                        cut -= 1
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
