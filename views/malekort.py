"""Målekort: a unit's styringsparametere with targets in the letter's words, honest signals, and the base of
every number. Unit, period and indicator live in the URL so a link can be shared in a meeting invitation."""

from __future__ import annotations

import streamlit as st

from navdash import disclosure, signals
from navdash.periods import parse_period
from navdash.schemas import LABELS
from navdash.ui import comment_form, data, downloads, layout, norsk, pickers, scorecard_view, text
from navdash.ui.identity import current_user
from navdash.ui.text import md, safe_link

user = current_user()
unit_id, period_key, db, version = pickers.unit_and_month(user, what="målekortet for enhet")

scope = data.scope(user)
card = data.scorecard(db, version, unit_id, period_key, scope)
period = parse_period(period_key)
st.title(f"Målekort for {card.unit.unit_id} {md(card.unit.name)}")
st.markdown(f"**{period.label().capitalize()}** · hittil i år er januar–{period.label().split()[0]} {period.year}, "
            f"sammenlignet med samme periode i {period.year - 1}.")
if card.computed_from_offices:
    st.info(f"Tallene for {md(card.unit.name)} er beregnet fra kontorene under enheten: tellere og nevnere er summert "
            "(ikke et snitt av andeler).", icon=":material/functions:")
elif card.loaded_for_unit and card.unit.type in ("land", "fylke"):
    st.info(f"Tallene for {md(card.unit.name)} er lastet inn for nivået selv (offisiell statistikk).",
            icon=":material/database:")

if card.coverage is not None and not card.coverage.complete:
    st.warning(f"{period.label().capitalize()} er ikke komplett for {md(card.unit.name)}: bare "
               f"{card.coverage.text} har levert tall. Tall som er beregnet fra færre kontorer enn det var, er "
               "merket og får verken signal eller vurdering mot mål.", icon=":material/hourglass_top:")
if card.unit.predecessors:
    merged = ", ".join(f"{md(name)} (til {end:%d.%m.%Y})" if end else md(name)
                       for _uid, name, end in card.unit.predecessors)
    st.info(f"Historikken for {md(card.unit.name)} omfatter {merged}, som er slått sammen med enheten. Tallene deres "
            "før sammenslåingen er lagt til, også i referansenivåer som «2019-nivået».", icon=":material/merge:")

with st.expander("Slik leser du signalene"):
    st.markdown(
        f"**Signal** bygger på et kontrolldiagram (NHS *Making Data Count*) for de siste {signals.WINDOW} månedene. "
        "▲ *Forbedring* og ▼ *Bekymring* betyr særskilt variasjon i god eller dårlig retning: minst én regel "
        "slo til (et punkt utenfor kontrollgrensene, 7 punkter på rad som stiger eller synker, 7 punkter på "
        "rad på samme side av gjennomsnittet, eller 2 av 3 punkter nær en kontrollgrense). "
        "● *Vanlig variasjon* betyr at ingen regel slo til. ◆ *Særskilt variasjon* brukes der ingen retning "
        "er bedre enn en annen. Med færre enn 12 punkter står det *For få datapunkter*. Trykk på et signal "
        "(eller gå til det med Tab og trykk Enter) for å se regelen.\n\n"
        "**Hvilket diagram.** Andeler med teller og nevner får et p-diagram: grensene regnes fra hver måneds "
        "nevner, så en måned med få saker får vide grenser (0 av 1 er ikke et signal). Antall får et u-diagram "
        "(Poisson). Varierer månedene mer enn tellingen alene gir, som når nevneren er stor, brukes Laneys "
        "p′/u′-diagram, som tar med den ekstra variasjonen. Med under 5 forventede hendelser i måneden regnes "
        "grensene direkte fra sannsynlighetsfordelingen: en måned gir signal bare når et så høyt (eller lavt) "
        "antall har under 0,135 % sjanse ved seriens vanlige nivå, eller når så mange måneder på rad ligger over "
        "(eller under) gjennomsnittet at det er like usannsynlig som 7 på rad ellers. En måned med null er "
        "derfor aldri en bekymring der null er vanlig. Varierer månedene mer enn tellingen alene gir (samme "
        "kollega syk i flere måneder), brukes en fordeling med den variasjonen. Har hendelsen ikke skjedd i "
        "perioden, eller kan ingen måned nå en grense, står det *For lite grunnlag for et signal*. Andre tall "
        "(dager, kroner, skår, andeler uten teller og nevner) får XmR-diagrammet. Henger månedene sammen "
        "(samme personer måned etter måned), blir grensene bredere, og reglene brukes på hver måned sammenlignet "
        f"med det måneden før tilsier: {signals.RESIDUAL_RULES_TEXT}.\n\n"
        "**Sesong.** Har serien et fast mønster over året (sykefravær høyt om vinteren, gradert sykmelding lavt i "
        "desember), trekkes hver måneds typiske avvik fra de hele årene før året som vises, før grensene regnes "
        "ut. Diagrammet viser da både rå og sesongjusterte tall, og signalet gjelder de sesongjusterte. Mønsteret "
        "må finnes i minst to hele år (F-test for stabil sesong); indikatorkatalogen kan slå justeringen på eller "
        "av.\n\n"
        "**Endringspunkter.** Er en kjent, varig endring registrert (for eksempel koronapandemien eller en ny "
        "definisjon), regnes gjennomsnitt og grenser på nytt fra den måneden, og diagrammet viser endringen med "
        "begrunnelsen. Etter en endring trengs 12 nye måneder før det gis et signal.\n\n"
        "**Mål** viser resultatkravet slik brevet formulerer det, hvem som har satt det, og om det er nådd "
        "hittil i år. Retningskrav vurderes mot samme periode i fjor; er forskjellen mindre enn tilfeldig "
        "variasjon kan gi, står det ≈ *Innenfor normal variasjon*. Tilfeldig variasjon anslås fra seriens egen "
        "variasjon fra måned til måned (ikke ved å legge sammen månedenes nevnere, for de samme personene telles "
        "ofte hver måned), og grensen er 1,96 standardfeil. Tallkrav får det samme båndet; «under» og «over» "
        "betyr at terskelen selv ikke er nok, «høyst» og «minst» at den er det. «I retning 2019-nivået»: har "
        "enheten alt passert nivået i god retning, er kravet oppfylt så lenge resultatet ikke er tydelig "
        "dårligere enn nivået. Trykk på en vurdering for å se kravet, regelen og tallene.\n\n"
        "**Målsikkerhet** sammenligner et årlig tallkrav (navngitt i merket) med hva et årssnitt av dagens "
        "prosess kan bli: snittet de siste 12 månedene (hver kalendermåned én gang, så sesongen ikke drar) "
        "± 3 sigma · √(2/12), ikke med grensene for enkeltmåneder.\n\n"
        "**Fullstendighet:** et fylkes- eller landstall som er beregnet fra færre kontorer enn det var aktive, er "
        "merket «beregnet fra 1 av 15 kontorer» og får verken signal eller vurdering. Prosenter uten teller og "
        "nevner summeres aldri over kontorer; de vises som snitt der hvert kontor teller likt. Endringer i andeler "
        "er i prosentpoeng (pp)."
    )
st.html(layout.PAGE_CSS + scorecard_view.CSS)
shared = data.practice_counts(db, version)
notes = data.comments(db, version, unit_id, period_key)

if not card.steering:
    st.warning("Enheten har ingen styringsparametere med tall for denne perioden.")
for perspective, label in LABELS["perspektiv"].items():
    rows = [r for r in card.steering if r.perspective == perspective]
    if rows:
        st.subheader(label)
        st.html(scorecard_view.table_html(rows, unit_id, period_key, f"Styringsparametere – {label.lower()}",
                                          with_targets=True, comments=notes, practices=shared))

comment_form.reply_form(db, user, unit_id, period_key, notes,
                        {r.indicator_id: r.name for r in card.steering + card.key_information}, key="malekort_svar")

if card.key_information:
    st.header("Nøkkelinformasjon")
    st.caption("Informasjon for å følge med på utviklingen. Nøkkelinformasjon har ingen mål og ingen signal.")
    st.html(scorecard_view.table_html(card.key_information, unit_id, period_key, "Nøkkelinformasjon",
                                      with_targets=False, comments=notes, practices=shared))

all_rows = card.steering + card.key_information + card.context
names = {r.indicator_id: f"{r.indicator_id} {r.name}" for r in all_rows}


def close_detail() -> None:
    pickers.to_url("indikator", None)


@st.dialog("Detaljer for indikatoren", width="large", on_dismiss=close_detail)
def show_detail(chosen: str) -> None:
    """The indicator's detail over the page, so the table stays where the reader left it; the URL keeps
    `indikator=` for a shared link."""
    detail = data.indicator_detail(db, version, unit_id, chosen, period_key, scope)
    info = detail.indicator
    st.subheader(md(names[chosen]))
    link = safe_link(info["link"])
    st.markdown(f"{md(info['description'] or '', keep_lines=True)}\n\n"
                f"**Resultatkjede:** {LABELS['resultatkjede'].get(info['chain_step'], info['chain_step'])} · "
                f"**Perspektiv:** {LABELS['perspektiv'].get(info['perspective'], '')} · "
                f"**Polaritet:** {LABELS['polaritet'].get(info['polarity'], '')} · "
                f"**Kilde:** {md(info['source'] or 'ukjent')}"
                + (f" · [Følg med på statistikken]({link})" if link else ""))
    if detail.spc is not None and detail.spc.too_little_data:
        st.warning("For lite grunnlag for et signal: for få hendelser per måned.")
    elif detail.spc is not None and detail.spc.too_few_points:
        st.warning(f"For få datapunkter for et signal: {detail.spc.n_points} måneder, minst 12 trengs.")
    if detail.points["withheld"].any():
        st.caption(f"Måneder der tallet gjelder færre enn 5 personer vises som «{disclosure.WITHHELD_TEXT}» og er "
                   "ikke med i diagrammet eller i kontrollgrensene.")
    if detail.kind == "M":
        st.plotly_chart(scorecard_view.spc_figure(detail), width="stretch", config=norsk.PLOTLY_CONFIG)
        st.caption(text.md(" ".join(scorecard_view.chart_notes(detail))))
    context = [f"**{md(c.name)}**: {scorecard_view.figure_text(c.period, info['measure'])} ({c.period_label}"
               + (f", {c.coverage}" if c.coverage else "")
               + f"), hittil i år {scorecard_view.figure_text(c.ytd, info['measure'])}" for c in detail.context]
    if context:
        st.markdown("Til sammenligning: " + " · ".join(context))
    st.dataframe(scorecard_view.points_table(detail), hide_index=True, width="stretch")


st.subheader("Last ned")
downloads.scorecard_buttons(card, db, version)

# Rendered last, so the tables are on the page before the click catcher asks for a rerun.
clicked = scorecard_view.detail_clicks()
if clicked in names:
    pickers.to_url("indikator", clicked)
chosen = st.query_params.get("indikator")
if chosen in names:
    show_detail(chosen)
elif chosen is not None:
    pickers.to_url("indikator", None)  # an indicator this målekort does not have: the page without a dialog
