"""What the start page shows: the unit tree and what data there is, and how fresh."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from navdash import aggregate, appdb, ingest, store
from navdash import units as tree
from navdash.schemas import KINDS


def units(db: Path | None = None) -> pd.DataFrame:
    with store.reading(db) as con:
        return con.execute(
            """SELECT u.unit_id, u.name, u.type, u.parent_id, p.name AS parent_name, u.comparison_group,
                      u.size_class, u.user_mix, u.centrality,
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
    """Per import kind, every kind there is (`KINDS`, in its order, with the table the import merges into): rows in
    the store, the latest import, who made it and when."""
    rows = []
    log = appdb.import_log
    with store.reading(db) as con, appdb.reading(db) as conn:
        for kind in KINDS:
            count = con.execute(f"SELECT count(*) FROM {ingest.IMPORTS[kind].table}").fetchone()[0]
            last = conn.execute(
                sa.select(log.c.file_name, log.c.who, log.c.logged_at, log.c.rows)
                .where(log.c.kind == kind, log.c.outcome == "importert")
                .order_by(log.c.logged_at.desc(), log.c.log_id.desc()).limit(1)).first()
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


def unit_parents(db: Path | None = None) -> dict[str, str | None]:
    with store.reading(db) as con:
        return tree.parents(con)


EM_SPACE = "\u2003"


def unit_options(db: Path | None = None) -> list[tuple[str, str]]:
    """Units for a picker, in tree order (navdash.units), indented by depth, never by results. Units that have been
    merged away are listed last with their end date."""
    df = units(db)
    walked = tree.walk(tree.from_table(df[df["valid_to"].isna()]))
    out = [(node.unit_id, f"{EM_SPACE * depth}{node.unit_id} {node.name}") for node, depth in walked]
    for row in df[df["valid_to"].notna()].sort_values("name").itertuples():
        out.append((row.unit_id, f"{row.unit_id} {row.name} (til {row.valid_to:%d.%m.%Y})"))
    return out


def months_with_data(db: Path | None = None) -> list[str]:
    """Months that have results, newest first."""
    with store.reading(db) as con:
        rows = con.execute(
            """SELECT DISTINCT period FROM "values" WHERE period_kind = 'M' ORDER BY period DESC"""
        ).fetchall()
    return [r[0] for r in rows]


def latest_complete_month(db: Path | None, unit_id: str) -> str | None:
    """The latest month every office under the unit that was active then has delivered (see aggregate)."""
    with store.reading(db) as con:
        return aggregate.latest_complete_month(con, unit_id)


def month_deliveries(db: Path | None = None) -> aggregate.MonthDeliveries:
    """Which unit delivered which month, for computing any unit's month coverage (aggregate.month_coverage)."""
    with store.reading(db) as con:
        return aggregate.month_deliveries(con)


def month_coverage(db: Path | None = None, months: int = 12,
                   deliveries: aggregate.MonthDeliveries | None = None) -> pd.DataFrame:
    """For Norge and each fylke, the newest `months` months: how many of the offices have delivered, as text, and
    whether the month is complete. One row per month and unit, in the unit tree's order."""
    rows = []
    with store.reading(db) as con:
        units = con.execute(
            """SELECT unit_id, name FROM units WHERE valid_to IS NULL AND (parent_id IS NULL OR type = 'fylke')
               ORDER BY parent_id NULLS FIRST, unit_id""").fetchall()
        deliveries = deliveries or aggregate.month_deliveries(con)
        for unit_id, name in units:
            for c in aggregate.month_coverage(deliveries, unit_id)[:months]:
                rows.append({"period": c.period, "unit_id": unit_id, "name": name, "reported": c.reported,
                             "expected": c.expected, "loaded": c.loaded, "complete": c.complete, "text": c.text})
    return pd.DataFrame(rows, columns=["period", "unit_id", "name", "reported", "expected", "loaded", "complete",
                                       "text"])
