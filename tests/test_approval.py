"""Approval of months: who approves, what is stored and audited, and what a reader under a cut-off sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from navdash import access, approval, overview, paths, store
from navdash.periods import parse_period
from tests.conftest import app_fingerprint, app_rows

ANALYTIKER = access.DEMO_PERSONAS["analytiker"]
LEDER = access.DEMO_PERSONAS["leder"]
SMALL_MONTHS = ["2019-12", "2021-01", "2021-02"]  # the monthly periods in tests/data/verdier.csv


def every_value(db: Path) -> list[tuple[str, str, str]]:
    with store.reading(db) as con:
        return con.execute('SELECT unit_id, indicator_id, period FROM "values"').fetchall()


# --- the setting and the rule of who ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "on"), [(None, False), ("", False), ("av", False), ("AV", False), ("nei", False),
                                         ("på", True), ("PÅ", True), ("ja", True), ("paa", True),
                                         ("kanskje", True)])  # an unknown value keeps unapproved months hidden
def test_the_setting_is_off_unless_set_and_an_unknown_value_counts_as_on(raw, on, monkeypatch):
    if raw is None:
        monkeypatch.delenv(paths.APPROVAL_ENV, raising=False)
    else:
        monkeypatch.setenv(paths.APPROVAL_ENV, raw)
    assert approval.required() is on
    assert (paths.approval_setting_problem() is not None) is (raw == "kanskje")


@pytest.mark.parametrize("persona", sorted(access.DEMO_PERSONAS))
def test_only_the_analytiker_approves_and_sees_unapproved_months(persona):
    user = access.DEMO_PERSONAS[persona]
    assert access.can_approve_months(user) is (user.role == "analytiker")
    assert access.sees_unapproved_months(user) is (user.role == "analytiker")
    assert not access.can_approve_months(None) and not access.sees_unapproved_months(None)


# --- the cut-off -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("approved", "until"), [
    (set(), store.NOTHING),
    ({"2021-01", "2021-02"}, store.NOTHING),  # the first month is not approved: nothing is public
    ({"2019-12", "2021-02"}, "2019-12"),  # a gap stops the cut-off before it
    ({"2019-12", "2021-01"}, "2021-01"),
    (set(SMALL_MONTHS), "2021-02"),
])
def test_the_public_cut_off_stops_before_the_first_unapproved_month(approved, until):
    assert approval.public_until(SMALL_MONTHS, approved) == until
    assert approval.public_until(list(reversed(SMALL_MONTHS)), approved) == until  # order of the input is no matter


@pytest.mark.parametrize("until", ["2019-12", "2021-01", "2021-04", store.NOTHING])
def test_reads_under_a_cut_off_see_only_periods_that_end_by_then(small_db: Path, until: str):
    everything = every_value(small_db)
    limit = "0000-00" if until == store.NOTHING else until

    def ends_by(period: str) -> bool:
        p = parse_period(period)
        return f"{p.year}-{p.last_month:02d}" <= limit

    expected = sorted(v for v in everything if ends_by(v[2]))
    assert any(parse_period(v[2]).kind == "T" for v in everything)  # the file has a tertial to cut
    with store.reads_limited(until):
        assert sorted(every_value(small_db)) == expected
        assert overview.months_with_data(small_db) == sorted({p for _, _, p in expected if parse_period(p).kind == "M"},
                                                             reverse=True)
    assert sorted(every_value(small_db)) == sorted(everything)  # outside the block, every period again


def test_a_cut_off_must_be_a_month():
    with pytest.raises(ValueError), store.reads_limited("2021-T1"):
        pass
    with pytest.raises(ValueError):
        store.limit_reads("2021")


# --- approving and withdrawing -------------------------------------------------------------------------------------


def test_approving_a_month_approves_it_and_every_earlier_month_each_audited(appdb_backend: str, small_db: Path):
    assert approval.months_with_values(small_db) == SMALL_MONTHS
    assert approval.approve(small_db, ANALYTIKER, "2021-01") == ["2019-12", "2021-01"]
    stored = approval.approvals(small_db)
    assert sorted(stored) == ["2019-12", "2021-01"]
    assert {a.approved_by for a in stored.values()} == {ANALYTIKER.name}
    assert stored["2021-01"].text.startswith(f"godkjent av {ANALYTIKER.name} ")
    assert approval.approve(small_db, ANALYTIKER, "2021-01") == []  # nothing new
    assert approval.approve(small_db, ANALYTIKER, "2021-02") == ["2021-02"]
    audit = app_rows(small_db, "SELECT who, action, target FROM audit_log WHERE action LIKE '%godkj%' "
                               "ORDER BY audit_id")
    assert audit == [(ANALYTIKER.name, "godkjente måned", m) for m in SMALL_MONTHS]


def test_withdrawing_hides_the_month_and_every_later_one_and_is_audited(appdb_backend: str, small_db: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    approval.approve(small_db, ANALYTIKER, "2021-02")
    assert approval.cutoff(small_db, LEDER) == "2021-02"
    assert approval.withdraw(small_db, ANALYTIKER, "2021-01") is True
    assert sorted(approval.approvals(small_db)) == ["2019-12", "2021-02"]
    assert approval.cutoff(small_db, LEDER) == "2019-12"  # 2021-02 is approved but waits for 2021-01
    assert approval.cutoff(small_db, ANALYTIKER) is None
    assert [(s.period, s.approval is not None, s.public) for s in approval.statuses(small_db)] == [
        ("2021-02", True, False), ("2021-01", False, False), ("2019-12", True, True)]
    assert approval.withdraw(small_db, ANALYTIKER, "2021-01") is False  # nothing to withdraw: nothing audited
    audit = app_rows(small_db, "SELECT action, target FROM audit_log WHERE action = 'trakk tilbake godkjenning'")
    assert audit == [("trakk tilbake godkjenning", "2021-01")]


def test_a_leader_cannot_approve_or_withdraw_and_nothing_is_written(appdb_backend: str, small_db: Path):
    approval.approve(small_db, ANALYTIKER, "2019-12")
    before = app_fingerprint(small_db)
    for act in (approval.approve, approval.withdraw):
        with pytest.raises(PermissionError, match="Bare analytikere"):
            act(small_db, LEDER, "2019-12")
        with pytest.raises(PermissionError):
            act(small_db, None, "2019-12")
    with pytest.raises(ValueError, match="ingen tall for mars 2021"):
        approval.approve(small_db, ANALYTIKER, "2021-03")
    with pytest.raises(ValueError):
        approval.approve(small_db, ANALYTIKER, "2021-T1")  # months are approved, not tertials
    assert app_fingerprint(small_db) == before


def test_with_approval_off_nobody_is_cut_off(small_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(paths.APPROVAL_ENV, raising=False)
    for user in access.DEMO_PERSONAS.values():
        assert approval.cutoff(small_db, user) is None
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    assert approval.cutoff(small_db, LEDER) == store.NOTHING
    assert approval.cutoff(small_db, None) == store.NOTHING


def test_the_package_for_leaders_refuses_an_unapproved_month(small_db: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, capsys):
    from navdash import __main__ as cli

    monkeypatch.setenv("NAVDASH_DB", str(small_db))
    monkeypatch.setenv(paths.APPROVAL_ENV, "på")
    approval.approve(small_db, ANALYTIKER, "2021-01")
    out = tmp_path / "pakke"
    assert cli.main(["pakke", "--maaned", "2021-02", "--fylke", "0300", "--ut", str(out)]) == cli.EXIT_REFUSED
    assert "2021-02 er ikke godkjent for visning ennå" in capsys.readouterr().err
    assert not out.exists()
    assert cli.main(["pakke", "--maaned", "2021-01", "--fylke", "0300", "--ut", str(out)]) == 0
    assert (out / "index.html").exists()
    monkeypatch.setenv(paths.APPROVAL_ENV, "av")
    assert cli.main(["pakke", "--maaned", "2021-02", "--fylke", "0300", "--ut", str(tmp_path / "av")]) == 0


def test_every_cached_loader_is_keyed_on_the_viewers_cut_off():
    """A loader decorated with plain `st.cache_data` would serve an analytiker's months to a leader."""
    import ast

    source = (Path(__file__).resolve().parents[1] / "navdash" / "ui" / "data.py").read_text(encoding="utf-8")
    plain, keyed = [], []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for dec in node.decorator_list:
                text = ast.unparse(dec)
                if text.startswith("st.cache_data"):
                    plain.append(node.name)
                elif text.startswith("_cached"):
                    keyed.append(node.name)
    assert plain == ["_months_with_values"]  # read with every month on purpose: the cut-off is computed from it
    assert {"scorecard", "months_with_data", "latest_complete_month", "quality_view", "comparable_periods"} <= set(
        keyed)
