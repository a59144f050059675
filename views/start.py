"""Start page: the way to the reader's own work first, every page with what it is for, what data there is and how
fresh, and the unit tree with a link to each unit's målekort."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from navdash import access, approval, fmt, store
from navdash import units as tree
from navdash.periods import parse_period
from navdash.schemas import LABELS
from navdash.ui import data, links, warm
from navdash.ui.identity import current_user
from navdash.ui.text import md

db, version = data.source()
user = current_user()
units = data.units(db, version)
names = dict(zip(units["unit_id"], units["name"], strict=True))
visible = data.visible_units(user)
status = data.data_status(db, version)
coverage = data.value_coverage(db, version)

st.title("Mål og resultater i NAV")
st.markdown(
    "Samfunnsoppdraget er **flere i arbeid og aktivitet og færre på stønad**. Her ser du målene som gjelder, "
    "resultatene med grunnlaget bak hvert tall, og utviklingen over tid – til læring, ikke rangering."
)



def work() -> None:
    """Where the reader's work is, first and prominent: a NAV-leder's own målekort, the fylke's meeting, the
    office's goals for an ansatt, the data status for an analytiker."""
    unit = user.unit_id
    name = names.get(unit, unit)
    with st.container(border=True):
        st.subheader("Ditt arbeid")
        work_page = access.work_page(user)
        if work_page == "malekort" and unit in names:
            st.markdown(f"Som NAV-leder begynner du i målekortet for {md(name)}: resultatene, målene og signalene "
                        "for siste komplette måned.")
            links.page_link("malekort", f"**Gå til målekortet for {md(name)}**", enhet=unit,
                            periode=data.latest_complete_month(db, version, unit))
        elif work_page == "styringsdialog":
            st.markdown(f"Som fylkesledelse leder du månedsmøtet for {md(name)}: alle kontorene i én oversikt, "
                        "kommentarer og oppfølgingspunkter.")
            links.page_link("styringsdialog", f"**Gå til månedsmøtet for {md(name)}**")
        elif work_page == "last_opp":
            st.markdown("Som analytiker holder du dataene ved like: hva som er lastet inn og når står rett under, "
                        "og hver måneds fullstendighet lenger ned.")
            links.page_link("last_opp", "**Gå til opplastingen av data**")
        else:
            st.markdown(f"Her ser du målene som gjelder for {md(name)}, hvem som satte dem og hvorfor, og "
                        "enhetens egne prioriteringer.")
            links.page_link("mal", f"**Gå til mål og prioriteringer for {md(name)}**", enhet=unit)


def pages() -> None:
    st.header("Sidene")
    st.caption("Sidene du har tilgang til, og hva de er til.")
    # A list that wraps at any width (a page link's label is one line and was cut at 1024 px).
    st.markdown("\n".join(f"- **{links.anchor(links.url(page.key), page.title)}** – {md(page.purpose)}"
                          for page in links.PAGES if page.key != "start" and access.can_open(user, page.key)),
                unsafe_allow_html=True)


def freshness() -> None:
    st.header("Data og ferskhet")
    first = parse_period(coverage["first_month"]).short_label() if coverage["first_month"] else "–"
    last = parse_period(coverage["last_month"]).short_label() if coverage["last_month"] else "–"
    c1, c2, c3 = st.columns(3)
    c1.metric("Enheter", fmt.number(len(units)))
    c2.metric("Indikatorer med resultater", fmt.number(coverage["indicators"]))
    c3.metric("Siste måned med tall", last, help=f"Månedstall fra {first} til {last}.")
    if coverage["last_month"]:
        st.caption(f"Månedstall fra {first} til {last}.")
    elif not nothing_approved():  # approval_status says why a leader sees no months
        st.caption("Det finnes ingen månedstall ennå.")
    approval_status()
    table = status.assign(
        Data=status["label"].str.capitalize(),
        Rader=status["rows"].map(fmt.number),
        **{
            "Sist importert": status["last_at"].map(lambda t: f"{t:%d.%m.%Y kl. %H:%M}" if pd.notna(t) else "–"),
            "Fil": status["last_file"].fillna("–"),
            "Av": status["last_who"].fillna("–"),
        },
    )[["Data", "Rader", "Sist importert", "Fil", "Av"]]
    st.dataframe(table, hide_index=True, width="stretch")


def nothing_approved() -> bool:
    """Approval of months is on, this reader sees only approved months, and none is approved yet: the months are
    there, so "no monthly figures" would be wrong."""
    return (approval.required() and not access.sees_unapproved_months(user)
            and data.public_until(db, version) == store.NOTHING)


NOTHING_APPROVED = ("Ingen måneder er godkjent for visning ennå: månedstallene vises her når en analytiker har "
                    "godkjent dem.")


def approval_status() -> None:
    """With approval of months on: up to which month the numbers are approved for everyone."""
    if not approval.required():
        return
    if nothing_approved():
        st.info(NOTHING_APPROVED, icon=":material/hourglass_empty:")
        return
    until = data.public_until(db, version)
    shown = parse_period(until).label() if until != store.NOTHING else None
    if access.sees_unapproved_months(user):
        st.caption((f"Ledere og ansatte ser månedstall til og med {shown}" if shown else
                    "Ledere og ansatte ser ingen månedstall ennå") + ": en måned vises for dem når den og alle "
                   "månedene før den er godkjent under Last opp data.")
    elif shown:
        st.caption(f"Månedstallene er godkjent til og med {shown}.")


def _cell(r: pd.Series) -> str:
    if r["complete"]:
        return f"✓ {r['text']}" if r["expected"] else "✓ lastet for enheten"
    return f"Ufullstendig: {r['text']}"


def completeness() -> None:
    st.header("Fullstendighet per måned")
    st.caption("En måned er komplett for en enhet når alle kontorene under den som var aktive den måneden, har "
               "levert tall. Målekortet åpner på siste komplette måned; tall fra færre kontorer er merket og får "
               "verken signal eller vurdering mot mål.")
    rows = data.month_coverage(db, version, warm.START_PAGE_MONTHS)
    if rows.empty:
        st.info("Det finnes ingen godkjente månedstall ennå." if nothing_approved() else
                "Det finnes ingen månedstall ennå.")
        return
    shown = rows.assign(
        Måned=rows["period"].map(lambda p: parse_period(p).label()),
        cell=rows.apply(_cell, axis=1),
        unit=rows["unit_id"] + " " + rows["name"])
    order = list(dict.fromkeys(shown["unit"]))
    table = shown.pivot(index=["period", "Måned"], columns="unit", values="cell")[order]
    table = table.sort_index(level="period", ascending=False).reset_index(level="period", drop=True)
    st.table(table)  # a plain table: a dozen rows of text, readable by screen readers and when printed


def unit_link(unit_id: str, name: str) -> str:
    """The unit's name as a link to its målekort when the reader may see it, else the name alone."""
    if unit_id in visible:
        return links.anchor(links.url("malekort", enhet=unit_id), name)
    return md(name)


def unit_table(rows: pd.DataFrame, columns: dict[str, object]) -> None:
    """A markdown table (readable by screen readers, links that open in the same tab) of units in `rows`' order;
    `columns` maps a heading to a function of the row that returns escaped cell text."""
    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)
    body = ["| " + " | ".join(f(r) for f in columns.values()) + " |" for _, r in rows.iterrows()]
    st.markdown("\n".join([head, *body]), unsafe_allow_html=True)


def unit_tree() -> None:
    st.header("Enhetene")
    st.caption("Ordnet etter enhetstreet: hvert fylke med kontorene sine etter navn, ikke etter resultater. Navnet "
               "leder til enhetens målekort (for enhetene du har tilgang til).")
    place = tree.positions(tree.from_table(units))
    ordered = units.assign(_place=units["unit_id"].map(place).fillna(len(place))).sort_values(["_place", "unit_id"])
    top = ordered[ordered["parent_id"].isna()]
    for _, root in top.iterrows():
        st.markdown(f"**{unit_link(root['unit_id'], root['name'])}** ({md(root['unit_id'])})",
                    unsafe_allow_html=True)
    children = ordered[ordered["parent_id"].isin(top["unit_id"])]
    leaves = children[~children["unit_id"].isin(ordered["parent_id"])]
    for _, parent in children[~children.index.isin(leaves.index)].iterrows():
        below = ordered[ordered["parent_id"] == parent["unit_id"]]
        kind = LABELS["type"].get(parent["type"], parent["type"])
        active = below[below["valid_to"].isna()]
        with st.expander(f"{md(parent['name'])} ({md(parent['unit_id'])}) · {md(kind)} · {len(active)} kontorer"):
            if parent["unit_id"] in visible:
                st.markdown(f"Målekort for hele {unit_link(parent['unit_id'], parent['name'])}",
                            unsafe_allow_html=True)
            unit_table(below, {
                "Enhet": lambda r: md(r["unit_id"]),
                "Navn": lambda r: unit_link(r["unit_id"], r["name"]),
                "Sammenligningsgruppe": lambda r: md(r["comparison_group"]) if pd.notna(r["comparison_group"])
                else "–",
                "Ansatte": lambda r: fmt.number(r["employees"]),
                "Status": lambda r: md(r["status"]),
            })
    if not leaves.empty:
        with st.expander(f"Spesialenheter og styringsenheter · {len(leaves)}"):
            unit_table(leaves, {
                "Enhet": lambda r: md(r["unit_id"]),
                "Navn": lambda r: unit_link(r["unit_id"], r["name"]),
                "Type": lambda r: md(LABELS["type"].get(r["type"], r["type"])),
                "Ansatte": lambda r: fmt.number(r["employees"]),
            })


# The order follows the reader's work: an analytiker's work is the data status, so it comes first.
work()
if access.work_page(user) == "last_opp":
    freshness()
    completeness()
    pages()
else:
    pages()
    freshness()
    completeness()
unit_tree()
