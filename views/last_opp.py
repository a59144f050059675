"""Last opp data: choose the kind, drop a file, see a preview and the full check, then confirm."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from navdash import access, approval, fmt, ingest, paths, store, upload
from navdash.appdb import AppDbError
from navdash.periods import parse_period
from navdash.schemas import KINDS
from navdash.ui import data, downloads
from navdash.ui.identity import current_user
from navdash.ui.text import md

user = current_user()
scope = access.upload_scope(user)
st.title("Last opp data")
if scope is None:
    st.error("Du har ikke tilgang til å laste opp data. NAV-ledere laster opp kontorets egne tall; "
             "analytikere laster opp alt annet.")
    st.stop()
db, version = data.source()
db_path = Path(db)
if scope.units is not None:
    st.info(f"Som NAV-leder kan du laste opp verdier for din egen enhet ({user.unit_id}) på indikatorer som er "
            "merket som lokale: " + (", ".join(sorted(upload.local_indicators(db_path))) or "ingen ennå") + ".")

DOCS = Path(__file__).resolve().parents[1] / "docs"


def format_section(kind: str) -> str:
    """The part of docs/filformater.md about one kind (from its `## `kind`` heading to the next heading)."""
    text = (DOCS / "filformater.md").read_text(encoding="utf-8")
    start = text.find(f"## `{kind}`")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None].split("\n", 1)[1].strip()


def first_upper(text: str) -> str:
    """The first letter upper case, the rest as it is (a person's name keeps its own capitals)."""
    return text[:1].upper() + text[1:]


def approval_section(db: Path) -> None:
    """Godkjenning av måneder: every imported month with its status, and approving or withdrawing one after a
    confirmation. Shown to whoever approves (access.can_approve_months); a note only when approval is off."""
    problem = paths.approval_setting_problem()
    if problem:
        st.warning(md(problem), icon=":material/warning:")
    if not approval.required():
        st.caption("Godkjenning av måneder er slått av for denne installasjonen: en importert måned vises for alle "
                   "med en gang. Den som drifter navdash, kan slå den på (innstillingen NAVDASH_GODKJENNING).")
        return
    st.header("Godkjenning av måneder")
    st.markdown("Du ser en importert måned med en gang. Ledere og ansatte ser den først når den og alle månedene "
                "før den er godkjent: tall for én måned bygger på månedene før (hittil i år, samme måned i fjor).")
    if done := st.session_state.pop("godkjenning_melding", None):
        st.success(md(done), icon=":material/check_circle:")
    months = approval.statuses(db)
    if not months:
        st.caption("Det finnes ingen månedstall å godkjenne ennå.")
        return
    st.dataframe([{"Måned": first_upper(m.label), "Status": first_upper(m.text),
                   "Synlig for alle": "Ja" if m.public else "Nei"} for m in months],
                 hide_index=True, width="stretch", height=min(36 * len(months) + 38, 320))
    by_key = {m.period: m for m in months}
    first_open = next((m.period for m in reversed(months) if m.approval is None), months[0].period)
    chosen = st.selectbox("Måned", list(by_key), index=list(by_key).index(first_open),
                          format_func=lambda k: by_key[k].label, key="godkjenn_maaned")
    month = by_key[chosen]
    pending = st.session_state.get("godkjenning_venter")
    if pending is None or pending[1] != chosen:
        row = st.container(horizontal=True)  # side by side, and below each other on a narrow screen
        if row.button(f"Godkjenn til og med {month.label}", type="primary", icon=":material/verified:",
                      disabled=month.approval is not None, key="godkjenn"):
            st.session_state["godkjenning_venter"] = ("godkjenn", chosen)
            st.rerun()
        if row.button("Trekk tilbake godkjenningen", disabled=month.approval is None,
                               icon=":material/undo:", key="trekk_tilbake"):
            st.session_state["godkjenning_venter"] = ("trekk", chosen)
            st.rerun()
        return
    action = pending[0]
    earlier = sum(1 for m in months if m.period < chosen and m.approval is None)
    if action == "godkjenn":
        also = (f" og {earlier} tidligere {'måned' if earlier == 1 else 'måneder'} som ikke er godkjent ennå"
                if earlier else "")
        st.warning(f"Godkjenne {month.label}{also}? Ledere og ansatte ser tallene med en gang.",
                   icon=":material/help:")
    else:
        st.warning(f"Trekke tilbake godkjenningen av {month.label}? Måneden og alle senere måneder skjules igjen for "
                   "alle andre enn analytikere til den er godkjent på nytt.", icon=":material/help:")
    row = st.container(horizontal=True)
    if row.button("Ja, godkjenn" if action == "godkjenn" else "Ja, trekk tilbake", type="primary",
                      key="bekreft_godkjenning"):
        st.session_state.pop("godkjenning_venter", None)
        try:
            if action == "godkjenn":
                new = approval.approve(db, user, chosen)
                text = (f"{first_upper(month.label)} var allerede godkjent." if not new
                        else f"Godkjent: {parse_period(new[0]).label()}." if len(new) == 1
                        else f"Godkjent: {len(new)} måneder, fra {parse_period(new[0]).label()} til og med "
                             f"{parse_period(new[-1]).label()}.")
            else:
                text = (f"Godkjenningen av {month.label} er trukket tilbake." if approval.withdraw(db, user, chosen)
                        else f"{first_upper(month.label)} var ikke godkjent.")
        except (AppDbError, PermissionError, ValueError) as exc:
            st.error(md(str(exc)))
            return
        st.session_state["godkjenning_melding"] = text
        if action == "godkjenn":  # the picker moves on to the oldest month still waiting
            st.session_state.pop("godkjenn_maaned", None)
        st.rerun()
    if row.button("Avbryt", key="avbryt_godkjenning"):
        st.session_state.pop("godkjenning_venter", None)
        st.rerun()


# The most common upload first: an analytiker's is monthly values, a leader may only upload values anyway.
default_kind = scope.kinds.index("verdier") if "verdier" in scope.kinds else 0
kind = st.selectbox("Hva inneholder filen?", scope.kinds, index=default_kind,
                    format_func=lambda k: KINDS[k].label.capitalize())
st.caption("Kolonner: " + ", ".join(KINDS[kind].columns) + ". CSV med semikolon eller komma, desimalkomma går "
           "fint, eller Excel (.xlsx).")
with st.expander(f"Filformatet for {KINDS[kind].label}, med eksempelfil"):
    st.markdown(format_section(kind))
    example = DOCS / "eksempler" / f"{kind}.csv"
    if example.exists():
        st.download_button(f"Last ned eksempelfilen {example.name}", example.read_bytes(), file_name=example.name,
                           mime="text/csv", icon=":material/download:")
    st.download_button("Last ned hele beskrivelsen av filformatene", (DOCS / "filformater.md").read_bytes(),
                       file_name="filformater.md", mime="text/markdown", icon=":material/description:")
WARNINGS_SHOWN = 200  # rows of the warnings table on the page; the downloads hold all of them


def show_warnings(report: ingest.ImportReport) -> None:
    """The validation rules' warnings as a table (unit, period, rule, both sides), and all of them to download."""
    n = report.warning_count
    if not n:
        return
    st.warning(f"Valideringsreglene gir {fmt.number(n)} {'advarsel' if n == 1 else 'advarsler'}. Advarsler stopper "
               "ikke importen, men se over tallene under.")
    number = st.column_config.TextColumn(alignment="right")  # the sides are Norwegian-formatted text
    st.dataframe(upload.warnings_table(report, WARNINGS_SHOWN), hide_index=True, width="stretch",
                 column_config={"Venstre side": number, "Høyre side": number, "Rad i filen": number,
                                "Beskrivelse": st.column_config.TextColumn(width="large")})
    kept = len(report.rule_warnings)
    if n > WARNINGS_SHOWN:
        st.caption(f"Tabellen viser de første {fmt.number(WARNINGS_SHOWN)} av {fmt.number(n)} advarslene"
                   + (f"; filene under har de første {fmt.number(kept)}." if kept < n else
                      "; last ned alle under."))
    stem = f"advarsler-{Path(report.file_name).stem}"
    row = st.container(horizontal=True)
    row.download_button("Last ned advarslene (Excel)", lambda: upload.warnings_xlsx(report), file_name=f"{stem}.xlsx",
                        mime=downloads.XLSX, on_click="ignore", icon=":material/table_view:")
    row.download_button("Last ned advarslene (CSV)", lambda: upload.warnings_csv(report), file_name=f"{stem}.csv",
                        mime="text/csv", on_click="ignore", icon=":material/download:")


uploaded = st.file_uploader("Velg en CSV- eller Excel-fil", type=["csv", "xlsx"], key=f"fil_{kind}")
if uploaded is not None:
    content = uploaded.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:16]
    done_key = f"importert_{digest}_{kind}"
    if st.session_state.get(done_key):
        done = st.session_state[done_key]
        st.success(md(done.summary()))
        show_warnings(done)
    else:
        try:
            checked = upload.check_upload(db_path, user, kind, content, uploaded.name)
        except store.StoreError as exc:  # another import is running, or the database cannot be used
            st.error(md(upload.store_problem(exc)))
            st.stop()
        report = checked.report
        if report.problem_count and not report.rows:  # the file as a whole was refused: say why right here
            st.error(md(" ".join([report.summary(), *(p.message[:1].upper() + p.message[1:] + "."
                                                      for p in report.problems[:3])])))
        else:
            st.subheader("Forhåndsvisning")
            if checked.preview is not None:
                st.dataframe(checked.preview, hide_index=True, width="stretch")
            else:  # the report below says what is wrong with the file
                st.caption("Filen kan ikke vises.")
        st.subheader("Kontroll")
        if not report.ok:
            st.error(md(report.summary()) + " Rett feilene under i filen og last den opp på nytt.")
            st.dataframe(upload.problems_table(report), hide_index=True, width="stretch")
            hidden = report.problem_count - len(report.problems)
            if hidden > 0:
                st.caption(f"… og {hidden} feil til.")
        else:
            st.success(md(report.summary()))
            show_warnings(report)
            if st.button("Bekreft import", type="primary"):
                bar = st.progress(0.0, text="Importerer …")
                total = max(report.rows, 1)
                try:
                    result = upload.commit_upload(
                        db_path, user, kind, content, uploaded.name,
                        progress=lambda n: bar.progress(min(n / total, 1.0), text=f"{n} rader …"))
                except store.StoreError as exc:
                    bar.empty()
                    st.error(md(upload.store_problem(exc)))
                    st.stop()
                bar.progress(1.0, text="Ferdig")
                if result.ok:  # shown once more without the button: the file is in, there is nothing to confirm
                    st.session_state[done_key] = result
                    st.rerun()
                else:  # the database changed between the check and the import
                    st.error(md(result.full_report(), keep_lines=True))

if access.can_approve_months(user):
    approval_section(db_path)

st.header("Importhistorikk")
history = upload.history(db_path)
st.dataframe(history.rename(columns=str.capitalize), hide_index=True, width="stretch")
if access.can_see_audit_log(user):
    with st.expander("Endringslogg: alle endringer, hvem og når"):
        st.dataframe(upload.audit_log(db_path).rename(columns=str.capitalize), hide_index=True, width="stretch")
