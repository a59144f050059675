"""Tertial reports: what an office achieved on its priorities, its målekort at the end of the tertial, and a risk
assessment per goal, sent by the leader to the fylke before the tertial styringsdialog.

A report belongs to one unit and one tertial (T1 januar–april, T2 mai–august, T3 september–desember). It is
generated from the målekort: each styringsparameter's status against its target and its signal at the tertial's last
month (`navdash.scorecard`), and the unit's priorities for the year (`navdash.priorities`). The leader adds what was
done per priority and, per goal (a styringsparameter with a target), a risk assessment on NAV's 1–5 scales:
risk = sannsynlighet × konsekvens, in the bands low (1–4), medium (5–12) and high (15–25), with measures (tiltak)
and their status.

The leader saves drafts and sends the report; the fylkesledelse marks a sent report as received, with follow-up
points. Every save, the sending and the receipt write a new version; nothing is overwritten, so the history shows
what was said when. The målekort part is computed anew at every save and frozen with the data version it came from;
once sent, the report no longer changes.

The fylke reads its offices' reports in the unit tree's order, never sorted by risk or results.

Who may do what is decided in `navdash.access`; the functions here check it again, with Norwegian messages.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from navdash import access, appdb, meetings, scorecard, store, units
from navdash import priorities as prio
from navdash.periods import MONTH_NAMES, Period
from navdash.snapshot import ParameterRow
from navdash.text import spreadsheet_cell

TERTIALS = (1, 2, 3)
STATUS_TEXT = {None: "Ikke påbegynt", "utkast": "Utkast", "sendt": "Sendt", "mottatt": "Mottatt"}
LIKELIHOOD_TEXT = {1: "Svært lite sannsynlig", 2: "Lite sannsynlig", 3: "Moderat sannsynlig", 4: "Sannsynlig",
                   5: "Svært sannsynlig"}
CONSEQUENCE_TEXT = {1: "Ubetydelig", 2: "Lav", 3: "Moderat", 4: "Alvorlig", 5: "Svært alvorlig"}
MEASURE_STATUSES = ("planlagt", "pågår", "gjennomført")
MEASURE_STATUS_TEXT = {"planlagt": "Planlagt", "pågår": "Pågår", "gjennomført": "Gjennomført"}
BAND_TEXT = {"lav": "Lav risiko", "middels": "Middels risiko", "hoy": "Høy risiko"}
MAX_TEXT = 4000  # characters in one text field
MAX_MEASURES = 5

R, V = appdb.tertial_reports, appdb.tertial_report_versions


class ReportProblem(ValueError):
    """What is wrong with a report or an action on it, in Norwegian; nothing was written."""


# ---------------------------------------------------------------------------------------------------------
# Tertials and risk
# ---------------------------------------------------------------------------------------------------------


def last_month(year: int, tertial: int) -> Period:
    """The tertial's last month: its målekort is the tertial's."""
    return Period(year, "M", tertial * 4)


def tertial_label(year: int, tertial: int) -> str:
    """«2. tertial 2022 (mai–august)»."""
    first, last = MONTH_NAMES[(tertial - 1) * 4], MONTH_NAMES[tertial * 4 - 1]
    return f"{tertial}. tertial {year} ({first}–{last})"


def tertial_of(period_key: str) -> tuple[int, int]:
    """The (year, tertial) a month `YYYY-MM` falls in."""
    year, month = int(period_key[:4]), int(period_key[5:7])
    return year, (month - 1) // 4 + 1


def risk_score(likelihood: int, consequence: int) -> int:
    return likelihood * consequence


def risk_band(score: int) -> str:
    """The colour band of a risk score on the 5 × 5 matrix: lav (1–4), middels (5–12), hoy (15–25)."""
    if score <= 4:
        return "lav"
    return "middels" if score <= 12 else "hoy"


BANDS = ("hoy", "middels", "lav", None)  # the overview's columns: high first, then the goals not assessed


def band_counts(body: Mapping[str, Any]) -> dict[str | None, int]:
    """How many of the report's goals are in each risk band (None: not assessed), in `BANDS` order."""
    bands = [r.get("band") for r in body["risks"]]
    return {b: bands.count(b) for b in BANDS}


def likelihood_text(value: int | None) -> str:
    return f"{value} – {LIKELIHOOD_TEXT[value]}" if value else "Ikke vurdert"


def consequence_text(value: int | None) -> str:
    return f"{value} – {CONSEQUENCE_TEXT[value]}" if value else "Ikke vurdert"


def risk_text(risk: Mapping[str, Any]) -> str:
    """«12 · Middels risiko», or «Ikke vurdert»."""
    return f"{risk['score']} · {BAND_TEXT[risk['band']]}" if risk.get("score") else "Ikke vurdert"


# ---------------------------------------------------------------------------------------------------------
# Generating the målekort part
# ---------------------------------------------------------------------------------------------------------


def generate(con: duckdb.DuckDBPyConnection, unit_id: str, year: int, tertial: int,
             db: Path | str | None = None) -> dict[str, Any]:
    """The report's generated part: the styringsparametere at the tertial's last month (in clear: every reader of a
    report is cleared for the unit, see `access.can_read_tertial_report`), the goals to assess and the priorities."""
    unit = scorecard.unit_info(con, unit_id)
    if unit is None:
        raise ReportProblem(f"Enheten «{unit_id}» finnes ikke.")
    period = last_month(year, tertial)
    card = scorecard.build(con, unit_id, period)
    rows = [asdict(ParameterRow.of(r)) for r in card.steering] if card else []
    goals = [{"indicator_id": r.indicator_id, "name": r.name, "goal": r.targets[0].text}
             for r in (card.steering if card else []) if r.targets]
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return {
        "unit_id": unit_id, "unit_name": unit.name, "year": year, "tertial": tertial,
        "period": period.key, "period_label": period.label(), "data_version": int(row[0]) if row else 0,
        "parameters": rows, "goals": goals,
        "priorities": [{"no": p["no"], "title": p["title"]} for p in prio.for_unit(unit_id, year, db)],
    }


def draft(db: Path | str | None, unit_id: str, year: int, tertial: int) -> dict[str, Any]:
    """What a new report starts from: the generated part with empty texts and no assessments."""
    with store.reading(_p(db)) as con:
        body = generate(con, unit_id, year, tertial, db)
    return _merge(body, {}, {})


def _merge(generated: dict[str, Any], done: Mapping[int, str], risks: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The generated part with the leader's texts per priority and risk assessments per goal."""
    body = dict(generated)
    body["priorities"] = [{**p, "done": done.get(p["no"], "")} for p in generated["priorities"]]
    body["risks"] = []
    for g in generated["goals"]:
        risk = risks.get(g["indicator_id"]) or {}
        likelihood, consequence = risk.get("likelihood"), risk.get("consequence")
        score = risk_score(likelihood, consequence) if likelihood and consequence else None
        body["risks"].append({**g, "likelihood": likelihood, "consequence": consequence, "score": score,
                              "band": risk_band(score) if score else None,
                              "measures": list(risk.get("measures") or [])})
    body.setdefault("followups", [])
    return body


# ---------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------


def _text(value: object, what: str, problems: list[str]) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        problems.append(f"{what}: teksten er {len(text)} tegn, høyst {MAX_TEXT} er tillatt.")
    return text


def _scale(value: object, what: str, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= 5:
        problems.append(f"{what}: «{value}» er ikke et helt tall fra 1 til 5.")
        return None
    return number


def clean_risk(goal: str, risk: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A risk assessment as given in a form, checked: (the clean assessment, the problems in Norwegian)."""
    problems: list[str] = []
    likelihood = _scale(risk.get("likelihood"), f"{goal}, sannsynlighet", problems)
    consequence = _scale(risk.get("consequence"), f"{goal}, konsekvens", problems)
    measures = []
    for i, m in enumerate(risk.get("measures") or [], start=1):
        text = _text(m.get("text"), f"{goal}, tiltak {i}", problems)
        status = m.get("status") or "planlagt"
        if status not in MEASURE_STATUSES:
            problems.append(f"{goal}, tiltak {i}: status «{status}» finnes ikke; bruk "
                            + ", ".join(MEASURE_STATUS_TEXT[s].lower() for s in MEASURE_STATUSES) + ".")
        if text:
            measures.append({"text": text, "status": status})
    if len(measures) > MAX_MEASURES:
        problems.append(f"{goal}: høyst {MAX_MEASURES} tiltak per mål.")
    return {"likelihood": likelihood, "consequence": consequence, "measures": measures}, problems


def missing_for_sending(body: Mapping[str, Any]) -> list[str]:
    """What must be filled in before the report can be sent, in Norwegian."""
    out = [f"Skriv hva som ble gjort for prioritering {p['no']} «{p['title']}»." for p in body["priorities"]
           if not (p.get("done") or "").strip()]
    out += [f"Vurder sannsynlighet og konsekvens for {r['indicator_id']} {r['name']}." for r in body["risks"]
            if not r.get("score")]
    return out


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    report_id: int
    unit_id: str
    year: int
    tertial: int
    status: str
    version: int
    updated_by: str
    updated_at: datetime
    body: dict[str, Any]

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


@dataclass(frozen=True)
class Version:
    version: int
    status: str
    written_by: str
    written_at: datetime
    data_version: int
    body: dict[str, Any]


def _p(db: Path | str | None) -> Path | None:
    return Path(db) if db is not None else None


def _body(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _current(conn: sa.Connection, unit_id: str, year: int, tertial: int) -> Report | None:
    row = conn.execute(
        sa.select(R.c.report_id, R.c.unit_id, R.c.year, R.c.tertial, R.c.status, R.c.version, R.c.updated_by,
                  R.c.updated_at, V.c.body)
        .join(V, sa.and_(V.c.report_id == R.c.report_id, V.c.version == R.c.version))
        .where(R.c.unit_id == unit_id, R.c.year == year, R.c.tertial == tertial)).first()
    if row is None:
        return None
    return Report(int(row[0]), row[1], int(row[2]), int(row[3]), row[4], int(row[5]), row[6], row[7], _body(row[8]))


def load(db: Path | str | None, unit_id: str, year: int, tertial: int) -> Report | None:
    """The report as it is now (its newest version), or None if the unit has not started one."""
    with appdb.reading(_p(db)) as conn:
        return _current(conn, unit_id, year, tertial)


def versions(db: Path | str | None, unit_id: str, year: int, tertial: int) -> list[Version]:
    """Every version of the report, newest first."""
    with appdb.reading(_p(db)) as conn:
        rows = conn.execute(
            sa.select(V.c.version, V.c.status, V.c.written_by, V.c.written_at, V.c.data_version, V.c.body)
            .join(R, R.c.report_id == V.c.report_id)
            .where(R.c.unit_id == unit_id, R.c.year == year, R.c.tertial == tertial)
            .order_by(V.c.version.desc())).all()
    return [Version(int(r[0]), r[1], r[2], r[3], int(r[4]), _body(r[5])) for r in rows]


def for_offices(db: Path | str | None, offices: Sequence[tuple[str, str]], year: int,
                tertial: int) -> list[tuple[str, str, Report | None]]:
    """Each office's report for the tertial, in the order given (the unit tree's, never by results or risk)."""
    with appdb.reading(_p(db)) as conn:
        return [(unit_id, name, _current(conn, unit_id, year, tertial)) for unit_id, name in offices]


def fylke_offices(db: Path | str | None, fylke_id: str) -> list[tuple[str, str]]:
    """The active offices under the fylke in the unit tree's order."""
    with store.reading(_p(db)) as con:
        return meetings.offices_in_tree_order(con, fylke_id)


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def _parents(db: Path | str | None) -> dict[str, str | None]:
    with store.reading(_p(db)) as con:
        return units.parents(con)


def _check_tertial(year: int, tertial: int) -> None:
    if tertial not in TERTIALS or not 2000 <= year <= 2100:
        raise ReportProblem(f"«{year} T{tertial}» er ikke et tertial; bruk 1, 2 eller 3.")


def _write(conn: sa.Connection, user: access.User, current: Report | None, unit_id: str, year: int, tertial: int,
           status: str, body: dict[str, Any], action: str) -> int:
    now = datetime.now()
    if current is None:
        report_id = appdb.insert_id(conn, R, {"unit_id": unit_id, "year": year, "tertial": tertial, "status": status,
                                              "version": 1, "updated_by": user.name, "updated_at": now})
        version = 1
    else:
        report_id, version = current.report_id, current.version + 1
        changed = conn.execute(R.update().where(R.c.report_id == report_id, R.c.version == current.version)
                               .values(status=status, version=version, updated_by=user.name, updated_at=now))
        if changed.rowcount != 1:
            raise ReportProblem("Rapporten ble endret av noen andre samtidig. Last siden på nytt og prøv igjen.")
    conn.execute(V.insert().values(report_id=report_id, version=version, status=status, body=json.dumps(body),
                                   data_version=int(body.get("data_version") or 0), written_by=user.name,
                                   written_at=now))
    appdb.audit(conn, user.name, action, f"{unit_id} {year} T{tertial}", f"versjon {version}")
    return version


def save(db: Path | str | None, user: access.User, unit_id: str, year: int, tertial: int, *,
         done: Mapping[int, str] | None = None, risks: Mapping[str, Mapping[str, Any]] | None = None,
         send: bool = False) -> int:
    """Save the leader's texts and risk assessments as a new draft version, or send the report (`send`).

    `done` (priority number -> what was done) and `risks` (indicator -> likelihood, consequence, measures) replace
    what the report said for those priorities and goals; the others keep what the previous version said. The
    målekort part is computed anew from the newest published data. Returns the new version's number."""
    _check_tertial(year, tertial)
    if not access.can_write_tertial_report(user, unit_id):
        raise PermissionError("Bare lederen for kontoret kan skrive og sende kontorets tertialrapport.")
    problems: list[str] = []
    clean_done = {int(no): _text(text, f"Prioritering {no}", problems) for no, text in (done or {}).items()}
    clean_risks = {}
    for indicator_id, risk in (risks or {}).items():
        clean_risks[indicator_id], found = clean_risk(indicator_id, risk)
        problems += found
    if problems:
        raise ReportProblem("\n".join(problems))
    with store.reading(_p(db)) as con:
        generated = generate(con, unit_id, year, tertial, db)
    with appdb.writing(_p(db)) as conn:
        current = _current(conn, unit_id, year, tertial)
        if current is not None and current.status != "utkast":
            raise ReportProblem(f"Rapporten er {current.status_text.lower()} og kan ikke endres lenger.")
        before = current.body if current else {}
        old_done = {p["no"]: p.get("done", "") for p in before.get("priorities", [])}
        old_risks = {r["indicator_id"]: r for r in before.get("risks", [])}
        body = _merge(generated, {**old_done, **clean_done}, {**old_risks, **clean_risks})
        if send:
            missing = missing_for_sending(body)
            if missing:
                raise ReportProblem("Rapporten ble ikke sendt:\n" + "\n".join(missing))
        return _write(conn, user, current, unit_id, year, tertial, "sendt" if send else "utkast", body,
                      "sendte tertialrapport" if send else "lagret tertialrapport")


def receive(db: Path | str | None, user: access.User, unit_id: str, year: int, tertial: int,
            followups: Sequence[str]) -> int:
    """The fylkesledelse marks a sent report as received, with follow-up points (one text each)."""
    _check_tertial(year, tertial)
    if not access.can_receive_tertial_report(user, unit_id, _parents(db)):
        raise PermissionError("Bare fylkesledelsen over kontoret kan markere tertialrapporten som mottatt.")
    problems: list[str] = []
    points = [t for i, f in enumerate(followups, start=1) if (t := _text(f, f"Oppfølgingspunkt {i}", problems))]
    if problems:
        raise ReportProblem("\n".join(problems))
    with appdb.writing(_p(db)) as conn:
        current = _current(conn, unit_id, year, tertial)
        if current is None or current.status != "sendt":
            state = current.status_text.lower() if current else "ikke påbegynt"
            raise ReportProblem(f"Bare en sendt rapport kan markeres som mottatt; denne er {state}.")
        body = {**current.body, "followups": points, "received_by": user.name,
                "received_at": datetime.now().replace(microsecond=0).isoformat()}
        return _write(conn, user, current, unit_id, year, tertial, "mottatt", body, "mottok tertialrapport")


# ---------------------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------------------


def title(body: Mapping[str, Any]) -> str:
    return f"Tertialrapport {tertial_label(body['year'], body['tertial'])} – {body['unit_id']} {body['unit_name']}"


def stamp(body: Mapping[str, Any]) -> str:
    return (f"Målekortet per {body['period_label']}, dataversjon {body['data_version']}. "
            "Hentet fra navdash.")


def export_xlsx(reports: Sequence[Report]) -> bytes:
    """The reports as an Excel workbook: a sheet each for the målekort, the priorities, the risks and the follow-up
    points, one block of rows per report, in the order given. Every cell goes through the formula guard."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def put(sheet: Any, row: list[Any]) -> None:
        sheet.append([spreadsheet_cell(v) for v in row])

    wb = Workbook()
    sheets = {"Målekort": wb.active, "Prioriteringer": wb.create_sheet("Prioriteringer"),
              "Risiko": wb.create_sheet("Risiko"), "Oppfølging": wb.create_sheet("Oppfølging")}
    sheets["Målekort"].title = "Målekort"
    heads = {
        "Målekort": ["Enhet", "Kontor", "Status", "MK ID", "Styringsparameter", "Hittil i år", "Resultatkrav",
                     "Mål", "Signal"],
        "Prioriteringer": ["Enhet", "Kontor", "Status", "Nr", "Prioritering", "Hva ble gjort"],
        "Risiko": ["Enhet", "Kontor", "Status", "MK ID", "Mål", "Sannsynlighet (1–5)", "Konsekvens (1–5)",
                   "Risiko", "Risikonivå", "Tiltak", "Status for tiltaket"],
        "Oppfølging": ["Enhet", "Kontor", "Status", "Mottatt av", "Oppfølgingspunkt"],
    }
    first = reports[0].body if reports else None
    for name, sheet in sheets.items():
        put(sheet, [f"Tertialrapport {tertial_label(first['year'], first['tertial'])}" if first else "Tertialrapport"])
        sheet["A1"].font = Font(bold=True, size=13)
        put(sheet, [])
        put(sheet, heads[name])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A4"
    for report in reports:
        body = report.body
        who = [body["unit_id"], body["unit_name"], report.status_text]
        for r in map(ParameterRow.from_dict, body["parameters"]):
            put(sheets["Målekort"], [*who, r.indicator_id, r.name, r.ytd.text(r.measure), r.target_text,
                                     r.status_text, r.variation_text])
        for p in body["priorities"]:
            put(sheets["Prioriteringer"], [*who, p["no"], p["title"], p.get("done", "")])
        for r in body["risks"]:
            measures = r["measures"] or [{"text": "", "status": ""}]
            for m in measures:
                put(sheets["Risiko"], [*who, r["indicator_id"], f"{r['name']}: {r['goal']}", r["likelihood"],
                                       r["consequence"], r["score"], BAND_TEXT.get(r["band"] or "", "Ikke vurdert"),
                                       m["text"], MEASURE_STATUS_TEXT.get(m["status"], "")])
        for f in body.get("followups", []):
            put(sheets["Oppfølging"], [*who, body.get("received_by", ""), f])
    for sheet in sheets.values():
        for col, width in zip("ABCDEFGHIJK", (8, 24, 12, 10, 36, 16, 16, 12, 16, 40, 16), strict=True):
            sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
