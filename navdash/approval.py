"""Approval of months before they are shown to everyone (optional, per installation: NAVDASH_GODKJENNING=på).

NAV publishes its monthly numbers once the statistics are checked. With approval on, an imported month is visible
to the analytiker at once (to check it) and to everyone else only after an analytiker approves it. Approvals are app
writes: one row per approved month in the application database (who, when); withdrawing removes the row; both go to
the audit log.

What everyone else sees is one cut-off: every month up to and including the latest approved month that has no
unapproved month with values before it, and every tertial and year that ends by then. Why one cut-off and not
"the approved months": a month's figures carry the months before it (year to date, the same month last year, the
trend and control limits of a series), so a month shown after a gap would let the unapproved month's numbers be
worked out, and year-to-date sums with a hole in them would be wrong without saying so. A later month that is
approved while an earlier one is not (or was withdrawn) therefore waits; the upload page says so. Approving a
month approves every earlier month with values that is not approved yet ("til og med"), each with its own row and
audit entry, so an installation that turns approval on can publish its history in one step.

The cut-off is enforced where values are read (`store.reading` under `store.limit_reads`), so period pickers,
default months, målekort series and signals, year-to-date sums, quality, comparison, meetings, exports and the
goals page all see the same months; the cached loaders in navdash.ui.data are keyed on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from navdash import access, appdb, paths, store
from navdash.access import User
from navdash.periods import parse_period

T = appdb.month_approvals


@dataclass(frozen=True)
class Approval:
    period: str
    approved_by: str
    approved_at: datetime

    @property
    def text(self) -> str:
        return f"godkjent av {self.approved_by} {self.approved_at:%d.%m.%Y}"


@dataclass(frozen=True)
class MonthStatus:
    """One imported month as the analytiker sees it on the upload page."""

    period: str
    approval: Approval | None
    public: bool  # shown to everyone (within the cut-off)

    @property
    def label(self) -> str:
        return parse_period(self.period).label()

    @property
    def text(self) -> str:
        if self.approval is None:
            return "ikke godkjent"
        if not self.public:
            return f"{self.approval.text} – venter på en tidligere måned"
        return self.approval.text


def required() -> bool:
    """Is approval on for this installation (NAVDASH_GODKJENNING)?"""
    return paths.approval_required()


def approvals(db: Path | str | None) -> dict[str, Approval]:
    """Every approved month and who approved it when."""
    with appdb.reading(db) as conn:
        rows = conn.execute(sa.select(T.c.period, T.c.approved_by, T.c.approved_at)).all()
    return {r.period: Approval(r.period, r.approved_by, r.approved_at) for r in rows}


def months_with_values(db: Path | str | None) -> list[str]:
    """Every month with values, oldest first, whoever is asking (the cut-off is computed from these)."""
    with store.reads_limited(None), store.reading(Path(db) if db else None) as con:
        rows = con.execute("""SELECT DISTINCT period FROM "values" WHERE period_kind = 'M' ORDER BY period""")
        return [r[0] for r in rows.fetchall()]


def public_until(months: list[str], approved: set[str] | dict[str, Approval]) -> str:
    """The cut-off for everyone but the analytiker: the last of `months` (oldest first) before the first one that is
    not approved; store.NOTHING when the first month is not approved (or there are none)."""
    until = store.NOTHING
    for month in sorted(months):
        if month not in approved:
            break
        until = month
    return until


def within(until: str | None, period: str) -> bool:
    """Is the period (a month, tertial or year) shown under the cut-off `until` (see `cutoff`)?"""
    if until is None:
        return True
    p = parse_period(period)
    return until != store.NOTHING and f"{p.year}-{p.last_month:02d}" <= until


def is_withheld(until: str | None, period: str) -> bool:
    """Is `period` a valid period that the cut-off hides (False for text that is not a period at all)?"""
    try:
        return not within(until, period)
    except ValueError:
        return False


def cutoff(db: Path | str | None, user: User | None) -> str | None:
    """The month the user's reads are cut off after (store.limit_reads): None when approval is off or the user sees
    unapproved months; otherwise `public_until` (store.NOTHING when nothing is approved yet)."""
    if not required() or access.sees_unapproved_months(user):
        return None
    return public_until(months_with_values(db), approvals(db))


def statuses(db: Path | str | None) -> list[MonthStatus]:
    """Every month with values, newest first, with its approval and whether everyone sees it."""
    months = months_with_values(db)
    done = approvals(db)
    until = public_until(months, done)
    return [MonthStatus(m, done.get(m), within(until, m)) for m in reversed(months)]


def _require(user: User | None) -> User:
    if user is None or not access.can_approve_months(user):
        raise PermissionError("Bare analytikere kan godkjenne måneder.")
    return user


def _month_with_values(db: Path | str | None, period: str) -> list[str]:
    p = parse_period(period)
    months = months_with_values(db)
    if p.kind != "M" or p.key not in months:
        raise ValueError(f"Det finnes ingen tall for {p.label()} å godkjenne.")
    return months


def approve(db: Path | str | None, user: User | None, period: str) -> list[str]:
    """Approve the month and every earlier month with values that is not approved yet. Returns the months this
    approved, oldest first (none when all were approved already); each gets its own row and audit entry."""
    who = _require(user)
    months = _month_with_values(db, period)
    key = parse_period(period).key
    now = datetime.now()
    try:
        with appdb.writing(db) as conn:
            done = {r[0] for r in conn.execute(sa.select(T.c.period))}
            new = [m for m in months if m <= key and m not in done]
            for month in new:
                conn.execute(T.insert().values(period=month, approved_by=who.name, approved_at=now))
                appdb.audit(conn, who.name, "godkjente måned", month,
                            "" if month == key else f"med godkjenningen til og med {key}")
    except sa.exc.IntegrityError as exc:  # another analyst approved one of the months in the same instant
        raise appdb.AppDbBusy(appdb.BUSY_MESSAGE) from exc
    return new


def withdraw(db: Path | str | None, user: User | None, period: str) -> bool:
    """Withdraw the month's approval: it and every later month are hidden again from everyone but the analytiker.
    Returns False when the month was not approved."""
    who = _require(user)
    key = parse_period(period).key
    with appdb.writing(db) as conn:
        gone = conn.execute(T.delete().where(T.c.period == key)).rowcount
        if gone:
            appdb.audit(conn, who.name, "trakk tilbake godkjenning", key)
    return bool(gone)
