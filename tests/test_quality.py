"""Quality key information: grouping by source, each item in its own period kind, context, side by side."""

from __future__ import annotations

import pytest

from navdash import aggregate, quality, store
from navdash.periods import parse_period


def _view(db, unit, period):
    with store.reading(db) as con:
        return quality.build(con, unit, parse_period(period))


def test_groups_by_source_family():
    assert quality.group_of("N.TILFR", None) == "brukerundersokelser"
    assert quality.group_of("N.SKLTID", None) == "serviceklager"
    assert quality.group_of("N.KMDOK", None) == "kvalitetsmalinger"
    assert quality.group_of("N.OMGNYDP", "NAV Arbeid og ytelser, årsaksundersøkelse") == "klageinstans"
    assert quality.group_of("X.NY", "NAV Klageinstans, statistikk") == "klageinstans"
    assert quality.group_of("X.NY", "noe annet") == "annet"


def test_items_keep_their_own_period_kind_and_show_fylke_and_norge(demo_db):
    view = _view(demo_db, "0312", "2021-12")
    assert [k for k, _t, _i in view.groups] == ["brukerundersokelser", "serviceklager", "kvalitetsmalinger",
                                                 "klageinstans"]
    items = {i.indicator_id: i for i in view.items}
    assert items["N.KMKORR"].period_label == "2021 T3" and items["N.SKLTID"].period_label == "desember 2021"
    assert items["N.TILLIT"].period_label == "2021"
    assert [c[0] for c in items["N.KMKORR"].context] == ["0300", "0000"]
    with store.reading(demo_db) as con:
        oslo = aggregate.unit_series(con, "0300", ["N.KMKORR"], 2021, 2021)
    row = oslo[oslo["period"] == "2021-T3"].iloc[0]
    assert items["N.KMKORR"].context[0][2].value == pytest.approx(100 * row.numerator / row.denominator)
    assert items["N.OMGDP"].value.value is None and items["N.OMGDP"].context[1][2].value is not None


def test_latest_measurement_before_the_month(demo_db):
    # from 2021 the quality measurements are made in T1 and T3 only: in August 2021 the latest is 2021 T1
    items = {i.indicator_id: i for i in _view(demo_db, "0312", "2021-08").items}
    assert items["N.KMKORR"].period_label == "2021 T1"
    assert items["N.TILLIT"].period_label == "2020"  # the year 2021 is not over in August


def test_side_by_side_on_tertials_with_monthly_items_summed_and_marked(demo_db):
    view = _view(demo_db, "0312", "2021-12")
    table = quality.side_by_side(view).set_index("indicator_id")
    assert list(table.columns[2:]) == ["2020 T1", "2020 T2", "2020 T3", "2021 T1", "2021 T2", "2021 T3"]
    assert "N.TILLIT" not in table.index  # yearly: no tertials
    assert "summert per tertial" in table.loc["N.SKLTID", "name"]
    with store.reading(demo_db) as con:
        s = aggregate.unit_series(con, "0312", ["N.SKLTID"], 2021, 2021)
    t3 = s[s["period"].isin(["2021-09", "2021-10", "2021-11", "2021-12"])]
    assert table.loc["N.SKLTID", "2021 T3"] == pytest.approx(100 * t3.numerator.sum() / t3.denominator.sum())
    assert table.loc["N.KMKORR", "2021 T2"] != table.loc["N.KMKORR", "2021 T2"]  # no measurement: NaN, not 0
