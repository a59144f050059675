"""Den månedlige statistikkpakken: one PDF per unit (its målekort with signals and reasons, the fylke's comments,
the open follow-up points and how many offices have delivered) and an index page, written to a folder, ready to
send or publish on the intranet. `python -m navdash pakke` runs it; docs/drift.md shows it as a scheduled job.

The package is built from one published data version (one reader for all units) and stamped with it. It is meant
for wide distribution, so figures about fewer than 5 people are withheld as for a user with no clearance. The files
are written to a temporary folder first and moved in when all are done: a failed run leaves no half package."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from navdash import access, aggregate, disclosure, meetings, scorecard, store
from navdash import units as tree
from navdash.exports.pdf import DEMO_MARK, Document
from navdash.exports.scorecard import section
from navdash.exports.sections import UnitSection, data_stamp, draw
from navdash.periods import parse_period
from navdash.text import escape


@dataclass(frozen=True)
class UnitReport:
    section: UnitSection
    file_name: str
    depth: int  # 0 for the package's top unit, 1 below it …


@dataclass(frozen=True)
class MonthlyPackage:
    month: str
    month_label: str
    data_version: int
    published_at: str | None
    demo: bool
    top: tuple[str, str]  # (unit_id, name) of the unit the package covers
    reports: tuple[UnitReport, ...]  # in the unit tree's order, never by results
    made_at: datetime

    @property
    def stamp(self) -> str:
        return f"{data_stamp(self.data_version, self.published_at)} · laget {self.made_at:%d.%m.%Y kl. %H:%M}"

    def title(self, report: UnitReport | None = None) -> str:
        who = report.section.label if report else f"{self.top[0]} {self.top[1]}"
        return f"Statistikkpakke {self.month_label} – {who}"


class PackageError(ValueError):
    """A month or unit the package cannot be made for (the message is Norwegian, for the command line)."""


def _tree(con, root: str | None) -> list[tuple[str, str, int]]:  # noqa: ANN001 - a DuckDB connection
    """(unit_id, name, depth) of the active units under `root` (all units when None), in the unit tree's order
    (navdash.units). An active unit whose parent is closed stands at the top, so no unit is left out."""
    nodes = tree.nodes(con, active_only=True)
    ids = {n.unit_id for n in nodes}
    nodes = [n if n.parent_id in ids else replace(n, parent_id=None) for n in nodes]
    if root is None:
        walked = tree.walk(nodes)
    else:
        walked = [(n, 0) for n in nodes if n.unit_id == root] + tree.walk(nodes, below=root)
    return [(n.unit_id, n.name, depth) for n, depth in walked]


def build(db: Path | None, month: str, fylke: str | None = None) -> MonthlyPackage:
    """The package's content: every unit's målekort as a reader without clearance sees it, from one data version."""
    try:
        period = parse_period(month)
    except ValueError as exc:
        raise PackageError(f"ukjent måned «{month}»: skriv den som ÅÅÅÅ-MM, for eksempel 2022-12") from exc
    if period.kind != "M":
        raise PackageError(f"«{month}» er ikke en måned: skriv den som ÅÅÅÅ-MM, for eksempel 2022-12")
    with store.reading(db) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if fylke is not None:
            found = con.execute("SELECT type FROM units WHERE unit_id = ? AND valid_to IS NULL", [fylke]).fetchone()
            if found is None:
                raise PackageError(f"enheten «{fylke}» finnes ikke (eller er nedlagt)")
        if not con.execute("""SELECT 1 FROM "values" WHERE period = ? LIMIT 1""", [period.key]).fetchone():
            raise PackageError(f"det finnes ingen tall for {period.label()}")
        tree = _tree(con, fylke)
        mask = disclosure.build_mask(con, access.NO_CLEARANCE)
        deliveries = aggregate.month_deliveries(con)
        cards = {u: scorecard.build(con, u, period, mask, deliveries) for u, _name, _depth in tree}
    ids = [u for u, _name, _depth in tree]
    comments = meetings.comments_by_unit(db, ids, period.key)
    points = meetings.open_followups(db, ids)
    reports = tuple(UnitReport(section(cards[u], comments[u], tuple(points[u])), f"malekort-{u}-{period.key}.pdf",
                               depth) for u, _name, depth in tree if cards[u] is not None)
    return MonthlyPackage(period.key, period.label(), int(meta.get("data_version", 0)), meta.get("published_at"),
                          meta.get("demo") == "ja", (tree[0][0], tree[0][1]), reports, datetime.now())


def unit_pdf(package: MonthlyPackage, report: UnitReport, *, compress: bool = True) -> bytes:
    doc = Document(package.title(report), package.stamp, package.demo, compress=compress)
    doc.heading(package.title(report), size=16)
    doc.paragraph("Målekortet for måneden med signaler og begrunnelser, fylkets kommentarer og oppfølgingspunktene "
                  "som ikke er lukket. Hittil i år sammenlignes med samme periode i fjor; endringer i andeler er i "
                  "prosentpoeng (pp). Tall om færre enn 5 personer vises ikke.")
    draw(doc, report.section, heading=False)
    return doc.bytes()


INDEX_CSS = ("body{font-family:Arial,sans-serif;color:#23262a;margin:2rem;max-width:60rem}"
             ".stamp{color:#4f4f4f}.demo{color:#a80000;font-weight:bold}li{margin:.2rem 0}"
             "ul ul{margin-left:1rem}")


def index_html(package: MonthlyPackage) -> str:
    """The index page: every unit's file in tree order, with the stamp (and the demo mark)."""
    e = escape
    items = []
    for r in package.reports:
        concern = sum(1 for row in r.section.rows if row.variation == "special_cause_concern")
        note = f"{e(f'{concern} med særskilt variasjon (bekymring)')}, " if concern else ""
        points = len(r.section.open_points)
        points_text = "1 åpent oppfølgingspunkt" if points == 1 else f"{points} åpne oppfølgingspunkter"
        items.append(f'<li style="margin-left:{1.5 * r.depth}rem"><a href="{e(r.file_name)}">{e(r.section.label)}'
                     f"</a> – {note}{points_text}</li>")
    demo = f'<p class="demo">{e(DEMO_MARK)}</p>' if package.demo else ""
    return (f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>{e(package.title())}</title>'
            f"<style>{INDEX_CSS}</style></head><body><h1>{e(package.title())}</h1>{demo}"
            f'<p class="stamp">{e(package.stamp)}</p><p>Én PDF per enhet, i enhetsrekkefølge (ikke rangert).</p>'
            f"<ul>{''.join(items)}</ul></body></html>")


def write(package: MonthlyPackage, folder: Path) -> list[Path]:
    """Every unit's PDF and index.html into `folder`; all files or none (they are made in a temporary folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".statistikkpakke-", dir=folder))
    try:
        for report in package.reports:
            (work / report.file_name).write_bytes(unit_pdf(package, report))
        (work / "index.html").write_text(index_html(package), encoding="utf-8")
        written = []
        for name in [r.file_name for r in package.reports] + ["index.html"]:  # the index last
            os.replace(work / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(work, ignore_errors=True)
