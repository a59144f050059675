"""Mål og prioriteringer: the goals that apply to a unit in a year, who set them, and the office's own priorities.

Readable by everyone. Only the office's leader gets the form for the office's priorities (the core checks again).
Unit and year live in the URL (`?enhet=0312&aar=2021`), so a shared link shows the same page to everyone.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from navdash import goals, proposals
from navdash.access import User, can_edit_priorities, can_propose_priority
from navdash.appdb import AppDbError
from navdash.schemas import LABELS
from navdash.ui import data, links, pickers
from navdash.ui.identity import current_user
from navdash.ui.saving import saving
from navdash.ui.text import md

CAPTIONS = {  # group -> (what it is, what to say when it is empty)
    "central": ("Styringsparametere med resultatkrav i mål- og disponeringsbrevet for {year}. De gjelder alle enheter.",
                "Det er ikke lastet inn resultatkrav fra mål- og disponeringsbrevet for {year}."),
    "fylke": ("Resultatkrav fylket har lagt til for {year}. De gjelder fylket og kontorene i det.",
              "Fylket har ikke lagt til egne resultatkrav for {year}."),
    "local": ("Mål enheten har satt selv, eller avtalt i partnerskapet med kommunen, for {year}.",
              "Enheten har ikke satt egne resultatkrav for {year}."),
}
FIELDS = ("tittel", "begrunnelse", "indikatorer")


def when(t: object) -> str:
    return t.strftime("%d.%m.%Y kl. %H:%M") if hasattr(t, "strftime") else "–"


def choose(label: str, options: list, param: str, default: object, fmt: Callable[[object], str]) -> object:
    """A sidebar choice that starts from the URL and writes itself back to it."""
    def unknown(wanted: str) -> None:
        st.sidebar.warning(f"Fant ikke {label.lower()} «{md(wanted)}». Viser {md(fmt(default))}.")

    return pickers.url_select(label, options, param=param, key=f"mal_{param}", default=default, format_func=fmt,
                              container=st.sidebar, unknown=unknown)


def goal_table(items: tuple[goals.Goal, ...]) -> str:
    nbsp = "\u00a0"  # keeps "MK ID" and "Absolutt krav" on one line in narrow columns
    rows = [f"| {links.anchor(g.link, g.indicator_id)} | {md(g.name)} | {md(g.text)} | "
            f"{g.obligation.replace(' ', nbsp)} | {g.set_by_text} ({md(g.scope_name)}) |" for g in items]
    head = f"| MK{nbsp}ID | Styringsparameter | Resultatkrav | Krav eller anbefaling | Satt av |"
    return "\n".join([head, "|---|---|---|---|---|", *rows])


def save(db: str, user: User, unit: str, year: int, keys: list[dict[str, str]]) -> None:
    items = [{f: st.session_state.get(k[f]) for f in FIELDS} for k in keys]
    items = [i for i in items if (i["tittel"] or "").strip() or (i["begrunnelse"] or "").strip() or i["indikatorer"]]
    try:
        result = goals.save_priorities(db, user, unit, year, items)
    except goals.PrioritiesInvalid as exc:
        lines = "\n".join(f"- {md(p)}" for p in exc.problems)
        st.session_state["mal_message"] = ("error", f"Prioriteringene ble ikke lagret:\n{lines}")
    except (goals.NotAllowed, AppDbError) as exc:
        st.session_state["mal_message"] = ("error", md(exc))
    else:
        st.session_state["mal_message"] = ("success", result.message)
        for k in keys:  # show the saved (renumbered) priorities, not what was typed
            for name in k.values():
                st.session_state.pop(name, None)


def priority_form(db: str, user: User, view: goals.GoalsView, names: dict[str, str]) -> None:
    unit, year = view.unit.unit_id, view.year
    keys = [{f: f"mal_{f}_{unit}_{year}_{i}" for f in FIELDS} for i in range(1, goals.MAX_PRIORITIES + 1)]
    with st.form(f"mal_form_{unit}_{year}"):
        st.markdown(f"Fyll ut {goals.MIN_PRIORITIES}–{goals.MAX_PRIORITIES} prioriteringer. Rekkefølgen blir "
                    "nummereringen. Tøm alle feltene i en prioritering for å slette den.")
        for i, k in enumerate(keys, start=1):
            old = view.priorities[i - 1] if i <= len(view.priorities) else None
            st.markdown(f"**Prioritering {i}**")
            st.text_input(f"Tittel, prioritering {i}", value=old.title if old else "", key=k["tittel"], max_chars=200)
            st.text_area(f"Hvorfor er den valgt? (prioritering {i})", value=(old.reason or "") if old else "",
                         key=k["begrunnelse"], height=80)
            st.multiselect(f"Indikatorer som følger prioritering {i}", list(names),
                           default=[x.indicator_id for x in old.indicators if x.indicator_id in names] if old else [],
                           format_func=lambda x: f"{x} {names[x]}", key=k["indikatorer"],
                           placeholder="Velg indikatorer")
        st.form_submit_button("Lagre prioriteringene", type="primary", on_click=save, args=(db, user, unit, year, keys))
        kind, message = st.session_state.pop("mal_message", (None, ""))
        if kind:  # right under the button, where the leader is looking
            getattr(st, kind)(message)


def proposal_section(db: str, user: User, unit: str, year: int) -> None:
    """The office's own people propose and comment on priorities; the leader decides each proposal."""
    st.subheader("Forslag fra kontoret")
    st.caption("Alle på kontoret kan foreslå prioriteringer og kommentere forslagene før lederen bestemmer. "
               "Lederens avgjørelse tar vare på forslaget og kommentarene slik de var.")
    items = proposals.for_unit(db, unit, year)
    for p in items:
        with st.container(border=True):
            st.markdown(f"**{md(p.title)}** · {p.status_text}")
            st.caption(f"Foreslått av {md(p.proposed_by)} {when(p.proposed_at)}")
            if p.reason:
                st.markdown(md(p.reason, keep_lines=True))
            for c in p.comments:
                st.markdown(f"> {md(c.text)}  \n> — {md(c.written_by)} {when(c.written_at)}")
            if p.decided_by:
                st.caption(f"{p.status_text} av {md(p.decided_by)} {when(p.decided_at)}"
                           + (f": {md(p.decision_note)}" if p.decision_note else ""))
    open_items = {p.proposal_id: p.title for p in items if p.status == "foreslått"}
    with st.expander("Foreslå en prioritering", icon=":material/add:"), st.form("mal_forslag", clear_on_submit=True):
        title = st.text_input("Tittel på forslaget", max_chars=proposals.MAX_TITLE)
        reason = st.text_area("Hvorfor bør kontoret prioritere dette?", max_chars=proposals.MAX_TEXT, height=80)
        if st.form_submit_button("Send forslaget"):
            attempt(lambda: proposals.propose(db, user, unit, year, title, reason))
    if open_items:
        with st.expander("Kommenter et forslag", icon=":material/comment:"), st.form("mal_forslag_kommentar",
                                                                                   clear_on_submit=True):
            chosen = st.selectbox("Forslag", list(open_items), format_func=open_items.get, key="mal_forslag_valg")
            text = st.text_area("Kommentar", max_chars=proposals.MAX_TEXT, height=80)
            if st.form_submit_button("Send kommentaren"):
                attempt(lambda: proposals.comment(db, user, chosen, text))
    if open_items and can_edit_priorities(user, unit):
        with st.expander("Avgjør et forslag", icon=":material/gavel:"), st.form("mal_forslag_avgjor"):
            chosen = st.selectbox("Forslag", list(open_items), format_func=open_items.get, key="mal_avgjor_valg")
            accepted = st.radio("Avgjørelse", [True, False], horizontal=True,
                                format_func=lambda a: "Tas inn i prioriteringene" if a else "Tas ikke inn")
            note = st.text_input("Begrunnelse", max_chars=proposals.MAX_TEXT)
            if st.form_submit_button("Lagre avgjørelsen"):
                attempt(lambda: proposals.decide(db, user, chosen, accepted, note))


def attempt(action: Callable[[], object]) -> None:
    """Run a write and redraw; a refusal is shown in Norwegian and nothing was written."""
    try:
        with saving():
            action()
            st.rerun()
    except (proposals.ProposalProblem, PermissionError) as exc:
        st.error(md(exc))


user = current_user()
db, version = data.source()
units = data.units(db, version).set_index("unit_id")
years, latest, indicator_names = data.goal_lists(db, version)
st.title("Mål og prioriteringer")
if not years:
    st.info("Det er ikke lastet inn resultatkrav eller prioriteringer ennå.")
    st.stop()
visible = data.visible_units(user)
unit_ids = [u for u in units.index if u in visible]  # open to every employee, for their unit and those around it
if st.query_params.get("enhet") in units.index and st.query_params.get("enhet") not in visible:
    st.error(f"Du har ikke tilgang til enhet «{md(st.query_params.get('enhet'))}». Viser din egen enhet.")
    st.query_params["enhet"] = user.unit_id
unit_id = choose("Enhet", unit_ids, "enhet", user.unit_id if user.unit_id in units.index else unit_ids[0],
                 lambda u: f"{u} {units.at[u, 'name']}")
year = choose("År", years, "aar", latest if latest in years else years[0], str)
view = data.goals_view(db, version, unit_id, year)
unit = view.unit
st.caption(" · ".join([f"{md(unit.name)} ({unit.unit_id})", LABELS["type"].get(unit.type, unit.type), str(year)]
                      + [f"under {md(name)}" for _, name in unit.ancestors[:1]]))
if units.at[unit_id, "status"] != "Aktiv":
    st.warning(md(units.at[unit_id, "status"]))

st.header("Samfunnsoppdraget og NAVs hovedmål")
st.markdown(f"NAVs samfunnsoppdrag er **{goals.SAMFUNNSOPPDRAG.lower()}**. NAVs hovedmål er "
            + ", ".join(f"**{g}**" for g in goals.MAIN_GOALS[:-1]) + f" og **{goals.MAIN_GOALS[-1]}**.")

st.header("Hvor mange mål enheten har")
n = goals.counts(view)
advice = f"{goals.MIN_PRIORITIES}–{goals.MAX_PRIORITIES}"
st.markdown("\n".join([
    "| Hva enheten styrer etter i " + str(year) + " | Antall | Hva kildene sier |",
    "|---|---:|---|",
    f"| Styringsparametere med resultatkrav | {n.parameters} | Færre er bedre |",
    f"| – med krav fra mål- og disponeringsbrevet | {n.central} | Fastsatt sentralt |",
    f"| – med krav bare fra fylket, kontoret eller partnerskapet | {n.beyond_central} | Se kritisk på omfanget |",
    f"| Egne resultatkrav (kontoret og partnerskapet) | {n.local_targets} | Se kritisk på omfanget |",
    f"| Prioriteringer i virksomhetsplanen | {n.priorities} | {advice} |",
]))
st.caption(f"«{goals.FEWER_ADVICE}» ({goals.FEWER_SOURCE}). {goals.FEWER_EXAMPLE} Tallene er til enhetens egen "
           "vurdering, ikke til sammenligning mellom enheter.")
if not n.priorities_within_advice:
    st.caption(f"Virksomhetsplanen skal ha {advice} prioriteringer; enheten har {n.priorities} for {year}.")

for key, heading, _ in goals.GROUPS:
    st.header(heading)
    about, empty = (text.format(year=year) for text in CAPTIONS[key])
    items = view.group(key)
    st.caption(about + (" Klikk på MK ID for å se raden i målekortet." if items else ""))
    st.markdown(goal_table(items) if items else empty, unsafe_allow_html=True)

st.header(f"Prioriteringer for {year}")
st.caption(f"Enheten velger selv {goals.MIN_PRIORITIES}–{goals.MAX_PRIORITIES} prioriteringer i virksomhetsplanen "
           "og begrunner dem. De er satt av lederen, ikke krav fra direktoratet eller fylket.")
if not view.priorities:
    st.info(f"{md(unit.name)} har ikke registrert prioriteringer for {year}.")
for p in view.priorities:
    with st.container(border=True):
        st.subheader(f"{p.no}\\. {md(p.title)}")
        st.markdown(f"**Hvorfor:** {md(p.reason, keep_lines=True) if p.reason else 'Ikke oppgitt.'}")
        st.markdown("**Følges med:**\n" + "\n".join(f"- {links.anchor(i.link, i.indicator_id)} {md(i.name)}"
                                                    for i in p.indicators) if p.indicators else "**Følges med:** –",
                    unsafe_allow_html=True)
        st.caption(f"Satt av kontoret · sist endret av {md(p.changed_by or '–')} {when(p.changed_at)}")

if can_propose_priority(user, unit_id):
    proposal_section(db, user, unit_id, year)

if can_edit_priorities(user, unit_id):
    with st.expander("Endre prioriteringene", icon=":material/edit:"):
        priority_form(db, user, view, indicator_names)
else:
    st.caption("Bare lederen for kontoret kan endre kontorets prioriteringer. Mål satt av direktoratet eller "
               "fylket endres ikke her.")

with st.expander("Endringshistorikk"):
    hist = data.priority_history(db, version, unit_id, year)
    if hist.empty:
        st.markdown(f"Ingen endringer registrert for {year}.")
    else:
        st.dataframe(hist.assign(
            Tidspunkt=hist["changed_at"].map(when), Endring=hist["action"].map(goals.ACTION_TEXT),
            Nr=hist["no"], Tittel=hist["title"], Begrunnelse=hist["reason"].fillna(""),
            Indikatorer=hist["indicators"].map(lambda x: ", ".join(x) if x is not None else ""), Av=hist["changed_by"],
        )[["Tidspunkt", "Endring", "Nr", "Tittel", "Indikatorer", "Av", "Begrunnelse"]], hide_index=True,
            width="stretch")
