"""Count the målekort's year-to-date verdicts and assurance icons for every active office, per month.

    python scripts/verdict_summary.py 2022-06 2022-12

Prints, per month, the verdicts against each target (oppfylt / ikke oppfylt / normal variasjon / ukjent) and the
assurance icons, so a change of method can be measured on the demo data, not guessed.
"""

from __future__ import annotations

import sys
from collections import Counter

from navdash import scorecard, store
from navdash.periods import parse_period


def summary(months: list[str]) -> dict[str, object]:
    verdicts: Counter[str] = Counter()
    per_case: dict[tuple[str, str, str, int], str] = {}  # (month, office, indicator, target no) -> verdict
    kinds: dict[tuple[str, str, str, int], str] = {}
    assurance: Counter[str] = Counter()
    with store.reading() as con:
        offices = [r[0] for r in con.execute(
            "SELECT unit_id FROM units WHERE type = 'kontor' AND valid_to IS NULL ORDER BY unit_id").fetchall()]
        for month in months:
            for unit_id in offices:
                card = scorecard.build(con, unit_id, parse_period(month))
                if card is None:
                    continue
                for row in card.steering:
                    for i, (target, status) in enumerate(zip(row.targets, row.statuses, strict=True)):
                        verdicts[status.status] += 1
                        per_case[(month, unit_id, row.indicator_id, i)] = status.status
                        kinds[(month, unit_id, row.indicator_id, i)] = target.kind
                    if row.signal is not None and row.signal.assurance:
                        assurance[f"{month} {row.indicator_id} {row.signal.assurance}"] += 1
    return {"verdicts": verdicts, "cases": per_case, "kinds": kinds, "assurance": assurance, "offices": len(offices)}


def main(argv: list[str]) -> int:
    result = summary(argv or ["2022-06", "2022-12"])
    print("Vurderinger:", dict(result["verdicts"]))
    for key, n in sorted(result["assurance"].items()):
        print("Målsikkerhet:", key, n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
