"""`python -m navdash pakke`: the monthly statistics package, one PDF per unit and an index, from one data version."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from navdash import __main__ as cli
from navdash import access, disclosure, meetings, scorecard, store
from navdash.exports import package
from navdash.periods import parse_period

FYLKESLEDER = access.DEMO_PERSONAS["fylkesleder"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs)["href"]

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self.links.append((self._href, data))
            self._href = None


def test_the_command_writes_one_pdf_per_unit_and_an_index(small_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NAVDASH_DB", str(small_db))
    meeting = meetings.open_meeting(small_db, FYLKESLEDER, "0300", "2021-02")
    meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Åpent punkt")
    closed = meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Lukket punkt")
    meetings.update_followup(small_db, FYLKESLEDER, closed, status="lukket", meeting_id=meeting)
    out = tmp_path / "pakke"
    assert cli.main(["pakke", "--maaned", "2021-02", "--fylke", "0300", "--ut", str(out)]) == 0
    with store.reading(small_db) as con:  # the units under 0300, independently of the package's own tree walk
        offices = [u for u, in con.execute("SELECT unit_id FROM units WHERE parent_id = '0300' AND valid_to IS NULL "
                                           "ORDER BY name").fetchall()]
        names = dict(con.execute("SELECT unit_id, name FROM units").fetchall())
    expected = ["0300", *offices]
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([f"malekort-{u}-2021-02.pdf" for u in expected] + ["index.html"])
    for unit in expected:
        pdf = (out / f"malekort-{unit}-2021-02.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    index = _Links()
    index.feed((out / "index.html").read_text(encoding="utf-8"))
    assert [href for href, _ in index.links] == [f"malekort-{u}-2021-02.pdf" for u in expected]  # tree order
    assert [text for _, text in index.links] == [f"{u} {names[u]}" for u in expected]
    text = " ".join(index.text)
    assert f"Dataversjon {store.data_version(small_db)}" in text and "Statistikkpakke februar 2021" in text
    assert "DEMODATA" not in text  # the small database is not demo data
    assert re.search(r"Skrev \d+ PDF-er og index.html", capsys.readouterr().out)


def test_the_package_model_has_each_units_scorecard_comments_and_open_points(small_db):
    meeting = meetings.open_meeting(small_db, FYLKESLEDER, "0300", "2021-02")
    meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Åpent punkt")
    closed = meetings.add_followup(small_db, FYLKESLEDER, "0312", meeting, "Lukket punkt")
    meetings.update_followup(small_db, FYLKESLEDER, closed, status="lukket", meeting_id=meeting)
    meetings.write_comment(small_db, FYLKESLEDER, "0313", "B.15", "2021-02", "Se på dette")
    made = package.build(small_db, "2021-02", "0300")
    assert made.data_version == store.data_version(small_db) and made.month_label == "februar 2021"
    by_unit = {r.section.unit_id: r.section for r in made.reports}
    mask = disclosure.mask_for(access.NO_CLEARANCE, small_db)
    for unit, section in by_unit.items():
        card = scorecard.load(unit, parse_period("2021-02"), small_db, mask)
        assert [r.indicator_id for r in section.rows] == [r.indicator_id for r in card.steering]
        for row, live in zip(section.rows, card.steering, strict=True):
            assert row.ytd.withheld == disclosure.is_withheld(live.ytd)
            assert row.ytd.value == live.ytd.value
            assert row.variation_text == (live.signal.variation_text if live.signal else "Ikke månedstall")
    assert [p.text for p in by_unit["0312"].points] == ["Åpent punkt"]  # closed points are not in the package
    assert by_unit["0313"].comments["B.15"].text == "Se på dette"
    assert by_unit["0300"].coverage and "kontorer" in by_unit["0300"].coverage


def test_a_bad_month_or_unit_is_refused_in_norwegian_and_writes_nothing(small_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NAVDASH_DB", str(small_db))
    for args, message in ((["--maaned", "2021-13"], "ukjent måned «2021-13»"),
                          (["--maaned", "2021T1"], "er ikke en måned"),
                          (["--maaned", "1999-01"], "ingen tall for januar 1999"),
                          (["--maaned", "2021-02", "--fylke", "9999"], "enheten «9999» finnes ikke")):
        out = tmp_path / "ut"
        assert cli.main(["pakke", *args, "--ut", str(out)]) == cli.EXIT_REFUSED
        assert message in capsys.readouterr().err
        assert not out.exists()
