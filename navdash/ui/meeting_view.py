"""Drawing the månedsmøte from its frozen snapshot: the offices in tree order with a concern marker, one office's
parameters, and the follow-up points. All text from the database goes through `navdash.text.escape`."""

from __future__ import annotations

from navdash import fmt, meetings
from navdash.snapshot import OfficeSnapshot, ParameterRow, Snapshot
from navdash.text import escape
from navdash.ui import links
from navdash.ui.scorecard_view import STATUS_STYLE, VARIATION_SHORT, VARIATION_STYLE, badge, comment_html

CSS = """
<style>
.nd-meet td.concern-yes {font-weight: 600; color: #7a3b00;}
.nd-meet td.list {min-width: 8rem;}
.nd-meet tbody th {text-align: left; font-weight: 600; white-space: nowrap;}
.nd-meet .nd-ind {display: block;}
</style>
"""


def _variation_badge(row: ParameterRow) -> str:
    variation = row.variation
    if variation is None:
        return badge("…", row.variation_text, "#5a5a5a", "#f1f1f1", row.signal_reason)
    symbol, colour, bg = VARIATION_STYLE[variation]
    return badge(symbol, VARIATION_SHORT[variation], colour, bg, f"{row.variation_text}. {row.signal_reason}")


def _status_badge(row: ParameterRow) -> str:
    if row.status is None:
        return '<span class="nd-who">Ingen resultatkrav</span>'
    symbol, colour, bg = STATUS_STYLE[row.status]
    return badge(symbol, row.status_text, colour, bg, row.status_reason)


def _ids(rows: tuple[ParameterRow, ...], key: str, value: str) -> str:
    """The parameters with `value` in `key`, each with its MK ID and name (an ID alone says nothing to most)."""
    found = [r for r in rows if getattr(r, key) == value]
    if not found:
        return "–"
    return "".join(f'<span class="nd-ind">{escape(r.indicator_id)} {escape(r.name)}</span>' for r in found)


def overview_html(snapshot: Snapshot, open_points: dict[str, int], only_concern: bool) -> str:
    """One row per office, in the snapshot's tree order; a marker column instead of any ranking."""
    e = escape
    head = ("<thead><tr><th scope=\"col\">Kontor</th><th scope=\"col\">Særskilt variasjon – bekymring</th>"
            "<th scope=\"col\">Særskilt variasjon – forbedring</th><th scope=\"col\">Ikke oppfylt hittil i år</th>"
            "<th scope=\"col\">Endret siden forrige møte</th><th scope=\"col\" class=\"num\">Åpne punkter</th>"
            "</tr></thead>")
    body = []
    for office in snapshot.offices:
        if only_concern and not office.concern:
            continue
        rows = office.rows
        changed = sum(1 for r in rows if any(w in (r.changes or "") for w in ("Signal:", "Mål:", "Nytt")))
        if snapshot.previous_period is None:
            changed_text = "Første møte"
        else:
            changed_text = (f"{changed} av {len(rows)} med nytt signal eller ny status" if changed
                            else "Ingen nye signaler")
        concern_cls = "concern-yes" if office.concern else ""
        concern = ("<span aria-hidden=\"true\">▼ </span>" if office.concern else "") + _ids(
            rows, "variation", meetings.CONCERN)
        card = links.anchor(links.url("malekort", enhet=office.unit_id, periode=snapshot.period),
                            f"{office.unit_id} {office.name}")  # the row opens the office's målekort
        body.append(
            f"<tr><th scope=\"row\">{card}</th>"
            f"<td class=\"list {concern_cls}\">{concern}</td>"
            f"<td class=\"list\">{_ids(rows, 'variation', meetings.IMPROVEMENT)}</td>"
            f"<td class=\"list\">{_ids(rows, 'status', 'ikke_oppfylt')}</td>"
            f"<td>{e(changed_text)}</td><td class=\"num\">{open_points.get(office.unit_id, 0)}</td></tr>")
    caption = f"Kontorene i {e(snapshot.fylke_name)}, {e(snapshot.period_label)} (i enhetstreets rekkefølge)"
    return (f'<div class="nd-scroll"><table class="nd-table nd-meet"><caption>{caption}</caption>{head}'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def office_html(office: OfficeSnapshot, comments: dict[str, meetings.Comment]) -> str:
    e = escape
    # The målekort's order: parameter, target, signal, year to date, then the period.
    head = ("<thead><tr><th scope=\"col\">MK ID</th><th scope=\"col\">Styringsparameter</th>"
            "<th scope=\"col\">Mål</th><th scope=\"col\">Signal</th>"
            "<th scope=\"col\" class=\"num\">Hittil i år</th><th scope=\"col\" class=\"num\">Hittil i fjor</th>"
            "<th scope=\"col\" class=\"num\">Denne perioden</th><th scope=\"col\">Endret siden forrige møte</th>"
            "</tr></thead>")
    body = []
    for r in office.rows:
        comment = comments.get(r.indicator_id)
        note = ""
        if comment is not None:
            note = comment_html(*comment.thread())
        base = ""
        this = r.this_period
        if not this.withheld and this.numerator is not None and this.denominator is not None:
            base = f'<span class="n">{fmt.number(this.numerator)} av {fmt.number(this.denominator)}</span>'
        body.append(
            f"<tr><th scope=\"row\">{e(r.indicator_id)}</th><td class=\"name\">{e(r.name)}{note}</td>"
            f"<td class=\"goal\">{e(r.target_text)} {_status_badge(r)}</td>"
            f"<td class=\"signal\">{_variation_badge(r)}</td>"
            f"<td class=\"num\">{e(r.ytd.text(r.measure))}</td>"
            f"<td class=\"num\">{e(r.ytd_last.text(r.measure))}</td>"
            f"<td class=\"num\">{e(this.text(r.measure))}{base}</td>"
            f"<td>{e(r.changes)}</td></tr>")
    caption = f"Styringsparametere for {e(office.unit_id)} {e(office.name)}"
    return (f'<div class="nd-scroll"><table class="nd-table nd-meet"><caption>{caption}</caption>{head}'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def followups_html(points: list[meetings.Followup], carried: set[int], caption: str) -> str:
    e = escape
    head = ("<thead><tr><th scope=\"col\">Punkt</th><th scope=\"col\">Ansvarlig</th><th scope=\"col\">Frist</th>"
            "<th scope=\"col\">Status</th><th scope=\"col\">Fra møtet</th></tr></thead>")
    body = []
    for p in points:
        origin = parse_label(p.meeting_period) + (" (videreført)" if p.followup_id in carried else "")
        body.append(
            f"<tr><td>{e(p.text)}</td><td>{e(p.responsible or '–')}</td>"
            f"<td>{p.due.strftime('%d.%m.%Y') if p.due else '–'}</td>"
            f"<td>{e(meetings.STATUS_TEXT.get(p.status, p.status))}</td><td>{e(origin)}</td></tr>")
    return (f'<div class="nd-scroll"><table class="nd-table nd-meet"><caption>{e(caption)}</caption>{head}'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def parse_label(period: str | None) -> str:
    from navdash.periods import parse_period

    return parse_period(period).label() if period else "ukjent møte"
