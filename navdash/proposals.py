"""Employees' proposals for the office's local priorities: the office's people propose and comment before the leader
decides (involvement in setting the goals, not only in evaluating results; Mål- og resultatstyring i NAV – del II,
kapittel 11.5.1).

A proposal is never changed after it is made; comments are added under it. The leader decides each proposal
("tatt inn" or "ikke tatt inn", with a note); the decision keeps a copy of the proposal and every comment as they
were when the leader decided, so what was proposed stays on record whatever happens to the priorities afterwards.
The priorities themselves are still written by the leader on the goals page (`navdash.goals.save_priorities`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from navdash import access, appdb

STATUS_TEXT = {"foreslått": "Foreslått", "tatt inn": "Tatt inn", "ikke tatt inn": "Ikke tatt inn"}
MAX_TITLE, MAX_TEXT = 200, 2000
P, PC = appdb.priority_proposals, appdb.proposal_comments


class ProposalProblem(ValueError):
    """Norwegian message for a person; nothing was written."""


@dataclass(frozen=True)
class ProposalComment:
    text: str
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class Proposal:
    proposal_id: int
    unit_id: str
    year: int
    title: str
    reason: str | None
    proposed_by: str
    proposed_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    comments: tuple[ProposalComment, ...]
    decided_on: dict | None = None  # the proposal and its comments as the leader saw them when deciding

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


def _p(db: Path | str | None) -> Path | None:
    return Path(db) if db is not None else None


def _text(value: str | None, what: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ProposalProblem(f"Skriv {what}.")
    if len(text) > limit:
        raise ProposalProblem(f"{what.capitalize()} er {len(text)} tegn; høyst {limit} er tillatt.")
    return text


def propose(db: Path | str | None, user: access.User, unit_id: str, year: int, title: str,
            reason: str | None = None) -> int:
    """A new proposal for the office's priorities for the year; returns its id."""
    if not access.can_propose_priority(user, unit_id):
        raise PermissionError("Bare de som jobber på kontoret kan foreslå kontorets prioriteringer.")
    title = _text(title, "en tittel", MAX_TITLE, required=True)
    reason = _text(reason, "begrunnelsen", MAX_TEXT) or None
    with appdb.writing(_p(db)) as conn:
        proposal_id = appdb.insert_id(conn, P, {
            "unit_id": unit_id, "year": year, "title": title, "reason": reason, "proposed_by": user.name,
            "proposed_at": datetime.now(), "status": "foreslått"})
        appdb.audit(conn, user.name, "forslag til prioritering", f"{unit_id} {year}", f"forslag {proposal_id}")
    return proposal_id


def _owner(conn: sa.Connection, proposal_id: int) -> tuple[str, str]:
    row = conn.execute(sa.select(P.c.unit_id, P.c.status).where(P.c.proposal_id == proposal_id)).first()
    if row is None:
        raise ProposalProblem("Fant ikke forslaget.")
    return row[0], row[1]


def comment(db: Path | str | None, user: access.User, proposal_id: int, text: str) -> None:
    """A comment under a proposal that the leader has not decided yet."""
    text = _text(text, "en kommentar", MAX_TEXT, required=True)
    with appdb.writing(_p(db)) as conn:
        unit_id, status = _owner(conn, proposal_id)
        if not access.can_propose_priority(user, unit_id):
            raise PermissionError("Bare de som jobber på kontoret kan kommentere forslagene.")
        if status != "foreslått":
            raise ProposalProblem("Lederen har allerede avgjort forslaget, så det kan ikke kommenteres lenger.")
        conn.execute(PC.insert().values(proposal_id=proposal_id, text=text, written_by=user.name,
                                        written_at=datetime.now()))
        appdb.audit(conn, user.name, "kommentar til forslag", unit_id, f"forslag {proposal_id}")


def decide(db: Path | str | None, user: access.User, proposal_id: int, accepted: bool, note: str = "") -> None:
    """The office's leader takes a proposal in or not, with a note; the decision keeps what was proposed."""
    note = _text(note, "begrunnelsen for avgjørelsen", MAX_TEXT)
    with appdb.writing(_p(db)) as conn:
        unit_id, status = _owner(conn, proposal_id)
        if not access.can_edit_priorities(user, unit_id):
            raise PermissionError("Bare lederen for kontoret avgjør forslagene til kontorets prioriteringer.")
        if status != "foreslått":
            raise ProposalProblem("Forslaget er allerede avgjort.")
        seen = _load(conn, P.c.proposal_id == proposal_id)[0]
        decided_on = {"title": seen.title, "reason": seen.reason, "proposed_by": seen.proposed_by,
                      "proposed_at": seen.proposed_at.isoformat(),
                      "comments": [{"text": c.text, "written_by": c.written_by,
                                    "written_at": c.written_at.isoformat()} for c in seen.comments]}
        decision = "tatt inn" if accepted else "ikke tatt inn"
        conn.execute(P.update().where(P.c.proposal_id == proposal_id).values(
            status=decision, decided_by=user.name, decided_at=datetime.now(), decision_note=note or None,
            decided_on=json.dumps(decided_on)))
        appdb.audit(conn, user.name, f"forslag {decision}", unit_id, f"forslag {proposal_id}")


def _load(conn: sa.Connection, where: sa.ColumnElement) -> list[Proposal]:
    rows = conn.execute(sa.select(P).where(where).order_by(P.c.proposed_at, P.c.proposal_id)).mappings().all()
    ids = [r["proposal_id"] for r in rows]
    notes: dict[int, list[ProposalComment]] = {}
    if ids:
        for c in conn.execute(sa.select(PC).where(PC.c.proposal_id.in_(ids))
                              .order_by(PC.c.written_at, PC.c.comment_id)).mappings():
            notes.setdefault(c["proposal_id"], []).append(ProposalComment(c["text"], c["written_by"],
                                                                          c["written_at"]))
    return [Proposal(r["proposal_id"], r["unit_id"], int(r["year"]), r["title"], r["reason"], r["proposed_by"],
                     r["proposed_at"], r["status"], r["decided_by"], r["decided_at"], r["decision_note"],
                     tuple(notes.get(r["proposal_id"], ())),
                     json.loads(r["decided_on"]) if r["decided_on"] else None) for r in rows]


def for_unit(db: Path | str | None, unit_id: str, year: int) -> list[Proposal]:
    """The office's proposals for the year, oldest first, with their comments."""
    with appdb.reading(_p(db)) as conn:
        return _load(conn, sa.and_(P.c.unit_id == unit_id, P.c.year == year))
