"""The meeting pack: the fylke's overview (offices × status, in the unit tree's order, never ranked), then per
office the styringsparametere with signals and reasons, the comments and the follow-up points (open and closed),
as a PDF and an Excel workbook. It renders a snapshot the viewer may see (`meetings.protected`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from navdash import meetings
from navdash.exports import xlsx
from navdash.exports.pdf import Document
from navdash.exports.units import (
    COMMENT_COLUMNS,
    PARAMETER_COLUMNS,
    PARAMETER_WIDTHS,
    POINT_COLUMNS,
    UnitSection,
    comment_sheet_rows,
    draw,
    parameter_rows,
    point_sheet_rows,
)
from navdash.periods import parse_period
from navdash.snapshot import CONCERN, IMPROVEMENT, Snapshot


@dataclass(frozen=True)
class MeetingPack:
    snapshot: Snapshot
    sections: tuple[UnitSection, ...]  # one per office, in the snapshot's (tree) order

    @property
    def title(self) -> str:
        return self.snapshot.title

    @property
    def stamp(self) -> str:
        return self.snapshot.stamp


def pack(snapshot: Snapshot, comments: Mapping[str, Mapping[str, meetings.Comment]],
         points: meetings.MeetingPoints) -> MeetingPack:
    carried = frozenset(p.followup_id for p in points.carried)
    sections = tuple(UnitSection(o.unit_id, o.name, o.rows, comments.get(o.unit_id, {}),
                                 tuple(points.of(o.unit_id).all), carried, with_changes=True)
                     for o in snapshot.offices)
    return MeetingPack(snapshot, sections)


def load(db: Path | str | None, snapshot: Snapshot) -> MeetingPack:
    """The pack for a (protected) snapshot of a stored meeting: comments and points read in one query each."""
    if snapshot.meeting_id is None:
        raise ValueError("øyeblikksbildet hører ikke til et lagret møte")
    comments = meetings.comments_by_unit(db, [o.unit_id for o in snapshot.offices], snapshot.period)
    return pack(snapshot, comments, meetings.meeting_points(db, snapshot.meeting_id))


OVERVIEW_COLUMNS = ("Enhet", "Kontor", "Styringsparametere", "Bekymring", "Forbedring", "Vanlig variasjon",
                    "Uten signal", "Oppfylt", "Innenfor normal variasjon", "Ikke oppfylt", "Åpne punkter",
                    "Lukkede punkter", "Bekymring (MK ID)", "Ikke oppfylt (MK ID)")


def overview_rows(p: MeetingPack) -> list[list[object]]:
    """Per office: how many parameters show each signal and verdict, and its points. Tree order, no ranking."""
    out: list[list[object]] = []
    for s in p.sections:
        rows = s.rows

        def count(key: str, value: str, rows: tuple = rows) -> int:
            return sum(1 for r in rows if getattr(r, key) == value)

        out.append([s.unit_id, s.name, len(rows), count("variation", CONCERN), count("variation", IMPROVEMENT),
                    count("variation", "common_cause"), sum(1 for r in rows if r.variation is None),
                    count("status", "oppfylt"), count("status", "normal_variasjon"), count("status", "ikke_oppfylt"),
                    len(s.open_points), len(s.points) - len(s.open_points),
                    ", ".join(r.indicator_id for r in rows if r.variation == CONCERN),
                    ", ".join(r.indicator_id for r in rows if r.status == "ikke_oppfylt")])
    return out


def _intro(p: MeetingPack) -> str:
    s = p.snapshot
    opened = f"Møtet ble åpnet {s.opened_text}" + (f" av {s.opened_by}" if s.opened_by else "")
    previous = (f"Endringer er målt mot møtet for {parse_period(s.previous_period).label()}."
                if s.previous_period else "Første møte: ingen endringer å vise.")
    return (f"{opened}. Tallene er frosset fra dataversjon {s.data_version}. {previous} Kontorene står i "
            "enhetsrekkefølge, ikke rangert.")


def pdf(p: MeetingPack, *, compress: bool = True) -> bytes:
    doc = Document(p.title, p.stamp, p.snapshot.demo, compress=compress)
    doc.heading(p.title, size=16)
    doc.paragraph(_intro(p))
    doc.paragraph(meetings.chance_flags(p.snapshot).text, size=8)
    doc.heading("Oversikt over kontorene", size=12)
    headings = ["Kontor", "Styrings-parametere", "Bekymring", "Forbedring", "Vanlig variasjon", "Uten signal",
                "Oppfylt", "Innenfor normal variasjon", "Ikke oppfylt", "Åpne punkter", "Bekymring (MK ID)"]
    rows = [[f"{r[0]} {r[1]}", *r[2:11], r[12]] for r in overview_rows(p)]
    doc.table(headings, rows, [52, 22, 21, 21, 19, 16, 17, 22, 17, 17, 50],
              ["L"] + ["R"] * 9 + ["L"])
    for section in p.sections:
        draw(doc, section)
    return doc.bytes()


def workbook(p: MeetingPack) -> bytes:
    book = xlsx.Book(p.title, p.stamp, p.snapshot.demo)
    overview = [[*(xlsx.Cell(v, xlsx.COUNT) if isinstance(v, int) else v for v in row)] for row in overview_rows(p)]
    book.sheet("Oversikt", OVERVIEW_COLUMNS, overview, (9, 28, 12, 11, 11, 11, 11, 10, 12, 11, 10, 10, 30, 30))
    numbers = [line for s in p.sections for line in parameter_rows(s, with_changes=True)]
    book.sheet("Tall", (*PARAMETER_COLUMNS, "Endret siden forrige møte"), numbers, (*PARAMETER_WIDTHS, 40))
    book.sheet("Kommentarer", COMMENT_COLUMNS, comment_sheet_rows(p.sections), (9, 28, 8, 70, 24, 11))
    book.sheet("Oppfølgingspunkter", POINT_COLUMNS, point_sheet_rows(p.sections), (9, 28, 60, 24, 11, 10, 24))
    return book.bytes()


def file_name(p: MeetingPack, extension: str) -> str:
    return f"motepakke-{p.snapshot.fylke_id}-{p.snapshot.period}.{extension}"
