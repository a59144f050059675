"""The unit tree helper: the walks, and the one tree order every list and picker uses."""

from __future__ import annotations

import duckdb

from navdash import access, meetings, units
from navdash.units import Node

# Norge with two fylker (numbers and names disagree on their order), a fylke that holds an office and a special
# unit whose name comes first, and units directly under Norge.
TREE = [
    Node("0000", "Norge", "land", None),
    Node("4100", "NAV Kontaktsenter", "styringsenhet", "0000"),
    Node("1100", "NAV Agder", "fylke", "0000"),
    Node("0300", "NAV Oslo", "fylke", "0000"),
    Node("0313", "NAV St. Hanshaugen", "kontor", "0300"),
    Node("0312", "NAV Frogner", "kontor", "0300"),
    Node("0390", "NAV Arbeidslivssenter Oslo", "spesialenhet", "0300"),
    Node("1103", "NAV Stavanger", "kontor", "1100"),
    Node("4703", "NAV Hjelpemiddelsentral", "spesialenhet", "0000"),
]
PARENTS = {n.unit_id: n.parent_id for n in TREE}


def test_tree_order_is_fylker_then_offices_then_the_rest_each_by_name():
    assert units.tree_order(TREE) == ["0000", "1100", "1103", "0300", "0312", "0313", "0390", "4703", "4100"]
    assert [depth for _, depth in units.walk(TREE)] == [0, 1, 2, 1, 2, 2, 2, 1, 1]
    assert units.positions(TREE)["0300"] == 3


def test_tree_order_ignores_the_order_units_are_given_in():
    assert units.tree_order(reversed(TREE)) == units.tree_order(TREE)


def test_walk_below_a_unit_and_the_leaves_under_it():
    assert [n.unit_id for n, _ in units.walk(TREE, below="0300")] == ["0312", "0313", "0390"]
    assert [n.unit_id for n in units.leaves_under("0000", TREE)] == ["1103", "0312", "0313", "0390", "4703", "4100"]
    assert units.leaves_under("0312", TREE) == []


def test_ancestors_descendants_siblings():
    assert units.ancestors("0312", PARENTS) == ["0300", "0000"]
    assert units.chain("0312", PARENTS) == ["0312", "0300", "0000"]
    assert units.ancestors("0000", PARENTS) == []
    assert units.descendants("0300", PARENTS) == {"0312", "0313", "0390"}
    assert units.descendants("0000", PARENTS) == set(PARENTS) - {"0000"}
    assert units.siblings("0312", PARENTS) == {"0312", "0313", "0390"}
    assert units.siblings("0000", PARENTS) == set()
    assert units.is_under("0312", "0000", PARENTS) and units.is_under("0312", "0312", PARENTS)
    assert not units.is_under("0300", "0312", PARENTS) and not units.is_under("1103", "0300", PARENTS)
    types = {n.unit_id: n.type for n in TREE}
    assert units.nearest_of_type("0312", PARENTS, types, "fylke") == "0300"
    assert units.nearest_of_type("0300", PARENTS, types, "fylke") == "0300"
    assert units.nearest_of_type("4100", PARENTS, types, "fylke") is None


def test_a_ring_in_bad_data_ends_every_walk():
    ring = {"a": "b", "b": "c", "c": "a", "d": "a"}
    assert units.ancestors("d", ring) == ["a", "b", "c"]
    assert units.descendants("a", ring) == {"b", "c", "d"}
    assert not units.is_under("a", "d", ring)
    nodes = [Node("r", "Rot", "land", None), Node("x", "X", "kontor", "y"), Node("y", "Y", "kontor", "x")]
    assert units.tree_order(nodes) == ["r"]  # the ring hangs under nothing, so it is never reached
    assert [n.unit_id for n, _ in units.walk(nodes, below="x")] == ["y"]


def test_the_meeting_lists_a_fylke_s_offices_before_its_other_units():
    """The meeting used to order a fylke's units by name alone, so a special unit named before the offices came
    first; it now uses the tree order of every picker (offices, then other units, each by name)."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE units (unit_id VARCHAR, name VARCHAR, type VARCHAR, parent_id VARCHAR, valid_to DATE)")
    con.executemany("INSERT INTO units VALUES (?, ?, ?, ?, NULL)",
                    [(n.unit_id, n.name, n.type, n.parent_id) for n in TREE])
    con.execute("INSERT INTO units VALUES ('0314', 'NAV Alna', 'kontor', '0300', DATE '2019-12-31')")  # closed
    assert meetings.offices_in_tree_order(con, "0300") == [
        ("0312", "NAV Frogner"), ("0313", "NAV St. Hanshaugen"), ("0390", "NAV Arbeidslivssenter Oslo")]
    assert units.parents(con)["0314"] == "0300"
    assert [n.unit_id for n in units.nodes(con, active_only=True)] == [n.unit_id for n in TREE]


def test_access_answers_from_the_same_tree():
    fylkesleder = access.User("F", "fylkesleder", "0300")
    assert access.visible_units(fylkesleder, PARENTS) == {"0000", "0300", "0312", "0313", "0390"}
    leder = access.User("L", "leder", "0312")
    assert access.visible_units(leder, PARENTS) == {"0000", "0300", "0312", "0313", "0390"}
    assert access.can_write_for(fylkesleder, "0313", PARENTS) and not access.can_write_for(fylkesleder, "1103",
                                                                                            PARENTS)
    assert access.can_register(fylkesleder, "0300", PARENTS) and not access.can_register(fylkesleder, "0000",
                                                                                          PARENTS)
