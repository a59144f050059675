"""Periods, the Excel-tolerant cell parsers, and Norwegian formats."""

from __future__ import annotations

from datetime import date

import pytest

from navdash import fmt
from navdash.periods import Period, PeriodError, month_range, parse_period
from navdash.schemas import parse_bool, parse_date, parse_int, parse_number, to_code


@pytest.mark.parametrize(("text", "key", "label"), [
    ("2021-03", "2021-03", "mars 2021"), ("2021-3", "2021-03", "mars 2021"), (" 2021-12 ", "2021-12", "desember 2021"),
    ("2021-T1", "2021-T1", "2021 T1"), ("2021T2", "2021-T2", "2021 T2"), ("2022 t3", "2022-T3", "2022 T3"),
    ("2021", "2021", "2021"), ("2021.0", "2021", "2021"),
])
def test_parse_period(text, key, label):
    p = parse_period(text)
    assert (p.key, p.label()) == (key, label)


@pytest.mark.parametrize(("text", "message"), [
    ("2021-13", "måned 13 finnes ikke"), ("2021-T4", "ikke en gyldig periode"), ("mars 2021", "ikke en gyldig periode"),
    ("1850", "utenfor"), ("", "ikke en gyldig periode"), (None, "perioden mangler"),
])
def test_bad_periods_are_explained(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_period_arithmetic():
    assert parse_period("2021-01").shift(-1).key == "2020-12"
    assert parse_period("2021-T3").shift(1).key == "2022-T1"
    assert parse_period("2021-T2").months()[0].key == "2021-05"
    assert parse_period("2021-T2").end == date(2021, 8, 31)
    assert parse_period("2024-02").end == date(2024, 2, 29)
    assert parse_period("2021-12").same_period_last_year().key == "2020-12"
    assert len(parse_period("2021-04").year_to_date_months()) == 4
    assert [p.key for p in month_range(Period(2020, "M", 11), Period(2021, "M", 2))] == [
        "2020-11", "2020-12", "2021-01", "2021-02"]


def test_future_is_relative_to_today():
    today = date(2026, 11, 24)
    assert not parse_period("2026-11").is_future(today)
    assert parse_period("2026-12").is_future(today)
    assert parse_period("2027").is_future(today)
    assert not parse_period("2026-T3").is_future(today)


@pytest.mark.parametrize(("raw", "value"), [
    ("82,4", 82.4), ("2 104", 2104), ("2\u00a0104", 2104), ("1.234,5", 1234.5), ("82,4 %", 82.4), ("-3", -3),
    ("\u22123", -3), (7, 7.0), ("", None), (None, None), (float("nan"), None),
])
def test_parse_number_accepts_what_excel_writes(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["mange", "inf", "1,2,3", True])
def test_parse_number_refuses_non_numbers(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


def test_parse_int_bool_date_and_codes():
    assert parse_int("12,0") == 12
    with pytest.raises(ValueError, match="heltall"):
        parse_int("2,5")
    assert (parse_bool("Ja"), parse_bool("nei"), parse_bool(1.0), parse_bool("")) == (True, False, True, None)
    assert parse_date("01.03.2021") == parse_date("2021-03-01") == date(2021, 3, 1)
    with pytest.raises(ValueError, match="ikke en dato"):
        parse_date("1. mars")
    assert to_code("Høy er bra") == "hoy_er_bra"
    assert to_code(" Nøkkelinformasjon ") == "nokkelinformasjon"
    assert to_code("skår") == "skar"


def test_norwegian_number_formats():
    assert fmt.number(2104) == "2\u00a0104"
    assert fmt.percent(82.44) == "82,4\u00a0%"
    assert fmt.pp(3.14) == "+3,1\u00a0pp"
    assert fmt.pp(-0.04) == "0,0\u00a0pp"  # no "-0,0"
    assert fmt.pp(-2.5) == "\u22122,5\u00a0pp"
    assert fmt.number(None) == fmt.percent(float("nan")) == "–"
    assert fmt.measure_value(6.1, "prosent") == "6,1\u00a0%"
    assert fmt.measure_change(5, "prosent") == "+5,0\u00a0pp"  # percentage points, never percent of a percent
    assert fmt.measure_change(-12, "antall") == "\u221212"
