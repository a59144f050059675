"""The comparison table as a file, for the period or year to date as the page shows it, in the order the page shows
(unit tree or name), never by value. A share has its base, its 99,8 % limits around the group's share and an
earlier level (the unit's own months before a month; the same months last year for year to date); a count or an
average has its value and the same periods last year. Units whose figure is withheld are listed with «færre enn 5»
and nothing else; units lacking some of the periods say which, and are not compared."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from navdash import compare, disclosure, fmt
from navdash.exports import xlsx
from navdash.exports.pdf import Document
from navdash.exports.sections import data_stamp
from navdash.text import spreadsheet_cell

SHARE_COLUMNS = ("Enhetsnr", "Enhet", "Teller", "Nevner", "Andel", "Nedre 99,8 %-grense", "Øvre 99,8 %-grense",
                 "Forventet variasjon")
OWN_COLUMNS = ("Eget nivå før", "Mot eget nivå")
LAST_YEAR_COLUMNS = ("Samme periode i fjor", "Mot i fjor")
VALUE_COLUMNS = ("Enhetsnr", "Enhet", "Verdi", "Samme periode i fjor", "Endring")


@dataclass(frozen=True)
class ComparisonExport:
    comparison: compare.Comparison
    own: dict[str, float]  # each unit's earlier level as a share (0..1): own months before, or last year's
    withheld: tuple[tuple[str, str], ...]
    order: tuple[str, ...]
    indicator_name: str
    scope: str  # «Enhetene under 0300 NAV Oslo», «Størrelse: «Liten (under 20 ansatte)»»
    stamp: str
    demo: bool

    @property
    def funnel(self) -> compare.Funnel | None:
        return self.comparison.funnel

    @property
    def title(self) -> str:
        c = self.comparison
        return f"Sammenligning {c.indicator_id} {self.indicator_name} – {c.label()}"

    def file_name(self, extension: str) -> str:
        return file_name(self.comparison, extension)

    def earlier_columns(self) -> tuple[str, str]:
        return LAST_YEAR_COLUMNS if self.comparison.ytd else OWN_COLUMNS

    def rows(self) -> list[tuple[str, object]]:
        """(unit_id, point or value row; None for a withheld unit; a text for a unit lacking periods) in the page's
        order, never by value."""
        c = self.comparison
        hidden = {u for u, _name in self.withheld}
        items: list[tuple[str, object]] = [(u, c.lacking_text(u)) for u in c.values["unit_id"] if u in c.lacking]
        items += [(u, None) for u in hidden]
        if c.funnel is not None:
            items += [(p.unit_id, p) for p in c.funnel.points]
        else:
            items += [(r.unit_id, r) for r in c.values.itertuples(index=False)
                      if r.unit_id not in hidden and r.unit_id not in c.lacking and not math.isnan(r.value)]
        rank = {u: i for i, u in enumerate(self.order)}
        return sorted(items, key=lambda item: rank.get(item[0], len(rank)))


def file_name(c: compare.Comparison, extension: str) -> str:
    """«sammenligning-B.15-2022-06.xlsx», «sammenligning-B.15-2022-06-hittil-i-aar.xlsx» for year to date."""
    return f"sammenligning-{c.indicator_id}-{c.period}{'-hittil-i-aar' if c.ytd else ''}.{extension}"


def export(c: compare.Comparison, hist: pd.DataFrame, withheld: Sequence[tuple[str, str]], order: Sequence[str],
           indicator_name: str, scope: str, version: int, published_at: str | None, demo: bool) -> ComparisonExport:
    if c.ytd:
        own = {u: v / 100 for u, v in zip(c.values["unit_id"], c.values["last_year"], strict=True)
               if not math.isnan(v)}
    else:
        own = compare.own_history(hist, c.period) if len(hist) else {}
    return ComparisonExport(c, own, tuple(withheld), tuple(order), indicator_name, scope,
                            data_stamp(version, published_at), demo)


def _variation(p: compare.FunnelPoint) -> str:
    return p.status_text + (" (nær en grense)" if p.near_limit else "")


def _names(e: ComparisonExport) -> dict[str, str]:
    return {**dict(zip(e.comparison.values["unit_id"], e.comparison.values["name"], strict=True)),
            **dict(e.withheld)}


def _intro(e: ComparisonExport) -> str:
    c = e.comparison
    order = "Enhetene står i samme rekkefølge som på siden, ikke rangert."
    if c.funnel is None:
        return f"{e.scope}. {order} Det er ingen trakt for denne indikatoren, bare enhetenes egne tall."
    share = fmt.percent(c.funnel.p0 * 100 if c.funnel.p0 is not None else None)
    return (f"{e.scope}. Gruppens andel: {share} (summen av tellerne delt på summen av nevnerne for "
            f"{len(c.funnel.points)} enheter). {order} En enhet er over eller under forventet variasjon når den "
            "ligger utenfor 99,8 %-grensene.")


def _not_compared(item: object) -> str:
    return disclosure.WITHHELD_TEXT if item is None else f"ikke sammenlignet: {item}"


def workbook(e: ComparisonExport) -> bytes:
    c, names, rows = e.comparison, _names(e), []
    for unit_id, item in e.rows():
        if item is None or isinstance(item, str):
            rows.append([unit_id, names[unit_id], _not_compared(item)])
        elif c.funnel is None:
            shape = xlsx.DECIMAL if c.decimals else xlsx.value_format(c.measure)
            rows.append([unit_id, item.name, xlsx.Cell(xlsx.stored(item.value, c.measure), shape),
                         xlsx.Cell(xlsx.stored(_none(item.last_year), c.measure), shape),
                         xlsx.Cell(_change(item.value, item.last_year),
                                   xlsx.SIGNED_DECIMAL if c.decimals else xlsx.change_format(c.measure))])
        else:
            lo, hi = item.limits[0.998]
            own = e.own.get(unit_id)
            rows.append([unit_id, item.name, xlsx.Cell(item.numerator, xlsx.COUNT),
                         xlsx.Cell(item.denominator, xlsx.COUNT), xlsx.Cell(item.share, xlsx.SHARE),
                         xlsx.Cell(lo, xlsx.SHARE), xlsx.Cell(hi, xlsx.SHARE), _variation(item),
                         xlsx.Cell(own, xlsx.SHARE),
                         xlsx.Cell(None if own is None else (item.share - own) * 100, xlsx.POINTS)])
    book = xlsx.Book(e.title, e.stamp, e.demo)
    if c.funnel is None:
        sheet = book.sheet("Sammenligning", VALUE_COLUMNS, rows, (10, 30, 14, 18, 12))
    else:
        sheet = book.sheet("Sammenligning", SHARE_COLUMNS + e.earlier_columns(), rows,
                           (10, 30, 10, 10, 10, 12, 12, 26, 14, 12))
    sheet.cell(len(rows) + 6, 1, spreadsheet_cell(_intro(e)))
    return book.bytes()


def _none(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _change(now: float, then: float) -> float | None:
    return None if _none(now) is None or _none(then) is None else now - then


def _pct(share: float | None) -> str:
    return fmt.percent(None if share is None else share * 100)


def pdf(e: ComparisonExport, *, compress: bool = True) -> bytes:
    c = e.comparison
    doc = Document(e.title, e.stamp, e.demo, compress=compress)
    doc.heading(e.title, size=16)
    doc.paragraph(_intro(e))
    names, rows = _names(e), []
    width = 5 if c.funnel is None else 9
    for unit_id, item in e.rows():
        if item is None or isinstance(item, str):
            rows.append([unit_id, names[unit_id], _not_compared(item), *[""] * (width - 3)])
        elif c.funnel is None:
            rows.append([unit_id, item.name, c.value_text(_none(item.value)), c.value_text(_none(item.last_year)),
                         c.change_text(_none(item.value), _none(item.last_year))])
        else:
            lo, hi = item.limits[0.998]
            own = e.own.get(unit_id)
            rows.append([unit_id, item.name, fmt.number(item.numerator), fmt.number(item.denominator),
                         _pct(item.share), f"{_pct(lo)} – {_pct(hi)}", _variation(item), _pct(own),
                         fmt.pp(None if own is None else (item.share - own) * 100)])
    if c.funnel is None:
        doc.table(list(VALUE_COLUMNS), rows, [16, 70, 40, 40, 30], ["L", "L", "R", "R", "R"], size=8.5)
    else:
        doc.table(["Enhetsnr", "Enhet", "Teller", "Nevner", "Andel", "99,8 %-grenser", "Forventet variasjon",
                   *e.earlier_columns()], rows, [16, 60, 20, 20, 18, 34, 44, 22, 22],
                  ["L", "L", "R", "R", "R", "R", "L", "R", "R"], size=8.5)
    return doc.bytes()
