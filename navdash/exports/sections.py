"""One unit's part of an export: its styringsparametere (figures, signal and target verdict), the reasons behind
each signal and verdict, the fylke's comments and the follow-up points, in the same order and words as the målekort.
The meeting pack has one such part per office, the målekort export one, the statistics package one per file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from navdash import fmt
from navdash.exports import xlsx
from navdash.exports.pdf import Document
from navdash.meetings import STATUS_TEXT, Comment, Followup
from navdash.periods import parse_period
from navdash.snapshot import ParameterRow, time_text

SYMBOL = {"special_cause_concern": "▼", "special_cause_improvement": "▲", "common_cause": "●",
          "special_cause_neither": "◆"}
STATUS_SYMBOL = {"oppfylt": "✓", "ikke_oppfylt": "✗", "normal_variasjon": "≈"}


@dataclass(frozen=True)
class UnitSection:
    unit_id: str
    name: str
    rows: tuple[ParameterRow, ...]  # the styringsparametere, in the målekort's order
    comments: Mapping[str, Comment]  # by indicator
    points: tuple[Followup, ...] = ()
    carried: frozenset[int] = frozenset()  # ids of points carried over from earlier meetings
    coverage: str | None = None  # «14 av 15 kontorer har levert tall»
    key_information: tuple[ParameterRow, ...] = ()
    with_changes: bool = False  # a meeting: show what changed since the previous meeting

    @property
    def label(self) -> str:
        return f"{self.unit_id} {self.name}"

    @property
    def open_points(self) -> tuple[Followup, ...]:
        return tuple(p for p in self.points if p.status != "lukket")


def signal_text(row: ParameterRow) -> str:
    symbol = SYMBOL.get(row.variation or "")
    return f"{symbol} {row.variation_text}" if symbol else row.variation_text


def status_text(row: ParameterRow) -> str:
    if row.status is None:
        return "Ingen resultatkrav"
    symbol = STATUS_SYMBOL.get(row.status)
    return f"{symbol} {row.status_text}" if symbol else row.status_text


def point_origin(point: Followup, carried: frozenset[int]) -> str:
    origin = parse_period(point.meeting_period).label() if point.meeting_period else "ukjent møte"
    return origin + (" (videreført)" if point.followup_id in carried else "")


# --- PDF ------------------------------------------------------------------------------------------------------

def _shown_change(r: ParameterRow) -> str:
    """The change hittil i år as the målekort page shows it: from the two values as printed beside it (rounded),
    so «14» against «13» reads «+1» in the file as on the screen."""
    if r.change_ytd is None:  # missing or withheld
        return fmt.measure_change(None, r.measure)
    return fmt.change_between(r.ytd.value, r.ytd_last.value, r.measure)


def _figure_rows(rows: Sequence[ParameterRow], with_target: bool, with_changes: bool) -> list[list[str]]:
    out = []
    for r in rows:
        base = ""
        if not r.this_period.withheld and r.this_period.numerator is not None \
                and r.this_period.denominator is not None:
            base = f"\n{fmt.number(r.this_period.numerator)} av {fmt.number(r.this_period.denominator)}"
        note = f"\n{r.coverage_note}" if r.coverage_note else ""
        line = [r.indicator_id, r.name + note, r.this_period.text(r.measure) + base, r.ytd.text(r.measure),
                r.ytd_last.text(r.measure), _shown_change(r), signal_text(r)]
        if with_target:
            line.append(f"{r.target_text}\n{status_text(r)}" if r.target_text else status_text(r))
        if with_changes:
            line.append(r.changes)
        out.append(line)
    return out


def draw_parameters(doc: Document, rows: Sequence[ParameterRow], with_changes: bool = False
                    ) -> tuple[list[str], list[str]]:
    """The styringsparametere's figures with signal and target verdict, then the reasons behind each signal and
    verdict. Returns the figure table's headings and alignment (the key information reuses them)."""
    headings = ["MK ID", "Styringsparameter", "Denne perioden", "Hittil i år", "Hittil i fjor", "Endring hittil",
                "Signal", "Resultatkrav og status"]
    widths = [18, 60, 26, 20, 20, 20, 38, 75]
    if with_changes:
        headings.append("Endret siden forrige møte")
        widths[1], widths[7] = 48, 43
        widths.append(44)
    align = ["L", "L", "R", "R", "R", "R"] + ["L"] * (len(headings) - 6)
    if rows:
        doc.table(headings, _figure_rows(rows, True, with_changes), widths, align,
                  bold_rows=[r.variation == "special_cause_concern" for r in rows])
    else:
        doc.paragraph("Enheten har ingen styringsparametere med tall for perioden.")

    reasons = [[r.indicator_id, signal_text(r), r.signal_reason, status_text(r), r.status_reason]
               for r in rows if r.signal_reason or r.status_reason]
    if reasons:
        doc.heading("Signaler og vurderinger – begrunnelser", size=11)
        doc.table(["MK ID", "Signal", "Hvorfor", "Mål", "Hvorfor"], reasons, [18, 36, 95, 33, 95], size=7)

    return headings, align


def draw(doc: Document, section: UnitSection, new_page: bool = True, heading: bool = True) -> None:
    """The unit's part of a PDF: figures, reasons, comments and follow-up points (under the unit's name as a
    heading, unless the document's title already names it)."""
    if heading:
        doc.heading(section.label, new_page=new_page)
    if section.coverage:
        doc.paragraph(f"{section.coverage[0].upper()}{section.coverage[1:]}.")
    headings, align = draw_parameters(doc, section.rows, section.with_changes)

    if section.key_information:
        doc.heading("Nøkkelinformasjon (uten mål og signal)", size=11)
        doc.table(["MK ID", "Indikator", *headings[2:6]],
                  [r[:6] for r in _figure_rows(section.key_information, False, False)], [18, 116, 36, 36, 36, 35],
                  align[:6])

    doc.heading("Kommentarer", size=11)
    if section.comments:
        names = {r.indicator_id: r.name for r in section.rows + section.key_information}
        doc.table(["MK ID", "Styringsparameter", "Kommentar", "Skrevet av"],
                  [[i, names.get(i, ""), c.text, f"{c.written_by}, {c.written_at:%d.%m.%Y}"]
                   for i, c in sorted(section.comments.items())], [18, 58, 148, 53])
    else:
        doc.paragraph("Ingen kommentarer for perioden.")

    doc.heading("Oppfølgingspunkter", size=11)
    if section.points:
        doc.table(["Punkt", "Ansvarlig", "Frist", "Status", "Fra møtet"], point_rows(section), [127, 45, 25, 25, 55])
    else:
        doc.paragraph("Ingen oppfølgingspunkter.")


def point_rows(section: UnitSection) -> list[list[str]]:
    return [[p.text, p.responsible or "–", p.due.strftime("%d.%m.%Y") if p.due else "–",
             STATUS_TEXT.get(p.status, p.status), point_origin(p, section.carried)] for p in section.points]


# --- Excel ----------------------------------------------------------------------------------------------------

PARAMETER_COLUMNS = ("Enhet", "Enhetsnavn", "MK ID", "Styringsparameter", "Denne perioden", "Teller", "Nevner",
                     "Samme periode i fjor", "Endring", "Hittil i år", "Hittil i fjor", "Endring hittil i år",
                     "Signal", "Begrunnelse for signalet", "Resultatkrav", "Status", "Begrunnelse for status",
                     "Kommentar")
PARAMETER_WIDTHS = (9, 24, 8, 40, 12, 10, 10, 12, 11, 12, 12, 12, 28, 50, 36, 24, 50, 40)


def parameter_rows(section: UnitSection, rows: Sequence[ParameterRow] | None = None,
                   with_changes: bool = False) -> list[list[Any]]:
    out = []
    for r in section.rows if rows is None else rows:
        comment = section.comments.get(r.indicator_id)
        line = [section.unit_id, section.name, r.indicator_id, r.name,
                xlsx.figure(r.this_period, r.measure), xlsx.figure(r.this_period, r.measure, "numerator"),
                xlsx.figure(r.this_period, r.measure, "denominator"), xlsx.figure(r.last_period, r.measure),
                xlsx.change(r.change_period, r.measure), xlsx.figure(r.ytd, r.measure),
                xlsx.figure(r.ytd_last, r.measure), xlsx.change(r.change_ytd, r.measure), r.variation_text,
                r.signal_reason, r.target_text, r.status_text if r.status else "Ingen resultatkrav",
                r.status_reason, comment.text if comment else ""]
        if with_changes:
            line.append(r.changes)
        out.append(line)
    return out


POINT_COLUMNS = ("Enhet", "Enhetsnavn", "Punkt", "Ansvarlig", "Frist", "Status", "Fra møtet")


def point_sheet_rows(sections: Sequence[UnitSection]) -> list[list[Any]]:
    return [[s.unit_id, s.name, *row] for s in sections for row in point_rows(s)]


COMMENT_COLUMNS = ("Enhet", "Enhetsnavn", "MK ID", "Kommentar", "Skrevet av", "Dato")


def comment_sheet_rows(sections: Sequence[UnitSection]) -> list[list[Any]]:
    return [[s.unit_id, s.name, i, c.text, c.written_by, f"{c.written_at:%d.%m.%Y}"]
            for s in sections for i, c in sorted(s.comments.items())]


def data_stamp(version: int, published_at: str | None) -> str:
    """The stamp of an export made from live data: the data version it read and when that was published."""
    return f"Dataversjon {version} · publisert {time_text(published_at)}"
