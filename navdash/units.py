"""The unit tree: who is above and below whom, and the one order units are listed in.

The tree is given as `parents` (unit -> its parent, None at the root), read with `parents(con)`. Every walk stops at
a ring in bad data instead of looping (the import refuses rings, but a page must not hang on one).

Tree order is one definition, used by every picker, list and meeting: the root, then each unit followed by the
units under it. Siblings come fylker first, then offices (kontor), then other units (styringsenheter,
spesialenheter), each group by name and then enhetsnummer (`order_key`). Never by any result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Parents = Mapping[str, str | None]

TYPE_RANK = {"fylke": 0, "kontor": 1}  # siblings of any other type come after these


@dataclass(frozen=True)
class Node:
    """One unit as the tree needs it."""

    unit_id: str
    name: str
    type: str
    parent_id: str | None


@dataclass(frozen=True)
class Classification:
    """A way to group units besides the unit tree: a column of the units file (`column`) stored in `units`
    (`db_column`), shown as `label`. Comparisons can be drawn within any one group of a classification."""

    column: str
    db_column: str
    label: str


# The optional classification columns of the units file, in the order the comparison page offers them. A new one
# is an entry here, a column in the file's row model (navdash.schemas.UnitRow) and a migration adding the column.
CLASSIFICATIONS = (
    Classification("sammenligningsgruppe", "comparison_group", "Sammenligningsgruppe"),
    Classification("storrelse", "size_class", "Størrelse"),
    Classification("brukersammensetning", "user_mix", "Brukersammensetning"),
    Classification("sentralitet", "centrality", "Sentralitet"),
)
CLASSIFICATION_BY_COLUMN = {c.column: c for c in CLASSIFICATIONS}
# SSB's sentralitetsindeks in six classes (Standard for sentralitet, 2020): 1 is the most central.
CENTRALITY_CLASSES = {"1": "1 (mest sentral)", "2": "2", "3": "3", "4": "4", "5": "5", "6": "6 (minst sentral)"}


def parents(con: Any) -> dict[str, str | None]:
    """Every unit (also merged ones) -> its parent, from an open analytic connection."""
    return dict(con.execute("SELECT unit_id, parent_id FROM units").fetchall())


def nodes(con: Any, *, active_only: bool = False) -> list[Node]:
    """The units of an open analytic connection; with `active_only`, those not merged away or closed."""
    where = " WHERE valid_to IS NULL" if active_only else ""
    return [Node(*row) for row in con.execute(f"SELECT unit_id, name, type, parent_id FROM units{where}").fetchall()]


def from_table(table: Any) -> list[Node]:
    """The units of a table with the columns unit_id, name, type and parent_id (a DataFrame); an empty parent is
    the root."""
    columns = (table["unit_id"], table["name"], table["type"], table["parent_id"])
    return [Node(u, n, t, p if isinstance(p, str) and p else None) for u, n, t, p in zip(*columns, strict=True)]


def ancestors(unit: str, parents: Parents) -> list[str]:
    """The units above `unit`, nearest first."""
    out: list[str] = []
    seen = {unit}
    current = parents.get(unit)
    while current is not None and current not in seen:
        out.append(current)
        seen.add(current)
        current = parents.get(current)
    return out


def chain(unit: str, parents: Parents) -> list[str]:
    """The unit and every unit above it, up to the root."""
    return [unit, *ancestors(unit, parents)]


def is_under(unit: str, ancestor: str, parents: Parents) -> bool:
    """Is `unit` the unit `ancestor` itself or somewhere below it?"""
    return unit == ancestor or ancestor in ancestors(unit, parents)


def children(parents: Parents) -> dict[str | None, list[str]]:
    """Parent -> the units directly under it (None -> the roots), in the order `parents` lists them."""
    out: dict[str | None, list[str]] = {}
    for unit, parent in parents.items():
        out.setdefault(parent, []).append(unit)
    return out


def descendants(unit: str, parents: Parents) -> set[str]:
    """Every unit below `unit` (not the unit itself)."""
    below = children(parents)
    out: set[str] = set()
    todo = [unit]
    while todo:
        for child in below.get(todo.pop(), []):
            if child not in out and child != unit:
                out.add(child)
                todo.append(child)
    return out


def siblings(unit: str, parents: Parents) -> set[str]:
    """The units with the same parent as `unit`, the unit included (none for the root)."""
    parent = parents.get(unit)
    return {u for u, p in parents.items() if p is not None and p == parent}


def nearest_of_type(unit: str, parents: Parents, types: Mapping[str, str], kind: str) -> str | None:
    """The unit itself or the nearest unit above it of the given type (e.g. the fylke an office belongs to)."""
    return next((u for u in chain(unit, parents) if types.get(u) == kind), None)


def order_key(node: Node) -> tuple[int, str, str]:
    """Where a unit stands among its siblings: fylker, then offices, then the rest; by name, then enhetsnummer."""
    return TYPE_RANK.get(node.type, len(TYPE_RANK)), node.name, node.unit_id


def walk(units: Iterable[Node], below: str | None = None) -> list[tuple[Node, int]]:
    """(unit, depth) in tree order: from every root among `units`, or only what is under the unit `below` (its
    children at depth 1). A unit whose parent is not among `units` is not reached (pass only active units to
    leave out what hangs under a closed one)."""
    by_parent: dict[str | None, list[Node]] = {}
    for node in units:
        by_parent.setdefault(node.parent_id, []).append(node)
    for kids in by_parent.values():
        kids.sort(key=order_key)
    out: list[tuple[Node, int]] = []
    seen: set[str] = {below} if below is not None else set()
    start = 0 if below is None else 1
    todo = [(node, start) for node in reversed(by_parent.get(below, []))]
    while todo:
        node, depth = todo.pop()
        if node.unit_id in seen:
            continue
        seen.add(node.unit_id)
        out.append((node, depth))
        todo.extend((child, depth + 1) for child in reversed(by_parent.get(node.unit_id, [])))
    return out


def tree_order(units: Iterable[Node]) -> list[str]:
    """The ids of `units` in tree order (see `walk`)."""
    return [node.unit_id for node, _ in walk(units)]


def positions(units: Iterable[Node]) -> dict[str, int]:
    """unit -> its place in tree order, to sort anything that belongs to a unit (units not reached are absent)."""
    return {unit: i for i, unit in enumerate(tree_order(units))}


def leaves_under(unit: str, units: Iterable[Node]) -> list[Node]:
    """The units at the bottom of the tree below `unit` (the offices under a fylke), in tree order."""
    units = list(units)
    has_children = {node.parent_id for node in units}
    return [node for node, _ in walk(units, below=unit) if node.unit_id not in has_children]
