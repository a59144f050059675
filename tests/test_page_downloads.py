"""AppTest: the målekort and the comparison page offer their table as PDF and Excel, built only when pressed."""

from __future__ import annotations

from tests.pagetest import app


def _downloads(at) -> dict[str, object]:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def _deferred(buttons: dict[str, object]) -> bool:
    return all(b.deferred_file_id and not b.url and b.ignore_rerun for b in buttons.values())


def test_malekort_offers_pdf_and_excel(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/malekort.py", enhet="0312", periode="2022-12")
    buttons = _downloads(at)
    assert set(buttons) == {"Last ned målekortet (PDF)", "Last ned målekortet (Excel)"}
    assert _deferred(buttons)


def test_sammenligning_offers_pdf_and_excel(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/sammenligning.py", indikator="B.15", periode="2022-12")
    buttons = _downloads(at)
    assert set(buttons) == {"Last ned sammenligningen (PDF)", "Last ned sammenligningen (Excel)"}
    assert _deferred(buttons)
