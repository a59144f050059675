"""Pieces of the survey page: the diverging bars and the tables.

Everything drawn here comes from `navdash.survey`'s published table, where hidden figures carry no numbers, only
the reason. Nothing here computes a figure from stored counts.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from navdash import fmt, survey
from navdash.survey import ALL, ANSWER_TEXT, Selection
from navdash.text import escape

# Colour-blind-safe diverging scale (brown-orange to blue, grey middle); every segment also carries its answer
# number and share as text, and left of zero is disagreeing, so colour is never the only cue.
COLOURS = {"1": "#8c510a", "2": "#dfc27d", "3": "#c8c8c8", "4": "#80b1d3", "5": "#1f4e79"}
TEXT_COLOURS = {"1": "white", "2": "#23262A", "3": "#23262A", "4": "#23262A", "5": "white"}
# The table by group has three columns per group and is wider than a laptop's page with the sidebar open: it scrolls
# inside its own region (keyboard-focusable, see table_html), never the page.
CSS = """
<style>
.nd-scroll {overflow-x: auto;}
.nd-table td.hidden {color: #4f4f4f; font-style: italic; min-width: 5.5rem;}
.nd-table tbody th {text-align: left; font-weight: normal;}
.nd-table tr.theme th {background: #fafafa; font-weight: 600; text-align: left;}
.nd-table thead th.unit {text-align: center; border-left: 1px solid #d0d0d0;}
.nd-table td.first {border-left: 1px solid #d0d0d0;}
</style>
"""


# --- formatting ------------------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(text)


def _num(row: pd.Series, column: str, kind: str) -> str:
    value = row[column]
    if pd.isna(value):
        return ""
    return {"share": fmt.percent(float(value), 0), "n": fmt.number(float(value)),
            "pp": fmt.pp(float(value), 0)}[kind]


def unit_label(names: dict[str, str], unit: str) -> str:
    return names.get(unit, unit)


# --- the chart ---------------------------------------------------------------------------------------------------


def wrap(text: str, width: int = 48) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "<br>".join(escape(x) for x in [*lines, line])  # plotly reads a subset of HTML


def figure(cells: pd.DataFrame, title: str) -> go.Figure:
    """Diverging stacked bars of answers 1-5 per question: disagreeing left of zero, agreeing right, the neutral
    answer split across zero. Hidden questions keep their row and say why."""
    labels = [wrap(q) for q in cells["question"]]
    fig = go.Figure()
    halves = {"3": 0.5}
    # Relative bars stack outwards in trace order: the neutral half first, then 2 then 1 (left) / 4 then 5 (right).
    for answer, side in (("3", -1), ("2", -1), ("1", -1), ("3", 1), ("4", 1), ("5", 1)):
        share = cells[f"p{answer}"].astype("float64")
        value = side * share * halves.get(answer, 1.0)
        first_half = answer == "3" and side == -1
        text = ["" if first_half or pd.isna(s) else f"{answer}: {fmt.percent(s, 0)}" for s in share]
        hover = [f"{answer} = {ANSWER_TEXT[answer]}: {fmt.percent(s, 0)} ({fmt.number(c)} svar)"
                 if not pd.isna(s) else "" for s, c in zip(share, cells[f"a{answer}"], strict=True)]
        fig.add_trace(go.Bar(
            y=labels, x=value, orientation="h", name=f"{answer} = {ANSWER_TEXT[answer]}",
            legendgroup=answer, showlegend=not first_half, legendrank=int(answer),
            marker={"color": COLOURS[answer], "line": {"color": "white", "width": 1}},
            text=text, textposition="inside", insidetextanchor="middle",
            textfont={"color": TEXT_COLOURS[answer]}, textangle=0, hovertext=hover, hoverinfo="text",
        ))
    for label, (_, row) in zip(labels, cells.iterrows(), strict=True):
        if not row["shown"]:
            fig.add_annotation(y=label, x=0, text=f"Ikke vist: {escape(row['reason'])}", showarrow=False,
                               font={"color": "#4f4f4f", "size": 13})
    ticks = [-100, -50, 0, 50, 100]
    fig.update_layout(
        title={"text": escape(title), "font": {"size": 15}, "y": 0.98, "yanchor": "top"}, barmode="relative",
        separators=", ",
        height=150 + 62 * len(cells), margin={"l": 10, "r": 30, "t": 80, "b": 10}, plot_bgcolor="white",
        uniformtext={"minsize": 11, "mode": "hide"},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        xaxis={"range": [-100, 100], "tickvals": ticks, "ticktext": ["100 %", "50 %", "0", "50 %", "100 %"],
               "zeroline": True, "zerolinecolor": "#23262A", "gridcolor": "#eeeeee",
               "title": {"text": "◀ uenig (1–2) · nøytral (3) delt på midten · enig (4–5) ▶", "standoff": 8},
               "automargin": True},
        yaxis={"autorange": "reversed"},
    )
    return fig


# --- tables ------------------------------------------------------------------------------------------------------


def table_html(sel: Selection, columns: list[tuple[str, str, str]], caption: str) -> str:
    """Questions by theme down the side; for each (unit, group, header) the share agreeing, the number who answered
    and the change from the previous round. Hidden figures say why in the cell."""
    cells = sel.cells.set_index(["unit_id", "grp", "question"])
    change_head = f"Endring fra {sel.previous}" if sel.previous else "Endring"
    head1 = "".join(f'<th scope="colgroup" colspan="3" class="unit">{_e(h)}</th>' for _, _, h in columns)
    head2 = "".join('<th scope="col" class="num first">Enig (4–5)</th><th scope="col" class="num">Svar</th>'
                    f'<th scope="col" class="num">{_e(change_head)}</th>' for _ in columns)
    body = []
    questions = sel.cells[["theme", "question"]].drop_duplicates("question")
    for theme, group in questions.groupby("theme", sort=False):
        body.append(f'<tr class="theme"><th scope="rowgroup" colspan="{1 + 3 * len(columns)}">{_e(theme)}</th></tr>')
        for question in group["question"]:
            tds = []
            for unit, grp, _ in columns:
                row = cells.loc[(unit, grp, question)]
                if row["shown"]:
                    tds.append(f'<td class="num first">{_num(row, "agree", "share")}</td>'
                               f'<td class="num">{_num(row, "n", "n")}</td>')
                else:
                    tds.append(f'<td class="hidden first" colspan="2">{_e(row["reason"])}</td>')
                if pd.isna(row["change"]):
                    tds.append(f'<td class="hidden">{_e(row["change_reason"])}</td>')
                else:
                    tds.append(f'<td class="num">{_num(row, "change", "pp")}</td>')
            body.append(f'<tr><th scope="row" class="name">{_e(question)}</th>{"".join(tds)}</tr>')
    # A wide table scrolls sideways; the region takes keyboard focus so it can be scrolled without a mouse.
    return (f'<div class="nd-scroll" tabindex="0" role="region" aria-label="{_e(caption)}">'
            f'<table class="nd-table"><caption>{_e(caption)}</caption>'
            f'<thead><tr><td></td>{head1}</tr><tr><th scope="col">Spørsmål</th>{head2}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def response_html(sel: Selection) -> str:
    rows = []
    for r in sel.response.itertuples():
        if r.respondents is None or pd.isna(r.respondents):
            tds = f'<td class="hidden">{_e(r.reason)}</td>'
            rate = f'<td class="hidden">{_e(r.reason)}</td>'
        else:
            tds = f'<td class="num">{fmt.number(r.respondents)}</td>'
            share = fmt.percent(r.rate, 0) if r.rate is not None and not pd.isna(r.rate) else "–"
            rate = f'<td class="num">{share}</td>'
        employees = fmt.number(r.employees) if r.employees is not None and not pd.isna(r.employees) else "–"
        rows.append(f'<tr><th scope="row">{_e(r.name)}</th>{tds}<td class="num">{employees}</td>{rate}</tr>')
    return (f'<div class="nd-scroll" tabindex="0" role="region" aria-label="Svarprosent {_e(sel.round)}">'
            f'<table class="nd-table"><caption>Svarprosent {_e(sel.round)}</caption>'
            '<thead><tr><th scope="col">Enhet</th><th scope="col" class="num">Svar</th>'
            '<th scope="col" class="num">Ansatte</th><th scope="col" class="num">Svarprosent</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def group_columns(sel: Selection, unit: str) -> list[tuple[str, str, str]]:
    return [(unit, g, survey.group_text(g)) for g in sel.groups]


def unit_columns(sel: Selection, names: dict[str, str], grp: str) -> list[tuple[str, str, str]]:
    suffix = "" if grp == ALL else f" – {survey.group_text(grp).lower()}"
    return [(u, grp, unit_label(names, u) + suffix) for u in sel.units]
