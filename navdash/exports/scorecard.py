"""The målekort as a file: a unit's styringsparametere with signals, targets and the reasons behind them, its key
information and the fylke's comments, as a PDF and an Excel workbook. It renders a scorecard already filtered for
the viewer (`scorecard.load` with the viewer's mask), so nothing the page would withhold is exported."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from navdash.exports import xlsx
from navdash.exports.pdf import Document
from navdash.exports.units import (
    COMMENT_COLUMNS,
    PARAMETER_COLUMNS,
    PARAMETER_WIDTHS,
    UnitSection,
    comment_sheet_rows,
    data_stamp,
    draw,
    parameter_rows,
)
from navdash.meetings import Comment
from navdash.snapshot import ParameterRow


@dataclass(frozen=True)
class CardExport:
    section: UnitSection
    period_label: str
    stamp: str
    demo: bool

    @property
    def title(self) -> str:
        return f"Målekort for {self.section.label} – {self.period_label}"

    def file_name(self, extension: str) -> str:
        return f"malekort-{self.section.unit_id}-{self.period_label.replace(' ', '-')}.{extension}"


def coverage_text(card: object) -> str | None:
    coverage = getattr(card, "coverage", None)
    if coverage is None or coverage.expected == 0:
        return None
    return f"{coverage.text} har levert tall for måneden" + ("" if coverage.complete else " (ikke komplett)")


def section(card: object, comments: Mapping[str, Comment], points: tuple = (), carried: frozenset[int] = frozenset()
            ) -> UnitSection:
    """A `scorecard.Scorecard` as an export section."""
    return UnitSection(card.unit.unit_id, card.unit.name, tuple(ParameterRow.of(r) for r in card.steering),
                       comments, tuple(points), carried, coverage_text(card),
                       tuple(ParameterRow.of(r) for r in card.key_information))


def export(card: object, comments: Mapping[str, Comment], version: int, published_at: str | None,
           demo: bool) -> CardExport:
    return CardExport(section(card, comments), card.period.label(), data_stamp(version, published_at), demo)


def pdf(e: CardExport, *, compress: bool = True) -> bytes:
    doc = Document(e.title, e.stamp, e.demo, compress=compress)
    doc.heading(e.title, size=16)
    doc.paragraph("Hittil i år sammenlignes med samme periode i fjor. Endringer i andeler er i prosentpoeng (pp). "
                  "Begrunnelsen for hvert signal og hver vurdering mot mål står etter tabellen.")
    draw(doc, e.section, heading=False)
    return doc.bytes()


def workbook(e: CardExport) -> bytes:
    book = xlsx.Book(e.title, e.stamp, e.demo)
    book.sheet("Styringsparametere", PARAMETER_COLUMNS, parameter_rows(e.section), PARAMETER_WIDTHS)
    if e.section.key_information:
        book.sheet("Nøkkelinformasjon", PARAMETER_COLUMNS[:12],
                   [r[:12] for r in parameter_rows(e.section, e.section.key_information)], PARAMETER_WIDTHS[:12])
    book.sheet("Kommentarer", COMMENT_COLUMNS, comment_sheet_rows([e.section]), (9, 28, 8, 70, 24, 11))
    return book.bytes()
