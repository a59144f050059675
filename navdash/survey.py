"""Employee surveys: Likert aggregation with disclosure control that subtraction cannot break.

What is stored is only the number of people in a unit and group who gave each answer to a question
(`survey_counts`); never individual answers. Only the answer scale 1-5 is stored: the import maps the standard words
("Helt enig") to their numbers and refuses anything else ("vet ikke", free text), so nothing is silently dropped.

What may be loaded (`shape_problems`, `closed_round_problems`; the import refuses the rest with what to send)
------------------------------------------------------------------------------------------------------------
The proof below needs the leaf cells to be disjoint sets of people. Aggregated counts cannot show whether two
groups overlap, so we accept only shapes where they cannot, and compute every total here:

* rows only at workplaces (kontor, spesialenhet, styringsenhet) without sub-units: a fylke or Norge row is a sum of
  offices, and a sum beside its parts counts people twice and lets a small part be subtracted out;
* groups from one breakdown, the roles leder / medarbeider / tillitsvalgt, each person in exactly one; or `alle`
  as the only group of a round that is not broken down. A `Totalt` row, a group called `*`, or a second breakdown
  (age, gender) beside the roles is refused: a second breakdown crosses the first, and its cells are not blocks;
* a round, once imported, is closed: a new or changed count of a unit in it is refused, since before-minus-after
  is the late answer. A unit new to the round may be added (its blocks are blocks like any other). A corrected
  round gets a new name; the original stays published beside it (see the note at `closed_round_problems`);
* the threshold is fixed when a survey is first imported (`threshold_of`): a survey published under two
  thresholds has two pools of small groups, and the difference of two totals is a small group.

We chose refusing over declaring overlapping structures and protecting every combination because the first has a
short proof (below) that tests/test_survey_audit.py checks by linear algebra on random structures, while the
second is a cell-suppression problem over crossed hierarchies that needs an optimiser to be safe.

`publish` checks the shape again on what is stored and publishes nothing for a shape it cannot protect, so a
database filled some other way fails closed. `published` is the one gate the page reads.

Disclosure rule ("blocks", as survey tools do)
----------------------------------------------
No figure is shown for fewer than `k` respondents (`k` >= 5, `MIN_RESPONDENTS`; a setting may raise it, never lower
it: `check_threshold` raises ValueError). Checking each shown figure is not enough: a fylke total minus its visible
offices, or an office total minus its visible groups, would give away a hidden group. So every figure is built
only from *blocks*, per survey, round and question:

1. the leaf cells are (unit where the answers were loaded, group);
2. a leaf cell with at least `k` respondents is a block of its own;
3. the leaf cells of one unit that are under `k` are pooled; the pool is a block if it has at least `k`
   respondents together, otherwise its answers are left out of every figure;
4. a shown figure for unit U and group g is the sum of the group-g blocks in U's subtree; the figure for all
   groups is the sum of every block (group blocks and pools) in U's subtree.

Blocks are disjoint sets of at least `k` people, and every published number is a sum of whole blocks. Whatever an
attacker adds or subtracts (parent minus children, unit minus groups, group across the unit tree, one question or
filter against another), the result is a combination of blocks: the smallest set of people it can isolate has at
least `k` members, and a hidden group's answers do not change any published number (tests/test_survey.py checks
this by changing them). We chose this over complementary suppression (hiding a next-smallest sibling too) because
units x groups x the unit tree is a two-dimensional hierarchical table, where complementary suppression needs an
optimisation over all relations to be safe, and a pattern chosen per view can be undone by combining views. The
price: a total leaves out small groups (the page says so), and "n" is the number of answers that count.

A figure whose sum is under `k` (which can only be 0 under the rule, checked again anyway) is hidden and says why
(`hidden_text`). Zero and one to four respondents look the same, so not even whether anybody answered leaks.
Rounds are different sets of people and every figure is one round; a change between rounds is shown only when both
rounds' figures are shown, otherwise the change would give the hidden round (shown value minus change). The
response rate uses the shown number of respondents, so it is hidden exactly when that number is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from navdash import store
from navdash import units as tree
from navdash.schemas import LABELS, LIKERT, SURVEY_GROUPS, SURVEY_NO_GROUP

MIN_RESPONDENTS = 5
THRESHOLD_ENV = "NAVDASH_UNDERSOKELSE_MIN_SVAR"
THRESHOLD_META = "undersokelse_terskel:"  # + survey name: the threshold fixed at the survey's first import
SCALE = ("1", "2", "3", "4", "5")
ANSWER_TEXT = LIKERT
AGREE = ("4", "5")
ALL = "*"  # the group key of "all groups"; the import refuses it as a group name (schemas._survey_group)
NO_GROUP = SURVEY_NO_GROUP  # a round that is not broken down: its one leaf group, counted in ALL only
GROUP_ORDER = ("leder", "medarbeider", "tillitsvalgt")
GROUPS = frozenset(SURVEY_GROUPS.values())
WORKPLACES = ("kontor", "spesialenhet", "styringsenhet")  # where answers are loaded; fylke and Norge are computed
GROUP_TEXT = {ALL: "Alle", "leder": "Ledere", "medarbeider": "Medarbeidere", "tillitsvalgt": "Tillitsvalgte"}
COUNT_COLUMNS = tuple(f"a{a}" for a in SCALE)
SHARE_COLUMNS = tuple(f"p{a}" for a in SCALE)


def check_threshold(k: int) -> int:
    """The smallest number of respondents a shown figure may have; never below 5."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"terskelen må være et heltall, ikke {k!r}")
    if k < MIN_RESPONDENTS:
        raise ValueError(f"terskelen kan ikke være lavere enn {MIN_RESPONDENTS} svar (fikk {k})")
    return k


def threshold() -> int:
    """The configured threshold for a survey imported from now on: `NAVDASH_UNDERSOKELSE_MIN_SVAR` if set
    (5 or more), else 5. A survey keeps the threshold it was first imported with (`threshold_of`)."""
    raw = os.environ.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return MIN_RESPONDENTS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{THRESHOLD_ENV} må være et heltall, ikke «{raw}»") from None
    return check_threshold(value)


def hidden_text(k: int) -> str:
    return f"færre enn {k} svar"


def group_text(grp: str) -> str:
    return GROUP_TEXT.get(grp, grp.capitalize())


def order_groups(groups: list[str] | set[str]) -> list[str]:
    known = [g for g in GROUP_ORDER if g in groups]
    return known + sorted(g for g in groups if g not in GROUP_ORDER)


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


def surveys(db: Path | str | None = None) -> list[str]:
    with store.reading(Path(db) if db else None) as con:
        return [r[0] for r in con.execute("SELECT DISTINCT survey FROM survey_counts ORDER BY survey").fetchall()]


def rounds(db: Path | str | None, survey: str) -> list[str]:
    """The survey's rounds, oldest first."""
    with store.reading(Path(db) if db else None) as con:
        rows = con.execute("SELECT DISTINCT round FROM survey_counts WHERE survey = ? ORDER BY round",
                           [survey]).fetchall()
    return [r[0] for r in rows]


def raw_counts(db: Path | str | None, survey: str) -> pd.DataFrame:
    """The stored counts of one survey. Internal: never hand this to a page."""
    with store.reading(Path(db) if db else None) as con:
        return con.execute(
            """SELECT round, unit_id, grp, question, theme, answer, count FROM survey_counts
               WHERE survey = ? ORDER BY rowid""", [survey]
        ).df()


def threshold_of(db: Path | str | None, survey: str) -> int:
    """The survey's threshold, fixed when its first round was imported. Publishing one survey under two thresholds
    would leak: the pools of small groups differ, and the difference of two totals is a small group."""
    with store.reading(Path(db) if db else None) as con:
        row = con.execute("SELECT value FROM meta WHERE key = ?", [THRESHOLD_META + survey]).fetchone()
    if row is None:  # a database from before thresholds were recorded
        return threshold()
    return check_threshold(int(row[0]))


def fix_thresholds(con: duckdb.DuckDBPyConnection, surveys: list[str]) -> None:
    """Record the current threshold for each survey that has none yet (inside an import's write)."""
    k = threshold()
    for name in surveys:
        con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT DO NOTHING", [THRESHOLD_META + name, str(k)])


def unit_table(db: Path | str | None = None) -> pd.DataFrame:
    with store.reading(Path(db) if db else None) as con:
        return con.execute("SELECT unit_id, name, type, parent_id, employees FROM units ORDER BY unit_id").df()


# ---------------------------------------------------------------------------------------------------------
# Disclosure control: the published table
# ---------------------------------------------------------------------------------------------------------


def _parents(units: pd.DataFrame) -> dict[str, str | None]:
    return {u: p if isinstance(p, str) and p else None for u, p in zip(units["unit_id"], units["parent_id"],
                                                                        strict=True)}


def ancestors(units: pd.DataFrame) -> dict[str, list[str]]:
    """unit -> [the unit, its parent, ..., the root]; stops at a ring instead of looping."""
    parents = _parents(units)
    return {unit: tree.chain(unit, parents) for unit in parents}


@dataclass(frozen=True)
class ShapeProblem:
    """Why stored or imported counts are not a shape the block rule protects. `row` is the file's row, if known."""

    row: int | None
    column: str | None
    message: str


class SurveyShapeError(ValueError):
    """The counts are not a shape whose disclosure control holds; nothing of the survey may be published."""

    def __init__(self, problems: list[ShapeProblem]):
        self.problems = problems
        first = "; ".join(p.message for p in problems[:3])
        more = f" (og {len(problems) - 3} feil til)" if len(problems) > 3 else ""
        super().__init__(f"Undersøkelsen kan ikke vises: {first}{more}. Med tall i denne formen kan små grupper "
                         "regnes ut, så ingenting vises før undersøkelsen er lastet inn på nytt etter reglene for "
                         "filformatet.")


def _first_rows(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per key (the first in the file) and how many rows share it, so a message is given once."""
    if frame.empty:
        return frame.assign(rows=pd.Series(dtype="int64"))
    order = frame.sort_values("_row") if "_row" in frame else frame
    first = order.groupby(by, sort=False, dropna=False).head(1)
    size = order.groupby(by, sort=False, dropna=False).size().rename("rows").reset_index()
    return first.merge(size, on=by, how="left")


def _row_of(r: pd.Series) -> int | None:
    return int(r["_row"]) if "_row" in r and not pd.isna(r["_row"]) else None


def _more(r: pd.Series) -> str:
    return f" (gjelder {r['rows']} rader)" if r["rows"] > 1 else ""


def shape_problems(counts: pd.DataFrame, units: pd.DataFrame) -> list[ShapeProblem]:
    """The rules a survey's counts must satisfy for the block rule's proof to hold (see the module docstring):

    * answers on the scale 1-5 (the import maps the standard words to their numbers);
    * groups from one breakdown where every person is in exactly one group, or `alle` alone in a round;
    * answers only at workplaces without sub-units: a fylke or Norge row is a sum of the offices, and a sum loaded
      beside its parts counts people twice and lets the parts be subtracted out.

    `counts` is one or more surveys (a `survey` column, if any, separates them); `_row` gives file rows."""
    problems: list[ShapeProblem] = []
    if counts.empty:
        return problems
    survey_key = ["survey"] if "survey" in counts else []
    off_scale = counts[~counts["answer"].astype(str).isin(SCALE)]
    # These two never echo the stored value: it may be free text, and this message can reach the page.
    for _, r in _first_rows(off_scale, ["answer"]).iterrows():
        problems.append(ShapeProblem(_row_of(r), "svaralternativ",
                                     f"svaralternativet er ikke et svar på skalaen 1–5{_more(r)}"))
    unknown_group = counts[~counts["grp"].isin(GROUPS)]
    for _, r in _first_rows(unknown_group, ["grp"]).iterrows():
        problems.append(ShapeProblem(_row_of(r), "gruppe", (
            f"gruppen er ikke en av leder, medarbeider, tillitsvalgt eller alle (én inndeling, hver person i "
            f"nøyaktig én gruppe){_more(r)}")))

    by_id = units.set_index("unit_id")
    has_children = set(units["parent_id"].dropna())
    workplaces = set(units.loc[units["type"].isin(WORKPLACES), "unit_id"]) - has_children
    not_workplace = counts[~counts["unit_id"].isin(workplaces)]
    for _, r in _first_rows(not_workplace, [*survey_key, "unit_id"]).iterrows():
        unit = r["unit_id"]
        if unit not in by_id.index:
            problems.append(ShapeProblem(_row_of(r), "enhet", f"ukjent enhet «{unit}»{_more(r)}"))
            continue
        name, kind = by_id.at[unit, "name"], by_id.at[unit, "type"]
        if kind not in WORKPLACES:
            label = {"fylke": "et fylke", "land": "hele landet"}.get(kind, LABELS["type"].get(kind, kind).lower())
            problems.append(ShapeProblem(_row_of(r), "enhet", (
                f"{unit} {name} er {label}: svar lastes inn bare for enhetene der folk jobber (kontor, "
                "spesialenhet, styringsenhet). Tallene for fylket og Norge regnes ut her av kontorenes svar, så "
                f"send ikke sumrader for fylke eller Norge{_more(r)}")))
        elif unit in has_children:
            problems.append(ShapeProblem(_row_of(r), "enhet", (
                f"{unit} {name} har underenheter: svar lastes inn for underenhetene der folk jobber, og summen for "
                f"{name} regnes ut her{_more(r)}")))

    whole = counts[counts["grp"] == NO_GROUP]
    if not whole.empty and len(whole) < len(counts):
        broken_down = counts[(counts["grp"] != NO_GROUP)][[*survey_key, "round"]].drop_duplicates()
        mixed = whole.merge(broken_down, on=[*survey_key, "round"])
        for _, r in _first_rows(mixed, [*survey_key, "round", "unit_id"]).iterrows():
            problems.append(ShapeProblem(_row_of(r), "gruppe", (
                f"«{NO_GROUP}» betyr at runden {r['round']} ikke er delt inn i grupper, men runden har også "
                "grupper; da er «alle» en sumrad. Send bare gruppene (leder, medarbeider, tillitsvalgt), eller "
                f"bare «alle» for hele runden{_more(r)}")))
    return problems


def closed_round_problems(rows: pd.DataFrame, stored: pd.DataFrame) -> list[ShapeProblem]:
    """A round, once imported, is closed: the difference between a round before and after a late answer is that
    person's answer. A file may repeat a closed round unchanged (export, then import, changes nothing), but every
    new or changed count of a unit already in the round is refused; a corrected round is imported under a new name.

    A unit new to the round may be added (one file per fylke): every figure then grows by that unit's blocks, which
    are blocks like any other, so before and after together are still sums of whole blocks.

    Not closed by this rule: a corrected round under a new name is published beside the original, and the two
    differ by the correction. Withdrawing the original is not built yet; until it is, a correction of fewer than
    k answers should not be loaded as a new round."""
    key = ["survey", "round", "unit_id", "grp", "question", "answer"]
    closed = stored[["survey", "round", "unit_id"]].drop_duplicates()
    touching = rows.merge(closed, on=["survey", "round", "unit_id"])
    if touching.empty:
        return []
    both = touching.merge(stored[[*key, "theme", "count"]], on=key, how="left", suffixes=("", "_stored"))
    fix = "En rettet runde må lastes inn under et nytt navn, og alle svar for en enhet sendes i én fil"
    problems = []
    for _, r in both.sort_values("_row").iterrows():
        where = (f"runden «{r['round']}» av «{r['survey']}» er allerede lastet inn for enhet {r['unit_id']} og er "
                 "lukket")
        if pd.isna(r["count_stored"]):
            problems.append(ShapeProblem(_row_of(r), "antall", f"{where}; raden er ny. {fix}"))
        elif int(r["count_stored"]) != int(r["count"]):
            problems.append(ShapeProblem(_row_of(r), "antall", (
                f"{where}; antallet er endret fra {int(r['count_stored'])} til {int(r['count'])}. {fix}")))
        elif r["theme_stored"] != r["theme"]:
            problems.append(ShapeProblem(_row_of(r), "tema", (
                f"{where}; temaet er endret fra «{r['theme_stored']}» til «{r['theme']}». {fix}")))
    return problems


def import_problems(rows: pd.DataFrame, stored: pd.DataFrame, units: pd.DataFrame) -> list[ShapeProblem]:
    """Everything the import of survey counts must refuse. `rows` carries `survey` and the file's `_row`;
    `stored` is what the database already holds for the same surveys."""
    return shape_problems(rows, units) + closed_round_problems(rows, stored)


def publish(counts: pd.DataFrame, units: pd.DataFrame, k: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Every figure a page may show for one survey, with the block rule applied (see the module docstring).

    `counts` has columns round, unit_id, grp, question, theme, answer, count; `units` unit_id, name, type and
    parent_id. Returns one row per round, unit (every unit with answers in its subtree), group (ALL and each group),
    and question asked in that round: n, a1..a5 (counts), p1..p5 and agree (shares in percent), shown and reason.
    Hidden rows carry no numbers at all (NA), only the reason. Counts of a shape the rule cannot protect raise
    SurveyShapeError: nothing is published rather than something unsafe.
    """
    k = check_threshold(k)
    problems = shape_problems(counts, units)
    if problems:
        raise SurveyShapeError(problems)
    return _publish_blocks(counts, units, k)


def _publish_blocks(counts: pd.DataFrame, units: pd.DataFrame, k: int) -> pd.DataFrame:
    """The block rule on counts of any shape. Safe only for the shapes `shape_problems` accepts: the tests feed it
    the refused shapes to show the leaks they would give."""
    columns = ["round", "unit_id", "grp", "theme", "question", "order", "n", *COUNT_COLUMNS, *SHARE_COLUMNS, "agree",
               "shown", "reason"]
    counts = counts[counts["answer"].astype(str).isin(SCALE)]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    counts = counts.assign(count=counts["count"].astype("int64"))
    leaf = (counts.pivot_table(index=["round", "unit_id", "grp", "question"], columns="answer", values="count",
                               aggfunc="sum", fill_value=0)
            .reindex(columns=list(SCALE), fill_value=0))
    leaf.columns = list(COUNT_COLUMNS)
    leaf = leaf.reset_index()
    leaf["n"] = leaf[list(COUNT_COLUMNS)].sum(axis=1)
    leaf = leaf[leaf["n"] > 0]

    # Rules 2 and 3: group blocks, and per unit one pool of the small groups when the pool reaches k.
    big = leaf["n"] >= k
    group_blocks = leaf[big]
    pools = leaf[~big].groupby(["round", "unit_id", "question"], as_index=False)[["n", *COUNT_COLUMNS]].sum()
    pools = pools[pools["n"] >= k]
    shown_groups = group_blocks[group_blocks["grp"] != NO_GROUP]  # a round without groups has only ALL
    blocks = pd.concat([shown_groups, group_blocks.assign(grp=ALL), pools.assign(grp=ALL)], ignore_index=True)

    # Rule 4: a figure is the sum of the blocks in its subtree.
    chains = ancestors(units)
    blocks["owner"] = blocks["unit_id"].map(lambda u: chains.get(u, [u]))
    blocks = blocks.explode("owner")
    figures = (blocks.groupby(["round", "owner", "grp", "question"])[["n", *COUNT_COLUMNS]].sum()
               .rename_axis(["round", "unit_id", "grp", "question"]))

    # Every combination is listed, so that a missing row never tells more than a hidden one.
    data_units = sorted({o for u in counts["unit_id"].unique() for o in chains.get(u, [u])})
    groups = [ALL, *order_groups(set(counts["grp"]) - {NO_GROUP})]
    # Themes and questions keep the order of the questionnaire (first appearance), never an order by results.
    asked = counts[["round", "question", "theme"]].drop_duplicates(["round", "question"])
    theme_no = {t: i for i, t in enumerate(dict.fromkeys(counts["theme"]))}
    question_no = {q: i for i, q in enumerate(dict.fromkeys(counts["question"]))}
    asked = asked.assign(order=asked["theme"].map(theme_no) * 10_000 + asked["question"].map(question_no))
    grid = (asked.merge(pd.DataFrame({"unit_id": data_units}), how="cross")
            .merge(pd.DataFrame({"grp": groups}), how="cross"))
    out = grid.merge(figures.reset_index(), on=["round", "unit_id", "grp", "question"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["shown"] = out["n"] >= k
    for c, p in zip(COUNT_COLUMNS, SHARE_COLUMNS, strict=True):
        out[p] = out[c] / out["n"].where(out["shown"]) * 100
    out["agree"] = out[[f"a{a}" for a in AGREE]].sum(axis=1) / out["n"].where(out["shown"]) * 100
    numeric = ["n", *COUNT_COLUMNS, *SHARE_COLUMNS, "agree"]
    out[numeric] = out[numeric].astype("Float64").where(out["shown"], pd.NA)
    out["reason"] = out["shown"].map({True: None, False: hidden_text(k)})
    return out[columns].sort_values(["round", "unit_id", "grp", "order"], ignore_index=True)


def published(db: Path | str | None, survey: str) -> pd.DataFrame:
    """The one gate: every survey figure a page or a download may show comes from this table (`publish` on the
    stored counts, under the survey's fixed threshold). Raises SurveyShapeError for counts it cannot protect."""
    return publish(raw_counts(db, survey), unit_table(db), threshold_of(db, survey))


# ---------------------------------------------------------------------------------------------------------
# What a page shows: a selection of the published table
# ---------------------------------------------------------------------------------------------------------


def chain(units: pd.DataFrame, unit_id: str) -> list[str]:
    """The unit, its fylke and Norge (the root), without repeats: the comparison a page shows."""
    parents = _parents(units)
    up = tree.chain(unit_id, parents)
    fylke = tree.nearest_of_type(unit_id, parents, dict(zip(units["unit_id"], units["type"], strict=True)), "fylke")
    out = [unit_id] + ([fylke] if fylke else []) + ([up[-1]] if len(up) > 1 else [])
    return list(dict.fromkeys(out))


def previous_round(all_rounds: list[str], round_: str) -> str | None:
    ordered = sorted(all_rounds)
    i = ordered.index(round_)
    return ordered[i - 1] if i > 0 else None


@dataclass(frozen=True)
class Selection:
    """What one view of the page shows. Every number in it comes from the published table."""

    round: str
    previous: str | None
    units: list[str]
    groups: list[str]  # ALL first; just [ALL] when the survey has no groups
    cells: pd.DataFrame  # published rows of `round` for `units` x `groups`, plus prev_agree, change, change_reason
    response: pd.DataFrame  # unit_id, name, respondents, employees, rate (NA when hidden), reason
    k: int


def select(table: pd.DataFrame, units: pd.DataFrame, round_: str, unit_ids: list[str], k: int) -> Selection:
    """The rows of the published table a page shows for a round and units, with the change from the previous
    round (percentage points) where both rounds are shown."""
    k = check_threshold(k)
    all_rounds = sorted(table["round"].unique())
    prev = previous_round(all_rounds, round_) if round_ in all_rounds else None
    groups = [g for g in table["grp"].unique() if g != ALL]
    groups = [ALL] + (order_groups(groups) if len(groups) > 1 else [])
    now = table[(table["round"] == round_) & table["unit_id"].isin(unit_ids) & table["grp"].isin(groups)]
    if prev is not None:
        before = table[table["round"] == prev][["unit_id", "grp", "question", "agree", "shown"]]
        now = now.merge(before.rename(columns={"agree": "prev_agree", "shown": "prev_shown"}),
                        on=["unit_id", "grp", "question"], how="left")
    else:
        now = now.assign(prev_agree=pd.NA, prev_shown=pd.NA)
    both = now["shown"] & (now["prev_shown"] == True)  # noqa: E712 - NA (not asked) is not True
    now = now.assign(change=(now["agree"] - now["prev_agree"]).where(both, pd.NA))
    now["prev_agree"] = now["prev_agree"].where(both, pd.NA)
    now["change_reason"] = None
    if prev is None:
        now.loc[:, "change_reason"] = "ingen tidligere runde"
    else:
        not_asked = now["prev_shown"].isna()
        now.loc[not_asked, "change_reason"] = f"ikke spurt i {prev}"
        now.loc[~both & ~not_asked & now["shown"], "change_reason"] = f"{hidden_text(k)} i {prev}"
        now.loc[~now["shown"], "change_reason"] = f"{hidden_text(k)} i {round_}"
    order = {u: i for i, u in enumerate(unit_ids)}
    now = (now.drop(columns=["prev_shown"])
           .assign(_u=now["unit_id"].map(order), _g=now["grp"].map({g: i for i, g in enumerate(groups)}))
           .sort_values(["_u", "_g", "order"]).drop(columns=["_u", "_g"]).reset_index(drop=True))
    return Selection(round_, prev, unit_ids, groups, now, response_rates(table, units, round_, unit_ids, k), k)


def response_rates(table: pd.DataFrame, units: pd.DataFrame, round_: str, unit_ids: list[str], k: int) -> pd.DataFrame:
    """Respondents (the most answers any question got, among shown figures) over the unit's employees."""
    by_id = units.set_index("unit_id")
    rows = []
    for unit in unit_ids:
        cells = table[(table["round"] == round_) & (table["unit_id"] == unit) & (table["grp"] == ALL)
                      & table["shown"]]
        respondents = cells["n"].max() if not cells.empty else pd.NA
        employees = by_id.at[unit, "employees"] if unit in by_id.index else None
        employees = int(employees) if employees is not None and not pd.isna(employees) else None
        shown = not pd.isna(respondents) and respondents >= k
        rows.append({
            "unit_id": unit, "name": by_id.at[unit, "name"] if unit in by_id.index else unit,
            "respondents": int(respondents) if shown else None, "employees": employees,
            "rate": respondents / employees * 100 if shown and employees else None,
            "reason": None if shown else hidden_text(k),
        })
    return pd.DataFrame(rows)
