"""The comparison table as a file: every unit's share with its base, its 99,8 % limits around the group's share and
its own earlier level, in the order the page shows (unit tree or name), never by value. Units whose figure is
withheld are listed with «færre enn 5» and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from navdash import compare, disclosure, fmt
from navdash.exports import xlsx
from navdash.exports.pdf import Document
from navdash.exports.units import data_stamp
from navdash.text import spreadsheet_cell

COLUMNS = ("Enhetsnr", "Enhet", "Teller", "Nevner", "Andel", "Nedre 99,8 %-grense", "Øvre 99,8 %-grense",
           "Forventet variasjon", "Eget nivå før", "Mot eget nivå")


@dataclass(frozen=True)
class ComparisonExport:
    funnel: compare.Funnel
    own: dict[str, float]  # each unit's own level before the period (ratio of sums)
    withheld: tuple[tuple[str, str], ...]
    order: tuple[str, ...]
    indicator_name: str
    period_label: str
    scope: str  # «enhetene under 0300 NAV Oslo»
    stamp: str
    demo: bool

    @property
    def title(self) -> str:
        return f"Sammenligning {self.funnel.indicator_id} {self.indicator_name} – {self.period_label}"

    def file_name(self, extension: str) -> str:
        return f"sammenligning-{self.funnel.indicator_id}-{self.funnel.period}.{extension}"

    def rows(self) -> list[tuple[str, object]]:
        """(unit_id, point or None for a withheld unit) in the page's order, never by value."""
        items: list[tuple[str, object]] = [(p.unit_id, p) for p in self.funnel.points]
        items += [(u, None) for u, _name in self.withheld]
        rank = {u: i for i, u in enumerate(self.order)}
        return sorted(items, key=lambda item: rank.get(item[0], len(rank)))


def export(f: compare.Funnel, hist: pd.DataFrame, withheld: Sequence[tuple[str, str]], order: Sequence[str],
           indicator_name: str, period_label: str, scope: str, version: int, published_at: str | None,
           demo: bool) -> ComparisonExport:
    own = compare.own_history(hist, f.period) if len(hist) else {}
    return ComparisonExport(f, own, tuple(withheld), tuple(order), indicator_name, period_label, scope,
                            data_stamp(version, published_at), demo)


def _variation(p: compare.FunnelPoint) -> str:
    return p.status_text + (" (nær en grense)" if p.near_limit else "")


def _names(e: ComparisonExport) -> dict[str, str]:
    return {**{p.unit_id: p.name for p in e.funnel.points}, **dict(e.withheld)}


def _intro(e: ComparisonExport) -> str:
    share = fmt.percent(e.funnel.p0 * 100 if e.funnel.p0 is not None else None)
    return (f"{e.scope}. Gruppens andel: {share} (summen av tellerne delt på summen av nevnerne for "
            f"{len(e.funnel.points)} enheter). Enhetene står i samme rekkefølge som på siden, ikke rangert. En enhet "
            "er over eller under forventet variasjon når den ligger utenfor 99,8 %-grensene.")


def workbook(e: ComparisonExport) -> bytes:
    names, rows = _names(e), []
    for unit_id, p in e.rows():
        if p is None:
            rows.append([unit_id, names[unit_id], *[disclosure.WITHHELD_TEXT] * 3])
            continue
        lo, hi = p.limits[0.998]
        own = e.own.get(unit_id)
        rows.append([unit_id, p.name, xlsx.Cell(p.numerator, xlsx.COUNT), xlsx.Cell(p.denominator, xlsx.COUNT),
                     xlsx.Cell(p.share, xlsx.SHARE), xlsx.Cell(lo, xlsx.SHARE), xlsx.Cell(hi, xlsx.SHARE),
                     _variation(p), xlsx.Cell(own, xlsx.SHARE),
                     xlsx.Cell(None if own is None else (p.share - own) * 100, xlsx.POINTS)])
    book = xlsx.Book(e.title, e.stamp, e.demo)
    sheet = book.sheet("Sammenligning", COLUMNS, rows, (10, 30, 10, 10, 10, 12, 12, 26, 12, 12))
    sheet.cell(len(rows) + 6, 1, spreadsheet_cell(_intro(e)))
    return book.bytes()


def _pct(share: float | None) -> str:
    return fmt.percent(None if share is None else share * 100)


def pdf(e: ComparisonExport, *, compress: bool = True) -> bytes:
    doc = Document(e.title, e.stamp, e.demo, compress=compress)
    doc.heading(e.title, size=16)
    doc.paragraph(_intro(e))
    names, rows = _names(e), []
    for unit_id, p in e.rows():
        if p is None:
            rows.append([unit_id, names[unit_id], *[disclosure.WITHHELD_TEXT] * 3, "", "", "", ""])
            continue
        lo, hi = p.limits[0.998]
        own = e.own.get(unit_id)
        rows.append([unit_id, p.name, fmt.number(p.numerator), fmt.number(p.denominator), _pct(p.share),
                     f"{_pct(lo)} – {_pct(hi)}", _variation(p), _pct(own),
                     fmt.pp(None if own is None else (p.share - own) * 100)])
    doc.table(["Enhetsnr", "Enhet", "Teller", "Nevner", "Andel", "99,8 %-grenser", "Forventet variasjon",
               "Eget nivå før", "Mot eget nivå"], rows, [16, 60, 20, 20, 18, 34, 44, 22, 22],
              ["L", "L", "R", "R", "R", "R", "L", "R", "R"], size=8.5)
    return doc.bytes()
