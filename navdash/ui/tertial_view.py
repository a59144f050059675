"""Drawing tertial reports: the målekort at the end of the tertial, what was done per priority, the risk assessment
with its colour bands (always with the words, never colour alone), and the fylke's overview in the unit tree's
order. All text from users and the database goes through `navdash.text.escape`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from navdash import tertial
from navdash.snapshot import ParameterRow
from navdash.text import escape
from navdash.ui.meeting_view import _status_badge, _variation_badge

BAND_STYLE = {  # text colour, background; each passes WCAG AA for normal text
    "lav": ("#1e5e2f", "#e3f4e8"),
    "middels": ("#5c4400", "#fff1c7"),
    "hoy": ("#8a1c1c", "#fde2e2"),
}

CSS = """
<style>
.nd-tr td.risk {white-space: nowrap;}
.nd-tr tbody th {text-align: left;}
/* A laptop with the sidebar open leaves about 690 px: the goal's wording and the measures wrap, the badges do not. */
.nd-tr td.goal {white-space: normal; min-width: 9rem;}
.nd-tr td.measures {min-width: 10rem; overflow-wrap: anywhere;}
.nd-tr td.name {overflow-wrap: anywhere;}
.nd-tr .nd-risk {display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.6rem; font-weight: 600;}
.nd-tr ul {margin: 0; padding-left: 1.1rem;}
.nd-tr-card h4 {margin: 0.8rem 0 0.2rem; font-size: 1rem;}
.nd-tr-card p {margin: 0.1rem 0 0.4rem;}
.nd-tr-card .nd-who {color: #4f4f4f; font-size: 0.85rem;}
.nd-tr-matrix td {text-align: center; min-width: 2.2rem;}
</style>
"""


def _table(caption: str, head: str, rows: Sequence[str]) -> str:
    """A table in a horizontally scrolling region that the keyboard can reach (the caption names the region)."""
    c = escape(caption)
    return (f'<div class="nd-scroll" role="region" aria-label="{c}" tabindex="0"><table class="nd-table nd-tr">'
            f"<caption>{c}</caption>{head}<tbody>{''.join(rows)}</tbody></table></div>")


def risk_badge(risk: dict[str, Any]) -> str:
    if not risk.get("score"):
        return '<span class="nd-who">Ikke vurdert</span>'
    colour, background = BAND_STYLE[risk["band"]]
    return (f'<span class="nd-risk" style="color:{colour};background:{background}">'
            f"{escape(tertial.risk_text(risk))}</span>")


def parameters_html(body: dict[str, Any]) -> str:
    e = escape
    head = ('<thead><tr><th scope="col">MK ID</th><th scope="col">Styringsparameter</th>'
            '<th scope="col" class="num">Hittil i år</th><th scope="col">Signal</th><th scope="col">Mål</th>'
            "</tr></thead>")
    body_rows = [
        f"<tr><th scope=\"row\">{e(r.indicator_id)}</th><td class=\"name\">{e(r.name)}</td>"
        f"<td class=\"num\">{e(r.ytd.text(r.measure))}</td>"
        f"<td class=\"signal\">{_variation_badge(r)}</td>"
        f"<td class=\"goal\">{e(r.target_text)} {_status_badge(r)}</td></tr>"
        for r in map(ParameterRow.from_dict, body["parameters"])]
    return _table(f"Styringsparametere per {body['period_label']}", head, body_rows)


def _measures(risk: dict[str, Any]) -> str:
    if not risk["measures"]:
        return "–"
    return "<br>".join(f"• {escape(m['text'])} ({escape(tertial.MEASURE_STATUS_TEXT[m['status']])})"
                       for m in risk["measures"])


def risks_html(body: dict[str, Any]) -> str:
    e = escape
    head = ('<thead><tr><th scope="col">MK ID</th><th scope="col">Mål</th>'
            '<th scope="col" class="num">Sannsynlighet</th><th scope="col" class="num">Konsekvens</th>'
            '<th scope="col">Risiko</th><th scope="col">Tiltak</th></tr></thead>')
    rows = [
        f"<tr><th scope=\"row\">{e(r['indicator_id'])}</th><td class=\"name\">{e(r['name'])}"
        f"<br><span class=\"nd-who\">{e(r['goal'])}</span></td>"
        f"<td class=\"num\">{r['likelihood'] or '–'}</td><td class=\"num\">{r['consequence'] or '–'}</td>"
        f"<td class=\"risk\">{risk_badge(r)}</td><td class=\"measures\">{_measures(r)}</td></tr>"
        for r in body["risks"]]
    return _table("Risikovurdering per mål (sannsynlighet × konsekvens)", head, rows)


def priorities_html(body: dict[str, Any]) -> str:
    if not body["priorities"]:
        return '<p class="nd-who">Kontoret har ikke registrert prioriteringer for året.</p>'
    return "".join(f"<h4>{p['no']}. {escape(p['title'])}</h4><p>{escape(p.get('done') or 'Ikke skrevet ennå.')}</p>"
                   for p in body["priorities"])


def followups_html(body: dict[str, Any]) -> str:
    if not body.get("received_by"):
        return ""
    points = body.get("followups") or []
    items = "".join(f"<li>{escape(f)}</li>" for f in points) or "<li>Ingen oppfølgingspunkter.</li>"
    return (f"<h4>Mottatt av {escape(body['received_by'])}</h4><p>Oppfølgingspunkter:</p>"
            f'<ul class="nd-tr">{items}</ul>')


def report_card_html(report: tertial.Report | None, name: str) -> str:
    """One office's report in a narrow column (the fylke's side-by-side reading)."""
    e = escape
    if report is None:
        return (f'<div class="nd-tr-card"><h3>{e(name)}</h3><p class="nd-who">Ingen rapport for tertialet ennå.</p>'
                "</div>")
    body = report.body
    risks = "".join(f"<li>{e(r['indicator_id'])}: {risk_badge(r)}</li>" for r in body["risks"] if r.get("score"))
    risks = f'<ul class="nd-tr">{risks}</ul>' if risks else '<p class="nd-who">Ingen mål vurdert.</p>'
    return (f'<div class="nd-tr-card"><h3>{e(name)}</h3>'
            f'<p class="nd-who">{e(report.status_text)} · versjon {report.version} · {e(report.updated_by)} '
            f"{report.updated_at:%d.%m.%Y}</p><h4>Hva ble gjort</h4>{priorities_html(body)}"
            f"<h4>Risiko per mål</h4>{risks}{followups_html(body)}</div>")


def overview_html(rows: Sequence[tuple[str, str, tertial.Report | None]], label: str) -> str:
    """One row per office in the order given (the unit tree's): status and how many goals in each risk band."""
    e = escape
    head = ('<thead><tr><th scope="col">Kontor</th><th scope="col">Status</th><th scope="col">Sist endret</th>'
            '<th scope="col" class="num">Mål med høy risiko</th><th scope="col" class="num">Middels</th>'
            '<th scope="col" class="num">Lav</th><th scope="col" class="num">Ikke vurdert</th></tr></thead>')
    out = []
    for unit_id, name, report in rows:
        if report is None:
            out.append(f"<tr><th scope=\"row\">{e(unit_id)} {e(name)}</th><td>Ikke påbegynt</td>"
                       "<td>–</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>"
                       "<td class=\"num\">–</td></tr>")
            continue
        counts = tertial.band_counts(report.body)
        out.append(f"<tr><th scope=\"row\">{e(unit_id)} {e(name)}</th><td>{e(report.status_text)}</td>"
                   f"<td>{report.updated_at:%d.%m.%Y %H:%M}</td>"
                   + "".join(f"<td class=\"num\">{counts[b]}</td>" for b in tertial.BANDS) + "</tr>")
    return _table(f"Kontorenes tertialrapporter, {label} (i enhetsrekkefølge)", head, out)


def matrix_html() -> str:
    """The 5 × 5 risk matrix as a legend: each cell's score and band, in words as well as colour."""
    head = "".join(f'<th scope="col">{c}</th>' for c in range(1, 6))
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for consequence in range(1, 6):
            score = tertial.risk_score(likelihood, consequence)
            band = tertial.risk_band(score)
            colour, background = BAND_STYLE[band]
            cells.append(f'<td style="color:{colour};background:{background}" '
                         f'title="{escape(tertial.BAND_TEXT[band])}">{score}</td>')
        rows.append(f'<tr><th scope="row">{likelihood}</th>{"".join(cells)}</tr>')
    return ('<table class="nd-table nd-tr-matrix"><caption>Risikomatrise: sannsynlighet (rader) × konsekvens '
            f'(kolonner). Lav 1–4, middels 5–12, høy 15–25.</caption><thead><tr><th scope="col"></th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")
