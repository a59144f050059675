"""What the start page shows: the unit tree and what data there is, and how fresh."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from navdash import store
from navdash.schemas import KINDS


def units(db: Path | None = None) -> pd.DataFrame:
    with store.reading(db) as con:
        return con.execute(
            """SELECT u.unit_id, u.name, u.type, u.parent_id, p.name AS parent_name, u.comparison_group,
                      u.employees, u.valid_from, u.valid_to, u.replaced_by, r.name AS replaced_by_name,
                      CASE WHEN u.valid_to IS NULL THEN 'Aktiv'
                           WHEN u.replaced_by IS NOT NULL THEN 'Slått sammen med ' || r.name || ' fra '
                                || strftime(u.valid_to + INTERVAL 1 DAY, '%d.%m.%Y')
                           ELSE 'Nedlagt ' || strftime(u.valid_to, '%d.%m.%Y') END AS status
               FROM units u LEFT JOIN units p ON p.unit_id = u.parent_id
               LEFT JOIN units r ON r.unit_id = u.replaced_by
               ORDER BY u.unit_id"""
        ).df()


def data_status(db: Path | None = None) -> pd.DataFrame:
    """Per import kind: rows in the store, the latest import, who made it and when."""
    tables = {"enheter": "units", "indikatorer": "indicators", "verdier": '"values"', "resultatkrav": "targets",
              "undersokelse": "survey_counts"}
    rows = []
    with store.reading(db) as con:
        for kind, table in tables.items():
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            last = con.execute(
                """SELECT file_name, who, logged_at, rows FROM import_log WHERE kind = ?
                   ORDER BY logged_at DESC, import_id DESC LIMIT 1""", [kind]
            ).fetchone()
            rows.append({
                "kind": kind, "label": KINDS[kind].label, "rows": count,
                "last_file": last[0] if last else None, "last_who": last[1] if last else None,
                "last_at": last[2] if last else None, "last_rows": last[3] if last else None,
            })
    return pd.DataFrame(rows)


def value_coverage(db: Path | None = None) -> dict[str, object]:
    """The span of the results: first and last month, and how many units and indicators have values."""
    with store.reading(db) as con:
        first, last, units_n, ind_n = con.execute(
            """SELECT min(period) FILTER (WHERE period_kind = 'M'), max(period) FILTER (WHERE period_kind = 'M'),
                      count(DISTINCT unit_id), count(DISTINCT indicator_id) FROM "values" """
        ).fetchone()
    return {"first_month": first, "last_month": last, "units": units_n, "indicators": ind_n}


def is_demo(db: Path | None = None) -> bool:
    return store.meta(db).get("demo") == "ja"
