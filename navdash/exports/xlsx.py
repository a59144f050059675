"""Workbooks with Norwegian number formats: a share is stored as a fraction with a % format (0,430 shows as
43,0 %), a count as an integer with thousands separators, a change in a share in percentage points. Excel and
LibreOffice show the decimal comma and the space as thousands separator from the reader's Norwegian settings.
Every text cell goes through `navdash.text.spreadsheet_cell`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from navdash.exports.pdf import DEMO_MARK
from navdash.snapshot import Figure
from navdash.text import spreadsheet_cell

SHARE = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.0"
KRONER = '#,##0" kr"'
POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'
SIGNED_COUNT = "+#,##0;-#,##0;0"
SIGNED_DECIMAL = "+#,##0.0;-#,##0.0;0.0"
HEADER_ROW = 4


def value_format(measure: str) -> str:
    return {"prosent": SHARE, "antall": COUNT, "kroner": KRONER}.get(measure, DECIMAL)


def change_format(measure: str) -> str:
    return {"prosent": POINTS, "antall": SIGNED_COUNT, "kroner": SIGNED_COUNT}.get(measure, SIGNED_DECIMAL)


def stored(value: float | None, measure: str) -> float | None:
    """A value as the cell stores it: shares as fractions (43,0 % -> 0.43), everything else as it is."""
    if value is None:
        return None
    return value / 100 if measure == "prosent" else value


@dataclass(frozen=True)
class Cell:
    """A cell value with its number format."""

    value: Any
    number_format: str | None = None


def figure(f: Figure, measure: str, key: str = "value") -> Cell | str:
    """A snapshot figure: «færre enn 5» as text when withheld; the base (teller, nevner) as counts."""
    if f.withheld:
        return f.shown(key)
    if key == "value":
        return Cell(stored(f.value, measure), value_format(measure))
    return Cell(getattr(f, key), COUNT)


def change(value: float | None, measure: str) -> Cell:
    return Cell(value, change_format(measure))


class Book:
    """A workbook whose every sheet starts with the title, the stamp and (for demo data) the demo mark."""

    def __init__(self, title: str, stamp: str, demo: bool) -> None:
        self.title, self.stamp, self.demo = title, stamp, demo
        self.wb = Workbook()
        self._first = True

    def sheet(self, name: str, headings: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float] = ()) -> Worksheet:
        if self._first:
            ws = self.wb.active
            ws.title = name
            self._first = False
        else:
            ws = self.wb.create_sheet(name)
        ws["A1"] = spreadsheet_cell(self.title)
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = spreadsheet_cell(self.stamp)
        if self.demo:
            ws["A3"] = DEMO_MARK
            ws["A3"].font = Font(bold=True, color="A80000")
        for col, text in enumerate(headings, start=1):
            cell = ws.cell(HEADER_ROW, col, spreadsheet_cell(text))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(rows, start=HEADER_ROW + 1):
            for col, value in enumerate(row, start=1):
                if isinstance(value, Cell):
                    cell = ws.cell(r, col, value.value)
                    if value.number_format:
                        cell.number_format = value.number_format
                else:
                    ws.cell(r, col, spreadsheet_cell(value))
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
        ws.oddFooter.center.text = self.stamp + (" · DEMODATA" if self.demo else "")
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(HEADER_ROW, col).column_letter].width = width
        return ws

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()
