"""Download buttons (PDF and Excel) for the meeting pack, the målekort, the comparison table and the tertial reports.
The files are built only when a button is pressed (Streamlit runs the callable then, on its own thread), so showing
the page costs nothing extra."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from navdash import meetings, tertial
from navdash.exports import comparison, scorecard, tertial_report
from navdash.ui import data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def buttons(what: str, pdf: Callable[[], bytes], xlsx: Callable[[], bytes], name: Callable[[str], str]) -> None:
    row = st.container(horizontal=True)  # side by side, and below each other on a narrow screen
    row.download_button(f"{what} (PDF)", pdf, file_name=name("pdf"), mime="application/pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:")
    row.download_button(f"{what} (Excel)", xlsx, file_name=name("xlsx"), mime=XLSX, on_click="ignore",
                        icon=":material/table_view:")


def scorecard_buttons(card: object, db: str, version: int) -> None:
    """PDF and Excel of the målekort as the viewer sees it (the card passed the viewer's mask), with comments."""
    meta = data.meta(db, version)

    def build() -> scorecard.CardExport:
        comments = meetings.comments_for(Path(db), card.unit.unit_id, card.period.key)
        return scorecard.export(card, comments, version, meta.get("published_at"), meta.get("demo") == "ja")

    buttons("Last ned målekortet", lambda: scorecard.pdf(build()), lambda: scorecard.workbook(build()),
             lambda ext: f"malekort-{card.unit.unit_id}-{card.period.key}.{ext}")


def comparison_buttons(c: object, hist: pd.DataFrame, withheld: Sequence[tuple[str, str]], order: Sequence[str],
                       indicator_name: str, scope: str, db: str, version: int) -> None:
    """PDF and Excel of the comparison table, in the page's order, for the period or year to date as shown."""
    meta = data.meta(db, version)

    def build() -> comparison.ComparisonExport:
        return comparison.export(c, hist, withheld, order, indicator_name, scope, version,
                                 meta.get("published_at"), meta.get("demo") == "ja")

    buttons("Last ned sammenligningen", lambda: comparison.pdf(build()), lambda: comparison.workbook(build()),
             lambda ext: comparison.file_name(c, ext))


def tertial_buttons(report: tertial.Report, db: str, version: int) -> None:
    """PDF and Excel of one office's tertial report as stored (its målekort part frozen with its data version)."""
    demo = data.meta(db, version).get("demo") == "ja"
    buttons("Last ned tertialrapporten", lambda: tertial_report.pdf(report, demo),
            lambda: tertial.export_xlsx([report]),
            lambda ext: f"tertialrapport-{report.unit_id}-{report.year}-T{report.tertial}.{ext}")


def fylke_tertial_buttons(fylke: tuple[str, str], year: int, term: int,
                          rows: Sequence[tuple[str, str, tertial.Report | None]], db: str, version: int) -> None:
    """PDF (an overview of every office, then each report) and Excel of the fylke's reports, in the order given."""
    demo = data.meta(db, version).get("demo") == "ja"
    reports = [r for _, _, r in rows if r is not None]
    buttons("Last ned kontorenes tertialrapporter", lambda: tertial_report.fylke_pdf(fylke, year, term, rows, demo),
            lambda: tertial.export_xlsx(reports), lambda ext: f"tertialrapporter-{fylke[0]}-{year}-T{term}.{ext}")
