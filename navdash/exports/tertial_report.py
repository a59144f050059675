"""The tertial report as a PDF: one office's report (its status, the målekort at the tertial's end with each
signal's and verdict's reason, what was done per priority in the leader's words, the risk assessment per goal with
its measures, and the fylke's receipt with its follow-up points), and the fylke's document with all its offices'
reports for the tertial, in the unit tree's order after an overview (never ranked).

It renders reports as stored (`navdash.tertial.Report`): the målekort part is the one frozen with the report, stamped
with the data version it came from. The Excel workbook is `navdash.tertial.export_xlsx`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from navdash import tertial
from navdash.exports.pdf import GREY, INK, Document
from navdash.exports.sections import draw_parameters
from navdash.snapshot import ParameterRow

RISK_COLUMNS = ["MK ID", "Styringsparameter og mål", "Sannsynlighet", "Konsekvens", "Risiko", "Tiltak og status"]
RISK_WIDTHS = [16, 60, 34, 29, 29, 110]
PROSE = 190  # mm: the leader's and the fylke's own texts in lines that read well
OVERVIEW_COLUMNS = ["Kontor", "Status", "Versjon", "Sist endret", "Mål med høy risiko", "Middels", "Lav",
                    "Ikke vurdert"]
OVERVIEW_WIDTHS = [70, 25, 18, 34, 30, 24, 24, 24]


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return f" {datetime.fromisoformat(iso):%d.%m.%Y}"
    except ValueError:
        return ""


def status_line(report: tertial.Report) -> str:
    body = report.body
    return (f"Status: {report.status_text} · versjon {report.version}, sist lagret av {report.updated_by} "
            f"{report.updated_at:%d.%m.%Y kl. %H:%M}. Målekortet er fra {body['period_label']} (tertialets siste "
            f"måned), dataversjon {body['data_version']}.")


def measures_text(risk: dict) -> str:
    if not risk["measures"]:
        return "Ingen tiltak"
    return "\n".join(f"• {m['text']} ({tertial.MEASURE_STATUS_TEXT.get(m['status'], m['status'])})"
                     for m in risk["measures"])


def risk_rows(body: dict) -> list[list[str]]:
    return [[r["indicator_id"], f"{r['name']}\nMål: {r['goal']}", tertial.likelihood_text(r["likelihood"]),
             tertial.consequence_text(r["consequence"]), tertial.risk_text(r), measures_text(r)]
            for r in body["risks"]]


def draw_report(doc: Document, report: tertial.Report, heading: str | None = None) -> None:
    """One report; under `heading` from a new page (the fylke's document), or under the document's title."""
    body = report.body
    if heading:
        doc.heading(heading, new_page=True)
    doc.paragraph(status_line(report))

    doc.heading("Målekortet ved utgangen av tertialet", size=12)
    doc.paragraph("Hittil i år sammenlignes med samme periode i fjor. Endringer i andeler er i prosentpoeng (pp). "
                  "Begrunnelsen for hvert signal og hver vurdering mot mål står etter tabellen.", colour=GREY)
    draw_parameters(doc, [ParameterRow.from_dict(r) for r in body["parameters"]])

    doc.heading("Prioriteringer – hva ble gjort", size=12)
    if not body["priorities"]:
        doc.paragraph("Kontoret har ikke registrert prioriteringer for året.")
    for p in body["priorities"]:
        doc.heading(f"{p['no']}. {p['title']}", size=10)
        done = (p.get("done") or "").strip()
        doc.paragraph(done or "Ikke skrevet ennå.", colour=INK if done else GREY, width=PROSE)

    doc.heading("Risikovurdering per mål", size=12)
    doc.paragraph("Risiko = sannsynlighet for at målet ikke nås × konsekvensen om det skjer, hver på NAVs skala "
                  "1–5: lav risiko 1–4, middels 5–12, høy 15–25.", colour=GREY)
    if body["risks"]:
        doc.table(RISK_COLUMNS, risk_rows(body), RISK_WIDTHS)
    else:
        doc.paragraph("Målekortet har ingen styringsparametere med mål å vurdere.")

    doc.heading("Fylkets mottak og oppfølging", size=12)
    if body.get("received_by"):
        doc.paragraph(f"Mottatt av {body['received_by']}{_when(body.get('received_at'))}. Oppfølgingspunkter:")
        points = body.get("followups") or []
        for point in points:
            doc.paragraph(f"• {point}", width=PROSE)
        if not points:
            doc.paragraph("Ingen oppfølgingspunkter.")
    elif report.status == "sendt":
        doc.paragraph("Sendt til fylket; ikke markert som mottatt ennå.")
    else:
        doc.paragraph("Rapporten er et utkast og er ikke sendt til fylket.")


def pdf(report: tertial.Report, demo: bool, *, compress: bool = True) -> bytes:
    """One office's report."""
    body = report.body
    doc = Document(tertial.title(body), f"Tertialrapport · {tertial.stamp(body)}", demo, compress=compress)
    doc.heading(tertial.title(body), size=16)
    draw_report(doc, report)
    return doc.bytes()


def fylke_title(fylke: tuple[str, str], year: int, term: int) -> str:
    return f"Tertialrapporter {tertial.tertial_label(year, term)} – {fylke[0]} {fylke[1]}"


def overview_rows(rows: Sequence[tuple[str, str, tertial.Report | None]]) -> list[list[object]]:
    out = []
    for unit_id, name, report in rows:
        if report is None:
            out.append([f"{unit_id} {name}", "Ikke påbegynt", None, None, None, None, None, None])
            continue
        counts = tertial.band_counts(report.body)
        out.append([f"{unit_id} {name}", report.status_text, report.version, f"{report.updated_at:%d.%m.%Y %H:%M}",
                    *(counts[b] for b in tertial.BANDS)])
    return out


def fylke_pdf(fylke: tuple[str, str], year: int, term: int, rows: Sequence[tuple[str, str, tertial.Report | None]],
              demo: bool, *, compress: bool = True) -> bytes:
    """All the fylke's offices for the tertial in the order given (the unit tree's): an overview of every office,
    then each office's report from a new page."""
    title = fylke_title(fylke, year, term)
    versions = sorted({r.body["data_version"] for _, _, r in rows if r is not None})
    stamp = "Tertialrapporter · " + (f"dataversjon {', '.join(map(str, versions))}" if versions else "ingen rapporter")
    doc = Document(title, stamp, demo, compress=compress)
    doc.heading(title, size=16)
    doc.paragraph("Kontorene står i enhetsrekkefølge, aldri rangert. Hvert kontors rapport begynner på en ny side, "
                  "med målekortet slik det var da rapporten sist ble lagret.", colour=GREY)
    doc.table(OVERVIEW_COLUMNS, overview_rows(rows), OVERVIEW_WIDTHS, ["L", "L", "R", "R", "R", "R", "R", "R"])
    for unit_id, name, report in rows:
        if report is not None:
            draw_report(doc, report, heading=f"{unit_id} {name}")
    return doc.bytes()
